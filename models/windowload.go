package models

import "math"

// A window operator's work per record depends on the input rate. When a
// window fires (WindowOperator.onEventTime → emitWindowContents), the
// window function runs once per key of the window: an AggregateFunction
// or ReduceFunction on the key's one accumulator, a ProcessWindowFunction
// over every record the key buffered. A window of n records over a
// subtask's keys holds D(n) distinct keys (result.DistinctKeys), so an
// aggregate's firing handles D(n) elements and emits D(n) results per
// window, which grow more slowly than the rate: per record they fall as
// the rate grows. The sustainable rate is then a fixed point
// (diagnose.Sustainable with result.Capacity.At), and the capacity at a
// rate counts what the windows fire at that rate, as fireWindows does.

// windowAt is window node rt's subtask j when in records/s reach it: the
// CPU seconds its firings take and the results they emit, per record in.
// Tumbling and sliding windows follow from the keys' layout (the distinct
// keys among a window's records); session windows from the sessions per
// record this run's firings had (one per record before any fired).
func (rt *nodeRT) windowAt(j int, in float64) (fireS, results float64) {
	w := rt.spec.Window
	cost := 0.0
	if w.FireCost != nil {
		cost = w.FireCost.Mean()
	}
	if w.Kind == Session {
		sessions := rt.sessionsPerRecord()
		if w.Buffering {
			return cost, sessions // each record once, in its session's firing
		}
		return cost * sessions, sessions
	}
	step := w.step().Seconds()
	n := in * w.Size.Seconds() // records per window
	keys := n                  // a window of less than a record: each its key's only one
	if n >= 1 {
		keys = min(rt.stateKeys(j, n), n)
	}
	if n <= 0 {
		// the limit of a slow stream: every record its key's only one
		// in each of its windows
		k := w.PerRecord()
		return cost * k, k
	}
	elements := keys
	if w.Buffering {
		elements = n
	}
	perWindow := in * step // records in per firing
	return cost * elements / perWindow, keys / perWindow
}

// sessionsPerRecord is the sessions per record this run's session windows
// fired, over all subtasks (1 before any fired).
func (rt *nodeRT) sessionsPerRecord() float64 {
	var sessions float64
	var records int64
	for _, st := range rt.task.subtasks {
		if o := st.ops[rt.pos].win; o != nil {
			sessions += o.sessionsFired
			records += o.firstFire
		}
	}
	if records == 0 {
		return 1
	}
	return math.Min(1, sessions/float64(records))
}

// outputsAt is node rt's subtask j's records out per record in when the
// job's input is rate records/s and flow of them reach it per input
// record: a window's results at that rate, or outputsPerInput (rate ≤ 0:
// outputsPerInput for a window too, the run's linear capacity).
func outputsAt(rt *nodeRT, j int, flow, rate float64) float64 {
	if rate > 0 && rt.spec.Window != nil {
		_, results := rt.windowAt(j, rate*flow)
		return results
	}
	return outputsPerInput(rt)
}

// firingAt is node rt's subtask j's firing CPU seconds per record in at
// the job's input rate (0 for a node that is not a window, or rate ≤ 0).
func firingAt(rt *nodeRT, j int, flow, rate float64) float64 {
	if rate <= 0 || rt.spec.Window == nil {
		return 0
	}
	fire, _ := rt.windowAt(j, rate*flow)
	return fire
}

// rateDependent reports whether the job's work per input record depends on
// the input rate: it has a window operator.
func (s *Simulation) rateDependent() bool {
	for _, rt := range s.nodes {
		if rt.spec.Window != nil {
			return true
		}
	}
	return false
}
