package scenarios

import "testing"

// TestOverlappingPausesRefused: two pauses of one partition that overlap
// in time are refused at the later one (a partition's producers are paused
// or not); pauses that only touch, or of other partitions, are taken.
func TestOverlappingPausesRefused(t *testing.T) {
	bi, err := LookupBuiltIn("late-data")
	if err != nil {
		t.Fatal(err)
	}
	const set = "sources.app-events.event-time.pauses="
	for _, c := range []struct{ pauses, want string }{
		{"[{partitions: [1, 7], at: 1h, for: 20m}, {partitions: [7], at: 1h10m, for: 20m}]",
			"--set " + set + "[{partitions: [1, 7], at: 1h, for: 20m}, {partitions: [7], at: 1h10m, for: 20m}]: sources.app-events.event-time.pauses[1].at: " +
				"partition 7's producers are already paused from 1h to 80m (pauses[0]): pauses of one partition must not overlap; merge them into one"},
		{"[{partitions: [7], at: 1h, for: 20m}, {partitions: [7], at: 1h20m, for: 20m}]", ""},
		{"[{partitions: [1], at: 1h, for: 20m}, {partitions: [7], at: 1h10m, for: 20m}]", ""},
	} {
		if got := loadErrors(t, string(bi.Data), []string{set + c.pauses}); got != c.want {
			t.Errorf("%s:\ngot  %s\nwant %s", c.pauses, got, c.want)
		}
	}
}
