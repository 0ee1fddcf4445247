package scenarios

import (
	"fmt"
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// deployingJob: two pipelined regions, orders (parallelism 2, keyed: one
// region) and clicks (parallelism 1), one slot per TaskManager: TaskManager
// 1 holds only orders' second subtasks, TaskManager 0 the rest. A lost
// TaskManager is noticed at once, its replacement's slots come 120 s
// later, the restart delay is 1 s and deploying takes 10 s (unless a case
// says otherwise).
const deployingJob = `
name: deploying
duration: 6m
flink:
  taskmanager.numberOfTaskSlots: 1
  restart-strategy.type: fixed-delay
  restart-strategy.fixed-delay.attempts: 100
  restart-strategy.fixed-delay.delay: 1s
  metrics.job.status.enable: STATE;CURRENT_TIME;TOTAL_TIME
  execution.checkpointing.interval: 10s
  execution.checkpointing.dir: s3://bucket/checkpoints
recovery: %s
sources:
  - {name: orders, kind: kafka, partitions: 2, parallelism: 2, rate: 1k/s}
  - {name: clicks, kind: kafka, partitions: 1, parallelism: 1, rate: 1k/s}
operators:
  - {name: ot, input: orders, parallelism: 2, key-by: k, keys: 100, cost: 10us}
  - {name: cc, input: clicks, parallelism: 1, key-by: k, keys: 100, cost: 10us}
sinks:
  - {name: os, input: ot, parallelism: 2}
  - {name: cs, input: cc, parallelism: 1}
simulation: {sample-interval: 5s}
failures:
  - taskmanager-loss: {at: 60s, taskmanager: 1}
%s`

// TestDeployingAcrossRegions: DeploymentStateTimeMetrics counts a task
// SCHEDULED as expected from the moment DefaultExecutionDeployer asks for
// its slots, starts deploying at the first DEPLOYING and stops only when
// no expected task is short of INITIALIZING. A task DEPLOYING on a lost
// TaskManager fails (Execution.markFailed) and DefaultScheduler handles it
// as any task failure: a failover of its region, counted by the restart
// strategy, restarted after the restart delay; a task SCHEDULED, waiting
// for its slots, is not failed. Orders restarts at 61 s and waits for
// TaskManager 1's replacement until 180 s, then deploys until 190 s:
//   - a second loss, of TaskManager 0 at 100 s, restarts clicks (orders
//     waits for its slots: no failure) and takes the slots both regions
//     need until 220 s: nothing deploys before 220 s, both deploy until
//     230 s (10 s in all); two restarts, one per loss;
//   - a loss of TaskManager 0 at 185 s, while orders deploys, fails those
//     tasks and clicks' running ones: one failover of both regions, two
//     failures (numRestarts 3), restarted at 186 s; they wait for TaskManager
//     0's replacement until 305 s: deploying over [180 s, 185 s) and
//     [305 s, 315 s) (15 s in all);
//   - with replacements in 20 s and deploying taking 60 s, a loss of
//     TaskManager 0 at 100 s fails orders' tasks deploying since 80 s and
//     clicks': one failover of both (numRestarts 3), restarted at 101 s;
//     they deploy from 120 s, when TaskManager 0's replacement has come,
//     until 180 s: that second failover is deployed at 180 s, the first
//     never is (the first deployment's stale end at 140 s is ignored);
//   - a poison record in clicks (read about 100 s) fails it again and
//     again: it deploys from its first restart, 1 s after that failure,
//     and the job stays deploying while orders waits for its slots, until
//     orders is INITIALIZING at 190 s (a span of 0 below stands for that
//     first restart).
func TestDeployingAcrossRegions(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	const slow = "{redeploy: 10s, taskmanager-start: 120s}"
	for _, c := range []struct {
		name, recovery, failure string
		spans                   [][2]float64 // deploying over [from, to) s
		at                      float64      // check the spans up to this time
		running                 []sim.Time   // each failover deployed at (0: never; nil: not checked)
		restarts                float64      // numRestarts at the end (0: not checked)
	}{
		{"TaskManager 0 lost while orders waits for slots", slow, "  - taskmanager-loss: {at: 100s, taskmanager: 0}\n", [][2]float64{{220, 230}}, 360, nil, 2},
		{"TaskManager 0 lost while orders deploys", slow, "  - taskmanager-loss: {at: 185s, taskmanager: 0}\n", [][2]float64{{180, 185}, {305, 315}}, 360, []sim.Time{0, 315 * sim.Second}, 3},
		{"a deployment fails and starts over", "{redeploy: 60s, taskmanager-start: 20s}", "  - taskmanager-loss: {at: 100s, taskmanager: 0}\n", [][2]float64{{80, 100}, {120, 180}}, 360, []sim.Time{0, 180 * sim.Second}, 3},
		{"clicks deploys while orders waits for slots", slow, "  - poison-record: {source: clicks, partition: 0, offset: 100000}\n", [][2]float64{{0, 190}}, 189, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := runYAML(t, "deploying.yaml", fmt.Sprintf(deployingJob, c.recovery, c.failure))
			if c.running != nil && len(res.Failovers) != len(c.running) {
				t.Fatalf("%d failovers, want %d", len(res.Failovers), len(c.running))
			}
			for i, at := range c.running {
				if f := res.Failovers[i]; f.RunningAt != at {
					t.Fatalf("failover %d deployed at %v, want %v", i+1, f.RunningAt, at)
				}
			}
			if r := seriesValues(t, res, result.MetricRestarts); c.restarts != 0 && r[len(r)-1] != c.restarts {
				t.Fatalf("numRestarts %g, want %g", r[len(r)-1], c.restarts)
			}
			if c.spans[0][0] == 0 {
				f := res.Failovers[1] // the poison record's first
				if f.Cause != "poison-record" {
					t.Fatalf("second failover %+v, want the poison record's", f)
				}
				ms := float64((f.At + f.RestartDelay) / sim.Millisecond)
				c.spans[0][0] = ms / 1000
			}
			state := seriesValues(t, res, result.Deploying+result.JobStatusState)
			total := seriesValues(t, res, result.Deploying+result.JobStatusTimeTotal)
			for i, at := range res.Times {
				if at > c.at {
					break
				}
				on, sum := 0.0, 0.0
				edge := false
				for _, s := range c.spans {
					if at > s[0] && at < s[1] {
						on = 1
					}
					edge = edge || at == s[0] || at == s[1]
					sum += max(0, min(at, s[1])-s[0]) * 1000
				}
				if edge {
					continue // the order of events at one instant decides
				}
				sum = math.Round(sum) // whole ms, as the gauge (a span's start in ms/1000 is inexact)
				if state[i] != on || total[i] != sum {
					t.Fatalf("at %gs: deployingState %g, deployingTimeTotal %g; want %g and %g", at, state[i], total[i], on, sum)
				}
			}
		})
	}
}

// seriesValues is the job's series of metric m.
func seriesValues(t *testing.T, res *result.Result, m string) []float64 {
	t.Helper()
	v, ok := res.Values(result.JobOperator, -1, m)
	if !ok {
		t.Fatalf("no %s", m)
	}
	return v
}

// deployFailJob: orders (parallelism 3, keyed: one region) and clicks
// (parallelism 1), one slot per TaskManager: TaskManagers 1 and 2 hold only
// orders' second and third subtasks. A lost TaskManager is noticed at once
// and its replacement's slots come 5 s later; the fixed-delay restart
// strategy allows %d attempts, 30 s apart; deploying takes 10 s.
const deployFailJob = `
name: deploy-fail
duration: 3m
flink:
  taskmanager.numberOfTaskSlots: 1
  restart-strategy.type: fixed-delay
  restart-strategy.fixed-delay.attempts: %d
  restart-strategy.fixed-delay.delay: 30s
  metrics.job.status.enable: STATE;CURRENT_TIME;TOTAL_TIME
  execution.checkpointing.interval: 10s
  execution.checkpointing.dir: s3://bucket/checkpoints
recovery: {redeploy: 10s, taskmanager-start: 5s}
sources:
  - {name: orders, kind: kafka, partitions: 3, parallelism: 3, rate: 1k/s}
  - {name: clicks, kind: kafka, partitions: 1, parallelism: 1, rate: 1k/s}
operators:
  - {name: ot, input: orders, parallelism: 3, key-by: k, keys: 100, cost: 10us}
  - {name: cc, input: clicks, parallelism: 1, key-by: k, keys: 100, cost: 10us}
sinks:
  - {name: os, input: ot, parallelism: 3}
  - {name: cs, input: cc, parallelism: 1}
simulation: {sample-interval: 5s}
failures:
  - taskmanager-loss: {at: 60s, taskmanager: 1}
  - taskmanager-loss: {at: 95s, taskmanager: %d}
`

// TestTaskManagerLostWhileDeploying: a TaskManager lost while a failover's
// tasks are DEPLOYING fails them (Execution.markFailed), and
// DefaultScheduler handles that as any task failure: ExecutionFailureHandler
// asks the restart strategy (FixedDelayRestartBackoffTimeStrategy's
// notifyFailure, canRestart), numRestarts counts the restart, and the
// tasks restart after the backoff (restartTasksWithDelay), the job
// RESTARTING meanwhile; or the job FAILS when the strategy refuses. By
// hand: TaskManager 1 lost at 60 s fails orders (restart 1): RESTARTING
// over [60 s, 90 s); its replacement is there at 65 s, so orders deploys
// over [90 s, 100 s). TaskManager 2 lost at 95 s fails orders' deploying
// tasks, clicks (on TaskManager 0) going on; the first failover is never
// deployed:
//   - with 2 attempts, restart 2 after 30 s: RESTARTING over [95 s,
//     125 s), TaskManager 2's replacement there at 100 s, orders deploying
//     again over [125 s, 135 s) and deployed (INITIALIZING) at 135 s;
//     deployingTimeTotal 5 s + 10 s;
//   - with 1 attempt the loss at 95 s is the second failure: the strategy
//     refuses it, the job is FAILED from 95 s, numRestarts stays 1, and
//     deploying ended at 95 s (5 s in all);
//   - TaskManager 1's replacement, there since 65 s, lost at 95 s in its
//     turn, as TaskManager 2 (flinksim once ignored a loss of a replacement
//     until the tasks were deployed to it): the same, its own replacement
//     there at 100 s.
//
// orders' sink, cancelled at 60 s, has written nothing since: the second
// failover rewinds none of its records again; it counts what the first
// rewound, as its restore replays it (the first counts it when the job
// FAILED). flinksim once deployed the tasks again at 100 s with neither a
// restart nor a restart delay, and the job never failed.
func TestTaskManagerLostWhileDeploying(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	for _, c := range []struct {
		attempts   int
		tm         int // lost at 95 s
		failed     bool
		restarts   float64
		restarting [][2]float64 // RESTARTING over [from, to) s
		deploying  [][2]float64 // deploying over [from, to) s
	}{
		{2, 2, false, 2, [][2]float64{{60, 90}, {95, 125}}, [][2]float64{{90, 95}, {125, 135}}},
		{1, 2, true, 1, [][2]float64{{60, 90}}, [][2]float64{{90, 95}}},
		{2, 1, false, 2, [][2]float64{{60, 90}, {95, 125}}, [][2]float64{{90, 95}, {125, 135}}},
	} {
		t.Run(fmt.Sprintf("%d attempts, TaskManager %d lost at 95 s", c.attempts, c.tm), func(t *testing.T) {
			res := runYAML(t, "deploy-fail.yaml", fmt.Sprintf(deployFailJob, c.attempts, c.tm))
			if len(res.Failovers) != 2 {
				t.Fatalf("%d failovers, want 2: %+v", len(res.Failovers), res.Failovers)
			}
			f := res.Failovers[1]
			if f.At != 95*sim.Second || f.Cause != "taskmanager-loss" || len(f.Regions) != 1 || f.Final != c.failed {
				t.Fatalf("second failover %+v, want TaskManager 2's loss at 95s of orders' region, the job FAILED: %v", f, c.failed)
			}
			// What the first cancellation rewound is counted once: with
			// the restore that replays it, the second failover's, or, the
			// job FAILED before one, with the first.
			owner, other := f, res.Failovers[0]
			if c.failed {
				owner, other = other, owner
			}
			if other.SinkRewound != 0 || other.SinkExposed != 0 || owner.SinkRewound == 0 {
				t.Fatalf("failovers rewound %d and %d records of os, exposed %d and %d; want them on the %s only: it has written nothing since the first",
					res.Failovers[0].SinkRewound, f.SinkRewound, res.Failovers[0].SinkExposed, f.SinkExposed, map[bool]string{true: "first", false: "second"}[c.failed])
			}
			if !c.failed && (f.RestartDelay != 30*sim.Second || f.RunningAt != 135*sim.Second) {
				t.Fatalf("second failover restarted after %v and deployed at %v, want 30s and 2m15s", f.RestartDelay, f.RunningAt)
			}
			if r := res.Failovers[0]; r.RunningAt != 0 {
				t.Fatalf("first failover deployed at %v, want never (its deployment failed)", r.RunningAt)
			}
			restarts := seriesValues(t, res, result.MetricRestarts)
			restarting := seriesValues(t, res, result.JobStatusMetric("restarting", result.JobStatusState))
			uptime := seriesValues(t, res, result.MetricUptime) // -1 once the job is FAILED
			deploying := seriesValues(t, res, result.Deploying+result.JobStatusTimeTotal)
			if last := restarts[len(restarts)-1]; last != c.restarts {
				t.Fatalf("numRestarts %g, want %g", last, c.restarts)
			}
			for i, at := range res.Times {
				if onEdge(at, c.restarting, c.deploying, [][2]float64{{95, 95}}) {
					continue // the order of events at one instant decides
				}
				if failed := c.failed && at > 95; restarting[i] != inSpans(at, c.restarting) || (uptime[i] == -1) != failed {
					t.Fatalf("at %gs: restarting %g, uptime %g; want %g, and FAILED: %v", at, restarting[i], uptime[i], inSpans(at, c.restarting), failed)
				}
				if want := spanned(at, c.deploying) * 1000; deploying[i] != want {
					t.Fatalf("at %gs: deployingTimeTotal %g, want %g", at, deploying[i], want)
				}
			}
		})
	}
}

// inSpans is 1 when at is inside one of spans [from, to), else 0.
func inSpans(at float64, spans [][2]float64) float64 {
	for _, s := range spans {
		if at >= s[0] && at < s[1] {
			return 1
		}
	}
	return 0
}

// spanned is how long spans [from, to) cover up to at.
func spanned(at float64, spans [][2]float64) float64 {
	sum := 0.0
	for _, s := range spans {
		sum += max(0, min(at, s[1])-s[0])
	}
	return sum
}

// onEdge: at is an end of one of the spans.
func onEdge(at float64, spans ...[][2]float64) bool {
	for _, ss := range spans {
		for _, s := range ss {
			if at == s[0] || at == s[1] {
				return true
			}
		}
	}
	return false
}
