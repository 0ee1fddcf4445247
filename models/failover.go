package models

import (
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
	s.failures = append(s.failures, FailureEvent{At: now, Reason: reason})
	s.restarter.notifyFailure(now)
	s.stopAll(reason)
	if !s.restarter.canRestart(now) {
		s.job = jobFailed
		s.failures[len(s.failures)-1].Final = true
		return
	}
	s.job = jobRestarting
	s.restarts++
	s.downSince = now
	s.eng.At(sim.Add(now, s.restarter.backoff(now)), evRestart, 0, s.stamp(0))
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
			g.floatUsed, g.remoteHeld = 0, 0
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
	for i := range st.ops {
		st.ops[i].dropped += st.ops[i].batch.Records
		st.ops[i].batch = Chunk{}
	}
	s.eng.Disarm(st.batchTimer)
	st.busy, st.syncing, st.ready = false, 0, false
	st.ck = taskCkpt{baseRecs: st.ck.baseRecs, hasBase: st.ck.hasBase}
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
		c.open = Chunk{}
		c.delivered, c.sendBuf, c.recvBuf, c.floatHeld = 0, 0, 0, 0
		c.queued, c.waiting, c.blocked = false, false, false
		c.barrierSeen = 0
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
	if p != nil {
		for _, st := range s.subtasks {
			sub := p.subs[st.id]
			if sub.stateSize == 0 {
				continue
			}
			if s.spec.Checkpointing.LocalRecovery && !s.tmLost[st.tm] {
				continue // a local copy survived on this TaskManager
			}
			s.restoring++
			s.storage.start(st, download, p.id, float64(sub.stateSize))
		}
	}
	if s.restoring == 0 {
		s.restored()
	}
}

// restored: every subtask has its state; sources rewind and the job runs.
func (s *Simulation) restored() {
	now := s.eng.Now()
	p := s.restorePoint()
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
		st.dead = false
		st.setState(now, stIdle)
	}
	if p != nil {
		// Unaligned checkpoints restore their in-flight data first.
		for _, cs := range p.channelState {
			s.restoreChannel(cs.c, cs.chunk)
		}
	}
	clear(s.tmLost)
	clear(s.tmBack)
	var id int64
	if p != nil {
		id = p.id
	}
	if s.coord != nil {
		s.coord.restored = append(s.coord.restored, RestoreStats{ID: id, At: now, Down: now - s.downSince})
	}
	s.downtime += now - s.downSince
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

// loseTaskManager kills a TaskManager now; the job fails over when the
// JobManager notices, after heartbeat.timeout. It reports whether the
// TaskManager was running (a job restarting has none to lose).
func (s *Simulation) loseTaskManager(tm int) bool {
	if s.job != jobRunning || tm < 0 || tm >= s.totalTMs || s.tmLost[tm] {
		return false
	}
	now := s.eng.Now()
	s.tmLost[tm] = true
	s.tmBack[tm] = sim.Add(now, s.spec.Recovery.TaskManagerStart)
	for _, st := range s.subtasks {
		if st.tm == tm {
			st.dead = true
			st.setState(now, stDown)
		}
	}
	if s.storage != nil {
		s.storage.cancel(func(t *transfer) bool { return t.st.tm == tm })
	}
	s.eng.At(sim.Add(now, s.spec.Recovery.HeartbeatTimeout), evDetect, int32(tm), s.stamp(0))
	return true
}

// scheduleFailures arms the injected failures.
func (s *Simulation) scheduleFailures() {
	for i, f := range s.spec.Failures {
		switch f.Kind {
		case FailTaskManager:
			if f.MTBF > 0 {
				s.eng.At(sim.FromSeconds(s.failRng.ExpFloat64()*f.MTBF.Seconds()), evFailure, int32(i), 0)
			} else {
				s.eng.At(f.At, evFailure, int32(i), 0)
			}
		case FailCheckpoint:
			if f.Checkpoint == 0 {
				s.eng.At(f.At, evFailure, int32(i), 0)
			}
		case FailStorageSlowdown, FailStorageOutage:
			s.eng.At(f.At, evFailure, int32(i), 0)
			s.eng.At(sim.Add(f.At, f.For), evFailure, int32(i), 1)
		}
	}
}

// injectFailure fires failure i (end is 1 when a storage episode ends).
func (s *Simulation) injectFailure(i int, end int64) {
	f := s.spec.Failures[i]
	now := s.eng.Now()
	stats := &s.injected[i]
	if end == 0 {
		stats.Due++
	}
	switch f.Kind {
	case FailTaskManager:
		tm := f.TaskManager
		if tm < 0 {
			tm = s.failRng.IntN(s.totalTMs)
		}
		if s.loseTaskManager(tm) {
			stats.TookEffect++
		}
		if f.MTBF > 0 {
			s.eng.At(sim.Add(now, sim.FromSeconds(s.failRng.ExpFloat64()*f.MTBF.Seconds())), evFailure, int32(i), 0)
		}
	case FailCheckpoint:
		// The newest checkpoint in flight fails; with none, the next one
		// triggered does.
		switch {
		case s.coord == nil:
		case len(s.coord.pending) > 0:
			s.failCheckpointInjected(i, s.coord.pending[len(s.coord.pending)-1].id)
		default:
			s.coord.failNext = append(s.coord.failNext, i)
		}
	case FailStorageSlowdown, FailStorageOutage:
		if s.storage == nil {
			return
		}
		if end == 0 {
			stats.TookEffect++
		}
		factor := 0.0
		if f.Kind == FailStorageSlowdown {
			factor = 1 / f.Factor
		}
		if end == 1 {
			factor = 1
		}
		s.storage.setFactor(factor)
	}
}

// FailureEvent is one failover of the job.
type FailureEvent struct {
	At     sim.Time
	Reason string
	Final  bool // the restart strategy gave up: the job failed
}

// transferDone is a storage transfer finishing.
func (s *Simulation) transferDone(t *transfer) {
	if t.kind == download {
		s.restoring--
		if s.restoring == 0 && s.job == jobRestarting {
			s.restored()
		}
		return
	}
	if p := s.coord.find(t.ckpt); p != nil && p.injected > 0 {
		s.failCheckpointInjected(p.injected-1, p.id)
		return
	}
	s.uploaded(t.st, t.ckpt)
}

// failCheckpointInjected fails checkpoint id for injected failure i, unless
// it has ended already.
func (s *Simulation) failCheckpointInjected(i int, id int64) {
	p := s.coord.find(id)
	if p == nil {
		return
	}
	p.injected = 0
	s.injected[i].TookEffect++
	s.coord.fail(id, reasonInjected, true)
}

// InjectedFailureSummary is one of the scenario's injected failures: how
// often it came due within the run and how often it took effect (a
// TaskManager that was running was lost, a checkpoint failed, the storage
// slowed down). A TaskManager loss while the job restarts, or a storage
// episode without checkpointing, changes nothing.
type InjectedFailureSummary struct {
	Kind       string `json:"kind"`
	Due        int    `json:"due"`
	TookEffect int    `json:"took_effect"`
}
