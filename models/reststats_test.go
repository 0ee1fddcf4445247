package models

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestFailedCheckpointSumsAcknowledgedSubtasks: Flink's TaskStateStats sums
// the subtasks that reported (reportSubtaskStats), and PendingCheckpointStats
// adds each report to the checkpoint's totals; FailedCheckpointStats keeps
// those totals. In ckptJob with 70 s uploads and a 50 s timeout, every
// checkpoint expires: the source and sink acknowledge at once, the keyed
// operator (1000 MiB of state, its snapshot taken) never does. Its task
// reports no size, and the checkpoint's sizes are what the others acknowledged.
func TestFailedCheckpointSumsAcknowledgedSubtasks(t *testing.T) {
	singleGoroutine(t)
	spec := ckptJob(30*sim.Second, 70)
	spec.Checkpointing.Timeout = 50 * sim.Second
	spec.Checkpointing.Tolerable = 100
	spec.Duration = 3 * sim.Minute
	_, res := runWith(t, spec)
	failed := failedCheckpoints(res)
	for _, c := range failed {
		checkAckedSums(t, c)
		for _, ts := range c.Tasks {
			if strings.HasPrefix(ts.Name, "agg") && (ts.NumAcked != 0 || ts.StateSize != 0 || ts.Checkpointed != 0) {
				t.Errorf("checkpoint %d: agg acknowledged %d, state %d, checkpointed %d; want none acknowledged and 0 bytes",
					c.ID, ts.NumAcked, ts.StateSize, ts.Checkpointed)
			}
		}
		if c.NumAcked == 0 || c.NumAcked == c.NumSubtasks {
			t.Errorf("checkpoint %d: %d of %d acknowledged, want some", c.ID, c.NumAcked, c.NumSubtasks)
		}
	}
	if len(failed) == 0 {
		t.Fatal("no failed checkpoint")
	}
}

// failedCheckpoints are the run's failed checkpoints, oldest first.
func failedCheckpoints(res *result.Result) []*result.CheckpointStats {
	var out []*result.CheckpointStats
	for _, c := range res.Checkpoints {
		if c.Status == "FAILED" {
			out = append(out, c)
		}
	}
	return out
}

// checkAckedSums checks a checkpoint's task and checkpoint totals against its
// acknowledged subtasks (TaskStateStats.getStateSize, getCheckpointedSize,
// getProcessedDataStats, getPersistedDataStats are sums over the reported
// subtasks; PendingCheckpointStats adds the same reports).
func checkAckedSums(t *testing.T, c *result.CheckpointStats) {
	t.Helper()
	var state, written, processed, persisted int64
	acked := 0
	for _, ts := range c.Tasks {
		var tState, tWritten, tProcessed, tPersisted int64
		n := 0
		for _, st := range ts.Subtasks {
			if !st.Acked {
				if st.StateSize != 0 || st.Uploaded != 0 || st.Processed != 0 || st.Persisted != 0 {
					t.Errorf("checkpoint %d %s subtask %d: unacknowledged with sizes %+v", c.ID, ts.Name, st.Index, st)
				}
				continue
			}
			n++
			tState, tWritten, tProcessed, tPersisted = tState+st.StateSize, tWritten+st.Uploaded, tProcessed+st.Processed, tPersisted+st.Persisted
		}
		if n != ts.NumAcked || tState != ts.StateSize || tWritten != ts.Checkpointed || tProcessed != ts.ProcessedData || tPersisted != ts.PersistedData {
			t.Errorf("checkpoint %d %s: acked %d state %d checkpointed %d processed %d persisted %d; its acknowledged subtasks: %d, %d, %d, %d, %d",
				c.ID, ts.Name, ts.NumAcked, ts.StateSize, ts.Checkpointed, ts.ProcessedData, ts.PersistedData, n, tState, tWritten, tProcessed, tPersisted)
		}
		acked += n
		state, written, processed, persisted = state+tState, written+tWritten, processed+tProcessed, persisted+tPersisted
	}
	if acked != c.NumAcked || state != c.StateSize || written != c.Checkpointed || processed != c.ProcessedData || persisted != c.PersistedData {
		t.Errorf("checkpoint %d: acked %d state %d checkpointed %d; its acknowledged subtasks: %d, %d, %d", c.ID, c.NumAcked, c.StateSize, c.Checkpointed, acked, state, written)
	}
}

// TestCheckpointConfigAsFlink: the configuration of the captured Flink 1.17
// job (realjobs historyserver-40coderplus-sqlgw, checkpoints.config.json:
// exactly-once, 10 s interval, 10 min timeout, 500 ms min pause, hashmap
// state backend, no changelog) gives the captured response, field for
// field; other settings change the fields Flink derives from them.
func TestCheckpointConfigAsFlink(t *testing.T) {
	k := &Checkpointing{Interval: 10 * sim.Second, Timeout: 10 * sim.Minute, MinPause: 500 * sim.Millisecond, MaxConcurrent: 1, AfterTasksFinish: true}
	var got bytes.Buffer
	if err := (&result.Result{CheckpointConfig: checkpointConfig(k)}).WriteCheckpointConfigJSON(&got); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("FLINKSIM_REALJOBS")
	if dir == "" {
		dir = "/work/shared/reference/realjobs"
	}
	raw, err := os.ReadFile(filepath.Join(dir, "historyserver-40coderplus-sqlgw/endpoints/checkpoints.config.json"))
	if err != nil {
		t.Skipf("no capture: %v", err)
	}
	var g, w map[string]any
	if err := json.Unmarshal(got.Bytes(), &g); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(raw, &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("checkpoint-config.json\n%s\nwant (captured)\n%s", got.Bytes(), raw)
	}
	cl := DefaultChangelog()
	cl.MaterializeInterval = 3 * sim.Minute
	k = &Checkpointing{Interval: sim.Minute, Timeout: 5 * sim.Minute, MaxConcurrent: 1, Tolerable: 3, AtLeastOnce: true,
		Unaligned: true, AlignedTimeout: 30 * sim.Second, RocksDB: true, Changelog: &cl, ChangelogStorage: "filesystem", MaterializeInterval: 3 * sim.Minute}
	c := checkpointConfig(k)
	if c.Mode != "at_least_once" || c.StateBackend != "EmbeddedRocksDBStateBackend" || !c.Unaligned || c.AlignedTimeout != 30000 ||
		c.Tolerable != 3 || !c.Changelog || c.Materialization != 180000 || c.ChangelogStorage != "filesystem" || c.Interval != 60000 {
		t.Errorf("config %+v", c)
	}
	// the changelog off: its storage and interval as configured
	if c := checkpointConfig(&Checkpointing{Interval: sim.Minute, ChangelogStorage: "filesystem", MaterializeInterval: 5 * sim.Minute}); c.Changelog ||
		c.ChangelogStorage != "filesystem" || c.Materialization != 300000 {
		t.Errorf("changelog off, configured: state_changelog_enabled %v, changelog_storage %q, interval %d ms; want false, filesystem, 300000",
			c.Changelog, c.ChangelogStorage, c.Materialization)
	}
	// CheckpointConfigHandler: enabled unless never retained, deleted on
	// cancellation unless retained then.
	for _, r := range []struct {
		retention        string
		enabled, deleted bool
	}{{"NO_EXTERNALIZED_CHECKPOINTS", false, true}, {"DELETE_ON_CANCELLATION", true, true}, {"RETAIN_ON_CANCELLATION", true, false}} {
		e := checkpointConfig(&Checkpointing{Interval: sim.Minute, Retention: r.retention}).Externalization
		if e.Enabled != r.enabled || e.DeleteOnCancellation != r.deleted {
			t.Errorf("%s: externalization %+v, want enabled %v, delete_on_cancellation %v", r.retention, e, r.enabled, r.deleted)
		}
	}
}
