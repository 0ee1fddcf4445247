package plots

import (
	"fmt"
	"math"
	"slices"

	"github.com/flinksim/flinksim/result"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// heatPanel draws busy time per subtask over time: a row per subtask of
// every operator, time in at most maxColumns buckets, so one hot subtask
// stands out.
func (r *run) heatPanel() *panel {
	type row struct {
		op   string
		sub  int
		vals []float64
	}
	var rows []row
	var seps []float64 // rows (from the top) where an operator's block begins
	found := false
	for _, op := range r.operatorParallelism() {
		if len(rows) > 0 {
			seps = append(seps, float64(len(rows)))
		}
		for sub := range op.p {
			v := r.series(op.name, sub, result.MetricBusy)
			found = found || v != nil
			rows = append(rows, row{op.name, sub, v})
		}
	}
	n := len(r.res.Times)
	if !found || n == 0 {
		return nil
	}
	cols := min(n, maxColumns)
	xEdges := make([]float64, cols+1)
	for b := range cols {
		if i := b * n / cols; i > 0 {
			xEdges[b] = r.res.Times[i-1] // a sample covers the interval up to its time
		}
	}
	xEdges[cols] = r.res.Times[n-1]
	// Row 0 at the top: rows are drawn from the bottom, so reverse.
	nr := len(rows)
	z := make([][]float64, nr)
	for k, rw := range rows {
		zr := make([]float64, cols)
		for b := range cols {
			zr[b] = mean(rw.vals, b*n/cols, (b+1)*n/cols)
		}
		z[nr-1-k] = zr
	}
	p := newPlot("Busy time per subtask (ms/s)")
	cl := &cells{xEdges: xEdges, yEdges: indexEdges(nr), z: z, ramp: busyRamp, lo: 0, hi: 1000}
	for _, k := range seps {
		cl.seps = append(cl.seps, float64(nr)-k-0.5) // between rows k-1 and k
	}
	p.Add(cl)
	timeAxis(p, r.end)
	p.Y.Min, p.Y.Max = -0.5, float64(nr)-0.5
	rowH := vg.Points(9)
	height := min(max(panelHeight, vg.Length(nr)*rowH+vg.Inch), 14*vg.Inch)
	var names []string
	var subs []int
	for _, rw := range rows {
		names, subs = append(names, rw.op), append(subs, rw.sub)
	}
	ticks := rowTicks(names, subs, (height-vg.Inch)/vg.Length(nr))
	p.Y.Tick.Marker = ticks
	p.Y.Tick.Label.Font.Size = vg.Points(7)
	return &panel{plot: p, height: height, grid: cl, bar: &colorBar{ramp: busyRamp, lo: 0, hi: 1000, unit: UnitNone},
		notes: []string{fmt.Sprintf("rows %d", nr), fmt.Sprintf("columns %d", cols)}}
}

// rowTicks labels heat map rows, top (row 0) first, as "operator[subtask]":
// every row when there is room, otherwise each operator's first subtask and
// every step-th, step the smallest of 1, 2, 5, 10, 20, 50, ... that keeps
// labels apart, so a reader can count to any subtask of hundreds. A label
// too close to the next operator's first is left out.
func rowTicks(ops []string, subs []int, rowH vg.Length) plot.ConstantTicks {
	labelH := vg.Points(8.5) // room for a label of 7-point text
	step := 1
	for i := 1; vg.Length(step)*rowH < labelH; i++ {
		step = []int{1, 2, 5}[i%3] * int(math.Pow10(i/3))
	}
	nr := len(ops)
	var ticks plot.ConstantTicks
	for k := range nr {
		// Rows up to the next operator's first row (or the end).
		left := 1
		for k+left < nr && ops[k+left] == ops[k] {
			left++
		}
		first := k == 0 || ops[k-1] != ops[k]
		if first || (subs[k]%step == 0 && (k+left == nr || 2*left > step)) {
			ticks = append(ticks, plot.Tick{Value: float64(nr - 1 - k), Label: fmt.Sprintf("%s[%d]", ops[k], subs[k])})
		}
	}
	return ticks
}

// maxColumns bounds the heat map's time buckets.
const maxColumns = 200

type opPar struct {
	name string
	p    int
}

// operatorParallelism lists the tasks (busy time is a task metric, under
// the task's name) with parallelism > 0, from the summary, or from the
// series when a hand-built result has no summary.
func (r *run) operatorParallelism() []opPar {
	var ops []opPar
	for _, o := range r.res.Summary.Operators {
		name := o.Task
		if name == "" {
			name = o.Name
		}
		if o.Parallelism > 0 && !slices.ContainsFunc(ops, func(p opPar) bool { return p.name == name }) {
			ops = append(ops, opPar{name, o.Parallelism})
		}
	}
	if len(r.res.Summary.Operators) > 0 {
		return ops
	}
	for _, s := range r.res.Series {
		if s.Metric != result.MetricBusy || s.Subtask < 0 || s.Operator == result.JobOperator {
			continue
		}
		i := slices.IndexFunc(ops, func(o opPar) bool { return o.name == s.Operator })
		if i < 0 {
			ops = append(ops, opPar{s.Operator, 0})
			i = len(ops) - 1
		}
		ops[i].p = max(ops[i].p, s.Subtask+1)
	}
	return ops
}

// mean of the finite values of v[lo:hi]; NaN if there are none.
func mean(v []float64, lo, hi int) float64 {
	sum, n := 0.0, 0
	for i := lo; i < min(hi, len(v)); i++ {
		if finite(v[i]) {
			sum += v[i]
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
