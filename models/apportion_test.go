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
			apportion(k, weights, carry, out, make([]int32, n))
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

// apportionByScan is apportion as first written: each record beyond the
// floors goes to the destination owed most, found by a scan. apportion's
// heap must hand out exactly the same counts.
func apportionByScan(k int64, weights, carry []float64, out []int64) {
	var assigned int64
	for i, w := range weights {
		x := carry[i] + float64(k)*w
		n := int64(0)
		if x > 0 {
			n = int64(x)
		}
		out[i] = n
		carry[i] = x - float64(n)
		assigned += n
	}
	for ; assigned < k; assigned++ {
		best := 0
		for i := range carry {
			if carry[i] > carry[best] {
				best = i
			}
		}
		out[best]++
		carry[best]--
	}
	for ; assigned > k; assigned-- {
		worst := -1
		for i := range carry {
			if out[i] > 0 && (worst < 0 || carry[i] < carry[worst]) {
				worst = i
			}
		}
		out[worst]--
		carry[worst]++
	}
}

// The heap gives the scan's counts and carries bit for bit, ties included
// (equal weights make equal carries).
func TestApportionHeapMatchesScan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 300).Draw(t, "destinations")
		weights := make([]float64, n)
		if rapid.Bool().Draw(t, "uniform") {
			for i := range weights {
				weights[i] = 1 / float64(n)
			}
		} else {
			sum := 0.0
			for i := range weights {
				weights[i] = rapid.Float64Range(0, 1).Draw(t, "w")
				sum += weights[i]
			}
			for i := range weights {
				weights[i] /= max(sum, 1e-9)
			}
		}
		c1, c2 := make([]float64, n), make([]float64, n)
		o1, o2 := make([]int64, n), make([]int64, n)
		heap := make([]int32, n)
		for _, k := range rapid.SliceOfN(rapid.Int64Range(0, 3*int64(n)), 1, 50).Draw(t, "chunks") {
			apportion(k, weights, c1, o1, heap)
			apportionByScan(k, weights, c2, o2)
			for i := range o1 {
				if o1[i] != o2[i] || math.Float64bits(c1[i]) != math.Float64bits(c2[i]) {
					t.Fatalf("destination %d: heap gave %d (carry %v), scan %d (carry %v)", i, o1[i], c1[i], o2[i], c2[i])
				}
			}
		}
	})
}
