package models

import (
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// The job's deploying time, as Flink's DeploymentStateTimeMetrics measures
// it for a streaming job (FLINK-25888, since 1.15, registered after
// JobStatusMetrics by SchedulerBase.registerJobMetrics): a task SCHEDULED
// is expected; the job starts deploying when a task is DEPLOYING, and stops
// when every expected task is INITIALIZING or RUNNING, or none is expected
// (a task cancelled or failed is no longer). flinksim's tasks deploy in no
// time at the start. After a failover a region's tasks are SCHEDULED when
// its restart delay is over (DefaultExecutionDeployer.allocateSlotsAndDeploy
// moves them to SCHEDULED before it asks for slots), DEPLOYING once every
// slot is assigned (waitForAllSlotsAndDeploy: a lost TaskManager's
// replacement has come), for recovery.redeploy, then INITIALIZING
// (restart, deployed). Cancelling a region's tasks (another failover, the
// job FAILED) takes them out. A TaskManager lost while they deploy fails
// them as it fails running tasks (Execution.markFailed, from DEPLOYING to
// FAILED; DefaultScheduler.onTaskFailed): a failover of their regions like
// any other (regions.go: failingRegions), whose restart strategy decides,
// and which SCHEDULES them again when its restart delay is over; the
// failed deployment's events are ignored (deployGen). A lost TaskManager the
// JobManager has not noticed yet keeps its slots, so tasks deploy to it and
// fail when submitTask times out (faults.go: deployTimedOut).

// deployingTimes is the job's deploying time in whole ms of the restart
// strategies' clock, as the job status gauges (jobStatusTimes).
type deployingTimes struct {
	expected int   // regions SCHEDULED or DEPLOYING (not yet INITIALIZING)
	on       bool  // deploying: since a region's DEPLOYING, while any is expected
	since    int64 // ms the job started deploying, while on
	total    int64 // ms spent deploying before since
}

// regionScheduled: region r's tasks are SCHEDULED (expected) from now.
func (s *Simulation) regionScheduled(r *region) {
	if !r.scheduled {
		r.scheduled = true
		s.deploying.expected++
	}
}

// startDeploying: region r's tasks are DEPLOYING from now.
func (s *Simulation) startDeploying(r *region) {
	s.regionScheduled(r)
	r.deploying = true
	if d := &s.deploying; !d.on {
		d.on, d.since = true, s.status.clock.ms(s.eng.Now())
	}
}

// stopDeploying: region r's tasks are INITIALIZING, or cancelled, now: no
// longer expected.
func (s *Simulation) stopDeploying(r *region) {
	r.deploying = false
	if !r.scheduled {
		return
	}
	r.scheduled = false
	d := &s.deploying
	if d.expected--; d.expected == 0 && d.on {
		d.on = false
		d.total += max(s.status.clock.ms(s.eng.Now())-d.since, 0)
	}
}

// deploysAt: failover op's tasks, SCHEDULED now, start DEPLOYING at (now,
// or when the replacement TaskManagers' slots come), and are deployed
// recovery.redeploy later.
func (s *Simulation) deploysAt(op int32, at sim.Time) {
	for _, r := range s.opRegions(op, regionRestarting) {
		if !r.awaitingRestart {
			s.regionScheduled(r)
		}
	}
	if s.deployGen == nil {
		s.deployGen = map[int32]int64{}
	}
	s.deployGen[op]++
	gen := s.deployGen[op]
	if at > s.eng.Now() {
		s.eng.At(at, evDeploying, op, gen)
	} else {
		s.deployingNow(op)
	}
	s.eng.At(sim.Add(at, s.spec.Recovery.Redeploy), evDeployed, op, gen)
}

// deployment reports whether gen is failover op's current deployment (an
// event of one that failed since is ignored).
func (s *Simulation) deployment(op int32, gen int64) bool {
	return s.deployGen[op] == gen
}

// deployingNow: failover op's regions start DEPLOYING (evDeploying; those
// another failover cancelled since are not op's any more), unless a
// TaskManager they need was lost and noticed since: then they wait for its
// replacement, and deployed defers them. Tasks deployed to a lost
// TaskManager not yet noticed fail pekko.ask.timeout later
// (deployTimedOut), unless the loss is noticed first.
func (s *Simulation) deployingNow(op int32) {
	var rs []*region
	for _, r := range s.opRegions(op, regionRestarting) {
		if !r.awaitingRestart {
			rs = append(rs, r)
		}
	}
	if s.replacedBy(rs) > s.eng.Now() {
		return
	}
	for _, r := range rs {
		s.startDeploying(r)
	}
	if s.spec.Recovery.AskTimeout > 0 && s.deployingToLost(rs) {
		s.eng.At(sim.Add(s.eng.Now(), s.spec.Recovery.AskTimeout), evDeployTimeout, op, s.deployGen[op])
	}
}

// gauge is DeploymentStateTimeMetrics' gauge of kind (result.JobStatusState,
// Time, TimeTotal): getBinary, getCurrentTime and getTotalTime.
func (d *deployingTimes) gauge(kind string, clock wallClock, now sim.Time) float64 {
	var cur int64
	if d.on {
		cur = max(clock.ms(now)-d.since, 0)
	}
	switch kind {
	case result.JobStatusState:
		if d.on {
			return 1
		}
		return 0
	case result.JobStatusTime:
		return float64(cur)
	}
	return float64(d.total + cur)
}
