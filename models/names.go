package models

import (
	"strings"

	"github.com/flinksim/flinksim/result"
)

// Flink names the operators of its stream graph and each job vertex after
// the operators chained into it. flinksim names its operators and tasks
// alike, so that task names, metrics' operator_name and the plan read as
// Flink's web UI, REST API and reporters show them. A scenario's nodes keep
// their own names as the keys users write (--set, outcomes, metrics.csv).

// operatorNames are the operators node n becomes in Flink's stream graph,
// in chain order, by the names Flink gives them:
//
//   - a source, "Source: NAME" (SourceTransformationTranslator);
//   - an operator, NAME;
//   - a sink whose connector is a SinkFunction (DataStream.addSink),
//     "Sink: NAME" (LegacySinkTransformationTranslator);
//   - a Sink V2 sink (DataStream.sinkTo), "NAME: Writer", then, when the
//     sink has a committer and it is chained to the writer, "NAME: Committer"
//     (SinkTransformationTranslator's SinkExpander names each operator it
//     adds after the sink: the sink's name, ": ", the operator's).
//
// The committer chains to its writer as any operator does (forward, equal
// parallelism), and the sink's chaining strategy is both operators'
// (SinkExpander.adjustTransformations): with chaining off for the sink or
// the job, Flink runs the committer as a job vertex of its own, which
// flinksim does not simulate; the writer's task is then "NAME: Writer".
func operatorNames(n *Node, chaining bool) []string {
	switch {
	case n.Kind == KindSource:
		return []string{"Source: " + n.Name}
	case n.Kind != KindSink:
		return []string{n.Name}
	case n.Sink == nil || !n.Sink.Delivery.System.sinkV2():
		return []string{"Sink: " + n.Name}
	case chaining && n.Chain:
		return []string{n.Name + ": Writer", n.Name + ": Committer"}
	}
	return []string{n.Name + ": Writer"}
}

// seriesName is the name of node rt's series of metric m: m, but for a
// sink's numRecordsSend and committer metrics, which are Flink's only in a
// Sink V2 writer and the committer chained to it, and otherwise
// flinksim's own (result.SinkMetric): a SinkFunction's are
// flinksim.numRecordsSend, flinksim.pendingCommittables, ... The series'
// refs keep m.
func seriesName(rt *nodeRT, m string) string {
	k := rt.spec.Sink
	return result.SinkMetric(m, k != nil && k.Delivery.System.sinkV2(), len(rt.ops) > 1)
}

// nameTasks gives every node its operators' names and every task its name.
func (s *Simulation) nameTasks() {
	for _, rt := range s.nodes {
		rt.ops = operatorNames(rt.spec, s.spec.Chaining)
	}
	for _, t := range s.tasks {
		t.name = chainTree(t, 0).chainedName()
	}
}

// description is task t's description in the plan, in the job's
// pipeline.vertex-description-mode (StreamingJobGraphGenerator
// .setVertexDescription), as JsonPlanGenerator writes it.
func (s *Simulation) description(t *task) string {
	if s.spec.CascadingDescription {
		return result.PlanDescription(chainTree(t, 0).cascade(" , "))
	}
	return result.PlanDescription(chainTree(t, 0).treeDescription())
}

// opNode is an operator of a task and the operators chained to its output,
// in the order the job graph declares them.
type opNode struct {
	name string
	outs []*opNode
}

// chainTree is the tree of the operators of task t from its node pos on: the
// node's operators one after the other, the chained nodes it feeds after
// its last.
func chainTree(t *task, pos int) *opNode {
	rt := t.nodes[pos]
	head := &opNode{name: rt.ops[0]}
	last := head
	for _, op := range rt.ops[1:] {
		next := &opNode{name: op}
		last.outs = append(last.outs, next)
		last = next
	}
	for k, c := range t.nodes {
		if k > pos && c.parent == pos {
			last.outs = append(last.outs, chainTree(t, k))
		}
	}
	return head
}

// chainedName is the name of the job vertex headed by o, as
// StreamingJobGraphGenerator.createChainedName builds it: the operator,
// then " -> " and the name of the chain it feeds, or " -> (a, b)" when it
// feeds several.
func (o *opNode) chainedName() string {
	return o.cascade(", ")
}

// cascade is o's operators on one line: o, " -> " and the chain it feeds,
// or " -> (" and the chains it feeds joined by sep and ")". The description
// in pipeline.vertex-description-mode CASCADING (buildCascadingDescription)
// joins them by " , ".
func (o *opNode) cascade(sep string) string {
	switch len(o.outs) {
	case 0:
		return o.name
	case 1:
		return o.name + " -> " + o.outs[0].cascade(sep)
	}
	outs := make([]string, len(o.outs))
	for i, c := range o.outs {
		outs[i] = c.cascade(sep)
	}
	return o.name + " -> (" + strings.Join(outs, sep) + ")"
}

// treeDescription is the description of the job vertex headed by o, as
// StreamingJobGraphGenerator.setVertexDescription builds it in
// pipeline.vertex-description-mode TREE, Flink's default
// (buildTreeDescription): a line per operator, each operator's description
// (its name, unless the job sets one) under the operator it is chained to,
// "+- " before the last of an operator's outputs and ":- " before the
// others, their own outputs indented under them by "   " or ":  ".
func (o *opNode) treeDescription() string {
	var b strings.Builder
	o.tree(&b, "", "")
	return b.String()
}

// tree writes o's line after lead, then its outputs' lines, each indented
// by indent.
func (o *opNode) tree(b *strings.Builder, lead, indent string) {
	b.WriteString(lead + o.name + "\n")
	for i, c := range o.outs {
		if i == len(o.outs)-1 {
			c.tree(b, indent+"+- ", indent+"   ")
		} else {
			c.tree(b, indent+":- ", indent+":  ")
		}
	}
}
