package scenarios

import (
	"fmt"
	"testing"
)

// A mini-batch operator finishes its bundle before a watermark or a
// checkpoint barrier leaves it: AbstractMapBundleOperator's
// processWatermark and prepareSnapshotPreBarrier call finishBundle.

// TestBundleFinishesBeforeTheWatermark: records 100 ms late (a constant
// delay) with no out-of-orderness reach every window before the watermark
// passes it, mini-batch or not, so none is late; behind a window operator
// too slow for its input as well, where the bundle waits for buffers and
// the watermark waits for the bundle. A bundle that held its records while
// the watermark went on made 1.1k of the 115k aggregates the window took
// late, and 204k of 267k behind it; one the watermark overtook while it
// waited for buffers, 26k of 183k.
func TestBundleFinishesBeforeTheWatermark(t *testing.T) {
	for name, c := range map[string]struct{ rate, cost string }{
		"keeping up": {"1000/s", "5us"},
		"behind":     {"4000/s", "600us"},
	} {
		yaml := fmt.Sprintf(`name: bundle-watermark
duration: 2m
flink: {parallelism.default: 2}
sources:
  - {name: events, partitions: 2, rate: %s, record-size: 100B,
     event-time: {delay: {constant: 100ms}, watermark: {out-of-orderness: 0s}}}
operators:
  - {name: pre, cost: 5us, mini-batch: {size: 100k, allow-latency: 5s}}
  - {name: count, key-by: user_id, keys: 1M, cost: %s, window: {tumbling: 5s}}
sinks:
  - {name: out}
`, c.rate, c.cost)
		l, err := Load("bundle.yaml", []byte(yaml), nil)
		if err != nil {
			t.Fatal(err)
		}
		ws := runLoaded(t, l).Summary.Windows
		if len(ws) != 1 || ws[0].LateDropped != 0 {
			t.Errorf("%s: windows %+v: want no late record", name, ws)
		}
	}
}

// TestBundleFinishesBeforeTheBarrier: with a checkpoint every second, a
// bundle that may wait 10 s is emitted at each barrier, so no record waits
// in it past the next checkpoint: latency at most the interval (and the
// milliseconds the barrier takes to come). A bundle kept across barriers
// held records 9.5 s; and a failover after the checkpoint dropped records
// whose offsets it had.
func TestBundleFinishesBeforeTheBarrier(t *testing.T) {
	const yaml = `name: bundle-barrier
duration: 1m
flink: {parallelism.default: 2, execution.checkpointing.interval: 1s, execution.checkpointing.storage: jobmanager}
sources:
  - {name: events, partitions: 2, rate: 1000/s, record-size: 100B}
operators:
  - {name: pre, cost: 5us, mini-batch: {size: 100k, allow-latency: 10s}}
  - {name: count, key-by: user_id, keys: 500, cost: 5us}
sinks:
  - {name: out}
`
	l, err := Load("bundle.yaml", []byte(yaml), nil)
	if err != nil {
		t.Fatal(err)
	}
	if max := runLoaded(t, l).Summary.LatencyS.Max; max > 1.1 {
		t.Fatalf("latency max %.2f s: want at most the 1 s checkpoint interval (and 0.1 s for the barrier to come)", max)
	}
}

// TestSaltingKeepsItsEmitInterval: salting's partial stage keeps its
// partials in keyed state and emits them on its timer every emit-interval
// (5 s), not as a bundle: a checkpoint every second does not emit them, and
// a record waits for the timer, half the interval at the median (2.6 s). As
// a bundle finished at every barrier it waited 0.35 s.
func TestSaltingKeepsItsEmitInterval(t *testing.T) {
	const yaml = `name: salting-interval
duration: 2m
flink: {parallelism.default: 4, execution.checkpointing.interval: 1s, execution.checkpointing.storage: jobmanager}
sources:
  - {name: clicks, partitions: 4, rate: 20k/s, record-size: 200B}
operators:
  - name: stats
    key-by: user_id
    keys: 100k
    cost: 100us
    salting: {buckets: 8, keys: all, emit-interval: 5s}
sinks:
  - {name: out}
`
	l, err := Load("salting.yaml", []byte(yaml), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p50 := runLoaded(t, l).Summary.LatencyS.P50; p50 < 0.4*5 {
		t.Fatalf("latency p50 %.2f s: want about half the 5 s emit-interval", p50)
	}
}
