package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// An offline device's event waits for the rest of its offline period R and
// then the base delay B, as every event: its delay's CDF is P(R + B ≤ x).
// With exponential offline periods of mean m, R is exponential of mean m
// too (memoryless), and for B uniform on [a, b] the convolution has a
// closed form; for a constant B it is R's CDF shifted by B.
func TestOfflineEventsWaitForTheBaseDelayToo(t *testing.T) {
	const share, m = 0.05, 600.0
	off := sim.Exponential{M: m}
	rCDF := func(x float64) float64 { return math.Max(0, -math.Expm1(-x/m)) }

	t.Run("constant", func(t *testing.T) {
		const c = 30.0
		d := newDelaysOf(sim.Constant{V: c}, share, off)
		for _, x := range []float64{1, 29.9, 30, 45, 300, 3600} {
			base := 0.0
			if x >= c {
				base = 1
			}
			want := (1-share)*base + share*rCDF(x-c)
			if got := d.cdf(x); math.Abs(got-want) > 1e-12 {
				t.Errorf("cdf(%g) = %.9g, want %.9g", x, got, want)
			}
		}
	})

	t.Run("uniform", func(t *testing.T) {
		const a, b = 10.0, 70.0
		d := newDelaysOf(sim.Uniform{Lo: a, Hi: b}, share, off)
		sum := func(x float64) float64 { // P(R + U ≤ x)
			switch {
			case x <= a:
				return 0
			case x < b:
				return ((x - a) - m*(-math.Expm1(-(x-a)/m))) / (b - a)
			}
			return 1 - m/(b-a)*(math.Exp(-(x-b)/m)-math.Exp(-(x-a)/m))
		}
		for _, x := range []float64{5, 10.5, 20, 40, 69, 71, 100, 333, 1000, 5000} {
			bu := math.Min(1, math.Max(0, (x-a)/(b-a)))
			want := (1-share)*bu + share*sum(x)
			// the quantile rule errs by at most share·(b−a)/n/m, the grid's
			// interpolation by less
			if got := d.cdf(x); math.Abs(got-want) > share*(b-a)/offlineQuantiles/m+1e-6 {
				t.Errorf("cdf(%g) = %.9g, want %.9g", x, got, want)
			}
		}
		// the quantile inverts the same CDF: no offline event before a
		for _, p := range []float64{0.01, 0.5, 0.96, 0.99} {
			x := d.quantile(p)
			if got := d.cdf(x); math.Abs(got-p) > 1e-3 {
				t.Errorf("cdf(quantile(%g) = %g) = %g", p, x, got)
			}
		}
	})
}
