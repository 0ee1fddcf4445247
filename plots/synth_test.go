package plots

import (
	"math"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// synthOpts shapes a hand-built result.
type synthOpts struct {
	samples     int     // sample times, every step seconds
	step        float64 // seconds between samples
	par         int     // parallelism of every operator
	checkpoints bool    // checkpoint history, summary and verdict
	failovers   int
	hot         int // subtask of "window" pinned busy, -1 for none
}

// synth builds a result of a kafka → window (keyed) → jdbc job with
// smooth, deterministic series.
func synth(o synthOpts) *result.Result {
	res := &result.Result{}
	res.Summary.Scenario = "synthetic <job>"
	res.Summary.VirtualDurationS = float64(o.samples) * o.step
	ops := []struct{ name, kind string }{{"kafka", "source"}, {"window", "operator"}, {"jdbc", "sink"}}
	for _, op := range ops {
		res.Summary.Operators = append(res.Summary.Operators, result.OperatorSummary{Name: op.name, Kind: op.kind, Parallelism: o.par})
	}
	res.Times = make([]float64, o.samples)
	for i := range res.Times {
		res.Times[i] = float64(i+1) * o.step
	}
	wave := func(base, amp float64, phase float64) []float64 {
		v := make([]float64, o.samples)
		for i := range v {
			v[i] = base + amp*math.Sin(float64(i)/20+phase)
		}
		return v
	}
	add := func(op string, sub int, metric string, v []float64) {
		res.Series = append(res.Series, result.Series{Operator: op, Subtask: sub, Metric: metric, Values: v})
	}
	if o.checkpoints || o.failovers > 0 {
		add(result.JobOperator, -1, result.MetricLastCkptDuration, wave(20000, 5000, 0))
		restarts := make([]float64, o.samples)
		for i := range restarts {
			restarts[i] = float64(min(o.failovers, i*o.failovers/max(1, o.samples)))
		}
		add(result.JobOperator, -1, result.MetricRestarts, restarts)
	}
	for k, op := range ops {
		for sub := -1; sub < o.par; sub++ {
			ph := float64(k) + float64(sub)/3
			add(op.name, sub, result.MetricRecordsIn, wave(1e5, 2e4, ph))
			add(op.name, sub, result.MetricRecordsOut, wave(1e5, 2e4, ph+0.5))
			busy := wave(400, 200, ph)
			if op.name == "window" && sub == o.hot {
				busy = wave(990, 5, 0)
			}
			add(op.name, sub, result.MetricBusy, busy)
			add(op.name, sub, result.MetricBackPressured, wave(100, 80, ph))
			if op.kind == "source" {
				add(op.name, sub, result.MetricPending, wave(5e5, 4e5, ph))
			}
			if op.name == "window" {
				add(op.name, sub, result.MetricStateSize, wave(2e9, 1e8, ph))
			}
		}
		if op.kind == "sink" {
			add(op.name, -1, result.MetricLatencyP50, wave(800, 200, 0))
			add(op.name, -1, result.MetricLatencyP99, wave(2500, 900, 0))
		}
	}
	end := res.Summary.VirtualDurationS
	if o.checkpoints {
		interval := 180.0
		for i, t := 0, 30.0; t < end; i, t = i+1, t+interval {
			c := &result.CheckpointStats{ID: int64(i + 1), Status: "COMPLETED", Trigger: sim.FromSeconds(t),
				Duration: sim.FromSeconds(20 + 10*float64(i%5)), StateSize: int64(2e9 + 1e7*float64(i)), Checkpointed: int64(3e8)}
			if i%4 == 3 {
				c.Status, c.FailureMessage = "FAILED", "Checkpoint expired before completing."
				c.Duration = sim.FromSeconds(600)
			}
			res.Checkpoints = append(res.Checkpoints, c)
		}
		res.Summary.Verdict = result.Verdict{Outcome: result.PhaseTimeouts, Phases: []result.Phase{
			{Phase: result.PhaseStable, StartS: 0},
			{Phase: result.PhaseOverload, StartS: end * 0.3},
			{Phase: result.PhaseTimeouts, StartS: end * 0.6},
		}, Why: "checkpoints expired"}
		res.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: interval, TimeoutS: 600, Verdict: res.Summary.Verdict}
	}
	for i := range o.failovers {
		at := end * float64(i+1) / float64(o.failovers+1)
		res.Failovers = append(res.Failovers, result.FailureEvent{At: sim.FromSeconds(at), Reason: "lost TaskManager"})
		res.Restores = append(res.Restores, result.RestoreStats{ID: 1, At: sim.FromSeconds(at + 30), Down: 30 * sim.Second})
	}
	return res
}
