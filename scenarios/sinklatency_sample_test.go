package scenarios

import (
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestSinkLatencyWithoutRecordsHasNoValue: a sample in which no record
// reached a sink has no end-to-end latency (no row in metrics.csv, a gap in
// the chart), not one of 0 ms: behind a 1-minute window the sink takes
// records only at the firings, and between them its latency was 0 in
// every sample, as if records arrived there at once.
func TestSinkLatencyWithoutRecordsHasNoValue(t *testing.T) {
	res := runYAML(t, "win.yaml", `
name: win
duration: 5m
flink: {parallelism.default: 1}
sources:
  - {name: src, partitions: 1, rate: 1k/s, event-time: {delay: 1s, watermark: {out-of-orderness: 1s}}}
operators:
  - {name: count, key-by: k, keys: 100, cost: 10us, window: {tumbling: 1m, function: aggregate, accumulator-size: 16B}}
sinks:
  - {name: db, capacity: 100k/s}
`)
	in := series(t, res, "db", -1, result.MetricRecordsIn)
	withRecords := 0
	for _, m := range []string{result.MetricLatencyP50, result.MetricLatencyP99, result.MetricLatencyMax} {
		lat := series(t, res, "db", -1, m)
		for i, v := range lat {
			switch {
			case in[i] > 0 && !result.HasValue(v):
				t.Errorf("%s at %gs: no value, with %g records/s in", m, res.Times[i], in[i])
			case in[i] == 0 && result.HasValue(v):
				t.Errorf("%s at %gs: %g ms, with no record in; want no value", m, res.Times[i], v)
			case in[i] > 0:
				withRecords++
			}
		}
	}
	if withRecords == 0 {
		t.Error("no sample with records at the sink: the test checks nothing")
	}
}
