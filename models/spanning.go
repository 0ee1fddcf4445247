package models

// A record larger than a buffer goes buffer by buffer. Flink's writer
// serializes it into consecutive buffers (BufferWritingResultPartition's
// appendUnicastDataForRecordContinuation, each full buffer finished as the
// next is requested), and the netty sender writes one finished buffer for
// each credit it holds (CreditBasedSequenceNumberingViewReader.getNextBuffer),
// so a record's first buffers leave before there is credit for its last.
// The receiver's SpillingAdaptiveSpanningRecordDeserializer copies each
// buffer that does not complete its record into its SpanningWrapper and the
// buffer is recycled at once (getNextRecord returns PARTIAL_RECORD, a
// consumed buffer, and recycles it; an exclusive buffer's credit goes back
// to the sender, BufferManager.recycle, RemoteInputChannel); the record is
// deserialized, and processed, once its last buffer has arrived.
//
// Here the sender's queue holds the record as one chunk of all its buffers
// (appendRecords); deliver splits off the buffers there is credit for as a
// partial chunk: no record, only its share of the bytes (splitPartial). The
// receiver takes a partial chunk without gathering (takePartial): it counts
// its bytes as read, keeps them in the channel's deserializer (channel.span)
// and recycles its buffers; the chunk that completes the record carries
// them on (takeBuffer). A barrier never falls inside a record: an aligned
// one is queued behind the record's chunk; an unaligned one may overtake
// the rest of it (persisted by the sender), and the receiver's snapshot
// persists the bytes its deserializer gathered, as
// StreamTaskNetworkInput.prepareSnapshot hands them to the channel state
// writer (persistSpan). A failover empties the deserializers with the
// channels (discardPartition).

// isPartial reports whether a queued chunk is the first buffers of a record
// whose last buffer follows: data that holds buffers and no record.
func isPartial(ch *Chunk) bool { return ch.Records == 0 && ch.Buffers > 0 && ch.Barrier == 0 }

// splitPartial splits off the first take buffers of head, a chunk whose
// first record spans more buffers than that: a partial chunk with their
// share of the bytes, no record, and no watermark (the record's follows its
// last buffer).
func splitPartial(head *Chunk, take int32) Chunk {
	part := *head
	part.Records, part.WM = 0, noWatermark
	part.Bytes = head.Bytes * int64(take) / int64(head.Buffers)
	part.OffsetHi = part.OffsetLo
	part.Buffers = take
	head.Bytes -= part.Bytes
	head.Buffers -= take
	return part
}

// takePartial: the receiver st takes the partial chunk at the front of
// remote channel c: its deserializer copies the bytes and recycles the
// buffers at once.
func (s *Simulation) takePartial(st *subtask, c *channel) {
	ch := c.q.Pop()
	if !c.local {
		c.delivered--
	}
	c.span += ch.Bytes
	s.countRead(st, c.dst, ch.Bytes)
	s.release(c, ch.Buffers)
}

// takePartials takes the partial chunks at the front of st's readable
// channels, which the task copies as it reaches them whether or not it has
// records to gather. Only a gate whose records span buffers has them.
func (s *Simulation) takePartials(st *subtask) {
	for _, g := range st.gates {
		if g.edge.rpb != 0 {
			continue
		}
		for n := g.avail.Len(); n > 0; n-- {
			ci := g.avail.Pop()
			c := g.ch[ci]
			for !c.blocked && c.readable() > 0 && isPartial(c.q.Front()) {
				s.takePartial(st, c)
			}
			if c.blocked {
				c.queued = false
				continue
			}
			s.requeue(g, c, ci)
		}
	}
}

// persistSpan persists, at st's unaligned snapshot for p, the bytes of
// records its deserializers have gathered but not completed. They join the
// channel's latest channel state (the records taken before them, or the
// rest of their record that the barrier overtook and the sender persisted
// first), or start it, so that a restore replays the record whole and in
// order.
func (s *Simulation) persistSpan(st *subtask, p *pendingCheckpoint) {
	for _, g := range st.gates {
		if g.edge.rpb != 0 {
			continue
		}
		for _, c := range g.ch {
			if c.span == 0 {
				continue
			}
			p.subs[st.id].persisted += c.span
			i := len(p.channelState) - 1
			for i >= 0 && p.channelState[i].c != c {
				i--
			}
			if i >= 0 {
				p.channelState[i].chunk.Bytes += c.span
				continue
			}
			p.channelState = append(p.channelState, channelState{c, Chunk{Bytes: c.span, Partition: -1}})
		}
	}
}

// requeue puts channel c (index ci of gate g), just read, back at the end
// of the gate's readable channels if it has more.
func (s *Simulation) requeue(g *gate, c *channel, ci int32) {
	if c.readable() > 0 {
		g.avail.Push(ci)
	} else {
		c.queued = false
	}
}

// absorbInFlight appends data chunk ch to persisted in-flight data cs: a
// partial chunk brings only its bytes, and the records after one keep them.
func absorbInFlight(cs, ch *Chunk) {
	switch {
	case ch.Records == 0:
		cs.Bytes += ch.Bytes
	case cs.Records == 0:
		b := cs.Bytes
		cs.Absorb(ch)
		cs.Bytes += b
	default:
		cs.Absorb(ch)
	}
}

// countRead counts bytes st read from gate g (takeBuffer, takePartial).
// Bytes read between the first barrier and the last count as processed
// during alignment, in every mode: aligned exactly-once reads the channels
// whose barrier is still to come (CheckpointBarrierHandler.addProcessedBytes
// while isDuringAlignment, from CheckpointedInputGate.pollNext).
func (s *Simulation) countRead(st *subtask, g *gate, bytes int64) {
	st.bytesIn += bytes
	if g.debloat != nil {
		g.debloat.consumed += bytes
	}
	if st.ck.got > 0 && !st.ck.inputDone && s.spec.Checkpointing != nil {
		if p := s.coord.find(st.ck.id); p != nil {
			p.subs[st.id].processed += bytes
		}
	}
}
