package models

import (
	"math"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Checkpoints to the JobManager's memory: JobManagerCheckpointStorage
// (state.checkpoint-storage: jobmanager, execution.checkpointing.storage
// from 1.20) and Flink 1.x's MemoryStateBackend, the legacy state backend
// that is its own checkpoint storage. A subtask's snapshot is not written
// to files: each state handle is a byte array
// (MemCheckpointStreamFactory.MemoryCheckpointOutputStream, a
// ByteStreamStateHandle) sent to the JobManager with the acknowledgement.
//
// A stream that holds more than the storage's maxStateSize
// (JobManagerCheckpointStorage.DEFAULT_MAX_STATE_SIZE, 5 MiB, unless the
// job's code passes another to its constructor) fails when it is closed,
// after it was written: MemoryCheckpointOutputStream.closeAndGetBytes
// checks the size and throws the IOException "Size of the state is larger
// than the maximum permitted memory-backed state". The async part of the
// snapshot fails (AsyncCheckpointRunnable.handleExecutionException), the
// task declines the checkpoint with CHECKPOINT_ASYNC_EXCEPTION,
// CheckpointCoordinator.receiveDeclineMessage aborts it at once, and
// CheckpointFailureManager.checkFailureCounter counts that reason against
// tolerable-failed-checkpoints.
//
// One stream, one handle, is (what counts against the limit):
//   - a keyed operator's keyed state, all the key groups of one subtask
//     (HeapSnapshotStrategy, RocksDB's full snapshot): a window operator's
//     windows are its keyed state;
//   - with incremental RocksDB checkpoints, each SST file
//     (RocksDBStateUploader writes a file through the stream factory), at
//     most checkpoint-storage.file-size;
//   - an operator's operator state (a Kafka reader's splits,
//     DefaultOperatorStateBackendSnapshotStrategy);
//   - a subtask's channel state of an unaligned checkpoint
//     (ChannelStateCheckpointWriter; from 1.17 up to
//     max-subtasks-per-channel-state-file subtasks may share one stream,
//     which flinksim does not model).
//
// The bytes go to the JobManager over the TaskManager's network, not to the
// storage (no connection, no file request), and without a checkpoint
// directory the metadata stays in the JobManager's memory
// (MemoryBackendCheckpointStorageAccess): completing writes nothing.

// checkHandles records whether subtask st's snapshot sub, whose keyed state
// uploads up bytes, holds a state handle larger than the JobManager
// storage's limit; its async phase then fails when it ends (uploaded).
func (s *Simulation) checkHandles(st *subtask, sub *subtaskSnapshot, up float64, incremental bool) {
	limit := s.spec.Checkpointing.MaxStateSize
	if limit <= 0 {
		return
	}
	largest := max(sub.opState, sub.persisted)
	if incremental && st.lsm != nil {
		largest = max(largest, int64(math.Min(up, float64(s.spec.Checkpointing.Storage.FileSize))))
	} else {
		for pos := range st.t.nodes {
			largest = max(largest, int64(s.nodeStateBytes(st, sub.stateRecs, pos)))
		}
	}
	if largest > limit {
		sub.tooLarge = largest
	}
}

// nodeStateBytes is the keyed state (and windows) of the operator at chain
// position pos of subtask st, for the given per-node record counts.
func (s *Simulation) nodeStateBytes(st *subtask, recs []int64, pos int) float64 {
	b := 0.0
	if k := st.t.nodes[pos].spec.Keyed; k != nil && k.StatePerKey > 0 {
		b = st.t.nodes[pos].distinctKeys(st.index, recs[pos]) * float64(k.StatePerKey)
	}
	if o := st.ops[pos].win; o != nil {
		b += o.bytes
	}
	return b
}

// declineTooLarge is the end of an async phase that wrote a state handle
// over the limit: the task declines checkpoint p, which fails and counts.
// It reports whether it did.
func (s *Simulation) declineTooLarge(st *subtask, p *pendingCheckpoint) bool {
	sub := &p.subs[st.id]
	if sub.tooLarge == 0 {
		return false
	}
	if s.trace != nil {
		s.tracef("%s async phase of checkpoint %d fails: IOException: Size of the state is larger than the maximum permitted memory-backed state. Size=%d, maxSize=%d; it declines the checkpoint (CHECKPOINT_ASYNC_EXCEPTION)",
			st.name(), p.id, sub.tooLarge, s.spec.Checkpointing.MaxStateSize)
	}
	s.coord.fail(p.id, result.FailureAsync, true)
	return true
}

// metadataWrite is how long the JobManager takes to write a fully
// acknowledged checkpoint's metadata: one request of the storage, or
// nothing when it stays in the JobManager's memory.
func metadataWrite(c *Checkpointing) sim.Time {
	if c.MetadataInMemory {
		return 0
	}
	return c.Storage.RequestLatency
}
