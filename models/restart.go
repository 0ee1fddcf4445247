package models

import (
	"math"
	"math/rand/v2"

	"github.com/flinksim/flinksim/sim"
)

// restarter is a restart strategy as Flink's RestartBackoffTimeStrategy:
// the failure handler calls notifyFailure, then canRestart, then backoff
// (ExecutionFailureHandler, Flink 1.20 / 2.x).
type restarter interface {
	notifyFailure(now sim.Time)
	canRestart(now sim.Time) bool
	backoff(now sim.Time) sim.Time
}

func newRestarter(rs RestartStrategy, rng *rand.Rand) restarter {
	switch rs.Kind {
	case "fixed-delay":
		return &fixedDelay{delay: rs.Delay, attempts: rs.Attempts}
	case "failure-rate":
		return &failureRate{delay: rs.Delay, max: rs.MaxFailuresPerInterval, interval: rs.FailureRateInterval}
	case "exponential-delay":
		return &exponentialDelay{cfg: rs, rng: rng, next: math.MinInt32}
	}
	return noRestart{}
}

type noRestart struct{}

func (noRestart) notifyFailure(sim.Time)    {}
func (noRestart) canRestart(sim.Time) bool  { return false }
func (noRestart) backoff(sim.Time) sim.Time { return 0 }

// fixedDelay allows Attempts restarts, each after Delay.
type fixedDelay struct {
	delay    sim.Time
	attempts int
	current  int
}

func (f *fixedDelay) notifyFailure(sim.Time)    { f.current++ }
func (f *fixedDelay) canRestart(sim.Time) bool  { return f.current <= f.attempts }
func (f *fixedDelay) backoff(sim.Time) sim.Time { return f.delay }

// failureRate fails the job when more than max failures fall within interval.
type failureRate struct {
	delay    sim.Time
	max      int
	interval sim.Time
	times    []sim.Time
}

func (f *failureRate) full() bool { return len(f.times) > f.max }

func (f *failureRate) notifyFailure(now sim.Time) {
	if f.full() {
		f.times = f.times[1:]
	}
	f.times = append(f.times, now)
}

func (f *failureRate) canRestart(now sim.Time) bool {
	return !f.full() || now-f.times[0] > f.interval
}

func (f *failureRate) backoff(sim.Time) sim.Time { return f.delay }

// exponentialDelay: initial × multiplier^attempt, with ±jitter, capped, reset
// after ResetThreshold without a failure; failures during a pending restart
// merge into it.
type exponentialDelay struct {
	cfg     RestartStrategy
	rng     *rand.Rand
	attempt int
	next    sim.Time // when the pending or last restart happens
}

func (x *exponentialDelay) notifyFailure(now sim.Time) {
	if now <= x.next {
		return // merged into the restart already scheduled
	}
	if now-x.next >= x.cfg.ResetThreshold {
		x.attempt = 0
	}
	ms := func(t sim.Time) int64 { return int64(t / sim.Millisecond) }
	initial, maxB := ms(x.cfg.InitialBackoff), ms(x.cfg.MaxBackoff)
	// Bounded before the conversion: after many attempts (Flink's default
	// allows Integer.MAX_VALUE) the power overflows any int64. Any bound
	// above maxB (and its jitter) gives the same delay.
	cur := int64(min(float64(initial)*math.Pow(x.cfg.Multiplier, float64(x.attempt)), 4*float64(maxB)))
	var jitter int64
	if x.cfg.Jitter > 0 {
		off := int64(float64(cur) * x.cfg.Jitter)
		jitter = x.rng.Int64N(2*off+1) - off
	}
	b := max(initial, min(cur+jitter, maxB))
	x.next = now + sim.Time(b)*sim.Millisecond
	x.attempt++
}

func (x *exponentialDelay) canRestart(sim.Time) bool {
	return x.cfg.AttemptsBeforeReset <= 0 || x.attempt <= x.cfg.AttemptsBeforeReset
}

func (x *exponentialDelay) backoff(now sim.Time) sim.Time { return max(0, x.next-now) }
