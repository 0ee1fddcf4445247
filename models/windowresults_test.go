package models

import (
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// A step that first-fires the 10 s windows ending at 60 s and 70 s and, for
// 3 late records, fires the window ending at 10 s again sends its 40
// results in two pieces: the 3 over that old window's maxTimestamp
// (9.999 s), the 37 over the on-time windows' (59.999 s to 69.999 s), as
// Flink stamps each result with its own window's maxTimestamp. One range
// from 9.999 s spread most of the on-time results into windows long
// closed downstream. Each output gets the same share of each piece
// (emitStep).
func TestLateFiringsLeaveApart(t *testing.T) {
	o := &windowOp{w: &Window{Kind: Tumbling, Size: 10 * sim.Second}, grid: 10 * sim.Second, span: 10 * sim.Second}
	o.carry = 40
	o.onTime.add(5)
	o.onTime.add(6)
	o.late.add(0)
	o.lateCarry = 3
	st := &subtask{winOut: Chunk{Records: 40, WM: toWM(70 * sim.Second)}}
	o.splitResults(st, 40)
	ms := sim.Millisecond
	if l := st.winLate; l.Records != 3 || l.EventLo != 10*sim.Second-ms || l.EventHi != 10*sim.Second-ms {
		t.Errorf("late piece %d records over %v to %v, want 3 over 9.999s", l.Records, l.EventLo, l.EventHi)
	}
	if n := st.winOn; n.Records != 37 || n.EventLo != 60*sim.Second-ms || n.EventHi != 70*sim.Second-ms {
		t.Errorf("on-time piece %d records over %v to %v, want 37 over 59.999s to 69.999s", n.Records, n.EventLo, n.EventHi)
	}
	if w := st.winOut; w.Records != 40 || w.EventLo != 10*sim.Second-ms || w.EventHi != 70*sim.Second-ms {
		t.Errorf("the whole %d records over %v to %v, want 40 over 9.999s to 69.999s (both pieces)", w.Records, w.EventLo, w.EventHi)
	}
	if o.late.any || o.onTime.any || o.lateCarry != 0 {
		t.Errorf("owed after the split: late %v, on time %v, late carry %v; want none", o.late.any, o.onTime.any, o.lateCarry)
	}

	// The chain emits 80 records (a flatMap of 2 after the window): 6 late.
	if got := st.lateShare(80); got != 6 {
		t.Errorf("late share of 80 = %d, want 6", got)
	}
}

// A window operator behind on its input (1.2 ms a record, 1000 records/s
// a subtask) takes steps of many records. Its watermark follows the records of the step, so its windows
// fire, and their results are created, after them; the sink chained to it
// is free and the window function costs nothing, so, as in Flink, a
// result reaches the sink as it is created: latency 0. Stamped at the
// step's start, the results waited for the step's records (p99 0.4 s).
func TestWindowResultsCreatedAfterTheStepsRecords(t *testing.T) {
	et := EventTime{Delay: sim.Constant{V: 0.5}, OutOfOrderness: sim.Second}
	spec := windowJob(2000, 4, 2*sim.Minute, et, Window{Kind: Tumbling, Size: 10 * sim.Second})
	spec.Nodes[1].Cost = sim.Constant{V: 1.2e-3}
	res := runSpec(t, spec)
	if l := res.Summary.LatencyS; l.None || l.P99 > 1e-6 {
		t.Fatalf("latency %+v, want 0 (results written as they are created)", l)
	}
}
