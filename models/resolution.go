package models

import (
	"math"

	"github.com/flinksim/flinksim/sim"
)

// The simulator's time resolution follows the load. Without
// simulation.chunk-records, a source's step is what arrives within one
// chunk-delay (and at least one network buffer's worth), so the steps and
// events per virtual second stay bounded as the rate grows: a source at
// 10M records/s steps every chunk-delay as one at 100k/s does, and
// latency is measured to about chunk-delay either way. With chunk-records
// set, a step is at most that many records, and chunk-records: 1 is exact.
// Either way a step takes at most what its chain processes in one sample
// interval (stepCaps).

// readTarget is how many records source subtask st reads at most in one
// step at now: chunk-records when set; else the records its splits
// produce within a chunk-delay, with three standard deviations of their
// Poisson count so that one run of arrivals is read in one step, but no
// more than its chain processes in a chunk-delay at its mean costs (a
// step is not longer than the resolution), and no fewer than a network
// buffer holds.
func (s *Simulation) readTarget(st *subtask, now sim.Time) int64 {
	if c := s.spec.Sim.ChunkRecords; c > 0 {
		return min(c, st.t.stepCap) // chunkRecords: inlined, at every step
	}
	return s.readDue(st, now)
}

func (s *Simulation) readDue(st *subtask, now sim.Time) int64 {
	c := s.chunkRecords(st.t.nodes[0])
	cd := s.spec.Sim.ChunkDelay
	due := 0.0
	end := sim.Add(now, cd)
	for _, p := range st.splits {
		due += p.integral(now, end)
	}
	due += 3 * math.Sqrt(due)
	if sec := chainSeconds(st.t); sec > 0 {
		due = min(due, cd.Seconds()/sec)
	}
	return min(max(c, int64(due)), st.t.stepCap)
}

// stepCaps bounds every task's steps by what its chain processes in one
// sample interval at its mean costs: a step's records count when it ends,
// so a slow chain (a sink at a few records per second, whose network
// buffer of records would take minutes) shows its progress in every
// sample, as Flink's per-record counters do, rather than a buffer's worth
// minutes apart. chunk-records: 1 is exact anyway.
//
// With unaligned checkpoints a step spans at most chunk-delay (or one
// record): a task takes a priority barrier between two records, as
// StreamTaskNetworkInput.emitNext returns to the mailbox after each, so
// the barrier's start delay is at most a record's time, not a step's.
func (s *Simulation) stepCaps() {
	span := s.spec.Sim.SampleInterval
	if c := s.spec.Checkpointing; c != nil && c.Unaligned {
		span = min(span, s.spec.Sim.ChunkDelay)
	}
	for _, t := range s.tasks {
		t.stepCap = math.MaxInt64
		if sec := chainSeconds(t); sec > 0 && s.spec.Sim.SampleInterval > 0 {
			t.stepCap = max(1, int64(span.Seconds()/sec))
		}
	}
}

// chainSeconds is the mean processing time of one record into task t's
// head, over its chain: each node's mean cost and sink write time, times
// the records it gets per head record.
func chainSeconds(t *task) float64 {
	sec := 0.0
	for _, rt := range t.nodes {
		in := 1.0
		if rt.parent >= 0 {
			in = t.nodes[rt.parent].gain
		}
		per := 0.0
		if rt.spec.Cost != nil {
			per += rt.spec.Cost.Mean()
		}
		if rt.spec.Kind == KindSink {
			per += rt.sinkSeconds(1)
		}
		sec += in * per
	}
	return sec
}

// runRecords is how many records a Kafka partition's run of arrivals
// gathers at most (within a chunk-delay): chunk-records when set, else no
// bound, so that a run spans the chunk-delay whatever the rate.
func (s *Simulation) runRecords() int64 {
	if s.spec.Sim.ChunkRecords > 0 {
		return s.spec.Sim.ChunkRecords
	}
	return math.MaxInt64 / 4
}
