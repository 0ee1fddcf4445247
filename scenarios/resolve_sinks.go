package scenarios

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// Sink defaults, from the connectors' sources:
const (
	// JdbcExecutionOptions: DEFAULT_SIZE 5000 records, DEFAULT_INTERVAL_MILLIS
	// 0 (no timed flush).
	defaultJDBCBatch = 5000
	// KafkaSinkBuilder.DEFAULT_KAFKA_TRANSACTION_TIMEOUT.
	defaultTransactionTimeout = sim.Hour
	// Kafka's TransactionStateManagerConfig: transaction.max.timeout.ms
	// 900000 and transaction.abort.timed.out.transaction.cleanup.interval.ms
	// 10000.
	defaultBrokerMaxTimeout = 15 * sim.Minute
	defaultAbortInterval    = 10 * sim.Second
	// JdbcExactlyOnceOptions.DEFAULT_MAX_COMMIT_ATTEMPTS.
	defaultMaxCommitAttempts = 3
)

var (
	sinkSystems = map[string]models.SinkSystem{"generic": models.SystemGeneric, "kafka": models.SystemKafka, "jdbc": models.SystemJDBC}
	guarantees  = map[string]models.Guarantee{"none": models.NoGuarantee, "at-least-once": models.AtLeastOnce, "exactly-once": models.ExactlyOnce}
)

func (r *resolver) sink(n *node) {
	d, s := r.d, n.sink
	if s.Capacity != nil && s.CapacityPerSubtask != nil {
		d.at(n.path+".capacity-per-subtask", "contradicts capacity: give the total or the per-subtask capacity, not both")
	}
	for _, c := range []struct {
		v    *RateValue
		name string
	}{{s.Capacity, "capacity"}, {s.CapacityPerSubtask, "capacity-per-subtask"}} {
		if c.v != nil && c.v.PerSecond <= 0 {
			d.at(n.path+"."+c.name, "must be more than 0/s; leave it out for an unlimited sink")
		}
	}
	if s.Latency == nil {
		s.Latency = &Dist{Constant: ptr(Duration(0))}
	}
	r.dist(s.Latency, n.path+".latency")
	r.delivery(n)
}

// delivery fills in and checks a sink's guarantee, batching, transactions
// and upserts.
func (r *resolver) delivery(n *node) {
	d, s, p := r.d, n.sink, n.path
	if s.System == "" {
		s.System = "generic"
	}
	if _, ok := sinkSystems[s.System]; !ok {
		d.at(p+".system", "%q is not a system flinksim knows (generic, kafka, jdbc)", s.System)
	}
	if s.Guarantee == "" {
		s.Guarantee = "at-least-once"
		if s.System == "kafka" {
			s.Guarantee = "none" // KafkaSinkBuilder's default
		}
	}
	g, ok := guarantees[s.Guarantee]
	switch {
	case !ok:
		d.at(p+".delivery-guarantee", "%q is not a delivery guarantee (none, at-least-once, exactly-once)%s", s.Guarantee, guaranteeHint(s.Guarantee))
	case g == models.NoGuarantee && s.System == "jdbc":
		d.at(p+".delivery-guarantee", "JdbcSink offers at-least-once and exactly-once, not none; use system: generic for a writer that does not flush at checkpoints")
	case g == models.ExactlyOnce && !r.fs.checkpoints():
		d.at(p+".delivery-guarantee", "exactly-once needs checkpointing: its transactions commit when a checkpoint completes; set flink.execution.checkpointing.interval")
	case g == models.ExactlyOnce && r.fs.str("execution.checkpointing.mode") == "AT_LEAST_ONCE":
		// Without alignment, records after a barrier enter the snapshot's
		// transaction and are read again after a restore: duplicates that
		// flinksim's count by position does not see.
		d.at(p+".delivery-guarantee", "exactly-once with flink.execution.checkpointing.mode AT_LEAST_ONCE gives at-least-once (records after a barrier join the transaction before it and are replayed), which flinksim does not count; use EXACTLY_ONCE checkpoints or delivery-guarantee: at-least-once")
	}
	if s.BatchSize == nil {
		s.BatchSize = ptr(Count(1))
		if s.System == "jdbc" {
			s.BatchSize = ptr(Count(defaultJDBCBatch))
		}
	} else {
		r.count(p+".batch-size", *s.BatchSize, 1, maxCount, "a whole number of records from 1 to 1e18")
	}
	if s.BatchInterval == nil {
		s.BatchInterval = ptr(Duration(0))
	} else if *s.BatchInterval < 0 || d.negative(p+".batch-interval") {
		d.at(p+".batch-interval", "must be 0s (no timed flush) or more, not %s", FormatDuration(sim.Time(*s.BatchInterval)))
	}
	r.kafkaSink(n)
	r.jdbcSink(n)
	if u := s.Upsert; u != nil {
		switch {
		case u.Keys == nil:
			d.at(p+".upsert.keys", "is required: the distinct rows the records update")
		default:
			r.count(p+".upsert.keys", *u.Keys, 1, maxCount, "a whole number of rows from 1 to 1e18")
		}
		if u.Deterministic == nil {
			u.Deterministic = ptr(true)
		}
		if u.Versioned == nil {
			u.Versioned = ptr(false)
		}
	}
}

// guaranteeHint suggests the delivery guarantee a refused one meant: Flink's
// enum name (DeliveryGuarantee.EXACTLY_ONCE) written as flinksim writes
// it, or the nearest spelling.
func guaranteeHint(g string) string {
	names := []string{"none", "at-least-once", "exactly-once"}
	if k := strings.ReplaceAll(strings.ToLower(g), "_", "-"); slices.Contains(names, k) {
		return fmt.Sprintf("; did you mean %q? (Flink's DeliveryGuarantee.%s)", k, strings.ToUpper(strings.ReplaceAll(k, "-", "_")))
	}
	if s, near := Closest(g, names); near {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// unchainedCommitter warns of a KafkaSink whose committer Flink runs as a
// job vertex of its own. A KafkaSink is a Sink V2 sink with a committer
// (SupportsCommitter): SinkTransformationTranslator adds "NAME: Writer" and
// "NAME: Committer", which chain when chaining is on for the sink and the
// job. Off, the committer is a vertex flinksim does not simulate.
func (r *resolver) unchainedCommitter(n *node) {
	const k = "pipeline.operator-chaining.enabled"
	var path string
	switch {
	case n.sink.System != "kafka":
		return
	case !*n.sink.Chaining:
		path = n.path + ".chaining"
	case !r.fs.bool(k):
		path = r.fs.at(k)
	default:
		return
	}
	r.d.warn(r.d.nodes[path], path, "the KafkaSink %s's committer (%s: Committer) runs unchained, as a job vertex of its own, which flinksim does not simulate: its task is the writer's (%s: Writer) alone",
		n.name, n.name, n.name)
}

// kafkaSink fills in a KafkaSink's transaction timeouts (used with
// exactly-once only: without transactions Kafka ignores them, so a variant
// may change the guarantee alone).
func (r *resolver) kafkaSink(n *node) {
	s, p := n.sink, n.path+".kafka"
	if s.System != "kafka" {
		if _, known := sinkSystems[s.System]; known && s.Kafka != nil {
			r.d.at(p, "applies to a KafkaSink (system: kafka), not to a %s sink", s.System)
		}
		return
	}
	if s.Kafka == nil {
		s.Kafka = &KafkaSink{}
	}
	k := s.Kafka
	timeoutGiven, maxGiven := k.TransactionTimeout != nil, k.BrokerMaxTimeout != nil
	abortGiven := k.AbortInterval != nil
	for _, f := range []struct {
		v     **Duration
		def   sim.Time
		name  string
		kafka string
	}{{&k.TransactionTimeout, defaultTransactionTimeout, "transaction-timeout", "the producer's transaction.timeout.ms"},
		{&k.BrokerMaxTimeout, defaultBrokerMaxTimeout, "broker-transaction-max-timeout", "the brokers' transaction.max.timeout.ms"},
		{&k.AbortInterval, defaultAbortInterval, "broker-abort-interval", "the brokers' transaction.abort.timed.out.transaction.cleanup.interval.ms"}} {
		if *f.v == nil {
			*f.v = ptr(Duration(f.def))
			continue
		}
		if v := sim.Time(**f.v); !r.d.badUnder(p+"."+f.name) && (v <= 0 || v%sim.Millisecond != 0 || v > maxKafkaMs) {
			// Kafka defines each as an INT of milliseconds (ProducerConfig,
			// TransactionLogConfigs): another value fails as the producer or
			// broker reads it ("Invalid value ... Not a number of type INT").
			r.d.at(p+"."+f.name, "must be a whole number of milliseconds from 1ms to %dms (about 24.9 days), not %s: it is %s, an int of milliseconds in Kafka",
				maxKafkaMs/sim.Millisecond, FormatDuration(v), f.kafka)
		}
	}
	r.withoutTransactions(n, "a KafkaSink opens Kafka transactions only with DeliveryGuarantee.EXACTLY_ONCE", map[string]bool{
		"transaction-timeout": timeoutGiven, "broker-transaction-max-timeout": maxGiven, "broker-abort-interval": abortGiven})
	r.timeoutAboveBrokerMax(n, timeoutGiven, maxGiven)
	r.timeoutBelowInterval(n, timeoutGiven)
	if *s.BatchSize > 1 && *s.BatchInterval == 0 && !r.d.badUnder(n.path+".batch-size") && !r.d.badUnder(n.path+".batch-interval") {
		// KafkaProducer (RecordAccumulator) sends a batch when it is full or
		// linger.ms after its first record: never later.
		r.d.at(n.path+".batch-size", "%d on a kafka sink needs batch-interval (the producer's linger.ms): a KafkaProducer sends a batch when it is full "+
			"or linger.ms after its first record, at once with linger.ms 0, and never holds records until a checkpoint; set batch-interval, or leave batch-size at 1",
			int64(*s.BatchSize))
	}
}

// maxKafkaMs is the largest value of a Kafka int option in milliseconds
// (Integer.MAX_VALUE).
const maxKafkaMs = math.MaxInt32 * sim.Millisecond

// timeoutBelowInterval warns of an exactly-once KafkaSink whose
// transaction timeout is not above the checkpoint interval: a transaction
// lives from its first write after a barrier until the next checkpoint
// completes, so one opened early in an interval outlives the timeout and
// the broker aborts it: the task fails at its next send, or, if it sends
// nothing more, its records are lost at the commit. Flink's KafkaSink
// documentation asks for a timeout well above the interval plus the
// checkpoint's duration and a restart's.
func (r *resolver) timeoutBelowInterval(n *node, given bool) {
	s, bad := n.sink, r.d.badUnder
	if s.Guarantee != "exactly-once" || !r.fs.has("execution.checkpointing.interval") || bad(n.path+".delivery-guarantee") || bad(n.path+".kafka.transaction-timeout") {
		return
	}
	to, every := sim.Time(*s.Kafka.TransactionTimeout), r.fs.duration("execution.checkpointing.interval")
	if to > every {
		return
	}
	p, def := n.path+".kafka.transaction-timeout", ""
	at := r.d.nodes[p]
	if !given || at == nil {
		p, at, def = n.path, r.d.nodes[n.path], ", KafkaSinkBuilder's default"
	}
	r.d.warn(at, p, "transaction-timeout %s (transaction.timeout.ms%s) is not above the checkpoint interval %s: a transaction lives from its first write after a barrier until the next checkpoint completes, "+
		"so the broker aborts those opened early in an interval; the task then fails at its next send, or, sending nothing more, loses their records at the commit "+
		"(ProducerFencedException); set it above the interval plus a checkpoint's duration and a restart's, as Flink's KafkaSink documentation advises",
		FormatDuration(to), def, FormatDuration(every))
}

// timeoutAboveBrokerMax warns of an exactly-once KafkaSink whose
// transaction timeout is above the broker's transaction.max.timeout.ms:
// its producers fail in initTransactions as their tasks start, after every
// restart (the broker's InvalidTxnTimeoutException). The run simulates that
// loop, as Flink would run it: a warning, not an error, at the sink.
func (r *resolver) timeoutAboveBrokerMax(n *node, timeoutGiven, maxGiven bool) {
	s, k, bad := n.sink, n.sink.Kafka, r.d.bad
	to, most := sim.Time(*k.TransactionTimeout), sim.Time(*k.BrokerMaxTimeout)
	if s.Guarantee != "exactly-once" || to <= most || most <= 0 ||
		bad[n.path+".delivery-guarantee"] || bad[n.path+".kafka.transaction-timeout"] || bad[n.path+".kafka.broker-transaction-max-timeout"] {
		return // none, or judged by a value refused
	}
	toText, mostText := "", ""
	if !timeoutGiven {
		toText = ", KafkaSinkBuilder's default"
	}
	if !maxGiven {
		mostText = ", Kafka's default"
	}
	r.d.warn(r.d.nodes[n.path], n.path, "exactly-once with transaction-timeout %s (the producer's transaction.timeout.ms %d%s) above broker-transaction-max-timeout %s "+
		"(the brokers' transaction.max.timeout.ms %d%s): the producers fail in initTransactions as their tasks start, after every restart "+
		"(\"The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms)\"), "+
		"and the job restarts in a loop as far as its restart strategy allows; set %s.kafka.transaction-timeout (transaction.timeout.ms in the KafkaSink's producer properties) "+
		"at or below %s, or raise transaction.max.timeout.ms on the brokers (%s.kafka.broker-transaction-max-timeout) to at least %s",
		FormatDuration(to), to/sim.Millisecond, toText, FormatDuration(most), most/sim.Millisecond, mostText, n.path, FormatDuration(most), n.path, FormatDuration(to))
}

// jdbcSink fills in a JdbcSink's XA commit attempts (used with
// exactly-once only).
func (r *resolver) jdbcSink(n *node) {
	s, p := n.sink, n.path+".jdbc"
	if s.System != "jdbc" {
		if _, known := sinkSystems[s.System]; known && s.JDBC != nil {
			r.d.at(p, "applies to a JdbcSink (system: jdbc), not to a %s sink", s.System)
		}
		return
	}
	if s.JDBC == nil {
		s.JDBC = &JDBCSink{}
	}
	given := s.JDBC.MaxCommitAttempts != nil
	if s.JDBC.MaxCommitAttempts == nil {
		s.JDBC.MaxCommitAttempts = ptr(defaultMaxCommitAttempts)
	} else if m := *s.JDBC.MaxCommitAttempts; m < 1 || m > math.MaxInt32 {
		// JdbcExactlyOnceOptions: an int, checkArgument(maxCommitAttempts > 0)
		r.d.at(p+".max-commit-attempts", "must be from 1 to 2147483647 (JdbcExactlyOnceOptions takes an int above 0), not %d", m)
	}
	r.withoutTransactions(n, "a JdbcSink commits XA transactions only as JdbcSink.exactlyOnceSink", map[string]bool{"max-commit-attempts": given})
}

// sinkModel is a sink's capacity (per subtask), latency and delivery in the
// model.
func sinkModel(s *Sink, parallelism int) *models.Sink {
	ms := &models.Sink{Latency: toDist(s.Latency)}
	if c := s.Capacity; c != nil {
		setCapacity(ms, c.PerSecond/float64(parallelism), c.Bytes)
	}
	if c := s.CapacityPerSubtask; c != nil {
		setCapacity(ms, c.PerSecond, c.Bytes)
	}
	d := &ms.Delivery
	d.Guarantee, d.System = guarantees[s.Guarantee], sinkSystems[s.System]
	d.BatchSize, d.BatchInterval = int64(*s.BatchSize), sim.Time(*s.BatchInterval)
	if k := s.Kafka; k != nil {
		d.TransactionTimeout, d.BrokerMaxTimeout, d.AbortInterval = sim.Time(*k.TransactionTimeout), sim.Time(*k.BrokerMaxTimeout), sim.Time(*k.AbortInterval)
	}
	if j := s.JDBC; j != nil {
		d.MaxCommitAttempts = *j.MaxCommitAttempts
	}
	if u := s.Upsert; u != nil {
		d.Upsert = &models.Upsert{Keys: int64(*u.Keys), Deterministic: *u.Deterministic, Versioned: *u.Versioned}
	}
	return ms
}

func setCapacity(s *models.Sink, perSecond float64, bytes bool) {
	if bytes {
		s.BytesPerSecond = perSecond
	} else {
		s.RecordsPerSecond = perSecond
	}
}

// withoutTransactions warns of each transaction setting given (set) on a
// sink that is not exactly-once: without transactions it has no effect
// (kept, not refused, so that a variant may change the guarantee alone).
func (r *resolver) withoutTransactions(n *node, why string, set map[string]bool) {
	s := n.sink
	if s.Guarantee == "exactly-once" || r.d.bad[n.path+".delivery-guarantee"] {
		return
	}
	names := make([]string, 0, len(set))
	for name, given := range set {
		if given {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		p := n.path + "." + s.System + "." + name
		if r.d.badUnder(p) {
			continue // refused as written
		}
		r.d.warn(r.d.nodes[p], p, "has no effect: %s's delivery-guarantee is %s, and %s; set %s.delivery-guarantee: exactly-once, or leave it out",
			n.name, s.Guarantee, why, n.path)
	}
}
