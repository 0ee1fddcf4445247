package scenarios

import (
	"slices"
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
		// 1.20 renamed the directory: an older release reads only the old name
		{"1.19 does not read the 1.20 name of the directory", "execution.checkpointing.dir: s3://b/c", []string{"flink-version=1.19"},
			"JobManagerCheckpointStorage", 5 << 20, true,
			"m.yaml:10:3: flink.execution.checkpointing.dir: ignored: Flink 1.19 does not know this name (it came in 1.20); it reads state.checkpoints.dir"},
		// a what-if sets the option under the name the release reads, as any option's
		{"a what-if under 1.20's name", "", []string{"flink-version=1.17", "flink.execution.checkpointing.dir=s3://b/c"}, "", 0, false,
			"--set flink.execution.checkpointing.dir=s3://b/c: flink.execution.checkpointing.dir: Flink 1.17 does not know this name (it came in 1.20); it reads state.checkpoints.dir: this what-if sets the option, as state.checkpoints.dir"},
		{"1.17 reads the old name", "", []string{"flink-version=1.17", "flink.state.checkpoints.dir=s3://b/c"}, "", 0, false, ""},
		{"2.0 reads both", "", []string{"flink-version=2.0", "flink.state.checkpoints.dir=s3://b/c"}, "", 0, false, ""},
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
			if (c.warning == "") != (len(l.Warnings) == 0) || c.warning != "" && !warnedOf(l.Warnings, c.warning) {
				t.Errorf("warnings %v, want %q", l.Warnings, c.warning)
			}
			assertRoundTrip(t, l)
		})
	}
}

// TestCheckpointStorageTypeFromDirectory: without a checkpoint-storage:
// block's type, the preset is the one the checkpoint directory's scheme
// names (an hdfs:// directory is not given S3's 100 ms per request and
// 85 MB/s per connection); a type given wins over the scheme.
func TestCheckpointStorageTypeFromDirectory(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"flink.execution.checkpointing.dir=s3://b/c"}, "s3"},
		{[]string{"flink.execution.checkpointing.dir=s3a://b/c"}, "s3"},
		{[]string{"flink.execution.checkpointing.dir=gs://b/c"}, "gcs"},
		{[]string{"flink.execution.checkpointing.dir=abfss://c@a.dfs.core.windows.net/ckpt"}, "azure-blob"},
		{[]string{"flink.execution.checkpointing.dir=wasbs://c@a.blob.core.windows.net/ckpt"}, "azure-blob"},
		{[]string{"flink.execution.checkpointing.dir=hdfs://namenode:8020/flink/checkpoints"}, "hdfs"},
		{[]string{"flink.state.checkpoints.dir=HDFS://nn/ckpt"}, "hdfs"},
		{[]string{"flink.execution.checkpointing.dir=file:///mnt/shared/ckpt"}, "nfs"},
		{[]string{"flink.execution.checkpointing.dir=oss://b/c"}, "s3"},
		{[]string{"flink.execution.checkpointing.dir=hdfs://nn/ckpt", "checkpoint-storage.type=s3"}, "s3"},
		{[]string{"flink.execution.checkpointing.dir=hdfs://nn/ckpt", "checkpoint-storage.request-latency=20ms"}, "hdfs"},
		{[]string{"checkpoint-storage.request-latency=20ms"}, "s3"},
	} {
		l, err := Load("m.yaml", []byte(minimal), append([]string{"flink.execution.checkpointing.interval=1min"}, c.sets...))
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Scenario.CheckpointStorage.Type; got != c.want {
			t.Errorf("%v: checkpoint-storage.type %q, want %q", c.sets, got, c.want)
		}
		assertRoundTrip(t, l)
	}
}

// TestJobManagerStorageRun: a scenario with state.checkpoint-storage:
// jobmanager whose one keyed subtask holds more than 5 MiB fails its
// checkpoints with Flink's reason, counted towards
// tolerable-failed-checkpoints, and writes checkpoint-config.json with
// JobManagerCheckpointStorage.
func TestJobManagerStorageRun(t *testing.T) {
	l, err := Load("jm.yaml", jmJob("  state.checkpoint-storage: jobmanager\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Warnings) != 0 {
		t.Errorf("warnings %v, want none: the storage is asked for", l.Warnings)
	}
	checkStateTooLarge(t, l)
}

// TestJobManagerFallbackRun: the same job with neither the storage key nor
// a checkpoint directory (nor a checkpoint-storage: block) gets the
// JobManager's memory as Flink falls back to it, with a warning, and fails
// its checkpoints so. Its scenario.resolved.yaml says
// execution.checkpointing.storage: jobmanager (state.checkpoint-storage
// before 1.20), so that it loads again to the same storage with no warning.
func TestJobManagerFallbackRun(t *testing.T) {
	l, err := Load("jm.yaml", jmJob(""), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Warnings) != 1 || !strings.Contains(l.Warnings[0].String(), "jm.yaml:4:3: flink.execution.checkpointing.interval: checkpoints go to the JobManager's memory") {
		t.Errorf("warnings %v, want the fallback to the JobManager's memory, at the interval", l.Warnings)
	}
	checkStateTooLarge(t, l)
	for _, c := range []struct{ version, entry string }{
		{"", "execution.checkpointing.storage: jobmanager\n"},
		{"1.18", "state.checkpoint-storage: jobmanager\n"},
	} {
		var sets []string
		if c.version != "" {
			sets = []string{"flink-version=" + c.version}
		}
		l, err := Load("jm.yaml", jmJob(""), sets)
		if err != nil {
			t.Fatal(err)
		}
		r, err := l.Resolved()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(r), "\n  "+c.entry) {
			t.Errorf("Flink %q: scenario.resolved.yaml does not write %q:\n%s", c.version, c.entry, r)
		}
		again, err := Load("resolved.yaml", r, nil)
		if err != nil {
			t.Fatal(err)
		}
		k := again.Spec.Checkpointing
		if len(again.Warnings) != 0 || k.StorageClass != "JobManagerCheckpointStorage" || k.MaxStateSize != 5<<20 || !k.MetadataInMemory {
			t.Errorf("Flink %q: reloaded, storage %q, max state %d, metadata in memory %v, warnings %v; want JobManagerCheckpointStorage, 5 MiB, in memory, none",
				c.version, k.StorageClass, k.MaxStateSize, k.MetadataInMemory, again.Warnings)
		}
		assertRoundTrip(t, l)
	}
}

// TestJobManagerFallbackWarningNames: the fallback warning names the keys
// the scenario's release reads: the checkpoint directory
// (CheckpointingOptions.CHECKPOINTS_DIRECTORY, state.checkpoints.dir
// before 1.20) and the storage (CHECKPOINT_STORAGE, state.checkpoint-storage
// before 1.20, FLINK-34482), and scenario.resolved.yaml writes the storage
// under that name too.
func TestJobManagerFallbackWarningNames(t *testing.T) {
	const head = "m.yaml:10:3: flink.execution.checkpointing.interval: checkpoints go to the JobManager's memory (JobManagerCheckpointStorage, at most 5MiB per state handle): no checkpoint directory is set, and Flink falls back to it (CheckpointStorageLoader.createDefaultCheckpointStorage); "
	for _, c := range []struct{ version, tail, entry string }{
		{"1.15", "set flink.state.checkpoints.dir or a checkpoint-storage: block for a file system's, or state.checkpoint-storage: jobmanager to keep this without the warning",
			"state.checkpoint-storage: jobmanager"},
		{"1.19", "set flink.state.checkpoints.dir or a checkpoint-storage: block for a file system's, or state.checkpoint-storage: jobmanager to keep this without the warning",
			"state.checkpoint-storage: jobmanager"},
		{"", "set flink.execution.checkpointing.dir or a checkpoint-storage: block for a file system's, or execution.checkpointing.storage: jobmanager to keep this without the warning",
			"execution.checkpointing.storage: jobmanager"},
		{"2.0", "set flink.execution.checkpointing.dir or a checkpoint-storage: block for a file system's, or execution.checkpointing.storage: jobmanager to keep this without the warning",
			"execution.checkpointing.storage: jobmanager"},
	} {
		t.Run("flink "+c.version, func(t *testing.T) {
			var sets []string
			if c.version != "" {
				sets = []string{"flink-version=" + c.version}
			}
			l, err := Load("m.yaml", []byte(minimal+"flink:\n  execution.checkpointing.interval: 1 min\n"), sets)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Warnings) != 1 || l.Warnings[0].String() != head+c.tail {
				t.Errorf("warnings %v\nwant %s", l.Warnings, head+c.tail)
			}
			r, err := l.Resolved()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(r), "\n  "+c.entry+"\n") {
				t.Errorf("scenario.resolved.yaml does not write %q:\n%s", c.entry, r)
			}
		})
	}
}

// jmJob is a job whose one keyed subtask holds 8 MB once every key was
// seen, checkpointing every 20 s with one failed checkpoint tolerated;
// storage is more flink: entries.
func jmJob(storage string) []byte {
	return []byte(`name: jm
duration: 3min
flink:
` + storage + `  execution.checkpointing.interval: 20s
  execution.checkpointing.tolerable-failed-checkpoints: 1
sources:
  - {name: clicks, kind: kafka, partitions: 1, rate: 1k/s, record-size: 100B}
operators:
  - {name: agg, key-by: user_id, keys: 8000, cost: 1us, state-per-key: 1000B, state-warm: true}
sinks:
  - {name: out, capacity: 100k/s}
`)
}

// checkStateTooLarge runs jmJob's scenario l and checks that, with its
// checkpoints in the JobManager's memory, they fail with Flink's reason
// and fail the job over, and checkpoint-config.json names
// JobManagerCheckpointStorage.
func checkStateTooLarge(t *testing.T, l *Loaded) {
	t.Helper()
	if l.Spec.Checkpointing.MaxStateSize != 5<<20 {
		t.Fatalf("max state size %d, want 5 MiB (under the 8 MB the job holds)", l.Spec.Checkpointing.MaxStateSize)
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
	if failed < 2 || counted == 0 {
		t.Errorf("%d checkpoints failed with %q, %d failovers for too many failed checkpoints; want the state over 5 MiB to fail them and fail the job over",
			failed, result.FailureAsync, counted)
	}
}

// TestInlineThresholdOption: execution.checkpointing.data-inline-threshold
// (CheckpointingOptions.FS_SMALL_FILE_THRESHOLD) under its names and
// releases, as FileSystemCheckpointStorage takes it: a MemorySize from 0
// to 1 mb; above, Flink logs that it ignores it and keeps 20 kb. The
// JobManager's memory does not read it (nil: the default).
func TestInlineThresholdOption(t *testing.T) {
	const kb = 1 << 10
	for _, c := range []struct {
		file      string // a flink: entry written in the file
		sets      []string
		threshold int64 // -1: nil
		warning   string
		problem   string
	}{
		{"", nil, 20 * kb, "", ""},
		{"execution.checkpointing.data-inline-threshold: 100 kb", nil, 100 * kb, "", ""},
		{"state.storage.fs.memory-threshold: 100kb", []string{"flink-version=1.19"}, 100 * kb, "", ""},
		{"state.backend.fs.memory-threshold: 64 kb", []string{"flink-version=1.15"}, 64 * kb, "", ""},
		{"state.storage.fs.memory-threshold: 100kb", []string{"flink-version=2.1"}, 100 * kb, "", ""},
		{"execution.checkpointing.data-inline-threshold: 100 kb", []string{"flink-version=1.19"}, 20 * kb, "Flink 1.19 does not know this name (it came in 1.20); it reads state.storage.fs.memory-threshold", ""},
		{"execution.checkpointing.data-inline-threshold: 0", nil, 0, "", ""},
		{"execution.checkpointing.data-inline-threshold: 1 mb", nil, 1 << 20, "", ""},
		{"execution.checkpointing.data-inline-threshold: 1025 kb", nil, 20 * kb,
			`ignored: 1025 kb is above 1 mb, the most FileSystemCheckpointStorage takes; Flink logs "Ignoring invalid file size threshold value" and keeps the default, 20 kb`, ""},
		{"", []string{"flink.execution.checkpointing.data-inline-threshold=2mb"}, 20 * kb, "ignored: 2 mb is above 1 mb", ""},
		{"", []string{"flink.execution.checkpointing.data-inline-threshold=1.5kb"}, 0, "", `"1.5kb": Flink knows no memory unit`},
		{"execution.checkpointing.data-inline-threshold: 100 kb", []string{"flink.execution.checkpointing.storage=jobmanager"}, -1, "", ""},
	} {
		t.Run(c.file+strings.Join(c.sets, " "), func(t *testing.T) {
			data := minimal + "checkpoint-storage: {type: s3}\n" // a file system's directory
			if c.file != "" {
				data += "flink:\n  " + c.file + "\n"
			}
			l, err := Load("m.yaml", []byte(data), append([]string{"flink.execution.checkpointing.interval=1min"}, c.sets...))
			if c.problem != "" {
				if err == nil || !strings.Contains(err.Error(), c.problem) {
					t.Fatalf("got %v, want a problem %q", err, c.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := int64(-1)
			if p := l.Spec.Checkpointing.InlineThreshold; p != nil {
				got = *p
			}
			if got != c.threshold {
				t.Errorf("threshold %d, want %d", got, c.threshold)
			}
			if (c.warning == "") != (len(l.Warnings) == 0) || c.warning != "" && !warnedOf(l.Warnings, c.warning) {
				t.Errorf("warnings %v, want %q", l.Warnings, c.warning)
			}
			if slices.Contains(l.NotModelled, "execution.checkpointing.data-inline-threshold") {
				t.Error("listed as not modelled")
			}
			// scenario.resolved.yaml writes it under the release's name
			// when the scenario sets it, and only then
			resolved, err := l.Resolved()
			if err != nil {
				t.Fatal(err)
			}
			set := c.file != "" && !strings.Contains(c.warning, "does not know this name") || strings.Contains(strings.Join(c.sets, " "), "threshold")
			if written := strings.Contains(string(resolved), "memory-threshold:") || strings.Contains(string(resolved), "data-inline-threshold:"); written != set {
				t.Errorf("resolved.yaml lists the threshold: %v, want %v:\n%s", written, set, resolved)
			}
			assertRoundTrip(t, l)
		})
	}
}

// TestInlineThresholdRun: a Kafka reader's 40 kB of splits (1000
// partitions of a topic named clicks, 40 bytes each) go inside the
// checkpoint's metadata under a 100 kb threshold (no upload: the async
// phase takes no time) and to a file of their own under 20 kb, the
// default (uploaded: it takes time).
func TestInlineThresholdRun(t *testing.T) {
	wholeRun(t)
	const scenario = `name: inline
duration: 30s
flink: {execution.checkpointing.interval: 5s}
sources:
  - {name: clicks, partitions: 1000, parallelism: 1, rate: 100/s}
sinks:
  - {name: out, input: clicks, capacity: 100k/s}
checkpoint-storage: {type: s3}
`
	for _, c := range []struct {
		threshold string
		inlined   bool
	}{{"100 kb", true}, {"20 kb", false}, {"", false}, {"40000 b", true}, {"39999 b", false}} {
		t.Run(c.threshold, func(t *testing.T) {
			var sets []string
			if c.threshold != "" {
				sets = []string{"flink.execution.checkpointing.data-inline-threshold=" + c.threshold}
			}
			l, err := Load("inline.yaml", []byte(scenario), sets)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(l, nil)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, ck := range res.Checkpoints {
				if ck.Status != "COMPLETED" {
					continue
				}
				for _, task := range ck.Tasks {
					sub := task.Subtasks[0]
					if !strings.Contains(task.Name, "clicks") || sub.StateSize != 40000 {
						t.Fatalf("checkpoint %d, %s: state %d, want the source's 40000 bytes of splits", ck.ID, task.Name, sub.StateSize)
					}
					n++
					if inlined := sub.Async == 0; inlined != c.inlined {
						t.Errorf("checkpoint %d: async phase %v, want inlined %v", ck.ID, sub.Async, c.inlined)
					}
				}
			}
			if n == 0 {
				t.Fatal("no completed checkpoint")
			}
		})
	}
}

// TestStorageEpisodesNeedAStore: storage-slowdown and storage-outage act on
// a remote checkpoint store; with checkpoints in the JobManager's memory
// (the fallback, the storage key's jobmanager, or 1.x's MemoryStateBackend)
// there is none, and they are refused at the failure; with a file system's
// store (a directory, or a checkpoint-storage: block) they load.
func TestStorageEpisodesNeedAStore(t *testing.T) {
	const refused = "checkpoints go to the JobManager's memory (JobManagerCheckpointStorage), so there is no remote checkpoint store to slow down or stop; allowed with a file system checkpoint store (checkpoint-storage: block or a checkpoint directory"
	on := "flink.execution.checkpointing.interval=1min"
	for _, c := range []struct {
		name    string
		failure string
		sets    []string
		want    string // "" loads
	}{
		{"outage, fallback", "storage-outage: {at: 1m, for: 30s}", nil,
			"m.yaml:10:21: failures[0].storage-outage: " + refused + ")"},
		{"slowdown, fallback", "storage-slowdown: {at: 1m, for: 30s, factor: 2}", nil,
			"m.yaml:10:23: failures[0].storage-slowdown: " + refused + ")"},
		{"slowdown, jobmanager asked for", "storage-slowdown: {at: 1m, for: 30s, factor: 2}",
			[]string{"flink.execution.checkpointing.storage=jobmanager", "flink.execution.checkpointing.dir=s3://b/c"},
			"m.yaml:10:23: failures[0].storage-slowdown: " + refused + ", and execution.checkpointing.storage filesystem or left out)"},
		{"outage, jobmanager asked for, 1.18", "storage-outage: {at: 1m, for: 30s}",
			[]string{"flink-version=1.18", "flink.state.checkpoint-storage=jobmanager", "checkpoint-storage.type=s3"},
			"m.yaml:10:21: failures[0].storage-outage: " + refused + ", and state.checkpoint-storage filesystem or left out)"},
		{"outage, MemoryStateBackend", "storage-outage: {at: 1m, for: 30s}",
			[]string{"flink-version=1.16", "flink.state.backend=jobmanager", "flink.state.checkpoints.dir=s3://b/c"},
			"m.yaml:10:21: failures[0].storage-outage: checkpoints go to the JobManager's memory (MemoryStateBackend), so there is no remote checkpoint store to slow down or stop; allowed with a file system checkpoint store (checkpoint-storage: block or a checkpoint directory, and state.backend hashmap or rocksdb)"},
		{"outage, a directory", "storage-outage: {at: 1m, for: 30s}", []string{"flink.execution.checkpointing.dir=s3://b/c"}, ""},
		{"slowdown, a block", "storage-slowdown: {at: 1m, for: 30s, factor: 2}", []string{"checkpoint-storage.type=hdfs"}, ""},
		{"slowdown, the oldest directory name", "storage-slowdown: {at: 1m, for: 30s, factor: 2}", []string{"flink.state.backend.fs.checkpointdir=s3://b/c"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("m.yaml", []byte(minimal+"failures:\n  - "+c.failure+"\n"), append([]string{on}, c.sets...))
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v\nwant %s", err, c.want)
			}
		})
	}
}

// warnedOf reports whether a warning says text (warnings come in the
// order of their place in the scenario, flags first).
func warnedOf(ws Problems, text string) bool {
	return slices.ContainsFunc(ws, func(w Problem) bool { return strings.Contains(w.String(), text) })
}
