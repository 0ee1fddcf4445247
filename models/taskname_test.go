package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestChainedNames: a task is named as StreamingJobGraphGenerator's
// The sinks and chained nodes the naming tests build jobs from: a Kafka
// sink (Sink V2), a JDBC and a generic one (SinkFunctions).
var (
	kafkaSink   = &Sink{Delivery: Delivery{System: SystemKafka, Guarantee: ExactlyOnce}}
	jdbcSink    = &Sink{Delivery: Delivery{System: SystemJDBC, Guarantee: ExactlyOnce}}
	genericSink = &Sink{}
)

func chainNode(name string, kind NodeKind, parent int, sink *Sink) *nodeRT {
	return &nodeRT{spec: &Node{Name: name, Kind: kind, Sink: sink, Chain: true}, parent: parent}
}

// createChainedName names a job vertex: an operator, " -> " and the chain
// it feeds, or " -> (a, b)" when it feeds several, recursively; each
// operator by the name Flink gives it (operatorNames): a source's
// "Source: NAME", a SinkFunction's "Sink: NAME", a Sink V2 sink's
// "NAME: Writer" and its committer's "NAME: Committer".
func TestChainedNames(t *testing.T) {
	for _, c := range []struct {
		what     string
		nodes    []*nodeRT
		chaining bool
		want     string
	}{
		{"a source alone", []*nodeRT{chainNode("src", KindSource, -1, nil)}, true, "Source: src"},
		{"a legacy sink (SinkFunction) chained to its input",
			[]*nodeRT{chainNode("src", KindSource, -1, nil), chainNode("parse", KindOperator, 0, nil), chainNode("out", KindSink, 1, genericSink)}, true,
			"Source: src -> parse -> Sink: out"},
		{"JdbcSink.exactlyOnceSink is a SinkFunction (JdbcXaSinkFunction)",
			[]*nodeRT{chainNode("db", KindSink, -1, jdbcSink)}, true, "Sink: db"},
		{"a Kafka exactly-once sink: its writer, its committer chained after it",
			[]*nodeRT{chainNode("totals", KindOperator, -1, nil), chainNode("topic", KindSink, 0, kafkaSink)}, true,
			"totals -> topic: Writer -> topic: Committer"},
		{"a KafkaSink has its committer whatever its guarantee",
			[]*nodeRT{chainNode("topic", KindSink, -1, &Sink{Delivery: Delivery{System: SystemKafka, Guarantee: NoGuarantee}})}, true,
			"topic: Writer -> topic: Committer"},
		{"a chain feeding two sinks, one legacy, one Sink V2",
			[]*nodeRT{chainNode("totals", KindOperator, -1, nil), chainNode("db", KindSink, 0, jdbcSink), chainNode("topic", KindSink, 0, kafkaSink)}, true,
			"totals -> (Sink: db, topic: Writer -> topic: Committer)"},
		{"two branches of a chain",
			[]*nodeRT{chainNode("src", KindSource, -1, nil), chainNode("a", KindOperator, 0, nil), chainNode("x", KindSink, 1, genericSink),
				chainNode("b", KindOperator, 0, nil), chainNode("y", KindSink, 3, kafkaSink)}, true,
			"Source: src -> (a -> Sink: x, b -> y: Writer -> y: Committer)"},
		{"operator chaining off: the committer is a vertex of its own, not simulated",
			[]*nodeRT{chainNode("topic", KindSink, -1, kafkaSink)}, false, "topic: Writer"},
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
	for _, c := range []struct {
		what  string
		nodes []*nodeRT
		want  string
	}{
		{"a Kafka exactly-once sink alone: its writer, its committer chained to it",
			[]*nodeRT{chainNode("kafka_table[4]", KindSink, -1, kafkaSink)},
			"kafka_table[4]: Writer<br/>+- kafka_table[4]: Committer<br/>"},
		{"a legacy sink (SinkFunction) chained to an operator",
			[]*nodeRT{chainNode("Flat Map", KindOperator, -1, nil), chainNode("Print to Std. Out", KindSink, 0, genericSink)},
			"Flat Map<br/>+- Sink: Print to Std. Out<br/>"},
		{"a source alone", []*nodeRT{chainNode("orders", KindSource, -1, nil)}, "Source: orders<br/>"},
		{"a chain with two sinks: the first output ':- ', the last '+- ', the committer under its writer",
			[]*nodeRT{chainNode("totals", KindOperator, -1, nil), chainNode("db", KindSink, 0, genericSink), chainNode("topic", KindSink, 0, kafkaSink)},
			"totals<br/>:- Sink: db<br/>+- topic: Writer<br/>   +- topic: Committer<br/>"},
		{"a Sink V2 sink on the first branch: its committer indented by ':  '",
			[]*nodeRT{chainNode("totals", KindOperator, -1, nil), chainNode("topic", KindSink, 0, kafkaSink), chainNode("db", KindSink, 0, genericSink)},
			"totals<br/>:- topic: Writer<br/>:  +- topic: Committer<br/>+- Sink: db<br/>"},
		{"a straight chain: each operator one level deeper",
			[]*nodeRT{chainNode("in", KindSource, -1, nil), chainNode("parse", KindOperator, 0, nil), chainNode("out", KindSink, 1, genericSink)},
			"Source: in<br/>+- parse<br/>   +- Sink: out<br/>"},
		{"names with HTML's characters", []*nodeRT{chainNode(`a<b> & "c"`, KindOperator, -1, nil), chainNode(`x\y`, KindSink, 0, genericSink)},
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
	kafkaSink := &Sink{Delivery: Delivery{System: SystemKafka, Guarantee: ExactlyOnce}}
	nodes := []*nodeRT{
		{spec: &Node{Name: "totals", Kind: KindOperator, Chain: true}, parent: -1},
		{spec: &Node{Name: "db", Kind: KindSink, Sink: &Sink{}, Chain: true}, parent: 0},
		{spec: &Node{Name: "topic", Kind: KindSink, Sink: kafkaSink, Chain: true}, parent: 0},
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
