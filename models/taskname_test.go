package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestChainedNames: a task is named as StreamingJobGraphGenerator's
// createChainedName names a job vertex: an operator, " -> " and the chain
// it feeds, or " -> (a, b)" when it feeds several, recursively; each
// operator by the name Flink gives it (operatorNames): a source's
// "Source: NAME", a SinkFunction's "Sink: NAME", a Sink V2 sink's
// "NAME: Writer" and its committer's "NAME: Committer".
func TestChainedNames(t *testing.T) {
	kafka := &Sink{Delivery: Delivery{System: SystemKafka, Guarantee: ExactlyOnce}}
	jdbc := &Sink{Delivery: Delivery{System: SystemJDBC, Guarantee: ExactlyOnce}}
	generic := &Sink{}
	node := func(name string, kind NodeKind, parent int, sink *Sink) *nodeRT {
		return &nodeRT{spec: &Node{Name: name, Kind: kind, Sink: sink, Chain: true}, parent: parent}
	}
	for _, c := range []struct {
		what     string
		nodes    []*nodeRT
		chaining bool
		want     string
	}{
		{"a source alone", []*nodeRT{node("src", KindSource, -1, nil)}, true, "Source: src"},
		{"a legacy sink (SinkFunction) chained to its input",
			[]*nodeRT{node("src", KindSource, -1, nil), node("parse", KindOperator, 0, nil), node("out", KindSink, 1, generic)}, true,
			"Source: src -> parse -> Sink: out"},
		{"JdbcSink.exactlyOnceSink is a SinkFunction (JdbcXaSinkFunction)",
			[]*nodeRT{node("db", KindSink, -1, jdbc)}, true, "Sink: db"},
		{"a Kafka exactly-once sink: its writer, its committer chained after it",
			[]*nodeRT{node("totals", KindOperator, -1, nil), node("topic", KindSink, 0, kafka)}, true,
			"totals -> topic: Writer -> topic: Committer"},
		{"a KafkaSink has its committer whatever its guarantee",
			[]*nodeRT{node("topic", KindSink, -1, &Sink{Delivery: Delivery{System: SystemKafka, Guarantee: NoGuarantee}})}, true,
			"topic: Writer -> topic: Committer"},
		{"a chain feeding two sinks, one legacy, one Sink V2",
			[]*nodeRT{node("totals", KindOperator, -1, nil), node("db", KindSink, 0, jdbc), node("topic", KindSink, 0, kafka)}, true,
			"totals -> (Sink: db, topic: Writer -> topic: Committer)"},
		{"two branches of a chain",
			[]*nodeRT{node("src", KindSource, -1, nil), node("a", KindOperator, 0, nil), node("x", KindSink, 1, generic),
				node("b", KindOperator, 0, nil), node("y", KindSink, 3, kafka)}, true,
			"Source: src -> (a -> Sink: x, b -> y: Writer -> y: Committer)"},
		{"operator chaining off: the committer is a vertex of its own, not simulated",
			[]*nodeRT{node("topic", KindSink, -1, kafka)}, false, "topic: Writer"},
	} {
		tk := &task{nodes: c.nodes}
		for _, rt := range c.nodes {
			rt.ops = operatorNames(rt.spec, c.chaining)
		}
		if got := chainTree(tk, 0).chainedName(); got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, got, c.want)
		}
	}
}

// TestPlanDescriptions: a plan node's description is its operators as
// StreamingJobGraphGenerator describes a job vertex in TREE mode, Flink's
// default, escaped as JsonPlanGenerator writes it: a line per operator,
// "<br/>" after each, an operator chained to another under it with "+- "
// (the last of its outputs) or ":- " (the others), deeper ones indented by
// "   " below a last output and ":  " below the others. The first two are
// what a Flink 1.17 history server archive shows (realjobs); the names'
// HTML characters are escaped (escapeHtml4).
func TestPlanDescriptions(t *testing.T) {
	kafka := &Sink{Delivery: Delivery{System: SystemKafka, Guarantee: ExactlyOnce}}
	generic := &Sink{}
	node := func(name string, kind NodeKind, parent int, sink *Sink) *nodeRT {
		return &nodeRT{spec: &Node{Name: name, Kind: kind, Sink: sink, Chain: true}, parent: parent}
	}
	for _, c := range []struct {
		what  string
		nodes []*nodeRT
		want  string
	}{
		{"a Kafka exactly-once sink alone: its writer, its committer chained to it",
			[]*nodeRT{node("kafka_table[4]", KindSink, -1, kafka)},
			"kafka_table[4]: Writer<br/>+- kafka_table[4]: Committer<br/>"},
		{"a legacy sink (SinkFunction) chained to an operator",
			[]*nodeRT{node("Flat Map", KindOperator, -1, nil), node("Print to Std. Out", KindSink, 0, generic)},
			"Flat Map<br/>+- Sink: Print to Std. Out<br/>"},
		{"a source alone", []*nodeRT{node("orders", KindSource, -1, nil)}, "Source: orders<br/>"},
		{"a chain with two sinks: the first output ':- ', the last '+- ', the committer under its writer",
			[]*nodeRT{node("totals", KindOperator, -1, nil), node("db", KindSink, 0, generic), node("topic", KindSink, 0, kafka)},
			"totals<br/>:- Sink: db<br/>+- topic: Writer<br/>   +- topic: Committer<br/>"},
		{"a Sink V2 sink on the first branch: its committer indented by ':  '",
			[]*nodeRT{node("totals", KindOperator, -1, nil), node("topic", KindSink, 0, kafka), node("db", KindSink, 0, generic)},
			"totals<br/>:- topic: Writer<br/>:  +- topic: Committer<br/>+- Sink: db<br/>"},
		{"a straight chain: each operator one level deeper",
			[]*nodeRT{node("in", KindSource, -1, nil), node("parse", KindOperator, 0, nil), node("out", KindSink, 1, generic)},
			"Source: in<br/>+- parse<br/>   +- Sink: out<br/>"},
		{"names with HTML's characters", []*nodeRT{node(`a<b> & "c"`, KindOperator, -1, nil), node(`x\y`, KindSink, 0, generic)},
			"a&lt;b&gt; &amp; &quot;c&quot;<br/>+- Sink: x&#92;y<br/>"},
	} {
		for _, rt := range c.nodes {
			rt.ops = operatorNames(rt.spec, true)
		}
		if got := result.PlanDescription(chainTree(&task{nodes: c.nodes}, 0).treeDescription()); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.what, got, c.want)
		}
	}
}

// TestCascadingDescriptions: with pipeline.vertex-description-mode
// CASCADING a description is one line, as buildCascadingDescription writes
// it: the task name's shape, but the chains an operator feeds joined by
// " , "; escaped for the plan as in TREE mode.
func TestCascadingDescriptions(t *testing.T) {
	kafka := &Sink{Delivery: Delivery{System: SystemKafka, Guarantee: ExactlyOnce}}
	nodes := []*nodeRT{
		{spec: &Node{Name: "totals", Kind: KindOperator, Chain: true}, parent: -1},
		{spec: &Node{Name: "db", Kind: KindSink, Sink: &Sink{}, Chain: true}, parent: 0},
		{spec: &Node{Name: "topic", Kind: KindSink, Sink: kafka, Chain: true}, parent: 0},
	}
	tk := &task{nodes: nodes}
	for _, rt := range nodes {
		rt.ops = operatorNames(rt.spec, true)
		rt.task = tk
	}
	s := &Simulation{spec: Spec{CascadingDescription: true}}
	want := "totals -&gt; (Sink: db , topic: Writer -&gt; topic: Committer)"
	if got := s.description(tk); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	s.spec.CascadingDescription = false
	if got, want := s.description(tk), "totals<br/>:- Sink: db<br/>+- topic: Writer<br/>   +- topic: Committer<br/>"; got != want {
		t.Errorf("TREE: got %q, want %q", got, want)
	}
}
