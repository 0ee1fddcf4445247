package models

// recordCounts accounts for every record of the run (RecordCounts documents
// the identity they satisfy).
func (s *Simulation) recordCounts() RecordCounts {
	rc := RecordCounts{Sink: s.rec.written, Replayed: s.replayed}
	for _, kp := range s.kafka {
		rc.Produced += kp.appended
		rc.SourceLag += kp.lag()
	}
	for _, e := range s.edges {
		rc.Restored += e.restored
		rc.Dropped += e.discarded
	}
	for _, st := range s.subtasks {
		for _, p := range st.parts {
			for _, c := range p.ch {
				rc.InFlight += c.inflight
			}
		}
		rc.InFlight += st.in.Records + st.inProcess()
		rc.Dropped += st.discarded
	}
	for _, rt := range s.nodes {
		if rt.spec.Kind == KindSink {
			continue // what it reads is written (Sink)
		}
		consumers := int64(len(rt.outs))
		for _, n := range rt.task.nodes {
			if n.parent == rt.pos && n != rt {
				consumers++
			}
		}
		var in, out, passed, aggregated int64
		for _, st := range rt.task.subtasks {
			op := &st.ops[rt.pos]
			in += op.in
			out += op.out
			if rt.spec.MiniBatch == nil {
				passed += op.out
				continue
			}
			// A mini-batch: what selectivity leaves of its input waits in
			// the batch, was lost from it, or was aggregated.
			passed += op.aggregated + op.batch.Records + op.dropped
			aggregated += op.aggregated
			rc.InFlight += op.batch.Records
			rc.Dropped += op.dropped
		}
		if d := passed - in; d > 0 {
			rc.Multiplied += d
		} else {
			rc.Filtered -= d
		}
		// What leaves the operator: its output, or a mini-batch's aggregated
		// input; each consumer reads its own copy.
		leaves := out
		if rt.spec.MiniBatch != nil {
			leaves = aggregated
			rc.Merged += consumers*aggregated - out
		}
		if consumers == 0 {
			rc.Filtered += leaves // read by no one
		} else {
			rc.FannedOut += (consumers - 1) * leaves
		}
	}
	return rc
}

// balanced checks the identity RecordCounts documents.
func (rc RecordCounts) balanced() bool {
	return rc.Produced+rc.Replayed+rc.Restored+rc.Multiplied+rc.FannedOut ==
		rc.SourceLag+rc.Sink+rc.InFlight+rc.Dropped+rc.Filtered+rc.Merged
}
