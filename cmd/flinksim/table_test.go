package main

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestWhyAgreesEverywhere: the why of a run is the same sentence in the
// text table (and compare.md, its rows), compare.csv and compare -o json,
// with the clauses only the runs without checkpointing get: what bounds the
// job, and a hottest key that alone allows little more than that.
func TestWhyAgreesEverywhere(t *testing.T) {
	hot := []result.SkewSummary{{Ratio: 3, HottestKeyBoundRPS: 60000, TopKeys: []result.KeyLoad{{Key: "bot-7"}}}}
	for _, c := range []struct {
		name string
		s    result.Summary
		want string
	}{
		{"checkpointed", result.Summary{Checkpoints: &result.CheckpointSummary{}, Bottleneck: "Sink: jdbc subtask 0", SustainableInputRPS: 50000, Skew: hot},
			"the verdict's why"},
		{"bounded", result.Summary{Bottleneck: "Sink: jdbc subtask 0", SustainableInputRPS: 50000},
			"the verdict's why; Sink: jdbc subtask 0 bounds the job at 50k/s"},
		{"hot-key", result.Summary{Bottleneck: "count subtask 3", SustainableInputRPS: 50000, Skew: hot},
			"the verdict's why; count subtask 3 bounds the job at 50k/s; its hottest key bot-7 alone allows 60k/s at any parallelism"},
		{"unbounded", result.Summary{}, "the verdict's why"},
	} {
		c.s.Verdict = result.Verdict{Outcome: result.PhaseStable, Why: "the verdict's why"}
		runs := []runResult{{name: c.name, res: &result.Result{Summary: c.s}}}
		tb := outcomeTable(runs)
		text := tb.rows[0][len(tb.rows[0])-1]
		var b strings.Builder
		if err := outcomeCSV(&b, runs); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]string{}
		for i, h := range rows[0] {
			col[h] = rows[1][i]
		}
		var j strings.Builder
		if err := printCompareJSON(&j, "s", "d", nil, runs); err != nil {
			t.Fatal(err)
		}
		var doc struct{ Rows []map[string]any }
		jsonDoc(t, j.String(), &doc)
		if text != c.want || col["why"] != text || doc.Rows[0]["why"] != text {
			t.Errorf("%s: table %q, compare.csv %q, compare -o json %q; want all %q", c.name, text, col["why"], doc.Rows[0]["why"], c.want)
		}
	}
}

// TestCompareWindowLatenciesARunLacks: a window operator whose windows
// never fired has no result latency, and one that never had a watermark
// no watermark lag (summary.json's nulls): compare shows "-" in the table
// and null in compare.csv and -o json for them, not 0s, and a run's other
// window operator that has them gives the columns alone.
func TestCompareWindowLatenciesARunLacks(t *testing.T) {
	none := result.OptionalLatency{None: true}
	stalled := result.WindowSummary{Operator: "win", RecordsIn: 100, ResultLatency: none, WatermarkLag: none, StatePeak: 700}
	fired := result.WindowSummary{Operator: "win2", RecordsIn: 100, StatePeak: 100,
		ResultLatency: result.OptionalLatency{LatencySummary: result.LatencySummary{P50: 3}},
		WatermarkLag:  result.OptionalLatency{LatencySummary: result.LatencySummary{Max: 4}}}
	for _, c := range []struct {
		name     string
		windows  []result.WindowSummary
		p50, lag string // the table's cells; "" in compare.csv for "-"
	}{
		{"stalled", []result.WindowSummary{stalled}, "-", "-"},
		{"mixed", []result.WindowSummary{stalled, fired}, "3s", "4s"},
	} {
		runs := []runResult{{name: c.name, res: &result.Result{Summary: result.Summary{Windows: c.windows}}}}
		tb := outcomeTable(runs)
		cell := map[string]string{}
		for i, h := range tb.header {
			cell[h] = tb.rows[0][i]
		}
		if cell["result p50"] != c.p50 || cell["wm lag max"] != c.lag {
			t.Errorf("%s: table result p50 %q, wm lag max %q; want %q, %q", c.name, cell["result p50"], cell["wm lag max"], c.p50, c.lag)
		}
		var j strings.Builder
		if err := printCompareJSON(&j, "s", "d", nil, runs); err != nil {
			t.Fatal(err)
		}
		var doc struct{ Rows []map[string]any }
		jsonDoc(t, j.String(), &doc)
		row := doc.Rows[0]
		if c.p50 == "-" {
			if row["window_result_p50_s"] != nil || row["watermark_lag_max_s"] != nil {
				t.Errorf("%s: window_result_p50_s %v, watermark_lag_max_s %v; want null", c.name, row["window_result_p50_s"], row["watermark_lag_max_s"])
			}
		} else if fmt.Sprint(row["window_result_p50_s"]) != "3" || fmt.Sprint(row["watermark_lag_max_s"]) != "4" {
			t.Errorf("%s: window_result_p50_s %v, watermark_lag_max_s %v; want 3, 4", c.name, row["window_result_p50_s"], row["watermark_lag_max_s"])
		}
		if fmt.Sprint(row["window_state_peak_bytes"]) == "<nil>" {
			t.Errorf("%s: window_state_peak_bytes null; want the state's peak", c.name)
		}
	}
}

// TestCompareSkewWhenNoKeyedOperatorTookARecord: a keyed operator that took
// no record has no skew (summary.json's ratio 0): compare shows "-" and
// null for it, not an even 1.00×, beside a run whose skew is shown.
func TestCompareSkewWhenNoKeyedOperatorTookARecord(t *testing.T) {
	runs := []runResult{
		{name: "idle", res: &result.Result{Summary: result.Summary{Skew: []result.SkewSummary{{Operator: "count"}}}}},
		{name: "hot", res: &result.Result{Summary: result.Summary{Skew: []result.SkewSummary{{Operator: "count", Ratio: 2.5}}}}},
	}
	tb := outcomeTable(runs)
	col := slices.Index(tb.header, "skew")
	if col < 0 || tb.rows[0][col] != "-" || tb.rows[1][col] != "2.50×" {
		t.Fatalf("table %q %q; want skew - and 2.50×", tb.header, tb.rows)
	}
	var j strings.Builder
	if err := printCompareJSON(&j, "s", "d", nil, runs); err != nil {
		t.Fatal(err)
	}
	var doc struct{ Rows []map[string]any }
	jsonDoc(t, j.String(), &doc)
	if doc.Rows[0]["skew"] != nil || fmt.Sprint(doc.Rows[1]["skew"]) != "2.5" {
		t.Errorf("compare -o json skew %v, %v; want null, 2.5", doc.Rows[0]["skew"], doc.Rows[1]["skew"])
	}
}
