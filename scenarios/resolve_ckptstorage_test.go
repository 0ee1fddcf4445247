package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/result"
)

// TestCheckpointStorage: where checkpoints go, as CheckpointStorageLoader
// picks it, under each name of the key and release, and the max state
// size of the JobManager's memory (DEFAULT_MAX_STATE_SIZE unless the
// scenario says what the job's code passes).
func TestCheckpointStorage(t *testing.T) {
	on := "flink.execution.checkpointing.interval=1min"
	for _, c := range []struct {
		name     string
		file     string // a flink: entry written in the file (a what-if is applied under any name)
		sets     []string
		class    string
		max      int64
		inMemory bool
		warning  string
	}{
		// Neither a directory nor a checkpoint-storage: block: Flink falls
		// back to the JobManager's memory (createDefaultCheckpointStorage),
		// and says nothing; flinksim warns.
		{"no directory: the JobManager's memory", "", nil, "JobManagerCheckpointStorage", 5 << 20, true,
			"checkpoints go to the JobManager's memory (JobManagerCheckpointStorage, at most 5MiB per state handle): no checkpoint directory is set"},
		{"no directory, 1.17", "", []string{"flink-version=1.17"}, "JobManagerCheckpointStorage", 5 << 20, true, "no checkpoint directory is set"},
		{"a directory: its file system", "", []string{"flink.execution.checkpointing.dir=s3://b/c"}, "", 0, false, ""},
		{"a directory under its old name", "", []string{"flink.state.checkpoints.dir=s3://b/c"}, "", 0, false, ""},
		{"the checkpoint-storage block stands for a directory", "", []string{"checkpoint-storage.type=gcs"}, "", 0, false, ""},
		{"jobmanager", "", []string{"flink.execution.checkpointing.storage=jobmanager"}, "JobManagerCheckpointStorage", 5 << 20, true, ""},
		{"any case, old name", "", []string{"flink.state.checkpoint-storage=JobManager"}, "JobManagerCheckpointStorage", 5 << 20, true, ""},
		{"factory class", "", []string{"flink.execution.checkpointing.storage=org.apache.flink.runtime.state.storage.JobManagerCheckpointStorageFactory"},
			"JobManagerCheckpointStorage", 5 << 20, true, ""},
		{"a directory keeps the metadata", "", []string{"flink.state.checkpoint-storage=jobmanager", "flink.state.checkpoints.dir=s3://b/c"},
			"JobManagerCheckpointStorage", 5 << 20, false, ""},
		{"the job's own max state size", "", []string{"flink.execution.checkpointing.storage=jobmanager", "checkpoint-storage.max-state-size=10MiB"},
			"JobManagerCheckpointStorage", 10 << 20, true, ""},
		{"still in 2.x", "", []string{"flink-version=2.1", "flink.execution.checkpointing.storage=jobmanager"}, "JobManagerCheckpointStorage", 5 << 20, true, ""},
		// ignored, so the JobManager's memory again, for want of a directory
		{"1.18 reads the old name only", "execution.checkpointing.storage: jobmanager", []string{"flink-version=1.18"}, "JobManagerCheckpointStorage", 5 << 20, true,
			"Flink 1.18 does not know this name (it came in 1.20); it reads state.checkpoint-storage"},
		{"1.18 old name", "state.checkpoint-storage: jobmanager", []string{"flink-version=1.18"}, "JobManagerCheckpointStorage", 5 << 20, true, ""},
		{"filesystem with a directory", "", []string{"flink.execution.checkpointing.storage=filesystem", "flink.execution.checkpointing.dir=s3://b/c"}, "", 0, false, ""},
		{"the legacy MemoryStateBackend wins", "", []string{"flink-version=1.17", "flink.state.backend=jobmanager", "flink.state.checkpoint-storage=filesystem",
			"flink.state.checkpoints.dir=s3://b/c"}, "MemoryStateBackend", 5 << 20, false, "is its own checkpoint storage and takes precedence"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := minimal
			if c.file != "" {
				data += "flink:\n  " + c.file + "\n"
			}
			l, err := Load("m.yaml", []byte(data), append([]string{on}, c.sets...))
			if err != nil {
				t.Fatal(err)
			}
			k := l.Spec.Checkpointing
			if k.StorageClass != c.class || k.MaxStateSize != c.max || k.MetadataInMemory != c.inMemory {
				t.Errorf("storage %q, max state %d, metadata in memory %v; want %q, %d, %v", k.StorageClass, k.MaxStateSize, k.MetadataInMemory, c.class, c.max, c.inMemory)
			}
			if (c.warning == "") != (len(l.Warnings) == 0) || c.warning != "" && !strings.Contains(l.Warnings[0].String(), c.warning) {
				t.Errorf("warnings %v, want %q", l.Warnings, c.warning)
			}
			assertRoundTrip(t, l)
		})
	}
}

// TestJobManagerStorageRun: a scenario with state.checkpoint-storage:
// jobmanager whose one keyed subtask holds more than 5 MiB fails its
// checkpoints with Flink's reason, counted towards
// tolerable-failed-checkpoints, and writes checkpoint-config.json with
// JobManagerCheckpointStorage.
func TestJobManagerStorageRun(t *testing.T) {
	const keys, perKey = 8000, 1000 // 8 MB in one subtask, once every key was seen
	data := fmt.Sprintf(`name: jm
duration: 3min
flink:
  state.checkpoint-storage: jobmanager
  execution.checkpointing.interval: 20s
  execution.checkpointing.tolerable-failed-checkpoints: 1
sources:
  - {name: clicks, kind: kafka, partitions: 1, rate: 1k/s, record-size: 100B}
operators:
  - {name: agg, key-by: user_id, keys: %d, cost: 1us, state-per-key: %dB, state-warm: true}
sinks:
  - {name: out, capacity: 100k/s}
`, keys, perKey)
	l, err := Load("jm.yaml", []byte(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(l, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := res.WriteCheckpointConfigJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"checkpoint_storage": "JobManagerCheckpointStorage"`) {
		t.Errorf("checkpoint-config.json:\n%s\nwant checkpoint_storage JobManagerCheckpointStorage", b.String())
	}
	failed, counted := 0, 0
	for _, c := range res.Checkpoints {
		if c.Status == "FAILED" && c.FailureMessage == result.FailureAsync {
			failed++
		}
	}
	for _, f := range res.Failovers {
		if f.Cause == models.CauseCheckpoints && strings.Contains(f.Reason, result.FailureAsync) {
			counted++
		}
	}
	if keys*perKey > 5<<20 && (failed < 2 || counted == 0) {
		t.Errorf("%d checkpoints failed with %q, %d failovers for too many failed checkpoints; want the state over 5 MiB to fail them and fail the job over",
			failed, result.FailureAsync, counted)
	}
}
