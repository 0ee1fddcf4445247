package models

import (
	"github.com/flinksim/flinksim/sim"
)

// Pipelined regions, as Flink's RestartPipelinedRegionFailoverStrategy
// restarts them (jobmanager.execution.failover-strategy: region, the
// default). In a streaming job every result partition is pipelined, so a
// region is a connected component of subtasks over the channels between
// them (SchedulingPipelinedRegionComputeUtil): an all-to-all exchange
// (keyBy, rebalance) joins every subtask on both sides, a forward exchange
// joins subtask i to subtask i, and a chain is one subtask. A keyed job is
// one region; a job of independent forward pipelines has one per pipeline
// and per parallel instance. A task failure restarts the regions it is in;
// a global failure (too many failed checkpoints) and the full strategy
// (RestartAllFailoverStrategy) restart them all.

// regionState is where a region is in its failover.
type regionState uint8

const (
	regionRunning      regionState = iota // its tasks run
	regionRestarting                      // cancelled; waiting for the restart delay, a TaskManager, the redeploy
	regionInitializing                    // deployed; its tasks restore their state (Flink's INITIALIZING)
)

// region is one pipelined region: the unit Flink restarts.
type region struct {
	id       int32
	subtasks []*subtask
	splits   []*kafkaPartition // the Kafka partitions its sources read
	state    regionState
	// attempt is its execution attempt: events stamped with an earlier one
	// belong to cancelled tasks and are ignored.
	attempt   int64
	restoring int   // state downloads still running
	op        int32 // the failover restarting it (index in Simulation.failures)
	// awaitingRestart: cancelled, its restart delay not yet over
	// (DefaultScheduler's verticesWaitingForRestart): the job is
	// RESTARTING while any region is.
	awaitingRestart bool
	// scheduled: its restart delay over, its tasks are SCHEDULED or
	// DEPLOYING, not yet INITIALIZING; deploying: DEPLOYING (deploystate.go)
	scheduled, deploying bool
	// started is when its tasks last became RUNNING: an outage of an
	// external system fails them its fails-after later.
	started sim.Time
}

// buildRegions computes the pipelined regions from the channels built.
func (s *Simulation) buildRegions() {
	parent := make([]int32, len(s.subtasks))
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, st := range s.subtasks {
		for _, p := range st.parts {
			for _, c := range p.ch {
				a, b := find(st.id), find(c.dst.owner.id)
				if a != b {
					parent[max(a, b)] = min(a, b) // the lowest id is the root: regions numbered in subtask order
				}
			}
		}
	}
	byRoot := make([]*region, len(s.subtasks))
	for _, st := range s.subtasks { // subtask order: deterministic numbering
		root := find(st.id)
		r := byRoot[root]
		if r == nil {
			r = &region{id: int32(len(s.regions))}
			byRoot[root] = r
			s.regions = append(s.regions, r)
		}
		r.subtasks = append(r.subtasks, st)
		r.splits = append(r.splits, st.splits...)
		st.region = r
	}
}

// failingRegions are the regions a failure of the given subtasks restarts:
// theirs under the region strategy, every region under full; none when
// they are all restarting already and not DEPLOYING (a task cancelled and
// waiting for its restart delay or its slots cannot fail again). A region
// DEPLOYING fails like a running one: a lost TaskManager's slot release
// fails the tasks deployed to it (Execution.markFailed, from DEPLOYING as
// from RUNNING, to FAILED), and DefaultScheduler.onTaskFailed handles that
// as any task failure (handleTaskFailure: ExecutionFailureHandler
// .getFailureHandlingResult, then maybeRestartTasks: a restart after the
// backoff, or the job FAILED). failures is how many failures the restart strategy counts for
// them, in Flink: when a TaskManager is lost, each of its slots is released
// (SharedSlot.release) and fails its tasks one by one (Execution.fail);
// each failure reaches DefaultScheduler.handleTaskFailure and
// ExecutionFailureHandler.handleFailure, which calls the restart
// strategy's notifyFailure and canRestart. The first failure of a region
// cancels its other tasks, and a task CANCELING that fails only completes
// its cancellation (Execution.processFail): not a failure. So under the
// region strategy (RestartPipelinedRegionFailoverStrategy) it is one
// failure per region hit that is running, INITIALIZING or DEPLOYING; under full
// (RestartAllFailoverStrategy) the first failure cancels every task: one.
func (s *Simulation) failingRegions(sts []*subtask) (rs []*region, failures int) {
	for _, st := range sts {
		r := st.region
		if r.state == regionRestarting && !r.deploying || containsRegion(rs, r) {
			continue
		}
		rs = append(rs, r)
	}
	if len(rs) > 0 && s.spec.Recovery.FailoverStrategy == FailoverFull {
		return s.regions, 1
	}
	return rs, len(rs)
}

func containsRegion(rs []*region, r *region) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// allRunning reports whether every region runs: only then does a
// checkpoint trigger start a checkpoint (DefaultCheckpointPlanCalculator:
// with a task not RUNNING, it fails before it starts,
// NOT_ALL_REQUIRED_TASKS_RUNNING: coordinator.go, notAllRunning).
func (s *Simulation) allRunning() bool {
	for _, r := range s.regions {
		if r.state != regionRunning {
			return false
		}
	}
	return true
}

// stamp tags an event argument of subtask st with its region's execution
// attempt, so that events of cancelled tasks are ignored.
func stamp(st *subtask, v int64) int64 { return st.region.attempt<<32 | v }

// current splits an argument stamped for st and reports whether it belongs
// to the current attempt.
func current(st *subtask, arg int64) (int64, bool) {
	return arg & (1<<32 - 1), arg>>32 == st.region.attempt
}

// isCurrent reports whether an argument stamped for st belongs to the
// current attempt.
func isCurrent(st *subtask, arg int64) bool {
	_, ok := current(st, arg)
	return ok
}
