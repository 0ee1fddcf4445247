package models

import (
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Bounded memory in virtual time: a long run keeps at most maxSamples
// samples per series. When a series is full, adjacent samples merge in
// pairs and the sample interval doubles from then on, so a day at 5 s
// samples ends with samples 40 s apart and the same memory as a few hours.
// Every built-in scenario stays below the bound (its samples are exact).

// maxSamples is the most samples a series keeps (even: pairs merge).
const maxSamples = 4096

// maxDetailed is how many of the latest checkpoints keep their per-subtask
// details (checkpoint-details.json); older ones keep their per-task totals.
// Flink's REST keeps fewer: web.checkpoints.history, 10 by default
// (CheckpointStatsTracker).
const maxDetailed = 256

// sampleCap is the capacity each series is given at the start: the run's
// samples, or the bound.
func sampleCap(spec *Spec) int {
	n := int64(spec.Duration/spec.Sim.SampleInterval) + 1
	return int(min(n, maxSamples))
}

// mergeRule is how two adjacent samples of a metric become one.
type mergeRule uint8

const (
	mergeLast mergeRule = iota // a gauge or a cumulative count: its value at the later time
	mergeMean                  // a rate or a share of time over the interval: equal intervals average
	mergeMax                   // a latency quantile of the interval: the merged one lies between the two, the larger is kept
)

func ruleOf(metric string) mergeRule {
	switch metric {
	case result.MetricRecordsIn, result.MetricRecordsOut, result.MetricBusy, result.MetricBackPressured,
		result.MetricIdle, result.MetricProduced, result.MetricSoftBackPressured, result.MetricHardBackPressured,
		result.MetricBytesIn, result.MetricBytesOut:
		return mergeMean
	case result.MetricLatencyP50, result.MetricLatencyP99, result.MetricLatencyMax:
		return mergeMax
	}
	return mergeLast
}

// coarsen merges every pair of samples once the series are full, and
// doubles the sample interval.
func (r *recorder) coarsen() {
	if len(r.times) < maxSamples {
		return
	}
	half := len(r.times) / 2
	t := r.times
	for k := range r.series {
		v := r.series[k].Values
		rule := r.rules[k]
		// A subtask's metric exists at a sample or not (unreported): the
		// merged sample, at the later time, has none when that one had none.
		reported := r.refs[k].sub >= 0 && r.refs[k].id >= 0
		for i := 0; i < half; i++ {
			a, b := v[2*i], v[2*i+1]
			switch {
			case rule == mergeLast || reported && !result.HasValue(b):
				v[i] = b // the gauge at the later time: no value if it had none then
			case !result.HasValue(a): // a half with no value (result.NoValue): the other's
				v[i] = b
			case !result.HasValue(b):
				v[i] = a
			case rule == mergeMean:
				v[i] = meanOver(t, 2*i, a, b)
			default: // mergeMax
				v[i] = max(a, b)
			}
		}
		r.series[k].Values = v[:half]
	}
	for i := 0; i < half; i++ {
		t[i] = t[2*i+1]
	}
	r.times = t[:half]
	r.interval *= 2
	r.reaggregate()
}

// reaggregate computes each operator row of a per-subtask metric again from
// its merged subtask rows, as a sample computes it (value): merged on its
// own, a sum or mean over the subtasks that report would not match them
// where the set that reports changed between the two halves.
func (r *recorder) reaggregate() {
	type key struct {
		node *nodeRT
		id   int
	}
	perSub := map[key]bool{} // the per-subtask rows the samples keep
	var subs, aggs []int     // their series, and the operator rows made of them
	for k, ref := range r.refs {
		if ref.sub >= 0 && ref.id >= 0 && ref.node != nil && ref.debloat == notDebloat {
			perSub[key{ref.node, ref.id}] = true
			subs = append(subs, k)
		}
	}
	for k, ref := range r.refs {
		if ref.sub < 0 && ref.node != nil && ref.debloat == notDebloat && perSub[key{ref.node, ref.id}] {
			aggs = append(aggs, k)
		}
	}
	vals := &r.vals
	for i := range r.times {
		for _, k := range subs {
			ref := r.refs[k]
			vals.v[vals.at(ref.node, ref.sub, ref.id)] = r.series[k].Values[i]
		}
		for _, k := range aggs {
			r.series[k].Values[i] = r.value(r.refs[k], vals, 0)
		}
	}
}

// meanOver averages the values a and b of samples j and j+1 over their
// intervals (ending at t[j] and t[j+1]; the first starts at 0): equal
// intervals give (a+b)/2, and the last sample of a run, cut short at its
// end, weighs less.
func meanOver(t []float64, j int, a, b float64) float64 {
	start := 0.0
	if j > 0 {
		start = t[j-1]
	}
	da, db := t[j]-start, t[j+1]-t[j]
	if da == db || da+db <= 0 {
		return (a + b) / 2
	}
	return (a*da + b*db) / (da + db)
}

// nextSample is when the next sample is taken by an event: before the
// end, whose sample result takes after every event at the end, so that the
// last sample is the state the summary gives.
func (r *recorder) nextSample(now sim.Time) (sim.Time, bool) {
	next := sim.Add(now, r.interval)
	return next, next < r.s.spec.Duration
}

// forgetDetails drops the per-subtask details of checkpoints older than the
// latest maxDetailed (their per-task totals stay).
func (c *coordinator) forgetDetails() {
	if n := len(c.history) - maxDetailed - 1; n >= 0 {
		for i := range c.history[n].Tasks {
			c.history[n].Tasks[i].Subtasks = nil
		}
	}
}
