package result

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"sort"

	"github.com/flinksim/flinksim/sim"
)

// checkpoints.json: the run's checkpoints in the shape of Flink's REST
// response GET /jobs/:jobid/checkpoints (CheckpointingStatistics), so that
// tools reading Flink's API can read a simulated run. Timestamps are Unix
// milliseconds, virtual time from the summary's StartTime (run's
// --start-time); durations are milliseconds; sizes bytes. Job vertex IDs are derived from the task names.

type restCheckpoints struct {
	Counts  restCounts          `json:"counts"`
	Summary map[string]statsDto `json:"summary"`
	Latest  restLatest          `json:"latest"`
	History []map[string]any    `json:"history"`
}

type restCounts struct {
	Restored   int `json:"restored"`
	Total      int `json:"total"`
	InProgress int `json:"in_progress"`
	Completed  int `json:"completed"`
	Failed     int `json:"failed"`
}

type restLatest struct {
	Completed map[string]any `json:"completed"`
	Savepoint map[string]any `json:"savepoint"`
	Failed    map[string]any `json:"failed"`
	Restored  map[string]any `json:"restored"`
}

func ms(t sim.Time) int64 { return int64(t / sim.Millisecond) }

// SinceTriggerS is Flink's end-to-end duration from a checkpoint's
// trigger to an acknowledgement at ack (a task's latest, a subtask's), in
// seconds: whole milliseconds of each timestamp, as REST gives it
// (checkpoint-details.json), for a page that shows it.
func SinceTriggerS(ack, trigger sim.Time) float64 {
	return float64(max(0, ms(ack)-ms(trigger))) / 1000
}

// FlinkMsS is a duration as REST gives a subtask's parts of a checkpoint
// (start delay, alignment, sync, async): whole milliseconds, in seconds.
func FlinkMsS(t sim.Time) float64 { return float64(ms(t)) / 1000 }

// VertexID is a stable 32-hex-digit job vertex ID for a task name.
func VertexID(name string) string {
	a, b := fnv.New64a(), fnv.New64()
	a.Write([]byte(name))
	b.Write([]byte(name))
	return fmt.Sprintf("%016x%016x", a.Sum64(), b.Sum64())
}

// restCheckpoint is one checkpoint's entry in latest or history, as
// CheckpointingStatisticsHandler writes it; start is the Unix ms of
// virtual time 0.
func restCheckpoint(c *CheckpointStats, start int64, path func(id int64) string) map[string]any {
	class := map[string]string{"COMPLETED": "completed", "FAILED": "failed"}[c.Status]
	if class == "" {
		class = "in_progress"
	}
	kind := "CHECKPOINT"
	if c.Unaligned {
		kind = "UNALIGNED_CHECKPOINT"
	}
	m := map[string]any{
		"className": class, "id": c.ID, "status": c.Status, "is_savepoint": false, "savepointFormat": nil,
		"trigger_timestamp": start + ms(c.Trigger), "latest_ack_timestamp": latestAck(c.NumAcked, c.LatestAck, start),
		"checkpointed_size": c.Checkpointed, "state_size": c.StateSize, "end_to_end_duration": c.EndToEndMs(),
		"alignment_buffered": 0, "processed_data": c.ProcessedData, "persisted_data": c.PersistedData,
		"num_subtasks": c.NumSubtasks, "num_acknowledged_subtasks": c.NumAcked, "checkpoint_type": kind,
		// CheckpointingStatisticsHandler builds latest and history entries
		// with CheckpointStatistics.generateCheckpointStatistics(stats,
		// false): no task statistics, an empty map (the per-vertex figures
		// are checkpoint-details.json's, as the details endpoints give them).
		"tasks": map[string]any{},
	}
	switch c.Status {
	case "COMPLETED":
		m["external_path"] = path(c.ID)
		m["discarded"] = false
	case "FAILED":
		m["failure_timestamp"] = start + ms(c.Failure)
		m["failure_message"] = c.FailureMessage
	}
	return m
}

// restEntry is checkpoint c's entry in latest or history as the run's
// release writes it: before 1.17 without savepointFormat, which
// FLINK-29322 added to CheckpointStatistics.
func (r *Result) restEntry(c *CheckpointStats, start int64) map[string]any {
	m := restCheckpoint(c, start, r.externalPath)
	if cc := r.CheckpointConfig; cc != nil && cc.NoSavepointFormat {
		delete(m, "savepointFormat")
	}
	return m
}

// restTask is a job vertex's part of a checkpoint, as Flink's
// TaskCheckpointStatistics gives it (TaskStateStats: its acknowledged
// subtasks' sums).
func restTask(c *CheckpointStats, t *TaskCheckpointStats, start int64) map[string]any {
	return map[string]any{
		"id": c.ID, "status": c.Status, "latest_ack_timestamp": latestAck(t.NumAcked, t.LatestAck, start),
		"checkpointed_size": t.Checkpointed, "state_size": t.StateSize,
		"end_to_end_duration": sinceTrigger(t.NumAcked, t.LatestAck, c.Trigger), "alignment_buffered": 0,
		"processed_data": t.ProcessedData, "persisted_data": t.PersistedData,
		"num_subtasks": t.NumSubtasks, "num_acknowledged_subtasks": t.NumAcked,
	}
}

// latestAck is Flink's latest_ack_timestamp: the latest acknowledgement's
// Unix ms, or -1 while no subtask has acknowledged
// (AbstractCheckpointStats.getLatestAckTimestamp,
// TaskStateStats.getLatestAckTimestamp).
func latestAck(acked int, at sim.Time, start int64) int64 {
	if acked == 0 {
		return -1
	}
	return start + ms(at)
}

// sinceTrigger is Flink's end_to_end_duration of a task, or of a checkpoint
// in progress: from the trigger to the latest acknowledgement, in whole
// milliseconds as the two timestamps are, or -1 while no subtask has
// acknowledged (AbstractCheckpointStats.getEndToEndDuration,
// TaskStateStats.getEndToEndDuration).
func sinceTrigger(acked int, ack, trigger sim.Time) int64 {
	if acked == 0 {
		return -1
	}
	return max(0, ms(ack)-ms(trigger))
}

// FlinkQuantile is the p quantile (0 < p < 1) of sorted, non-empty xs
// as Flink's checkpoint summaries estimate it: DescriptiveStatisticsHistogram's
// Apache Commons Math Percentile, whose default (R-6-like) interpolates at
// position p·(n+1).
func FlinkQuantile(xs []float64, p float64) float64 {
	pos := p * float64(len(xs)+1)
	switch {
	case pos < 1:
		return xs[0]
	case pos >= float64(len(xs)):
		return xs[len(xs)-1]
	}
	lo := math.Floor(pos)
	d := pos - lo
	return xs[int(lo)-1] + d*(xs[int(lo)]-xs[int(lo)-1])
}

// endToEndSummary is the job's summary of the completed checkpoints'
// end-to-end durations in ms (CompletedCheckpointStatsSummary, over
// getEndToEndDuration): checkpoints.json's, and EndToEnd's in seconds.
func endToEndSummary(cps []*CheckpointStats) statsDto {
	var dur []int64
	for _, c := range cps {
		if c.Status == "COMPLETED" {
			dur = append(dur, c.EndToEndMs())
		}
	}
	return restSummary(dur)
}

// histogramWindow is how many of the latest completed checkpoints a
// summary's quantiles are over (CompletedCheckpointStatsSummary's
// HISTOGRAM_WINDOW_SIZE, a DescriptiveStatisticsHistogram's window); its
// min, max and average are over all of them.
const histogramWindow = 10_000

// restSummary is the job's summary of one figure over its completed
// checkpoints, xs in the order they completed (CompletedCheckpointStatsSummary's
// StatsSummary, StatsSummaryDto).
func restSummary(xs []int64) statsDto {
	if len(xs) == 0 {
		// no completed checkpoint: StatsSummary's min, max and avg are 0,
		// and its histogram, empty, gives NaN for every quantile
		// (StatsSummarySnapshot.getQuantile, Commons Math's Percentile)
		return statsDto{P50: nan, P90: nan, P95: nan, P99: nan, P999: nan}
	}
	lo, hi := xs[0], xs[0]
	var sum float64
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
		sum += float64(x)
	}
	window := xs[max(0, len(xs)-histogramWindow):]
	fs := make([]float64, len(window))
	for i, x := range window {
		fs[i] = float64(x)
	}
	sort.Float64s(fs)
	q := func(p float64) jdouble { return jdouble(FlinkQuantile(fs, p)) }
	return statsDto{Min: lo, Max: hi, Avg: int64(sum / float64(len(xs))),
		P50: q(0.5), P90: q(0.9), P95: q(0.95), P99: q(0.99), P999: q(0.999)}
}

// markDiscarded sets discarded on the completed checkpoints of history
// (newest first) past the num-retained newest, as the completed checkpoint
// store discards a checkpoint once it is subsumed
// (DefaultCompletedCheckpointStore.addCheckpointAndSubsumeOldestOne). The
// latest completed entry is the same checkpoint as history's first, which
// is kept. Without the setting (a run read back) nothing is marked.
func (r *Result) markDiscarded(history []map[string]any) {
	if r.CheckpointConfig == nil || r.CheckpointConfig.NumRetained < 1 {
		return
	}
	kept := 0
	for _, h := range history {
		r.markOneDiscarded(h, &kept)
	}
}

// markOneDiscarded is markDiscarded's step for checkpoint h, kept the
// completed ones before it (newer).
func (r *Result) markOneDiscarded(h map[string]any, kept *int) {
	if r.CheckpointConfig == nil || r.CheckpointConfig.NumRetained < 1 {
		return
	}
	if _, completed := h["discarded"]; completed {
		h["discarded"] = *kept >= r.CheckpointConfig.NumRetained
		*kept++
	}
}

// externalPath is a completed checkpoint's external pointer, as Flink's
// REST gives it: with a checkpoint directory, the checkpoint's own
// directory in it, <dir>/<job id>/chk-<id> (AbstractFsCheckpointStorageAccess
// puts a job's checkpoints under its id, FsCheckpointStorageLocation each
// in chk-<id>; the job id is the one metrics.om.txt labels it with); with
// the metadata in the JobManager's memory,
// NonPersistentMetadataCheckpointStorageLocation.EXTERNAL_POINTER. A
// scenario whose checkpoint-storage: block stands for an unnamed directory
// gets flinksim://checkpoints in its place.
func (r *Result) externalPath(id int64) string {
	dir := "flinksim://checkpoints"
	if cc := r.CheckpointConfig; cc != nil {
		if cc.MetadataInMemory {
			return "<checkpoint-not-externally-addressable>"
		}
		if cc.Directory != "" {
			return fmt.Sprintf("%s/%s/chk-%d", cc.Directory, VertexID("job "+r.Summary.Scenario), id)
		}
	}
	return fmt.Sprintf("%s/chk-%d", dir, id)
}

// restHistory is the latest n checkpoints as checkpoints.json's history
// lists them, newest first.
func (r *Result) restHistory(n int) []map[string]any {
	start := r.startMs()
	h := make([]map[string]any, 0, min(n, len(r.Checkpoints)))
	for i := len(r.Checkpoints) - 1; i >= 0 && len(h) < n; i-- { // newest first, as Flink lists them
		h = append(h, r.restEntry(r.Checkpoints[i], start))
	}
	r.markDiscarded(h)
	return h
}

// WriteCheckpointHistoryJSON writes checkpoint-history.json: every
// checkpoint of the run, in checkpoints.json's shape ({"history": [...]},
// newest first), where Flink's history keeps only the latest
// web.checkpoints.history. It is what a run read back draws its
// checkpoints from. The checkpoints are written one by one, as
// writeRESTJSON would write the whole, so that a run of many checkpoints
// holds one's JSON at a time (a month at one a second is 2.6M).
func (r *Result) WriteCheckpointHistoryJSON(w io.Writer) error {
	if len(r.Checkpoints) == 0 {
		return writeRESTJSON(w, struct {
			History []map[string]any `json:"history"`
		}{[]map[string]any{}})
	}
	bw := bufio.NewWriter(w)
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ") // an element of "history", two levels in
	bw.WriteString("{\n  \"history\": [\n")
	start, kept := r.startMs(), 0
	for i := len(r.Checkpoints) - 1; i >= 0; i-- { // newest first, as Flink lists them
		h := r.restEntry(r.Checkpoints[i], start)
		r.markOneDiscarded(h, &kept)
		one.Reset()
		if err := enc.Encode(h); err != nil {
			return err
		}
		bw.WriteString("    ")
		bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("  ]\n}\n")
	return bw.Flush()
}

// writeRESTJSON writes v indented, as Flink's REST (Jackson) writes text:
// "<" and ">" as themselves (an external pointer such as
// "<checkpoint-not-externally-addressable>"), not as Go's \u003c.
func writeRESTJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteCheckpointsJSON writes checkpoints.json (nothing when checkpointing
// is off).
func (r *Result) WriteCheckpointsJSON(w io.Writer) error {
	out := restCheckpoints{Summary: map[string]statsDto{}, History: []map[string]any{}}
	start := r.startMs()
	var size, state, processed, persisted, zero []int64
	for _, c := range r.Checkpoints {
		out.Counts.Total++
		switch c.Status {
		case "COMPLETED":
			out.Counts.Completed++
			size = append(size, c.Checkpointed)
			state = append(state, c.StateSize)
			processed = append(processed, c.ProcessedData)
			persisted = append(persisted, c.PersistedData)
			zero = append(zero, 0)
			out.Latest.Completed = r.restEntry(c, start)
		case "FAILED":
			out.Counts.Failed++
			out.Latest.Failed = r.restEntry(c, start)
		default:
			out.Counts.InProgress++
		}
	}
	if c := r.Summary.Checkpoints; c != nil {
		// failed before a checkpoint was created: counted, never in the
		// history (CheckpointStatsCounts.incrementFailedCheckpointsWithoutInProgress)
		out.Counts.Total += c.FailedBeforeStart
		out.Counts.Failed += c.FailedBeforeStart
	}
	out.Counts.Restored = r.RestoreCount()
	if last := r.latestRestore(); last.ID != 0 {
		at := last.StateAt
		if at == 0 {
			at = last.At
		}
		out.Latest.Restored = map[string]any{"id": last.ID, "restore_timestamp": r.wallMs(at),
			"is_savepoint": false, "external_path": r.externalPath(last.ID)}
	}
	out.Summary["checkpointed_size"] = restSummary(size)
	out.Summary["state_size"] = restSummary(state)
	out.Summary["end_to_end_duration"] = endToEndSummary(r.Checkpoints)
	out.Summary["alignment_buffered"] = restSummary(zero)
	out.Summary["processed_data"] = restSummary(processed)
	out.Summary["persisted_data"] = restSummary(persisted)
	// CheckpointStatsHistory keeps the latest web.checkpoints.history
	// checkpoints, whatever their status; the counts and the summary
	// (CheckpointStatsCounts, CompletedCheckpointStatsSummary) go on over
	// every one
	n := len(r.Checkpoints)
	if c := r.CheckpointConfig; c != nil {
		n = min(n, c.HistorySize)
	}
	out.History = r.restHistory(n)
	return writeRESTJSON(w, out)
}

// latestRestore is the latest restore of a checkpoint REST reports
// (LatestRestored; without it, the last of Restores with a checkpoint: a
// restart from the start restored nothing); ID 0: none.
func (r *Result) latestRestore() RestoreStats {
	if r.LatestRestored.ID != 0 {
		return r.LatestRestored
	}
	for i := len(r.Restores) - 1; i >= 0; i-- {
		if r.Restores[i].ID != 0 {
			return r.Restores[i]
		}
	}
	return RestoreStats{}
}
