package main

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/sim"
)

// runResult is one run of a scenario or one of its variants.
type runResult struct {
	name, description string
	loaded            *scenarios.Loaded
	res               *result.Result
	// With compare --replicas: each replica's seed (replica 0 is loaded
	// and res), how to load a replica, and each replica's verdict.
	seeds    []uint64
	reload   func(seed uint64) (*scenarios.Loaded, error)
	verdicts []string
	// started is the run's start, simulated by the work estimate's probe
	// (nil: none).
	started *startedRun
}

// simulate makes the run (its replica 0), on from the start the probe
// simulated if there is one.
func (r *runResult) simulate(at func(sim.Time)) (*result.Result, error) {
	if p := r.started; p != nil {
		r.started = nil
		return scenarios.Continue(r.loaded, p.s, p.spent, at)
	}
	return scenarios.Run(r.loaded, at)
}

// replicas is how many times the run is made.
func (r *runResult) replicas() int { return max(len(r.seeds), 1) }

// planRuns loads the base scenario and each variant (or the ones asked
// for), checking every one before anything runs.
func planRuns(base *scenarios.Loaded, file string, data []byte, o runOptions) ([]runResult, error) {
	names := o.variants
	if len(names) == 0 {
		names = []string{scenarios.BaseName}
		for _, v := range base.Variants {
			names = append(names, v.Name)
		}
	}
	var runs []runResult
	seen := map[string]bool{}
	var probs scenarios.Problems
	for _, name := range names {
		if seen[name] {
			return nil, flagError("variant", "%s: given twice; give each once", name)
		}
		seen[name] = true
		l, err := scenarios.LoadVariant(file, data, o.allSets(), name)
		if p, ok := err.(scenarios.Problems); ok {
			probs = append(probs, p...)
			continue
		}
		if err != nil {
			return nil, err
		}
		o.stamp(l)
		runs = append(runs, runResult{name: name, description: describe(base, name), loaded: l})
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return runs, nil
}

// runAll runs the runs, one engine per core. Every run uses the same seed,
// so all see the same traffic and the same failures; results stay in the
// order of runs. Replicas (compare --replicas) run after every replica 0
// and keep only their verdicts.
func runAll(runs []runResult, o runOptions, stderr io.Writer) error {
	type job struct{ run, replica int }
	var jobs []job
	var durations []sim.Time
	for k := 0; ; k++ {
		n := len(jobs)
		for i := range runs {
			if k < runs[i].replicas() {
				jobs = append(jobs, job{i, k})
				durations = append(durations, runs[i].loaded.Spec.Duration)
			}
		}
		if len(jobs) == n {
			break
		}
	}
	progress := newProgress(o.progress, stderr, durations)
	g := errgroup.Group{}
	limit := o.jobs
	if limit == 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	g.SetLimit(limit)
	for k, j := range jobs {
		g.Go(func() error {
			r, at := &runs[j.run], func(t sim.Time) { progress.set(k, t) }
			if j.replica > 0 {
				return runReplica(r, j.replica, at)
			}
			res, err := r.simulate(at)
			if res == nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			r.res = res
			if err != nil { // a simulator bug: the results are kept for the report
				return fmt.Errorf("%s: %w", r.name, err)
			}
			if r.verdicts != nil {
				r.verdicts[0] = res.Summary.Verdict.Outcome
			}
			return nil
		})
	}
	err := g.Wait()
	progress.done()
	return err
}

// describe is a variant's description ("the scenario as written" for the
// base).
func describe(base *scenarios.Loaded, name string) string {
	for _, v := range base.Variants {
		if v.Name == name {
			return v.Description
		}
	}
	return "the scenario as written"
}

// printComparison prints the side-by-side table of the runs.
func printComparison(w io.Writer, runs []runResult, dir string) {
	fmt.Fprintln(w)
	outcomeTable(runs).text(w)
	if stable := stableNames(runs); len(stable) > 0 {
		fmt.Fprintf(w, "stable: %s\n", strings.Join(stable, ", "))
	}
	for _, r := range runs {
		if r.res.Summary.Checkpoints != nil {
			fmt.Fprintln(w, "ckpt max: the longest end-to-end duration (trigger to last acknowledgement, as Flink's web UI shows it)")
			fmt.Fprintln(w, "replay: the longest the job went without a newer completed checkpoint (what a failure could replay)")
			break
		}
	}
	fmt.Fprintf(w, "outputs in %s/<variant>/\n", filepath.Clean(dir))
}

// runLinks are the runs for a page: each one's outcome and why, a link to
// its page (href gives it; "" for none) and, when styled, its line in the
// comparison chart.
func runLinks(runs []runResult, href func(name string) string, styled bool) []plots.RunLink {
	var links []plots.RunLink
	for i, r := range runs {
		l := plots.RunLink{Name: r.name, Description: r.description, Href: href(r.name), Style: -1}
		if r.res != nil {
			l.Outcome, l.Why = r.res.Summary.Verdict.Outcome, why(r.res.Summary)
		}
		if styled {
			l.Style = i
		}
		links = append(links, l)
	}
	return links
}

// hrefOf is a relative link to rel (a slash-separated path), each segment
// escaped, so that a directory named with '#', '?', '%' or a space is
// linked, not cut short or read as a query; a first segment with ':' is
// led by "./", not to read as a URL's scheme.
func hrefOf(rel string) string {
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	if strings.Contains(segs[0], ":") {
		segs = append([]string{"."}, segs...)
	}
	return strings.Join(segs, "/")
}

// writeRunsIndex writes dir/index.html for a run of several variants: each
// one's outcome with a link to its page, and the outcome table.
func writeRunsIndex(dir, scenario string, runs []runResult) error {
	t := outcomeTable(runs)
	page := plots.Page{Title: scenario + ": " + human.Plural(len(runs), "run"),
		Runs:   runLinks(runs, func(name string) string { return hrefOf(name + "/index.html") }, false),
		Tables: []plots.Table{pageTable(t, "outcomes")},
		Notes:  []string{"Each run's page has its verdict, job graph, checkpoints and dashboard; flinksim compare draws them over each other."}}
	for _, r := range runs {
		page.Notes = append(page.Notes, r.name+": "+r.description)
	}
	page.Notes = append(page.Notes, t.notes...)
	return plots.WriteIndex(filepath.Join(dir, "index.html"), page)
}

// written are the runs that have results (a run stopped by another's
// invariant violation has none).
func written(runs []runResult) []runResult {
	var out []runResult
	for _, r := range runs {
		if r.res != nil {
			out = append(out, r)
		}
	}
	return out
}

// pageTable is the outcome table for a page that lists the runs above it:
// without its last column, why, which the runs list shows.
func pageTable(t table, caption string) plots.Table {
	pt := plots.Table{Caption: caption, Header: t.header, Rows: t.rows}
	if n := len(t.header); n > 0 && t.header[n-1] == "why" {
		pt.Header = t.header[:n-1]
		pt.Rows = nil
		for _, r := range t.rows {
			pt.Rows = append(pt.Rows, r[:min(len(r), n-1)])
		}
	}
	return pt
}
