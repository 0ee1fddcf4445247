package scenarios

import (
	"strconv"
	"strings"
)

// Flink keys flinksim does not model fall in two kinds. Some cannot change
// what a simulation shows: where processes listen and how they authenticate,
// where files, logs and archives go, the web UI, the deployment's plumbing.
// Those are kept quietly. The others would change the result (a scheduler, a
// memory budget, a batching option, the autoscaler): a run that ignores them
// says so in a warning.

// inertFlinkPrefixes are key families that cannot affect a simulation, from
// Flink's option classes (RestOptions, WebOptions, SecurityOptions,
// AkkaOptions/RpcOptions, BlobServerOptions, HistoryServerOptions,
// HighAvailabilityOptions, KubernetesConfigOptions, YarnConfigOptions,
// MetricOptions' reporters, QueryableStateOptions, CoreOptions' directories
// and class loading, JobManagerOptions' addresses, archive and process
// memory, CheckpointingOptions' savepoint directory and retention; the
// checkpoint directory is modelled) and its plugins'
// (the S3, GCS, Azure and OSS file systems: credentials, endpoints). The
// Kubernetes operator's own keys are here too, but for the autoscaler's.
var inertFlinkPrefixes = []string{
	"$internal.", "akka.", "pekko.", "blob.", "historyserver.", "high-availability", "zookeeper.",
	"query.", "jobstore.", "sql-client.", "taskmanager.debug.memory.", "state.backend.rocksdb.log.",
	"slow-task-detector.", // speculative execution's, which streaming jobs do not use
	"rest.", "web.", "security.", "ssl.", "metrics.", "queryable-state.", "sql-gateway.",
	"kubernetes.", "yarn.", "mesos.", "env.", "log.", "plugin.", "classloader.", "client.",
	"s3.", "s3a.", "presto.s3.", "gs.", "fs.", "azure.", "oss.",
	"jobmanager.rpc.", "jobmanager.archive.", "jobmanager.memory.", "jobmanager.web.",
	"jobmanager.bind-host", "jobmanager.resource-id", "taskmanager.bind-host", "taskmanager.host",
	"taskmanager.rpc.", "taskmanager.resource-id", "taskmanager.registration.", "taskmanager.log.",
	"state.savepoints.dir", "execution.checkpointing.savepoint-dir",
	"execution.checkpointing.create-subdir", "execution.attached",
	"execution.shutdown-on-attached-exit",
	"pipeline.name", "pipeline.jars", "pipeline.classpaths", "pipeline.global-job-parameters",
	"pipeline.cached-files", "pipeline.registered-", "pipeline.default-kryo-serializers",
	"pipeline.generic-types", "pipeline.serialization-config", "io.tmp.dirs", "process.",
	"state.backend.rocksdb.localdir",    // RocksDBConfigurableOptions' LOCAL_DIRECTORIES: where its files go
	"taskmanager.state.local.root-dirs", // CheckpointingOptions' local recovery directories (local recovery itself is modelled)
	"cluster.uncaught-exception-handling", "cluster.processes.halt-on-fatal-error",
}

// effectiveFlinkPrefixes are keys inside those families that do change a
// result: the Kubernetes operator's autoscaler (it rescales the job); the
// file systems' connection pools, upload threads and part sizes, which
// bound how fast checkpoints and file sinks upload (the S3 plugins' s3.*
// keys are passed on as fs.s3a.* to Hadoop's S3A, whose
// fs.s3a.connection.maximum, fs.s3a.threads.max and fs.s3a.multipart.size
// they set; flink-s3-fs-base's s3.upload.* size the recoverable writer's
// parts and concurrent uploads; Presto's presto.s3.max-connections;
// flink-gs-fs-hadoop's gs.writer.chunk.size); and latency tracking
// (MetricOptions.LATENCY_INTERVAL: markers through every operator, which
// Flink's docs warn "can significantly impact the performance"). The CPU a
// container gets on Kubernetes or YARN is modelled (flinkOptions,
// resolve_cpu.go).
var effectiveFlinkPrefixes = []string{
	"job.autoscaler.", "kubernetes.operator.job.autoscaler.",
	"s3.upload.", "s3.connection.maximum", "s3.threads.", "s3.multipart.", "s3.fast.upload", "s3.max.total.tasks",
	"fs.s3a.connection.maximum", "fs.s3a.threads.", "fs.s3a.multipart.", "fs.s3a.fast.upload", "fs.s3a.max.total.tasks",
	"presto.s3.max-connections", "presto.s3.multipart.", "gs.writer.chunk.size", "fs.gs.outputstream.upload.",
	"metrics.latency.interval",
}

// inertFlinkSuffixes mark addresses and ports in any family.
var inertFlinkSuffixes = []string{".port", ".ports", ".address", ".bind-address", ".bind-host", ".hostname", ".host"}

// effectiveFlinkSuffixes are keys in an inert family that change an output:
// a PrometheusReporter's filterLabelValueCharacters (false keeps label
// values as they are, AbstractPrometheusReporter), where metrics.om.txt
// always filters them as the reporter does by default; and a reporter's
// scope variables and filters (MetricOptions.REPORTER_EXCLUDED_VARIABLES,
// REPORTER_ADDITIONAL_VARIABLES, REPORTER_INCLUDES, REPORTER_EXCLUDES:
// labels left out or added, metrics not reported), where metrics.om.txt
// always has every scope variable it names, no other label, and every
// series.
var effectiveFlinkSuffixes = []string{".filterLabelValueCharacters",
	".scope.variables.excludes", ".scope.variables.additional", ".filter.includes", ".filter.excludes"}

// flinkValueInert tells whether an entry flinksim does not model sets what
// a simulation is anyway: execution.runtime-mode STREAMING, or AUTOMATIC,
// which is STREAMING when any source is unbounded (RuntimeExecutionMode;
// every source flinksim models is). BATCH would change the result. And
// metrics.latency.interval 0, its default (MetricOptions.LATENCY_INTERVAL:
// latency tracking disabled, no marker emitted), as Flink's templates and
// many configurations write it out; or, where the release reads a Long of
// milliseconds (before 1.20: flinkkeys.txt's Duration@1.20|Long, by which
// the entry was checked first), a negative number, which disables tracking
// too ("if set to 0 or a negative value", the 1.x table).
func flinkValueInert(e FlinkEntry) bool {
	switch e.Key {
	case "execution.runtime-mode":
		return strings.EqualFold(e.Value, "STREAMING") || strings.EqualFold(e.Value, "AUTOMATIC")
	case "metrics.latency.interval":
		if d, err := parseFlinkDuration(e.Value); err == nil {
			return d == 0
		}
		n, err := strconv.ParseInt(e.Value, 10, 64)
		return err == nil && n <= 0
	}
	return false
}

// flinkKeyInert tells whether a key flinksim does not model cannot change a
// simulation's result.
func flinkKeyInert(k string) bool {
	for _, p := range effectiveFlinkPrefixes {
		if strings.HasPrefix(k, p) {
			return false
		}
	}
	for _, x := range effectiveFlinkSuffixes {
		if strings.HasSuffix(k, x) {
			return false
		}
	}
	for _, p := range inertFlinkPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	for _, s := range inertFlinkSuffixes {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

var flinkPluginPrefixes = []string{"s3.", "s3a.", "fs.s3.", "fs.s3a.", "presto.s3.", "gs.", "fs.gs.", "fs.azure.", "fs.oss.",
	"kubernetes.operator.", "job.autoscaler.", "yarn.", "$internal."}

// flinkPluginFamily tells whether a key belongs to a family whose keys come
// from outside Flink's own option classes and cannot all be listed: the file
// system plugins (flink-s3-fs-hadoop/presto pass s3.*, fs.s3a.* and
// presto.s3.* on to Hadoop or Presto; flink-gs-fs-hadoop gs.* and fs.gs.*;
// flink-azure-fs-hadoop fs.azure.*; flink-oss-fs-hadoop fs.oss.*), the
// Kubernetes operator (kubernetes.operator.*, job.autoscaler.*), YARN's
// (yarn.*, as YarnConfigOptions and Hadoop's yarn-site keys) and Flink's
// internal keys ($internal.*).
func flinkPluginFamily(k string) bool {
	for _, p := range flinkPluginPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
