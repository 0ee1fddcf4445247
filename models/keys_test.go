package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/models/partitioning"
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

// TestLayoutPlacesHotSetExactly: key-skew's population, 20M user ids of
// which 1% (200k) make 80% of the events, in 128 key groups. Beyond 4M
// keys the cold ones are placed in expectation, but the hot set, which
// carries the load, is placed key by key: each key group's count is the
// hot ids whose Java String.hashCode, murmur-hashed, lands there
// (KeyGroupRangeAssignment.assignToKeyGroup), not 200k/128. (A
// break-tester's Java count put 3,225 of them in key groups 98-99, which
// the layout had as 3,125.)
func TestLayoutPlacesHotSetExactly(t *testing.T) {
	p := &Population{Type: KeyString, Prefix: "user_id-", N: 20_000_000, Shape: ShapeHotSet, HotFraction: 0.01, HotShare: 0.8}
	l := p.Layout(128, 0)
	want := make([]float64, 128)
	for r := p.Tracked() + 1; r <= p.hotKeys(); r++ {
		want[partitioning.KeyGroup(partitioning.JavaStringHash(p.KeyName(r)), 128)]++
	}
	hot := l.Tiers[0]
	for kg := range want {
		if hot.Keys[kg] != want[kg] {
			t.Fatalf("key group %d holds %g hot keys, want %g", kg, hot.Keys[kg], want[kg])
		}
	}
	// With the 1000 most frequent, tracked one by one (Heavy).
	all := want[98] + want[99]
	for _, h := range l.Heavy {
		if h.Group == 98 || h.Group == 99 {
			all++
		}
	}
	if all != 3225 {
		t.Errorf("key groups 98-99 hold %g hot keys, the Java count 3225", all)
	}
	// The cold band, 19.8M keys, in expectation.
	if cold := l.Tiers[1]; cold.Keys[0] != float64(p.N-p.hotKeys())/128 {
		t.Errorf("key group 0 holds %g cold keys, want %g", cold.Keys[0], float64(p.N-p.hotKeys())/128)
	}
}
