package models

import (
	"math"

	"github.com/flinksim/flinksim/sim"
)

// Buffer debloating (FLIP-183; taskmanager.network.memory.buffer-debloat.*):
// every period each input gate measures the bytes its task consumed per
// second of the time it had input (ThroughputCalculator pauses while the
// task waits for data), and asks for buffers sized so that the buffers in
// use hold `target` of that throughput (BufferDebloater): the instant size
// throughput × target / buffers in use, at most twice the last size, is
// smoothed by an exponential moving average over `samples`
// (BufferSizeEMA), kept within [min-segment-size, segment size], and
// announced to the gate's senders only when it moved by the threshold or
// reached a bound. Senders then finish buffers at the announced size
// (PipelinedSubpartition's buffer size), so fewer bytes wait ahead of a
// barrier and unaligned checkpoints persist less.

// debloatGate is a gate's debloater state.
type debloatGate struct {
	ema       float64  // smoothed buffer size (bytes)
	announced int64    // the size senders cut buffers at (bytes)
	consumed  int64    // bytes the task took from the gate since the last period
	idleAt    sim.Time // the task's idle time at the last period
	rate      float64  // last throughput (bytes/s), kept when no time was measured
	// toConsume is the estimated time to consume the buffers in use at the
	// last recalculation, in ms (BufferDebloater's
	// lastEstimatedTimeToConsumeBuffers: 0 until the first).
	toConsume int64
}

// startDebloating arms the first period; a no-op when debloating is off.
func (s *Simulation) startDebloating() {
	d := s.spec.Network.Debloat
	if d == nil || d.Period <= 0 {
		return
	}
	for _, st := range s.subtasks {
		for _, g := range st.gates {
			g.debloat = &debloatGate{ema: float64(s.spec.Network.SegmentSize), announced: s.spec.Network.SegmentSize}
		}
	}
	s.eng.At(d.Period, evDebloat, 0, 0)
}

// resetDebloating puts the gates of a redeployed region's tasks back to
// the full segment size, as new tasks start.
func (s *Simulation) resetDebloating(r *region) {
	if s.spec.Network.Debloat == nil {
		return
	}
	seg := s.spec.Network.SegmentSize
	for _, st := range r.subtasks {
		for _, g := range st.gates {
			if g.debloat == nil {
				continue
			}
			if g.debloat.announced != seg {
				s.announceBufferSize(g, seg)
			}
			*g.debloat = debloatGate{ema: float64(seg), announced: seg, idleAt: s.rec.stateSoFar(st, stIdle, s.eng.Now())}
		}
	}
}

// debloat recalculates every gate's buffer size (StreamTask.debloat, every
// period, for all its input gates).
func (s *Simulation) debloat() {
	d := s.spec.Network.Debloat
	now := s.eng.Now()
	for _, st := range s.subtasks {
		if st.dead || len(st.gates) == 0 {
			continue
		}
		idle := s.rec.stateSoFar(st, stIdle, now)
		for _, g := range st.gates {
			s.debloatGate(g, d, idle)
		}
	}
	if next := sim.Add(now, d.Period); next <= s.spec.Duration {
		s.eng.At(next, evDebloat, 0, 0)
	}
}

// debloatGate is one gate's recalculation (SingleInputGate.triggerDebloating).
func (s *Simulation) debloatGate(g *gate, d *Debloat, idle sim.Time) {
	db := g.debloat
	measured := (d.Period - (idle - db.idleAt)).Seconds()
	db.idleAt = idle
	if measured > 0 {
		db.rate = float64(db.consumed) / measured
	}
	db.consumed = 0
	inUse := 0
	for _, c := range g.ch {
		for j := 0; j < c.q.Len(); j++ {
			inUse += int(c.q.At(j).Buffers)
		}
	}
	inUse = max(inUse, 1)
	maxSize, minSize := float64(s.spec.Network.SegmentSize), float64(d.MinSegmentSize)
	desired := math.Min(math.Floor(db.rate)*d.Target.Seconds()/float64(inUse), 2*db.ema)
	db.ema += 2 / float64(d.Samples+1) * (desired - db.ema)
	db.ema = math.Max(minSize, math.Min(db.ema, maxSize))
	size := int64(math.Round(db.ema))
	// BufferDebloater.recalculateBufferSize: the new size times the buffers
	// in use over the throughput, in whole ms, announced or not
	db.toConsume = size * int64(inUse) * 1000 / max(1, int64(db.rate))
	if size == db.announced {
		return
	}
	if size > d.MinSegmentSize && size < s.spec.Network.SegmentSize &&
		abs64(size-db.announced) < int64(float64(db.announced)*float64(d.ThresholdPercent)/100) {
		return
	}
	db.announced = size
	s.announceBufferSize(g, size)
}

// announceBufferSize tells a gate's senders to finish buffers at size bytes:
// each channel's records per buffer, and the capacities that follow.
func (s *Simulation) announceBufferSize(g *gate, size int64) {
	e := g.edge
	if e.rpb == 0 {
		return // records span buffers: a buffer holds part of one record anyway
	}
	rpb := min(e.rpb, max(1, size/max(e.recordSize, 1)))
	for _, c := range g.ch {
		c.rpb = rpb
		c.src.setMinRPB()
		c.src.touch(c)
		s.bufferCapacities(c.src.owner)
		s.markReady(c.src.owner)
	}
	s.bufferCapacities(g.owner)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
