package models

import (
	"fmt"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Failover and recovery, as Flink's DefaultScheduler restarts tasks: the
// failover strategy picks the pipelined regions to restart (regions.go);
// their tasks are cancelled and their in-flight data dropped; the restart
// strategy decides the delay (or fails the job); the tasks are redeployed
// (after a replacement TaskManager starts, if theirs was lost; a TaskManager
// lost while they deploy fails them, a failover of their regions again,
// counted and delayed by the restart strategy as any other); each
// stateful subtask restores its state from the last completed checkpoint
// (unless local recovery finds it on a TaskManager that survived) while it
// is INITIALIZING; the region's sources rewind to the checkpoint's offsets
// (or to the start of the retained input when no checkpoint had completed)
// and it catches up. Regions not restarted keep running. The job is
// RESTARTING from the failure until the restart delay is over
// (DefaultScheduler.addVerticesToRestartPending): the checkpoint scheduler
// stops and pending checkpoints are aborted (CheckpointCoordinatorDeActivator
// calls stopCheckpointScheduler: CHECKPOINT_COORDINATOR_SUSPEND, "Checkpoint
// Coordinator is suspending.", not counted as failures); it starts again when
// the job is RUNNING, before the tasks are deployed, and its triggers fail
// until every task runs (NOT_ALL_REQUIRED_TASKS_RUNNING).

// failover restarts what a failure of the subtasks sts takes down (nil: a
// global failure, every region). cause names the kind of failure
// (result.FailureEvent.Cause); failedAt is when it happened, before it was
// noticed.
func (s *Simulation) failover(reason, cause string, failedAt sim.Time, sts []*subtask) {
	if s.failed {
		return
	}
	rs, failures := s.regions, 1
	if sts != nil {
		rs, failures = s.failingRegions(sts)
	}
	if len(rs) == 0 {
		return // every task of it is cancelled already, none DEPLOYING: nothing to cancel
	}
	s.failRegions(reason, cause, failedAt, rs, failures, sts == nil)
}

// failRegions cancels regions rs for failures failures at once (global: a
// failure of the whole job, such as an enumerator's) and schedules their
// restart, or fails the job when the restart strategy refuses one.
func (s *Simulation) failRegions(reason, cause string, failedAt sim.Time, rs []*region, failures int, global bool) {
	s.catchUpAll() // its sources read up to the failure: those records are replayed
	now := s.eng.Now()
	ev := result.FailureEvent{At: now, Reason: reason, Cause: cause, FailedAt: failedAt, Global: global, Partial: len(rs) < len(s.regions)}
	for _, r := range rs {
		ev.Regions = append(ev.Regions, int(r.id))
	}
	op := s.record(ev)
	if s.trace != nil {
		s.tracef("FAILOVER of %s: tasks cancelled, in-flight data dropped: %s", regionsText(s, rs), reason)
	}
	if s.coord != nil && s.coord.running {
		s.coord.stop(result.FailureSuspend)
	}
	delay, refused, merged := s.notifyRestarter(now, failures, global)
	if refused > 0 {
		s.accountDown(now)
		s.failed = true // FAILED: terminal, no longer down or restoring
		s.setJobStatus(jobStatusFailed)
		s.failure(op).Final = true
		s.cancel(s.regions, op)
		if s.trace != nil {
			s.tracef("job FAILED: the restart strategy (%s) allows no more restarts%s", s.spec.Restart.Kind, failuresText(refused, failures, merged, global))
		}
		return
	}
	s.setJobStatus(jobStatusRestarting)
	s.cancel(rs, op)
	s.failure(op).RestartDelay = delay
	if s.trace != nil {
		s.tracef("job RESTARTING: restart %d after the %s restart delay of %s%s", s.restarts, s.spec.Restart.Kind, durText(delay), failuresText(0, failures, merged, global))
	}
	s.eng.At(sim.Add(now, delay), evRestart, op, 0)
}

// notifyRestarter hands the restart strategy the failures one failover
// counts (failingRegions), one by one as ExecutionFailureHandler
// .handleFailure does: notifyFailure, then canRestart; the job fails at the
// first one it refuses (refused, counted from 1: handleFailure's
// "Recovery is suppressed by FixedDelayRestartBackoffTimeStrategy(...)",
// and DefaultScheduler.maybeRestartTasks fails the job, dropping the
// restarts scheduled before). Flink's numRestarts counts each
// one allowed that is a new attempt (ExecutionFailureHandler,
// FLINK-33565): with fixed-delay and failure-rate
// (FixedDelayRestartBackoffTimeStrategy counts an attempt at every
// notifyFailure, FailureRateRestartBackoffTimeStrategy records a
// timestamp) and exponential-delay before 1.19, every one, so a
// TaskManager holding tasks of two regions uses two attempts; with
// exponential-delay from 1.19 (FLIP-364) the later ones merge into the
// restart the first scheduled (merged counts them). The exception history
// follows the same split (SchedulerBase.archiveFromFailureHandlingResult):
// each new attempt is a root exception entry, a merged failure a
// concurrent exception of the latest one; the region's other tasks,
// CANCELING, add none. delay is the first failure's restart delay: the
// failover restarts its regions together, where Flink schedules each
// region's restart after its own backoff (the same for fixed-delay and
// failure-rate, and from 1.19 the one merged into; only exponential-delay
// before 1.19 grows it by the multiplier for each).
//
// Global failures (several enumerators at once) each restart every task:
// each handleGlobalFailure's restartTasksWithDelay bumps every vertex's
// version, so only the last one's restart runs (ExecutionVertexVersioner:
// the earlier finds no vertex unmodified), after the last failure's delay
// (longer for exponential-delay before 1.19, which grows it at each).
func (s *Simulation) notifyRestarter(now sim.Time, failures int, global bool) (delay sim.Time, refused, merged int) {
	for i := 1; i <= failures; i++ {
		newAttempt := s.restarter.notifyFailure(now)
		if !s.restarter.canRestart(now) {
			return 0, i, merged
		}
		if newAttempt { // numRestarts counts new attempts, not failures merged into one
			s.restarts++
		} else {
			merged++
		}
		if i == 1 || global {
			delay = s.restarter.backoff(now)
		}
	}
	return delay, 0, merged
}

// failuresText tells, for the trace, how many failures a failover counted
// when more than one: which one the restart strategy refused (0: none),
// how many merged into a pending restart.
func failuresText(refused, failures, merged int, global bool) string {
	if failures == 1 {
		return ""
	}
	t := fmt.Sprintf(" (%d failures, one per pipelined region hit, each a task failure of its own", failures)
	if global {
		t = fmt.Sprintf(" (%d failures, one per source whose enumerator failed the job, each a global failure of its own", failures)
	}
	if refused > 0 {
		t += fmt.Sprintf("; it refused failure %d", refused)
	}
	if merged > 0 {
		t += fmt.Sprintf("; %d merged into the pending restart, no new attempt", merged)
	}
	return t + ")"
}

// regionsText names regions for the trace.
func regionsText(s *Simulation, rs []*region) string {
	switch {
	case len(s.regions) == 1:
		return "the job's one pipelined region"
	case len(rs) == len(s.regions):
		return fmt.Sprintf("all %d pipelined regions", len(rs))
	case len(rs) == 1:
		return fmt.Sprintf("pipelined region %d of %d", rs[0].id, len(s.regions))
	}
	return fmt.Sprintf("%d of %d pipelined regions", len(rs), len(s.regions))
}

// setRegionState moves a region on, keeping the job's downtime (some
// region cancelled and not yet deployed again) and restore time (some
// region INITIALIZING), each counted once however many regions overlap.
func (s *Simulation) setRegionState(r *region, to regionState) {
	s.stopDeploying(r) // deployed (INITIALIZING), or its tasks cancelled
	s.accountDown(s.eng.Now())
	s.countRegion(r.state, -1)
	s.countRegion(to, 1)
	r.state = to
}

// countRegion counts a region into (d = 1) or out of (-1) a state.
func (s *Simulation) countRegion(st regionState, d int) {
	switch st {
	case regionRestarting:
		s.downRegions += d
	case regionInitializing:
		s.initRegions += d
	}
}

// accountDown adds the downtime and restore time since the last change.
func (s *Simulation) accountDown(now sim.Time) {
	if !s.failed {
		if s.downRegions > 0 {
			s.downtime += now - s.downSince
		}
		if s.initRegions > 0 {
			s.restoreTime += now - s.downSince
		}
	}
	s.downSince = now
}

// cancel cancels the tasks of regions rs for failover op and drops what is
// in flight in them.
func (s *Simulation) cancel(rs []*region, op int32) {
	now := s.eng.Now()
	for _, r := range rs {
		// A region restarting already (DEPLOYING, or a global failure's)
		// had its writers rewound by the failover that cancelled it: they
		// have written nothing since.
		again := r.state == regionRestarting
		r.attempt++
		r.op = op
		r.restoring = 0
		r.awaitingRestart = true
		s.setRegionState(r, regionRestarting)
		in := func(t *transfer) bool { return t.st.region == r }
		s.storage.cancel(in)
		for _, st := range r.subtasks {
			if !st.dead { // a lost TaskManager's were cut as it was lost
				s.cutStep(st)
			}
			st.restoring = false // its downloads are cancelled
			// the task that comes back has no watermark until one arrives
			// (watermarks are not part of a checkpoint): its gauges read
			// Long.MIN_VALUE meanwhile, as a new WatermarkGauge does
			st.wm = wmState{lagRng: st.wm.lagRng, delays: st.wm.delays}
			for _, w := range st.sinks {
				if !again {
					s.sinkCancelled(w, op, s.restorePoint())
				}
			}
			s.discardSubtask(st)
			st.setState(now, stDown)
			for _, p := range st.parts {
				s.discardPartition(p)
			}
		}
		for _, st := range r.subtasks {
			for _, g := range st.gates {
				g.avail, g.waiters = ring[int32]{}, ring[int32]{}
				g.floatUsed, g.remoteHeld, g.floatLag = 0, 0, 0
			}
			st.readable = 0
		}
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
	st.held, st.recycleAtEnd = st.held[:0], 0
	st.stalled = 0
	for i := range st.ops {
		st.ops[i].dropped += st.ops[i].batch.Records
		st.ops[i].batch = Chunk{}
	}
	s.eng.Disarm(st.batchTimer)
	st.setBusy(false)
	st.step.on = false
	st.syncing, st.ready = 0, false
	st.ck = taskCkpt{baseRecs: st.ck.baseRecs, baseSST: st.ck.baseSST, hasBase: st.ck.hasBase}
	s.eng.Disarm(st.wake)
	s.eng.Disarm(st.gather)
	s.eng.Disarm(st.flush)
	st.gathered = false
	st.poisoned = false
}

// discardPartition empties a sender's channels.
func (s *Simulation) discardPartition(p *partition) {
	for _, c := range p.ch {
		p.edge.discarded += c.inflight
		c.inflight, c.trailWM = 0, noWatermark
		for i := 0; i < c.q.Len(); i++ {
			if c.q.At(i).Barrier != 0 {
				c.dst.owner.barriersQueued--
			}
		}
		c.q = ring[Chunk]{}
		c.open, c.segs, c.fill, c.flushReq, c.parked, c.span = Chunk{}, c.segs[:0], 0, false, nil, 0
		c.delivered, c.sendBuf, c.recvBuf, c.floatHeld, c.transit, c.creditLag = 0, 0, 0, 0, 0, 0
		c.queued, c.waiting, c.blocked = false, false, false
		c.barrierSeen, c.persist = 0, 0
	}
	p.used, p.full = 0, 0
	if p.tree != nil {
		p.tree.gen = -1 // rebuilt at the next room
	}
}

func (s *Simulation) restorePoint() *pendingCheckpoint {
	if s.coord == nil {
		return nil
	}
	return s.coord.lastCompleted
}

// opRegions are the regions failover op still restarts (a later failover
// may have taken some over).
func (s *Simulation) opRegions(op int32, state regionState) []*region {
	var out []*region
	for _, r := range s.regions {
		if r.op == op && r.state == state {
			out = append(out, r)
		}
	}
	return out
}

// restart is failover op's restart delay ending: redeploy, after
// replacement TaskManagers have started.
func (s *Simulation) restart(op int32) {
	rs := s.opRegions(op, regionRestarting)
	if len(rs) == 0 || s.failed {
		return
	}
	if s.failure(op).Global {
		s.restartEnumerators() // SchedulerBase.restoreState resets the coordinators
	}
	if p := s.restorePoint(); p != nil {
		s.coord.reportRestore(p.id, s.eng.Now())
	}
	for _, r := range rs {
		r.awaitingRestart = false
	}
	s.jobRunning()
	s.deploysAt(op, s.replacedBy(rs))
}

// jobRunning: the job is RUNNING again once no region waits for its
// restart delay (DefaultScheduler.removeVerticesFromRestartPending), before
// its tasks are deployed and restored, and the checkpoint scheduler starts
// with a new random initial delay (CheckpointCoordinatorDeActivator). Its
// triggers fail before they start until every task runs
// (coordinator.go: notAllRunning).
func (s *Simulation) jobRunning() {
	if s.failed {
		return
	}
	for _, r := range s.regions {
		if r.awaitingRestart {
			return
		}
	}
	s.setJobStatus(jobStatusRunning)
	if s.coord != nil && !s.coord.running {
		s.coord.start()
	}
}

// replacedBy is when every lost TaskManager of regions rs that the
// JobManager has noticed has its replacement (now, when none is lost). One
// not noticed yet still offers its slots (unnoticed).
func (s *Simulation) replacedBy(rs []*region) sim.Time {
	at := s.eng.Now()
	for _, r := range rs {
		for _, st := range r.subtasks {
			if s.tmLost[st.tm] && !s.unnoticed(st.tm) {
				at = max(at, s.tmBack[st.tm])
			}
		}
	}
	return at
}

// deployed: failover op's tasks are deployed and restore their state
// (INITIALIZING); for the job this is RUNNING again.
func (s *Simulation) deployed(op int32) {
	rs := s.opRegions(op, regionRestarting)
	if len(rs) == 0 || s.failed {
		delete(s.deployGen, op)
		return
	}
	now := s.eng.Now()
	if s.deployingToLost(rs) {
		// Deployed to a lost TaskManager the JobManager has not noticed:
		// no answer comes, and the ask timeout (deployTimedOut) or the
		// loss's detection (detected) fails the tasks.
		return
	}
	if at := s.replacedBy(rs); at > now {
		// A TaskManager was lost while the tasks were being deployed: the
		// scheduler waits for a slot on its replacement.
		s.deploysAt(op, at)
		return
	}
	s.failure(op).RunningAt = now
	delete(s.deployGen, op)
	p := s.restorePoint()
	for _, r := range rs {
		s.setRegionState(r, regionInitializing)
		for _, st := range r.subtasks {
			st.setState(now, stInitializing)
			newAttempt(st) // before the restore: a committer's commits there are the new attempt's
		}
		s.resetDebloating(r) // new tasks start at the full buffer size
		r.restoring = 0
		if p == nil {
			s.restoreSavepoint(r)
		} else {
			s.restoreCheckpoint(r, p)
		}
		// The tasks run on the TaskManagers they were deployed to: lost
		// ones have been replaced.
		for _, st := range r.subtasks {
			st.dead = false
			if !st.restoring {
				s.subtaskRestored(st) // nothing to download
			}
		}
	}
	s.clearReplacedTaskManagers()
	if s.trace != nil {
		n := 0
		for _, r := range rs {
			n += r.restoring
		}
		from := "no completed checkpoint: state starts empty"
		switch {
		case p != nil:
			from = fmt.Sprintf("restoring checkpoint %d, %d subtask(s) download their state", p.id, n)
		case n > 0: // the warm state: the savepoint (or claimed checkpoint) the job started from
			from = fmt.Sprintf("no completed checkpoint: restoring the state the job started from, %d subtask(s) download it", n)
		}
		s.tracef("tasks of %s deployed (INITIALIZING); %s", regionsText(s, rs), from)
	}
	for _, r := range rs {
		if r.restoring == 0 {
			s.regionRestored(r)
		}
	}
}

// restoreCheckpoint starts region r's state downloads from checkpoint p.
func (s *Simulation) restoreCheckpoint(r *region, p *pendingCheckpoint) {
	for _, st := range r.subtasks {
		sub := p.subs[st.id]
		files := sub.stateSize + s.opFile(&sub)
		if files == 0 && sub.replay == 0 { // operator state inlined in the metadata comes with the deployment
			continue
		}
		local := s.localCopy(st)
		switch {
		case sub.replay > 0 && (files == 0 || local && s.incremental()):
			// RocksDB opens its local copy, or the changelog backend has
			// nothing materialized yet: the log is downloaded and replayed
			r.restoring++
			st.restoring = true
			s.storage.startDownload(st, p.id, sub.replay, true, false)
		case local && s.incremental():
			// RocksDB opens its local checkpoint directory
		default:
			r.restoring++
			st.restoring = true
			t := s.storage.startDownload(st, p.id, float64(sub.stateSize+s.opFile(&sub)), !s.incremental(), local)
			t.replay = sub.replay
		}
	}
}

// clearReplacedTaskManagers forgets lost TaskManagers none of whose tasks
// is still dead.
func (s *Simulation) clearReplacedTaskManagers() {
	for tm, lost := range s.tmLost {
		if !lost {
			continue
		}
		replaced := true
		for _, st := range s.subtasks {
			replaced = replaced && !(st.tm == tm && st.dead)
		}
		s.tmLost[tm] = !replaced
	}
}

// restoreSavepoint: with no completed checkpoint, a job started from a
// savepoint or retained checkpoint (warm state) restores that again:
// canonical savepoint entries re-inserted, or with a claimed incremental
// checkpoint its files.
func (s *Simulation) restoreSavepoint(r *region) {
	c := s.spec.Checkpointing
	if c == nil {
		return
	}
	for _, st := range r.subtasks {
		if b := s.initialState(st); b > 0 {
			r.restoring++
			st.restoring = true
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
