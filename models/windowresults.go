package models

import "github.com/flinksim/flinksim/sim"

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

// times are the timestamps of the results of windows w: a window's
// results carry its maxTimestamp, end − 1 ms (WindowOperator.emitWindowContents
// sets it on its TimestampedCollector), so an operator downstream puts
// them in the window holding that time. Those of several windows (a
// watermark that passed many ends at once) are spread evenly between the
// oldest window's maxTimestamp and the newest's: none earlier than its
// own, so none late downstream that Flink would not drop, and a window
// downstream gets within about one window's results of its share.
func (o *windowOp) times(w owedWindows) (lo, hi sim.Time) {
	return o.maxTimestamp(w.lo), o.maxTimestamp(w.hi)
}

// splitResults sets the pieces of the step's k results (st.winOut, which
// comes in over the watermark) for its network outputs: st.winLate, the
// results of late records' firings (the whole records of lateCarry, at
// most k), over their windows' times, and st.winOn, the rest, over the
// on-time windows'; st.winOut, the whole, spans the pieces it holds (for
// the sinks chained to the operator, and an output without late results).
func (o *windowOp) splitResults(st *subtask, k int64) {
	kLate := min(k, int64(o.lateCarry))
	o.lateCarry -= float64(kLate)
	st.winLate, st.winOn = st.winOut, st.winOut
	st.winLate.Records, st.winOn.Records = kLate, k-kLate
	if kLate > 0 && o.late.any {
		st.winLate.EventLo, st.winLate.EventHi = o.times(o.late)
		if o.lateCarry < 1 {
			o.late.any = false
		}
	}
	if k > kLate && o.onTime.any {
		st.winOn.EventLo, st.winOn.EventHi = o.times(o.onTime)
		o.onTime.any = false
	}
	switch {
	case kLate > 0 && k > kLate:
		st.winOut.EventLo = min(st.winLate.EventLo, st.winOn.EventLo)
		st.winOut.EventHi = max(st.winLate.EventHi, st.winOn.EventHi)
	case kLate > 0:
		st.winOut.EventLo, st.winOut.EventHi = st.winLate.EventLo, st.winLate.EventHi
	case k > 0:
		st.winOut.EventLo, st.winOut.EventHi = st.winOn.EventLo, st.winOn.EventHi
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
