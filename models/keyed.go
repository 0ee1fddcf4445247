package models

import (
	"math"
	"slices"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// subLayout is the part of a key layout one keyed subtask owns: the key
// groups of its range (Flink's KeyGroupRangeAssignment).
type subLayout struct {
	share, keys float64    // of the operator's records; distinct keys
	heavy       []HeavyKey // its heavy keys, by decreasing share
	tiers       []tierPart // its part of each tier
	// bands are its heavy keys (one each) and tiers as bands of equally
	// likely keys, with their shares of its records: what a memtable's
	// updates fall on (lsm.go: result.DistinctKeys)
	bands []result.KeyBand
}

type tierPart struct{ share, keys float64 }

// distinct is the expected number of distinct keys among m records of this
// subtask: each heavy key is seen with probability 1 − e^(−m·p), and each
// tier's keys are taken as equally likely.
func (sl *subLayout) distinct(m float64) float64 {
	if m <= 0 || sl.share <= 0 {
		return 0
	}
	d := 0.0
	for _, h := range sl.heavy {
		d += -math.Expm1(-m * h.Share / sl.share)
	}
	for _, t := range sl.tiers {
		d += expectedDistinct(t.keys, m*t.share/sl.share)
	}
	return d
}

// relayout lays the operator's keys out over its subtasks for time t and
// updates, in place, the weights its keyBy inputs route by.
func (rt *nodeRT) relayout(t sim.Time) {
	n := rt.spec
	if ml, ok := n.Keyed.Keys.(memoLayout); ok {
		rt.layout = ml.layoutMemo(n.MaxParallelism, t, &rt.tiers)
	} else {
		rt.layout = n.Keyed.Keys.Layout(n.MaxParallelism, t)
	}
	rt.subs = make([]subLayout, n.Parallelism)
	rt.subKeys = make([]float64, n.Parallelism)
	for j := range rt.subs {
		rt.subs[j].tiers = make([]tierPart, len(rt.layout.Tiers))
	}
	for kg := range rt.layout.Keys {
		j := partitioning.OperatorIndex(kg, n.Parallelism, n.MaxParallelism)
		rt.subs[j].share += rt.layout.Share[kg]
		rt.subs[j].keys += rt.layout.Keys[kg]
		for b, t := range rt.layout.Tiers {
			rt.subs[j].tiers[b].share += t.Share[kg]
			rt.subs[j].tiers[b].keys += t.Keys[kg]
		}
	}
	for _, h := range rt.layout.Heavy {
		j := partitioning.OperatorIndex(h.Group, n.Parallelism, n.MaxParallelism)
		rt.subs[j].heavy = append(rt.subs[j].heavy, h)
	}
	if hp := n.Keyed.HotPartitioner; hp != nil {
		rt.spreadHotKeys(hp)
	}
	for j := range rt.subs {
		rt.weights[j] = rt.subs[j].share
		rt.subKeys[j] = rt.subs[j].keys
		rt.subs[j].setBands()
	}
}

// setBands lays the subtask's keys out as bands, with their shares of its
// records.
func (sl *subLayout) setBands() {
	sl.bands = sl.bands[:0]
	if sl.share <= 0 {
		return
	}
	for _, h := range sl.heavy {
		sl.bands = append(sl.bands, result.KeyBand{Keys: 1, Share: h.Share / sl.share})
	}
	for _, t := range sl.tiers {
		if t.keys > 0 && t.share > 0 {
			sl.bands = append(sl.bands, result.KeyBand{Keys: t.keys, Share: t.share / sl.share})
		}
	}
}

// spreadHotKeys applies a custom partitioner to the hot keys: their records
// leave the subtask owning their key group and go round-robin to every
// subtask, or to the least loaded ones (water filling). Each subtask a hot
// key reaches holds state for it.
func (rt *nodeRT) spreadHotKeys(hp *HotPartitioner) {
	p := len(rt.subs)
	for i, h := range rt.layout.Heavy {
		if !rt.spreads(i, h.Key) {
			continue
		}
		owner := partitioning.OperatorIndex(h.Group, p, rt.spec.MaxParallelism)
		sl := &rt.subs[owner]
		sl.share -= h.Share
		sl.keys--
		for k, x := range sl.heavy {
			if x.Key == h.Key {
				sl.heavy = append(sl.heavy[:k:k], sl.heavy[k+1:]...)
				break
			}
		}
		portions := make([]float64, p)
		if hp.LeastLoaded {
			waterFill(rt.subs, h.Share, portions)
		} else {
			for j := range portions {
				portions[j] = h.Share / float64(p)
			}
		}
		for j, x := range portions {
			if x > 0 {
				rt.subs[j].share += x
				rt.subs[j].keys++
				rt.subs[j].heavy = append(rt.subs[j].heavy, HeavyKey{Key: h.Key, Orig: h.Orig, Group: h.Group, Share: x})
			}
		}
	}
	for j := range rt.subs {
		sortHeavy(rt.subs[j].heavy)
	}
}

// spreads reports whether the operator's hot-key partitioner spreads the
// i-th heaviest key, key, over its subtasks (spreadHotKeys): a key it
// names or one of its top.
func (rt *nodeRT) spreads(i int, key string) bool {
	hp := rt.spec.Keyed.HotPartitioner
	return hp != nil && (i < hp.Top || slices.Contains(hp.Keys, key))
}

// waterFill gives amount to the least loaded subtasks, raising the lowest
// ones to a common level.
func waterFill(subs []subLayout, amount float64, out []float64) {
	loads := make([]float64, len(subs))
	for j := range subs {
		loads[j] = subs[j].share
	}
	sorted := slices.Clone(loads)
	slices.Sort(sorted)
	level, left := sorted[0], amount
	for k := 1; k <= len(sorted); k++ {
		next := math.Inf(1)
		if k < len(sorted) {
			next = sorted[k]
		}
		if need := (next - level) * float64(k); need >= left {
			level += left / float64(k)
			break
		} else {
			left -= need
			level = next
		}
	}
	for j, l := range loads {
		out[j] = max(0, level-l)
	}
}

// scheduleKeyPhases arms an event at each time a key population changes.
func (s *Simulation) scheduleKeyPhases() {
	var ts []sim.Time
	for _, rt := range s.nodes {
		if rt.spec.Keyed != nil {
			ts = append(ts, rt.spec.Keyed.Keys.Changes()...)
		}
	}
	slices.Sort(ts)
	for _, t := range slices.Compact(ts) {
		if t > 0 && t < s.spec.Duration {
			s.eng.At(t, evKeyPhase, 0, 0)
		}
	}
}

// distinctKeys is the expected number of distinct keys a keyed subtask holds
// after records: all of its keys when the state is warm.
func (rt *nodeRT) distinctKeys(sub int, records int64) float64 {
	return rt.stateKeys(sub, float64(records))
}

// stateKeys is distinctKeys for a count in expectation.
func (rt *nodeRT) stateKeys(sub int, records float64) float64 {
	if rt.spec.Keyed.Warm {
		return rt.subKeys[sub]
	}
	return rt.subs[sub].distinct(records)
}
