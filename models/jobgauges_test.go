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
