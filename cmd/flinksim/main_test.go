package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = execute(args, &out, &errb)
	if strings.Contains(errb.String(), "goroutine ") || strings.Contains(errb.String(), "panic:") {
		t.Fatalf("stack trace on stderr:\n%s", errb.String())
	}
	return code, out.String(), errb.String()
}

func TestListAndValidateBuiltIns(t *testing.T) {
	code, out, _ := cli(t, "list")
	if code != 0 || !strings.Contains(out, "backpressure ") || !strings.Contains(out, "backpressure-scaled-sink") {
		t.Fatalf("list: code %d\n%s", code, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name := strings.Fields(line)[0]
		if code, _, errs := cli(t, "validate", name); code != 0 {
			t.Errorf("validate %s: code %d: %s", name, code, errs)
		}
	}
}

func TestBadInputExitsTwoWithPositions(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: bad\nsources:\n  - {name: s, rate: fast}\nsinks:\n  - {name: out, capacity: 0/s}\n"), 0o644)
	long := filepath.Join(dir, "long.yaml") // a name over 255 bytes
	os.WriteFile(long, []byte("name: "+strings.Repeat("x", 200000)+"\nsources: [{name: s}]\nsinks: [{name: out}]\n"), 0o644)
	code, _, errs := cli(t, "run", bad, "--out", dir)
	if code != 2 {
		t.Fatalf("code %d, want 2", code)
	}
	pos := regexp.MustCompile(`(?m)^.*bad\.yaml:\d+:\d+: [a-z.]+: .+$`)
	if len(pos.FindAllString(errs, -1)) != 2 {
		t.Fatalf("want two file:line:col: path: message lines, got:\n%s", errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "no-such-scenario"}, "no built-in scenario"},
		{[]string{"run", "backpresure"}, `did you mean "backpressure"`},
		{[]string{"run"}, "expects one scenario"},
		{[]string{"run", "backpressure", "--frobnicate"}, "--frobnicate: unknown flag"},
		{[]string{"run", "backpressure", "--set", "sinks.jdbc.capacity=fast"}, "--set sinks.jdbc.capacity=fast: sinks.jdbc.capacity:"},
		{[]string{"run", "backpressure", "--duration", "10"}, `duration: "10" has no unit`},
		{[]string{"validate", bad}, "bad.yaml:3:"},
		{[]string{"run", long, "--out", filepath.Join(dir, "long")}, "long.yaml:1:7: name: \"xxxxxxxxxxxxxxxxxxxx…\" is 200000 bytes long; a name takes at most 255"},
	} {
		code, _, errs := cli(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); err == nil {
		t.Error("a failed run wrote outputs")
	}
}

func TestRunWritesOutputs(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := cli(t, "run", "backpressure", "--duration", "2m", "--out", dir)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, want := range []string{"throughput", "kafka lag", "latency", "jdbc", "backpressured"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "dashboard.png dashboard.svg index.html metrics.csv scenario.resolved.yaml summary.json" {
		t.Fatalf("outputs %v (temporary files left behind?)", names)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	for _, want := range []string{"<svg", "throughput", "jdbc", "Kafka lag"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// --no-plots writes the data only.
	bare := t.TempDir()
	if code, _, errs := cli(t, "run", "backpressure", "--duration", "1m", "--no-plots", "--out", bare); code != 0 {
		t.Fatal(errs)
	}
	if entries, _ := os.ReadDir(bare); len(entries) != 3 {
		t.Errorf("--no-plots wrote %d files, want 3", len(entries))
	}
	// summary.json carries the contract's fields.
	var sum map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"scenario", "seed", "virtual_duration_s", "wall_s", "records.produced", "records.sink",
		"records.in_flight", "records.source_lag", "throughput.source_rps", "throughput.sink_rps", "latency_s.p50",
		"latency_s.p99", "latency_s.max", "source_lag_max", "operators", "engine.events", "engine.events_per_s"} {
		var v any = sum
		for _, k := range strings.Split(path, ".") {
			v = v.(map[string]any)[k]
		}
		if v == nil {
			t.Errorf("summary.json lacks %s", path)
		}
	}
	op := sum["operators"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "parallelism", "busy_ms_per_s", "backpressured_ms_per_s", "idle_ms_per_s", "max_subtask_busy_ms_per_s"} {
		if _, ok := op[k]; !ok {
			t.Errorf("operators[] lacks %s", k)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	// the job's series first (every job has numRestarts, under 1.20
	// fullRestarts, downtime, uptime)
	if !bytes.HasPrefix(csv, []byte("time_s,operator,subtask,metric,value\n5,job,,numRestarts,0\n5,job,,fullRestarts,0\n5,job,,downtime,0\n5,job,,uptime,5000\n")) {
		t.Errorf("metrics.csv starts %q", csv[:min(len(csv), 80)])
	}
	// The resolved scenario runs again.
	if code, _, errs := cli(t, "validate", filepath.Join(dir, "scenario.resolved.yaml")); code != 0 {
		t.Errorf("resolved scenario does not validate: %s", errs)
	}
}

// TestSameSeedSameBytes: two runs of the same scenario and seed write
// identical files; only the wall-clock fields of summary.json may differ
// (charts, drawn from these files, are left out: the golden set covers
// them).
func TestSameSeedSameBytes(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs without plots, on one goroutine; make test runs this test without -race")
	}
	t.Parallel() // whole runs in their own directories
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if code, _, errs := cli(t, "run", "backpressure", "--duration", "3m", "--seed", "9", "--no-plots", "--out", dir); code != 0 {
			t.Fatal(errs)
		}
	}
	wall := regexp.MustCompile(`"(wall_s|events_per_s)": [0-9.e+-]+`)
	for _, f := range []string{"metrics.csv", "scenario.resolved.yaml", "summary.json"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		x, y = wall.ReplaceAll(x, nil), wall.ReplaceAll(y, nil)
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between identical runs", f)
		}
	}
	c := t.TempDir()
	cli(t, "run", "backpressure", "--duration", "3m", "--seed", "10", "--no-plots", "--out", c)
	x, _ := os.ReadFile(filepath.Join(a, "metrics.csv"))
	y, _ := os.ReadFile(filepath.Join(c, "metrics.csv"))
	if bytes.Equal(x, y) {
		t.Error("a different seed gave identical metrics")
	}
}

func TestSchemaIsDraft07JSON(t *testing.T) {
	code, out, _ := cli(t, "schema")
	var s map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &s) != nil {
		t.Fatalf("code %d, output not JSON", code)
	}
	if s["$schema"] != "http://json-schema.org/draft-07/schema#" {
		t.Errorf("$schema %v", s["$schema"])
	}
	props := s["properties"].(map[string]any)
	for _, k := range []string{"name", "duration", "flink", "sources", "operators", "sinks", "simulation"} {
		if props[k] == nil {
			t.Errorf("schema lacks %s", k)
		}
	}
}

// TestVariantsAndCheckpointsJSON runs a checkpointed scenario with variants
// with -j 1 and -j 2: each variant gets its directory and Flink's REST
// checkpoint statistics, and the bytes do not depend on -j.
func TestVariantsAndCheckpointsJSON(t *testing.T) {
	t.Parallel() // whole runs in their own directories
	a, b := t.TempDir(), t.TempDir()
	// The files compared are not charts: the second run draws none (drawing
	// is most of a run's time under the race detector).
	for _, c := range []struct{ dir, j, plots string }{{a, "1", "--no-plots=false"}, {b, "2", "--no-plots"}} {
		code, out, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "-j", c.j, c.plots, "--out", c.dir)
		if code != 0 {
			t.Fatalf("-j %s: code %d: %s", c.j, code, errs)
		}
		for _, want := range []string{"variant", "base", "incremental", "unaligned", "restarts"} {
			if !strings.Contains(out, want) {
				t.Errorf("comparison table lacks %q:\n%s", want, out)
			}
		}
	}
	wall := regexp.MustCompile(`"(wall_s|events_per_s)": [0-9.e+-]+`)
	for _, v := range []string{"base", "incremental", "unaligned"} {
		for _, f := range []string{"summary.json", "metrics.csv", "checkpoints.json", "checkpoint-history.json", "checkpoint-details.json", "checkpoint-config.json", "scenario.resolved.yaml"} {
			x, err := os.ReadFile(filepath.Join(a, v, f))
			if err != nil {
				t.Fatal(err)
			}
			y, _ := os.ReadFile(filepath.Join(b, v, f))
			if !bytes.Equal(wall.ReplaceAll(x, nil), wall.ReplaceAll(y, nil)) {
				t.Errorf("%s/%s differs between -j 1 and -j 2", v, f)
			}
		}
	}
	base := filepath.Join(a, "base")
	n := checkCheckpointsREST(t, filepath.Join(base, "checkpoints.json"))
	checkCheckpointDetails(t, filepath.Join(base, "checkpoint-details.json"), n)
	checkSummaryCheckpoints(t, filepath.Join(base, "summary.json"))
	if code, _, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "-j", "-1"); code != 2 || !strings.Contains(errs, "--jobs") {
		t.Errorf("-j -1: code %d, %q", code, errs)
	}
}

// checkCheckpointsREST checks that checkpoints.json has the shape of Flink's
// GET /jobs/:jobid/checkpoints, with the latest 10 in its history, and
// returns how many checkpoints were created (checkpoint-details.json keeps
// up to 256).
func checkCheckpointsREST(t *testing.T, path string) int {
	t.Helper()
	var ck map[string]any
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &ck); err != nil {
		t.Fatal(err)
	}
	counts := ck["counts"].(map[string]any)
	for _, k := range []string{"restored", "total", "in_progress", "completed", "failed"} {
		if _, ok := counts[k]; !ok {
			t.Errorf("counts lacks %s", k)
		}
	}
	if counts["restored"].(float64) != 1 || counts["completed"].(float64) < 5 {
		t.Errorf("counts %v: want one restore (the TaskManager loss) and several completed", counts)
	}
	for _, k := range []string{"end_to_end_duration", "state_size", "checkpointed_size", "processed_data", "persisted_data"} {
		if _, ok := ck["summary"].(map[string]any)[k].(map[string]any)["p99"]; !ok {
			t.Errorf("summary.%s lacks p99", k)
		}
	}
	if ck["latest"].(map[string]any)["completed"] == nil || ck["latest"].(map[string]any)["restored"] == nil {
		t.Errorf("latest lacks completed or restored: %v", ck["latest"])
	}
	hist := ck["history"].([]any)
	if len(hist) == 0 {
		t.Fatal("empty history")
	}
	for _, k := range []string{"id", "status", "trigger_timestamp", "latest_ack_timestamp", "end_to_end_duration", "checkpointed_size",
		"state_size", "processed_data", "persisted_data", "checkpoint_type", "num_subtasks", "num_acknowledged_subtasks", "is_savepoint"} {
		if _, ok := hist[0].(map[string]any)[k]; !ok {
			t.Errorf("history[0] lacks %s", k)
		}
	}
	// Newest first, as Flink lists them.
	if hist[0].(map[string]any)["id"].(float64) < hist[len(hist)-1].(map[string]any)["id"].(float64) {
		t.Error("history is not newest first")
	}
	// The latest web.checkpoints.history (10), the counts over every one,
	// the triggers that failed before a checkpoint was created included
	// (CheckpointStatsCounts), which no history or detail lists.
	var sum struct {
		Checkpoints struct {
			FailedBeforeStart int `json:"failed_before_start"`
		}
	}
	raw, _ = os.ReadFile(filepath.Join(filepath.Dir(path), "summary.json"))
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	created := int(counts["total"].(float64)) - sum.Checkpoints.FailedBeforeStart
	if len(hist) != min(created, 10) {
		t.Errorf("history of %d entries, %d checkpoints: want the latest 10", len(hist), created)
	}
	return created
}

// checkCheckpointDetails checks that checkpoint-details.json holds, per
// checkpoint and vertex, every subtask.
func checkCheckpointDetails(t *testing.T, path string, checkpoints int) {
	t.Helper()
	var det struct {
		Checkpoints []struct {
			ID    int64
			Tasks map[string]struct {
				NumSubtasks int `json:"num_subtasks"`
				Subtasks    []map[string]any
			}
		}
	}
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &det); err != nil || len(det.Checkpoints) != checkpoints {
		t.Fatalf("checkpoint-details.json: %v, %d checkpoints (want %d)", err, len(det.Checkpoints), checkpoints)
	}
	for _, task := range det.Checkpoints[0].Tasks {
		if len(task.Subtasks) != task.NumSubtasks || task.Subtasks[0]["ack_timestamp"] == nil || task.Subtasks[0]["checkpoint"] == nil {
			t.Errorf("subtasks %v", task.Subtasks)
		}
	}
}

// checkSummaryCheckpoints checks the checkpoint block of summary.json.
func checkSummaryCheckpoints(t *testing.T, path string) {
	t.Helper()
	var sum map[string]any
	raw, _ := os.ReadFile(path)
	json.Unmarshal(raw, &sum)
	cs := sum["checkpoints"].(map[string]any)
	for _, k := range []string{"completed", "failed", "expired", "restarts", "duration_s", "size_max_bytes", "verdict"} {
		if _, ok := cs[k]; !ok {
			t.Errorf("summary.json checkpoints lacks %s", k)
		}
	}
}

// sweepArgs is a small two-axis sweep of the tiny test scenario.
var sweepArgs = []string{"testdata/tiny.yaml", "--grid", "sinks.db.capacity=5k/s..20k/s/4", "--grid", "sources.events.partitions=1,2", "--replicas", "2"}

// TestSweepShardsAndMerge: -j 1 and -j 2 give identical points.jsonl; so
// does every split into shards, merged; charts and index.html are drawn; a
// missing shard is named.
func TestSweepShardsAndMerge(t *testing.T) {
	whole := t.TempDir()
	code, out, errs := cli(t, append([]string{"sweep", "-j", "1", "--out", whole}, sweepArgs...)...)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	if !strings.Contains(out, "16 runs (8 points × 2 replicas)") {
		t.Errorf("output:\n%s", out)
	}
	want, _ := os.ReadFile(filepath.Join(whole, "points.jsonl"))
	if n := bytes.Count(want, []byte("\n")); n != 16 {
		t.Fatalf("points.jsonl has %d lines, want 16", n)
	}
	checkMixedPrinted(t, out, filepath.Join(whole, "points.jsonl"), 8, 2)
	par := t.TempDir()
	cli(t, append([]string{"sweep", "-j", "2", "--no-plots", "--out", par}, sweepArgs...)...)
	if got, _ := os.ReadFile(filepath.Join(par, "points.jsonl")); !bytes.Equal(got, want) {
		t.Error("-j 2 differs from -j 1")
	}
	for _, n := range []int{2, 3} {
		dir := t.TempDir()
		for i := 0; i < n; i++ {
			args := append([]string{"sweep", "--out", dir}, sweepArgs...)
			if i == 0 {
				t.Setenv("JOB_COMPLETION_INDEX", "0") // as a Kubernetes Indexed Job would
				args = append(args, "--shards", strconv.Itoa(n))
			} else {
				args = append(args, "--shard", fmt.Sprintf("%d/%d", i, n))
			}
			if code, _, errs := cli(t, args...); code != 0 {
				t.Fatalf("shard %d/%d: %s", i, n, errs)
			}
		}
		os.Unsetenv("JOB_COMPLETION_INDEX")
		if code, _, errs := cli(t, append([]string{"sweep", "merge", "--out", dir}, sweepArgs...)...); code != 0 {
			t.Fatalf("merge: %s", errs)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "points.jsonl")); !bytes.Equal(got, want) {
			t.Errorf("%d shards merged differ from the whole sweep", n)
		}
		if n == 3 {
			os.Remove(filepath.Join(dir, "shard-1-of-3.jsonl"))
			code, _, errs := cli(t, append([]string{"sweep", "merge", "--no-plots", "--out", dir}, sweepArgs...)...)
			if code != 1 || !strings.Contains(errs, "missing") || !strings.Contains(errs, "sinks.db.capacity=") {
				t.Errorf("merge with a shard missing: code %d, %q", code, errs)
			}
			// and writes nothing: the complete merge before stays
			if got, _ := os.ReadFile(filepath.Join(dir, "points.jsonl")); !bytes.Equal(got, want) {
				t.Error("a merge with a shard missing replaced points.jsonl")
			}
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "testdata/tiny.yaml"}, "nothing to sweep"},
		{[]string{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity"}, "--grid"},
		{[]string{"sweep", "testdata/tiny.yaml", "--grid", "sinks.dbx.capacity=1k/s,2k/s"}, "sinks.dbx"},
		{[]string{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s,2k/s", "--shard", "2/2"}, "shard"},
		{[]string{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s,2k/s", "--shards", "2"}, "JOB_COMPLETION_INDEX"},
		{[]string{"sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s,2k/s", "--outcome", "speed"}, "no outcome"},
	} {
		code, _, errs := cli(t, append(c.args, "--out", t.TempDir())...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	// sweep plan lists every point with its seed and shard.
	code, out, _ = cli(t, append([]string{"sweep", "plan", "--shards", "3"}, sweepArgs...)...)
	if code != 0 || strings.Count(out, "\n") != 16 || !strings.Contains(out, "seed=") || !strings.Contains(out, "shard=") {
		t.Errorf("sweep plan: code %d\n%s", code, out)
	}
}

// TestPlanFindsCapacity: the smallest sink capacity that keeps the lag near
// zero is the 10k/s input rate.
func TestPlanFindsCapacity(t *testing.T) {
	code, out, errs := cli(t, "plan", "testdata/tiny.yaml", "--target", "sinks.db.capacity=1k/s..40k/s", "--for", "lag_end<=2k")
	if code != 0 || !strings.Contains(out, "smallest sinks.db.capacity = 10") {
		t.Fatalf("code %d: %s%s", code, out, errs)
	}
	for _, bad := range [][]string{{"--target", "sinks.db.capacity"}, {"--target", "sinks.db.capacity=1k/s..40k/s"}, {"--target", "sinks.db.capacity=1k/s..40k/s", "--for", "speed<3"}} {
		if code, _, _ := cli(t, append([]string{"plan", "testdata/tiny.yaml"}, bad...)...); code != 2 {
			t.Errorf("%v: code %d, want 2", bad, code)
		}
	}
}

// TestCompare: compare runs the variants, writes the tables and charts, and
// reads the same runs back with --from to the same tables.
func TestCompare(t *testing.T) {
	t.Parallel() // whole runs in their own directories
	dir := t.TempDir()
	code, out, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--out", dir)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, f := range []string{"compare.md", "compare.csv", "compare.svg", "compare.png", "index.html", "base/summary.json", "unaligned/dashboard.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "compare.md"))
	csv, _ := os.ReadFile(filepath.Join(dir, "compare.csv"))
	if !bytes.HasPrefix(md, []byte("| variant | outcome |")) || !bytes.Contains(csv, []byte("\nincremental,stable,true,")) {
		t.Errorf("compare.md:\n%s\ncompare.csv:\n%s", md, csv)
	}
	again := t.TempDir()
	if code, out2, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--from", dir, "--out", again); code != 0 || out2 != strings.ReplaceAll(out, dir, again) {
		t.Errorf("--from: code %d %s\n%s\nwant\n%s", code, errs, out2, out)
	}
	md2, _ := os.ReadFile(filepath.Join(again, "compare.md"))
	if !bytes.Equal(md, md2) {
		t.Error("compare.md from earlier runs differs from the runs themselves")
	}
	if code, _, errs := cli(t, "compare", "backpressure", "--out", t.TempDir()); code != 2 || !strings.Contains(errs, "nothing to compare") {
		t.Errorf("no variants: code %d, %q", code, errs)
	}
}

// TestSweepChoiceAxesNamed: a sweep over true/false and an enum draws its
// heat maps with the values as tick labels, in the order given.
func TestSweepChoiceAxesNamed(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := cli(t, "sweep", "testdata/tiny.yaml", "--duration", "20s", "--out", dir,
		"--grid", "flink.pipeline.operator-chaining.enabled=false,true", "--grid", "flink.state.backend.type=rocksdb,hashmap")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "sweep-lag_end.svg"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, v := range []string{">false<", ">true<", ">rocksdb<", ">hashmap<"} {
		if !strings.Contains(s, v) {
			t.Errorf("sweep-lag_end.svg lacks the tick %s", v)
		}
	}
	if strings.Index(s, ">false<") > strings.Index(s, ">true<") {
		t.Error("the values are not drawn in the order given")
	}
}
