package scenarios

import (
	"github.com/flinksim/flinksim/sim"
)

// Scenario is the YAML format of a scenario file. Pointer fields are optional
// and take a default when left out; the defaults are filled in by Resolve.
type Scenario struct {
	Name        string    `yaml:"name" jsonschema:"maxLength=255" jsonschema_description:"Name of the scenario (used in outputs)."`
	Description string    `yaml:"description,omitempty" jsonschema_description:"What the scenario models and what to look for."`
	Duration    *Duration `yaml:"duration,omitempty" jsonschema_description:"Virtual time to simulate, e.g. 30m or 2h. Default 10m."`
	Seed        *uint64   `yaml:"seed,omitempty" jsonschema:"maximum=9007199254740991" jsonschema_description:"Seed of every random stream, at most 2^53-1 (9007199254740991) so that JSON readers keep it exact. Default 1."`
	// FlinkVersion is the Flink release whose defaults and key names apply.
	FlinkVersion string      `yaml:"flink-version,omitempty" jsonschema:"enum=1.15,enum=1.16,enum=1.17,enum=1.18,enum=1.19,enum=1.20,enum=2.0,enum=2.1,enum=2.2,enum=2.3" jsonschema_description:"The Flink release (1.15 to 2.3) whose defaults apply where they changed (the restart strategy with checkpointing before 1.19, exponential-delay's multiplier and cap, network memory's cap before 1.17, no overdraft before 1.16, the network buffer counts fixed in 2.x, watermark alignment per reader before 1.17) and whose key names it reads. Default: 1.20."`
	Flink        FlinkConfig `yaml:"flink,omitempty" jsonschema_description:"Flink configuration keys as in the Flink configuration file (flat dotted keys or nested maps); Flink's defaults apply to keys left out. Keys flinksim does not model are listed once and ignored."`
	Sources      []Source    `yaml:"sources" jsonschema_description:"Kafka sources."`
	Operators    []Operator  `yaml:"operators,omitempty" jsonschema_description:"Operators in declaration order; each reads the previous one unless input says otherwise."`
	Sinks        []Sink      `yaml:"sinks" jsonschema_description:"Sinks; each reads the last operator unless input says otherwise."`
	Simulation   *Simulation `yaml:"simulation,omitempty" jsonschema_description:"The simulator's own settings (not Flink's)."`
	Cluster      *Cluster    `yaml:"cluster,omitempty" jsonschema_description:"The machines the job runs on (not Flink settings)."`

	CheckpointStorage *CheckpointStorage `yaml:"checkpoint-storage,omitempty" jsonschema_description:"Where checkpoints go and how fast (with checkpointing on)."`
	StateBackend      *StateBackend      `yaml:"state-backend,omitempty" jsonschema_description:"How long snapshots take beyond the upload (with checkpointing on)."`
	Recovery          *RecoverySpec      `yaml:"recovery,omitempty" jsonschema_description:"How long a failover takes beyond the restart delay."`
	Failures          []FailureSpec      `yaml:"failures,omitempty" jsonschema_description:"Failures to inject: taskmanager-loss, checkpoint-failure, storage-slowdown, storage-outage, kafka-outage, sink-outage, poison-record, overload."`
	Variants          []Variant          `yaml:"variants,omitempty" jsonschema_description:"Named sets of overrides, run beside the base scenario and compared."`
	Sweep             *SweepSpec         `yaml:"sweep,omitempty" jsonschema_description:"The grid flinksim sweep runs when no --grid is given."`
}

// CheckpointStorage is the checkpoint storage. type picks defaults for the
// rest; every field can be set.
type CheckpointStorage struct {
	Type            string     `yaml:"type,omitempty" jsonschema:"enum=s3,enum=gcs,enum=azure-blob,enum=hdfs,enum=nfs" jsonschema_description:"Storage kind, giving defaults for the fields below: s3 (default), gcs, azure-blob, hdfs, nfs."`
	StreamBandwidth *RateValue `yaml:"stream-bandwidth,omitempty" jsonschema_description:"Bytes per second of one connection (a transfer thread's file, or a full snapshot's stream), e.g. 85MB/s for S3. A TaskManager's network bounds them all."`
	Throughput      *RateValue `yaml:"throughput,omitempty" jsonschema_description:"Aggregate bytes per second of the storage, shared by all transfers at once (leave out for unlimited)."`
	RequestLatency  *Duration  `yaml:"request-latency,omitempty" jsonschema_description:"Latency of one request (per file, before its bytes flow)."`
	FileSize        *Size      `yaml:"file-size,omitempty" jsonschema_description:"Size of the state files transferred (RocksDB SST files). Default 64MiB (state.backend.rocksdb.compaction.level.target-file-size-base)."`
	MaxStateSize    *Size      `yaml:"max-state-size,omitempty" jsonschema_description:"With flink.execution.checkpointing.storage: jobmanager (or 1.x's state.backend.type: jobmanager), the most one state handle may hold: the maxStateSize your job passes to new JobManagerCheckpointStorage(maxStateSize), which no Flink key sets. Default 5MiB (DEFAULT_MAX_STATE_SIZE)."`
}

// StateBackend holds the snapshot physics beyond Flink's keys.
type StateBackend struct {
	SyncPhase          *Duration  `yaml:"sync-phase,omitempty" jsonschema_description:"How long a stateful task pauses to snapshot, besides RocksDB's memtable flush (written at the disk's bandwidth). Default 100ms for rocksdb, 10ms for hashmap."`
	WriteAmplification *float64   `yaml:"write-amplification,omitempty" jsonschema_description:"RocksDB: SST bytes written (flushes and compaction) per byte flushed (rocksdb.stats' Sum row W-Amp); a flush writes each key once, so state updated many times between flushes writes its keys, not its updates; an incremental checkpoint uploads them. Default 10; a state too small to fill that many levels (level 1 of 256 MB, each deeper 10 times larger) is written less."`
	CompactionRate     *RateValue `yaml:"compaction-rate,omitempty" jsonschema_description:"RocksDB: bytes one core compacts per second. Default 100MB/s."`
	SnapshotRate       *RateValue `yaml:"snapshot-rate,omitempty" jsonschema_description:"Bytes of state one core serializes into a full snapshot per second. Default 200MB/s."`
	RestoreRate        *RateValue `yaml:"restore-rate,omitempty" jsonschema_description:"Bytes of state one core re-inserts per second when restoring a full snapshot. Default 100MB/s."`
}

// RecoverySpec holds the failover times besides the restart delay
// (heartbeat.timeout is a Flink key).
type RecoverySpec struct {
	Redeploy         *Duration `yaml:"redeploy,omitempty" jsonschema_description:"Time to cancel and redeploy the tasks. Default 10s."`
	TaskManagerStart *Duration `yaml:"taskmanager-start,omitempty" jsonschema_description:"Time to start a TaskManager that replaces a lost one. Default 30s."`
}

// FailureSpec is one injected failure: exactly one field is set.
type FailureSpec struct {
	TaskManagerLoss   *TaskManagerLoss   `yaml:"taskmanager-loss,omitempty" jsonschema_description:"Lose a TaskManager: at a time, or at random every mtbf on average."`
	CheckpointFailure *CheckpointFailure `yaml:"checkpoint-failure,omitempty" jsonschema_description:"Fail the upload of a checkpoint: the one pending at a time, or checkpoint number N."`
	StorageSlowdown   *StorageEpisode    `yaml:"storage-slowdown,omitempty" jsonschema_description:"The checkpoint storage runs factor times slower for a while."`
	StorageOutage     *StorageEpisode    `yaml:"storage-outage,omitempty" jsonschema_description:"The checkpoint storage moves no bytes for a while."`
	KafkaOutage       *SystemOutage      `yaml:"kafka-outage,omitempty" jsonschema_description:"The Kafka cluster is down for a while: sources read nothing and wait; a source enumerator's partition listing during it (at its start and every partition-discovery-interval) fails the whole job fails-after later, again after every global restart, until the outage is over."`
	SinkOutage        *SystemOutage      `yaml:"sink-outage,omitempty" jsonschema_description:"The sinks' external system (a database, an API, Kafka) is down for a while: writes do not return, and each sink fails fails-after once it runs, again after every restart, until the outage is over."`
	PoisonRecord      *PoisonRecord      `yaml:"poison-record,omitempty" jsonschema_description:"A record that fails the task that reads it, every time it does: the job restarts, replays and fails again until the restart strategy gives up."`
	Overload          *Overload          `yaml:"overload,omitempty" jsonschema_description:"An operator whose subtasks fail (an out-of-memory error) in any second they take in more than a rate: it comes back when the job catches up after each restart."`
	CommitFailure     *CommitFailure     `yaml:"commit-failure,omitempty" jsonschema_description:"An exactly-once sink's commit of a checkpoint's transaction fails: with a known reason the committable is dropped and the job goes on (its records lost), with an unknown one the task fails and the restored job commits it again."`
}

type CommitFailure struct {
	Sink       string `yaml:"sink" jsonschema_description:"The exactly-once sink (its name)."`
	Checkpoint *int   `yaml:"checkpoint" jsonschema:"minimum=1" jsonschema_description:"The checkpoint whose transaction fails to commit (in the sink subtask that commits it first)."`
	Reason     string `yaml:"reason,omitempty" jsonschema:"enum=known,enum=unknown" jsonschema_description:"known (signalFailedWithKnownReason: dropped, the job goes on) or unknown (signalFailedWithUnknownReason: a failover). Default unknown."`
}

type Overload struct {
	Operator string     `yaml:"operator" jsonschema_description:"The operator (its name): a source, an operator or a sink."`
	Above    *RateValue `yaml:"above" jsonschema_description:"Records per second into one subtask above which it fails, e.g. 50k/s: the rate its numRecordsInPerSecond reached before such failures."`
}

type SystemOutage struct {
	At         *Duration `yaml:"at" jsonschema_description:"When it starts."`
	For        *Duration `yaml:"for" jsonschema_description:"How long it lasts."`
	FailsAfter *Duration `yaml:"fails-after,omitempty" jsonschema_description:"How long a call to the system waits before its client gives up: a Kafka partition listing, or a sink's write (then its task fails). Default 60s: Kafka's clients' default.api.timeout.ms and max.block.ms."`
}

type PoisonRecord struct {
	Source    string `yaml:"source" jsonschema_description:"The source (its name) whose topic holds it."`
	Partition *int   `yaml:"partition" jsonschema:"minimum=0" jsonschema_description:"The topic partition (0-based)."`
	Offset    *int64 `yaml:"offset" jsonschema_description:"Its offset in the partition (records from 0, an initial backlog's first)."`
}

type TaskManagerLoss struct {
	At          *Duration `yaml:"at,omitempty" jsonschema_description:"When (with at, one loss); with when, as the first checkpoint from then completes."`
	MTBF        *Duration `yaml:"mtbf,omitempty" jsonschema_description:"Mean time between losses (random, from its own random stream)."`
	Checkpoint  *int      `yaml:"checkpoint,omitempty" jsonschema:"minimum=1" jsonschema_description:"Lose it as checkpoint number N completes (one loss); when says just before or just after."`
	When        string    `yaml:"when,omitempty" jsonschema:"enum=after-completion,enum=before-completion" jsonschema_description:"With checkpoint or at: after-completion (default: the JobManager has finalized it, no task is notified yet) or before-completion (its last acknowledgement has arrived, the JobManager has not finalized it)."`
	TaskManager *int      `yaml:"taskmanager,omitempty" jsonschema:"minimum=0" jsonschema_description:"Which TaskManager (0-based; default: one at random)."`
	Detection   string    `yaml:"detection,omitempty" jsonschema:"enum=process-exit,enum=unreachable,enum=hang" jsonschema_description:"How the loss is noticed: process-exit (default: its connections close, at once), unreachable (heartbeat.rpc-failure-threshold failed heartbeats, one per heartbeat.interval), hang (heartbeat.timeout)."`
}

type CheckpointFailure struct {
	At         *Duration `yaml:"at,omitempty" jsonschema_description:"Fail the checkpoint pending at this time."`
	Checkpoint *int      `yaml:"checkpoint,omitempty" jsonschema:"minimum=1" jsonschema_description:"Fail the upload of checkpoint number N."`
}

type StorageEpisode struct {
	At     Duration `yaml:"at" jsonschema_description:"When it starts."`
	For    Duration `yaml:"for" jsonschema_description:"How long it lasts."`
	Factor *float64 `yaml:"factor,omitempty" jsonschema_description:"storage-slowdown: how many times slower."`
}

// SweepSpec is a sweep's grid, as flinksim sweep's flags give it.
type SweepSpec struct {
	Grid     []string `yaml:"grid" jsonschema_description:"Axes, each key=v1,v2,... or key=lo..hi/n (n values from lo to hi), with the dotted keys of --set."`
	Replicas *int     `yaml:"replicas,omitempty" jsonschema:"minimum=1" jsonschema_description:"Runs per point, each with its own seed. Default 1."`
}

// Variant is a named set of overrides, with the same dotted keys as --set.
type Variant struct {
	Name        string     `yaml:"name" jsonschema:"maxLength=255" jsonschema_description:"Name (its outputs go to DIR/<name>/)."`
	Description string     `yaml:"description,omitempty" jsonschema_description:"What it changes and why, for the comparison table."`
	Set         VariantSet `yaml:"set" jsonschema_description:"Overrides: dotted.path: value, as --set takes them."`
}

// VariantSet maps dotted paths to values, in file order.
type VariantSet struct {
	Entries []FlinkEntry
}

// Fraction is a share written as 20% or 0.2.
type Fraction float64

// Source is a Kafka source.
type Source struct {
	Name           string    `yaml:"name" jsonschema:"maxLength=255" jsonschema_description:"Operator name."`
	Kind           string    `yaml:"kind,omitempty" jsonschema:"enum=kafka" jsonschema_description:"Source kind; only kafka today."`
	Topic          string    `yaml:"topic,omitempty" jsonschema_description:"Topic name, as Kafka allows it (at most 249 of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'); it decides which reader owns partition 0 (KafkaSourceEnumerator). Default: the source's name."`
	Partitions     *int      `yaml:"partitions,omitempty" jsonschema:"minimum=1,maximum=100000" jsonschema_description:"Number of topic partitions. Default: the source's parallelism."`
	Parallelism    *int      `yaml:"parallelism,omitempty" jsonschema:"minimum=1,maximum=32768" jsonschema_description:"Source parallelism. Default: parallelism.default."`
	Rate           *RateSpec `yaml:"rate,omitempty" jsonschema_description:"Records produced into the topic per second: a rate such as 100k/s, or a profile (steps, ramp, periodic, bursts). Default 0/s (only the initial backlog)."`
	Arrivals       string    `yaml:"arrivals,omitempty" jsonschema:"enum=poisson,enum=deterministic" jsonschema_description:"poisson (default) or deterministic (evenly spaced)."`
	RecordSize     *Size     `yaml:"record-size,omitempty" jsonschema_description:"Bytes per record, e.g. 200B or 1KiB. Default 100B."`
	InitialBacklog *Count    `yaml:"initial-backlog,omitempty" jsonschema_description:"Records already waiting in the topic at the start, e.g. 10M; they count as created at the start (latency and event time run from there). Default 0."`
	// PartitionDiscovery is KafkaSource's partition.discovery.interval.ms.
	PartitionDiscovery *Duration  `yaml:"partition-discovery-interval,omitempty" jsonschema_description:"How often the KafkaSource enumerator lists the topic's partitions (partition.discovery.interval.ms), besides when it starts; 0s: only then. Default 5min from Flink 1.20 (KafkaSourceOptions, the DataStream KafkaSource from connector 3.4), 0s before (a DataStream KafkaSource of connectors up to 3.3 leaves it off unless set, FLINK-36780). A listing while the Kafka cluster is down fails the job globally."`
	Cost               *Dist      `yaml:"cost,omitempty" jsonschema_description:"CPU time to read and deserialize one record. Default 0."`
	Chaining           *bool      `yaml:"chaining,omitempty" jsonschema_description:"false is disableChaining(): nothing chains to the source (it is a chain head anyway). Default true."`
	EventTime          *EventTime `yaml:"event-time,omitempty" jsonschema_description:"The records' event time and the source's WatermarkStrategy: how far timestamps trail the append to Kafka, devices that go offline, partitions that pause. Left out: no event time (no watermarks)."`
}

// Operator is a transformation: map, filter, flatMap, keyed process...
type Operator struct {
	Name           string   `yaml:"name" jsonschema:"maxLength=255" jsonschema_description:"Operator name."`
	Input          Inputs   `yaml:"input,omitempty" jsonschema_description:"Name of the node (or list of nodes) this operator reads. Default: the previous node."`
	Exchange       string   `yaml:"exchange,omitempty" jsonschema:"enum=forward,enum=rebalance,enum=keyBy" jsonschema_description:"How records reach this operator: forward, rebalance or keyBy. Default: keyBy with key-by; otherwise, input by input, forward from an input of equal parallelism and rebalance from any other (Flink's default)."`
	Parallelism    *int     `yaml:"parallelism,omitempty" jsonschema:"minimum=1,maximum=32768" jsonschema_description:"Default: parallelism.default."`
	MaxParallelism *int     `yaml:"max-parallelism,omitempty" jsonschema:"minimum=1,maximum=32768" jsonschema_description:"Number of key groups. Default: pipeline.max-parallelism, or Flink's rule from the parallelism when that is unset."`
	Cost           *Dist    `yaml:"cost,omitempty" jsonschema_description:"CPU time per record: 5us, or {exponential: 5us}, {lognormal: {mean: 5us, p99: 40us}}, {uniform: {min: 1us, max: 9us}}. Default 0."`
	Selectivity    *float64 `yaml:"selectivity,omitempty" jsonschema:"minimum=0,maximum=1000000" jsonschema_description:"Records out per record in, from 0 to 1e6: 0.1 for a filter, 0 for one that drops every record, 3 for a flatMap. Default 1."`
	RecordSize     *Size    `yaml:"record-size,omitempty" jsonschema_description:"Bytes per output record. Default: the input's."`
	KeyBy          string   `yaml:"key-by,omitempty" jsonschema_description:"Name of the key this operator is keyed by (e.g. user_id); makes the input a keyBy exchange."`
	Keys           *Count   `yaml:"keys,omitempty" jsonschema_description:"Number of distinct keys, uniformly used, e.g. 1M. Required with key-by."`
	StatePerKey    *Size    `yaml:"state-per-key,omitempty" jsonschema_description:"Keyed state bytes per key held. Default 0."`
	StateWarm      *bool    `yaml:"state-warm,omitempty" jsonschema_description:"true: every key already has state at the start (restored from a savepoint). Default false: state grows as keys are first seen."`
	Chaining       *bool    `yaml:"chaining,omitempty" jsonschema_description:"false is disableChaining(): chain this operator neither to its input nor to its output. Default true."`

	KeyType           string             `yaml:"key-type,omitempty" jsonschema:"enum=long,enum=string" jsonschema_description:"long (default): keys are ids 0..keys-1, hashed by Long.hashCode; string: keys are <key-by>-0, <key-by>-1..., hashed by String.hashCode."`
	KeyDistribution   *KeyDistribution   `yaml:"key-distribution,omitempty" jsonschema_description:"How often each key appears: {zipf: 1.1} or {hot-set: {keys: 1%, share: 80%}}. Default: uniform."`
	HotKeys           []HotKeySpec       `yaml:"hot-keys,omitempty" jsonschema_description:"Named keys with their own share of the records (bots, test accounts), on top of the distribution, optionally from or until a time."`
	HotKeyPartitioner *HotKeyPartitioner `yaml:"hot-key-partitioner,omitempty" jsonschema_description:"A custom partitioner that sends known hot keys to every subtask (round-robin) or to the least loaded, instead of keyBy."`
	Salting           *Salting           `yaml:"salting,omitempty" jsonschema_description:"Two-stage aggregation: a partial stage keyed by (key, salt) in buckets, then a final stage keyed by key (<name>-final)."`
	MiniBatch         *MiniBatch         `yaml:"mini-batch,omitempty" jsonschema_description:"Local pre-aggregation: fold records per key and emit one per distinct key every size records or allow-latency (on the operator before a keyBy)."`
	Window            *Window            `yaml:"window,omitempty" jsonschema_description:"Makes this keyed operator an event-time window operator (WindowedStream with the EventTimeTrigger): tumbling or sliding windows that fire when the watermark passes their end, one result per key and window. Needs key-by and exactly one source with event-time upstream; what follows it chains to it (Flink's WindowOperator chains always)."`
}

// KeyDistribution is how often each key appears (one of the fields).
type KeyDistribution struct {
	Zipf   *float64    `yaml:"zipf,omitempty" jsonschema_description:"Zipf exponent s: the key of rank r appears in proportion to r^-s (1 is classic; above 1 is steeper)."`
	HotSet *HotSetSpec `yaml:"hot-set,omitempty" jsonschema_description:"A hot set: a fraction of the keys carries a share of the records, e.g. {keys: 1%, share: 80%}."`
}

// HotSetSpec: keys of the keys carry share of the records.
type HotSetSpec struct {
	Keys  Fraction `yaml:"keys" jsonschema_description:"Share of the keys in the hot set, e.g. 1%."`
	Share Fraction `yaml:"share" jsonschema_description:"Share of the records they carry, e.g. 80%."`
	Zipf  *float64 `yaml:"zipf,omitempty" jsonschema_description:"Shape inside the hot set: Zipf exponent (default 0: uniform)."`
}

// HotKeySpec is one named key with its share of the records.
type HotKeySpec struct {
	Key   string    `yaml:"key" jsonschema_description:"The key, e.g. bot-7 (a number for key-type long)."`
	Share Fraction  `yaml:"share" jsonschema_description:"Its share of all the operator's records, e.g. 5%."`
	From  *Duration `yaml:"from,omitempty" jsonschema_description:"When it appears. Default: from the start."`
	Until *Duration `yaml:"until,omitempty" jsonschema_description:"When it goes. Default: never."`
}

// HotKeyPartitioner spreads known hot keys over the subtasks.
type HotKeyPartitioner struct {
	Keys     []string `yaml:"keys,omitempty" jsonschema_description:"Named hot keys."`
	Top      *int     `yaml:"top,omitempty" jsonschema:"minimum=0,maximum=1000" jsonschema_description:"Also the N most frequent keys (as a job that counts its keys would find them)."`
	Strategy string   `yaml:"strategy,omitempty" jsonschema:"enum=round-robin,enum=least-loaded" jsonschema_description:"round-robin (default): every subtask gets an equal part; least-loaded: the least loaded subtasks take them."`
}

// Salting is a two-stage aggregation on salted keys.
type Salting struct {
	Buckets          int       `yaml:"buckets" jsonschema:"minimum=2,maximum=1024" jsonschema_description:"Salt values per key (k): a hot key's records spread over k keys."`
	Keys             string    `yaml:"keys,omitempty" jsonschema:"enum=all,enum=hot" jsonschema_description:"all (default): every key is salted; hot: only keys with at least hot-share of the records."`
	HotShare         *Fraction `yaml:"hot-share,omitempty" jsonschema_description:"With keys: hot, the smallest share of a salted key. Default 0.1%."`
	EmitInterval     *Duration `yaml:"emit-interval,omitempty" jsonschema_description:"The partial stage emits one record per salted key seen, every interval (a window or timer). Default 1s."`
	FinalCost        *Dist     `yaml:"final-cost,omitempty" jsonschema_description:"Cost per record of the final stage. Default: the operator's cost."`
	FinalParallelism *int      `yaml:"final-parallelism,omitempty" jsonschema:"minimum=1,maximum=32768" jsonschema_description:"Default: the operator's parallelism."`

	finalMaxParallelism int // the final stage's, as resolved (salting)
}

// MiniBatch is local pre-aggregation before a keyBy (Flink SQL's
// table.exec.mini-batch.*).
type MiniBatch struct {
	Size         *Count    `yaml:"size,omitempty" jsonschema_description:"Records per batch (table.exec.mini-batch.size). Default 1000."`
	AllowLatency *Duration `yaml:"allow-latency,omitempty" jsonschema_description:"The longest a record waits in a batch (table.exec.mini-batch.allow-latency). Default 1s."`
}

// EventTime is a source's event time and WatermarkStrategy.
type EventTime struct {
	Delay           *Dist             `yaml:"delay,omitempty" jsonschema_description:"Time from an event to its append to Kafka (the producer's batching, a gateway, the network): a duration or a distribution, as cost, e.g. {lognormal: {mean: 2s, p99: 20s}}. Default 0s."`
	Offline         *OfflineDevices   `yaml:"offline,omitempty" jsonschema_description:"Devices that go offline and send the events they held back when they reconnect (their timestamps trail by the rest of the offline period plus the delay)."`
	Watermark       *Watermark        `yaml:"watermark,omitempty" jsonschema_description:"The WatermarkStrategy: forBoundedOutOfOrderness(out-of-orderness), withIdleness(idleness). Each split has its own generator; a reader emits their minimum every pipeline.auto-watermark-interval."`
	Pauses          []PartitionPause  `yaml:"pauses,omitempty" jsonschema_description:"Partitions whose producers stop for a while and send what they held back when they resume (or lose it)."`
	PartitionDelays []PartitionDelays `yaml:"partition-delays,omitempty" jsonschema_description:"Groups of partitions (at most 3) whose records have their own delay and offline devices (a slow gateway, a region, an app version), e.g. [{partitions: [7], delay: {lognormal: {mean: 30s, p99: 5m}}}]; the other partitions have the source's."`
}

// PartitionDelays is the event time of a group of a topic's partitions.
type PartitionDelays struct {
	Partitions []int           `yaml:"partitions" jsonschema_description:"The topic partitions (0-based) with these delays."`
	Delay      *Dist           `yaml:"delay,omitempty" jsonschema_description:"Time from an event to its append to Kafka for these partitions, as the source's delay. Default: the source's delay."`
	Offline    *OfflineDevices `yaml:"offline,omitempty" jsonschema_description:"These partitions' offline devices, as the source's offline."`
}

// OfflineDevices: a share of devices is offline at any moment.
type OfflineDevices struct {
	Share    *Fraction `yaml:"share" jsonschema_description:"The share of devices offline at any moment, which is the share of events held back, e.g. 2% (more than 0%, less than 100%)."`
	Duration *Dist     `yaml:"duration" jsonschema_description:"How long a device stays offline: a duration or a distribution, e.g. {lognormal: {mean: 1h, p99: 8h}}."`
}

// Watermark is a source's WatermarkStrategy.
type Watermark struct {
	OutOfOrderness *Duration           `yaml:"out-of-orderness,omitempty" jsonschema_description:"B of WatermarkStrategy.forBoundedOutOfOrderness: each split's watermark is its largest timestamp - B - 1ms. Default 0s (forMonotonousTimestamps)."`
	Idleness       *Duration           `yaml:"idleness,omitempty" jsonschema_description:"withIdleness: a split without records for this long is idle and left out of its reader's watermark (above 0s). Default: off."`
	Alignment      *WatermarkAlignment `yaml:"alignment,omitempty" jsonschema_description:"withWatermarkAlignment (FLIP-182): the sources of a group keep their watermarks within max-drift of the group's lowest; a split (or a reader with one split) beyond it stops reading until the group catches up; before Flink 1.17 (flink-version) a reader stops as a whole, once its slowest split is beyond it. Default: off."`
}

// WatermarkAlignment is WatermarkStrategy.withWatermarkAlignment.
type WatermarkAlignment struct {
	Group          string    `yaml:"group" jsonschema_description:"The alignment group: sources with the same group align with each other."`
	MaxDrift       *Duration `yaml:"max-drift" jsonschema_description:"maxAllowedWatermarkDrift: how far a source's watermark may run ahead of the group's lowest (above 0s)."`
	UpdateInterval *Duration `yaml:"update-interval,omitempty" jsonschema_description:"How often the coordinator announces the group's lowest watermark (above 0s). Default 1s (WatermarksWithWatermarkAlignment.DEFAULT_UPDATE_INTERVAL)."`
}

// PartitionPause: the producers of some partitions stop for a while.
type PartitionPause struct {
	Partitions []int     `yaml:"partitions" jsonschema_description:"The topic partitions (0-based) whose producers pause."`
	At         *Duration `yaml:"at" jsonschema_description:"When the pause starts."`
	For        *Duration `yaml:"for" jsonschema_description:"How long it lasts."`
	Backlog    string    `yaml:"backlog,omitempty" jsonschema:"enum=send,enum=drop" jsonschema_description:"send (default): what the producers held back is appended when they resume, with its original timestamps; drop: it is lost."`
}

// Window is an event-time window operator: exactly one of tumbling,
// sliding and session is set.
type Window struct {
	Tumbling        *Duration       `yaml:"tumbling,omitempty" jsonschema_description:"Tumbling windows of this size (TumblingEventTimeWindows), e.g. 1h. Exactly one of tumbling, sliding or session."`
	Sliding         *SlidingWindow  `yaml:"sliding,omitempty" jsonschema_description:"Sliding windows (SlidingEventTimeWindows), e.g. {size: 1h, slide: 5m}: each record belongs to size/slide windows (on average, when the size is not a multiple of the slide)."`
	Session         *SessionWindow  `yaml:"session,omitempty" jsonschema_description:"Session windows (EventTimeSessionWindows.withGap), e.g. {gap: 30m}: a key's records less than the gap apart merge into one window, which ends a gap after its last record."`
	Offset          *SignedDuration `yaml:"offset,omitempty" jsonschema_description:"Shifts the windows' grid, e.g. -8h for days in UTC+8; may be negative, less than the size (tumbling) or the slide (sliding) either way; not with session. Default 0s."`
	AllowedLateness *Duration       `yaml:"allowed-lateness,omitempty" jsonschema_description:"WindowedStream.allowedLateness: how long past a window's end its state is kept; a record for it meanwhile fires it again. Default 0s."`
	LateData        string          `yaml:"late-data,omitempty" jsonschema:"enum=drop,enum=side-output" jsonschema_description:"A record whose windows are all past their allowed lateness: drop (default; counted in numLateRecordsDropped) or side-output (sideOutputLateData)."`
	Function        string          `yaml:"function,omitempty" jsonschema:"enum=process,enum=aggregate" jsonschema_description:"process (default): a ProcessWindowFunction, whose state buffers every record of a window; aggregate: an AggregateFunction or ReduceFunction, one accumulator per key and window."`
	AccumulatorSize *Size           `yaml:"accumulator-size,omitempty" jsonschema_description:"Bytes of one accumulator, e.g. 64B: required with function: aggregate (it is the job's accumulator type); not with process."`
	FireCost        *Dist           `yaml:"fire-cost,omitempty" jsonschema_description:"CPU time per element the window function handles when a window fires (each buffered record, or each accumulator). Default: the operator's cost."`
}

// SessionWindow is EventTimeSessionWindows' gap.
type SessionWindow struct {
	Gap     *Duration `yaml:"gap" jsonschema_description:"The session gap: a session ends when its key has no record for this long."`
	KeyGaps *Dist     `yaml:"key-gaps,omitempty" jsonschema_description:"The shape of the time between one key's consecutive records, scaled for each key to its mean gap (keys ÷ rate for equally frequent keys), e.g. bursts: {mixture: [{weight: 0.9, dist: {exponential: 1s}}, {weight: 0.1, dist: {lognormal: {mean: 1h, p99: 10h}}}]}. Default: exponential (each key's records a Poisson stream)."`
}

// SlidingWindow is SlidingEventTimeWindows' size and slide.
type SlidingWindow struct {
	Size  *Duration `yaml:"size" jsonschema_description:"Length of each window (a record belongs to size/slide windows, or the whole numbers either side when the size is not a multiple of it; with a size shorter than the slide, records between two windows belong to none and are dropped without a metric unless late)."`
	Slide *Duration `yaml:"slide" jsonschema_description:"Time from one window's start to the next."`
}

// Sink writes to an external system.
type Sink struct {
	Name               string     `yaml:"name" jsonschema:"maxLength=255" jsonschema_description:"Operator name."`
	Input              Inputs     `yaml:"input,omitempty" jsonschema_description:"Node this sink reads. Default: the last operator."`
	Exchange           string     `yaml:"exchange,omitempty" jsonschema:"enum=forward,enum=rebalance,enum=keyBy" jsonschema_description:"Default: forward from an input of equal parallelism, rebalance otherwise."`
	Parallelism        *int       `yaml:"parallelism,omitempty" jsonschema:"minimum=1,maximum=32768" jsonschema_description:"Default: parallelism.default."`
	Capacity           *RateValue `yaml:"capacity,omitempty" jsonschema_description:"What the external system accepts in total, shared evenly by the sink's subtasks: records (50k/s) or bytes (50MB/s). Default: unlimited."`
	CapacityPerSubtask *RateValue `yaml:"capacity-per-subtask,omitempty" jsonschema_description:"What each sink subtask can write (instead of capacity): records or bytes per second."`
	Latency            *Dist      `yaml:"latency,omitempty" jsonschema_description:"Time from a write until the record is visible, added to end-to-end latency (writes are pipelined). Default 0."`
	Cost               *Dist      `yaml:"cost,omitempty" jsonschema_description:"CPU time per record in the sink itself. Default 0."`
	Chaining           *bool      `yaml:"chaining,omitempty" jsonschema_description:"false is disableChaining(). Default true."`
	System             string     `yaml:"system,omitempty" jsonschema:"enum=generic,enum=kafka,enum=jdbc" jsonschema_description:"What the sink writes to, for its own rules: kafka (KafkaSink: transactions the broker times out, read_committed readers held at the last stable offset; a Sink V2 sink, named NAME: Writer and NAME: Committer as Flink names its operators), jdbc (JdbcSink.sink or exactlyOnceSink, a SinkFunction named Sink: NAME: XA transactions, commit attempts) or generic (default; a SinkFunction, Sink: NAME)."`
	Guarantee          string     `yaml:"delivery-guarantee,omitempty" jsonschema:"enum=none,enum=at-least-once,enum=exactly-once" jsonschema_description:"Flink's DeliveryGuarantee: none (the writer does not flush at a checkpoint: what it buffers at a failure is lost), at-least-once (flushed at every checkpoint: records written after it are written again after a restore) or exactly-once (two-phase commit: visible when the checkpoint after them completes). Default: none for kafka (KafkaSinkBuilder), at-least-once otherwise."`
	BatchSize          *Count     `yaml:"batch-size,omitempty" jsonschema_description:"Records the writer buffers before it sends them. Default: 5000 for jdbc (JdbcExecutionOptions), 1 otherwise (a KafkaProducer with linger.ms 0 sends at once)."`
	BatchInterval      *Duration  `yaml:"batch-interval,omitempty" jsonschema_description:"The writer also sends a buffer this old (0s: only when full or at a checkpoint). Default 0s (JdbcExecutionOptions' batchIntervalMs)."`
	Kafka              *KafkaSink `yaml:"kafka,omitempty" jsonschema_description:"A KafkaSink's transaction timeouts (system: kafka; they matter with exactly-once)."`
	JDBC               *JDBCSink  `yaml:"jdbc,omitempty" jsonschema_description:"A JdbcSink's XA commits (system: jdbc; they matter with exactly-once)."`
	Upsert             *Upsert    `yaml:"upsert,omitempty" jsonschema_description:"The sink upserts each record on a stable key (idempotent writes): records written again overwrite their row. Left out: appends."`
}

// KafkaSink is an exactly-once KafkaSink's producer and broker settings.
type KafkaSink struct {
	TransactionTimeout *Duration `yaml:"transaction-timeout,omitempty" jsonschema_description:"The producer's transaction.timeout.ms: the broker aborts a transaction open longer. Default 1h (KafkaSinkBuilder's DEFAULT_KAFKA_TRANSACTION_TIMEOUT)."`
	BrokerMaxTimeout   *Duration `yaml:"broker-transaction-max-timeout,omitempty" jsonschema_description:"The broker's transaction.max.timeout.ms: a producer asking for a longer transaction timeout fails to start. Default 15min (Kafka's TransactionStateManagerConfig)."`
	AbortInterval      *Duration `yaml:"broker-abort-interval,omitempty" jsonschema_description:"The broker's transaction.abort.timed.out.transaction.cleanup.interval.ms: how often it aborts transactions past their timeout. Default 10s (Kafka's TransactionStateManagerConfig)."`
}

// JDBCSink is an exactly-once JdbcSink's XA settings.
type JDBCSink struct {
	MaxCommitAttempts *int `yaml:"max-commit-attempts,omitempty" jsonschema:"minimum=1" jsonschema_description:"JdbcExactlyOnceOptions.maxCommitAttempts: checkpoints' notifications that may try an XA commit the database fails before the job fails over. Default 3."`
}

// Upsert describes idempotent writes on a stable key.
type Upsert struct {
	Keys          *Count `yaml:"keys" jsonschema_description:"Distinct rows (primary keys) the records update, taken as equally likely, e.g. 1M."`
	Deterministic *bool  `yaml:"deterministic,omitempty" jsonschema_description:"A record written again carries the same value (false: e.g. a processing-time column, so a replay changes rows readers saw). Default true."`
	Versioned     *bool  `yaml:"versioned,omitempty" jsonschema_description:"The upsert keeps the newer version (e.g. WHERE version < new), so a replayed older record does not overwrite it. Default false."`
}

// Simulation holds the simulator's own knobs.
// Cluster describes the machines and network a job runs on.
type Cluster struct {
	NetworkBandwidth *RateValue `yaml:"network-bandwidth,omitempty" jsonschema_description:"A TaskManager's network, bytes per second each way: Kafka reads, shuffles, sink writes, uploads and downloads share it. Default 1.25GB/s (10 Gbit/s)."`
	DiskBandwidth    *RateValue `yaml:"disk-bandwidth,omitempty" jsonschema_description:"A TaskManager's local disk, bytes per second: RocksDB flushes and compaction, snapshot reads, restore writes and local copies share it. Default 125MiB/s (an EBS gp3 volume's baseline)."`
	NetworkRoundTrip *Duration  `yaml:"network-round-trip,omitempty" jsonschema_description:"Round trip between two TaskManagers: a remote channel's buffers and barriers arrive half of it after they are sent, and so do credits back. Default 500us (a data centre); 0 delivers at once."`
}

type Simulation struct {
	ChunkRecords   *Count    `yaml:"chunk-records,omitempty" jsonschema_description:"Most records a subtask handles in one step (a source's read, an operator's gathered input). 1 simulates every record on its own (exact, slower). Default: a network buffer's worth (segment size / record size). Larger chunks make high-rate jobs fast to simulate."`
	ChunkDelay     *Duration `yaml:"chunk-delay,omitempty" jsonschema_description:"The simulator's time resolution: the longest a source or an idle operator waits to gather a chunk, and in chunked mode the shortest interval between flushes of partly filled buffers when it exceeds the buffer timeout. Adds up to this to latency per hop. Default 5ms."`
	SampleInterval *Duration `yaml:"sample-interval,omitempty" jsonschema_description:"How often metrics are sampled. Default 5s."`
}

// Duration is a virtual duration written with a unit: 30s, 1h30m, 250ms, 2d.
type Duration sim.Time

// SignedDuration is a duration that may be negative (a window's offset): -8h.
type SignedDuration sim.Time

// Size is a number of bytes: 200B, 32kB (32000), 32KiB (32768), 1TiB.
type Size int64

// Count is a number that may carry an SI suffix: 100k, 1.5M, 1e6.
type Count float64

// RateValue is a throughput: 100k/s, 6M/min, 50MB/s.
type RateValue Rate

// Inputs names one input or a list of inputs.
type Inputs []string

// Dist is a distribution of durations. Exactly one form is set.
type Dist struct {
	Constant    *Duration      `yaml:"constant,omitempty" jsonschema_description:"Always this long."`
	Exponential *Duration      `yaml:"exponential,omitempty" jsonschema_description:"Exponential with this mean."`
	LogNormal   *LogNormalSpec `yaml:"lognormal,omitempty" jsonschema_description:"Log-normal with a mean and a 99th percentile."`
	Uniform     *UniformSpec   `yaml:"uniform,omitempty" jsonschema_description:"Uniform between min and max."`
	Mixture     []MixturePart  `yaml:"mixture,omitempty" jsonschema_description:"A mixture: each part drawn with its weight (the weights add up to 1), e.g. [{weight: 0.97, dist: 2s}, {weight: 0.03, dist: {lognormal: {mean: 2h, p99: 20h}}}]."`
}

// MixturePart is one part of a mixture: a distribution and how often it is
// drawn.
type MixturePart struct {
	Weight float64 `yaml:"weight" jsonschema_description:"The share of draws from this part, above 0; a mixture's weights add up to 1."`
	Dist   *Dist   `yaml:"dist" jsonschema_description:"This part's distribution (not itself a mixture)."`
}

type LogNormalSpec struct {
	Mean Duration `yaml:"mean" jsonschema_description:"Mean."`
	P99  Duration `yaml:"p99" jsonschema_description:"99th percentile (between the mean and about 15 times the mean)."`
}

type UniformSpec struct {
	Min Duration `yaml:"min"`
	Max Duration `yaml:"max"`
}

// RateSpec is an input-rate profile. Exactly one form is set.
type RateSpec struct {
	Constant *RateValue    `yaml:"constant,omitempty" jsonschema_description:"A fixed rate."`
	Steps    []RateStep    `yaml:"steps,omitempty" jsonschema_description:"Piecewise constant: each step's rate holds from its time until the next step."`
	Ramp     *RampSpec     `yaml:"ramp,omitempty" jsonschema_description:"A linear change from one rate to another."`
	Periodic *PeriodicSpec `yaml:"periodic,omitempty" jsonschema_description:"A sinusoid, e.g. a daily pattern."`
	Bursts   *BurstsSpec   `yaml:"bursts,omitempty" jsonschema_description:"A base rate with regular bursts."`
}

type RateStep struct {
	At   Duration  `yaml:"at" jsonschema_description:"When this rate starts."`
	Rate RateValue `yaml:"rate" jsonschema_description:"Records per second from then on."`
}

type RampSpec struct {
	From  RateValue `yaml:"from" jsonschema_description:"Rate before and at start."`
	To    RateValue `yaml:"to" jsonschema_description:"Rate at start+over and after."`
	Start Duration  `yaml:"start,omitempty" jsonschema_description:"When the ramp begins. Default 0s."`
	Over  Duration  `yaml:"over" jsonschema_description:"How long the ramp lasts."`
}

type PeriodicSpec struct {
	Mean      RateValue `yaml:"mean" jsonschema_description:"Average rate."`
	Amplitude RateValue `yaml:"amplitude" jsonschema_description:"Peak minus mean (at most the mean)."`
	Period    Duration  `yaml:"period" jsonschema_description:"Length of one cycle, e.g. 24h."`
	Peak      Duration  `yaml:"peak,omitempty" jsonschema_description:"Time of the first peak. Default 0s."`
}

type BurstsSpec struct {
	Base     RateValue `yaml:"base" jsonschema_description:"Rate between bursts."`
	Rate     RateValue `yaml:"rate" jsonschema_description:"Rate during a burst."`
	Every    Duration  `yaml:"every" jsonschema_description:"Time from one burst's start to the next."`
	Duration Duration  `yaml:"duration" jsonschema_description:"Length of each burst."`
	Start    *Duration `yaml:"start,omitempty" jsonschema_description:"Start of the first burst. Default: every."`
}
