package scenarios

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// intBoundCases are the scenario's whole-number fields, each in a scenario
// valid but for it (%d: the value), with two values out of its range, the
// first negative: both are told the field's own range in the same words
// (the decoder leaves an int's range to the resolver, which knows it).
var intBoundCases = []struct {
	field  string // Type.Field, as intFieldsOf names it
	yaml   string
	values [3]int64 // two out of range, the first negative, then one in range
	want   string   // the problem, %d: the value
}{
	{"Source.Partitions", srcs("{name: clicks, rate: 1k/s, partitions: %d}"), [3]int64{-1, 0, 4},
		"sources.clicks.partitions: must be from 1 to 100000, not %d"},
	{"Source.Parallelism", srcs("{name: clicks, rate: 1k/s, partitions: 4, parallelism: %d}"), [3]int64{-1, 0, 2},
		"sources.clicks.parallelism: must be from 1 to 32768, not %d"},
	{"Operator.Parallelism", ops("{name: agg, cost: 1us, parallelism: %d}"), [3]int64{-1, 0, 2},
		"operators.agg.parallelism: must be from 1 to 32768, not %d"},
	{"Operator.MaxParallelism", ops("{name: agg, key-by: user, keys: 1k, cost: 1us, max-parallelism: %d}"), [3]int64{-1, 0, 128},
		"operators.agg.max-parallelism: max parallelism %d is outside Flink's range 1..32768"},
	{"Sink.Parallelism", sinks("{name: out, capacity: 10k/s, parallelism: %d}"), [3]int64{-1, 0, 2},
		"sinks.out.parallelism: must be from 1 to 32768, not %d"},
	{"HotKeyPartitioner.Top", ops("{name: agg, key-by: user, keys: 1k, cost: 1us, hot-key-partitioner: {top: %d}}"), [3]int64{-1, 1001, 5},
		"operators.agg.hot-key-partitioner.top: must be from 0 to 1000, not %d"},
	{"Salting.Buckets", ops("{name: agg, key-by: user, keys: 1k, cost: 1us, salting: {buckets: %d}}"), [3]int64{-1, 1, 4},
		"operators.agg.salting.buckets: must be from 2 to 1024, not %d"},
	{"Salting.FinalParallelism", ops("{name: agg, key-by: user, keys: 1k, cost: 1us, salting: {buckets: 4, final-parallelism: %d}}"), [3]int64{-1, 0, 2},
		"operators.agg.salting.final-parallelism: must be from 1 to 32768, not %d"},
	{"JDBCSink.MaxCommitAttempts", sinks("{name: out, capacity: 10k/s, system: jdbc, delivery-guarantee: exactly-once, jdbc: {max-commit-attempts: %d}}"), [3]int64{-1, 0, 3},
		"sinks.out.jdbc.max-commit-attempts: must be from 1 to 2147483647 (JdbcExactlyOnceOptions takes an int above 0), not %d"},
	{"TaskManagerLoss.Checkpoint", fails("taskmanager-loss: {checkpoint: %d}"), [3]int64{-1, 0, 2},
		"failures[0].taskmanager-loss.checkpoint: checkpoints are numbered from 1"},
	{"TaskManagerLoss.TaskManager", fails("taskmanager-loss: {at: 1m, taskmanager: %d}"), [3]int64{-1, 1, 0},
		"failures[0].taskmanager-loss.taskmanager: %d is not a TaskManager of this job (0 to 0)"},
	{"CheckpointFailure.Checkpoint", fails("checkpoint-failure: {checkpoint: %d}"), [3]int64{-1, 0, 2},
		"failures[0].checkpoint-failure.checkpoint: checkpoints are numbered from 1"},
	{"CommitFailure.Checkpoint", sinks("{name: out, capacity: 10k/s, system: kafka, delivery-guarantee: exactly-once, kafka: {transaction-timeout: 15min}}") + fails("commit-failure: {sink: out, checkpoint: %d}"), [3]int64{-1, 0, 2},
		"failures[0].commit-failure.checkpoint: checkpoints are numbered from 1"},
	{"PoisonRecord.Partition", fails("poison-record: {source: clicks, partition: %d, offset: 10}"), [3]int64{-1, 4, 3},
		"failures[0].poison-record.partition: %d is not a partition of clicks's topic (0 to 3)"},
	// an offset is an int64 from 0, the decoder's own range
	{"PoisonRecord.Offset", fails("poison-record: {source: clicks, partition: 0, offset: %d}"), [3]int64{-1, -2, 10},
		"failures[0].poison-record.offset: %d is out of range (0 to 9223372036854775807)"},
	{"SweepSpec.Replicas", `sweep: {grid: ["sources.clicks.rate=1k/s,2k/s"], replicas: %d}` + "\n", [3]int64{-1, 0, 2},
		"sweep.replicas: %d is out of range (1 to 1000000)"},
	{"PartitionPause.Partitions", srcs("{name: clicks, rate: 1k/s, partitions: 4, event-time: {pauses: [{partitions: [%d], at: 1m, for: 10s}]}}"), [3]int64{-1, 4, 3},
		"sources.clicks.event-time.pauses[0].partitions[0]: %d is not a partition of clicks's topic (0 to 3)"},
	{"PartitionDelays.Partitions", srcs("{name: clicks, rate: 1k/s, partitions: 4, event-time: {partition-delays: [{partitions: [%d], delay: 2s}]}}"), [3]int64{-1, 4, 3},
		"sources.clicks.event-time.partition-delays[0].partitions[0]: %d is not a partition of clicks's topic (0 to 3)"},
}

// The parts of a valid scenario; each replaces its own.
const (
	intBase   = "name: m\nflink: {execution.checkpointing.interval: 10s, execution.checkpointing.dir: \"s3://b/c\"}\n"
	intSource = "sources:\n  - {name: clicks, rate: 1k/s, partitions: 4}\n"
	intOp     = "operators:\n  - {name: agg, cost: 1us}\n"
	intSink   = "sinks:\n  - {name: out, capacity: 10k/s}\n"
)

func srcs(item string) string  { return "sources:\n  - " + item + "\n" }
func ops(item string) string   { return "operators:\n  - " + item + "\n" }
func sinks(item string) string { return "sinks:\n  - " + item + "\n" }
func fails(item string) string { return "failures:\n  - " + item + "\n" }

// intScenario completes part (with v in place of %d) into a scenario.
func intScenario(part string, v int64) string {
	part = strings.ReplaceAll(part, "%d", fmt.Sprint(v))
	out := intBase
	for _, p := range []string{intSource, intOp, intSink} {
		if head, _, _ := strings.Cut(p, "\n"); !strings.Contains(part, head+"\n") {
			out += p
		}
	}
	return out + part
}

// TestIntFieldRanges: every whole-number field of the format is told its
// own range for a negative value, in the same words as for another value
// out of range (for partitions, -1 and 0 both "must be from 1 to
// 100000"), never the decoder's "out of range (0 to 2147483647)"; and
// every such field has a case here.
func TestIntFieldRanges(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range intBoundCases {
		covered[c.field] = true
		for _, v := range c.values[:2] {
			t.Run(fmt.Sprintf("%s=%d", c.field, v), func(t *testing.T) {
				_, err := Load("m.yaml", []byte(intScenario(c.yaml, v)), nil)
				want := strings.ReplaceAll(c.want, "%d", fmt.Sprint(v))
				var probs Problems
				if !errors.As(err, &probs) || len(probs) != 1 || !strings.Contains(probs.Error(), want) {
					t.Fatalf("got %v\nwant one problem: %s", err, want)
				}
			})
		}
		if _, err := Load("m.yaml", []byte(intScenario(c.yaml, c.values[2])), nil); err != nil {
			t.Errorf("%s=%d: %v", c.field, c.values[2], err)
		}
	}
	for _, f := range intFieldsOf(reflect.TypeFor[Scenario]()) {
		if !covered[f] {
			t.Errorf("%s is a whole-number field without a case in intBoundCases", f)
		}
	}
}

// TestIntFieldRangesBeyondInt64: a whole number beyond an int64, above
// or below, in digits or a count's form (1e20), is told the field's own
// range in the same words as any other value out of it, with the value as
// written (not "is too large (at most 9223372036854775807)", nor "must be
// a whole number"); a checkpoint number, which has no upper bound, is too
// large.
func TestIntFieldRangesBeyondInt64(t *testing.T) {
	const huge = "99999999999999999999"
	for _, c := range intBoundCases {
		for _, v := range []string{"-" + huge, huge, "1e20", "-1e20", "1e400", "2e13T"} {
			t.Run(c.field+"="+v, func(t *testing.T) {
				_, err := Load("m.yaml", []byte(intScenario(strings.ReplaceAll(c.yaml, "%d", v), 0)), nil)
				want := strings.ReplaceAll(c.want, "%d", v)
				if strings.HasSuffix(c.want, "numbered from 1") && !strings.HasPrefix(v, "-") {
					want = v + " is too large (at most 9223372036854775807)"
				}
				var probs Problems
				if !errors.As(err, &probs) || len(probs) != 1 || !strings.Contains(probs.Error(), want) {
					t.Fatalf("got %v\nwant one problem: %s", err, want)
				}
			})
		}
	}
	_, err := Load("m.yaml", []byte(minimal), []string{"sources.clicks.partitions=" + huge})
	if want := "--set sources.clicks.partitions=" + huge + ": sources.clicks.partitions: must be from 1 to 100000, not " + huge; err == nil || err.Error() != want {
		t.Errorf("--set: got %v\nwant %s", err, want)
	}
}

// TestNegativeIntSet: a what-if gives a negative value the field's range,
// as the value 0 gets it.
func TestNegativeIntSet(t *testing.T) {
	for _, c := range []struct{ set, want string }{
		{"sources.clicks.partitions=-1", "--set sources.clicks.partitions=-1: sources.clicks.partitions: must be from 1 to 100000, not -1"},
		{"sources.clicks.partitions=0", "--set sources.clicks.partitions=0: sources.clicks.partitions: must be from 1 to 100000, not 0"},
		{"sources.clicks.parallelism=-1", "--set sources.clicks.parallelism=-1: sources.clicks.parallelism: must be from 1 to 32768, not -1"},
		{"operators.parse.parallelism=-1", "--set operators.parse.parallelism=-1: operators.parse.parallelism: must be from 1 to 32768, not -1"},
		{"operators.parse.parallelism=40000", "--set operators.parse.parallelism=40000: operators.parse.parallelism: must be from 1 to 32768, not 40000"},
		{"sources.clicks.partitions=3000000000", "--set sources.clicks.partitions=3000000000: sources.clicks.partitions: must be from 1 to 100000, not 3000000000"},
	} {
		_, err := Load("m.yaml", []byte(minimal), []string{c.set})
		var probs Problems
		if !errors.As(err, &probs) || probs.Error() != c.want {
			t.Errorf("%s: got %v\nwant %s", c.set, err, c.want)
		}
	}
}

// TestIntCountForms: a whole-number field takes a count's forms (1e3,
// 100k, 1.5k), as the count fields do; one out of the field's range is told
// it with the value as written, and one that is not whole that it must be.
func TestIntCountForms(t *testing.T) {
	for _, c := range []struct{ set, want string }{ // want "": it loads
		{"sources.clicks.partitions=1k", ""},
		{"sources.clicks.partitions=1e3", ""},
		{"sources.clicks.partitions=1.5k", ""},
		{"sources.clicks.partitions=1_000", ""},
		{"sources.clicks.partitions=200k", "sources.clicks.partitions: must be from 1 to 100000, not 200k"},
		{"sources.clicks.partitions=-1k", "sources.clicks.partitions: must be from 1 to 100000, not -1k"},
		{"sources.clicks.partitions=1e20", "sources.clicks.partitions: must be from 1 to 100000, not 1e20"},
		{"sources.clicks.partitions=1.5", `sources.clicks.partitions: must be a whole number, not "1.5"`},
		{"sources.clicks.partitions=1.0001k", `sources.clicks.partitions: must be a whole number, not "1.0001k"`},
		{"sources.clicks.partitions=1m", `sources.clicks.partitions: must be a whole number, not "1m"`},
		{"operators.parse.parallelism=40k", "operators.parse.parallelism: must be from 1 to 32768, not 40k"},
		{"sweep={grid: [\"sources.clicks.rate=1k/s,2k/s\"], replicas: 2M}", "sweep.replicas: 2M is out of range (1 to 1000000)"},
		{"seed=1e3", ""},
		{"seed=1e16", `seed: must be a whole number, 0 or more and at most 9007199254740991 so that JSON readers keep it exact, not "1e16"`},
	} {
		l, err := Load("m.yaml", []byte(minimal), []string{c.set})
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.set, err)
			} else {
				assertRoundTrip(t, l)
			}
			continue
		}
		var probs Problems
		if want := "--set " + c.set + ": " + c.want; !errors.As(err, &probs) || probs.Error() != want {
			t.Errorf("%s: got %v\nwant %s", c.set, err, want)
		}
	}
}

// intFieldsOf names the fields of t and the structs under it that hold
// Go's own int or int64 (alone, by pointer or in a list) as Type.Field; the
// format's unit types (Size, Count, ...) decode themselves.
func intFieldsOf(t reflect.Type) []string {
	return unitFieldsOf(t, reflect.TypeFor[int](), reflect.TypeFor[int64]())
}
