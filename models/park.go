package models

// A writer that runs out of buffers in the middle of a record: Flink's
// task thread waits in LocalBufferPool.requestBufferBuilderBlocking, here
// the rest of its output is parked on the channel and the task blocked
// until buffers come back.

// outOfBuffers: the writer of p cannot get n more buffers, its pool and
// its overdraft buffers (max-overdraft-buffers-per-gate) all in use
// (LocalBufferPool). A new record is not started while the pool is full
// (partition.available); this is the middle of one: a record that needs
// more than a buffer (a fan-out), or a chunked step, which room sizes from
// the pool's free space in records but which may open a buffer on every
// channel it reaches. Flink would have stopped at the record where the
// pool ran out; here the rest waits, parked, with the task blocked.
func (s *Simulation) outOfBuffers(p *partition, n int32) bool {
	return int64(p.used)+int64(n) > int64(p.pool)+int64(s.spec.Network.OverdraftPerGate)
}

// park keeps what the writer could not write: the task blocks in the middle
// of its record until buffers are recycled (requestBufferBuilderBlocking),
// and takes no input and no barrier meanwhile.
func (s *Simulation) park(c *channel, piece *Chunk) {
	if c.parked == nil {
		c.parked = new(Chunk)
		c.src.owner.stalled++
	}
	c.parked.Absorb(piece)
	piece.Records = 0
}

// unpark writes a blocked task's parked output as buffers come back, and
// reports whether the task is free again.
func (s *Simulation) unpark(st *subtask) bool {
	for _, p := range st.parts {
		for _, c := range p.ch {
			if c.parked == nil || s.outOfBuffers(p, 1) {
				continue
			}
			piece := *c.parked
			c.parked = nil
			st.stalled--
			c.inflight -= piece.Records // appendRecords counts them again
			s.appendRecords(c, piece)
		}
	}
	return st.stalled == 0
}
