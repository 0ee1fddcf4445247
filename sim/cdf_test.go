package sim

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// The CDFs against the empirical share of samples, and the residual against
// the time left of periods seen at a uniformly random moment (length-biased).
func TestCDFAndResidualAgainstSamples(t *testing.T) {
	ln, _ := LogNormalFromMeanP99(3600, 6*3600)
	mix := Mixture{Weights: []float64{0.9, 0.1}, Parts: []Dist{Exponential{M: 5}, ln}}
	for _, d := range []Dist{Constant{V: 2}, Exponential{M: 5}, ln, Uniform{Lo: 1, Hi: 9}, mix} {
		r := rand.New(rand.NewPCG(1, 2))
		const n = 200000
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = d.Sample(r)
		}
		// Residuals: pick periods in proportion to their length, then a
		// uniform point in them.
		cum := make([]float64, n)
		acc := 0.0
		for i, x := range xs {
			acc += x
			cum[i] = acc
		}
		res := make([]float64, n)
		for i := range res {
			j := min(sort.SearchFloat64s(cum, r.Float64()*acc), n-1)
			res[i] = xs[j] * r.Float64()
		}
		for _, q := range []float64{0.25, 0.5, 0.9} {
			x := quantile(xs, q)
			// Binomial standard error of a share of n samples, ×5.
			if got := CDF(d, x); math.Abs(got-q) > 5*math.Sqrt(q*(1-q)/n)+1e-9 && !isConstant(d) {
				t.Errorf("%T CDF(%g) = %g, want %g", d, x, got, q)
			}
			// E[X; X ≤ x] against the samples' partial mean
			pm, sq := 0.0, 0.0
			for _, v := range xs {
				if v <= x {
					pm += v
					sq += v * v
				}
			}
			pm, sq = pm/n, sq/n
			if got, tol := PartialMean(d, x), 5*math.Sqrt((sq-pm*pm)/n)+1e-12; math.Abs(got-pm) > tol && !isConstant(d) {
				t.Errorf("%T PartialMean(%g) = %g, samples give %g ± %g", d, x, got, pm, tol)
			}
			xr := quantile(res, q)
			if got, tol := ResidualCDF(d, xr), 5*math.Sqrt(q*(1-q)/float64(len(res))); math.Abs(got-q) > tol {
				t.Errorf("%T ResidualCDF(%g) = %g, want %g ± %g", d, xr, got, q, tol)
			}
		}
	}
}

func isConstant(d Dist) bool { _, ok := d.(Constant); return ok }

func quantile(xs []float64, q float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}
