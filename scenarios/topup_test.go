package scenarios

import "testing"

// TestWatermarkRisesBehindAFullOutput: a window operator at 110 µs a
// record takes 9.1k of the 10k records/s its two parse subtasks send, so
// their output pools stay full. Flink hands each channel's watermark to
// the StatusWatermarkValve right after the records before it
// (AbstractStreamTaskNetworkInput.emitNext), so parse's watermark rises
// with the records it processes and the windows keep firing: at the end
// only the records of the windows the watermark has not passed are
// pending, about a window and the out-of-orderness of the 4 minutes
// processed, (10 s + 0.5 s) / 240 s = 4.4 % (4.1 % record by record); at
// most 8.5 % (a window more). Topping a step's leftover input up past a
// pending watermark held it behind those records for ever (99.9 %).
func TestWatermarkRisesBehindAFullOutput(t *testing.T) {
	const yaml = `name: watermark-behind-a-full-output
duration: 4m
flink: {parallelism.default: 2, taskmanager.numberOfTaskSlots: 1}
sources:
  - name: ev
    kind: kafka
    partitions: 2
    rate: 10k/s
    record-size: 200B
    event-time:
      delay: {lognormal: {mean: 200ms, p99: 2s}}
      watermark: {out-of-orderness: 500ms}
operators:
  - {name: parse, cost: 20us, chaining: false}
  - {name: win, parallelism: 1, key-by: k, keys: 1k, cost: 110us, window: {tumbling: 10s, function: aggregate, accumulator-size: 100B}}
sinks:
  - {name: out, input: win}
`
	l, err := Load("watermark.yaml", []byte(yaml), nil)
	if err != nil {
		t.Fatal(err)
	}
	ws := runLoaded(t, l).Summary.Windows
	if len(ws) != 1 || ws[0].Pending > (10+0.5+10)/240.0 {
		t.Fatalf("windows %+v: want at most 8.5 %% of the records pending at the end", ws)
	}
}
