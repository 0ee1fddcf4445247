package result

import (
	"math"
	"testing"
)

// TestDistinctKeys: the expected distinct keys among n updates, from each
// key's probability p as 1 − (1 − p)^n summed over the keys.
func TestDistinctKeys(t *testing.T) {
	for _, c := range []struct {
		name  string
		bands []KeyBand
		n     float64
		want  float64
	}{
		{"none", []KeyBand{{1000, 1}}, 0, 0},
		{"one update", []KeyBand{{1000, 1}}, 1, 1},
		{"equally likely", []KeyBand{{1000, 1}}, 1000, 1000 * (1 - math.Pow(0.999, 1000))},
		{"many updates of few keys", []KeyBand{{10, 1}}, 1e6, 10},
		{"a heavy key and a tier", []KeyBand{{1, 0.5}, {500, 0.5}}, 100, (1 - math.Pow(0.5, 100)) + 500*(1-math.Pow(1-0.5/500, 100))},
		{"part of a key: the Poisson limit", []KeyBand{{0.25, 0.1}}, 3, 0.25 * (1 - math.Exp(-3*0.1/0.25))},
	} {
		if got := DistinctKeys(c.bands, c.n); math.Abs(got-c.want) > 1e-9*math.Max(1, c.want) {
			t.Errorf("%s: %.6f, want %.6f", c.name, got, c.want)
		}
	}
}

// TestFlush: a memtable's file holds each keyed operator's distinct keys
// once, and its keys new to the state are its growth: none for a warm
// state; without key bands every put is written, and new.
func TestFlush(t *testing.T) {
	keys := []KeyBand{{1000, 1}}
	warm := StatefulSubtask{PutBytes: 100, Keyed: []KeyedWrites{{Updates: 1, StatePerKey: 100, Keys: keys, Seen: math.Inf(1)}}}
	f, fresh := warm.Flush(1000)
	if want := DistinctKeys(keys, 1000) * 100; math.Abs(f-want) > 1e-9*want || fresh != 0 {
		t.Errorf("warm: %.0f bytes, %.0f new; want %.0f, 0", f, fresh, want)
	}
	cold := warm
	cold.Keyed = []KeyedWrites{{Updates: 1, StatePerKey: 100, Keys: keys, Seen: 500}}
	if _, fresh := cold.Flush(1000); math.Abs(fresh-(DistinctKeys(keys, 1500)-DistinctKeys(keys, 500))*100) > 1e-6 {
		t.Errorf("cold: %.0f new bytes, want the state's growth", fresh)
	}
	if f, fresh := (StatefulSubtask{PutBytes: 100}).Flush(10); f != 1000 || fresh != 1000 {
		t.Errorf("without keys: %.0f, %.0f; want every put, 1000 and 1000", f, fresh)
	}
}
