package models

import (
	"fmt"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// The end of a region's restore: its tasks have their state, its sources
// rewind, and it runs again (Flink's INITIALIZING → RUNNING).

// subtaskRestored: st has its state and, as each Flink task leaves
// INITIALIZING after its own restore (Task.restoreAndInvoke), is RUNNING
// while others of its region still restore: a source reads until its
// output buffers, not yet requested downstream, are full, and is
// backpressured; a task with inputs waits for them, idle. (Here neither
// takes records until its region runs.)
func (s *Simulation) subtaskRestored(st *subtask) {
	st.restoring = false
	if len(st.gates) == 0 && len(st.parts) > 0 {
		st.setState(s.eng.Now(), stBackPressured)
	} else {
		st.setState(s.eng.Now(), stIdle)
	}
}

// regionRestored: every subtask of r has its state; its sources rewind and
// it runs.
func (s *Simulation) regionRestored(r *region) {
	now := s.eng.Now()
	p := s.restorePoint()
	op := r.op
	var replayed int64
	for _, kp := range r.splits {
		off := int64(0)
		if p != nil {
			off = p.offsets[kp.gidx]
		}
		replayed += kp.read - off
		kp.rewind(off)
	}
	s.replayed += replayed
	s.failure(op).Replayed += replayed
	for _, st := range r.subtasks {
		s.restoreSubtask(st, p, s.failure(op))
		st.setState(now, stIdle)
	}
	if p != nil {
		// Unaligned checkpoints restore their in-flight data first.
		for _, cs := range p.channelState {
			if cs.c.src.owner.region == r {
				s.restoreChannel(cs.c, cs.chunk)
			}
		}
	}
	s.startChangelogs(r.subtasks)
	s.setRegionState(r, regionRunning)
	r.started = now
	if s.trace != nil {
		from := "no checkpoint: sources rewound to the start of the retained input"
		if p != nil {
			from = fmt.Sprintf("checkpoint %d: sources rewound to its offsets", p.id)
		}
		s.tracef("%s RUNNING again from %s, %d records to read again", regionsText(s, []*region{r}), from, replayed)
	}
	if len(s.opRegions(op, regionRestarting))+len(s.opRegions(op, regionInitializing)) == 0 {
		s.failoverDone(op, p)
	}
	s.armOutages(r)
	for _, st := range r.subtasks {
		s.markReady(st)
	}
}

// restoreSubtask gives a subtask checkpoint p's state (nil: empty) and
// output position, for failover f.
func (s *Simulation) restoreSubtask(st *subtask, p *pendingCheckpoint, f *result.FailureEvent) {
	for pos := range st.ops {
		st.ops[pos].stateRecs = 0
		if p != nil && p.subs[st.id].stateRecs != nil {
			st.ops[pos].stateRecs = p.subs[st.id].stateRecs[pos]
		}
		if o := st.ops[pos].win; o != nil {
			var snap *windowSnap
			if p != nil {
				snap = p.subs[st.id].windows
			}
			o.restore(snap)
			s.windowStateGrew(st) // restored on the heap: it may not fit
		}
	}
	s.restartWatermarks(st)
	for _, w := range st.sinks {
		s.sinkRestored(w, p, f)
	}
	if st.lsm != nil {
		// The restored DB: its files are the checkpoint's, shared with
		// the next incremental checkpoint, level 0's compaction still to do.
		*st.lsm = lsmState{restoredBase: s.initialState(st)} // no checkpoint: the warm state again
		if p != nil {
			sub := &p.subs[st.id]
			s.restoreFiles(st, sub.sst)
			// with the changelog backend its state size is the
			// materialized state, under the log
			st.lsm.restoredLog, st.lsm.restoredBase, st.lsm.restoredMat = sub.replay, float64(sub.stateSize), sub.matID
		}
	}
}

// failoverDone: every region failover op restarted runs again.
func (s *Simulation) failoverDone(op int32, p *pendingCheckpoint) {
	now := s.eng.Now()
	f := s.failure(op)
	f.RestoredAt = now
	if s.coord != nil {
		var id int64
		if p != nil {
			id = p.id
		}
		s.coord.noteRestore(result.RestoreStats{ID: id, At: now, Down: now - f.At, StateAt: sim.Add(f.At, f.RestartDelay)})
	}
	if s.trace != nil {
		s.tracef("failover %d done: down (cancelled until deployed) for %s, then INITIALIZING (restoring) for %s", op+1, f.RunningAt-f.At, now-f.RunningAt)
	}
}

// restoreChannel puts persisted in-flight records back into a channel.
func (s *Simulation) restoreChannel(c *channel, ch Chunk) {
	e := c.src.edge
	e.restored += ch.Records
	ch.Buffers = int32(max(1, (ch.Bytes+s.spec.Network.SegmentSize-1)/s.spec.Network.SegmentSize))
	c.inflight += ch.Records
	if c.parked != nil || s.outOfBuffers(c.src, ch.Buffers) {
		// Flink writes recovered output state into buffers of the pool,
		// waiting for them (ResultSubpartitionRecoveredStateHandler's
		// requestBufferBuilderBlocking): the rest waits, the task blocked.
		s.park(c, &ch)
		return
	}
	c.src.addSend(c, ch.Buffers, int32(s.spec.Network.MaxBuffersPerChannel))
	c.q.Push(ch)
	c.src.mark(c)
	s.finished(c)
}
