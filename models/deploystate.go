package models

import (
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// The job's deploying time, as Flink's DeploymentStateTimeMetrics measures
// it for a streaming job (FLINK-25888, since 1.15, registered after
// JobStatusMetrics by SchedulerBase.registerJobMetrics): the job is
// deploying from the first of its tasks being DEPLOYING until every task
// SCHEDULED since is INITIALIZING or RUNNING, or none is left (a task
// cancelled, failed or finished is no longer awaited). flinksim's tasks
// deploy in no time at the start, and after a failover over
// recovery.redeploy: from the restart delay's end, or a replacement
// TaskManager's slots (DefaultScheduler deploys a restart's tasks once
// every slot is assigned), to INITIALIZING (restart, deployed). A region
// is deploying over that span, the job while any region is; cancelling a
// deploying region's tasks (another failover, the job FAILED) ends its
// span.

// deployingTimes is the job's deploying time in whole ms of the restart
// strategies' clock, as the job status gauges (jobStatusTimes).
type deployingTimes struct {
	regions int   // regions deploying
	since   int64 // ms the job started deploying, while regions > 0
	total   int64 // ms spent deploying before since
}

// startDeploying: region r's tasks are being deployed from now.
func (s *Simulation) startDeploying(r *region) {
	if r.deploying {
		return
	}
	r.deploying = true
	d := &s.deploying
	if d.regions == 0 {
		d.since = s.status.clock.ms(s.eng.Now())
	}
	d.regions++
}

// stopDeploying: region r's tasks are deployed (INITIALIZING), or
// cancelled, now.
func (s *Simulation) stopDeploying(r *region) {
	if !r.deploying {
		return
	}
	r.deploying = false
	d := &s.deploying
	if d.regions--; d.regions == 0 {
		d.total += max(s.status.clock.ms(s.eng.Now())-d.since, 0)
	}
}

// deploysAt: failover op's tasks start deploying at (now, or when the
// replacement TaskManagers' slots come), then take recovery.redeploy.
func (s *Simulation) deploysAt(op int32, at sim.Time) {
	if at > s.eng.Now() {
		s.eng.At(at, evDeploying, op, 0)
	} else {
		s.deployingNow(op)
	}
	s.eng.At(sim.Add(at, s.spec.Recovery.Redeploy), evDeployed, op, 0)
}

// deployingNow: failover op's regions, their restart delay over, start
// deploying (evDeploying; those another failover cancelled since are
// not op's any more).
func (s *Simulation) deployingNow(op int32) {
	for _, r := range s.opRegions(op, regionRestarting) {
		if !r.awaitingRestart {
			s.startDeploying(r)
		}
	}
}

// gauge is DeploymentStateTimeMetrics' gauge of kind (result.JobStatusState,
// Time, TimeTotal): getBinary, getCurrentTime and getTotalTime.
func (d *deployingTimes) gauge(kind string, clock wallClock, now sim.Time) float64 {
	var cur int64
	if d.regions > 0 {
		cur = max(clock.ms(now)-d.since, 0)
	}
	switch kind {
	case result.JobStatusState:
		if d.regions > 0 {
			return 1
		}
		return 0
	case result.JobStatusTime:
		return float64(cur)
	}
	return float64(d.total + cur)
}
