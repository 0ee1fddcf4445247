package main

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flinksim/flinksim/result"
)

// promtool is Prometheus' promtool (ciTool).
func promtool(t *testing.T) string {
	t.Helper()
	return ciTool(t, "promtool")
}

// ciTool is the path of a program of the Debian package prometheus, or the
// test is skipped without it; in CI (CI=true), whose .ci/run installs the
// package, it fails instead.
func ciTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not on PATH (CI installs the Debian package prometheus: .ci/run)", name)
		}
		t.Skipf("%s is not on PATH (apt-get install prometheus)", name)
	}
	return p
}

var dumpLine = regexp.MustCompile(`^\{.*\} (\S+) (\d+)$`)

// TestOpenMetricsLoadsIntoPrometheus: the metrics.om.txt of a run with
// --openmetrics backfills
// into a Prometheus TSDB (promtool tsdb create-blocks-from openmetrics), and
// series read back from the blocks (promtool tsdb dump --match) hold the
// values and times the run recorded in metrics.csv, at --start-time.
func TestOpenMetricsLoadsIntoPrometheus(t *testing.T) {
	tool := promtool(t)
	t.Parallel() // a whole run in its own directory
	out := filepath.Join(t.TempDir(), "out")
	code, _, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "--variant", "base", "--duration", "2m", "--no-plots",
		"--openmetrics", "--start-time", "2030-06-01T12:00:00+02:00", "--out", out)
	if code != 0 {
		t.Fatal(errs)
	}
	dir := filepath.Join(out, "base")
	res, err := result.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkMetricsLint(t, tool, filepath.Join(dir, result.FileOpenMetrics))
	db := filepath.Join(t.TempDir(), "tsdb")
	if b, err := exec.Command(tool, "tsdb", "create-blocks-from", "openmetrics", filepath.Join(dir, result.FileOpenMetrics), db).CombinedOutput(); err != nil {
		t.Fatalf("create-blocks-from openmetrics: %v\n%s", err, b)
	}
	if err := os.MkdirAll(filepath.Join(db, "wal"), 0o755); err != nil { // dump opens the blocks as a database
		t.Fatal(err)
	}
	start := time.Date(2030, 6, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	for _, c := range []struct {
		match      string
		op, metric string
		sub        int
	}{
		{`{__name__="flink_taskmanager_job_task_operator_numRecordsInPerSecond",operator_name="count",subtask_index="1"}`,
			"count", result.MetricRecordsIn, 1},
		{`{__name__="flink_taskmanager_job_task_backPressuredTimeMsPerSecond",task_name="Source:_events",subtask_index="0"}`,
			"Source: events", result.MetricBackPressured, 0}, // a task metric, under the task's name
		{`{__name__="flink_jobmanager_job_lastCheckpointDuration",job_name="ckpt_variants"}`,
			result.JobOperator, result.MetricLastCkptDuration, -1},
	} {
		// the samples with a value: metrics.om.txt has none where
		// metrics.csv has no row (the last, at the TaskManager's loss at
		// 2 min, for the subtask it ran)
		var want, at []float64
		for _, s := range res.Series {
			if s.Operator == c.op && s.Metric == c.metric && s.Subtask == c.sub {
				for i, v := range s.Values {
					if result.HasValue(v) {
						want, at = append(want, v), append(at, res.Times[i])
					}
				}
			}
		}
		b, err := exec.Command(tool, "tsdb", "dump", "--match", c.match, db).Output()
		if err != nil {
			t.Fatalf("dump %s: %v", c.match, err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(want) == 0 || len(lines) != len(want) {
			t.Fatalf("%s: %d samples in the TSDB, %d recorded", c.match, len(lines), len(want))
		}
		for i, l := range lines {
			m := dumpLine.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("%s: unexpected dump line %q", c.match, l)
			}
			v, _ := strconv.ParseFloat(m[1], 64)
			ts, _ := strconv.ParseInt(m[2], 10, 64)
			wantTS := start + int64(math.Round(at[i]*1000))
			// metrics.csv and metrics.om.txt are exact: the very value
			if v != want[i] || ts != wantTS {
				t.Errorf("%s sample %d: %v at %d, recorded %v at %d", c.match, i, v, ts, want[i], wantTS)
			}
		}
	}
}

// TestOpenMetricsOnlyWhenAsked: metrics.om.txt is written with --openmetrics
// only (it is several times metrics.csv's size), and the same seed gives
// the same bytes.
func TestOpenMetricsOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want bool
	}{{"plain", nil, false}, {"a", []string{"--openmetrics"}, true}, {"b", []string{"--openmetrics"}, true}} {
		out := filepath.Join(dir, c.name)
		args := append([]string{"run", "testdata/tiny.yaml", "--duration", "20s", "--no-plots", "--out", out}, c.args...)
		if code, _, errs := cli(t, args...); code != 0 {
			t.Fatal(errs)
		}
		_, err := os.Stat(filepath.Join(out, result.FileOpenMetrics))
		if (err == nil) != c.want {
			t.Errorf("%v: metrics.om.txt written: %v, want %v", c.args, err == nil, c.want)
		}
	}
	a, _ := os.ReadFile(filepath.Join(dir, "a", result.FileOpenMetrics))
	b, _ := os.ReadFile(filepath.Join(dir, "b", result.FileOpenMetrics))
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("two runs of one seed wrote different OpenMetrics (%d and %d bytes)", len(a), len(b))
	}
}

// checkMetricsLint runs promtool check metrics (promlint) on the file as
// it is: its whole-second timestamps in plain decimal parse as the classic
// text format's, and "# EOF" as a comment. The one finding allowed is
// camelCase names: Flink's PrometheusReporter names its metrics so
// (numRecordsInPerSecond), as a scrape of a real job shows.
func checkMetricsLint(t *testing.T, tool, file string) {
	t.Helper()
	in, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := exec.Command(tool, "check", "metrics")
	cmd.Stdin = in
	out, _ := cmd.CombinedOutput()
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" && !strings.HasSuffix(l, "metric names should be written in 'snake_case' not 'camelCase'") {
			t.Errorf("promtool check metrics: %s", l)
		}
	}
}

// TestDebloatingMetricsInOutputs: a run with buffer debloating
// (backpressure-checkpoints' debloating variant) writes its gauges to
// metrics.csv under the identifiers Flink lists below a task
// (Shuffle.Netty.Input.0.debloatedBufferSize) and to metrics.om.txt as
// PrometheusReporter names them, with the task's labels and the same
// values; a run without debloating has neither.
func TestDebloatingMetricsInOutputs(t *testing.T) {
	t.Parallel() // whole runs in their own directories
	out := filepath.Join(t.TempDir(), "out")
	code, _, errs := cli(t, "run", "backpressure-checkpoints", "--variant", "debloating", "--variant", "base", "--duration", "30s", "--no-plots",
		"--openmetrics", "--out", out)
	if code != 0 {
		t.Fatal(errs)
	}
	for _, c := range []struct {
		variant, metric, family string
	}{
		{"debloating", result.InputGateMetric(0, result.MetricDebloatedBufferSize),
			"flink_taskmanager_job_task_Shuffle_Netty_Input_0_debloatedBufferSize"},
		{"debloating", result.InputGateMetric(0, result.MetricEstimatedTimeToConsume),
			"flink_taskmanager_job_task_Shuffle_Netty_Input_0_estimatedTimeToConsumeBuffersMs"},
		{"debloating", result.MetricEstimatedTimeToConsume, "flink_taskmanager_job_task_estimatedTimeToConsumeBuffersMs"},
	} {
		dir := filepath.Join(out, c.variant)
		res, err := result.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var want []float64
		for _, s := range res.Series {
			if s.Operator == "Sink: api" && s.Subtask == 3 && s.Metric == c.metric {
				want = s.Values
			}
		}
		om, err := os.ReadFile(filepath.Join(dir, result.FileOpenMetrics))
		if err != nil {
			t.Fatal(err)
		}
		prefix := c.family + `{job_id="` + result.VertexID("job "+res.Summary.Scenario) + `",job_name="backpressure_checkpoints_debloating",` +
			`subtask_index="3",task_id="` + result.VertexID("Sink: api") + `",task_name="Sink:_api",tm_id="taskmanager_0"} `
		var got []float64
		for _, l := range strings.Split(string(om), "\n") {
			if rest, ok := strings.CutPrefix(l, prefix); ok {
				v, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
				got = append(got, v)
			}
		}
		if len(want) == 0 || len(got) != len(want) {
			t.Fatalf("%s: %d samples of %s[3] in metrics.csv, %d of %s... in metrics.om.txt", c.variant, len(want), c.metric, len(got), prefix)
		}
		for i := range want {
			if got[i] != want[i] { // both files are exact
				t.Errorf("%s sample %d: %v in metrics.om.txt, %v in metrics.csv", c.family, i, got[i], want[i])
			}
		}
	}
	for _, f := range []string{"metrics.csv", result.FileOpenMetrics} {
		b, err := os.ReadFile(filepath.Join(out, "base", f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), result.MetricDebloatedBufferSize) || strings.Contains(string(b), result.MetricEstimatedTimeToConsume) {
			t.Errorf("base (no debloating): %s names debloating's gauges", f)
		}
	}
}
