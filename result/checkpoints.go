package result

import (
	"math"
	"sort"

	"github.com/flinksim/flinksim/sim"
)

// CheckpointStats is one checkpoint as Flink's REST API reports it.
type CheckpointStats struct {
	ID             int64
	Status         string // IN_PROGRESS, COMPLETED, FAILED
	Trigger        sim.Time
	LatestAck      sim.Time
	Failure        sim.Time
	FailureMessage string
	// Duration is Flink's end-to-end duration: from the trigger to the
	// latest acknowledgement (completed; AbstractCheckpointStats
	// .getEndToEndDuration, which CompletedCheckpointStats keeps) or to
	// the failure (FailedCheckpointStats); 0 while in progress.
	Duration sim.Time
	// Completed is when the coordinator completed the checkpoint: after
	// its last acknowledgement, once the JobManager wrote its metadata.
	// flinksim's own (Flink's REST has no completion time): 0 unless
	// completed, and not read back from checkpoints.json.
	Completed     sim.Time
	NumSubtasks   int
	NumAcked      int
	Unaligned     bool
	StateSize     int64 // full size
	Checkpointed  int64 // written by this checkpoint
	ProcessedData int64
	PersistedData int64
	Tasks         []TaskCheckpointStats
}

// TaskCheckpointStats is one job vertex's part of a checkpoint.
type TaskCheckpointStats struct {
	Name          string
	NumSubtasks   int
	NumAcked      int
	LatestAck     sim.Time
	StateSize     int64
	Checkpointed  int64
	ProcessedData int64
	PersistedData int64
	Subtasks      []SubtaskCheckpointStats
}

// SubtaskCheckpointStats is one subtask's part of a checkpoint.
type SubtaskCheckpointStats struct {
	Index      int
	Acked      bool
	Ack        sim.Time
	Sync       sim.Time
	Async      sim.Time
	Alignment  sim.Time
	StartDelay sim.Time
	Unaligned  bool
	StateSize  int64
	Uploaded   int64
	Persisted  int64
	Processed  int64
}

// EndToEndMs is Flink's end_to_end_duration of the checkpoint in
// milliseconds, the difference of two timestamps in whole milliseconds as
// Flink takes it: in progress, the latest acknowledgement less the trigger,
// -1 while none acknowledged (PendingCheckpointStats keeps
// AbstractCheckpointStats.getEndToEndDuration); completed or failed, the
// end of Duration less the trigger (at least 0). The lastCheckpointDuration
// gauge is this of the latest completed checkpoint
// (CheckpointStatsTracker's LatestCompletedCheckpointDurationGauge).
func (c *CheckpointStats) EndToEndMs() int64 {
	if c.Status == "IN_PROGRESS" {
		return sinceTrigger(c.NumAcked, c.LatestAck, c.Trigger)
	}
	return max(0, ms(c.Trigger+c.Duration)-ms(c.Trigger))
}

// TriggerS is the trigger in seconds, of whole milliseconds as
// checkpoints.json gives it (trigger_timestamp): a run read back has the
// same.
func (c *CheckpointStats) TriggerS() float64 { return float64(ms(c.Trigger)) / 1000 }

// RestoreStats is one restore from a checkpoint (ID 0: none had completed).
type RestoreStats struct {
	ID   int64
	At   sim.Time // the restored tasks all running again
	Down sim.Time // how long the job was down
	// StateAt is when the checkpoint coordinator restored the checkpoint
	// to the tasks: as the restart delay ends, before they are deployed
	// (DefaultScheduler.restartTasks calls
	// CheckpointCoordinator.restoreLatestCheckpointedStateToSubtasks, which
	// stamps the restore): REST's restore_timestamp. 0: At.
	StateAt sim.Time
}

// FailureEvent is one failover: a failure noticed, the pipelined regions it
// restarts and how far their restart got.
type FailureEvent struct {
	At       sim.Time // the failure noticed: the failover starts
	Reason   string   // Flink's message
	Final    bool     // the restart strategy gave up: the job failed
	Cause    string   // taskmanager-loss, tolerable-failed-checkpoints, kafka-outage, sink-outage, poison-record, overload, out-of-memory
	FailedAt sim.Time // when it happened (At minus the detection delay)
	// Regions are the pipelined regions restarted, by index; Partial: not
	// all of them; Global: a global failure (every region).
	Regions      []int
	Partial      bool
	Global       bool
	RestartDelay sim.Time // the restart strategy's delay
	// RunningAt is when the tasks were deployed again (the job RUNNING, the
	// tasks INITIALIZING: restoring), RestoredAt when they all run; 0: not
	// reached (the run ended, or another failover took over).
	RunningAt, RestoredAt sim.Time
	Replayed              int64 // records the restarted sources read again
	// Where the replay goes at the sinks: SinkRewound records the sinks
	// had taken since the restored checkpoint and take again; of them,
	// SinkExposed were already visible to a read_committed reader (they
	// will be seen twice). SinkLost were still buffered by a writer that
	// does not flush at a barrier, from before the checkpoint: no replay
	// brings them back.
	SinkRewound, SinkExposed, SinkLost int64
}

// CheckpointSummary is summary.json's "checkpoints" section.
type CheckpointSummary struct {
	IntervalS float64 `json:"interval_s"`
	TimeoutS  float64 `json:"timeout_s"`
	Completed int     `json:"completed"`
	Failed    int     `json:"failed"`
	Expired   int     `json:"expired"`
	// FailedBeforeStart are the triggers that failed before a checkpoint
	// was created because a task was not RUNNING (a restart deploying or
	// restoring tasks: NOT_ALL_REQUIRED_TASKS_RUNNING). They have no ID
	// and no history entry and are not in Failed, but Flink counts them
	// in numberOfFailedCheckpoints and the REST counts' failed and total.
	FailedBeforeStart int `json:"failed_before_start"`
	// InProgress are the checkpoints neither completed nor failed as the
	// run ended (checkpoints.json's counts.in_progress, Flink's REST
	// counts.in_progress), and InProgressOldestAgeS how long the oldest of
	// them had run by then (0 with none): what the printed summary says as
	// "1 in progress (for 1.9min)" and the ckpts column as "+1".
	InProgress           int     `json:"in_progress"`
	InProgressOldestAgeS float64 `json:"in_progress_oldest_age_s"`
	Restarts             int     `json:"restarts"`
	// DurationS is over completed checkpoints, from the trigger to the
	// completion (the metadata written): flinksim's own measure, longer
	// than Flink's end_to_end_duration (to the latest acknowledgement) by
	// the metadata write.
	DurationS    Quantiles `json:"duration_s"`
	SizeMaxBytes int64     `json:"size_max_bytes"`
	FullSizeMax  int64     `json:"full_size_max_bytes"`
	// PersistedMaxBytes is the most in-flight data a completed checkpoint
	// persisted (unaligned checkpoints' channel state).
	PersistedMaxBytes int64   `json:"persisted_max_bytes"`
	Duplicated        int64   `json:"records_duplicated"` // written again by sinks after restores
	Replayed          int64   `json:"records_replayed"`   // read again by sources after restores
	DowntimeS         float64 `json:"downtime_s"`
	RestartsFromStart int     `json:"restarts_without_checkpoint"` // restores that found no completed checkpoint
	// MaxCheckpointAgeS is the longest the job went without a newer completed
	// checkpoint: what a failure at the worst moment would have replayed.
	MaxCheckpointAgeS float64 `json:"max_checkpoint_age_s"`
	// UploadBandwidth is all TaskManagers' upload bandwidth (bytes/s): a cost.
	UploadBandwidth float64 `json:"upload_bandwidth_bytes_per_s"`
	JobFailed       bool    `json:"job_failed"`
	Verdict         Verdict `json:"verdict"`
}

// InProgressAtEnd counts the checkpoints still in progress as a run ended
// at endS seconds of virtual time (neither completed nor failed:
// checkpoints.json's counts.in_progress) and how long the oldest of them
// had run by then (0 with none). summary.json's in_progress fields, the
// printed summary's checkpoint line and compare's ckpts column all read it.
func InProgressAtEnd(cps []*CheckpointStats, endS float64) (n int, oldestS float64) {
	for _, c := range cps {
		if c.Status != "COMPLETED" && c.Status != "FAILED" {
			n++
			oldestS = max(oldestS, endS-c.Trigger.Seconds())
		}
	}
	return n, oldestS
}

// Quantiles summarises a distribution.
type Quantiles struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func QuantilesOf(xs []float64) Quantiles {
	if len(xs) == 0 {
		return Quantiles{}
	}
	sorted := append([]float64(nil), xs...)
	sort.Float64s(sorted)
	at := func(q float64) float64 { return sorted[int(q*float64(len(sorted)-1)+0.5)] }
	return Quantiles{P50: at(0.5), P99: at(0.99), Max: sorted[len(sorted)-1]}
}

// EndToEnd is Flink's end-to-end duration (seconds) over the completed
// checkpoints, from the trigger to the latest acknowledgement, as the web
// UI and REST show it: exactly checkpoints.json's summary of
// end_to_end_duration (CompletedCheckpointStatsSummary: whole ms,
// FlinkQuantile's p50 and p99, and the max), in seconds; zero without a
// completed checkpoint. Unlike CheckpointSummary.DurationS it leaves out
// the JobManager's metadata write. The printed summary, compare's ckpt max,
// a sweep's checkpoint_duration outcomes and the verdict all read it.
func EndToEnd(cps []*CheckpointStats) Quantiles {
	s := endToEndSummary(cps)
	if math.IsNaN(float64(s.P50)) {
		return Quantiles{} // no completed checkpoint: Flink's quantiles are NaN
	}
	return Quantiles{P50: float64(s.P50) / 1000, P99: float64(s.P99) / 1000, Max: float64(s.Max) / 1000}
}

// Failure messages of failed checkpoints, as Flink's CheckpointFailureReason
// words them (CHECKPOINT_EXPIRED; CHECKPOINT_ASYNC_EXCEPTION, the message
// FailedCheckpointStats takes from the declining task's CheckpointException,
// for an injected upload failure too;
// CHECKPOINT_COORDINATOR_SUSPEND, the pending checkpoints a failover
// aborts as the job goes RESTARTING: CheckpointCoordinatorDeActivator
// calls stopCheckpointScheduler).
const (
	FailureExpired = "Checkpoint expired before completing."
	FailureAsync   = "Asynchronous task checkpoint failed."
	FailureSuspend = "Checkpoint Coordinator is suspending."
)

// Detailed reports whether the checkpoint still has its per-subtask
// details: a long run keeps them for its latest 256 checkpoints only.
func (c *CheckpointStats) Detailed() bool {
	for _, t := range c.Tasks {
		if t.NumSubtasks > 0 && t.Subtasks == nil {
			return false
		}
	}
	return true
}
