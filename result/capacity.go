package result

// Capacity is what a job's sustainable input rate follows from
// (diagnose.Sustainable): each task's work per record of input, per
// subtask, and the costs of periodic checkpoints per TaskManager. A
// simulated run fills it from the job's structure and its own checkpoint
// sizes; it is not written to the run directory, so a run read back keeps
// the rate its summary.json recorded.
type Capacity struct {
	Tasks []TaskWork
	// Cores is a TaskManager's cores (0: unlimited), and CPU, per
	// TaskManager, the CPU seconds its task threads need per record of the
	// job's input: their chained operators' mean costs, not a sink's wait
	// on its external system, which occupies a thread but no core.
	Cores float64
	CPU   []float64
	// Checkpoints is nil without checkpointing.
	Checkpoints *CheckpointCosts
	// Network is a TaskManager's network bytes/s each way (0: unlimited);
	// NetIn and NetOut are, per TaskManager, the bytes its tasks receive
	// (Kafka reads, remote shuffles) and send (remote shuffles, sink writes)
	// per record of the job's input.
	Network       float64
	NetIn, NetOut []float64
	// Heap is nil unless state lives on the heap and a task heap is known.
	Heap *HeapCosts
	// At, when the work per record of input depends on the input rate (a
	// window operator's firings handle a window's distinct keys, which grow
	// more slowly than its records), is the Capacity at an input rate
	// (records/s of all sources together); nil when it does not.
	At func(rate float64) *Capacity
}

// HeapCosts are what state on the JVM heap needs of each TaskManager's
// task heap (TaskHeap bytes): Fixed bytes whatever the rate (keyed state
// and accumulators, bounded by the keys), and PerRate bytes per record/s
// of the job's input (a buffering window's records, kept for the window's
// size + the watermark's bound + the allowed lateness).
type HeapCosts struct {
	TaskHeap     float64
	TaskManagers []HeapLoad
}

// HeapLoad is one TaskManager's heap state.
type HeapLoad struct {
	Fixed, PerRate float64
}

// TaskWork is one task's load per record of the job's input.
type TaskWork struct {
	Task string
	// WorkS is, per subtask, the seconds of processing one record of the
	// job's input (all sources together) costs its thread: its chained
	// operators' mean costs (CPU) and sink write time (waiting), times the
	// records that reach it per input record through the exchanges.
	WorkS []float64
}

// CheckpointCosts are the settings and sizes periodic checkpoints cost a
// job: Flink's checkpoint configuration, the TaskManagers' resources, the
// storage's physics, RocksDB's, and per TaskManager its stateful subtasks.
type CheckpointCosts struct {
	IntervalS, MinPauseS, TimeoutS float64
	// StreamUpload is one connection's bytes/s and Throughput the
	// storage's in all (0: unlimited); RequestLatencyS is paid per file,
	// FileSize bytes each, TransferThreads at a time.
	StreamUpload, Throughput  float64
	RequestLatencyS, FileSize float64
	TransferThreads           int
	// Incremental: RocksDB uploads its new SST files; otherwise each
	// checkpoint is a full snapshot, serialized by one stream per subtask.
	// Claimed: the first incremental checkpoint builds on the state the job
	// started from (execution.state-recovery.claim-mode CLAIM or LEGACY).
	Incremental, RocksDB, Claimed bool
	// A TaskManager's cores, network bytes/s each way and disk bytes/s (0:
	// unlimited).
	Cores, Network, Disk float64
	// RocksDB: SST bytes per byte flushed, compaction threads per subtask,
	// and bytes per core-second compacted and serialized.
	WriteAmplification, CompactionThreads, CompactionRate, SnapshotRate float64
	LocalBackup                                                         bool
	// Leveled is the compaction a flush calls for, and WriteBufferSize the
	// bytes of a full memtable (state.backend.rocksdb.writebuffer.size).
	Leveled         Leveled
	WriteBufferSize float64
	// ChangelogStreams is the changelog backend's upload threads (0: off):
	// it uploads every byte put as it comes, and checkpoints wait only for
	// the tail; its materializations upload what RocksDB wrote.
	ChangelogStreams float64
	TaskManagers     []TaskManagerCheckpoint
}

// TaskManagerCheckpoint is one TaskManager's load per record of input.
type TaskManagerCheckpoint struct {
	// WorkS is each task thread's seconds of work per input record (CPU
	// and a sink's waiting), and CPUS of them its CPU work alone; SyncS is
	// each one's sync phase, the seconds it pauses per checkpoint (0 for a
	// task without keyed state, which takes its snapshot without pausing).
	WorkS, CPUS, SyncS []float64
	// Stateful lists its subtasks with keyed state: bytes put per input
	// record, full state bytes, and the keys the puts fall on.
	Stateful []StatefulSubtask
}

// StatefulSubtask is a subtask with keyed state.
type StatefulSubtask struct {
	PutBytes  float64 // state bytes written per input record of the job
	FullBytes float64 // its whole state
	// Keyed is each of its keyed operators' updates, for what a flush of
	// its memtable writes (Flush).
	Keyed []KeyedWrites
}
