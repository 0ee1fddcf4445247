package models

import (
	"math/bits"

	"github.com/flinksim/flinksim/sim"
)

// Flink's network stack at buffer granularity, with credit-based flow control
// (Flink ≥ 1.5):
//
//   - A sender subtask writes records into one open buffer per subpartition
//     (channel; BufferBuilder) and finishes it only when it is full or an
//     event (a barrier) follows. The output flusher
//     (execution.buffer-timeout.interval, or after every record when that is
//     0) does not finish it: it requests a flush (PipelinedSubpartition.flush),
//     and once the reader has taken every finished buffer ahead of the open
//     one, it takes a slice of what was written so far (BufferConsumer.build),
//     for a remote channel only against a credit, like any buffer. The writer
//     keeps appending to the same buffer. Under backpressure there is no
//     credit, nothing is sliced, and queued buffers fill to the segment size.
//   - A sender's output pool holds at most subpartitions × buffers-per-channel
//     + floating-buffers-per-gate buffers, and one subpartition at most
//     max-buffers-per-channel. The writer is available only while the pool has
//     a free buffer and no subpartition is at its cap (LocalBufferPool); a
//     subtask whose writer is unavailable does not start another record: it is
//     backpressured.
//   - A remote channel delivers a finished buffer only against a credit: one
//     of its exclusive buffers (buffers-per-channel) or a floating buffer of the
//     receiver's gate (floating-buffers-per-gate), handed to waiting channels in
//     FIFO order. Delivery frees the sender's buffer. A local channel (same
//     TaskManager) has no credits: the receiver reads the sender's buffers,
//     which stay in the sender's pool until consumed.
//   - The receiver holds a buffer until it has processed its records; the
//     first buffers of a record larger than a buffer only until it has
//     copied them (spanning.go).
//
// With a network latency (Network.Latency) buffers and barriers arrive, and
// freed credits reach the sender, that much later (arrive, creditArrives);
// without one a buffer with credit arrives at once.

// channel is one (sender subpartition → receiver input channel) pair.
// The fields touched for every buffer come first, in its first 128 bytes
// (a partition's channels are allocated together: deployPartitions); at
// parallelism 256 an exchange has 65,536 channels, and a buffer's cost is
// mostly the cache lines of its channel it misses.
type channel struct {
	q ring[Chunk] // finished buffers and slices, oldest first; the first `delivered` are at the receiver

	delivered int32 // remote: finished chunks sent to the receiver (the last `transit` still on the wire)
	transit   int32 // remote: sent chunks that have not arrived yet (network latency)
	creditLag int32 // remote: exclusive buffers the receiver freed whose credit has not reached the sender
	sendBuf   int32 // buffers held in the sender's pool (open + undelivered or unconsumed)
	recvBuf   int32 // receiver buffers held (exclusive + floating)
	floatHeld int32 // floating buffers among recvBuf

	local     bool
	queued    bool // listed in dst.avail
	waiting   bool // listed in dst.waiters (wants a floating buffer)
	blocked   bool // aligning: its barrier was read, the others are awaited
	roomDirty bool // listed in src.dirty
	// flushReq: the flusher asked for the open buffer's records; they are
	// sliced off once the reader has taken everything ahead of them.
	flushReq bool
	// apart: the receiver is a window operator, and the open buffer keeps
	// records far apart in event time in segments (openbuf.go): segs are
	// the open buffer's earlier ones, open its newest
	apart bool

	fill     int64 // records written into the open buffer, slices included (0: no open buffer)
	rpb      int64 // records a buffer of this channel holds (the edge's, or fewer when debloated)
	inflight int64 // records in open and q
	wm       wmark // the watermark the receiver has taken from this channel
	wmSent   wmark // the highest watermark the sender has put on this channel
	src      *partition
	dst      *gate

	open Chunk // records in the open buffer not yet sliced off for the receiver

	sub int32 // subpartition index at the sender
	idx int32 // input-channel index at the receiver
	gid int32 // remote: index in Simulation.remote, for arrival and credit events

	// parked is output the writer could not get a buffer for in the middle
	// of a step (its pool and overdraft used up): the task is blocked until
	// it is written. Rare, so kept out of line (nil: none).
	parked *Chunk

	barrierSeen int64 // the newest checkpoint whose barrier the receiver read
	// persist is the unaligned checkpoint whose snapshot the receiver has
	// taken while this channel's barrier is still to come: every buffer
	// that reaches the receiver is persisted until it does (0: none).
	persist int64

	openCounted int64 // openSpace as last counted in src.openSum
	// trailWM is a watermark written behind the channel's trailLeft
	// records still to be taken (broadcastWatermark; none: noWatermark)
	trailWM   wmark
	trailLeft int64
	segs      []Chunk
	// span is the bytes of a record larger than a buffer that the
	// receiver's deserializer has gathered from its first buffers, its
	// last still to come (spanning.go).
	span int64
}

// parkedRecords is the number of records parked on the channel.
func (c *channel) parkedRecords() int64 {
	if c.parked == nil {
		return 0
	}
	return c.parked.Records
}

// readable is the number of finished buffers the receiver may read.
func (c *channel) readable() int {
	if c.local {
		return c.q.Len()
	}
	return int(c.delivered - c.transit)
}

// partition is a sender subtask's output for one job edge.
type partition struct {
	owner *subtask
	edge  *edge
	ch    []*channel
	pool  int32 // buffers in the local pool
	used  int32 // Σ ch.sendBuf
	peak  int32 // the most used at once (checked against pool + overdraft)
	full  int32 // subpartitions at or above max-buffers-per-channel

	maxPer int32 // max-buffers-per-channel
	minRPB int64 // the fewest records a buffer of its channels holds
	// tree and openSum keep room's parts as channels change (room.go).
	tree    *roomTree
	openSum int64
	dirty   []int32 // channels touched since the last room
	// holding[k] counts the channels holding k < maxPer buffers, and maxW
	// is the largest share of records a channel gets: with them a step
	// that surely fits skips the refresh (room.go: surelyFits). Kept from
	// the tree's rebuild on.
	holding []int32
	maxW    float64

	rr    int       // rebalance: last channel sent to
	carry []float64 // keyBy: records owed to each subpartition
	// batchWeights, while a mini-batch is emitted, are the shares of its
	// aggregates per subpartition (its keys, not the stream's).
	batchWeights []float64
	scratch      []int64
	spaces       []int64 // fitThreshold's scratch
	heap         []int32 // apportion's scratch
	// even is carry in a lazy form when the weights and chunks allow it
	// (evensplit.go; carry is stale while it is active).
	even *evenSplit
	// pending has a bit per channel that may hold records or buffers not
	// yet at the receiver (set as they are written, cleared lazily by
	// flushAll), so the flusher visits only those.
	pending []uint64
}

// mark notes that c may hold something for the flusher.
func (p *partition) mark(c *channel) { p.pending[c.sub>>6] |= 1 << (c.sub & 63) }

func (p *partition) available() bool { return p.used < p.pool && p.full == 0 }

// addSend changes a channel's sender-side buffer count.
func (p *partition) addSend(c *channel, d int32, maxPer int32) {
	was := c.sendBuf >= maxPer
	if p.holding != nil && !was {
		p.holding[c.sendBuf]--
	}
	c.sendBuf += d
	if p.holding != nil && c.sendBuf < maxPer {
		p.holding[max(c.sendBuf, 0)]++
	}
	p.used += d
	p.peak = max(p.peak, p.used)
	if is := c.sendBuf >= maxPer; is != was {
		if is {
			p.full++
		} else {
			p.full--
		}
	}
	p.touch(c)
}

// gate is a receiver subtask's input for one job edge.
type gate struct {
	owner      *subtask
	edge       *edge
	ch         []*channel
	avail      ring[int32] // channels with readable buffers, in arrival order
	waiters    ring[int32] // remote channels waiting for a floating buffer
	floatUsed  int32
	remote     int32        // number of remote channels
	remoteHeld int32        // Σ recvBuf over remote channels
	capacity   int32        // remote × exclusive + floating (0 without remote channels)
	debloat    *debloatGate // nil unless buffer debloating is on
	floatLag   int32        // floating buffers returned whose credit is still on its way
	// exclusive is each remote channel's exclusive buffers and floating the
	// floating pool's size (GateBuffersSpec: buffers-per-channel and
	// floating-buffers-per-gate, unless read-buffer.required-per-gate.max
	// takes from the one to give to the other; netbuffers.go).
	exclusive, floating int32
}

// appendRecords writes records into a channel's open buffer, finishing
// buffers as they fill. The piece's watermark follows its last record: a
// part of it that leaves ahead carries the channel's previous one.
func (s *Simulation) appendRecords(c *channel, piece Chunk) {
	p := c.src
	e := p.edge
	p.mark(c)
	c.inflight += piece.Records
	prev := c.wmSent
	c.wmSent = max(c.wmSent, piece.WM)
	maxPer := int32(s.spec.Network.MaxBuffersPerChannel)
	if e.rpb == 0 {
		// Records larger than a buffer: each spans e.bpr buffers, taken
		// while the pool and its overdraft have them (or, for a record
		// larger than both, while nothing else is held), queued as one
		// chunk that deliver sends buffer by buffer (spanning.go).
		for piece.Records > 0 {
			if p.used > 0 && s.outOfBuffers(p, e.bpr) {
				s.park(c, &piece)
				return
			}
			one := piece
			if piece.Records > 1 {
				one = piece.Take(1)
				one.WM = prev
			} else {
				piece.Records = 0
			}
			one.Buffers = e.bpr
			p.addSend(c, e.bpr, maxPer)
			c.q.Push(one)
			s.finished(c)
		}
		return
	}
	for piece.Records > 0 {
		if c.fill == 0 {
			if s.outOfBuffers(p, 1) {
				s.park(c, &piece)
				return
			}
			p.addSend(c, 1, maxPer) // a new buffer is taken from the pool
		}
		if c.open.Records == 0 {
			s.armFlush(p.owner)
		}
		space := c.rpb - c.fill
		if space <= 0 { // the buffer size was cut below what it holds
			c.open.Buffers = 1
			s.finishOpen(c)
			continue
		}
		if piece.Records < space {
			c.fill += piece.Records
			s.openAbsorb(c, &piece)
			p.touch(c)
			return
		}
		// The open buffer is full and leaves, together with the whole buffers
		// of the piece that follow it, as one chunk of up to maxChunkBuffers:
		// Flink sends every full buffer at once, and one chunk for several
		// keeps the event count independent of the data rate.
		extra := min((piece.Records-space)/c.rpb, int64(s.maxChunkBuffers-1))
		// No more than the pool and its overdraft can give: a step sized by
		// room may still need a buffer more per channel it reaches.
		extra = min(extra, max(0, int64(p.pool)+int64(s.spec.Network.OverdraftPerGate)-int64(p.used)))
		n := space + extra*c.rpb
		if n == piece.Records {
			s.openAbsorb(c, &piece)
			piece.Records = 0
		} else {
			var head Chunk
			piece.takeInto(n, &head)
			head.WM = prev
			s.openAbsorb(c, &head)
		}
		p.addSend(c, int32(extra), maxPer)
		c.open.Buffers = 1 + int32(extra)
		s.finishOpen(c)
	}
}

// finished is called when a channel has a new finished buffer at its tail.
func (s *Simulation) finished(c *channel) {
	if c.local {
		s.notifyReadable(c, c.q.Back().Records)
		return
	}
	s.deliver(c)
}

// deliver sends finished buffers of a remote channel while it has credit,
// one buffer per credit: exclusive credits first, then the gate's floating
// buffers. A delivered chunk is readable at once.
func (s *Simulation) deliver(c *channel) {
	g := c.dst
	p := c.src
	maxPer := int32(s.spec.Network.MaxBuffersPerChannel)
	lat := s.latency
	var sent, bytes int64
	arrived := false
	k := int64(0) // chunks put on the wire
	for int(c.delivered) < c.q.Len() {
		head := c.q.At(int(c.delivered))
		freeExcl, freeFloat := s.credits(c)
		if isSegment(head) { // they go with the buffer after them (openbuf.go)
			n, r, b := s.sendSegments(c, freeExcl, freeFloat)
			if n == 0 {
				c.waitCredit()
				break
			}
			sent, bytes, k, arrived = sent+r, bytes+b, k+n, true
			continue
		}
		need := head.Buffers
		take, wait := s.sendTake(c, head, freeExcl, freeFloat)
		if wait {
			c.waitCredit()
			break
		}
		if take < need { // the first take buffers' records, or a record's first buffers
			var part Chunk
			if k := head.Records * int64(take) / int64(need); k == 0 {
				part = splitPartial(head, take)
			} else {
				part = head.Take(k)
				part.Buffers = take
				head.Buffers -= take
			}
			c.q.InsertAt(int(c.delivered), part)
			head = c.q.At(int(c.delivered))
		}
		fromFloat := min(max(take-freeExcl, 0), freeFloat)
		c.recvBuf += take
		c.floatHeld += fromFloat
		g.floatUsed += fromFloat
		g.remoteHeld += take
		p.addSend(c, -take, maxPer)
		sent += head.Records
		bytes += head.Bytes
		c.delivered++
		arrived = true
		k++
		if head.Barrier != 0 {
			s.barrierSent(c, head)
		}
		if c.persist != 0 && lat == 0 {
			s.persistArrived(c, head)
		}
	}
	if int(c.delivered) == c.q.Len() && c.flushReq {
		if n, r, b := s.sliceRemote(c); n > 0 {
			sent, bytes = sent+r, bytes+b
			arrived = true
			k += int64(n)
		}
	}
	if !arrived {
		return
	}
	countNet(p.owner, resOut, bytes) // a remote shuffle: out of one TaskManager,
	countNet(g.owner, resIn, bytes)  // into another
	if lat > 0 {
		// On the wire for the network latency (evArrive).
		c.transit += int32(k)
		s.eng.After(lat, evArrive, c.gid, stamp(p.owner, k))
	} else {
		s.notifyReadable(c, sent) // a barrier carries no records but must be read too
	}
	s.markReady(p.owner) // its pool has room again
}

// credits is what a remote channel may send now: its free exclusive
// credits and the gate's free floating buffers, less those freed whose
// credit announcement is still on its way to the sender.
func (s *Simulation) credits(c *channel) (excl, floating int32) {
	g := c.dst
	excl = max(g.exclusive-(c.recvBuf-c.floatHeld)-c.creditLag, 0)
	floating = g.floating - g.floatUsed - g.floatLag
	return excl, floating
}

// sendTake is how many buffers' credit chunk head, next on remote channel
// c, takes now, or wait when it waits for more.
func (s *Simulation) sendTake(c *channel, head *Chunk, freeExcl, freeFloat int32) (take int32, wait bool) {
	g := c.dst
	need := head.Buffers
	take = min(need, freeExcl+freeFloat)
	if take < need && c.recvBuf == 0 && c.creditLag == 0 && (freeExcl+freeFloat == 0 || (need > g.exclusive+g.floating && head.Records >= int64(need))) {
		// Nothing is held on this channel and no credit is free, or a
		// chunk of records no larger than a buffer needs more buffers
		// than the channel could ever be credited: take the buffers
		// anyway, so that it still makes progress.
		take = need
	}
	// A chunk of several buffers sends as many of them as there is
	// credit for, its records split in proportion: Flink's sender writes
	// a buffer for each credit it is given
	// (CreditBasedSequenceNumberingViewReader.getNextBuffer), so a free
	// credit is never left waiting for a second; a record spanning
	// buffers too, its first ones ahead (spanning.go).
	return take, take == 0 && need > 0 // a barrier needs no credit
}

// waitCredit lists a remote channel among its gate's waiters for a
// floating buffer.
func (c *channel) waitCredit() {
	if !c.waiting {
		c.waiting = true
		c.dst.waiters.Push(c.idx)
	}
}

// arrive: k chunks sent a network latency ago reach the receiver, in order
// (RemoteInputChannel.onBuffer); what arrives after an unaligned snapshot
// and before the channel's barrier is persisted.
func (s *Simulation) arrive(c *channel, k int32) {
	k = min(k, c.transit)
	first := int(c.delivered - c.transit)
	var records int64
	for j := first; j < first+int(k); j++ {
		ch := c.q.At(j)
		records += ch.Records
		if c.persist != 0 {
			s.persistArrived(c, ch)
		}
	}
	c.transit -= k
	s.notifyReadable(c, records)
}

// creditArrives: the receiver's announcement of e exclusive and f floating
// credits reaches the sender a network latency after it freed them
// (AddCredit), and the sender sends what they allow.
func (s *Simulation) creditArrives(c *channel, e, f int32) {
	g := c.dst
	c.creditLag -= e
	g.floatLag -= f
	if f > 0 {
		s.serveWaiters(g)
	}
	s.deliver(c)
}

// serveWaiters hands freed floating buffers to the channels waiting for
// one, each once, in FIFO order. A channel whose next buffers still want
// more credit than is free goes back to the end of the line, as deliver
// would put it, without the call (a freed buffer otherwise tries them all).
func (s *Simulation) serveWaiters(g *gate) {
	for n := g.waiters.Len(); n > 0 && g.floatUsed+g.floatLag < g.floating; n-- {
		i := g.waiters.Pop()
		w := g.ch[i]
		if s.stillWaits(w) {
			g.waiters.Push(i)
			continue
		}
		w.waiting = false
		s.deliver(w)
	}
}

// stillWaits reports whether deliver would send nothing on remote channel
// c and list it among the waiters again: its next undelivered chunk, not
// a segment, waits for more credit than is free (sendTake).
func (s *Simulation) stillWaits(c *channel) bool {
	if int(c.delivered) >= c.q.Len() {
		return false
	}
	head := c.q.At(int(c.delivered))
	if isSegment(head) {
		return false
	}
	freeExcl, freeFloat := s.credits(c)
	_, wait := s.sendTake(c, head, freeExcl, freeFloat)
	return wait
}

// notifyReadable tells a receiver that records became readable on c.
func (s *Simulation) notifyReadable(c *channel, records int64) {
	if !c.queued && !c.blocked && c.readable() > 0 {
		c.queued = true
		c.dst.avail.Push(c.idx)
	}
	c.dst.owner.readable += records
	s.watermarkArrived(c)
	s.markReady(c.dst.owner)
}

// release returns the buffers of a processed chunk.
func (s *Simulation) release(c *channel, b int32) {
	if b == 0 && !c.local {
		return // a segment of a buffer (openbuf.go): its last one holds it
	}
	p := c.src
	if c.local {
		p.addSend(c, -b, int32(s.spec.Network.MaxBuffersPerChannel))
		s.markReady(p.owner)
		return
	}
	g := c.dst
	c.recvBuf -= b
	g.remoteHeld -= b
	// Floating buffers go back to the gate first, exclusive ones stay.
	f := min(c.floatHeld, b)
	c.floatHeld -= f
	g.floatUsed -= f
	if lat := s.latency; lat > 0 {
		// The credit reaches the sender a network latency later.
		c.creditLag += b - f
		g.floatLag += f
		s.eng.After(lat, evCredit, c.gid, stamp(c.src.owner, int64(b-f)<<16|int64(f)))
		return
	}
	if f > 0 {
		s.serveWaiters(g)
	}
	s.deliver(c)
}

// flushInterval is how often partly filled buffers are sent: Flink's buffer
// timeout, or the chunk delay (the simulator's time resolution) when that is
// coarser, since receivers do not look more often than that in chunked mode.
func (s *Simulation) flushInterval() sim.Time {
	to := s.spec.Network.BufferTimeout
	if s.spec.Sim.ChunkRecords != 1 && to > 0 && s.spec.Sim.ChunkDelay > to {
		return s.spec.Sim.ChunkDelay
	}
	return to
}

// armFlush schedules the subtask's output flusher at its next tick. A
// watermark waiting to go out leaves at Flink's buffer timeout when the
// flusher's interval is coarser (watermarkdue.go).
func (s *Simulation) armFlush(st *subtask) {
	to := s.flushInterval()
	if to <= 0 {
		return
	}
	now := s.eng.Now()
	at := s.nextFlush(st, now)
	if bt := s.spec.Network.BufferTimeout; bt > 0 && bt < to && st.wm.out > st.wm.sent {
		phase := st.flushPhase % bt
		at = min(at, sim.Add(phase, ((now-phase)/bt+1)*bt))
	}
	if when, armed := s.eng.ArmedAt(st.flush); armed && when <= at {
		return
	}
	s.eng.Arm(st.flush, at, evFlush, st.id, 0)
}

// nextFlush is the subtask's next flusher tick after at: its first,
// flushPhase, or the next on the grid from it (the flusher interval must
// be positive).
func (s *Simulation) nextFlush(st *subtask, at sim.Time) sim.Time {
	to := s.flushInterval()
	next := st.flushPhase
	if at >= next {
		next = sim.Add(st.flushPhase, ((at-st.flushPhase)/to+1)*to)
	}
	return next
}

// flushAll is the output flusher firing (OutputFlusher, or after every
// record with a buffer timeout of 0): every channel with records in its open
// buffer requests a flush, served when the reader reaches them.
func (s *Simulation) flushAll(st *subtask) {
	s.broadcastWatermark(st)
	for _, p := range st.parts {
		for w, word := range p.pending {
			for ; word != 0; word &= word - 1 {
				b := bits.TrailingZeros64(word)
				c := p.ch[w<<6|b]
				undelivered := c.q.Len() > int(c.delivered)
				if c.local {
					undelivered = c.q.Len() > 0
				}
				if c.open.Records == 0 && !undelivered {
					p.pending[w] &^= 1 << b
					continue
				}
				c.flushReq = true
				if c.local {
					s.sliceLocal(c)
					s.watermarkArrived(c) // flushed behind what the reader has not taken
				} else {
					s.deliver(c)
				}
			}
		}
	}
}
