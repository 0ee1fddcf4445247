package sim

import (
	"math"
	"reflect"
	"sort"
	"testing"
)

// Each distribution's sample mean and the mean of its n-fold sums must match
// the analytic mean within 5 standard errors (a false alarm about once in 3.5
// million runs).
func TestDistMeansAndSums(t *testing.T) {
	ln, ok := LogNormalFromMeanP99(10e-6, 60e-6)
	if !ok {
		t.Fatal("log-normal with mean 10us and p99 60us should exist")
	}
	for _, c := range []struct {
		name string
		d    Dist
		sd   float64 // standard deviation of one sample
	}{
		{"constant", Constant{3e-6}, 0},
		{"exponential", Exponential{5e-6}, 5e-6},
		{"lognormal", ln, ln.Mean() * math.Sqrt(math.Expm1(ln.Sigma*ln.Sigma))},
		{"uniform", Uniform{1e-6, 9e-6}, 8e-6 / math.Sqrt(12)},
		// variance of a mixture: Σ wᵢ(σᵢ² + mᵢ²) − m²
		{"mixture", Mixture{Weights: []float64{0.7, 0.3}, Parts: []Dist{Exponential{2e-6}, Uniform{1e-6, 9e-6}}},
			math.Sqrt(0.7*(2*2e-6*2e-6) + 0.3*(64e-12/12+25e-12) - math.Pow(0.7*2e-6+0.3*5e-6, 2))},
	} {
		r := NewStreams(1).Stream(c.name)
		for _, n := range []int64{1, 3, 16, 17, 200} {
			const draws = 20000
			sum := 0.0
			for i := 0; i < draws; i++ {
				v := c.d.SumOf(n, r)
				if v < 0 {
					t.Fatalf("%s: negative sum %v", c.name, v)
				}
				sum += v
			}
			mean := sum / draws
			want := float64(n) * c.d.Mean()
			se := c.sd * math.Sqrt(float64(n)) / math.Sqrt(draws)
			if math.Abs(mean-want) > 5*se+1e-15 {
				t.Errorf("%s n=%d: mean %.4g, want %.4g ± %.2g", c.name, n, mean, want, 5*se)
			}
		}
	}
}

func TestLogNormalFromMeanP99(t *testing.T) {
	d, ok := LogNormalFromMeanP99(2, 10)
	if !ok {
		t.Fatal("should exist")
	}
	if math.Abs(d.Mean()-2) > 1e-12 {
		t.Fatalf("mean %v", d.Mean())
	}
	p99 := math.Exp(d.Mu + 2.3263478740408408*d.Sigma)
	if math.Abs(p99-10) > 1e-9 {
		t.Fatalf("p99 %v", p99)
	}
	if _, ok := LogNormalFromMeanP99(1, 100); ok {
		t.Fatal("p99 = 100 × mean has no log-normal")
	}
	if _, ok := LogNormalFromMeanP99(1, 0.5); ok {
		t.Fatal("p99 below the mean has no log-normal")
	}
}

func TestHistogramQuantilesMatchSortedSample(t *testing.T) {
	r := NewStreams(3).Stream("hist")
	h := NewHistogram()
	xs := make([]float64, 100000)
	for i := range xs {
		xs[i] = r.ExpFloat64() * 0.01
		h.Add(xs[i], 1)
	}
	sort.Float64s(xs)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := xs[int(q*float64(len(xs)))-1]
		got := h.Quantile(q)
		if math.Abs(got-exact)/exact > 0.008 { // one bucket width
			t.Errorf("q%.3f: %v, exact %v", q, got, exact)
		}
	}
	if h.Max() != xs[len(xs)-1] || h.Count() != 100000 {
		t.Fatalf("max %v count %v", h.Max(), h.Count())
	}
}

func TestHistogramSpreadAndMerge(t *testing.T) {
	h := NewHistogram()
	h.AddSpread(0, 1, 100) // uniform on [0,1]
	if m := h.Quantile(0.5); math.Abs(m-0.5) > 0.07 {
		t.Fatalf("median of spread %v", m)
	}
	if math.Abs(h.Mean()-0.5) > 1e-12 {
		t.Fatalf("mean of spread %v", h.Mean())
	}
	g := NewHistogram()
	g.Add(2, 1)
	h.Merge(g)
	if h.Count() != 101 || h.Max() != 2 {
		t.Fatalf("merge: count %v max %v", h.Count(), h.Max())
	}
	h.Reset()
	if h.Count() != 0 || h.Quantile(0.5) != 0 {
		t.Fatal("reset")
	}
}

// AddSpreadEach leaves each histogram as AddSpread does: single points
// (one record, or none spread), spreads, and weights of zero.
func TestHistogramAddSpreadEach(t *testing.T) {
	cases := [][3]float64{{0.5, 0.5, 1}, {0.2, 0.7, 1}, {0.7, 0.2, 3}, {0.1, 0.9, 40}, {0.3, 0.4, 0}, {0, 0, 0.5}, {-1, 2, 5}}
	for _, c := range cases {
		a, b := NewHistogram(), NewHistogram()
		x, y := NewHistogram(), NewHistogram()
		for i := 0; i < 3; i++ {
			a.AddSpread(c[0], c[1], c[2])
			b.AddSpread(c[0]*2, c[1]*2, c[2])
			AddSpreadEach(c[0], c[1], c[2], x)
			AddSpreadEach(c[0]*2, c[1]*2, c[2], y)
		}
		if !reflect.DeepEqual(a, x) || !reflect.DeepEqual(b, y) {
			t.Fatalf("AddSpreadEach(%v) differs from AddSpread", c)
		}
		one, z1, z2 := NewHistogram(), NewHistogram(), NewHistogram()
		one.AddSpread(c[0], c[1], c[2])
		AddSpreadEach(c[0], c[1], c[2], z1, z2)
		if !reflect.DeepEqual(z1, one) || !reflect.DeepEqual(z2, one) {
			t.Fatalf("AddSpreadEach(%v) to two histograms", c)
		}
		p1, p2 := NewHistogram(), NewHistogram()
		AddSpreadPair(c[0], c[1], c[2], p1, p2)
		if !reflect.DeepEqual(p1, one) || !reflect.DeepEqual(p2, one) {
			t.Fatalf("AddSpreadPair(%v) differs from AddSpreadEach", c)
		}
	}
}

func TestPoissonMeanAndVariance(t *testing.T) {
	r := NewStreams(5).Stream("poisson")
	for _, mu := range []float64{0.3, 4, 9.9, 10, 37, 1000} {
		const n = 40000
		var s, s2 float64
		for i := 0; i < n; i++ {
			k := float64(Poisson(mu, r))
			s += k
			s2 += k * k
		}
		mean := s / n
		v := s2/n - mean*mean
		if se := math.Sqrt(mu / n); math.Abs(mean-mu) > 5*se {
			t.Errorf("mu=%v: mean %v", mu, mean)
		}
		if math.Abs(v-mu)/mu > 0.05 {
			t.Errorf("mu=%v: variance %v", mu, v)
		}
	}
	if Poisson(0, r) != 0 {
		t.Fatal("Poisson(0) != 0")
	}
}

// AddUniform keeps the range's ends as the minimum and maximum, the exact
// mean, and quantiles within half a slice.
func TestHistogramAddUniform(t *testing.T) {
	h := NewHistogram()
	h.AddUniform(10, 70, 1000, 64)
	if h.Min() != 10 || h.Max() != 70 || math.Abs(h.Mean()-40) > 1e-9 {
		t.Errorf("min %v max %v mean %v, want 10, 70, 40", h.Min(), h.Max(), h.Mean())
	}
	if q := h.Quantile(0.5); math.Abs(q-40) > 60.0/64 {
		t.Errorf("median %v, want 40 within a slice", q)
	}
}

// AddUniform of a single value leaves the range as taking it into the
// minimum and the maximum would, signed zeros and NaN included.
func TestHistogramAddUniformPoint(t *testing.T) {
	vals := []float64{0.5, 0.25, 2, math.Copysign(0, -1), 0, 1e-12, 3}
	for i := range vals {
		h := NewHistogram()
		for _, v := range vals[i:] {
			h.AddUniform(v, v, 1, 8)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range vals[i:] {
			lo, hi = min(lo, v), max(hi, v)
		}
		if math.Float64bits(h.min) != math.Float64bits(lo) || math.Float64bits(h.max) != math.Float64bits(hi) {
			t.Errorf("from %d: range %v..%v, want %v..%v", i, h.min, h.max, lo, hi)
		}
	}
}
