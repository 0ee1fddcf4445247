package plots

import (
	"fmt"
	"math"
	"slices"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Run is one named result for Compare, e.g. a variant.
type Run struct {
	Name   string
	Result *result.Result
}

// Compare draws runs over each other on shared axes: Kafka lag, latency p99
// (the worst sink), checkpoint durations and restarts, a line per run in
// the same colour and dash pattern in every panel. Panels no run has data for are left out;
// nil results are skipped.
func Compare(runs []Run) *Figure {
	f := &Figure{}
	var rs []*run
	var names []string
	end := 0.0
	for i, rn := range runs {
		if rn.Result == nil {
			continue
		}
		r := newRun(rn.Result)
		rs = append(rs, r)
		name := rn.Name
		if name == "" {
			name = fmt.Sprintf("run %d", i+1)
		}
		names = append(names, name)
		end = max(end, r.end)
	}
	if len(rs) == 0 {
		return f
	}
	f.title = "Comparison of " + human.Plural(len(rs), "run")
	for _, m := range compareMetrics {
		if pn := comparePanel(m, rs, names, end); pn != nil {
			f.add(pn)
		}
	}
	return f
}

// compareMetric is one panel of Compare.
type compareMetric struct {
	title string
	ticks plot.Ticker
	line  func(r *run) (xs, ys []float64)
	ckpt  bool // mark failed and in-progress checkpoints, in the run's colour
}

var compareMetrics = []compareMetric{
	{"Kafka lag (records not yet read)", UnitCount, func(r *run) ([]float64, []float64) {
		return r.res.Times, r.lag()
	}, false},
	{"End-to-end latency p99 (worst sink)", UnitMillis, func(r *run) ([]float64, []float64) {
		return r.res.Times, r.worst(r.sinks, result.MetricLatencyP99)
	}, false},
	{"Checkpoint duration (by trigger time)", UnitSeconds, func(r *run) ([]float64, []float64) {
		ck := r.checkpoints()
		return ck.done.xs, ck.done.ys
	}, true},
	{"Restarts", wholeTicks, func(r *run) ([]float64, []float64) {
		return r.res.Times, r.series(result.JobOperator, -1, result.MetricRestarts)
	}, false},
}

// comparePanel draws one metric of every run; nil if no run has data for
// it. A line equal to an earlier run's is named as such, since it hides it.
func comparePanel(m compareMetric, rs []*run, names []string, end float64) *panel {
	pn := &panel{plot: newPlot(m.title)}
	timeAxis(pn.plot, end)
	pn.plot.Y.Tick.Marker = m.ticks
	drew := false
	var drawn []plotter.XYs // each run's line as drawn, to find equal ones
	lined := make([]bool, len(rs))
	for i, r := range rs {
		xs, ys := m.line(r)
		pts := xys(xs, ys)
		name := names[i]
		if j := slices.IndexFunc(drawn, func(d plotter.XYs) bool { return len(pts) > 0 && slices.Equal(d, pts) }); j >= 0 {
			name += " (= " + names[j] + ")" // the same line hides the other: say so
		}
		drawn = append(drawn, pts)
		lined[i] = pn.addLine(name, xs, ys, runStyle(i))
		drew = drew || lined[i]
	}
	if m.ckpt {
		drew = checkpointMarks(pn, rs, names, lined) || drew
	}
	if !drew {
		return nil
	}
	timeAxis(pn.plot, end)
	yFromZero(pn.plot)
	return pn
}

// checkpointMarks marks each run's failed and in-progress checkpoints in
// its colour (a run with no line is named by its markers), and explains
// the shapes once in neutral grey; false if there were none.
func checkpointMarks(pn *panel, rs []*run, names []string, lined []bool) bool {
	var failed, open bool
	for i, r := range rs {
		ck := r.checkpoints()
		name := ""
		if !lined[i] {
			name = names[i]
		}
		f := pn.addPoints(name, ck.failed.xs, ck.failed.ys, failedGlyph(runStyle(i).Color))
		if f {
			name = ""
		}
		o := pn.addPoints(name, ck.open.xs, ck.open.ys, openGlyph(runStyle(i).Color))
		failed, open = failed || f, open || o
	}
	if failed {
		pn.legend = append(pn.legend, legendEntry{"failed (at failure time)", glyphThumb(failedGlyph(palette[7]))})
	}
	if open {
		pn.legend = append(pn.legend, legendEntry{"in progress at end (age)", glyphThumb(openGlyph(palette[7]))})
	}
	return failed || open
}

// worst is the largest finite value over ops' whole-operator series at
// each time; nil if none has the metric.
func (r *run) worst(ops []string, metric string) []float64 {
	var w []float64
	for _, op := range ops {
		v := r.series(op, -1, metric)
		if v == nil {
			continue
		}
		if w == nil {
			w = make([]float64, len(r.res.Times))
			for i := range w {
				w[i] = math.NaN()
			}
		}
		for i := range min(len(v), len(w)) {
			if finite(v[i]) && (math.IsNaN(w[i]) || v[i] > w[i]) {
				w[i] = v[i]
			}
		}
	}
	return w
}
