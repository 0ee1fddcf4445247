package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
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
		for _, cmd := range [][]string{{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s,2k/s"}, {"compare", "testdata/ckpt-variants.yaml"}} {
			if cmd[0] == "sweep" && n == 0 {
				continue // the sweep: block's, or 1
			}
			code, _, errs := cli(t, append(cmd, "--replicas", fmt.Sprint(n), "--out", filepath.Join(t.TempDir(), "out"))...)
			want := fmt.Sprintf("--replicas: %d: must be from 1 to %d\n", n, sweep.MaxPoints)
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("%s --replicas %d: code %d, %q; want 2 and %q", cmd[0], n, code, errs, want)
			}
		}
	}
}

// checkMixedPrinted checks that a sweep with replicas printed the points
// of points.jsonl whose replicas ended differently as MIXED, or that there
// are none.
func checkMixedPrinted(t *testing.T, out, path string, points, replicas int) {
	t.Helper()
	knife := mixedKeys(t, path)
	if len(knife) == 0 {
		if !strings.Contains(out, fmt.Sprintf("every point ended the same in all %d replicas\n", replicas)) {
			t.Errorf("no point mixed, output:\n%s", out)
		}
		return
	}
	for _, k := range knife {
		if !strings.Contains(out, "\n  "+k+"  ") {
			t.Errorf("mixed point %s not printed:\n%s", k, out)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("MIXED: %d of %d points", len(knife), points)) {
		t.Errorf("output:\n%s", out)
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

// TestCompareTableWithReplicas: replicated runs gain the replicas column
// after the outcome, MIXED where replicas differ with the note that says
// what it means, a note naming replica 0's seed, and the CSV columns; runs
// without replicas keep the table as it was.
func TestCompareTableWithReplicas(t *testing.T) {
	run := func(name string, verdicts ...string) runResult {
		res := &result.Result{Summary: result.Summary{Verdict: result.Verdict{Outcome: verdicts[0], Why: "because"}}}
		r := runResult{name: name, res: res, verdicts: verdicts}
		for k := range verdicts {
			r.seeds = append(r.seeds, sweep.PointSeed(3, replicaKey, k))
		}
		return r
	}
	runs := []runResult{run("base", "stable", "stable", "stable"), run("fast", "failover", "stable", "failover")}
	tb := outcomeTable(runs)
	if tb.header[1] != "outcome" || tb.header[2] != "replicas" || tb.left != 3 {
		t.Fatalf("header %q (left %d)", tb.header, tb.left)
	}
	if tb.rows[0][2] != "stable 3/3" || tb.rows[1][1] != "failover" || tb.rows[1][2] != "MIXED stable 1/3, failover 2/3" {
		t.Errorf("rows %q", tb.rows)
	}
	if len(tb.notes) != 3 || tb.notes[0] != mixedNote+"." || !strings.Contains(tb.notes[2], fmt.Sprintf("replica 0 (seed %d)", runs[0].seeds[0])) {
		t.Errorf("notes %q", tb.notes)
	}
	var text, md strings.Builder
	tb.text(&text)
	tb.markdown(&md)
	for _, s := range []string{text.String(), md.String()} {
		if !strings.Contains(s, mixedNote) || !strings.Contains(s, "replicas.csv") {
			t.Errorf("notes not printed:\n%s", s)
		}
	}
	lines := strings.Split(text.String(), "\n")
	if strings.Index(lines[1], "stable 3/3") != strings.Index(lines[0], "replicas") {
		t.Errorf("the replicas column is not aligned left:\n%s", text.String())
	}
	if got := stableLine(runs); got != "stable in all 3 replicas: base" {
		t.Errorf("stable line %q", got)
	}
	var csvb strings.Builder
	if err := outcomeCSV(&csvb, runs); err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSpace(csvb.String()), "\n")
	if !strings.HasSuffix(lines[0], ",why,downtime_s,restore_s,records_duplicated,persisted_max_bytes,late_dropped_share,late_side_output_share,window_result_p50_s,window_state_peak_bytes,watermark_lag_max_s,records_lost,commit_latency_p50_s,commit_latency_max_s,sustainable_input_rps,skew,checkpoints_in_progress,seed,replicas,outcomes,mixed") ||
		// no checkpointing, windows or sinks: their cells are empty, the
		// restarts' apply (0)
		!strings.HasSuffix(lines[2], fmt.Sprintf(",because,0,0,0,,,,,,,,,,,,,%d,3,\"stable 1/3, failover 2/3\",true", runs[1].seeds[0])) {
		t.Errorf("compare.csv:\n%s", csvb.String())
	}
	// Without replicas: no column, no note.
	for i := range runs {
		runs[i].seeds, runs[i].verdicts = nil, nil
	}
	if tb := outcomeTable(runs); slices.Contains(tb.header, "replicas") || len(tb.notes) > 0 || tb.left != 0 {
		t.Errorf("without replicas: %q, notes %q", tb.header, tb.notes)
	}
	if got := stableLine(runs); got != "stable: base" {
		t.Errorf("stable line %q", got)
	}
}

// knifeEdge is a small job whose base sink is just short of the input
// rate, for the replicas' CLI test: a few seconds of virtual time.
const knifeEdge = `name: knife-edge
duration: 20s
seed: 11
sources:
  - {name: events, partitions: 2, rate: 10k/s, arrivals: poisson}
sinks:
  - {name: db, capacity: 9.9k/s, latency: {exponential: 5ms}}
variants:
  - {name: slower, description: a slower sink, set: {sinks.db.capacity: 9k/s}}
  - {name: faster, description: a faster sink, set: {sinks.db.capacity: 11k/s}}
`

// TestCompareReplicas: compare --replicas 3 runs each variant three times,
// with the seeds sweep derives; its tables count the replicas' outcomes as
// replicas.csv lists them, -j 1 and -j 2 write the same bytes, replica 0's
// outputs are in DIR/<variant>/, --replicas 1 is compare as it was, and
// --from with replicas is refused.
func TestCompareReplicas(t *testing.T) {
	file := filepath.Join(t.TempDir(), "knife.yaml")
	if err := os.WriteFile(file, []byte(knifeEdge), 0o644); err != nil {
		t.Fatal(err)
	}
	outs := map[string]string{}
	var printed string
	for _, j := range []string{"1", "2"} {
		dir := filepath.Join(t.TempDir(), "out")
		code, out, errs := cli(t, "compare", file, "--replicas", "3", "-j", j, "--no-plots", "--out", dir)
		if code != 0 {
			t.Fatalf("-j %s: code %d: %s", j, code, errs)
		}
		outs[j] = dir
		if j == "1" {
			printed = strings.ReplaceAll(out, dir, "OUT")
		} else if got := strings.ReplaceAll(out, dir, "OUT"); got != printed {
			t.Errorf("-j 2 prints\n%s\n-j 1\n%s", got, printed)
		}
	}
	for _, f := range []string{"compare.csv", "compare.md", "replicas.csv", "base/summary.json", "faster/metrics.csv"} {
		a, err1 := os.ReadFile(filepath.Join(outs["1"], f))
		b, err2 := os.ReadFile(filepath.Join(outs["2"], f))
		if filepath.Base(f) == "summary.json" && err1 == nil && err2 == nil {
			a, b = withoutWallClock(t, a), withoutWallClock(t, b)
		}
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: -j 1 and -j 2 differ (%v, %v)", f, err1, err2)
		}
	}
	checkReplicaTables(t, outs["1"], printed, []string{"base", "slower", "faster"}, 3, 11)
	// A replica is made again by run with its seed, as replicas.csv says.
	last := readCSV(t, filepath.Join(outs["1"], "replicas.csv"))[3] // base, replica 2
	again := filepath.Join(t.TempDir(), "again")
	if code, _, errs := cli(t, "run", file, "--variant", last[0], "--seed", last[2], "--no-plots", "--out", again); code != 0 {
		t.Fatalf("run replica 2 again: %s", errs)
	}
	var sum struct {
		Verdict struct {
			Outcome string `json:"outcome"`
		} `json:"verdict"`
	}
	if b, err := os.ReadFile(filepath.Join(again, last[0], "summary.json")); err != nil || json.Unmarshal(b, &sum) != nil || sum.Verdict.Outcome != last[3] {
		t.Errorf("replica %s of %s run again: %q, replicas.csv says %q (%v)", last[1], last[0], sum.Verdict.Outcome, last[3], err)
	}
	// --replicas 1 is compare as it was.
	plain, one := filepath.Join(t.TempDir(), "plain"), filepath.Join(t.TempDir(), "one")
	cli(t, "compare", file, "--no-plots", "--out", plain)
	cli(t, "compare", file, "--no-plots", "--replicas", "1", "--out", one)
	a, _ := os.ReadFile(filepath.Join(plain, "compare.csv"))
	b, _ := os.ReadFile(filepath.Join(one, "compare.csv"))
	if len(a) == 0 || !bytes.Equal(a, b) || bytes.Contains(a, []byte("replicas")) {
		t.Errorf("--replicas 1 differs from compare without it:\n%s\n%s", b, a)
	}
	if _, err := os.Stat(filepath.Join(one, "replicas.csv")); err == nil {
		t.Error("--replicas 1 wrote replicas.csv")
	}
	code, _, errs := cli(t, "compare", file, "--replicas", "2", "--from", plain, "--out", t.TempDir())
	if code != 2 || !strings.HasPrefix(errs, "--replicas: ") {
		t.Errorf("--from with --replicas 2: code %d, %q", code, errs)
	}
	// A replicated compare read back names replica 0's seed.
	code, _, errs = cli(t, "compare", file, "--from", outs["1"], "--no-plots", "--out", t.TempDir())
	if code != 2 || !strings.Contains(errs, "replicas.csv") {
		t.Errorf("--from a replicated compare: code %d, %q", code, errs)
	}
}

// checkReplicaTables checks a replicated compare in dir against its own
// replicas.csv: each variant's n seeds are the ones sweep derives from the
// scenario's seed, compare.csv counts their outcomes (summing to n), with
// replica 0's outcome and seed, MIXED and its note where they differ; the
// runs in dir/<variant>/ are replica 0's, and no other replica's outputs
// are written.
func checkReplicaTables(t *testing.T, dir, printed string, names []string, n int, seed uint64) {
	t.Helper()
	rows := readCSV(t, filepath.Join(dir, "replicas.csv"))
	if !slices.Equal(rows[0], []string{"variant", "replica", "seed", "outcome"}) || len(rows) != 1+n*len(names) {
		t.Fatalf("replicas.csv: %q", rows)
	}
	verdicts := map[string][]string{}
	for i, r := range rows[1:] {
		name, k := names[i/n], i%n
		if r[0] != name || r[1] != fmt.Sprint(k) || r[2] != fmt.Sprint(sweep.PointSeed(seed, replicaKey, k)) || r[3] == "" {
			t.Errorf("replicas.csv row %d: %q, want %s replica %d with sweep's seed", i+1, r, name, k)
		}
		verdicts[r[0]] = append(verdicts[r[0]], r[3])
	}
	cmp := readCSV(t, filepath.Join(dir, "compare.csv"))
	col := map[string]int{}
	for i, h := range cmp[0] {
		col[h] = i
	}
	anyMixed := false
	for i, r := range cmp[1:] {
		tl := sweep.TallyVerdicts(verdicts[names[i]])
		anyMixed = anyMixed || tl.Mixed()
		checkReplicaRow(t, dir, printed, names[i], col, r, verdicts[names[i]], rows[1+i*n][2])
	}
	if anyMixed != strings.Contains(printed, mixedNote) {
		t.Errorf("mixed %v, printed:\n%s", anyMixed, printed)
	}
}

// checkReplicaRow checks a variant's row of compare.csv (columns by name)
// against its replicas' verdicts and replica 0's seed, that the tally was
// printed, and that dir/<variant>/ holds replica 0's run and no other.
func checkReplicaRow(t *testing.T, dir, printed, name string, col map[string]int, r, verdicts []string, seed0 string) {
	t.Helper()
	n := len(verdicts)
	tl := sweep.TallyVerdicts(verdicts)
	sum := 0
	for _, part := range strings.Split(r[col["outcomes"]], ", ") {
		var c, of int
		cut := strings.LastIndex(part, " ")
		if _, err := fmt.Sscanf(part[cut+1:], "%d/%d", &c, &of); err != nil || of != n {
			t.Errorf("%s: outcome count %q", name, part)
		}
		sum += c
	}
	if r[col["variant"]] != name || sum != n || r[col["replicas"]] != fmt.Sprint(n) || r[col["outcomes"]] != tl.String() ||
		r[col["mixed"]] != fmt.Sprint(tl.Mixed()) || r[col["outcome"]] != verdicts[0] || r[col["seed"]] != seed0 {
		t.Errorf("compare.csv row %q; replicas.csv says %q", r, verdicts)
	}
	if !strings.Contains(printed, "\n"+name+" ") || !strings.Contains(printed, " "+tallyCell(tl)+" ") {
		t.Errorf("%s: %q not printed:\n%s", name, tallyCell(tl), printed)
	}
	var sum0 struct {
		Seed uint64 `json:"seed"`
	}
	b, err := os.ReadFile(filepath.Join(dir, name, "summary.json"))
	if err != nil || json.Unmarshal(b, &sum0) != nil || fmt.Sprint(sum0.Seed) != seed0 {
		t.Errorf("%s/summary.json: seed %d, want replica 0's %s (%v)", name, sum0.Seed, seed0, err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, name, "replica-*")); len(m) > 0 {
		t.Errorf("replicas' outputs written: %q", m)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
