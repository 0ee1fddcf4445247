package diagnose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// judged builds a Result of a 100-sample run (one sample a second) whose
// input is 1000 records/s, with the given total Kafka lag per sample.
func judged(lag func(t float64) float64, edit func(*result.Result)) result.Verdict {
	res := &result.Result{Summary: result.Summary{VirtualDurationS: 100, Records: result.RecordCounts{Produced: 100_000}}}
	pending := result.Series{Operator: "src", Subtask: -1, Metric: result.MetricPending}
	for i := 1; i <= 100; i++ {
		res.Times = append(res.Times, float64(i))
		pending.Values = append(pending.Values, lag(float64(i)))
	}
	res.Series = []result.Series{pending}
	if edit != nil {
		edit(res)
	}
	return Judge(res)
}

// ckpt10s: checkpointing every 10 s, each checkpoint completing after 1 s.
func ckpt10s(r *result.Result) {
	r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 10, TimeoutS: 600}
	for at := 0.0; at < 100; at += 10 {
		r.Checkpoints = append(r.Checkpoints, &result.CheckpointStats{Status: "COMPLETED", Trigger: sim.FromSeconds(at), Duration: sim.Second})
	}
}

// lagAfter is the lag of a job with 1000 records/s of input that fails at
// each of at: it grows for the 5 s of the restart and drains in the 5 s
// after.
func lagAfter(at ...float64) func(float64) float64 {
	return func(t float64) float64 {
		for _, a := range at {
			switch {
			case t > a && t <= a+5:
				return 1000 * (t - a)
			case t > a+5 && t < a+10:
				return 1000 * (a + 10 - t)
			}
		}
		return 0
	}
}

// TestJudge: one definition of healthy, checkpointing or not (issue 8,
// items 5 and 6). The limits: 60 s of input (60k records here) at the end,
// growth of 1% of the input rate (10/s) over the second half.
func TestJudge(t *testing.T) {
	checkJudged(t, []judgeCase{
		{"keeps up", func(float64) float64 { return 50 }, nil, result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input"},
		// Of 160k produced, 60k were there at the start: 70k left is 70 s (1.2min) of the 1000/s that arrived.
		{"backlog left", func(float64) float64 { return 70_000 }, func(r *result.Result) {
			r.Summary.Records.Produced, r.Summary.Records.Backlog = 160_000, 60_000
		}, result.PhaseOverload, "overload@0", "Kafka lag at the end 1.2min of input"},
		{"keeps up, checkpointing", func(float64) float64 { return 50 }, ckpt10s, result.PhaseStable, "stable@0", "checkpoints' end-to-end duration at most 1s against a 10s interval"},
		// Stable over the run, but its capacity (a bound that takes longer
		// to bite, such as heap state) is under the input: said; within 1%
		// of the input (the growth a stable job may have), not.
		{"stable, sustaining less than its input", func(float64) float64 { return 50 }, func(r *result.Result) {
			r.Summary.SustainableInputRPS, r.Summary.Bottleneck = 780, "the heap"
		}, result.PhaseStable, "stable@0", "stable over this run, but it sustains at most 780/s against 1k/s of input (the heap bounds it): a longer run would show it"},
		{"stable, sustaining about its input", func(float64) float64 { return 50 }, func(r *result.Result) {
			r.Summary.SustainableInputRPS, r.Summary.Bottleneck = 995, "the heap"
		}, result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input$"},
		// Healthy, but a sink dropped records: the job runs on, and says so.
		{"a sink lost records", func(float64) float64 { return 50 }, func(r *result.Result) {
			ckpt10s(r)
			r.Summary.Sinks = []result.SinkSummary{{Sink: "topic", ReadCommitted: result.SinkView{Lost: 599575}}}
		}, result.PhaseStable, "stable@0", "of input; topic lost 599.6k records"},
		// Under the 60 s limit at the end, but growing 500/s: behind, with
		// checkpointing or without (the plan answer of issue 8 item 5).
		{"growing under the limit", func(t float64) float64 { return 500 * t }, nil, result.PhaseOverload, "stable@0, overload@2", "growing 500 records/s"},
		{"growing under the limit, checkpointing", func(t float64) float64 { return 500 * t }, ckpt10s, result.PhaseOverload, "stable@0, overload@2", "growing 500 records/s"},
		// Growing at 0.5% of the input and far under the limit: healthy;
		// over 100 s that is within the input's noise (3 × sqrt(1000/50 s)
		// = 13/s), so not said.
		{"slow growth", func(t float64) float64 { return 5 * t }, nil, result.PhaseStable, "stable@0", "Kafka lag at the end 500ms of input"},
		// The same 0.5% over 10,000 s is far above the noise (3 × sqrt(1000/
		// 5000 s) = 1.3/s): still stable, but the why says it is falling behind.
		{"slow growth, long run", func(i float64) float64 { return 500 * i }, func(r *result.Result) {
			for i := range r.Times {
				r.Times[i] *= 100
			}
			r.Summary.VirtualDurationS, r.Summary.Records.Produced = 10_000, 10_000_000
		}, result.PhaseStable, "stable@0", "Kafka lag at the end 50s of input, growing 5 records/s (0.50% of input, under the 1% a stable job may grow by)"},
		// Behind from 20 s (the last time it held under a second of input),
		// over the limit (60k) from 40 s, back under it at 57 s and drained at
		// 70 s: recovered at 70 s, not at the end of the run (issue 8 item 6).
		{"recovered", func(t float64) float64 {
			switch {
			case t <= 20:
				return 0
			case t <= 50:
				return 3000 * (t - 20)
			case t < 70:
				return 90000 - 4500*(t-50)
			}
			return 0
		}, ckpt10s, result.PhaseStable, "stable@0, overload@20, recovered@70", "behind its input from 20s; recovered at 1.2min; checkpoints' end-to-end duration at most 1s against a 10s interval; Kafka lag at the end 0s of input"},
	})
}

// TestJudgeFailovers: a failover, a loop when the same failure comes back
// before the job caught up, failed when the restart strategy gave up.
func TestJudgeFailovers(t *testing.T) {
	checkJudged(t, []judgeCase{
		{"failover loop", func(t float64) float64 { return 2000 * t }, func(r *result.Result) {
			ckpt10s(r)
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(53)}, {At: sim.FromSeconds(66)}, {At: sim.FromSeconds(80)}}
			r.Restores = []result.RestoreStats{{At: sim.FromSeconds(60)}, {At: sim.FromSeconds(70)}, {At: sim.FromSeconds(90)}}
		}, result.PhaseFailoverLoop, "overload@0, failover@53, failover loop@66", "3 failovers, the first at 53s"},
		{"down at the end", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(99)}}
		}, result.PhaseFailover, "stable@0, failover@99", "a failover at 1.6min"},
		{"one failover, recovered", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(30)}}
			r.Restores = []result.RestoreStats{{At: sim.FromSeconds(40)}}
		}, result.PhaseStable, "stable@0, failover@30, recovered@40", "a failover at 30s; recovered at 40s"}, // running again at 40 s
		{"failed", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(10)}, {At: sim.FromSeconds(20), Final: true}}
			r.Restores = []result.RestoreStats{{At: sim.FromSeconds(15)}}
		}, result.PhaseFailed, "stable@0, failover@10, failed@20", "the restart strategy gave up at 20s"}, // caught up at 15 s: no loop
		// Failed at 70 s, it falls behind at its whole input rate from then
		// on (1000/s), not at the second half's slope (30k over 49 s).
		{"failed after the middle", func(t float64) float64 { return 1000 * max(0, t-70) }, func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(70), Final: true}}
		}, result.PhaseFailed, "stable@0, failover@70, failed@70, overload@71", "growing 1k records/s since the failure at 1.2min"},
		// A loop needs the same failure back before the job caught up. The
		// lag (1000 records/s of input) grows for the 5 s of each restart
		// and drains in the 5 s after (lagAfter): a second of input left 9 s
		// after the failure.
		{"the same failure back after the job caught up", lagAfter(20, 60), func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(20), Cause: "taskmanager-loss", RestoredAt: sim.FromSeconds(25)},
				{At: sim.FromSeconds(60), Cause: "taskmanager-loss", RestoredAt: sim.FromSeconds(65)}}
			r.Restores = []result.RestoreStats{{At: sim.FromSeconds(25)}, {At: sim.FromSeconds(65)}}
		}, result.PhaseStable, "stable@0, failover@20, recovered@69", "2 failovers, the first at 20s, the last at 1min"},
		{"the same failure back before the job caught up", lagAfter(80), func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(80), Cause: "poison-record", RestoredAt: sim.FromSeconds(85)},
				{At: sim.FromSeconds(83), Cause: "poison-record", RestoredAt: sim.FromSeconds(88)}}
		}, result.PhaseFailoverLoop, "stable@0, failover@80, failover loop@83", "2 failovers, the first at 1.3min"},
		// No lag to drain, but no checkpoint completed (each at 1 s past a
		// multiple of 10 s) from the restore at 62 s to the next failure
		// at 70 s: restarted from the same checkpoint, the job has not
		// moved on.
		{"the same failure back before a checkpoint completed", func(float64) float64 { return 0 }, func(r *result.Result) {
			ckpt10s(r)
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(60), Cause: "poison-record", RestoredAt: sim.FromSeconds(62)},
				{At: sim.FromSeconds(70), Cause: "poison-record", RestoredAt: sim.FromSeconds(72)}}
			r.Restores = []result.RestoreStats{{At: sim.FromSeconds(62)}, {At: sim.FromSeconds(72)}}
		}, result.PhaseStable, "stable@0, failover@60, failover loop@70, recovered@72", "2 failovers, the first at 1min"},
		{"another failure before the job caught up", lagAfter(80), func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(80), Cause: "taskmanager-loss", RestoredAt: sim.FromSeconds(85)},
				{At: sim.FromSeconds(83), Cause: "kafka-outage", RestoredAt: sim.FromSeconds(88)}}
		}, result.PhaseFailover, "stable@0, failover@80", "2 failovers, the first at 1.3min, the last at 1.4min"},
		// The summary lists the first 10 000 failovers and the latest: the
		// count says all of them.
		{"more failovers than listed", lagAfter(80), func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(80), Cause: "taskmanager-loss", RestoredAt: sim.FromSeconds(85)},
				{At: sim.FromSeconds(83), Cause: "kafka-outage", RestoredAt: sim.FromSeconds(88)}}
			r.Summary.Restarts = &result.RestartSummary{Restarts: 12, Unlisted: 10}
		}, result.PhaseFailover, "stable@0, failover@80", "12 failovers, the first at 1.3min, the last at 1.4min"},
	})
}

// TestJudgeNeverCheckpointed: with checkpointing on, a run in which no
// checkpoint completed is never stable, however small its lag.
func TestJudgeNeverCheckpointed(t *testing.T) {
	checkJudged(t, []judgeCase{
		// Checkpointing on and no checkpoint completed though one had the
		// chance: not stable, however small the lag; from the first trigger
		// (the start when the history is not at hand).
		{"failed checkpoints in the summary alone", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 10, TimeoutS: 600, Failed: 3}
		}, result.PhaseNeverCheckpointed, "never checkpointed@0", "no checkpoint completed"},
		{"one checkpoint in progress from 7s to the end", func(float64) float64 { return 50 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 10, TimeoutS: 600}
			r.Checkpoints = []*result.CheckpointStats{{Status: "IN_PROGRESS", Trigger: sim.FromSeconds(7)}}
		}, result.PhaseNeverCheckpointed, "stable@0, never checkpointed@7", "no checkpoint completed"},
		// No chance: a run that ended before its first trigger, or whose
		// first checkpoint is younger than the interval (95 s of 100 s,
		// interval 10 s), is judged without its checkpoints.
		{"no checkpoint triggered", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 200, TimeoutS: 600}
		}, result.PhaseStable, "stable@0", "the run ended before the first checkpoint's trigger (interval 3.3min)"},
		// A run long enough for a trigger that saw none: its tasks never
		// all ran (CheckpointCoordinator aborts the trigger otherwise).
		{"tasks never all running", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 10, TimeoutS: 600}
		}, result.PhaseStable, "stable@0", "no checkpoint triggered: the job never had all its tasks running"},
		{"tasks never all running, triggers failed before they started", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 10, TimeoutS: 600, FailedBeforeStart: 9}
		}, result.PhaseStable, "stable@0", "no checkpoint started: 9 triggers found a task not running (the job never had all its tasks running)"},
		{"the first checkpoint younger than the interval", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 10, TimeoutS: 600}
			r.Checkpoints = []*result.CheckpointStats{{Status: "IN_PROGRESS", Trigger: sim.FromSeconds(95)}}
		}, result.PhaseStable, "stable@0", "no checkpoint completed yet: the first is in progress, younger than the 10s interval"},
		// A failover it recovered from does not make it stable when no
		// checkpoint ever completed: the worst phase stands.
		{"one failover, no checkpoint", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 10, TimeoutS: 600}
			r.Checkpoints = []*result.CheckpointStats{{Status: "FAILED", Trigger: sim.FromSeconds(5), Failure: sim.FromSeconds(30)}}
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(30)}}
			r.Restores = []result.RestoreStats{{At: sim.FromSeconds(40)}}
		}, result.PhaseFailover, "stable@0, never checkpointed@5, failover@30", "no checkpoint completed"},
		// Checkpoints that completed, read back from a summary without their
		// history: not never checkpointed.
		{"completed in the summary alone", func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 10, TimeoutS: 600, Completed: 9}
		}, result.PhaseStable, "stable@0", ""},
	})
}

// TestJudgeSlowCheckpoints: checkpoints over twice the interval say by how
// much, from the slowest end-to-end duration: 8.6 min against a 30 s
// interval is 17× it, not "over twice"; 25 s against 10 s is 2.5×.
func TestJudgeSlowCheckpoints(t *testing.T) {
	for _, c := range []struct {
		interval, slowest float64
		want              string
	}{
		{30, 516, "checkpoints' end-to-end duration up to 8.6min, 17× the 30s interval"},
		{10, 25, "checkpoints' end-to-end duration up to 25s, 2.5× the 10s interval"},
		{10, 15, "checkpoints' end-to-end duration at most 15s against a 10s interval"},
	} {
		v := judged(func(float64) float64 { return 0 }, func(r *result.Result) {
			r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: c.interval, TimeoutS: 600}
			r.Checkpoints = []*result.CheckpointStats{{Status: "COMPLETED", Trigger: sim.FromSeconds(10), Duration: sim.FromSeconds(c.slowest)}}
		})
		if !strings.Contains(v.Why, c.want) {
			t.Errorf("%gs against %gs: %q, want it to contain %q", c.slowest, c.interval, v.Why, c.want)
		}
	}
}

// judgeCase is a run for Judge: its lag over 100 s, an edit of the rest,
// and the verdict expected.
type judgeCase struct {
	name    string
	lag     func(float64) float64
	edit    func(*result.Result)
	outcome string
	phases  string // phase@start_s, in order
	why     string // a part of why; with a final $, its end
}

// checkJudged judges each case as a subtest.
func checkJudged(t *testing.T, cases []judgeCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := judged(c.lag, c.edit)
			var ph []string
			for _, p := range v.Phases {
				ph = append(ph, fmt.Sprintf("%s@%g", p.Phase, p.StartS))
			}
			got := strings.Join(ph, ", ")
			whyOK := strings.Contains(v.Why, c.why)
			if end, ok := strings.CutSuffix(c.why, "$"); ok {
				whyOK = strings.HasSuffix(v.Why, end) // "...$": how the why ends
			}
			if v.Outcome != c.outcome || got != c.phases || !whyOK {
				t.Errorf("got %s [%s] %q\nwant %s [%s] containing %q", v.Outcome, got, v.Why, c.outcome, c.phases, c.why)
			}
		})
	}
}
