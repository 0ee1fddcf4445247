package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// Warnings: what a scenario sets that its runs will not do (an entry Flink
// does not read, a key a flink-version does not have, keys that would
// change the result but are not modelled) and work that may not fit.
// Every command that loads a scenario prints them on stderr with warnf,
// whatever -q says: run and compare each run's, validate the base's and
// each variant's as run would print them; sweep, sweep plan, sweep merge
// and plan the base's that some point has (merge: all), then those the
// base has not that sweep's points
// have (sweep plan: each point, or above confirmRuns each --grid value
// alone; plan: the values it tries),
// once each with the points they apply to.

// warnf prints one warning on w: "flinksim: warning: ...".
func warnf(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "flinksim: warning: "+format+"\n", a...)
}

// flinkConfigWarnings are the messages of a run's warnings: the entries of
// its flink: block Flink does not read (another sets the same option), and
// more (Loaded.Warnings), then the keys that would change the result but
// are not modelled, as one. Keys that cannot change a simulation
// (addresses, ports, security) are left to summary.json.
func flinkConfigWarnings(l *scenarios.Loaded) []string {
	return warningMessages(l.Warnings, l.NotModelled)
}

func warningMessages(ws scenarios.Problems, notModelled []string) []string {
	var ms []string
	for _, p := range ws {
		ms = append(ms, p.String())
	}
	if m := scenarios.NotModelledWarning(notModelled); m != "" {
		ms = append(ms, m)
	}
	return ms
}

// runWarnings are one run's warnings: its name (base, or a variant's) and
// their messages.
type runWarnings struct {
	name string
	msgs []string
}

// printRunWarnings prints the warnings of runs: one every run has once,
// one that only some have (a variant's own flink: keys) once for each,
// after its name.
func printRunWarnings(w io.Writer, runs []runWarnings) {
	if len(runs) == 0 {
		return
	}
	count := map[string]int{}
	for _, r := range runs {
		for _, m := range r.msgs {
			count[m]++
		}
	}
	for _, m := range runs[0].msgs {
		if count[m] == len(runs) {
			warnf(w, "%s", m)
		}
	}
	for _, r := range runs {
		for _, m := range r.msgs {
			switch {
			case count[m] == len(runs):
			case strings.Contains(m, ": variants."+r.name+"."):
				warnf(w, "%s", m) // it names the variant already, at its set: entry
			default:
				warnf(w, "%s: %s", r.name, m)
			}
		}
	}
}

// reportRunsFlinkConfig prints the warnings of the runs made
// (printRunWarnings).
func reportRunsFlinkConfig(w io.Writer, runs []runResult) {
	var rw []runWarnings
	for _, r := range runs {
		rw = append(rw, runWarnings{r.name, flinkConfigWarnings(r.loaded)})
	}
	printRunWarnings(w, rw)
}

// reportScenarioWarnings prints the warnings of a scenario loaded: the
// base's, and those of each variant loaded with it (validate's: all of
// them), as run prints the warnings of its runs.
func reportScenarioWarnings(w io.Writer, l *scenarios.Loaded) {
	reportBaseWarnings(w, l, nil)
}

// reportBaseWarnings is reportScenarioWarnings without the base's
// messages in skip (those no point of a sweep has).
func reportBaseWarnings(w io.Writer, l *scenarios.Loaded, skip map[string]bool) {
	var base []string
	for _, m := range flinkConfigWarnings(l) {
		if !skip[m] {
			base = append(base, m)
		}
	}
	rw := []runWarnings{{scenarios.BaseName, base}}
	for _, v := range l.VariantWarnings {
		rw = append(rw, runWarnings{v.Name, warningMessages(v.Warnings, v.NotModelled)})
	}
	printRunWarnings(w, rw)
}

// pointWarnings gathers the warnings of the points of a sweep (or of the
// values plan tries): the base's that some point has, printed first as
// run prints a run's, then those the base does not have, each once, with
// the points it applies to.
type pointWarnings struct {
	flag   string            // where the points' settings come from: --grid, --target
	noun   string            // what the points are: "points", "values tried"
	one    string            // one of them: "point", "value tried"
	loaded *scenarios.Loaded // the base
	base   map[string]bool   // the base's messages
	seen   map[string]bool   // those of the base's that some point has
	pts    []warnedPoint
	msgs   []string         // in the order first seen
	at     map[string][]int // each message's points (indexes in pts)
}

// warnedPoint is one point's settings, key=value in the order of the axes.
type warnedPoint struct{ keys, values []string }

func (p warnedPoint) label() string {
	parts := make([]string, len(p.keys))
	for i, k := range p.keys {
		parts[i] = k + "=" + p.values[i]
	}
	return strings.Join(parts, ",")
}

// newPointWarnings gathers the points' warnings; print prints the base's
// that some point has, then those the base has not.
func newPointWarnings(flag, one, noun string, base *scenarios.Loaded) *pointWarnings {
	t := &pointWarnings{flag: flag, noun: noun, one: one, loaded: base, base: map[string]bool{}, seen: map[string]bool{}, at: map[string][]int{}}
	for _, m := range flinkConfigWarnings(base) {
		t.base[m] = true
	}
	return t
}

// checked is r's Checked: each point of r's plan (plan sets a plan for
// each value it tries).
func (t *pointWarnings) checked(r *sweep.Runner) func(sweep.Point, *scenarios.Loaded) {
	return func(pt sweep.Point, l *scenarios.Loaded) {
		var keys []string
		for _, ax := range r.Plan.Axes {
			keys = append(keys, ax.Key)
		}
		t.add(keys, pt.Values, l)
	}
}

// planWarnings prints the warnings of the points of sweep plan's plan
// that the base has not, once each with the points they apply to, and
// returns their problems (a combination of values the scenario refuses),
// as sweep would before running. Above confirmRuns distinct points, which
// would take a while to load (a grid may have a million), it loads each
// value alone instead (valueWarnings) and says so: a warning or problem
// only a combination brings then shows at sweep.
// The note goes to notes (-q: none).
func planWarnings(r *sweep.Runner, plan *sweep.Plan, base *scenarios.Loaded, flag string, w, notes io.Writer) error {
	keys := map[string]bool{}
	for _, pt := range plan.Points {
		keys[pt.Key] = true
	}
	if n := len(keys); n > confirmRuns {
		fmt.Fprintf(notes, "flinksim: note: warnings are from each %s value alone, not from each of the %d points (more than %d to load); a warning or problem only a combination of values brings shows at sweep, which loads every point before running\n", flag, n, confirmRuns)
		return valueWarnings(r, base, flag, w)
	}
	t := newPointWarnings(flag, "point", "points", base)
	r.Checked = t.checked(r)
	err := r.Check(plan.Points)
	t.print(w)
	return gridProblems(err, r.Plan.Axes, flag)
}

// gridProblems names a problem of a point at one of its own settings by
// where the setting came from (--grid key=value), not --set as it was
// applied. err, when not scenarios.Problems, is returned as it is.
func gridProblems(err error, axes []scenarios.Axis, flag string) error {
	var ps scenarios.Problems
	if !errors.As(err, &ps) {
		return err
	}
	for i, p := range ps {
		set, ok := strings.CutPrefix(p.File, "--set ")
		for _, ax := range axes {
			if ok && strings.HasPrefix(set, ax.Key+"=") {
				ps[i].File = flag + " " + set
			}
		}
	}
	return ps
}

// valueWarnings prints the warnings of each value of r's axes, loaded
// alone, that the base has not, once each with the values that bring them.
func valueWarnings(r *sweep.Runner, base *scenarios.Loaded, flag string, w io.Writer) error {
	t := newPointWarnings(flag, "grid value", "grid values", base)
	for _, ax := range r.Plan.Axes {
		for _, v := range ax.Values {
			l, err := scenarios.LoadVariant(r.File, r.Data, append(slices.Clip(r.Sets), ax.Key+"="+v), scenarios.BaseName)
			if err != nil {
				return err
			}
			t.add([]string{ax.Key}, []string{v}, l)
		}
	}
	t.print(w)
	return nil
}

// add takes the warnings of one point, its settings keys=values, loaded as
// l. A warning at a setting of the point's says so (--grid key), not --set
// as it was applied, and without the value, which the points it is printed
// with name: the same warning at every value of a key is one.
func (t *pointWarnings) add(keys, values []string, l *scenarios.Loaded) {
	pt := warnedPoint{keys, values}
	t.pts = append(t.pts, pt)
	ws := slices.Clone(l.Warnings)
	for i, w := range ws {
		set := strings.TrimPrefix(w.File, "--set ")
		for j, k := range keys {
			if w.File != set && set == k+"="+values[j] {
				ws[i].File = t.flag + " " + k
			}
		}
	}
	for _, m := range warningMessages(ws, l.NotModelled) {
		if t.base[m] {
			t.seen[m] = true
			continue
		}
		if t.at[m] == nil {
			t.msgs = append(t.msgs, m)
		}
		t.at[m] = append(t.at[m], len(t.pts)-1)
	}
}

// print prints the base's warnings that some point has (all of them
// when no point was loaded), as run prints a run's, then each of the
// points' own once, after the points it applies to. A warning about the
// base's value of a key every point sets (the grid's, plan's target) is
// in no run: no point has it.
func (t *pointWarnings) print(w io.Writer) {
	unseen := map[string]bool{}
	for m := range t.base {
		if !t.seen[m] && len(t.pts) > 0 {
			unseen[m] = true
		}
	}
	reportBaseWarnings(w, t.loaded, unseen)
	for _, m := range t.msgs {
		warnf(w, "%s: %s", t.where(t.at[m]), m)
	}
}

// where names the points at among all: every one; those with some values
// of one setting, and only they ("flink-version=1.15 or 1.16 (2 of 4
// points)"); else up to three, and how many more.
func (t *pointWarnings) where(at []int) string {
	n, total := len(at), len(t.pts)
	switch {
	case n == total && total == 1:
		return "the only " + t.one // not "all 1 points"
	case n == total:
		return fmt.Sprintf("all %d %s", total, t.noun)
	}
	count := fmt.Sprintf(" (%d of %d %s)", n, total, t.noun)
	first := t.pts[at[0]]
	for i, k := range first.keys {
		if vals, ok := t.valuesOf(at, i, k); ok {
			return k + "=" + orList(vals, 5) + count
		}
	}
	var labels []string
	for _, j := range at[:min(n, 3)] {
		labels = append(labels, t.pts[j].label())
	}
	more := ""
	if n > 3 {
		more = fmt.Sprintf(" and %d more", n-3)
	}
	return strings.Join(labels, "; ") + more + count
}

// valuesOf are the values of setting i (key k) of the points at, when they
// are the only points with these values (ok).
func (t *pointWarnings) valuesOf(at []int, i int, k string) (vals []string, ok bool) {
	has := func(p warnedPoint) bool { return i < len(p.keys) && p.keys[i] == k }
	for _, j := range at {
		p := t.pts[j]
		if !has(p) {
			return nil, false
		}
		if !slices.Contains(vals, p.values[i]) {
			vals = append(vals, p.values[i])
		}
	}
	with := 0
	for _, p := range t.pts {
		if has(p) && slices.Contains(vals, p.values[i]) {
			with++
		}
	}
	return vals, with == len(at)
}

// orList joins vals with "or", the first up to most and how many more:
// "1s or 2s or 3s", "1s or 2s or 3s or 4s or 5s or 95 more".
func orList(vals []string, most int) string {
	if len(vals) <= most {
		return strings.Join(vals, " or ")
	}
	return strings.Join(vals[:most], " or ") + fmt.Sprintf(" or %d more", len(vals)-most)
}
