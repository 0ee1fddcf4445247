package scenarios

import (
	"fmt"
	"testing"
)

// TestFirstFlushAtTheFlushersPhase: the output flusher (OutputFlusher)
// flushes every execution.buffer-timeout.interval from its thread's start,
// so no record waits in a partly filled buffer longer than the timeout,
// from the first record on. Record by record through one network hop
// with a 200 ms timeout, the largest end-to-end latency is at most the
// timeout and the sink's cost, on every seed (each draws the flusher's
// phase anew).
func TestFirstFlushAtTheFlushersPhase(t *testing.T) {
	for seed := 1; seed <= 5; seed++ {
		l, err := Load("flush.yaml", []byte(fmt.Sprintf(`name: flush
duration: 10s
seed: %d
flink:
  parallelism.default: 1
  execution.buffer-timeout.interval: 200 ms
sources:
  - {name: src, kind: kafka, partitions: 1, rate: 100/s, record-size: 100B}
sinks:
  - {name: out, cost: 10us, chaining: false}
simulation: {chunk-records: 1}
`, seed)), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(l, nil)
		if err != nil {
			t.Fatal(err)
		}
		if max := res.Summary.LatencyS.Max; max > 0.2+10e-6+1e-9 {
			t.Errorf("seed %d: largest latency %.4f s, over the 200 ms timeout", seed, max)
		}
	}
}

// TestFlusherWaitIsUniformRecordByRecord: at 30 records/s a 100 ms
// flusher's buffer never fills, so a record waits for the next flush, a
// time uniform on (0, 100 ms) for Poisson arrivals: the latency's 99th
// percentile is 99 ms and its largest nearly 100 ms (with the sink's 10 µs).
// Record by record, the records a buffer carries are each at their own
// creation time: counted at the middles of equal shares of the buffer's
// span instead, the first record's wait lost half a share, and the 99th
// percentile came out at 93 ms. The tolerance is the histogram's bucket
// (under 0.8 %) and the quantile's sampling error over 18 000 records
// (about 0.1 ms).
func TestFlusherWaitIsUniformRecordByRecord(t *testing.T) {
	res := runYAML(t, "flush.yaml", `name: flush
duration: 10m
flink:
  parallelism.default: 1
sources:
  - {name: src, kind: kafka, partitions: 1, rate: 30/s, arrivals: poisson, record-size: 100B}
sinks:
  - {name: out, cost: 10us, chaining: false}
simulation: {chunk-records: 1}
`)
	lat := res.Summary.LatencyS
	if p99 := lat.P99; p99 < 0.099*(1-0.008)-0.0002 || p99 > 0.099*(1+0.008)+0.0002 {
		t.Errorf("p99 latency %.2f ms, want 99 ms (uniform wait for the 100 ms flusher)", 1000*p99)
	}
	if lat.Max < 0.0995 || lat.Max > 0.1+10e-6+1e-9 {
		t.Errorf("largest latency %.2f ms, want just under 100 ms", 1000*lat.Max)
	}
}
