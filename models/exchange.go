package models

import "math"

// Exchanges between tasks, as Flink's StreamPartitioners route records:
// forward (ForwardPartitioner) keeps the subtask, rebalance
// (RebalancePartitioner) deals round-robin, keyBy (KeyGroupStreamPartitioner)
// sends a record to the subtask owning its key group, here as the key groups'
// shares of the traffic.

// emit routes k records, derived from chunk src, to the partition's channels.
func (s *Simulation) emit(p *partition, k int64, src *Chunk) {
	e := p.edge
	e.emitted += k
	p.owner.bytesOut += k * e.recordSize
	piece := *src
	piece.Records, piece.Bytes = k, k*e.recordSize
	if k != src.Records {
		piece.Partition, piece.OffsetLo, piece.OffsetHi = -1, 0, 0
	}
	switch e.exchange {
	case Forward:
		s.appendRecords(p.ch[0], piece)
	case Rebalance:
		n := int64(len(p.ch))
		each, rest := k/n, k%n
		for i := int64(0); i < n; i++ {
			c := each
			// RebalancePartitioner advances the channel before each record.
			if (i-int64(p.rr)-1+2*n)%n < rest {
				c++
			}
			s.appendPart(p.ch[i], &piece, c)
		}
		p.rr = int((int64(p.rr) + rest) % n)
	case Hash:
		if s.splitByKey(p, k) { // the destinations it reached, in order
			for _, i := range p.even.touched {
				c := p.scratch[i]
				p.scratch[i] = 0
				s.appendPart(p.ch[i], &piece, c)
			}
			return
		}
		for i, c := range p.scratch {
			if c != 0 { // most are when the chunk is small: no call, no copy
				s.appendPart(p.ch[i], &piece, c)
			}
		}
	}
}

// appendPart appends c of the piece's records to a channel; a part of a
// chunk loses its single-partition offsets.
func (s *Simulation) appendPart(ch *channel, src *Chunk, c int64) {
	if c == 0 {
		return
	}
	piece := *src
	if c != piece.Records {
		piece.Partition, piece.OffsetLo, piece.OffsetHi = -1, 0, 0
	}
	piece.Records, piece.Bytes = c, c*ch.src.edge.recordSize
	s.appendRecords(ch, piece)
}

// splitByKey divides k records among the subpartitions of a keyBy. In exact
// mode (one record per chunk) each record draws its key, as in Flink; chunks
// are split in proportion to the key-group weights, with a carry per
// subpartition so that no record is lost or invented over time. It reports
// true when the counts are in p.scratch only at p.even.touched (evensplit.go),
// false when p.scratch holds them all.
func (s *Simulation) splitByKey(p *partition, k int64) bool {
	e := p.edge
	out := p.scratch
	exact := s.spec.Sim.ChunkRecords == 1
	if s.evenSplitOn(p, k, exact) {
		if p.even.split(k, out) {
			return true
		}
		p.even.materialize(p.carry) // an excess to take back: apportion's
		p.even.active = false
	}
	clear(out)
	if exact && p.batchWeights == nil && e.to.spec.Keyed.HotPartitioner == nil {
		rng := p.owner.ops[e.from.pos].rng
		n := len(out)
		for i := int64(0); i < k; i++ {
			kg := e.to.layout.SampleKeyGroup(rng)
			out[kg*n/e.mp]++
		}
		return false
	}
	w := e.weights
	if p.batchWeights != nil {
		w = p.batchWeights
	}
	apportion(k, w, p.carry, out, p.heap)
	return false
}

// evenSplitOn reports whether p's keyBy split is done in the lazy form
// (evensplit.go), switching between it and apportion's carries as the
// weights and the chunk's size call for.
func (s *Simulation) evenSplitOn(p *partition, k int64, exact bool) bool {
	es := p.even
	small := !exact && p.batchWeights == nil && k*evenSmall < int64(len(p.carry))
	if es != nil && es.active && (!small || es.gen != s.layoutGen) {
		es.materialize(p.carry) // the weights changed, or a chunk worth apportion's pass
		es.active = false
	}
	if !small {
		if es != nil {
			es.small = 0
		}
		return false
	}
	if es == nil {
		es = &evenSplit{}
		p.even = es
	}
	if !es.active && es.refused != s.layoutGen+1 {
		if es.small++; es.small >= evenAfter {
			if es.build(p.edge.weights, p.carry, s.layoutGen) {
				clear(p.scratch) // the lazy form's counts start from zero
			} else {
				es.refused = s.layoutGen + 1
			}
		}
	}
	return es.active
}

// apportion divides k records among destinations in proportion to weights,
// carrying each destination's owed fraction to the next call, so that over
// many calls every destination gets its share to within two records (what
// it is owed stays in (-1, 2): a record handed out beyond the floors leaves
// more than -1, one taken back when the floors exceed k less than 2). No
// count is negative and the counts sum to k. heap is scratch of at least
// len(weights) entries.
func apportion(k int64, weights, carry []float64, out []int64, heap []int32) {
	var assigned int64
	for i, w := range weights {
		x := carry[i] + float64(k)*w
		n := int64(0)
		if x > 0 {
			n = int64(x)
		}
		out[i] = n
		carry[i] = x - float64(n)
		assigned += n
	}
	// Hand out the rest, one record at a time, to the destination owed most
	// (the first of equals), which then owes one less.
	if r := k - assigned; r > 0 {
		h := carryHeap{carry: carry, idx: heap[:len(carry)]}
		if r > maxTopR || !h.handTop(int(r), out) {
			h.handByHeap(int(r), out)
		}
		assigned = k
	}
	// Take back any excess (possible only through rounding) from those owed
	// least.
	for ; assigned > k; assigned-- {
		worst := -1
		for i := range carry {
			if out[i] > 0 && (worst < 0 || carry[i] < carry[worst]) {
				worst = i
			}
		}
		out[worst]--
		carry[worst]++
	}
}

// carryHeap orders destinations by carry, largest first, the lower index
// first among equals.
type carryHeap struct {
	carry []float64
	idx   []int32
}

func (h carryHeap) before(a, b int32) bool {
	ca, cb := h.carry[a], h.carry[b]
	return ca > cb || ca == cb && a < b
}

// maxTopR is the most records handTop hands out; more go through the heap.
const maxTopR = 64

// handTop hands one record each to the r destinations owed most, found in
// one pass. It is what handing them out one at a time does when the r-th
// is owed nothing negative: every carry is below 1, so one that received a
// record owes less than 0 afterwards and none is picked twice. It reports
// false, having changed nothing, when that does not hold.
func (h carryHeap) handTop(r int, out []int64) bool {
	if r > len(h.carry) {
		return false
	}
	top := h.idx[:0] // the best so far, best first
	// Indices come in order, so a later one is before the r-th only when
	// its carry is strictly larger: one comparison with a cached value.
	last := math.Inf(-1)
	for i, c := range h.carry {
		j := int32(i)
		if len(top) == r && c <= last {
			continue
		}
		if len(top) < r {
			top = append(top, j)
		}
		at := len(top) - 1
		for ; at > 0 && h.before(j, top[at-1]); at-- {
			top[at] = top[at-1]
		}
		top[at] = j
		if len(top) == r {
			last = h.carry[top[r-1]]
		}
	}
	if h.carry[top[r-1]] < 0 {
		return false
	}
	for _, j := range top {
		out[j]++
		h.carry[j]--
	}
	return true
}

// handByHeap hands out r records one at a time from a max-heap of the
// carries.
func (h carryHeap) handByHeap(r int, out []int64) {
	h.init()
	for ; r > 0; r-- {
		best := h.idx[0]
		out[best]++
		h.carry[best]--
		h.down(0)
	}
}

func (h carryHeap) init() {
	for i := range h.idx {
		h.idx[i] = int32(i)
	}
	for i := len(h.idx)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h carryHeap) down(i int) {
	n := len(h.idx)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.before(h.idx[r], h.idx[l]) {
			m = r
		}
		if !h.before(h.idx[m], h.idx[i]) {
			return
		}
		h.idx[i], h.idx[m] = h.idx[m], h.idx[i]
		i = m
	}
}
