package scenarios

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestCountersStartAgainWithEachAttempt: a restarted task is a new
// execution attempt with a new metric group (TaskExecutor.submitTask), so
// a Kafka sink writer's numRecordsSend starts again at 0, and has no value
// from the cancellation until the new attempt is deployed. 1000 records/s,
// deterministic, into a job that keeps up, a TaskManager lost at 60 s and no
// checkpoint: the restarted source reads the topic from its start again, so
// at a sample t after the restart the new attempt has sent about R·t (its
// replay and what came since), not R·60 more (the counter going on over the
// restart); before the loss, about R·t. Within 1 s of records: the steps'
// chunk-delay and the restart's catch-up.
func TestCountersStartAgainWithEachAttempt(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	const job = `
name: attempts
duration: 2m
flink: {restart-strategy.type: fixed-delay, restart-strategy.fixed-delay.delay: 1s}
sources: [{name: events, kind: kafka, partitions: 1, parallelism: 1, rate: 1000/s, arrivals: deterministic}]
operators: [{name: op, cost: 10us}]
sinks: [{name: topic, system: kafka, delivery-guarantee: at-least-once}]
failures: [{taskmanager-loss: {at: 60s, taskmanager: 0}}]
`
	const rate = 1000.0
	res := runYAML(t, "attempts.yaml", job)
	if len(res.Failovers) != 1 || res.Failovers[0].RunningAt <= 60*sim.Second {
		t.Fatalf("failovers %+v: want one, deployed after 60 s", res.Failovers)
	}
	back := res.Failovers[0].RunningAt.Seconds()
	for _, sub := range []int{0, -1} { // the subtask, and the operator's sum
		sent, ok := res.Values("topic", sub, result.MetricRecordsSend)
		if !ok {
			t.Fatalf("no numRecordsSend for subtask %d", sub)
		}
		for i, at := range res.Times {
			v := sent[i]
			switch {
			case at >= 60 && at < back:
				if result.HasValue(v) {
					t.Errorf("subtask %d at %gs (cancelled until %gs): numRecordsSend %g, want no value", sub, at, back, v)
				}
			case at >= back+5 || at < 60:
				if !result.HasValue(v) || math.Abs(v-rate*at) > rate {
					t.Errorf("subtask %d at %gs: numRecordsSend %g, want %g ± %g", sub, at, v, rate*at, rate)
				}
			}
		}
	}
}
