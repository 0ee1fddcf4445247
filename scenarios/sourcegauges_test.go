package scenarios

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// emitLagJob is one Kafka partition at 10k records/s, deterministic,
// without event time, read by one reader whose sink writes 5k/s: the reader
// falls behind at 5k records/s.
const emitLagJob = `
name: emit-lag
duration: 2m
seed: 1
flink:
  parallelism.default: 1
sources:
  - {name: src, partitions: 1, rate: 10k/s, arrivals: deterministic, record-size: 100B}
sinks:
  - {name: out, capacity: 5k/s}
`

// runEmitLagJob runs emitLagJob (not under the race detector: a whole run).
func runEmitLagJob(t *testing.T) *result.Result {
	t.Helper()
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	l, err := Load("emit-lag.yaml", []byte(emitLagJob), nil)
	if err != nil {
		t.Fatal(err)
	}
	return runLoaded(t, l)
}

// TestEmitLagWithoutEventTime: a source without event time reports
// currentEmitEventTimeLag, as every FLIP-27 reader registers it
// (InternalSourceReaderMetricGroup), a Kafka record's timestamp being its
// CreateTime. Records are produced at a constant rate R into one
// partition, so the n-th was produced at n/R: after the reader has emitted
// n records by t (its numRecordsOut), the gauge is t − n/R, to within a
// chunk-delay step (the reader reads in steps of 5 ms) and the gauge's
// whole ms; and less by up to a chunk read but not yet out: backpressured,
// the reader holds one network buffer's records (32 KiB / 100 B = 327)
// until a buffer frees (Flink counts a record blocked in collect as
// emitted, and as out, before it blocks). The reader falls behind at 5k of
// 10k records/s: the lag nears half the time run.
func TestEmitLagWithoutEventTime(t *testing.T) {
	res := runEmitLagJob(t)
	lag, ok := res.Values("src", 0, result.MetricEmitEventTimeLag)
	out, ok2 := res.Values("src", 0, result.MetricRecordsOut)
	fetch, ok3 := res.Values("src", 0, result.MetricFetchEventTimeLag)
	if !ok || !ok2 || !ok3 {
		t.Fatalf("series: emit lag %v, records out %v, fetch lag %v", ok, ok2, ok3)
	}
	const rate, tol = 10_000.0, 5 + 1 // records/s; ms
	held := float64(32<<10/100) / rate * 1000
	emitted, prev := 0.0, 0.0
	for i, at := range res.Times {
		emitted += out[i] * (at - prev) // a rate over the sample's interval
		prev = at
		want := (at - emitted/rate) * 1000
		if lag[i] > want+tol || lag[i] < want-held-tol || fetch[i] != lag[i] {
			t.Errorf("at %.0fs: emit lag %v ms, fetch lag %v ms; want %.0fs − %.0f emitted / %.0f/s = %.1f ms, less up to %.1f, ± %d",
				at, lag[i], fetch[i], at, emitted, rate, want, held, tol)
		}
	}
	if last := len(res.Times) - 1; math.Abs(lag[last]/1000-res.Times[last]/2) > 1 {
		t.Errorf("at %.0fs: emit lag %.1f s, want about half of it", res.Times[last], lag[last]/1000)
	}
}

// TestPendingRecordsCountEveryProducedRecord: flinksim.kafkaLag is
// Kafka's log end offset less the reader's position. At a constant 10k
// records/s into one partition, floor(R·t) records were produced by t; the
// reader has read what it emitted (numRecordsOut) and at most one chunk
// more, held while backpressured (one network buffer's records, 327): so
// the lag lies in [R·t − out − 327, R·t − out], give or take a record. A
// reader 60 s behind gathers its records in runs of 234 ms (1/256 of its
// lag), which the gauge counts as far as they were produced, as Kafka
// does; and at the end, the lag the summary gives is the last sample's.
// pendingRecords is that lag as the reader's last fetch recorded it: the
// backpressured reader fetches at each step, a buffer's records taken at
// its rate out, so it trails the lag by the records produced since, at
// most R · 327 / out.
func TestPendingRecordsCountEveryProducedRecord(t *testing.T) {
	res := runEmitLagJob(t)
	pending, ok := res.Values("src", 0, result.MetricPending)
	lag, ok1 := res.Values("src", -1, result.MetricKafkaLag)
	out, ok2 := res.Values("src", 0, result.MetricRecordsOut)
	if !ok || !ok1 || !ok2 {
		t.Fatalf("series: pending %v, kafkaLag %v, records out %v", ok, ok1, ok2)
	}
	const rate = 10_000.0
	held := float64(32 << 10 / 100)
	emitted, prev := 0.0, 0.0
	for i, at := range res.Times {
		emitted += out[i] * (at - prev)
		prev = at
		hi := math.Floor(rate*at) - emitted
		if lag[i] > hi+1 || lag[i] < hi-held-1 {
			t.Errorf("at %.0fs: kafkaLag %.0f; want %.0f produced − %.0f emitted = %.0f, less up to %.0f held", at, lag[i], math.Floor(rate*at), emitted, hi, held)
		}
		if since := rate * held / out[i]; pending[i] > lag[i] || pending[i] < lag[i]-since-1 {
			t.Errorf("at %.0fs: pendingRecords %.0f; want the lag %.0f less up to %.0f produced since the last fetch", at, pending[i], lag[i], since)
		}
	}
	if last := lag[len(lag)-1]; float64(res.Summary.Records.SourceLag) != last {
		t.Errorf("lag at the end %d, the last sample's kafkaLag %.0f", res.Summary.Records.SourceLag, last)
	}
}
