package scenarios

import (
	"fmt"
	"testing"
)

// lateBacklog is a Kafka source whose two partitions one reader reads, 1k
// records/s deterministic (500/s a partition), a constant event-time delay
// of 1 s, keyed into a 1 min tumbling aggregate window with late records
// to the side output. Partition 1's producers pause and then send what
// they held back (its timestamps are old), while partition 0 goes on.
const lateBacklog = `
name: late-backlog
duration: 4m
seed: 1
flink:
  parallelism.default: 1
sources:
  - name: src
    partitions: 2
    rate: 1k/s
    arrivals: deterministic
    record-size: 100B
    event-time:
      delay: 1s
      watermark:
        out-of-orderness: 5s
        idleness: 5s
operators:
  - name: win
    key-by: k
    keys: 10
    cost: 10us
    window:
      tumbling: 1m
      function: aggregate
      accumulator-size: 64B
      late-data: side-output
sinks:
  - name: out
`

// TestLateRecordsOfABacklog counts the late records of a paused
// partition's backlog as Flink does.
//
// Flink's rules, for a pause of partition 1 from P to P+L:
//   - WatermarksWithIdleness marks partition 1 idle 5 s after its last
//     record (P + 5 s); the SourceOperator's WatermarkOutputMultiplexer
//     then emits partition 0's watermark alone (BoundedOutOfOrdernessWatermarks:
//     its largest timestamp − 5 s − 1 ms, every 200 ms).
//   - The backlog reaches Kafka at P+L with timestamps P−1 s .. P+L−1 s.
//     The reader's combined watermark is then about P+L − 7 s, and it
//     never goes back: the multiplexer emits only when the minimum over
//     its active outputs rises, and partition 1's, far behind, does not
//     make it rise.
//   - WindowOperator.isElementLate: a record is late when its window's
//     cleanupTime (end − 1 ms, no allowed lateness) ≤ the watermark, i.e.
//     every window ending at or before P+L − 7 s. For the three pauses
//     that is the window [1m, 2m) (it fired at about 126 s; [2m, 3m)
//     fires at 186 s, after every backlog): a record is late when its
//     timestamp is < 120 s, i.e. produced before 121 s.
//
// So the late records are partition 1's produced in [P, 121 s), at 500/s:
//
//	at 1m30s for 60s: [90 s, 121 s) = 31 s × 500/s = 15,500
//	at 1m50s for 30s: [110 s, 121 s) = 11 s × 500/s = 5,500
//	at 2m for 30s:    [120 s, 121 s) = 1 s × 500/s = 500
//
// With chunk-records: 1 every record is placed on its own. The delay is a
// constant, so the count is exact but for the backlog's timestamps:
// flinksim appends it as one run of n records spread evenly over [t1,
// P+L] (t1 the first arrival in the pause, at P or 2 ms later, and n =
// 500·(P+L−t1) + 1 or so), not at the 2 ms grid, which moves the record
// at 121 s by up to one place: ±1.
//
// At the default resolution a chunk's records are spread evenly over its
// event-time range and placed by a binomial draw over their windows'
// shares (slotShare: with a constant delay, the share of the chunk's
// range in each window). Records far apart in event time never share a
// chunk (openbuf.go), so only the chunk straddling 121 s has records on
// both sides: m of them, a source's step and a receiver's step being about
// a network buffer's records (32 KiB / 100 B = 327), a receiver's up to
// two buffers', m ≤ 654. Its draw's standard deviation is at most
// √(m/4) ≈ 12.8 records; four of them, and the ±1 above: ±52.
func TestLateRecordsOfABacklog(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	for _, c := range []struct {
		pause string
		flink int64
	}{
		{"{partitions: [1], at: 1m30s, for: 60s}", 15500},
		{"{partitions: [1], at: 1m50s, for: 30s}", 5500},
		{"{partitions: [1], at: 2m, for: 30s}", 500},
	} {
		for _, r := range []struct {
			name string
			sets []string
			tol  int64
		}{
			{"default", nil, 52},
			{"exact", []string{"simulation.chunk-records=1"}, 1},
		} {
			sets := append([]string{"sources.src.event-time.pauses=[" + c.pause + "]"}, r.sets...)
			l, err := Load("late-backlog.yaml", []byte(lateBacklog), sets)
			if err != nil {
				t.Fatal(err)
			}
			ws := runLoaded(t, l).Summary.Windows
			if len(ws) != 1 {
				t.Fatalf("%s: windows %+v", c.pause, ws)
			}
			got := ws[0].LateSideOutput
			msg := fmt.Sprintf("%s, %s: %d late records (side output), Flink %d ± %d", c.pause, r.name, got, c.flink, r.tol)
			if got < c.flink-r.tol || got > c.flink+r.tol {
				t.Error(msg)
			} else {
				t.Log(msg)
			}
		}
	}
}
