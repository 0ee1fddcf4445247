package models

import (
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// A sink subtask's writer (Flink's SinkWriter): records it takes are
// buffered and sent to the external system when the buffer holds a batch
// or is a batch interval old, and (unless its guarantee is none) at every
// checkpoint barrier: SinkWriter.flush in prepareSnapshotPreBarrier
// (KafkaWriter.flush flushes unless DeliveryGuarantee.NONE; JdbcWriter
// always). Sent records are visible to a reader of uncommitted data at
// once, and to a read_committed reader too unless the sink is exactly-once
// (twophase.go). A failover drops the buffer: its records before the
// restored checkpoint's position are lost, the rest are replayed.

// writeSeg is a run of records a sink subtask took: positions [lo, hi),
// when the task wrote them and when they were created (appended to Kafka).
// Records are spread evenly over both ranges, as in a chunk.
type writeSeg struct {
	lo, hi   int64
	wLo, wHi sim.Time
	cLo, cHi sim.Time
}

func (g *writeSeg) add(n int64, now sim.Time, c *Chunk) {
	if g.hi == g.lo {
		g.wLo, g.cLo, g.cHi = now, c.CreatedLo, c.CreatedHi
	}
	g.cLo, g.cHi = min(g.cLo, c.CreatedLo), max(g.cHi, c.CreatedHi)
	g.wHi = now
	g.hi += n
}

// before splits off the records written before time t (spread evenly over
// the write times) and leaves the rest in g.
func (g *writeSeg) before(t sim.Time) writeSeg {
	n := g.hi - g.lo
	if n == 0 || t <= g.wLo {
		return writeSeg{lo: g.lo, hi: g.lo}
	}
	if t > g.wHi {
		head := *g
		g.lo = g.hi
		return head
	}
	f := float64(t-g.wLo) / float64(g.wHi-g.wLo)
	k := min(n-1, int64(f*float64(n)))
	head := *g
	head.hi = g.lo + k
	head.wHi = t
	g.lo, g.wLo = head.hi, t
	return head
}

// first splits off the first k records, their write and creation times
// the first k/n of the segment's (spread evenly), and leaves the rest in g.
func (g *writeSeg) first(k int64) writeSeg {
	n := g.hi - g.lo
	if k >= n {
		head := *g
		g.lo = g.hi
		return head
	}
	f := float64(k) / float64(n)
	w := g.wLo + sim.Time(f*float64(g.wHi-g.wLo))
	c := g.cLo + sim.Time(f*float64(g.cHi-g.cLo))
	head := writeSeg{lo: g.lo, hi: g.lo + k, wLo: g.wLo, wHi: w, cLo: g.cLo, cHi: c}
	g.lo, g.wLo, g.cLo = head.hi, w, c
	return head
}

// sinkWriter is a sink subtask's writer and what became of its records.
type sinkWriter struct {
	node *sinkNode
	d    *Delivery
	st   *subtask
	slot int   // its sink's position in the subtask's chain
	pos  int64 // records taken: the next position (rewound on a restore)
	sent int64 // positions below it reached the external system
	// sentTotal is its numRecordsSend: records it sent to the external
	// system over the run; SinkWriterMetricGroup's counts each attempt's
	// (attempt.go).
	sentTotal int64
	buf       writeSeg // [sent, pos): buffered in the writer
	// flushTimer sends a buffer BatchInterval after its first record, or
	// every BatchInterval from the writer's start (periodicFlush).
	flushTimer sim.Timer
	// committed and uncommitted count how often each position became
	// visible to a read_committed reader and to one of uncommitted data
	// (committed only for exactly-once: readCommitted).
	committed, uncommitted fateLedger
	// txns are the exactly-once writer's unresolved transactions, oldest
	// first; an open one (not yet prepared) is last (twophase.go).
	txns []*txn
	// rewind is what its cancellation rewound, for the failover that
	// restores it (sinkRestored): its summary's records_sink_* go with
	// the records_replayed of the same restore.
	rewind sinkRewind
	// attempts counts failed XA commit attempts of the oldest prepared
	// transaction (JdbcExactlyOnceOptions.maxCommitAttempts).
	attempts int
	// refused: its producer fails in initTransactions, so the task fails
	// as it starts.
	refused bool
	// lastCommitted is the checkpoint of its last committed transaction,
	// lastDropped of its last one dropped, failed with a known reason.
	lastCommitted, lastDropped int64
	// blockedUpTo: a Kafka commit of the transactions up to this
	// checkpoint blocked while the sink's system was down (0: none).
	blockedUpTo int64
	// cm are its committer's counters (twophase.go).
	cm committerCounts
	// An upsert sink's rows, over its replays: the logarithms of the
	// chances that a row was never written again, and never went back to
	// an older version (sinknode.go: upsertReplayed).
	upsertUntouched, upsertKept float64
}

// batch is the number of records that makes the writer send its buffer.
func (w *sinkWriter) batch() int64 { return max(1, w.d.BatchSize) }

// periodicFlush reports whether the writer flushes what it holds every
// BatchInterval from its start, whatever it holds: a JDBC writer's
// JdbcOutputFormat.open schedules its flush with scheduleWithFixedDelay
// when batchIntervalMs is not 0 and batchSize not 1. A Kafka producer
// sends a batch linger.ms after its first record, as the generic writer
// does.
func (w *sinkWriter) periodicFlush() bool {
	return w.d.System == SystemJDBC && w.d.BatchInterval > 0 && w.batch() > 1
}

// armSinkFlush arms w's flush timer BatchInterval from now.
func (s *Simulation) armSinkFlush(w *sinkWriter) {
	s.eng.Arm(w.flushTimer, sim.Add(s.eng.Now(), w.d.BatchInterval), evSinkFlush, w.st.id, stamp(w.st, int64(w.slot)))
}

// sinkFlushTimer: w's flush timer is due: it sends what it holds, and a
// periodic one runs again an interval later.
func (s *Simulation) sinkFlushTimer(w *sinkWriter) {
	s.sinkFlush(w)
	if w.periodicFlush() {
		s.armSinkFlush(w)
	}
}

// sinkTook: sink rt of subtask st took n records of chunk c at now, for
// its writer w: their latency, and the write.
func (s *Simulation) sinkTook(rt *nodeRT, st *subtask, w *sinkWriter, now sim.Time, n int64, c *Chunk) {
	if w.node.mirrored && !w.visibleAtOnce(n, c) {
		w.node.unmirror() // before sunk adds these records' latency
	}
	s.rec.sunk(rt, st, now, n, c)
	s.sinkWrote(w, n, c)
}

// visibleAtOnce reports whether n records of chunk c, written now, become
// visible as they are written, with one latency: the writer sends them at
// once, alone, and they were created at one instant.
func (w *sinkWriter) visibleAtOnce(n int64, c *Chunk) bool {
	b := w.batch()
	return w.pos == w.sent && n >= b && (b == 1 || n%b == 0) && c.CreatedLo == c.CreatedHi && w.node.rt.lat != nil
}

// sinkWrote: writer w took n records of chunk c.
func (s *Simulation) sinkWrote(w *sinkWriter, n int64, c *Chunk) {
	now := s.eng.Now()
	if w.d.Guarantee == ExactlyOnce {
		s.txnWrite(w, n, now, c)
	}
	first := w.pos == w.sent
	w.buf.add(n, now, c)
	w.pos += n
	w.node.taken += n
	switch b, held := w.batch(), w.pos-w.sent; {
	case held >= b && b == 1:
		s.sinkFlush(w) // each record at once: no division per record in exact mode
	case held >= b:
		// Full batches only: JdbcOutputFormat.writeRecord flushes as its
		// batchCount reaches batchSize, record by record, so a chunk that
		// crosses it leaves the records after the last full batch
		// buffered, a batch of their own from now.
		s.sinkSend(w, held-held%b)
		if w.pos > w.sent && w.d.BatchInterval > 0 && !w.periodicFlush() {
			s.armSinkFlush(w)
		}
	case first && w.d.BatchInterval > 0 && !w.periodicFlush():
		s.armSinkFlush(w)
	}
}

// sinkFlush sends writer w's whole buffer to the external system.
func (s *Simulation) sinkFlush(w *sinkWriter) { s.sinkSend(w, w.pos-w.sent) }

// sinkSend sends the first k records of writer w's buffer to the external
// system; the timer that would flush the buffer stops once it is empty.
func (s *Simulation) sinkSend(w *sinkWriter, k int64) {
	if k <= 0 {
		return
	}
	now := s.eng.Now()
	to := w.sent + k
	if w.d.Guarantee != ExactlyOnce || !s.txnSent(w) {
		w.uncommitted.add(w.sent, to) // and to read_committed readers unless exactly-once
	}
	w.node.sent += k
	w.sentTotal += k
	if to == w.pos {
		if w.d.Guarantee != ExactlyOnce {
			w.node.flushed(&w.buf, now) // in place: once per record in exact mode
		}
		w.buf = writeSeg{lo: w.pos, hi: w.pos}
		if !w.periodicFlush() {
			s.eng.Disarm(w.flushTimer)
		}
	} else if head := w.buf.first(k); w.d.Guarantee != ExactlyOnce {
		w.node.flushed(&head, now)
	}
	w.sent = to
}

// sinkBarrier is writer w's part of checkpoint p's sync phase: it flushes
// (unless none) and prepares its transaction; the checkpoint keeps the
// stream's position. It reports whether the flush was refused (a send into
// a transaction the broker aborted): the writer throws
// (prepareSnapshotPreBarrier: KafkaWriter.flush, checkAsyncException), so
// the subtask does not take the checkpoint and fails (txnSent).
func (s *Simulation) sinkBarrier(w *sinkWriter, p *pendingCheckpoint) (refused bool) {
	if w.d.Guarantee != NoGuarantee {
		s.sinkFlush(w)
	}
	if w.d.Guarantee == ExactlyOnce {
		if t := w.openTxn(); t != nil && t.fenced {
			return true
		}
		s.txnPrepare(w, p.id)
	}
	sub := &p.subs[w.st.id]
	if sub.sinkAt == nil {
		sub.sinkAt = make([]int64, len(w.st.ops))
	}
	sub.sinkAt[w.slot] = w.pos
	return false
}

// restoredAt is writer w's position in checkpoint p (0 for none).
func (w *sinkWriter) restoredAt(p *pendingCheckpoint) int64 {
	if p == nil || p.subs[w.st.id].sinkAt == nil {
		return 0
	}
	return p.subs[w.st.id].sinkAt[w.slot]
}

// sinkCancelled: writer w's subtask is cancelled by failover op, which
// restores checkpoint p (nil: none). Its buffer is dropped; what it held of
// records before p's position is lost, and what it had sent after it is
// written again.
func (s *Simulation) sinkCancelled(w *sinkWriter, op int32, p *pendingCheckpoint) {
	s.eng.Disarm(w.flushTimer)
	if s.failed {
		return // FAILED: nothing is taken again; what it holds stays pending
	}
	at := w.restoredAt(p)
	w.rewind.op = op
	w.rewind.rewound += max(0, w.pos-at)
	if w.d.Guarantee == ExactlyOnce {
		return // its transactions wait for the restore (twophase.go)
	}
	exposed := max(0, w.sent-at)
	w.rewind.exposed += exposed
	w.rewind.lost += max(0, at-w.sent)
	if w.d.Upsert != nil {
		w.upsertReplayed(exposed)
	}
}

// sinkRewind is what a writer's cancellation rewound (records_sink_rewound,
// _duplicated, _lost), until a restore counts it.
type sinkRewind struct {
	op                     int32 // the failover that cancelled it
	rewound, exposed, lost int64
}

// countRewind adds what writer w's cancellation rewound to failover f, the
// one whose restore replays it (or, at the end of a run that never restored
// it, the one that cancelled it).
func countRewind(w *sinkWriter, f *result.FailureEvent) {
	r := &w.rewind
	f.SinkRewound += r.rewound
	f.SinkExposed += r.exposed
	f.SinkLost += r.lost
	*r = sinkRewind{}
}

// sinkRestored: writer w starts again from checkpoint p's position, for
// failover f.
func (s *Simulation) sinkRestored(w *sinkWriter, p *pendingCheckpoint, f *result.FailureEvent) {
	countRewind(w, f)
	at := w.restoredAt(p)
	w.pos, w.sent = at, at
	w.buf = writeSeg{lo: at, hi: at}
	if w.d.Guarantee == ExactlyOnce {
		s.txnRecover(w, p, f)
	}
	s.sinkStarted(w)
}

// sinksCheckpointCompleted: exactly-once writers commit, and positions no
// restore can reach again are settled.
func (s *Simulation) sinksCheckpointCompleted(p *pendingCheckpoint) {
	for _, w := range s.sinkWriters {
		if w.d.Guarantee == ExactlyOnce && !w.st.dead && w.st.region.state == regionRunning {
			s.txnCommitUpTo(w, p.id)
		}
		at := w.restoredAt(p)
		if w.d.Guarantee == ExactlyOnce {
			w.committed.settle(min(at, w.frontier(true)))
		}
		w.uncommitted.settle(min(at, w.frontier(false)))
	}
}

// readCommitted is the ledger of what read_committed readers saw. A sink
// that is not exactly-once makes what it sends visible to both readers at
// once, so its uncommitted ledger serves both (one ledger to keep, once
// per record in exact mode).
func (w *sinkWriter) readCommitted() *fateLedger {
	if w.d.Guarantee != ExactlyOnce {
		return &w.uncommitted
	}
	return &w.committed
}

// frontier is the position below which a view's fates are decided: the
// positions above it are buffered or in an unresolved transaction, or were
// sent into an aborted one and refused (the task fails, and they are read
// again: txnSent).
func (w *sinkWriter) frontier(committed bool) int64 {
	if w.d.Guarantee != ExactlyOnce {
		return w.sent
	}
	if !committed {
		if t := w.openTxn(); t != nil && t.fenced {
			return min(w.sent, t.refused)
		}
		return w.sent
	}
	at := w.pos
	for _, t := range w.txns {
		if !t.again { // no records of its own
			at = min(at, t.seg.lo)
		}
	}
	return at
}
