package models

// A channel's open buffer (BufferBuilder): finished when full or before an
// event (finishOpen); sliced for the receiver when the flusher asked and
// the reader has taken everything ahead (BufferConsumer.build: sliceRemote
// against a credit, sliceLocal in place).
//
// Its records are kept apart in event time. A chunk's records are taken
// as spread evenly over its event-time range (chunk.go), so a buffer that
// absorbed a paused partition's backlog (old timestamps) and another
// partition's fresh records would spread the old ones over the whole
// range, and most late records would land in open windows. Into a window
// operator (channel.apart), a piece whose production times lie farther
// than the event gap from those of the open buffer's newest records
// (eventNear, windows.go) starts a segment of its own: the buffer is
// still one buffer (its fill, its buffer from the pool, its credit), but
// its records reach the receiver as several chunks, the earlier segments
// holding no buffer and the last one the buffer's (released when its last
// record is taken, as Flink recycles a buffer; on a remote channel the
// segments travel with that buffer's credit, sendSegments). A receiver's
// step does not merge them either (takeBuffer), nor does a source's step
// read far apart splits into one chunk (kafkaPartition.take).

// finishOpen finishes the open buffer (with any full buffers joined to it):
// its records not sliced off yet become a finished chunk. When slices took
// them all, the buffer goes back to the pool, or for a local channel to
// the last slice still queued (the receiver reads the sender's memory).
func (s *Simulation) finishOpen(c *channel) {
	if c.open.Buffers == 0 {
		c.open.Buffers = 1
	}
	c.fill = 0
	c.src.touch(c)
	if c.open.Records == 0 {
		c.open = Chunk{}
		if c.local && c.q.Len() > 0 && c.q.Back().Barrier == 0 && c.q.Back().Buffers == 0 {
			c.q.Back().Buffers = 1
			return
		}
		c.src.addSend(c, -1, int32(s.spec.Network.MaxBuffersPerChannel))
		s.markReady(c.src.owner)
		return
	}
	n := s.pushSegs(c) + c.open.Records
	c.q.Push(c.open)
	c.open = Chunk{}
	if c.local {
		s.notifyReadable(c, n)
		return
	}
	s.deliver(c)
}

// sliceRemote sends the records of c's open buffer as a slice against one
// credit, once everything ahead of them is delivered and a flush asked for
// them. The sender keeps the buffer and goes on filling it; the slice takes
// a whole buffer at the receiver. It returns the chunks it sent (the
// slice, and the open buffer's earlier segments before it: openbuf.go) and
// their records and bytes, counted before they are queued: reading them
// back from the queue's cold slots would wait for those lines.
func (s *Simulation) sliceRemote(c *channel) (n int, records, bytes int64) {
	if c.open.Records == 0 {
		c.flushReq = false
		return 0, 0, 0
	}
	g := c.dst
	freeExcl, freeFloat := s.credits(c)
	if freeExcl+freeFloat == 0 {
		c.waitCredit()
		return 0, 0, 0
	}
	n = 1 + len(c.segs)
	records, bytes = c.open.Records, c.open.Bytes
	for i := range c.segs {
		bytes += c.segs[i].Bytes
	}
	records += s.pushSegs(c)
	slot := c.q.PushSlot()
	*slot = c.open
	slot.Buffers = 1
	c.open = Chunk{}
	c.flushReq = false
	fromFloat := int32(0)
	if freeExcl == 0 {
		fromFloat = 1
	}
	c.recvBuf++
	c.floatHeld += fromFloat
	g.floatUsed += fromFloat
	g.remoteHeld++
	c.delivered += int32(n)
	if c.persist != 0 && s.latency == 0 {
		for j := c.q.Len() - n; j < c.q.Len(); j++ {
			s.persistArrived(c, c.q.At(j))
		}
	}
	return n, records, bytes
}

// sliceLocal makes the records of c's open buffer readable in place, once
// the receiver has taken everything ahead of them and a flush asked for
// them. The slice holds no buffer of its own: the open buffer stays the
// sender's until finished and read.
func (s *Simulation) sliceLocal(c *channel) {
	if !c.flushReq || c.q.Len() > 0 {
		return
	}
	c.flushReq = false
	if c.open.Records == 0 {
		return
	}
	n := s.pushSegs(c) + c.open.Records
	slice := c.open
	slice.Buffers = 0
	c.open = Chunk{}
	c.q.Push(slice)
	s.notifyReadable(c, n)
}

// openAbsorb appends piece to c's open buffer, in a segment of its own
// when it lies far in event time from the open buffer's newest records.
func (s *Simulation) openAbsorb(c *channel, piece *Chunk) {
	if c.apart && c.open.Records > 0 && !s.eventNear(&c.open, piece) {
		seg := c.open
		seg.Buffers = 0
		c.segs = append(c.segs, seg)
		c.open = Chunk{}
	}
	c.open.Absorb(piece)
}

// pushSegs queues the open buffer's earlier segments (with no buffer of
// their own: the open buffer's last records, queued next, hold it) and
// returns how many records they hold.
func (s *Simulation) pushSegs(c *channel) int64 {
	var n int64
	for i := range c.segs {
		n += c.segs[i].Records
		c.q.Push(c.segs[i])
	}
	c.segs = c.segs[:0]
	return n
}

// segRecords is the records of the open buffer's earlier segments.
func (c *channel) segRecords() int64 {
	var n int64
	for i := range c.segs {
		n += c.segs[i].Records
	}
	return n
}

// isSegment reports whether a queued chunk is a segment of the buffer
// queued after it: data holding no buffer (on a remote channel, where
// every other data chunk holds one).
func isSegment(ch *Chunk) bool { return ch.Buffers == 0 && ch.Barrier == 0 }

// sendSegments delivers the segments at the head of a remote channel's
// undelivered chunks if the buffer they belong to goes now (with the
// credits free), and returns how many it delivered (0: they wait with
// it), with their records and bytes.
func (s *Simulation) sendSegments(c *channel, freeExcl, freeFloat int32) (n, records, bytes int64) {
	j := int(c.delivered)
	for j < c.q.Len() && isSegment(c.q.At(j)) {
		j++
	}
	if j < c.q.Len() {
		if _, wait := s.sendTake(c, c.q.At(j), freeExcl, freeFloat); wait {
			return 0, 0, 0
		}
	}
	for int(c.delivered) < j {
		head := c.q.At(int(c.delivered))
		records += head.Records
		bytes += head.Bytes
		c.delivered++
		n++
		if c.persist != 0 && s.latency == 0 {
			s.persistArrived(c, head)
		}
	}
	return n, records, bytes
}
