package models

import "testing"

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
