package models_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/scenarios"
)

// footprintJob is a keyBy between two operators of parallelism p, behind a
// source twice as fast as the sink: every channel fills to its most buffers,
// the worst case for memory per channel.
func footprintJob(t testing.TB, p int, duration string) models.Spec {
	t.Helper()
	y := fmt.Sprintf(`name: footprint
duration: %s
flink: {parallelism.default: %d, execution.buffer-timeout.interval: 100ms}
simulation: {sample-interval: 1s}
sources: [{name: src, partitions: %d, rate: 200k/s, record-size: 100B}]
operators:
  - {name: a, cost: 1us}
  - {name: b, key-by: k, keys: 100k, cost: 1us, chaining: false}
sinks: [{name: out, capacity: 100k/s, chaining: false}]
`, duration, p, p)
	l, err := scenarios.Load("footprint.yaml", []byte(y), nil)
	if err != nil {
		t.Fatal(err)
	}
	return l.Spec
}

// heapOfRun is the live heap a finished run holds (the simulation and its
// result), and what the simulation held when built, before running,
// measured after garbage collection.
func heapOfRun(t testing.TB, spec models.Spec) (run, built int64) {
	var before, mid, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s, err := models.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&mid)
	res, err := s.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	runtime.KeepAlive(res)
	return int64(after.HeapAlloc) - int64(before.HeapAlloc), int64(mid.HeapAlloc) - int64(before.HeapAlloc)
}

// TestFootprintConstants measures what a run holds per subtask-sample (one
// job over two durations) and per channel and per subtask (three
// parallelisms: channels grow as p², subtasks as p), when built and at the
// end of a run whose channels are full, and checks that EstimateFootprint
// lies between those heaps (within twice the measured, so a refusal has a
// reason).
func TestFootprintConstants(t *testing.T) {
	models.SingleGoroutine(t)
	if testing.Short() {
		t.Skip("measures heaps of several runs")
	}
	short, long := footprintJob(t, 8, "20s"), footprintJob(t, 8, "200s")
	gs, _ := heapOfRun(t, short)
	gl, _ := heapOfRun(t, long)
	es, el := models.EstimateFootprint(short), models.EstimateFootprint(long)
	perSample := float64(gl-gs) / float64(el.Subtasks*(el.Samples-es.Samples))
	// heap − samples = base + perChannel·channels + perSubtask·subtasks.
	var full, built [3][4]float64
	type check struct {
		name          string
		heap, est     int64
		built, minEst int64
	}
	var checks []check
	for i, p := range []int{8, 40, 100} {
		spec := footprintJob(t, p, "10s")
		h, b := heapOfRun(t, spec)
		f := models.EstimateFootprint(spec)
		full[i] = [4]float64{1, float64(f.Channels), float64(f.Subtasks), float64(h) - perSample*float64(f.Subtasks*f.Samples)}
		built[i] = [4]float64{1, float64(f.Channels), float64(f.Subtasks), float64(b)}
		checks = append(checks, check{fmt.Sprintf("p=%d", p), h, f.Bytes - f.KafkaRuns*models.FootprintPerKafkaRun, b, f.MinBytes})
	}
	x, y := solve3(full), solve3(built)
	t.Logf("measured at the end: %.0f B per channel, %.0f B per subtask, %.0f B base, %.0f B per subtask-sample (estimate.go: %d, %d, %d, %d)",
		x[1], x[2], x[0], perSample, models.FootprintPerChannel, models.FootprintPerSubtask, models.FootprintBase, models.FootprintPerSubtaskSample)
	t.Logf("measured when built: %.0f B per channel, %.0f B per subtask, %.0f B base (estimate.go: %d, %d)",
		y[1], y[2], y[0], models.FootprintPerChannelBuilt, models.FootprintPerSubtaskBuilt)
	checks = append(checks, check{"200s", gl, el.Bytes - el.KafkaRuns*models.FootprintPerKafkaRun, 0, 0})
	if models.KafkaRunSize != models.FootprintPerKafkaRun {
		t.Errorf("a Kafka log's run is %d B, estimate.go says %d", models.KafkaRunSize, models.FootprintPerKafkaRun)
	}
	for _, c := range checks {
		if c.est < c.heap || c.est > 2*c.heap+2<<20 {
			t.Errorf("%s: estimate %d B at the end, measured %d B: the constants in estimate.go need measuring again", c.name, c.est, c.heap)
		}
		if c.minEst < c.built || c.minEst > 2*c.built+2<<20 {
			t.Errorf("%s: estimate %d B when built, measured %d B: the constants in estimate.go need measuring again", c.name, c.minEst, c.built)
		}
	}
}

// solve3 solves a 3×3 linear system given as an augmented matrix.
func solve3(a [3][4]float64) [3]float64 {
	for c := 0; c < 3; c++ {
		p := c
		for r := c + 1; r < 3; r++ {
			if abs(a[r][c]) > abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < 3; r++ {
			if r != c {
				f := a[r][c] / a[c][c]
				for k := c; k < 4; k++ {
					a[r][k] -= f * a[c][k]
				}
			}
		}
	}
	return [3]float64{a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// TestFootprintCountsKafkaLogs: a job that can fail over keeps what its
// Kafka sources read for a replay, and a job that falls behind keeps what
// it has not read: the logs fill up to their bound (2^18 runs a source),
// which the estimate counts. sink-exactly-once (a TaskManager lost twice)
// holds more than its channels, subtasks and samples, and no more than the
// estimate with its logs.
func TestFootprintCountsKafkaLogs(t *testing.T) {
	models.SingleGoroutine(t)
	if testing.Short() {
		t.Skip("measures the heap of a whole run")
	}
	b, err := scenarios.LookupBuiltIn("sink-exactly-once")
	if err != nil {
		t.Fatal(err)
	}
	l, err := scenarios.Load(b.Name, b.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := models.EstimateFootprint(l.Spec)
	heap, _ := heapOfRun(t, l.Spec)
	logs := f.KafkaRuns * models.FootprintPerKafkaRun
	t.Logf("heap %d B; estimate %d B, of which Kafka logs %d B", heap, f.Bytes, logs)
	if heap <= f.Bytes-logs || heap > f.Bytes+f.Bytes/4 {
		t.Errorf("heap %d B: want above the estimate without its Kafka logs (%d B) and at most a quarter over the estimate with them (%d B)", heap, f.Bytes-logs, f.Bytes)
	}
}

// TestFootprintCountsCheckpoints: every checkpoint of a run is kept to its
// end with its tasks' stats, so the estimate grows by them: a job of five
// nodes checkpointing every second for 2 h holds 7200, and what they add
// to the heap (against the same job without checkpoints) lies between
// half the estimate's checkpoint part and that part.
func TestFootprintCountsCheckpoints(t *testing.T) {
	models.SingleGoroutine(t)
	if testing.Short() {
		t.Skip("measures the heap of whole runs")
	}
	job := func(ck string) models.Spec {
		y := fmt.Sprintf(`name: ck
duration: 2h
flink: {parallelism.default: 2%s}
sources: [{name: s, kind: kafka, partitions: 2, rate: 1/s}]
operators:
  - {name: a, key-by: k, keys: 100, cost: 10us}
  - {name: b, cost: 1us, chaining: false}
  - {name: c, cost: 1us, chaining: false}
sinks: [{name: o}]
`, ck)
		l, err := scenarios.Load("ck.yaml", []byte(y), nil)
		if err != nil {
			t.Fatal(err)
		}
		return l.Spec
	}
	with, without := job(", execution.checkpointing.interval: 1s"), job("")
	hw, _ := heapOfRun(t, with)
	ho, _ := heapOfRun(t, without)
	fw, fo := models.EstimateFootprint(with), models.EstimateFootprint(without)
	added, est := hw-ho, fw.Bytes-fo.Bytes
	t.Logf("%d checkpoints: %d B more heap (%.0f B each), estimated %d B", fw.Checkpoints, added, float64(added)/float64(fw.Checkpoints), est)
	if fw.Checkpoints != 7201 || added <= est/2 || added > est {
		t.Errorf("%d checkpoints estimated (want 7201); %d B more heap, want within the estimate's %d B and above half of it", fw.Checkpoints, added, est)
	}
}
