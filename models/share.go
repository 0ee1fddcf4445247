package models

import (
	"cmp"
	"math"
	"slices"
)

// Max-min fair sharing of resources among claims (Bertsekas and Gallager,
// Data Networks, 6.5.2: progressive filling), generalised to claims that use
// several resources: a claim's rate is the smallest its resources allow, and
// each resource is shared equally, in its own unit, among the claims that
// are not held back elsewhere. For one resource this is water filling; for
// a CPU it is processor sharing (each running thread the same cores, at most
// what it can use).

// use is a claim's consumption of one resource per unit of its rate.
type use struct {
	res int32
	per float64
}

// claim is one consumer: a transfer (bytes/s), compaction (bytes/s), or a
// task thread (cores). Cap bounds its rate (math.Inf(1): none).
type claim struct {
	cap  float64
	uses []use
	// threads weighs the claim: a resource's level is per thread, as the
	// kernel's fair scheduler shares cores per thread (0 counts as 1).
	threads float64
	rate    float64 // out: the fair rate
}

// sharer holds the scratch space of share, reused between calls.
type sharer struct {
	byRes   [][]int32 // per resource: its claims
	level   []float64 // per resource: its fair level
	scratch []float64
	weights []float64
	order   []int
}

// share sets every claim's rate to its max-min fair share of capacity
// (per resource; math.Inf(1) is unlimited). Each round fills every resource
// in turn with the demands its claims would have if only their other
// resources (at their latest levels) bounded them; it stops when no level
// changes by more than a millionth, after at most 50 rounds.
func (sh *sharer) share(capacity []float64, claims []*claim) {
	nr := len(capacity)
	sh.byRes = resize(sh.byRes, nr)
	sh.level = resizeF(sh.level, nr)
	for r := range sh.byRes {
		sh.byRes[r] = sh.byRes[r][:0]
		sh.level[r] = math.Inf(1)
	}
	for i, c := range claims {
		if c.cap <= 0 {
			continue // asks for nothing
		}
		for _, u := range c.uses {
			if u.per > 0 && !math.IsInf(capacity[u.res], 1) {
				sh.byRes[u.res] = append(sh.byRes[u.res], int32(i))
			}
		}
	}
	for round := 0; round < 50; round++ {
		changed := false
		for r, ids := range sh.byRes {
			if len(ids) == 0 {
				continue
			}
			// Gauss-Seidel: later resources see this round's levels.
			l := sh.fill(capacity[r], claims, ids, int32(r))
			if !near(l, sh.level[r]) {
				changed = true
			}
			sh.level[r] = l
		}
		if !changed {
			break
		}
	}
	for _, c := range claims {
		c.rate = c.cap
		for _, u := range c.uses {
			if u.per > 0 && !math.IsInf(capacity[u.res], 1) {
				c.rate = math.Min(c.rate, c.rateOn(u.res, sh.level[u.res]))
			}
		}
	}
}

func near(a, b float64) bool {
	if math.IsInf(a, 1) || math.IsInf(b, 1) {
		return a == b
	}
	return math.Abs(a-b) <= 1e-6*math.Max(math.Abs(a), math.Abs(b))+1e-12
}

// fill water-fills capacity among claims ids of resource r, each
// demanding what its rate, bounded by its other resources, would use, and
// returns the level: a claim gets min(its demand, level) of r.
func (sh *sharer) fill(capacity float64, claims []*claim, ids []int32, r int32) float64 {
	d, w := sh.scratch[:0], sh.weights[:0]
	for _, i := range ids {
		c := claims[i]
		other := c.cap
		for _, u := range c.uses {
			if u.res != r && u.per > 0 {
				other = math.Min(other, c.rateOn(u.res, sh.level[u.res]))
			}
		}
		d = append(d, other*perOf(c, r))
		w = append(w, c.weight())
	}
	sh.scratch, sh.weights = d, w
	total := 0.0
	for _, v := range d {
		total += v
	}
	if total <= capacity {
		return math.Inf(1) // every demand fits
	}
	sh.order = sh.order[:0]
	for i := range d {
		sh.order = append(sh.order, i)
	}
	return waterLevel(capacity, d, w, sh.order)
}

// rateOn is the rate a level of resource r allows c.
func (c *claim) rateOn(r int32, level float64) float64 {
	if math.IsInf(level, 1) {
		return level
	}
	return level * c.weight() / perOf(c, r)
}

func (c *claim) weight() float64 {
	if c.threads <= 0 {
		return 1
	}
	return c.threads
}

func perOf(c *claim, r int32) float64 {
	for _, u := range c.uses {
		if u.res == r {
			return u.per
		}
	}
	return 0
}

// waterLevel is the level L at which Σ min(d_i, w_i·L) = capacity, or +Inf
// when every demand fits. idx holds 0..n-1 and is sorted in place.
func waterLevel(capacity float64, demands, weights []float64, idx []int) float64 {
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Compare(demands[a]/weights[a], demands[b]/weights[b])
	})
	left, rest := capacity, 0.0
	for _, w := range weights {
		rest += w
	}
	for _, i := range idx {
		if demands[i]/weights[i]*rest > left {
			return math.Max(0, left/rest)
		}
		left -= demands[i]
		rest -= weights[i]
	}
	return math.Inf(1)
}

func resize(s [][]int32, n int) [][]int32 {
	for len(s) < n {
		s = append(s, nil)
	}
	return s[:n]
}

func resizeF(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
