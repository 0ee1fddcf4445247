package main

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/sim"
)

// runResult is one run of a scenario or one of its variants.
type runResult struct {
	name, description string
	loaded            *scenarios.Loaded
	res               *models.Result
}

// runAll runs the base scenario and each variant (or just the one asked
// for), one engine per core. Every run uses the same seed, so all see the
// same traffic and the same failures; results come back in a fixed order.
func runAll(base *scenarios.Loaded, file string, data []byte, o runOptions, stderr io.Writer) ([]runResult, error) {
	var runs []runResult
	switch {
	case o.variant != "":
		l, err := scenarios.LoadVariant(file, data, o.allSets(), o.variant)
		if err != nil {
			return nil, err
		}
		desc := "the scenario as written"
		for _, v := range base.Variants {
			if v.Name == o.variant {
				desc = v.Description
			}
		}
		runs = append(runs, runResult{name: o.variant, description: desc, loaded: l})
	default:
		runs = append(runs, runResult{name: scenarios.BaseName, description: "the scenario as written", loaded: base})
		for _, v := range base.Variants {
			l, err := scenarios.LoadVariant(file, data, o.allSets(), v.Name)
			if err != nil {
				return nil, err
			}
			runs = append(runs, runResult{name: v.Name, description: v.Description, loaded: l})
		}
	}
	progress := newProgress(o.progress, stderr, runs)
	g := errgroup.Group{}
	jobs := o.jobs
	if jobs == 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	g.SetLimit(jobs)
	for i := range runs {
		g.Go(func() error {
			s, err := models.New(runs[i].loaded.Spec)
			if err != nil {
				return fmt.Errorf("%s: %w", runs[i].name, err)
			}
			start := time.Now()
			res, err := s.Run(func(t sim.Time) { progress.set(i, t) })
			if err != nil {
				return fmt.Errorf("%s: %w", runs[i].name, err)
			}
			wall := time.Since(start).Seconds()
			res.Summary.WallS = wall
			if wall > 0 {
				res.Summary.Engine.EventsPerS = float64(res.Summary.Engine.Events) / wall
			}
			res.Summary.NotModelledFlinkKeys = runs[i].loaded.NotModelled
			runs[i].res = res
			return nil
		})
	}
	err := g.Wait()
	progress.done()
	return runs, err
}

// progress shows the virtual time reached by the runs on a terminal.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	at    []sim.Time
	total sim.Time
	last  time.Time
}

func newProgress(on bool, w io.Writer, runs []runResult) *progress {
	p := &progress{w: w, on: on, at: make([]sim.Time, len(runs))}
	for _, r := range runs {
		p.total += r.loaded.Spec.Duration
	}
	return p
}

func (p *progress) set(i int, t sim.Time) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.at[i] = t
	if time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	var done sim.Time
	for _, a := range p.at {
		done += a
	}
	pct := 100 * float64(done) / float64(max(p.total, 1))
	fmt.Fprintf(p.w, "\r%3.0f%% of %s virtual time across %d run(s)", pct, p.total, len(p.at))
}

func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// printComparison prints the side-by-side table of the runs: outcome,
// checkpoints, restarts, lag and latency, and what each costs (TaskManagers,
// upload bandwidth, and how much a failure could have to replay).
func printComparison(w io.Writer, runs []runResult, dir string) {
	fmt.Fprintf(w, "\n%-18s %-13s %8s %8s %8s %8s %8s  %4s %9s %8s  %s\n",
		"variant", "outcome", "ckpts", "ckpt max", "restarts", "end lag", "p99 lat", "TMs", "upload", "replay", "why")
	for _, r := range runs {
		s := r.res.Summary
		outcome, maxDur, ok, restarts, upload, replay, why := "-", "-", "-", "-", "-", "-", ""
		if c := s.Checkpoints; c != nil {
			outcome = c.Verdict.Outcome
			maxDur = humanSeconds(c.DurationS.Max)
			ok = fmt.Sprintf("%d/%d", c.Completed, c.Completed+c.Failed)
			restarts = fmt.Sprint(c.Restarts)
			upload = humanCount(c.UploadBandwidth) + "B/s"
			replay = humanSeconds(c.MaxCheckpointAgeS)
			why = c.Verdict.Why
		}
		fmt.Fprintf(w, "%-18s %-13s %8s %8s %8s %8s %8s  %4d %9s %8s  %s\n", r.name, outcome, ok, maxDur, restarts,
			humanCount(float64(s.Records.SourceLag)), humanSeconds(s.LatencyS.P99), s.TaskManagers, upload, replay, why)
	}
	var stable []string
	for _, r := range runs {
		if c := r.res.Summary.Checkpoints; c != nil && c.Verdict.Outcome == models.PhaseStable {
			stable = append(stable, r.name)
		}
	}
	if len(stable) > 0 {
		fmt.Fprintf(w, "stable: %s\n", strings.Join(stable, ", "))
	}
	fmt.Fprintln(w, "replay: the longest the job went without a newer completed checkpoint (what a failure could replay)")
	fmt.Fprintf(w, "outputs in %s/<variant>/\n", filepath.Clean(dir))
}
