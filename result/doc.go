// Package result holds what a run produced, in the shapes users read: the
// Result with its Summary (summary.json, a contract for scripts), metric
// series with Flink's metric names (metrics.csv, and metrics.om.txt as
// Prometheus would have scraped them), checkpoint statistics and
// configuration in Flink's REST shape (checkpoints.json,
// checkpoint-details.json, checkpoint-config.json), and the verdict, skew
// and capacity types. It owns the run directory: WriteDir writes it and
// ReadDir reads it back, so a run read from disk is the same value as one
// just simulated (less the latency histogram, per-subtask checkpoint
// details and the checkpoint configuration). It knows nothing of how a run
// is simulated: models fills it, diagnose judges it, plots draws it.
//
//	result.go       Result, Summary and its sections, the record balance
//	metrics.go      metric names and Series; SinkMetric: whether a sink's numRecordsSend and committer metrics are Flink's or flinksim's
//	jobstatus.go    the job status gauges' names: uptime, JobStatusMetrics' <status>State, <status>Time and <status>TimeTotal
//	checkpoints.go  CheckpointStats, RestoreStats, FailureEvent, CheckpointSummary
//	verdict.go      Verdict and its phases
//	plan.go         Plan: the job graph in Flink's REST /jobs/:id/plan shape; PlanDescription, a description as JsonPlanGenerator writes it
//	skew.go         SkewSummary, SubtaskLoad, KeyLoad
//	sinks.go        SinkSummary: every record's fate at a sink, commits, upserts
//	capacity.go     Capacity: work per input record and checkpoint costs
//	leveled.go      Leveled: RocksDB's compaction bytes per flush, bounded by the levels a state fills and the keys they hold
//	flushes.go      what a memtable flush writes: the distinct keys among its updates (KeyBand, DistinctKeys, KeyedWrites)
//	write.go        summary.json and metrics.csv
//	prometheus.go   Prometheus names and labels, as Flink's PrometheusReporter gives them
//	openmetrics.go  metrics.om.txt: the series in the OpenMetrics text format, timestamped
//	openmetrics_stamps.go  the OpenMetrics timestamps in plain decimal seconds (promtool check metrics reads them)
//	rest.go         checkpoints.json (Flink's REST shape: GET /jobs/:jobid/checkpoints)
//	restdetails.go  checkpoint-details.json (.../checkpoints/details/:id/subtasks/:vertexid, with the task summary)
//	restconfig.go   checkpoint-config.json (.../checkpoints/config: CheckpointConfigInfo)
//	javajson.go     jdouble: a Java double as Flink's REST (Jackson) writes it
//	starttime.go    --start-time: the wall time of virtual time 0, for timestamps and watermarks
//	read.go         ReadResult: a Result from its files
//	dir.go          the run directory: WriteDir, ReadDir
package result
