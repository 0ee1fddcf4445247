package models

import (
	"github.com/flinksim/flinksim/sim"
)

// Checkpoint barriers on the task side: how they travel and align (Flink's
// CheckpointBarrierHandler implementations, SingleCheckpointBarrierHandler
// with its aligned, unaligned and alternating states):
//
//   - Sources take the trigger between records, even when backpressured,
//     snapshot their offsets and send a barrier down every output channel,
//     behind the data already written (the open buffer is flushed first).
//   - Aligned (exactly-once): an operator blocks each input channel whose
//     barrier it has read; blocked channels keep their buffers, so their
//     senders back up. With the last barrier it snapshots and unblocks.
//     At-least-once: nothing is blocked; the snapshot waits for the last
//     barrier while data keeps flowing.
//   - Unaligned: the barrier is put at the front of the channel and read at
//     once, even by a backpressured task; the task snapshots at the first one
//     and forwards its own barriers ahead of its queued output. Overtaken
//     in-flight bytes are persisted with the checkpoint: by the sender what
//     it had not sent, by the receiver what it had received and not read,
//     and, once the receiver has taken its snapshot, every buffer that
//     reaches it on a channel until that channel's barrier does
//     (ChannelStatePersister). A task with a forward (pointwise) input
//     aligns on all its inputs. With aligned-checkpoint-timeout, a
//     checkpoint starts aligned and switches to unaligned when the timeout
//     passes.
//   - The snapshot itself is in snapshot.go.

// taskCkpt is a subtask's view of the newest checkpoint it has seen.
type taskCkpt struct {
	id          int64
	firstAt     sim.Time
	got         int
	snapshotted bool
	inputDone   bool
	uploadDone  bool
	// outPending is the output channels whose timeoutable barrier has
	// neither been sent nor timed out, lateUp what timed-out ones
	// overtook, still to upload (barriers_timeoutable.go).
	outPending int
	lateUp     int64
	asyncBegun bool // its upload has started: later channel state uploads after it
	timedOut   bool // aligned-checkpoint-timeout passed: this one goes unaligned
	switchNow  bool // take the unaligned snapshot at the next chance
	blocked    []*channel
	priority   []*channel // channels with an unaligned barrier at their front
	// triggers: sources: checkpoint triggers waiting for the current step
	// or its blocked output, oldest first (the mailbox runs them in order)
	triggers []int64
	// preBarrier: a snapshot waiting for the bundle finishBundle could not
	// write (the task blocked mid-record): its barrier follows that output
	preBarrier   *pendingCheckpoint
	preUnaligned bool
	// Incremental checkpoints upload what changed since the last completed
	// checkpoint: the keyed records each chain node had seen then.
	baseRecs []int64
	baseSST  sstMark // its RocksDB's SST files then
	hasBase  bool
	// Last values, for the checkpointAlignmentTime and
	// checkpointStartDelayNanos metrics.
	lastAlignment, lastStartDelay sim.Time
}

// startDelay is a checkpoint's start delay at a task as Flink measures
// it, in whole milliseconds of the clock: the first barrier's handling
// (CheckpointBarrierHandler.markAlignmentStart) or a source's trigger
// (StreamTask's latestAsyncCheckpointStartDelayNanos) against the
// checkpoint's creation timestamp, 1_000_000 · max(0, now ms − timestamp
// ms); checkpointStartDelayNanos and REST's start_delay give it.
func startDelay(now, trigger sim.Time) sim.Time {
	return max(0, now/sim.Millisecond-trigger/sim.Millisecond) * sim.Millisecond
}

func barrierChunk(id int64, priority bool) Chunk {
	return Chunk{Barrier: int32(id), Priority: priority, Partition: -1}
}

// triggerSources is the coordinator triggering checkpoint p.
func (s *Simulation) triggerSources(p *pendingCheckpoint) {
	for _, st := range s.subtasks {
		if st.t.nodes[0].spec.Kind != KindSource || st.dead {
			continue
		}
		s.catchUp(st)                  // it snapshots the offsets of what was readable
		if st.busy || st.stalled > 0 { // a task blocked mid-record takes it once its output is written
			st.ck.triggers = append(st.ck.triggers, p.id) // taken between records: after this step
			if s.trace != nil {
				what, until := "in a step", "the step ends"
				if st.stalled > 0 {
					what, until = "blocked mid-record", "its output is written"
				}
				s.tracef("%s is %s: takes the trigger of checkpoint %d when %s", st.name(), what, p.id, until)
			}
			continue
		}
		s.sourceSnapshot(st, p)
	}
}

// unalignedActive: st takes unaligned snapshots now. A task whose input
// edges do not support unaligned checkpoints aligns (its barriers arrive
// as aligned ones).
func (s *Simulation) unalignedActive(st *subtask) bool {
	c := s.spec.Checkpointing
	if ins := st.t.nodes[0].ins; len(ins) > 0 && !ins[0].unaligned {
		return false
	}
	return c.Unaligned && (c.AlignedTimeout == 0 || st.ck.timedOut)
}

// handleBarrier processes a barrier read from input channel c.
func (s *Simulation) handleBarrier(st *subtask, c *channel, b Chunk) {
	id := int64(b.Barrier)
	p := s.coord.find(id)
	if p == nil || id < st.ck.id {
		if s.trace != nil {
			s.tracef("%s ignores barrier %d on %s: the checkpoint is no longer pending", st.name(), id, traceChannel(c))
		}
		return // the checkpoint was aborted or subsumed
	}
	now := s.eng.Now()
	tc := &st.ck
	if id > tc.id {
		if tc.id != 0 && !tc.inputDone {
			if s.trace != nil {
				s.tracef("%s reads barrier %d before checkpoint %d is aligned: that alignment is abandoned, its channels unblocked", st.name(), id, tc.id)
			}
			s.unblockAll(st) // an older alignment is subsumed here
		}
		*tc = taskCkpt{id: id, firstAt: now, baseRecs: tc.baseRecs, baseSST: tc.baseSST, hasBase: tc.hasBase, priority: tc.priority, timedOut: s.pastAlignedTimeout(p)}
		p.subs[st.id].startDelay = startDelay(now, p.trigger)
		tc.lastStartDelay = p.subs[st.id].startDelay
	}
	c.barrierSeen = id
	if c.persist != 0 && id >= c.persist {
		c.persist = 0 // the channel's barrier: its in-flight data is complete
	}
	tc.got++
	unaligned := s.unalignedActive(st)
	block := !unaligned && !s.spec.Checkpointing.AtLeastOnce && tc.got < st.inputChannels
	if s.trace != nil {
		s.traceBarrier(st, c, b, block)
	}
	if !tc.snapshotted && (b.Priority || unaligned) {
		s.snapshot(st, p, true)
	}
	if block {
		c.blocked = true
		tc.blocked = append(tc.blocked, c)
	}
	if tc.got == st.inputChannels {
		tc.inputDone = true
		p.subs[st.id].alignment = now - tc.firstAt
		tc.lastAlignment = now - tc.firstAt
		if s.trace != nil {
			s.traceAligned(st, id)
		}
		s.unblockAll(st)
		if !tc.snapshotted {
			s.snapshot(st, p, false)
		} else {
			s.tryAck(st, id)
		}
	}
}

// unblockAll lets the blocked input channels be read again.
func (s *Simulation) unblockAll(st *subtask) {
	for _, c := range st.ck.blocked {
		c.blocked = false
		if !c.queued && c.readable() > 0 {
			c.queued = true
			c.dst.avail.Push(c.idx)
		}
	}
	st.ck.blocked = st.ck.blocked[:0]
	s.markReady(st)
}

// handlePriority reads unaligned barriers at the front of input channels,
// and takes an unaligned snapshot after an aligned-checkpoint-timeout.
func (s *Simulation) handlePriority(st *subtask) {
	for len(st.ck.priority) > 0 && !st.busy {
		c := st.ck.priority[0]
		st.ck.priority = st.ck.priority[1:]
		if c.q.Len() == 0 || c.q.Front().Barrier == 0 || !c.q.Front().Priority {
			continue // already read in order
		}
		b := c.q.Pop()
		st.barriersQueued--
		if !c.local {
			c.delivered--
		}
		s.handleBarrier(st, c, b)
	}
	if st.ck.switchNow && !st.busy {
		st.ck.switchNow = false
		if p := s.coord.find(st.ck.id); p != nil && !st.ck.snapshotted {
			s.unblockAll(st)
			s.snapshot(st, p, true)
		}
	}
}

// emitBarriers sends the barrier of p down every output channel. On an
// edge that allows unaligned barriers, a barrier sent after p's
// aligned-checkpoint-timeout times out at once (pastAlignedTimeout), even
// from a task that aligned because its own input does not allow them.
func (s *Simulation) emitBarriers(st *subtask, p *pendingCheckpoint, unaligned bool) {
	late := s.pastAlignedTimeout(p)
	for _, part := range st.parts {
		for _, c := range part.ch {
			if c.fill > 0 {
				s.finishOpen(c) // BufferWritingResultPartition.broadcastEvent: open buffers end before any event
			}
			if (unaligned || late) && part.edge.unaligned {
				s.overtake(c, p, -1)
				continue
			}
			c.q.Push(barrierChunk(p.id, false))
			c.dst.owner.barriersQueued++
			if s.timeoutable(part.edge) {
				st.ck.outPending++
			}
			part.mark(c)
			s.finished(c)
		}
	}
}

// overtake puts an unaligned barrier at the front of channel c (a new one,
// or the aligned one at index pos): the data it overtakes is persisted, by
// the sender for what it has not sent, by the receiver for what it holds.
func (s *Simulation) overtake(c *channel, p *pendingCheckpoint, pos int) {
	limit := c.q.Len()
	if pos >= 0 {
		limit = pos
	}
	// The receiver persists what it had received, unless its snapshot came
	// first: then it already has, at the snapshot or as it arrived; what is
	// still on the wire arrives before the barrier and is persisted too.
	receiverHas := c.persist == p.id
	var cs Chunk
	var sent, held int64
	for j := 0; j < limit; j++ {
		ch := c.q.At(j)
		if ch.Barrier != 0 {
			continue
		}
		if !c.local && j < int(c.delivered) {
			if receiverHas && j < int(c.delivered-c.transit) {
				continue // arrived after the snapshot: already persisted
			}
			held += ch.Bytes // received, or on the wire ahead of the barrier
		} else {
			sent += ch.Bytes
		}
		absorbInFlight(&cs, ch)
	}
	if pos < 0 && c.open.Records > 0 {
		for i := range c.segs {
			cs.Absorb(&c.segs[i])
			sent += c.segs[i].Bytes
		}
		cs.Absorb(&c.open)
		sent += c.open.Bytes
	}
	if c.persist == p.id {
		c.persist = 0 // its barrier is at the front now
	}
	p.subs[c.src.owner.id].persisted += sent
	p.subs[c.dst.owner.id].persisted += held
	if s.trace != nil && cs.Records > 0 {
		s.tracef("barrier %d overtakes %d records (%s) in the channel from %s to %s: persisted as channel state, %s by the sender, %s by the receiver",
			p.id, cs.Records, bytesText(sent+held), c.src.owner.name(), c.dst.owner.name(), bytesText(sent), bytesText(held))
	}
	if cs.Records > 0 || cs.Bytes > 0 { // a record's first buffers too (spanning.go)
		p.channelState = append(p.channelState, channelState{c, cs})
	}
	if pos >= 0 && (c.local || pos >= int(c.delivered)) {
		s.barrierTimedOut(c, p.id, sent) // not sent yet: its future completes now
	}
	if pos >= 0 {
		c.q.RemoveAt(pos)
		c.dst.owner.barriersQueued--
		if !c.local && pos < int(c.delivered) {
			if pos >= int(c.delivered-c.transit) {
				c.transit-- // the barrier was on the wire: it is replaced by the priority one
			}
			c.delivered--
		}
	}
	c.q.PushFront(barrierChunk(p.id, true))
	c.dst.owner.barriersQueued++
	c.src.mark(c)
	if !c.local {
		c.delivered++
	}
	rcv := c.dst.owner
	rcv.ck.priority = append(rcv.ck.priority, c)
	s.markReady(rcv)
}

// alignedTimeout switches checkpoint id to unaligned where it is still
// aligning (execution.checkpointing.aligned-checkpoint-timeout).
func (s *Simulation) alignedTimeout(id int64) {
	p := s.coord.find(id)
	if p == nil {
		return
	}
	if s.trace != nil {
		s.tracef("checkpoint %d passes its aligned-checkpoint-timeout %s: it switches to unaligned where it is still aligning", id, s.spec.Checkpointing.AlignedTimeout)
	}
	for _, st := range s.subtasks {
		for _, part := range st.parts {
			if !part.edge.unaligned {
				continue
			}
			for _, c := range part.ch {
				for j := 0; j < c.q.Len(); j++ {
					if b := c.q.At(j); int64(b.Barrier) == id && !b.Priority {
						s.overtake(c, p, j)
						break
					}
				}
			}
		}
	}
	for _, st := range s.subtasks {
		st.ck.timedOut = st.ck.id == id || st.ck.id < id
		if st.ck.id == id && !st.ck.snapshotted && s.unalignedActive(st) {
			st.ck.switchNow = true
			s.markReady(st)
		}
	}
}

// takePendingTrigger lets a source take a checkpoint trigger that came
// during its step, once the step's output is all written.
// The check is inlined where it is made twice a step; taking it is not.
func (s *Simulation) takePendingTrigger(st *subtask) {
	if len(st.ck.triggers) > 0 && st.stalled == 0 {
		s.takeTriggers(st)
	}
}

// takeTriggers takes the waiting triggers in order, while the source is
// free: a snapshot's sync phase holds the next one back.
func (s *Simulation) takeTriggers(st *subtask) {
	for len(st.ck.triggers) > 0 && !st.busy && st.stalled == 0 {
		id := st.ck.triggers[0]
		st.ck.triggers = st.ck.triggers[1:]
		if p := s.coord.find(id); p != nil {
			s.sourceSnapshot(st, p)
		}
	}
}
