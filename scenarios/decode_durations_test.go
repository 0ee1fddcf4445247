package scenarios

import (
	"errors"
	"strings"
	"testing"
)

// negDurationCases are the duration fields with a range of their own, each
// in a scenario valid but for it (%s: the value), with the problem 0s gets
// there (%s: the value).
var negDurationCases = []struct {
	field string
	yaml  string
	want  string
}{
	{"duration", "duration: %s\n", "duration: must be more than 0s and at most 366d, not %s"},
	{"network-round-trip", "cluster: {network-round-trip: %s}\n", "cluster.network-round-trip: must be from 0s to 1s, not %s"},
	{"chunk-delay", "simulation: {chunk-delay: %s}\n", "simulation.chunk-delay: must be from 0s to 1s (it adds to latency), not %s"},
	{"sample-interval", "simulation: {sample-interval: %s}\n", "simulation.sample-interval: must be more than 0s"},
	{"idleness", srcs("{name: clicks, rate: 1k/s, event-time: {watermark: {idleness: %s}}}"), "sources.clicks.event-time.watermark.idleness: must be more than 0s"},
	{"max-drift", srcs("{name: clicks, rate: 1k/s, event-time: {watermark: {alignment: {group: g, max-drift: %s}}}}"), "sources.clicks.event-time.watermark.alignment.max-drift: must be more than 0s"},
	{"update-interval", srcs("{name: clicks, rate: 1k/s, event-time: {watermark: {alignment: {group: g, max-drift: 1s, update-interval: %s}}}}"), "sources.clicks.event-time.watermark.alignment.update-interval: must be more than 0s"},
	{"pause for", srcs("{name: clicks, rate: 1k/s, partitions: 4, event-time: {pauses: [{partitions: [0], at: 1m, for: %s}]}}"), "sources.clicks.event-time.pauses[0].for: must be more than 0s"},
	{"ramp over", srcs("{name: clicks, rate: {ramp: {from: 1k/s, to: 2k/s, over: %s}}}"), "sources.clicks.rate.ramp.over: must be more than 0s"},
	{"periodic period", srcs("{name: clicks, rate: {periodic: {mean: 1k/s, amplitude: 100/s, period: %s}}}"), "sources.clicks.rate.periodic.period: must be more than 0s"},
	{"tumbling", srcs("{name: clicks, rate: 1k/s, event-time: {}}") + ops("{name: agg, key-by: user, keys: 1k, cost: 1us, window: {tumbling: %s}}"), "operators.agg.window.tumbling: must be more than 0s"},
	{"emit-interval", ops("{name: agg, key-by: user, keys: 1k, cost: 1us, salting: {buckets: 4, emit-interval: %s}}"), "operators.agg.salting.emit-interval: must be more than 0s"},
	{"batch-interval", sinks("{name: out, capacity: 10k/s, system: jdbc, batch-interval: %s}"), "sinks.out.batch-interval: must be 0s (no timed flush) or more, not %s"},
	{"transaction-timeout", sinks("{name: out, capacity: 10k/s, system: kafka, kafka: {transaction-timeout: %s}}"), "sinks.out.kafka.transaction-timeout: must be a whole number of milliseconds from 1ms to 2147483647ms (about 24.9 days), not -5m"},
	{"mtbf", fails("taskmanager-loss: {mtbf: %s}"), "failures[0].taskmanager-loss.mtbf: must be more than 0s"},
	{"storage-outage for", fails("storage-outage: {at: 1m, for: %s}"), "failures[0].storage-outage.for: must be more than 0s"},
	{"fails-after", fails("kafka-outage: {at: 1m, for: 10s, fails-after: %s}"), "failures[0].kafka-outage.fails-after: must be more than 0s: a partition listing takes time"},
}

// TestNegativeDurationRanges: a negative duration in a field with a range
// of its own is told that range, as 0s or a value above it is (duration:
// -5m "must be more than 0s and at most 366d, not -5m"), not that
// durations are at least 0; a field that takes 0s still says so.
func TestNegativeDurationRanges(t *testing.T) {
	for _, c := range negDurationCases {
		t.Run(c.field, func(t *testing.T) {
			values := []string{"-5m"}
			if strings.Contains(c.want, "more than 0s") {
				values = append(values, "0s") // the same words
			}
			for _, v := range values {
				_, err := Load("m.yaml", []byte(intScenario(strings.ReplaceAll(c.yaml, "%s", v), 0)), nil)
				want := strings.ReplaceAll(c.want, "%s", v)
				var probs Problems
				if !errors.As(err, &probs) || len(probs) != 1 || !strings.Contains(probs.Error(), want) {
					t.Fatalf("%s: got %v\nwant one problem: %s", v, err, want)
				}
			}
		})
	}
	_, err := Load("m.yaml", []byte(minimal), []string{"recovery.redeploy=-1s"})
	if want := `recovery.redeploy: "-1s" is negative; durations must be at least 0`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("redeploy: got %v\nwant %s", err, want)
	}
}
