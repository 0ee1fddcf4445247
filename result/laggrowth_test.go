package result

import (
	"math"
	"testing"
)

// TestLagGrowthCyclesAndBumps: over the run's second half (W seconds) a lag
// that grows at g records/s gives g exactly, with or without a cycle on
// top. A sawtooth cycle (amplitude A, period P) moves the least-squares
// slope by A·P/W² over whole cycles (Σ(x − x̄)y = A·P·W/12 against
// Σ(x − x̄)² = W³/12) and by at most 3·A·P/W² more for a partial one:
// 4·A·P/W² in all, where the slope between the half's two ends is off by
// up to A/W, W/(4P) times as much (here the ends fall on a trough and a
// peak). A bump that drains before the end (5 s of 1k/s in, 5 s out, late
// in the half) is no growth: the slope between the ends says so.
func TestLagGrowthCyclesAndBumps(t *testing.T) {
	const a, period, duration = 30e3, 30.0, 1199.0 // the half's ends at a trough and a peak
	for _, c := range []struct {
		name  string
		g, a  float64
		limit float64 // how far from g the slope may be
	}{
		{"steady growth", 500, 0, 1e-6},
		{"growth and a cycle", 500, a, 4 * a * period / (duration / 2 * duration / 2)},
		{"a cycle alone", 0, a, 4 * a * period / (duration / 2 * duration / 2)},
		{"a bump drained", 0, 0, 1e-9},
	} {
		r := &Result{}
		lag := Series{Operator: "src", Subtask: -1, Metric: MetricPending}
		for ts := 1.0; ts <= duration; ts++ {
			r.Times = append(r.Times, ts)
			saw := c.a * (math.Mod(ts, period) / period) // rises over a period, then drops
			bump := 0.0
			if c.name == "a bump drained" {
				bump = 1000 * max(0, 5-math.Abs(ts-(duration-100))) // up 5 s, down 5 s, 95 s before the end
			}
			lag.Values = append(lag.Values, c.g*ts+saw+bump)
		}
		r.Series = []Series{lag}
		if got := r.LagGrowth(); math.Abs(got-c.g) > c.limit {
			t.Errorf("%s: growth %.2f/s, want %.0f ± %.2f", c.name, got, c.g, c.limit)
		}
	}
}
