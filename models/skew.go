package models

import (
	"math"
	"sort"
	"strconv"

	"github.com/flinksim/flinksim/models/partitioning"
)

// SkewSummary is where the load of a keyed operator landed: summary.json's
// skew, one per keyed operator.
type SkewSummary struct {
	Operator       string `json:"operator"`
	Parallelism    int    `json:"parallelism"`
	MaxParallelism int    `json:"max_parallelism"`
	// Ratio is the busiest subtask's records over the mean (1 is even), as
	// simulated; ExpectedRatio is the same from the key layout at the end.
	Ratio         float64 `json:"ratio"`
	ExpectedRatio float64 `json:"expected_ratio"`
	// HotSubtasks are the subtasks with more than 1.5 times the mean load
	// (at least the busiest), busiest first.
	HotSubtasks []SubtaskLoad `json:"hot_subtasks"`
	// TopKeys are the most frequent keys, with the subtask that owns them.
	TopKeys []KeyLoad `json:"top_keys,omitempty"`
	// SustainableInputRPS is the largest source rate (records/s, all
	// sources) this operator keeps up with: its busiest subtask's capacity
	// over its share of the operator's records.
	SustainableInputRPS float64 `json:"sustainable_input_rps"`
	// HottestKeyBoundRPS is what the hottest key alone allows, at any
	// parallelism (a key is processed by one subtask); ParallelismLimit is
	// the parallelism beyond which adding subtasks no longer raises it.
	HottestKeyBoundRPS float64 `json:"hottest_key_bound_rps,omitempty"`
	ParallelismLimit   int     `json:"parallelism_limit,omitempty"`
}

// SubtaskLoad is one subtask's part of an operator's records.
type SubtaskLoad struct {
	Subtask   int     `json:"subtask"`
	Share     float64 `json:"share"`
	RecordsIn int64   `json:"records_in"`
	KeyGroups string  `json:"key_groups"` // its key-group range, e.g. "0-2"
}

// KeyLoad is one key's share of an operator's records.
type KeyLoad struct {
	Key     string  `json:"key"`
	Subtask int     `json:"subtask"`
	Share   float64 `json:"share"`
}

const topKeys = 10

// skewSummaries describes every keyed operator, and returns the job's
// sustainable input rate (the smallest over tasks) and the task and subtask
// that bound it.
func (s *Simulation) skewSummaries(read int64) (out []SkewSummary, sustainable float64, bound string) {
	sustainable = math.Inf(1)
	for _, t := range s.tasks {
		head := t.nodes[0]
		capacity := s.headCapacity(t)
		var in int64
		for _, st := range t.subtasks {
			in += st.ops[0].in
		}
		if in == 0 || read == 0 {
			continue
		}
		perSource := float64(in) / float64(read) // records into the head per source record
		if head.spec.Keyed != nil {
			out = append(out, s.skewOf(head, capacity, perSource))
		}
		if math.IsInf(capacity, 1) {
			continue // costs nothing: it never bounds the job
		}
		maxShare, busiest := 1/float64(len(t.subtasks)), 0
		if head.spec.Keyed != nil {
			maxShare, busiest = 0, 0
			for j, w := range head.shares() {
				if w > maxShare {
					maxShare, busiest = w, j
				}
			}
		}
		if r := capacity / (maxShare * perSource); r < sustainable {
			sustainable = r
			bound = t.name
			if head.spec.Keyed != nil {
				bound += " subtask " + strconv.Itoa(busiest)
			}
		}
	}
	if math.IsInf(sustainable, 1) {
		sustainable = 0
	}
	return out, sustainable, bound
}

func (s *Simulation) skewOf(rt *nodeRT, capacity, perSource float64) SkewSummary {
	n := rt.spec
	sk := SkewSummary{Operator: n.Name, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism}
	var total int64
	loads := make([]SubtaskLoad, n.Parallelism)
	for j, st := range rt.task.subtasks {
		r := partitioning.RangeForOperator(j, n.Parallelism, n.MaxParallelism)
		loads[j] = SubtaskLoad{Subtask: j, RecordsIn: st.ops[rt.pos].in, KeyGroups: strconv.Itoa(r.Start) + "-" + strconv.Itoa(r.End)}
		total += loads[j].RecordsIn
	}
	maxW := 0.0
	for _, w := range rt.shares() {
		maxW = max(maxW, w)
	}
	sk.ExpectedRatio = maxW * float64(n.Parallelism)
	finite := !math.IsInf(capacity, 1)
	if maxW > 0 && finite {
		sk.SustainableInputRPS = capacity / (maxW * perSource)
	}
	if total > 0 {
		mean := float64(total) / float64(n.Parallelism)
		for j := range loads {
			loads[j].Share = float64(loads[j].RecordsIn) / float64(total)
		}
		sorted := append([]SubtaskLoad(nil), loads...)
		sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].RecordsIn > sorted[b].RecordsIn })
		sk.Ratio = float64(sorted[0].RecordsIn) / mean
		for k, l := range sorted {
			if k > 0 && (float64(l.RecordsIn) < 1.5*mean || k >= 5) {
				break
			}
			sk.HotSubtasks = append(sk.HotSubtasks, l)
		}
	}
	for k, h := range rt.layout.Heavy {
		if k == topKeys {
			break
		}
		sk.TopKeys = append(sk.TopKeys, KeyLoad{Key: h.Key, Share: h.Share,
			Subtask: partitioning.OperatorIndex(h.Group, n.Parallelism, n.MaxParallelism)})
	}
	if len(rt.layout.Heavy) > 0 && n.Keyed.HotPartitioner == nil && !rt.batchedInput() {
		p1 := rt.layout.Heavy[0].Share
		if finite {
			sk.HottestKeyBoundRPS = capacity / (p1 * perSource)
		}
		sk.ParallelismLimit = int(math.Ceil(1 / p1))
	}
	return sk
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

// headCapacity is how many records per second one subtask of t can take in
// at its chain's head: one over the mean time per head record through the
// chain (costs, and sink capacity).
func (s *Simulation) headCapacity(t *task) float64 {
	secs := 0.0
	for _, rt := range t.nodes {
		in := 1.0
		if rt.parent >= 0 {
			in = t.nodes[rt.parent].gain
		}
		if rt.spec.Cost != nil {
			secs += in * rt.spec.Cost.Mean()
		}
		if rt.spec.Kind == KindSink {
			secs += in * (rt.sinkSecPerRecord + float64(rt.inRecordSize)*rt.sinkSecPerByte)
		}
	}
	if secs <= 0 {
		return math.Inf(1)
	}
	return 1 / secs
}
