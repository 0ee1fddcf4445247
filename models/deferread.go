package models

import (
	"math"

	"github.com/flinksim/flinksim/sim"
)

// When an idle source looks at Kafka again (idleWake), and when it leaves
// what is readable there until its output flusher's tick.
//
// A source whose output channels are sparse reads at its output flusher's
// tick rather than every chunk-delay. With the buffer timeout above
// chunk-delay and a fan-out wide enough that no channel fills a buffer
// between two ticks, what a source reads waits in an open buffer until
// the OutputFlusher (RecordWriter.OutputFlusher) flushes it: whether it is
// read at once or just before the tick, the same records leave at the same
// tick (a record that fills a buffer, one of about due/rpb, leaves at the
// tick rather than when it fills). The records wait in Kafka instead, so
// the steps and events of such a source follow its ticks, not its rate.
//
// Anything that looks at what a source has read makes a deferred source
// read first (catchUp): its flusher's tick, a checkpoint trigger (the
// offsets it snapshots, the records ahead of its barrier), a metrics
// sample (its counters and the Kafka lag), the overload check, and a
// failover, a lost TaskManager or an outage's start (what was read before
// is replayed, or was read before the outage). A source
// defers only when nothing else depends on when it reads: chunked mode
// (simulation.chunk-records unset), no event time (its watermarks follow
// the timestamps read), no buffer debloating (buffer sizes follow the
// throughput measured), no poison record ahead (its reader fails as it
// reaches it), a chain that takes no time (a step ends as it starts,
// before the tick's flush) and no sink in the chain (a chained sink writes
// a record as it is read, not at the flush).

// deferrals marks the tasks whose sources may defer their reads
// (task.defersReads), once the job is deployed.
func (s *Simulation) deferrals() {
	cd := s.spec.Sim.ChunkDelay
	on := s.spec.Sim.ChunkRecords == 0 && cd > 0 && s.flushInterval() > cd && s.spec.Network.Debloat == nil
	for _, t := range s.tasks {
		h := t.nodes[0].spec
		t.defersReads = on && h.Kind == KindSource && h.Kafka != nil && h.Kafka.EventTime == nil && chainSeconds(t) == 0 && !t.chainsSink()
	}
}

// chainsSink: a sink is chained into the task.
func (t *task) chainsSink() bool {
	for _, rt := range t.nodes {
		if rt.spec.Kind == KindSink {
			return true
		}
	}
	return false
}

// deferRead reports whether source st, idle with available records
// readable at now and more at next, leaves them and what arrives until its
// flusher's next tick in Kafka, and if so arms the flusher and drops its
// wake: at the tick it reads them (catchUp). It does when its task may
// (task.defersReads), it has network outputs, something becomes readable
// before the tick (else it would wake only to look again), and what it
// would read by the tick, with three standard deviations of its Poisson
// count as readDue counts, times the records each output gets per record
// read, fits in one buffer of every output edge.
func (s *Simulation) deferRead(st *subtask, now sim.Time, available int64, next sim.Time) bool {
	if !s.deferrable(st, now, available, next) {
		return false
	}
	s.eng.Disarm(st.wake)
	s.armFlush(st)
	st.deferred = true
	return true
}

// deferrable is deferRead's test, changing nothing: whether st, with
// available records readable at from and more at next, would leave them
// until its flusher's next tick after from.
func (s *Simulation) deferrable(st *subtask, from sim.Time, available int64, next sim.Time) bool {
	if !st.t.defersReads || len(st.parts) == 0 {
		return false
	}
	tick := s.nextFlush(st, from)
	if next >= tick {
		return false
	}
	due := float64(available)
	for _, p := range st.splits {
		if p.poison >= p.read {
			return false
		}
		if !p.alignPaused {
			due += p.integral(from, tick)
		}
	}
	due += 3 * math.Sqrt(due)
	for _, p := range st.parts {
		if e := p.edge; e.rpb == 0 || due*e.from.gain >= float64(e.rpb) {
			return false
		}
	}
	return true
}

// catchUp makes a source that deferred its reads read what is readable
// now, every record of it, as a step that ends at once.
func (s *Simulation) catchUp(st *subtask) {
	if !st.deferred {
		return
	}
	st.deferred = false
	st.catchingUp = true
	s.tryStart(st)
	st.catchingUp = false
}

// catchUpAll is catchUp for every deferred source subtask, before a look
// at all of them (a metrics sample, the overload check) or an event that
// ends what some of them read (a failover, a lost TaskManager, an outage).
func (s *Simulation) catchUpAll() {
	for _, st := range s.subtasks {
		if st.deferred {
			s.catchUp(st)
		}
	}
}

// idleWake is when an idle source with nothing readable looks again, the
// next run of its splits becoming readable at next: then, or once the
// run's first record has waited chunk-delay when what becomes readable at
// next is less than it would read at once (fewer than readTarget, and room
// for them), since it would only wait for that (readKafka). Skipping the
// wake that would only wait changes nothing: the runs are generated in the
// same order either way, before the read. A source that would defer what
// it finds at next wakes then, to leave it for its flusher's tick, which
// may come before the wait is over.
func (s *Simulation) idleWake(st *subtask, next sim.Time) sim.Time {
	cd := s.spec.Sim.ChunkDelay
	if cd <= 0 || next <= s.eng.Now() {
		return next
	}
	var due int64
	first := sim.Never
	for _, p := range st.splits {
		if p.window <= 0 {
			return next // runs without a window can become readable together
		}
		if !p.alignPaused && p.nextReady() == next {
			due += p.next.N
			first = min(first, p.next.Lo)
		}
	}
	if s.deferrable(st, next, due, next) {
		return next
	}
	target := s.readTarget(st, next)
	room, _ := s.outputRoom(st, target)
	if target <= 1 || due >= room {
		return next
	}
	if at, ok := roomFilled(st, room, 0); ok {
		return at
	}
	return max(next, sim.Add(first, cd))
}

// roomFilled is when the next runs of an event-time reader's splits
// (each at most its share of the reader's output: kafka.go) add up to
// what its output takes at once: it reads then, as Flink's reader reads
// records as they come, so that a watermark tick finds what arrived before
// it read (else the next chunk-delay, or the tick, would find more than
// it can write at once).
func roomFilled(st *subtask, room, have int64) (sim.Time, bool) {
	due := have
	at := sim.Time(0)
	for _, p := range st.splits {
		if p.room <= 0 || p.alignPaused {
			return 0, false
		}
		if p.hasNext { // what is readable already is in have
			due += p.next.N
			at = max(at, p.next.Ready)
		}
	}
	return at, due >= room && at > 0
}
