package scenarios

import (
	"strings"
	"testing"
)

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

// TestEventTimeDurationsInWholeMilliseconds: the event-time durations Flink
// keeps in milliseconds (Duration.toMillis) are refused with a fraction of
// one, each naming the class that truncates it; whole ones are taken.
func TestEventTimeDurationsInWholeMilliseconds(t *testing.T) {
	bi, err := LookupBuiltIn("late-data")
	if err != nil {
		t.Fatal(err)
	}
	const wm = "sources.app-events.event-time.watermark."
	for _, c := range []struct{ set, class string }{
		{wm + "out-of-orderness=2.5ms", "BoundedOutOfOrdernessWatermarks: Duration.toMillis"},
		{wm + "idleness=1500us", "WatermarksWithIdleness: Duration.toMillis"},
		{wm + "alignment={group: g, max-drift: 1.5s, update-interval: 1001500us}", "WatermarkAlignmentParams: Duration.toMillis"},
		{"operators.hourly-activity.window.allowed-lateness=1.0005s", "WindowedStream.allowedLateness: Time.toMilliseconds, Duration.toMillis from 1.19"},
	} {
		got := loadErrors(t, string(bi.Data), []string{c.set})
		if !strings.Contains(got, ": must be a whole number of milliseconds, not ") || !strings.Contains(got, "Flink keeps it in whole milliseconds ("+c.class+"), which would drop the rest") ||
			strings.Count(got, "\n") != 0 {
			t.Errorf("%s: got\n%s\nwant one problem naming %s", c.set, got, c.class)
		}
		whole := strings.NewReplacer("2.5ms", "2ms", "1500us", "1ms", "1001500us", "1001ms", "1.0005s", "1.001s").Replace(c.set)
		if got := loadErrors(t, string(bi.Data), []string{whole}); got != "" {
			t.Errorf("%s: %s, want no problem", whole, got)
		}
	}
}
