package main

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// axisUnit is how a swept value is drawn.
func axisUnit(k scenarios.Quantity) plots.Unit {
	switch k {
	case scenarios.QCount:
		return plots.UnitCount
	case scenarios.QDuration:
		return plots.UnitSeconds
	case scenarios.QBytes:
		return plots.UnitBytes
	case scenarios.QRate:
		return plots.UnitRate
	case scenarios.QByteRate:
		return plots.UnitByteRate
	}
	return plots.UnitNone
}

// outcomeUnit is how an outcome is drawn, from its name's suffix, the
// longer suffixes first, as sweep's unitOf reads them: _ms_per_s and
// _bytes_per_s end in _s too, and are no durations.
func outcomeUnit(name string) plots.Unit {
	switch {
	case strings.HasSuffix(name, "_ms_per_s"):
		return plots.UnitNone
	case strings.HasSuffix(name, "_bytes_per_s"):
		return plots.UnitByteRate
	case strings.HasSuffix(name, "_rps"):
		return plots.UnitRate
	case strings.HasSuffix(name, "_s"):
		return plots.UnitSeconds
	case strings.HasPrefix(name, "lag_"), strings.HasPrefix(name, "checkpoints_"), name == "restarts":
		return plots.UnitCount
	}
	return plots.UnitNone
}

// defaultOutcomes are charted when --outcome is not given: the checkpoint
// ones when some run checkpointed, even if none completed a checkpoint (the
// page then says so, rather than leaving the chart out unexplained).
func defaultOutcomes(recs []sweep.Record) []string {
	out := []string{"stable", "latency_p99_s", "lag_end", "sink_rps"}
	for _, r := range recs {
		if r.Outcome.Checkpointing || r.Outcome.CheckpointsCompleted+r.Outcome.CheckpointsFailed > 0 {
			return append(out, "checkpoint_duration_max_s", "restarts")
		}
	}
	return out
}

// drawSweep draws the sweep's charts and index.html into dir and returns
// the names of the files written: a line per outcome for one axis, a heat
// map per outcome (with the stable region's boundary) for two.
func drawSweep(dir string, plan *sweep.Plan, recs []sweep.Record, outcomes []string) (string, error) {
	if len(outcomes) == 0 {
		outcomes = defaultOutcomes(recs)
	}
	for _, o := range outcomes {
		if _, err := (sweep.Outcome{}).Get(o); err != nil {
			return "", flagError("outcome", "%v", err)
		}
	}
	var keys []string
	for _, ax := range plan.Axes {
		keys = append(keys, ax.Key)
	}
	page := plots.Page{Title: strings.TrimPrefix(plan.Scenario+": sweep of "+strings.Join(keys, " × "), ": "),
		Notes: []string{fmt.Sprintf("Scenario %s: %s: %s × %s; seeds derived from %d.",
			plan.Scenario, human.Plural(len(recs), "run"), human.Plural(len(plan.Points)/plan.Replicas, "point"), human.Plural(plan.Replicas, "replica"), plan.Seed)}}
	var files []string
	if len(plan.Axes) > 2 {
		page.Notes = append(page.Notes, "More than two axes: no charts; points.jsonl holds every run.")
	}
	for _, o := range outcomes {
		st, err := plan.Summarise(recs, o)
		if err != nil {
			return "", err
		}
		// Each figure twice: one draws the SVG, its twin the PNG at the
		// same time (plots.Figure.WriteFiles).
		var fig, twin *plots.Figure
		switch len(plan.Axes) {
		case 1:
			fig, twin = plots.Line(band(plan, st, o)), plots.Line(band(plan, st, o))
		case 2:
			fig, twin = plots.Heatmap(grid(plan, st, o)), plots.Heatmap(grid(plan, st, o))
		default:
			continue
		}
		if fig.Empty() {
			if why := sweep.WhyMissing(o); why != "" && len(plan.Axes) <= 2 && allNoValue(st) {
				page.Notes = append(page.Notes, fmt.Sprintf("%s: no chart, no run has a value (%s).", o, why))
			}
			continue
		}
		name := "sweep-" + o
		if err := fig.WriteFiles(dir, name, twin); err != nil {
			return "", err
		}
		files = append(files, name+".svg", name+".png")
		page.Figures = append(page.Figures, plots.NamedFigure{Title: o, Figure: fig})
	}
	page.Tables = []plots.Table{pointsTable(plan, recs, outcomes)}
	if err := plots.WriteIndex(filepath.Join(dir, "index.html"), page); err != nil {
		return "", err
	}
	files = append(files, "index.html")
	return strings.Join(files, ", "), nil
}

// allNoValue says no point that ran has a value for the outcome.
func allNoValue(st []sweep.Stats) bool {
	for _, s := range st {
		if s.N > 0 && !s.NoValue() {
			return false
		}
	}
	return true
}

// band is an outcome over one axis. A run without a value for it
// (sweep.Outcome.Missing) counts in no mean: a point without one in any
// replica is a gap in the line, never a 0.
func band(plan *sweep.Plan, st []sweep.Stats, outcome string) plots.Band {
	ax := plan.Axes[0]
	b := plots.Band{Param: ax.Key, Outcome: outcome, XUnit: axisUnit(ax.Kind), YUnit: outcomeUnit(outcome), XNames: choiceNames(ax),
		Why: sweep.WhyMissing(outcome)}
	for _, s := range st {
		if s.N == 0 {
			continue
		}
		b.X = append(b.X, s.Nums[0])
		b.Mean, b.Min, b.Max = append(b.Mean, s.Mean), append(b.Min, s.Min), append(b.Max, s.Max)
		b.Missing = append(b.Missing, s.Missing)
	}
	return b
}

func grid(plan *sweep.Plan, st []sweep.Stats, outcome string) plots.Grid {
	ax, ay := plan.Axes[0], plan.Axes[1]
	xs, ys := sortedDistinct(ax.Nums), sortedDistinct(ay.Nums)
	g := plots.Grid{XParam: ax.Key, YParam: ay.Key, Outcome: outcome, XUnit: axisUnit(ax.Kind), YUnit: axisUnit(ay.Kind),
		ZUnit: outcomeUnit(outcome), X: xs, Y: ys, XNames: choiceNames(ax), YNames: choiceNames(ay), Why: sweep.WhyMissing(outcome)}
	nan := math.NaN
	for range ys {
		row := make([]float64, len(xs))
		for j := range row {
			row[j] = nan()
		}
		g.Z = append(g.Z, row)
		g.Stable = append(g.Stable, make([]bool, len(xs)))
		g.Missing = append(g.Missing, make([]int, len(xs)))
	}
	for _, s := range st {
		if s.N == 0 {
			continue
		}
		j, i := slices.Index(xs, s.Nums[0]), slices.Index(ys, s.Nums[1])
		g.Z[i][j] = s.Mean // NaN without a value in any replica
		g.Stable[i][j] = s.Stable
		g.Missing[i][j] = s.Missing
	}
	return g
}

// choiceNames are the values of an axis without order (true/false, an
// enum), whose numbers are their indexes; nil for any other axis.
func choiceNames(ax scenarios.Axis) []string {
	if ax.Kind != scenarios.QChoice {
		return nil
	}
	return ax.Values
}

func sortedDistinct(v []float64) []float64 {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// meanCell is a point's mean of outcome o in the points table: "-" when no
// replica has a value (as compare and sweep plan print one), the mean of
// those that have one and how many when some have none.
func meanCell(o string, s sweep.Stats) string {
	switch {
	case s.N == 0 || s.NoValue():
		return "-"
	case s.Missing > 0:
		return fmt.Sprintf("%s (%d of %s)", plots.Format(outcomeUnit(o), s.Mean), s.N-s.Missing, human.Plural(s.N, "run"))
	}
	return plots.Format(outcomeUnit(o), s.Mean)
}

// pointsTable lists each point: its settings, how many runs, whether all were
// stable, with replicas how many ended in each outcome (MIXED when they
// differ), and the mean of each charted outcome over the runs that have a
// value for it.
func pointsTable(plan *sweep.Plan, recs []sweep.Record, outcomes []string) plots.Table {
	t := plots.Table{Caption: "points (mean over the replicas that have a value; -: none has one)"}
	for _, ax := range plan.Axes {
		t.Header = append(t.Header, ax.Key)
	}
	t.Header = append(t.Header, "runs", "stable")
	if plan.Replicas > 1 {
		t.Header = append(t.Header, "outcomes")
	}
	first := len(t.Header) // of the outcomes' means
	var stats [][]sweep.Stats
	for _, o := range outcomes {
		if o == "stable" {
			continue
		}
		st, _ := plan.Summarise(recs, o)
		stats = append(stats, st)
		t.Header = append(t.Header, o)
	}
	base, _ := plan.Summarise(recs, "stable")
	for i, s := range base {
		var row []string
		for k, ax := range plan.Axes {
			if ax.Kind == scenarios.QChoice { // true/false, an enum: the value itself
				row = append(row, ax.Values[int(s.Nums[k])])
				continue
			}
			row = append(row, plots.Format(axisUnit(ax.Kind), s.Nums[k]))
		}
		stable := "no"
		if s.Stable && s.N > 0 {
			stable = "yes"
		}
		row = append(row, fmt.Sprint(s.N), stable)
		if plan.Replicas > 1 {
			row = append(row, tallyCell(s.Tally))
		}
		for k, st := range stats {
			row = append(row, meanCell(t.Header[first+k], st[i]))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
