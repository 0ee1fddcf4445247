package scenarios

import (
	"math"
	"sync"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

func runBuiltIn(t *testing.T, name string, sets ...string) *result.Result {
	t.Helper()
	b, err := LookupBuiltIn(name)
	if err != nil {
		t.Fatal(err)
	}
	l, err := Load(b.Name, b.Data, sets)
	if err != nil {
		t.Fatal(err)
	}
	return runLoaded(t, l)
}

// runLoaded runs a loaded scenario once for all the tests that ask for the
// same run (the same resolved scenario and variant): the whole runs of
// this package are most of make test's time. Results are shared: read them,
// never change them.
func runLoaded(t *testing.T, l *Loaded) *result.Result {
	t.Helper()
	res, err := sharedResult(l)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// runYAML loads a scenario from its text (file names it in messages) and
// runs it once, for this test alone.
func runYAML(t *testing.T, file, data string) *result.Result {
	t.Helper()
	l, err := Load(file, []byte(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(l, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sharedResult is runLoaded for goroutines other than the test's: it
// returns the error.
func sharedResult(l *Loaded) (*result.Result, error) {
	resolved, err := l.Resolved()
	if err != nil {
		return nil, err
	}
	key := l.Variant + "\x00" + string(resolved)
	runsMu.Lock()
	r, ok := runs[key]
	if !ok {
		r = &sharedRun{}
		runs[key] = r
	}
	runsMu.Unlock()
	r.once.Do(func() { r.res, r.err = Run(l, nil) })
	return r.res, r.err
}

// sharedRun is one run's result, computed once.
type sharedRun struct {
	once sync.Once
	res  *result.Result
	err  error
}

var (
	runsMu sync.Mutex
	runs   = map[string]*sharedRun{}
)

func operator(t *testing.T, res *result.Result, name string) result.OperatorSummary {
	t.Helper()
	for _, o := range res.Summary.Operators {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no operator %q", name)
	return result.OperatorSummary{}
}

// series returns one metric of one operator (subtask -1: the whole operator).
func series(t *testing.T, res *result.Result, op string, sub int, metric string) []float64 {
	t.Helper()
	if v, ok := res.Values(op, sub, metric); ok {
		return v
	}
	t.Fatalf("no series %s[%d] %s", op, sub, metric)
	return nil
}

func within(got, want, rel float64) bool { return math.Abs(got-want) <= rel*want }

// wholeRun skips a test of whole built-in runs under the race detector: a
// run is one goroutine, so the detector finds nothing in it and slows it
// tenfold. make test runs these tests again without -race.
func wholeRun(t *testing.T) {
	t.Helper()
	if raceDetector {
		t.Skip("whole built-in runs: make test runs this test without -race")
	}
}

// TestBackpressureScenario checks what the issue says Flink shows when a sink
// that writes 50k/s sits behind a 100k/s source.
func TestBackpressureScenario(t *testing.T) {
	wholeRun(t)
	res := runBuiltIn(t, "backpressure")
	s := res.Summary
	if !within(s.Throughput.SinkRPS, 50000, 0.02) || !within(s.Throughput.SourceRPS, 50000, 0.02) {
		t.Errorf("source reads %.0f/s and sink writes %.0f/s; both should be ~50k/s", s.Throughput.SourceRPS, s.Throughput.SinkRPS)
	}
	if sink := operator(t, res, "jdbc"); sink.BusyMsPerS < 950 {
		t.Errorf("sink busy %.0f ms/s, want ~1000", sink.BusyMsPerS)
	}
	// Flink's UI grades a vertex by its most backpressured subtask. A writer
	// stops when its pool is empty or one subpartition holds
	// max-buffers-per-channel (10) buffers: enrich writes one subpartition
	// (pool 1×2+8 = 10), so its pool is full; the source writes four keyBy
	// subpartitions (pool 4×2+8 = 16) and stops with at least 10 of 16 in use.
	for _, c := range []struct {
		name    string
		minPool float64
	}{{"clicks", 10.0 / 16}, {"parse", 10.0 / 16}, {"enrich", 0.95}} {
		o := operator(t, res, c.name)
		if o.Backpressure != "HIGH" {
			t.Errorf("%s: backpressure %s (max subtask %.0f ms/s), want HIGH", c.name, o.Backpressure, o.MaxSubtaskBackpressuredMsPerS)
		}
		if u := maxSubtaskMean(t, res, o.Task, o.Parallelism, result.MetricOutPool); u < c.minPool {
			t.Errorf("%s: outPoolUsage %.2f on its fullest subtask, want at least %.2f", c.name, u, c.minPool)
		}
	}
	// Kafka lag grows by ~50k records every second.
	if growth := float64(s.Records.SourceLag) / s.VirtualDurationS; !within(growth, 50000, 0.03) {
		t.Errorf("lag grows %.0f/s, want ~50k/s", growth)
	}
	// Latency grows from milliseconds to minutes.
	p50 := series(t, res, "jdbc", -1, result.MetricLatencyP50)
	if p50[0] > 5000 || p50[len(p50)-1] < 10*60*1000 {
		t.Errorf("latency p50 goes from %.0f ms to %.0f ms; want seconds at first and over 10 minutes at the end", p50[0], p50[len(p50)-1])
	}
}

// TestBackpressureScaledSink: with a sink that keeps up, all of it disappears.
func TestBackpressureScaledSink(t *testing.T) {
	wholeRun(t)
	res := runBuiltIn(t, "backpressure-scaled-sink")
	s := res.Summary
	if !within(s.Throughput.SinkRPS, 100000, 0.01) || !within(s.Throughput.SourceRPS, 100000, 0.01) {
		t.Errorf("source %.0f/s, sink %.0f/s, want ~100k/s", s.Throughput.SourceRPS, s.Throughput.SinkRPS)
	}
	for _, o := range s.Operators {
		if o.Backpressure != "OK" {
			t.Errorf("%s: backpressure %s (%.0f ms/s)", o.Name, o.Backpressure, o.MaxSubtaskBackpressuredMsPerS)
		}
	}
	if sink := operator(t, res, "jdbc"); !within(sink.BusyMsPerS, 1000*100000/150000.0, 0.03) {
		t.Errorf("sink busy %.0f ms/s, want ~667 (100k/s of 150k/s)", sink.BusyMsPerS)
	}
	if s.SourceLagMax > 100000 {
		t.Errorf("lag reached %d records; it should stay near zero", s.SourceLagMax)
	}
	if s.LatencyS.P99 > 1 {
		t.Errorf("latency p99 %.3fs, want milliseconds", s.LatencyS.P99)
	}
}

// maxSubtaskMean is the largest, over subtasks, of a metric's mean over the
// second half of the run.
func maxSubtaskMean(t *testing.T, res *result.Result, op string, p int, metric string) float64 {
	best := 0.0
	for sub := 0; sub < p; sub++ {
		v := series(t, res, op, sub, metric)
		half := v[len(v)/2:]
		sum := 0.0
		for _, x := range half {
			sum += x
		}
		best = max(best, sum/float64(len(half)))
	}
	return best
}

func runVariant(t *testing.T, name, variant string) *result.Result {
	t.Helper()
	b, err := LookupBuiltIn(name)
	if err != nil {
		t.Fatal(err)
	}
	l, err := LoadVariant(b.Name, b.Data, nil, variant)
	if err != nil {
		t.Fatal(err)
	}
	return runLoaded(t, l)
}

// TestCheckpointDeathSpiralScenario checks the spiral from its mechanisms.
// At 1M events/s a subtask puts 125k × 100 B a second into RocksDB, a
// 64 MiB memtable of distinct keys every few seconds, and each flushed
// file calls for compaction into every level (result.Leveled). An
// incremental checkpoint uploads the live files written since the last:
// level 0's not yet compacted (1 to the 4 a compaction merges) and, of
// each deeper level, what the interval wrote into it, at most the level.
// Over two 85 MB/s connections, a request latency per round of two
// 64 MiB files, before the spike each takes
// U/170 MB/s + ⌈U/64 MiB/2⌉·0.1 s + the sync phase on average.
// Compaction runs when 4 level-0 files wait and writes their share of
// every level at once, so one checkpoint's upload is off that mean by at
// most one such lump, and the mean of n checkpoints' sizes is the 8
// subtasks' U within 8 lumps over n. Under the spike the job processes at
// its CPU bound, compaction rewrites more of each level per interval, and
// checkpoints outlast the 1 min timeout: they expire, failovers follow and
// the lag never returns to zero. With Flink's default timeout of 10 min
// the same checkpoints complete (the slowest past 1 min): stable; so with
// Flink's default of 4 transfer threads, which upload them within it.
func TestCheckpointDeathSpiralScenario(t *testing.T) {
	wholeRun(t)
	if testing.Short() {
		t.Skip("two virtual hours at 1M events/s")
	}
	b, err := LookupBuiltIn("checkpoint-death-spiral")
	if err != nil {
		t.Fatal(err)
	}
	l, err := LoadVariant(b.Name, b.Data, nil, BaseName)
	if err != nil {
		t.Fatal(err)
	}
	res := runLoaded(t, l)
	c := res.Summary.Checkpoints
	interval, timeout := 30*sim.Second, sim.Minute
	if ck := l.Spec.Checkpointing; ck.Interval != interval || ck.Timeout != timeout {
		t.Fatalf("the case needs a 30 s interval and a 1 min timeout, has %v and %v", ck.Interval, ck.Timeout)
	}
	u, lumpBytes := liveUploadPerInterval(t, l, interval)
	expired := checkBeforeSpike(t, res, u, lumpBytes, timeout)
	if expired == 0 || c.Expired != expired || c.Restarts == 0 {
		t.Errorf("expired %d (summary %d), restarts %d: want expiries at the 1 min timeout and failovers", expired, c.Expired, c.Restarts)
	}
	if c.Verdict.Outcome != result.PhaseFailoverLoop {
		t.Errorf("verdict %q (%s), want %q", c.Verdict.Outcome, c.Verdict.Why, result.PhaseFailoverLoop)
	}
	lag := series(t, res, "events", -1, result.MetricPending)
	spikeEnd := 55 * 60.0
	for i, ts := range res.Times {
		if ts > spikeEnd && lag[i] < 60*1e6 {
			t.Errorf("lag %.0f at %.0fs: the base run should never catch up after the spike", lag[i], ts)
			break
		}
	}

	def := runVariant(t, "checkpoint-death-spiral", "default-timeout")
	var slowest sim.Time
	for _, h := range def.Checkpoints {
		if h.Status == "COMPLETED" {
			slowest = max(slowest, h.Duration)
		}
	}
	if dc := def.Summary.Checkpoints; dc.Verdict.Outcome != result.PhaseStable || dc.Restarts != 0 || slowest <= timeout {
		t.Errorf("default-timeout: %s, %d restarts, slowest checkpoint %v; want stable with checkpoints past the base's 1 min timeout", dc.Verdict.Outcome, dc.Restarts, slowest)
	}
	more := runVariant(t, "checkpoint-death-spiral", "more-transfer-threads")
	mc := more.Summary.Checkpoints
	if mc.Verdict.Outcome != result.PhaseStable || mc.Restarts != 0 {
		t.Errorf("more-transfer-threads: %s, %d restarts; want stable", mc.Verdict.Outcome, mc.Restarts)
	}
}

// liveUploadPerInterval is what a subtask of the death spiral uploads per
// interval at 1M events/s on average (TestCheckpointDeathSpiralScenario),
// and one compaction's lump of it.
func liveUploadPerInterval(t *testing.T, l *Loaded, interval sim.Time) (u, lumpBytes float64) {
	t.Helper()
	lsm := l.Spec.Checkpointing.LSM
	lv := result.Leveled{WriteAmplification: lsm.WriteAmplification, LevelBase: float64(lsm.LevelBase),
		LevelMultiplier: lsm.LevelMultiplier, L0CompactionFiles: float64(lsm.L0CompactionFiles)}
	state := 1e10 / 8 * 100 // a subtask's bytes
	file := float64(lsm.WriteBufferSize)
	files := 1e6 / 8 * 100 * interval.Seconds() / file // flushed per interval
	perFile := lv.CompactionByLevel(file, 0, state)
	sizes := lv.Sizes(state)
	// level 0: a checkpoint falls anywhere between compactions, so 1 to 4
	// files wait, 2.5 on average (the interval flushes more than 4)
	if files <= lv.L0CompactionFiles {
		t.Fatalf("the case needs more than %g flushes per interval, has %.2f", lv.L0CompactionFiles, files)
	}
	u, lumpBytes = (lv.L0CompactionFiles+1)/2*file, lv.L0CompactionFiles*file
	for i, w := range perFile {
		u += math.Min(files*w, sizes[i])
		lumpBytes += lv.L0CompactionFiles * w
	}
	return u, lumpBytes
}

// checkBeforeSpike checks the death spiral's checkpoints before its spike
// against a subtask's mean upload u, each within a compaction's lump, and
// counts those that expired at the timeout.
func checkBeforeSpike(t *testing.T, res *result.Result, u, lumpBytes float64, timeout sim.Time) (expired int) {
	t.Helper()
	want := u/(2*85e6) + math.Ceil(u/(64<<20)/2)*0.1 + 0.1
	lump := lumpBytes / (2 * 85e6) // one compaction's upload, s
	beforeSpike, sum := 0, 0.0
	for _, h := range res.Checkpoints {
		switch {
		case h.Status == "COMPLETED" && h.Trigger > 2*sim.Minute && h.Trigger+h.Duration < 25*sim.Minute:
			beforeSpike++
			got := h.Duration.Seconds()
			sum += float64(h.Checkpointed)
			if math.Abs(got-want) > lump+1 { // the run's time resolution: 1 s
				t.Errorf("checkpoint %d took %.1fs before the spike, want %.1fs ± %.1fs (a compaction's upload)", h.ID, got, want, lump)
			}
		case h.Status == "FAILED" && h.Duration == timeout:
			expired++
		}
	}
	if beforeSpike < 20 {
		t.Errorf("%d checkpoints completed before the spike, want 20 or more", beforeSpike)
	} else if mean := sum / float64(beforeSpike); math.Abs(mean-8*u) > 8*lumpBytes/float64(beforeSpike) {
		t.Errorf("checkpoints before the spike uploaded %.4g bytes on average, want the 8 subtasks' live files, %.4g", mean, 8*u)
	}
	return expired
}

// runNames is the base and every variant of a loaded scenario, by the
// names LoadVariant takes.
func runNames(base *Loaded) []string {
	names := []string{BaseName}
	for _, v := range base.Variants {
		names = append(names, v.Name)
	}
	return names
}

// TestAlignedTimeoutOfAMillisecondIsUnaligned: an aligned-checkpoint-timeout
// of 1 ms and unaligned checkpoints from the start (0) differ only in that
// millisecond, so backpressure-checkpoints' unaligned variant drains its
// Kafka lag the same way with either. Flink's writer ends every open
// buffer before it adds any event, a priority barrier included
// (BufferWritingResultPartition.broadcastEvent): the buffers a job holds
// in flight then carry the same records either way.
func TestAlignedTimeoutOfAMillisecondIsUnaligned(t *testing.T) {
	wholeRun(t)
	b, err := LookupBuiltIn("backpressure-checkpoints")
	if err != nil {
		t.Fatal(err)
	}
	lag := make([][]float64, 2)
	for i, timeout := range []string{"1ms", "0s"} {
		l, err := LoadVariant(b.Name, b.Data, []string{"duration=20m", "flink.execution.checkpointing.aligned-checkpoint-timeout=" + timeout}, "unaligned")
		if err != nil {
			t.Fatal(err)
		}
		lag[i] = series(t, runLoaded(t, l), "events", -1, result.MetricPending)
	}
	for j := range lag[1] {
		if j < len(lag[0]) && math.Abs(lag[0][j]-lag[1][j]) > 0.02*max(lag[1][j], 1000) {
			t.Errorf("Kafka lag at sample %d: %.0f with a 1 ms timeout, %.0f unaligned from the start", j, lag[0][j], lag[1][j])
			break
		}
	}
}
