package result

import (
	"encoding/json"
	"io"
	"math"

	"github.com/flinksim/flinksim/sim"
)

// checkpoint-details.json: for every checkpoint that still has its
// per-subtask details, and every job vertex, what Flink's REST API returns
// for GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid
// (TaskCheckpointStatisticsWithSubtaskDetails): the vertex's totals, a
// summary over its acknowledged subtasks, and each subtask.

// statsDto is Flink's StatsSummaryDto: min, max and avg are Java longs,
// the percentiles p50 to p999 Java doubles, each written in its type's
// JSON form (a jdouble always with a fraction or an exponent, "NaN" as
// Jackson quotes Double.NaN).
type statsDto struct {
	Min  int64   `json:"min"`
	Max  int64   `json:"max"`
	Avg  int64   `json:"avg"`
	P50  jdouble `json:"p50"`
	P90  jdouble `json:"p90"`
	P95  jdouble `json:"p95"`
	P99  jdouble `json:"p99"`
	P999 jdouble `json:"p999"`
}

// taskSummary is TaskCheckpointStatisticsWithSubtaskDetails.Summary.
type taskSummary struct {
	CheckpointedSize statsDto `json:"checkpointed_size"`
	StateSize        statsDto `json:"state_size"`
	EndToEnd         statsDto `json:"end_to_end_duration"`
	Duration         struct {
		Sync  statsDto `json:"sync"`
		Async statsDto `json:"async"`
	} `json:"checkpoint_duration"`
	Alignment struct {
		Buffered  statsDto `json:"buffered"`
		Processed statsDto `json:"processed"`
		Persisted statsDto `json:"persisted"`
		Duration  statsDto `json:"duration"`
	} `json:"alignment"`
	StartDelay statsDto `json:"start_delay"`
}

// nan is a percentile Flink has no histogram for (REST writes "NaN").
var nan = jdouble(math.NaN())

// minMaxAvg is the StatsSummaryDto of one of TaskStateStatsSummary's
// StatsSummary: min, max and avg (sum/count, 0 with no value) of the values
// >= 0 (StatsSummary.add skips the rest). A task's summary builds no
// histogram (StatsSummary()), so its percentiles are NaN.
func minMaxAvg(xs []int64) statsDto {
	d := statsDto{P50: nan, P90: nan, P95: nan, P99: nan, P999: nan}
	var sum, n int64
	for _, x := range xs {
		if x < 0 {
			continue
		}
		if n == 0 || x < d.Min {
			d.Min = x
		}
		d.Max = max(d.Max, x)
		sum += x
		n++
	}
	if n > 0 {
		d.Avg = sum / n
	}
	return d
}

// restTaskSummary is what TaskCheckpointStatisticDetailsHandler.createSummary
// makes of a vertex's acknowledged subtasks. The end-to-end durations are
// the acknowledgement timestamps' min, max and avg less the trigger
// (at least 0); the alignment's buffered bytes are all zeros, with 0
// percentiles, as Flink hard-codes them.
func restTaskSummary(c *CheckpointStats, t *TaskCheckpointStats, start int64) taskSummary {
	var written, state, ack, sync, async, processed, persisted, align, delay []int64
	for _, st := range t.Subtasks {
		if !st.Acked {
			continue
		}
		written, state = append(written, st.Uploaded), append(state, st.StateSize)
		ack = append(ack, start+ms(st.Ack))
		sync, async = append(sync, ms(st.Sync)), append(async, ms(st.Async))
		processed, persisted = append(processed, st.Processed), append(persisted, st.Persisted)
		align, delay = append(align, ms(st.Alignment)), append(delay, ms(st.StartDelay))
	}
	var s taskSummary
	s.CheckpointedSize, s.StateSize = minMaxAvg(written), minMaxAvg(state)
	trigger := start + ms(c.Trigger)
	s.EndToEnd = minMaxAvg(ack)
	s.EndToEnd.Min, s.EndToEnd.Max, s.EndToEnd.Avg = max(0, s.EndToEnd.Min-trigger), max(0, s.EndToEnd.Max-trigger), max(0, s.EndToEnd.Avg-trigger)
	s.Duration.Sync, s.Duration.Async = minMaxAvg(sync), minMaxAvg(async)
	s.Alignment.Buffered = statsDto{}
	s.Alignment.Processed, s.Alignment.Persisted = minMaxAvg(processed), minMaxAvg(persisted)
	s.Alignment.Duration = minMaxAvg(align)
	s.StartDelay = minMaxAvg(delay)
	return s
}

// restSubtask is one subtask's SubtaskCheckpointStatistics: completed once
// it acknowledged, else pending (its status "pending_or_failed"). The
// discriminator is "className", as Flink's @JsonTypeInfo names it.
func restSubtask(st *SubtaskCheckpointStats, trigger sim.Time, start int64) map[string]any {
	if !st.Acked {
		return map[string]any{"className": "pending", "index": st.Index, "status": "pending_or_failed"}
	}
	return map[string]any{"className": "completed", "index": st.Index, "status": "completed",
		"ack_timestamp": start + ms(st.Ack), "end_to_end_duration": max(0, ms(st.Ack)-ms(trigger)),
		"state_size": st.StateSize, "checkpointed_size": st.Uploaded,
		"checkpoint":  map[string]int64{"sync": ms(st.Sync), "async": ms(st.Async)},
		"alignment":   map[string]int64{"buffered": 0, "processed": st.Processed, "persisted": st.Persisted, "duration": ms(st.Alignment)},
		"start_delay": ms(st.StartDelay), "unaligned_checkpoint": st.Unaligned, "aborted": false}
}

// WriteCheckpointDetailsJSON writes checkpoint-details.json: for every
// checkpoint, what Flink's REST API returns for
// GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid,
// keyed by vertex ID: the vertex's totals and summary, and each subtask's
// acknowledgement, sizes, sync and async durations, alignment and start
// delay. Skew shows here: the subtask that acknowledges last sets the
// checkpoint's duration. A vertex's entry has only the fields of Flink's
// TaskCheckpointStatisticsWithSubtaskDetails, no name: as with Flink, the
// vertex ID is named by the job's plan (summary.json's plan, each node's
// id and description).
func (r *Result) WriteCheckpointDetailsJSON(w io.Writer) error {
	type entry struct {
		ID    int64          `json:"id"`
		Tasks map[string]any `json:"tasks"`
	}
	out := struct {
		Checkpoints []entry `json:"checkpoints"`
	}{Checkpoints: []entry{}}
	start := r.startMs()
	for _, c := range r.Checkpoints {
		if !c.Detailed() {
			continue // an old checkpoint of a long run: like Flink's REST past its history, no details
		}
		e := entry{ID: c.ID, Tasks: map[string]any{}}
		for i := range c.Tasks {
			t := &c.Tasks[i]
			subs := []map[string]any{}
			for j := range t.Subtasks {
				subs = append(subs, restSubtask(&t.Subtasks[j], c.Trigger, start))
			}
			m := restTask(c, t, start)
			m["summary"], m["subtasks"] = restTaskSummary(c, t, start), subs
			e.Tasks[VertexID(t.Name)] = m
		}
		out.Checkpoints = append(out.Checkpoints, e)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
