package models

import (
	"fmt"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Two-phase commit (a Sink V2 sink with DeliveryGuarantee.EXACTLY_ONCE).
// A subtask's writes go into a transaction opened by its first write after
// a barrier; the barrier prepares it (SinkWriter.prepareCommit: its
// committable is stored in the checkpoint); when a checkpoint completes,
// the committer commits every committable up to it
// (CommitterOperator.notifyCheckpointComplete), and a restarted job
// commits those of the checkpoint it restores at once
// (CommitterOperator.initializeState) and aborts the rest: their records
// are replayed. A commit ends as CommitRequestImpl says:
//
//   - committed: its records are visible to read_committed readers;
//   - failed with a known reason (KafkaCommitter: ProducerFencedException,
//     InvalidTxnStateException when the broker aborted the transaction):
//     the committable is dropped and the job goes on, its records lost;
//   - failed with an unknown reason: the task fails (a failover), and the
//     restored job commits it again;
//   - not possible while the system is down: a Kafka commit blocks (and
//     after its client's timeout is retried every second, retryLater and
//     CommitRetrier) and goes through as the brokers are back
//     (sinkSystemBackCommits), unless the outage fails the task first
//     (outages.go); a JDBC XA
//     commit fails transiently and is tried again at the next
//     notification, up to JdbcExactlyOnceOptions.maxCommitAttempts, past
//     which the job fails over (XaGroupOpsImpl.commit).
//
// Kafka's broker aborts a transaction open longer than
// transaction.timeout.ms at its next check for timed-out transactions
// (every transaction.abort.timed.out.transaction.cleanup.interval.ms,
// TransactionStateManager; while a sink-outage has the cluster down, at
// its first check after it is back). A prepared transaction aborted so is lost
// when its commit comes; an open one fences its producer, whose next send
// fails the task (KafkaWriter.checkAsyncException, txnSent), and an open
// one that gets no more records before the barrier is prepared and lost as a
// prepared one is: the broker tells the producer of the abort only in
// answer to a request (the data loss Flink's KafkaSink documentation warns
// of when transaction.timeout.ms is short). A producer asking for
// a timeout above the broker's transaction.max.timeout.ms fails in
// initTransactions, so the task fails as it starts, every time.

// txn is one sink subtask's transaction.
type txn struct {
	serial  int64    // identifies its abort check
	seg     writeSeg // its records
	epoch   int64    // the checkpoint whose barrier prepared it; 0: open
	aborted bool     // the broker aborted it
	fenced  bool     // a send into it after the abort: its producer fails
	refused int64    // fenced: the position of the first refused send
	ended   bool     // committed or aborted: it no longer holds the last stable offset
	// again: the restored checkpoint's own committable, committed before
	// the failure and committed again by the restored committer; it holds
	// no records (they are visible already, or lost). failedBefore: its
	// first commit failed with a known reason, and so does this one.
	again, failedBefore bool
}

// committerCounts are the counters of a sink subtask's committer, as
// Flink 1.19+ counts them in the committer operator's
// SinkCommitterMetricGroup (FLIP-371, FLINK-25857; CommitRequestImpl and
// SubtaskCommittableManager): total, a committable the committer received
// (the writer's, prepared at the barrier); successful, one committed
// without a signal from the Committer (CommitRequestImpl
// .setCommittedIfNoError); alreadyCommitted, one the Committer signals as
// committed before (signalAlreadyCommitted), which neither modelled
// committer does, so it stays 0; failed, one signalled failed with a known
// or an unknown reason; retried, a retryLater (here a JDBC XA commit
// refused while the database is down). A restored checkpoint's own
// committable, committed when it completed, is committed again by the
// restored committer and is not counted as received: the restored
// requests are not added (CommittableCollectorSerializer builds them;
// SubtaskCommittableManager.add counts total). That commit follows the
// rules of any other (txnCommit): with the system up it succeeds and
// counts as successful (KafkaCommitter: a second commit of a committed
// transaction raises nothing, "it does not appear on double commits"; the
// JDBC connector's XaFacade.commit of a restored XID ignores one the
// database no longer knows), so successful may exceed total; while the
// system is down it cannot happen: KafkaCommitter's resumed producer times
// out (a RetriableException: retryLater), and an XA commit fails
// transiently and is retried (XaGroupOpsImpl.commit), each counted as the
// fresh commits are. They count over the run;
// the metrics, like numRecordsSend, count each attempt's (attempt.go).
type committerCounts struct {
	total, successful, alreadyCommitted, failed, retried int64
}

// pendingCommittables is the committer's pendingCommittables gauge: the
// committables it received and has not yet committed or failed
// (CommittableCollector's pending requests, over its checkpoints). As
// FLINK-25857 first added it, CheckpointCommittableManagerImpl.commit set
// the gauge at every commit to that checkpoint's pending requests, and the
// metric group kept the first registration (a name collision, logged);
// flinksim reports the collector's count, as later releases register it.
func (w *sinkWriter) pendingCommittables() int64 {
	var n int64
	for _, t := range w.txns {
		if t.epoch != 0 {
			n++
		}
	}
	return n
}

// txnWrite puts n records of chunk c into w's open transaction, opening
// one at the first write after a barrier. (Sending into an open
// transaction the broker aborted fails the task, txnSent: those records are
// read again after the restore.)
func (s *Simulation) txnWrite(w *sinkWriter, n int64, now sim.Time, c *Chunk) {
	t := w.openTxn()
	if t == nil {
		s.txnSerial++
		t = &txn{serial: s.txnSerial, seg: writeSeg{lo: w.pos, hi: w.pos}}
		w.txns = append(w.txns, t)
		w.node.opened(t)
		if w.d.System == SystemKafka {
			s.eng.At(s.brokerAbortAt(sim.Add(now, w.d.TransactionTimeout), w.d.AbortInterval), evTxnAbort, w.st.id, t.serial)
		}
	}
	t.seg.add(n, now, c)
}

// openTxn is w's open transaction, the last, not yet prepared (nil: none).
func (w *sinkWriter) openTxn() *txn {
	if k := len(w.txns); k > 0 && w.txns[k-1].epoch == 0 {
		return w.txns[k-1]
	}
	return nil
}

// txnSent: writer w sends what it buffered into its open transaction. If
// the broker aborted that, it bumped the producer's epoch: the partition
// leaders refuse the send, no reader sees it, and the producer learns of
// the abort from the answer; the writer throws at its next write or flush
// (KafkaWriter.checkAsyncException), failing its task. It reports whether
// the send was refused.
func (s *Simulation) txnSent(w *sinkWriter) bool {
	t := w.openTxn()
	if t == nil || !t.aborted {
		return false
	}
	if !t.fenced {
		t.fenced, t.refused = true, w.sent
		s.eng.At(s.eng.Now(), evSinkFailure, w.st.id, stamp(w.st, sinkFailFenced<<8|int64(w.slot)))
	}
	return true
}

// brokerAbortAt is the broker's first check for timed-out transactions
// after a transaction times out at t; checks run every interval from a
// phase drawn once per run (the broker started before the job).
func (s *Simulation) brokerAbortAt(t, interval sim.Time) sim.Time {
	if interval <= 0 {
		return t
	}
	if s.brokerPhase < 0 {
		s.brokerPhase = sim.Time(s.streams.Stream("kafka-broker").Int64N(int64(interval)))
	}
	k := (int64(t-s.brokerPhase) + int64(interval) - 1) / int64(interval)
	return sim.Add(s.brokerPhase, sim.Time(k)*interval)
}

// txnPrepare: checkpoint id's barrier prepares w's open transaction.
func (s *Simulation) txnPrepare(w *sinkWriter, id int64) {
	if t := w.openTxn(); t != nil {
		t.epoch = id
		w.cm.total++ // the committer receives it (SubtaskCommittableManager.add)
		if s.trace != nil {
			s.tracef("%s prepares its transaction of %d records (open since %s) for checkpoint %d: its committable is in the checkpoint",
				w.st.name(), t.seg.hi-t.seg.lo, clock(t.seg.wLo), id)
		}
	}
}

// txnCommitUpTo commits w's prepared transactions of checkpoints up to id,
// in order; a JDBC XA commit that fails stops the rest
// (allowOutOfOrderCommits is false by default).
func (s *Simulation) txnCommitUpTo(w *sinkWriter, id int64) {
	for len(w.txns) > 0 {
		t := w.txns[0]
		if t.epoch == 0 || t.epoch > id {
			return
		}
		if !s.txnCommit(w, t) {
			if w.d.System != SystemJDBC && s.sinkSystemDown() { // blocked, as txnCommit has it
				w.blockedUpTo = max(w.blockedUpTo, id) // committed when the brokers are back
			}
			return
		}
	}
}

// sinkSystemBackCommits: the sink's system is back. A Kafka commit that
// blocked while it was down returns as the brokers answer again
// (KafkaProducer.commitTransaction; after its max.block.ms the committer
// retries it every second, CommitRetrier.RETRY_DELAY): the writers commit
// what they were committing, at once here, unless their task failed
// meanwhile (a restored one commits at its restore).
func (s *Simulation) sinkSystemBackCommits() {
	for _, w := range s.sinkWriters {
		if id := w.blockedUpTo; id > 0 && !w.st.dead && w.st.region.state == regionRunning {
			w.blockedUpTo = 0
			s.txnCommitUpTo(w, id)
		}
	}
}

// txnCommit commits w's oldest transaction t and reports whether it is
// resolved (committed, or dropped with a known reason).
func (s *Simulation) txnCommit(w *sinkWriter, t *txn) bool {
	st, n := w.st, w.node
	now := s.eng.Now()
	if i := s.commitFailure(n, t.epoch); i >= 0 {
		s.injected[i].Due++
		s.injected[i].TookEffect++
		w.cm.failed++
		if s.spec.Failures[i].KnownReason {
			s.txnDropped(w, t)
			return true
		}
		s.eng.At(now, evSinkFailure, st.id, stamp(st, sinkFailCommitUnknown<<8|int64(w.slot)))
		return false
	}
	if t.aborted {
		w.cm.failed++
		if s.trace != nil {
			s.tracef("%s cannot commit checkpoint %d's transaction: the broker aborted it (ProducerFencedException, a known reason): the committable is dropped, its %d records lost, and the job goes on",
				st.name(), t.epoch, t.seg.hi-t.seg.lo)
		}
		s.txnDropped(w, t)
		return true
	}
	if s.sinkSystemDown() {
		if w.d.System != SystemJDBC {
			return false // blocked until the client times out; the outage fails the task
		}
		w.attempts++
		w.cm.retried++
		if w.attempts >= w.d.MaxCommitAttempts {
			w.cm.failed++
			s.eng.At(now, evSinkFailure, st.id, stamp(st, sinkFailCommitAttempts<<8|int64(w.slot)))
		}
		return false
	}
	if t.again {
		s.txnCommitAgain(w, t)
		return true
	}
	w.cm.successful++
	if s.trace != nil {
		s.tracef("%s commits checkpoint %d's transaction: %d records visible to read_committed readers, %s after its first write",
			st.name(), t.epoch, t.seg.hi-t.seg.lo, durText(now-t.seg.wLo))
	}
	w.attempts = 0
	w.lastCommitted = t.epoch
	w.txns = w.txns[1:]
	w.committed.add(t.seg.lo, t.seg.hi)
	n.committed(t, now)
	return true
}

// txnCommitAgain is the restored committer's second commit of the
// restored checkpoint's own committable: committed before the failure,
// it succeeds and changes nothing (KafkaCommitter: a second commit raises
// nothing); failed with a known reason before (the broker aborted it), it
// fails so again (ProducerFencedException): counted failed, with no
// records lost twice.
func (s *Simulation) txnCommitAgain(w *sinkWriter, t *txn) {
	if t.failedBefore {
		w.cm.failed++
	} else {
		w.cm.successful++
	}
	if s.trace != nil {
		what := "succeeds: committed before the failure, it changes nothing"
		if t.failedBefore {
			what = "fails again with a known reason, as before the failure: its records were lost then"
		}
		s.tracef("%s commits checkpoint %d's restored transaction again: it %s", w.st.name(), t.epoch, what)
	}
	w.attempts = 0
	w.txns = w.txns[1:]
}

// txnDropped: w's transaction t failed with a known reason; its records
// are lost.
func (s *Simulation) txnDropped(w *sinkWriter, t *txn) {
	if !t.again {
		w.lastDropped = t.epoch
	}
	w.txns = w.txns[1:]
	w.attempts = 0
	w.node.cm.LostRecords += t.seg.hi - t.seg.lo
	w.node.resolved(t, s.eng.Now())
}

// txnRecover: writer w starts from checkpoint p (nil: none) for failover
// f. Every transaction of the failed attempt that p does not hold is
// aborted (KafkaSink's abortLingeringTransactions, an XA rollback): its
// records are read again. The committables p holds are committed at once
// (CommitterOperator.initializeState), in order, p's own first when it was
// committed or dropped before the failure (again, txnCommitAgain); one
// that cannot be committed yet (its system is down) stays with those
// after it: a Kafka one goes through when the brokers are back
// (sinkSystemBackCommits), an XA one at the next checkpoint's
// notification.
func (s *Simulation) txnRecover(w *sinkWriter, p *pendingCheckpoint, f *result.FailureEvent) {
	now := s.eng.Now()
	lost := w.node.cm.LostRecords
	defer func() { f.SinkLost += w.node.cm.LostRecords - lost }()
	w.blockedUpTo = 0 // the restored committer commits what it restores
	held := make([]*txn, 0, len(w.txns)+1)
	if p != nil && (w.lastCommitted == p.id || w.lastDropped == p.id) && (len(w.txns) == 0 || !w.txns[0].again) {
		// The checkpoint holds its committable, committed (or dropped) when
		// it completed: the restored committer commits it again
		// (committerCounts), unless an earlier restore of it is still
		// trying to.
		held = append(held, &txn{epoch: p.id, ended: true, again: true, failedBefore: w.lastDropped == p.id})
	}
	for _, t := range w.txns {
		if p != nil && t.epoch != 0 && t.epoch <= p.id {
			held = append(held, t)
			continue
		}
		if s.trace != nil && !t.ended {
			s.tracef("%s aborts the failed attempt's transaction of %d records: they are read again", w.st.name(), t.seg.hi-t.seg.lo)
		}
		w.node.resolved(t, now)
	}
	w.txns = held
	// XA commit attempts start again from the restored state's count; the
	// committable's first try comes now.
	w.attempts = 0
	if p != nil {
		s.txnCommitUpTo(w, p.id)
	}
}

// txnAbort is the broker's check finding transaction serial of subtask st
// past its timeout: it aborts it.
func (s *Simulation) txnAbort(st *subtask, serial int64) {
	for _, w := range st.sinks {
		for _, t := range w.txns {
			if t.serial != serial || t.aborted {
				continue
			}
			if back := s.sinkSystemBack(); back > s.eng.Now() {
				// The cluster is down, its transaction coordinator too: the
				// check comes at the first after it is back.
				s.eng.At(s.brokerAbortAt(back, w.d.AbortInterval), evTxnAbort, st.id, serial)
				return
			}
			t.aborted = true
			w.node.cm.AbortedByBroker++
			if s.trace != nil {
				which := fmt.Sprintf("transaction of checkpoint %d", t.epoch)
				if t.epoch == 0 {
					which = "open transaction"
				}
				s.tracef("the Kafka broker aborts %s's %s (%d records): open since %s, past transaction.timeout.ms %s%s",
					st.name(), which, t.seg.hi-t.seg.lo, clock(t.seg.wLo), kafkaMs(w.d.TransactionTimeout), learns(t.epoch))
			}
			// The producer does not know yet: the broker tells it only in
			// answer to its next request. An open transaction fails the
			// task at its next send (txnSent); one the writer sends
			// nothing more into is prepared at the barrier, and its commit
			// fails with ProducerFencedException, a known reason: its
			// records are lost and the job goes on (txnCommit).
			w.node.resolved(t, s.eng.Now())
			return
		}
	}
}

// learns says when a producer whose transaction the broker aborted learns
// of it: an open one's at its next send.
func learns(epoch int64) string {
	if epoch != 0 {
		return ""
	}
	return "; its producer learns of it only in answer to its next send"
}

// Why a sink task fails (evSinkFailure's stamped argument).
const (
	sinkFailTimeout        = iota // transaction.timeout.ms above the broker's maximum
	sinkFailFenced                // its open transaction was aborted
	sinkFailCommitUnknown         // a commit failed with an unknown reason
	sinkFailCommitAttempts        // XA commits failed maxCommitAttempts times
)

// sinkStarted: a Kafka exactly-once writer asks the broker for its
// transaction timeout as it starts.
func (s *Simulation) sinkStarted(w *sinkWriter) {
	d := w.d
	if w.periodicFlush() {
		s.armSinkFlush(w) // JdbcOutputFormat.open starts its flush scheduler
	}
	w.refused = d.Guarantee == ExactlyOnce && d.System == SystemKafka && d.TransactionTimeout > d.BrokerMaxTimeout
	if w.refused {
		w.st.refusesStart = true // from the configuration: the same on every start
		s.eng.At(s.eng.Now(), evSinkFailure, w.st.id, stamp(w.st, sinkFailTimeout<<8|int64(w.slot)))
	}
}

// refusedToStart reports whether a writer of st fails as it initializes,
// before the task processes anything (asked at every step, so kept as a
// flag).
func refusedToStart(st *subtask) bool { return st.refusesStart }

// sinkFailure fails sink subtask st for a reason and its writer (arg:
// stamped code<<8 | slot), if it still runs the attempt the failure was
// for.
func (s *Simulation) sinkFailure(st *subtask, arg int64) {
	v, ok := current(st, arg)
	if !ok || st.dead || st.region.state != regionRunning {
		return
	}
	code, d := v>>8, st.ops[v&0xff].sw.d
	var reason, cause string
	switch code {
	case sinkFailTimeout:
		reason = fmt.Sprintf("%s: org.apache.kafka.common.KafkaException: Unexpected error in InitProducerIdResponse; The transaction timeout is larger "+
			"than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms). (transaction.timeout.ms %s, the broker's transaction.max.timeout.ms %s)",
			st.name(), kafkaMs(d.TransactionTimeout), kafkaMs(d.BrokerMaxTimeout))
		cause = CauseTransaction
	case sinkFailFenced:
		reason = fmt.Sprintf("%s: java.io.IOException: One or more Kafka Producer send requests have encountered exception "+
			"(its transaction was open longer than transaction.timeout.ms %s and the broker aborted it)", st.name(), kafkaMs(d.TransactionTimeout))
		cause = CauseTransaction
	case sinkFailCommitUnknown:
		reason = st.name() + ": java.lang.IllegalStateException: Failed to commit a committable (an unknown reason)"
		cause = CauseCommit
	default:
		reason = fmt.Sprintf("%s: java.lang.RuntimeException: reached max number of commit attempts (%d) for transactions", st.name(), d.MaxCommitAttempts)
		cause = CauseCommit
	}
	s.failover(reason, cause, s.eng.Now(), []*subtask{st})
}

// sinkSystemDown reports whether a sink-outage is in progress (one is
// when sinkSystemBack has an end: an outage lasts more than 0s).
func (s *Simulation) sinkSystemDown() bool { return s.sinkSystemBack() > 0 }

// sinkSystemBack is when the sink outages in progress end (0: none is).
func (s *Simulation) sinkSystemBack() sim.Time {
	var back sim.Time
	for i, on := range s.outageOn {
		if f := s.spec.Failures[i]; on && f.Kind == FailSinkOutage {
			back = max(back, sim.Add(f.At, f.For))
		}
	}
	return back
}

// commitFailure is the index of an injected commit failure of sink node n's
// transactions of checkpoint epoch not yet taken effect, or -1.
func (s *Simulation) commitFailure(n *sinkNode, epoch int64) int {
	for i, f := range s.spec.Failures {
		if f.Kind == FailCommit && f.Operator == n.rt.spec.Name && f.Checkpoint == epoch && s.injected[i].TookEffect == 0 {
			return i
		}
	}
	return -1
}
