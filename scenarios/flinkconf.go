package scenarios

import (
	_ "embed"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// flinkOption is a Flink configuration key that flinksim models, with Flink's
// default (as Flink writes it) and Flink's accepted older names.
type flinkOption struct {
	Key        string
	Deprecated []string
	Default    string
	Doc        string
	parse      func(s string) (any, error)
	format     func(v any) string
	// writtenIfSet: scenario.resolved.yaml lists the option only when the
	// scenario sets it (modelled after the others; its default written
	// into every resolved file would change them all).
	writtenIfSet bool
	// longMsUntil: a duration the releases before this one declare as a
	// Long of milliseconds (flinkversion.go: readsLongMs); "" for none
	longMsUntil string
}

// flinkOptions lists every modelled key (Flink 1.20 / 2.x names and defaults).
// Ranges are Flink's: its ConfigOptions are Java ints (intType) up to
// Integer.MAX_VALUE, e.g. CheckpointFailureManager's
// UNLIMITED_TOLERABLE_FAILURE_NUMBER and the old fixed-delay.attempts
// default, and Durations (durationType) up to Long.MAX_VALUE ms. Narrower:
// parallelism (KeyGroupRangeAssignment's 32768 bound), and the two network
// buffer counts that size memory (bufferCount). The caps on buffers in use,
// max-buffers-per-channel and max-overdraft-buffers-per-gate, take any int
// (Integer.MAX_VALUE: no cap).
var flinkOptions = []flinkOption{
	{Key: "parallelism.default", Default: "1", parse: intRange(1, partitioning.MaxMaxParallelism),
		Doc: "Parallelism of every operator that does not set its own."},
	{Key: "pipeline.max-parallelism", Default: "-1", parse: maxParallelism,
		Doc: "Number of key groups of keyed operators; -1 applies Flink's rule min(max(roundUpToPowerOfTwo(1.5·p), 128), 32768) per operator."},
	{Key: "pipeline.operator-chaining.enabled", Deprecated: []string{"pipeline.operator-chaining"}, Default: "true", parse: boolean,
		Doc: "Chain forward connections between operators of equal parallelism into one task."},
	{Key: "pipeline.vertex-description-mode", Default: "TREE", parse: enum("TREE", "CASCADING"), // PipelineOptions.VERTEX_DESCRIPTION_MODE (TREE)
		Doc: "How the plan describes a job vertex's operators (summary.json's plan): TREE, a line per operator under the one it is chained to; CASCADING, one line, a -> (b , c)."},
	{Key: "pipeline.auto-watermark-interval", Default: "200 ms", parse: durationMs, format: flinkDuration,
		Doc: "How often each source reader with event-time emits its watermark (PipelineOptions); 0 turns periodic watermarks off, which flinksim refuses with event time."},
	{Key: "taskmanager.numberOfTaskSlots", Default: "1", parse: intRange(1, math.MaxInt32),
		Doc: "Slots per TaskManager. Slot i runs subtask i of every operator; channels within a TaskManager are local."},
	{Key: "taskmanager.cpu.cores", Default: "", parse: floatAbove(0),
		Doc: "Cores of a TaskManager, shared by its task threads (one core each at most), snapshots, compaction and restores (default: on Kubernetes kubernetes.taskmanager.cpu.amount, on YARN yarn.containers.vcores, else the number of slots, TaskExecutorProcessUtils)."},
	// A TaskManager's cores on Kubernetes and YARN, where taskmanager.cpu.cores
	// is not set (resolve_cpu.go). Their defaults are Flink's -1 (and 1.0 for
	// the limit factor), applied in code: written out, they would say where
	// the job runs.
	{Key: "execution.target", Default: "", parse: enum(executionTargets...),
		Doc: "Where the job runs (DeploymentOptions.TARGET): kubernetes-session or kubernetes-application read kubernetes.taskmanager.cpu.*, yarn-per-job (before 2.0), yarn-session or yarn-application read yarn.containers.vcores, local reads neither; left out or remote, the keys set say which."},
	{Key: "kubernetes.taskmanager.cpu.amount", Deprecated: []string{"kubernetes.taskmanager.cpu"}, Default: "", parse: anyDouble, format: javaDoubleText,
		Doc: "A TaskManager pod's CPU request on Kubernetes, its cores unless taskmanager.cpu.cores is set (KubernetesConfigOptions.TASK_MANAGER_CPU; Flink's default -1.0: 0 or less means the number of slots)."},
	{Key: "kubernetes.taskmanager.cpu.limit-factor", Default: "", parse: anyDouble, format: javaDoubleText,
		Doc: "A TaskManager pod's CPU limit as a multiple of its request, at least 1 (Flink's default 1.0); above 1 the pod may use idle cores of its node, which flinksim does not model: a TaskManager has its request."},
	{Key: "yarn.containers.vcores", Default: "", parse: intRange(math.MinInt32, math.MaxInt32),
		Doc: "A TaskManager container's vcores on YARN, its cores unless taskmanager.cpu.cores is set, rounded up to a whole vcore (YarnConfigOptions.VCORES; Flink's default -1: 0 or less means the number of slots)."},
	{Key: "taskmanager.memory.segment-size", Default: "32 kb", parse: segmentSize, format: memory,
		Doc: "Size of a network buffer (a power of two, at least 4 kb)."},
	{Key: "taskmanager.network.memory.buffers-per-channel", Default: "2", parse: bufferCount(0),
		Doc: "Exclusive buffers per remote input channel (the channel's credits)."},
	{Key: "taskmanager.network.memory.floating-buffers-per-gate", Default: "8", parse: bufferCount(1),
		Doc: "Floating buffers per input gate, lent to channels with a backlog."},
	{Key: "taskmanager.network.memory.max-buffers-per-channel", Default: "10", parse: intRange(1, math.MaxInt32),
		Doc: "Most buffers one output subpartition may hold; a writer whose subpartition reaches it is backpressured."},
	{Key: "taskmanager.network.memory.read-buffer.required-per-gate.max", Default: "", parse: intRange(1, math.MaxInt32),
		Doc: "Most buffers an input gate requires at deployment (FLINK-30473; unset: no bound for streaming): below channels × buffers-per-channel + 1 its channels get fewer exclusive buffers and the rest float. Counted in the deployment check, and the simulated gates run with these exclusive buffers and floating pool (GateBuffersSpec)."},
	{Key: "taskmanager.network.memory.max-overdraft-buffers-per-gate", Default: "5", parse: intRange(0, math.MaxInt32),
		Doc: "Buffers a task may take beyond its output pool to finish the record it is in; with none it blocks mid-record (FLIP-227)."},
	{Key: "execution.buffer-timeout.interval", Deprecated: []string{"execution.buffer-timeout"}, Default: "100 ms", parse: bufferTimeout, format: flinkDuration,
		Doc: "How often the output flusher sends partly filled buffers; 0 flushes after every record (execution.buffer-timeout.enabled: false flushes only full buffers)."},
	{Key: "execution.buffer-timeout.enabled", Default: "true", parse: boolean,
		Doc: "false: send buffers only when full."},
	// Buffer debloating (FLIP-183; TaskManagerOptions BUFFER_DEBLOAT_*).
	{Key: "taskmanager.network.memory.buffer-debloat.enabled", Default: "false", parse: boolean,
		Doc: "Size every input gate's buffers to hold about target's worth of its throughput."},
	{Key: "taskmanager.network.memory.buffer-debloat.target", Default: "1 s", parse: positiveMs, format: flinkDuration,
		Doc: "Time the buffers in use should take to consume at the measured throughput."},
	{Key: "taskmanager.network.memory.buffer-debloat.period", Default: "200 ms", parse: positiveMs, format: flinkDuration,
		Doc: "How often each gate recalculates its buffer size."},
	{Key: "taskmanager.network.memory.buffer-debloat.samples", Default: "20", parse: intRange(1, math.MaxInt32),
		Doc: "Samples the buffer size is averaged over (exponential moving average)."},
	{Key: "taskmanager.network.memory.buffer-debloat.threshold-percentages", Default: "25", parse: intRange(0, math.MaxInt32),
		Doc: "A new buffer size is announced only when it differs from the last by this many percent."},
	{Key: "taskmanager.memory.min-segment-size", Default: "256 b", parse: minSegmentSize, format: memory,
		Doc: "Smallest buffer size debloating may set (at most the segment size)."},
	// TaskManagerOptions.STARTING_MEMORY_SEGMENT_SIZE, a MemorySize of 1024
	// bytes by default (Flink 2.0+, FLINK-36556; keySince): read into
	// BufferDebloatConfiguration whether or not debloating is on, which
	// requires min-segment-size <= it <= segment-size (resolve.go).
	{Key: "taskmanager.memory.starting-segment-size", Default: "1 kb", parse: minSegmentSize, format: memory,
		Doc: "Buffer size a debloating gate and its senders start at, before the first throughput is measured (Flink 2.0+; before, the segment size)."},

	// TaskManager memory (TaskManagerOptions): the task heap that state on
	// the heap (state.backend.type: hashmap) must fit in, and the network
	// memory. managed.size and network.fraction, .min and .max keep the
	// older names TaskManagerOptions declares withDeprecatedKeys in every
	// release since 1.10, 2.x too (taskmanager.memory.size,
	// taskmanager.network.memory.fraction, .min, .max). Without a size,
	// as in Flink's defaults, the heap is not checked; the task heap or
	// managed size without the other and without a total is refused
	// (resolve_memory.go, as ProcessMemoryUtils refuses it).
	{Key: "taskmanager.memory.process.size", Default: "", parse: memoryAtLeast(1 << 20), format: memory,
		Doc: "Total memory of a TaskManager's process (Flink's configuration template: 1728m); flinksim derives its task heap from it as Flink does."},
	{Key: "taskmanager.memory.flink.size", Default: "", parse: memoryAtLeast(1 << 20), format: memory,
		Doc: "Total Flink memory of a TaskManager (the process size less JVM metaspace and overhead)."},
	{Key: "taskmanager.memory.task.heap.size", Default: "", parse: memoryAtLeast(1 << 20), format: memory,
		Doc: "Task heap of a TaskManager: what its tasks' objects, a hashmap backend's state among them, may use. Without a total size Flink needs managed.size set too (ProcessMemoryUtils)."},
	// TaskManagerOptions.KILL_ON_OUT_OF_MEMORY
	{Key: "taskmanager.jvm-exit-on-oom", Default: "false", parse: boolean,
		Doc: "Whether an OutOfMemoryError in a task thread kills the TaskManager (its process exits: every task on it fails, and a replacement starts) instead of failing the task."},
	{Key: "taskmanager.memory.managed.size", Deprecated: []string{"taskmanager.memory.size"}, Default: "", parse: memoryAtLeast(0), format: memory,
		Doc: "Managed memory (RocksDB's block cache and memtables); instead of managed.fraction. Without a total size Flink needs task.heap.size set too (ProcessMemoryUtils)."},
	{Key: "taskmanager.memory.managed.fraction", Default: "0.4", parse: fraction,
		Doc: "Managed memory as a fraction of total Flink memory."},
	{Key: "taskmanager.memory.network.fraction", Deprecated: []string{"taskmanager.network.memory.fraction"}, Default: "0.1", parse: fraction,
		Doc: "Network memory as a fraction of total Flink memory, within network.min and network.max."},
	{Key: "taskmanager.memory.network.min", Deprecated: []string{"taskmanager.network.memory.min"}, Default: "64 mb", parse: memoryAtLeast(0), format: memory, Doc: "Least network memory."},
	{Key: "taskmanager.memory.network.max", Deprecated: []string{"taskmanager.network.memory.max"}, Default: "9223372036854775807 bytes", parse: memoryAtLeast(0), format: memory,
		Doc: "Most network memory (unbounded since 1.17, FLINK-30469; 1 gb before)."},
	{Key: "taskmanager.memory.framework.heap.size", Default: "128 mb", parse: memoryAtLeast(0), format: memory, Doc: "Heap for Flink's framework."},
	{Key: "taskmanager.memory.framework.off-heap.size", Default: "128 mb", parse: memoryAtLeast(0), format: memory, Doc: "Off-heap memory for Flink's framework."},
	{Key: "taskmanager.memory.task.off-heap.size", Default: "0 bytes", parse: memoryAtLeast(0), format: memory, Doc: "Off-heap memory for tasks."},
	{Key: "taskmanager.memory.jvm-metaspace.size", Default: "256 mb", parse: memoryAtLeast(0), format: memory, Doc: "JVM metaspace."},
	{Key: "taskmanager.memory.jvm-overhead.fraction", Default: "0.1", parse: fraction,
		Doc: "JVM overhead as a fraction of the process size, within jvm-overhead.min and jvm-overhead.max."},
	{Key: "taskmanager.memory.jvm-overhead.min", Default: "192 mb", parse: memoryAtLeast(0), format: memory, Doc: "Least JVM overhead."},
	{Key: "taskmanager.memory.jvm-overhead.max", Default: "1 gb", parse: memoryAtLeast(0), format: memory, Doc: "Most JVM overhead."},

	// Checkpointing (CheckpointingOptions, Flink 1.20 / 2.x names).
	{Key: "execution.checkpointing.interval", Default: "", parse: checkpointTime, format: flinkDuration,
		Doc: "Interval between periodic checkpoints; left out, checkpointing is off."},
	{Key: "execution.checkpointing.timeout", Default: "10 min", parse: checkpointTime, format: flinkDuration,
		Doc: "A checkpoint still pending this long after its trigger expires."},
	{Key: "execution.checkpointing.min-pause", Default: "0 ms", parse: durationMs, format: flinkDuration,
		Doc: "Least time from the end of one checkpoint to the trigger of the next."},
	{Key: "execution.checkpointing.max-concurrent-checkpoints", Default: "1", parse: intRange(1, math.MaxInt32),
		Doc: "Most checkpoints in progress at once."},
	{Key: "execution.checkpointing.tolerable-failed-checkpoints", Default: "0", parse: intRange(0, math.MaxInt32),
		Doc: "Consecutive failed checkpoints tolerated; one more fails the job over."},
	{Key: "execution.checkpointing.num-retained", Deprecated: []string{"state.checkpoints.num-retained"}, Default: "1", parse: intRange(1, math.MaxInt32),
		Doc: "Completed checkpoints kept (CheckpointingOptions.MAX_RETAINED_CHECKPOINTS); an older one is discarded once subsumed (checkpoints.json's discarded)."},
	// WebOptions.CHECKPOINTS_HISTORY_SIZE: CheckpointStatsTracker refuses a
	// negative size ("Negative number of remembered checkpoints"); 0 keeps
	// no history (CheckpointStatsHistory).
	{Key: "web.checkpoints.history", Deprecated: []string{"jobmanager.web.checkpoints.history"}, Default: "10", parse: intRange(0, math.MaxInt32),
		Doc: "Checkpoints the JobManager remembers for REST's history (checkpoints.json's history, newest first); counts and summary cover every checkpoint."},
	{Key: "execution.checkpointing.externalized-checkpoint-retention", Default: "NO_EXTERNALIZED_CHECKPOINTS",
		parse: enum("NO_EXTERNALIZED_CHECKPOINTS", "DELETE_ON_CANCELLATION", "RETAIN_ON_CANCELLATION"),
		Doc:   "Whether checkpoints outlive the job (ExternalizedCheckpointRetention); reported in checkpoint-config.json's externalization."},
	{Key: "execution.checkpointing.mode", Default: "EXACTLY_ONCE", parse: enum("EXACTLY_ONCE", "AT_LEAST_ONCE"),
		Doc: "EXACTLY_ONCE aligns barriers; AT_LEAST_ONCE does not block channels."},
	{Key: "execution.checkpointing.unaligned.enabled", Deprecated: []string{"execution.checkpointing.unaligned"}, Default: "false", parse: boolean,
		Doc: "Unaligned checkpoints: barriers overtake in-flight data, which is persisted."},
	// CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH (FLIP-147):
	// read for checkpoint-config.json only, as flinksim's sources never
	// finish.
	{Key: "execution.checkpointing.checkpoints-after-tasks-finish", Deprecated: []string{"execution.checkpointing.checkpoints-after-tasks-finish.enabled"},
		Default: "true", parse: boolean,
		Doc: "Checkpoints go on once some tasks have finished; flinksim's sources never finish, so it shows in checkpoint-config.json only."},
	{Key: "execution.checkpointing.aligned-checkpoint-timeout", Deprecated: []string{"execution.checkpointing.alignment-timeout"}, Default: "0 s", parse: durationMs, format: flinkDuration,
		Doc: "With unaligned checkpoints: start aligned, switch to unaligned after this (0: always unaligned)."},
	{Key: "execution.checkpointing.incremental", Deprecated: []string{"state.backend.incremental"}, Default: "false", parse: boolean,
		Doc: "Upload only what changed since the last completed checkpoint (RocksDB)."},
	{Key: "state.backend.type", Deprecated: []string{"state.backend"}, Default: "hashmap", parse: stateBackend,
		Doc: "hashmap (heap) or rocksdb."},
	// CheckpointingOptions.CHECKPOINT_STORAGE, no default: without it
	// CheckpointStorageLoader takes FileSystemCheckpointStorage when a
	// checkpoint directory is set, else JobManagerCheckpointStorage
	// (resolve_ckptstorage.go).
	{Key: "execution.checkpointing.storage", Deprecated: []string{"state.checkpoint-storage"}, Default: "", parse: checkpointStorage,
		Doc: "Where checkpoints go: jobmanager (JobManagerCheckpointStorage: the JobManager's memory, at most checkpoint-storage.max-state-size, 5 MiB, a state) or filesystem (FileSystemCheckpointStorage, needs execution.checkpointing.dir); left out, the file system of a checkpoint directory (execution.checkpointing.dir, or the checkpoint-storage block), else the JobManager's memory, as Flink falls back to it (flinksim warns)."},
	// CheckpointingOptions.CHECKPOINTS_DIRECTORY, no default: with it and no
	// storage set, FileSystemCheckpointStorage (CheckpointStorageLoader),
	// its path the checkpoints' external_path; without, the JobManager's
	// memory (resolve_ckptstorage.go). Its name came in 1.20 (FLIP-406);
	// state.checkpoints.dir and state.backend.fs.checkpointdir are its
	// deprecated keys, read in that order, in every release flinksim knows.
	{Key: "execution.checkpointing.dir", Deprecated: []string{"state.checkpoints.dir", "state.backend.fs.checkpointdir"}, Default: "", parse: checkpointDirectory,
		Doc: "The checkpoint directory (a file system URI: s3://bucket/path, hdfs://..., file:///...): checkpoints go to its file system (FileSystemCheckpointStorage) unless execution.checkpointing.storage says otherwise; left out (and no checkpoint-storage block), to the JobManager's memory."},
	// CheckpointingOptions.FS_SMALL_FILE_THRESHOLD: read by
	// FileSystemCheckpointStorage only, at most 1 mb (resolve_ckptstorage.go).
	{Key: "execution.checkpointing.data-inline-threshold", Deprecated: []string{"state.storage.fs.memory-threshold", "state.backend.fs.memory-threshold"},
		Default: "20 kb", parse: memoryAtLeast(0), format: memory, writtenIfSet: true,
		Doc: "A subtask's state stream of at most this size goes inside the checkpoint's metadata instead of a file of its own: no upload, no download at a restore (a Kafka reader's splits among them). At most 1 mb: above, FileSystemCheckpointStorage ignores it and keeps 20 kb; checkpoints to the JobManager's memory do not read it."},
	{Key: "execution.state-recovery.from-local", Deprecated: []string{"state.backend.local-recovery"}, Default: "false", parse: boolean,
		Doc: "Restore from a local copy on TaskManagers that survived."},
	{Key: "execution.state-recovery.claim-mode", Deprecated: []string{"execution.savepoint-restore-mode"}, Default: "NO_CLAIM", parse: claimMode,
		Doc: "How a job started from a savepoint or retained checkpoint (state-warm) treats it: NO_CLAIM (its first checkpoint is full), CLAIM or LEGACY (incremental checkpoints build on its files)."},
	{Key: "execution.checkpointing.local-backup.enabled", Default: "", parse: boolean,
		Doc: "Each checkpoint also keeps a copy on the TaskManager's disk (default: execution.state-recovery.from-local, its fallback key)."},
	{Key: "state.backend.rocksdb.checkpoint.transfer.thread.num", Default: "4", parse: intRange(1, math.MaxInt32),
		Doc: "Threads per stateful operator that upload and download state files."},
	{Key: "state.changelog.enabled", Deprecated: []string{"state.backend.changelog.enabled"}, Default: "false", parse: boolean,
		Doc: "The changelog state backend (FLIP-158): state changes upload continuously, a checkpoint waits for the tail, the backend materializes in the background."},
	// StateChangelogOptions.STATE_CHANGE_LOG_STORAGE: memory by default
	// (InMemoryStateChangelogStorage, for tests); read in any case
	// (StateChangelogStorageLoader lower-cases it).
	{Key: "state.changelog.storage", Deprecated: []string{"state.backend.changelog.storage"}, Default: "memory", parse: enum("memory", "filesystem"),
		Doc: "Where the changelog backend keeps its log: filesystem (the durable log, uploaded as it grows) or memory (Flink's default, for tests)."},
	{Key: "state.changelog.periodic-materialize.interval", Deprecated: []string{"state.backend.changelog.periodic-materialize.interval"}, Default: "10 min", parse: durationMs, format: flinkDuration,
		Doc: "How often the changelog backend materializes its state (the log before it is truncated)."},
	{Key: "state.changelog.dstl.dfs.upload.num-threads", Deprecated: []string{"dstl.dfs.upload.num-threads"}, Default: "5", parse: intRange(1, 1<<10),
		Doc: "Threads that upload the changelog."},
	{Key: "state.changelog.dstl.dfs.upload.max-in-flight", Deprecated: []string{"dstl.dfs.upload.max-in-flight"}, Default: "100 mb", parse: memoryAtLeast(1 << 10), format: memory,
		Doc: "Changelog bytes waiting to upload beyond which the task blocks (backpressure)."},
	{Key: "state.changelog.dstl.dfs.preemptive-persist-threshold", Deprecated: []string{"dstl.dfs.preemptive-persist-threshold"}, Default: "5 mb", parse: memoryAtLeast(0), format: memory,
		Doc: "Changes a changelog writer holds before it uploads them without waiting for a checkpoint; a checkpoint uploads, and counts in its checkpointed size, only what is not uploaded yet."},
	{Key: "state.backend.rocksdb.writebuffer.size", Default: "64 mb", parse: memoryAtLeast(1 << 10), format: memory,
		Doc: "RocksDB memtable size: a full one is flushed to a level-0 SST file (RocksDBConfigurableOptions)."},
	{Key: "state.backend.rocksdb.thread.num", Default: "2", parse: intRange(1, 1<<10),
		Doc: "RocksDB's background flush and compaction jobs per stateful operator: at most this many cores compact."},

	// Restarts (RestartStrategyOptions) and failure detection.
	{Key: "restart-strategy.type", Deprecated: []string{"restart-strategy"}, Default: "", parse: restartKind,
		Doc: "none, fixed-delay, failure-rate or exponential-delay. Default: exponential-delay with checkpointing, none without."},
	{Key: "restart-strategy.fixed-delay.attempts", Default: "1", parse: intRange(0, math.MaxInt32), Doc: "Restarts allowed before the job fails."},
	{Key: "restart-strategy.fixed-delay.delay", Default: "1 s", parse: durationMs, format: flinkDuration, Doc: "Delay before each restart."},
	{Key: "restart-strategy.failure-rate.max-failures-per-interval", Default: "1", parse: intRange(1, math.MaxInt32), Doc: "Failures allowed within the interval."},
	{Key: "restart-strategy.failure-rate.failure-rate-interval", Default: "1 min", parse: wholeMs, format: flinkDuration, Doc: "Window for counting failures."},
	{Key: "restart-strategy.failure-rate.delay", Default: "1 s", parse: durationMs, format: flinkDuration, Doc: "Delay before each restart."},
	{Key: "restart-strategy.exponential-delay.initial-backoff", Default: "1 s", parse: wholeMs, format: flinkDuration, Doc: "First restart delay."},
	{Key: "restart-strategy.exponential-delay.max-backoff", Default: "1 min", parse: wholeMs, format: flinkDuration, Doc: "Largest restart delay."},
	{Key: "restart-strategy.exponential-delay.backoff-multiplier", Default: "1.5", parse: backoffMultiplier, format: javaDoubleText,
		Doc: "Growth of the delay per restart, above 1; Infinity: initial-backoff, then max-backoff."},
	{Key: "restart-strategy.exponential-delay.reset-backoff-threshold", Default: "1 h", parse: wholeMs, format: flinkDuration, Doc: "A failure this long after the last restart starts over from the initial delay."},
	{Key: "restart-strategy.exponential-delay.jitter-factor", Default: "0.1", parse: floatBetween(0, 1), Doc: "Random ± fraction of each delay."},
	{Key: "restart-strategy.exponential-delay.attempts-before-reset-backoff", Default: "2147483647", parse: intRange(1, math.MaxInt32), Doc: "Restarts allowed before the backoff resets."},
	{Key: "jobmanager.execution.failover-strategy", Default: "region", parse: enum("region", "full"),
		Doc: "What a task failure restarts: region, its pipelined regions (RestartPipelinedRegionFailoverStrategy), or full, every task (FailoverStrategyFactoryLoader)."},
	{Key: "heartbeat.timeout", Default: "50 s", parse: wholeMs, format: flinkDuration, longMsUntil: "1.20",
		Doc: "A TaskManager that hangs (alive, silent) is declared lost after this."},
	{Key: "heartbeat.interval", Default: "10 s", parse: wholeMs, format: flinkDuration, longMsUntil: "1.20",
		Doc: "How often the JobManager sends heartbeats to a TaskManager."},
	{Key: "heartbeat.rpc-failure-threshold", Default: "2", parse: rpcFailureThreshold,
		Doc: "Failed heartbeat RPCs in a row that declare an unreachable TaskManager lost (-1: never; then heartbeat.timeout)."},
	// RpcOptions.ASK_TIMEOUT_DURATION (pekko.* since 1.18, FLINK-32468;
	// akka.ask.timeout before, and still read as its older name): the
	// JobMaster's rpcTimeout, after which a deployment to a TaskManager
	// that does not answer fails (Execution.deploy). Whole ms, at least 1:
	// PekkoInvocationHandler asks with timeout.toMillis(), and Pekko
	// refuses a 0 ms ask.
	{Key: "pekko.ask.timeout", Deprecated: []string{"akka.ask.timeout"}, Default: "10 s", parse: wholeMs, format: flinkDuration, writtenIfSet: true,
		Doc: "RPC timeout: a task deployed to a lost TaskManager the JobManager has not noticed yet fails this long after its deployment starts."},
	// MetricOptions.JOB_STATUS_METRICS (FLINK-23976, 1.15): the kinds of
	// JobStatusMetrics gauge, a list of STATE, CURRENT_TIME, TOTAL_TIME.
	{Key: jobStatusMetricsKey, Default: "CURRENT_TIME", parse: jobStatusMetricsList, writtenIfSet: true,
		Doc: "Which job status gauges the job reports, a list (STATE;TOTAL_TIME, or a YAML list from 1.19): STATE, <status>State, 1 while the job is in the status; CURRENT_TIME, <status>Time, the ms since it entered the status while in it; TOTAL_TIME, <status>TimeTotal, its ms in the status in all (MetricOptions.JobStatusMetrics)."},
}

//go:embed flinkkeys.txt
var flinkKeysText string

// flinkKeys is every Flink configuration key flinksim knows of (see
// flinkkeys.txt), exact names and placeholder patterns.
var flinkKeys, flinkKeyPatterns = func() (map[string]bool, []*regexp.Regexp) {
	exact := map[string]bool{}
	var pats []*regexp.Regexp
	for _, l := range flinkKeyLines {
		if !strings.ContainsAny(l.name, "<#") {
			exact[l.name] = true
			continue
		}
		parts := regexp.MustCompile(`<[^>]+>|#`).Split(l.name, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		pats = append(pats, regexp.MustCompile("^"+strings.Join(parts, ".+")+"$"))
	}
	return exact, pats
}()

var optionByKey = func() map[string]*flinkOption {
	m := map[string]*flinkOption{}
	for i := range flinkOptions {
		o := &flinkOptions[i]
		m[o.Key] = o
		for _, d := range o.Deprecated {
			m[d] = o
		}
	}
	return m
}()

// emptyFlinkValue says that an entry of o needs a value, and what o allows
// (its parser's word on an empty one) and does without one.
func emptyFlinkValue(o *flinkOption, n *yaml.Node) string {
	def := "Flink's default is " + o.Default
	if o.Default == "" {
		def = "Flink's default is to leave it unset"
	}
	if n != nil && n.Kind == yaml.SequenceNode {
		return fmt.Sprintf("needs a single value, not a list; or leave the key out (%s)", def)
	}
	allowed := "a value"
	if _, err := o.parse(""); err != nil {
		allowed = strings.TrimPrefix(err.Error(), `"" `)
	}
	return fmt.Sprintf("needs a single value, and an empty one %s; or leave the key out (%s)", allowed, def)
}

func knownFlinkKey(k string) bool {
	if flinkKeys[k] {
		return true
	}
	for _, p := range flinkKeyPatterns {
		if p.MatchString(k) {
			return true
		}
	}
	return false
}

// flinkSettings are the modelled keys' effective values.
type flinkSettings struct {
	values map[string]any    // canonical key → parsed value
	given  map[string]bool   // canonical keys the scenario wrote, valid or not
	paths  map[string]string // canonical key → the field path as written (old name, nested)
	// refused are the canonical keys whose value the scenario wrote was
	// refused: their default stands in, and a check that reads them would
	// judge a setting the scenario did not make.
	refused map[string]bool
	// unread are the restart strategies' options whose value was refused,
	// kept until the strategy in use is known (restartKeys): Flink parses
	// only the chosen strategy's options.
	unread map[string]unreadValue
}

// at is the field path under which the scenario set key, for messages at
// the entry as written ("flink." and the key when it is not written).
func (f flinkSettings) at(key string) string {
	if p, ok := f.paths[key]; ok {
		return p
	}
	return "flink." + key
}

func (f flinkSettings) int(key string) int           { return f.values[key].(int) }
func (f flinkSettings) bool(key string) bool         { return f.values[key].(bool) }
func (f flinkSettings) bytes(key string) int64       { return f.values[key].(int64) }
func (f flinkSettings) duration(key string) sim.Time { return f.values[key].(sim.Time) }
func (f flinkSettings) str(key string) string        { v, _ := f.values[key].(string); return v }
func (f flinkSettings) float(key string) float64     { return f.values[key].(float64) }
func (f flinkSettings) has(key string) bool          { _, ok := f.values[key]; return ok }

// wholeMs is a duration key's value in whole milliseconds, as Flink's
// Duration.toMillis reads the restart strategies' and heartbeat's times.
func (f flinkSettings) wholeMs(key string) sim.Time {
	d := f.duration(key)
	return d - d%sim.Millisecond
}

// usable reports whether a check may judge by keys' values: none of them
// was refused. A refused key's problem is reported where it is written;
// the default standing in for it is no setting of the scenario's, and a
// problem found with it would be a consequence of the one reported.
func (f flinkSettings) usable(keys ...string) bool {
	for _, k := range keys {
		if f.refused[k] {
			return false
		}
	}
	return true
}

// checkpoints reports whether the scenario checkpoints: it sets
// execution.checkpointing.interval, or gives one that is refused (reported
// as such: the scenario means to checkpoint, and no check says that
// something needs checkpointing).
func (f flinkSettings) checkpoints() bool {
	return f.has("execution.checkpointing.interval") || f.refused["execution.checkpointing.interval"]
}

// intOr is key's int value, or or when it has none (a key without a default).
func (f flinkSettings) intOr(key string, or int) int {
	if v, ok := f.values[key].(int); ok {
		return v
	}
	return or
}

// resolveFlink checks the flink: block. Modelled keys are parsed (of several
// entries for one option, the one Flink reads counts: see flinkRead); keys Flink has but
// flinksim does not model are returned as notModelled, their values checked
// by the type Flink gives them (checkUnmodelledValue); anything else is an
// error that suggests the closest known key. Of the keys not modelled, those
// that cannot change a simulation (flinkKeyInert) are returned as inert.
func resolveFlink(d *decoder, cfg *FlinkConfig, release flinkRelease) (fs flinkSettings, notModelled, inert []string) {
	fs = flinkSettings{values: map[string]any{}, given: map[string]bool{}, paths: map[string]string{}, refused: map[string]bool{}, unread: map[string]unreadValue{}}
	var known []FlinkEntry // the entries under names the release reads
	for _, e := range cfg.Entries {
		if e.Nested && release.before("1.19") {
			// GlobalConfiguration.loadYAMLResource reads flink-conf.yaml line
			// by line, "key: value"; config.yaml (FLIP-366) came in 1.19.
			d.warn(d.keyNode(e), e.Path, "ignored: Flink %s reads flink-conf.yaml line by line and knows no nested keys (config.yaml came in 1.19); write it flat", release)
			continue
		}
		if o, ok := optionByKey[e.Key]; ok {
			// A what-if sets the option under whichever name the release
			// reads; a file's entry under a name it does not know is
			// ignored, as that Flink ignores it.
			reads, why := release.readsName(o, e.Key)
			switch name := release.nameIn(o); {
			case reads:
			case d.whatIf[o.Key] && name != "":
				// Applied, but said: a configuration of that release with
				// this name would not set the option.
				d.warn(e.Node, e.Path, "%s: this what-if sets the option, as %s (scenario.resolved.yaml writes it so); written under this name, Flink %s would ignore it",
					why, name, release)
			default:
				d.warn(d.keyNode(e), e.Path, "ignored: %s", why)
				continue
			}
		}
		known = append(known, e)
	}
	lost := flinkRead(known)
	var read []FlinkEntry
	for i, e := range known {
		if lost[i] >= 0 {
			warnFlinkLost(d, e, known[lost[i]], release)
			continue
		}
		read = append(read, e)
		if o, ok := optionByKey[e.Key]; ok {
			fs.read(d, o, e, release)
			continue
		}
		unmodelledEntry(d, e, release, &notModelled, &inert)
	}
	cfg.Entries = read // what resolved.yaml keeps: the entries Flink reads
	for i := range flinkOptions {
		o := &flinkOptions[i]
		if _, ok := fs.values[o.Key]; !ok && o.Default != "" {
			v, err := o.parse(defaultIn(o, release))
			if err != nil {
				panic("scenarios: bad default for " + o.Key)
			}
			fs.values[o.Key] = v
		}
	}
	return fs, notModelled, inert
}

// read reads entry e of modelled option o: its value, or refused.
func (fs flinkSettings) read(d *decoder, o *flinkOption, e FlinkEntry, release flinkRelease) {
	fs.given[o.Key] = true
	fs.paths[o.Key] = e.Path
	var v any
	ok := true
	switch lv, isList, listOK := flinkListEntry(d, o, e, release); {
	case isList:
		v, ok = lv, listOK
	case e.Value == "":
		fs.refuse(d, e, o.Key, emptyFlinkValue(o, e.Node))
		return
	case o.Key == "state.backend.type":
		v, ok = stateBackendIn(d, e, release)
	default:
		var err error
		if v, err = parseEntry(d, o, e, release); err != nil {
			fs.refuse(d, e, o.Key, err.Error()) // held back for a restart strategy's options (resolve_restart.go)
			return
		}
	}
	if ok {
		fs.values[o.Key] = v
	} else {
		fs.refused[o.Key] = true
	}
}

// unmodelledEntry sorts an entry of a key flinksim does not model: a key
// of Flink's (its value checked by its type) into notModelled or inert, an
// application's own into inert, anything else a problem.
func unmodelledEntry(d *decoder, e FlinkEntry, release flinkRelease, notModelled, inert *[]string) {
	switch {
	case knownFlinkKey(e.Key) || flinkPluginFamily(e.Key):
		switch {
		case !checkUnmodelledValue(d, e, release):
		case flinkKeyInert(e.Key), flinkValueInert(e):
			*inert = append(*inert, e.Key)
		default:
			*notModelled = append(*notModelled, e.Key)
		}
	case unknownFlinkKey(d, e):
		*inert = append(*inert, e.Key)
	}
}

var allFlinkKeyNames = sync.OnceValue(func() []string {
	var names []string
	for k := range optionByKey {
		names = append(names, k)
	}
	for k := range flinkKeys {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
})

// unknownFlinkKey reports a key Flink does not have: an error when it is
// close to one of Flink's keys or under a prefix of Flink's options; else
// (an application's own key, which Flink's Configuration keeps for user
// code) a warning, and it reports true: the key is inert.
func unknownFlinkKey(d *decoder, e FlinkEntry) bool {
	if len(d.probs) >= maxProblems {
		d.dropped++ // not shown: spare the search for the closest key
		return false
	}
	if s, near := Closest(e.Key, allFlinkKeyNames()); near {
		d.fail(d.nodes[e.Path], e.Path, "unknown Flink configuration key; did you mean %q?", s)
	} else if ns, flinks := flinkNamespace(e.Key); flinks {
		d.fail(d.nodes[e.Path], e.Path, "unknown Flink configuration key (not in Flink 1.20/2.x's documented options under %s.)", ns)
	} else {
		d.warn(d.nodes[e.Path], e.Path, "ignored: no Flink option starts with %s.; Flink keeps the key in the job's configuration for user code to read", ns)
		return true
	}
	return false
}

// flinkNamespaces are the first segments of Flink's option keys and of
// its plugins' key families (execution, taskmanager, s3, ...).
var flinkNamespaces = sync.OnceValue(func() map[string]bool {
	ns := map[string]bool{}
	for _, k := range allFlinkKeyNames() {
		ns[strings.SplitN(k, ".", 2)[0]] = true
	}
	for _, p := range flinkPluginPrefixes {
		ns[strings.SplitN(p, ".", 2)[0]] = true
	}
	return ns
})

// flinkNamespace is key's first segment and whether Flink's options use
// it: an unknown key there is a mistake, one elsewhere is an
// application's own.
func flinkNamespace(key string) (string, bool) {
	ns := strings.SplitN(key, ".", 2)[0]
	return ns, flinkNamespaces()[ns]
}

// formatFlink prints a modelled key's value the way Flink writes it.
func formatFlink(o *flinkOption, v any) string {
	if o.format != nil {
		if t, ok := v.(sim.Time); ok && t < 0 {
			return "-1 ms"
		}
		return o.format(v)
	}
	return fmt.Sprint(v)
}

// ModelledFlinkKeys lists the Flink keys flinksim models, under the names
// Flink 1.20 and 2.x read (their older names aside).
func ModelledFlinkKeys() []string {
	keys := make([]string, len(flinkOptions))
	for i, o := range flinkOptions {
		keys[i] = o.Key
	}
	return keys
}

// ModelledFlinkKeysIn lists the modelled Flink keys under the names
// release version ("1.17", "" for the default) reads, leaving out the
// options it does not have or no longer reads; an unknown version gives
// ModelledFlinkKeys.
func ModelledFlinkKeysIn(version string) []string {
	if version == "" {
		version = defaultFlinkVersion
	}
	f, err := parseFlinkVersion(version)
	if err != nil {
		return ModelledFlinkKeys()
	}
	var keys []string
	for i := range flinkOptions {
		if name := f.nameIn(&flinkOptions[i]); name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}
