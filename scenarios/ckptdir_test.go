package scenarios

import "testing"

// TestCheckpointDirectory: the directory completed checkpoints' external
// paths are in, as CheckpointingOptions.CHECKPOINTS_DIRECTORY reads it:
// from 1.20 its own key before its older name, before 1.20 the older name.
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
