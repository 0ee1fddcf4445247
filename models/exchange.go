package models

// Exchanges between tasks, as Flink's StreamPartitioners route records:
// forward (ForwardPartitioner) keeps the subtask, rebalance
// (RebalancePartitioner) deals round-robin, keyBy (KeyGroupStreamPartitioner)
// sends a record to the subtask owning its key group, here as the key groups'
// shares of the traffic.

// emit routes k records, derived from chunk src, to the partition's channels.
func (s *Simulation) emit(p *partition, k int64, src *Chunk) {
	e := p.edge
	e.emitted += k
	piece := *src
	piece.Records, piece.Bytes = k, k*e.recordSize
	if k != src.Records {
		piece.Partition, piece.OffsetLo, piece.OffsetHi = -1, 0, 0
	}
	switch e.exchange {
	case Forward:
		s.appendRecords(p.ch[0], piece)
	case Rebalance:
		n := int64(len(p.ch))
		each, rest := k/n, k%n
		for i := int64(0); i < n; i++ {
			c := each
			// RebalancePartitioner advances the channel before each record.
			if (i-int64(p.rr)-1+2*n)%n < rest {
				c++
			}
			s.appendPart(p.ch[i], piece, c)
		}
		p.rr = int((int64(p.rr) + rest) % n)
	case Hash:
		s.splitByKey(p, k)
		for i, c := range p.scratch {
			s.appendPart(p.ch[i], piece, c)
		}
	}
}

// appendPart appends c of the piece's records to a channel; a part of a
// chunk loses its single-partition offsets.
func (s *Simulation) appendPart(ch *channel, piece Chunk, c int64) {
	if c == 0 {
		return
	}
	if c != piece.Records {
		piece.Partition, piece.OffsetLo, piece.OffsetHi = -1, 0, 0
	}
	piece.Records, piece.Bytes = c, c*ch.src.edge.recordSize
	s.appendRecords(ch, piece)
}

// splitByKey divides k records among the subpartitions of a keyBy. In exact
// mode (one record per chunk) each record draws its key, as in Flink; chunks
// are split in proportion to the key-group weights, with a carry per
// subpartition so that no record is lost or invented over time.
func (s *Simulation) splitByKey(p *partition, k int64) {
	e := p.edge
	out := p.scratch
	clear(out)
	if s.spec.Sim.ChunkRecords == 1 && p.batchWeights == nil && e.to.spec.Keyed.HotPartitioner == nil {
		rng := p.owner.ops[e.from.pos].rng
		n := len(out)
		for i := int64(0); i < k; i++ {
			kg := e.to.layout.SampleKeyGroup(rng)
			out[kg*n/e.mp]++
		}
		return
	}
	w := e.weights
	if p.batchWeights != nil {
		w = p.batchWeights
	}
	apportion(k, w, p.carry, out)
}

// apportion divides k records among destinations in proportion to weights,
// carrying each destination's owed fraction to the next call, so that over
// many calls every destination gets its share to within two records (what
// it is owed stays in (-1, 2): a record handed out beyond the floors leaves
// more than -1, one taken back when the floors exceed k less than 2). No
// count is negative and the counts sum to k.
func apportion(k int64, weights, carry []float64, out []int64) {
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
	// Hand out the rest to the destinations owed most; take back any excess
	// (possible only through rounding) from those owed least.
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
