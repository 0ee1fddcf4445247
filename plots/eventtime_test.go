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
