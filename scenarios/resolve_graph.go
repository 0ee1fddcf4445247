package scenarios

import (
	"slices"
	"sort"
	"strings"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/models/partitioning"
)

// consumer resolves an operator or a sink: inputs, exchange, parallelism.
func (r *resolver) consumer(n *node) {
	var par *int
	var chaining **bool
	var cost **Dist
	if n.op != nil {
		par, chaining, cost = n.op.Parallelism, &n.op.Chaining, &n.op.Cost
	} else {
		par, chaining, cost = n.sink.Parallelism, &n.sink.Chaining, &n.sink.Cost
	}
	r.nodeParallelism(n, par, n.path+".parallelism")
	if r.d.badUnder(n.path + ".input") {
		r.refuseInput(n) // reported: no default stands in for it
	} else if len(n.inputs) == 0 {
		n.inputs = r.defaultInput(n)
	}
	ins := r.inputs(n)
	n.recordSize = defaultRecordSize // only while the input is unresolved
	if len(ins) > 0 {
		n.recordSize = ins[0].recordSize
	}
	keyed := n.op != nil && (n.op.KeyBy != "" || n.op.Keys != nil)
	r.exchange(n, ins, keyed)
	if n.op != nil {
		n.op.Input, n.op.Exchange = Inputs(n.inputs), n.exchange
		n.op.Parallelism = ptr(n.parallelism)
		r.operator(n, keyed)
	} else {
		n.sink.Input, n.sink.Exchange = Inputs(n.inputs), n.exchange
		n.sink.Parallelism = ptr(n.parallelism)
		r.sink(n)
	}
	if *cost == nil {
		*cost = &Dist{Constant: ptr(Duration(0))}
	}
	r.dist(*cost, n.path+".cost")
	if *chaining == nil {
		*chaining = ptr(true)
	}
	if n.sink != nil {
		r.unchainedCommitter(n)
	}
	if n.op != nil && n.op.Window != nil {
		r.window(n, keyed)
	}
}

// inputs returns the nodes n reads, reporting each input that names no
// node, n itself, a sink, or a node declared later (a cycle, or the wrong
// order).
func (r *resolver) inputs(n *node) []*node {
	d := r.d
	var ins []*node
	for _, name := range n.inputs {
		in, ok := r.byName[name]
		if ok && in != n {
			in.consumers++ // counted even when the edge is refused below, to report one problem, not two
		}
		if !ok || in == n || in.kind == models.KindSink {
			r.refuseInput(n) // which node it meant is not known (a later one is: it is counted)
		}
		switch {
		case !ok:
			r.unknownInput(n, name)
		case in == n:
			d.at(n.path+".input", "a node cannot read itself")
		case in.kind == models.KindSink:
			d.at(n.path+".input", "%q is a sink; sinks have no output", name)
		case r.index(in) > r.index(n):
			if cycle := r.cycle(n, in); cycle != nil {
				d.at(n.path+".input", "%s is a cycle: a job graph must be acyclic", strings.Join(cycle, " -> "))
			} else {
				d.at(n.path+".input", "%q is declared after %q; declare nodes in the order data flows", name, n.name)
			}
		default:
			ins = append(ins, in)
		}
	}
	return ins
}

// refuseInput records that an input of n is refused (and reported).
func (r *resolver) refuseInput(n *node) {
	if r.refusedReaders == nil {
		r.refusedReaders = map[*node]bool{}
	}
	r.refusedReaders[n] = true
}

// unread reports each source and operator that nothing reads, unless
// another node has an input refused: it may have meant to read it, and
// the refused input is the one problem told.
func (r *resolver) unread() {
	for _, n := range r.nodes {
		others := len(r.refusedReaders)
		if r.refusedReaders[n] {
			others-- // its own input is no edge to it
		}
		if n.kind != models.KindSink && n.consumers == 0 && r.byName[n.name] == n && others == 0 {
			r.d.at(n.path, "nothing reads %q; connect it to a sink (Flink runs only what reaches a sink)", n.name)
		}
	}
}

// unknownInput reports an input that names no node, with the closest name
// or the list of names.
func (r *resolver) unknownInput(n *node, name string) {
	if r.refused[name] || r.d.nodeUnread() {
		return // the node's name is refused already, or its node was not read for its tag: no second message
	}
	var names []string // what an input may name: a source, or an operator listed before it
	for _, m := range r.nodes {
		if m == n {
			break
		}
		if m.kind != models.KindSink && r.byName[m.name] == m {
			names = append(names, m.name)
		}
	}
	sort.Strings(names)
	if s, near := Closest(name, names); near {
		r.d.at(n.path+".input", "no node is named %q; did you mean %q?", name, s)
	} else if len(names) > 0 {
		r.d.at(n.path+".input", "no node is named %q (sources and operators it may read: %s)", name, strings.Join(names, ", "))
	} else {
		r.d.at(n.path+".input", "no node is named %q", name)
	}
}

// exchange resolves how n reads its inputs: keyBy for a keyed operator,
// else forward when the parallelism allows it, else rebalance (Flink's
// StreamGraph default); one written is checked against the keys and the
// parallelism.
func (r *resolver) exchange(n *node, ins []*node, keyed bool) {
	d := r.d
	switch n.exchange {
	case "":
		if keyed {
			n.exchange = "keyBy"
		} else {
			n.exchange = defaultExchange(n, ins)
		}
	case "forward":
		advice := "use rebalance"
		if len(ins) > 1 {
			advice += ", or leave exchange out: each input is then forward where its parallelism is equal and rebalance elsewhere"
		}
		for _, in := range ins {
			if in.parallelism != n.parallelism && r.parallelismKnown(in, n) {
				d.at(n.path+".exchange", "forward needs equal parallelism, but %s has %d and %s has %d; %s", in.name, in.parallelism, n.name, n.parallelism, advice)
			}
		}
	case "rebalance", "keyBy":
	default:
		d.at(n.path+".exchange", "must be forward, rebalance or keyBy, not %q", n.exchange)
	}
	if n.exchange == "keyBy" && !keyed {
		d.at(n.path+".exchange", "keyBy needs key-by and keys on %s", n.name)
	}
	if keyed && n.exchange != "keyBy" && (n.exchange == "forward" || n.exchange == "rebalance") {
		d.at(n.path+".exchange", "contradicts key-by: a keyed operator reads through keyBy")
	}
}

// defaultExchange is how an unkeyed node reads its inputs when it does not
// say: as Flink's StreamGraph.addEdgeInternal picks each edge's partitioner
// when none is given, forward where the input's parallelism equals the
// node's and rebalance elsewhere. "" when its inputs differ there: each
// edge then has its own (edgeExchange).
func defaultExchange(n *node, ins []*node) string {
	forward, rebalance := false, len(ins) == 0
	for _, in := range ins {
		forward = forward || in.parallelism == n.parallelism
		rebalance = rebalance || in.parallelism != n.parallelism
	}
	switch {
	case forward && rebalance:
		return ""
	case forward:
		return "forward"
	}
	return "rebalance"
}

// edgeExchange is the exchange of the edge from up to n: n's, or, when its
// inputs differ (defaultExchange), the edge's own default.
func edgeExchange(n, up *node) string {
	switch {
	case n.exchange != "":
		return n.exchange
	case up.parallelism == n.parallelism:
		return "forward"
	}
	return "rebalance"
}

// cycle returns the nodes of a cycle through the edge from in to n, in the
// order data flows (n -> ... -> in -> n), or nil if in does not read n.
func (r *resolver) cycle(n, in *node) []string {
	seen := map[*node]bool{}
	var path []string // in, what in reads, and so on, back to n
	var reads func(m *node) bool
	reads = func(m *node) bool {
		if seen[m] {
			return false
		}
		seen[m] = true
		path = append(path, m.name)
		if m == n {
			return true
		}
		for _, name := range m.inputs {
			if up, ok := r.byName[name]; ok && reads(up) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if !reads(in) {
		return nil
	}
	slices.Reverse(path)
	return append(path, n.name)
}

func (r *resolver) index(n *node) int {
	for i, m := range r.nodes {
		if m == n {
			return i
		}
	}
	return -1
}

// defaultInput is the previous node: the previous operator, or for the first
// operator the only source; a sink reads the last operator.
func (r *resolver) defaultInput(n *node) []string {
	var prev *node
	sources, before := 0, true
	for _, m := range r.nodes {
		if m == n {
			before = false
		}
		if m.namesake {
			continue // reported with its name: no second node of the graph
		}
		if m.kind == models.KindSource {
			sources++
		}
		if before && m.kind != models.KindSink {
			prev = m
		}
	}
	switch {
	case prev == nil || (prev.kind == models.KindSource && sources > 1):
		r.d.at(n.path, "input is required: with %d sources flinksim cannot tell which one %s reads", sources, n.name)
		return nil
	case prev.name == "":
		return nil // the previous node has no name, a problem of its own: not a second one here
	}
	return []string{prev.name}
}

func (r *resolver) operator(n *node, keyed bool) {
	d, o := r.d, n.op
	switch {
	case o.Window != nil: // a window emits when it fires (windowConflicts)
	case o.Selectivity == nil:
		o.Selectivity = ptr(1.0)
	case *o.Selectivity < 0 || *o.Selectivity > 1e6:
		d.at(n.path+".selectivity", "must be from 0 (a filter that drops every record) to 1e6 (records out per record in), not %g", *o.Selectivity)
	}
	if o.RecordSize == nil {
		o.RecordSize = ptr(Size(n.recordSize))
	}
	n.recordSize = r.recordSize(int64(*o.RecordSize), n.path+".record-size")
	if keyed {
		if o.KeyBy == "" {
			d.at(n.path+".keys", "needs key-by (the key's name, e.g. user_id)")
		}
		if o.Keys == nil {
			d.at(n.path+".key-by", "needs keys: the number of distinct keys, e.g. 1M")
		} else {
			r.count(n.path+".keys", *o.Keys, 1, 1e15, "a whole number from 1 to 1e15")
		}
		if o.StatePerKey == nil {
			o.StatePerKey = ptr(Size(0))
		}
		if o.StateWarm == nil {
			o.StateWarm = ptr(false)
		}
		mp := r.fs.int("pipeline.max-parallelism")
		where := r.fs.at("pipeline.max-parallelism")
		if o.MaxParallelism != nil {
			mp, where = *o.MaxParallelism, n.path+".max-parallelism"
		}
		if mp == -1 && o.MaxParallelism == nil {
			// pipeline.max-parallelism's -1 is Flink's rule; an operator's
			// own is 1 to 32768 (Transformation.setMaxParallelism)
			mp = partitioning.DefaultMaxParallelism(n.parallelism)
		} else {
			n.maxParWhere = where
		}
		r.checkMaxParallelism(where, n.name, n.parallelism, mp)
		o.MaxParallelism = ptr(mp)
		r.keys(n)
	} else {
		r.notKeyed(n)
		for _, f := range []struct {
			name string
			set  bool
		}{{"max-parallelism", o.MaxParallelism != nil}, {"state-per-key", o.StatePerKey != nil}, {"state-warm", o.StateWarm != nil}} {
			if f.set {
				d.at(n.path+"."+f.name, "only applies to a keyed operator (set key-by and keys)")
			}
		}
	}
}

// checkMaxParallelism reports, at where, a max parallelism outside Flink's
// range or below the parallelism of the vertex it bounds (name):
// ExecutionJobVertex refuses "Vertex name's parallelism (p) is higher than
// the max parallelism (mp)".
func (r *resolver) checkMaxParallelism(where, name string, parallelism, mp int) {
	switch {
	case mp < 1 || mp > partitioning.MaxMaxParallelism:
		r.d.at(where, "max parallelism %d is outside Flink's range 1..%d", mp, partitioning.MaxMaxParallelism)
	case parallelism > mp:
		r.d.at(where, "max parallelism %d is below the parallelism of %s (%d); Flink refuses a vertex whose parallelism is higher than its max parallelism: it must be from %d to %d",
			mp, name, parallelism, parallelism, partitioning.MaxMaxParallelism)
	}
}

// vertexMaxParallelism bounds every source, operator without keys and sink
// by pipeline.max-parallelism: Flink's StreamGraphGenerator gives it to
// every transformation that sets none of its own, and refuses a vertex
// whose parallelism is higher (keyed operators are checked with their
// keys, operator).
func (r *resolver) vertexMaxParallelism() {
	const key = "pipeline.max-parallelism"
	mp := r.fs.int(key)
	if mp == -1 || !r.fs.usable(key) {
		return // Flink's rule, never below the parallelism; or refused, and reported
	}
	for _, n := range r.nodes {
		if n.namesake || n.op != nil && (n.op.KeyBy != "" || n.op.Keys != nil) || !r.parallelismKnown(n) {
			continue
		}
		r.checkMaxParallelism(r.fs.at(key), n.name, n.parallelism, mp)
	}
}
