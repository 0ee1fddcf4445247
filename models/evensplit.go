package models

import (
	"math"
	"slices"
)

// The keyBy split (KeyGroupStreamPartitioner's routing, in expectation:
// exchange.go's apportion) when every subpartition's weight is m/D with D
// a power of two and m one of a few integers: keys equally likely over the
// key groups and the max parallelism a power of two (Flink's default,
// KeyGroupRangeAssignment.computeDefaultMaxParallelism), where each
// subtask owns the floor or the ceiling of max-parallelism/parallelism key
// groups (computeKeyGroupRangeForOperatorIndex): one class of weights when
// the parallelism divides the max parallelism, two otherwise (P = 192 of
// 512 key groups: 2/512 and 3/512). apportion's arithmetic is then exact,
// its carries all multiples of 1/D, so it can be done in integers (units
// of 1/D) and lazily: a call adds k·m to the carry of every subpartition
// of weight m/D, the same within a class, so a class's order does not
// change and each carry is kept as carry·D less m times the records split
// so far, per class in a max-heap by (carry, lower index first); the
// destination owed most is the best of the classes' tops. A chunk of k
// records then costs the destinations it reaches, O(log P) each, rather
// than a pass over all P subpartitions: at P = 256 a source step of a few
// records went through 256 weights. The counts and carries are
// apportion's bit for bit (TestEvenSplitMatchesApportion).
//
// Starting from equal carries, the destination given a record falls to the
// end of its class's order (its carry drops by D, below every other of the
// class), so within a class the split deals round-robin: while that holds,
// the class's heap is kept as a sorted ring and a record costs a rotation;
// the first time it does not, the ring becomes a heap.
//
// Only chunks small against P are split so (evenSmall): a chunk of many
// records floors most carries, and apportion's one pass over the weights
// is then cheaper than a heap's (at P = 16, steps of a hundred records or
// more made the whole job about twice as slow). Below P/2 records the
// lazy form wins: a source reading at its flusher's tick (deferread.go)
// splits some 40 records over 256 subpartitions, and apportion's pass made
// the keyBy job at P = 256 about 10 % slower (16 records at most, as this
// was first, sent those steps to the pass). Splitting goes back to apportion's carries,
// written out exactly, for a large chunk, a new key layout or a
// mini-batch's weights (TestSplitByKeySwitchesForms).

// evenSplit is a keyBy partition's carries in this form.
type evenSplit struct {
	d       int64       // units in a record: D, the weights' common denominator
	t       int64       // records split since the classes were built or rebased
	classes []evenClass // by weight, increasing
	gen     int         // the key layout it was built for (Simulation.layoutGen)
	// touched is the destinations the last call gave records to, in
	// increasing order, their counts in the partition's scratch.
	touched []int32
	// active: the partition's carries are here, not in its carry slice.
	active bool
	// small counts the chunks in a row small enough for this form while
	// it is not active; refused is 1 + the key layout whose weights or
	// carries it refused.
	small, refused int
}

// evenClass is the subpartitions of one weight m/D.
type evenClass struct {
	m    int64       // the weight in units of 1/D
	heap []evenEntry // max-heap by (e, lower index first), or while ring that order from head on
	ring bool
	head int
}

// A chunk of k records is split here when k·evenSmall is below the
// subpartitions (fewer than half of them get a record; else apportion's
// pass costs no more), and the form is built after evenAfter such chunks
// in a row (so that a run of large and small chunks does not rebuild it at
// each). It takes at most evenClasses weights: each record compares the
// classes' tops.
const (
	evenSmall   = 2
	evenAfter   = 4
	evenClasses = 4
)

// evenEntry is a destination: e is its carry·D less m·t.
type evenEntry struct {
	e int64
	i int32
}

// evenRebase is how large t grows before it is folded into the entries
// (m·t stays below 2^55: m is at most D, at most 2^15 key groups).
const evenRebase = 1 << 40

func (a evenEntry) before(b evenEntry) bool { return a.e > b.e || a.e == b.e && a.i < b.i }

// evenUnits is the least power of two D that makes w·D whole, or 0 when w
// is not a positive multiple of 1/D for some D up to 2^15: the most key
// groups a keyBy has (Transformation.UPPER_BOUND_MAX_PARALLELISM), which
// also keeps m·t below 2^55 until t is rebased (evenRebase).
func evenUnits(w float64) int64 {
	if !(w > 0) || w > 1 {
		return 0
	}
	for d := int64(1); d <= 1<<15; d <<= 1 {
		if u := w * float64(d); u == math.Trunc(u) { // exact: a power of two
			return d
		}
	}
	return 0
}

// build makes the lazy form of a partition's carries, and reports false
// when its weights are not all m/D for a power of two D with at most
// evenClasses values of m, or a carry is not a multiple of 1/D.
func (es *evenSplit) build(weights, carry []float64, gen int) bool {
	if len(weights) == 0 || len(weights) != len(carry) {
		return false
	}
	var d int64
	ms := make([]int64, 0, evenClasses) // the classes' weights, increasing
	for _, w := range weights {
		u := evenUnits(w)
		if u == 0 {
			return false
		}
		d = max(d, u)
	}
	for _, w := range weights {
		m := int64(w * float64(d))
		if _, found := slices.BinarySearch(ms, m); !found {
			if len(ms) == evenClasses {
				return false
			}
			ms = append(ms, m)
			slices.Sort(ms)
		}
	}
	classes := es.classes[:0]
	for _, m := range ms {
		var h []evenEntry
		if len(classes) < cap(classes) {
			h = classes[:len(classes)+1][len(classes)].heap[:0]
		}
		classes = append(classes, evenClass{m: m, heap: h, ring: true})
	}
	for i, c := range carry {
		u := c * float64(d) // exact: a power of two
		if u != math.Trunc(u) || math.Abs(u) >= 1<<40 {
			return false
		}
		j, _ := slices.BinarySearch(ms, int64(weights[i]*float64(d)))
		classes[j].heap = append(classes[j].heap, evenEntry{e: int64(u), i: int32(i)})
	}
	for j := range classes {
		slices.SortFunc(classes[j].heap, func(a, b evenEntry) int {
			if a.before(b) {
				return -1
			}
			return 1 // no two are equal: their indices differ
		})
	}
	*es = evenSplit{d: d, gen: gen, classes: classes, active: true, touched: es.touched[:0]}
	return true
}

// materialize writes the carries back as apportion keeps them.
func (es *evenSplit) materialize(carry []float64) {
	for _, c := range es.classes {
		for _, en := range c.heap {
			carry[en.i] = float64(en.e+c.m*es.t) / float64(es.d)
		}
	}
}

// split is apportion(k, ...) on the lazy carries: the counts go to out at
// the destinations listed in touched (out is zero elsewhere, and the caller
// zeroes what it reads). It reports false, having changed nothing, when
// apportion would take back an excess (its floors exceeding k), which it
// leaves to apportion.
func (es *evenSplit) split(k int64, out []int64) bool {
	es.touched = es.touched[:0]
	if k <= 0 {
		return true
	}
	t := es.t + k                     // carry·D + k·m = e + m·t now
	if j, x := es.top(t); x >= es.d { // some floors
		var floors int64
		for c := range es.classes {
			floors += es.classes[c].floorSum(t, es.d)
		}
		if floors > k {
			return false
		}
		for ; x >= es.d; j, x = es.top(t) {
			n := x / es.d
			c := &es.classes[j]
			es.give(c.front().i, n, out)
			c.replaceTop(c.front().e - n*es.d)
		}
	}
	var assigned int64
	for _, i := range es.touched {
		assigned += out[i]
	}
	// The rest one at a time to the destination owed most, the first of
	// equals (apportion's handTop and handByHeap).
	for r := k - assigned; r > 0; r-- {
		j, _ := es.top(t)
		c := &es.classes[j]
		es.give(c.front().i, 1, out)
		c.replaceTop(c.front().e - es.d)
	}
	es.t = t
	if es.t > evenRebase {
		for j := range es.classes {
			c := &es.classes[j]
			for i := range c.heap {
				c.heap[i].e += c.m * es.t
			}
		}
		es.t = 0
	}
	return true
}

// top is the class of the destination owed most after t records, and
// what it is owed (carry·D).
func (es *evenSplit) top(t int64) (class int, owed int64) {
	best := es.classes[0].front()
	owed = best.e + es.classes[0].m*t
	for j := 1; j < len(es.classes); j++ {
		f := es.classes[j].front()
		if x := f.e + es.classes[j].m*t; x > owed || x == owed && f.i < best.i {
			class, best, owed = j, f, x
		}
	}
	return class, owed
}

// front is the class's destination owed most.
func (c *evenClass) front() evenEntry {
	if c.ring {
		return c.heap[c.head]
	}
	return c.heap[0]
}

// replaceTop gives the class's destination owed most the carry e (lower):
// to the ring's end when that keeps its order, else into the heap.
func (c *evenClass) replaceTop(e int64) {
	h := c.heap
	if c.ring {
		n := len(h)
		nw := evenEntry{e: e, i: h[c.head].i}
		if n == 1 || h[(c.head+n-1)%n].before(nw) {
			h[c.head] = nw
			if c.head++; c.head == n {
				c.head = 0
			}
			return
		}
		c.toHeap()
	}
	h[0].e = e
	c.down(0)
}

// toHeap turns the ring into the heap: in order from head, it is one
// (parents come before their children).
func (c *evenClass) toHeap() {
	h := c.heap
	copy(h, append(h[c.head:len(h):len(h)], h[:c.head]...))
	c.ring, c.head = false, 0
}

// floorSum is the sum of the floors owed in the class after t records
// (destinations owed a whole record or more: the ring's first, the heap's
// top subtrees).
func (c *evenClass) floorSum(t, d int64) int64 {
	if !c.ring {
		return c.floors(0, c.m*t, d)
	}
	var sum int64
	for j, n := 0, len(c.heap); j < n; j++ {
		x := c.heap[(c.head+j)%n].e + c.m*t
		if x < d {
			break
		}
		sum += x / d
	}
	return sum
}

// floors is the sum of the floors owed at heap position j and below it,
// each entry's carry·D being e + add.
func (c *evenClass) floors(j int, add, d int64) int64 {
	if j >= len(c.heap) || c.heap[j].e+add < d {
		return 0
	}
	return (c.heap[j].e+add)/d + c.floors(2*j+1, add, d) + c.floors(2*j+2, add, d)
}

// give adds n records for destination i, keeping touched in order.
func (es *evenSplit) give(i int32, n int64, out []int64) {
	if out[i] == 0 {
		es.touched = append(es.touched, i)
		for j := len(es.touched) - 1; j > 0 && es.touched[j-1] > i; j-- {
			es.touched[j], es.touched[j-1] = es.touched[j-1], es.touched[j]
		}
	}
	out[i] += n
}

func (c *evenClass) down(j int) {
	h := c.heap
	n := len(h)
	for {
		l := 2*j + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[r].before(h[l]) {
			m = r
		}
		if !h[m].before(h[j]) {
			return
		}
		h[j], h[m] = h[m], h[j]
		j = m
	}
}
