package models

// Sinks: the time a sink subtask takes to write, and its writer
// (sinkwriter.go) with the sink's account (sinknode.go).

// deploySink sets a sink's write cost: subtask time per record and per byte,
// the inverse of the external system's capacity per subtask.
func (rt *nodeRT) deploySink() {
	n := rt.spec
	if n.Kind != KindSink || n.Sink == nil {
		return
	}
	if n.Sink.RecordsPerSecond > 0 {
		rt.sinkSecPerRecord = 1 / n.Sink.RecordsPerSecond
	}
	if n.Sink.BytesPerSecond > 0 {
		rt.sinkSecPerByte = 1 / n.Sink.BytesPerSecond
	}
}

// sinkSeconds is the subtask time a sink takes to write n records.
func (rt *nodeRT) sinkSeconds(n int64) float64 {
	return float64(n)*rt.sinkSecPerRecord + float64(n*rt.inRecordSize)*rt.sinkSecPerByte
}

// deploySinkWriters gives every sink its account and each of its subtasks
// a writer.
func (s *Simulation) deploySinkWriters() {
	for _, rt := range s.nodes {
		if rt.spec.Kind != KindSink {
			continue
		}
		d := &Delivery{}
		if rt.spec.Sink != nil {
			d = &rt.spec.Sink.Delivery
		}
		n := newSinkNode(rt, d)
		rt.sinkAcct = n
		s.sinkNodes = append(s.sinkNodes, n)
		for _, st := range rt.task.subtasks {
			w := &sinkWriter{node: n, d: d, st: st, slot: rt.pos, flushTimer: s.eng.NewTimer()}
			st.ops[rt.pos].sw = w
			st.sinks = append(st.sinks, w)
			s.sinkWriters = append(s.sinkWriters, w)
		}
	}
}
