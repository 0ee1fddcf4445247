package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestInertAxisWarned: a sweep's one axis whose values all give the same
// job is warned of, as sweep loads its plan; one that changes the job is
// not, nor an axis beside another (it may matter in combination).
// Parallelism.default is inert where every operator sets its own (as in
// Flink, where an operator's own parallelism wins), a checkpoint timeout
// where nothing checkpoints.
func TestInertAxisWarned(t *testing.T) {
	own := []string{"sources.events.parallelism=2", "sinks.db.parallelism=2"}
	for _, c := range []struct {
		grid   string
		sets   []string
		warned bool
		also   string // a second --grid
	}{
		{"flink.parallelism.default=2,8", own, true, ""},
		{"flink.parallelism.default=2,8", nil, false, ""},
		{"flink.execution.checkpointing.timeout=1min,10min", nil, true, ""},
		{"flink.execution.checkpointing.timeout=1min,10min", []string{"flink.execution.checkpointing.interval=30s"}, false, ""},
		{"sinks.db.capacity=5k/s,20k/s", own, false, ""},
		{"flink.parallelism.default=2,8", own, false, "sinks.db.capacity=5k/s,20k/s"},
		{"flink.parallelism.default=1..6/6", own, true, ""},
		// true warned of as ignored over the hashmap backend, false not: the
		// axis is inert all the same (it was not warned of: a break-test
		// helper); over rocksdb it is not inert
		{"flink.state.backend.incremental=true,false", []string{"flink.execution.checkpointing.interval=30s"}, true, ""},
		{"flink.execution.checkpointing.incremental=true,false", []string{"flink.execution.checkpointing.interval=30s", "flink.state.backend.type=rocksdb"}, false, ""},
	} {
		var warnings bytes.Buffer
		o := sweepOptions{grids: []string{c.grid}, runOptions: runOptions{sets: c.sets}}
		if c.also != "" {
			o.grids = append(o.grids, c.also)
		}
		if _, _, _, err := loadPlan("testdata/tiny.yaml", o, nil, nil, &warnings, false); err != nil {
			t.Fatalf("%s %v: %v", c.grid, c.sets, err)
		}
		key, _, _ := strings.Cut(c.grid, "=")
		want := "flinksim: warning: --grid " + key + ": its values "
		if got := strings.Contains(warnings.String(), want); got != c.warned {
			t.Errorf("--grid %s with %v: warned %v, want %v:\n%s", c.grid, c.sets, got, c.warned, warnings.String())
		}
		if strings.HasSuffix(c.grid, "/6") && !strings.Contains(warnings.String(), "its values 1, 2, 3, 4, … 6 (6 values) give") {
			t.Errorf("--grid %s: want the first four values and the last:\n%s", c.grid, warnings.String())
		}
	}
}
