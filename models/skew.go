package models

import (
	"math"
	"sort"
	"strconv"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/result"
)

const topKeys = 10

// skewSummaries describes every keyed operator at a chain's head that
// received records; w is work's per-task seconds of work per input record,
// flows what flows gives.
func (s *Simulation) skewSummaries(flows, w [][]float64) (out []result.SkewSummary) {
	for ti, t := range s.tasks {
		head := t.nodes[0]
		if head.spec.Keyed == nil {
			continue
		}
		var total float64
		for _, f := range flows[head.idx] {
			total += f
		}
		maxW := 0.0
		for _, v := range w[ti] {
			maxW = max(maxW, v)
		}
		// An operator no record reached has no load to describe: left out
		// (no busiest subtask, no hot subtasks), not a ratio of 0.
		if sk := s.skewOf(head, maxW, total); len(sk.HotSubtasks) > 0 {
			out = append(out, sk)
		}
	}
	return out
}

// skewOf describes a keyed operator at a chain's head: maxW is its busiest
// subtask's seconds of work per record of input, flow the records that
// reach the operator per record of input.
func (s *Simulation) skewOf(rt *nodeRT, maxW, flow float64) result.SkewSummary {
	n := rt.spec
	sk := result.SkewSummary{Operator: n.Name, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism}
	var total int64
	loads := make([]result.SubtaskLoad, n.Parallelism)
	for j, st := range rt.task.subtasks {
		r := partitioning.RangeForOperator(j, n.Parallelism, n.MaxParallelism)
		loads[j] = result.SubtaskLoad{Subtask: j, RecordsIn: st.ops[rt.pos].in, KeyGroups: strconv.Itoa(r.Start) + "-" + strconv.Itoa(r.End)}
		total += loads[j].RecordsIn
	}
	maxShare := 0.0
	for _, w := range rt.shares() {
		maxShare = max(maxShare, w)
	}
	sk.ExpectedRatio = maxShare * float64(n.Parallelism)
	if maxW > 0 {
		sk.SustainableInputRPS = 1 / maxW
	}
	if total > 0 {
		mean := float64(total) / float64(n.Parallelism)
		for j := range loads {
			loads[j].Share = float64(loads[j].RecordsIn) / float64(total)
		}
		sorted := append([]result.SubtaskLoad(nil), loads...)
		sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].RecordsIn > sorted[b].RecordsIn })
		sk.Ratio = float64(sorted[0].RecordsIn) / mean
		for k, l := range sorted {
			if k > 0 && (float64(l.RecordsIn) < 1.5*mean || k >= 5) {
				break
			}
			sk.HotSubtasks = append(sk.HotSubtasks, l)
		}
	}
	// A key's share of the input is not its share of the operator's records
	// when the operator reads a mini-batch's aggregates (one per distinct
	// key of a batch; salting's final stage): the hot key is then one
	// aggregate among many, and its share unknown here. Left out, as the
	// hottest key's bound is.
	for k, h := range rt.layout.Heavy {
		if k == topKeys || rt.batchedInput() {
			break
		}
		owner := partitioning.OperatorIndex(h.Group, n.Parallelism, n.MaxParallelism)
		if rt.spreads(k, h.Key) {
			owner = result.SpreadKey // no one subtask holds it
		}
		sk.TopKeys = append(sk.TopKeys, result.KeyLoad{Key: h.Key, Share: h.Share, Subtask: owner})
	}
	if len(rt.layout.Heavy) > 0 && n.Keyed.HotPartitioner == nil && !rt.batchedInput() {
		p1, keys := hottestGroup(rt.layout.Heavy, namedHot(n.Keyed.Keys))
		sk.HottestKeys = keys
		if maxW > 0 && flow > 0 {
			// the busiest subtask spends maxW per input record on its
			// maxShare of the operator's records; one key's p1 costs as much
			// per record
			sk.HottestKeyBoundRPS = maxShare / (p1 * maxW)
		}
		sk.ParallelismLimit = parallelismLimit(p1)
	}
	return sk
}

// namedHot is the set of hot keys a key space's scenario names (hot-keys),
// salted or not.
func namedHot(ks KeySpace) map[string]bool {
	var hot []HotKey
	switch k := ks.(type) {
	case *Population:
		hot = k.Hot
	case SaltedKeys:
		hot = k.Base.Hot
	}
	named := map[string]bool{}
	for _, h := range hot {
		named[h.Key] = true
	}
	return named
}

// hottestGroup is what bounds a keyed operator at any parallelism: the
// hottest key's share, or, when hot keys named in the scenario (or their
// salted shards) share a key group and take more together, their share
// and those keys: one subtask owns a key group at any parallelism
// (KeyGroupRangeAssignment), so they bound the operator as one key would.
// The population's other keys count as spread evenly, as the parallelism
// limit takes them. heavy is most frequent first; of two groups with equal
// shares, the one holding the more frequent key.
func hottestGroup(heavy []HeavyKey, named map[string]bool) (share float64, keys []string) {
	share = heavy[0].Share
	byGroup := map[int]float64{}
	for _, h := range heavy {
		if named[h.Original()] {
			byGroup[h.Group] += h.Share
		}
	}
	best := -1
	for _, h := range heavy {
		if g := byGroup[h.Group]; g > share {
			share, best = g, h.Group
		}
	}
	for _, h := range heavy {
		if best >= 0 && h.Group == best && named[h.Original()] {
			keys = append(keys, h.Key)
		}
	}
	return share, keys
}

// shares is each subtask's share of a keyed operator's records: as its keys
// lay out now, or as they arrived when an upstream mini-batch reshaped them
// (aggregates of a batch do not follow the keys' frequencies).
func (rt *nodeRT) shares() []float64 {
	if !rt.batchedInput() {
		return rt.weights
	}
	w := make([]float64, len(rt.task.subtasks))
	var total float64
	for j, st := range rt.task.subtasks {
		w[j] = float64(st.ops[rt.pos].in)
		total += w[j]
	}
	for j := range w {
		if total > 0 {
			w[j] /= total
		}
	}
	return w
}

// batchedInput reports whether the operator reads aggregates of a mini-batch.
func (rt *nodeRT) batchedInput() bool {
	for _, e := range rt.ins {
		if e.from.spec.MiniBatch != nil {
			return true
		}
	}
	return false
}

// parallelismLimit is parallelismFor90, or 0 when that is above the
// largest max parallelism Flink allows (32768,
// Transformation.UPPER_BOUND_MAX_PARALLELISM): no parallelism reaches it.
func parallelismLimit(p1 float64) int {
	if l := parallelismFor90(p1); l <= partitioning.MaxMaxParallelism {
		return l
	}
	return 0
}

// parallelismFor90 is the parallelism at which a job whose hottest key takes
// p1 of a keyed operator's records reaches 90% of what that key alone
// allows: the key's subtask carries it and, in expectation, an even share
// of the rest, p1 + (1 − p1)/P, which falls towards p1 without reaching it
// (more subtasks always help a little), and is within p1/0.9 from
// P = 9(1 − p1)/p1 on.
func parallelismFor90(p1 float64) int {
	return max(1, int(math.Ceil(9*(1-p1)/p1-1e-9)))
}
