package models

// A watermark is not held back by the simulator's time resolution. In
// chunked mode an idle task waits up to chunk-delay to gather a step's
// records (gatherInput) and the output flusher ticks at most every
// chunk-delay (flushInterval), where Flink's task processes every buffer as
// it arrives (StreamTask's mailbox loop, StreamOneInputProcessor) and its
// OutputFlusher sends a watermark within the buffer timeout of its emit
// (RecordWriterOutput.emitWatermark writes it into the buffers at once).
// Each would make a watermark up to a chunk-delay staler per hop, and a
// window operator would take records as on time that Flink finds late, or
// open windows (before the first watermark) Flink never sees. So:
//   - a subtask whose output watermark rose flushes at Flink's next buffer
//     timeout tick (armFlush), and
//   - a subtask does not wait to gather when what is readable would raise
//     its input watermark (wmState.due), found here as chunks arrive.
//
// The input watermark rises when every channel in the minimum (an active,
// aligned one: inputWatermark) has a higher one readable. A cursor walks
// st's channels in order, stopping at the first that still holds the
// watermark; only an arrival on that channel moves it on, so a round costs
// one pass over the channels however many chunks arrive. The cursor only
// decides when a step starts: the watermark itself is what the step takes
// (advanceWatermark), so a channel the cursor misjudged costs a step or a
// wait, never a wrong watermark.

// arrivedWatermark is the highest watermark readable on channel c: its
// own, one carried by a readable chunk, or one written behind records that
// have all arrived (trailWM).
func arrivedWatermark(c *channel) wmark {
	w := c.wm
	n := c.readable()
	var records int64
	for i := 0; i < n; i++ {
		ch := c.q.At(i)
		w = max(w, ch.WM)
		records += ch.Records
	}
	if c.local && c.flushReq {
		// flushed, sliced off once the reader has taken what is ahead
		// (sliceLocal): the reader takes them in the same step
		records += c.open.Records
		for i := range c.segs {
			records += c.segs[i].Records
		}
	}
	if c.trailWM > w && records >= c.trailLeft {
		w = c.trailWM
	}
	return w
}

// holdsWatermark reports whether channel c keeps st's input watermark
// where it is: it is in the minimum (its sender active, aligned) and has
// nothing readable, or nothing st may read now (aligning for a barrier),
// that raises it.
func holdsWatermark(st *subtask, c *channel) bool {
	if c.src.owner.wm.idle || c.wm < st.wm.out {
		return false // not in the minimum (inputWatermark)
	}
	return c.blocked || arrivedWatermark(c) <= st.wm.out
}

// scanWatermark moves st's cursor past the channels that no longer hold its
// watermark; past the last, what is readable raises it: st is due.
func scanWatermark(st *subtask) {
	w := &st.wm
	for !w.due {
		if w.scanGate == len(st.gates) {
			w.due = true
			return
		}
		g := st.gates[w.scanGate]
		if w.scanCh == len(g.ch) {
			w.scanGate, w.scanCh = w.scanGate+1, 0
			continue
		}
		if holdsWatermark(st, g.ch[w.scanCh]) {
			return
		}
		w.scanCh++
	}
}

// restartWatermarkScan starts a new round once st's watermark has risen.
func restartWatermarkScan(st *subtask) {
	st.wm.due, st.wm.scanGate, st.wm.scanCh = false, 0, 0
	scanWatermark(st)
}

// watermarkArrived: something readable arrived on channel c, or c's place
// in its receiver's minimum changed. Only the channel under the cursor can
// move it; a receiver it makes due is woken.
func (s *Simulation) watermarkArrived(c *channel) {
	if !s.eventTime {
		return
	}
	st := c.dst.owner
	if st.wm.due || st.wm.scanGate >= len(st.gates) {
		return
	}
	g := st.gates[st.wm.scanGate]
	if st.wm.scanCh < len(g.ch) && g.ch[st.wm.scanCh] == c {
		if scanWatermark(st); st.wm.due {
			s.markReady(st)
		}
	}
}
