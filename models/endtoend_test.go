package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestEndToEndDurationStopsAtLatestAck: Flink's end-to-end duration of a
// completed checkpoint is its latest acknowledgement less its trigger
// (AbstractCheckpointStats.getEndToEndDuration, kept by
// CompletedCheckpointStats), and the lastCheckpointDuration gauge is that
// of the latest completed checkpoint in whole milliseconds
// (CheckpointStatsTracker). The metadata the JobManager writes after the
// last acknowledgement (one request of the storage) delays the completion,
// which min-pause and summary.json's duration_s count, not the duration.
func TestEndToEndDurationStopsAtLatestAck(t *testing.T) {
	spec := ckptJob(30*sim.Second, 10)
	spec.Duration = 3 * sim.Minute
	meta := 100 * sim.Millisecond
	spec.Checkpointing.Storage.RequestLatency = meta
	s, res := runWith(t, spec)
	msOf := func(x sim.Time) int64 { return int64(x / sim.Millisecond) }
	var last *result.CheckpointStats
	var slowest float64
	for _, h := range s.coord.history {
		if h.Status != "COMPLETED" {
			continue
		}
		last = h
		if h.Duration != h.LatestAck-h.Trigger {
			t.Errorf("checkpoint %d: duration %v, want latest ack %v less trigger %v", h.ID, h.Duration, h.LatestAck, h.Trigger)
		}
		if h.Completed-h.LatestAck != meta {
			t.Errorf("checkpoint %d: completed %v after its latest ack, want the metadata write %v", h.ID, h.Completed-h.LatestAck, meta)
		}
		if want := msOf(h.LatestAck) - msOf(h.Trigger); h.EndToEndMs() != want {
			t.Errorf("checkpoint %d: end_to_end_duration %d ms, want %d", h.ID, h.EndToEndMs(), want)
		}
		slowest = max(slowest, (h.Completed - h.Trigger).Seconds())
	}
	if last == nil {
		t.Fatal("no completed checkpoint")
	}
	if got := res.Summary.Checkpoints.DurationS.Max; got != slowest {
		t.Errorf("summary duration_s.max %v, want trigger to completion %v", got, slowest)
	}
	for _, sr := range res.Series {
		if sr.Metric != result.MetricLastCkptDuration {
			continue
		}
		if got, want := sr.Values[len(sr.Values)-1], float64(msOf(last.LatestAck)-msOf(last.Trigger)); got != want {
			t.Errorf("lastCheckpointDuration at the end %v, want checkpoint %d's %v ms", got, last.ID, want)
		}
		return
	}
	t.Error("no lastCheckpointDuration series")
}
