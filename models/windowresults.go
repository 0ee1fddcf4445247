package models

// A window operator's results in a step come from two kinds of firing: the
// windows the watermark reached (fireWindows), whose ends lie just behind
// it, and windows a late record fired at once within the allowed lateness
// (EventTimeTrigger.onElement), whose ends may lie far behind. Flink stamps
// each result with its own window's maxTimestamp
// (WindowOperator.emitWindowContents). A chunk carries one event-time
// range with its records spread evenly over it, so on a network edge the
// two kinds leave as two pieces, each over its own windows: in one range
// an old window fired again stretched it back, and the on-time results it
// covered arrived late at a window operator downstream, which fired again
// for them (a sliding window into a tumbling one with lateness: 51k
// re-firings downstream against 34k record by record).

// owedWindows are the grid indexes of the oldest and newest windows whose
// results are owed (any: some).
type owedWindows struct {
	lo, hi int64
	any    bool
}

// add notes that window j's results are owed.
func (w *owedWindows) add(j int64) {
	if !w.any {
		w.lo, w.hi, w.any = j, j, true
		return
	}
	w.lo, w.hi = min(w.lo, j), max(w.hi, j)
}

// splitResults sets the pieces of the step's k results (st.winOut) for
// its network outputs: st.winLate, the results of late records' firings
// (the whole records of lateCarry, at most k), over their windows'
// maxTimestamps, and st.winOn, the rest, over the on-time windows'. Without
// late results st.winLate is empty and winOut leaves whole.
func (o *windowOp) splitResults(st *subtask, k int64) {
	kLate := min(k, int64(o.lateCarry))
	o.lateCarry -= float64(kLate)
	st.winLate, st.winOn = st.winOut, st.winOut
	st.winLate.Records, st.winOn.Records = kLate, k-kLate
	if kLate > 0 && o.late.any {
		st.winLate.EventLo, st.winLate.EventHi = o.maxTimestamp(o.late.lo), o.maxTimestamp(o.late.hi)
		if o.lateCarry < 1 {
			o.late.any = false
		}
	}
	if k > kLate && o.onTime.any {
		st.winOn.EventLo, st.winOn.EventHi = o.maxTimestamp(o.onTime.lo), o.maxTimestamp(o.onTime.hi)
		o.onTime.any = false
	}
}

// emitStep routes the step's k records out of the chain to partition p:
// of a window operator's results with some of a late record's firing, the
// same share of each piece (st.winLate first: a late record fires as it
// is processed, before the watermark that ends the step), else the
// step's output whole (stepOut).
func (s *Simulation) emitStep(st *subtask, p *partition, k int64) {
	if st.ops[0].win == nil || st.winLate.Records == 0 {
		s.emit(p, k, s.stepOut(st))
		return
	}
	late := st.lateShare(k)
	if late > 0 {
		s.emit(p, late, &st.winLate)
	}
	if k > late {
		s.emit(p, k-late, &st.winOn)
	}
}

// lateShare is the records of k out of the chain that stem from late
// records' firings: k in the proportion of st.winLate to the step's
// results, rounded down.
func (st *subtask) lateShare(k int64) int64 {
	return int64(float64(k) * float64(st.winLate.Records) / float64(st.winOut.Records))
}
