package scenarios

import (
	"fmt"
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
// no expected task is short of INITIALIZING. Orders restarts at 61 s and
// waits for TaskManager 1's replacement until 180 s, then deploys until
// 190 s:
//   - a second loss, of TaskManager 0 at 100 s, restarts clicks and takes
//     the slots both regions need until 220 s: nothing deploys before
//     220 s, both deploy until 230 s (10 s in all);
//   - a loss of TaskManager 0 at 185 s, while orders deploys, fails those
//     tasks: deploying over [180 s, 185 s), and again over [305 s, 315 s)
//     once its replacement has come (15 s in all);
//   - with replacements in 20 s and deploying taking 60 s, a loss of
//     TaskManager 0 at 100 s fails orders' tasks deploying since 80 s;
//     they deploy again from 120 s, with clicks, until 180 s (a stale end
//     of the first deployment once made them INITIALIZING at 140 s);
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
		running                 sim.Time     // orders' failover deployed (0: not checked)
	}{
		{"TaskManager 0 lost while orders waits for slots", slow, "  - taskmanager-loss: {at: 100s, taskmanager: 0}\n", [][2]float64{{220, 230}}, 360, 0},
		{"TaskManager 0 lost while orders deploys", slow, "  - taskmanager-loss: {at: 185s, taskmanager: 0}\n", [][2]float64{{180, 185}, {305, 315}}, 360, 0},
		{"a deployment fails and starts over", "{redeploy: 60s, taskmanager-start: 20s}", "  - taskmanager-loss: {at: 100s, taskmanager: 0}\n", [][2]float64{{80, 100}, {120, 180}}, 360, 180 * sim.Second},
		{"clicks deploys while orders waits for slots", slow, "  - poison-record: {source: clicks, partition: 0, offset: 100000}\n", [][2]float64{{0, 190}}, 189, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := runYAML(t, "deploying.yaml", fmt.Sprintf(deployingJob, c.recovery, c.failure))
			if f := res.Failovers[0]; c.running != 0 && f.RunningAt != c.running {
				t.Fatalf("orders deployed at %v, want %v", f.RunningAt, c.running)
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
