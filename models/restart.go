package models

import (
	"math"
	"math/rand/v2"

	"github.com/flinksim/flinksim/sim"
)

// restarter is a restart strategy as Flink's RestartBackoffTimeStrategy:
// the failure handler calls notifyFailure, then canRestart, then backoff
// (ExecutionFailureHandler, Flink 1.20 / 2.x). notifyFailure reports
// whether the failure is a new restart attempt: only exponential-delay
// (1.19+, FLIP-364) merges a failure into a pending restart, and Flink's
// numRestarts counts new attempts only (ExecutionFailureHandler
// .handleFailure, FLINK-33565).
type restarter interface {
	notifyFailure(now sim.Time) bool
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
		if rs.BeforeFLIP364 {
			return &exponentialDelayBefore119{cfg: rs, rng: rng}
		}
		return &exponentialDelay{cfg: rs, rng: rng, next: math.MinInt32}
	}
	return noRestart{}
}

type noRestart struct{}

func (noRestart) notifyFailure(sim.Time) bool { return true }
func (noRestart) canRestart(sim.Time) bool    { return false }
func (noRestart) backoff(sim.Time) sim.Time   { return 0 }

// fixedDelay allows Attempts restarts, each after Delay.
type fixedDelay struct {
	delay    sim.Time
	attempts int
	current  int
}

func (f *fixedDelay) notifyFailure(sim.Time) bool { f.current++; return true }
func (f *fixedDelay) canRestart(sim.Time) bool    { return f.current <= f.attempts }
func (f *fixedDelay) backoff(sim.Time) sim.Time   { return f.delay }

// failureRate fails the job when more than max failures fall within interval.
type failureRate struct {
	delay    sim.Time
	max      int
	interval sim.Time
	times    []sim.Time
}

func (f *failureRate) full() bool { return len(f.times) > f.max }

func (f *failureRate) notifyFailure(now sim.Time) bool {
	if f.full() {
		f.times = f.times[1:]
	}
	f.times = append(f.times, now)
	return true
}

func (f *failureRate) canRestart(now sim.Time) bool {
	return !f.full() || now-f.times[0] > f.interval
}

func (f *failureRate) backoff(sim.Time) sim.Time { return f.delay }

// exponentialDelay: initial × multiplier^attempt, with ±jitter, capped, reset
// after ResetThreshold without a failure; failures during a pending restart
// merge into it (Flink's ExponentialDelayRestartBackoffTimeStrategy, 1.19+).
// As there, the jitter is drawn around the uncapped backoff and the sum is
// then capped at max-backoff; unlike Java's long arithmetic, which overflows
// once initial × multiplier^attempt passes 2^63 ms, every step saturates.
type exponentialDelay struct {
	cfg     RestartStrategy
	rng     *rand.Rand
	attempt int
	next    sim.Time // when the pending or last restart happens
}

func (x *exponentialDelay) notifyFailure(now sim.Time) bool {
	if now <= x.next {
		return false // merged into the restart already scheduled
	}
	if sim.Add(now, -x.next) >= x.cfg.ResetThreshold {
		x.attempt = 0
	}
	ms := func(t sim.Time) int64 { return int64(t / sim.Millisecond) }
	initial, maxB := ms(x.cfg.InitialBackoff), ms(x.cfg.MaxBackoff)
	cur := saturatedInt64(float64(initial) * math.Pow(x.cfg.Multiplier, float64(x.attempt)))
	b := max(initial, min(saturatedAdd(cur, drawJitter(x.rng, cur, x.cfg.Jitter)), maxB))
	d := sim.Never
	if b < int64(sim.Never/sim.Millisecond) {
		d = sim.Time(b) * sim.Millisecond
	}
	x.next = sim.Add(now, d)
	x.attempt = min(x.attempt+1, math.MaxInt32)
	return true
}

// drawJitter is exponential-delay's jitter: uniform in [−off, off] ms with
// off = backoff × factor truncated, as ThreadLocalRandom.nextLong(−off,
// off+1) draws it; 0 without jitter. 2·off+1 values fit a uint64 for any
// off, and the draw equals Int64N's where that does not overflow.
func drawJitter(rng *rand.Rand, backoff int64, factor float64) int64 {
	if factor <= 0 {
		return 0
	}
	off := saturatedInt64(float64(backoff) * factor)
	return int64(rng.Uint64N(2*uint64(off)+1) - uint64(off))
}

// saturatedInt64 converts a non-negative float to int64 as Java's (long)
// cast does: values beyond the range become MaxInt64 (Go's conversion is
// undefined there).
func saturatedInt64(f float64) int64 {
	switch {
	case math.IsNaN(f) || f <= 0:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	}
	return int64(f)
}

// saturatedAdd is a+b for a ≥ 0, saturating at MaxInt64.
func saturatedAdd(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func (x *exponentialDelay) canRestart(sim.Time) bool {
	return x.cfg.AttemptsBeforeReset <= 0 || x.attempt <= x.cfg.AttemptsBeforeReset
}

func (x *exponentialDelay) backoff(now sim.Time) sim.Time { return max(0, sim.Add(x.next, -now)) }
