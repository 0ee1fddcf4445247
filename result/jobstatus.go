package result

import "strings"

// Job-scope gauges of the job's status, as Flink's JobManager registers
// them for every job (SchedulerBase.registerJobMetrics, in every release
// flinksim knows, 1.15 to 2.x): uptime (UpTimeGauge) beside downtime and
// numRestarts, and JobStatusMetrics' gauges, which came with FLINK-23976
// (apache/flink PR 18143, merged for 1.15, which deprecated uptime and
// downtime). In 1.15 and later the name restartingTime is
// JobStatusMetrics' current-time gauge of RESTARTING: the older
// RestartTimeGauge, which kept the last restart's length after the job ran
// again, is no longer registered.
const (
	// MetricUptime is UpTimeGauge: while the job is RUNNING, the whole ms
	// since it last became RUNNING; -1 once it is in a terminal status
	// (FAILED); 0 in any other status (RESTARTING).
	MetricUptime = "uptime"
)

// JobStatuses are the statuses JobStatusMetrics has gauges for, in
// JobStatus' order: every status that is not terminal, less RECONCILING.
var JobStatuses = []string{"initializing", "created", "running", "failing", "cancelling", "restarting"}

// The three kinds of JobStatusMetrics gauge (MetricOptions.JobStatusMetrics,
// chosen by metrics.job.status.enable; Flink's default is CURRENT_TIME),
// the suffix of each gauge's name after the status in lower case:
// <status>State is 1 while the job is in the status, else 0; <status>Time
// the whole ms since the job entered it while it is in it, else 0;
// <status>TimeTotal the whole ms it has spent in it in all.
const (
	JobStatusState     = "State"
	JobStatusTime      = "Time"
	JobStatusTimeTotal = "TimeTotal"
)

// JobStatusMetric is the name of JobStatusMetrics' gauge of kind (State,
// Time, TimeTotal) for status (one of JobStatuses): runningTime,
// restartingTimeTotal.
func JobStatusMetric(status, kind string) string { return status + kind }

// Deploying names DeploymentStateTimeMetrics' gauges, of the kinds
// metrics.job.status.enable selects as for a status (StateTimeMetric.register):
// deployingState is 1 while the job deploys tasks, else 0; deployingTime
// the whole ms since it started, else 0; deployingTimeTotal the whole ms it
// has deployed in all. A streaming job is deploying from the first task
// DEPLOYING until every task scheduled is INITIALIZING or RUNNING (FLINK-25888,
// apache/flink PR 18566, merged for 1.15, as JobStatusMetrics).
const Deploying = "deploying"

// SplitDeployingMetric is a DeploymentStateTimeMetrics gauge's kind, ok
// false for any other name.
func SplitDeployingMetric(name string) (kind string, ok bool) {
	switch rest, found := strings.CutPrefix(name, Deploying); {
	case !found:
		return "", false
	case rest == JobStatusState, rest == JobStatusTime, rest == JobStatusTimeTotal:
		return rest, true
	}
	return "", false
}

// SplitJobStatusMetric is a JobStatusMetrics gauge's status and kind, ok
// false for any other name.
func SplitJobStatusMetric(name string) (status, kind string, ok bool) {
	for _, st := range JobStatuses {
		rest, found := strings.CutPrefix(name, st)
		if !found {
			continue
		}
		switch rest {
		case JobStatusState, JobStatusTime, JobStatusTimeTotal:
			return st, rest, true
		}
	}
	return "", "", false
}
