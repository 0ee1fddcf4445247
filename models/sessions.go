package models

import (
	"slices"

	"github.com/flinksim/flinksim/sim"
	"gonum.org/v1/gonum/stat/distuv"
)

// Session windows (EventTimeSessionWindows.withGap). Flink gives a record
// with timestamp ts the window [ts, ts + gap) and merges a key's windows
// that overlap or touch (TimeWindow.mergeWindows, MergingWindowSet): a
// session ends gap after its key's last record before a pause longer than
// gap. WindowOperator checks lateness on the merged window: a record whose
// merged session is past its end − 1 ms + allowed lateness is late.
//
// Records are not keyed one by one, so each key's records are taken as a
// renewal stream at its share of the operator's planned input rate (heavy
// keys one by one, the other keys by band: KeyLayout's tiers): its gaps
// are exponential (a Poisson stream) or Window.KeyGaps' shape scaled to
// the key's mean gap. Whatever came before, the time T from a record to
// the end of its session is the gap g plus the sum of the gaps after it
// until the first one longer than g: a geometric number (success
// q = P(gap > g)) of gaps cut at g (sessions_grid.go). A record is also
// the first of its session when the gap before it exceeds g, with the
// same probability, independently of T. So the records of a step are
// placed by the end of their session, ts + T, on a grid of slots: a slot
// fires when the watermark reaches its end − 1 ms and is purged at that
// + allowed lateness, and its sessions are its first records. A key
// whose records never pause for g (μg large) never ends its session: its
// records stay in state, past the run's end (forever). The job starts with
// no sessions: a record early in the run whose key's previous gap reaches
// back before the start opens one too.

// sessionSlots bounds a session grid: its slots cover the keys' sessions
// (sessionPlan), no finer than g/sessionSlotsPerGap and the simulator's
// time resolution.
const (
	sessionSlots       = 4096
	sessionSlotsPerGap = 16
	sessionCells       = 8 // cells a slot for the sum of gaps
	// sessionOneByOne: up to this many records a step are stamped one by
	// one (a delay drawn each), which costs less than walking the slots
	// of a long-tailed delay
	sessionOneByOne = 256
	// sessionHeadSlots: beyond this many slots of timestamps back from a
	// chunk's newest, its remaining records (a delay's tail) are stamped
	// one by one
	sessionHeadSlots = 64
)

// placeSessionRecords stamps each of a step's n records: a production
// time uniform over the chunk's, less a delay drawn from d, and puts it
// in the slot where its session ends. It returns the re-firings' elements
// and the late records.
func (s *Simulation) placeSessionRecords(st *subtask, rt *nodeRT, o *windowOp, n int64, c *Chunk, d chunkDelays, w wmark) (elements float64, late int64) {
	for range n {
		e := c.EventLo + sim.Time(o.rng.Float64()*float64(c.EventHi-c.EventLo))
		ts := e - sim.FromSeconds(d.pick(-1, o.rng).quantile(o.rng.Float64()))
		el, l := s.placeSessions(st, rt, o, o.index(ts), 1, w)
		elements += el
		late += l
	}
	return elements, late
}

// placeSessionTail stamps each of n records known to be older than
// before: a production time uniform over the chunk's, and a delay drawn
// from d beyond what reaches before. It returns the re-firings' elements
// and the late records.
func (s *Simulation) placeSessionTail(st *subtask, rt *nodeRT, o *windowOp, n int64, c *Chunk, d chunkDelays, before sim.Time, w wmark) (elements float64, late int64) {
	for range n {
		e := c.EventLo + sim.Time(o.rng.Float64()*float64(c.EventHi-c.EventLo))
		x0 := (e - before).Seconds()
		dd := d.pick(x0, o.rng)
		p0 := dd.cdf(x0)
		x := dd.quantile(p0 + o.rng.Float64()*(1-p0))
		ts := min(e-sim.FromSeconds(x), before-1)
		el, l := s.placeSessions(st, rt, o, o.index(ts), 1, w)
		elements += el
		late += l
	}
	return elements, late
}

// placeSessions puts got records whose timestamps are in slot b into the
// slots where their sessions end: a multinomial draw over pm (sequential
// binomials), or one by one when there are few. A record whose session is
// purged is late. It returns the elements of the immediate re-firings
// and the late records.
func (s *Simulation) placeSessions(st *subtask, rt *nodeRT, o *windowOp, b, got int64, w wmark) (elements float64, late int64) {
	g := o.sess
	opening := g.startAt(b) // first of their key in the run
	put := func(m int, n int64) {
		sessions := float64(n) * (g.firsts[m] + opening)
		if m == g.forever() {
			s.placeForever(o, n, sessions)
			return
		}
		j := b + int64(m)
		if w != noWatermark && o.cleanupTime(j) <= w.time() {
			late += n // its merged session is past its cleanup time (isLate)
			return
		}
		o.placed += n
		elements += s.addToWindow(st, rt, o, j, n, sessions, w)
	}
	if got < 16 {
		var counts [16]int64
		var ms [16]int
		k := 0
		for range got {
			m, _ := slices.BinarySearch(g.cum, o.rng.Float64())
			m = min(m, len(g.pm)-1)
			i := slices.Index(ms[:k], m)
			if i < 0 {
				i, ms[k] = k, m
				k++
			}
			counts[i]++
		}
		for i := range k {
			put(ms[i], counts[i])
		}
		return elements, late
	}
	left, mass := got, 1.0
	for m := g.lo; m <= g.hi && left > 0; m++ {
		p := g.pm[m]
		if p <= 0 {
			continue
		}
		n := left
		if p < mass && m < g.hi {
			n = int64(distuv.Binomial{N: float64(left), P: p / mass, Src: o.rng}.Rand())
		}
		left -= n
		mass -= p
		if n > 0 {
			put(m, n)
		}
	}
	return elements, late
}

// placeForever keeps n records (of sessions sessions) whose sessions end
// after the run: in state, never fired.
func (s *Simulation) placeForever(o *windowOp, n int64, sessions float64) {
	o.placed += n
	o.forever += n
	o.foreverSessions += sessions
	s.growWindowState(o, n, sessions)
}

// lateOrForever splits records all of whose sessions' slots are purged:
// those whose sessions end after the run are kept (forever), the rest are
// late. It returns the late.
func (s *Simulation) lateOrForever(o *windowOp, n int64) int64 {
	g := o.sess
	if g == nil || n == 0 || g.pm[g.forever()] <= 0 {
		return n
	}
	p := g.pm[g.forever()]
	k := n
	if p < 1 {
		k = int64(distuv.Binomial{N: float64(n), P: p, Src: o.rng}.Rand())
	}
	s.placeForever(o, k, float64(k)*g.firsts[g.forever()])
	return n - k
}

// plannedRate is the records a second the scenario sends into rt: its
// sources' mean rates over the run, through each operator's selectivity
// (a window operator's results are not planned: 0).
func (s *Simulation) plannedRate(rt *nodeRT) float64 {
	switch {
	case rt.spec.Kind == KindSource:
		if k := rt.spec.Kafka; k != nil && k.Rate != nil && s.spec.Duration > 0 {
			return k.Rate.Integral(0, s.spec.Duration) / s.spec.Duration.Seconds()
		}
		return 0
	}
	in := 0.0
	if rt.parent >= 0 {
		in += s.plannedOut(rt.task.nodes[rt.parent])
	}
	for _, e := range rt.ins {
		in += s.plannedOut(e.from)
	}
	return in
}

func (s *Simulation) plannedOut(rt *nodeRT) float64 {
	switch {
	case rt.spec.Window != nil:
		return 0
	case rt.spec.Kind == KindOperator && rt.spec.MiniBatch == nil:
		return s.plannedRate(rt) * rt.spec.Selectivity
	}
	return s.plannedRate(rt)
}
