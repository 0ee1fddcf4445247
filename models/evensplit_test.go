package models

import (
	"math"
	"math/bits"
	"testing"

	"github.com/flinksim/flinksim/models/partitioning"
	"pgregory.net/rapid"
)

// The lazy even split gives apportion's counts and carries bit for bit,
// ties included, over any sequence of chunks, from carries apportion left,
// as a ring (becoming a heap when its order breaks) or a heap;
// it declines (changing nothing) only where apportion takes back an excess.
func TestEvenSplitMatchesApportion(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		weights := dyadicWeights(t)
		n := len(weights)
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
				if es = new(evenSplit); !es.build(weights, c2, 0) {
					t.Fatalf("weights %v, carries %v not taken", weights, c2)
				}
				if asHeap {
					for c := range es.classes {
						es.classes[c].toHeap()
					}
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

// dyadicWeights draws weights the lazy form takes: a keyBy's over its
// subtasks' key-group ranges with a power-of-two max parallelism (one or
// two classes), halvings of 1 into up to four distinct powers of two, or
// up to four multiples of 1/D (such as 1/8 and 3/8, whose carries can tie
// across classes with a fraction left).
func dyadicWeights(t *rapid.T) []float64 {
	switch rapid.IntRange(0, 2).Draw(t, "kind") {
	case 0:
		d := 1 << rapid.IntRange(2, 6).Draw(t, "log2 D")
		ms := rapid.SliceOfNDistinct(rapid.IntRange(1, 7), 1, 3, rapid.ID[int]).Draw(t, "units")
		var w []float64
		for sum := 0; ; {
			m := ms[rapid.IntRange(0, len(ms)-1).Draw(t, "class")]
			if sum+m >= d {
				return append(w, float64(d-sum)/float64(d)) // at most a fourth class
			}
			sum += m
			w = append(w, float64(m)/float64(d))
		}
	case 1:
		p := rapid.IntRange(1, 600).Draw(t, "parallelism")
		lo := bits.Len(uint(p - 1)) // the max parallelism is at least p
		maxPar := 1 << rapid.IntRange(lo, 15).Draw(t, "log2 max parallelism")
		return keyGroupWeights(p, maxPar)
	}
	w := []float64{1}
	for range rapid.IntRange(0, 40).Draw(t, "halvings") {
		i := rapid.IntRange(0, len(w)-1).Draw(t, "halved")
		if w[i] > 1.0/8 { // up to four classes: 1/2, 1/4, 1/8, 1/16
			w[i] /= 2
			w = append(w, w[i])
		}
	}
	return w
}

// keyGroupWeights is each subtask's share of equally likely key groups
// (KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex).
func keyGroupWeights(p, maxPar int) []float64 {
	w := make([]float64, p)
	for i := range w {
		w[i] = float64(partitioning.RangeForOperator(i, p, maxPar).Len()) / float64(maxPar)
	}
	return w
}

// Weights not all m/D for a power of two D up to 2^15 with at most four values of m,
// or carries not multiples of 1/D, keep apportion.
func TestEvenSplitDeclines(t *testing.T) {
	five := []float64{0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125}
	past := []float64{1 - 1.0/(1<<16), 1.0 / (1 << 16)} // finer than 2^15 key groups: m·t could pass an int64
	for _, w := range [][]float64{five, past, {1.0 / 3, 1.0 / 3, 1.0 / 3}, {0.25, 0.25, 0.25, 0.25, 0}} {
		if new(evenSplit).build(w, make([]float64, len(w)), 0) {
			t.Errorf("weights %v taken", w)
		}
	}
	for _, w := range [][]float64{{0.5, 0.25, 0.25}, keyGroupWeights(192, 512), keyGroupWeights(50, 128)} {
		if !new(evenSplit).build(w, make([]float64, len(w)), 0) {
			t.Errorf("weights %v refused", w)
		}
	}
	if new(evenSplit).build([]float64{0.5, 0.5}, []float64{0.1, -0.1}, 0) {
		t.Error("carries 0.1, -0.1 taken with weights 1/2")
	}
	if !new(evenSplit).build([]float64{0.5, 0.5}, []float64{0.5, -0.5}, 0) {
		t.Error("carries 0.5, -0.5 refused with weights 1/2")
	}
}

// splitByKey switches between the lazy form and apportion's carries as
// chunks grow and shrink and the layout changes, and hands out what
// apportion alone does, bit for bit.
func TestSplitByKeySwitchesForms(t *testing.T) {
	lazy := 0
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(32, 300).Draw(t, "destinations")
		weights := keyGroupWeights(n, partitioning.DefaultMaxParallelism(n))
		s := &Simulation{}
		p := &partition{edge: &edge{weights: weights}, carry: make([]float64, n), scratch: make([]int64, n), heap: make([]int32, n)}
		carry, want, heap := make([]float64, n), make([]int64, n), make([]int32, n)
		got := make([]int64, n)
		for j := range rapid.IntRange(1, 300).Draw(t, "chunks") {
			k := rapid.Int64Range(0, int64(n)/evenSmall-1).Draw(t, "small chunk")
			if rapid.IntRange(0, 9).Draw(t, "large") == 0 {
				k = rapid.Int64Range(0, 3*int64(n)).Draw(t, "large chunk")
			}
			if rapid.IntRange(0, 20).Draw(t, "layout change") == 0 {
				s.layoutGen++
			}
			apportion(k, weights, carry, want, heap)
			clear(got)
			if s.splitByKey(p, k) {
				lazy++
				for _, i := range p.even.touched {
					got[i], p.scratch[i] = p.scratch[i], 0
				}
			} else {
				copy(got, p.scratch)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("chunk %d (%d records), destination %d: got %d, apportion %d", j, k, i, got[i], want[i])
				}
			}
		}
		if p.even != nil && p.even.active {
			p.even.materialize(p.carry)
		}
		for i := range carry {
			if math.Float64bits(carry[i]) != math.Float64bits(p.carry[i]) {
				t.Fatalf("destination %d: carry %v, apportion's %v", i, p.carry[i], carry[i])
			}
		}
	})
	if lazy == 0 {
		t.Error("no chunk was split in the lazy form")
	}
	t.Logf("%d chunks split in the lazy form", lazy)
}
