package models

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestDowntimeGauge: Flink's DownTimeGauge counts from the job's FAILING
// timestamp, and DefaultScheduler restarts a region failover and a global
// one alike through RESTARTING, never FAILING: downtime reads 0 (whole ms)
// through both, and -1 from the moment the job FAILED.
func TestDowntimeGauge(t *testing.T) {
	poison := Failure{Kind: FailPoisonRecord, Source: "src", Partition: 0, Offset: 5000}
	for _, tc := range []struct {
		name   string
		spec   Spec
		failed bool
	}{
		{"region failover", twoPipelines(FailoverRegion), false},
		{"global failover", twoPipelines(FailoverFull), false},
		{"job FAILED", keyedJob(RestartStrategy{Kind: "fixed-delay", Delay: 2 * sim.Second, Attempts: 1}, poison), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, res := runWith(t, tc.spec)
			if len(res.Failovers) == 0 {
				t.Fatal("no failover")
			}
			last := res.Failovers[len(res.Failovers)-1]
			if last.Final != tc.failed {
				t.Fatalf("the job FAILED: %v, want %v", last.Final, tc.failed)
			}
			down := seriesOf(t, res, result.JobOperator, -1, result.MetricDowntime)
			for i, v := range down {
				want := 0.0
				if tc.failed && res.Times[i] >= last.At.Seconds() {
					want = -1
				}
				if v != want || v != math.Trunc(v) {
					t.Fatalf("downtime at %gs: %g, want %g", res.Times[i], v, want)
				}
			}
		})
	}
}

// TestSourceTasksHaveNoAlignmentTime: Flink registers
// checkpointAlignmentTime with the barrier handler of a task's network
// inputs (InputProcessorUtil), so a source task, chained or not, has none;
// checkpointStartDelayNanos every task has (SourceStreamTask and
// SourceOperatorStreamTask register their own).
func TestSourceTasksHaveNoAlignmentTime(t *testing.T) {
	spec := ckptJob(10*sim.Second, 1)
	spec.Duration = sim.Minute
	m := spec.Nodes[1]
	m.Name, m.Keyed, m.MaxParallelism = "m", nil, 0
	m.Inputs = []Input{{From: "src"}}
	spec.Nodes[1].Inputs = []Input{{From: "m", Exchange: Hash}}
	spec.Nodes = slices.Insert(spec.Nodes, 1, m)
	_, res := runWith(t, spec)
	has := map[string][]string{}
	for _, s := range res.Series {
		if s.Subtask == 0 && (s.Metric == result.MetricAlignment || s.Metric == result.MetricStartDelay) {
			has[s.Operator] = append(has[s.Operator], s.Metric)
		}
	}
	if len(has) != 2 {
		t.Fatalf("checkpoint gauges of tasks %v, want the source task and the keyed one", has)
	}
	for task, ms := range has {
		want := []string{result.MetricAlignment, result.MetricStartDelay}
		if strings.HasPrefix(task, "Source: ") {
			if !strings.Contains(task, " -> m") {
				t.Errorf("source task %q, want m chained to it", task)
			}
			want = want[1:]
		}
		if !slices.Equal(ms, want) {
			t.Errorf("task %q has %v, want %v", task, ms, want)
		}
	}
}

// TestJobStatusGauges: uptime and JobStatusMetrics' gauges against the
// job's status by hand. twoPipelines loses TaskManager 1 at 30 s, noticed
// at once (its process exits); the restart delay is 5 s. Flink's
// DefaultScheduler moves the job RUNNING -> RESTARTING for a region
// failover as for a global one (addVerticesToRestartPending), and back to
// RUNNING when the delay is over (removeVerticesFromRestartPending), before
// the replacement TaskManager is up and the tasks are deployed: RESTARTING
// over [30 s, 35 s). With one restart attempt, a second loss at 60 s fails
// the job: FAILED from 60 s, where uptime reads -1, every <status>Time 0
// and every <status>TimeTotal keeps its total (30 + 25 s RUNNING, 5 s
// RESTARTING). The tasks deploy once the replacement TaskManager's slots
// come (TaskManagerStart, 10 s after the loss) and take the redeploy
// (3 s): DeploymentStateTimeMetrics' deploying over [40 s, 43 s), 3 s in
// all. A second loss, of TaskManager 0 at 41 s, fails a's tasks DEPLOYING
// there and b's running ones (Execution.markFailed either way), two task
// failures, and the restart strategy, its one attempt used, refuses the
// first (ExecutionFailureHandler): the job FAILED at 41 s, which cancels
// every task: deploying over [40 s, 41 s). The samples at the instants of
// these events are left out: there the order of events at one instant
// decides.
func TestJobStatusGauges(t *testing.T) {
	const loss, delay, second = 30 * sim.Second, 5 * sim.Second, 60 * sim.Second
	all := &JobStatusMetricKinds{State: true, CurrentTime: true, TotalTime: true}
	failing := twoPipelines(FailoverRegion)
	failing.Restart.Attempts = 1
	failing.Failures = append(failing.Failures, Failure{Kind: FailTaskManager, At: second, TaskManager: 0})
	const deployFrom, deployed, whileDeploying = 40 * sim.Second, 43 * sim.Second, 41 * sim.Second
	failingDeploying := twoPipelines(FailoverRegion)
	failingDeploying.Restart.Attempts = 1
	failingDeploying.Failures = append(failingDeploying.Failures, Failure{Kind: FailTaskManager, At: whileDeploying, TaskManager: 0})
	for _, tc := range []struct {
		name     string
		spec     Spec
		kinds    *JobStatusMetricKinds
		failedAt sim.Time // 0: never
	}{
		{"region failover", twoPipelines(FailoverRegion), all, 0},
		{"global failover", twoPipelines(FailoverFull), all, 0},
		{"job FAILED", failing, all, second},
		{"job FAILED while deploying", failingDeploying, all, whileDeploying},
		{"default CURRENT_TIME", twoPipelines(FailoverRegion), nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.Restart.Delay = delay
			spec.JobStatusMetrics = tc.kinds
			_, res := runWith(t, spec)
			if f := res.Failovers[0]; f.At != loss || f.RestartDelay != delay {
				t.Fatalf("first failover at %v with a delay of %v, want %v and %v", f.At, f.RestartDelay, loss, delay)
			}
			checkJobStatusKinds(t, res, tc.kinds)
			for i, at := range res.Times {
				now := sim.Time(at * float64(sim.Second))
				if now == loss || now == loss+delay || now == tc.failedAt || now == deployFrom || now == deployed {
					continue
				}
				to := deployed
				if tc.failedAt > 0 {
					to = min(to, tc.failedAt)
				}
				for m, want := range jobStatusByHand(now, loss, delay, tc.failedAt, deployFrom, to) {
					if v, ok := res.Values(result.JobOperator, -1, m); ok && v[i] != want {
						t.Fatalf("%s at %gs: %g, want %g", m, at, v[i], want)
					}
				}
			}
		})
	}
}

// jobStatusByHand is every job status gauge at now: RUNNING from 0,
// RESTARTING over [loss, loss+delay), RUNNING again, FAILED from failedAt
// (0: never); deploying over [deployFrom, deployTo); in ms.
func jobStatusByHand(now, loss, delay, failedAt, deployFrom, deployTo sim.Time) map[string]float64 {
	ms := func(t sim.Time) float64 { return float64(t / sim.Millisecond) }
	running, restarting := now, sim.Time(0) // totals
	status, since := "running", sim.Time(0)
	switch {
	case failedAt > 0 && now > failedAt:
		running, restarting = failedAt-delay, delay
		status = "failed"
	case now >= loss+delay:
		running, restarting = now-delay, delay
		since = loss + delay
	case now >= loss:
		running, restarting = loss, now-loss
		status, since = "restarting", loss
	}
	g := map[string]float64{result.MetricUptime: 0}
	switch status {
	case "running":
		g[result.MetricUptime] = ms(now - since)
	case "failed":
		g[result.MetricUptime] = -1
	}
	for _, st := range result.JobStatuses {
		g[result.JobStatusMetric(st, result.JobStatusState)] = 0
		g[result.JobStatusMetric(st, result.JobStatusTime)] = 0
		g[result.JobStatusMetric(st, result.JobStatusTimeTotal)] = 0
	}
	if status != "failed" {
		g[result.JobStatusMetric(status, result.JobStatusState)] = 1
		g[result.JobStatusMetric(status, result.JobStatusTime)] = ms(now - since)
	}
	g[result.JobStatusMetric("running", result.JobStatusTimeTotal)] = ms(running)
	g[result.JobStatusMetric("restarting", result.JobStatusTimeTotal)] = ms(restarting)
	dep := result.Deploying
	g[dep+result.JobStatusState], g[dep+result.JobStatusTime] = 0, 0
	switch {
	case now >= deployTo:
		g[dep+result.JobStatusTimeTotal] = ms(deployTo - deployFrom)
	case now >= deployFrom:
		g[dep+result.JobStatusState], g[dep+result.JobStatusTime] = 1, ms(now-deployFrom)
		g[dep+result.JobStatusTimeTotal] = ms(now - deployFrom)
	default:
		g[dep+result.JobStatusTimeTotal] = 0
	}
	return g
}

// checkJobStatusKinds: the job reports uptime, and JobStatusMetrics'
// gauges of the kinds metrics.job.status.enable selects (nil: Time only)
// for each of the six statuses, and DeploymentStateTimeMetrics' of the
// same kinds, and no other.
func checkJobStatusKinds(t *testing.T, res *result.Result, kinds *JobStatusMetricKinds) {
	t.Helper()
	if kinds == nil {
		kinds = &JobStatusMetricKinds{CurrentTime: true}
	}
	if _, ok := res.Values(result.JobOperator, -1, result.MetricUptime); !ok {
		t.Error("no uptime")
	}
	on := map[string]bool{result.JobStatusState: kinds.State, result.JobStatusTime: kinds.CurrentTime, result.JobStatusTimeTotal: kinds.TotalTime}
	for _, st := range append(slices.Clip(result.JobStatuses), result.Deploying) {
		for _, kind := range []string{result.JobStatusState, result.JobStatusTime, result.JobStatusTimeTotal} {
			m := result.JobStatusMetric(st, kind)
			if _, ok := res.Values(result.JobOperator, -1, m); ok != on[kind] {
				t.Errorf("%s reported: %v, want %v", m, ok, on[kind])
			}
		}
	}
}

// TestFullRestarts: through 1.20 SchedulerBase.registerJobMetrics registers
// the deprecated fullRestarts as the same count as numRestarts
// (MetricNames.FULL_RESTARTS); the 2.x scheduler has none.
func TestFullRestarts(t *testing.T) {
	for _, full := range []bool{true, false} {
		spec := twoPipelines(FailoverRegion)
		spec.FullRestarts = full
		_, res := runWith(t, spec)
		if len(res.Failovers) == 0 {
			t.Fatal("no failover")
		}
		has := slices.ContainsFunc(res.Series, func(s result.Series) bool { return s.Metric == result.MetricFullRestarts })
		if has != full {
			t.Fatalf("FullRestarts %v: a fullRestarts series %v", full, has)
		}
		if !full {
			continue
		}
		n := seriesOf(t, res, result.JobOperator, -1, result.MetricRestarts)
		f := seriesOf(t, res, result.JobOperator, -1, result.MetricFullRestarts)
		if !slices.Equal(n, f) || n[len(n)-1] == 0 {
			t.Fatalf("fullRestarts %v, want numRestarts %v (not all 0)", f, n)
		}
	}
}
