package models

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestJobManagerStorageStateLimit: with checkpoints to the JobManager's
// memory (JobManagerCheckpointStorage), a subtask whose keyed state is one
// stream over maxStateSize (DEFAULT_MAX_STATE_SIZE, 5 MiB) fails every
// checkpoint at the end of its async phase with CHECKPOINT_ASYNC_EXCEPTION
// (MemCheckpointStreamFactory.checkSize, AsyncCheckpointRunnable's decline),
// counted by CheckpointFailureManager: tolerable + 1 failures in a row fail
// the job over. Under the limit every checkpoint completes. REST's
// checkpoint config names the storage by its class.
func TestJobManagerStorageStateLimit(t *testing.T) {
	const limit = 5 << 20 // JobManagerCheckpointStorage.DEFAULT_MAX_STATE_SIZE
	const interval, tolerable = 30 * sim.Second, 2
	for _, c := range []struct {
		name   string
		perKey int64 // × 1000 keys, warm, in one subtask
	}{
		{"under the limit", 4 << 10},           // 4000 KiB
		{"over the limit", 8 << 10},            // 8000 KiB
		{"just under the limit", limit / 1000}, // 5 242 000 B
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := ckptJob(interval, 1)
			agg := &spec.Nodes[1]
			agg.Keyed.StatePerKey = c.perKey
			state := float64(agg.Keyed.Keys.(UniformKeys).N * c.perKey)
			k := spec.Checkpointing
			k.Tolerable, k.MaxStateSize, k.StorageClass, k.MetadataInMemory = tolerable, limit, "JobManagerCheckpointStorage", true
			spec.Duration = 5 * interval
			s, res := runWith(t, spec)
			if got := res.CheckpointConfig.CheckpointStorage; got != "JobManagerCheckpointStorage" {
				t.Errorf("checkpoint_storage %q, want JobManagerCheckpointStorage", got)
			}
			if state <= limit { // checkSize refuses only a size above the limit
				if s.coord.failed != 0 || s.coord.completed < 4 || len(s.failovers()) != 0 {
					t.Errorf("state %.0f B under %d: completed %d failed %d failovers %d, want every checkpoint completed",
						state, limit, s.coord.completed, s.coord.failed, len(s.failovers()))
				}
				return
			}
			// Nothing to upload to a storage and no metadata to write: each
			// checkpoint fails when the keyed subtask's async phase ends, at
			// its trigger.
			expectTrace(t, s, row{0, 0, "FAILED"}, row{interval.Seconds(), interval.Seconds(), "FAILED"},
				row{2 * interval.Seconds(), 2 * interval.Seconds(), "FAILED"})
			for _, h := range s.coord.history[:tolerable+1] {
				if h.FailureMessage != result.FailureAsync {
					t.Errorf("checkpoint %d failed with %q, want %q", h.ID, h.FailureMessage, result.FailureAsync)
				}
			}
			f := s.failovers()
			if len(f) == 0 {
				t.Fatalf("no failover; want one at failure %d in a row (tolerable %d)", tolerable+1, tolerable)
			}
			third := s.coord.history[tolerable].Failure
			if f[0].At != third || !strings.Contains(f[0].Reason, "tolerable failure threshold") || !strings.Contains(f[0].Reason, result.FailureAsync) {
				t.Errorf("first failover %+v, want at %v (failure %d in a row), Exceeded checkpoint tolerable failure threshold due to %q",
					f[0], third, tolerable+1, result.FailureAsync)
			}
		})
	}
}

// TestJobManagerStorageIncrementalFiles: with incremental RocksDB
// checkpoints each SST file is a state handle of its own
// (RocksDBStateUploader writes every file through the stream factory), so
// what counts against the limit is the largest file, not the subtask's
// state: 8000 KiB of state in 4 MiB files completes, in one file it fails.
func TestJobManagerStorageIncrementalFiles(t *testing.T) {
	const limit = 5 << 20
	for _, c := range []struct {
		fileSize int64
		fails    bool
	}{{4 << 20, false}, {64 << 20, true}} {
		spec := ckptJob(30*sim.Second, 1)
		spec.Duration = 90 * sim.Second
		spec.Nodes[1].Keyed.StatePerKey = 8 << 10 // × 1000 keys: 8000 KiB
		k := spec.Checkpointing
		k.Incremental, k.RocksDB = true, true
		k.LSM = LSM{WriteBufferSize: 16 << 20, WriteAmplification: 4}
		k.Storage.FileSize = c.fileSize
		k.MaxStateSize, k.StorageClass, k.MetadataInMemory = limit, "JobManagerCheckpointStorage", true
		k.Tolerable = 100
		s := runCkpt(t, spec)
		first := s.coord.history[0] // the first uploads every file: the whole state
		if got := first.Status == "FAILED"; got != c.fails {
			t.Errorf("files of %d B, largest min(state, file size) = %d B against %d: first checkpoint %s, want failed %v",
				c.fileSize, min(8000<<10, c.fileSize), limit, first.Status, c.fails)
		}
	}
}
