package result

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/flinksim/flinksim/sim"
)

// realJobs is the folder of captured Flink REST responses
// (/work/shared/reference/realjobs, see its INDEX.md); FLINKSIM_REALJOBS
// moves it. The tests that compare with a capture skip without it.
func realJobs(t *testing.T, rel string) []byte {
	t.Helper()
	dir := os.Getenv("FLINKSIM_REALJOBS")
	if dir == "" {
		dir = "/work/shared/reference/realjobs"
	}
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Skipf("no capture: %v", err)
	}
	return b
}

const sqlgw = "historyserver-40coderplus-sqlgw/endpoints/"

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// decodeNumbers decodes b keeping each number's text (json.Number), so
// that 0 and 0.0 differ as a Java long and double do.
func decodeNumbers(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func restJSON(t *testing.T, r *Result, write func(*Result, *bytes.Buffer) error) map[string]any {
	t.Helper()
	var b bytes.Buffer
	if err := write(r, &b); err != nil {
		t.Fatal(err)
	}
	return decode(t, b.Bytes())
}

func checkpointsOf(t *testing.T, r *Result) map[string]any {
	return restJSON(t, r, func(r *Result, b *bytes.Buffer) error { return r.WriteCheckpointsJSON(b) })
}

func detailsOf(t *testing.T, r *Result) map[string]any {
	return restJSON(t, r, func(r *Result, b *bytes.Buffer) error { return r.WriteCheckpointDetailsJSON(b) })
}

// sqlgwCheckpoint is checkpoint 1 of the captured Flink 1.17 job: its
// Kafka writer vertex (570f7071...) acknowledged 335 ms after the trigger
// (sync 12 ms, async 11 ms, start delay 274 ms, 571 bytes), the other
// vertex last, 352 ms after it: the checkpoint's latest acknowledgement.
func sqlgwCheckpoint() *Result {
	ms := sim.Millisecond
	sub := SubtaskCheckpointStats{Index: 0, Acked: true, Ack: 335 * ms, Sync: 12 * ms, Async: 11 * ms, StartDelay: 274 * ms,
		StateSize: 571, Uploaded: 571}
	task := TaskCheckpointStats{Name: "kafka_table[4]: Writer -> Committer", NumSubtasks: 1, NumAcked: 1, LatestAck: 335 * ms,
		StateSize: 571, Checkpointed: 571, Subtasks: []SubtaskCheckpointStats{sub}}
	c := &CheckpointStats{ID: 1, Status: "COMPLETED", Trigger: 0, LatestAck: 352 * ms, Duration: 352 * ms, NumSubtasks: 1, NumAcked: 1,
		StateSize: 571, Checkpointed: 571, Tasks: []TaskCheckpointStats{task}}
	r := &Result{Checkpoints: []*CheckpointStats{c}}
	r.Summary.StartTime = FormatStartTime(time.UnixMilli(1680228526399))
	r.Summary.Checkpoints = &CheckpointSummary{}
	return r
}

// TestSubtaskDetailsMatchFlink: the capture's
// /jobs/:jobid/checkpoints/details/1/subtasks/570f7071... (a Flink 1.17
// history server archive) is what checkpoint-details.json writes for the
// same acknowledgement, to the byte's meaning: the task's totals, its
// summary (min/max/avg over the acknowledged subtasks, percentiles "NaN"
// as TaskStateStatsSummary keeps no histogram, alignment.buffered zeros),
// and the subtask with its "className" discriminator, no field more (no
// vertex name: TaskCheckpointStatisticsWithSubtaskDetails has none), each
// number in the JSON form of its Java type (a double's 0.0, a long's 0).
func TestSubtaskDetailsMatchFlink(t *testing.T) {
	want := decodeNumbers(t, realJobs(t, sqlgw+"checkpoints.details.1.subtasks.570f7071.json"))
	var b bytes.Buffer
	if err := sqlgwCheckpoint().WriteCheckpointDetailsJSON(&b); err != nil {
		t.Fatal(err)
	}
	det := decodeNumbers(t, b.Bytes())
	tasks := det["checkpoints"].([]any)[0].(map[string]any)["tasks"].(map[string]any)
	if len(tasks) != 1 {
		t.Fatalf("%d tasks", len(tasks))
	}
	for _, got := range tasks {
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("details:\n%s\nwant (captured):\n%s", g, w)
		}
	}
}

// TestCheckpointEntryKeysMatchFlink: a checkpoints.json history entry has
// the captured entry's fields, discriminator "className" with Flink's
// lowercase value among them. Its "tasks" is empty in history and latest
// alike, as in every captured entry (CheckpointingStatisticsHandler asks
// generateCheckpointStatistics for no task statistics); the vertex's
// figures are in checkpoint-details.json, its end_to_end_duration its
// latest acknowledgement less the trigger.
func TestCheckpointEntryKeysMatchFlink(t *testing.T) {
	capture := decode(t, realJobs(t, sqlgw+"checkpoints.json"))
	want := capture["history"].([]any)[0].(map[string]any)
	doc := checkpointsOf(t, sqlgwCheckpoint())
	got := doc["history"].([]any)[0].(map[string]any)
	if k, w := keys(got), keys(want); !reflect.DeepEqual(k, w) {
		t.Errorf("history entry keys %v, want (captured) %v", k, w)
	}
	if got["className"] != want["className"] || got["className"] != "completed" {
		t.Errorf("className %v, captured %v", got["className"], want["className"])
	}
	entries := map[string]any{"history": got, "latest": doc["latest"].(map[string]any)["completed"]}
	captured := map[string]any{"history": want, "latest": capture["latest"].(map[string]any)["completed"]}
	for k, e := range entries {
		tasks, capturedTasks := e.(map[string]any)["tasks"], captured[k].(map[string]any)["tasks"]
		if !reflect.DeepEqual(tasks, map[string]any{}) || !reflect.DeepEqual(tasks, capturedTasks) {
			t.Errorf("%s entry tasks %v, captured %v", k, tasks, capturedTasks)
		}
	}
	trigger := got["trigger_timestamp"].(float64)
	for _, task := range detailsOf(t, sqlgwCheckpoint())["checkpoints"].([]any)[0].(map[string]any)["tasks"].(map[string]any) {
		task := task.(map[string]any)
		if task["latest_ack_timestamp"].(float64)-trigger != task["end_to_end_duration"].(float64) {
			t.Errorf("task %v: end_to_end_duration is not latest_ack_timestamp - trigger_timestamp", task)
		}
	}
}

// TestSavepointFormatFrom117: Flink added savepointFormat to a checkpoint's
// REST entry in 1.17 (FLINK-29322); a 1.15 job's history entries (the
// Kubernetes operator's capture) have no such key, a 1.17 job's have it
// (null for a checkpoint).
func TestSavepointFormatFrom117(t *testing.T) {
	for _, c := range []struct {
		name, capture string
		before117     bool
	}{
		{"1.15", "k8s-operator-statemachine/checkpoints.flink1.15.history.json", true},
		{"1.17", sqlgw + "checkpoints.json", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := decode(t, realJobs(t, c.capture))["history"].([]any)[0].(map[string]any)
			r := sqlgwCheckpoint()
			r.CheckpointConfig = &CheckpointConfig{HistorySize: 10, NumRetained: 1, NoSavepointFormat: c.before117}
			doc := checkpointsOf(t, r)
			entries := map[string]any{"history": doc["history"].([]any)[0], "latest": doc["latest"].(map[string]any)["completed"]}
			var file bytes.Buffer
			if err := r.WriteCheckpointHistoryJSON(&file); err != nil {
				t.Fatal(err)
			}
			entries["checkpoint-history.json"] = decode(t, file.Bytes())["history"].([]any)[0]
			for where, e := range entries {
				if k, w := keys(e.(map[string]any)), keys(want); !reflect.DeepEqual(k, w) {
					t.Errorf("%s entry keys %v, want (captured) %v", where, k, w)
				}
			}
		})
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TestPendingAndFailedAsFlink: with no subtask acknowledged, Flink reports
// latest_ack_timestamp -1 and (for a checkpoint in progress, and for every
// task) end_to_end_duration -1 (AbstractCheckpointStats, TaskStateStats);
// once some acknowledged, a checkpoint in progress is the latest
// acknowledgement less the trigger (PendingCheckpointStats does not
// override getEndToEndDuration), and a failed one lasts to its failure
// (FailedCheckpointStats). Unacknowledged subtasks are "pending" with
// status "pending_or_failed" (PendingSubtaskCheckpointStatistics), and the
// task summary counts none of them. Read back, -1 is no acknowledgement and
// no duration.
func TestPendingAndFailedAsFlink(t *testing.T) {
	s := sim.Second
	pendingTask := func(acked bool) TaskCheckpointStats {
		t := TaskCheckpointStats{Name: "op", NumSubtasks: 2, Subtasks: []SubtaskCheckpointStats{{Index: 0}, {Index: 1}}}
		if acked {
			t.NumAcked, t.LatestAck, t.StateSize = 1, 13*s, 100
			t.Subtasks[1] = SubtaskCheckpointStats{Index: 1, Acked: true, Ack: 13 * s, StateSize: 100, Uploaded: 100}
		}
		return t
	}
	r := &Result{Checkpoints: []*CheckpointStats{
		{ID: 1, Status: "FAILED", Trigger: 10 * s, Failure: 70 * s, Duration: 60 * s, NumSubtasks: 2, FailureMessage: FailureExpired,
			Tasks: []TaskCheckpointStats{pendingTask(false)}},
		{ID: 2, Status: "IN_PROGRESS", Trigger: 80 * s, NumSubtasks: 2, Tasks: []TaskCheckpointStats{pendingTask(false)}},
		{ID: 3, Status: "IN_PROGRESS", Trigger: 10 * s, LatestAck: 13 * s, NumSubtasks: 2, NumAcked: 1, StateSize: 100,
			Tasks: []TaskCheckpointStats{pendingTask(true)}},
	}}
	r.Summary.Checkpoints = &CheckpointSummary{}
	hist := checkpointsOf(t, r)["history"].([]any) // newest first
	det := detailsOf(t, r)["checkpoints"].([]any)  // oldest first
	want := []struct {
		class            string
		ack, e2e         float64
		taskAck, taskE2E float64
	}{{"in_progress", 13000, 3000, 13000, 3000}, {"in_progress", -1, -1, -1, -1}, {"failed", -1, 60000, -1, -1}}
	for i, w := range want {
		h := hist[i].(map[string]any)
		task := det[len(det)-1-i].(map[string]any)["tasks"].(map[string]any)[VertexID("op")].(map[string]any)
		if h["className"] != w.class || h["latest_ack_timestamp"] != w.ack || h["end_to_end_duration"] != w.e2e ||
			task["latest_ack_timestamp"] != w.taskAck || task["end_to_end_duration"] != w.taskE2E {
			t.Errorf("checkpoint %v: %v ack %v e2e %v, task ack %v e2e %v; want %+v", h["id"], h["className"], h["latest_ack_timestamp"],
				h["end_to_end_duration"], task["latest_ack_timestamp"], task["end_to_end_duration"], w)
		}
	}
	checkPendingDetails(t, r)
	// No completed checkpoint: the job's summary is StatsSummary's with no
	// value, min, max and avg 0 and every quantile NaN from its empty
	// histogram (StatsSummarySnapshot.getQuantile).
	for name, v := range checkpointsOf(t, r)["summary"].(map[string]any) {
		if st := v.(map[string]any); st["min"] != 0.0 || st["avg"] != 0.0 || st["p50"] != "NaN" || st["p999"] != "NaN" {
			t.Errorf("summary.%s %v, want min and avg 0 and NaN quantiles", name, st)
		}
	}
	var b bytes.Buffer
	r.WriteCheckpointsJSON(&b)
	back := &Result{}
	if err := back.readCheckpointsJSON(strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	for i, c := range back.Checkpoints {
		if o := r.Checkpoints[i]; c.LatestAck != o.LatestAck || c.Duration != o.Duration {
			t.Errorf("checkpoint %d read back: ack %v duration %v, written %v %v", c.ID, c.LatestAck, c.Duration, o.LatestAck, o.Duration)
		}
	}
}

// checkPendingDetails checks checkpoint-details.json of
// TestPendingAndFailedAsFlink's checkpoints: pending subtasks, and a
// summary over the acknowledged one only.
func checkPendingDetails(t *testing.T, r *Result) {
	t.Helper()
	det := detailsOf(t, r)["checkpoints"].([]any)
	task := det[2].(map[string]any)["tasks"].(map[string]any)[VertexID("op")].(map[string]any)
	subs := task["subtasks"].([]any)
	if p := subs[0].(map[string]any); p["className"] != "pending" || p["status"] != "pending_or_failed" || len(p) != 3 {
		t.Errorf("unacknowledged subtask %v", p)
	}
	if c := subs[1].(map[string]any); c["className"] != "completed" || c["status"] != "completed" || c["end_to_end_duration"] != 3000.0 {
		t.Errorf("acknowledged subtask %v", c)
	}
	sum := task["summary"].(map[string]any)
	if st := sum["state_size"].(map[string]any); st["min"] != 100.0 || st["avg"] != 100.0 || st["p50"] != "NaN" {
		t.Errorf("summary.state_size %v: want the one acknowledged subtask's 100 bytes", st)
	}
	if e := sum["end_to_end_duration"].(map[string]any); e["min"] != 3000.0 || e["max"] != 3000.0 {
		t.Errorf("summary.end_to_end_duration %v", e)
	}
	if e := det[1].(map[string]any)["tasks"].(map[string]any)[VertexID("op")].(map[string]any)["summary"].(map[string]any)["end_to_end_duration"].(map[string]any); e["min"] != 0.0 || e["max"] != 0.0 || e["p99"] != "NaN" {
		t.Errorf("no acknowledgement: summary.end_to_end_duration %v, want 0s (StatsSummary with no value)", e)
	}
}

// TestRestoreFromStartIsNoRestore: a restart that found no completed
// checkpoint restored nothing, as Flink reports only a checkpoint's restore
// (CheckpointStatsTracker.reportRestoredCheckpoint): counts.restored counts
// the restores of checkpoints, and latest.restored is the latest of them,
// or null.
func TestRestoreFromStartIsNoRestore(t *testing.T) {
	s := sim.Second
	for _, c := range []struct {
		restores []RestoreStats
		total    int
		latest   any // the latest restored id, or nil
	}{
		{[]RestoreStats{{ID: 0, At: 10 * s}}, 0, nil},
		{[]RestoreStats{{ID: 0, At: 10 * s}, {ID: 4, At: 50 * s}, {ID: 0, At: 90 * s}}, 1, 4.0},
	} {
		r := &Result{Restores: c.restores, RestoresTotal: len(c.restores)}
		for _, rs := range c.restores {
			if rs.ID == 0 {
				r.RestoresFromStart++
			}
		}
		r.Summary.Checkpoints = &CheckpointSummary{}
		got := checkpointsOf(t, r)
		counts := got["counts"].(map[string]any)
		latest := got["latest"].(map[string]any)["restored"]
		var id any
		if latest != nil {
			id = latest.(map[string]any)["id"]
		}
		if counts["restored"] != float64(c.total) || id != c.latest {
			t.Errorf("restores %v: counts.restored %v, latest.restored %v; want %d, id %v", c.restores, counts["restored"], latest, c.total, c.latest)
		}
	}
}

// TestDiscardedPastNumRetained: of the completed checkpoints, all but the
// num-retained newest are discarded, as the completed checkpoint store
// subsumes them; failed ones carry no discarded flag.
func TestDiscardedPastNumRetained(t *testing.T) {
	s := sim.Second
	r := &Result{CheckpointConfig: &CheckpointConfig{NumRetained: 2, HistorySize: 10}}
	for id, status := range []string{"COMPLETED", "COMPLETED", "FAILED", "COMPLETED", "COMPLETED"} {
		r.Checkpoints = append(r.Checkpoints, &CheckpointStats{ID: int64(id + 1), Status: status, Trigger: sim.Time(id) * 10 * s, Duration: s})
	}
	r.Summary.Checkpoints = &CheckpointSummary{}
	want := map[float64]any{5: false, 4: false, 3: nil, 2: true, 1: true}
	for _, h := range checkpointsOf(t, r)["history"].([]any) {
		e := h.(map[string]any)
		if e["discarded"] != want[e["id"].(float64)] {
			t.Errorf("checkpoint %v: discarded %v, want %v", e["id"], e["discarded"], want[e["id"].(float64)])
		}
	}
}

// TestEndToEndDurationIsLatestAckLessTrigger: in every captured
// checkpoints.json entry a completed checkpoint's end_to_end_duration is
// its latest_ack_timestamp less its trigger_timestamp
// (AbstractCheckpointStats.getEndToEndDuration): the JobManager's
// metadata write after the last acknowledgement is not in it. A checkpoint
// that completed 100 ms after its last acknowledgement, with timestamps
// off the millisecond, is written the same way, in the entry, latest and
// the summary.
func TestEndToEndDurationIsLatestAckLessTrigger(t *testing.T) {
	for _, f := range []string{sqlgw + "checkpoints.json", "k8s-operator-statemachine/checkpoints.flink1.15.history.json"} {
		for _, e := range decode(t, realJobs(t, f))["history"].([]any) {
			e := e.(map[string]any)
			if e["status"] != "COMPLETED" {
				continue
			}
			if e["end_to_end_duration"].(float64) != e["latest_ack_timestamp"].(float64)-e["trigger_timestamp"].(float64) {
				t.Errorf("%s: checkpoint %v: end_to_end_duration %v is not latest_ack_timestamp - trigger_timestamp", f, e["id"], e["end_to_end_duration"])
			}
		}
	}
	us := sim.Microsecond
	trigger, ack := 10_000_700*us, 12_345_600*us
	c := &CheckpointStats{ID: 7, Status: "COMPLETED", Trigger: trigger, LatestAck: ack, Duration: ack - trigger,
		Completed: ack + 100*sim.Millisecond, NumSubtasks: 1, NumAcked: 1}
	r := &Result{Checkpoints: []*CheckpointStats{c}}
	r.Summary.Checkpoints = &CheckpointSummary{}
	doc := checkpointsOf(t, r)
	for _, e := range []map[string]any{doc["history"].([]any)[0].(map[string]any), doc["latest"].(map[string]any)["completed"].(map[string]any)} {
		if got, want := e["end_to_end_duration"].(float64), e["latest_ack_timestamp"].(float64)-e["trigger_timestamp"].(float64); got != want {
			t.Errorf("end_to_end_duration %v, want latest_ack_timestamp - trigger_timestamp = %v", got, want)
		}
	}
	want := float64(int64(ack/sim.Millisecond) - int64(trigger/sim.Millisecond))
	if got := doc["summary"].(map[string]any)["end_to_end_duration"].(map[string]any)["max"]; got != want {
		t.Errorf("summary end_to_end_duration max %v, want %v", got, want)
	}
}

// TestHistoryBoundedAsFlink: checkpoints.json's history lists the latest
// web.checkpoints.history checkpoints, newest first, whatever their
// status (CheckpointStatsHistory), as the captured 1.15 job's 10 of its 79;
// counts and the summary cover every checkpoint; 0 keeps none.
func TestHistoryBoundedAsFlink(t *testing.T) {
	capture := decode(t, realJobs(t, "k8s-operator-statemachine/checkpoints.flink1.15.history.json"))
	if n, total := len(capture["history"].([]any)), capture["counts"].(map[string]any)["total"].(float64); n != 10 || total <= 10 {
		t.Fatalf("the capture has %d history entries of %v checkpoints; the test expects Flink's default 10 of more", n, total)
	}
	s := sim.Second
	for _, size := range []int{10, 3, 0} {
		r := &Result{CheckpointConfig: &CheckpointConfig{NumRetained: 1, HistorySize: size}}
		for id := range 15 {
			status := "COMPLETED"
			if id%4 == 3 {
				status = "FAILED"
			}
			r.Checkpoints = append(r.Checkpoints, &CheckpointStats{ID: int64(id + 1), Status: status, Trigger: sim.Time(id) * 10 * s, Duration: s})
		}
		r.Summary.Checkpoints = &CheckpointSummary{}
		doc := checkpointsOf(t, r)
		h := doc["history"].([]any)
		if len(h) != size {
			t.Fatalf("web.checkpoints.history %d: %d entries", size, len(h))
		}
		for i, e := range h {
			if id := e.(map[string]any)["id"].(float64); id != float64(15-i) {
				t.Errorf("web.checkpoints.history %d: entry %d is checkpoint %v, want %d (newest first)", size, i, id, 15-i)
			}
		}
		counts := doc["counts"].(map[string]any)
		if counts["total"] != 15.0 || counts["completed"] != 12.0 || counts["failed"] != 3.0 {
			t.Errorf("web.checkpoints.history %d: counts %v, want every checkpoint (15: 12 completed, 3 failed)", size, counts)
		}
		if latest := doc["latest"].(map[string]any)["completed"].(map[string]any); latest["id"] != 15.0 {
			t.Errorf("web.checkpoints.history %d: latest completed %v, want 15", size, latest["id"])
		}
		// A run read back has every checkpoint (checkpoint-history.json),
		// not the latest the history keeps.
		r.Times = []float64{5}
		dir := t.TempDir()
		if err := r.WriteDir(dir); err != nil {
			t.Fatal(err)
		}
		back, err := ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Checkpoints) != 15 || back.Checkpoints[0].ID != 1 {
			t.Errorf("web.checkpoints.history %d: %d checkpoints read back, want all 15 from the first", size, len(back.Checkpoints))
		}
	}
}

// TestRestoreTimestampAtRestartNotRunning: restore_timestamp is when the
// coordinator restored the checkpoint to the tasks, as the restart delay
// ends (DefaultScheduler.restartTasks), not when the redeployed tasks run
// again after waiting for slots and restoring.
func TestRestoreTimestampAtRestartNotRunning(t *testing.T) {
	s := sim.Second
	r := &Result{Restores: []RestoreStats{{ID: 4, At: 341 * s, Down: 40 * s, StateAt: 301 * s}}, RestoresTotal: 1}
	r.Summary.Checkpoints = &CheckpointSummary{}
	got := checkpointsOf(t, r)["latest"].(map[string]any)["restored"].(map[string]any)["restore_timestamp"]
	if want := float64(r.wallMs(301 * s)); got != want || want == float64(r.wallMs(341*s)) {
		t.Errorf("restore_timestamp %v, want %v (the restart at 301 s, not running again at 341 s)", got, want)
	}
}

// TestEndToEndIsCheckpointsJSONSummary: EndToEnd, which the printed
// summary, compare and the verdict give, is checkpoints.json's summary of
// end_to_end_duration in seconds, over the completed checkpoints only: the
// same whole milliseconds and FlinkQuantile's interpolation. 100 completed
// checkpoints of 1 s to 1.1 s and one of 2 min, triggered at fractions of a
// millisecond, and a failed one of 10 min that no figure counts: the p99
// is at position 0.99 × 102 = 100.98, between the 100th (1.1 s in whole
// milliseconds) and the 2 min one, where the rank nearest 99% would say
// 1.1 s.
func TestEndToEndIsCheckpointsJSONSummary(t *testing.T) {
	r := &Result{}
	for i := range 101 {
		d := sim.Second + sim.Time(i)*sim.Millisecond + 400*sim.Microsecond
		if i == 100 {
			d = 2 * sim.Minute
		}
		trigger := sim.Time(i)*10*sim.Second + 700*sim.Microsecond
		r.Checkpoints = append(r.Checkpoints, &CheckpointStats{ID: int64(i + 1), Status: "COMPLETED", Trigger: trigger,
			LatestAck: trigger + d, Duration: d, Completed: trigger + d + 100*sim.Millisecond})
	}
	r.Checkpoints = append(r.Checkpoints, &CheckpointStats{ID: 102, Status: "FAILED", Trigger: 1100 * sim.Second,
		Failure: 1700 * sim.Second, Duration: 10 * sim.Minute, FailureMessage: FailureExpired})
	r.Summary.Checkpoints = &CheckpointSummary{}
	js := checkpointsOf(t, r)["summary"].(map[string]any)["end_to_end_duration"].(map[string]any)
	got := EndToEnd(r.Checkpoints)
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"p50", got.P50, js["p50"].(float64) / 1000}, {"p99", got.P99, js["p99"].(float64) / 1000},
		{"max", got.Max, js["max"].(float64) / 1000}} {
		if c.got != c.want {
			t.Errorf("EndToEnd %s %v s, checkpoints.json's summary %v s", c.name, c.got, c.want)
		}
	}
	if want := 1.1 + 0.98*(120-1.1); got.P99 < want-1e-9 || got.P99 > want+1e-9 || got.Max != 120 {
		t.Errorf("EndToEnd %+v, want p99 %v (interpolated) and max 120", got, want)
	}
	if (EndToEnd(r.Checkpoints[101:]) != Quantiles{}) {
		t.Errorf("EndToEnd without a completed checkpoint %+v, want zeros", EndToEnd(r.Checkpoints[101:]))
	}
}

// TestSummaryQuantilesOverTheLatest10000: a summary's quantiles are over
// the latest 10,000 completed checkpoints, its min, max and average over
// all (CompletedCheckpointStatsSummary: StatsSummary(HISTOGRAM_WINDOW_SIZE),
// a DescriptiveStatisticsHistogram window beside running min/max/sum).
// 2,000 checkpoints of 100 s, then 10,000 of 1 s: every quantile is 1 s,
// the maximum 100 s, the average (2000·100 + 10000·1)/12000 = 17.5 s.
func TestSummaryQuantilesOverTheLatest10000(t *testing.T) {
	r := &Result{Summary: Summary{Checkpoints: &CheckpointSummary{}}}
	for i := range 12000 {
		d := sim.Second
		if i < 2000 {
			d = 100 * sim.Second
		}
		trigger := sim.Time(i) * 200 * sim.Second
		r.Checkpoints = append(r.Checkpoints, &CheckpointStats{ID: int64(i + 1), Status: "COMPLETED", Trigger: trigger,
			LatestAck: trigger + d, Duration: d, Completed: trigger + d})
	}
	js := checkpointsOf(t, r)["summary"].(map[string]any)["end_to_end_duration"].(map[string]any)
	for k, want := range map[string]float64{"p50": 1000, "p90": 1000, "p99": 1000, "p999": 1000, "min": 1000, "max": 100000, "avg": 17500} {
		if js[k] != want {
			t.Errorf("end_to_end_duration %s %v ms, want %v", k, js[k], want)
		}
	}
}

// TestExternalPathAsFlink: a completed checkpoint's external_path is its
// directory under the configured checkpoint directory and the job's id, as
// the captured 1.17 job's (hdfs://.../checkpoints/<job id>/chk-4); with the
// metadata in the JobManager's memory it is Flink's
// "<checkpoint-not-externally-addressable>", written as Jackson writes it.
func TestExternalPathAsFlink(t *testing.T) {
	job := VertexID("job j")
	for _, c := range []struct {
		cc   CheckpointConfig
		want string
	}{
		{CheckpointConfig{Directory: "hdfs://nn:8020/flink-checkpoints"}, "hdfs://nn:8020/flink-checkpoints/" + job + "/chk-1"},
		{CheckpointConfig{CheckpointStorage: "JobManagerCheckpointStorage", MetadataInMemory: true}, "<checkpoint-not-externally-addressable>"},
		{CheckpointConfig{CheckpointStorage: "JobManagerCheckpointStorage", Directory: "s3://b/c"}, "s3://b/c/" + job + "/chk-1"},
		{CheckpointConfig{}, "flinksim://checkpoints/chk-1"}, // the checkpoint-storage: block's unnamed directory
	} {
		cc := c.cc
		cc.NumRetained, cc.HistorySize = 1, 10
		r := &Result{CheckpointConfig: &cc}
		r.Summary.Scenario = "j"
		r.Checkpoints = []*CheckpointStats{{ID: 1, Status: "COMPLETED", Duration: sim.Second}}
		r.Restores = []RestoreStats{{ID: 1, At: 5 * sim.Second}}
		r.Summary.Checkpoints = &CheckpointSummary{}
		var b bytes.Buffer
		if err := r.WriteCheckpointsJSON(&b); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(b.String(), `"external_path": "`+c.want+`"`); n != 3 { // history, latest completed, latest restored
			t.Errorf("%+v: external_path %q found %d times, want 3 in:\n%s", c.cc, c.want, n, b.String())
		}
	}
}

// TestHistoryFileWrittenOneByOne: checkpoint-history.json, written one
// checkpoint at a time, is byte for byte the document writeRESTJSON writes
// of the whole history (discarded marks included), and an empty list
// without checkpoints.
func TestHistoryFileWrittenOneByOne(t *testing.T) {
	s := sim.Second
	for _, n := range []int{0, 1, 7} {
		r := &Result{CheckpointConfig: &CheckpointConfig{NumRetained: 2, HistorySize: 3}}
		for id := range n {
			status := "COMPLETED"
			if id%3 == 2 {
				status = "FAILED"
			}
			r.Checkpoints = append(r.Checkpoints, &CheckpointStats{ID: int64(id + 1), Status: status, Trigger: sim.Time(id) * 10 * s, Duration: s,
				FailureMessage: "<a failure>"})
		}
		var got, want bytes.Buffer
		if err := r.WriteCheckpointHistoryJSON(&got); err != nil {
			t.Fatal(err)
		}
		if err := writeRESTJSON(&want, struct {
			History []map[string]any `json:"history"`
		}{r.restHistory(len(r.Checkpoints))}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d checkpoints: written one by one\n%s\nwant\n%s", n, got.String(), want.String())
		}
	}
}
