package models

import "github.com/flinksim/flinksim/sim"

// Guarantee is a sink's delivery guarantee, as Flink's DeliveryGuarantee
// names it (org.apache.flink.connector.base.DeliveryGuarantee).
type Guarantee uint8

const (
	// AtLeastOnce: the writer flushes what it buffers at every checkpoint
	// barrier (SinkWriter.flush in prepareSnapshotPreBarrier), so nothing
	// written before a completed checkpoint is lost; what it wrote after
	// it is written again after a restore.
	AtLeastOnce Guarantee = iota
	// NoGuarantee (Flink's NONE): the writer does not flush at a barrier;
	// what it still buffers at a failure, of records before the restored
	// checkpoint, is lost.
	NoGuarantee
	// ExactlyOnce: two-phase commit. Writes go into a transaction per
	// subtask, prepared at the barrier (SinkWriter.prepareCommit: its
	// committable is in the checkpoint) and committed once the checkpoint
	// completes (Committer.commit on notifyCheckpointComplete), or by the
	// restarted job from the restored checkpoint.
	ExactlyOnce
)

func (g Guarantee) String() string {
	return [...]string{"at-least-once", "none", "exactly-once"}[g]
}

// SinkSystem is the external system a sink writes to, for what only it
// does: Kafka's transaction timeouts and last stable offset, a database's
// XA commit attempts.
type SinkSystem uint8

const (
	SystemGeneric SinkSystem = iota // no system-specific rule
	SystemKafka                     // KafkaSink: transactions time out on the broker
	SystemJDBC                      // JdbcSink: XA transactions, commit attempts
)

func (k SinkSystem) String() string {
	return [...]string{"generic", "kafka", "jdbc"}[k]
}

// sinkV2 tells whether system k's connector is a Sink V2 sink with a
// committer (DataStream.sinkTo; Flink expands it into a writer and a
// committer operator), rather than a SinkFunction (DataStream.addSink; one
// operator). Kafka's KafkaSink is TwoPhaseCommittingStatefulSink, a
// SupportsCommitter, whatever its delivery guarantee: it always has its
// KafkaCommitter. JDBC's JdbcSink.sink and JdbcSink.exactlyOnceSink build
// SinkFunctions (GenericJdbcSinkFunction, JdbcXaSinkFunction, which commits
// its XA transactions itself on notifyCheckpointComplete), as does the JDBC
// table sink (JdbcDynamicTableSink's SinkFunctionProvider); the connector's
// newer Sink V2 JdbcSink (JdbcSink.builder()) is not what system: jdbc
// models. A generic sink is taken as a SinkFunction.
func (k SinkSystem) sinkV2() bool {
	return k == SystemKafka
}

// Delivery is how a sink's writer sends, flushes and commits its records.
type Delivery struct {
	Guarantee Guarantee
	System    SinkSystem
	// BatchSize is how many records the writer buffers before it sends
	// them (0 or 1: each write at once); BatchInterval sends a buffer that
	// old (0: no timer). JdbcExecutionOptions: 5000 records, no interval.
	BatchSize     int64
	BatchInterval sim.Time
	// Kafka (exactly-once): the producer's transaction.timeout.ms, the
	// broker's transaction.max.timeout.ms (a longer timeout fails the
	// producer's initTransactions) and how often the broker aborts
	// transactions past their timeout
	// (transaction.abort.timed.out.transaction.cleanup.interval.ms).
	TransactionTimeout sim.Time
	BrokerMaxTimeout   sim.Time
	AbortInterval      sim.Time
	// MaxCommitAttempts is JdbcExactlyOnceOptions.maxCommitAttempts: how
	// many checkpoints' notifications may try a transaction's XA commit
	// while the database fails it before the job fails over.
	MaxCommitAttempts int
	// Upsert: the sink writes each record as an upsert on a stable key
	// (nil: appends).
	Upsert *Upsert
}

// Upsert describes an idempotent sink: records written again overwrite
// their row, so duplicates converge unless a replay writes another value or
// an older version over a newer one.
type Upsert struct {
	// Keys is the number of distinct rows the records update (taken as
	// equally likely).
	Keys int64
	// Deterministic: a record written again carries the same value.
	Deterministic bool
	// Versioned: the upsert keeps the newer version (WHERE version <
	// new), so an older record written again does not overwrite it.
	Versioned bool
}
