package models

import (
	"fmt"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Failover and recovery, as Flink restarts a job whose graph is one failover
// region (any keyBy makes it so): every task is cancelled, in-flight data is
// dropped, the restart strategy decides the delay (or fails the job), the
// tasks are redeployed (after a replacement TaskManager starts, if one was
// lost), each stateful subtask downloads its state from the last completed
// checkpoint (unless local recovery finds it on a TaskManager that survived),
// sources rewind to the checkpoint's offsets (or to the start of the retained
// input when no checkpoint had completed) and the job catches up.

type jobState uint8

const (
	jobRunning jobState = iota
	jobRestarting
	jobFailed
)

// stamp tags an event argument with the current execution attempt, so that
// events of cancelled tasks are ignored.
func (s *Simulation) stamp(v int64) int64 { return s.attempt<<32 | v }

func (s *Simulation) current(arg int64) (int64, bool) { return arg & (1<<32 - 1), arg>>32 == s.attempt }

// failover fails the job over (a checkpoint failure threshold, a lost
// TaskManager noticed, ...).
func (s *Simulation) failover(reason string) {
	if s.job != jobRunning {
		return // already failing: merged into the pending restart
	}
	now := s.eng.Now()
	s.failures = append(s.failures, result.FailureEvent{At: now, Reason: reason})
	s.restarter.notifyFailure(now)
	if s.trace != nil {
		s.tracef("job FAILING, every task is cancelled and in-flight data dropped: %s", reason)
	}
	s.stopAll(reason)
	if !s.restarter.canRestart(now) {
		s.job = jobFailed
		s.failures[len(s.failures)-1].Final = true
		if s.trace != nil {
			s.tracef("job FAILED: the restart strategy (%s) allows no more restarts", s.spec.Restart.Kind)
		}
		return
	}
	s.job = jobRestarting
	s.restarts++
	s.downSince = now
	delay := s.restarter.backoff(now)
	if s.trace != nil {
		s.tracef("job RESTARTING: restart %d after the %s restart delay of %s", s.restarts, s.spec.Restart.Kind, durText(delay))
	}
	s.eng.At(sim.Add(now, delay), evRestart, 0, s.stamp(0))
}

// stopAll cancels every task and drops what is in flight.
func (s *Simulation) stopAll(reason string) {
	now := s.eng.Now()
	s.attempt++
	if s.coord != nil {
		s.coord.stop("The job is failing over: " + reason)
	}
	if s.storage != nil {
		s.storage.cancel(func(*transfer) bool { return true })
	}
	for _, st := range s.subtasks {
		s.discardSubtask(st)
		st.setState(now, stDown)
	}
	for _, e := range s.edges {
		for _, st := range e.from.task.subtasks {
			for _, p := range st.parts {
				if p.edge == e {
					s.discardPartition(p)
				}
			}
		}
	}
	for _, st := range s.subtasks {
		for _, g := range st.gates {
			g.avail, g.waiters = ring[int32]{}, ring[int32]{}
			g.floatUsed, g.remoteHeld, g.floatLag = 0, 0, 0
		}
		st.readable = 0
	}
}

// discardSubtask drops a subtask's step and held input.
func (s *Simulation) discardSubtask(st *subtask) {
	if st.inProcess() > 0 { // the step never ends: its records were not read
		for i, rt := range st.t.nodes {
			if rt.spec.Kind == KindOperator {
				st.ops[i].selIn -= st.nin[i]
			}
		}
	}
	st.discarded += st.in.Records + st.inProcess()
	st.in, st.cur = Chunk{}, Chunk{}
	st.held = st.held[:0]
	st.stalled = 0
	for i := range st.ops {
		st.ops[i].dropped += st.ops[i].batch.Records
		st.ops[i].batch = Chunk{}
	}
	s.eng.Disarm(st.batchTimer)
	st.busy, st.syncing, st.ready = false, 0, false
	st.ck = taskCkpt{baseRecs: st.ck.baseRecs, baseSST: st.ck.baseSST, hasBase: st.ck.hasBase}
	s.eng.Disarm(st.wake)
	s.eng.Disarm(st.gather)
	s.eng.Disarm(st.flush)
	st.gathered = false
}

// discardPartition empties a sender's channels.
func (s *Simulation) discardPartition(p *partition) {
	for _, c := range p.ch {
		p.edge.discarded += c.inflight
		c.inflight = 0
		c.q = ring[Chunk]{}
		c.open, c.fill, c.flushReq, c.parked = Chunk{}, 0, false, Chunk{}
		c.delivered, c.sendBuf, c.recvBuf, c.floatHeld, c.transit, c.creditLag = 0, 0, 0, 0, 0, 0
		c.queued, c.waiting, c.blocked = false, false, false
		c.barrierSeen, c.persist = 0, 0
	}
	p.used, p.full = 0, 0
}

func (s *Simulation) restorePoint() *pendingCheckpoint {
	if s.coord == nil {
		return nil
	}
	return s.coord.lastCompleted
}

// restart is the restart delay ending: redeploy, after replacement
// TaskManagers have started.
func (s *Simulation) restart() {
	now := s.eng.Now()
	at := now
	for _, t := range s.tmBack {
		at = max(at, t)
	}
	s.eng.At(sim.Add(at, s.spec.Recovery.Redeploy), evDeployed, 0, s.stamp(0))
}

// deployed: the tasks run again and restore their state.
func (s *Simulation) deployed() {
	p := s.restorePoint()
	s.restoring = 0
	s.resetDebloating() // new tasks start at the full buffer size
	if p == nil {
		s.restoreSavepoint()
	}
	if p != nil {
		for _, st := range s.subtasks {
			sub := p.subs[st.id]
			if sub.stateSize == 0 {
				continue
			}
			local := s.localCopy(st)
			switch {
			case local && s.incremental() && sub.replay > 0:
				// RocksDB opens its local copy; the log is downloaded and replayed
				s.restoring++
				s.storage.startDownload(st, p.id, sub.replay, true, false)
			case local && s.incremental():
				// RocksDB opens its local checkpoint directory
			default:
				s.restoring++
				t := s.storage.startDownload(st, p.id, float64(sub.stateSize), !s.incremental(), local)
				t.replay = sub.replay
			}
		}
	}
	if s.trace != nil {
		from := "no completed checkpoint: state starts empty"
		if p != nil {
			from = fmt.Sprintf("restoring checkpoint %d, %d subtask(s) download their state", p.id, s.restoring)
		}
		s.tracef("tasks deployed; %s", from)
	}
	if s.restoring == 0 {
		s.restored()
	}
}

// restoreSavepoint: with no completed checkpoint, a job started from a
// savepoint or retained checkpoint (warm state) restores that again:
// canonical savepoint entries re-inserted, or with a claimed incremental
// checkpoint its files.
func (s *Simulation) restoreSavepoint() {
	c := s.spec.Checkpointing
	if c == nil {
		return
	}
	for _, st := range s.subtasks {
		if b := s.initialState(st); b > 0 {
			s.restoring++
			s.storage.startDownload(st, 0, b, !(c.Claimed && s.incremental()), false)
		}
	}
}

// initialState is the subtask's warm state at the start (bytes).
func (s *Simulation) initialState(st *subtask) float64 {
	return s.stateBytes(st, make([]int64, len(st.ops)))
}

// localCopy: the subtask may restore from a copy on its TaskManager's disk
// (execution.checkpointing.local-backup.enabled and
// execution.state-recovery.from-local; the TaskManager survived).
func (s *Simulation) localCopy(st *subtask) bool {
	c := s.spec.Checkpointing
	return c.LocalBackup && c.LocalRecovery && !s.tmLost[st.tm]
}

// restored: every subtask has its state; sources rewind and the job runs.
func (s *Simulation) restored() {
	now := s.eng.Now()
	p := s.restorePoint()
	replayed := s.replayed
	for i, kp := range s.kafka {
		off := int64(0)
		if p != nil {
			off = p.offsets[i]
		}
		s.replayed += kp.read - off
		kp.rewind(off)
	}
	for _, st := range s.subtasks {
		for pos := range st.ops {
			st.ops[pos].stateRecs = 0
			if p != nil && p.subs[st.id].stateRecs != nil {
				st.ops[pos].stateRecs = p.subs[st.id].stateRecs[pos]
			}
		}
		st.sinkPos = 0
		if p != nil {
			st.sinkPos = p.subs[st.id].sinkWritten
		}
		if st.lsm != nil {
			// The restored DB: its files are the checkpoint's, shared with
			// the next incremental checkpoint; compaction starts afresh.
			*st.lsm = lsmState{}
			if p != nil {
				st.lsm.sst = p.subs[st.id].sst
			}
		}
		st.dead = false
		st.setState(now, stIdle)
	}
	if p != nil {
		// Unaligned checkpoints restore their in-flight data first.
		for _, cs := range p.channelState {
			s.restoreChannel(cs.c, cs.chunk)
		}
	}
	s.startChangelogs()
	clear(s.tmLost)
	clear(s.tmBack)
	var id int64
	if p != nil {
		id = p.id
	}
	if s.coord != nil {
		s.coord.restored = append(s.coord.restored, result.RestoreStats{ID: id, At: now, Down: now - s.downSince})
	}
	s.downtime += now - s.downSince
	if s.trace != nil {
		from := "no checkpoint: sources rewound to the start of the retained input"
		if p != nil {
			from = fmt.Sprintf("checkpoint %d: sources rewound to its offsets", id)
		}
		s.tracef("job RUNNING again from %s, %d records to read again; down for %s", from, s.replayed-replayed, now-s.downSince)
	}
	s.job = jobRunning
	if s.coord != nil {
		s.coord.start()
	}
	for _, st := range s.subtasks {
		s.markReady(st)
	}
}

// restoreChannel puts persisted in-flight records back into a channel.
func (s *Simulation) restoreChannel(c *channel, ch Chunk) {
	e := c.src.edge
	e.restored += ch.Records
	ch.Buffers = int32(max(1, (ch.Bytes+s.spec.Network.SegmentSize-1)/s.spec.Network.SegmentSize))
	c.src.addSend(c, ch.Buffers, int32(s.spec.Network.MaxBuffersPerChannel))
	c.inflight += ch.Records
	c.q.Push(ch)
	s.finished(c)
}
