package models

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestMaterializationWaitsForACompletedCheckpoint: the changelog backend
// starts no materialization while the last one is unconfirmed, that is
// while no completed checkpoint holds it
// (ChangelogKeyedStateBackend.initMaterialization against
// lastConfirmedMaterializationId, which notifyCheckpointComplete raises);
// the periodic manager tries again an interval later. Every 60 s over
// 240 s, from a phase within the first minute: with checkpoints completing
// every 10 s the job materializes three or four times; with no checkpoint
// in the run, once.
func TestMaterializationWaitsForACompletedCheckpoint(t *testing.T) {
	for _, tc := range []struct {
		name     string
		interval sim.Time // checkpoints
		min, max int64
	}{{"checkpoints complete", 10 * sim.Second, 3, 4}, {"no checkpoint completes", sim.Hour, 1, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			spec := recoveryJob(10, 2000, 0)
			spec.Failures = nil
			withChangelog(spec.Checkpointing)
			spec.Checkpointing.Changelog.MaterializeInterval = 60 * sim.Second
			spec.Checkpointing.Interval = tc.interval
			s, _ := runWith(t, spec)
			checked := 0
			for _, st := range s.subtasks {
				l := s.changelogOf(st)
				if l == nil {
					continue
				}
				checked++
				if l.started < tc.min || l.started > tc.max {
					t.Errorf("%s began %d materializations, want %d to %d (%d confirmed)", st.name(), l.started, tc.min, tc.max, l.confirmed)
				}
			}
			if checked == 0 {
				t.Fatal("no subtask with the changelog backend")
			}
		})
	}
}

// TestMaterializationPhase: the first materialization of each subtask
// comes at its own phase within the interval (or an interval after, with
// nothing logged by then), in whole milliseconds
// (PeriodicMaterializationManager's initialDelay, a hash of the operator
// subtask modulo the interval in ms), so that the subtasks do not
// materialize at once; a subtask keeps its phase across restores (the
// hash is of its description, the same for every attempt).
func TestMaterializationPhase(t *testing.T) {
	spec := recoveryJob(10, 2000, 0)
	spec.Failures = nil
	for i := range spec.Nodes {
		spec.Nodes[i].Parallelism = 8
	}
	spec.Nodes[0].Kafka.Partitions = 8
	withChangelog(spec.Checkpointing)
	spec.Checkpointing.Changelog.MaterializeInterval = 60 * sim.Second // within the run (240 s)
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	interval := spec.Checkpointing.Changelog.MaterializeInterval
	began := map[string]sim.Time{} // each subtask's first materialization
	s.SetTrace(func(at sim.Time, what string) {
		if name, ok := strings.CutSuffix(what, " begins materialization 1"); ok {
			began[name] = at
		} else if name, _, ok := strings.Cut(what, " begins materialization 1:"); ok {
			began[name] = at
		}
	})
	if _, err := s.Run(nil); err != nil {
		t.Fatal(err)
	}
	seen := map[sim.Time]bool{}
	for _, st := range s.subtasks {
		if st.t.nodes[0].spec.Name != "agg" {
			continue
		}
		p := s.materializationPhase(st)
		// tried at its phase, then every interval while it had logged nothing
		if at, ok := began[st.name()]; !ok || at < p || (at-p)%interval != 0 {
			t.Errorf("%s: first materialization at %v (%v), want its phase %v or an interval after", st.name(), at, ok, p)
		}
		if p < 0 || p >= interval || p%sim.Millisecond != 0 {
			t.Errorf("%s: phase %v, want whole milliseconds in [0, %v)", st.name(), p, interval)
		}
		if again := s.materializationPhase(st); again != p {
			t.Errorf("%s: phase %v, then %v", st.name(), p, again)
		}
		seen[p] = true
	}
	if len(seen) != 8 {
		t.Errorf("%d distinct phases of 8 subtasks", len(seen))
	}
}
