package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// TestSweepChartsLeaveMissingValuesOut: a sweep whose runs at some points
// completed no checkpoint charts no checkpoint duration there (not 0): the
// band's point has no mean, the table prints "-" (and "k of n runs" where
// some replicas have a value), the chart's legend says why; an outcome no
// run has gets a note instead of a chart.
func TestSweepChartsLeaveMissingValuesOut(t *testing.T) {
	plan := oneAxisPlan(t, "sinks.db.capacity=1k/s,2k/s,3k/s", 2)
	// Point 0: both replicas complete checkpoints (10 s, 20 s); point 1:
	// none does; point 2: one does (30 s). No record reaches a sink anywhere.
	durations := [][]float64{{10, 20}, {0, 0}, {30, 0}}
	var recs []sweep.Record
	for i, pt := range plan.Points {
		d := durations[i/2][pt.Replica]
		o := sweep.Outcome{Verdict: "stable", Stable: true, CheckpointsFailed: 3, CheckpointDurationMaxS: d}
		if d > 0 {
			o.CheckpointsCompleted = 5
		}
		recs = append(recs, sweep.Record{Key: pt.Key, Replica: pt.Replica, Outcome: o})
	}
	st, err := plan.Summarise(recs, "checkpoint_duration_max_s")
	if err != nil {
		t.Fatal(err)
	}
	b := band(plan, st, "checkpoint_duration_max_s")
	if b.Mean[0] != 15 || !math.IsNaN(b.Mean[1]) || b.Mean[2] != 30 || b.Min[2] != 30 || b.Missing[1] != 2 || b.Missing[2] != 1 {
		t.Errorf("band means %v, mins %v, missing %v; want 15, NaN, 30 (min 30) and 2, 1 missing", b.Mean, b.Min, b.Missing)
	}
	tb := pointsTable(plan, recs, []string{"stable", "checkpoint_duration_max_s", "latency_p99_s"})
	got := []string{tb.Rows[0][4], tb.Rows[1][4], tb.Rows[2][4], tb.Rows[0][5]}
	if want := []string{"15 s", "-", "30 s (1 of 2 runs)", "-"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("table cells %q, want %q", got, want)
	}
	dir := t.TempDir()
	if _, err := drawSweep(dir, plan, recs, []string{"checkpoint_duration_max_s", "latency_p99_s"}); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "sweep-checkpoint_duration_max_s.svg"))
	if err != nil || !strings.Contains(string(svg), "no value: no checkpoint completed") {
		t.Errorf("the chart does not mark the point without a value (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sweep-latency_p99_s.svg")); err == nil {
		t.Error("a chart of latency, which no run has, was drawn")
	}
	page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !strings.Contains(string(page), "latency_p99_s: no chart, no run has a value (no record reached a sink).") {
		t.Error("index.html does not say why latency has no chart")
	}
}

// TestSweepChartsCheckpointOutcomesWhenCheckpointing: by default a sweep
// charts the checkpoint outcomes when its runs checkpoint, even when none
// completed or failed one (a job too slow for the interval, a run shorter
// than it): the page says there is no chart and why, rather than leaving it
// out unexplained. Without checkpointing they are not charted.
func TestSweepChartsCheckpointOutcomesWhenCheckpointing(t *testing.T) {
	plan := oneAxisPlan(t, "sinks.db.capacity=1k/s,2k/s", 1)
	for _, on := range []bool{true, false} {
		var recs []sweep.Record
		for _, pt := range plan.Points {
			o := sweep.Outcome{Verdict: "stable", Stable: true, Checkpointing: on, SinkRPS: 1000}
			recs = append(recs, sweep.Record{Key: pt.Key, Replica: pt.Replica, Outcome: o})
		}
		if got := strings.Join(defaultOutcomes(recs), " "); strings.Contains(got, "checkpoint_duration_max_s") != on {
			t.Errorf("checkpointing %v: default outcomes %s", on, got)
		}
		dir := t.TempDir()
		if _, err := drawSweep(dir, plan, recs, nil); err != nil {
			t.Fatal(err)
		}
		page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
		if note := "checkpoint_duration_max_s: no chart, no run has a value (no checkpoint completed)."; strings.Contains(string(page), note) != on {
			t.Errorf("checkpointing %v: index.html says %q: %v", on, note, !on)
		}
	}
}

// oneAxisPlan is the plan of a sweep over one --grid axis, seed 7.
func oneAxisPlan(t *testing.T, grid string, replicas int) *sweep.Plan {
	t.Helper()
	ax, err := scenarios.ParseGrid(grid)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sweep.NewPlan([]scenarios.Axis{ax}, replicas, 7)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}
