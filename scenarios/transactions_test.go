package scenarios

import (
	"strings"
	"testing"
)

// TestTransactionSettingsWithoutTransactionsWarned: a KafkaSink's
// transaction timeouts, or a JdbcSink's commit attempts, on a sink that is
// not exactly-once have no effect (no transactions): warned of, at each
// field given; with exactly-once, none.
func TestTransactionSettingsWithoutTransactionsWarned(t *testing.T) {
	const file = `name: tx
flink: {execution.checkpointing.interval: 10s, execution.checkpointing.dir: "s3://b/ckpt"}
sources:
  - {name: src, partitions: 2, rate: 1k/s}
sinks:
  - {name: topic, system: kafka, delivery-guarantee: at-least-once, kafka: {transaction-timeout: 1min, broker-abort-interval: 5s}}
  - {name: db, input: src, system: jdbc, jdbc: {max-commit-attempts: 4}}
`
	l, err := Load("tx.yaml", []byte(file), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := l.AllWarnings().Error()
	for _, want := range []string{
		"sinks.topic.kafka.broker-abort-interval: has no effect: topic's delivery-guarantee is at-least-once, and a KafkaSink opens Kafka transactions only with DeliveryGuarantee.EXACTLY_ONCE",
		"sinks.topic.kafka.transaction-timeout: has no effect",
		"sinks.db.jdbc.max-commit-attempts: has no effect: db's delivery-guarantee is at-least-once, and a JdbcSink commits XA transactions only as JdbcSink.exactlyOnceSink",
	} {
		if strings.Count(got, want) != 1 {
			t.Errorf("warnings lack %q once:\n%s", want, got)
		}
	}
	l, err = Load("tx.yaml", []byte(file), []string{"sinks.topic.delivery-guarantee=exactly-once", "sinks.db.delivery-guarantee=exactly-once"})
	if err != nil {
		t.Fatal(err)
	}
	if ws := l.AllWarnings(); strings.Contains(ws.Error(), "has no effect") {
		t.Errorf("exactly-once: warnings\n%s", ws.Error())
	}
}
