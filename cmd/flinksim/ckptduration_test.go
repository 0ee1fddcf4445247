package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/flinksim/flinksim/internal/human"
)

// e2eSummary is checkpoints.json's summary of end_to_end_duration (ms).
type e2eSummary struct {
	Max      float64 `json:"max"`
	P50, P99 float64
}

func readE2E(t *testing.T, dir string) e2eSummary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "checkpoints.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary struct {
			E2E e2eSummary `json:"end_to_end_duration"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Summary.E2E
}

// TestPrintedCheckpointDurationIsCheckpointsJSONs: the summary's checkpoint
// line gives checkpoints.json's end_to_end_duration summary (p50, p99, max),
// the numbers the web UI's Checkpoints tab shows. sink-keeps-up completes
// 180 checkpoints, all about 180 ms but the first, of 2 min, catching up:
// Flink's p99 interpolates towards it (37.1 s), where the rank nearest 99%
// said 1.4 s.
func TestPrintedCheckpointDurationIsCheckpointsJSONs(t *testing.T) {
	if raceDetector {
		t.Skip("a whole built-in run; make test runs this test without -race")
	}
	out := t.TempDir()
	code, stdout, stderr := cli(t, "run", "backpressure-checkpoints", "--variant", "sink-keeps-up", "--out", out)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	m := regexp.MustCompile(`end-to-end duration p50 (\S+), p99 (\S+), max (\S+) against`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no checkpoint line in:\n%s", stdout)
	}
	js := readE2E(t, filepath.Join(out, "sink-keeps-up"))
	for i, want := range []float64{js.P50, js.P99, js.Max} {
		if w := human.Seconds(want / 1000); m[i+1] != w {
			t.Errorf("printed %s, checkpoints.json's summary %s (%v ms)", m[0], w, want)
		}
	}
}

// TestCompareCheckpointMaxIsEndToEnd: compare.csv's and compare -o json's
// checkpoint_duration_max_s is the end-to-end duration that compare.md's
// ckpt max shows, checkpoints.json's summary max, not the completion after
// the JobManager's metadata write.
func TestCompareCheckpointMaxIsEndToEnd(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, "compare", "testdata/ckpt-variants.yaml", "-j", "2", "--duration", "3m", "--out", out, "-o", "json")
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	var doc struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, "compare.csv"))
	col := -1
	for i, h := range rows[0] {
		if h == "checkpoint_duration_max_s" {
			col = i
		}
	}
	if col < 0 || len(rows) != len(doc.Rows)+1 || len(doc.Rows) == 0 {
		t.Fatalf("compare.csv %d rows, header %v; -o json %d rows", len(rows), rows[0], len(doc.Rows))
	}
	for i, r := range doc.Rows {
		variant := r["variant"].(string)
		want := readE2E(t, filepath.Join(out, variant)).Max / 1000
		csvV, err := strconv.ParseFloat(rows[i+1][col], 64)
		if err != nil || rows[i+1][0] != variant {
			t.Fatalf("compare.csv row %v: %v", rows[i+1], err)
		}
		if got := r["checkpoint_duration_max_s"]; got != want || csvV != want {
			t.Errorf("%s: checkpoint_duration_max_s %v in -o json, %v in compare.csv; checkpoints.json's end-to-end max %v s", variant, got, csvV, want)
		}
	}
}
