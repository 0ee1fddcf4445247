package models

import (
	"math"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// Mini-batch aggregation: an operator that folds its input per key and
// emits one record per distinct key of each batch, when the batch reaches
// its size or its allow-latency has passed since its first record. Before a
// keyBy this is local pre-aggregation; on salted keys it is the partial stage
// of a two-stage aggregation. How many records a batch of n becomes, and
// which downstream subtasks they go to, follows from the key population:
// a key of share p appears in the batch with probability 1 − e^(−n·p).
// Records wait in the batch: that is the latency it costs.

// batchIn adds the n records a step produced to the subtask's batch.
func (s *Simulation) batchIn(st *subtask, pos int, n int64) {
	if n == 0 {
		return
	}
	rt := st.t.nodes[pos]
	op := &st.ops[pos]
	piece := st.cur
	if piece.Records != n {
		piece.Partition, piece.OffsetLo, piece.OffsetHi = -1, 0, 0
	}
	piece.Records, piece.Bytes = n, n*rt.spec.RecordSize
	mb := rt.spec.MiniBatch
	if op.batch.Records == 0 && mb.Interval > 0 {
		s.eng.Arm(st.batchTimer, sim.Add(s.eng.Now(), mb.Interval), evBatchFlush, st.id, stamp(st, 0))
	}
	op.batch.Absorb(&piece)
	for mb.Size > 0 && op.batch.Records >= mb.Size {
		s.emitBatch(st, pos, mb.Size)
	}
}

// flushBatch emits what the batch holds (its allow-latency is over).
func (s *Simulation) flushBatch(st *subtask) {
	pos := len(st.t.nodes) - 1 // a mini-batch operator ends its chain
	if n := st.ops[pos].batch.Records; n > 0 {
		s.emitBatch(st, pos, n)
	}
}

// finishBundle emits what the batch holds before a watermark or a
// checkpoint barrier leaves the subtask, as AbstractMapBundleOperator's
// processWatermark and prepareSnapshotPreBarrier call finishBundle: the
// aggregates go ahead of both, so a window downstream counts them before
// the watermark passes their window, and a checkpoint that has the
// source offsets of their records has them downstream, not in a batch a
// failover drops.
// It returns the records the bundle held.
func (s *Simulation) finishBundle(st *subtask) int64 {
	pos := len(st.t.nodes) - 1
	mb := st.t.nodes[pos].spec.MiniBatch
	n := st.ops[pos].batch.Records
	if mb == nil || mb.Timer || n == 0 {
		return 0
	}
	s.flushBatch(st)
	return n
}

// emitBatch aggregates the first n records of the batch and sends the
// aggregates on.
func (s *Simulation) emitBatch(st *subtask, pos int, n int64) {
	rt := st.t.nodes[pos]
	op := &st.ops[pos]
	chunk := op.batch
	if n < op.batch.Records {
		chunk = op.batch.Take(n)
	} else {
		op.batch = Chunk{}
	}
	op.aggregated += n
	for _, p := range st.parts {
		weights, d := s.batchOut(st, rt, p.edge.to, float64(n))
		x := op.batchCarry + d
		k := int64(x)
		op.batchCarry = x - float64(k)
		if k == 0 {
			continue
		}
		op.out += k
		p.batchWeights = weights
		s.emit(p, k, &chunk)
		p.batchWeights = nil
	}
	s.eng.Disarm(st.batchTimer)
	if op.batch.Records > 0 && rt.spec.MiniBatch.Interval > 0 {
		s.eng.Arm(st.batchTimer, sim.Add(s.eng.Now(), rt.spec.MiniBatch.Interval), evBatchFlush, st.id, stamp(st, 0))
	}
}

// batchOut is how many aggregates a batch of n records of subtask st of rt
// becomes (in expectation), and their shares among the subtasks of the keyed
// operator to, which they reach through keyBy.
func (s *Simulation) batchOut(st *subtask, rt, to *nodeRT, n float64) ([]float64, float64) {
	c := &st.batchCache
	if c.n == n && c.gen == s.layoutGen && c.to == to {
		return c.weights, c.total
	}
	w := make([]float64, len(to.subs))
	if rt.spec.Keyed == nil {
		// Local pre-aggregation: the batch holds a sample of all keys.
		for j := range to.subs {
			w[j] = to.subs[j].distinct(n * to.subs[j].share)
		}
	} else {
		// The partial stage: its own (salted) keys, each sent to the subtask
		// owning the original key; each tier's as that tier is spread there.
		sl := &rt.subs[st.index]
		if sl.share > 0 {
			for _, h := range sl.heavy {
				w[to.ownerOf(h.Original())] += -math.Expm1(-n * h.Share / sl.share)
			}
			for b, t := range sl.tiers {
				d := expectedDistinct(t.keys, n*t.share/sl.share)
				spread := to.tierShares(b)
				for j := range w {
					w[j] += d * spread[j]
				}
			}
		}
	}
	total := 0.0
	for _, v := range w {
		total += v
	}
	if total > 0 {
		for j := range w {
			w[j] /= total
		}
	}
	*c = batchCache{n: n, gen: s.layoutGen, to: to, weights: w, total: total}
	return w, total
}

// batchCache keeps the last batch's aggregates: batches by size all have the
// same n.
type batchCache struct {
	n       float64
	gen     int
	to      *nodeRT
	weights []float64
	total   float64
}

// ownerOf is the subtask whose key-group range holds key.
func (rt *nodeRT) ownerOf(key string) int {
	n := rt.spec
	code := partitioning.JavaStringHash(key)
	if p, ok := n.Keyed.Keys.(*Population); ok {
		code = p.HashCode(key)
	}
	return partitioning.OperatorIndex(partitioning.KeyGroup(code, n.MaxParallelism), n.Parallelism, n.MaxParallelism)
}

// tierShares is each subtask's part of tier b, normalised.
func (rt *nodeRT) tierShares(b int) []float64 {
	w := make([]float64, len(rt.subs))
	total := 0.0
	for j, sl := range rt.subs {
		if b < len(sl.tiers) {
			w[j] = sl.tiers[b].share
			total += w[j]
		}
	}
	for j := range w {
		if total > 0 {
			w[j] /= total
		} else {
			w[j] = 1 / float64(len(w))
		}
	}
	return w
}
