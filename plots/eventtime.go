package plots

import (
	"math"

	"github.com/flinksim/flinksim/result"
)

// Event-time panels: how far each operator's watermark trails processing
// time, and the records window operators found late.

// watermarkPanel draws each operator's watermark lag: the sample's time
// less its currentOutputWatermark (the lowest of its subtasks'), in ms;
// nothing before its first watermark (Long.MIN_VALUE).
func (r *run) watermarkPanel() *panel {
	pn := r.newPanel("Watermark lag (time − currentOutputWatermark)", UnitMillis)
	drew := false
	for i, op := range r.operators(result.MetricOutputWatermark) {
		wm := r.series(op, -1, result.MetricOutputWatermark)
		lag := make([]float64, len(wm))
		for j, w := range wm {
			lag[j] = math.NaN()
			if w > math.MinInt64 && j < len(r.res.Times) {
				lag[j] = r.res.Times[j]*1000 - w
			}
		}
		drew = pn.addLine(op, r.res.Times, lag, lineStyle(i)) || drew
	}
	return r.finish(pn, drew)
}

// latePanel draws the records each window operator dropped as late
// (numLateRecordsDropped) and sent to its side output, as Flink's counters
// count them: per execution attempt, from 0 again after a restart, the
// operator's line the sum of the subtasks reporting (summary.json has the
// run's totals).
func (r *run) latePanel() *panel {
	pn := r.newPanel("Late records (counted per attempt)", UnitNone)
	drew, k := false, 0
	for _, op := range r.operators(result.MetricLateDropped) {
		drew = pn.addLine(op+" dropped", r.res.Times, r.series(op, -1, result.MetricLateDropped), lineStyle(k)) || drew
		drew = pn.addLine(op+" side output", r.res.Times, r.series(op, -1, result.MetricLateSideOutput), lineStyle(k+1)) || drew
		k += 2
	}
	return r.finish(pn, drew)
}
