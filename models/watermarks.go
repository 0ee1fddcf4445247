package models

import (
	"math/rand/v2"

	"github.com/flinksim/flinksim/sim"
)

// Watermarks between tasks. A watermark is a stream element serialized into
// the same buffers as records (RecordWriterOutput.emitWatermark), so it
// travels behind the records emitted before it: here every chunk carries
// the sender's output watermark when it was written (Chunk.WM), and a
// receiver learns it when it takes the chunk, after the records before it.
// A watermark is written to every channel (RecordWriter.broadcastEmit) and
// leaves with the output flusher, as records do: on a channel without
// records to carry it, it goes behind those still in flight, or to the
// receiver at once when none are (broadcastWatermark).
//
// A task's input watermark is the minimum over its active, aligned input
// channels, forwarded only when it rises (StatusWatermarkValve): a channel
// whose sender is idle is left out, and one that comes back from idleness
// with a lower watermark rejoins only once it catches up, so the records it
// brings meanwhile may be late. A task whose inputs are all idle is idle
// itself; when the last of them goes idle while it holds the task's
// watermark (it is aligned), no channel will advance it any more, so the
// task takes the highest watermark of all its channels
// (StatusWatermarkValve.inputWatermarkStatus: findAndOutputMaxWatermark-
// AcrossAllSubpartitions). Idleness travels at once (a status change is
// rare and has no records to wait behind), so a watermark its sender wrote
// before it and that is still behind records counts in that highest one
// when it arrives.

// wmState is a subtask's watermark: what it emits, and whether it is idle.
type wmState struct {
	out   wmark // its output watermark (what its chunks carry)
	sent  wmark // the highest out put on every output channel (broadcastWatermark)
	idle  bool  // WatermarkStatus.IDLE
	dirty bool  // an input channel's watermark rose or a sender's status changed
	// flushMax: all input channels are idle, the last of them went idle
	// aligned: the watermark is the highest of the channels'
	flushMax bool
	// started is when a reader started; timer its main output's idleness
	// timer, which idles a reader with no split (emitSourceWatermark).
	started sim.Time
	timer   idlenessTimer
	// A reader's last record read, for currentEmitEventTimeLag: when it was
	// produced (its timestamp is that less a delay), when it was read, and
	// a stream to draw the delay from (recorder_time.go).
	lastEv, lastRead sim.Time
	emitted          bool
	lagRng           *rand.Rand
	delays           *delays
	// maxDesired is the maximum watermark the reader's alignment group
	// last announced to it, and desired whether it has had one (alignment.go)
	maxDesired wmark
	desired    bool
	// due: what is readable raises the input watermark, so the subtask
	// does not wait to gather; scanGate and scanCh are the cursor that
	// finds it (watermarkdue.go)
	due              bool
	scanGate, scanCh int
}

// learnWatermark records that channel c's chunk carried watermark w.
func (s *Simulation) learnWatermark(st *subtask, c *channel, w wmark) {
	if w > c.wm {
		c.wm = w
		st.wm.dirty = true
		s.watermarkArrived(c)
	}
}

// inputWatermark is the minimum over st's active, aligned input channels,
// and whether any is active.
func inputWatermark(st *subtask) (wmark, bool) {
	m, active := wmark(^uint64(0)), false
	for _, g := range st.gates {
		for _, c := range g.ch {
			if c.src.owner.wm.idle || c.wm < st.wm.out {
				continue
			}
			active = true
			m = min(m, c.wm)
		}
	}
	return m, active
}

// advanceWatermark recomputes a non-source subtask's watermark after a
// step's records; it returns whether it rose. A watermark comes behind the
// records taken with it: it applies once the records taken from the
// channels (st.in) are all processed.
func (s *Simulation) advanceWatermark(st *subtask) bool {
	if !st.wm.dirty || len(st.gates) == 0 || st.in.Records > 0 {
		return false
	}
	st.wm.dirty = false
	m, active := inputWatermark(st)
	if !active {
		if !st.wm.flushMax {
			return false
		}
		m = highestChannelWatermark(st)
		if m > st.wm.out && s.trace != nil {
			s.tracef("%s: every input channel is idle, the last aligned: the watermark is the highest of theirs, %s", st.name(), m.time())
		}
	}
	if m <= st.wm.out {
		return false
	}
	st.wm.out = m
	restartWatermarkScan(st)
	s.armFlush(st) // the flusher takes it to channels without records
	return true
}

// highestChannelWatermark is the highest watermark of st's input
// channels.
func highestChannelWatermark(st *subtask) wmark {
	m := noWatermark
	for _, g := range st.gates {
		for _, c := range g.ch {
			m = max(m, c.wm)
		}
	}
	return m
}

// broadcastWatermark puts st's output watermark on every output channel
// that has not carried it, as the output flusher fires: behind the records
// the channel holds (its receiver learns it once it has taken them: trail),
// or, on a channel with none, to its receiver directly (the network's
// latency is left out). A task in the middle of a step or a record sends it
// after that.
func (s *Simulation) broadcastWatermark(st *subtask) {
	w := st.wm.out
	if w == noWatermark || w <= st.wm.sent {
		return
	}
	if st.busy || st.stalled > 0 {
		// its records are not written yet: the task thread emits the
		// watermark after them
		s.armFlush(st)
		return
	}
	if s.finishBundle(st); st.stalled > 0 {
		// the bundle does not fit the output: the watermark follows it
		// once it is written
		s.armFlush(st)
		return
	}
	for _, p := range st.parts {
		for _, c := range p.ch {
			if c.wmSent >= w {
				continue
			}
			c.wmSent = w
			if c.inflight > 0 {
				c.trailWM, c.trailLeft = w, c.inflight
				s.watermarkArrived(c) // behind records the receiver may have already
				continue
			}
			if r := c.dst.owner; !r.dead {
				s.learnWatermark(r, c, w)
				s.markReady(r)
			}
		}
	}
	st.wm.sent = w
}

// tookRecords: the receiver of channel c took n of its records; a
// watermark written behind them is now its.
func (s *Simulation) tookRecords(st *subtask, c *channel, n int64) {
	if c.trailWM == noWatermark {
		return
	}
	if c.trailLeft -= n; c.trailLeft <= 0 {
		s.learnWatermark(st, c, c.trailWM)
		c.trailWM = noWatermark
	}
}

// setIdle changes a subtask's status and passes it on: a receiver all of
// whose senders are idle is idle; any receiver may now have a higher input
// watermark (an idle channel no longer holds it back) and is woken to fire
// what that makes due.
func (s *Simulation) setIdle(st *subtask, idle bool) {
	if st.wm.idle == idle {
		return
	}
	st.wm.idle = idle
	for _, p := range st.parts {
		for _, c := range p.ch {
			r := c.dst.owner
			all := allInputsIdle(r)
			switch {
			case !all:
				r.wm.flushMax = false
			case idle && c.wm >= r.wm.out:
				// the last active channel went idle aligned: its watermark
				// (processed before its status, in Flink's order) was the
				// task's, and the valve flushes the highest
				r.wm.flushMax = true
			}
			if r.wm.dirty && r.wm.idle == all {
				continue // already told
			}
			r.wm.dirty = true
			s.setIdle(r, allInputsIdle(r))
			s.watermarkArrived(c) // it joins or leaves r's minimum
			s.markReady(r)
		}
	}
}

// allInputsIdle reports whether every sender of st is idle.
func allInputsIdle(st *subtask) bool {
	for _, g := range st.gates {
		for _, c := range g.ch {
			if !c.src.owner.wm.idle {
				return false
			}
		}
	}
	return true
}

// restartWatermarks: a restored subtask starts without a watermark (they
// are not part of a checkpoint) and so do its splits' generators and its
// input channels.
func (s *Simulation) restartWatermarks(st *subtask) {
	st.wm = wmState{lagRng: st.wm.lagRng, delays: st.wm.delays, started: s.eng.Now()}
	for _, g := range st.gates {
		for _, c := range g.ch {
			c.wm, c.wmSent, c.trailWM = noWatermark, noWatermark, noWatermark // its sender puts its watermark on it again
		}
	}
	for _, p := range st.parts {
		for _, c := range p.ch {
			c.wmSent, c.trailWM = noWatermark, noWatermark
		}
	}
	for _, p := range st.splits {
		p.resetSplitTime(s.eng.Now())
	}
}
