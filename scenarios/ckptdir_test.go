package scenarios

import (
	"slices"
	"testing"
)

// TestCheckpointDirectory: the directory completed checkpoints' external
// paths are in, as CheckpointingOptions.CHECKPOINTS_DIRECTORY reads it:
// from 1.20 its own key before its older names, before 1.20 the older
// names; state.checkpoints.dir before state.backend.fs.checkpointdir, its
// deprecated key in every release.
func TestCheckpointDirectory(t *testing.T) {
	for _, c := range []struct {
		name string
		sets []string
		want string
	}{
		{"none", nil, ""},
		{"1.20's key", []string{"flink.execution.checkpointing.dir=s3://b/new/"}, "s3://b/new"},
		{"the older name", []string{"flink.state.checkpoints.dir=hdfs://nn/old"}, "hdfs://nn/old"},
		{"both: 1.20 reads its own key", []string{"flink.state.checkpoints.dir=hdfs://nn/old", "flink.execution.checkpointing.dir=s3://b/new"}, "s3://b/new"},
		{"both: 1.18 reads the older name", []string{"flink-version=1.18", "flink.state.checkpoints.dir=hdfs://nn/old", "flink.execution.checkpointing.dir=s3://b/new"}, "hdfs://nn/old"},
		{"the oldest name", []string{"flink.state.backend.fs.checkpointdir=hdfs://nn/oldest/"}, "hdfs://nn/oldest"},
		{"the oldest name, 1.15", []string{"flink-version=1.15", "flink.state.backend.fs.checkpointdir=hdfs://nn/oldest"}, "hdfs://nn/oldest"},
		{"the oldest name, 2.3", []string{"flink-version=2.3", "flink.state.backend.fs.checkpointdir=hdfs://nn/oldest"}, "hdfs://nn/oldest"},
		{"older before oldest", []string{"flink.state.backend.fs.checkpointdir=hdfs://nn/oldest", "flink.state.checkpoints.dir=hdfs://nn/old"}, "hdfs://nn/old"},
		{"older before oldest, 1.17", []string{"flink-version=1.17", "flink.state.checkpoints.dir=hdfs://nn/old", "flink.state.backend.fs.checkpointdir=hdfs://nn/oldest"}, "hdfs://nn/old"},
		{"own key before oldest, 2.0", []string{"flink-version=2.0", "flink.state.backend.fs.checkpointdir=hdfs://nn/oldest", "flink.execution.checkpointing.dir=s3://b/new"}, "s3://b/new"},
		{"1.19 reads the oldest, not 1.20's", []string{"flink-version=1.19", "flink.execution.checkpointing.dir=s3://b/new", "flink.state.backend.fs.checkpointdir=hdfs://nn/oldest"}, "hdfs://nn/oldest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sets := append([]string{"flink.execution.checkpointing.interval=1min", "checkpoint-storage.type=s3"}, c.sets...)
			l, err := Load("m.yaml", []byte(minimal), sets)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Spec.Checkpointing.Directory; got != c.want {
				t.Errorf("directory %q, want %q", got, c.want)
			}
		})
	}
}

// TestOldestCheckpointDirName: state.backend.fs.checkpointdir alone is the
// checkpoint directory in every release flinksim knows, as it is
// CHECKPOINTS_DIRECTORY's deprecated key from 1.15 to 2.x: checkpoints go
// to its file system, with no warning (no fallback to the JobManager's
// memory) and the key is not listed as not modelled.
func TestOldestCheckpointDirName(t *testing.T) {
	for _, v := range flinkVersions {
		t.Run(v, func(t *testing.T) {
			l, err := Load("m.yaml", []byte(minimal+"flink:\n  execution.checkpointing.interval: 1 min\n  state.backend.fs.checkpointdir: hdfs://nn/ckpt\n"),
				[]string{"flink-version=" + v})
			if err != nil {
				t.Fatal(err)
			}
			k := l.Spec.Checkpointing
			if k.Directory != "hdfs://nn/ckpt" || k.StorageClass != "" || k.MaxStateSize != 0 {
				t.Errorf("directory %q, storage %q, max state %d; want hdfs://nn/ckpt in FileSystemCheckpointStorage", k.Directory, k.StorageClass, k.MaxStateSize)
			}
			if len(l.Warnings) != 0 || slices.Contains(l.NotModelled, "state.backend.fs.checkpointdir") {
				t.Errorf("warnings %v, not modelled %v; want none", l.Warnings, l.NotModelled)
			}
			assertRoundTrip(t, l)
		})
	}
}
