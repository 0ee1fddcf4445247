package scenarios

import (
	"strings"
	"testing"
)

// TestFailureAfterTheEndWarned: a failure whose at is after the end of the
// run never happens in it, and is warned of at its at; a TaskManager loss
// at the end itself happens (the run takes every event up to and including
// its end), an outage from the end on covers none of the run; one before
// it is taken quietly.
func TestFailureAfterTheEndWarned(t *testing.T) {
	const job = "name: f\nduration: 10m\nflink: {execution.checkpointing.interval: 1m, execution.checkpointing.dir: \"s3://b/c\"}\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\n"
	for _, c := range []struct {
		failure, want string
	}{
		{"{taskmanager-loss: {at: 11m, taskmanager: 0}}", "warning: hk.yaml:6:36: failures[0].taskmanager-loss.at: 11m is after the end of the run (duration 10m): " +
			"the failure never happens in it; run longer, or set at to 10m or before"},
		{"{storage-outage: {at: 10m1ms, for: 1m}}", "warning: hk.yaml:6:34: failures[0].storage-outage.at: 600001ms is at or after"},
		{"{kafka-outage: {at: 1h, for: 1m}}", "warning: hk.yaml:6:32: failures[0].kafka-outage.at: 1h is at or after"},
		{"{sink-outage: {at: 12m, for: 1m}}", "warning: hk.yaml:6:31: failures[0].sink-outage.at: 12m is at or after"},
		{"{sink-outage: {at: 10m, for: 1m}}", "warning: hk.yaml:6:31: failures[0].sink-outage.at: 10m is at or after the end of the run (duration 10m)"},
		{"{checkpoint-failure: {at: 11m}}", "warning: hk.yaml:6:38: failures[0].checkpoint-failure.at: 11m is after"},
		{"{taskmanager-loss: {at: 10m, taskmanager: 0}}", ""},
		{"{storage-slowdown: {at: 9m, for: 5m, factor: 2}}", ""},
	} {
		got := loadWarnings(t, job+"failures: ["+c.failure+"]\n")
		if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: warnings\n%s\nwant %q", c.failure, got, c.want)
		}
	}
}

// TestPauseAfterTheEndWarned: a producers' pause from the end of the run on
// never holds a record back in it, and is warned of at its at (late-data's
// gateway pause is at 2h50m).
func TestPauseAfterTheEndWarned(t *testing.T) {
	bi, err := LookupBuiltIn("late-data")
	if err != nil {
		t.Fatal(err)
	}
	const want = "sources.app-events.event-time.pauses[0].at: 170m is at or after the end of the run (duration 170m): the pause never holds a record back in it"
	for _, c := range []struct {
		duration string
		warn     bool
	}{{"2h50m", true}, {"1h", true}, {"2h50m1ms", false}} {
		got := loadWarnings(t, string(bi.Data), "duration="+c.duration)
		if strings.Contains(got, "pauses[0].at") != c.warn || c.duration == "2h50m" && !strings.Contains(got, want) {
			t.Errorf("duration %s: warnings\n%s\nwant the pause's: %v", c.duration, got, c.warn)
		}
	}
}
