package result

// Metric names, as Flink spells them (docs/ops/metrics.md). The latency and
// state metrics have no Flink equivalent of the same meaning and say so.
const (
	MetricRecordsIn     = "numRecordsInPerSecond"
	MetricRecordsOut    = "numRecordsOutPerSecond"
	MetricBusy          = "busyTimeMsPerSecond"
	MetricBackPressured = "backPressuredTimeMsPerSecond"
	MetricIdle          = "idleTimeMsPerSecond"
	MetricInPool        = "inPoolUsage"
	MetricOutPool       = "outPoolUsage"
	MetricPending       = "pendingRecords"
	MetricLagMax        = "records-lag-max"
	MetricStateSize     = "stateSizeBytes"  // keyed state held (keys × state per key)
	MetricLatencyP50    = "e2eLatencyP50Ms" // record creation → visible in the sink
	MetricLatencyP99    = "e2eLatencyP99Ms"
	MetricLatencyMax    = "e2eLatencyMaxMs"
	MetricSinkWritten   = "numRecordsWritten" // cumulative records written by the sink
	// A sink's writer and committer (SinkWriterMetricGroup,
	// SinkCommitterMetricGroup): records sent to the external system
	// (cumulative), committables prepared and not yet committed (gauge),
	// committables failed (cumulative; exactly-once sinks only).
	MetricRecordsSend         = "numRecordsSend"
	MetricPendingCommittables = "pendingCommittables"
	MetricFailedCommittables  = "failedCommittables"
	// MetricProduced is records produced to a source's topic per second (the
	// rate profile's mean over the interval), as the Kafka broker's topic
	// meter counts them (BrokerTopicMetrics MessagesInPerSec): not a Flink
	// metric; beside numRecordsOutPerSecond it shows where Kafka lag comes from.
	MetricProduced = "MessagesInPerSec"

	// Checkpointing (job scope, operator "job"; task scope per subtask).
	MetricLastCkptDuration = "lastCheckpointDuration" // ms
	MetricLastCkptSize     = "lastCheckpointSize"     // bytes written (the delta when incremental)
	MetricLastCkptFullSize = "lastCheckpointFullSize" // bytes
	MetricCompletedCkpts   = "numberOfCompletedCheckpoints"
	MetricFailedCkpts      = "numberOfFailedCheckpoints"
	MetricInProgressCkpts  = "numberOfInProgressCheckpoints"
	MetricRestarts         = "numRestarts"
	MetricDowntime         = "downtime"                  // ms of the current outage (some region down); -1 once FAILED
	MetricAlignment        = "checkpointAlignmentTime"   // ns, last checkpoint
	MetricStartDelay       = "checkpointStartDelayNanos" // ns, last checkpoint
	// Event time (MetricNames, WindowOperator). Watermarks are ms of event
	// time, Long.MIN_VALUE before the first; an operator's is the lowest of
	// its subtasks', its lag the highest.
	MetricInputWatermark  = "currentInputWatermark"
	MetricOutputWatermark = "currentOutputWatermark"
	MetricWatermarkLag    = "watermarkLag" // sources: ms from the watermark to now (FLIP-33)
	// MetricEmitEventTimeLag is a source's ms from the timestamp of the last
	// record it emitted to now (FLIP-33; the record's delay drawn from the
	// source's distribution).
	MetricEmitEventTimeLag = "currentEmitEventTimeLag"
	// MetricAlignmentDrift is a source's watermark less its alignment
	// group's lowest, in ms (watermark alignment).
	MetricAlignmentDrift = "watermarkAlignmentDrift"
	MetricLateDropped    = "numLateRecordsDropped" // cumulative
	// MetricLateSideOutput and MetricOpenWindows are flinksim's: records
	// sent to a window's late-data side output (cumulative) and windows
	// holding state (Flink has no metric for either).
	MetricLateSideOutput = "numLateRecordsSideOutput"
	MetricOpenWindows    = "openWindows"
)

// JobOperator is the operator column of job-scope metrics.
const JobOperator = "job"

// Series is one metric of one operator over time. Subtask is -1 for the
// operator as a whole (sums for rates and sizes, means for time and usage).
type Series struct {
	Operator string
	Subtask  int
	Metric   string
	Values   []float64
}
