package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestExtremeDurationsSaturate runs a job with a failover with each duration
// a scenario sets at the largest value the loader accepts, and at the
// largest a Spec can hold: every time computed from it saturates instead of
// wrapping around into the past (a panic) or to a time that has passed
// already (silently wrong). What cannot happen before the end does not.
func TestExtremeDurationsSaturate(t *testing.T) {
	for _, huge := range []sim.Time{sim.Never/2 - 1, sim.Never - 1} { // scenarios.ParseDuration refuses Never/2 and more
		t.Run(huge.String(), func(t *testing.T) { extremeDurations(t, huge) })
	}
}

func extremeDurations(t *testing.T, huge sim.Time) {
	noCompleted := func(t *testing.T, res *result.Result) {
		if n := res.Summary.Checkpoints.Completed; n != 0 {
			t.Errorf("%d checkpoints completed, want none", n)
		}
	}
	noRestore := func(t *testing.T, res *result.Result) {
		if len(res.Failovers) == 0 || len(res.Restores) != 0 {
			t.Errorf("%d failovers and %d restores, want a failover and no restore", len(res.Failovers), len(res.Restores))
		}
	}
	cases := []struct {
		name  string
		set   func(*Spec)
		check func(*testing.T, *result.Result)
	}{
		{"checkpoint interval", func(s *Spec) { s.Checkpointing.Interval = huge }, nil},
		{"checkpoint timeout", func(s *Spec) { s.Checkpointing.Timeout = huge }, nil},
		{"min-pause", func(s *Spec) { s.Checkpointing.MinPause = huge }, nil},
		{"aligned-checkpoint-timeout", func(s *Spec) {
			s.Checkpointing.Unaligned, s.Checkpointing.AlignedTimeout = true, huge
		}, nil},
		{"sync phase", func(s *Spec) { s.Checkpointing.SyncPhase = huge }, noCompleted},
		{"storage request latency", func(s *Spec) {
			s.Checkpointing.Storage.RequestLatency, s.Checkpointing.Storage.FileSize = huge, 1
		}, noCompleted},
		{"heartbeat timeout", func(s *Spec) { s.Recovery.HeartbeatTimeout = huge }, func(t *testing.T, res *result.Result) {
			if len(res.Failovers) != 0 {
				t.Errorf("%d failovers, want none", len(res.Failovers))
			}
		}},
		{"redeploy", func(s *Spec) { s.Recovery.Redeploy = huge }, noRestore},
		{"TaskManager start", func(s *Spec) { s.Recovery.TaskManagerStart = huge }, noRestore},
		{"fixed restart delay", func(s *Spec) { s.Restart.Delay = huge }, noRestore},
		{"exponential-delay", func(s *Spec) {
			s.Restart = RestartStrategy{Kind: "exponential-delay", InitialBackoff: huge, MaxBackoff: huge,
				Multiplier: 2, Jitter: 1, ResetThreshold: huge}
		}, noRestore},
		{"failure-rate interval", func(s *Spec) {
			s.Restart = RestartStrategy{Kind: "failure-rate", Delay: huge, MaxFailuresPerInterval: 1, FailureRateInterval: huge}
		}, nil},
		{"storage outage", func(s *Spec) {
			s.Failures = append(s.Failures, Failure{Kind: FailStorageOutage, At: 10 * sim.Second, For: huge})
		}, nil},
		{"TaskManager MTBF", func(s *Spec) {
			s.Failures = []Failure{{Kind: FailTaskManager, MTBF: huge, TaskManager: -1}}
		}, nil},
		{"chunk delay", func(s *Spec) { s.Sim.ChunkDelay = huge }, nil},
		{"buffer timeout", func(s *Spec) { s.Network.BufferTimeout = huge }, nil},
		{"sample interval", func(s *Spec) { s.Sim.SampleInterval = huge }, nil},
		{"sink latency", func(s *Spec) { s.Nodes[2].Sink.Latency = sim.Constant{V: huge.Seconds()} }, nil},
		{"everything at once", func(s *Spec) {
			c := s.Checkpointing
			c.Timeout, c.MinPause, c.SyncPhase, c.Storage.RequestLatency = huge, huge, huge, huge
			s.Recovery = Recovery{HeartbeatTimeout: huge, Redeploy: huge, TaskManagerStart: huge}
			s.Restart.Delay = huge
		}, noCompleted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := recoveryJob(1000, 2000, 20*sim.Second)
			spec.Duration = 80 * sim.Second // the failover, restore and catch-up take 53 s
			c.set(&spec)
			_, res := runWith(t, spec)
			if c.check != nil {
				c.check(t, res)
			}
		})
	}
}
