package models

import (
	"math"
	"slices"

	"github.com/flinksim/flinksim/sim"
)

// Where session windows' records end up: for each key rate, the
// distribution of the time T from a record to its session's end, on a grid
// of slots (sessions.go places records with it).

// sessionGrid places a subtask's records by the end of their session.
type sessionGrid struct {
	// pm[m] is the share of the records of a slot of timestamps whose
	// session ends m slots later; its last entry (forever) holds those
	// whose session ends after the run.
	pm  []float64
	cum []float64 // cumulative pm, for drawing a few records one by one
	// firsts[m] is the share of those records that are their session's
	// first: sessions per record.
	firsts []float64
	// start[b] is the share of the records of slot b (timestamps from the
	// run's start) that open a session because their key had no record
	// in the run before, though less than a gap ago (the job starts with
	// no sessions).
	start  []float64
	lo, hi int // the first and last m with pm[m] > 0
}

// forever is pm's index of sessions that end after the run.
func (g *sessionGrid) forever() int { return len(g.pm) - 1 }

// reach is the largest slot offset at which a record's session may end
// within the run (0: not sessions).
func (g *sessionGrid) reach() int64 {
	if g == nil {
		return 0
	}
	return int64(len(g.pm) - 2)
}

// startAt is start[b] (0 beyond a gap from the run's start).
func (g *sessionGrid) startAt(b int64) float64 {
	b = max(b, 0)
	if b >= int64(len(g.start)) {
		return 0
	}
	return g.start[b]
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

// neverEnds is the q = P(gap > g) below which a key's sessions are taken
// never to end (its mean session lasts more than 10¹² gaps).
const neverEnds = 1e-12

// support is how long after a record its session may end for keys with
// these gaps, in seconds: g + 40 × E[S] (S, the short gaps after it, is a
// geometric sum: its tail beyond 40 means is below e^−40), or 0 when it
// never ends.
func (k keyGaps) support(g float64) float64 {
	q := 1 - k.cdf(g)
	if q <= neverEnds {
		return 0
	}
	_, short := k.part(0, g)
	return g + 40*max(short/q, g)
}

// sessionPlan is the grid for gap g: slots of g/16, no finer than the
// simulator's time resolution res, covering the sessions of every key
// (supports, seconds) up to horizon; coarser when that would take more
// than sessionSlots slots. covers: the grid reaches the horizon (what ends
// beyond it ends after the run).
func sessionPlan(g, res, horizon sim.Time, supports []float64) (h sim.Time, slots int, covers bool) {
	h = max(g/sessionSlotsPerGap, res, sim.Millisecond)
	h -= h % sim.Millisecond
	span := g
	for _, s := range supports {
		span = max(span, min(sim.FromSeconds(s), horizon))
	}
	if span/h+2 > sessionSlots {
		h = span/(sessionSlots-2) + sim.Millisecond
		h -= h % sim.Millisecond
	}
	slots = int(span/h) + 2
	return h, slots, sim.Time(slots)*h >= horizon
}

// sessionComponent is one key's placement: pm (slots + forever) and the
// probability q = P(gap > g) that a record is its session's first.
type sessionComponent struct {
	pm []float64
	q  float64
}

// newSessionComponent computes T = g + S for a key with these gaps, S the
// sum of the gaps shorter than g that follow a record before the first
// longer one, on cells of h/8: P(S = iδ) = q·[i=0] + Σⱼ wⱼ·P(S = (i−j)δ),
// wⱼ the probability that a gap is shorter than g and goes to jδ (split
// between the cells around it so as to keep its mean). The record's own
// place in its slot of timestamps is spread evenly over the slot. What
// ends beyond the slots ends after the run when they cover it (forever),
// else in the last (a tail below e^−40).
func newSessionComponent(gaps keyGaps, g, h sim.Time, slots int, covers bool) sessionComponent {
	gs, hs, delta := g.Seconds(), h.Seconds(), h.Seconds()/sessionCells
	q := 1 - gaps.cdf(gs)
	pm := make([]float64, slots+1)
	if q <= neverEnds {
		pm[slots] = 1
		return sessionComponent{pm: pm, q: q}
	}
	pS := make([]float64, slots*sessionCells)
	if q > 1-1e-12 {
		pS[0] = 1
	} else {
		cells := int(math.Ceil(gs / delta))
		wj := make([]float64, cells+1)
		for j := range cells {
			a, b := float64(j)*delta, math.Min(float64(j+1)*delta, gs)
			p, m := gaps.part(a, b) // P(a ≤ X < b), E[X; a ≤ X < b]
			up := math.Min(math.Max((m-a*p)/delta, 0), p)
			wj[j] += p - up
			wj[j+1] += up
		}
		for i := range pS {
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
	placed := 0.0
	for k, p := range pS {
		if p == 0 {
			continue
		}
		// ts uniform over its slot: ts + T covers [g + kδ, g + kδ + h),
		// a share f in slot a and the rest in the next
		lo := gs + float64(k)*delta
		a := int(lo / hs)
		f := (float64(a+1)*hs - lo) / hs
		for i, share := range [2]float64{p * f, p * (1 - f)} {
			if a+i < slots {
				pm[a+i] += share
				placed += share
			}
		}
	}
	beyond := slots - 1
	if covers {
		beyond = slots
	}
	pm[beyond] += math.Max(0, 1-placed)
	return sessionComponent{pm: pm, q: q}
}

// sessionKeys calls add with each key band of a subtask: its share of the
// subtask's records and one key's share of the operator's.
func sessionKeys(sl *subLayout, add func(weight, share float64)) {
	if sl.share <= 0 {
		return
	}
	for _, hk := range sl.heavy {
		add(hk.Share/sl.share, hk.Share)
	}
	for _, t := range sl.tiers {
		if t.keys > 0 {
			add(t.share/sl.share, t.share/t.keys)
		}
	}
}

// newSessionGrid mixes the placements of a subtask's keys, each weighted
// by its share of the subtask's records; rate is the operator's planned
// input rate (records a second). Components of equal rate are computed
// once (cache).
func newSessionGrid(sl *subLayout, rate float64, shape sim.Dist, g, h sim.Time, slots int, covers bool, cache map[float64]sessionComponent) *sessionGrid {
	sg := &sessionGrid{pm: make([]float64, slots+1), firsts: make([]float64, slots+1),
		start: make([]float64, int(g/h)+1)}
	sessionKeys(sl, func(weight, share float64) {
		if weight <= 0 {
			return
		}
		mu := rate * share
		kg := keyGaps{shape: shape, mean: 1 / mu}
		c, ok := cache[mu]
		if !ok {
			c = newSessionComponent(kg, g, h, slots, covers)
			cache[mu] = c
		}
		for m, p := range c.pm {
			sg.pm[m] += weight * p
			sg.firsts[m] += weight * p * c.q
		}
		// the previous gap reaches back before the run: P(ts < X < g)
		for b := range sg.start {
			x := (float64(b) + 0.5) * h.Seconds()
			sg.start[b] += weight * math.Max(0, kg.cdf(g.Seconds())-kg.cdf(x))
		}
	})
	sg.normalise()
	return sg
}

// normalise makes pm a distribution (float dust below 1e-12 dropped: a
// slot of 1e-12 of 2^53 records holds < 0.01) and firsts ratios.
func (sg *sessionGrid) normalise() {
	total := 0.0
	for m, p := range sg.pm {
		if p < 1e-12 {
			sg.pm[m], p = 0, 0
		}
		total += p
	}
	if total <= 0 {
		sg.pm[0], total = 1, 1 // no keys: never used
	}
	sg.cum = make([]float64, len(sg.pm))
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
}

// meanEnd is the mean time from a record's timestamp to its session's end
// (a session that outlasts the run counting as ending with the grid), in
// seconds.
func (g *sessionGrid) meanEnd(h sim.Time) float64 {
	m := 0.0
	for i, p := range g.pm {
		m += p * (float64(i) + 0.5)
	}
	return m * h.Seconds()
}

// deploySessions gives a session window operator's subtasks their grids,
// from the key layout at the start (subtasks with the same keys share
// one).
func (s *Simulation) deploySessions(rt *nodeRT, pos int) {
	w := rt.spec.Window
	rate := s.plannedRate(rt)
	var supports []float64
	for _, st := range rt.task.subtasks {
		sessionKeys(&rt.subs[st.index], func(_, share float64) {
			supports = append(supports, keyGaps{shape: w.KeyGaps, mean: 1 / (rate * share)}.support(w.Gap.Seconds()))
		})
	}
	h, slots, covers := sessionPlan(w.Gap, s.eventGap(), s.spec.Duration+w.Gap, supports)
	cache := map[float64]sessionComponent{}
	var prev *sessionGrid
	for _, st := range rt.task.subtasks {
		sg := newSessionGrid(&rt.subs[st.index], rate, w.KeyGaps, w.Gap, h, slots, covers, cache)
		if prev != nil && slices.Equal(prev.pm, sg.pm) && slices.Equal(prev.firsts, sg.firsts) && slices.Equal(prev.start, sg.start) {
			sg = prev
		}
		prev = sg
		o := st.ops[pos].win
		o.grid, o.span, o.sess = h, h, sg
	}
}
