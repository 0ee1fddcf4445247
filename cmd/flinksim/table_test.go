package main

import (
	"encoding/csv"
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
