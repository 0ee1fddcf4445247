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
	r := newRestarter(rs, 0, sim.NewStreams(1).Stream("restart"))
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

// TestExponentialDelayBefore119: Flink 1.18's
// ExponentialDelayRestartBackoffTimeStrategy counts every failure, a second
// one during a pending restart too (no merging before FLIP-364), resets when
// the threshold plus the current backoff passed, and jitters around the
// capped backoff, so that at max-backoff no delay exceeds it and about half
// fall below it.
func TestExponentialDelayBefore119(t *testing.T) {
	rs := RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 2, ResetThreshold: sim.Hour, BeforeFLIP364: true}
	steps := []struct {
		gap  sim.Time // since the previous failure
		want sim.Time // the backoff, ms
	}{
		{10 * sim.Minute, 1000}, // the first failure: the initial backoff
		{10 * sim.Minute, 2000},
		{500 * sim.Millisecond, 4000}, // during the pending restart: counted
		{10 * sim.Minute, 8000},
		{10 * sim.Minute, 16000},
		{10 * sim.Minute, 32000},
		{10 * sim.Minute, 60000}, // 64 s capped
		{10 * sim.Minute, 60000},
		{sim.Hour + sim.Minute - 1, 60000},
		{sim.Hour + sim.Minute, 1000}, // threshold plus the current backoff: reset
	}
	r := newRestarter(rs, 0, sim.NewStreams(1).Stream("restart"))
	now := sim.Time(0)
	for i, c := range steps {
		now += c.gap
		r.notifyFailure(now)
		if !r.canRestart(now) {
			t.Fatalf("failure %d refused", i)
		}
		if got := r.backoff(now); got != c.want*sim.Millisecond {
			t.Errorf("failure %d: backoff %v, want %v", i, got, c.want*sim.Millisecond)
		}
	}
	rs.Jitter = 0.1
	r = newRestarter(rs, 0, sim.NewStreams(3).Stream("restart"))
	below := 0
	const n = 200
	for i := 0; i < n; i++ {
		now += sim.Minute
		r.notifyFailure(now)
		b := r.backoff(now)
		if i < 7 {
			continue // still growing to the cap
		}
		if b > sim.Minute || b < 54*sim.Second {
			t.Fatalf("failure %d at the cap: %v outside [54s, 60s]", i, b)
		}
		if b < sim.Minute {
			below++
		}
	}
	// Each draw at the cap is below it with p = 6000/12001 ≈ 1/2 (the
	// jitter is uniform in [-6000, 6000] ms around 60 s): within 4 standard
	// deviations of the binomial. FLIP-364's strategy draws around the
	// uncapped backoff and would give 60 s every time.
	m := float64(n - 7)
	p := 6000.0 / 12001
	if sd := math.Sqrt(m * p * (1 - p)); math.Abs(float64(below)-m*p) > 4*sd {
		t.Errorf("%d of %d delays at the cap below it, want about %.0f ± %.0f", below, n-7, m*p, 4*sd)
	}
}

func TestExponentialDelayJitterStaysInRange(t *testing.T) {
	rs := RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 2, ResetThreshold: sim.Hour, Jitter: 0.1}
	r := newRestarter(rs, 0, sim.NewStreams(2).Stream("restart")).(*exponentialDelay)
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
	f := newRestarter(RestartStrategy{Kind: "fixed-delay", Delay: 10 * sim.Second, Attempts: 2}, 0, nil)
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
	r := newRestarter(RestartStrategy{Kind: "failure-rate", Delay: sim.Second, MaxFailuresPerInterval: 1, FailureRateInterval: sim.Minute}, 0, nil)
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
	if newRestarter(RestartStrategy{Kind: "none"}, 0, nil).canRestart(0) {
		t.Fatal("none restarted")
	}
}

// TestExponentialDelayManyAttempts: Flink's default attempts-before-reset is
// Integer.MAX_VALUE; a long failover loop must keep the capped delay (the
// power overflowed int64 after about 100 attempts, and the jitter panicked).
func TestExponentialDelayManyAttempts(t *testing.T) {
	rs := RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 1.5, ResetThreshold: sim.Hour, Jitter: 0.1, AttemptsBeforeReset: math.MaxInt32}
	failEvery10Min(t, newRestarter(rs, 0, sim.NewStreams(3).Stream("restart")), 2000, func(i int, b sim.Time) {
		if i > 20 && (b < sim.Minute-6*sim.Second || b > sim.Minute) {
			t.Fatalf("attempt %d: backoff %v, want the 1min cap less at most 10%% jitter", i, b)
		}
	})
}

// failEvery10Min fails n times 10 minutes apart, each failure's restart
// allowed, and checks each backoff.
func failEvery10Min(t *testing.T, r restarter, n int, check func(i int, backoff sim.Time)) {
	t.Helper()
	now := sim.Time(0)
	for i := 0; i < n; i++ {
		now += 10 * sim.Minute
		r.notifyFailure(now)
		if !r.canRestart(now) {
			t.Fatalf("failure %d refused", i)
		}
		check(i, r.backoff(now))
	}
}

// TestExponentialDelaySaturates: Flink's defaults overflowed int64 after 90
// restarts (1 s × 1.5^90 > 2^63 ms), and extreme settings overflow sooner;
// every backoff stays within [initial-backoff, max-backoff], and equals
// max-backoff once even the lowest jitter cannot bring it below.
func TestExponentialDelaySaturates(t *testing.T) {
	const huge = sim.Never/2 - 1 // the longest duration a scenario accepts
	cases := []struct {
		name             string
		initial, maxB    sim.Time
		multiplier, jitt float64
		failures         int
	}{
		{"Flink's defaults, 200 restarts", sim.Second, sim.Minute, 1.5, 0.1, 200},
		{"full jitter", sim.Second, sim.Minute, 10, 1, 100},
		{"huge max-backoff", sim.Millisecond, huge, 1e6, 0.5, 50},
		{"huge max-backoff, full jitter", sim.Millisecond, huge, 1e6, 1, 50},
		{"huge initial and max", huge, huge, 2, 1, 5},
		{"huge multiplier", sim.Second, sim.Hour, 1e300, 0.1, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := RestartStrategy{Kind: "exponential-delay", InitialBackoff: c.initial, MaxBackoff: c.maxB,
				Multiplier: c.multiplier, ResetThreshold: huge, Jitter: c.jitt}
			r := newRestarter(rs, 0, sim.NewStreams(3).Stream("restart"))
			now := sim.Time(0)
			for k := 0; k < c.failures; k++ {
				r.notifyFailure(now)
				b := r.backoff(now)
				// The restart time saturates at Never: the backoff is cut there.
				room := sim.Never - now
				if b < min(toMs(c.initial), room) || b > toMs(c.maxB) {
					t.Fatalf("failure %d: backoff %v outside [%v, %v]", k, b, c.initial, c.maxB)
				}
				low := float64(c.initial) * math.Pow(c.multiplier, float64(k)) * (1 - c.jitt)
				if want := min(toMs(c.maxB), room); low >= float64(c.maxB) && b != want {
					t.Fatalf("failure %d: backoff %v, want %v", k, b, want)
				}
				// The next failure comes a millisecond after the restart (one
				// within its millisecond merges into it), within the reset
				// threshold (saturating: the restart may be "never").
				now = sim.Add(now, b+sim.Millisecond)
				if now == sim.Never {
					break
				}
			}
		})
	}
}

// toMs truncates to the millisecond, the resolution of Flink's backoffs.
func toMs(t sim.Time) sim.Time { return t / sim.Millisecond * sim.Millisecond }

// TestRestartClockMillis: the strategies read Clock.absoluteTimeMillis,
// whole milliseconds of Unix time, and compare those
// (FailureRateRestartBackoffTimeStrategy's failure timestamps,
// ExponentialDelayRestartBackoffTimeStrategy's nextRestartTimestamp, and
// before 1.19 its lastFailureTimestamp): the instants within one
// millisecond are the same time. testdata/trace/restart_millis.txt shows
// the failure-rate interval and the reset threshold at their edges.
func TestRestartClockMillis(t *testing.T) {
	ms := func(f float64) sim.Time { return sim.Time(f * float64(sim.Millisecond)) }
	// 1.19+: the restart is at 31000 ms; a failure at 31000.5 ms is not
	// after it (now <= nextRestartTimestamp): merged, with 0 ms left.
	x := newRestarter(RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 2, ResetThreshold: sim.Hour, AttemptsBeforeReset: 10}, 0, nil)
	x.notifyFailure(30 * sim.Second)
	if x.notifyFailure(ms(31000.5)) {
		t.Error("a failure at 31000.5 ms, the restart's millisecond: a new attempt, want merged")
	}
	if b := x.backoff(ms(31000.5)); b != 0 {
		t.Errorf("merged at the restart's millisecond: backoff %v, want 0", b)
	}
	if !x.notifyFailure(ms(31001)) {
		t.Error("a failure at 31001 ms: merged, want a new attempt")
	}
	// The clock is Unix time: with virtual 0 at 0.7 ms past a millisecond,
	// failures at 0.2 ms and 10.4 ms are at 0 ms and 11 ms of it, more than
	// a 10 ms interval apart.
	f := newRestarter(RestartStrategy{Kind: "failure-rate", Delay: sim.Second, MaxFailuresPerInterval: 1, FailureRateInterval: 10 * sim.Millisecond}, ms(0.7), nil)
	f.notifyFailure(ms(0.2))
	f.notifyFailure(ms(10.4))
	if !f.canRestart(ms(10.4)) {
		t.Error("failures at 0 ms and 11 ms of the clock, 10 ms interval: refused, want allowed")
	}
	// Before 1.19 the backoff starts over when now - lastFailureTimestamp
	// >= threshold + current backoff: 11000 - 0 >= 10000 + 1000 ms, though
	// the failures are 10999.5 ms apart.
	l := newRestarter(RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 2, ResetThreshold: 10 * sim.Second, BeforeFLIP364: true}, 0, nil)
	l.notifyFailure(ms(0.5))
	l.notifyFailure(11 * sim.Second)
	if b := l.backoff(11 * sim.Second); b != sim.Second {
		t.Errorf("1.18, 11000 ms after a failure at 0 ms: backoff %v, want it reset to 1s", b)
	}
}

// TestExponentialDelayInfiniteMultiplier: Flink takes a backoff-multiplier
// of Infinity (ExponentialDelayRestartBackoffTimeStrategy checks only
// backoffMultiplier > 1). The first restart waits initial-backoff
// (Math.pow(Infinity, 0) is 1), every later one max-backoff: the long cast
// of initial × Infinity is Long.MAX_VALUE, capped at max-backoff (1.19+;
// before, currentBackoffMS *= Infinity, capped the same, the jitter drawn
// around the cap). No NaN, no overflow.
func TestExponentialDelayInfiniteMultiplier(t *testing.T) {
	for _, before119 := range []bool{false, true} {
		for _, jitter := range []float64{0, 0.1, 1} {
			rs := RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
				Multiplier: math.Inf(1), ResetThreshold: sim.Hour, Jitter: jitter, AttemptsBeforeReset: math.MaxInt32, BeforeFLIP364: before119}
			failEvery10Min(t, newRestarter(rs, 0, sim.NewStreams(5).Stream("restart")), 20, func(k int, b sim.Time) {
				// around initial-backoff, then max-backoff; 1.19+ caps the
				// jitter below at initial-backoff and draws it around
				// Long.MAX_VALUE at the cap (no delay below it), 1.18 around
				// the cap
				base := sim.Minute
				if k == 0 {
					base = sim.Second
				}
				off := sim.Time(jitter * float64(base))
				lo, hi := base-off, min(base+off, sim.Minute)
				if !before119 {
					lo = base
				}
				if b < lo || b > hi {
					t.Fatalf("1.18 %v, jitter %g, failure %d: backoff %v outside [%v, %v]", before119, jitter, k, b, lo, hi)
				}
			})
		}
	}
}
