package models

import (
	"math"

	"github.com/flinksim/flinksim/result"
)

// Buffer debloating's gauges, recorded only when debloating is on: Flink
// registers them only then. Since 1.15 (FLINK-24189, debloating per gate),
// SingleInputGateFactory.maybeCreateBufferDebloater registers
// debloatedBufferSize and estimatedTimeToConsumeBuffersMs per input gate, in
// the task's Shuffle.Netty.Input.<gate index> group, and
// NettyShuffleEnvironment.createInputGates registers the task's own
// estimatedTimeToConsumeBuffersMs, the largest of its gates'
// (TimeToConsumeGauge, which starts from Long.MIN_VALUE: a task without
// input gates, a source, reports that). The values are BufferDebloater's:
// the size last announced to the gate's senders, and the time estimated at
// the last recalculation (debloat.go).

// debloatGauge says which of debloating's gauges a series is.
type debloatGauge uint8

const (
	notDebloat        debloatGauge = iota
	gateBufferSize                 // an input gate's debloatedBufferSize
	gateTimeToConsume              // an input gate's estimatedTimeToConsumeBuffersMs
	taskTimeToConsume              // the task's estimatedTimeToConsumeBuffersMs: its gates' largest
)

// addDebloatSeries adds the debloating gauges of task rt's subtask sub (or
// of the whole task, sub -1), under the task's name: the task's time, then
// each input gate's size and time.
func (r *recorder) addDebloatSeries(rt *nodeRT, sub int) {
	if r.s.spec.Network.Debloat == nil {
		return
	}
	add := func(metric string, g debloatGauge, gate int) {
		r.refs = append(r.refs, seriesRef{node: rt, sub: sub, metric: metric, id: -1, debloat: g, gate: gate})
		r.series = append(r.series, result.Series{Operator: rt.task.name, Subtask: sub, Metric: metric})
	}
	add(result.MetricEstimatedTimeToConsume, taskTimeToConsume, -1)
	for gate := range rt.ins {
		add(result.InputGateMetric(gate, result.MetricDebloatedBufferSize), gateBufferSize, gate)
		add(result.InputGateMetric(gate, result.MetricEstimatedTimeToConsume), gateTimeToConsume, gate)
	}
}

// debloatValue is a debloating series' value in this sample: a subtask's
// gauge, none when it has no attempt deployed at the sample (Flink's task
// metrics exist only while the task does: unreported); for the whole
// task, over the subtasks deployed, the mean buffer size and the largest
// time, none when none is.
func (r *recorder) debloatValue(ref seriesRef, vals *sampleVals) float64 {
	sts := ref.node.task.subtasks
	if ref.sub >= 0 {
		if vals.get(ref.node, ref.sub, vDeployed) == 0 {
			return result.NoValue()
		}
		return r.debloatGaugeOf(sts[ref.sub], ref)
	}
	sum, n, top := 0.0, 0.0, math.Inf(-1)
	for sub, st := range sts {
		if vals.get(ref.node, sub, vDeployed) == 0 {
			continue
		}
		v := r.debloatGaugeOf(st, ref)
		sum, n, top = sum+v, n+1, max(top, v)
	}
	switch {
	case n == 0:
		return result.NoValue()
	case ref.debloat == gateBufferSize:
		return sum / n
	}
	return top
}

// debloatGaugeOf is one subtask's gauge now. A gate without debloater
// state (none armed) reads as a new BufferDebloater: its start size (the
// segment size, from 2.0 the starting size), no time estimated yet.
func (r *recorder) debloatGaugeOf(st *subtask, ref seriesRef) float64 {
	switch ref.debloat {
	case gateBufferSize:
		if db := st.gates[ref.gate].debloat; db != nil {
			return float64(db.announced)
		}
		return float64(r.s.debloatStart())
	case gateTimeToConsume:
		if db := st.gates[ref.gate].debloat; db != nil {
			return float64(db.toConsume)
		}
		return 0
	}
	v := int64(math.MinInt64) // TimeToConsumeGauge: the largest, from Long.MIN_VALUE
	for _, g := range st.gates {
		t := int64(0)
		if g.debloat != nil {
			t = g.debloat.toConsume
		}
		v = max(v, t)
	}
	return float64(v)
}
