package models

import "github.com/flinksim/flinksim/sim"

// A step in flight runs at its thread's current share of the cores. A
// step's CPU work is slowed by the share its thread had when the step
// began (process: st.slow); the shares are measured again at every
// resources tick (resources.go), and a step still running then is
// re-timed: the CPU work it has left, taken as spread evenly over the
// rest of the step, runs at the new slowdown. Short steps rarely span a
// tick; a long one does (a window firing for every key at once, as
// WindowOperator fires a watermark's timers in one go): threads that fire
// together on fewer cores than threads share them, as processor sharing
// does, instead of each keeping the core it had before.

// stepClock is a subtask's step in flight, for re-timing it.
type stepClock struct {
	on bool
	// gen is the stamp of the step's evStepDone; re-timing pushes a new
	// event and makes the earlier one stale.
	gen       int64
	cpu       float64 // CPU seconds at full speed left at from
	slow      float64 // the slowdown it runs at since from
	from, end sim.Time
	start     sim.Time // when it began (cutstep.go)
	// long: it spans more than a resources tick as it began; its CPU
	// counts in the samples as it is used (cpuSoFar)
	long bool
}

// startStep schedules the end of a step of duration d whose CPU work at
// full speed process has put in st.step.cpu.
func (s *Simulation) startStep(st *subtask, d sim.Time) {
	now := s.eng.Now()
	c := &st.step
	c.on, c.slow, c.from, c.end, c.start = true, st.slow, now, sim.Add(now, d), now
	c.long = d > storageTick
	s.eng.After(d, evStepDone, st.id, stamp(st, c.gen))
}

// stepDone reports whether arg is the end of st's step in flight (not of
// an earlier attempt, nor an event re-timing made stale).
func stepDone(st *subtask, arg int64) bool {
	v, ok := current(st, arg)
	return ok && st.step.on && v == st.step.gen
}

// retimeSteps re-times every step in flight whose thread's slowdown
// changed.
func (s *Simulation) retimeSteps() {
	now := s.eng.Now()
	for _, st := range s.subtasks {
		c := &st.step
		if !c.on || st.slow == c.slow || st.dead || c.end <= now || c.end <= c.from {
			continue
		}
		cpu := c.cpu * float64(c.end-now) / float64(c.end-c.from)
		delta := cpu * (st.slow - c.slow) // seconds on a core more (or fewer)
		end := max(now, sim.Add(c.end, sim.FromSeconds(delta)))
		st.cpuTime += (end - c.end).Seconds()
		c.cpu, c.slow, c.from, c.end = cpu, st.slow, now, end
		c.gen = (c.gen + 1) & (1<<32 - 1)
		s.eng.At(end, evStepDone, st.id, stamp(st, c.gen))
	}
}

// cpuSoFar is the seconds on a core st has used by now: what its steps
// were charged (cpuTime, at their start) less the part of a long step in
// flight still to run, so its CPU counts in the resources' samples as it
// is used, not all in the first (a step within a tick counts in the
// sample after its start: at most a tick early).
func (st *subtask) cpuSoFar(now sim.Time) float64 {
	c := &st.step
	if !c.on || !c.long || st.dead || c.end <= now || c.end <= c.from {
		return st.cpuTime
	}
	return st.cpuTime - c.cpu*c.slow*float64(c.end-now)/float64(c.end-c.from)
}
