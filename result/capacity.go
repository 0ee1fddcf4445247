package result

// Capacity is what a job's sustainable input rate follows from
// (diagnose.Sustainable): each task's work per record of input, per
// subtask, and the costs of periodic checkpoints per TaskManager. A
// simulated run fills it from the job's structure and its own checkpoint
// sizes; it is not written to the run directory, so a run read back keeps
// the rate its summary.json recorded.
type Capacity struct {
	Tasks []TaskWork
	// Checkpoints is nil without checkpointing.
	Checkpoints *CheckpointCosts
}

// TaskWork is one task's load per record of the job's input.
type TaskWork struct {
	Task string
	// WorkS is, per subtask, the seconds of processing one record of the
	// job's input (all sources together) costs it: its chained operators'
	// mean costs and sink write time, times the records that reach it per
	// input record through the exchanges.
	WorkS []float64
}

// CheckpointCosts are the settings and sizes periodic checkpoints cost a
// job: Flink's checkpoint configuration, the storage's physics, and per
// TaskManager what a checkpoint uploads.
type CheckpointCosts struct {
	IntervalS, MinPauseS, TimeoutS, SyncS float64
	// UploadPerTM is a TaskManager's upload bandwidth and Throughput the
	// storage's in all (bytes/s; 0: unlimited); RequestLatencyS is paid per
	// file, FileSize bytes each, TransferThreads at a time.
	UploadPerTM, Throughput       float64
	RequestLatencyS, FileSize     float64
	TransferThreads               int
	Slowdown, UploadShareWhenBusy float64 // processing slowdown while uploading; upload share when busy
	// Part is the fraction of the full state a checkpoint uploads: 1, or
	// for incremental checkpoints the part the run's last completed one
	// uploaded.
	Part         float64
	TaskManagers []TaskManagerCheckpoint
}

// TaskManagerCheckpoint is one TaskManager's part of a checkpoint.
type TaskManagerCheckpoint struct {
	MaxWorkS  float64 // its busiest subtask's work per input record (s)
	Stateful  bool    // some subtask on it has a sync phase
	Bytes     float64 // uploaded per checkpoint
	FullBytes float64 // uploaded by a full checkpoint
	Files     float64 // rounds of request latency per upload
}
