package scenarios

import "testing"

// A mini-batch operator finishes its bundle before a watermark or a
// checkpoint barrier leaves it: AbstractMapBundleOperator's
// processWatermark and prepareSnapshotPreBarrier call finishBundle.

// TestBundleFinishesBeforeTheWatermark: records 100 ms late (a constant
// delay) with no out-of-orderness reach every window before the watermark
// passes it, mini-batch or not, so none is late. A bundle that held its
// records while the watermark went on made 2.8k of the 25k aggregates the
// window took late (3k record by record).
func TestBundleFinishesBeforeTheWatermark(t *testing.T) {
	const yaml = `name: bundle-watermark
duration: 1m
flink: {parallelism.default: 2}
sources:
  - {name: events, partitions: 2, rate: 1000/s, record-size: 100B,
     event-time: {delay: {constant: 100ms}, watermark: {out-of-orderness: 0s}}}
operators:
  - {name: pre, cost: 5us, mini-batch: {size: 100k, allow-latency: 2s}}
  - {name: count, key-by: user_id, keys: 500, window: {tumbling: 5s}}
sinks:
  - {name: out}
`
	l, err := Load("bundle.yaml", []byte(yaml), nil)
	if err != nil {
		t.Fatal(err)
	}
	ws := runLoaded(t, l).Summary.Windows
	if len(ws) != 1 || ws[0].LateDropped != 0 {
		t.Fatalf("windows %+v: want no late record", ws)
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
