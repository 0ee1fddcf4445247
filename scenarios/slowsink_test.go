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
