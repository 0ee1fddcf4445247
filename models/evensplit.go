package models

import (
	"math"
	"slices"
)

// The keyBy split (KeyGroupStreamPartitioner's routing, in expectation:
// exchange.go's apportion) when every subpartition has the same weight 1/D
// with D a power of two: keys equally likely over the key groups and
// parallelism and max parallelism powers of two (each subtask owns
// max-parallelism/parallelism key groups). apportion's arithmetic is then
// exact, its carries all multiples of 1/D, so it can be done in integers
// (units of 1/D) and lazily: a call adds k/D to every carry, the same for
// all, so the carries' order does not change and each is kept as carry·D
// less the records split so far, in a max-heap by (carry, lower index
// first). A chunk of k records then costs the destinations it reaches,
// O(log P) each, rather than a pass over all P subpartitions: at P = 256 a
// source step of a few records went through 256 weights. The counts and
// carries are apportion's bit for bit (TestEvenSplitMatchesApportion).
//
// Starting from equal carries, the destination given a record falls to the
// end of that order (its carry drops by 1, below every other), so the
// split deals round-robin: while that holds, the heap is kept as a sorted
// ring and a record costs a rotation; the first time it does not, the ring
// becomes a heap.
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
	d    int64       // 1/weight
	t    int64       // records split since the heap was built
	heap []evenEntry // max-heap by (e, lower index first), or while ring that order from head on
	ring bool
	head int
	gen  int // the key layout it was built for (Simulation.layoutGen)
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

// A chunk of k records is split here when k·evenSmall is below the
// subpartitions (fewer than half of them get a record; else apportion's
// pass costs no more), and the form is built after evenAfter such chunks
// in a row (so that a run of large and small chunks does not rebuild it at
// each).
const (
	evenSmall = 2
	evenAfter = 4
)

// evenEntry is a destination: e is its carry·D less t.
type evenEntry struct {
	e int64
	i int32
}

// evenRebase is how large t grows before it is folded into the entries.
const evenRebase = 1 << 40

func (a evenEntry) before(b evenEntry) bool { return a.e > b.e || a.e == b.e && a.i < b.i }

// build makes the lazy form of a partition's carries, and reports false
// when its weights are not all 1/D for a power of two D, or a carry is not
// a multiple of 1/D.
func (es *evenSplit) build(weights, carry []float64, gen int) bool {
	if len(weights) == 0 || len(weights) != len(carry) {
		return false
	}
	w := weights[0]
	if w <= 0 || w > 1 {
		return false
	}
	frac, exp := math.Frexp(w) // w = frac·2^exp; a power of two has frac 0.5
	if frac != 0.5 || exp < -30 {
		return false
	}
	d := int64(1) << uint(1-exp)
	for _, x := range weights {
		if x != w {
			return false
		}
	}
	h := es.heap[:0]
	for i, c := range carry {
		u := c * float64(d) // exact: a power of two
		if u != math.Trunc(u) || math.Abs(u) >= 1<<40 {
			return false
		}
		h = append(h, evenEntry{e: int64(u), i: int32(i)})
	}
	slices.SortFunc(h, func(a, b evenEntry) int {
		if a.before(b) {
			return -1
		}
		return 1 // no two are equal: their indices differ
	})
	*es = evenSplit{d: d, gen: gen, heap: h, ring: true, active: true, touched: es.touched[:0]}
	return true
}

// materialize writes the carries back as apportion keeps them.
func (es *evenSplit) materialize(carry []float64) {
	for _, en := range es.heap {
		carry[en.i] = float64(en.e+es.t) / float64(es.d)
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
	t := es.t + k                         // carry·D + k = e + t now: every destination owes k/D more
	if top := es.top(); top.e+t >= es.d { // some floors
		if es.floorSum(t) > k {
			return false
		}
		for top.e+t >= es.d {
			n := (top.e + t) / es.d
			es.give(top.i, n, out)
			es.replaceTop(top.e - n*es.d)
			top = es.top()
		}
	}
	var assigned int64
	for _, i := range es.touched {
		assigned += out[i]
	}
	// The rest one at a time to the destination owed most, the first of
	// equals (apportion's handTop and handByHeap).
	for r := k - assigned; r > 0; r-- {
		top := es.top()
		es.give(top.i, 1, out)
		es.replaceTop(top.e - es.d)
	}
	es.t = t
	if es.t > evenRebase {
		for j := range es.heap {
			es.heap[j].e += es.t
		}
		es.t = 0
	}
	return true
}

// top is the destination owed most.
func (es *evenSplit) top() evenEntry {
	if es.ring {
		return es.heap[es.head]
	}
	return es.heap[0]
}

// replaceTop gives the destination owed most the carry e (lower): to the
// ring's end when that keeps its order, else into the heap.
func (es *evenSplit) replaceTop(e int64) {
	h := es.heap
	if es.ring {
		n := len(h)
		nw := evenEntry{e: e, i: h[es.head].i}
		if n == 1 || h[(es.head+n-1)%n].before(nw) {
			h[es.head] = nw
			if es.head++; es.head == n {
				es.head = 0
			}
			return
		}
		es.toHeap()
	}
	h[0].e = e
	es.down(0)
}

// toHeap turns the ring into the heap: in order from head, it is one
// (parents come before their children).
func (es *evenSplit) toHeap() {
	h := es.heap
	copy(h, append(h[es.head:len(h):len(h)], h[:es.head]...))
	es.ring, es.head = false, 0
}

// floorSum is the sum of the floors owed (destinations owed a whole record
// or more: the ring's first, the heap's top subtrees).
func (es *evenSplit) floorSum(t int64) int64 {
	if !es.ring {
		return es.floors(0, t)
	}
	var sum int64
	for j, n := 0, len(es.heap); j < n; j++ {
		x := es.heap[(es.head+j)%n].e + t
		if x < es.d {
			break
		}
		sum += x / es.d
	}
	return sum
}

// floors is the sum of the floors owed at heap position j and below it.
func (es *evenSplit) floors(j int, t int64) int64 {
	if j >= len(es.heap) || es.heap[j].e+t < es.d {
		return 0
	}
	return (es.heap[j].e+t)/es.d + es.floors(2*j+1, t) + es.floors(2*j+2, t)
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

func (es *evenSplit) down(j int) {
	h := es.heap
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
