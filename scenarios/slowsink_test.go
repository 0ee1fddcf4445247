package scenarios

import "testing"

// TestSlowSinkShowsProgress: a step's records count when it ends, so a
// step of a slow chain spans at most one sample interval (models'
// stepCaps). A sink at 1 record/s behind a backlog would otherwise take a
// network buffer's 163 records per step, 163 s each, and show nothing in a
// 2-minute run; capped at 5 records (5 s at 1/s), it writes 120 records
// in 120 s less at most one step still under way at the end.
func TestSlowSinkShowsProgress(t *testing.T) {
	res := runBuiltIn(t, "backpressure", "sinks.jdbc.capacity=1/s", "duration=2m")
	const full, step = 120, 5
	if got := res.Summary.Records.Sink; got < full-step || got > full {
		t.Errorf("the sink wrote %d records, want %d to %d", got, full-step, full)
	}
}

// TestSlowChainStepsWithChunkRecords: chunk-records sets a step's records,
// and still a step spans at most a sample interval: a source chained to a
// 50 ms operator reads 5 s of its work (100 records) a step, not 500 (25
// s), and the unchained sink gets 20 records/s all along: 2400 in 2
// minutes, less at most a step under way and one behind it.
func TestSlowChainStepsWithChunkRecords(t *testing.T) {
	const job = `name: chain
duration: 2m
flink: {parallelism.default: 1}
sources: [{name: src, partitions: 1, rate: 100/s, record-size: 200B}]
operators: [{name: slow, cost: 50ms}]
sinks: [{name: out, chaining: false}]
simulation: {chunk-records: 500}
`
	l, err := Load("chain.yaml", []byte(job), nil)
	if err != nil {
		t.Fatal(err)
	}
	res := runLoaded(t, l)
	const full, step = 2400, 100
	if got := res.Summary.Records.Sink; got < full-2*step || got > full {
		t.Errorf("the sink wrote %d records, want %d to %d", got, full-2*step, full)
	}
}
