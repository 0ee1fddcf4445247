package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestFailoverAbortsPendingAsSuspended: a failover puts the job in
// RESTARTING (DefaultScheduler.addVerticesToRestartPending), whose
// CheckpointCoordinatorDeActivator calls stopCheckpointScheduler, which
// aborts every pending checkpoint with CHECKPOINT_COORDINATOR_SUSPEND:
// REST's failure_message is that reason's message, "Checkpoint
// Coordinator is suspending." (FailedCheckpointStats takes the
// CheckpointException's message), not counted against the tolerable
// failures.
func TestFailoverAbortsPendingAsSuspended(t *testing.T) {
	cases := []struct {
		name string
		f    Failure
	}{
		{"loss as checkpoint 2's last acknowledgement arrives", Failure{Kind: FailTaskManager, OnCheckpoint: true, AtCheckpoint: 2, BeforeCompletion: true}},
		{"hang noticed while a checkpoint uploads", Failure{Kind: FailTaskManager, At: 0, Detection: DetectHang}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := ckptJob(10*sim.Second, 6) // uploads take 6 s of every 10 s
			spec.Duration = 90 * sim.Second
			f := c.f
			if !f.OnCheckpoint {
				// the heartbeat timeout (50 s) ends 2 s into a checkpoint's 6 s upload
				f.At = initialDelay(spec) + 10*sim.Second + 2*sim.Second - spec.Recovery.HeartbeatTimeout
				for f.At < 0 { // a later checkpoint's upload
					f.At += 10 * sim.Second
				}
			}
			spec.Failures = []Failure{f}
			_, res := runWith(t, spec)
			aborted := failedCheckpoints(res)
			for _, h := range aborted {
				if h.FailureMessage != result.FailureSuspend {
					t.Errorf("checkpoint %d failure_message %q, want %q", h.ID, h.FailureMessage, result.FailureSuspend)
				}
			}
			if len(aborted) == 0 {
				t.Fatalf("no checkpoint was pending at the failover: %d checkpoints", len(res.Checkpoints))
			}
			if n := res.Summary.Restarts.Restarts; n != 1 {
				t.Errorf("%d restarts, want 1 (an aborted checkpoint is no counted failure)", n)
			}
		})
	}
}
