package scenarios

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestRecordLargerThanAChannelsCredit: a 1 MB record spans 31 buffers of
// 32 KiB, more than a remote channel is ever credited (2 exclusive + 8
// floating). Flink sends it buffer by buffer, each recycled once the
// receiver's SpillingAdaptiveSpanningRecordDeserializer has copied it, so
// it flows; well under the network's bound (1.5 × 200 MB/s of 1250 MB/s
// per TaskManager) the job keeps up: what the sink wrote is what was
// produced but for the records of about the last second, in flight.
func TestRecordLargerThanAChannelsCredit(t *testing.T) {
	res := runYAML(t, "huge.yaml", `name: huge
duration: 1m
flink: {parallelism.default: 2}
sources:
  - {name: src, kind: kafka, partitions: 2, rate: 200/s, record-size: 1MB}
operators:
  - {name: op, cost: 10us, exchange: rebalance}
sinks:
  - {name: out, capacity: 1M/s}
`)
	r := res.Summary.Records
	// at most a second of input (200) plus 4 Poisson standard deviations
	// of the minute's count short
	if short := float64(r.Produced - r.Sink); short > 200+4*math.Sqrt(200*60) {
		t.Errorf("produced %d, written %d: %g short", r.Produced, r.Sink, short)
	}
	if v := res.Summary.InvariantViolation; v != "" {
		t.Errorf("invariant: %s", v)
	}
	if o := res.Summary.Verdict.Outcome; o != result.PhaseStable {
		t.Errorf("outcome %s: %s", o, res.Summary.Verdict.Why)
	}
}
