package models

import "github.com/flinksim/flinksim/sim"

// A sender's part of a checkpoint that may time out to unaligned
// (execution.checkpointing.aligned-checkpoint-timeout): its barrier goes
// into each output subpartition as a timeoutable aligned barrier, and
// PipelinedSubpartition registers a future for that subpartition's channel
// state with the checkpoint's ChannelStateWriter. The future completes
// empty when the barrier is sent (pollBuffer: onto the wire for a remote
// channel, read by the receiver for a local one), or, when the timeout
// comes first (alignedBarrierTimeout), with the buffers the barrier
// overtakes, which the writer then uploads. The subtask's async phase
// waits for every future, so it acknowledges only once each of its
// barriers has left or timed out, and after uploading what the timed-out
// ones overtook.

// timeoutable: barriers of this checkpoint sent on an edge that may take
// unaligned ones wait to be sent or to time out (an aligned checkpoint
// with aligned-checkpoint-timeout above 0).
func (s *Simulation) timeoutable(e *edge) bool {
	c := s.spec.Checkpointing
	return c.Unaligned && c.AlignedTimeout > 0 && e.unaligned
}

// pastAlignedTimeout: checkpoint p's aligned-checkpoint-timeout has
// passed. A task that first meets p later goes unaligned at once: both
// its barrier handler and its own barriers time out after
// max(timeout − (now − trigger), 0) (BarrierAlignmentUtil.getTimerDelay,
// from the barrier's timestamp, the trigger's).
func (s *Simulation) pastAlignedTimeout(p *pendingCheckpoint) bool {
	c := s.spec.Checkpointing
	return c.Unaligned && c.AlignedTimeout > 0 && s.eng.Now() >= sim.Add(p.trigger, c.AlignedTimeout)
}

// barrierSent is checkpoint barrier b leaving channel c's subpartition:
// the sender's future for it completes with no data.
func (s *Simulation) barrierSent(c *channel, b *Chunk) {
	if b.Priority || !s.timeoutable(c.src.edge) {
		return
	}
	st := c.src.owner
	if int64(b.Barrier) != st.ck.id || st.ck.outPending == 0 {
		return
	}
	st.ck.outPending--
	s.tryAck(st, st.ck.id)
}

// barrierTimedOut is the sender's barrier in channel c overtaking the
// sent bytes ahead of it at the timeout: they are uploaded before it
// acknowledges.
func (s *Simulation) barrierTimedOut(c *channel, id, sent int64) {
	st := c.src.owner
	if id != st.ck.id || st.ck.outPending == 0 {
		return
	}
	st.ck.outPending--
	if st.ck.asyncBegun { // before, its upload takes them (afterSync)
		st.ck.lateUp += sent
	}
	s.tryAck(st, id)
}

// tryAck acknowledges checkpoint id for st once its upload is done, every
// input barrier has arrived and every output barrier has left or timed
// out; what timed-out barriers overtook is uploaded first.
func (s *Simulation) tryAck(st *subtask, id int64) {
	tc := &st.ck
	if tc.id != id || !tc.uploadDone || tc.outPending > 0 {
		return
	}
	if tc.lateUp > 0 {
		p := s.coord.find(id)
		if p == nil {
			return
		}
		late := tc.lateUp
		tc.lateUp, tc.uploadDone = 0, false
		p.subs[st.id].uploaded += late
		if s.trace != nil {
			s.tracef("%s uploads the %s its timed-out barriers of checkpoint %d overtook", st.name(), bytesText(late), id)
		}
		s.storage.startUpload(st, id, float64(late), false) // the channel state writer's stream
		return
	}
	if !tc.inputDone {
		return
	}
	if p := s.coord.find(id); p != nil {
		// AsyncCheckpointRunnable's async duration ends when its channel
		// state is written too: after the last barrier in and out.
		sub := &p.subs[st.id]
		sub.async = s.eng.Now() - sub.syncStart - sub.sync
	}
	s.coord.ack(st, id)
}
