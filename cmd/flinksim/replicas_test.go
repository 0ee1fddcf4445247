package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// TestTallyCell: a tally reads as counts of the replicas, MIXED in front
// when they differ.
func TestTallyCell(t *testing.T) {
	for _, c := range []struct {
		verdicts []string
		want     string
	}{
		{[]string{"stable"}, "stable 1/1"},
		{[]string{"stable", "stable", "stable", "stable", "stable", "stable", "stable", "stable", "stable", "stable"}, "stable 10/10"},
		{[]string{"failover", "stable", "failover", "stable", "stable", "stable", "failover", "stable", "stable", "failover"}, "MIXED stable 6/10, failover 4/10"},
		{[]string{"overload", "overload"}, "overload 2/2"},
		{[]string{"failover loop", "timeouts", "failover loop"}, "MIXED timeouts 1/3, failover loop 2/3"},
	} {
		if got := tallyCell(sweep.TallyVerdicts(c.verdicts)); got != c.want {
			t.Errorf("%q: %q, want %q", c.verdicts, got, c.want)
		}
	}
}

// TestPrintMixed: a sweep with replicas names the points whose replicas
// differ (at most maxMixedShown of them), or says there are none.
func TestPrintMixed(t *testing.T) {
	st := func(key string, verdicts ...string) sweep.Stats {
		return sweep.Stats{Key: key, N: len(verdicts), Tally: sweep.TallyVerdicts(verdicts)}
	}
	var b strings.Builder
	printMixed(&b, []sweep.Stats{st("a=1", "stable", "stable"), st("a=2", "overload", "overload")}, 2)
	if b.String() != "every point ended the same in all 2 replicas\n" {
		t.Errorf("none mixed: %q", b.String())
	}
	b.Reset()
	stats := []sweep.Stats{st("a=1", "stable", "stable")}
	for i := range maxMixedShown + 2 {
		stats = append(stats, st(fmt.Sprintf("a=%d", i+2), "overload", "stable"))
	}
	printMixed(&b, stats, 2)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if want := fmt.Sprintf("MIXED: %d of %d points; outcome differs between seeds: the result hinges on chance", maxMixedShown+2, maxMixedShown+3); lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if len(lines) != maxMixedShown+2 || lines[1] != "  a=2  stable 1/2, overload 1/2" || lines[len(lines)-1] != "  ... and 2 more (points.jsonl has every run)" {
		t.Errorf("lines:\n%s", b.String())
	}
}

// TestPointsTableCountsReplicas: the table of index.html gains the
// outcomes column with replicas, and keeps each mean under its outcome.
func TestPointsTableCountsReplicas(t *testing.T) {
	ax, err := scenarios.ParseGrid("sinks.db.capacity=1k/s,2k/s")
	if err != nil {
		t.Fatal(err)
	}
	for _, replicas := range []int{1, 2} {
		plan, err := sweep.NewPlan([]scenarios.Axis{ax}, replicas, 7)
		if err != nil {
			t.Fatal(err)
		}
		var recs []sweep.Record
		for i, pt := range plan.Points {
			v := []string{"stable", "overload"}[i%2]
			recs = append(recs, sweep.Record{Key: pt.Key, Replica: pt.Replica, Outcome: sweep.Outcome{Verdict: v, Stable: v == "stable", LagEnd: float64(100 * (i + 1))}})
		}
		tb := pointsTable(plan, recs, []string{"stable", "lag_end"})
		want := []string{"sinks.db.capacity", "runs", "stable", "lag_end"}
		if replicas > 1 {
			want = slices.Insert(want, 3, "outcomes")
		}
		if !slices.Equal(tb.Header, want) {
			t.Fatalf("replicas %d: header %q, want %q", replicas, tb.Header, want)
		}
		if replicas == 1 {
			if tb.Rows[0][3] != "100" {
				t.Errorf("row %q", tb.Rows[0])
			}
			continue
		}
		// Replica 0 of every point stable, replica 1 overloaded: both mixed.
		for i, r := range tb.Rows {
			if r[3] != "MIXED stable 1/2, overload 1/2" || r[4] != fmt.Sprint(200*i+150) {
				t.Errorf("row %d: %q", i, r)
			}
		}
	}
}

// TestReplicasFlagRange: --replicas outside 1..sweep.MaxPoints is bad input.
func TestReplicasFlagRange(t *testing.T) {
	for _, n := range []int{0, -1, sweep.MaxPoints + 1} {
		for _, cmd := range [][]string{{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s,2k/s"}} {
			if cmd[0] == "sweep" && n == 0 {
				continue // the sweep: block's, or 1
			}
			code, _, errs := cli(t, append(cmd, "--replicas", fmt.Sprint(n), "--out", filepath.Join(t.TempDir(), "out"))...)
			want := fmt.Sprintf("--replicas %d: must be from 1 to %d", n, sweep.MaxPoints)
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("%s --replicas %d: code %d, %q; want 2 and %q", cmd[0], n, code, errs, want)
			}
		}
	}
}

// mixedKeys are the keys of points.jsonl whose replicas ended differently.
func mixedKeys(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := sweep.ReadJSONL(bytes.NewReader(b), path)
	if err != nil {
		t.Fatal(err)
	}
	verdicts := map[string][]string{}
	var keys []string
	for _, r := range recs {
		if _, ok := verdicts[r.Key]; !ok {
			keys = append(keys, r.Key)
		}
		verdicts[r.Key] = append(verdicts[r.Key], r.Outcome.Verdict)
	}
	var out []string
	for _, k := range keys {
		if sweep.TallyVerdicts(verdicts[k]).Mixed() {
			out = append(out, k)
		}
	}
	return out
}
