package result

import (
	"math"
	"strconv"
	"strings"
)

// Metric names, as Flink spells them (docs/ops/metrics.md). flinksim's own
// measures, which Flink has no metric for, carry OwnPrefix: they are never
// passed off as Flink's.
const (
	MetricRecordsIn     = "numRecordsInPerSecond"
	MetricRecordsOut    = "numRecordsOutPerSecond"
	MetricBusy          = "busyTimeMsPerSecond"
	MetricBackPressured = "backPressuredTimeMsPerSecond"
	MetricIdle          = "idleTimeMsPerSecond"
	// Soft and hard backpressure (TaskIOMetricGroup, since 1.15): soft, the
	// output is not available and the task waits, still taking barriers;
	// hard, it is blocked in the middle of a record on a buffer. They add up
	// to backPressuredTimeMsPerSecond. isBackPressured is the task's state at
	// the sample (1 or 0).
	MetricSoftBackPressured = "softBackPressuredTimeMsPerSecond"
	MetricHardBackPressured = "hardBackPressuredTimeMsPerSecond"
	MetricIsBackPressured   = "isBackPressured"
	// Bytes a task reads from its input channels and writes to its output
	// channels, local and remote (TaskIOMetricGroup numBytesIn/numBytesOut):
	// records times their serialized size. A source reads no channel, a
	// sink writes none.
	MetricBytesIn  = "numBytesInPerSecond"
	MetricBytesOut = "numBytesOutPerSecond"
	MetricInPool   = "inPoolUsage"
	MetricOutPool  = "outPoolUsage"
	// inPoolUsage's two parts (NettyShuffleMetricFactory: Floating- and
	// ExclusiveBuffersUsageGauge): the floating pools' buffers held by
	// remote channels over the pools' sizes, and the remote channels'
	// exclusive buffers held over all of them.
	MetricInFloating  = "inputFloatingBuffersUsage"
	MetricInExclusive = "inputExclusiveBuffersUsage"
	MetricPending     = "pendingRecords"
	MetricLagMax      = "records-lag-max"
	MetricStateSize   = OwnPrefix + "stateSizeBytes"  // keyed state held (keys × state per key, and windows' contents); Flink has RocksDB's native estimates only
	MetricLatencyP50  = OwnPrefix + "e2eLatencyP50Ms" // record creation → visible in the sink
	MetricLatencyP99  = OwnPrefix + "e2eLatencyP99Ms"
	MetricLatencyMax  = OwnPrefix + "e2eLatencyMaxMs"
	MetricSinkWritten = OwnPrefix + "numRecordsVisible" // cumulative records visible in the sink's system (written, or committed with exactly-once)
	// A sink's writer (SinkWriterMetricGroup): records sent to the
	// external system (cumulative).
	MetricRecordsSend = "numRecordsSend"
	// A sink's committer, per subtask (SinkCommitterMetricGroup, Flink
	// 1.19+: InternalSinkCommitterMetricGroup registers them in the
	// committer operator's group; exactly-once sinks only): committables
	// received, committed, signalled already committed (0 for the modelled
	// Kafka and JDBC committers, which never signal it), failed and retried
	// (counters), and those received and not yet committed or failed (a
	// gauge).
	MetricTotalCommittables            = "totalCommittables"
	MetricSuccessfulCommittables       = "successfulCommittables"
	MetricAlreadyCommittedCommittables = "alreadyCommittedCommittables"
	MetricFailedCommittables           = "failedCommittables"
	MetricRetriedCommittables          = "retriedCommittables"
	MetricPendingCommittables          = "pendingCommittables"
	// MetricProduced is records produced to a source's topic per second (the
	// records appended over the interval), as the Kafka broker's topic
	// meter counts them (BrokerTopicMetrics MessagesInPerSec): not a Flink
	// metric; beside numRecordsOutPerSecond it shows where Kafka lag comes
	// from: pendingRecords grows by the two's difference times the interval.
	MetricProduced = "MessagesInPerSec"
	// MetricKafkaLag is flinksim's: the records a source's topic holds
	// that its readers have not read (pendingRecords summed over them),
	// sampled whether or not they are deployed. Flink's pendingRecords
	// goes with its task while the task restarts or its TaskManager is
	// lost, but the lag does not: the verdict and the lag panels read
	// this (LagSeries). Recorded for the whole source only (subtask -1).
	MetricKafkaLag = OwnPrefix + "kafkaLag"

	// Checkpointing (job scope, operator "job"; task scope per subtask).
	MetricLastCkptDuration = "lastCheckpointDuration" // ms
	MetricLastCkptSize     = "lastCheckpointSize"     // bytes written (the delta when incremental)
	MetricLastCkptFullSize = "lastCheckpointFullSize" // bytes
	MetricCompletedCkpts   = "numberOfCompletedCheckpoints"
	MetricFailedCkpts      = "numberOfFailedCheckpoints"
	MetricInProgressCkpts  = "numberOfInProgressCheckpoints"
	MetricRestarts         = "numRestarts"
	// MetricFullRestarts is the deprecated fullRestarts, the same count
	// as numRestarts (SchedulerBase.registerJobMetrics registers both,
	// MetricNames.FULL_RESTARTS, through 1.20; the 2.x scheduler has none).
	MetricFullRestarts = "fullRestarts"
	MetricDowntime     = "downtime"                  // Flink's DownTimeGauge: 0 through restarts (RESTARTING, not FAILING), -1 once FAILED
	MetricAlignment    = "checkpointAlignmentTime"   // ns, last checkpoint
	MetricStartDelay   = "checkpointStartDelayNanos" // ns, last checkpoint
	// Event time (MetricNames, WindowOperator). Watermarks are ms of event
	// time, Long.MIN_VALUE before the first (WatermarkGauge); an operator's
	// is the lowest of its subtasks', its lag the highest. A Series holds
	// virtual ms; the files give Unix ms (starttime.go).
	MetricInputWatermark  = "currentInputWatermark"
	MetricOutputWatermark = "currentOutputWatermark"
	// MetricWatermarkLag is a source's ms from its watermark to now, or
	// while it idles to when it started idling (FLIP-33;
	// InternalSourceReaderMetricGroup.getLastEmitTime). It has no value
	// (NoValue) until the reader's first watermark: Flink registers the
	// gauge then (InternalSourceReaderMetricGroup.watermarkEmitted).
	MetricWatermarkLag = "watermarkLag"
	// MetricEmitEventTimeLag is a source's ms from the timestamp of the last
	// record it emitted to now, or while it idles to when it started idling
	// (FLIP-33; the record's delay drawn from the source's distribution).
	MetricEmitEventTimeLag = "currentEmitEventTimeLag"
	// MetricAlignmentDrift is a source's watermark less the maximum its
	// alignment group allows (the group's lowest + max-drift), in ms, as
	// Flink's InternalSourceReaderMetricGroup computes it: negative while
	// the reader is within the drift.
	MetricAlignmentDrift = "watermarkAlignmentDrift"
	MetricLateDropped    = "numLateRecordsDropped" // cumulative
	// MetricLateSideOutput and MetricOpenWindows are flinksim's: records
	// sent to a window's late-data side output (cumulative) and windows
	// holding state (Flink has no metric for either).
	MetricLateSideOutput = OwnPrefix + "numLateRecordsSideOutput"
	MetricOpenWindows    = OwnPrefix + "openWindows"
	// MetricFetchEventTimeLag is a source's ms from the timestamp of the last
	// record it fetched to now (FLIP-33's currentFetchEventTimeLag). A reader
	// fetches and emits a record in one step here, so it equals
	// currentEmitEventTimeLag.
	MetricFetchEventTimeLag = "currentFetchEventTimeLag"
	// MetricSourceIdleTime is a source reader's ms since it started idling
	// (a poll found nothing to emit, or alignment paused it), 0 while it
	// emits or is backpressured: InternalSourceReaderMetricGroup.getIdleTime,
	// registered for every FLIP-27 reader.
	MetricSourceIdleTime = "sourceIdleTime"
	// MetricLastCompletedCkptID is the id of the latest completed checkpoint
	// (CheckpointStatsTracker's lastCompletedCheckpointId; -1 before one).
	MetricLastCompletedCkptID = "lastCompletedCheckpointId"
	// Buffer debloating's gauges (MetricNames DEBLOATED_BUFFER_SIZE and
	// ESTIMATED_TIME_TO_CONSUME_BUFFERS), registered only with
	// taskmanager.network.memory.buffer-debloat.enabled. Since Flink 1.15
	// (FLINK-24189, debloating per gate) SingleInputGateFactory registers
	// both per input gate, in the task's Shuffle.Netty.Input.<gate index>
	// group: a series names them with InputGateMetric. The buffer size (bytes)
	// is the size last announced to the gate's senders
	// (BufferDebloater.getLastBufferSize); the time (ms) is the smoothed
	// size × the buffers in use ÷ the throughput at the last
	// recalculation. NettyShuffleEnvironment also registers
	// estimatedTimeToConsumeBuffersMs on the task itself, the largest of its
	// gates' (TimeToConsumeGauge; Long.MIN_VALUE for a task without gates).
	MetricDebloatedBufferSize    = "debloatedBufferSize"
	MetricEstimatedTimeToConsume = "estimatedTimeToConsumeBuffersMs"
)

// inputGateGroup is the group of an input gate's metrics below the task
// (SingleInputGateFactory: the task's Shuffle.Netty.Input group, then one
// named by the gate's index).
const inputGateGroup = "Shuffle.Netty.Input."

// InputGateMetric is the series name of metric in input gate gate's group:
// its identifier below the task, as Flink's REST API lists a subtask's
// metrics ("Shuffle.Netty.Input.0.debloatedBufferSize").
func InputGateMetric(gate int, metric string) string {
	return inputGateGroup + strconv.Itoa(gate) + "." + metric
}

// splitInputGateMetric undoes InputGateMetric: the group
// ("Shuffle.Netty.Input.0") and the metric's own name; ok false for a
// series name that is not an input gate's.
func splitInputGateMetric(name string) (group, metric string, ok bool) {
	rest, found := strings.CutPrefix(name, inputGateGroup)
	if !found {
		return "", "", false
	}
	idx, metric, found := strings.Cut(rest, ".")
	if !found || idx == "" || strings.Trim(idx, "0123456789") != "" || metric == "" {
		return "", "", false
	}
	return inputGateGroup + idx, metric, true
}

// OwnPrefix marks a metric that is flinksim's, not Flink's.
const OwnPrefix = "flinksim."

// committerMetrics are the metrics of a sink's committer
// (SinkCommitterMetricGroup, which CommitterOperator registers in its own
// operator group); a sink's other metrics are its writer's
// (SinkWriterMetricGroup).
var committerMetrics = map[string]bool{MetricTotalCommittables: true, MetricSuccessfulCommittables: true,
	MetricAlreadyCommittedCommittables: true, MetricFailedCommittables: true, MetricRetriedCommittables: true,
	MetricPendingCommittables: true}

// SinkMetric is the series name of a sink's metric m, its writer's
// MetricRecordsSend or one of its committer's (MetricTotalCommittables,
// ...): Flink's name where Flink registers the metric, numRecordsSend in a
// Sink V2 writer (sinkV2: SinkWriterOperator's
// InternalSinkWriterMetricGroup) and the committer metrics in its
// committer operator chained to it (chainedCommitter: CommitterOperator's
// InternalSinkCommitterMetricGroup); flinksim's own, OwnPrefix + m,
// otherwise: a SinkFunction (jdbc, generic) has neither metric group, and
// a committer Flink runs unchained, as a job vertex of its own, is not
// simulated. Any other metric is m. The recorder names the series so, and
// metrics.csv and metrics.om.txt both write that name: they cannot
// disagree on whose a sink's counts are.
func SinkMetric(m string, sinkV2, chainedCommitter bool) string {
	flinks := sinkV2
	switch {
	case committerMetrics[m]:
		flinks = chainedCommitter
	case m != MetricRecordsSend:
		return m
	}
	if flinks {
		return m
	}
	return OwnPrefix + m
}

// SinkMetric is SinkMetric for sink o, as its summary describes it: a Sink
// V2 writer's Flink name is "NAME: Writer" (a SinkFunction's "Sink:
// NAME"), its chained committer's Committer.
func (o OperatorSummary) SinkMetric(m string) string {
	return SinkMetric(m, o.FlinkName == o.Name+": Writer", o.Committer != "")
}

// JobOperator is the operator column of job-scope metrics.
const JobOperator = "job"

// NoValue is a sample with no value: the gauge did not exist at that time,
// as Flink registers some only later (a reader's watermarkLag at its
// first watermark). A Series holds it as NaN; metrics.csv has no row for
// it, metrics.om.txt no sample (a Prometheus series starts when the gauge
// is registered), an aggregate over subtasks leaves it out, and ReadResult
// gives it back where metrics.csv has no row. No metric's value is NaN
// otherwise, but GaugeNaN's.
func NoValue() float64 { return math.NaN() }

// HasValue says whether v is a value, not NoValue (nor GaugeNaN).
func HasValue(v float64) bool { return !math.IsNaN(v) }

// gaugeNaNBits is GaugeNaN's NaN, told apart from NoValue's (math.NaN's
// 0x7FF8000000000001) by its payload.
const gaugeNaNBits = 0x7FF800000000DEAD

// GaugeNaN is a registered gauge whose value is NaN: Kafka's
// records-lag-max with no lag left in its windows (Max.combine), which
// Flink's KafkaMetricWrapper passes on and its PrometheusReporter exports
// as NaN (AbstractPrometheusReporter.gaugeFrom returns the Double as it
// is). It is NaN, so to every reader it is no value as NoValue is (no row
// in metrics.csv, left out of aggregates and charts), but metrics.om.txt
// writes it as a NaN sample, where NoValue has none: the gauge exists.
func GaugeNaN() float64 { return math.Float64frombits(gaugeNaNBits) }

// IsGaugeNaN says whether v is GaugeNaN.
func IsGaugeNaN(v float64) bool { return math.Float64bits(v) == gaugeNaNBits }

// exposed says whether v is a sample of metrics.om.txt: a value, or
// GaugeNaN.
func exposed(v float64) bool { return HasValue(v) || IsGaugeNaN(v) }

// Series is one metric of one operator over time. Subtask is -1 for the
// operator as a whole, one of the aggregates Flink's web UI offers over
// subtasks (AggregatingSubtasksMetricsHandler: min, max, avg, sum): sums
// for rates, counts, pendingRecords and sizes, means for time and usage,
// the lowest watermark, the highest lag and records-lag-max, and
// isBackPressured when any subtask is (the largest).
type Series struct {
	Operator string
	Subtask  int
	Metric   string
	Values   []float64
}

// Values is the series of operator op's metric for subtask sub (-1: the
// operator's total), one value per entry of Times (NoValue where the
// gauge did not exist yet); false when the run has none.
func (r *Result) Values(op string, sub int, metric string) ([]float64, bool) {
	for _, s := range r.Series {
		if s.Operator == op && s.Subtask == sub && s.Metric == metric {
			return s.Values, true
		}
	}
	return nil, false
}
