package main

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/models"
)

// TestHumanCount: counts keep three significant figures at any size, never
// a run of digits before a suffix (issue 8 item 16: "1799999997.9G").
func TestHumanCount(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0"}, {0.001, "0.001"}, {0.25, "0.25"}, {999, "999"}, {1500, "1.5k"}, {-666, "-666"}, {2e6, "2M"}, {1.8e9, "1.8G"}, {1.8e12, "1.8T"},
		{4.5e15, "4.5P"}, {1.8e18, "1.8e+18"}, {-1.8e18, "-1.8e+18"}} {
		if got := humanCount(c.v); got != c.want {
			t.Errorf("humanCount(%g) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestSummaryTextMatchesNumbers: the printed lines say what the numbers
// say (issue 8 item 16).
func TestSummaryTextMatchesNumbers(t *testing.T) {
	op := func(name string, busy, bp float64) models.OperatorSummary {
		return models.OperatorSummary{Name: name, Task: name, Parallelism: 1, MaxSubtaskBusyMsPerS: busy,
			MaxSubtaskBackpressuredMsPerS: bp, Backpressure: models.BackpressureStatus(bp)}
	}
	text := func(s models.Summary) string {
		var b strings.Builder
		for _, l := range summaryLines(&models.Result{Summary: s}) {
			b.WriteString(l[1] + "\n")
		}
		return b.String()
	}
	// A LOW operator is named, never "no operator is busy or backpressured".
	got := text(models.Summary{Operators: []models.OperatorSummary{op("src", 300, 381), op("sink", 600, 0)}})
	if !strings.Contains(got, "backpressured (LOW): src") || strings.Contains(got, "no operator") {
		t.Errorf("a LOW operator:\n%s", got)
	}
	got = text(models.Summary{Operators: []models.OperatorSummary{op("src", 300, 600), op("sink", 1000, 0)}})
	if !strings.Contains(got, "busy: sink (the bottleneck); backpressured (HIGH): src") {
		t.Errorf("a busy sink behind a HIGH source:\n%s", got)
	}
	got = text(models.Summary{Operators: []models.OperatorSummary{op("src", 300, 0)}})
	if !strings.Contains(got, "no operator is busy or backpressured") {
		t.Errorf("an idle job:\n%s", got)
	}
	// No record reached a sink: no latency quantiles of nothing.
	if got := text(models.Summary{}); !strings.Contains(got, "no record reached a sink") || strings.Contains(got, "0µs") {
		t.Errorf("no sink records:\n%s", got)
	}
	// No checkpoint completed: the table shows no slowest duration, and no
	// p99 latency without records.
	r := runResult{name: "base", res: &models.Result{Summary: models.Summary{Checkpoints: &models.CheckpointSummary{Failed: 3, MaxCheckpointAgeS: 100}}}}
	tab := outcomeTable([]runResult{r})
	var b strings.Builder
	tab.text(&b)
	if strings.Contains(b.String(), "0µs") || strings.Contains(b.String(), "0/s") || !strings.Contains(b.String(), "0/3") {
		t.Errorf("no completed checkpoint:\n%s", b.String())
	}
}
