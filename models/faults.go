package models

import (
	"fmt"
	"strconv"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Injected failures: a TaskManager lost (noticed as its detection says), a
// checkpoint failing, a storage slowdown, at the scenario's times or drawn
// from a mean time between failures (stream "failures").

// scheduleFailures arms the injected failures.
func (s *Simulation) scheduleFailures() {
	for i, f := range s.spec.Failures {
		switch f.Kind {
		case FailTaskManager:
			if f.OnCheckpoint {
				continue // lossesAtCheckpoint
			}
			if f.MTBF > 0 {
				s.eng.At(sim.FromSeconds(s.failRng.ExpFloat64()*f.MTBF.Seconds()), evFailure, int32(i), 0)
			} else {
				s.eng.At(f.At, evFailure, int32(i), 0)
			}
		case FailCheckpoint:
			if f.Checkpoint == 0 {
				s.eng.At(f.At, evFailure, int32(i), 0)
			}
		case FailStorageSlowdown, FailStorageOutage, FailKafkaOutage, FailSinkOutage:
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
		s.injectLoss(i)
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
	case FailKafkaOutage, FailSinkOutage:
		s.outageEdge(i, end == 1)
	case FailStorageSlowdown, FailStorageOutage:
		if s.coord == nil {
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

// injectLoss loses the TaskManager of injected failure i (one at random
// unless it names one).
func (s *Simulation) injectLoss(i int) {
	f := s.spec.Failures[i]
	tm := f.TaskManager
	if tm < 0 {
		tm = s.failRng.IntN(s.totalTMs)
	}
	if s.loseTaskManager(tm, f.Detection) {
		s.injected[i].TookEffect++
	}
}

// lossesAtCheckpoint loses the TaskManagers due when checkpoint id is about
// to complete (before: its last acknowledgement arrived, the JobManager has
// not finalized it) or has just completed (no task notified yet).
func (s *Simulation) lossesAtCheckpoint(id int64, before bool) {
	for i, f := range s.spec.Failures {
		if f.Kind != FailTaskManager || !f.OnCheckpoint || f.BeforeCompletion != before || s.injected[i].Due > 0 {
			continue
		}
		if f.AtCheckpoint == id || f.AtCheckpoint == 0 && s.eng.Now() >= f.At {
			s.injected[i].Due++
			s.injectLoss(i)
		}
	}
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
	if s.trace != nil {
		s.tracef("injected checkpoint-failure: a task declines checkpoint %d, its async phase failing", id)
	}
	s.coord.fail(id, result.FailureAsync, true) // the task declines: CHECKPOINT_ASYNC_EXCEPTION
}

// loseTaskManager kills a TaskManager now; the regions with tasks on it
// fail over when the loss is noticed (detectionDelay), and no task is
// deployed to it until its replacement has started. It reports whether the
// loss took effect (not when the job has failed or the TaskManager is
// lost and its replacement not yet started: a replacement that has
// started, its tasks deploying to it or waiting for other slots, is a
// process that can be lost in turn).
func (s *Simulation) loseTaskManager(tm int, how Detection) bool {
	if s.failed || tm < 0 || tm >= s.totalTMs || s.tmLost[tm] && s.eng.Now() < s.tmBack[tm] {
		return false
	}
	s.catchUpAll() // its sources read up to the loss
	now := s.eng.Now()
	delay, why, noticed := s.detectionDelay(tm, how)
	s.tmLost[tm] = true
	s.tmLostAt[tm] = now
	// The resource manager asks for a replacement once the loss is noticed.
	s.tmNoticeAt[tm] = sim.Add(now, delay)
	s.tmBack[tm] = sim.Add(s.tmNoticeAt[tm], s.spec.Recovery.TaskManagerStart)
	for _, st := range s.subtasks {
		if st.tm == tm {
			st.dead = true
			st.setState(now, stDown)
		}
	}
	s.storage.cancel(func(t *transfer) bool { return t.st.tm == tm })
	s.tmHow[tm], s.tmOOM[tm] = noticed, ""
	if s.trace != nil {
		s.tracef("TaskManager %d lost (%s): its tasks stop; the JobManager notices %s, a replacement is ready %s after that",
			tm, how, why, s.spec.Recovery.TaskManagerStart)
	}
	for _, st := range s.subtasks {
		if st.tm == tm {
			s.cutStep(st) // what it processed before the loss went through
		}
	}
	s.eng.At(sim.Add(now, delay), evDetect, int32(tm), int64(now))
	return true
}

// detected: the loss of TaskManager tm at lostAt is noticed; the regions
// of its tasks fail over (unless a failover has redeployed them already).
func (s *Simulation) detected(tm int, lostAt int64) {
	if !s.tmLost[tm] || int64(s.tmLostAt[tm]) != lostAt {
		return
	}
	var dead []*subtask
	for _, st := range s.subtasks {
		if st.tm == tm && st.dead {
			dead = append(dead, st)
		}
	}
	if len(dead) > 0 {
		reason, cause := "TaskManager "+strconv.Itoa(tm)+" lost ("+s.tmHow[tm].noticed()+")", CauseTaskManager
		if oom := s.tmOOM[tm]; oom != "" {
			reason, cause = reason+": its JVM exited on "+oom, CauseOutOfMemory
		}
		s.failover(reason, cause, s.tmLostAt[tm], dead)
	}
}

// unnoticed reports whether TaskManager tm is lost and the JobManager has
// not noticed yet: its slots are still registered, so the scheduler
// deploys to them (the slot pool releases a TaskManager's slots only when
// it disconnects: JobMaster.disconnectTaskManager).
func (s *Simulation) unnoticed(tm int) bool {
	return s.tmLost[tm] && s.eng.Now() < s.tmNoticeAt[tm]
}

// deployingToLost reports whether a task of regions rs is deployed to a
// lost TaskManager not yet noticed: its deployment does not finish.
func (s *Simulation) deployingToLost(rs []*region) bool {
	for _, r := range rs {
		for _, st := range r.subtasks {
			if s.unnoticed(st.tm) {
				return true
			}
		}
	}
	return false
}

// deployTimedOut: failover op's deployment started pekko.ask.timeout ago
// and its tasks on a lost TaskManager, not noticed since, have had no
// answer to submitTask: they fail (Execution.deploy marks them FAILED,
// "Cannot deploy task ... not responding after a rpcTimeout"), a failover
// like any other, which the restart strategy counts.
func (s *Simulation) deployTimedOut(op int32) {
	var sts []*subtask
	for _, r := range s.opRegions(op, regionRestarting) {
		for _, st := range r.subtasks {
			if r.deploying && s.unnoticed(st.tm) {
				sts = append(sts, st)
			}
		}
	}
	if len(sts) == 0 {
		return
	}
	to := s.spec.Recovery.AskTimeout
	// The timeout as Flink 1.x's Time prints it (toString: "10000 ms").
	reason := fmt.Sprintf("Cannot deploy task %s - TaskManager %d not responding after a rpcTimeout of %d ms", sts[0].name(), sts[0].tm, to/sim.Millisecond)
	s.failover(reason, CauseTaskManager, s.eng.Now()-to, sts)
}

// noticed is what the failure says, as Flink's messages do
// (RemoteTransportException, HeartbeatListener.notifyTargetUnreachable,
// notifyHeartbeatTimeout).
func (d Detection) noticed() string {
	return [...]string{"connection unexpectedly closed", "no longer reachable", "heartbeat timeout"}[d]
}

// detectionDelay is how long the loss of TaskManager tm now goes
// unnoticed, why, and how the JobManager notices it. Its heartbeat
// requests go out to every TaskManager together, every heartbeat.interval
// from the job's start (HeartbeatManagerSenderImpl, one loop for all
// targets), each answered at once while the TaskManager lives; every
// answer restarts the heartbeat timeout (DefaultHeartbeatMonitor), as
// does a TaskManager's registration (a replacement's: its monitor starts
// then). A hung TaskManager is noticed heartbeat.timeout after its last
// answer, 40 to 50 s after it hangs by default; an unreachable one as the
// heartbeat.rpc-failure-threshold-th request after the loss fails
// (reportHeartbeatRpcFailure: 10 to 20 s), or by the timeout if that comes
// first (a threshold of -1 turns it off), and then JobMaster's
// TaskManagerHeartbeatListener says so (notifyHeartbeatTimeout, not
// notifyTargetUnreachable).
func (s *Simulation) detectionDelay(tm int, how Detection) (sim.Time, string, Detection) {
	r := s.spec.Recovery
	now := s.eng.Now()
	if how == DetectProcessExit {
		return 0, "at once: its connections closed", how
	}
	iv := r.HeartbeatInterval
	beat := func(k sim.Time) sim.Time { // the k-th request after the one at or before now
		if iv <= 0 { // a spec without heartbeat.interval: answered continuously
			return now
		}
		return (now/iv + k) * iv
	}
	last := max(beat(0), s.tmBack[tm]) // its last answer, or its registration
	timeout := sim.Add(last, r.HeartbeatTimeout) - now
	byTimeout := fmt.Sprintf("after heartbeat.timeout %s", r.HeartbeatTimeout)
	if last < now {
		byTimeout = fmt.Sprintf("heartbeat.timeout %s after its last heartbeat, %s before the loss: after %s", r.HeartbeatTimeout, now-last, timeout)
	}
	if how == DetectUnreachable && r.RPCFailureThreshold > 0 {
		failed := beat(sim.Time(r.RPCFailureThreshold)) // the threshold-th request after the loss
		if d := failed - now; d < timeout {
			return d, fmt.Sprintf("as its %d-th failed heartbeat request in a row, one every heartbeat.interval %s: %s", r.RPCFailureThreshold, iv, d), how
		}
	}
	return timeout, byTimeout, DetectHang
}
