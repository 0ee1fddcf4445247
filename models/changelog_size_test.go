package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestChangelogStateSizeCountsTheLog: with the changelog backend a
// checkpoint's full size (REST state_size, lastCheckpointFullSize) is its
// materialized state and the log since that materialization
// (ChangelogStateBackendHandleImpl.getStateSize sums the materialized and
// the non-materialized handles), and a restored backend keeps the log it
// restored until its next materialization (ChangelogKeyedStateBackend's
// restoredNonMaterialized goes into every later snapshot). With no
// materialization within the run (10 min), every checkpoint holds 100 MiB
// of state and every change since the start: 10 records/s of 1 MiB, so
// 10 MiB per second up to its trigger, a restore between or not (the
// replayed records are logged again from the restored offsets).
func TestChangelogStateSizeCountsTheLog(t *testing.T) {
	for _, tc := range []struct {
		name   string
		failAt sim.Time
	}{{"no failure", 0}, {"after a restore", 100 * sim.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			spec := recoveryJob(10, 2000, tc.failAt)
			if tc.failAt == 0 {
				spec.Failures = nil
			}
			withChangelog(spec.Checkpointing)
			_, res := runWith(t, spec)
			if tc.failAt > 0 && len(res.Restores) != 1 {
				t.Fatalf("restores %+v, want one", res.Restores)
			}
			checked := 0
			for _, h := range res.Checkpoints {
				if h.Status != "COMPLETED" || (tc.failAt > 0 && h.Trigger < res.Restores[0].At) {
					continue
				}
				checked++
				want := 100 + 10*h.Trigger.Seconds() // MiB
				got := float64(h.StateSize) / (1 << 20)
				if math.Abs(got-want) > 2 { // a record or two either side of the barrier
					t.Errorf("checkpoint %d (trigger %v): state_size %.1f MiB, want %.1f", h.ID, h.Trigger, got, want)
				}
			}
			if checked < 3 {
				t.Fatalf("%d completed checkpoints checked", checked)
			}
		})
	}
}

// withChangelog gives c incremental RocksDB checkpoints with 1 MiB
// memtables, a write amplification of 3 and restores at 100 MiB/s, under
// the changelog backend's defaults.
func withChangelog(c *Checkpointing) {
	c.RocksDB, c.Incremental = true, true
	c.LSM = LSM{WriteBufferSize: 1 << 20, WriteAmplification: 3, RestoreRate: 100 << 20}
	cl := DefaultChangelog()
	c.Changelog = &cl
}
