package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"strconv"

	"github.com/flinksim/flinksim/sim"
)

// Event kinds.
const (
	evStepDone       sim.Kind = iota // a subtask finished processing a chunk
	evSourceWake                     // records became readable for an idle source
	evFlush                          // the output flusher of a subtask fired
	evSample                         // sample metrics
	evGather                         // an idle subtask's wait for input is over
	evSyncDone                       // a subtask's checkpoint sync phase ended
	evCkptTrigger                    // the periodic checkpoint trigger
	evCkptTimeout                    // a checkpoint's timeout
	evCkptComplete                   // a checkpoint's metadata is written
	evAlignedTimeout                 // aligned-checkpoint-timeout of a checkpoint
	evStorage                        // checkpoint storage: transfers progressed
	evRestart                        // the restart delay is over
	evDeployed                       // the tasks are deployed again
	evDetect                         // a lost TaskManager is noticed
	evFailure                        // an injected failure
	evKeyPhase                       // a key population changes (a hot key comes or goes)
	evBatchFlush                     // a mini-batch's interval is over
	evCkptInjected                   // an injected failure fails checkpoint Arg (Actor: the failure)
)

// Simulation is one run of one job. It is not safe for concurrent use; run
// many Simulations in parallel instead.
type Simulation struct {
	spec    Spec
	eng     *sim.Engine
	streams sim.Streams

	nodes      []*nodeRT
	tasks      []*task
	subtasks   []*subtask
	edges      []*edge
	kafka      []*kafkaPartition
	kafkaOwner []*nodeRT
	totalTMs   int

	readyQ []int32

	// maxChunkBuffers is the most buffers one chunk in a channel may span.
	maxChunkBuffers int32

	rec *recorder

	// Checkpointing and recovery (nil / unused when checkpointing is off).
	coord      *coordinator
	storage    *storage
	restarter  restarter
	failRng    *rand.Rand
	job        jobState
	attempt    int64 // execution attempt: events of earlier ones are ignored
	restarts   int
	failures   []FailureEvent
	injected   []InjectedFailureSummary // by index in spec.Failures
	tmLost     []bool
	tmBack     []sim.Time // when a lost TaskManager's replacement is ready
	restoring  int        // state downloads still running
	downSince  sim.Time
	downtime   sim.Time
	duplicated int64 // records sinks wrote again after a restore
	layoutGen  int   // bumped when key layouts change
	replayed   int64 // records sources read again after a restore
}

// New validates spec and builds the job's runtime.
func New(spec Spec) (*Simulation, error) {
	if spec.Duration <= 0 {
		return nil, fmt.Errorf("duration must be positive")
	}
	if spec.Sim.SampleInterval <= 0 {
		spec.Sim.SampleInterval = 5 * sim.Second
	}
	s := &Simulation{spec: spec, eng: sim.NewEngine(), streams: sim.NewStreams(spec.Seed)}
	nw := spec.Network
	// A chunk spans at most what a channel can hold; deliver splits it when
	// credit is short.
	s.maxChunkBuffers = int32(max(1, min(nw.BuffersPerChannel+nw.FloatingPerGate, nw.MaxBuffersPerChannel)))
	if err := s.build(); err != nil {
		return nil, err
	}
	s.rec = newRecorder(s)
	s.tmLost = make([]bool, s.totalTMs)
	s.tmBack = make([]sim.Time, s.totalTMs)
	s.failRng = s.streams.Stream("failures")
	s.injected = make([]InjectedFailureSummary, len(spec.Failures))
	for i, f := range spec.Failures {
		s.injected[i].Kind = f.Kind.String()
	}
	s.restarter = newRestarter(spec.Restart, s.streams.Stream("restart"))
	if spec.Checkpointing != nil {
		s.coord = newCoordinator(s, spec.Checkpointing)
		s.storage = newStorage(s, spec.Checkpointing.Storage)
	}
	return s, nil
}

// Engine exposes the event engine (for progress reporting).
func (s *Simulation) Engine() *sim.Engine { return s.eng }

// Run simulates the whole duration and returns the results. progress, if not
// nil, is called every few virtual minutes with the virtual time reached. A
// run that breaks an invariant returns its results with an error wrapping
// ErrInvariant; other errors come with no results.
func (s *Simulation) Run(progress func(now sim.Time)) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, &InternalError{Value: r, At: s.eng.Now(), Stack: debug.Stack()}
		}
	}()
	for _, st := range s.subtasks {
		s.markReady(st)
	}
	s.drain()
	s.eng.At(s.spec.Sim.SampleInterval, evSample, 0, 0)
	if s.coord != nil {
		s.coord.start()
	}
	s.scheduleFailures()
	s.scheduleKeyPhases()
	step := max(s.spec.Duration/200, sim.Second)
	for t := sim.Time(0); t < s.spec.Duration; {
		t = min(t+step, s.spec.Duration)
		s.eng.Run(t, s)
		if progress != nil {
			progress(t)
		}
	}
	if err := s.checkInvariants(); err != nil {
		// The outputs of a run that breaks an invariant help to find the bug.
		res := s.rec.result()
		res.Summary.InvariantViolation = err.Error()
		return res, err
	}
	return s.rec.result(), nil
}

// InternalError is a bug in the simulator caught during a run (a panic),
// so that one run failing does not take down others running beside it.
type InternalError struct {
	Value any
	At    sim.Time
	Stack []byte
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error at virtual time %s (a bug in flinksim; please report it with the scenario): %v", e.At, e.Value)
}

// Handle dispatches one event.
func (s *Simulation) Handle(e *sim.Engine, ev sim.Event) {
	switch ev.Kind {
	case evStepDone:
		st := s.subtasks[ev.Actor]
		if _, ok := s.current(ev.Arg); !ok || st.dead {
			break // the task was cancelled
		}
		s.finishStep(st)
		s.markReady(st)
	case evSyncDone:
		st := s.subtasks[ev.Actor]
		id, ok := s.current(ev.Arg)
		if !ok || st.dead || st.syncing != id {
			break
		}
		st.busy, st.syncing = false, 0
		if p := s.coord.find(id); p != nil {
			s.afterSync(st, p)
		}
		s.markReady(st)
	case evCkptTrigger:
		s.coord.onTrigger()
	case evCkptTimeout:
		s.coord.expire(ev.Arg)
	case evCkptComplete:
		s.coord.complete(ev.Arg)
	case evAlignedTimeout:
		s.alignedTimeout(ev.Arg)
	case evStorage:
		s.storage.handle()
	case evRestart:
		if _, ok := s.current(ev.Arg); ok {
			s.restart()
		}
	case evDeployed:
		if _, ok := s.current(ev.Arg); ok {
			s.deployed()
		}
	case evDetect:
		if _, ok := s.current(ev.Arg); ok {
			s.failover("TaskManager " + strconv.Itoa(int(ev.Actor)) + " lost (heartbeat timeout)")
		}
	case evFailure:
		s.injectFailure(int(ev.Actor), ev.Arg)
	case evCkptInjected:
		s.failCheckpointInjected(int(ev.Actor), ev.Arg)
	case evBatchFlush:
		st := s.subtasks[ev.Actor]
		if _, ok := s.current(ev.Arg); ok && !st.dead {
			s.flushBatch(st)
		}
	case evKeyPhase:
		s.layoutGen++
		for _, rt := range s.nodes {
			if rt.spec.Keyed != nil {
				rt.relayout(e.Now())
			}
		}
	case evSourceWake:
		s.markReady(s.subtasks[ev.Actor])
	case evFlush:
		s.flushAll(s.subtasks[ev.Actor])
	case evGather:
		st := s.subtasks[ev.Actor]
		st.gathered = true
		s.markReady(st)
	case evSample:
		s.rec.sample()
		if next := sim.Add(e.Now(), s.spec.Sim.SampleInterval); next <= s.spec.Duration {
			e.At(next, evSample, 0, 0)
		}
	}
	s.drain()
}

// markReady queues a subtask to look for work once the current event is done.
// Queueing instead of calling avoids re-entering a subtask from its own step.
func (s *Simulation) markReady(st *subtask) {
	if !st.ready && !st.busy {
		st.ready = true
		s.readyQ = append(s.readyQ, st.id)
	}
}

func (s *Simulation) drain() {
	for i := 0; i < len(s.readyQ); i++ {
		st := s.subtasks[s.readyQ[i]]
		st.ready = false
		s.tryStart(st)
	}
	s.readyQ = s.readyQ[:0]
}

// tryStart starts the next step if the subtask can: output available (else it
// is backpressured) and input available (else it is idle). A step takes as
// many records as the output can absorb before the writer would block, so a
// chunk behaves as Flink's record-by-record loop, which checks availability
// before every record.
func (s *Simulation) tryStart(st *subtask) {
	now := s.eng.Now()
	if st.dead || s.job != jobRunning {
		return
	}
	for !st.busy {
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
		took, blocked := s.takeInput(st)
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
		st.busy = true
		d := s.process(st)
		if d > 0 {
			s.eng.After(d, evStepDone, st.id, s.stamp(0))
			return
		}
		s.finishStep(st)
	}
}

// outputRoom is how many records the chain's head may take before one of
// its outputs would need a buffer it cannot get: the space left in open
// buffers plus the free pool buffers, capped per subpartition by
// max-buffers-per-channel, converted back through the chain's selectivities.
func (s *Simulation) outputRoom(st *subtask) int64 {
	room := math.Inf(1)
	maxPer := int32(s.spec.Network.MaxBuffersPerChannel)
	for _, p := range st.parts {
		g := p.edge.from.gain
		if g <= 0 {
			continue
		}
		room = min(room, p.room(maxPer)/g)
	}
	if room >= math.MaxInt64/2 {
		return math.MaxInt64
	}
	return max(1, int64(room))
}

// room is the number of records this partition can take before it blocks.
func (p *partition) room(maxPer int32) float64 {
	e := p.edge
	free := float64(p.pool - p.used)
	if e.rpb == 0 {
		return max(free/float64(e.bpr), 1)
	}
	rpb := float64(e.rpb)
	if len(p.ch) == 1 {
		c := p.ch[0]
		open := 0.0
		if c.open.Records > 0 {
			open = rpb - float64(c.open.Records)
		}
		return open + min(free, float64(maxPer-c.sendBuf))*rpb
	}
	pool := free * rpb
	perChannel := math.MaxFloat64
	w := 1 / float64(len(p.ch))
	for j, c := range p.ch {
		open := 0.0
		if c.open.Records > 0 {
			open = rpb - float64(c.open.Records)
		}
		pool += open
		if p.edge.weights != nil {
			w = p.edge.weights[j]
		}
		if w > 0 {
			perChannel = min(perChannel, (open+float64(maxPer-c.sendBuf)*rpb)/w)
		}
	}
	return min(pool, perChannel)
}

// takeInput puts the next records to process into st.cur: as many as the
// output can absorb (outputRoom), computed only when there is input. In
// chunked mode a step waits (backpressured) until the output can take at
// least a quarter of a chunk, so that freeing one buffer does not start a
// step of a few records on every channel.
func (s *Simulation) takeInput(st *subtask) (took, blocked bool) {
	if st.t.nodes[0].spec.Kind == KindSource { // a reader without partitions stays idle
		return s.readKafka(st)
	}
	if st.in.Records == 0 && !s.gatherInput(st) {
		return false, false
	}
	limit := s.outputRoom(st)
	if limit < s.minStep(st) && st.in.Records > limit {
		return false, true
	}
	if st.in.Records <= limit {
		st.cur = st.in
		st.in.Records = 0
	} else {
		st.cur = st.in.Take(limit)
	}
	return true, false
}

// minStep is the smallest step worth starting when the output is what limits
// it: a quarter of a chunk, and at most a quarter of what the outputs hold.
func (s *Simulation) minStep(st *subtask) int64 {
	if s.spec.Sim.ChunkRecords == 1 {
		return 1
	}
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
	e := st.t.nodes[0].ins[0]
	target := max(e.rpb, 1)
	if c := s.spec.Sim.ChunkRecords; c > 0 {
		target = c
	}
	return max(1, min(target, st.inputCapacity/2))
}

// upstreamBlocked reports whether a sender feeding st is backpressured: it
// cannot send more, so waiting for a fuller chunk would only stall.
func upstreamBlocked(st *subtask) bool {
	for _, g := range st.gates {
		for _, c := range g.ch {
			if o := c.src.owner; o.state == stBackPressured && !o.busy {
				return true
			}
		}
	}
	return false
}

// gatherInput takes readable buffers, round-robin over gates and, within a
// gate, over channels in the order data arrived, until it holds a step's
// worth of records. An idle subtask with less than that readable waits up to
// chunk-delay for more (in exact mode the target is one record: no wait).
func (s *Simulation) gatherInput(st *subtask) bool {
	target := s.stepTarget(st)
	if st.readable < target && !st.gathered && s.spec.Sim.ChunkDelay > 0 && !s.barrierReadable(st) && !upstreamBlocked(st) {
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
	if s.coord == nil {
		return false
	}
	for _, g := range st.gates {
		for _, c := range g.ch {
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
				if !c.local {
					c.delivered--
				}
				c.queued = false
				s.handleBarrier(st, c, b)
				if !c.blocked && !c.queued && c.readable() > 0 {
					c.queued = true
					g.avail.Push(ci)
				}
				return tookBarrier
			}
			st.nextGate = (st.nextGate + k + 1) % n
			chunk := c.q.Pop()
			if !c.local {
				c.delivered--
			}
			c.inflight -= chunk.Records
			g.edge.consumed += chunk.Records
			st.readable -= chunk.Records
			if s.spec.Checkpointing != nil && s.spec.Checkpointing.AtLeastOnce && st.ck.got > 0 && !st.ck.inputDone {
				if p := s.coord.find(st.ck.id); p != nil {
					p.subs[st.id].processed += chunk.Bytes // processed during alignment
				}
			}
			st.in.Absorb(&chunk)
			st.held = append(st.held, heldBuffer{c, chunk.Buffers})
			if c.readable() > 0 {
				g.avail.Push(ci)
			} else {
				c.queued = false
			}
			return tookData
		}
	}
	return tookNothing
}

// readKafka reads up to a chunk (and at most limit records) from the
// subtask's partitions, round-robin. With less than a chunk readable, an idle
// source waits until its oldest readable record has waited chunk-delay.
func (s *Simulation) readKafka(st *subtask) (took, blocked bool) {
	now := s.eng.Now()
	head := st.t.nodes[0]
	target := s.chunkRecords(head)
	var available int64
	oldest := sim.Never
	for _, p := range st.splits {
		p.advance(now)
		available += p.lag()
		if p.lag() > 0 {
			oldest = min(oldest, p.log.At(p.readIdx).Ready)
		}
	}
	if available == 0 {
		next := sim.Never
		for _, p := range st.splits {
			next = min(next, p.nextReady())
		}
		if next != sim.Never {
			s.eng.Arm(st.wake, max(next, now), evSourceWake, st.id, 0)
		}
		return false, false
	}
	limit := s.outputRoom(st)
	if limit < s.minStep(st) && available > limit {
		return false, true
	}
	if available < min(target, limit) && sim.Add(oldest, s.spec.Sim.ChunkDelay) > now && target > 1 {
		s.eng.Arm(st.wake, sim.Add(oldest, s.spec.Sim.ChunkDelay), evSourceWake, st.id, 0)
		return false, false
	}
	want := min(target, limit)
	st.cur = Chunk{}
	n := len(st.splits)
	for k := 0; k < n && want > 0; k++ {
		p := st.splits[(st.nextSplit+k)%n]
		want -= p.take(want, head.spec.RecordSize, &st.cur)
	}
	st.nextSplit = (st.nextSplit + 1) % n
	return st.cur.Records > 0, false
}

// process runs the chunk through the task's chain and returns the CPU time.
func (s *Simulation) process(st *subtask) sim.Time {
	secs := 0.0
	for pos, rt := range st.t.nodes {
		nin := st.cur.Records
		if pos > 0 {
			nin = st.nout[rt.parent]
		}
		st.nin[pos] = nin
		if nin == 0 {
			st.nout[pos] = 0
			continue
		}
		op := &st.ops[pos]
		if rt.spec.Cost != nil {
			secs += rt.spec.Cost.SumOf(nin, op.rng)
		}
		switch rt.spec.Kind {
		case KindSource:
			st.nout[pos] = nin
		case KindSink:
			secs += float64(nin)*rt.sinkSecPerRecord + float64(nin*rt.inRecordSize)*rt.sinkSecPerByte
			st.nout[pos] = 0
		default:
			sel := rt.spec.Selectivity
			st.nout[pos] = int64(float64(op.selIn+nin)*sel) - int64(float64(op.selIn)*sel)
			op.selIn += nin
		}
	}
	return sim.FromSeconds(secs * s.storage.slowdown(st.tm))
}

// finishStep releases the input buffer, counts records, emits the outputs and
// records sink latency.
func (s *Simulation) finishStep(st *subtask) {
	now := s.eng.Now()
	st.busy = false
	if st.in.Records == 0 && len(st.held) > 0 {
		for _, h := range st.held {
			s.release(h.c, h.b)
		}
		st.held = st.held[:0]
	}
	for pos, rt := range st.t.nodes {
		op := &st.ops[pos]
		op.in += st.nin[pos]
		if rt.spec.Keyed != nil {
			op.stateRecs += st.nin[pos]
		}
		if rt.spec.MiniBatch != nil {
			s.batchIn(st, pos, st.nout[pos])
			continue
		}
		op.out += st.nout[pos]
		if rt.spec.Kind == KindSink && st.nin[pos] > 0 {
			s.rec.sunk(rt, st, now, st.nin[pos], &st.cur)
			s.sinkWrote(st, st.nin[pos])
		}
	}
	for _, p := range st.parts {
		if k := st.nout[p.edge.from.pos]; k > 0 && p.edge.from.spec.MiniBatch == nil {
			s.emit(p, k, &st.cur)
		}
	}
	if s.spec.Network.BufferTimeout == 0 {
		s.flushAll(st)
	}
	if id := st.ck.trigger; id != 0 {
		st.ck.trigger = 0
		if p := s.coord.find(id); p != nil {
			s.sourceSnapshot(st, p)
		}
	}
}

// sinkWrote counts n records written by a sink subtask; those it had
// written before a restore rewound it are duplicates.
func (s *Simulation) sinkWrote(st *subtask, n int64) {
	st.sinkPos += n
	if st.sinkPos > st.sinkHigh {
		s.duplicated += n - (st.sinkPos - st.sinkHigh)
		st.sinkHigh = st.sinkPos
	} else {
		s.duplicated += n
	}
}

// emit routes k records, derived from chunk src, to the partition's channels.
func (s *Simulation) emit(p *partition, k int64, src *Chunk) {
	e := p.edge
	e.emitted += k
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
			s.appendPart(p.ch[i], piece, c)
		}
		p.rr = int((int64(p.rr) + rest) % n)
	case Hash:
		s.splitByKey(p, k)
		for i, c := range p.scratch {
			s.appendPart(p.ch[i], piece, c)
		}
	}
}

// appendPart appends c of the piece's records to a channel; a part of a
// chunk loses its single-partition offsets.
func (s *Simulation) appendPart(ch *channel, piece Chunk, c int64) {
	if c == 0 {
		return
	}
	if c != piece.Records {
		piece.Partition, piece.OffsetLo, piece.OffsetHi = -1, 0, 0
	}
	piece.Records, piece.Bytes = c, c*ch.src.edge.recordSize
	s.appendRecords(ch, piece)
}

// splitByKey divides k records among the subpartitions of a keyBy. In exact
// mode (one record per chunk) each record draws its key, as in Flink; chunks
// are split in proportion to the key-group weights, with a carry per
// subpartition so that no record is lost or invented over time.
func (s *Simulation) splitByKey(p *partition, k int64) {
	e := p.edge
	out := p.scratch
	clear(out)
	if s.spec.Sim.ChunkRecords == 1 && p.batchWeights == nil && e.to.spec.Keyed.HotPartitioner == nil {
		rng := p.owner.ops[e.from.pos].rng
		n := len(out)
		for i := int64(0); i < k; i++ {
			kg := e.to.layout.SampleKeyGroup(rng)
			out[kg*n/e.mp]++
		}
		return
	}
	w := e.weights
	if p.batchWeights != nil {
		w = p.batchWeights
	}
	apportion(k, w, p.carry, out)
}

// apportion divides k records among destinations in proportion to weights,
// carrying each destination's owed fraction to the next call, so that over
// many calls every destination gets its share to within one record. No count
// is negative and the counts sum to k.
func apportion(k int64, weights, carry []float64, out []int64) {
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
	// Hand out the rest to the destinations owed most; take back any excess
	// (possible only through rounding) from those owed least.
	for ; assigned < k; assigned++ {
		best := 0
		for i := range carry {
			if carry[i] > carry[best] {
				best = i
			}
		}
		out[best]++
		carry[best]--
	}
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

// appendRecords writes records into a channel's open buffer, finishing
// buffers as they fill.
func (s *Simulation) appendRecords(c *channel, piece Chunk) {
	p := c.src
	e := p.edge
	c.inflight += piece.Records
	maxPer := int32(s.spec.Network.MaxBuffersPerChannel)
	if e.rpb == 0 {
		// Records larger than a buffer: each spans e.bpr buffers.
		for piece.Records > 0 {
			one := piece
			if piece.Records > 1 {
				one = piece.Take(1)
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
		if c.open.Records == 0 {
			p.addSend(c, 1, maxPer) // a new buffer is taken from the pool
			s.armFlush(p.owner)
		}
		space := e.rpb - c.open.Records
		if piece.Records < space {
			c.open.Absorb(&piece)
			return
		}
		// The open buffer is full and leaves, together with the whole buffers
		// of the piece that follow it, as one chunk of up to maxChunkBuffers:
		// Flink sends every full buffer at once, and one chunk for several
		// keeps the event count independent of the data rate.
		extra := min((piece.Records-space)/e.rpb, int64(s.maxChunkBuffers-1))
		n := space + extra*e.rpb
		if n == piece.Records {
			c.open.Absorb(&piece)
			piece.Records = 0
		} else {
			head := piece.Take(n)
			c.open.Absorb(&head)
		}
		p.addSend(c, int32(extra), maxPer)
		c.open.Buffers = 1 + int32(extra)
		s.finishOpen(c)
	}
}

// finishOpen turns the open buffer (and any full buffers joined to it) into
// a finished chunk.
func (s *Simulation) finishOpen(c *channel) {
	if c.open.Buffers == 0 {
		c.open.Buffers = 1
	}
	c.q.Push(c.open)
	c.open = Chunk{}
	s.finished(c)
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
	excl := int32(s.spec.Network.BuffersPerChannel)
	floating := int32(s.spec.Network.FloatingPerGate)
	p := c.src
	maxPer := int32(s.spec.Network.MaxBuffersPerChannel)
	var sent int64
	arrived := false
	for int(c.delivered) < c.q.Len() {
		head := c.q.At(int(c.delivered))
		need := head.Buffers
		freeExcl := max(excl-(c.recvBuf-c.floatHeld), 0)
		freeFloat := floating - g.floatUsed
		take := min(need, freeExcl+freeFloat)
		if take < need && c.recvBuf == 0 && freeExcl+freeFloat == 0 {
			// Nothing is held on this channel and no credit is free: take the
			// buffers anyway, so that a record larger than all credits still
			// makes progress (Flink's overdraft).
			take = need
		}
		// Whole chunks travel as they are; a chunk is split only when the
		// channel holds nothing at the receiver (else the receiver's reading
		// will return credit), so that a channel never waits on credit that
		// other, blocked channels hold.
		if take < need && (take == 0 || head.Records <= 1 || c.recvBuf > 0) {
			if !c.waiting {
				c.waiting = true
				g.waiters.Push(c.idx)
			}
			break
		}
		if take < need {
			// Split: the first take buffers' worth of records arrive now.
			part := head.Take(max(1, head.Records*int64(take)/int64(need)))
			part.Buffers = take
			head.Buffers -= take
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
		c.delivered++
		arrived = true
	}
	if arrived { // a barrier carries no records but must be read too
		s.notifyReadable(c, sent)
		s.markReady(p.owner) // its pool has room again
	}
}

// notifyReadable tells a receiver that records became readable on c.
func (s *Simulation) notifyReadable(c *channel, records int64) {
	if !c.queued && !c.blocked && c.readable() > 0 {
		c.queued = true
		c.dst.avail.Push(c.idx)
	}
	c.dst.owner.readable += records
	s.markReady(c.dst.owner)
}

// release returns the buffers of a processed chunk.
func (s *Simulation) release(c *channel, b int32) {
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
	if f := min(c.floatHeld, b); f > 0 {
		c.floatHeld -= f
		g.floatUsed -= f
		// Serve the channels waiting for a floating buffer, each once.
		for n := g.waiters.Len(); n > 0 && g.floatUsed < int32(s.spec.Network.FloatingPerGate); n-- {
			w := g.ch[g.waiters.Pop()]
			w.waiting = false
			s.deliver(w)
		}
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

// armFlush schedules the subtask's output flusher at its next tick.
func (s *Simulation) armFlush(st *subtask) {
	to := s.flushInterval()
	if to <= 0 || s.eng.Armed(st.flush) {
		return
	}
	now := s.eng.Now()
	k := (now-st.flushPhase)/to + 1
	s.eng.Arm(st.flush, sim.Add(st.flushPhase, k*to), evFlush, st.id, 0)
}

// flushAll finishes every non-empty open buffer of the subtask.
func (s *Simulation) flushAll(st *subtask) {
	for _, p := range st.parts {
		for _, c := range p.ch {
			if c.open.Records > 0 {
				s.finishOpen(c)
			}
		}
	}
}
