package models

import (
	"bytes"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestRunGoesOnAfterPrefix: a run that goes on where RunPrefix stopped (the
// work probe's start, in steps of its own) writes the same metrics and
// summary as a run made at once, with a checkpoint and a failover among
// its events.
func TestRunGoesOnAfterPrefix(t *testing.T) {
	spec := ckptJob(30*sim.Second, 5)
	spec.Failures = []Failure{{Kind: FailTaskManager, At: 7 * sim.Minute, TaskManager: 0, Detection: DetectHang}}
	outputs := func(prefix sim.Time) []byte {
		s, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		if prefix > 0 {
			if _, err := s.RunPrefix(prefix/3, func(now sim.Time) bool { return now < prefix }); err != nil {
				t.Fatal(err)
			}
		}
		res, err := s.Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := res.WriteMetricsCSV(&b); err != nil {
			t.Fatal(err)
		}
		if err := res.WriteSummaryJSON(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	if !bytes.Equal(outputs(0), outputs(100*sim.Second+7)) {
		t.Error("a run that went on after RunPrefix differs from one made at once")
	}
}
