package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestShardFromEnvOutOfRange: an index from the environment that is not
// one of --shards n's is a problem of --shards, saying what it takes
// (0 to n-1, counted from SLURM_ARRAY_TASK_MIN for Slurm); a
// SLURM_ARRAY_TASK_MIN that is not a number is one too, not read as 0.
func TestShardFromEnvOutOfRange(t *testing.T) {
	const n = 3
	for _, c := range []struct {
		env  map[string]string
		want int    // the shard, when ok
		msg  string // the problem's start, else
	}{
		{map[string]string{"JOB_COMPLETION_INDEX": "2"}, 2, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "5"}, 0, fmt.Sprintf(`--shards: JOB_COMPLETION_INDEX="5" is not a shard of %d: it must be from 0 to %d`, n, n-1)},
		{map[string]string{"JOB_COMPLETION_INDEX": "x"}, 0, `--shards: JOB_COMPLETION_INDEX="x" is not a shard of`},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5"}, 2, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_MIN": "5"}, 0, fmt.Sprintf(`--shards: SLURM_ARRAY_TASK_ID="8" (min 5) is not a shard of %d: it must be from 5 to %d`, n, 5+n-1)},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "one"}, 0, `--shards: SLURM_ARRAY_TASK_MIN="one" is not a whole number`},
	} {
		for _, k := range []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN"} {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		got, err := shardFromEnv(n)
		switch {
		case c.msg == "" && (err != nil || got != c.want):
			t.Errorf("%v: shard %d, %v; want %d", c.env, got, err, c.want)
		case c.msg != "" && (err == nil || !strings.HasPrefix(err.Error(), c.msg)):
			t.Errorf("%v: %v; want %q", c.env, err, c.msg)
		}
	}
}
