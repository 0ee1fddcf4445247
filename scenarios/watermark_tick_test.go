package scenarios

import "testing"

// TestWatermarkFollowsTheRecordsBeforeItsTick: records 2 s late (a
// constant delay, no out-of-orderness, one every millisecond) into 10 s windows, read in steps of
// up to a second (chunk-delay 1s). Flink's reader reads continuously, so
// the watermark it emits at a tick (pipeline.auto-watermark-interval,
// 200 ms) is the newest record's timestamp − 1 ms, about the tick − 2 s: a
// window fires at the first tick at least 2 s past its end, 2.2 s after
// it (2.2 s record by record). A step may add the window operator's wait
// for input, one chunk-delay: at most 3.2 s. A reader that left what
// arrived for up to a chunk-delay emitted staler watermarks, and each
// record after a tick ahead of it: results 4.1 s late at the median, 5 s
// at most.
func TestWatermarkFollowsTheRecordsBeforeItsTick(t *testing.T) {
	const yaml = `name: watermark-tick
duration: 2m
flink: {parallelism.default: 1}
sources:
  - name: events
    rate: 1000/s
    arrivals: deterministic
    record-size: 100B
    event-time:
      delay: {constant: 2s}
      watermark: {out-of-orderness: 0s}
operators:
  - {name: count, key-by: user_id, keys: 100, window: {tumbling: 10s}}
sinks:
  - {name: out}
simulation: {chunk-delay: 1s, sample-interval: 1s}
`
	l, err := Load("watermark.yaml", []byte(yaml), nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := runLoaded(t, l).Summary
	ws := sum.Windows
	const most = 2 + 0.2 + 1.0 // delay + the watermark interval + a chunk-delay
	if len(ws) != 1 || ws[0].ResultLatency.Max > most || ws[0].ResultLatency.P50 > most {
		t.Fatalf("windows %+v: want results at most %.1f s after their window's end", ws, most)
	}
	// Every arrival is produced, those of the last chunk-delay too (a run
	// ending at a tick near the end was once never readable).
	if sum.Records.Produced != 120_000 {
		t.Errorf("produced %d records, want 1000/s for 120 s", sum.Records.Produced)
	}
}
