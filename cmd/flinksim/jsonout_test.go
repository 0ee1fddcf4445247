package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

// jsonDoc decodes stdout as exactly one JSON document into v.
func jsonDoc(t *testing.T, out string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document:\n%s", out)
	}
}

// TestOutputFlagRefusesUnknownFormats: a bad -o is a usage error on every
// command that takes it, before anything runs.
func TestOutputFlagRefusesUnknownFormats(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"list", "-o", "yaml"},
		{"validate", "backpressure", "--output", "JSON "},
		{"run", "testdata/tiny.yaml", "-o", "csv", "--out", filepath.Join(dir, "a")},
		{"compare", "testdata/ckpt-variants.yaml", "-o", "", "--out", filepath.Join(dir, "b")},
	} {
		code, out, errs := cli(t, args...)
		if code != exitScenario || out != "" || !strings.HasPrefix(errs, "--output: ") || !strings.HasSuffix(errs, "\nflinksim: 1 problem in the flags\n") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and --output: ...", args, code, out, errs)
		}
	}
	if entries(t, dir) != nil {
		t.Error("a bad --output wrote outputs")
	}
}

func TestListJSON(t *testing.T) {
	code, out, _ := cli(t, "list", "-o", "json")
	var got []struct {
		Name, Description string
		Variants          []struct{ Name, Description string }
	}
	jsonDoc(t, out, &got)
	lib := scenarios.Library()
	if code != 0 || len(got) != len(lib) {
		t.Fatalf("exit %d, %d scenarios, want %d", code, len(got), len(lib))
	}
	variants := 0
	for i, b := range lib {
		if got[i].Name != b.Name || got[i].Description != b.Description {
			t.Errorf("entry %d: %+v, want %s", i, got[i], b.Name)
		}
		l, err := scenarios.Load(b.Name, b.Data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got[i].Variants) != len(l.Variants) {
			t.Errorf("%s: %d variants, want %d", b.Name, len(got[i].Variants), len(l.Variants))
		}
		for k, v := range l.Variants {
			if k < len(got[i].Variants) && (got[i].Variants[k].Name != v.Name || got[i].Variants[k].Description != v.Description) {
				t.Errorf("%s: variant %d is %+v, want %s", b.Name, k, got[i].Variants[k], v.Name)
			}
		}
		variants += len(l.Variants)
	}
	if variants == 0 {
		t.Error("no built-in scenario has variants: the test shows nothing")
	}
	if code, text, _ := cli(t, "list"); code != 0 || strings.HasPrefix(text, "[") {
		t.Errorf("list without -o is not text: %q", text)
	}
}

// validateDoc is validate -o json's document.
type validateDoc struct {
	File                 string
	OK                   bool
	Variants             []string
	Problems, Warnings   []map[string]any
	NotModelledFlinkKeys []string `json:"not_modelled_flink_keys"`
	InertFlinkKeys       []string `json:"inert_flink_keys"`
}

func TestValidateJSON(t *testing.T) {
	dir := t.TempDir()
	tiny, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	warned := filepath.Join(dir, "warned.yaml")
	os.WriteFile(warned, append(tiny, "flink:\n  pipeline.object-reuse: true\n  rest.port: 8081\n  state.backend: rocksdb\n  state.backend.type: hashmap\n"...), 0o644)
	type doc = validateDoc
	code, out, _ := cli(t, "validate", warned, "-o", "json")
	var v doc
	jsonDoc(t, out, &v)
	if code != 0 || !v.OK || v.File != warned || len(v.Problems) != 0 || len(v.Warnings) != 1 ||
		!reflect.DeepEqual(v.NotModelledFlinkKeys, []string{"pipeline.object-reuse"}) || !reflect.DeepEqual(v.InertFlinkKeys, []string{"rest.port"}) {
		t.Errorf("exit %d: %+v", code, v)
	}
	if len(v.Warnings) == 1 && (v.Warnings[0]["path"] != "flink.state.backend" || v.Warnings[0]["line"] == json.Number("0")) {
		t.Errorf("warning: %v", v.Warnings[0])
	}

	code, out, _ = cli(t, "validate", "testdata/ckpt-variants.yaml", "--output=json")
	v = doc{}
	jsonDoc(t, out, &v)
	if code != 0 || !v.OK || len(v.Variants) != 2 || v.Variants[0] != "incremental" {
		t.Errorf("variants: exit %d: %+v", code, v)
	}
}

// TestValidateJSONProblems: with problems the document is printed, with
// each problem's place, and validate exits 2.
func TestValidateJSONProblems(t *testing.T) {
	dir := t.TempDir()
	var v validateDoc
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: bad\nsources:\n  - {name: s, rate: fast}\nsinks:\n  - {name: out, capacity: 0/s}\n"), 0o644)
	code, out, errs := cli(t, "validate", bad, "-o", "json")
	jsonDoc(t, out, &v)
	if code != exitScenario || v.OK || len(v.Problems) != 2 || errs != "flinksim: 2 problems in the scenario\n" {
		t.Fatalf("problems: exit %d, stderr %q: %+v", code, errs, v)
	}
	p := v.Problems[0]
	if p["file"] != bad || p["line"] != json.Number("3") || p["col"] == json.Number("0") || p["path"] != "sources.s.rate" || p["message"] == "" {
		t.Errorf("problem: %v", p)
	}
	if code, out, errs := cli(t, "validate", filepath.Join(dir, "none.yaml"), "-o", "json"); code != exitScenario || out != "" || errs == "" {
		t.Errorf("missing file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// an unknown flag comes first, with the scenario's problems, in the
	// document as on stderr
	v = validateDoc{}
	code, out, errs = cli(t, "validate", bad, "--bogus", "-o", "json")
	jsonDoc(t, out, &v)
	if code != exitScenario || len(v.Problems) != 3 || v.Problems[0]["file"] != "--bogus" || errs != "flinksim: 3 problems in the flags and the scenario\n" {
		t.Errorf("unknown flag: exit %d, stderr %q: %+v", code, errs, v)
	}
	code, _, errs = cli(t, "validate", bad, "--bogus")
	if code != exitScenario || !strings.HasPrefix(errs, "--bogus: unknown flag") || !strings.HasSuffix(errs, "flinksim: 3 problems in the flags and the scenario\n") {
		t.Errorf("unknown flag, text: exit %d, stderr %q", code, errs)
	}
}

func TestRunJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, out, errs := cli(t, "run", "testdata/tiny.yaml", "--duration", "20s", "--no-plots", "-o", "json", "--out", filepath.Join(dir, "one"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s result.Summary
	jsonDoc(t, out, &s)
	written, err := result.ReadDir(filepath.Join(dir, "one"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, written.Summary) {
		t.Errorf("printed summary differs from summary.json:\n%s", out)
	}

	code, out, errs = cli(t, "run", "testdata/ckpt-variants.yaml", "--duration", "30s", "--no-plots", "-o", "json", "--out", filepath.Join(dir, "v"), "--expect", "stable")
	if code != 0 && code != exitUnmet {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var runs struct {
		Runs []struct {
			Variant, Description, Dir string
			Summary                   result.Summary
		}
	}
	jsonDoc(t, out, &runs)
	if len(runs.Runs) != 3 || runs.Runs[0].Variant != "base" || runs.Runs[1].Variant != "incremental" {
		t.Fatalf("runs: %+v", runs)
	}
	for _, r := range runs.Runs {
		got, err := result.ReadDir(r.Dir)
		if err != nil || got.Summary.Scenario != r.Summary.Scenario || got.Summary.Records != r.Summary.Records {
			t.Errorf("%s: %v; printed %+v", r.Variant, err, r.Summary.Records)
		}
	}
}

func TestCompareJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, out, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--duration", "30s", "--no-plots", "-o", "json", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var c struct {
		Scenario, Dir string
		Files         []string
		Rows          []map[string]any
	}
	jsonDoc(t, out, &c)
	if c.Scenario != "ckpt-variants" || c.Dir != dir || !reflect.DeepEqual(c.Files, []string{"compare.md", "compare.csv"}) || len(c.Rows) != 3 {
		t.Fatalf("%+v", c)
	}
	rows := readCSV(t, filepath.Join(dir, "compare.csv"))
	for i, r := range c.Rows {
		if len(r) != len(rows[0]) || r["variant"] != rows[i+1][0] || r["outcome"] != rows[i+1][1] {
			t.Errorf("row %d: %v, want %v", i, r, rows[i+1])
		}
		if _, ok := r["stable"].(bool); !ok {
			t.Errorf("row %d: stable is %T", i, r["stable"])
		}
		if _, ok := r["lag_end"].(json.Number); !ok {
			t.Errorf("row %d: lag_end is %T", i, r["lag_end"])
		}
	}
}

// TestJSONCountsCheckpointsInProgress: run -o json (summary.json) counts
// the checkpoints still in progress at the end and the oldest's age, as
// the printed summary says them ("1 in progress (for 6.1s)"), and compare
// -o json (compare.csv) has the ckpts column's "+1" as
// checkpoints_in_progress; 0 when none is.
func TestJSONCountsCheckpointsInProgress(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		duration string
		n        int
		text     string // the printed checkpoint line's in-progress clause
	}{
		{"45s", 0, ""},
		{"1m", 1, ", 1 in progress (for 6.1s)"},
		{"3m10s", 1, ", 1 in progress (for 2.5s)"}, // the first after the failover at 2 min
	} {
		dir := filepath.Join(t.TempDir(), "out")
		args := []string{"run", "testdata/ckpt-variants.yaml", "--variant", "base", "--duration", c.duration, "--no-plots", "--out", dir}
		code, out, errs := cli(t, append(args, "-o", "json")...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.duration, code, errs)
		}
		var doc struct {
			Runs []struct {
				Summary struct {
					Checkpoints map[string]any
				}
			}
		}
		jsonDoc(t, out, &doc)
		ck := doc.Runs[0].Summary.Checkpoints
		num, _ := ck["in_progress_oldest_age_s"].(json.Number)
		age, _ := num.Float64()
		if ck["in_progress"] != json.Number(fmt.Sprint(c.n)) || (c.n == 0) != (age == 0) {
			t.Errorf("%s: in_progress %v, in_progress_oldest_age_s %v; want %d", c.duration, ck["in_progress"], ck["in_progress_oldest_age_s"], c.n)
		}
		if c.n > 0 && c.text != fmt.Sprintf(", %d in progress (for %s)", c.n, human.Seconds(age)) {
			t.Errorf("%s: oldest %gs, the text says %q", c.duration, age, c.text)
		}
		_, text, _ := cli(t, args...)
		if line := regexp.MustCompile(`checkpoints +\d+ completed, \d+ failed \(\d+ expired\)(?:, \d+ failed before they started \(not all tasks running\))?([^;]*);`).FindStringSubmatch(text); line == nil || line[1] != c.text {
			t.Errorf("%s: printed %v, want %q", c.duration, line, c.text)
		}
		res, err := result.ReadDir(filepath.Join(dir, "base"))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := printCompareJSON(&b, "s", "d", nil, []runResult{{name: "base", res: res}}); err != nil {
			t.Fatal(err)
		}
		var cmp struct{ Rows []map[string]any }
		jsonDoc(t, b.String(), &cmp)
		if got := cmp.Rows[0]["checkpoints_in_progress"]; got != json.Number(fmt.Sprint(c.n)) {
			t.Errorf("%s: compare's checkpoints_in_progress %v, want %d", c.duration, got, c.n)
		}
	}
}

// TestCompareCellsThatDoNotApply: compare.csv leaves a cell empty, and
// compare -o json gives null, where the text table prints "-": the
// checkpoint columns of a run without checkpointing (the slowest checkpoint
// also of one where none completed), the p99 latency when no record reached
// a sink, the window columns without windows (the late shares also when
// the windows took no record), the sink columns without sinks (the commit
// latencies also when no record was seen), the sustainable input rate when
// nothing bounds it, the skew without a keyed operator. Restarts apply to
// every run.
func TestCompareCellsThatDoNotApply(t *testing.T) {
	bare := &result.Result{Summary: result.Summary{Verdict: result.Verdict{Outcome: "stable"},
		Restarts: &result.RestartSummary{Restarts: 2, DowntimeS: 5}}}
	idle := &result.Result{Summary: result.Summary{Verdict: result.Verdict{Outcome: "timeouts"},
		Checkpoints: &result.CheckpointSummary{Failed: 3, Restarts: 1}, Windows: []result.WindowSummary{{}}, Sinks: []result.SinkSummary{{}}}}
	full := &result.Result{Summary: result.Summary{Verdict: result.Verdict{Outcome: "stable"},
		Checkpoints:         &result.CheckpointSummary{Completed: 4, DurationS: result.Quantiles{Max: 1.5}, MaxCheckpointAgeS: 30},
		Windows:             []result.WindowSummary{{RecordsIn: 100, LateDropped: 5}},
		Sinks:               []result.SinkSummary{{ReadCommitted: result.SinkView{Once: 10}}},
		SustainableInputRPS: 50000, Skew: []result.SkewSummary{{Ratio: 1.1}, {Ratio: 2.5}}}}
	full.Summary.Records.Sink = 10
	runs := []runResult{{name: "bare", res: bare}, {name: "idle", res: idle}, {name: "full", res: full}}
	var b strings.Builder
	if err := printCompareJSON(&b, "s", "d", nil, runs); err != nil {
		t.Fatal(err)
	}
	var c struct{ Rows []map[string]any }
	jsonDoc(t, b.String(), &c)
	ckpt := []string{"checkpoints_completed", "checkpoints_failed", "checkpoint_duration_max_s", "upload_bandwidth_bytes_per_s",
		"max_checkpoint_age_s", "persisted_max_bytes", "checkpoints_in_progress"}
	windows := []string{"late_dropped_share", "late_side_output_share", "window_result_p50_s", "window_state_peak_bytes", "watermark_lag_max_s"}
	sinks := []string{"records_lost", "commit_latency_p50_s", "commit_latency_max_s"}
	null := map[string][]string{
		"bare": append(append(append([]string{"latency_p99_s", "sustainable_input_rps", "skew"}, ckpt...), windows...), sinks...),
		"idle": {"checkpoint_duration_max_s", "latency_p99_s", "late_dropped_share", "late_side_output_share", "commit_latency_p50_s", "commit_latency_max_s",
			"sustainable_input_rps", "skew"},
		"full": nil,
	}
	for _, row := range c.Rows {
		name := row["variant"].(string)
		for col, v := range row {
			if want := slices.Contains(null[name], col); (v == nil) != want {
				t.Errorf("%s: %s is %v, want null: %v", name, col, v, want)
			}
		}
	}
	if got := c.Rows[0]["restarts"]; got != json.Number("2") {
		t.Errorf("bare: restarts %v, want its 2 restarts without checkpointing", got)
	}
	// The columns the text table and compare.md show are in it too: the
	// sustainable input rate, and the most skewed keyed operator's ratio.
	if got := c.Rows[2]; got["sustainable_input_rps"] != json.Number("50000") || got["skew"] != json.Number("2.5") {
		t.Errorf("full: sustainable_input_rps %v, skew %v; want 50000 and 2.5", got["sustainable_input_rps"], got["skew"])
	}
}

// TestRunJSONTaskThatNeverRan: a task that failed as it was deployed, every
// time (sink-exactly-once's kafka-default-timeouts), has no task metrics,
// as in Flink, whose REST gives its vertex no backpressure level: the
// printed table shows "-", and summary.json and -o json write its time
// metrics and backpressure as null with never_ran, not 0/0/0 and "OK".
func TestRunJSONTaskThatNeverRan(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := cli(t, "run", "sink-exactly-once", "--variant", "kafka-default-timeouts", "--no-plots", "-o", "json", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Runs []struct {
			Summary struct {
				Operators []map[string]any
			}
		}
	}
	jsonDoc(t, out, &doc)
	file, err := os.ReadFile(filepath.Join(dir, "kafka-default-timeouts", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var written struct{ Operators []map[string]any }
	if err := json.Unmarshal(file, &written); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 || len(doc.Runs[0].Summary.Operators) == 0 {
		t.Fatalf("runs: %s", out)
	}
	for name, ops := range map[string][]map[string]any{"-o json": doc.Runs[0].Summary.Operators, "summary.json": written.Operators} {
		for _, o := range ops {
			if o["never_ran"] != true {
				t.Errorf("%s: %v: never_ran %v, want true", name, o["name"], o["never_ran"])
			}
			for _, k := range []string{"busy_ms_per_s", "backpressured_ms_per_s", "idle_ms_per_s",
				"max_subtask_busy_ms_per_s", "max_subtask_backpressured_ms_per_s", "backpressure"} {
				if v, ok := o[k]; !ok || v != nil {
					t.Errorf("%s: %v: %s = %v (present %v), want null", name, o["name"], k, v, ok)
				}
			}
		}
	}
	back, err := result.ReadDir(filepath.Join(dir, "kafka-default-timeouts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range back.Summary.Operators {
		if o.Ran() {
			t.Errorf("%s read back as a task that ran: %+v", o.Name, o)
		}
	}
}
