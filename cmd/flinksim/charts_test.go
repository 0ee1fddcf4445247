package main

import (
	"testing"

	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// Every numeric outcome is drawn in the unit its name's suffix gives, as
// plan reads a condition on it: _ms_per_s and _bytes_per_s end in _s but
// are no durations.
func TestOutcomeUnits(t *testing.T) {
	want := map[string]plots.Unit{
		"stable": plots.UnitNone, "source_rps": plots.UnitRate, "sink_rps": plots.UnitRate,
		"latency_p50_s": plots.UnitSeconds, "latency_p99_s": plots.UnitSeconds, "latency_max_s": plots.UnitSeconds,
		"lag_end": plots.UnitCount, "lag_max": plots.UnitCount, "max_busy_ms_per_s": plots.UnitNone,
		"task_managers": plots.UnitNone, "upload_bandwidth_bytes_per_s": plots.UnitByteRate,
		"checkpoints_completed": plots.UnitCount, "checkpoints_failed": plots.UnitCount,
		"checkpoint_duration_p99_s": plots.UnitSeconds, "checkpoint_duration_max_s": plots.UnitSeconds,
		"restarts": plots.UnitCount,
	}
	for _, name := range sweep.OutcomeNames() {
		u, ok := want[name]
		if !ok {
			t.Errorf("outcome %s: no unit in this table", name)
			continue
		}
		if got := outcomeUnit(name); got != u {
			t.Errorf("outcome %s drawn in unit %v, want %v", name, got, u)
		}
	}
}
