package models

import (
	"math"
	"math/rand/v2"

	"github.com/flinksim/flinksim/models/partitioning"
)

// KeySpace is the population of keys on a keyed stream. Uniform keys are the
// only kind today; skewed populations implement the same interface.
type KeySpace interface {
	// Distinct is the number of distinct keys.
	Distinct() float64
	// Layout returns, for each key group, the share of records whose key falls
	// in it and the number of distinct keys it holds.
	Layout(maxParallelism int) (share, keys []float64)
	// SampleKeyGroup draws the key group of one record.
	SampleKeyGroup(r *rand.Rand, maxParallelism int) int
}

// UniformKeys are the ids 0..N-1, hashed as Java Longs, each equally likely.
type UniformKeys struct{ N int64 }

// exactLayoutLimit is the largest key count whose key groups are computed key
// by key; above it each key group holds N/maxParallelism keys in expectation
// (the murmur hash spreads keys evenly; the error is ~1/sqrt(N/M)).
const exactLayoutLimit = 1 << 22

func (u UniformKeys) Distinct() float64 { return float64(u.N) }

func (u UniformKeys) Layout(mp int) (share, keys []float64) {
	share, keys = make([]float64, mp), make([]float64, mp)
	if u.N <= exactLayoutLimit {
		for k := int64(0); k < u.N; k++ {
			keys[partitioning.KeyGroup(partitioning.JavaLongHash(k), mp)]++
		}
	} else {
		for i := range keys {
			keys[i] = float64(u.N) / float64(mp)
		}
	}
	for i := range keys {
		share[i] = keys[i] / float64(u.N)
	}
	return share, keys
}

func (u UniformKeys) SampleKeyGroup(r *rand.Rand, mp int) int {
	return partitioning.KeyGroup(partitioning.JavaLongHash(r.Int64N(u.N)), mp)
}

// expectedDistinct is how many of k equally likely keys appear at least once
// in m draws: k·(1 − (1 − 1/k)^m).
func expectedDistinct(k, m float64) float64 {
	switch {
	case k <= 0 || m <= 0:
		return 0
	case k == 1:
		return 1
	}
	return k * -math.Expm1(m*math.Log1p(-1/k))
}
