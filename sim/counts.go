package sim

import (
	"math"
	"math/rand/v2"
)

// Poisson draws a Poisson(mu) count without allocating: by multiplication of
// uniforms below mu = 10, else by Hörmann's transformed rejection (PTRS, 1993).
func Poisson(mu float64, r *rand.Rand) int64 {
	switch {
	case mu <= 0:
		return 0
	case mu < 10:
		limit, p := math.Exp(-mu), 1.0
		var k int64
		for {
			p *= r.Float64()
			if p <= limit {
				return k
			}
			k++
		}
	}
	b := 0.931 + 2.53*math.Sqrt(mu)
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	logMu := math.Log(mu)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mu + 0.43)
		if us >= 0.07 && v <= vr {
			return int64(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v*invAlpha/(a/(us*us)+b)) <= -mu+k*logMu-lg {
			return int64(k)
		}
	}
}
