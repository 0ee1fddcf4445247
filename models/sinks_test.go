package models

import (
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// sinkJob is a source chained to a sink, 2 subtasks on 2 TaskManagers (one
// slot each), checkpointing every 10 s; d is the sink's delivery.
func sinkJob(d Delivery, rate float64) Spec {
	return Spec{
		Name: "sinks", Seed: 3, Duration: 150 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 100, ChunkDelay: 10 * sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: 100,
				Kafka: &Kafka{Topic: "t", Partitions: 2, Rate: ConstantRate(rate)}},
			{Name: "out", Kind: KindSink, Parallelism: 2, Chain: true, RecordSize: 100, Sink: &Sink{Delivery: d},
				Inputs: []Input{{From: "src", Exchange: Forward}}},
		},
		Checkpointing: &Checkpointing{Interval: 10 * sim.Second, Timeout: 10 * sim.Minute, MaxConcurrent: 1,
			Storage: Storage{StreamUpload: 100 << 20, StreamDownload: 100 << 20, FileSize: 1 << 40, TransferThreads: 1}},
		Restart:  RestartStrategy{Kind: "fixed-delay", Delay: sim.Second, Attempts: 10},
		Recovery: Recovery{HeartbeatTimeout: 20 * sim.Second, Redeploy: sim.Second, TaskManagerStart: 5 * sim.Second},
	}
}

// keyedSinkJob is sinkJob with a keyed operator (100 keys of perKey bytes)
// before the sink, chained to it.
func keyedSinkJob(d Delivery, rate float64, perKey int64) Spec {
	spec := sinkJob(d, rate)
	spec.Nodes = append(spec.Nodes[:1], Node{Name: "agg", Kind: KindOperator, Parallelism: 2, MaxParallelism: 128, Chain: true, RecordSize: 100,
		Selectivity: 1, Inputs: []Input{{From: "src", Exchange: Hash}}, Keyed: &Keyed{Keys: UniformKeys{N: 100}, StatePerKey: perKey, Warm: true}},
		spec.Nodes[1])
	spec.Nodes[2].Inputs = []Input{{From: "agg", Exchange: Forward}}
	return spec
}

// kafkaEOS is an exactly-once KafkaSink with transaction timeout tt and the
// broker's defaults.
func kafkaEOS(tt sim.Time) Delivery {
	return Delivery{Guarantee: ExactlyOnce, System: SystemKafka, BatchSize: 1, TransactionTimeout: tt,
		BrokerMaxTimeout: 15 * sim.Minute, AbortInterval: 10 * sim.Second}
}

// keepCheckpoints runs spec and returns, besides the result, every
// checkpoint the run triggered (their snapshots hold each writer's
// position at its barrier).
func keepCheckpoints(t *testing.T, spec Spec) (*Simulation, *result.Result, map[int64]*pendingCheckpoint) {
	t.Helper()
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	ps := map[int64]*pendingCheckpoint{}
	s.SetTrace(func(sim.Time, string) {
		for _, p := range s.coord.pending {
			ps[p.id] = p
		}
	})
	res, err := s.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, res, ps
}

func sinkOf(t *testing.T, res *result.Result) result.SinkSummary {
	t.Helper()
	if len(res.Summary.Sinks) != 1 {
		t.Fatalf("sinks %+v, want one", res.Summary.Sinks)
	}
	return res.Summary.Sinks[0]
}

// TestDuplicatesAreRecordsWrittenSinceTheCheckpoint: a TaskManager dies
// (noticed at once); its region restores the last completed checkpoint,
// and its source reads again from the checkpoint's offsets. In a source
// chained to its sink, every record read was written except those of the
// step in progress when it died, so the records a reader sees twice are
// exactly those replayed less those dropped with the step: an at-least-once
// writer sent them all, an exactly-once one committed none (a reader of
// uncommitted data saw them twice all the same).
func TestDuplicatesAreRecordsWrittenSinceTheCheckpoint(t *testing.T) {
	for _, c := range []struct {
		name string
		d    Delivery
	}{
		{"at-least-once", Delivery{Guarantee: AtLeastOnce}},
		{"none, unbuffered", Delivery{Guarantee: NoGuarantee}},
		{"exactly-once", kafkaEOS(15 * sim.Minute)},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := sinkJob(c.d, 2000)
			spec.Failures = []Failure{{Kind: FailTaskManager, At: 73*sim.Second + 3*sim.Millisecond, TaskManager: 1}}
			s, res := runWith(t, spec)
			var written int64
			for _, st := range s.subtasks {
				written -= st.discarded
			}
			for _, f := range s.failovers() {
				written += f.Replayed
			}
			if written <= 0 {
				t.Fatalf("nothing written since the checkpoint (replayed %d)", s.replayed)
			}
			k := sinkOf(t, res)
			want := written
			if c.d.Guarantee == ExactlyOnce {
				want = 0
			}
			if got := k.ReadCommitted.ExtraCopies; got != want || k.ReadCommitted.MoreThanOnce != want || res.Summary.Restarts.Duplicated != want {
				t.Errorf("read_committed saw %d extra copies (%d records more than once, restarts %d), want %d",
					got, k.ReadCommitted.MoreThanOnce, res.Summary.Restarts.Duplicated, want)
			}
			if got := k.ReadUncommitted.ExtraCopies; got != written {
				t.Errorf("a reader of uncommitted data saw %d extra copies, want %d", got, written)
			}
			if k.ReadCommitted.Lost != 0 || k.ReadUncommitted.Lost != 0 {
				t.Errorf("lost %d / %d, want none", k.ReadCommitted.Lost, k.ReadUncommitted.Lost)
			}
			f := res.Summary.Restarts.Failovers[0]
			if f.SinkRewound != written || f.SinkExposed != want {
				t.Errorf("failover: sinks rewound %d, duplicated %d; want %d, %d", f.SinkRewound, f.SinkExposed, written, want)
			}
		})
	}
}

// lossAfterCheckpoint loses TaskManager 1 as checkpoint 5 completes (the
// JobManager has finalized it; no task has committed), noticed after
// heartbeat.timeout.
var lossAfterCheckpoint = Failure{Kind: FailTaskManager, OnCheckpoint: true, AtCheckpoint: 5, TaskManager: 1, Detection: DetectHang}

// TestTwoPhaseCommitRecoveryWithinTimeout: the transactions the lost
// TaskManager's subtask prepared for checkpoint 5 are committed by the
// restored job (CommitterOperator.initializeState), well within the
// 15-minute timeout: no record is seen twice or lost by a read_committed
// reader.
func TestTwoPhaseCommitRecoveryWithinTimeout(t *testing.T) {
	spec := sinkJob(kafkaEOS(15*sim.Minute), 2000)
	spec.Failures = []Failure{lossAfterCheckpoint}
	_, res := runWith(t, spec)
	k := sinkOf(t, res)
	if c := k.ReadCommitted; c.ExtraCopies != 0 || c.Lost != 0 || c.Once == 0 {
		t.Errorf("read_committed %+v, want every record once", c)
	}
	m := k.Committables
	if m.Failed != 0 || m.AbortedByBroker != 0 || m.Successful != m.Total-m.Pending {
		t.Errorf("committables %+v, want every prepared one committed", m)
	}
	if res.Summary.Restarts == nil || res.Summary.Restarts.Restarts != 1 {
		t.Fatalf("restarts %+v, want one", res.Summary.Restarts)
	}
}

// TestTwoPhaseCommitPastTimeoutLosesTransactions: with a 30 s transaction
// timeout, the dead subtask's transaction of checkpoint 5 (open from its
// barrier of checkpoint 4) is older than that by the time the restored job
// commits it: heartbeat.timeout alone is 20 s after an interval of 10 s.
// The broker aborted it; the commit fails with a known reason and its
// records are lost: exactly the records the subtask wrote between the
// barriers of checkpoints 4 and 5. The full failover strategy restarts the
// other subtask too: under the region strategy it would run on, its
// transaction of the aborted checkpoint 6 waiting for the first checkpoint
// after the restore, and lost as well when that comes more than the
// timeout after checkpoint 5's barrier.
func TestTwoPhaseCommitPastTimeoutLosesTransactions(t *testing.T) {
	spec := sinkJob(kafkaEOS(30*sim.Second), 2000)
	spec.Failures = []Failure{lossAfterCheckpoint}
	spec.Recovery.FailoverStrategy = FailoverFull
	s, res, ps := keepCheckpoints(t, spec)
	var want int64
	for _, w := range s.sinkWriters {
		if w.st.tm == 1 {
			want += w.restoredAt(ps[5]) - w.restoredAt(ps[4])
		}
	}
	k := sinkOf(t, res)
	if want <= 0 || k.ReadCommitted.Lost != want || k.Committables.LostRecords != want {
		t.Errorf("lost %d (in aborted transactions %d), want the %d records between the barriers", k.ReadCommitted.Lost, k.Committables.LostRecords, want)
	}
	if k.Committables.Failed != 1 || k.ReadCommitted.ExtraCopies != 0 {
		t.Errorf("committables %+v, extra copies %d: want one failed commit, no duplicate", k.Committables, k.ReadCommitted.ExtraCopies)
	}
	if r := res.Summary.Restarts; r == nil || r.Restarts != 1 {
		t.Errorf("restarts %+v: a known reason must not fail the job over again", r)
	}
}

// TestTwoPhaseCommitVisibility: without failures a record is visible once
// the first checkpoint whose barrier follows it completes. Records arrive
// evenly, so they wait half an interval for the barrier on average and a
// whole one at most, then the checkpoint's time to completion (here
// mostly the JobManager writing its metadata, 1.5 s, after the last
// acknowledgement: in the completion, not in Flink's end-to-end duration).
func TestTwoPhaseCommitVisibility(t *testing.T) {
	spec := sinkJob(Delivery{Guarantee: ExactlyOnce, BatchSize: 1}, 2000)
	spec.Checkpointing.Storage.RequestLatency = 1500 * sim.Millisecond
	_, res := runWith(t, spec)
	k := sinkOf(t, res)
	c := spec.Checkpointing.Interval.Seconds()
	var sum, lo, hi float64
	n := 0
	lo = math.Inf(1)
	for _, h := range res.Checkpoints {
		if h.Status == "COMPLETED" {
			d := (h.Completed - h.Trigger).Seconds()
			sum, lo, hi, n = sum+d, min(lo, d), max(hi, d), n+1
		}
	}
	if n < 10 {
		t.Fatalf("%d checkpoints completed", n)
	}
	// A step's records wait together: a chunk's delay of spread.
	slack := 2 * spec.Sim.ChunkDelay.Seconds()
	if got, want := k.CommitLatency.Mean, c/2+sum/float64(n); math.Abs(got-want) > 0.02*c+slack {
		t.Errorf("mean commit latency %.3fs, want interval/2 + mean duration = %.3fs", got, want)
	}
	// The histogram keeps a transaction's records as eight points, the
	// last at 1/16 of its spread (an interval) from the oldest.
	if got := k.CommitLatency.Max; got < c*15/16+lo-slack || got > c+hi+slack {
		t.Errorf("max commit latency %.3fs, want interval + a checkpoint's duration, in [%.3f, %.3f]", got, c*15/16+lo, c+hi)
	}
	if k.ReadCommitted.Pending <= 0 {
		t.Errorf("nothing pending at the end: the open transaction is not committed yet")
	}
}

// TestKafkaTimeoutAboveBrokerMaximum: KafkaSink's default
// transaction.timeout.ms (1 h) against the broker's
// transaction.max.timeout.ms (15 min): each producer fails in
// initTransactions as its task starts, every restart, until the restart
// strategy gives up. Nothing is written. The reason gives both settings as
// Kafka's configuration holds them, in ms, and in the CLI's units (not
// "1h0m").
func TestKafkaTimeoutAboveBrokerMaximum(t *testing.T) {
	spec := sinkJob(kafkaEOS(sim.Hour), 2000)
	_, res := runWith(t, spec)
	r := res.Summary.Restarts
	// Each region's failure is a restart.
	if r == nil || !r.JobFailed || r.Restarts != spec.Restart.Attempts {
		t.Fatalf("restarts %+v, want the job FAILED after %d restarts", r, spec.Restart.Attempts)
	}
	for _, f := range r.Failovers {
		if f.Cause != CauseTransaction || !strings.Contains(f.Reason, "The transaction timeout is larger than the maximum value allowed by the broker") ||
			!strings.HasSuffix(f.Reason, "(transaction.timeout.ms 3600000 (1h), the broker's transaction.max.timeout.ms 900000 (15m))") {
			t.Errorf("failover %s: %s", f.Cause, f.Reason)
		}
	}
	if k := sinkOf(t, res); k.ReadCommitted.Once != 0 || k.Sent != 0 {
		t.Errorf("%+v: want nothing written", k)
	}
}

// TestNoneLosesBufferedRecords: a writer without a flush at barriers sends
// only full batches of B records; records it still buffers when it dies,
// of those before the restored checkpoint's position P, are lost: with
// the stream's end at E when it died, the batches sent end at B⌊E/B⌋, so
// max(0, P − B⌊E/B⌋) are lost. Record by record, so batches end exactly
// at multiples of B.
func TestNoneLosesBufferedRecords(t *testing.T) {
	const batch = 500
	spec := sinkJob(Delivery{Guarantee: NoGuarantee, BatchSize: batch}, 100)
	spec.Sim.ChunkRecords = 1
	spec.Failures = []Failure{{Kind: FailTaskManager, OnCheckpoint: true, AtCheckpoint: 5, TaskManager: 1}}
	s, res, ps := keepCheckpoints(t, spec)
	f := res.Summary.Restarts.Failovers[0]
	var want int64
	for _, w := range s.sinkWriters {
		if w.st.tm == 1 {
			p := w.restoredAt(ps[5])
			end := p + f.SinkRewound
			want += max(0, p-batch*(end/batch))
		}
	}
	k := sinkOf(t, res)
	if want == 0 {
		t.Fatalf("the test needs a buffer holding records before the checkpoint (rewound %d)", f.SinkRewound)
	}
	if k.ReadCommitted.Lost != want || f.SinkLost != want {
		t.Errorf("lost %d (failover: %d), want %d", k.ReadCommitted.Lost, f.SinkLost, want)
	}
}

// TestFullBatchesOnly: a writer that sends only full batches of B records
// (no flush at barriers, no batch-interval) sends B at a time even when a
// step's chunk crosses a batch's end, as JdbcOutputFormat.writeRecord
// flushes record by record when batchCount reaches batchSize: every
// writer's numRecordsSend is a multiple of B, and it holds fewer than B.
// Chunks of 300 records against batches of 500 cross them every other
// step (a break-tester's sink sent 15159 at once).
func TestFullBatchesOnly(t *testing.T) {
	const batch = 500
	spec := sinkJob(Delivery{Guarantee: NoGuarantee, BatchSize: batch}, 3000)
	spec.Sim.ChunkRecords = 300
	spec.Checkpointing = nil
	s, res := runWith(t, spec)
	for _, w := range s.sinkWriters {
		if w.sentTotal == 0 || w.sentTotal%batch != 0 || w.pos-w.sent >= batch || w.pos-w.sent < 0 {
			t.Errorf("subtask %d: sent %d, holds %d; want whole batches of %d and less than one held", w.st.index, w.sentTotal, w.pos-w.sent, batch)
		}
	}
	if k := sinkOf(t, res); k.Sent%batch != 0 || k.ReadCommitted.Pending >= 2*batch {
		t.Errorf("sink sent %d, %d pending; want whole batches of %d, less than one per writer pending", k.Sent, k.ReadCommitted.Pending, batch)
	}
}

// TestJDBCFlushesEveryInterval: a JDBC writer with batchIntervalMs flushes
// what it holds every interval from its start (JdbcOutputFormat.open's
// scheduleWithFixedDelay), not an interval after a batch's first record:
// at half a record a second per writer against a 1 s interval, a record
// waits for the next tick, uniform over the interval, 0.5 s on average
// (after the first record, as a Kafka producer's linger.ms would have it,
// about 0.9 s). Tolerance: 4 standard errors of a uniform mean over the
// records written, 0.29/sqrt(n).
func TestJDBCFlushesEveryInterval(t *testing.T) {
	spec := sinkJob(Delivery{Guarantee: AtLeastOnce, System: SystemJDBC, BatchSize: 5000, BatchInterval: sim.Second}, 0.5)
	spec.Duration = 1200 * sim.Second
	spec.Checkpointing = nil
	spec.Nodes[0].Kafka.Poisson = true // arrivals at any phase of the ticks
	res := runSpec(t, spec)
	k := sinkOf(t, res)
	n := float64(k.ReadCommitted.Once)
	if n < 300 {
		t.Fatalf("%g records visible; the test needs a few hundred", n)
	}
	if got, tol := k.CommitLatency.Mean, 4*0.29/math.Sqrt(n); math.Abs(got-0.5) > tol {
		t.Errorf("mean wait for a flush %.3f s over %g records, want 0.5 ± %.3f", got, n, tol)
	}
	if k.CommitLatency.Max > 1 {
		t.Errorf("a record waited %.3f s, more than the interval", k.CommitLatency.Max)
	}
}

// TestCommitFailures: a commit failing with a known reason drops its
// committable, its records lost, and the job goes on; with an unknown one
// the task fails, and the restored job commits it again: nothing lost.
func TestCommitFailures(t *testing.T) {
	for _, known := range []bool{true, false} {
		spec := sinkJob(Delivery{Guarantee: ExactlyOnce, BatchSize: 1}, 2000)
		spec.Failures = []Failure{{Kind: FailCommit, Operator: "out", Checkpoint: 3, KnownReason: known}}
		s, res, ps := keepCheckpoints(t, spec)
		k := sinkOf(t, res)
		if !known {
			r := res.Summary.Restarts
			if r == nil || r.Restarts != 1 || r.Failovers[0].Cause != CauseCommit || k.ReadCommitted.Lost != 0 || k.ReadCommitted.ExtraCopies != 0 {
				t.Errorf("unknown reason: restarts %+v, read_committed %+v: want one failover, nothing lost or seen twice", r, k.ReadCommitted)
			}
			continue
		}
		// The first subtask to commit checkpoint 3 is subtask 0.
		w := s.sinkWriters[0]
		want := w.restoredAt(ps[3]) - w.restoredAt(ps[2])
		if res.Summary.Restarts != nil || k.ReadCommitted.Lost != want || k.Committables.Failed != 1 {
			t.Errorf("known reason: restarts %+v, lost %d, committables %+v: want no failover and %d lost", res.Summary.Restarts, k.ReadCommitted.Lost, k.Committables, want)
		}
	}
}

// TestReadCommittedWaitsForOlderTransactions: Kafka's last stable offset.
// Transaction 2 began (12 s) after transaction 1 (10 s) and commits first
// (40 s): a read_committed reader sees none of it until transaction 1
// commits (50 s), then both.
func TestReadCommittedWaitsForOlderTransactions(t *testing.T) {
	n := newSinkNode(&nodeRT{spec: &Node{}}, &Delivery{System: SystemKafka})
	t1 := &txn{seg: writeSeg{lo: 0, hi: 100, wLo: 10 * sim.Second, wHi: 20 * sim.Second}}
	t2 := &txn{seg: writeSeg{lo: 0, hi: 100, wLo: 12 * sim.Second, wHi: 30 * sim.Second}}
	n.opened(t1)
	n.opened(t2)
	n.committed(t2, 40*sim.Second)
	if c := n.commitLat.Count(); c != 0 {
		t.Fatalf("%v records visible while an older transaction is open", c)
	}
	n.committed(t1, 50*sim.Second)
	// t1 waited 30..40 s, t2 20..38 s: means 35 and 29.
	if c, m := n.commitLat.Count(), n.commitLat.Mean(); c != 200 || math.Abs(m-32) > 1e-9 {
		t.Errorf("%v records visible, mean latency %v; want 200 and 32 s", c, m)
	}
	if n.cm.OpenMaxS != 40 {
		t.Errorf("longest open transaction %v s, want 40", n.cm.OpenMaxS)
	}
}

// TestUpsertReplayAgainstSampling: v records written again over K equally
// likely rows touch K(1−(1−1/K)^v) rows, of which those written at least
// twice go back to an older version; the closed forms against draws.
func TestUpsertReplayAgainstSampling(t *testing.T) {
	const k, v, trials = 1000, 1500, 2000
	rng := rand.New(rand.NewPCG(7, 8))
	var touched, twice float64
	seen := make([]int, k)
	for range trials {
		clear(seen)
		for range v {
			seen[rng.IntN(k)]++
		}
		for _, c := range seen {
			if c > 0 {
				touched++
			}
			if c > 1 {
				twice++
			}
		}
	}
	d := &Delivery{Upsert: &Upsert{Keys: k}}
	w := &sinkWriter{d: d, node: newSinkNode(&nodeRT{spec: &Node{Parallelism: 1}}, d)}
	w.upsertReplayed(v)
	diverged, regressed := k*-math.Expm1(w.upsertUntouched), k*-math.Expm1(w.upsertKept)
	// Each mean over trials: its standard error is below √(k/trials).
	tol := 4 * math.Sqrt(k/float64(trials))
	if got := touched / trials; math.Abs(got-diverged) > tol {
		t.Errorf("rows touched: sampled %.1f, closed form %.1f", got, diverged)
	}
	if got := twice / trials; math.Abs(got-regressed) > tol {
		t.Errorf("rows written twice: sampled %.1f, closed form %.1f", got, regressed)
	}
}

// TestSlowCheckpointPastTimeoutLosesPreparedTransactions: the checkpoint
// storage stops for 25 s just after a checkpoint starts, so it completes
// 25 s late (its keyed state uploads then). Its prepared transactions,
// open since the barrier before (10 s earlier), are then past the 30 s
// transaction timeout: the broker has aborted them (it checks every
// millisecond here) and their commits fail with a known reason. The
// transactions opened at its barrier are 25 s old, within the timeout:
// nothing fails, and the job runs on without those records.
func TestSlowCheckpointPastTimeoutLosesPreparedTransactions(t *testing.T) {
	d := kafkaEOS(30 * sim.Second)
	d.AbortInterval = sim.Millisecond
	// A keyed operator with 100 MiB of state before the sink: its uploads
	// wait for the storage.
	spec := keyedSinkJob(d, 2000, 1<<20)
	// Checkpoint 6 is triggered at 56.244 s with this seed.
	spec.Failures = []Failure{{Kind: FailStorageOutage, At: 56*sim.Second + 500*sim.Millisecond, For: 25 * sim.Second}}
	s, res, ps := keepCheckpoints(t, spec)
	var stuck int64
	for i, h := range res.Checkpoints {
		if h.Status == "COMPLETED" && h.Duration > 20*sim.Second {
			stuck = h.ID
			if life := h.Completed - res.Checkpoints[i-1].Trigger; life <= d.TransactionTimeout || h.Duration >= d.TransactionTimeout {
				t.Fatalf("checkpoint %d took %s, its prepared transactions lived %s: the test needs them past the %s timeout, and not the next ones",
					h.ID, h.Duration, life, d.TransactionTimeout)
			}
		}
	}
	if stuck == 0 {
		t.Fatal("no checkpoint waited for the storage")
	}
	var want int64
	for _, w := range s.sinkWriters {
		want += w.restoredAt(ps[stuck]) - w.restoredAt(ps[stuck-1])
	}
	k := sinkOf(t, res)
	if res.Summary.Restarts != nil || k.ReadCommitted.Lost != want || k.Committables.AbortedByBroker != 2 {
		t.Errorf("restarts %+v, lost %d, committables %+v: want no failover, checkpoint %d's %d records lost", res.Summary.Restarts,
			k.ReadCommitted.Lost, k.Committables, stuck, want)
	}
}

// TestIdleOpenTransactionAbortedIsLostWithoutFailover: the writers get a
// 5 s burst, then nothing. The broker aborts their open transactions 20 s
// after their first write (checking every second), before the first
// barrier. The producers learn of it only in answer to a request, and they
// send nothing more: nothing fails. The barrier prepares the transactions,
// their commits fail with ProducerFencedException (a known reason), and
// every record of the burst is lost while the job runs on, as Flink's
// KafkaSink documentation warns for a transaction timeout shorter than the
// time to the commit.
func TestIdleOpenTransactionAbortedIsLostWithoutFailover(t *testing.T) {
	d := kafkaEOS(20 * sim.Second)
	d.AbortInterval = sim.Second
	spec := sinkJob(d, 0)
	spec.Nodes[0].Kafka.Rate = Piecewise{Points: []Point{{0, 2000}, {5 * sim.Second, 0}}}
	spec.Checkpointing.Interval = 60 * sim.Second
	_, res := runWith(t, spec)
	if len(res.Checkpoints) == 0 || res.Checkpoints[0].Trigger < 26*sim.Second {
		t.Fatalf("checkpoints %+v: the test needs the first after the abort (26 s at the latest)", res.Checkpoints)
	}
	k := sinkOf(t, res)
	c := k.Committables
	if res.Summary.Restarts != nil || k.Taken == 0 || k.ReadCommitted.Lost != k.Taken || c.AbortedByBroker != 2 || c.Failed != 2 || c.Successful != 0 {
		t.Errorf("restarts %+v, taken %d, lost %d, committables %+v: want no failover and every record lost, both commits failed",
			res.Summary.Restarts, k.Taken, k.ReadCommitted.Lost, c)
	}
}

// TestSendIntoAbortedTransactionIsRefused: the writers send all the time,
// and their open transactions outlive the 20 s timeout before the next
// barrier (60 s). The broker aborts each; the writer's next send is
// refused (its producer's epoch is stale) and fails the task, which reads
// the transaction's records again. A reader of uncommitted data saw each
// aborted transaction's records when they were sent, and sees them again
// after the restore: its extra copies are exactly those records, the
// refused send's adding none.
func TestSendIntoAbortedTransactionIsRefused(t *testing.T) {
	d := kafkaEOS(20 * sim.Second)
	d.AbortInterval = sim.Second
	spec := sinkJob(d, 2000)
	spec.Checkpointing.Interval = 60 * sim.Second
	spec.Restart.Attempts = 1000 // every abort's records are read again
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	aborted := regexp.MustCompile(`aborts .*'s open transaction \((\d+) records\)`)
	var inAborted int64
	s.SetTrace(func(_ sim.Time, line string) {
		if m := aborted.FindStringSubmatch(line); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			inAborted += n
		}
	})
	res, err := s.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	k := sinkOf(t, res)
	if res.Summary.Restarts == nil || inAborted == 0 || k.ReadUncommitted.ExtraCopies != inAborted || k.ReadCommitted.MoreThanOnce != 0 {
		t.Errorf("restarts %+v, %d records in aborted open transactions, read_uncommitted %+v: want failovers, as many extra copies, none read_committed",
			res.Summary.Restarts, inAborted, k.ReadUncommitted)
	}
	// Cut at the refused send's failure, before its restore: the refused
	// records are pending (to be read again), not lost.
	spec.Duration = res.Failovers[0].FailedAt + sim.Millisecond
	_, res = runWith(t, spec)
	if k := sinkOf(t, res); k.ReadUncommitted.Lost != 0 || k.ReadUncommitted.Pending == 0 {
		t.Errorf("at the first failover: read_uncommitted %+v: want the refused send pending, none lost", k.ReadUncommitted)
	}
}

// TestXACommitWhileTheDatabaseIsDown: the database is down for 40 s when
// the restored job commits the transactions of the checkpoint it restores.
// An XA commit that fails transiently is tried again at the next
// checkpoint's notification (XaGroupOpsImpl.commit), up to
// maxCommitAttempts: with 10 (more than the outage's checkpoints) it waits
// for the database and commits once it is back; with 1 the restore fails
// over each time, until the database is back. Either way nothing is lost or
// seen twice.
func TestXACommitWhileTheDatabaseIsDown(t *testing.T) {
	for _, attempts := range []int{10, 1} {
		d := Delivery{Guarantee: ExactlyOnce, System: SystemJDBC, BatchSize: 1, MaxCommitAttempts: attempts}
		spec := sinkJob(d, 2000)
		spec.Failures = []Failure{lossAfterCheckpoint,
			{Kind: FailSinkOutage, At: 50 * sim.Second, For: 40 * sim.Second, FailsAfter: 60 * sim.Second}}
		_, res := runWith(t, spec)
		k := sinkOf(t, res)
		commitFailovers := 0
		for _, f := range res.Summary.Restarts.Failovers {
			if f.Cause == CauseCommit {
				commitFailovers++
			}
		}
		if (attempts == 1) != (commitFailovers > 0) {
			t.Errorf("max-commit-attempts %d: %d failovers for commits", attempts, commitFailovers)
		}
		if c := k.ReadCommitted; c.Lost != 0 || c.ExtraCopies != 0 || k.Committables.Retried == 0 {
			t.Errorf("max-commit-attempts %d: read_committed %+v, committables %+v: want retried commits, nothing lost or seen twice", attempts, c, k.Committables)
		}
	}
}

// TestRecoveryWhileTheSystemIsDown: a checkpoint completes just after the
// sink's system goes down, so its commits wait; the outage then fails the
// sinks (fails-after 20 s) and the restored job cannot commit either. The
// restored checkpoint's committables wait for the next notification, and
// every other transaction of the failed attempt is aborted: once the
// system is back, every record is seen once.
func TestRecoveryWhileTheSystemIsDown(t *testing.T) {
	for _, d := range []Delivery{kafkaEOS(15 * sim.Minute), {Guarantee: ExactlyOnce, System: SystemJDBC, BatchSize: 1, MaxCommitAttempts: 10}} {
		spec := keyedSinkJob(d, 2000, 100)
		spec.Duration = 4 * sim.Minute
		spec.Checkpointing.Storage.RequestLatency = sim.Second // checkpoint 4 triggers at 36.234 s, completes at 37.234 s
		spec.Failures = []Failure{{Kind: FailSinkOutage, At: 36*sim.Second + 500*sim.Millisecond, For: 60 * sim.Second, FailsAfter: 20 * sim.Second}}
		_, res := runWith(t, spec)
		k := sinkOf(t, res)
		if r := res.Summary.Restarts; r == nil || r.Restarts == 0 {
			t.Fatalf("%s: no failover", d.System)
		}
		if c := k.ReadCommitted; c.ExtraCopies != 0 || c.Lost != 0 || c.Once == 0 {
			t.Errorf("%s: read_committed %+v: want every record once", d.System, c)
		}
	}
}

// TestNumRecordsVisibleIsWhatReadersSaw: flinksim.numRecordsVisible counts
// the records a read_committed reader saw, copies included, not those the
// sink took: at the run's end it is the summary's records seen once or
// more plus their extra copies, whether the writer sends each record at
// once, batches them, or commits them at checkpoints (records still
// buffered or in a transaction are not visible yet), a TaskManager lost
// half way, or the broker aborting transactions it then fails to commit
// (lost records, never visible).
func TestNumRecordsVisibleIsWhatReadersSaw(t *testing.T) {
	for _, c := range []struct {
		name string
		d    Delivery
	}{
		{"at once", Delivery{Guarantee: AtLeastOnce}},
		{"batched", Delivery{Guarantee: AtLeastOnce, System: SystemJDBC, BatchSize: 5000}},
		{"exactly-once", kafkaEOS(15 * sim.Minute)},
		{"exactly-once, transactions aborted", kafkaEOS(20 * sim.Second)},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := sinkJob(c.d, 2000)
			spec.Failures = []Failure{{Kind: FailTaskManager, At: 75 * sim.Second, TaskManager: 1}}
			if c.d.TransactionTimeout == 20*sim.Second {
				// TestIdleOpenTransactionAbortedIsLostWithoutFailover's burst
				spec.Nodes[0].Kafka.Rate = Piecewise{Points: []Point{{0, 2000}, {5 * sim.Second, 0}}}
				spec.Checkpointing.Interval, spec.Failures = 60*sim.Second, nil
			}
			_, res := runWith(t, spec)
			k := sinkOf(t, res)
			end := res.Times[len(res.Times)-1]
			if c.d.TransactionTimeout == 20*sim.Second && k.ReadCommitted.Lost == 0 {
				t.Fatalf("read_committed %+v: the case needs records lost", k.ReadCommitted)
			}
			want := float64(k.ReadCommitted.Once + k.ReadCommitted.MoreThanOnce + k.ReadCommitted.ExtraCopies)
			if got := written(t, res, "out", end); got != want || k.ReadCommitted.ExtraCopies == 0 && c.d.Guarantee == AtLeastOnce {
				t.Errorf("numRecordsVisible %g at the end, read_committed %+v: want %g (with duplicates)", got, k.ReadCommitted, want)
			}
			if c.d.Guarantee == ExactlyOnce && float64(k.Taken) <= want {
				t.Errorf("taken %d, visible %g: want some taken not yet committed", k.Taken, want)
			}
		})
	}
}

// TestBrokerDownAbortsNothing: the Kafka cluster is down from 10 s to 40
// s (a sink-outage; the writers wait, their tasks failing only after 100
// s). Its transaction coordinator is down with it: the open transactions,
// past their 20 s timeout from about 20 s on, are aborted at the broker's
// first check after it is back, not before.
func TestBrokerDownAbortsNothing(t *testing.T) {
	d := kafkaEOS(20 * sim.Second)
	d.AbortInterval = sim.Second
	spec := sinkJob(d, 2000)
	spec.Checkpointing.Interval = 5 * sim.Minute // no commit before the abort
	spec.Failures = []Failure{{Kind: FailSinkOutage, At: 10 * sim.Second, For: 30 * sim.Second, FailsAfter: 100 * sim.Second}}
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	var first sim.Time = -1
	s.SetTrace(func(at sim.Time, line string) {
		if first < 0 && strings.Contains(line, "the Kafka broker aborts") {
			first = at
		}
	})
	if _, err := s.Run(nil); err != nil {
		t.Fatal(err)
	}
	if first < 40*sim.Second || first > 41*sim.Second {
		t.Errorf("first abort at %s, want at the broker's first check after 40 s (one a second)", first)
	}
}

// TestRestoredDroppedCommittableFailsAgain: as in
// TestSlowCheckpointPastTimeoutLosesPreparedTransactions, checkpoint 6's
// prepared transactions are aborted by the broker before it completes, and
// their commits fail (a known reason). A TaskManager is lost just after
// (before the next checkpoint completes): the job restores checkpoint 6, whose
// state holds those committables, and the restored committer commits them
// again (CommitterOperator.initializeState). They fail again, counted
// failed once more per subtask, with no record lost twice.
func TestRestoredDroppedCommittableFailsAgain(t *testing.T) {
	d := kafkaEOS(30 * sim.Second)
	d.AbortInterval = sim.Millisecond
	spec := keyedSinkJob(d, 2000, 1<<20)
	spec.Failures = []Failure{{Kind: FailStorageOutage, At: 56*sim.Second + 500*sim.Millisecond, For: 25 * sim.Second}}
	_, before := runWith(t, spec)
	// Checkpoint 6 completes at 81.744 s, and 7, queued, at 82.251 s.
	spec.Failures = append(spec.Failures, Failure{Kind: FailTaskManager, At: 81900 * sim.Millisecond, TaskManager: 1})
	_, after := runWith(t, spec)
	if len(after.Restores) != 1 || after.Restores[0].ID != 6 {
		t.Fatalf("restores %+v, want one of checkpoint 6", after.Restores)
	}
	b, a := sinkOf(t, before).Committables, sinkOf(t, after).Committables
	if b.Failed != 2 || a.Failed != b.Failed+2 || a.LostRecords != b.LostRecords || sinkOf(t, after).ReadCommitted.Lost != sinkOf(t, before).ReadCommitted.Lost {
		t.Errorf("committables without the loss %+v, with it %+v: want two more failed, as many records lost", b, a)
	}
}

// TestRefusedBarrierFlushDeclines: the writers buffer every record until
// a barrier (a batch that never fills, a batch interval of an hour), so a
// barrier's flush is their only send. Their transactions, opened at the
// first write after a barrier, pass the 20 s timeout before the next one
// (30 s on): the broker aborts them, and that barrier's flush is refused.
// The writer throws in prepareSnapshotPreBarrier (KafkaWriter.flush,
// checkAsyncException): the subtask fails without acknowledging the
// checkpoint, which fails with no subtask acknowledged and commits nothing
// aborted; the job restores the checkpoint before and reads those records
// again: none is lost.
func TestRefusedBarrierFlushDeclines(t *testing.T) {
	d := kafkaEOS(20 * sim.Second)
	d.AbortInterval = sim.Second
	d.BatchSize, d.BatchInterval = 1<<40, sim.Hour
	spec := sinkJob(d, 2000)
	spec.Checkpointing.Interval = 30 * sim.Second
	spec.Restart.Attempts = 1000
	_, res := runWith(t, spec)
	k := sinkOf(t, res)
	if res.Summary.Restarts == nil || k.ReadCommitted.Lost != 0 || k.Committables.Failed != 0 || k.Committables.AbortedByBroker == 0 {
		t.Errorf("restarts %+v, read_committed %+v, committables %+v: want failovers, transactions aborted, no commit failed, nothing lost",
			res.Summary.Restarts, k.ReadCommitted, k.Committables)
	}
	failed := 0
	for _, h := range res.Checkpoints {
		if h.Status == "FAILED" && h.NumAcked > 0 {
			t.Errorf("checkpoint %d failed with %d subtasks acknowledged: the refused flush must not acknowledge", h.ID, h.NumAcked)
		}
		if h.Status == "FAILED" {
			failed++
		}
	}
	if failed == 0 {
		t.Error("no checkpoint failed: the test needs a barrier whose flush is refused")
	}
}

// TestKafkaCommitGoesThroughWhenTheBrokersAreBack: the Kafka cluster is
// down from 65 s to 105 s, shorter than the writers' 60 s client timeout
// allows them to wait, so no task fails. A checkpoint that completes
// meanwhile cannot commit: KafkaProducer.commitTransaction blocks (and the
// committer retries every second, CommitRetrier.RETRY_DELAY) until the
// brokers answer again. It commits then, before the brokers' first check
// for timed-out transactions (there is none while they are down), so
// nothing is lost; committing only at the next checkpoint, a minute later,
// would find the 70 s transactions aborted.
func TestKafkaCommitGoesThroughWhenTheBrokersAreBack(t *testing.T) {
	spec := sinkJob(kafkaEOS(70*sim.Second), 1000)
	spec.Duration = 5 * sim.Minute
	spec.Checkpointing.Interval = sim.Minute
	spec.Failures = []Failure{{Kind: FailSinkOutage, At: 65 * sim.Second, For: 40 * sim.Second, FailsAfter: 60 * sim.Second}}
	_, res := runWith(t, spec)
	k := sinkOf(t, res)
	blocked := false
	for _, h := range res.Checkpoints {
		blocked = blocked || h.Status == "COMPLETED" && h.Completed > 65*sim.Second && h.Completed < 105*sim.Second
	}
	if !blocked || res.Summary.Restarts != nil || k.ReadCommitted.Lost != 0 || k.Committables.Failed != 0 {
		t.Errorf("a checkpoint completed in the outage: %v; restarts %+v, read_committed %+v, committables %+v: want no failover, nothing lost",
			blocked, res.Summary.Restarts, k.ReadCommitted, k.Committables)
	}
}
