package models

import (
	"github.com/flinksim/flinksim/sim"
)

// Spec is a complete, resolved description of one run: every default already
// applied. The scenarios package builds it from YAML; tests build it directly.
type Spec struct {
	Name     string
	Seed     uint64
	Duration sim.Time
	Network  Network
	// SlotsPerTaskManager is taskmanager.numberOfTaskSlots: with slot sharing,
	// slot i hosts subtask i of every operator, and TaskManager i/slots hosts
	// slot i. Channels inside one TaskManager are local (no credits).
	SlotsPerTaskManager int
	// Chaining is pipeline.operator-chaining.enabled.
	Chaining bool
	// CascadingDescription is pipeline.vertex-description-mode CASCADING:
	// the plan describes a task's operators on one line (names.go).
	CascadingDescription bool
	Nodes                []Node
	Sim                  Settings

	// TaskManager is each TaskManager's machine: what its task threads,
	// snapshots, compaction and restores share (resources.go).
	TaskManager Resources

	// HeapState: keyed state and windows live on the JVM heap
	// (state.backend.type: hashmap, Flink's default), bounded by
	// TaskManager.TaskHeap.
	HeapState bool
	// ExitOnOOM is taskmanager.jvm-exit-on-oom: an OutOfMemoryError kills
	// its TaskManager's process instead of failing the task (memory.go).
	ExitOnOOM bool

	// NoSinkCommitterMetrics: the Flink release has no committer metrics
	// (SinkCommitterMetricGroup came in 1.19, FLIP-371), so no sink records
	// them.
	NoSinkCommitterMetrics bool

	// FullRestarts: the release registers the deprecated job gauge
	// fullRestarts beside numRestarts (through 1.20: MetricNames.
	// FULL_RESTARTS in SchedulerBase.registerJobMetrics; 2.x has none).
	FullRestarts bool

	// AutoWatermarkInterval is pipeline.auto-watermark-interval: how often
	// sources emit their watermarks.
	AutoWatermarkInterval sim.Time
	// Epoch is the Unix time of virtual time 0 (run's --start-time): event
	// timestamps are Unix milliseconds in Flink, so windows lie on a grid
	// of the epoch, not of the run's start (TimeWindow.getWindowStartWithOffset
	// on the record's timestamp): a 10 s window starting at :07 ends at
	// :10, 3 s into the run.
	Epoch sim.Time

	Checkpointing *Checkpointing // nil: off
	Restart       RestartStrategy
	Recovery      Recovery
	Failures      []Failure
	// JobStatusMetrics is metrics.job.status.enable: which kinds of
	// JobStatusMetrics gauge the job reports; nil is Flink's default,
	// CURRENT_TIME alone.
	JobStatusMetrics *JobStatusMetricKinds
}

// JobStatusMetricKinds are the values of metrics.job.status.enable
// (MetricOptions.JobStatusMetrics): STATE, CURRENT_TIME, TOTAL_TIME.
type JobStatusMetricKinds struct {
	State, CurrentTime, TotalTime bool
}

// Network holds Flink's network-stack settings.
type Network struct {
	SegmentSize       int64 // taskmanager.memory.segment-size (bytes)
	BuffersPerChannel int   // taskmanager.network.memory.buffers-per-channel (exclusive, per remote input channel)
	// MaxRequiredPerGate is taskmanager.network.memory.read-buffer.required-per-gate.max
	// (0: unset, no bound for streaming): counted in RequiredNetworkBuffers only.
	MaxRequiredPerGate   int
	FloatingPerGate      int // taskmanager.network.memory.floating-buffers-per-gate
	MaxBuffersPerChannel int // taskmanager.network.memory.max-buffers-per-channel (per output subpartition)
	// OverdraftPerGate is taskmanager.network.memory.max-overdraft-buffers-per-gate
	// (FLIP-227, Flink 1.16+): buffers a task may take beyond its output pool
	// to finish the record it is in; with none left it blocks mid-record.
	OverdraftPerGate int
	// Buffers is a TaskManager's network buffers, its network memory over
	// the segment size (0: no memory size configured, not known). Known,
	// the pools share what the required buffers leave as Flink's
	// NetworkBufferPool.redistributeBuffers shares it (redistributePools);
	// unknown, every pool has its largest size.
	Buffers       int64
	BufferTimeout sim.Time // execution.buffer-timeout.interval; 0 flushes after every record; FlushOnlyWhenFull disables
	// Latency is the one-way delay of a remote channel: buffers, barriers
	// and credit announcements arrive this long after they are sent (a
	// cluster's, not Flink's; DefaultNetwork: a data centre's).
	Latency sim.Time
	// Debloat is buffer debloating (taskmanager.network.memory.buffer-debloat.*,
	// FLIP-183); nil when disabled, Flink's default.
	Debloat *Debloat
}

// Debloat is buffer debloating: every Period each input gate measures its
// throughput and sets its buffer size so that the buffers in use hold
// Target of it, within [MinSegmentSize, SegmentSize], smoothed over Samples
// and announced when it changes by ThresholdPercent or more (BufferDebloater,
// BufferSizeEMA). Defaults: DefaultDebloat.
type Debloat struct {
	Target           sim.Time // taskmanager.network.memory.buffer-debloat.target
	Period           sim.Time // taskmanager.network.memory.buffer-debloat.period
	Samples          int      // taskmanager.network.memory.buffer-debloat.samples
	ThresholdPercent int      // taskmanager.network.memory.buffer-debloat.threshold-percentages
	MinSegmentSize   int64    // taskmanager.memory.min-segment-size (bytes)
	// StartingSegmentSize is the buffer size a gate's debloater and its
	// senders start at, taskmanager.memory.starting-segment-size (bytes;
	// Flink 2.0+, FLINK-36556; TaskManagerOptions.STARTING_MEMORY_SEGMENT_SIZE,
	// default 1024). 0, as before 2.0: the segment size.
	StartingSegmentSize int64
	// FractionalEMA: BufferSizeEMA keeps the smoothed size as a double and
	// rounds it (Flink 2.0+, FLINK-36555); false, as before 2.0: in whole
	// bytes, each step truncated, so it stops growing within
	// (Samples+1)/2 bytes below the instant size.
	FractionalEMA bool
}

// DefaultDebloat returns Flink's defaults for buffer debloating
// (TaskManagerOptions: BUFFER_DEBLOAT_TARGET 1 s, BUFFER_DEBLOAT_PERIOD
// 200 ms, BUFFER_DEBLOAT_SAMPLES 20, BUFFER_DEBLOAT_THRESHOLD_PERCENTAGES 25,
// MIN_MEMORY_SEGMENT_SIZE 256 bytes).
func DefaultDebloat() Debloat {
	return Debloat{Target: sim.Second, Period: 200 * sim.Millisecond, Samples: 20, ThresholdPercent: 25, MinSegmentSize: 256}
}

// FlushOnlyWhenFull is the BufferTimeout that disables the output flusher
// (execution.buffer-timeout.enabled: false).
const FlushOnlyWhenFull sim.Time = -1

// DefaultNetwork returns Flink's defaults (1.20 / 2.x).
func DefaultNetwork() Network {
	// NETWORK_MAX_OVERDRAFT_BUFFERS_PER_GATE defaults to 5
	// (NettyShuffleEnvironmentOptions). Latency: half of the 500 µs round
	// trip within a data centre of "Latency Numbers Every Programmer Should
	// Know" (J. Dean).
	return Network{SegmentSize: 32 << 10, BuffersPerChannel: 2, FloatingPerGate: 8, MaxBuffersPerChannel: 10, OverdraftPerGate: 5, BufferTimeout: 100 * sim.Millisecond, Latency: 250 * sim.Microsecond}
}

// Settings are the simulator's own knobs, not Flink's.
type Settings struct {
	// ChunkRecords caps the records a source reads in one chunk. 1 simulates
	// every record on its own (exact, slow); the default is a network buffer's
	// worth.
	ChunkRecords int64
	// ChunkDelay is the longest a source waits to fill a chunk when records
	// trickle in (added to their latency). Ignored when ChunkRecords is 1.
	ChunkDelay sim.Time
	// SampleInterval is how often metrics are sampled.
	SampleInterval sim.Time
}

// NodeKind tells sources, operators and sinks apart.
type NodeKind uint8

const (
	KindSource NodeKind = iota
	KindOperator
	KindSink
)

func (k NodeKind) String() string {
	return [...]string{"source", "operator", "sink"}[k]
}

// Exchange is how records of one operator are distributed to the next.
type Exchange uint8

const (
	Forward   Exchange = iota // subtask i → subtask i; chainable
	Rebalance                 // round-robin over all downstream subtasks
	Hash                      // keyBy: key → key group → subtask
)

func (x Exchange) String() string {
	return [...]string{"forward", "rebalance", "keyBy"}[x]
}

// Input is one incoming edge of a node.
type Input struct {
	From     string
	Exchange Exchange
}

// Node is one operator of the job graph: a Kafka source, an operator or a sink.
type Node struct {
	Name           string
	Kind           NodeKind
	Parallelism    int
	MaxParallelism int // key groups for keyed state; resolved (never -1)
	Inputs         []Input
	// Chain allows chaining to the input and of the output (false is
	// disableChaining(): neither).
	Chain bool
	// Cost is the per-record CPU time in seconds (nil: free).
	Cost sim.Dist
	// Selectivity is records out per record in (operators only).
	Selectivity float64
	// RecordSize is the size in bytes of each record this node emits.
	RecordSize int64
	Keyed      *Keyed
	Kafka      *Kafka
	Sink       *Sink
	// MiniBatch makes the operator aggregate its input per key before
	// sending it on (local pre-aggregation, or the partial stage of a salted
	// two-stage aggregation): it emits one record per distinct key of each
	// batch. The operator ends its chain.
	MiniBatch *MiniBatch
	// Window makes a keyed operator an event-time window operator
	// (spec_time.go); what follows it on a forward edge chains to it.
	Window *Window
}

// MiniBatch is when a pre-aggregating operator emits: after Size records
// (0: no count trigger) or Interval after the batch's first record,
// whichever comes first (Flink SQL's table.exec.mini-batch.size and
// allow-latency).
type MiniBatch struct {
	Size     int64
	Interval sim.Time
	// Timer: the partial stage of salting, whose partials are keyed state
	// a processing-time timer emits every Interval; not a bundle, so not
	// emitted early for a watermark or a barrier (finishBundle).
	Timer bool
}

// Keyed describes a keyed operator's key population and state.
type Keyed struct {
	Keys        KeySpace
	StatePerKey int64 // bytes of state per key held
	// Warm means every key already has state when the run starts (a job
	// restored from a savepoint); otherwise state grows as keys are first seen.
	Warm bool
	// HotPartitioner, if set, replaces keyBy for the hottest keys: a custom
	// partitioner spreads their records over all subtasks.
	HotPartitioner *HotPartitioner
}

// HotPartitioner sends known hot keys round-robin over every subtask, or
// (LeastLoaded) to the subtasks with the least load, instead of to the
// subtask owning their key group. Keys are named, or the Top most frequent.
type HotPartitioner struct {
	Keys        []string
	Top         int
	LeastLoaded bool
}

// Kafka describes a Kafka source topic.
type Kafka struct {
	Topic          string
	Partitions     int
	Rate           RateProfile
	Poisson        bool
	InitialBacklog int64 // records waiting at t=0, spread evenly over partitions
	// DiscoveryInterval is partition.discovery.interval.ms: the enumerator
	// lists the topic's partitions when it starts and then this often (0:
	// only when it starts).
	DiscoveryInterval sim.Time
	// EventTime is the records' timestamps and the watermark strategy (nil:
	// no event time).
	EventTime *EventTime
}

// Sink describes the external system a sink writes to.
type Sink struct {
	// RecordsPerSecond and BytesPerSecond are each subtask's write capacity
	// (0: unlimited). Writing a chunk takes records/RecordsPerSecond +
	// bytes/BytesPerSecond of the subtask's time.
	RecordsPerSecond float64
	BytesPerSecond   float64
	// Latency is the delay from a write to the record being visible (nil: 0),
	// added to end-to-end latency; writes are pipelined, so it does not limit
	// throughput.
	Latency sim.Dist
	// Delivery is what the sink's writer guarantees and how it batches and
	// commits (spec_sink.go); its zero value is an at-least-once writer
	// that sends every write at once.
	Delivery Delivery
}

// Checkpointing is Flink's checkpoint configuration and the physics of
// taking one. A nil *Checkpointing in a Spec means checkpointing is off.
type Checkpointing struct {
	Interval      sim.Time // execution.checkpointing.interval
	Timeout       sim.Time // execution.checkpointing.timeout (10 min)
	MinPause      sim.Time // execution.checkpointing.min-pause (0)
	MaxConcurrent int      // execution.checkpointing.max-concurrent-checkpoints (1)
	Tolerable     int      // execution.checkpointing.tolerable-failed-checkpoints (0)
	NumRetained   int      // execution.checkpointing.num-retained (1): completed checkpoints kept
	HistorySize   int      // web.checkpoints.history (10): checkpoints in REST's history
	// NoSavepointFormat: REST's checkpoint entries have no savepointFormat
	// (Flink before 1.17, FLINK-29322).
	NoSavepointFormat bool
	// Retention is execution.checkpointing.externalized-checkpoint-retention
	// (NO_EXTERNALIZED_CHECKPOINTS, DELETE_ON_CANCELLATION,
	// RETAIN_ON_CANCELLATION): reported, not simulated (a run never ends
	// the job).
	Retention   string
	AtLeastOnce bool // execution.checkpointing.mode: AT_LEAST_ONCE
	Unaligned   bool // execution.checkpointing.unaligned.enabled
	// AlignedTimeout is execution.checkpointing.aligned-checkpoint-timeout:
	// with Unaligned, checkpoints start aligned and switch to unaligned after
	// it (0: unaligned from the start).
	AlignedTimeout sim.Time
	// AfterTasksFinish is execution.checkpointing.checkpoints-after-tasks-finish
	// (true), reported in checkpoint-config.json: no task finishes here.
	AfterTasksFinish bool
	Incremental      bool // execution.checkpointing.incremental (RocksDB only)
	RocksDB          bool // state.backend.type: rocksdb (else hashmap)
	// SyncPhase is how long a stateful task pauses to snapshot (RocksDB:
	// flush the memtable and hard-link the SST files).
	SyncPhase sim.Time
	// LocalBackup is execution.checkpointing.local-backup.enabled: each
	// checkpoint also keeps a copy on the TaskManager's disk (a full
	// snapshot writes it; RocksDB's native checkpoint hard-links it).
	LocalBackup bool
	// LocalRecovery is execution.state-recovery.from-local: subtasks restored
	// on a TaskManager that survived read their local copy (with LocalBackup).
	LocalRecovery bool
	// Claimed: a job started from a savepoint or retained checkpoint (warm
	// state) builds its incremental checkpoints on its files
	// (execution.state-recovery.claim-mode CLAIM or LEGACY); with NO_CLAIM,
	// Flink's default, its first checkpoint is full (RestoreMode, FLIP-193).
	Claimed bool
	// RocksDB's LSM tree and the CPU costs of state (lsm.go).
	LSM LSM
	// Changelog is the changelog state backend (state.changelog.enabled);
	// nil when off (changelog.go).
	Changelog *Changelog
	// ChangelogStorage and MaterializeInterval are state.changelog.storage
	// (memory) and state.changelog.periodic-materialize.interval (10 min)
	// as configured, reported whether the changelog is on or not, as Flink
	// reports them (DefaultExecutionGraphBuilder hands CheckpointConfigHandler
	// the configured storage); empty or 0: the defaults. Changelog is what runs.
	ChangelogStorage    string
	MaterializeInterval sim.Time
	Storage             Storage
	// StorageClass is the checkpoint storage as REST's checkpoint config
	// names it (DefaultExecutionGraph: the class's simple name):
	// FileSystemCheckpointStorage (""), JobManagerCheckpointStorage, or
	// Flink 1.x's MemoryStateBackend, a legacy state backend that is its own
	// storage (CheckpointStorageLoader.load).
	StorageClass string
	// MaxStateSize is, with checkpoints to the JobManager's memory, the
	// most bytes one state handle may hold (JobManagerCheckpointStorage's
	// maxStateSize, DEFAULT_MAX_STATE_SIZE 5 MiB); 0 for a file system
	// (memstorage.go).
	MaxStateSize int64
	// InlineThreshold is execution.checkpointing.data-inline-threshold
	// (state.storage.fs.memory-threshold before 1.20) in bytes: a subtask's
	// state stream of at most this many bytes goes inside the checkpoint's
	// metadata, not to a file of its own (sourcestate.go); nil for Flink's
	// default, DefaultInlineThreshold. FileSystemCheckpointStorage reads it.
	InlineThreshold *int64
	// MetadataInMemory: with JobManager storage and no checkpoint
	// directory the metadata stays in the JobManager's memory
	// (MemoryBackendCheckpointStorageAccess): completing a checkpoint
	// writes nothing.
	MetadataInMemory bool
	// Directory is the checkpoint directory as configured
	// (execution.checkpointing.dir), "" for none: completed checkpoints'
	// external paths are in it.
	Directory string
}

// Storage is the checkpoint storage (S3, GCS, HDFS, ...) as the job sees it.
type Storage struct {
	Kind string
	// StreamUpload and StreamDownload are bytes/s of one connection: a
	// transfer thread's file, or a full snapshot's single stream.
	StreamUpload, StreamDownload float64
	// Throughput is the storage's aggregate bytes/s, shared by all concurrent
	// transfers (0: unlimited).
	Throughput float64
	// RequestLatency is paid per file before its bytes flow; files are
	// FileSize bytes and TransferThreads move them in parallel
	// (state.backend.rocksdb.checkpoint.transfer.thread.num).
	RequestLatency  sim.Time
	FileSize        int64
	TransferThreads int
}

// Resources is one TaskManager's machine; 0 is unlimited.
type Resources struct {
	// Cores is taskmanager.cpu.cores: task threads (at most one core each),
	// snapshot serialization, compaction and restores share them.
	Cores float64
	// Network is the NIC's bytes/s in each direction: Kafka reads, remote
	// shuffle, sink writes, uploads and downloads share it.
	Network float64
	// Disk is the local disk's bytes/s: RocksDB flushes and compaction,
	// snapshot reads, restore writes and local copies share it.
	Disk float64
	// TaskHeap is the task heap in bytes (Memory.TaskHeapSize): with
	// HeapState, a TaskManager whose tasks hold more state fails one of
	// them with an OutOfMemoryError (memory.go).
	TaskHeap float64
}

// RestartStrategy is restart-strategy.type and its options.
type RestartStrategy struct {
	Kind string // "exponential-delay", "fixed-delay", "failure-rate", "none"
	// exponential-delay
	InitialBackoff, MaxBackoff, ResetThreshold sim.Time
	Multiplier, Jitter                         float64
	AttemptsBeforeReset                        int
	// BeforeFLIP364: Flink 1.18 or older, whose exponential-delay counts
	// every failure and jitters around the capped backoff
	// (restart_legacy.go); FLIP-364 (1.19) changed both.
	BeforeFLIP364 bool
	// fixed-delay and failure-rate
	Delay    sim.Time
	Attempts int // fixed-delay
	// failure-rate
	MaxFailuresPerInterval int
	FailureRateInterval    sim.Time
}

// Detection is how the JobManager learns that a TaskManager is gone.
type Detection uint8

const (
	// DetectProcessExit: the process died and its connections closed; the
	// tasks reading from it fail at once ("Connection unexpectedly closed
	// by remote task manager", RemoteTransportException), and Kubernetes or
	// YARN tell the resource manager within seconds.
	DetectProcessExit Detection = iota
	// DetectUnreachable: the machine or its network is gone; the JobManager
	// declares it dead after heartbeat.rpc-failure-threshold heartbeat RPCs
	// failed, one every heartbeat.interval (HeartbeatManagerImpl).
	DetectUnreachable
	// DetectHang: the process is alive but silent; only heartbeat.timeout
	// without an answer declares it dead.
	DetectHang
)

func (d Detection) String() string {
	return [...]string{"process-exit", "unreachable", "hang"}[d]
}

// FailoverStrategy is jobmanager.execution.failover-strategy: what a task
// failure restarts.
type FailoverStrategy uint8

const (
	// FailoverRegion restarts the pipelined regions of the failed tasks
	// (RestartPipelinedRegionFailoverStrategy; Flink's default).
	FailoverRegion FailoverStrategy = iota
	// FailoverFull restarts every task (RestartAllFailoverStrategy).
	FailoverFull
)

func (f FailoverStrategy) String() string { return [...]string{"region", "full"}[f] }

// Causes of a failover, as result.FailureEvent.Cause names them.
const (
	CauseTaskManager  = "taskmanager-loss"             // a lost TaskManager noticed
	CauseCheckpoints  = "tolerable-failed-checkpoints" // more failed checkpoints in a row than tolerated: a global failover
	CauseKafkaOutage  = "kafka-outage"                 // a source failed while the Kafka cluster is down
	CauseSinkOutage   = "sink-outage"                  // a sink failed while its external system is down
	CausePoisonRecord = "poison-record"                // a record that fails the task processing it
	CauseOverload     = "overload"                     // a task that fails above an input rate (an out-of-memory error)
	CauseOutOfMemory  = "out-of-memory"                // a TaskManager's heap state beyond its task heap (memory.go)
	CauseTransaction  = "sink-transaction"             // a sink's Kafka transaction refused or aborted by the broker (twophase.go)
	CauseCommit       = "sink-commit"                  // a sink's commit failed for an unknown reason, or past its attempts (twophase.go)
)

// Recovery holds the times a failover takes besides the restart delay.
type Recovery struct {
	// FailoverStrategy is jobmanager.execution.failover-strategy.
	FailoverStrategy FailoverStrategy
	HeartbeatTimeout sim.Time // heartbeat.timeout: a hung TaskManager is noticed this long after its last heartbeat
	// HeartbeatInterval and RPCFailureThreshold are heartbeat.interval and
	// heartbeat.rpc-failure-threshold: heartbeat requests go out every
	// interval from the job's start, and an unreachable TaskManager is
	// noticed as the RPCFailureThreshold-th after its loss fails
	// (faults.go: detectionDelay).
	HeartbeatInterval   sim.Time
	RPCFailureThreshold int
	// AskTimeout is pekko.ask.timeout (RpcOptions.ASK_TIMEOUT_DURATION,
	// default 10 s), the JobMaster's rpcTimeout: a task deployed to a lost
	// TaskManager not yet noticed fails this long after its deployment
	// starts, its submitTask unanswered (Execution.deploy: "not responding
	// after a rpcTimeout"). 0: none, they fail when the loss is noticed.
	AskTimeout       sim.Time
	Redeploy         sim.Time // cancel and redeploy the tasks
	TaskManagerStart sim.Time // provision a TaskManager to replace a lost one
}

// FailureKind names an injected failure.
type FailureKind uint8

const (
	FailTaskManager     FailureKind = iota // lose a TaskManager (At, or at random every MTBF)
	FailCheckpoint                         // fail a checkpoint: the newest in flight at At (else the next triggered), or the upload of checkpoint ID
	FailStorageSlowdown                    // storage runs Factor× slower in [At, At+For)
	FailStorageOutage                      // storage does not move bytes in [At, At+For)
	FailKafkaOutage                        // the Kafka cluster is down in [At, At+For): a partition discovery then fails the job FailsAfter later
	FailSinkOutage                         // the sinks' external system is down in [At, At+For): sinks fail FailsAfter after they start
	FailPoisonRecord                       // the record at Offset of Source's Partition fails the task that reads it
	FailOverload                           // a subtask of Operator fails when it takes in more than Above records/s
	FailCommit                             // the commit of checkpoint Checkpoint's transactions of sink Operator fails
)

func (k FailureKind) String() string {
	return [...]string{"taskmanager-loss", "checkpoint-failure", "storage-slowdown", "storage-outage", "kafka-outage", "sink-outage", "poison-record", "overload", "commit-failure"}[k]
}

// Failure is one injected failure.
type Failure struct {
	Kind        FailureKind
	At          sim.Time
	TaskManager int // -1: chosen at random
	// Detection is how a lost TaskManager is noticed (taskmanager-loss).
	Detection  Detection
	MTBF       sim.Time
	Checkpoint int64
	For        sim.Time
	Factor     float64
	// FailsAfter is how long a task touching a system that is down runs
	// before its client gives up (kafka-outage, sink-outage).
	FailsAfter sim.Time
	// Source, Partition and Offset place a poison record.
	Source    string
	Partition int
	Offset    int64
	// Operator and Above: each subtask of the operator fails (an
	// out-of-memory error) in a second it takes in more than Above
	// records (overload).
	Operator string
	Above    float64
	// OnCheckpoint loses the TaskManager as a checkpoint completes: number
	// AtCheckpoint, or (0) the first to complete at or after At; just
	// after the JobManager finalizes it, before any task is notified, or
	// with BeforeCompletion when its last acknowledgement arrives, just
	// before (taskmanager-loss).
	OnCheckpoint     bool
	AtCheckpoint     int64
	BeforeCompletion bool
	// KnownReason: the failed commit is signalled with a known reason (the
	// committable is dropped, the job goes on); else unknown (a failover).
	KnownReason bool
}
