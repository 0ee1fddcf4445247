package models

import (
	"slices"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// The job's status, as Flink's DefaultScheduler moves it. The job is
// RUNNING from the start: INITIALIZING and CREATED last no virtual time.
// Every failover the restart strategy allows, of pipelined regions or of
// every task alike, moves a RUNNING job to RESTARTING
// (DefaultScheduler.restartTasksWithDelay calls addVerticesToRestartPending,
// transitionExecutionGraphState(RUNNING, RESTARTING), whatever the failover
// strategy picked): a region failover is no restart Flink's job status
// hides. A failover while RESTARTING leaves the job RESTARTING, entered
// when it was. The job is RUNNING again when no vertex waits for its
// restart delay (removeVerticesFromRestartPending, from restartTasks, after
// the delay and before the tasks are deployed and restore their state:
// jobRunning). A failover the strategy refuses fails the job: FAILED,
// terminal (flinksim skips FAILING's cancelling, as downtimeGauge says).
type jobStatus uint8

const (
	jobStatusRunning jobStatus = iota
	jobStatusRestarting
	jobStatusFailed
	numJobStatuses
)

// jobStatusOf is the status a JobStatusMetrics gauge's status names, ok
// false for the ones the job never enters here (INITIALIZING, CREATED,
// FAILING, CANCELLING: their gauges read 0).
func jobStatusOf(name string) (jobStatus, bool) {
	switch name {
	case "running":
		return jobStatusRunning, true
	case "restarting":
		return jobStatusRestarting, true
	}
	return 0, false
}

// jobStatusTimes is the job's status over time, in whole ms as Flink's
// clock gives its status timestamps (System.currentTimeMillis: the
// restart strategies' wallClock).
type jobStatusTimes struct {
	clock wallClock
	now   jobStatus
	since int64                 // ms when the job entered now
	total [numJobStatuses]int64 // ms spent in each status before now's
}

// setJobStatus moves the job to status to, now; staying in a status keeps
// the time it entered it (JobStatusMetrics.jobStatusChanges hears only
// changes).
func (s *Simulation) setJobStatus(to jobStatus) {
	j := &s.status
	if j.now == to {
		return
	}
	ms := j.clock.ms(s.eng.Now())
	j.total[j.now] += ms - j.since
	j.now, j.since = to, ms
}

// uptimeGauge is Flink's UpTimeGauge: the ms since the job last became
// RUNNING while it is, -1 once it is in a terminal status, 0 otherwise.
func (j *jobStatusTimes) uptimeGauge(now sim.Time) float64 {
	switch j.now {
	case jobStatusRunning:
		return float64(max(j.clock.ms(now)-j.since, 0))
	case jobStatusFailed:
		return -1
	}
	return 0
}

// statusGauge is JobStatusMetrics' gauge of kind (result.JobStatusState,
// Time, TimeTotal) for the status named status (result.JobStatuses):
// createStateMetric, createCurrentTimeMetric and createTotalTimeMetric.
// After FAILED (a status with no gauges) every Time reads 0 and every
// TimeTotal keeps its total.
func (j *jobStatusTimes) statusGauge(status, kind string, now sim.Time) float64 {
	st, ok := jobStatusOf(status)
	if !ok {
		return 0
	}
	in := j.now == st
	var cur int64
	if in {
		cur = max(j.clock.ms(now)-j.since, 0)
	}
	switch kind {
	case result.JobStatusState:
		if in {
			return 1
		}
		return 0
	case result.JobStatusTime:
		return float64(cur)
	}
	return float64(j.total[st] + cur)
}

// jobSeries are the job-scope series: with checkpointing the checkpoint
// counts and gauges (CheckpointStatsTracker registers them as the
// execution graph enables checkpointing); for every job numRestarts
// (and fullRestarts where the release has it), downtime and the job
// status gauges (SchedulerBase.registerJobMetrics: jobStatusSeries).
func jobSeries(checkpointing, fullRestarts bool, k *JobStatusMetricKinds) []string {
	var out []string
	if checkpointing {
		out = []string{result.MetricLastCkptDuration, result.MetricLastCkptSize, result.MetricLastCkptFullSize,
			result.MetricLastCompletedCkptID, result.MetricCompletedCkpts, result.MetricFailedCkpts, result.MetricInProgressCkpts}
	}
	out = append(out, result.MetricRestarts)
	if fullRestarts {
		out = append(out, result.MetricFullRestarts)
	}
	return append(append(out, result.MetricDowntime), jobStatusSeries(k)...)
}

// jobStatusSeries are the job status gauges' names in the order Flink
// registers them: uptime, then JobStatusMetrics', status by status in
// JobStatus' order, each status' State, Time and TimeTotal as
// metrics.job.status.enable selects them (nil: CURRENT_TIME), then
// DeploymentStateTimeMetrics' of the same kinds (deploystate.go).
func jobStatusSeries(k *JobStatusMetricKinds) []string {
	if k == nil {
		k = &JobStatusMetricKinds{CurrentTime: true}
	}
	out := []string{result.MetricUptime}
	for _, st := range append(slices.Clip(result.JobStatuses), result.Deploying) {
		if k.State {
			out = append(out, result.JobStatusMetric(st, result.JobStatusState))
		}
		if k.CurrentTime {
			out = append(out, result.JobStatusMetric(st, result.JobStatusTime))
		}
		if k.TotalTime {
			out = append(out, result.JobStatusMetric(st, result.JobStatusTimeTotal))
		}
	}
	return out
}
