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

// newRestarter is rs's strategy; epoch is the Unix time of virtual time 0
// (Spec.Epoch), which the strategies' clock reads milliseconds of.
func newRestarter(rs RestartStrategy, epoch sim.Time, rng *rand.Rand) restarter {
	clock := wallClock(epoch)
	switch rs.Kind {
	case "fixed-delay":
		return &fixedDelay{delay: rs.Delay, attempts: rs.Attempts}
	case "failure-rate":
		return &failureRate{clock: clock, delay: rs.Delay, max: rs.MaxFailuresPerInterval, interval: toMillis(rs.FailureRateInterval)}
	case "exponential-delay":
		if rs.BeforeFLIP364 {
			return &exponentialDelayBefore119{clock: clock, cfg: rs, rng: rng}
		}
		return &exponentialDelay{clock: clock, cfg: rs, rng: rng, next: math.MinInt32}
	}
	return noRestart{}
}

// wallClock is the clock the restart strategies read, Flink's
// Clock.absoluteTimeMillis (SystemClock: System.currentTimeMillis): whole
// milliseconds of Unix time, the fraction dropped. It holds the Unix time
// of virtual time 0. FailureRateRestartBackoffTimeStrategy keeps its
// failure timestamps in these milliseconds and ExponentialDelayRestart
// BackoffTimeStrategy its last failure (before 1.19) or next restart
// (1.19+): every comparison of theirs is of whole milliseconds, so two
// failures 45.0005 s apart, the first at a whole millisecond, are 45000 ms
// apart, and 45 s and 1 ns apart, the first 1 ns before a millisecond
// ends, 45001 ms.
type wallClock sim.Time

// ms is the clock's reading at virtual time t (t ≥ 0), without overflow.
func (c wallClock) ms(t sim.Time) int64 {
	e := sim.Time(c)
	return int64(e/sim.Millisecond + t/sim.Millisecond + (e%sim.Millisecond+t%sim.Millisecond)/sim.Millisecond)
}

// toMillis is a duration in whole milliseconds, as Duration.toMillis reads
// the strategies' options (the scenario has truncated them already).
func toMillis(d sim.Time) int64 { return int64(d / sim.Millisecond) }

// millis is a number of milliseconds as a virtual duration, saturating at
// sim.Never.
func millis(ms int64) sim.Time {
	if ms >= int64(sim.Never/sim.Millisecond) {
		return sim.Never
	}
	return sim.Time(ms) * sim.Millisecond
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

// failureRate fails the job when more than max failures fall within
// interval: FailureRateRestartBackoffTimeStrategy keeps the last max+1
// failure timestamps (ms of its clock) and allows a restart while it holds
// fewer, or the newest is more than interval ms after the oldest.
type failureRate struct {
	clock    wallClock
	delay    sim.Time
	max      int
	interval int64   // ms
	times    []int64 // ms of the clock
}

func (f *failureRate) full() bool { return len(f.times) > f.max }

func (f *failureRate) notifyFailure(now sim.Time) bool {
	if f.full() {
		f.times = f.times[1:]
	}
	f.times = append(f.times, f.clock.ms(now))
	return true
}

func (f *failureRate) canRestart(now sim.Time) bool {
	return !f.full() || f.clock.ms(now)-f.times[0] > f.interval
}

func (f *failureRate) backoff(sim.Time) sim.Time { return f.delay }

// exponentialDelay: initial × multiplier^attempt, with ±jitter, capped, reset
// after ResetThreshold without a failure; failures during a pending restart
// merge into it (Flink's ExponentialDelayRestartBackoffTimeStrategy, 1.19+).
// As there, the jitter is drawn around the uncapped backoff and the sum is
// then capped at max-backoff; unlike Java's long arithmetic, which overflows
// once initial × multiplier^attempt passes 2^63 ms, every step saturates.
// A backoff-multiplier of Infinity passes 2^63 ms at the second attempt:
// here every later restart waits max-backoff. Flink's (long) cast gives
// Long.MAX_VALUE there too, but adding a jitter drawn above 0 wraps it
// negative, and Math.max makes that initial-backoff (about half of the
// restarts with any jitter-factor; a jitter-factor of 1 makes nextLong's
// bound overflow and throw): an overflow flinksim does not reproduce.
// Its times are ms of its clock, as Flink's nextRestartTimestamp: a failure
// merges while now ≤ next, and resets the backoff when now − next ≥ the
// threshold, both in whole milliseconds.
type exponentialDelay struct {
	clock   wallClock
	cfg     RestartStrategy
	rng     *rand.Rand
	attempt int
	next    int64 // ms of the clock: when the pending or last restart happens
}

func (x *exponentialDelay) notifyFailure(now sim.Time) bool {
	n := x.clock.ms(now)
	if n <= x.next {
		return false // merged into the restart already scheduled
	}
	if n-x.next >= toMillis(x.cfg.ResetThreshold) {
		x.attempt = 0
	}
	initial, maxB := toMillis(x.cfg.InitialBackoff), toMillis(x.cfg.MaxBackoff)
	cur := saturatedInt64(float64(initial) * math.Pow(x.cfg.Multiplier, float64(x.attempt)))
	b := max(initial, min(saturatedAdd(cur, drawJitter(x.rng, cur, x.cfg.Jitter)), maxB))
	x.next = saturatedAdd(n, b)
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

// backoff is Flink's getBackoffTime, next − now in ms of the clock (at
// least 0), cut where the restart would be at sim.Never.
func (x *exponentialDelay) backoff(now sim.Time) sim.Time {
	return sim.Add(now, millis(max(0, x.next-x.clock.ms(now)))) - now
}
