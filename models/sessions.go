package models

import (
	"math"
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
// Poisson stream at its share of the operator's planned input rate (heavy
// keys one by one, the other keys by band: KeyLayout's tiers). For a key of
// rate μ the gaps between its records are exponential, so, whatever came
// before, the time T from a record to the end of its session is the gap g
// plus the sum of the gaps after it until the first one longer than g: a
// geometric number (success e^(−μg)) of exponentials cut at g. A record is
// also the first of its session when the gap before it exceeds g, with
// the same probability, independently of T. So the records of a step are
// placed by the end of their session, ts + T, on a grid of slots: a slot
// fires when the watermark reaches its end − 1 ms and is purged at that
// + allowed lateness, and its sessions are its first records. A key
// whose records never pause for g (μg large) never ends its session: its
// records stay in the last slot, beyond the run.

// sessionSlots bounds a session grid: its slots cover the run and a gap,
// no finer than g/sessionSlotsPerGap and the simulator's time resolution.
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

// sessionGrid places a subtask's records by the end of their session.
type sessionGrid struct {
	// pm[m] is the share of the records of a slot of timestamps whose
	// session ends m slots later; the last entry holds every session that
	// ends beyond the run.
	pm  []float64
	cum []float64 // cumulative pm, for drawing a few records one by one
	// firsts[m] is the share of those records that are their session's
	// first: sessions per record.
	firsts []float64
	lo, hi int // the first and last m with pm[m] > 0
}

// reach is the largest slot offset a record's session may end at (0: not
// sessions).
func (g *sessionGrid) reach() int64 {
	if g == nil {
		return 0
	}
	return int64(len(g.pm) - 1)
}

// sessionSlot is the session grid's slot width for gap g over a run of
// dur: g/16, no finer than the simulator's time resolution res, and
// coarser when needed so that sessionSlots slots cover dur + g.
func sessionSlot(g, res, dur sim.Time) (h sim.Time, slots int) {
	h = max(g/sessionSlotsPerGap, res, sim.Millisecond)
	h -= h % sim.Millisecond
	horizon := dur + g
	if horizon/h+2 > sessionSlots {
		h = horizon/(sessionSlots-2) + sim.Millisecond
		h -= h % sim.Millisecond
	}
	return h, int(horizon/h) + 2
}

// sessionComponent is one key's placement, for a key of rate mu (records
// a second): pm and the probability q = e^(−μg) that a record is its
// session's first.
type sessionComponent struct {
	pm []float64
	q  float64
}

// newSessionComponent computes T = g + S for a key of rate mu, S the sum of
// the gaps shorter than g that follow a record before the first longer
// one, on cells of h/8: P(S = iδ) = q·[i=0] + Σⱼ wⱼ·P(S = (i−j)δ), wⱼ the
// probability that a gap is shorter than g and goes to jδ (split between
// the cells around it so as to keep its mean). The record's
// own place in its slot of timestamps is spread evenly over the slot.
func newSessionComponent(gaps keyGaps, g, h sim.Time, slots int) sessionComponent {
	gs, delta := g.Seconds(), h.Seconds()/sessionCells
	q := 1 - gaps.cdf(gs)
	n := slots * sessionCells
	pS := make([]float64, n)
	if q > 1-1e-12 {
		pS[0] = 1
	} else {
		// a gap shorter than g in [jδ, (j+1)δ) goes to jδ and (j+1)δ in
		// the shares that keep its mean (so that E[S] stays exact)
		cells := int(math.Ceil(gs / delta))
		wj := make([]float64, cells+1)
		for j := range cells {
			a, b := float64(j)*delta, math.Min(float64(j+1)*delta, gs)
			p, m := gaps.part(a, b) // P(a ≤ X < b), E[X; a ≤ X < b]
			up := math.Min(math.Max((m-a*p)/delta, 0), p)
			wj[j] += p - up
			wj[j+1] += up
		}
		for i := range n {
			v := 0.0
			if i == 0 {
				v = q
			}
			for j := 1; j < len(wj) && j <= i; j++ {
				v += wj[j] * pS[i-j]
			}
			pS[i] = v / (1 - wj[0])
		}
	}
	pm := make([]float64, slots)
	placed := 0.0
	hs := h.Seconds()
	for k, p := range pS {
		if p == 0 {
			continue
		}
		// ts uniform over its slot: ts + T covers [g + kδ, g + kδ + h),
		// a share f in slot a and the rest in the next
		lo := gs + float64(k)*delta
		a := int(lo / hs)
		f := (float64(a+1)*hs - lo) / hs
		pm[min(a, slots-1)] += p * f
		pm[min(a+1, slots-1)] += p * (1 - f)
		placed += p
	}
	pm[slots-1] += math.Max(0, 1-placed) // sessions that outlast the grid
	return sessionComponent{pm: pm, q: q}
}

// keyGaps is the time between one key's consecutive records: Shape (nil:
// exponential, a Poisson stream) scaled to the key's mean gap.
type keyGaps struct {
	shape sim.Dist
	mean  float64 // seconds: 1/the key's rate
}

// cdf is P(gap ≤ x), x in seconds.
func (k keyGaps) cdf(x float64) float64 {
	if k.shape == nil {
		return -math.Expm1(-x / k.mean)
	}
	return sim.CDF(k.shape, x*k.shape.Mean()/k.mean)
}

// part is P(a ≤ gap < b) and E[gap; a ≤ gap < b], in closed form: for a
// gap c·Y, E[gap; gap ≤ x] = c·E[Y; Y ≤ x/c].
func (k keyGaps) part(a, b float64) (p, m float64) {
	if k.shape == nil {
		mu := 1 / k.mean
		ea, eb := math.Exp(-mu*a), math.Exp(-mu*b)
		return ea - eb, (a+1/mu)*ea - (b+1/mu)*eb
	}
	c := k.mean / k.shape.Mean()
	return k.cdf(b) - k.cdf(a), c * (sim.PartialMean(k.shape, b/c) - sim.PartialMean(k.shape, a/c))
}

// newSessionGrid mixes the placements of a subtask's keys, each weighted
// by its share of the subtask's records; rate is the operator's planned
// input rate (records a second). Components of equal rate are computed
// once (cache).
func newSessionGrid(sl *subLayout, rate float64, shape sim.Dist, g, h sim.Time, slots int, cache map[float64]sessionComponent) *sessionGrid {
	sg := &sessionGrid{pm: make([]float64, slots), firsts: make([]float64, slots)}
	add := func(weight, share float64) {
		if weight <= 0 {
			return
		}
		mu := rate * share
		c, ok := cache[mu]
		if !ok {
			c = newSessionComponent(keyGaps{shape: shape, mean: 1 / mu}, g, h, slots)
			cache[mu] = c
		}
		for m, p := range c.pm {
			sg.pm[m] += weight * p
			sg.firsts[m] += weight * p * c.q
		}
	}
	if sl.share > 0 {
		for _, hk := range sl.heavy {
			add(hk.Share/sl.share, hk.Share)
		}
		for _, t := range sl.tiers {
			if t.keys > 0 {
				add(t.share/sl.share, t.share/t.keys)
			}
		}
	}
	total := 0.0
	for m, p := range sg.pm {
		if p < 1e-12 { // float dust (a slot of 1e-12 of 2^53 records holds < 0.01)
			sg.pm[m], p = 0, 0
		}
		total += p
	}
	if total <= 0 {
		sg.pm[0], total = 1, 1 // no keys: never used
	}
	sg.cum = make([]float64, slots)
	sum := 0.0
	for m := range sg.pm {
		if sg.pm[m] > 0 {
			sg.firsts[m] /= sg.pm[m]
		}
		sg.pm[m] /= total
		sum += sg.pm[m]
		sg.cum[m] = sum
	}
	sg.lo = slices.IndexFunc(sg.pm, func(p float64) bool { return p > 0 })
	sg.hi = len(sg.pm) - 1
	for sg.pm[sg.hi] <= 0 {
		sg.hi--
	}
	return sg
}

// meanEnd is the mean time from a record's timestamp to its session's end
// (the last slot counting as its own end), in seconds.
func (g *sessionGrid) meanEnd(h sim.Time) float64 {
	m := 0.0
	for i, p := range g.pm {
		m += p * (float64(i) + 0.5)
	}
	return m * h.Seconds()
}

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
	put := func(m int, n int64) {
		j := b + int64(m)
		if w != noWatermark && o.cleanupTime(j) <= w.time() {
			late += n // its merged session is past its cleanup time (isLate)
			return
		}
		o.placed += n
		elements += s.addToWindow(st, rt, o, j, n, float64(n)*g.firsts[m], w)
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

// deploySessions gives a session window operator's subtasks their grids,
// from the key layout at the start (subtasks with the same keys share
// one).
func (s *Simulation) deploySessions(rt *nodeRT, pos int) {
	w := rt.spec.Window
	h, slots := sessionSlot(w.Gap, s.eventGap(), s.spec.Duration)
	rate := s.plannedRate(rt)
	cache := map[float64]sessionComponent{}
	var prev *sessionGrid
	for _, st := range rt.task.subtasks {
		sg := newSessionGrid(&rt.subs[st.index], rate, w.KeyGaps, w.Gap, h, slots, cache)
		if prev != nil && slices.Equal(prev.pm, sg.pm) && slices.Equal(prev.firsts, sg.firsts) {
			sg = prev
		}
		prev = sg
		o := st.ops[pos].win
		o.grid, o.span, o.sess = h, h, sg
	}
}
