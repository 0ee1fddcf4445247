package models

// Sinks: the time a sink subtask takes to write, and which of its writes are
// duplicates after a restore rewound it.

// sinkWrote counts n records written by a sink subtask; those it had
// written before a restore rewound it are duplicates.
func (s *Simulation) sinkWrote(st *subtask, n int64) {
	st.sinkPos += n
	if st.sinkPos > st.sinkHigh {
		s.duplicated += n - (st.sinkPos - st.sinkHigh)
		st.sinkHigh = st.sinkPos
	} else {
		s.duplicated += n
	}
}

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
