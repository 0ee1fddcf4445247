package models

import "testing"

// TestChainedNames: a task is named as StreamingJobGraphGenerator's
// createChainedName names a job vertex: an operator, " -> " and the chain
// it feeds, or " -> (a, b)" when it feeds several, recursively; sources and
// sinks prefixed.
func TestChainedNames(t *testing.T) {
	node := func(name string, kind NodeKind, parent int) *nodeRT {
		return &nodeRT{spec: &Node{Name: name, Kind: kind}, parent: parent}
	}
	for _, c := range []struct {
		nodes []*nodeRT
		want  string
	}{
		{[]*nodeRT{node("src", KindSource, -1)}, "Source: src"},
		{[]*nodeRT{node("src", KindSource, -1), node("parse", KindOperator, 0), node("out", KindSink, 1)}, "Source: src -> parse -> Sink: out"},
		{[]*nodeRT{node("totals", KindOperator, -1), node("db", KindSink, 0), node("topic", KindSink, 0)}, "totals -> (Sink: db, Sink: topic)"},
		{[]*nodeRT{node("src", KindSource, -1), node("a", KindOperator, 0), node("x", KindSink, 1), node("b", KindOperator, 0), node("y", KindSink, 3)},
			"Source: src -> (a -> Sink: x, b -> Sink: y)"},
	} {
		if got := chainedName(&task{nodes: c.nodes}, 0); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
