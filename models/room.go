package models

import (
	"math"
	"slices"
)

// The room of a partition (how many records its writer may take before it
// would block, partition.room) kept up to date as channels change, so that
// a step's check costs O(log P) rather than a scan of P channels: the sum
// of the open buffers' free space, and a min-tree over the channels of
// each one's room divided by its share of the traffic. A channel's entry
// is refreshed whenever its fill, sender-side buffers or buffer size change
// (partition.touch); a change of the key layout rebuilds the tree. A
// partition of at most scanChannels channels is scanned instead.

// roomTree is a min segment tree over a partition's channels.
type roomTree struct {
	size int       // leaves, a power of two ≥ the channels
	v    []float64 // v[1] is the minimum; leaves at size+i
	gen  int       // the key layout the leaves were computed with
}

// set puts channel i's value and updates the minima above it, up to the
// first that does not change.
func (t *roomTree) set(i int, x float64) {
	k := t.size + i
	if t.v[k] == x {
		return
	}
	t.v[k] = x
	for k > 1 {
		k >>= 1
		m := min(t.v[2*k], t.v[2*k+1])
		if t.v[k] == m {
			return
		}
		t.v[k] = m
	}
}

// openSpace is the free space of c's open buffer (0 without one).
func openSpace(c *channel) int64 {
	if c.fill > 0 {
		return max(c.rpb-c.fill, 0)
	}
	return 0
}

// channelRoom is what c can take before it reaches max-buffers-per-channel,
// divided by its share of the partition's records (+Inf, left out of the
// minimum, for a channel that gets none).
func (p *partition) channelRoom(c *channel, maxPer int32) float64 {
	w := 1 / float64(len(p.ch))
	if p.edge.weights != nil {
		w = p.edge.weights[c.sub]
	}
	if w <= 0 {
		return math.MaxFloat64
	}
	return (float64(openSpace(c)) + float64(maxPer-c.sendBuf)*float64(c.rpb)) / w
}

// touch notes that c's fill, sendBuf or rpb changed: its entries are
// refreshed at the next room (a step changes a channel many times).
func (p *partition) touch(c *channel) {
	if p.tree == nil || c.roomDirty {
		return
	}
	c.roomDirty = true
	p.dirty = append(p.dirty, c.sub)
}

// refresh brings the touched channels' entries up to date.
func (p *partition) refresh() {
	t := p.tree
	for _, i := range p.dirty {
		c := p.ch[i]
		c.roomDirty = false
		o := openSpace(c)
		p.openSum += o - c.openCounted
		c.openCounted = o
		t.set(int(i), p.channelRoom(c, p.maxPer))
	}
	p.dirty = p.dirty[:0]
}

// rebuild computes every channel's entries afresh (at the first use, and
// after the key layout changed).
func (p *partition) rebuild(gen int) {
	t := p.tree
	if t == nil {
		size := 1
		for size < len(p.ch) {
			size <<= 1
		}
		t = &roomTree{size: size, v: make([]float64, 2*size)}
		p.tree = t
	}
	for i := range t.v {
		t.v[i] = math.MaxFloat64
	}
	p.openSum = 0
	p.dirty = p.dirty[:0]
	for _, c := range p.ch {
		c.roomDirty = false
		c.openCounted = openSpace(c)
		p.openSum += c.openCounted
		t.v[t.size+int(c.sub)] = p.channelRoom(c, p.maxPer)
	}
	for k := t.size - 1; k >= 1; k-- {
		t.v[k] = min(t.v[2*k], t.v[2*k+1])
	}
	t.gen = gen
	p.holding = make([]int32, p.maxPer)
	p.maxW = 1 / float64(len(p.ch))
	for _, c := range p.ch {
		if c.sendBuf < p.maxPer {
			p.holding[max(c.sendBuf, 0)]++
		}
		if p.edge.weights != nil {
			p.maxW = max(p.maxW, p.edge.weights[c.sub])
		}
	}
}

// roomShortcut turns surelyFits on; a test turns it off to show that it
// changes no output.
var roomShortcut = true

// surelyFits reports whether the partition's room is at least need
// records without refreshing it: the free buffers hold free·minRPB records
// (the open buffers' space comes on top), and every channel takes
// (maxPer − k)·minRPB records before its cap, k the most buffers a channel
// holds, so at a share of at most maxW the partition takes
// (maxPer − k)·minRPB/maxW records before any channel's cap
// (channelRoom). At a wide keyBy a step reaches a few of many
// channels, each far from its cap: the refresh of every channel written
// since the last step was most of a source's step.
func (p *partition) surelyFits(free, need float64) bool {
	if !roomShortcut || p.full > 0 || need <= 0 || free*float64(p.minRPB) < need {
		return false
	}
	k := len(p.holding) - 1
	for k > 0 && p.holding[k] == 0 {
		k--
	}
	return float64(int64(p.maxPer)-int64(k))*float64(p.minRPB)/p.maxW >= need
}

// room is the number of records this partition can take before it blocks:
// the space left in open buffers plus free buffers at each channel's buffer
// size (the smallest, for the pool shared by all), and no more than any
// channel can take before it reaches max-buffers-per-channel, at its share.
//
// Flink's writer stops after the record that takes the pool's last free
// buffer, or its channel's last under max-buffers-per-channel
// (LocalBufferPool.requestMemorySegment turns the pool unavailable as it
// hands that buffer out, and StreamTask.processInput checks the writer's
// availability before each record). On one channel that record is known:
// the open buffer's space, the buffers before the last full, and one
// record in the last (lastRecordRoom). Over several, which record of a
// step overflows its channel's buffer first depends on the keys, so the
// last buffer is counted whole there: a step may fill it (one buffer more
// than Flink's writer, at most, beside the open buffers' fills, which
// follow the keys in Flink too).
func (p *partition) room(gen int, need float64) float64 {
	e := p.edge
	free := float64(p.pool - p.used)
	if e.rpb == 0 {
		return max(free/float64(e.bpr), 1)
	}
	if len(p.ch) == 1 {
		return p.lastRecordRoom(min(free, float64(p.maxPer-p.ch[0].sendBuf)))
	}
	if len(p.ch) <= scanChannels {
		return p.roomByScan(free)
	}
	if p.tree == nil || p.tree.gen != gen {
		p.rebuild(gen)
	}
	if p.surelyFits(free, need) {
		return math.Inf(1)
	}
	p.refresh()
	pool := free*float64(p.minRPB) + float64(p.openSum)
	return min(pool, p.tree.v[1])
}

// lastRecordRoom is the room of a partition of one channel with k buffers
// it may still take: its open buffer's space, k−1 buffers full, and the
// record that takes the last (0 for k < 1: the writer is unavailable).
func (p *partition) lastRecordRoom(k float64) float64 {
	if k < 1 {
		return 0
	}
	c := p.ch[0]
	return float64(openSpace(c)) + (k-1)*float64(c.rpb) + 1
}

// scanChannels is the most channels whose room is found by a scan: for so
// few, keeping the tree costs more than it saves (measured on the
// wide-keyBy benchmarks). Both give the same value.
const scanChannels = 16

// roomByScan is room over the channels one by one.
func (p *partition) roomByScan(free float64) float64 {
	pool := free * float64(p.minRPB)
	perChannel := math.MaxFloat64
	for _, c := range p.ch {
		pool += float64(openSpace(c))
		perChannel = min(perChannel, p.channelRoom(c, p.maxPer))
	}
	return min(pool, perChannel)
}

// setMinRPB recomputes the fewest records a buffer of any of the
// partition's channels holds (after buffer debloating resized them).
func (p *partition) setMinRPB() {
	m := p.ch[0].rpb
	for _, c := range p.ch[1:] {
		m = min(m, c.rpb)
	}
	p.minRPB = m
}

// fitPool is the most records, up to n, that the partition's channels
// certainly take with its free buffers: room counts the pool's space in
// records, but every channel a step reaches may open a buffer for a few
// of them. Flink's writer stops at the record where the pool runs out
// (RecordWriter waits for LocalBufferPool's availability between records),
// so a step takes no more. n is kept without a look at the channels when
// it could not need more buffers than are free even if every channel it
// reached opened one more, or when n ≤ free (a record smaller than a
// buffer opens at most one). Else the most that fit is searched for
// between free (which fits) and n (which does not) by halving, to within
// 1/32 of the answer: a few passes over the channels. fits is monotone in
// the records, so where fitThreshold finds the largest count that fits,
// each halving compares with it instead of counting (the same answer).
func (p *partition) fitPool(n float64) float64 {
	free := float64(p.pool - p.used)
	if p.edge.rpb > 0 && len(p.ch) == 1 {
		return min(n, max(p.lastRecordRoom(free), 1)) // the record that takes the last buffer is known (room)
	}
	if p.edge.rpb == 0 || n <= max(free, 1) || n/float64(p.minRPB)+min(float64(len(p.ch)), n) <= free {
		return n
	}
	t, known := p.fitThreshold(free)
	fits := func(m int64) bool {
		if known {
			return m <= t
		}
		return p.fits(m, free)
	}
	lo, hi := math.Floor(max(free, 1)), math.Floor(n)
	if fits(int64(hi)) {
		return hi
	}
	for range fitPasses {
		if hi-lo <= max(1, lo/32) {
			break
		}
		m := math.Floor((lo + hi) / 2)
		if fits(int64(m)) {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// thresholdChannels is the most channels fitThreshold sorts the open
// buffers' space of; beyond, fitPool halves with fits, which stops
// counting at the free buffers.
const thresholdChannels = 64

// fitPasses bounds fitPool's halvings (2^-16 of the range at most).
const fitPasses = 16

// fits reports whether n records, spread over the channels by their
// weights, take at most free new buffers: a channel's share is at most two
// records above its weight (apportion's carry), and what exceeds its open
// buffer's space takes whole buffers. A record smaller than a buffer opens
// at most one, so n ≤ free always fits. The count stops once it exceeds
// free: fitPool's halvings call this for every candidate.
func (p *partition) fits(n int64, free float64) bool {
	if float64(n) <= free {
		return true
	}
	limit := int64(free)
	if limit < 0 {
		return false
	}
	ws := p.edge.weights
	even := 1 / float64(len(p.ch))
	fn := float64(n)
	var need int64
	for _, c := range p.ch {
		w := even
		if ws != nil {
			w = ws[c.sub]
		}
		if w <= 0 {
			continue
		}
		share := min(n, int64(math.Ceil(fn*w))+2)
		if over := share - openSpace(c); over > 0 {
			if need += ceilDiv(over, c.rpb); need > limit {
				return false
			}
		}
	}
	return true
}

// ceilDiv is ⌈a/b⌉ for a, b > 0, in 32 bits when both fit: a 64-bit
// division takes several times as long, and fits divides once per
// channel in each of fitPool's halvings.
func ceilDiv(a, b int64) int64 {
	if a < 1<<31 && b < 1<<31 {
		return int64((uint32(a) + uint32(b) - 1) / uint32(b))
	}
	return (a + b - 1) / b
}

// fitThreshold is the largest record count that fits (fits(t) and not
// fits(t+1)) when every channel with a share has the same weight and
// buffer size, found without a search: all channels then want the same
// share s of a step, and a channel with o records of space in its open
// buffer needs a new buffer at each share o + k·rpb (k ≥ 0) it exceeds.
// At most free buffers are needed while s is at most the (free+1)-th
// smallest of those points, o_i + q·rpb for q = free / channels and o_i
// the (free mod channels)-th smallest space (every space is below rpb).
// The count is the largest whose share stays within it. The result is
// checked with fits on both sides; known is false when it does not hold
// or the weights or buffer sizes differ (fitPool then halves with fits).
func (p *partition) fitThreshold(free float64) (t int64, known bool) {
	limit := int64(free)
	if limit < 0 || len(p.ch) > thresholdChannels {
		return 0, false
	}
	w := 1 / float64(len(p.ch))
	ws := p.edge.weights
	r := p.ch[0].rpb
	// The spaces go straight into the partition's scratch, which keeps its
	// storage when the weights turn out to differ (a keyBy whose key
	// groups do not divide evenly asks on every step).
	p.spaces = p.spaces[:0]
	for _, c := range p.ch {
		if ws != nil {
			if ws[c.sub] <= 0 {
				continue
			}
			if len(p.spaces) == 0 {
				w = ws[c.sub]
			} else if ws[c.sub] != w {
				return 0, false
			}
		}
		if c.rpb != r {
			return 0, false
		}
		p.spaces = append(p.spaces, openSpace(c))
	}
	sp := p.spaces
	if len(sp) == 0 || r <= 0 {
		return 0, false
	}
	slices.Sort(sp)
	k := int64(len(sp))
	share := sp[limit%k] + (limit/k)*r
	// The share of m records is min(m, ⌈m·w⌉+2): at most share for every
	// m ≤ share, and beyond it while ⌈m·w⌉ ≤ share-2.
	t = max(share, int64(math.Floor(free)))
	if c := float64(share - 2); c >= 0 && c/w < 1<<52 {
		// m·w ≤ c, up to the rounding of m·w: the estimate and its
		// neighbours (the check below catches anything else).
		m := int64(c / w)
		for range 2 {
			if m > 0 && math.Ceil(float64(m)*w) > c {
				m--
			}
		}
		for range 2 {
			if math.Ceil(float64(m+1)*w) <= c {
				m++
			}
		}
		t = max(t, m)
	}
	if !p.fits(t, free) || p.fits(t+1, free) {
		return 0, false
	}
	return t, true
}

// outputSurelyShort reports, without a look at the channels, what
// readKafka's check of the output room would find: that a source with
// available records readable is backpressured, its output taking less
// than a minimum step and fewer than those records. A partition's room
// is at most its free buffers and one open buffer per channel, at the
// edge's buffer size (a debloated channel's is smaller). A source with
// buffers freed one at a time by its receivers asks again at each, and
// most times this settles it.
func (s *Simulation) outputSurelyShort(st *subtask, available int64) bool {
	least := s.minStep(st)
	if least < 2 {
		return false
	}
	for _, p := range st.parts {
		g := p.edge.from.gain
		if g <= 0 || p.edge.rpb == 0 {
			continue
		}
		most := float64((int64(max(p.pool-p.used, 0))+int64(len(p.ch)))*p.edge.rpb) / g
		if most < float64(least) && float64(available) > max(1, most) {
			return true
		}
	}
	return false
}

// outputRoom is how many records, up to want, the chain's head may take
// before one of its outputs blocks (partition.room: the space left in open
// buffers plus the free pool buffers, capped per subpartition by
// max-buffers-per-channel, up to the record that takes the last free
// buffer, on one channel), converted back through the chain's
// selectivities (headRoom); whole is the same with that last buffer
// counted whole, the space a step waits for (minStep). fitRoom then
// bounds the step actually taken.
func (s *Simulation) outputRoom(st *subtask, want int64) (room, whole int64) {
	if len(st.parts) == 0 {
		return want, want // a chain that ends in sinks: inlined
	}
	r, w := float64(want), float64(want)
	for _, p := range st.parts {
		if p.edge.from.gain > 0 {
			pr, pw := p.headRoom(p.room(s.layoutGen, w*p.edge.from.gain)) // w ≥ r: both as exact
			r, w = min(r, pr), min(w, pw)
		}
	}
	return records(r), records(w)
}

// headRoom converts out, records the partition's writer takes, into
// records of its chain's head (at the gain of the node that writes them),
// and whole, the same with the last buffer counted whole. Over several
// channels room already counts it whole. On one channel, out ends with the
// record that takes the last free buffer: Flink's task processes an input
// record while one buffer is free, its outputs running on into that buffer
// (StreamTask.processInput checks the writer's availability between input
// records, not between a record's outputs), so the head takes the record
// whose outputs reach it (⌈out/gain⌉). A window or mini-batch operator
// emits when it fires, not per record: it takes input while a buffer is
// free, bounded by the buffer counted whole as before.
func (p *partition) headRoom(out float64) (room, whole float64) {
	g := p.edge.from.gain
	if len(p.ch) != 1 || p.edge.rpb == 0 || out <= 0 {
		return out / g, out / g
	}
	whole = (out + float64(p.minRPB-1)) / g
	if p.edge.from.onFire {
		return whole, whole
	}
	return math.Ceil(out / g), whole
}

// records is a room in whole records, at least one.
func records(room float64) int64 {
	if room >= math.MaxInt64/2 {
		return math.MaxInt64
	}
	return max(1, int64(room))
}

// fitRoom bounds a step of n records to what the outputs' free buffers
// certainly hold (fitPool); a step of one record opens one buffer at most.
func (s *Simulation) fitRoom(st *subtask, n int64) int64 {
	if n <= 1 {
		return n
	}
	room := float64(n)
	for _, p := range st.parts {
		g := p.edge.from.gain
		switch {
		case g <= 0:
		case len(p.ch) == 1 && p.edge.rpb > 0:
			r, _ := p.headRoom(p.fitPool(room * g))
			room = min(room, r)
		default:
			room = min(room, p.fitPool(math.Floor(room*g))/g)
		}
	}
	return max(1, int64(room))
}
