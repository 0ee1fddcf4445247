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
//
// Where a gate starts, and how BufferSizeEMA keeps the smoothed size
// (bufferSizeEMA), differ by release. Before 2.0 its BufferDebloater
// and BufferSizeEMA start at the segment size, and its senders' subpartitions
// at no bound (a whole segment). From 2.0 (FLINK-36556) both start at
// taskmanager.memory.starting-segment-size (BufferDebloatConfiguration's
// starting size; NettyShuffleEnvironmentConfiguration gives it to
// ResultPartitionFactory, whose PipelinedSubpartitions start there, when
// debloating is on): buffers are small from the first record, and grow,
// at most doubling the instant size per period, as the throughput asks.

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

// debloatStart is the buffer size a gate's debloater and its senders start
// at: the starting size from Flink 2.0, else the segment size.
func (s *Simulation) debloatStart() int64 {
	if d := s.spec.Network.Debloat; d != nil && d.StartingSegmentSize > 0 {
		return d.StartingSegmentSize
	}
	return s.spec.Network.SegmentSize
}

// armDebloaters gives every input gate its debloater, at the start size,
// and tells its senders that size; a no-op when debloating is off or a
// gate already has one. From 2.0 it runs before the first records (the
// subpartitions are created at the starting size), before 2.0 with the
// first period's arming (startDebloating).
func (s *Simulation) armDebloaters() {
	if s.spec.Network.Debloat == nil {
		return
	}
	start := s.debloatStart()
	for _, st := range s.subtasks {
		for _, g := range st.gates {
			if g.debloat != nil {
				continue
			}
			g.debloat = &debloatGate{ema: float64(start), announced: start}
			if start != s.spec.Network.SegmentSize {
				s.announceBufferSize(g, start)
			}
		}
	}
}

// startDebloating arms the first period; a no-op when debloating is off.
func (s *Simulation) startDebloating() {
	d := s.spec.Network.Debloat
	if d == nil || d.Period <= 0 {
		return
	}
	s.armDebloaters()
	s.eng.At(d.Period, evDebloat, 0, 0)
}

// resetDebloating puts the gates of a redeployed region's tasks back to
// the start size (debloatStart), as new tasks start.
func (s *Simulation) resetDebloating(r *region) {
	if s.spec.Network.Debloat == nil {
		return
	}
	start := s.debloatStart()
	for _, st := range r.subtasks {
		for _, g := range st.gates {
			if g.debloat == nil {
				continue
			}
			if g.debloat.announced != start {
				s.announceBufferSize(g, start)
			}
			*g.debloat = debloatGate{ema: float64(start), announced: start, idleAt: s.rec.stateSoFar(st, stIdle, s.eng.Now())}
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
	if size, ok := d.recalculate(db, s.spec.Network.SegmentSize, gateInUse(g)); ok {
		s.announceBufferSize(g, size)
	}
}

// gateInUse is the buffers a gate's channels hold now (what
// SingleInputGate.getBuffersInUseCount counts): a remote channel's
// received buffers and the sender's backlog of finished ones
// (RemoteInputChannel: queued + required − initial credit), a local
// channel's buffers still in the sender's subpartition, the open one
// included (LocalInputChannel: PipelinedSubpartition.getNumberOfQueuedBuffers,
// buffers.size(), which holds a BufferConsumer from the moment its
// BufferBuilder is requested; the buffer the receiver is reading was
// polled out of it).
func gateInUse(g *gate) int {
	n := 0
	for _, c := range g.ch {
		for j := 0; j < c.q.Len(); j++ {
			n += int(c.q.At(j).Buffers)
		}
		if c.local && c.fill > 0 {
			n++ // the open buffer: its slices in q hold no buffer
		}
	}
	return n
}

// recalculate is BufferDebloater.recalculateBufferSize: from the gate's
// throughput (whole bytes/s, as ThroughputCalculator gives it) and its
// buffers in use (at least 1), the total the buffers should hold,
// throughput × target in whole bytes, smoothed into a new size
// (bufferSizeEMA); the time to consume is that size times the buffers over
// the throughput, in whole ms, announced or not. The size is announced
// (ok) unless it equals the last announced one, or is strictly between the
// bounds and moved by less than the threshold (BufferDebloater.skipUpdate,
// FLINK-24690's rule: less than last × threshold-percentages / 100, in
// whole bytes).
func (d *Debloat) recalculate(db *debloatGate, seg int64, inUse int) (size int64, ok bool) {
	inUse = max(inUse, 1)
	thr := max(int64(db.rate), 0)
	total := thr * int64(d.Target/sim.Millisecond) / 1000
	db.ema = bufferSizeEMA(db.ema, total, inUse, float64(d.MinSegmentSize), float64(seg), d.Samples, d.FractionalEMA)
	size = int64(math.Round(db.ema))
	db.toConsume = size * int64(inUse) * 1000 / max(1, thr)
	if size == db.announced {
		return 0, false
	}
	if size > d.MinSegmentSize && size < seg &&
		abs64(size-db.announced) < int64(float64(db.announced)*float64(d.ThresholdPercent)/100) {
		return 0, false
	}
	db.announced = size
	return size, true
}

// bufferSizeEMA is BufferSizeEMA.calculateBufferSize: the instant size,
// total bytes over the buffers in use but at most twice the last size (so
// that it grows as fast as it shrinks), moved towards by alpha =
// 2 / (samples + 1), and kept within [lo, hi].
//
// From Flink 2.0 (fractional; FLINK-36555, "guarantee buffer grows even
// with very small alpha") the size is kept as a double, the instant size
// a double quotient, and the result reported rounded (Math.round). Before,
// BufferSizeEMA kept an int: the instant size is a whole quotient, and
// each step's new size is truncated to whole bytes (Java's compound
// assignment to an int), so a step of less than a byte is lost: a size
// below the instant one stops growing once alpha × the gap is under 1 B
// (with the default 20 samples, within 10.5 B of it), while one above it
// still shrinks by at least a byte a step.
func bufferSizeEMA(last float64, total int64, buffers int, lo, hi float64, samples int, fractional bool) float64 {
	alpha := 2 / float64(samples+1)
	if !fractional {
		desired := math.Min(float64(total/int64(buffers)), 2*last)
		last = math.Trunc(last + alpha*(desired-last))
		return math.Max(lo, math.Min(last, hi))
	}
	desired := math.Min(float64(total)/float64(buffers), 2*last)
	last += alpha * (desired - last)
	return math.Max(lo, math.Min(last, hi))
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
