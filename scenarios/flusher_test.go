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
