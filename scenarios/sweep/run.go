package sweep

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/flinksim/flinksim/scenarios"
)

// Runner runs points of a plan on a scenario.
type Runner struct {
	File string   // names the scenario in messages
	Data []byte   // the scenario's YAML
	Sets []string // the user's --set overrides, applied before each point's
	Plan *Plan
	Jobs int // runs at once; 0: one per core
	// Progress, if set, is called after each run with the number done
	// (from one goroutine at a time).
	Progress func(done, total int)
	// Finished, if set, is called with each run's record as soon as it is
	// done (from one goroutine at a time), e.g. to keep it in a Journal; an
	// error stops the sweep.
	Finished func(Record) error
	// Checked, if set, is called by Check with each point it loads (one
	// replica of each) and its scenario, e.g. to gather the points'
	// warnings.
	Checked func(Point, *scenarios.Loaded)
}

// Check loads every point without running it, so that a value a field
// refuses is reported, all at once, before hours of runs.
func (r *Runner) Check(points []Point) error {
	var probs scenarios.Problems
	seen := map[string]bool{}
	for _, pt := range points {
		if seen[pt.Key] {
			continue
		}
		seen[pt.Key] = true
		l, err := r.load(pt)
		if err != nil {
			var p scenarios.Problems
			if !errors.As(err, &p) {
				return err
			}
			probs = append(probs, p...)
			continue
		}
		if r.Checked != nil {
			r.Checked(pt, l)
		}
	}
	if len(probs) > 0 {
		return dedupe(probs)
	}
	return nil
}

func dedupe(ps scenarios.Problems) scenarios.Problems {
	seen := map[scenarios.Problem]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Load loads a point's scenario without running it.
func (r *Runner) Load(pt Point) (*scenarios.Loaded, error) { return r.load(pt) }

func (r *Runner) load(pt Point) (*scenarios.Loaded, error) {
	sets := append(append([]string(nil), r.Sets...), pt.Sets(r.Plan.Axes)...)
	return scenarios.LoadVariant(r.File, r.Data, sets, scenarios.BaseName)
}

// RunPoint runs one point.
func (r *Runner) RunPoint(pt Point) (Record, error) {
	l, err := r.load(pt)
	if err != nil {
		return Record{}, err
	}
	res, err := scenarios.Run(l, nil)
	if err != nil {
		return Record{}, fmt.Errorf("%s replica %d: %w", pt.Key, pt.Replica, err)
	}
	return r.Plan.record(pt, OutcomeOf(res)), nil
}

// Run runs the points, Jobs at a time, and returns their records in the
// order of points (which does not depend on Jobs).
func (r *Runner) Run(points []Point) ([]Record, error) {
	recs := make([]Record, len(points))
	jobs := r.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	var mu sync.Mutex
	done := 0
	g := errgroup.Group{}
	g.SetLimit(jobs)
	for i := range points {
		g.Go(func() error {
			rec, err := r.RunPoint(points[i])
			if err != nil {
				return err
			}
			recs[i] = rec
			mu.Lock()
			defer mu.Unlock()
			if r.Finished != nil {
				if err := r.Finished(rec); err != nil {
					return err
				}
			}
			done++
			if r.Progress != nil {
				r.Progress(done, len(points))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return recs, nil
}
