package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

func TestExponentialDelayBackoffs(t *testing.T) {
	// Flink's defaults without jitter: 1s, 1.5s, 2.25s, 3.375s ... capped at
	// 60s; failures 10 min apart keep growing, one after a quiet hour resets.
	rs := RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 1.5, ResetThreshold: sim.Hour}
	r := newRestarter(rs, sim.NewStreams(1).Stream("restart"))
	want := []sim.Time{1000, 1500, 2250, 3375, 5062, 7593, 11390, 17085, 25628, 38443, 57665, 60000, 60000}
	now := sim.Time(0)
	for i, w := range want {
		now += 10 * sim.Minute
		r.notifyFailure(now)
		if !r.canRestart(now) {
			t.Fatalf("attempt %d refused", i)
		}
		if got := r.backoff(now); got != w*sim.Millisecond {
			t.Fatalf("attempt %d: backoff %v, want %v", i, got, w*sim.Millisecond)
		}
	}
	// A failure during the pending restart merges into it.
	r.notifyFailure(now + 30*sim.Second)
	if got := r.backoff(now + 30*sim.Second); got != 30*sim.Second {
		t.Fatalf("merged failure: backoff %v, want the remaining 30s", got)
	}
	// An hour without failures resets the backoff.
	now += 2 * sim.Hour
	r.notifyFailure(now)
	if got := r.backoff(now); got != sim.Second {
		t.Fatalf("after a quiet hour: backoff %v, want 1s", got)
	}
}

func TestExponentialDelayJitterStaysInRange(t *testing.T) {
	rs := RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 2, ResetThreshold: sim.Hour, Jitter: 0.1}
	r := newRestarter(rs, sim.NewStreams(2).Stream("restart")).(*exponentialDelay)
	now := sim.Time(0)
	for i := 0; i < 6; i++ {
		now += sim.Minute * 5
		base := sim.Time(1000<<i) * sim.Millisecond
		r.notifyFailure(now)
		b := r.backoff(now)
		if b < base-base/10 || b > base+base/10 {
			t.Fatalf("attempt %d: %v outside %v ± 10%%", i, b, base)
		}
	}
}

func TestFixedDelayAndFailureRate(t *testing.T) {
	f := newRestarter(RestartStrategy{Kind: "fixed-delay", Delay: 10 * sim.Second, Attempts: 2}, nil)
	var ok []bool
	for i := 0; i < 3; i++ {
		f.notifyFailure(sim.Time(i) * sim.Minute)
		ok = append(ok, f.canRestart(sim.Time(i)*sim.Minute))
	}
	if !ok[0] || !ok[1] || ok[2] || f.backoff(0) != 10*sim.Second {
		t.Fatalf("fixed-delay with 2 attempts: %v", ok)
	}
	// At most 1 failure per minute: a second failure within the minute ends
	// the job, one after it does not.
	r := newRestarter(RestartStrategy{Kind: "failure-rate", Delay: sim.Second, MaxFailuresPerInterval: 1, FailureRateInterval: sim.Minute}, nil)
	r.notifyFailure(0)
	if !r.canRestart(0) {
		t.Fatal("first failure refused")
	}
	r.notifyFailure(61 * sim.Second)
	if !r.canRestart(61 * sim.Second) {
		t.Fatal("a failure 61s later refused")
	}
	r.notifyFailure(90 * sim.Second)
	if r.canRestart(90 * sim.Second) {
		t.Fatal("two failures within a minute allowed")
	}
	if newRestarter(RestartStrategy{Kind: "none"}, nil).canRestart(0) {
		t.Fatal("none restarted")
	}
}

// TestExponentialDelayManyAttempts: Flink's default attempts-before-reset is
// Integer.MAX_VALUE; a long failover loop must keep the capped delay (the
// power overflowed int64 after about 100 attempts, and the jitter panicked).
func TestExponentialDelayManyAttempts(t *testing.T) {
	rs := RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 1.5, ResetThreshold: sim.Hour, Jitter: 0.1, AttemptsBeforeReset: math.MaxInt32}
	r := newRestarter(rs, sim.NewStreams(3).Stream("restart"))
	now := sim.Time(0)
	for i := 0; i < 2000; i++ {
		now += 10 * sim.Minute
		r.notifyFailure(now)
		if !r.canRestart(now) {
			t.Fatalf("attempt %d refused", i)
		}
		if b := r.backoff(now); i > 20 && (b < sim.Minute-6*sim.Second || b > sim.Minute) {
			t.Fatalf("attempt %d: backoff %v, want the 1min cap less at most 10%% jitter", i, b)
		}
	}
}
