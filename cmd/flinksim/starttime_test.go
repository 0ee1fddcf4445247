package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flinksim/flinksim/result"
)

// TestStartTimeRefusesBadValues: --start-time takes RFC 3339 only, from the
// Unix epoch on (Flink's and Prometheus' timestamps count from it), and says
// so at the flag (exit 2) before anything runs.
func TestStartTimeRefusesBadValues(t *testing.T) {
	for _, v := range []string{"", "tomorrow", "2026-01-01", "2026-01-01 00:00:00", "1767225600", "0001-01-01T00:00:00Z", "1969-12-31T23:59:30Z"} {
		for _, cmd := range []string{"run", "compare"} {
			dir := filepath.Join(t.TempDir(), "out")
			code, _, stderr := cli(t, cmd, "testdata/tiny.yaml", "--out", dir, "--start-time", v)
			if code != exitScenario || !strings.HasPrefix(stderr, "--start-time: ") || !strings.HasSuffix(stderr, "\nflinksim: 1 problem in the flags\n") {
				t.Errorf("%s --start-time %q: exit %d, stderr %q; want 2 and a --start-time: message", cmd, v, code, stderr)
			}
			// A well-formed time is refused for being before 1970, not
			// as malformed (year 1 is Go's zero time).
			if early := strings.HasPrefix(v, "0001") || strings.HasPrefix(v, "1969"); early != strings.Contains(stderr, "before the Unix epoch") {
				t.Errorf("%s --start-time %q: %q", cmd, v, stderr)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%s --start-time %q wrote outputs", cmd, v)
			}
		}
	}
}

// TestStartTimeShiftsTimestampsOnly: --start-time moves checkpoints.json's
// timestamps by exactly its distance from the default and changes nothing
// else the run produced; reading either run back gives the same
// checkpoints in virtual time.
func TestStartTimeShiftsTimestampsOnly(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs of one variant without plots, on one goroutine; make test runs this test without -race")
	}
	t.Parallel() // whole runs in their own directories
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	args := []string{"run", "testdata/ckpt-variants.yaml", "--variant", "base", "--duration", "2m", "--no-plots"}
	if code, _, errs := cli(t, append(args, "--out", a)...); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := cli(t, append(args, "--out", b, "--start-time", "2030-06-01T12:00:00.5+02:00")...); code != 0 {
		t.Fatal(errs)
	}
	a, b = filepath.Join(a, "base"), filepath.Join(b, "base") // a scenario with variants
	want := time.Date(2030, 6, 1, 10, 0, 0, 5e8, time.UTC)
	shift := want.UnixMilli() - result.DefaultStartTime.UnixMilli()
	ra, err := result.ReadDir(a)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := result.ReadDir(b)
	if err != nil {
		t.Fatal(err)
	}
	if ra.Summary.StartTime != "2026-01-01T00:00:00Z" || rb.Summary.StartTime != "2030-06-01T10:00:00.5Z" {
		t.Errorf("start_time %q and %q", ra.Summary.StartTime, rb.Summary.StartTime)
	}
	if len(ra.Checkpoints) == 0 || len(ra.Checkpoints) != len(rb.Checkpoints) {
		t.Fatalf("%d and %d checkpoints read back", len(ra.Checkpoints), len(rb.Checkpoints))
	}
	for i, c := range ra.Checkpoints {
		if d := rb.Checkpoints[i]; c.ID != d.ID || c.Trigger != d.Trigger || c.LatestAck != d.LatestAck || c.Duration != d.Duration {
			t.Errorf("checkpoint %d read back at %v (ack %v) and %v (ack %v)", c.ID, c.Trigger, c.LatestAck, d.Trigger, d.LatestAck)
		}
	}
	triggers := func(dir string) []int64 {
		var doc struct {
			History []struct {
				Trigger int64 `json:"trigger_timestamp"`
			} `json:"history"`
		}
		raw, _ := os.ReadFile(filepath.Join(dir, "checkpoints.json"))
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, h := range doc.History {
			out = append(out, h.Trigger)
		}
		return out
	}
	ta, tb := triggers(a), triggers(b)
	for i := range ta {
		if ta[i] < result.DefaultStartTime.UnixMilli() || tb[i]-ta[i] != shift {
			t.Errorf("trigger_timestamp %d and %d: want the second %d ms after the first, both after the start", ta[i], tb[i], shift)
		}
	}
	x, _ := os.ReadFile(filepath.Join(a, "metrics.csv"))
	y, _ := os.ReadFile(filepath.Join(b, "metrics.csv"))
	if !bytes.Equal(x, y) {
		t.Error("metrics.csv depends on --start-time")
	}
}

// TestStartTimeLowerCase: RFC 3339 allows t and z in lower case.
func TestStartTimeLowerCase(t *testing.T) {
	got, err := result.ParseStartTime("2025-06-01t12:00:00z")
	if want := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
}

// TestStartTimeAlignsWindowsToTheEpoch: event-time windows lie on the Unix
// epoch (TimeWindow.getWindowStartWithOffset on a timestamp in Unix ms),
// so a run that starts at :07 has 10 s windows ending 3 s, 13 s, ... into
// it. Records 500 ms old, 10 a second, bound 1 s: the window ending at e
// fires at the 200 ms tick of e + 1.6 s; in a minute from :00 the windows
// up to [40s, 50s) fire with the records of timestamps below 50 s (appended
// up to 50.4 s: 504 of 599), from :07 those up to [43s, 53s) (534).
func TestStartTimeAlignsWindowsToTheEpoch(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs without plots, on one goroutine; make test runs this test without -race")
	}
	t.Parallel()
	file := filepath.Join(t.TempDir(), "w.yaml")
	scenario := `name: w
duration: 1m
flink: {parallelism.default: 1}
sources:
  - {name: src, partitions: 1, rate: 10/s, arrivals: deterministic, event-time: {delay: 500ms, watermark: {out-of-orderness: 1s}}}
operators:
  - {name: win, key-by: k, keys: 1, window: {tumbling: 10s}}
sinks:
  - {name: out}
simulation: {chunk-records: 1}
`
	if err := os.WriteFile(file, []byte(scenario), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		start string
		fired int64
	}{{"2026-01-01T00:00:00Z", 504}, {"2026-01-01T00:00:07Z", 534}} {
		out := filepath.Join(t.TempDir(), "o")
		if code, _, errs := cli(t, "run", file, "--no-plots", "-q", "--out", out, "--start-time", c.start); code != 0 {
			t.Fatal(errs)
		}
		r, err := result.ReadDir(out)
		if err != nil {
			t.Fatal(err)
		}
		w := r.Summary.Windows[0]
		if got := int64(w.FirstFired*float64(w.RecordsIn) + 0.5); w.RecordsIn != 599 || got != c.fired {
			t.Errorf("from %s: %d of %d records in a fired window, want %d of 599", c.start, got, w.RecordsIn, c.fired)
		}
	}
}
