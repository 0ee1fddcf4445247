package models

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// The lazy even split gives apportion's counts and carries bit for bit,
// ties included, over any sequence of chunks, from carries apportion left,
// as a ring (becoming a heap when its order breaks) or a heap;
// it declines (changing nothing) only where apportion takes back an excess.
func TestEvenSplitMatchesApportion(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := 1 << rapid.IntRange(0, 9).Draw(t, "log2 destinations")
		weights := make([]float64, n)
		for i := range weights {
			weights[i] = 1 / float64(n)
		}
		c1, c2 := make([]float64, n), make([]float64, n)
		o1, o2 := make([]int64, n), make([]int64, n)
		heap := make([]int32, n)
		chunks := rapid.SliceOfN(rapid.Int64Range(0, 3*int64(n)), 1, 60).Draw(t, "chunks")
		before := rapid.IntRange(0, len(chunks)).Draw(t, "chunks before the lazy form")
		asHeap := rapid.Bool().Draw(t, "as a heap from the start")
		var es *evenSplit
		for j, k := range chunks {
			apportion(k, weights, c1, o1, heap)
			if j < before {
				apportion(k, weights, c2, o2, heap)
				continue
			}
			if es == nil {
				if es = newEvenSplit(weights, c2, 0); es == nil {
					t.Fatalf("carries %v not taken", c2)
				}
				if asHeap {
					es.toHeap()
				}
			}
			clear(o2)
			if !es.split(k, o2) {
				es.materialize(c2)
				es = nil
				apportion(k, weights, c2, o2, heap)
			} else {
				prev := int32(-1)
				for _, i := range es.touched {
					if i <= prev || o2[i] == 0 {
						t.Fatalf("touched %v not increasing or lists a zero", es.touched)
					}
					prev = i
				}
				es.materialize(c2)
			}
			for i := range o1 {
				if o1[i] != o2[i] || math.Float64bits(c1[i]) != math.Float64bits(c2[i]) {
					t.Fatalf("chunk %d, destination %d: lazy gave %d (carry %v), apportion %d (carry %v)", j, i, o2[i], c2[i], o1[i], c1[i])
				}
			}
		}
	})
}

// Weights not all 1/D for a power of two D, or carries not multiples of
// 1/D, keep apportion.
func TestEvenSplitDeclines(t *testing.T) {
	for _, w := range [][]float64{{0.5, 0.25, 0.25}, {1.0 / 3, 1.0 / 3, 1.0 / 3}, {0.25, 0.25, 0.25, 0.25, 0}} {
		if newEvenSplit(w, make([]float64, len(w)), 0) != nil {
			t.Errorf("weights %v taken", w)
		}
	}
	if newEvenSplit([]float64{0.5, 0.5}, []float64{0.1, -0.1}, 0) != nil {
		t.Error("carries 0.1, -0.1 taken with weights 1/2")
	}
	if newEvenSplit([]float64{0.5, 0.5}, []float64{0.5, -0.5}, 0) == nil {
		t.Error("carries 0.5, -0.5 refused with weights 1/2")
	}
}
