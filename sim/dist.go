package sim

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Dist is a distribution of non-negative values (seconds of work, write
// latency...). SumOf draws the total of n independent samples in O(1) where the
// sum has a closed form, so a chunk of n records costs one draw, while n = 1 is
// exactly one sample.
type Dist interface {
	Mean() float64
	Sample(r *rand.Rand) float64
	SumOf(n int64, r *rand.Rand) float64
}

// exactSumLimit is the largest n for which a sum without a closed form is drawn
// sample by sample; above it a moment-matched approximation is used.
const exactSumLimit = 16

// Constant always returns V.
type Constant struct{ V float64 }

func (c Constant) Mean() float64                       { return c.V }
func (c Constant) Sample(*rand.Rand) float64           { return c.V }
func (c Constant) SumOf(n int64, _ *rand.Rand) float64 { return float64(n) * c.V }

// Exponential has mean M. Its n-fold sum is Gamma(n, M), drawn exactly.
type Exponential struct{ M float64 }

func (d Exponential) Mean() float64               { return d.M }
func (d Exponential) Sample(r *rand.Rand) float64 { return r.ExpFloat64() * d.M }
func (d Exponential) SumOf(n int64, r *rand.Rand) float64 {
	switch {
	case n <= 0:
		return 0
	case n == 1:
		return d.Sample(r)
	}
	return gamma(float64(n), r) * d.M
}

// gamma draws Gamma(shape a ≥ 1, scale 1) by Marsaglia and Tsang's method.
func gamma(a float64, r *rand.Rand) float64 {
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// LogNormal is exp(Mu + Sigma·Z).
type LogNormal struct{ Mu, Sigma float64 }

// LogNormalFromMeanP99 solves for the log-normal with the given mean and 99th
// percentile. ok is false when no log-normal has them (p99 must lie between the
// mean and about 15× the mean).
func LogNormalFromMeanP99(mean, p99 float64) (LogNormal, bool) {
	const z99 = 2.3263478740408408
	if mean <= 0 || p99 <= mean {
		return LogNormal{}, false
	}
	// ln p99 − ln mean = z·σ − σ²/2; take the smaller root.
	k := math.Log(p99 / mean)
	disc := z99*z99 - 2*k
	if disc < 0 {
		return LogNormal{}, false
	}
	s := z99 - math.Sqrt(disc)
	return LogNormal{Mu: math.Log(mean) - s*s/2, Sigma: s}, true
}

func (d LogNormal) Mean() float64               { return math.Exp(d.Mu + d.Sigma*d.Sigma/2) }
func (d LogNormal) Sample(r *rand.Rand) float64 { return math.Exp(d.Mu + d.Sigma*r.NormFloat64()) }
func (d LogNormal) SumOf(n int64, r *rand.Rand) float64 {
	if n <= exactSumLimit {
		s := 0.0
		for i := int64(0); i < n; i++ {
			s += d.Sample(r)
		}
		return s
	}
	// Fenton–Wilkinson: a log-normal with the sum's mean and variance.
	m := d.Mean()
	v := m * m * math.Expm1(d.Sigma*d.Sigma)
	M, V := float64(n)*m, float64(n)*v
	s2 := math.Log1p(V / (M * M))
	return math.Exp(math.Log(M) - s2/2 + math.Sqrt(s2)*r.NormFloat64())
}

// Uniform is uniform on [Lo, Hi].
type Uniform struct{ Lo, Hi float64 }

func (d Uniform) Mean() float64               { return (d.Lo + d.Hi) / 2 }
func (d Uniform) Sample(r *rand.Rand) float64 { return d.Lo + (d.Hi-d.Lo)*r.Float64() }
func (d Uniform) SumOf(n int64, r *rand.Rand) float64 {
	if n <= exactSumLimit {
		s := 0.0
		for i := int64(0); i < n; i++ {
			s += d.Sample(r)
		}
		return s
	}
	// Irwin–Hall is normal to within a fraction of a percent past 16 terms.
	fn := float64(n)
	w := d.Hi - d.Lo
	x := fn*d.Mean() + math.Sqrt(fn/12)*w*r.NormFloat64()
	return math.Min(math.Max(x, fn*d.Lo), fn*d.Hi)
}

// Mixture draws from Parts[i] with probability Weights[i] (the weights add
// up to 1; no part is itself a mixture): say, most events a few seconds
// late and some hours late. Its n-fold sum splits n among the parts
// (a multinomial draw) and sums each part's share.
type Mixture struct {
	Weights []float64
	Parts   []Dist
}

func (d Mixture) Mean() float64 { return d.weighted(Dist.Mean) }

// weighted is Σ wᵢ f(partᵢ): a mixture's mean, CDF or partial mean.
func (d Mixture) weighted(f func(Dist) float64) float64 {
	v := 0.0
	for i, p := range d.Parts {
		v += d.Weights[i] * f(p)
	}
	return v
}

func (d Mixture) Sample(r *rand.Rand) float64 {
	u := r.Float64()
	for i, w := range d.Weights {
		if u < w || i == len(d.Weights)-1 {
			return d.Parts[i].Sample(r)
		}
		u -= w
	}
	return 0
}

func (d Mixture) SumOf(n int64, r *rand.Rand) float64 {
	s, left, mass := 0.0, n, 1.0
	for i, p := range d.Parts {
		k := left
		if i < len(d.Parts)-1 && d.Weights[i] < mass {
			k = int64(distuv.Binomial{N: float64(left), P: math.Min(d.Weights[i]/mass, 1), Src: r}.Rand())
		}
		left -= k
		mass -= d.Weights[i]
		if k > 0 {
			s += p.SumOf(k, r)
		}
	}
	return s
}
