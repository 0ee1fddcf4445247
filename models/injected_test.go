package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestInjectedCheckpointFailures: checkpoint-failure {at: T} fails the
// newest checkpoint in flight at T, or, with none, the next one triggered,
// as {checkpoint: N} fails N: as its first upload ends, or with nothing to
// upload as it would complete (a task declines from its async phase, not
// at the trigger: a break-test helper found a failure at the trigger
// instant). The summary counts what came due and what took effect.
// Expected checkpoints come from the same run without the failure, which is
// identical up to T.
func TestInjectedCheckpointFailures(t *testing.T) {
	base := ckptJob(10*sim.Second, 1)
	base.Duration = 2 * sim.Minute
	base.Checkpointing.Tolerable = 100 // no failover: the rest of the run goes on
	_, ref := runWith(t, base)
	c2 := ref.Checkpoints[1] // completed, in [trigger, trigger+duration]
	if c2.Status != "COMPLETED" || c2.Trigger+c2.Duration >= ref.Checkpoints[2].Trigger {
		t.Fatalf("reference checkpoints %+v, %+v", *c2, *ref.Checkpoints[2])
	}
	// The only stateful task acknowledges as its upload ends, last.
	uploadEnd := c2.Trigger + c2.Duration
	c3 := ref.Checkpoints[2]
	stateless := base
	stateless.Nodes = append([]Node(nil), base.Nodes...)
	keyed := *base.Nodes[1].Keyed
	keyed.StatePerKey = 0
	stateless.Nodes[1].Keyed = &keyed
	_, sref := runWith(t, stateless)
	sc2 := sref.Checkpoints[1]

	type want struct {
		id     int64    // the checkpoint that fails
		at     sim.Time // when
		due    int
		effect int
	}
	cases := []struct {
		name string
		spec Spec
		f    Failure
		want want
	}{
		{"at T in flight", base, Failure{Kind: FailCheckpoint, At: c2.Trigger + c2.Duration/2},
			want{c2.ID, c2.Trigger + c2.Duration/2, 1, 1}},
		{"at T between checkpoints", base, Failure{Kind: FailCheckpoint, At: c2.Trigger + c2.Duration + sim.Millisecond},
			want{c2.ID + 1, c3.Trigger + c3.Duration, 1, 1}},
		{"checkpoint N with state", base, Failure{Kind: FailCheckpoint, Checkpoint: 2},
			want{2, uploadEnd, 1, 1}},
		{"checkpoint N without state", stateless, Failure{Kind: FailCheckpoint, Checkpoint: 2}, want{2, sc2.Trigger + sc2.Duration, 1, 1}},
		{"checkpoint N after the end", base, Failure{Kind: FailCheckpoint, Checkpoint: 1000}, want{0, 0, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := c.spec
			spec.Failures = []Failure{c.f}
			_, res := runWith(t, spec)
			got := res.Summary.InjectedFailures
			if len(got) != 1 || got[0] != (result.InjectedFailureSummary{Kind: "checkpoint-failure", Due: c.want.due, TookEffect: c.want.effect}) {
				t.Errorf("injected_failures %+v, want due %d, took effect %d", got, c.want.due, c.want.effect)
			}
			for _, h := range res.Checkpoints {
				failed := h.Status == "FAILED" && h.FailureMessage == result.FailureAsync
				if failed != (h.ID == c.want.id) {
					t.Errorf("checkpoint %d: %s %q", h.ID, h.Status, h.FailureMessage)
				}
				if failed && h.Failure != c.want.at {
					t.Errorf("checkpoint %d failed at %v, want %v", h.ID, h.Failure, c.want.at)
				}
			}
		})
	}
}

// TestInjectedFailuresThatChangeNothing are counted as due but not as taking
// effect: a checkpoint failure or a storage slowdown without checkpointing,
// and a TaskManager lost again before its replacement has started.
func TestInjectedFailuresThatChangeNothing(t *testing.T) {
	spec := recoveryJob(1000, 2000, 100*sim.Second)
	spec.Failures = append(spec.Failures, Failure{Kind: FailTaskManager, At: 110 * sim.Second, TaskManager: 0})
	_, res := runWith(t, spec)
	want := []result.InjectedFailureSummary{{Kind: "taskmanager-loss", Due: 1, TookEffect: 1}, {Kind: "taskmanager-loss", Due: 1, TookEffect: 0}}
	if got := res.Summary.InjectedFailures; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("injected_failures %+v, want %+v", got, want)
	}
	spec.Checkpointing = nil
	spec.Failures = []Failure{{Kind: FailCheckpoint, At: 50 * sim.Second}, {Kind: FailStorageSlowdown, At: 60 * sim.Second, For: sim.Second, Factor: 2}}
	_, res = runWith(t, spec)
	want = []result.InjectedFailureSummary{{Kind: "checkpoint-failure", Due: 1, TookEffect: 0}, {Kind: "storage-slowdown", Due: 1, TookEffect: 0, FromS: 60, UntilS: 61}}
	if got := res.Summary.InjectedFailures; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("without checkpointing: injected_failures %+v, want %+v", got, want)
	}
}

// TestTwoInjectedFailuresFailTwoCheckpoints: two checkpoint failures due
// with no checkpoint in flight fail the next two checkpoints, each at its
// first upload's end, never at a trigger (a break-test helper found the
// second failing the first one's checkpoint at its trigger, with an
// end-to-end duration of 0, and the first never taking effect). The run is
// the reference until checkpoint 3 fails, at its upload's end there.
func TestTwoInjectedFailuresFailTwoCheckpoints(t *testing.T) {
	base := ckptJob(10*sim.Second, 1)
	base.Duration = 2 * sim.Minute
	base.Checkpointing.Tolerable = 100
	_, ref := runWith(t, base)
	c2, c3 := ref.Checkpoints[1], ref.Checkpoints[2]
	between := c2.Trigger + c2.Duration + sim.Millisecond
	for _, second := range []Failure{{Kind: FailCheckpoint, At: between + sim.Millisecond}, {Kind: FailCheckpoint, Checkpoint: 3}} {
		spec := base
		spec.Failures = []Failure{{Kind: FailCheckpoint, At: between}, second}
		_, res := runWith(t, spec)
		for i, f := range res.Summary.InjectedFailures {
			if f.TookEffect != 1 {
				t.Errorf("with %+v: failure %d took effect %d times, want once", second, i, f.TookEffect)
			}
		}
		var failed []int64
		for _, h := range res.Checkpoints {
			if h.Status != "FAILED" {
				continue
			}
			failed = append(failed, h.ID)
			if h.FailureMessage != result.FailureAsync || h.Failure <= h.Trigger {
				t.Errorf("with %+v: checkpoint %d failed at %v (trigger %v): %q, want an async failure after its trigger", second, h.ID, h.Failure, h.Trigger, h.FailureMessage)
			}
			if h.ID == 3 && h.Failure != c3.Trigger+c3.Duration {
				t.Errorf("with %+v: checkpoint 3 failed at %v, want at its upload's end %v", second, h.Failure, c3.Trigger+c3.Duration)
			}
		}
		if len(failed) != 2 || failed[0] != 3 || failed[1] != 4 {
			t.Errorf("with %+v: checkpoints %v failed, want 3 and 4", second, failed)
		}
	}
}

// TestInjectedFailureOutlivesAnAbortedCheckpoint: a checkpoint failure due
// between checkpoints is to fail the next one; when a TaskManager loss
// aborts that one before its upload ends, the failure passes on and fails
// the first checkpoint after the restart (a break-test helper found it
// lost: due once, never taking effect). One given by its checkpoint
// number ends with that checkpoint.
func TestInjectedFailureOutlivesAnAbortedCheckpoint(t *testing.T) {
	base := ckptJob(10*sim.Second, 1)
	base.Duration = 3 * sim.Minute
	base.Checkpointing.Tolerable = 100
	_, ref := runWith(t, base)
	c2, c3 := ref.Checkpoints[1], ref.Checkpoints[2]
	loss := Failure{Kind: FailTaskManager, At: c3.Trigger + c3.Duration/4, TaskManager: 0}
	for _, c := range []struct {
		f      Failure
		effect int
	}{
		{Failure{Kind: FailCheckpoint, At: c2.Trigger + c2.Duration + sim.Millisecond}, 1},
		{Failure{Kind: FailCheckpoint, Checkpoint: c3.ID}, 0},
	} {
		spec := base
		spec.Failures = []Failure{c.f, loss}
		_, res := runWith(t, spec)
		if got := res.Summary.InjectedFailures[0]; got.Due != 1 || got.TookEffect != c.effect {
			t.Errorf("%+v: due %d, took effect %d; want 1, %d", c.f, got.Due, got.TookEffect, c.effect)
		}
		var declined []int64
		restarted := false
		for _, h := range res.Checkpoints {
			if h.ID == c3.ID && h.Status != "FAILED" {
				t.Fatalf("checkpoint %d: %s; the TaskManager loss was to abort it", h.ID, h.Status)
			}
			restarted = restarted || h.ID > c3.ID
			if h.Status == "FAILED" && h.FailureMessage == result.FailureAsync {
				declined = append(declined, h.ID)
			}
		}
		if !restarted {
			t.Fatalf("no checkpoint after %d", c3.ID)
		}
		if len(declined) != c.effect || c.effect == 1 && declined[0] <= c3.ID {
			t.Errorf("%+v: checkpoints %v failed by the injected failure, want %d after checkpoint %d", c.f, declined, c.effect, c3.ID)
		}
	}
}
