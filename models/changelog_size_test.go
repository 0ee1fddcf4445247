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
// materialization within the run, every checkpoint holds 100 MiB
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
			noMaterialization(spec.Checkpointing)
			s, res := runWith(t, spec)
			checkNoMaterialization(t, s)
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

// noMaterialization puts c's changelog materializations past any test's
// run: every 1000 h, the first at a phase drawn within that
// (materializationPhase); checkNoMaterialization fails the test if one
// began all the same.
func noMaterialization(c *Checkpointing) { c.Changelog.MaterializeInterval = 1000 * sim.Hour }

func checkNoMaterialization(t *testing.T, s *Simulation) {
	t.Helper()
	for _, st := range s.subtasks {
		if l := s.changelogOf(st); l != nil && l.started > 0 {
			t.Fatalf("%s began a materialization: the test needs none within its run", st.name())
		}
	}
}

// TestChangelogCheckpointedSizeIsTheTail: a changelog checkpoint's
// checkpointed size (REST checkpointed_size, lastCheckpointSize) is what
// the log's writer uploads for it, not what it uploaded before:
// ChangelogStateBackendHandleImpl.getCheckpointedSize is the
// persistedSizeOfThisCheckpoint ChangelogKeyedStateBackend.buildSnapshotResult
// takes from the delta, whose ChangelogStateHandleStreamImpl.getCheckpointedSize
// FsStateChangelogWriter counts from the uploads that complete after the
// checkpoint's persist (0 for those already done), and neither the
// materialized state nor the restored log adds to it. 10 records/s each
// put 1 MiB (10 MiB/s); checkpoints are triggered every 10 s from 6.5 s.
//   - Flink's default pre-emptive threshold, 5 MiB: every fifth record
//     hands the writer's active change set to the upload
//     (FsStateChangelogWriter.append), and the 65th (the 165th, ...) is the
//     last before each barrier: its change set of 5 MiB waits to upload
//     (the sets before it drained at the upload's 15 MiB/s within a third
//     of a second), nothing is left in the active set, so each checkpoint
//     uploads and counts 5 MiB, a record either side of the barrier
//     4 to 6 MiB (the log written since the last checkpoint, 100 MiB, was
//     counted before).
//   - A threshold above what an interval writes (1 GiB): nothing is
//     uploaded before a checkpoint, which uploads and counts all the log
//     written since the last one: 65 MiB for the first, 100 MiB after.
func TestChangelogCheckpointedSizeIsTheTail(t *testing.T) {
	for _, tc := range []struct {
		name      string
		threshold float64
		want      func(i int) float64 // MiB, the i-th completed checkpoint
	}{
		{"5 MiB threshold", 5 << 20, func(int) float64 { return 5 }},
		{"nothing uploaded before", 1 << 30, func(i int) float64 {
			if i == 0 {
				return 65
			}
			return 100
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := recoveryJob(10, 2000, 0)
			spec.Failures = nil
			withChangelog(spec.Checkpointing)
			spec.Checkpointing.Changelog.PreEmptiveThreshold = tc.threshold
			_, res := runWith(t, spec)
			checked := 0
			for _, h := range res.Checkpoints {
				if h.Status != "COMPLETED" {
					continue
				}
				want := tc.want(checked)
				checked++
				if got := float64(h.Checkpointed) / (1 << 20); math.Abs(got-want) > 1 {
					t.Errorf("checkpoint %d (trigger %v): checkpointed_size %.2f MiB, want %.0f", h.ID, h.Trigger, got, want)
				}
			}
			if checked < 20 {
				t.Fatalf("%d completed checkpoints checked", checked)
			}
		})
	}
}

// TestChangelogStateSizeIsMaterializedAndLog: a changelog checkpoint's full
// size is its materialized state's and its log's
// (ChangelogStateBackendHandleImpl.getStateSize: the materialized handles'
// full sizes, an IncrementalRemoteKeyedStateHandle's being all its files,
// plus the non-materialized handles'), not the state the subtask holds.
// A job started without state has nothing materialized
// (ChangelogKeyedStateBackend.completeRestore of no handles) until its
// first materialization completes: its checkpoints hold the log alone,
// 10 MiB for each second up to the trigger. The materialization every
// 60 s begins at its phase φ (materializationPhase, within the first 60 s)
// with 10φ records of 100 uniform keys processed, so its state is
// 100·(1 − 0.99^10φ) MiB of keys; once uploaded (a second at most), a
// checkpoint holds that and the log since φ, until the next
// materialization begins 60 s after this one ended. A record or two either
// side of a barrier or of the materialization's start: 2 MiB.
func TestChangelogStateSizeIsMaterializedAndLog(t *testing.T) {
	spec := recoveryJob(10, 2000, 0)
	spec.Failures = nil
	spec.Nodes[1].Keyed.Warm = false
	withChangelog(spec.Checkpointing)
	spec.Checkpointing.Changelog.MaterializeInterval = 60 * sim.Second
	s, res := runWith(t, spec)
	var phase float64
	for _, st := range s.subtasks {
		if st.lsm != nil { // agg -> out, the one stateful subtask
			phase = s.materializationPhase(st).Seconds()
		}
	}
	materialized := 100 * (1 - math.Pow(0.99, 10*phase))
	before, after := 0, 0
	for _, h := range res.Checkpoints {
		trigger := h.Trigger.Seconds()
		var want float64
		switch {
		case h.Status != "COMPLETED":
			continue
		case trigger < phase:
			want = 10 * trigger
			before++
		case trigger > phase+2 && trigger < phase+60:
			want = materialized + 10*(trigger-phase)
			after++
		default:
			continue
		}
		if got := float64(h.StateSize) / (1 << 20); math.Abs(got-want) > 2 {
			t.Errorf("checkpoint %d (trigger %v): state_size %.2f MiB, want %.2f", h.ID, h.Trigger, got, want)
		}
	}
	if after < 5 {
		t.Fatalf("%d checkpoints before the materialization (at %.1fs) and %d after checked", before, phase, after)
	}
}
