package models

import "github.com/flinksim/flinksim/result"

// Task metrics per execution attempt. Flink deploys a restarted task as a
// new execution attempt with a new metric group (TaskExecutor.submitTask →
// TaskManagerJobMetricGroup.addTask, keyed by the ExecutionAttemptID): its
// counters (a sink writer's numRecordsSend, SinkWriterMetricGroup; a
// committer's, SinkCommitterMetricGroup; a window operator's
// numLateRecordsDropped) start again at 0, and the cancelled attempt's
// group is closed, so from a task's cancellation until it is deployed again
// they have no value; nor from the loss of its TaskManager, whose metric
// reporter is gone with it (an exited, unreachable or hung process
// answers no scrape). flinksim keeps the counts over the whole run (the
// summary's) and reports each attempt's from the counts at its deployment.

// attemptBase is what an operator of a subtask had counted when its
// current attempt was deployed.
type attemptBase struct {
	sent                int64 // its writer's numRecordsSend
	cm                  committerCounts
	dropped, sideOutput int64 // late records of its windows
}

// newAttempt: st is deployed again (INITIALIZING); its counters start
// from what its operators have counted so far. A restored committer's
// second commit of a restored committable is the new attempt's.
func newAttempt(st *subtask) {
	st.lagMax, st.fetches = lagMaxStat{}, fetchNote{} // a new reader's consumer: its metrics start empty
	newConsumer(st)
	ratesFrom(st)
	for pos := range st.ops {
		op := &st.ops[pos]
		b := &op.attempt
		if op.sw != nil {
			b.sent, b.cm = op.sw.sentTotal, op.sw.cm
		}
		if op.win != nil {
			b.dropped, b.sideOutput = op.win.dropped, op.win.sideOutput
		}
	}
}

// ratesFrom starts st's rates' next interval (numRecordsInPerSecond,
// numBytesOutPerSecond, ...) at its counts now: at a reported sample, and
// at a new attempt's deployment, whose meters count from there
// (OperatorIOMetricGroup's and TaskIOMetricGroup's MeterViews are the
// attempt's, over its counters, which start at 0). An unreported
// interval leaves the start where it was, so that what the new attempt
// takes at the instant of the sample that finds it just deployed (a backlog
// a costless job reads at once) is in its first reported interval.
func ratesFrom(st *subtask) {
	st.sampledBytesIn, st.sampledBytesOut = st.bytesIn, st.bytesOut
	for pos := range st.ops {
		op := &st.ops[pos]
		op.sampledIn, op.sampledOut = op.in, op.out
	}
}

// attemptDeployed reports whether st has an attempt deployed now whose
// metrics are reported: from INITIALIZING until cancelled or its
// TaskManager is lost. flinksim's tasks are down while DEPLOYING
// (recovery.redeploy), and a region's wait for all of them, where Flink
// creates a task's metric group as its TaskManager accepts it
// (TaskExecutor.submitTask): those samples have no value here.
func attemptDeployed(st *subtask) bool { return st.state != stDown }

// attemptCount is a counter of the current attempt: count less its base,
// or no value while no attempt is deployed.
func attemptCount(st *subtask, count, base int64) float64 {
	if !attemptDeployed(st) {
		return result.NoValue()
	}
	return float64(count - base)
}
