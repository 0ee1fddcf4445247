package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/flinksim/flinksim/models"
)

// Run is one named result for Compare, e.g. a variant.
type Run struct {
	Name   string
	Result *models.Result
}

// Compare draws runs over each other on shared axes: Kafka lag, latency p99
// (the worst sink), checkpoint durations and restarts, a line per run in
// the same colour in every panel. Panels no run has data for are left out;
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
	f.title = fmt.Sprintf("Comparison of %d runs", len(rs))
	type metric struct {
		title  string
		ticks  plot.Ticker
		line   func(r *run) (xs, ys []float64)
		failed bool // mark failed checkpoints, in the run's colour
	}
	for _, m := range []metric{
		{"Kafka lag (records not yet read)", UnitCount, func(r *run) ([]float64, []float64) {
			return r.res.Times, r.sum(r.sources, models.MetricPending)
		}, false},
		{"End-to-end latency p99 (worst sink)", UnitMillis, func(r *run) ([]float64, []float64) {
			return r.res.Times, r.worst(r.sinks, models.MetricLatencyP99)
		}, false},
		{"Checkpoint duration (by trigger time)", UnitSeconds, (*run).checkpointDurations, true},
		{"Restarts", wholeTicks, func(r *run) ([]float64, []float64) {
			return r.res.Times, r.series(models.JobOperator, -1, models.MetricRestarts)
		}, false},
	} {
		pn := &panel{plot: newPlot(m.title)}
		timeAxis(pn.plot, end)
		pn.plot.Y.Tick.Marker = m.ticks
		drew := false
		for i, r := range rs {
			xs, ys := m.line(r)
			drew = pn.addLine(names[i], xs, ys, lineStyle(i)) || drew
		}
		if !drew {
			continue
		}
		if m.failed {
			for i, r := range rs {
				xs, ys := r.failedCheckpoints()
				pn.addPoints("", xs, ys, draw.GlyphStyle{Color: lineStyle(i).Color, Radius: vg.Points(3), Shape: draw.CrossGlyph{}})
			}
		}
		timeAxis(pn.plot, end)
		yFromZero(pn.plot)
		f.add(pn)
	}
	return f
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

// checkpointDurations are every checkpoint's duration at its trigger time.
func (r *run) checkpointDurations() (xs, ys []float64) {
	for _, c := range r.res.Checkpoints {
		if c != nil {
			xs, ys = append(xs, c.Trigger.Seconds()), append(ys, c.Duration.Seconds())
		}
	}
	return xs, ys
}

func (r *run) failedCheckpoints() (xs, ys []float64) {
	for _, c := range r.res.Checkpoints {
		if c != nil && c.Status == "FAILED" {
			xs, ys = append(xs, c.Trigger.Seconds()), append(ys, c.Duration.Seconds())
		}
	}
	return xs, ys
}
