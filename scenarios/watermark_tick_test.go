package scenarios

import (
	"fmt"
	"testing"
)

// TestWatermarkFollowsTheRecordsBeforeItsTick: records 2 s late (a
// constant delay, no out-of-orderness, one every millisecond) into 10 s
// windows, read in steps of up to a second (chunk-delay 1s). Flink's
// reader reads continuously, so the watermark it emits at a tick
// (pipeline.auto-watermark-interval, 200 ms) is the newest record's
// timestamp − 1 ms, about the tick − 2 s; its OutputFlusher sends it within
// the buffer timeout (100 ms), and the window operator takes it as it
// comes: a window fires at the first tick at least 2 s past its end, plus
// at most a buffer timeout, 2.3 s at most (2.08 s record by record). A
// reader that left what arrived for up to a chunk-delay emitted staler
// watermarks (results 4.1 s late at the median); a flusher on the
// chunk-delay's grid, and a window operator waiting a chunk-delay to
// gather, held them back between the tasks (3.2 s at parallelism 4).
// tickJob is a one-window event-time job for these tests: a source of
// partitions at rate, records arriving a constant delay after their
// timestamps, one every 1/rate, into 10 s tumbling windows, read in steps
// of up to a second (chunk-delay 1s).
func tickJob(rate string, partitions int, size, delay, duration string) string {
	return fmt.Sprintf(`name: watermark-tick
duration: %s
flink: {parallelism.default: 1}
sources:
  - {name: events, partitions: %d, rate: %s, arrivals: deterministic, record-size: %s,
     event-time: {delay: {constant: %s}, watermark: {out-of-orderness: 0s}}}
operators:
  - {name: count, key-by: user_id, keys: 10k, cost: 10us, window: {tumbling: 10s, function: aggregate, accumulator-size: 64B}}
sinks:
  - {name: out}
simulation: {chunk-delay: 1s}
`, duration, partitions, rate, size, delay)
}

func TestWatermarkFollowsTheRecordsBeforeItsTick(t *testing.T) {
	yaml := tickJob("1000/s", 1, "100B", "2s", "2m")
	for _, p := range []string{"1", "4"} {
		l, err := Load("watermark.yaml", []byte(yaml), []string{"flink.parallelism.default=" + p, "simulation.sample-interval=1s"})
		if err != nil {
			t.Fatal(err)
		}
		sum := runLoaded(t, l).Summary
		ws := sum.Windows
		const most = 2 + 0.2 + 0.1 // delay + the watermark interval + the buffer timeout
		if len(ws) != 1 || ws[0].ResultLatency.Max > most {
			t.Fatalf("parallelism %s: windows %+v: want results at most %.1f s after their window's end", p, ws, most)
		}
		// Every arrival is produced, those of the last chunk-delay too (a
		// run ending at a tick near the end was once never readable).
		if sum.Records.Produced != 120_000 {
			t.Errorf("parallelism %s: produced %d records, want 1000/s for 120 s", p, sum.Records.Produced)
		}
	}
}

// TestReaderReadsAsItsOutputFills: one reader of two partitions at 10k
// records/s each (200 B, 4k records between two ticks of 200 ms, more
// than its output's buffers take at once, about 1.6k), records 500 ms
// late, read in steps of up to a second (chunk-delay 1s). Flink's reader
// reads them as they arrive, so the watermark at a tick follows every
// record before it: a window fires at the first tick 500 ms past its end,
// plus at most the buffer timeout, 0.8 s (0.60 s record by record). A
// reader that waited for a chunk-delay's worth read at the ticks only, as
// much as its output took, and its watermark was an interval staler
// (0.83 s). With a 1 s interval, at most 1.6 s (1.00 s record by record);
// a reader that stopped when some of its records were readable already
// waited a chunk-delay (2.02 s).
func TestReaderReadsAsItsOutputFills(t *testing.T) {
	yaml := tickJob("20k/s", 2, "200B", "500ms", "1m")
	for _, c := range []struct {
		interval string
		most     float64 // delay + the watermark interval + the buffer timeout
	}{{"200ms", 0.5 + 0.2 + 0.1}, {"1s", 0.5 + 1 + 0.1}} {
		l, err := Load("room.yaml", []byte(yaml), []string{"flink.pipeline.auto-watermark-interval=" + c.interval})
		if err != nil {
			t.Fatal(err)
		}
		ws := runLoaded(t, l).Summary.Windows
		if len(ws) != 1 || ws[0].ResultLatency.Max > c.most {
			t.Fatalf("interval %s: windows %+v: want results at most %.1f s after their window's end", c.interval, ws, c.most)
		}
	}
}

// TestRecordOnTheTickIsBeforeIt: deterministic arrivals at 10/s fall on
// every tick of the 200 ms watermark interval, 3 s after their timestamps.
// Record by record, the reader's wake and the tick come at one instant and
// the reader reads first (readBeforeTick), so the tick at 13 s follows the
// record of 10 s, and window [0, 10s) fires then: results 3 s after the
// window's end, plus the buffer timeout at most. Read in steps, the record
// must be readable at its tick too, not in a run readable after it (a
// whole interval later: 3.2 s).
func TestRecordOnTheTickIsBeforeIt(t *testing.T) {
	yaml := tickJob("10/s", 1, "100B", "3s", "1m")
	for _, set := range []string{"simulation.chunk-records=1", "simulation.chunk-delay=5ms", "simulation.chunk-delay=1s"} {
		l, err := Load("tick.yaml", []byte(yaml), []string{set})
		if err != nil {
			t.Fatal(err)
		}
		ws := runLoaded(t, l).Summary.Windows
		const most = 3 + 0.1 // the delay + the buffer timeout
		if len(ws) != 1 || ws[0].ResultLatency.Max > most {
			t.Errorf("%s: windows %+v: want results at most %.1f s after their window's end", set, ws, most)
		}
	}
}
