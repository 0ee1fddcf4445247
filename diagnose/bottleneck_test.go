package diagnose

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestBackpressureLoad: a busy job that nothing backpressures (one chain,
// its lag in Kafka) is at the edge of its capacity only when its input is
// within the rate's resolution (10%) of its sustainable rate; above it is
// overloaded, by how much its input says. 100 s of input, 1000 of them an
// initial backlog, which is no input per second.
func TestBackpressureLoad(t *testing.T) {
	busy := []result.OperatorSummary{{Name: "src", MaxSubtaskBusyMsPerS: 1000}, {Name: "m", MaxSubtaskBusyMsPerS: 1000},
		{Name: "out", MaxSubtaskBusyMsPerS: 1000}}
	for _, c := range []struct {
		name        string
		produced    int64
		sustainable float64
		want        string
	}{
		{"input twice what it can process", 2_000_000 + 1000, 9900,
			"busy: src, m, out, overloaded: input 2.0× what it can process (20k/s against 9.9k/s)"},
		{"input 17 times", 1_700_000 + 1000, 1000,
			"busy: src, m, out, overloaded: input 17× what it can process (17k/s against 1k/s)"},
		{"input at capacity", 980_000 + 1000, 10_000,
			"busy: src, m, out, at the edge of its capacity: input 0.98× what it can process (9.8k/s against 10k/s)"},
		{"input below capacity", 500_000 + 1000, 10_000,
			"busy: src, m, out, with input 0.50× what it can process (5k/s against 10k/s)"},
		{"no sustainable rate", 2_000_000 + 1000, 0, "busy: src, m, out"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := result.Summary{VirtualDurationS: 100, Records: result.RecordCounts{Produced: c.produced, Backlog: 1000},
				Operators: busy, SustainableInputRPS: c.sustainable}
			if got := Backpressure(s); got != c.want {
				t.Errorf("Backpressure = %q\nwant           %q", got, c.want)
			}
		})
	}
}

// TestBackpressureNamesTheTaskDownstream: with tasks backpressured and no
// subtask busy past busyLimit, the cause named is the first task
// downstream of a backpressured one that is not backpressured itself (as
// Flink's backpressure guide reads the web UI), with its busiest subtask's
// busy time; a task downstream of none, and a backpressured one, are not.
func TestBackpressureNamesTheTaskDownstream(t *testing.T) {
	ops := []result.OperatorSummary{
		{Name: "src", Task: "Source: src", Backpressure: "HIGH"},
		{Name: "enrich", Task: "enrich", Backpressure: "LOW", MaxSubtaskBusyMsPerS: 300},
		{Name: "db", Task: "Sink: db", MaxSubtaskBusyMsPerS: 640},
		{Name: "other", Task: "other", MaxSubtaskBusyMsPerS: 10},
	}
	node := func(task string, inputs ...string) result.PlanNode {
		n := result.PlanNode{ID: result.VertexID(task)}
		for _, in := range inputs {
			n.Inputs = append(n.Inputs, result.PlanInput{ID: result.VertexID(in)})
		}
		return n
	}
	plan := &result.Plan{Nodes: []result.PlanNode{node("Source: src"), node("enrich", "Source: src"),
		node("Sink: db", "enrich"), node("other")}}
	for _, c := range []struct {
		name string
		plan *result.Plan
		want string
	}{
		{"with the job graph", plan, "backpressured (HIGH): src; backpressured (LOW): enrich; the cause is downstream of them: Sink: db (not backpressured; its busiest subtask busy 640 ms/s)"},
		{"without", nil, "backpressured (HIGH): src; backpressured (LOW): enrich"},
		// enrich also feeds other, which idles: db holds it back, not other.
		{"a branch", &result.Plan{Nodes: []result.PlanNode{node("Source: src"), node("enrich", "Source: src"),
			node("Sink: db", "enrich"), node("other", "enrich")}},
			"backpressured (HIGH): src; backpressured (LOW): enrich; the cause is downstream of them: Sink: db (not backpressured; its busiest subtask busy 640 ms/s)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Backpressure(result.Summary{Operators: ops, Plan: c.plan}); got != c.want {
				t.Errorf("Backpressure = %q\nwant           %q", got, c.want)
			}
		})
	}
}

// TestSkewParallelismLimit: the parallelism at which the hottest key's
// operator reaches 90% of what the key allows is told against the max
// parallelism (key-skew's bot at 4% of 50 subtasks' 128 key groups needs
// 216): above it a job needs a larger one first, which one restored from a
// checkpoint cannot take (it keeps its key groups).
func TestSkewParallelismLimit(t *testing.T) {
	for _, c := range []struct {
		limit, maxP int
		want        string
	}{
		{216, 128, "the hottest key alone allows 416.7k/s input at any parallelism (216 subtasks reach 90% of it, above its max parallelism of 128, which a job restored from a checkpoint keeps; more add ever less)"},
		{216, 256, "the hottest key alone allows 416.7k/s input at any parallelism (216 subtasks reach 90% of it, more add ever less)"},
		{0, 128, "the hottest key alone allows 416.7k/s input at any parallelism (no parallelism up to 32768, the most Flink allows, reaches 90% of it)"},
	} {
		sk := result.SkewSummary{Operator: "user-stats", Parallelism: 50, MaxParallelism: c.maxP, Ratio: 2.75,
			HotSubtasks:        []result.SubtaskLoad{{Subtask: 38, Share: 0.055, KeyGroups: "98-99"}},
			TopKeys:            []result.KeyLoad{{Key: "bot-1", Share: 0.04, Subtask: 38}},
			HottestKeyBoundRPS: 416_700, ParallelismLimit: c.limit}
		lines := Skew(result.Summary{Skew: []result.SkewSummary{sk}})
		if len(lines) != 1 || !strings.HasSuffix(lines[0], c.want) {
			t.Errorf("max parallelism %d: %q\nwant it to end %q", c.maxP, lines, c.want)
		}
	}
}
