package models

import (
	"errors"
	"fmt"
	"math"
	"sync/atomic"
)

// ErrInvariant marks a run whose own bookkeeping broke: a bug in the
// simulator, never a property of the scenario. Run still returns the results
// of such a run, with the violation in Summary.InvariantViolation.
var ErrInvariant = errors.New("simulator invariant violated (a bug; please report it)")

// breakInvariants makes every run fail its check, for tests of how a
// violation is reported (BreakInvariantsForTest).
var breakInvariants atomic.Bool

// BreakInvariantsForTest makes every run report an invariant violation until
// the returned function is called. Only tests call it.
func BreakInvariantsForTest() (restore func()) {
	breakInvariants.Store(true)
	return func() { breakInvariants.Store(false) }
}

// checkInvariants verifies the run's own bookkeeping: records are conserved at
// every Kafka partition, edge, chain link and sink, buffers are conserved at
// every channel, pool and gate, and the clock reached the end. Every run calls
// it; a violation is a bug in the simulator, reported as an error wrapping
// ErrInvariant.
func (s *Simulation) checkInvariants() error {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if breakInvariants.Load() {
		fail("broken on purpose by a test")
	}
	s.checkClock(fail)
	for i, kp := range s.kafka {
		if kp.read > kp.appended || kp.unread() != kp.lag() {
			fail("kafka %s partition %d: appended %d, read %d, log holds %d unread", s.kafkaOwner[i].spec.Name, kp.index, kp.appended, kp.read, kp.unread())
		}
	}
	for _, e := range s.edges {
		s.checkEdge(e, fail)
	}
	for _, t := range s.tasks {
		s.checkTask(t, fail)
	}
	s.checkSinks(fail)
	if rc := s.recordCounts(); !rc.Balanced() {
		fail("records do not balance: %+v", rc)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvariant, joinErrs(errs))
	}
	return nil
}

// failf reports one violated invariant.
type failf func(format string, a ...any)

// checkClock: the clock reached the end and samples follow each other.
func (s *Simulation) checkClock(fail failf) {
	if s.eng.Now() != s.spec.Duration {
		fail("clock ended at %v, not %v", s.eng.Now(), s.spec.Duration)
	}
	for i := 1; i < len(s.rec.times); i++ {
		if s.rec.times[i] <= s.rec.times[i-1] {
			fail("sample %d at %gs does not follow %gs", i, s.rec.times[i], s.rec.times[i-1])
		}
	}
}

// checkEdge: every channel's counter matches what it queues, and the edge
// conserves records: emitted + restored = consumed + in flight + discarded.
func (s *Simulation) checkEdge(e *edge, fail failf) {
	var inflight int64
	for _, st := range e.from.task.subtasks {
		for _, p := range st.parts {
			if p.edge != e {
				continue
			}
			for _, c := range p.ch {
				n := c.open.Records + c.segRecords() + c.parkedRecords()
				for j := 0; j < c.q.Len(); j++ {
					n += c.q.At(j).Records
				}
				if n != c.inflight {
					fail("edge %s->%s channel %d->%d: %d records queued, counter says %d", e.from.spec.Name, e.to.spec.Name, st.index, c.sub, n, c.inflight)
				}
				inflight += n
			}
		}
	}
	if e.emitted+e.restored != e.consumed+inflight+e.discarded {
		fail("edge %s->%s: emitted %d + restored %d != consumed %d + in flight %d + discarded %d", e.from.spec.Name, e.to.spec.Name, e.emitted, e.restored, e.consumed, inflight, e.discarded)
	}
}

// checkTask: what a task was fed (Kafka reads, records consumed from its
// input edges) was processed, is in process or was discarded; every chain
// link passes on what its upstream emitted; every operator emits its
// selectivity's share; and its subtasks' buffers are conserved.
func (s *Simulation) checkTask(t *task, fail failf) {
	head := t.nodes[0]
	var fed, counted int64
	for _, st := range t.subtasks {
		counted += st.ops[0].in + st.in.Records + st.inProcess() + st.discarded
		for _, kp := range st.splits {
			fed += kp.readAll
		}
		for pos, rt := range t.nodes {
			op := st.ops[pos]
			if pos > 0 && op.in != st.ops[rt.parent].out {
				fail("%s subtask %d: chained input %d != upstream output %d", rt.spec.Name, st.index, op.in, st.ops[rt.parent].out)
			}
			produced := op.out
			if rt.spec.MiniBatch != nil { // what went into batches: aggregated, waiting or lost
				produced = op.aggregated + op.batch.Records + op.dropped
			}
			if o := op.win; o != nil {
				if o.in != o.placed+o.sideOutput+o.dropped {
					fail("%s subtask %d: window operator took %d records, %d into windows, %d late", rt.spec.Name, st.index, o.in, o.placed, o.sideOutput+o.dropped)
				}
				continue
			}
			if rt.spec.Kind == KindOperator && math.Abs(float64(produced)-float64(op.in)*rt.spec.Selectivity) >= 1 {
				fail("%s subtask %d: %d records out for %d in at selectivity %g", rt.spec.Name, st.index, produced, op.in, rt.spec.Selectivity)
			}
		}
		s.checkBuffers(st, fail)
	}
	for _, e := range head.ins {
		fed += e.consumed
	}
	if fed != counted {
		fail("%s: %d records fed, %d processed or in process", head.spec.Name, fed, counted)
	}
}

// checkSinks: the sinks wrote every record they took.
func (s *Simulation) checkSinks(fail failf) {
	var sunk int64
	for _, st := range s.subtasks {
		for pos, rt := range st.t.nodes {
			if rt.spec.Kind == KindSink {
				sunk += st.ops[pos].in
			}
		}
	}
	if sunk != s.rec.written {
		fail("sinks took %d records but wrote %d", sunk, s.rec.written)
	}
	for _, w := range s.sinkWriters {
		s.checkWriter(w, fail)
	}
}

// checkWriter: a writer's fates account for every time a record became
// visible, a read_committed reader saw no more than a reader of
// uncommitted data, and nothing was visible beyond what it took.
func (s *Simulation) checkWriter(w *sinkWriter, fail failf) {
	name := w.st.name()
	for _, v := range []struct {
		l    *fateLedger
		view string
	}{{w.readCommitted(), "read_committed"}, {&w.uncommitted, "uncommitted"}} {
		var copies int64
		for k, c := range v.l.tally(w.top(v.l)) {
			copies += int64(k) * c
		}
		if copies != v.l.visible {
			fail("%s: a %s reader's fates count %d copies, %d became visible", name, v.view, copies, v.l.visible)
		}
	}
	if c := w.readCommitted(); c.visible > w.uncommitted.visible {
		fail("%s: read_committed saw %d copies, more than the %d sent", name, c.visible, w.uncommitted.visible)
	}
	if w.sent > w.pos {
		fail("%s: sent up to position %d, beyond the %d taken", name, w.sent, w.pos)
	}
}

func (s *Simulation) checkBuffers(st *subtask, fail failf) {
	for _, p := range st.parts {
		var used int32
		for _, c := range p.ch {
			s.checkChannel(p, c, fail)
			used += c.sendBuf
		}
		if used != p.used {
			fail("partition %s[%d]: pool use %d, channels hold %d", p.edge.from.spec.Name, st.index, p.used, used)
		}
		if lim := max(int64(p.pool)+int64(s.spec.Network.OverdraftPerGate), int64(p.edge.bpr)); int64(p.peak) > lim {
			fail("partition %s[%d]: %d buffers in use at once, beyond the pool's %d and %d overdraft buffers", p.edge.from.spec.Name, st.index, p.peak, p.pool, s.spec.Network.OverdraftPerGate)
		}
	}
	var readable int64
	for _, g := range st.gates {
		for _, c := range g.ch {
			for j := 0; j < c.readable(); j++ {
				readable += c.q.At(j).Records
			}
		}
	}
	if readable != st.readable {
		fail("%s[%d]: %d records readable, counter says %d", st.t.name, st.index, readable, st.readable)
	}
	for _, g := range st.gates {
		var f, held int32
		for _, c := range g.ch {
			f += c.floatHeld
			if !c.local {
				held += c.recvBuf
			}
		}
		if f != g.floatUsed || g.floatUsed > g.floating || held != g.remoteHeld {
			fail("gate of %s[%d]: floating used %d (channels %d, max %d), remote held %d (counter %d)",
				g.edge.to.spec.Name, st.index, g.floatUsed, f, g.floating, held, g.remoteHeld)
		}
	}
}

// checkChannel: the buffers a channel's counters say it holds at the sender
// and at the receiver are those of its open buffer, its queue and what the
// receiver took from it; the open buffer holds its unsent records.
func (s *Simulation) checkChannel(p *partition, c *channel, fail failf) {
	st := p.owner
	var send, recv int32
	if c.fill > 0 {
		send++
	}
	if open := c.open.Records + c.segRecords(); open > c.fill || (open > 0 && c.fill == 0) || (len(c.segs) > 0 && c.open.Records == 0) {
		fail("channel %s[%d]->%d: %d records unsent in an open buffer filled with %d (%d segments before its newest %d records)",
			p.edge.from.spec.Name, st.index, c.sub, open, c.fill, len(c.segs), c.open.Records)
	}
	for j := 0; j < c.q.Len(); j++ {
		b := c.q.At(j).Buffers
		if c.local || j >= int(c.delivered) {
			send += b
		} else {
			recv += b
		}
	}
	for _, h := range c.dst.owner.held {
		if h.c != c {
			continue
		}
		if c.local {
			send += h.b
		} else {
			recv += h.b
		}
	}
	if send != c.sendBuf || recv != c.recvBuf || c.floatHeld > c.recvBuf {
		fail("channel %s[%d]->%d: buffers at sender %d (counter %d), at receiver %d (counter %d, floating %d)",
			p.edge.from.spec.Name, st.index, c.sub, send, c.sendBuf, recv, c.recvBuf, c.floatHeld)
	}
}

func joinErrs(errs []error) error {
	msg := ""
	for i, e := range errs {
		if i > 0 {
			msg += "; "
		}
		msg += e.Error()
		if i == 9 && len(errs) > 10 {
			msg += fmt.Sprintf("; and %d more", len(errs)-10)
			break
		}
	}
	return fmt.Errorf("%s", msg)
}
