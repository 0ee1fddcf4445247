package models

import (
	"errors"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestSyncPhaseIsNotInProcess: a subtask in its checkpoint sync phase is
// busy but holds no records in process (its last step is counted already),
// whether the run ends, the checkpoint expires or the job fails over during
// the sync phase. Each case ran into "records fed != processed or in
// process" before.
func TestSyncPhaseIsNotInProcess(t *testing.T) {
	cases := []struct {
		name                 string
		interval, timeout    sim.Time
		syncPhase, duration  sim.Time
		tolerable            int
		wantExpired, wantRes bool
	}{
		{name: "run ends in a sync phase", interval: 10 * sim.Second, timeout: 10 * sim.Minute, syncPhase: sim.Hour, duration: sim.Minute},
		{name: "checkpoint expires in a sync phase", interval: 2 * sim.Second, timeout: 5 * sim.Second, syncPhase: 6 * sim.Second,
			duration: sim.Minute, tolerable: 1000, wantExpired: true},
		{name: "failover in a sync phase", interval: 2 * sim.Second, timeout: 5 * sim.Second, syncPhase: 6 * sim.Second,
			duration: sim.Minute, wantExpired: true, wantRes: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := ckptJob(c.interval, 1)
			spec.Duration = c.duration
			spec.Checkpointing.Timeout, spec.Checkpointing.SyncPhase = c.timeout, c.syncPhase
			spec.Checkpointing.Tolerable = c.tolerable
			s, res := runWith(t, spec)
			syncing := false
			for _, st := range s.subtasks {
				syncing = syncing || st.syncing != 0
			}
			if c.name == cases[0].name && !syncing {
				t.Fatalf("no subtask is in its sync phase at the end")
			}
			if got := res.Summary.Checkpoints.Expired > 0; got != c.wantExpired {
				t.Errorf("expired %d, want some: %v", res.Summary.Checkpoints.Expired, c.wantExpired)
			}
			if got := len(res.Restores) > 0; got != c.wantRes {
				t.Errorf("restores %d, want some: %v", len(res.Restores), c.wantRes)
			}
		})
	}
}

// TestViolationReturnsTheResults: a run that breaks an invariant returns an
// error wrapping ErrInvariant together with its results, the violation in
// the summary.
func TestViolationReturnsTheResults(t *testing.T) {
	spec := ckptJob(10*sim.Second, 1)
	spec.Duration = 30 * sim.Second
	want, err := mustNew(t, spec).Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer BreakInvariantsForTest()()
	res, err := mustNew(t, spec).Run(nil)
	if !errors.Is(err, ErrInvariant) {
		t.Fatalf("error %v, want one wrapping ErrInvariant", err)
	}
	if res == nil {
		t.Fatal("no results")
	}
	if v := res.Summary.InvariantViolation; v != err.Error() || !strings.Contains(v, "broken on purpose") {
		t.Errorf("invariant_violation %q, want the error %q", v, err)
	}
	res.Summary.InvariantViolation = ""
	if res.Summary.Records != want.Summary.Records || len(res.Times) != len(want.Times) {
		t.Errorf("records %+v over %d samples, want the run's %+v over %d", res.Summary.Records, len(res.Times), want.Summary.Records, len(want.Times))
	}
}

func mustNew(t *testing.T, spec Spec) *Simulation {
	t.Helper()
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
