package scenarios

import (
	"testing"

	"github.com/flinksim/flinksim/result"
)

// idleJob: 100 records/s, deterministic, whose producers pause from 10 s
// for 20 s, then send what they held back.
const idleJob = `
name: idle
duration: 40s
flink: {parallelism.default: 1}
sources:
  - name: events
    partitions: 1
    rate: 100/s
    arrivals: deterministic
    record-size: 100B
    event-time: {pauses: [{partitions: [0], at: 10s, for: 20s}]}
sinks:
  - {name: out}
simulation: {chunk-records: 1, sample-interval: 1s}
`

// TestSourceIdleTime: sourceIdleTime is the ms since the reader started
// idling, as Flink's InternalSourceReaderMetricGroup.getIdleTime gives
// it: through the pause, from its last record (read at 9.99 s, the last
// arrival before 10 s), 10010 ms at 20 s and 15010 at 25 s; between
// records, at most their 10 ms apart; once the held-back records come,
// about 0 again. The operator's row is its subtask's.
func TestSourceIdleTime(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	l, err := Load("idle.yaml", []byte(idleJob), nil)
	if err != nil {
		t.Fatal(err)
	}
	res := runLoaded(t, l)
	for _, sub := range []int{0, -1} {
		idle, ok := res.Values("events", sub, result.MetricSourceIdleTime)
		if !ok {
			t.Fatalf("subtask %d: no %s series", sub, result.MetricSourceIdleTime)
		}
		for i, at := range res.Times {
			v := idle[i]
			switch {
			case at == 20 && v != 10010, at == 25 && v != 15010:
				t.Errorf("subtask %d at %gs: sourceIdleTime %g ms, want %g", sub, at, v, 1000*at-9990)
			case (at < 10 || at > 31) && (v < 0 || v > 10):
				t.Errorf("subtask %d at %gs: sourceIdleTime %g ms, want 0 to 10 (records 10 ms apart)", sub, at, v)
			}
		}
	}
}
