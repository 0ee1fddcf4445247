package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/scenarios"
)

// TestMemoryRefusedBeforeRunning: a job whose structures alone exceed the
// memory limit is refused at once with the reason (channels and subtasks,
// as EstimateFootprint counts them); one that fits only if its channels
// stay empty-ish runs with a warning.
func TestMemoryRefusedBeforeRunning(t *testing.T) {
	// backpressure at parallelism 2000: a keyBy of 2000 × 2000 channels.
	l, err := scenarios.Load("backpressure", mustBuiltIn(t, "backpressure"), []string{"flink.parallelism.default=2000", "duration=10h"})
	if err != nil {
		t.Fatal(err)
	}
	f := models.EstimateFootprint(l.Spec)
	limit := f.MinBytes / 2
	start := time.Now()
	code, _, errs := cli(t, "run", "backpressure", "--set", "flink.parallelism.default=2000", "--duration", "10h",
		"--max-memory", fmt.Sprintf("%dB", limit), "--out", t.TempDir())
	if code != 2 || !strings.Contains(errs, "needs at least") || !strings.Contains(errs, human.Count(float64(f.Channels))+" network channels") {
		t.Errorf("code %d, %q; want 2 and %s channels", code, errs, human.Count(float64(f.Channels)))
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("refusing took %v", took)
	}
	// A small job with a limit between its least and its most: a warning.
	small, _ := scenarios.Load("backpressure", mustBuiltIn(t, "backpressure"), []string{"duration=30s"})
	sf := models.EstimateFootprint(small.Spec)
	mid := (sf.MinBytes + sf.Bytes) / 2
	code, _, errs = cli(t, "run", "backpressure", "--duration", "30s", "--no-plots", "--max-memory", fmt.Sprintf("%dB", mid), "--out", t.TempDir())
	if code != 0 || !strings.Contains(errs, "warning: needs") {
		t.Errorf("between the bounds: code %d, %q", code, errs)
	}
	// plan checks both ends of its range.
	code, _, errs = cli(t, "plan", "backpressure", "--target", "flink.parallelism.default=4..2000", "--duration", "10h", "--for", "stable", "--max-memory", fmt.Sprintf("%dB", limit))
	if code != 2 || !strings.Contains(errs, "flink.parallelism.default=2000 has "+human.Count(float64(f.Channels))+" network channels") {
		t.Errorf("plan: code %d, %q", code, errs)
	}
	for bad, want := range map[string]string{
		"lots": `--max-memory: "lots" is not a size`,
		"10s":  "--max-memory: ",
		"-1GB": `--max-memory: "-1GB" is negative; give a size above 0, e.g. 8GB or 16GiB`,
		"0":    `--max-memory: "0" is not a size above 0`,
	} {
		if code, _, errs := cli(t, "run", "backpressure", "--max-memory", bad, "--out", t.TempDir()); code != 2 || !strings.Contains(errs, want) {
			t.Errorf("--max-memory %s: code %d, %q, want %q", bad, code, errs, want)
		}
	}
}

func mustBuiltIn(t *testing.T, name string) []byte {
	t.Helper()
	b, err := scenarios.LookupBuiltIn(name)
	if err != nil {
		t.Fatal(err)
	}
	return b.Data
}

// TestEstimatePrintedAndHarmless: over the threshold the estimate is printed
// on stderr; the probe changes no byte of the outputs.
func TestEstimatePrintedAndHarmless(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	code, _, errs := cli(t, "run", "backpressure", "--duration", "3m", "--no-plots", "--out", a)
	if code != 0 || strings.Contains(errs, "will take") {
		t.Fatalf("code %d, %q: an estimate under a minute is printed", code, errs)
	}
	defer func(was time.Duration) { etaThreshold = was }(etaThreshold)
	etaThreshold = 0
	code, _, errs = cli(t, "run", "backpressure", "--duration", "3m", "--no-plots", "--out", b)
	if code != 0 || !regexp.MustCompile(`this will take about \S+ \(3min virtual in 1 run, 24 network channels`).MatchString(errs) {
		t.Fatalf("code %d, %q", code, errs)
	}
	wall := regexp.MustCompile(`"(wall_s|events_per_s)": [0-9.e+-]+`)
	for _, f := range []string{"summary.json", "metrics.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if !bytes.Equal(wall.ReplaceAll(x, nil), wall.ReplaceAll(y, nil)) {
			t.Errorf("%s differs", f)
		}
	}
	// The probe beside a run of the same spec objects changes nothing.
	l, _ := scenarios.Load("backpressure", mustBuiltIn(t, "backpressure"), []string{"duration=2m"})
	run := func() []byte {
		s, _ := models.New(l.Spec)
		res, err := s.Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		res.WriteMetricsCSV(&buf)
		return buf.Bytes()
	}
	before := run()
	if _, _, err := probeRun(l.Spec, defaultProbe, true, 1); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, run()) {
		t.Error("a probe of the same spec changed the run")
	}
}

// TestHugeSweepAsks: a sweep of more than 10,000 runs is refused without
// --yes (no terminal to ask on), at once, naming its size, every run
// counted.
func TestHugeSweepAsks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	start := time.Now()
	code, _, errs := cli(t, "sweep", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=1k/s..101k/s/101", "--grid", "sources.events.partitions=1..100/100", "--out", dir)
	if code != 2 || !strings.Contains(errs, "this sweep starts 10100 runs") || !strings.Contains(errs, "--yes") {
		t.Errorf("code %d, %q", code, errs)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("refusing took %v", took)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused sweep left %s: %v", dir, entries(t, dir))
	}
}

// TestHugeCompareAsks: a compare of more than 10,000 runs (variants times
// replicas) is refused as a sweep is, without --yes and no terminal to ask
// on, naming its size and the flags that make fewer; it leaves no outputs.
func TestHugeCompareAsks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cmp")
	code, _, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--variant", "base", "--variant", "unaligned", "--replicas", "5001", "--out", dir)
	if code != 2 || !strings.Contains(errs, "this compare starts 10002 runs") || !strings.Contains(errs, "give --yes to start it, or fewer --replicas or --variant") {
		t.Errorf("code %d, %q", code, errs)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused compare left %s: %v", dir, entries(t, dir))
	}
}

// TestMemoryWarnsOfCheckpoints: a month of checkpoints every second (2.6M,
// each kept to the end) is the most of a tiny job's memory: a limit below
// that warns and names them, and a limit below its least is refused for
// what the least counts (channels and subtasks), not for the checkpoints,
// which may be fewer when they take longer than the interval.
func TestMemoryWarnsOfCheckpoints(t *testing.T) {
	const y = `name: tiny
duration: 720h
flink: {parallelism.default: 2, execution.checkpointing.interval: 1s, execution.checkpointing.storage: jobmanager}
sources: [{name: s, kind: kafka, partitions: 2, rate: 1/s}]
operators: [{name: a, key-by: k, keys: 100, cost: 10us}]
sinks: [{name: o}]
`
	l, err := scenarios.Load("tiny.yaml", []byte(y), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := models.EstimateFootprint(l.Spec)
	if f.Checkpoints != 720*3600+1 || 2*f.CheckpointBytes < f.Bytes {
		t.Fatalf("footprint %+v: want 2.6M checkpoints, most of its bytes", f)
	}
	defer func(f func(int64)) { applyMemoryLimit = f }(applyMemoryLimit)
	applyMemoryLimit = nil // the test's own process keeps its GC
	var errs bytes.Buffer
	if err := checkMemory([]models.Spec{l.Spec}, []string{"base"}, 1, fmt.Sprintf("%dB", f.MinBytes*2), &errs); err != nil ||
		!strings.Contains(errs.String(), human.Count(float64(f.Checkpoints))+" checkpoints (one per interval)") {
		t.Errorf("between the bounds: %v, %q; want a warning naming the checkpoints", err, errs.String())
	}
	errs.Reset()
	err = checkMemory([]models.Spec{l.Spec}, []string{"base"}, 1, fmt.Sprintf("%dB", f.MinBytes/2), &errs)
	if err == nil || strings.Contains(err.Error(), "checkpoints") || !strings.Contains(err.Error(), "network channels") {
		t.Errorf("below the least: %v; want a refusal naming channels and subtasks", err)
	}
}
