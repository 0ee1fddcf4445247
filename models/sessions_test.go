package models

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// flinkSessions is Flink's session assignment for one key's timestamps (in
// order, seconds): each record's window is [ts, ts + gap), and windows that
// overlap or touch merge (TimeWindow.intersects, TimeWindow.mergeWindows).
// It returns each record's session end and whether it opened its session.
func flinkSessions(ts []float64, gap float64) (end []float64, first []bool) {
	end, first = make([]float64, len(ts)), make([]bool, len(ts))
	start := 0
	for i := range ts {
		// [ts[i-1], ts[i-1]+gap) and [ts[i], ts[i]+gap) intersect when
		// ts[i] ≤ ts[i-1] + gap
		if i > 0 && ts[i] > ts[i-1]+gap {
			for k := start; k < i; k++ {
				end[k] = ts[i-1] + gap
			}
			start = i
		}
		first[i] = i == start
	}
	for k := start; k < len(ts); k++ {
		end[k] = ts[len(ts)-1] + gap
	}
	return end, first
}

// A key's records as a renewal stream (Poisson, or bursts: gaps a mixture
// of short and long), merged into sessions by Flink's rule, put each
// record's session end T after its timestamp and open a session with
// probability q = P(gap > g): the grid's placement must agree, its CDF
// within a cell and the samples' noise.
func TestSessionPlacementMatchesFlinksMerging(t *testing.T) {
	const gap = 10 * sim.Second
	ln, _ := sim.LogNormalFromMeanP99(60, 600)
	bursty := sim.Mixture{Weights: []float64{0.9, 0.1}, Parts: []sim.Dist{sim.Exponential{M: 1}, ln}}
	for _, tc := range []struct {
		mu    float64
		shape sim.Dist
	}{{0.03, nil}, {0.1, nil}, {0.3, nil}, {0.1, bursty}, {0.5, bursty}} {
		mu := tc.mu
		kg := keyGaps{shape: tc.shape, mean: 1 / mu}
		c, h := componentFor(kg, gap, 2*sim.Hour)
		r := rand.New(rand.NewPCG(1, uint64(mu*1000)))
		const n = 200000
		ts := make([]float64, n)
		for i := 1; i < n; i++ {
			if tc.shape == nil {
				ts[i] = ts[i-1] + r.ExpFloat64()/mu
			} else {
				ts[i] = ts[i-1] + tc.shape.Sample(r)/tc.shape.Mean()/mu
			}
		}
		end, first := flinkSessions(ts, gap.Seconds())
		firsts := 0
		for _, f := range first {
			if f {
				firsts++
			}
		}
		if got, tol := float64(firsts)/n, 5*math.Sqrt(c.q*(1-c.q)/n); math.Abs(got-c.q) > tol {
			t.Errorf("μ=%g %v: %.4f of records open a session, the grid says P(gap > g) = %.4f (± %.4f)", mu, tc.shape, got, c.q, tol)
		}
		// P(T ≤ x) at slot boundaries: the grid puts a record whose
		// timestamp is uniform in slot 0 into slot m; compare with
		// T + U, U uniform over a slot.
		hs := h.Seconds()
		for _, m := range []int{int(gap / h), int(gap/h) + 4, int(gap/h) + 16, int(gap/h) + 64} {
			want := 0.0
			for k := 0; k <= m; k++ {
				want += c.pm[k]
			}
			le := 0
			for i := range ts[:n-1000] {
				if end[i]-ts[i]+r.Float64()*hs < float64(m+1)*hs {
					le++
				}
			}
			got := float64(le) / float64(n-1000)
			// a session's records share its end, so the noise is the
			// sessions'; the cells of h/8 move a gap sum (not the atom
			// at S = 0, of mass q) by less than a cell
			tol := 5 * math.Sqrt(want*(1-want)/(float64(firsts)))
			tol += (pmAt(c.pm, m+1) + pmAt(c.pm, m)) * (1 - c.q) / sessionCells
			if math.Abs(got-want) > tol {
				t.Errorf("μ=%g %v: P(end ≤ %.1fs after the slot's start) = %.4f from Flink's merging, %.4f from the grid (± %.4f)", mu, tc.shape, float64(m+1)*hs, got, want, tol)
			}
		}
	}
}

// componentFor is one key's session placement over a run of dur, and the
// grid's slot width.
func componentFor(kg keyGaps, gap, dur sim.Time) (sessionComponent, sim.Time) {
	h, slots, covers := sessionPlan(gap, 200*sim.Millisecond, dur+gap, []float64{kg.support(gap.Seconds())})
	return newSessionComponent(kg, gap, h, slots, covers), h
}

func pmAt(pm []float64, m int) float64 {
	if m < len(pm) {
		return pm[m]
	}
	return 0
}

// The mean time from a record to its session's end has a closed form: g
// plus E[S], S the gaps shorter than g before the first longer one: a
// geometric number (mean (1−q)/q, q = P(gap > g)) of gaps of mean
// E[X; X < g]/(1−q), so E[T] = g + E[X; X < g]/q; for exponential gaps,
// (1−q)/(qμ).
func TestSessionMeanEndClosedForm(t *testing.T) {
	const gap = 30 * sim.Second
	g := gap.Seconds()
	for _, mu := range []float64{0.01, 0.05, 0.1, 0.2} {
		c, h := componentFor(keyGaps{mean: 1 / mu}, gap, 24*sim.Hour)
		want := (1 - c.q) / (c.q * mu)
		// meanEnd counts from the slot's start with the record uniform in
		// it: half a slot more than T
		got := (&sessionGrid{pm: c.pm}).meanEnd(h) - h.Seconds()/2
		// each gap is split between cells so as to keep its mean: only
		// float rounding remains
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("μg=%.1f: mean session end %.6fs after a record, closed form %.6fs", mu*g, got, want)
		}
	}
	// Bursts: E[X; X < g] = g·F(g) − ∫₀^g F, integrated finely here;
	// the grid integrates each cell by Simpson's rule on eight panels.
	ln, _ := sim.LogNormalFromMeanP99(60, 600)
	shape := sim.Mixture{Weights: []float64{0.9, 0.1}, Parts: []sim.Dist{sim.Exponential{M: 1}, ln}}
	for _, mean := range []float64{2, 5, 20} {
		kg := keyGaps{shape: shape, mean: mean}
		c, h := componentFor(kg, gap, 24*sim.Hour)
		const n = 1000000
		integral := 0.0
		for i := range n {
			integral += kg.cdf((float64(i) + 0.5) * g / n)
		}
		partial := g*kg.cdf(g) - integral*g/n
		want := g + partial/(1-kg.cdf(g))
		got := (&sessionGrid{pm: c.pm}).meanEnd(h) - h.Seconds()/2
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("bursts, mean gap %gs: mean session end %.6fs after a record, closed form %.6fs", mean, got, want)
		}
	}
}

// A whole run: 1000 keys sharing 2000 records/s are 2 records/s each; with
// a 1 s gap a record opens a session with probability e^(−2), so the
// sessions fired per record fired is that; each session fires once the
// watermark (now − bound, as fresh as δ allows) passes its end − 1 ms,
// within a slot of it.
func TestSessionWindowsRun(t *testing.T) {
	if raceEnabled {
		t.Skip("a whole run in one goroutine; make test runs it without -race")
	}
	et := EventTime{OutOfOrderness: 2 * sim.Second}
	w := Window{Kind: Session, Gap: sim.Second, Buffering: true}
	spec := windowJob(2000, 4, 5*sim.Minute, et, w)
	res := runSpec(t, spec)
	ws := res.Summary.Windows[0]
	if !res.Summary.Records.Balanced() {
		t.Fatalf("records do not balance: %+v", res.Summary.Records)
	}
	fired := ws.FirstFired * float64(ws.RecordsIn)
	q := math.Exp(-2)
	if got, tol := float64(ws.Firings)/fired, 5*math.Sqrt(q*(1-q)/fired); math.Abs(got-q) > tol {
		t.Errorf("%d sessions fired for %.0f records, %.4f a record; want e^(−μg) = %.4f (± %.4f)", ws.Firings, fired, got, q, tol)
	}
	_, h := componentFor(keyGaps{mean: 0.5}, w.Gap, spec.Duration)
	delta := spec.AutoWatermarkInterval + spec.Network.BufferTimeout + 2*spec.Sim.ChunkDelay
	lo, hi := et.OutOfOrderness.Seconds(), (et.OutOfOrderness + delta + h).Seconds()
	if p := ws.ResultLatency.P50; p < lo || p > hi {
		t.Errorf("sessions fired %.2fs after their end (p50), want the bound %.1fs plus up to the watermark's staleness and a slot: [%.2f, %.2f]", p, lo, lo, hi)
	}
	t.Logf("%+v", ws)
}

// The job starts with no sessions: a key's first record in the run opens
// one even when its previous record (before the run) was less than a gap
// before. With 1000 keys at 0.1 records/s each and a 1-minute gap
// (μg = 6), nearly every key's session is open at the end: all but those
// whose last record is more than the gap + bound old, 1 − e^(−μ(g+B)) of
// them. Sessions are counted in expectation per record placed: the first
// minute's 6000 records (each opening one with P(ts < gap < g), 0.164 on
// average) and the ~430 sessions that end in the run (Poisson) make the
// noise.
func TestSessionsOpenFromTheStart(t *testing.T) {
	if raceEnabled {
		t.Skip("a whole run in one goroutine; make test runs it without -race")
	}
	et := EventTime{OutOfOrderness: sim.Second}
	w := Window{Kind: Session, Gap: sim.Minute, Buffering: true}
	spec := windowJob(100, 4, 30*sim.Minute, et, w)
	ws := runSpec(t, spec).Summary.Windows[0]
	mu, g := 0.1, w.Gap.Seconds()
	p := -math.Expm1(-mu * (g + et.OutOfOrderness.Seconds()))
	q := math.Exp(-mu * g)
	first := (1 - q - mu*g*q) / (mu * g) // mean P(ts < gap < g) over the first minute's records
	sd := math.Sqrt(first*first*100*g + float64(ws.Firings) + 1000*p*(1-p))
	if got, want := float64(ws.OpenWindows), 1000*p; math.Abs(got-want) > 5*sd {
		t.Errorf("%d sessions open at the end, want %.0f ± %.0f (every key opens one at its first record)", ws.OpenWindows, want, 5*sd)
	}
}
