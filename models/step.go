package models

import (
	"math"

	"github.com/flinksim/flinksim/sim"
)

// A step: how a subtask takes input (Kafka splits for a source, readable
// buffers for the others; StreamTask's mailbox loop with its input
// processors), runs it through its chain of operators (OperatorChain), and
// finishes: counts, outputs, sink latency, a pending source snapshot.
// A subtask steps only while its record writer is available: the
// availability check Flink makes before every record.

// tryStart starts the next step if the subtask can: output available (else it
// is backpressured) and input available (else it is idle). A step takes as
// many records as the output can absorb before the writer would block, so a
// chunk behaves as Flink's record-by-record loop, which checks availability
// before every record.
func (s *Simulation) tryStart(st *subtask) {
	now := s.eng.Now()
	if st.dead || st.region.state != regionRunning {
		return
	}
	if st.stalled > 0 && !s.unpark(st) {
		st.setState(now, stHardBackPressured) // blocked mid-record: no input, no barrier
		return
	}
	s.resumeSnapshot(st)
	if !st.busy {
		s.takePendingTrigger(st)
	}
	for !st.busy {
		if st.stalled > 0 {
			// The step just finished blocked mid-record (park.go): a step
			// that took no time must not read on past it.
			st.setState(now, stHardBackPressured)
			return
		}
		// Unaligned barriers are read even by a backpressured task.
		if len(st.ck.priority) > 0 || st.ck.switchNow {
			s.handlePriority(st)
			if st.busy {
				return
			}
		}
		if !st.outputAvailable() {
			st.setState(now, stBackPressured)
			return
		}
		if refusedToStart(st) {
			return // it fails as it initializes (twophase.go: sinkStarted)
		}
		if s.outageBlocks(st) {
			// A source reads nothing; a sink's write does not return.
			if st.t.nodes[0].spec.Kind == KindSource {
				st.setState(now, stIdle)
			} else {
				st.setState(now, stBusy)
			}
			return
		}
		took, blocked := s.takeInput(st)
		if !took && !blocked && !st.busy && st.in.Records == 0 && st.wm.dirty {
			if st.ops[0].win != nil {
				took, st.cur = true, Chunk{} // the watermark rose without records: fire what is due
			} else {
				// A watermark alone is still processed and forwarded
				// (AbstractStreamOperator.processWatermark emits it), with
				// no records to wait for.
				s.advanceWatermark(st)
			}
		}
		if !took {
			switch {
			case blocked:
				st.setState(now, stBackPressured)
			case !st.busy: // not in a sync phase a barrier started
				st.setState(now, stIdle)
			}
			return
		}
		st.setState(now, stBusy)
		st.setBusy(true)
		d := s.process(st)
		if d > 0 {
			s.startStep(st, d)
			return
		}
		s.finishStep(st)
	}
}

// takeInput puts the next records to process into st.cur: as many as the
// output can absorb (outputRoom), computed only when there is input. In
// chunked mode a step waits (backpressured) until the output's space, its
// last free buffer counted whole, holds at least a quarter of a chunk, so
// that freeing one buffer does not start a step of a few records on every
// channel; the step then stops where Flink's writer would, at the record
// that takes the last free buffer.
func (s *Simulation) takeInput(st *subtask) (took, blocked bool) {
	if st.t.nodes[0].kind == KindSource { // a reader without partitions stays idle
		return s.readKafka(st)
	}
	if st.in.Records == 0 && !s.gatherInput(st) {
		return false, false
	}
	limit := int64(1) // exact mode: one record per step, as Flink processes them
	if s.spec.Sim.ChunkRecords != 1 {
		target := s.stepTarget(st)
		var whole int64
		limit, whole = s.outputRoom(st, max(st.in.Records, target))
		if whole < s.minStep(st) && st.in.Records > limit {
			return false, true
		}
		// What is left of the last step's input, short of what the output
		// takes now, is topped up from the readable buffers, so that a step
		// after a freed output buffer fills it (the writer's record that
		// takes its last buffer left the rest of a chunk behind). Not while
		// a watermark taken with that input waits for it to be processed
		// (advanceWatermark): read past, it would wait for those records too,
		// and behind a full output for ever.
		for st.in.Records < min(limit, target) && !st.busy && !st.wm.dirty {
			if s.takeBuffer(st) != tookData {
				break
			}
		}
		// a slow chain's step spans at most a sample interval
		limit = s.fitRoom(st, min(limit, st.t.stepCap))
	}
	switch {
	case st.in.Records <= limit:
		st.cur = st.in
		st.in.Records = 0
	case limit == 1 && s.spec.Sim.ChunkRecords == 1:
		st.in.takeFirstRecord(&st.cur) // records written one by one: the first is at the chunk's start
	default:
		st.cur = st.in.Take(limit)
	}
	if s.spec.Sim.ChunkRecords == 1 {
		s.recycle(st, st.cur.Records)
	} else {
		// The buffers emptied before the chunk's last record go back now;
		// the one holding it (the buffer being read) as the step ends,
		// when that record is deserialized and processed.
		s.recycle(st, st.cur.Records-1)
		st.recycleAtEnd = 1
	}
	return true, false
}

// recycle releases the input buffers whose records a step has just taken
// (n records, oldest first): Flink recycles a buffer once its last record
// is deserialized, before that record is processed
// (SpillingAdaptiveSpanningRecordDeserializer, AbstractStreamTaskNetworkInput),
// and its credit goes back to the sender then: in exact mode as the step
// of that record starts; in chunked mode the buffers emptied before a
// chunk's last record as its step starts, the one holding that record as
// the step ends (released at the start, its credit let the sender put up
// to a buffer more ahead of a barrier than Flink's pool holds). Of a chunk
// spanning several buffers, the buffers its first n records fill are
// released.
func (s *Simulation) recycle(st *subtask, n int64) {
	done := 0
	for _, h := range st.held {
		if n <= 0 {
			break
		}
		if h.records <= n {
			n -= h.records
			s.release(h.c, h.b)
			done++
			continue
		}
		h := &st.held[done]
		if k := int32(n * int64(h.b) / h.records); k > 0 {
			s.release(h.c, k)
			h.b -= k
		}
		h.records -= n
		break
	}
	st.held = st.held[:copy(st.held, st.held[done:])]
}

// minStep is the smallest step worth starting when the output is what limits
// it: a quarter of a chunk, and at most a quarter of what the outputs hold.
func (s *Simulation) minStep(st *subtask) int64 {
	if s.spec.Sim.ChunkRecords == 1 {
		return 1 // exact mode, at every step: inlined
	}
	return s.minChunkStep(st)
}

func (s *Simulation) minChunkStep(st *subtask) int64 {
	var target int64
	if len(st.splits) > 0 {
		target = s.chunkRecords(st.t.nodes[0])
	} else {
		target = s.stepTarget(st)
	}
	return max(1, min(target, st.outputCapacity)/4)
}

// stepTarget is how many records a subtask gathers for one step: the
// chunk size if set, else one input buffer's worth; never more than half
// of what its input buffers can hold (a sender keeps an open buffer, and
// credits are shared), so that it does not wait for records that flow
// control cannot let through.
func (s *Simulation) stepTarget(st *subtask) int64 {
	target := max(st.gates[0].ch[0].rpb, 1)
	if c := s.spec.Sim.ChunkRecords; c > 0 {
		target = c
	}
	return max(1, min(target, st.inputCapacity/2))
}

// upstreamBlocked reports whether a sender feeding st is backpressured: it
// cannot send more, so waiting for a fuller chunk would only stall. A gate
// of any exchange but forward reads every subtask of the sending task, so
// the task's count answers without a scan of its channels.
func upstreamBlocked(st *subtask) bool {
	for _, g := range st.gates {
		if g.edge.exchange != Forward {
			if g.edge.from.task.blocked > 0 {
				return true
			}
			continue
		}
		for _, c := range g.ch {
			if c.src.owner.sendsNothing() {
				return true
			}
		}
	}
	return false
}

// gatherInput takes readable buffers, round-robin over gates and, within a
// gate, over channels in the order data arrived, until it holds a step's
// worth of records. An idle subtask with less than that readable waits up to
// chunk-delay for more (in exact mode the target is one record: no wait),
// unless what is readable raises its watermark (watermarkdue.go).
func (s *Simulation) gatherInput(st *subtask) bool {
	s.takePartials(st) // a record's first buffers are copied as they come
	target := s.stepTarget(st)
	if st.readable < target && !st.gathered && s.spec.Sim.ChunkDelay > 0 && !st.wm.due && !s.barrierReadable(st) && !upstreamBlocked(st) {
		if st.readable > 0 && !s.eng.Armed(st.gather) {
			s.eng.Arm(st.gather, sim.Add(s.eng.Now(), s.spec.Sim.ChunkDelay), evGather, st.id, 0)
		}
		return false
	}
	for st.in.Records < target && !st.busy {
		if s.takeBuffer(st) == tookNothing {
			break
		}
	}
	if st.in.Records == 0 || st.busy {
		return false
	}
	st.gathered = false
	s.eng.Disarm(st.gather)
	return true
}

// What takeBuffer did.
const (
	tookNothing = iota
	tookData
	tookBarrier
)

// barrierReadable reports whether a barrier waits at the head of a
// readable channel (it is handled at once, not gathered).
func (s *Simulation) barrierReadable(st *subtask) bool {
	if s.coord == nil || st.barriersQueued == 0 {
		return false
	}
	// A readable channel that is not blocked is listed in its gate's avail.
	for _, g := range st.gates {
		for i := 0; i < g.avail.Len(); i++ {
			c := g.ch[*g.avail.At(i)]
			if c.readable() > 0 && c.q.Front().Barrier != 0 && !c.blocked {
				return true
			}
		}
	}
	return false
}

// takeBuffer moves the next readable chunk into st.in and holds its buffers.
// A barrier is handled, not taken, and only once the data gathered so far
// has been processed (records before a barrier are processed before it).
func (s *Simulation) takeBuffer(st *subtask) int {
	n := len(st.gates)
	for k := 0; k < n; k++ {
		g := st.gates[(st.nextGate+k)%n]
		for g.avail.Len() > 0 {
			ci := g.avail.Pop()
			c := g.ch[ci]
			if c.blocked || c.readable() == 0 {
				c.queued = false
				continue
			}
			if c.q.Front().Barrier != 0 {
				if st.in.Records > 0 {
					g.avail.PushFront(ci)
					return tookNothing
				}
				b := c.q.Pop()
				st.barriersQueued--
				if !c.local {
					c.delivered--
				} else {
					s.barrierSent(c, &b) // a local channel's barrier leaves as it is read
				}
				c.queued = false
				s.handleBarrier(st, c, b)
				if !c.blocked && !c.queued && c.readable() > 0 {
					c.queued = true
					g.avail.Push(ci)
				}
				return tookBarrier
			}
			if isPartial(c.q.Front()) { // a record's first buffers, copied and recycled (spanning.go)
				s.takePartial(st, c)
				s.requeue(g, c, ci)
				return tookData
			}
			if st.in.Records > 0 && st.ops[0].win != nil && !s.eventNear(&st.in, c.q.Front()) {
				g.avail.PushFront(ci) // a step's records lie close in event time (windows.go)
				return tookNothing
			}
			st.nextGate = (st.nextGate + k + 1) % n
			chunk := c.q.Pop()
			s.learnWatermark(st, c, chunk.WM)
			if !c.local {
				c.delivered--
			}
			c.inflight -= chunk.Records
			s.tookRecords(st, c, chunk.Records)
			g.edge.consumed += chunk.Records
			s.countRead(st, g, chunk.Bytes)
			st.readable -= chunk.Records
			if c.local && c.persist != 0 { // a local receiver persists what it reads
				s.persistArrived(c, &chunk)
			}
			if c.local {
				s.sliceLocal(c) // the reader reached the open buffer
			}
			if g.edge.rpb == 0 { // records span buffers: the record's first buffers' bytes (spanning.go)
				chunk.Bytes, c.span = chunk.Bytes+c.span, 0
			}
			st.in.Absorb(&chunk)
			st.held = append(st.held, heldBuffer{c, chunk.Buffers, chunk.Records})
			s.requeue(g, c, ci)
			return tookData
		}
	}
	return tookNothing
}

// readKafka reads up to a chunk (and at most limit records) from the
// subtask's partitions, round-robin. With less than a chunk readable, an idle
// source waits until its oldest readable record has waited chunk-delay.
func (s *Simulation) readKafka(st *subtask) (took, blocked bool) {
	if st.poisoned {
		return false, false // its reader threw at a poison record: it fails
	}
	now := s.eng.Now()
	target := s.readTarget(st, now)
	var available, furthest int64
	polls := false // a split not paused: its consumer fetches (lagmax.go)
	for _, p := range st.splits {
		p.advance(now)
		if p.alignPaused {
			continue
		}
		polls = true
		available += p.lag()
		furthest = max(furthest, p.lag())
	}
	if available == 0 {
		consumerFetch(st, now, polls, 0) // nothing to fetch
		next := sim.Never
		for _, p := range st.splits {
			if !p.alignPaused {
				next = min(next, p.nextReady())
			}
		}
		if next != sim.Never && !s.deferRead(st, now, 0, next) {
			s.eng.Arm(st.wake, s.idleWake(st, max(next, now)), evSourceWake, st.id, 0)
		}
		return false, false
	}
	if s.outputSurelyShort(st, available) {
		return false, true
	}
	limit, whole := s.outputRoom(st, s.readNeed(st, available, target))
	if whole < s.minStep(st) && available > limit {
		return false, true
	}
	// Short of a step, an idle source waits, unless something looks at
	// what it has read (catchUp).
	short := available < min(target, limit) && !st.catchingUp
	consumerFetch(st, now, short, 0) // its consumer has fetched what it gathers
	if short && s.deferRead(st, now, available, now) {
		return false, false
	}
	if short && target > 1 && !st.atPoison() && sim.Add(oldestUnread(st), s.spec.Sim.ChunkDelay) > now {
		wake := sim.Add(oldestUnread(st), s.spec.Sim.ChunkDelay)
		if at, ok := roomFilled(st, limit, available); ok {
			wake = min(wake, at) // an event-time reader reads as its output fills (deferread.go)
		}
		s.eng.Arm(st.wake, wake, evSourceWake, st.id, 0)
		return false, false
	}
	st.cur = Chunk{}
	if s.readSplits(st, s.fitRoom(st, min(target, limit, available))) && st.cur.Records == 0 {
		s.readPoison(st) // the next record is a poison record: the reader throws
		return false, false
	}
	countNet(st, resIn, st.cur.Bytes) // read from Kafka over the network
	consumerFetch(st, now, true, max(furthest-st.cur.Records, 0))
	return st.cur.Records > 0, false
}

// readNeed is how much of a source's output room readKafka asks for: up
// to what a decision there compares it with (a room and a whole above
// available, target and the least step decide as the exact ones do), the
// exact room for an event-time reader, whose wake (roomFilled) reads it;
// not target alone, as a step may be below a quarter chunk.
func (s *Simulation) readNeed(st *subtask, available, target int64) int64 {
	if !roomShortcut || len(st.splits) > 0 && st.splits[0].room > 0 {
		return math.MaxInt64
	}
	return max(available, target, s.minStep(st))
}

// readSplits reads up to want records into st.cur from the subtask's
// splits, round robin from nextSplit. A reader stops at a poison record it
// can read: the records before it are this step's, and it reports
// reaching it; the next step starts at its split, where the reader fails
// before it reads another (Flink's SourceReaderBase hands a fetch's records
// one by one to KafkaRecordEmitter, whose deserializer throws at it, in the
// task's thread, after the records before it were emitted).
func (s *Simulation) readSplits(st *subtask, want int64) (poisoned bool) {
	head := st.t.nodes[0]
	n := len(st.splits)
	// Round robin from nextSplit, wrapping without a division: a step reads
	// one record in exact mode, so this loop runs once per record.
	i := st.nextSplit
	for k := 0; k < n && want > 0; k++ {
		p, at := st.splits[i], i
		if i++; i == n {
			i = 0
		}
		if p.alignPaused {
			continue
		}
		lim := want
		if p.poison >= p.read {
			lim = min(want, p.poison-p.read)
		}
		if lim > 0 {
			got := p.take(lim, head.spec.RecordSize, &st.cur, s.eventGap())
			want -= got
			s.sawRecords(st, p, got, p.evHi)
		}
		if p.read == p.poison && p.lag() > 0 {
			st.nextSplit = at
			return true
		}
	}
	if st.nextSplit++; st.nextSplit == n {
		st.nextSplit = 0
	}
	return false
}

// process runs the chunk through the task's chain and returns the CPU time.
func (s *Simulation) process(st *subtask) sim.Time {
	secs, io := 0.0, 0.0 // CPU work, and time waiting on the sink's system
	// The chain's slices in locals, cut to its length: the compiler would
	// reload each from st, and check its bounds, at every use (this loop
	// runs once per record in exact mode).
	nodes := st.t.nodes
	ins, outs, ops := st.nin[:len(nodes)], st.nout[:len(nodes)], st.ops[:len(nodes)]
	fired := false
	for pos, rt := range nodes {
		nin := st.cur.Records
		if pos > 0 {
			nin = outs[rt.parent]
		}
		ins[pos] = nin
		op := &ops[pos]
		if op.win != nil {
			// A window operator heads its chain (it follows a keyBy):
			// it takes the step's records into windows, then fires
			// what the watermark makes due, and its results go on
			// through the operators chained to it.
			if nin > 0 {
				if rt.cost != nil {
					secs += rt.cost.SumOf(nin, op.rng)
				}
				secs += s.fireSeconds(op, s.assign(st, rt, op.win, nin, &st.cur, st.wm.out))
				s.windowStateGrew(st)
			}
			secs += s.stepWatermark(st, pos, secs)
			fired = true
			continue
		}
		if nin == 0 {
			outs[pos] = 0
			continue
		}
		if rt.cost != nil {
			secs += rt.cost.SumOf(nin, op.rng)
		}
		switch rt.kind {
		case KindSource:
			outs[pos] = nin
		case KindSink:
			io += rt.sinkSeconds(nin)
			outs[pos] = 0
		case KindOperator:
			sel := rt.selectivity
			outs[pos] = int64(float64(op.selIn+nin)*sel) - int64(float64(op.selIn)*sel)
			op.selIn += nin
		}
	}
	if !fired {
		s.advanceWatermark(st)
	}
	// Only the CPU work waits for its share of the cores (resources.go;
	// re-timed if that share changes while it runs: retime.go).
	st.step.cpu = secs
	secs *= st.slow
	st.cpuTime += secs
	secs += io
	if st.lsm == nil {
		return sim.FromSeconds(secs)
	}
	// RocksDB's write stalls and a full changelog hold the step's writes.
	return sim.Add(max(sim.FromSeconds(secs), s.slowedWrites(st, s.stateBytesPut(st))), s.blockedWrites(st))
}

// finishStep releases the input buffer, counts records, emits the outputs and
// records sink latency.
func (s *Simulation) finishStep(st *subtask) {
	now := s.eng.Now()
	st.setBusy(false)
	if n := st.recycleAtEnd; n > 0 {
		st.recycleAtEnd = 0
		s.recycle(st, n)
	}
	nodes := st.t.nodes // in locals, as in process
	ins, outs, ops := st.nin[:len(nodes)], st.nout[:len(nodes)], st.ops[:len(nodes)]
	for pos, rt := range nodes {
		op, nin := &ops[pos], ins[pos]
		op.in += nin
		if rt.keyed {
			op.stateRecs += nin
		}
		if rt.miniBatch {
			s.batchIn(st, pos, outs[pos])
			continue
		}
		op.out += outs[pos]
		if rt.kind == KindSink && nin > 0 {
			s.sinkTook(rt, st, op.sw, now, nin, s.stepOut(st))
			countNet(st, resOut, nin*rt.inRecordSize) // written to the external system
		}
	}
	if st.lsm != nil {
		s.put(st, s.stateBytesPut(st))
	}
	st.cur.WM = st.wm.out // the watermark follows the records written before it
	for _, p := range st.parts {
		from := p.edge.from
		if k := st.nout[from.pos]; k > 0 && !from.miniBatch {
			s.emitStep(st, p, k)
		}
	}
	if s.spec.Network.BufferTimeout == 0 {
		s.flushAll(st)
	}
	s.takePendingTrigger(st)
}
