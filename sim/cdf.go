package sim

import "math"

// CDF is P(X ≤ x) for a distribution of non-negative values.
func CDF(d Dist, x float64) float64 {
	if x < 0 {
		return 0
	}
	switch d := d.(type) {
	case Constant:
		if x >= d.V {
			return 1
		}
		return 0
	case Exponential:
		if d.M <= 0 {
			return 1
		}
		return -math.Expm1(-x / d.M)
	case LogNormal:
		if x <= 0 {
			return 0
		}
		return 0.5 * math.Erfc(-(math.Log(x)-d.Mu)/(d.Sigma*math.Sqrt2))
	case Uniform:
		switch {
		case x >= d.Hi:
			return 1
		case x < d.Lo:
			return 0
		}
		return (x - d.Lo) / (d.Hi - d.Lo)
	case Mixture:
		return d.weighted(func(p Dist) float64 { return CDF(p, x) })
	}
	panic("sim: CDF of an unknown distribution")
}

// ResidualCDF is the distribution of the time left of a period of length X
// seen at a uniformly random moment inside it (the equilibrium residual of
// renewal theory): P(R ≤ x) = ∫₀ˣ P(X > u) du / E[X]. A device offline for X
// holds back the events of that time, and an event produced at a random
// moment of it waits R.
func ResidualCDF(d Dist, x float64) float64 {
	m := d.Mean()
	if x <= 0 || m <= 0 {
		if m <= 0 && x >= 0 {
			return 1
		}
		return 0
	}
	// ∫₀ˣ P(X > u) du = x·P(X > x) + E[X; X ≤ x], by parts
	integral := x*(1-CDF(d, x)) + PartialMean(d, x)
	return math.Min(integral/m, 1)
}

// PartialMean is E[X; X ≤ x] = ∫₀ˣ u dF(u), the part of the mean below x,
// in closed form.
func PartialMean(d Dist, x float64) float64 {
	if x <= 0 {
		return 0
	}
	switch d := d.(type) {
	case Constant:
		if x >= d.V {
			return d.V
		}
		return 0
	case Exponential:
		if d.M <= 0 {
			return 0
		}
		return d.M - (x+d.M)*math.Exp(-x/d.M)
	case LogNormal:
		// E[X]·Φ((ln x − μ − σ²)/σ)
		return d.Mean() * 0.5 * math.Erfc(-((math.Log(x)-d.Mu)/d.Sigma-d.Sigma)/math.Sqrt2)
	case Uniform:
		hi := math.Min(x, d.Hi)
		if hi <= d.Lo {
			return 0
		}
		if d.Hi == d.Lo {
			return d.Lo
		}
		return (hi*hi - d.Lo*d.Lo) / (2 * (d.Hi - d.Lo))
	case Mixture:
		return d.weighted(func(p Dist) float64 { return PartialMean(p, x) })
	}
	panic("sim: PartialMean of an unknown distribution")
}
