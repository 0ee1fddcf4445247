package scenarios

import (
	"strings"
	"testing"
)

// kafkaSinkJob is an exactly-once KafkaSink behind a 1 min checkpoint
// interval.
const kafkaSinkJob = "name: k\nflink: {execution.checkpointing.interval: 1m, execution.checkpointing.dir: \"s3://b/c\"}\n" +
	"sources: [{name: s, rate: 1k/s}]\nsinks: [{name: out, system: kafka, delivery-guarantee: exactly-once}]\n"

// TestKafkaSinkValuesAsKafkaReadsThem: a KafkaSink's timeouts are Kafka
// ints of milliseconds (ProducerConfig's transaction.timeout.ms, the
// brokers' transaction.max.timeout.ms and abort check interval): a
// fraction of a millisecond or a value past Integer.MAX_VALUE ms is
// refused; a batch-size above 1 needs batch-interval (linger.ms), as a
// KafkaProducer never holds records until a checkpoint; Flink's enum
// spelling of a delivery guarantee gets the name flinksim reads, and a
// commit failure on the refused sink no second problem.
func TestKafkaSinkValuesAsKafkaReadsThem(t *testing.T) {
	const ms = ": must be a whole number of milliseconds from 1ms to 2147483647ms (about 24.9 days), not "
	checkErrors(t, []reportCase{
		{"sub-millisecond timeout", kafkaSinkJob, []string{"sinks.out.kafka.transaction-timeout=1500us"},
			[]string{"--set sinks.out.kafka.transaction-timeout=1500us: sinks.out.kafka.transaction-timeout" + ms + "1500us: it is the producer's transaction.timeout.ms"}},
		{"past an int", kafkaSinkJob, []string{"sinks.out.kafka.broker-transaction-max-timeout=30d"},
			[]string{"--set sinks.out.kafka.broker-transaction-max-timeout=30d: sinks.out.kafka.broker-transaction-max-timeout" + ms + "30d: it is the brokers' transaction.max.timeout.ms"}},
		{"sub-millisecond abort interval", kafkaSinkJob, []string{"sinks.out.kafka.broker-abort-interval=0.5ms"},
			[]string{"--set sinks.out.kafka.broker-abort-interval=0.5ms: sinks.out.kafka.broker-abort-interval" + ms + "500us"}},
		{"batch without linger", kafkaSinkJob, []string{"sinks.out.batch-size=500"},
			[]string{"--set sinks.out.batch-size=500: sinks.out.batch-size: 500 on a kafka sink needs batch-interval (the producer's linger.ms)"}},
		{"Flink's enum name", kafkaSinkJob + "failures: [{commit-failure: {sink: out, checkpoint: 2}}]\n", []string{"sinks.out.delivery-guarantee=EXACTLY_ONCE"},
			[]string{`--set sinks.out.delivery-guarantee=EXACTLY_ONCE: sinks.out.delivery-guarantee: "EXACTLY_ONCE" is not a delivery guarantee (none, at-least-once, exactly-once); did you mean "exactly-once"? (Flink's DeliveryGuarantee.EXACTLY_ONCE)`}},
	})
	for _, ok := range [][]string{{"sinks.out.kafka.transaction-timeout=2147483647ms"}, {"sinks.out.batch-size=500", "sinks.out.batch-interval=5ms"}} {
		if got := loadErrors(t, kafkaSinkJob, ok); got != "" {
			t.Errorf("%v: %s, want no problem", ok, got)
		}
	}
}

// TestTransactionTimeoutNotAboveIntervalWarned: an exactly-once KafkaSink
// whose transaction timeout is not above the checkpoint interval is warned
// of at the timeout; one above it, or a sink without transactions, is not.
func TestTransactionTimeoutNotAboveIntervalWarned(t *testing.T) {
	const want = "sinks.out.kafka.transaction-timeout: transaction-timeout 1m (transaction.timeout.ms) is not above the checkpoint interval 1m"
	for _, c := range []struct {
		sets []string
		warn bool
	}{
		{[]string{"sinks.out.kafka.transaction-timeout=1m"}, true},
		{[]string{"sinks.out.kafka.transaction-timeout=30s"}, true},
		{[]string{"sinks.out.kafka.transaction-timeout=61s"}, false},
		{nil, false}, // KafkaSinkBuilder's 1 h
		{[]string{"flink.execution.checkpointing.interval=2h"}, true},
	} {
		got := loadWarnings(t, kafkaSinkJob, c.sets...)
		if strings.Contains(got, "is not above the checkpoint interval") != c.warn || c.warn && c.sets[0] == "sinks.out.kafka.transaction-timeout=1m" && !strings.Contains(got, want) {
			t.Errorf("%v: warnings\n%s\nwant the timeout's: %v", c.sets, got, c.warn)
		}
	}
	// not written: at the sink, as the default
	const def = "hk.yaml:4:9: sinks.out: transaction-timeout 1h (transaction.timeout.ms, KafkaSinkBuilder's default) is not above the checkpoint interval 2h"
	if got := loadWarnings(t, kafkaSinkJob, "flink.execution.checkpointing.interval=2h"); !strings.Contains(got, def) {
		t.Errorf("warnings\n%s\nwant %q", got, def)
	}
}
