package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flinksim/flinksim/scenarios/sweep"
)

// entries lists dir's names (hidden ones too), sorted.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestUserErrorsBeforeSimulating: mistakes in arguments and outputs exit 2
// before any run (no run's outputs, no time spent), and never touch what
// is already there.
func TestUserErrorsBeforeSimulating(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	mine := filepath.Join(dir, "mine")
	os.MkdirAll(mine, 0o755)
	os.WriteFile(filepath.Join(mine, "notes.txt"), []byte("keep me"), 0o644)
	// Each would take minutes of simulation if it ran (10 virtual hours).
	long := []string{"--duration", "10h"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"compare", "backpressure", "--out", filepath.Join(dir, "c")}, "nothing to compare"},
		{[]string{"run", "backpressure", "--out", "/proc/forbidden"}, "--out: /proc/forbidden: cannot write there"},
		{[]string{"run", "backpressure", "--out", file}, "is a file, not a directory"},
		{[]string{"run", "backpressure", "--out", mine}, "notes.txt"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--out", mine}, "notes.txt"},
		{[]string{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s,2k/s", "--out", mine}, "notes.txt"},
		{[]string{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s,2k/s", "--outcome", "speed", "--out", filepath.Join(dir, "s")}, "--outcome"},
		{[]string{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s,2k/s", "--out", "/proc/forbidden"}, "cannot write there"},
		{[]string{"run", "testdata/ckpt-variants.yaml", "--variant", "incremental", "--variant", "incremental", "--out", filepath.Join(dir, "v")}, "given twice"},
		{[]string{"run", "testdata/ckpt-variants.yaml", "--variant", "nope", "--out", filepath.Join(dir, "v")}, `no variant "nope"`},
	} {
		start := time.Now()
		code, _, errs := cli(t, append(c.args, long...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%v: took %v: simulated before refusing", c.args, took)
		}
	}
	if got := strings.Join(entries(t, dir), " "); got != "a-file mine" {
		t.Errorf("refused commands left %q in the directory", got)
	}
	if got := strings.Join(entries(t, mine), " "); got != "notes.txt" {
		t.Errorf("a directory of the user's now holds %q", got)
	}
}

// TestRunSeveralVariants: --variant a --variant b runs both.
func TestRunSeveralVariants(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "--variant", "incremental", "--variant", "unaligned", "--duration", "1m", "--no-plots", "--out", dir)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	if got := strings.Join(entries(t, dir), " "); got != "incremental unaligned" {
		t.Errorf("outputs %q, want incremental and unaligned", got)
	}
	if !strings.Contains(out, "== incremental") || !strings.Contains(out, "== unaligned") {
		t.Errorf("output:\n%s", out)
	}
}

// TestOutputsAreOneSet: a run replaces the previous run's outputs as a
// whole: files of the previous set that the new one does not write (a
// dashboard, a variant) are gone, and nothing temporary is left beside it.
func TestOutputsAreOneSet(t *testing.T) {
	t.Parallel() // whole runs in their own directories
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if code, _, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "--duration", "1m", "--out", dir); code != 0 {
		t.Fatal(errs)
	}
	if got := strings.Join(entries(t, dir), " "); got != "base incremental index.html unaligned" {
		t.Fatalf("outputs %q", got)
	}
	if code, _, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "--variant", "incremental", "--duration", "1m", "--no-plots", "--out", dir); code != 0 {
		t.Fatal(errs)
	}
	if got := strings.Join(entries(t, dir), " "); got != "incremental" {
		t.Errorf("after a run of one variant with --no-plots: %q, want incremental alone (no index.html)", got)
	}
	if got := strings.Join(entries(t, filepath.Join(dir, "incremental")), " "); strings.Contains(got, "dashboard") {
		t.Errorf("a --no-plots run kept the previous dashboard: %q", got)
	}
	if got := strings.Join(entries(t, parent), " "); got != "out" {
		t.Errorf("beside the outputs: %q", got)
	}
	// compare --from the same directory keeps the runs it read.
	cli(t, "run", "testdata/ckpt-variants.yaml", "--duration", "1m", "--no-plots", "--out", dir)
	if code, _, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--duration", "1m", "--from", dir, "--out", dir, "--no-plots"); code != 0 {
		t.Fatal(errs)
	}
	if got := strings.Join(entries(t, dir), " "); got != "base compare.csv compare.md incremental unaligned" {
		t.Errorf("compare --from DIR --out DIR: %q", got)
	}
	// An --out inside --from, or holding it, would replace the runs: refused.
	for _, c := range []struct{ from, out, says string }{
		{dir, filepath.Join(dir, "base"), "is inside --from's"},
		{dir, filepath.Join(dir, "base", "new"), "is inside --from's"},
		{dir, parent, "holds --from's"},
	} {
		code, _, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--duration", "1m", "--from", c.from, "--out", c.out, "--no-plots")
		if code != 2 || !strings.Contains(errs, "--out: "+c.out+": "+c.says) {
			t.Errorf("--from %s --out %s: code %d, %q", c.from, c.out, code, errs)
		}
	}
	if got := strings.Join(entries(t, filepath.Join(dir, "base")), " "); !strings.Contains(got, "summary.json") {
		t.Errorf("the runs read, after the refusals: %q", got)
	}
}

// TestCompareFromAnotherScenario: runs of another scenario are refused,
// naming both.
func TestCompareFromAnotherScenario(t *testing.T) {
	runs := t.TempDir()
	for _, v := range []string{"base", "incremental", "unaligned"} {
		if code, _, errs := cli(t, "run", "testdata/tiny.yaml", "--duration", "10s", "--no-plots", "--out", filepath.Join(runs, v)); code != 0 {
			t.Fatal(errs)
		}
	}
	code, _, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--from", runs, "--out", t.TempDir())
	if code != 2 || !strings.Contains(errs, `a run of scenario "tiny", not of "ckpt-variants"`) {
		t.Errorf("code %d, %q", code, errs)
	}
	code, _, errs = cli(t, "compare", "testdata/ckpt-variants.yaml", "--from", filepath.Join(runs, "base"), "--out", t.TempDir())
	if code != 2 || !strings.Contains(errs, `holds one run (of scenario "tiny")`) {
		t.Errorf("a single run: code %d, %q", code, errs)
	}
}

// TestPlanProbesBothEnds: tiny's sink latency adds to end-to-end latency, so
// the smallest latency meeting a p99 target is the low end, which plan must
// find though the high end fails; "stable<=1" is refused; no answer exits 3.
func TestPlanProbesBothEnds(t *testing.T) {
	code, out, errs := cli(t, "plan", "testdata/tiny.yaml", "--duration", "30s", "--target", "sinks.db.latency=1ms..1h", "--for", "latency_p99_s<=1")
	if code != 0 || !strings.Contains(out, "smallest sinks.db.latency = 1ms meets") {
		t.Errorf("code %d: %s%s", code, out, errs)
	}
	code, out, _ = cli(t, "plan", "testdata/tiny.yaml", "--duration", "30s", "--target", "sinks.db.latency=1ms..1h", "--largest", "--for", "latency_p99_s<=1")
	if code != 0 || !strings.Contains(out, "largest sinks.db.latency = ") || strings.Contains(out, "= 1h ") {
		t.Errorf("--largest: code %d: %s", code, out)
	}
	// tiny's input is 10k/s: no capacity up to 5k/s keeps up.
	code, out, _ = cli(t, "plan", "testdata/tiny.yaml", "--duration", "30s", "--target", "sinks.db.capacity=1k/s..5k/s", "--for", "stable")
	// the probe table names each run's outcome, as the verdict does
	if code != exitUnmet || !strings.Contains(out, "no sinks.db.capacity in 1k/s..5k/s meets stable: neither end does (at 1k/s stable fails; at 5k/s stable fails); stable fails at both ends, and plan takes each outcome to change steadily with the value, so it tried none between\n") ||
		!regexp.MustCompile(`(?m)^sinks\.db\.capacity +meets +outcome \(worst\)\n5k/s +no +overload\n`).MatchString(out) {
		t.Errorf("no answer: code %d, want %d: %s", code, exitUnmet, out)
	}
	for _, bad := range []string{"stable<=1", "stable==1", "stable>0"} {
		if code, _, errs := cli(t, "plan", "testdata/tiny.yaml", "--target", "sinks.db.capacity=1k/s..5k/s", "--for", bad); code != 2 || !strings.Contains(errs, "write stable") {
			t.Errorf("--for %s: code %d, %q", bad, code, errs)
		}
	}
}

// TestPlanUnmetOppositeWays: when each end of the range fails another
// condition (more parallelism keeps up but leaves the subtasks less busy),
// a value between may meet both: plan says so, and gives the sweep that
// maps the range with the plan's own settings, in as many values as the
// range holds; a condition failing at both ends fails between too.
func TestPlanUnmetOppositeWays(t *testing.T) {
	search := func(lo, hi string) sweep.Search {
		s := sweep.Search{Key: "operators.op.parallelism", Lo: lo, Hi: hi, Largest: true}
		for _, c := range []string{"stable", "max_busy_ms_per_s>=500"} {
			cond, err := sweep.ParseCondition(c)
			if err != nil {
				t.Fatal(err)
			}
			s.Conditions = append(s.Conditions, cond)
		}
		return s
	}
	probe := func(v float64, stable bool, busy float64) sweep.Probe {
		return sweep.Probe{Value: strconv.FormatFloat(v, 'f', -1, 64), Num: v, Records: []sweep.Record{{Outcome: sweep.Outcome{Stable: stable, MaxBusyMsPerS: busy}}}}
	}
	var o planOptions
	o.sets, o.duration, o.replicas = []string{"sinks.out.capacity=1M/s", "name=my job"}, "5m", 3
	for _, c := range []struct {
		name     string
		s        sweep.Search
		lo, hi   sweep.Probe
		scenario string
		want     string
	}{
		{"opposite ways", search("1", "16"), probe(1, false, 1000), probe(16, true, 189), "job.yaml",
			"; the conditions pull opposite ways, so a value between may meet them all, which bisection cannot find: map the range with flinksim sweep job.yaml --grid operators.op.parallelism=1..16/8 --set sinks.out.capacity=1M/s --set 'name=my job' --duration 5m --replicas 3"},
		{"four values between", search("1", "4"), probe(1, false, 1000), probe(4, true, 189), "my job's.yaml",
			`map the range with flinksim sweep 'my job'\''s.yaml' --grid operators.op.parallelism=1..4/4 `},
		{"no value between", search("1", "2"), probe(1, false, 1000), probe(2, true, 189), "job.yaml",
			"at 1 stable fails; at 2 max_busy_ms_per_s>=500 fails); the conditions pull opposite ways, and no whole value lies between the ends"},
		{"one fails at both ends", search("1", "16"), probe(1, false, 100), probe(16, true, 189), "job.yaml",
			"at 1 stable and max_busy_ms_per_s>=500 fails; at 16 max_busy_ms_per_s>=500 fails); max_busy_ms_per_s>=500 fails at both ends, and plan takes each outcome to change steadily with the value, so it tried none between"},
	} {
		got := unmetWhy(c.scenario, c.s, []sweep.Probe{c.hi, c.lo}, o) // in the order tried
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: got  %q\nwant it to contain %q", c.name, got, c.want)
		}
	}
}

// TestSweepResumes: a journal holding some finished runs (in the order they
// happened to finish, with a line cut short at the end) is resumed: only the
// other runs run, and points.jsonl is byte-identical to an uninterrupted
// sweep's. A journal of another plan is refused.
func TestSweepResumes(t *testing.T) {
	whole := t.TempDir()
	if code, _, errs := cli(t, append([]string{"sweep", "--no-plots", "--out", whole}, sweepArgs...)...); code != 0 {
		t.Fatal(errs)
	}
	want, _ := os.ReadFile(filepath.Join(whole, "points.jsonl"))
	if names := entries(t, whole); strings.Join(names, " ") != "points.jsonl" {
		t.Errorf("after the sweep: %v (the journal stays?)", names)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(want), "\n"), "\n")

	dir := t.TempDir()
	o := sweepOptions{grids: []string{"sinks.db.capacity=5k/s..20k/s/4", "sources.events.partitions=1,2"}, replicas: 2}
	j, _ := tinyJournal(t, dir, o)
	kept := []int{9, 2, 14, 3, 0} // out of plan order, as workers finish
	for _, i := range kept {
		var rec sweep.Record
		json.Unmarshal([]byte(lines[i]), &rec)
		j.Append(rec)
	}
	j.Close()
	f, _ := os.OpenFile(filepath.Join(dir, "points.jsonl.partial"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(lines[5][:20]) // a crash mid-line
	f.Close()

	code, out, errs := cli(t, append([]string{"sweep", "--no-plots", "--out", dir}, sweepArgs...)...)
	if code != 0 || !strings.Contains(errs, "resuming: 5 of 16 runs already done") || !strings.Contains(out, "16 runs") {
		t.Fatalf("code %d: %s%s", code, out, errs)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "points.jsonl")); !bytes.Equal(got, want) {
		t.Errorf("resumed points.jsonl differs from the uninterrupted sweep's:\n%s\nwant\n%s", got, want)
	}
	if names := entries(t, dir); strings.Join(names, " ") != "points.jsonl" {
		t.Errorf("after resuming: %v", names)
	}

	// A journal a sweep holds open, running now, is no interrupted sweep's:
	// another sweep into the directory is refused and told so.
	running := t.TempDir()
	j, _ = tinyJournal(t, running, o)
	code, _, errs = cli(t, append([]string{"sweep", "--no-plots", "--out", running}, sweepArgs...)...)
	j.Close()
	if code != 2 || !strings.Contains(errs, "a sweep is running into this directory now") {
		t.Errorf("journal held by a running sweep: code %d, %q", code, errs)
	}

	// A journal of another plan (other --grid values) is refused, kept.
	other := t.TempDir()
	o.grids[0] = "sinks.db.capacity=1k/s,2k/s"
	j, _ = tinyJournal(t, other, o)
	j.Close()
	code, _, errs = cli(t, append([]string{"sweep", "--no-plots", "--out", other}, sweepArgs...)...)
	if code != 2 || !strings.Contains(errs, "another scenario, --set, --grid") {
		t.Errorf("journal of another plan: code %d, %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(other, "points.jsonl.partial")); err != nil {
		t.Error("the other plan's journal was removed")
	}
	// One of another --duration alone: the message names it among the
	// settings that make a plan.
	other = t.TempDir()
	o.grids[0], o.duration = "sinks.db.capacity=5k/s..20k/s/4", "1m"
	j, _ = tinyJournal(t, other, o)
	j.Close()
	code, _, errs = cli(t, append([]string{"sweep", "--no-plots", "--out", other}, sweepArgs...)...)
	if code != 2 || !strings.Contains(errs, "--duration") {
		t.Errorf("journal of another --duration: code %d, %q", code, errs)
	}
}

// TestSweepJournalNamesItsLines: a damaged record is named by its line in
// the file, the header being line 1 (it was once named one line early).
func TestSweepJournalNamesItsLines(t *testing.T) {
	dir := t.TempDir()
	j, plan := tinyJournal(t, dir, sweepOptions{grids: []string{"sinks.db.capacity=5k/s..20k/s/4", "sources.events.partitions=1,2"}, replicas: 2})
	j.Append(sweep.Record{Key: plan.Points[0].Key, Seed: plan.Points[0].Seed})
	j.Close()
	f, _ := os.OpenFile(filepath.Join(dir, "points.jsonl.partial"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("{\"key\": 3\n")
	f.Close()
	code, _, errs := cli(t, append([]string{"sweep", "--no-plots", "--out", dir}, sweepArgs...)...)
	if want := "points.jsonl.partial:3: not a sweep record"; code != 2 || !strings.Contains(errs, want) {
		t.Errorf("journal damaged on line 3: code %d, want %q in %q", code, want, errs)
	}
}

// tinyJournal opens in dir the journal of testdata/tiny.yaml swept as o
// says, and returns it with the sweep's plan.
func tinyJournal(t *testing.T, dir string, o sweepOptions) (*sweep.Journal, *sweep.Plan) {
	t.Helper()
	r, plan, _, err := loadPlan("testdata/tiny.yaml", o, nil, nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	j, _, err := sweep.OpenJournal(filepath.Join(dir, "points.jsonl.partial"), r, plan.Points)
	if err != nil {
		t.Fatal(err)
	}
	return j, plan
}

// journalRuns counts the records in a sweep journal (lines after the header).
func journalRuns(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
	}
	return max(n, 0)
}
