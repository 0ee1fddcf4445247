package sim

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// Reset, Merge and Quantile visit only the buckets between the minimum's
// and the maximum's (span): whatever was added (points, spreads, uniform
// ranges, zeros, values beyond the buckets' ends), they give what a visit
// of every bucket gives.
func TestHistogramSpanCoversEveryWeight(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		value := rapid.OneOf(rapid.Float64Range(-1, 1e-8), rapid.Float64Range(0, 2e9), rapid.Just(0.0), rapid.Float64Range(1e-4, 1e-1))
		fill := func(label string) *Histogram {
			h := NewHistogram()
			for i, n := 0, rapid.IntRange(0, 20).Draw(t, label+"-n"); i < n; i++ {
				lo, hi := value.Draw(t, label+"-lo"), value.Draw(t, label+"-hi")
				w := rapid.Float64Range(0, 50).Draw(t, label+"-w")
				switch rapid.IntRange(0, 2).Draw(t, label+"-how") {
				case 0:
					h.Add(lo, w)
				case 1:
					h.AddSpread(math.Min(lo, hi), math.Max(lo, hi), w)
				default:
					h.AddUniform(math.Min(lo, hi), math.Max(lo, hi), w, 64)
				}
			}
			return h
		}
		a, b := fill("a"), fill("b")
		// Merge against a merge of every bucket.
		want := append([]float64(nil), a.w...)
		for i, w := range b.w {
			want[i] += w
		}
		a.Merge(b)
		for i := range want {
			if a.w[i] != want[i] {
				t.Fatalf("bucket %d after Merge: %v, every bucket's merge gives %v", i, a.w[i], want[i])
			}
		}
		// Quantile against a scan of every bucket.
		for _, q := range []float64{0, 0.01, 0.5, 0.99, 1} {
			if got, full := a.Quantile(q), quantileOfEveryBucket(a, q); got != full && !(math.IsNaN(got) && math.IsNaN(full)) {
				t.Fatalf("Quantile(%v) = %v, a scan of every bucket gives %v", q, got, full)
			}
		}
		// Reset leaves no weight anywhere.
		a.Reset()
		for i, w := range a.w {
			if w != 0 {
				t.Fatalf("bucket %d holds %v after Reset", i, w)
			}
		}
	})
}

// quantileOfEveryBucket is Quantile's rule over all buckets.
func quantileOfEveryBucket(h *Histogram, q float64) float64 {
	if h.n == 0 {
		return 0
	}
	target, acc := q*h.n, 0.0
	for i, w := range h.w {
		if w == 0 {
			continue
		}
		if acc+w >= target {
			lo, hi := histLower(i), histLower(i+1)
			if i == 0 {
				lo = 0
			}
			return math.Min(math.Max(lo+(hi-lo)*(target-acc)/w, h.min), h.max)
		}
		acc += w
	}
	return h.max
}
