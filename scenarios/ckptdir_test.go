package scenarios

import (
	"slices"
	"testing"
)

// TestCheckpointDirectory: the directory completed checkpoints' external
// paths are in, as CheckpointingOptions.CHECKPOINTS_DIRECTORY reads a
// configuration file: from 1.20 its own key before its older names, before
// 1.20 the older names; state.checkpoints.dir before
// state.backend.fs.checkpointdir, its deprecated key in every release. A
// what-if (--set) sets the option under whichever name, as any option's.
func TestCheckpointDirectory(t *testing.T) {
	for _, c := range []struct {
		name    string
		version string
		flink   []string // the file's flink: entries
		sets    []string
		want    string
	}{
		{"none", "", nil, nil, ""},
		{"1.20's key", "", []string{"execution.checkpointing.dir: s3://b/new/"}, nil, "s3://b/new"},
		{"the older name", "", []string{"state.checkpoints.dir: hdfs://nn/old"}, nil, "hdfs://nn/old"},
		{"both: 1.20 reads its own key", "", []string{"state.checkpoints.dir: hdfs://nn/old", "execution.checkpointing.dir: s3://b/new"}, nil, "s3://b/new"},
		{"both: 1.18 reads the older name", "1.18", []string{"state.checkpoints.dir: hdfs://nn/old", "execution.checkpointing.dir: s3://b/new"}, nil, "hdfs://nn/old"},
		{"the oldest name", "", []string{"state.backend.fs.checkpointdir: hdfs://nn/oldest/"}, nil, "hdfs://nn/oldest"},
		{"the oldest name, 1.15", "1.15", []string{"state.backend.fs.checkpointdir: hdfs://nn/oldest"}, nil, "hdfs://nn/oldest"},
		{"the oldest name, 2.3", "2.3", []string{"state.backend.fs.checkpointdir: hdfs://nn/oldest"}, nil, "hdfs://nn/oldest"},
		{"older before oldest", "", []string{"state.backend.fs.checkpointdir: hdfs://nn/oldest", "state.checkpoints.dir: hdfs://nn/old"}, nil, "hdfs://nn/old"},
		{"older before oldest, 1.17", "1.17", []string{"state.checkpoints.dir: hdfs://nn/old", "state.backend.fs.checkpointdir: hdfs://nn/oldest"}, nil, "hdfs://nn/old"},
		{"own key before oldest, 2.0", "2.0", []string{"state.backend.fs.checkpointdir: hdfs://nn/oldest", "execution.checkpointing.dir: s3://b/new"}, nil, "s3://b/new"},
		{"1.19 reads the oldest, not 1.20's", "1.19", []string{"execution.checkpointing.dir: s3://b/new", "state.backend.fs.checkpointdir: hdfs://nn/oldest"}, nil, "hdfs://nn/oldest"},
		{"a what-if over the file's older name", "", []string{"state.checkpoints.dir: hdfs://nn/old"}, []string{"flink.execution.checkpointing.dir=s3://b/new"}, "s3://b/new"},
		{"a what-if under 1.20's name in 1.17", "1.17", []string{"state.checkpoints.dir: hdfs://nn/old"}, []string{"flink.execution.checkpointing.dir=s3://b/new"}, "s3://b/new"},
		{"a what-if under the oldest name", "", []string{"execution.checkpointing.dir: s3://b/new"}, []string{"flink.state.backend.fs.checkpointdir=hdfs://nn/oldest"}, "hdfs://nn/oldest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := minimal + "flink:\n  execution.checkpointing.interval: 1 min\n"
			for _, e := range c.flink {
				data += "  " + e + "\n"
			}
			if c.version != "" {
				data += "flink-version: \"" + c.version + "\"\n"
			}
			l, err := Load("m.yaml", []byte(data), c.sets)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Spec.Checkpointing.Directory; got != c.want {
				t.Errorf("directory %q, want %q", got, c.want)
			}
			if slices.Contains(l.InertFlinkKeys, "execution.checkpointing.dir") || slices.Contains(l.InertFlinkKeys, "state.checkpoints.dir") || len(l.NotModelled) > 0 {
				t.Errorf("inert %v, not modelled %v: the directory is modelled", l.InertFlinkKeys, l.NotModelled)
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
