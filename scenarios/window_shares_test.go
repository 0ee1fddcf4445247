package scenarios

import "testing"

// TestWindowSharesWithAReopenedWindow: a 10 min tumbling window whose
// checkpoint (at 9 min, on the 9 min interval) came after its end and
// before its firing (the window ends at 10 min 19 s: offset 19 s) is put
// back unfired by the restore after the TaskManager loss at 10 min 30 s,
// and fires a second time. Its records count once in the firing shares
// (they were above 100 % when the second firing counted again) and in
// share_fired_again_after_restore; the shares still add up to 1.
func TestWindowSharesWithAReopenedWindow(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs on one goroutine; make test runs this test without -race")
	}
	const file = `name: win
duration: 30m
flink:
  parallelism.default: 2
  execution.checkpointing.interval: 9min
  execution.checkpointing.dir: s3://bucket/checkpoints
sources:
  - name: ev
    partitions: 2
    rate: 1k/s
    event-time:
      delay: {exponential: 1s}
      watermark: {out-of-orderness: 5s}
operators:
  - name: agg
    key-by: user_id
    keys: 1k
    cost: 10us
    window: {tumbling: 10m, offset: 19s, function: process}
sinks:
  - name: out
failures:
  - taskmanager-loss: {at: 10m30s, taskmanager: 1}
variants:
  - {name: lateness, set: {operators.agg.window: {tumbling: 10m, offset: 19s, function: process, allowed-lateness: 5m}}}
`
	for _, v := range []string{BaseName, "lateness"} {
		l, err := LoadVariant("win.yaml", []byte(file), nil, v)
		if err != nil {
			t.Fatal(err)
		}
		ws := runLoaded(t, l).Summary.Windows
		if len(ws) != 1 || ws[0].FiredAgain == 0 {
			t.Fatalf("%s: no window fired again after the restore: %+v", v, ws)
		}
		windowSharesBalance(t, ws)
	}
}
