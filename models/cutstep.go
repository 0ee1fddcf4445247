package models

// A step cut short. A step is simulated whole: its records are counted,
// and a sink chained in it writes them, at its end. Flink's task runs its
// chain record by record (StreamTask's mailbox loop), so when a failover
// cancels it (or its TaskManager is lost) in the middle of a step, the
// records before that point went through the chain and its sink wrote
// them: the replay writes them again. cutStep finishes that part of the
// step, in proportion to the time the step ran, before the rest is
// discarded. Only for a task that ends in a sink, with no network output
// (its receivers are cancelled with it: what it would send them is
// discarded either way) and no window or mini-batch operator (whose
// firings are not in proportion to the records in); its state, which a
// restore replaces, is not updated.
func (s *Simulation) cutStep(st *subtask) {
	c := &st.step
	now := s.eng.Now()
	if !st.busy || st.syncing != 0 || !c.on || len(st.parts) > 0 || st.cur.Records <= 1 || c.end <= c.start || now <= c.start {
		return
	}
	nodes := st.t.nodes
	sink := false
	for pos, rt := range nodes {
		if st.ops[pos].win != nil || rt.spec.MiniBatch != nil {
			return
		}
		sink = sink || rt.spec.Kind == KindSink
	}
	n := st.cur.Records
	k := int64(float64(n) * float64(now-c.start) / float64(c.end-c.start))
	if !sink || k <= 0 || k >= n {
		return
	}
	done := st.cur.Take(k) // st.cur keeps the rest, which is discarded
	outs := make([]int64, len(nodes))
	for pos, rt := range nodes {
		op := &st.ops[pos]
		in := k
		if pos > 0 {
			in = outs[rt.parent]
		}
		switch rt.spec.Kind {
		case KindSource:
			outs[pos] = in
		case KindOperator:
			// process counted the whole step in selIn; discardSubtask
			// takes back what st.nin still holds: the rest
			sel, before := rt.spec.Selectivity, op.selIn-st.nin[pos]
			outs[pos] = int64(float64(before+in)*sel) - int64(float64(before)*sel)
		case KindSink:
			if in > 0 {
				s.sinkTook(rt, st, op.sw, now, in, &done)
				countNet(st, resOut, in*rt.inRecordSize)
			}
		}
		op.in += in
		op.out += outs[pos]
		st.nin[pos] -= in
	}
	if s.trace != nil {
		s.tracef("%s: stopped %s into a step of %d record(s): the first %d went through its chain", st.name(), now-c.start, n, k)
	}
}
