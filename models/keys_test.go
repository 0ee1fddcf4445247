package models

import (
	"math"
	"testing"
)

// TestExpectedDistinct: k·(1 − (1 − 1/k)^m) keys of k appear in m draws,
// exact for small integers; below one key (a subtask's part of a tier) the
// Poisson limit k·(1 − e^(−m/k)) holds: finite, at most k and at most m.
func TestExpectedDistinct(t *testing.T) {
	exact := []struct{ k, m, want float64 }{
		{2, 1, 1}, {2, 2, 1.5}, {4, 2, 1.75}, {1, 5, 1}, {3, 0, 0}, {0, 3, 0},
	}
	for _, c := range exact {
		if got := expectedDistinct(c.k, c.m); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("expectedDistinct(%g, %g) = %g, want %g", c.k, c.m, got, c.want)
		}
	}
	for _, k := range []float64{1e-9, 0.01, 0.5, 0.671875, 0.999} {
		for _, m := range []float64{1e-6, 0.069, 1, 10, 1e9} {
			got := expectedDistinct(k, m)
			if want := k * -math.Expm1(-m/k); math.IsNaN(got) || got > k || got > m || math.Abs(got-want) > 1e-12*want {
				t.Errorf("expectedDistinct(%g, %g) = %g, want %g (at most %g keys and %g draws)", k, m, got, want, k, m)
			}
		}
	}
}
