package models

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// Over any sequence of chunks, apportion never gives a negative count, always
// hands out exactly the chunk, and keeps every destination within two records
// of its exact share of everything routed so far. (Not one: rapid found
// weights 4×0.21, … and chunks 27, 198, 3 where the last chunk's floors
// already exceed it, and the record taken back leaves one destination owed
// 1.02.)
func TestApportionProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "destinations")
		raw := rapid.SliceOfN(rapid.Float64Range(0, 1), n, n).Draw(t, "weights")
		sum := 0.0
		for _, w := range raw {
			sum += w
		}
		if sum == 0 {
			raw[0], sum = 1, 1
		}
		weights := make([]float64, n)
		for i := range raw {
			weights[i] = raw[i] / sum
		}
		carry := make([]float64, n)
		out := make([]int64, n)
		got := make([]int64, n)
		var total int64
		for _, k := range rapid.SliceOfN(rapid.Int64Range(0, 5000), 1, 200).Draw(t, "chunks") {
			apportion(k, weights, carry, out)
			var s int64
			for i, c := range out {
				if c < 0 {
					t.Fatalf("negative count %d for destination %d", c, i)
				}
				s += c
				got[i] += c
			}
			if s != k {
				t.Fatalf("handed out %d of %d", s, k)
			}
			total += k
			for i := range got {
				if d := math.Abs(float64(got[i]) - float64(total)*weights[i]); d >= 2+1e-6*float64(total) {
					t.Fatalf("destination %d got %d, its share is %.3f", i, got[i], float64(total)*weights[i])
				}
			}
		}
	})
}
