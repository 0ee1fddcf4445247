package scenarios

import (
	"math"
	"strconv"

	"github.com/flinksim/flinksim/models"
)

// Where checkpoints go, as Flink's CheckpointStorageLoader.load picks the
// checkpoint storage:
//
//  1. A legacy state backend that is its own storage wins: Flink 1.x's
//     MemoryStateBackend (state.backend.type: jobmanager; StateBackendLoader
//     creates it, FLINK-36323 removed it in 2.0). The storage key is then
//     ignored, with a warning.
//  2. Else execution.checkpointing.storage (state.checkpoint-storage before
//     1.20, FLINK-34482): jobmanager is JobManagerCheckpointStorage,
//     filesystem FileSystemCheckpointStorage, which needs a checkpoint
//     directory (FileSystemCheckpointStorage.createFromConfig refuses to
//     start without one; FLINK-34483 documents the combinations).
//  3. Else createDefaultCheckpointStorage: FileSystemCheckpointStorage when
//     a checkpoint directory is set, JobManagerCheckpointStorage otherwise.
//     flinksim's checkpoint-storage block describes a directory's store, so
//     it counts as one too; a scenario with neither the block nor a
//     directory key gets the JobManager's memory, as Flink gives it, with a
//     warning (it is rarely what a production job means).
//
// JobManagerCheckpointStorage (and the MemoryStateBackend) take their max
// state size only in their constructor: createFromConfig uses
// DEFAULT_MAX_STATE_SIZE, 5 MiB, and no key sets it, so
// checkpoint-storage.max-state-size stands for the job's code, a Java int
// above 0 (the constructor's checkArgument). With a checkpoint directory
// the JobManager writes the metadata there
// (MemoryBackendCheckpointStorageAccess, persistent metadata); without,
// it keeps it in memory. JobManagerCheckpointStorage is still in Flink 2.x
// (flink-runtime's state.storage package, the storage key's jobmanager
// shortcut).

// defaultMaxStateSize is JobManagerCheckpointStorage.DEFAULT_MAX_STATE_SIZE
// (MemoryStateBackend's is the same): 5 MiB.
const defaultMaxStateSize = 5 << 20

// ckptStorage is the checkpoint storage a job with checkpointing gets.
type ckptStorage struct {
	class            string // as REST names it; "" is FileSystemCheckpointStorage
	maxState         int64  // bytes per state handle in the JobManager's memory; 0: a file system
	metadataInMemory bool
	dir              string // the checkpoint directory as configured, "" for none
	inline           *int64 // a file system's inline threshold; nil: the default (the JobManager's memory does not read it)
}

// checkpointDir is the checkpoint directory the flink: block sets, "" for
// none: the option execution.checkpointing.dir (flinkOptions), which
// resolveFlink reads under the names the release knows, the first of Flink's
// order that is set (CheckpointingOptions.CHECKPOINTS_DIRECTORY: 1.20's and
// 2.x's key, then its deprecated state.checkpoints.dir and
// state.backend.fs.checkpointdir; before 1.20 the old two only), others
// set warned as ignored.
func (r *resolver) checkpointDir() string {
	d, _ := r.fs.values["execution.checkpointing.dir"].(string)
	return d
}

// checkpointDirKey is the checkpoint directory's key in the scenario's
// release: CheckpointingOptions.CHECKPOINTS_DIRECTORY is
// execution.checkpointing.dir from 1.20 (FLIP-406's renames),
// state.checkpoints.dir before.
func (r *resolver) checkpointDirKey() string {
	if r.release.before("1.20") {
		return "state.checkpoints.dir"
	}
	return "execution.checkpointing.dir"
}

// checkpointStorage resolves the checkpoint storage (with checkpointing on)
// and reports what Flink would refuse.
// block tells whether the scenario has a checkpoint-storage: block.
func (r *resolver) checkpointStorage(block bool) ckptStorage {
	d, fs := r.d, r.fs
	const key = "execution.checkpointing.storage"
	cs := ckptStorage{dir: r.checkpointDir()}
	dir := cs.dir != ""
	if !fs.usable(key, "state.backend.type", "execution.checkpointing.dir") {
		// which storage is not known (its key's problem is reported): what
		// depends on it is not judged
		return cs
	}
	switch {
	case !fs.has(key) && !dir && !block && fs.str("state.backend.type") != "jobmanager":
		cs.class = "JobManagerCheckpointStorage"
		fs.values[key] = "jobmanager" // written so in the resolved scenario, which then needs no default
		// said at the interval's entry, unless it is refused (reported)
		if at := fs.at("execution.checkpointing.interval"); fs.usable("execution.checkpointing.interval") {
			d.warn(d.nodes[at], at, "checkpoints go to the JobManager's memory (JobManagerCheckpointStorage, at most %s per state handle): no checkpoint directory is set, and Flink falls back to it (CheckpointStorageLoader.createDefaultCheckpointStorage); set flink.%s or a checkpoint-storage: block for a file system's, or %s: jobmanager to keep this without the warning",
				FormatBytes(defaultMaxStateSize), r.checkpointDirKey(), r.release.nameIn(optionByKey[key]))
		}
	case fs.str("state.backend.type") == "jobmanager":
		cs.class = "MemoryStateBackend"
		if fs.has(key) {
			d.warn(d.nodes[fs.at(key)], fs.at(key), "ignored: the MemoryStateBackend (state.backend.type: jobmanager) is its own checkpoint storage and takes precedence (CheckpointStorageLoader)")
		}
	case fs.str(key) == "jobmanager":
		cs.class = "JobManagerCheckpointStorage"
	case fs.str(key) == "filesystem" && !dir:
		d.at(fs.at(key), "filesystem checkpoint storage needs a checkpoint directory: set execution.checkpointing.dir (state.checkpoints.dir before 1.20), or Flink's FileSystemCheckpointStorage does not start")
	}
	sc := r.sc.CheckpointStorage
	if cs.class == "" {
		if sc.MaxStateSize != nil {
			d.at("checkpoint-storage.max-state-size", "applies only to checkpoints in the JobManager's memory: set flink.execution.checkpointing.storage: jobmanager, or leave it out")
		}
		cs.inline = r.inlineThreshold()
		return cs
	}
	cs.maxState, cs.metadataInMemory = defaultMaxStateSize, !dir
	if sc.MaxStateSize != nil {
		cs.maxState = int64(*sc.MaxStateSize)
	}
	if fs.bool("state.changelog.enabled") {
		d.at(fs.at("state.changelog.enabled"), "flinksim does not model the changelog backend with checkpoints in the JobManager's memory (%s): use execution.checkpointing.storage: filesystem", cs.class)
	}
	return cs
}

// checkMaxStateSize refuses a checkpoint-storage.max-state-size that is
// not a Java int above 0, as JobManagerCheckpointStorage's constructor does.
func (r *resolver) checkMaxStateSize() {
	if m := r.sc.CheckpointStorage.MaxStateSize; m != nil && (*m < 1 || *m > math.MaxInt32) {
		r.d.at("checkpoint-storage.max-state-size", "must be from 1B to 2147483647B (JobManagerCheckpointStorage takes an int above 0), not %s", r.d.written("checkpoint-storage.max-state-size", strconv.FormatInt(int64(*m), 10)+"B"))
	}
}

// maxInlineThreshold is FileSystemCheckpointStorage's
// MAX_FILE_STATE_THRESHOLD: 1 MiB.
const maxInlineThreshold = 1 << 20

// inlineThreshold is execution.checkpointing.data-inline-threshold as
// FileSystemCheckpointStorage takes it (its configure, through
// getValidFileStateThreshold): from 0 to 1 mb; above, Flink logs "Ignoring
// invalid file size threshold value" and keeps the default, 20 kb.
func (r *resolver) inlineThreshold() *int64 {
	const key = "execution.checkpointing.data-inline-threshold"
	v := r.fs.bytes(key)
	if v > maxInlineThreshold {
		at := r.fs.at(key)
		r.d.warn(r.d.nodes[at], at, "ignored: %s is above 1 mb, the most FileSystemCheckpointStorage takes; Flink logs \"Ignoring invalid file size threshold value\" and keeps the default, %s",
			FormatFlinkMemory(v), FormatFlinkMemory(models.DefaultInlineThreshold))
		v = models.DefaultInlineThreshold
	}
	return &v
}
