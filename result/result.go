package result

import (
	"encoding/json"
	"math"

	"gonum.org/v1/gonum/stat"

	"github.com/flinksim/flinksim/sim"
)

// Result is everything a run produced. Plots and reports read only this.
type Result struct {
	Summary Summary
	// Times are the sample times in seconds; every Series has one value per time.
	Times  []float64
	Series []Series
	// Latency is the whole run's end-to-end latency distribution (seconds).
	Latency *sim.Histogram
	// Checkpoints is every triggered checkpoint, in order; Restores every
	// restore; Failovers every failover of the job.
	Checkpoints []*CheckpointStats
	Restores    []RestoreStats
	Failovers   []FailureEvent
	// RestoresTotal counts every restore; Restores keeps the first 10 000
	// and the latest (0: all are kept, as in a run read back).
	RestoresTotal int
	// RestoresFromStart counts the restores that found no completed
	// checkpoint: the job read again from its sources' start. Flink reports
	// no restore for them (CheckpointStatsTracker.reportRestoredCheckpoint is
	// called only with a checkpoint).
	RestoresFromStart int
	// RestoresReported counts the checkpoints Flink's statistics report
	// restored (REST's counts.restored), and LatestRestored is the latest
	// (ID 0: none; REST's latest.restored): the coordinator reports a
	// restore as it hands the state to the restarting tasks, before they
	// download it (CheckpointStatsTracker.reportRestoredCheckpoint), so
	// these count a restore still downloading at the end, or cut short by
	// another failure, which Restores does not. 0 and none in a run read
	// back, and in a result built without them: RestoreCount and REST
	// then count Restores.
	RestoresReported int
	LatestRestored   RestoreStats
	// CheckpointConfig is the checkpointing configuration in Flink's REST
	// shape (nil without checkpointing, and for a run read back).
	CheckpointConfig *CheckpointConfig
	// Capacity is what the sustainable input rate follows from (nil for a
	// run read back from its files).
	Capacity *Capacity
	// SlotsPerTaskManager places subtask i on TaskManager i / slots, as
	// flinksim deploys them (the OpenMetrics file's tm_id; 0 for a run read
	// back from its files: no tm_id).
	SlotsPerTaskManager int
}

// Summary is summary.json: a contract for scripts. Fields are only ever added.
type Summary struct {
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`
	// StartTime is the wall time of virtual time 0 (RFC 3339, from run's
	// --start-time): the REST-shaped files' and the OpenMetrics file's
	// timestamps count from it. Empty (files from before it): the Unix epoch.
	StartTime        string            `json:"start_time,omitempty"`
	VirtualDurationS float64           `json:"virtual_duration_s"`
	WallS            float64           `json:"wall_s"`
	Records          RecordCounts      `json:"records"`
	Throughput       Throughput        `json:"throughput"`
	LatencyS         OptionalLatency   `json:"latency_s"`
	SourceLagMax     int64             `json:"source_lag_max"`
	Operators        []OperatorSummary `json:"operators"`
	Engine           EngineSummary     `json:"engine"`
	TaskManagers     int               `json:"task_managers"`
	// Verdict is how the job fared: healthy (stable) or not, its phases and
	// why (see Judge). Checkpoints.Verdict repeats it.
	Verdict Verdict `json:"verdict"`
	// Checkpoints is present when checkpointing is on.
	Checkpoints *CheckpointSummary `json:"checkpoints,omitempty"`
	// SustainableInputRPS is the largest source rate the job keeps up with,
	// from each task's capacity and its busiest subtask's share; Bottleneck
	// names the task (and subtask) that sets it.
	SustainableInputRPS float64 `json:"sustainable_input_rps"`
	Bottleneck          string  `json:"bottleneck"`
	// Skew describes each keyed operator's load over its subtasks.
	Skew []SkewSummary `json:"skew,omitempty"`
	// NotModelledFlinkKeys lists keys of the scenario's flink: block that
	// flinksim ignores though they would change the result in Flink.
	NotModelledFlinkKeys []string `json:"not_modelled_flink_keys,omitempty"`
	// InertFlinkKeys lists keys of the flink: block that flinksim ignores
	// because they cannot change a simulation (addresses, ports, security,
	// web, directories).
	InertFlinkKeys []string `json:"inert_flink_keys,omitempty"`
	// InvariantViolation is set when the run broke the simulator's own
	// bookkeeping (a bug in flinksim): what was violated. The rest of the
	// summary is what the run produced anyway.
	InvariantViolation string `json:"invariant_violation,omitempty"`
	// InjectedFailures is each of the scenario's failures, in order: how
	// often it came due and how often it took effect.
	InjectedFailures []InjectedFailureSummary `json:"injected_failures,omitempty"`
	// Restarts is present when the job failed over: every failover, and
	// totals.
	Restarts *RestartSummary `json:"restarts,omitempty"`
	// Windows has one entry per event-time window operator.
	Windows []WindowSummary `json:"windows,omitempty"`
	// Sinks has one entry per sink: what became of every record it took.
	Sinks []SinkSummary `json:"sinks,omitempty"`
	// Plan is the job graph: tasks, their parallelism and the ship
	// strategies between them (absent in files from before it).
	Plan *Plan `json:"plan,omitempty"`
}

// WindowSummary is what an event-time window operator did with its
// records over the run (replays after restores included). Shares of
// firings count record-window pairs (a sliding window's record once per
// window), divided by records × windows per record; late shares are of
// records.
type WindowSummary struct {
	Operator   string  `json:"operator"`
	Assigner   string  `json:"assigner"` // e.g. "tumbling 1h", "sliding 10m every 90s offset -8h", "session gap 30m": durations as a scenario writes them
	Function   string  `json:"function"` // "process (buffers records)" or "aggregate"
	LatenessS  float64 `json:"allowed_lateness_s"`
	RecordsIn  int64   `json:"records_in"`
	FirstFired float64 `json:"share_first_firing"` // counted in their window's first firing
	AnyFired   float64 `json:"share_any_firing"`   // in a first firing or a re-firing
	Pending    float64 `json:"share_pending"`      // in windows that had not fired by the end
	// BetweenWindows is the share of the records in that fell between two
	// sliding windows (a size shorter than the slide): in none, not late,
	// dropped by Flink's WindowOperator without a metric.
	BetweenWindows float64 `json:"share_between_windows,omitempty"`
	// SkippedWindows is the share of record-window pairs (sliding windows)
	// whose window was purged when the record came, though a later window
	// of the record's was not: the record is not late, and joins those
	// only (WindowOperator.isWindowLate), which no Flink metric counts.
	SkippedWindows float64 `json:"share_skipped_windows,omitempty"`
	// RolledBack is the share in windows a failover's restore discarded
	// before they fired (their records were read again, and counted again
	// in RecordsIn).
	RolledBack float64 `json:"share_rolled_back"`
	// FiredAgain is the share in windows a restore put back unfired that
	// had fired after the checkpoint: they fire again (FirstFired and
	// AnyFired count a window's first firing once).
	FiredAgain float64 `json:"share_fired_again_after_restore"`
	SideOutput float64 `json:"share_side_output"`
	Dropped    float64 `json:"share_dropped"` // numLateRecordsDropped / records in
	// LateSideOutput and LateDropped count the late records.
	LateSideOutput int64 `json:"late_side_output"`
	LateDropped    int64 `json:"late_dropped"`
	Firings        int64 `json:"firings"`   // first firings of a window in a subtask
	ReFirings      int64 `json:"refirings"` // firings again for a late record within the allowed lateness
	// ResultLatency is from a window's end (event time) to its first
	// firing (processing time), in seconds, over the records counted in
	// first firings.
	ResultLatency OptionalLatency `json:"result_latency_s"`
	StatePeak     float64         `json:"state_peak_bytes"` // windows' state, summed over subtasks at the sample it peaked
	StateEnd      float64         `json:"state_end_bytes"`
	OpenWindows   int             `json:"open_windows_end"`
	FireCPUS      float64         `json:"fire_cpu_s"` // CPU seconds the window function ran on firings
	// WatermarkLag is processing time less the operator's input watermark
	// (its lowest subtask's), in seconds, over the metric samples once it
	// has one: the bound and the delays in its p50, the stall a quiet or
	// slow partition causes in its max.
	WatermarkLag OptionalLatency `json:"watermark_lag_s"`
}

// RestartSummary is summary.json's "restarts" section.
type RestartSummary struct {
	Restarts int          `json:"restarts"` // Flink's numRestarts: every new restart attempt the strategy allowed (a failure merged into a pending exponential-delay restart is none; a lost TaskManager is a failure per pipelined region it held)
	ByCause  []CauseCount `json:"by_cause"` // failovers per cause, in order of first occurrence
	// DowntimeS is the time some pipelined region was cancelled and not yet
	// deployed again; RestoreS the time restarted tasks spent INITIALIZING
	// (restoring state) after that, summed over failovers.
	DowntimeS  float64 `json:"downtime_s"`
	RestoreS   float64 `json:"restore_s"`
	Replayed   int64   `json:"records_replayed"`
	Duplicated int64   `json:"records_duplicated"`
	JobFailed  bool    `json:"job_failed"` // the restart strategy gave up
	// Failovers lists the first 10 000 failovers and the latest; Unlisted
	// counts those left out between them (a storm of millions).
	Failovers []FailoverSummary `json:"failovers"`
	Unlisted  int               `json:"failovers_unlisted,omitempty"`
}

// CauseCount is how many failovers a cause brought.
type CauseCount struct {
	Cause string `json:"cause"`
	Count int    `json:"count"`
}

// FailoverSummary is one failover. Times are seconds from the start; a
// phase not reached by the end of the run (or taken over by a later
// failover) is -1.
type FailoverSummary struct {
	Cause  string `json:"cause"`
	Reason string `json:"reason"` // Flink's message
	// FailedAtS is when the failure happened, DetectedAtS when the JobManager
	// noticed it (the failover starts; a lost TaskManager's detection).
	FailedAtS      float64 `json:"failed_at_s"`
	DetectedAtS    float64 `json:"detected_at_s"`
	DetectionDelay float64 `json:"detection_delay_s"`
	// Regions are the pipelined regions restarted, of RegionsTotal; Global:
	// a global failover (every region).
	Regions      []int   `json:"regions"`
	RegionsTotal int     `json:"regions_total"`
	Global       bool    `json:"global"`
	RestartDelay float64 `json:"restart_delay_s"` // from the restart strategy
	// DownS is from the failover until its tasks are deployed again (the
	// restart delay, a replacement TaskManager, the redeploy); RestoreS is
	// their INITIALIZING time, restoring state.
	DownS     float64 `json:"down_s"`
	RestoreS  float64 `json:"restore_s"`
	Replayed  int64   `json:"records_replayed"` // read again by the restarted sources
	JobFailed bool    `json:"job_failed"`       // the restart strategy gave up here
	// Where the replay went at the sinks (FailureEvent.SinkRewound).
	SinkRewound int64 `json:"records_sink_rewound"`
	SinkExposed int64 `json:"records_sink_duplicated"`
	SinkLost    int64 `json:"records_sink_lost"`
}

// RecordCounts accounts for every record, so that they balance exactly:
//
//	produced + replayed + restored + multiplied + fanned_out
//	    = source_lag + sink + in_flight + dropped + filtered + merged + late
//
// Records enter from Kafka (produced; replayed ones are read again after a
// restore), from unaligned checkpoints' channel state (restored), from
// operators emitting more than they read (multiplied) and from operators
// feeding several others, each a copy (fanned_out). They end in Kafka
// unread, written by a sink (duplicates included), still in the job, lost
// at a failover (dropped), or consumed by an operator without being emitted:
// filtered out (selectivity below 1) or merged into aggregates (mini-batch
// pre-aggregation, the partial stage of salting, windows: what a window
// operator took into its windows minus the results it fired), or late for
// every window that would hold them (sent to a side output or dropped).
// Without failovers,
// aggregation or selectivity, produced = source_lag + sink + in_flight.
type RecordCounts struct {
	Produced  int64 `json:"produced"`   // appended to Kafka
	Backlog   int64 `json:"backlog"`    // of produced, in Kafka at the start (initial-backlog)
	Sink      int64 `json:"sink"`       // written by the sinks
	InFlight  int64 `json:"in_flight"`  // in network buffers, being processed, or waiting in mini-batches
	SourceLag int64 `json:"source_lag"` // in Kafka, not yet read
	Replayed  int64 `json:"replayed"`   // rewound at restores: read again, or waiting in source_lag to be
	Restored  int64 `json:"restored"`   // put back into channels from unaligned checkpoints
	Dropped   int64 `json:"dropped"`    // in the job when it failed over, lost
	// Filtered and Multiplied are what operators read minus what they emit,
	// and the reverse (selectivity below and above 1); FannedOut is one copy
	// per extra operator that reads an operator's output; Merged is what
	// mini-batches read minus the aggregates they emit.
	Filtered   int64 `json:"filtered"`
	Multiplied int64 `json:"multiplied"`
	FannedOut  int64 `json:"fanned_out"`
	Merged     int64 `json:"merged"`
	Late       int64 `json:"late"` // window operators: to the side output or dropped as late
}

type Throughput struct {
	SourceRPS float64 `json:"source_rps"`
	SinkRPS   float64 `json:"sink_rps"`
}

type LatencySummary struct {
	P50  float64 `json:"p50"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// OptionalLatency is a latency summary that may have nothing to summarise:
// summary.json's latency_s (from a record's creation to its sink; None when
// no record reached one, records.sink 0), a window's result_latency_s
// (None when no window fired) and watermark_lag_s (None before it had a
// watermark), a sink's commit_latency_s and visible_latency_s (None when
// its read_committed reader saw no record). None is written as null quantiles, not 0, as compare's JSON
// does (0 is a value: a record can take no time).
type OptionalLatency struct {
	LatencySummary
	None bool `json:"-"`
}

// optionalLatencyJSON is OptionalLatency as summary.json holds it.
type optionalLatencyJSON struct {
	P50  *float64 `json:"p50"`
	P99  *float64 `json:"p99"`
	Max  *float64 `json:"max"`
	Mean *float64 `json:"mean"`
}

// MarshalJSON writes the quantiles, or null ones when None.
func (l OptionalLatency) MarshalJSON() ([]byte, error) {
	if l.None {
		return json.Marshal(optionalLatencyJSON{})
	}
	return json.Marshal(l.LatencySummary)
}

// UnmarshalJSON reads what MarshalJSON writes: None when every quantile is
// null. (A file from before it has zeros; ReadResult sets None from its
// records.sink.)
func (l *OptionalLatency) UnmarshalJSON(b []byte) error {
	var j optionalLatencyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	val := func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	}
	*l = OptionalLatency{LatencySummary: LatencySummary{P50: val(j.P50), P99: val(j.P99), Max: val(j.Max), Mean: val(j.Mean)},
		None: j.P50 == nil && j.P99 == nil && j.Max == nil && j.Mean == nil}
	return nil
}

// LatencyOf summarises a histogram of seconds (zeros when it is empty).
func LatencyOf(h *sim.Histogram) LatencySummary {
	return LatencySummary{P50: h.Quantile(0.5), P99: h.Quantile(0.99), Max: h.Max(), Mean: h.Mean()}
}

// OptionalLatencyOf summarises a histogram of seconds: None when it is
// empty.
func OptionalLatencyOf(h *sim.Histogram) OptionalLatency {
	return OptionalLatency{LatencySummary: LatencyOf(h), None: h.Count() == 0}
}

// OperatorSummary averages each operator over the run. Time metrics belong to
// the task (chain) the operator runs in, as in Flink.
type OperatorSummary struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// FlinkName is the operator's name as Flink gives it (its metrics'
	// operator_name, its part of the task name): "Source: clicks", "parse",
	// a SinkFunction's "Sink: jdbc", a Sink V2 sink's writer "orders-topic:
	// Writer". Empty in a summary written before it (OperatorName).
	FlinkName string `json:"flink_name,omitempty"`
	// Committer is a Sink V2 sink's committer operator chained to its
	// writer ("orders-topic: Committer"), empty for any other operator.
	Committer            string  `json:"committer,omitempty"`
	Task                 string  `json:"task"`
	Parallelism          int     `json:"parallelism"`
	RecordsIn            int64   `json:"records_in"`
	RecordsOut           int64   `json:"records_out"`
	BusyMsPerS           float64 `json:"busy_ms_per_s"`
	BackpressuredMsPerS  float64 `json:"backpressured_ms_per_s"`
	IdleMsPerS           float64 `json:"idle_ms_per_s"`
	MaxSubtaskBusyMsPerS float64 `json:"max_subtask_busy_ms_per_s"`
	// MaxSubtaskBackpressuredMsPerS is what Flink's web UI grades a vertex by:
	// its most backpressured subtask.
	MaxSubtaskBackpressuredMsPerS float64 `json:"max_subtask_backpressured_ms_per_s"`
	Backpressure                  string  `json:"backpressure"` // OK, LOW or HIGH, graded as Flink's UI does
	// NeverRan is set for an operator whose task was deployed for no time:
	// every attempt failed as it was deployed (though a source may have
	// read its first records at that instant). Flink has no task metrics
	// for it, and its REST backpressure endpoint answers with no
	// backpressure level (JobVertexBackPressureHandler: no TaskMetricStore,
	// JobVertexBackPressureInfo.deprecated(), whose backpressure-level is
	// null and left out), so summary.json writes the five time metrics and
	// backpressure as null, not as zeros and an "OK" (MarshalJSON).
	NeverRan   bool    `json:"never_ran,omitempty"`
	StateBytes float64 `json:"state_bytes,omitempty"`
}

// operatorJSON is OperatorSummary as summary.json writes it, the task
// metrics as pointers so that a task that never ran has null ones. Its
// fields are OperatorSummary's, in the same order with the same tags
// (TestOperatorJSONMirrorsSummary).
type operatorJSON struct {
	Name                          string   `json:"name"`
	Kind                          string   `json:"kind"`
	FlinkName                     string   `json:"flink_name,omitempty"`
	Committer                     string   `json:"committer,omitempty"`
	Task                          string   `json:"task"`
	Parallelism                   int      `json:"parallelism"`
	RecordsIn                     int64    `json:"records_in"`
	RecordsOut                    int64    `json:"records_out"`
	BusyMsPerS                    *float64 `json:"busy_ms_per_s"`
	BackpressuredMsPerS           *float64 `json:"backpressured_ms_per_s"`
	IdleMsPerS                    *float64 `json:"idle_ms_per_s"`
	MaxSubtaskBusyMsPerS          *float64 `json:"max_subtask_busy_ms_per_s"`
	MaxSubtaskBackpressuredMsPerS *float64 `json:"max_subtask_backpressured_ms_per_s"`
	Backpressure                  *string  `json:"backpressure"`
	NeverRan                      bool     `json:"never_ran,omitempty"`
	StateBytes                    float64  `json:"state_bytes,omitempty"`
}

// MarshalJSON writes the operator with null task metrics and backpressure
// when it never ran (NeverRan), else as they are.
func (o OperatorSummary) MarshalJSON() ([]byte, error) {
	j := operatorJSON{Name: o.Name, Kind: o.Kind, FlinkName: o.FlinkName, Committer: o.Committer, Task: o.Task,
		Parallelism: o.Parallelism, RecordsIn: o.RecordsIn, RecordsOut: o.RecordsOut, NeverRan: o.NeverRan, StateBytes: o.StateBytes}
	if !o.NeverRan {
		j.BusyMsPerS, j.BackpressuredMsPerS, j.IdleMsPerS = &o.BusyMsPerS, &o.BackpressuredMsPerS, &o.IdleMsPerS
		j.MaxSubtaskBusyMsPerS, j.MaxSubtaskBackpressuredMsPerS = &o.MaxSubtaskBusyMsPerS, &o.MaxSubtaskBackpressuredMsPerS
		j.Backpressure = &o.Backpressure
	}
	return json.Marshal(j)
}

// Ran tells whether the operator's task ran for any time, and so has task
// metrics: not NeverRan, nor (in a summary written before that field) all
// three times 0, as they add up to 1000 ms/s over the time a task ran.
func (o OperatorSummary) Ran() bool {
	return !o.NeverRan && o.BusyMsPerS+o.BackpressuredMsPerS+o.IdleMsPerS != 0
}

// OperatorName is the operator's name as Flink gives it: FlinkName, or in
// a summary written before it, the name its kind gave then (a source's
// "Source: NAME", a sink's "Sink: NAME", an operator's NAME).
func (o OperatorSummary) OperatorName() string {
	switch {
	case o.FlinkName != "":
		return o.FlinkName
	case o.Kind == "source":
		return "Source: " + o.Name
	case o.Kind == "sink":
		return "Sink: " + o.Name
	}
	return o.Name
}

type EngineSummary struct {
	Events     uint64  `json:"events"`
	EventsPerS float64 `json:"events_per_s"`
}

// InjectedFailureSummary is one of the scenario's injected failures: how
// often it came due within the run and how often it took effect (a
// TaskManager that was running was lost, a checkpoint failed, the storage
// slowed down). A TaskManager loss after the job failed or of one already
// lost, or a storage episode without checkpointing, changes nothing. An
// outage of Kafka or of the sinks' system is due once and takes effect each
// time it fails a task, or, Kafka's, each time a source's enumerator fails
// the job (two sources listing together: twice a round); a poison record is due each time it is read, an
// overload each second a subtask is above its limit, and each takes
// effect each time it fails a task.
type InjectedFailureSummary struct {
	Kind       string `json:"kind"`
	Due        int    `json:"due"`
	TookEffect int    `json:"took_effect"`
	// FromS and UntilS bound an episode (an outage, a slowdown), in seconds
	// from the start.
	FromS  float64 `json:"from_s,omitempty"`
	UntilS float64 `json:"until_s,omitempty"`
	// OnCheckpoint marks a failure tied to a checkpoint's completion:
	// checkpoint AtCheckpoint, or (0) the first to complete from AtS
	// seconds; one that never completes leaves it never due.
	OnCheckpoint bool    `json:"on_checkpoint,omitempty"`
	AtCheckpoint int64   `json:"at_checkpoint,omitempty"`
	AtS          float64 `json:"at_s,omitempty"`
}

// Backpressure status as Flink's web UI grades backPressuredTimeMsPerSecond:
// OK up to 10 %, LOW up to 50 %, HIGH above.
func BackpressureStatus(msPerS float64) string {
	switch {
	case msPerS > 500:
		return "HIGH"
	case msPerS > 100:
		return "LOW"
	}
	return "OK"
}

// LagGrowth is how fast (records/s) the total Kafka lag grows over the
// second half of the run, from sample n/2 on (with samples every interval
// from the first, one interval after the middle; the no-output check's
// half starts at the middle, diagnose's halfSample): how fast a job that
// cannot keep up falls behind.
// A lag that grows shows it two ways, and each alone can be fooled: the
// slope between the half's two ends by the phases of a cycle they fall on
// (windows that fire for a long time, watermark alignment pausing a split:
// a verdict that changed with the run's length), the least-squares slope
// through the half's samples by a bump that drained before the end (a
// failover the job caught up from). It is the one of the two nearer zero.
// A run with fewer than four samples uses its first and last (or, with
// one, takes the lag to have started at zero).
func (r *Result) LagGrowth() float64 {
	n := len(r.Times)
	total := LagSeries(r)
	switch {
	case n == 0:
		return 0
	case n == 1:
		if r.Times[0] <= 0 {
			return 0
		}
		return total[0] / r.Times[0]
	case n < 4:
		return (total[n-1] - total[0]) / (r.Times[n-1] - r.Times[0])
	}
	a := n / 2
	ends := (total[n-1] - total[a]) / (r.Times[n-1] - r.Times[a])
	_, fit := stat.LinearRegression(r.Times[a:], total[a:], nil, false)
	if math.Abs(fit) < math.Abs(ends) {
		return fit
	}
	return ends
}

// LagSeries is the sources' Kafka lag over the run, in records:
// MetricKafkaLag summed over the sources, or, in results written before
// it, their pendingRecords (which have no value while a reader is not
// deployed).
func LagSeries(res *Result) []float64 {
	for _, s := range res.Series {
		if s.Metric == MetricKafkaLag {
			return TotalSeries(res, MetricKafkaLag)
		}
	}
	return TotalSeries(res, MetricPending)
}

// TotalSeries sums a metric over its operators' aggregate series, those
// with a value at each time (NoValue adds nothing).
func TotalSeries(res *Result, metric string) []float64 {
	total := make([]float64, len(res.Times))
	for _, s := range res.Series {
		if s.Metric == metric && s.Subtask < 0 {
			for i, v := range s.Values {
				if HasValue(v) {
					total[i] += v
				}
			}
		}
	}
	return total
}

// Balanced checks the identity RecordCounts documents.
func (rc RecordCounts) Balanced() bool {
	return rc.Produced+rc.Replayed+rc.Restored+rc.Multiplied+rc.FannedOut ==
		rc.SourceLag+rc.Sink+rc.InFlight+rc.Dropped+rc.Filtered+rc.Merged+rc.Late
}

// RestoreCount is how many times the job restored a checkpoint (REST's
// counts.restored): RestoresReported, or in a result without it every
// restore of a checkpoint, also past the ones Restores keeps; a restart
// that found none restored nothing.
func (r *Result) RestoreCount() int {
	if r.RestoresReported > 0 {
		return r.RestoresReported
	}
	if r.RestoresTotal > 0 {
		return r.RestoresTotal - r.RestoresFromStart
	}
	n := 0
	for _, rs := range r.Restores {
		if rs.ID != 0 {
			n++
		}
	}
	return n
}
