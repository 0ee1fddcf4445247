package models

// Flink's network stack at buffer granularity, with credit-based flow control
// (Flink ≥ 1.5):
//
//   - A sender subtask writes records into one open buffer per subpartition
//     (channel). A buffer is finished when full, when the output flusher fires
//     (execution.buffer-timeout.interval) or after every record when that is 0.
//   - A sender's output pool holds at most subpartitions × buffers-per-channel
//     + floating-buffers-per-gate buffers, and one subpartition at most
//     max-buffers-per-channel. The writer is available only while the pool has
//     a free buffer and no subpartition is at its cap (LocalBufferPool); a
//     subtask whose writer is unavailable does not start another record: it is
//     backpressured.
//   - A remote channel delivers a finished buffer only against a credit: one
//     of its exclusive buffers (buffers-per-channel) or a floating buffer of the
//     receiver's gate (floating-buffers-per-gate), handed to waiting channels in
//     FIFO order. Delivery frees the sender's buffer. A local channel (same
//     TaskManager) has no credits: the receiver reads the sender's buffers,
//     which stay in the sender's pool until consumed.
//   - The receiver holds a buffer until it has processed its records.
//
// Network latency is not modelled: a buffer with credit arrives at once.

// channel is one (sender subpartition → receiver input channel) pair.
type channel struct {
	src   *partition
	sub   int32 // subpartition index at the sender
	dst   *gate
	idx   int32 // input-channel index at the receiver
	local bool

	open Chunk       // the buffer being filled at the sender (Records == 0: none)
	q    ring[Chunk] // finished buffers, oldest first; the first `delivered` are at the receiver

	delivered int32 // remote: finished chunks already at the receiver
	sendBuf   int32 // buffers held in the sender's pool (open + undelivered or unconsumed)
	recvBuf   int32 // receiver buffers held (exclusive + floating)
	floatHeld int32 // floating buffers among recvBuf
	queued    bool  // listed in dst.avail
	waiting   bool  // listed in dst.waiters (wants a floating buffer)
	blocked   bool  // aligning: its barrier was read, the others are awaited

	barrierSeen int64 // the newest checkpoint whose barrier the receiver read

	inflight int64 // records in open and q
}

// readable is the number of finished buffers the receiver may read.
func (c *channel) readable() int {
	if c.local {
		return c.q.Len()
	}
	return int(c.delivered)
}

// partition is a sender subtask's output for one job edge.
type partition struct {
	owner *subtask
	edge  *edge
	ch    []*channel
	pool  int32 // buffers in the local pool
	used  int32 // Σ ch.sendBuf
	full  int32 // subpartitions at or above max-buffers-per-channel

	rr    int       // rebalance: last channel sent to
	carry []float64 // keyBy: records owed to each subpartition
	// batchWeights, while a mini-batch is emitted, are the shares of its
	// aggregates per subpartition (its keys, not the stream's).
	batchWeights []float64
	scratch      []int64
}

func (p *partition) available() bool { return p.used < p.pool && p.full == 0 }

// addSend changes a channel's sender-side buffer count.
func (p *partition) addSend(c *channel, d int32, maxPer int32) {
	was := c.sendBuf >= maxPer
	c.sendBuf += d
	p.used += d
	if is := c.sendBuf >= maxPer; is != was {
		if is {
			p.full++
		} else {
			p.full--
		}
	}
}

// gate is a receiver subtask's input for one job edge.
type gate struct {
	owner      *subtask
	edge       *edge
	ch         []*channel
	avail      ring[int32] // channels with readable buffers, in arrival order
	waiters    ring[int32] // remote channels waiting for a floating buffer
	floatUsed  int32
	remote     int32 // number of remote channels
	remoteHeld int32 // Σ recvBuf over remote channels
	capacity   int32 // remote × buffers-per-channel + floating (0 without remote channels)
}
