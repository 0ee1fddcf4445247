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
	var integral float64 // ∫₀ˣ P(X > u) du
	switch d := d.(type) {
	case Constant:
		integral = math.Min(x, d.V)
	case Exponential:
		integral = d.M * -math.Expm1(-x/d.M)
	case LogNormal:
		// ∫₀ˣ S(u) du = x·S(x) + ∫₀ˣ u f(u) du, and the partial mean of a
		// lognormal is E[X]·Φ((ln x − μ − σ²)/σ).
		phi := func(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
		z := (math.Log(x) - d.Mu) / d.Sigma
		integral = x*(1-phi(z)) + m*phi(z-d.Sigma)
	case Uniform:
		switch {
		case x <= d.Lo:
			integral = x
		case x >= d.Hi:
			integral = m
		default:
			integral = d.Lo + (x - d.Lo) - (x-d.Lo)*(x-d.Lo)/(2*(d.Hi-d.Lo))
		}
	default:
		panic("sim: ResidualCDF of an unknown distribution")
	}
	return math.Min(integral/m, 1)
}
