package models

import (
	"math/rand/v2"

	"github.com/flinksim/flinksim/sim"
)

// exponentialDelayBefore119 is exponential-delay before FLIP-364 (Flink 1.18
// and older, ExponentialDelayRestartBackoffTimeStrategy): every failure
// counts, none merges into a pending restart; a failure resets the backoff
// to the initial one when reset-backoff-threshold plus the current backoff
// passed since the previous failure (the first always does: Flink measures
// from the epoch), else multiplies it (a long, truncated) unless it reached
// max-backoff, capped there. The jitter is drawn around that capped backoff
// and the sum capped again, so at the cap a delay lies in
// [max − jitter·max, max]. It allows every restart.
// Like Flink's, it compares ms of its clock (lastFailureTimestamp).
type exponentialDelayBefore119 struct {
	clock wallClock
	cfg   RestartStrategy
	rng   *rand.Rand
	cur   int64 // the current backoff, ms
	last  int64 // the previous failure, ms of the clock
	seen  bool
}

func (x *exponentialDelayBefore119) notifyFailure(now sim.Time) bool {
	initial, maxB := toMillis(x.cfg.InitialBackoff), toMillis(x.cfg.MaxBackoff)
	n := x.clock.ms(now)
	if !x.seen || n-x.last >= saturatedAdd(toMillis(x.cfg.ResetThreshold), x.cur) {
		x.cur = initial
	} else {
		if x.cur < maxB {
			x.cur = saturatedInt64(float64(x.cur) * x.cfg.Multiplier)
		}
		x.cur = max(initial, min(x.cur, maxB))
	}
	x.last, x.seen = n, true
	return true // every failure is an attempt before FLIP-364
}

func (x *exponentialDelayBefore119) canRestart(sim.Time) bool { return true }

func (x *exponentialDelayBefore119) backoff(sim.Time) sim.Time {
	b := saturatedAdd(x.cur, drawJitter(x.rng, x.cur, x.cfg.Jitter))
	return millis(min(b, toMillis(x.cfg.MaxBackoff)))
}
