package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestLostTaskManagerReportsNothing: a task's metrics live in its
// attempt's metric group on its TaskManager, whose reporter dies with the
// process; a scrape after the loss finds none of its rates, times or
// gauges, whether or not the JobManager has noticed the loss yet, until
// the task is deployed again. The TaskManager hangs at 100.1 s, is noticed
// at 120.1 s (heartbeat.timeout 20 s) and its tasks run again, on the
// replacement, 33 s after that: every sample in (100.1 s, 153.1 s] has no
// value for the lost subtask and for the operator it was the only subtask
// of, including the first, whose interval it ran in for a while. The
// simulator's own state size, which Flink has no metric for, stays.
func TestLostTaskManagerReportsNothing(t *testing.T) {
	const failAt = 100100 * sim.Millisecond // within a sample interval of 250 ms
	spec := recoveryJob(1000, 2000, failAt)
	_, res := runWith(t, spec)
	rc := spec.Recovery
	deployed := failAt + rc.HeartbeatTimeout + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy
	task := taskOf(t, res, "agg")
	flink := map[string][]float64{
		"busy":                        seriesOf(t, res, task, 0, result.MetricBusy),
		"inPoolUsage":                 seriesOf(t, res, task, 0, result.MetricInPool),
		"isBackPressured":             seriesOf(t, res, task, 0, result.MetricIsBackPressured),
		"numRecordsIn":                seriesOf(t, res, "agg", 0, result.MetricRecordsIn),
		"the operator's numRecordsIn": seriesOf(t, res, "agg", -1, result.MetricRecordsIn),
		"the source's pendingRecords": seriesOf(t, res, "src", 0, result.MetricPending),
	}
	state := seriesOf(t, res, "agg", 0, result.MetricStateSize)
	var lost, before int
	for i, ts := range res.Times {
		down := ts > failAt.Seconds() && ts <= deployed.Seconds()
		if down {
			lost++
		} else if ts < failAt.Seconds() {
			before++
		}
		for name, v := range flink {
			switch {
			case down && result.HasValue(v[i]):
				t.Fatalf("at %.2fs, its TaskManager lost at %v and the task deployed again at %v: %s reads %g, want no value", ts, failAt, deployed, name, v[i])
			case ts < failAt.Seconds() && !result.HasValue(v[i]):
				t.Fatalf("at %.2fs, before the loss: %s has no value", ts, name)
			}
		}
		if !result.HasValue(state[i]) {
			t.Fatalf("at %.2fs: flinksim's state size has no value", ts)
		}
	}
	if lost < 200 || before < 300 {
		t.Fatalf("%d samples while lost, %d before: the scenario no longer shows the loss", lost, before)
	}
}

// TestMergedSamplesKeepTheOperatorRows: a long run merges pairs of samples
// (coarsen); an operator's row must still be its subtasks' rows combined
// as a sample combines them (rates summed, times averaged over the
// subtasks that report, none when none does), where the subtasks that
// report changed within a merged pair. Two forward pipelines, one
// restarted after its TaskManager hangs at 100.1 s, sampled every 20 ms
// for 240 s: 12,000 samples, merged twice.
func TestMergedSamplesKeepTheOperatorRows(t *testing.T) {
	spec := forwardPair(100100 * sim.Millisecond)
	spec.Sim.SampleInterval = 20 * sim.Millisecond
	_, res := runWith(t, spec)
	if len(res.Times) >= int(spec.Duration/spec.Sim.SampleInterval) {
		t.Fatalf("%d samples: none merged", len(res.Times))
	}
	task := taskOf(t, res, "agg")
	mean := func(a, b float64) float64 { return (a + b) / 2 }
	sum := func(a, b float64) float64 { return a + b }
	partly := 0
	for _, c := range []struct {
		op, metric string
		both       func(a, b float64) float64
	}{
		{"agg", result.MetricRecordsIn, sum},
		{task, result.MetricBusy, mean},
		{task, result.MetricIdle, mean},
	} {
		row := seriesOf(t, res, c.op, -1, c.metric)
		a, b := seriesOf(t, res, c.op, 0, c.metric), seriesOf(t, res, c.op, 1, c.metric)
		for i, at := range res.Times {
			var want float64
			switch ha, hb := result.HasValue(a[i]), result.HasValue(b[i]); {
			case ha && hb:
				want = c.both(a[i], b[i])
			case ha:
				want, partly = a[i], partly+1
			case hb:
				want, partly = b[i], partly+1
			default:
				want = result.NoValue()
			}
			if result.HasValue(want) != result.HasValue(row[i]) || result.HasValue(want) && math.Abs(row[i]-want) > 1e-9*max(1, math.Abs(want)) {
				t.Fatalf("%s %s at %gs: the operator's row %v, its subtasks' %v and %v, want %v", c.op, c.metric, at, row[i], a[i], b[i], want)
			}
		}
	}
	if partly == 0 {
		t.Fatal("no sample with one subtask reporting: the scenario no longer shows a partial restart")
	}
}

// TestNewAttemptRatesCountFromDeployment: a restarted task's rates are its
// new attempt's, counted from its deployment; what it takes at that very
// instant is its first interval's. A costless job without checkpoints
// loses its TaskManager at 100 s; the replacement starts 30 s later and the
// task is deployed 3 s after that, at a sample (133 s), where its reader,
// rewound to the start of the topic, reads the 133 s of backlog at once.
// The new attempt's rates, each times its interval, then sum to what its
// writer sent, numRecordsSend of the same attempt (its writer sends each
// record as it takes it). Before, the backlog read at the deployment fell
// in the unreported interval that ended there: the next sample showed the
// arrival rate while numRecordsSend showed the backlog sent.
func TestNewAttemptRatesCountFromDeployment(t *testing.T) {
	spec := recoveryJob(1000, 0, 100*sim.Second)
	spec.Nodes = []Node{spec.Nodes[0], spec.Nodes[2]}
	spec.Nodes[1].Inputs = []Input{{From: "src"}}
	spec.Checkpointing = nil
	spec.Failures[0].Detection = DetectProcessExit
	rc := spec.Recovery
	deployed := (100*sim.Second + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy).Seconds()
	_, res := runWith(t, spec)
	sent := seriesOf(t, res, "out", 0, result.OwnPrefix+result.MetricRecordsSend)
	at := -1 // the sample at the deployment
	for i, ts := range res.Times {
		if ts == deployed {
			at = i
		}
	}
	if at < 0 || result.HasValue(sent[at]) || !result.HasValue(sent[at+1]) {
		t.Fatalf("no sample at %gs without a value followed by one with: the task is no longer deployed then", deployed)
	}
	end := len(res.Times) - 1
	// The second attempt sent the whole topic, 133 s of it at once.
	if want := 1000 * spec.Duration.Seconds(); math.Abs(sent[end]-want) > 0.01*want {
		t.Fatalf("the new attempt sent %g records, want about %.0f", sent[end], want)
	}
	for _, c := range []struct{ op, metric string }{
		{"src", result.MetricRecordsOut}, {"out", result.MetricRecordsIn},
	} {
		v := seriesOf(t, res, c.op, 0, c.metric)
		sum := 0.0
		for i := at + 1; i <= end; i++ {
			sum += v[i] * (res.Times[i] - res.Times[i-1])
		}
		if math.Abs(sum-sent[end]) > 1e-6*sent[end] {
			t.Errorf("%s's %s sums to %.1f records from the deployment at %gs, want the %g the attempt sent", c.op, c.metric, sum, deployed, sent[end])
		}
	}
}
