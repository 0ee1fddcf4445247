package plots

import (
	"math"
	"slices"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// The watermark panel draws time − watermark in ms and leaves out the
// samples before the first watermark (Long.MIN_VALUE); the late panel
// draws a window operator's dropped and side-output counters.
func TestEventTimePanels(t *testing.T) {
	res := synth(synthOpts{samples: 10, step: 1, par: 1, hot: -1})
	wm := make([]float64, 10)
	dropped := make([]float64, 10)
	for i := range wm {
		wm[i] = float64(i+1)*1000 - 2500 // 2.5 s behind
		dropped[i] = float64(10 * i)
	}
	wm[0], wm[1] = math.MinInt64, math.MinInt64
	res.Series = append(res.Series,
		result.Series{Operator: "window", Subtask: -1, Metric: result.MetricOutputWatermark, Values: wm},
		result.Series{Operator: "window", Subtask: -1, Metric: result.MetricLateDropped, Values: dropped},
		result.Series{Operator: "window", Subtask: -1, Metric: result.MetricLateSideOutput, Values: make([]float64, 10)})
	f := Dashboard(res)
	p := panelNamed(t, f, "Watermark lag")
	if !slices.Contains(p.notes, `line "window" 8`) {
		t.Errorf("watermark panel: want 8 points (2 before the first watermark left out): %q", p.notes)
	}
	if lo, hi := p.plot.Y.Min, p.plot.Y.Max; lo > 2500 || hi < 2500 {
		t.Errorf("watermark lag axis %g..%g does not hold 2500 ms", lo, hi)
	}
	p = panelNamed(t, f, "Late records")
	for _, want := range []string{`line "window dropped" 10`, `line "window side output" 10`} {
		if !slices.Contains(p.notes, want) {
			t.Errorf("late panel lacks %s: %q", want, p.notes)
		}
	}
}

// A restarted task has no watermark until its first again
// (Long.MIN_VALUE), and a series read back has NaN where metrics.csv has
// no row (result.NoValue): the line breaks there, drawn neither as 0 nor
// as 9.2e18 nor joined across.
func TestLineBreaksWhereNoValue(t *testing.T) {
	res := synth(synthOpts{samples: 10, step: 1, par: 1, hot: -1})
	wm := make([]float64, 10)
	for i := range wm {
		wm[i] = float64(i+1)*1000 - 2500
	}
	wm[0], wm[4], wm[5] = math.MinInt64, math.MinInt64, math.MinInt64
	res.Series = append(res.Series, result.Series{Operator: "window", Subtask: -1, Metric: result.MetricOutputWatermark, Values: wm})
	p := panelNamed(t, Dashboard(res), "Watermark lag")
	for _, want := range []string{`line "window" 7`, `line "window" gaps 1`} {
		if !slices.Contains(p.notes, want) {
			t.Errorf("watermark panel lacks %s: %q", want, p.notes)
		}
	}
	if hi := p.plot.Y.Max; hi > 1e4 {
		t.Errorf("watermark lag axis up to %g: a sample with no watermark was drawn", hi)
	}

	pn := &panel{plot: newPlot("t")}
	nan := result.NoValue()
	if !pn.addLine("lag", []float64{1, 2, 3, 4, 5, 6}, []float64{nan, 10, 20, nan, 30, nan}, lineStyle(0)) {
		t.Fatal("nothing drawn")
	}
	// 10 and 20 joined, 30 alone: its y range is theirs, no 0
	if y := pn.plot.Y; y.Min != 10 || y.Max != 30 || !slices.Contains(pn.notes, `line "lag" 3`) || !slices.Contains(pn.notes, `line "lag" gaps 1`) {
		t.Errorf("y %g..%g, notes %q; want 10..30, 3 points and a gap", y.Min, y.Max, pn.notes)
	}
}
