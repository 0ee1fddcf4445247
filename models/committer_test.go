package models

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestCommitterMetricsPerSubtask: an exactly-once KafkaSink's committer
// subtask receives one committable per checkpoint from its writer (the
// transaction prepared at the barrier: SubtaskCommittableManager.add
// counts totalCommittables) and commits it when the checkpoint completes
// (CommitterOperator.notifyCheckpointComplete; CommitRequestImpl
// .setCommittedIfNoError counts successfulCommittables). Without failures,
// at every sample each subtask has committed one committable per completed
// checkpoint, holds at most max-concurrent (1) more pending, and has none
// failed, retried or already committed; the operator's series is the sum
// of its subtasks', and summary.json's committables the subtasks' last
// values.
func TestCommitterMetricsPerSubtask(t *testing.T) {
	_, res := runWith(t, sinkJob(kafkaEOS(15*sim.Minute), 2000))
	completed := seriesOf(t, res, result.JobOperator, -1, result.MetricCompletedCkpts)
	if completed[len(completed)-1] < 10 {
		t.Fatalf("%v checkpoints completed, want over 10", completed[len(completed)-1])
	}
	sum := map[string]float64{}
	for sub := 0; sub < 2; sub++ {
		total := seriesOf(t, res, "out", sub, result.MetricTotalCommittables)
		ok := seriesOf(t, res, "out", sub, result.MetricSuccessfulCommittables)
		pending := seriesOf(t, res, "out", sub, result.MetricPendingCommittables)
		for i := range completed {
			if ok[i] != completed[i] || total[i] != ok[i]+pending[i] || pending[i] > 1 {
				t.Fatalf("subtask %d, sample %d: total %v, successful %v, pending %v with %v checkpoints completed: want successful = completed, total = successful + pending, pending ≤ 1",
					sub, i, total[i], ok[i], pending[i], completed[i])
			}
		}
		for _, m := range committerMetrics {
			v := seriesOf(t, res, "out", sub, m)
			sum[m] += v[len(v)-1]
			if m == result.MetricFailedCommittables || m == result.MetricRetriedCommittables || m == result.MetricAlreadyCommittedCommittables {
				if v[len(v)-1] != 0 {
					t.Errorf("subtask %d: %s %v, want 0 without failures", sub, m, v[len(v)-1])
				}
			}
		}
	}
	cm := sinkOf(t, res).Committables
	for m, want := range map[string]int64{result.MetricTotalCommittables: cm.Total, result.MetricSuccessfulCommittables: cm.Successful,
		result.MetricAlreadyCommittedCommittables: cm.AlreadyCommitted, result.MetricFailedCommittables: cm.Failed,
		result.MetricRetriedCommittables: cm.Retried, result.MetricPendingCommittables: cm.Pending} {
		agg := seriesOf(t, res, "out", -1, m)
		if agg[len(agg)-1] != sum[m] || sum[m] != float64(want) {
			t.Errorf("%s: operator %v, subtasks' sum %v, summary %d: want all equal", m, agg[len(agg)-1], sum[m], want)
		}
	}
}

// TestCommitterMetricsRestoredCommitIsSuccessful: a TaskManager dies after
// its subtask committed the latest completed checkpoint's committable; the
// restored committer finds that committable in the checkpoint's state and
// commits it again. KafkaCommitter's second commit of a committed
// transaction succeeds (no signalAlreadyCommitted), so Flink counts it in
// successfulCommittables, not in totalCommittables (restored requests are
// not received again) nor in alreadyCommittedCommittables: the restored
// subtask has one successful commit more than it received less those
// pending; the other subtask (a region of its own: the job is forward
// only) goes on with as many as it received.
func TestCommitterMetricsRestoredCommitIsSuccessful(t *testing.T) {
	spec := sinkJob(kafkaEOS(15*sim.Minute), 2000)
	spec.Failures = []Failure{{Kind: FailTaskManager, At: 73*sim.Second + 3*sim.Millisecond, TaskManager: 1}}
	s, res := runWith(t, spec)
	for _, w := range s.sinkWriters {
		last := func(m string) float64 {
			v := seriesOf(t, res, "out", w.st.index, m)
			return v[len(v)-1]
		}
		want := 0.0
		if w.st.tm == 1 {
			want = 1
		}
		total, ok, pending := last(result.MetricTotalCommittables), last(result.MetricSuccessfulCommittables), last(result.MetricPendingCommittables)
		if already := last(result.MetricAlreadyCommittedCommittables); already != 0 || ok-(total-pending) != want {
			t.Errorf("subtask %d on TaskManager %d: successful %v, total %v, pending %v, alreadyCommitted %v: want successful = total - pending + %v, alreadyCommitted 0",
				w.st.index, w.st.tm, ok, total, pending, already, want)
		}
	}
}

// TestCommitterMetricsOnlyWhereFlinkHasThem: an at-least-once sink
// prepares no committable, and Flink before 1.19 has no committer metrics
// (SinkCommitterMetricGroup came with FLIP-371): neither records them; the
// summary still counts the commits.
func TestCommitterMetricsOnlyWhereFlinkHasThem(t *testing.T) {
	old := sinkJob(kafkaEOS(15*sim.Minute), 2000)
	old.NoSinkCommitterMetrics = true
	for name, spec := range map[string]Spec{"at-least-once": sinkJob(Delivery{Guarantee: AtLeastOnce, System: SystemKafka}, 2000), "Flink 1.18": old} {
		_, res := runWith(t, spec)
		for _, s := range res.Series {
			for _, m := range committerMetrics {
				if strings.TrimPrefix(s.Metric, result.OwnPrefix) == m {
					t.Errorf("%s: series %s[%d] %s", name, s.Operator, s.Subtask, m)
				}
			}
		}
		if k := sinkOf(t, res); (k.Committables != nil) != (name == "Flink 1.18") {
			t.Errorf("%s: committables %+v", name, k.Committables)
		}
	}
}

// TestSinkSeriesNamedAsFlinkHasThem: a sink's numRecordsSend and committer
// metrics are Flink's names only where Flink registers them: in a Sink V2
// writer and the committer chained to it (an exactly-once KafkaSink); a
// SinkFunction (an exactly-once JDBC sink, a generic sink) has neither
// metric group, and its series are flinksim's own, flinksim.numRecordsSend
// and flinksim.pendingCommittables, ..., per subtask and for the operator,
// with the same values; with the committer unchained (chaining off), which
// flinksim does not simulate, the committer metrics are flinksim's and the
// writer's numRecordsSend still Flink's.
func TestSinkSeriesNamedAsFlinkHasThem(t *testing.T) {
	jdbc := Delivery{Guarantee: ExactlyOnce, System: SystemJDBC, BatchSize: 1, MaxCommitAttempts: 10}
	unchained := sinkJob(kafkaEOS(15*sim.Minute), 2000)
	unchained.Chaining = false
	sendAndCommits := append([]string{result.MetricRecordsSend}, committerMetrics[:]...)
	for _, c := range []struct {
		name             string
		spec             Spec
		send, committers bool // Flink's
	}{
		{"kafka", sinkJob(kafkaEOS(15*sim.Minute), 2000), true, true},
		{"jdbc", sinkJob(jdbc, 2000), false, false},
		{"generic", sinkJob(Delivery{Guarantee: ExactlyOnce}, 2000), false, false},
		{"kafka, committer unchained", unchained, true, false},
	} {
		c.spec.Duration = 30 * sim.Second
		_, res := runWith(t, c.spec)
		names := map[string]int{}
		for _, s := range res.Series {
			if s.Operator == "out" {
				names[s.Metric]++
			}
		}
		for _, m := range sendAndCommits {
			own, flinks := result.OwnPrefix+m, c.send
			if m != result.MetricRecordsSend {
				flinks = c.committers
			}
			want, not := own, m
			if flinks {
				want, not = m, own
			}
			if names[want] != 3 || names[not] != 0 { // the operator and its 2 subtasks
				t.Errorf("%s: %d series %s and %d %s, want 3 and none", c.name, names[want], want, names[not], not)
			}
		}
		if got := seriesOf(t, res, "out", -1, result.SinkMetric(result.MetricRecordsSend, c.send, c.committers)); got[len(got)-1] != float64(sinkOf(t, res).Sent) {
			t.Errorf("%s: numRecordsSend ends at %v, the sink sent %d", c.name, got[len(got)-1], sinkOf(t, res).Sent)
		}
	}
}

// TestRestoredCommitWaitsForTheSystem: as in
// TestCommitterMetricsRestoredCommitIsSuccessful a TaskManager dies after
// its subtask committed the latest completed checkpoint's committable, but
// the sink's system goes down before the job restores. The restored
// committer's second commit of that committable follows the rule of any
// commit (CommitterOperator.initializeState hands it to the Committer):
// KafkaCommitter's resumed producer cannot reach the broker (a
// RetriableException: retryLater), an XA commit fails transiently and is
// retried (XaGroupOpsImpl.commit). So while the system is down the
// restored attempt counts no successful commit (and the XA one retried
// ones), and the committable is pending; once the system is back it is
// committed and counted: successful = total − pending + 1 at the end, as
// without the outage.
func TestRestoredCommitWaitsForTheSystem(t *testing.T) {
	const downFrom, downTo = 74 * sim.Second, 110 * sim.Second
	for _, d := range []Delivery{kafkaEOS(15 * sim.Minute), {Guarantee: ExactlyOnce, System: SystemJDBC, BatchSize: 1, MaxCommitAttempts: 100}} {
		spec := sinkJob(d, 2000)
		spec.Failures = []Failure{{Kind: FailTaskManager, At: 73*sim.Second + 3*sim.Millisecond, TaskManager: 1},
			{Kind: FailSinkOutage, At: downFrom, For: downTo - downFrom, FailsAfter: 10 * sim.Minute}}
		s, res := runWith(t, spec)
		if len(res.Failovers) != 1 || res.Failovers[0].RunningAt == 0 || res.Failovers[0].RunningAt >= downTo-5*sim.Second {
			t.Fatalf("%s: failovers %+v, want one, the job running again well before %s", d.System, res.Failovers, downTo)
		}
		running := res.Failovers[0].RunningAt
		for _, w := range s.sinkWriters {
			if w.st.tm != 1 {
				continue
			}
			series := func(m string) []float64 {
				if d.System == SystemJDBC {
					m = result.OwnPrefix + m // a SinkFunction's: flinksim's, not Flink's
				}
				return seriesOf(t, res, "out", w.st.index, m)
			}
			ok, pending, retried := series(result.MetricSuccessfulCommittables), series(result.MetricPendingCommittables), series(result.MetricRetriedCommittables)
			seen := 0
			for i, at := range res.Times {
				if x := sim.FromSeconds(at); x <= running || x >= downTo || ok[i] != ok[i] { // before the restore, after the outage, or not deployed
					continue
				}
				seen++
				if ok[i] != 0 || pending[i] < 1 {
					t.Errorf("%s at %gs, the system down: restored subtask's successful %v, pending %v; want 0 successful, the restored committable pending", d.System, at, ok[i], pending[i])
				}
				if d.System == SystemJDBC && at >= (running+spec.Checkpointing.Interval).Seconds()+1 && retried[i] == 0 {
					t.Errorf("%s at %gs: no XA commit retried, want the restored commit tried again at each notification", d.System, at)
				}
			}
			if seen == 0 {
				t.Fatalf("%s: no sample of the restored subtask while the system was down", d.System)
			}
			total := series(result.MetricTotalCommittables)
			n := len(total) - 1
			if ok[n]-(total[n]-pending[n]) != 1 {
				t.Errorf("%s at the end: successful %v, total %v, pending %v; want successful = total - pending + 1", d.System, ok[n], total[n], pending[n])
			}
		}
	}
}
