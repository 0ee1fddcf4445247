package scenarios

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// A keyed job and one with a JDBC sink, for the fields that need them.
const (
	keyedJob = "name: m\nsources:\n  - {name: clicks, rate: 10k/s}\noperators:\n" +
		"  - {name: parse, cost: 5us}\n  - {name: agg, key-by: user, keys: 1k, cost: 5us}\nsinks:\n  - {name: out}\n"
	jdbcJob = "name: m\nsources:\n  - {name: clicks, rate: 10k/s}\nsinks:\n  - {name: db, system: jdbc, capacity: 5k/s}\n"
)

// unitBoundCases are the scenario's counts and sizes, each set in a
// scenario valid but for it, to values out of the field's range: below 0,
// above it, beyond what the unit reads at all (a count above 1e18, a size
// above 2EiB) or
// written otherwise than the range (1e18 keys, not 1000000T). Each is told
// the field's own range with the value as written (%s), in the same words
// below the range as above it.
var unitBoundCases = []struct {
	field  string // Type.Field, as unitFieldsOf names it
	yaml   string
	sets   []string // with the key's value
	key    string
	values []string
	want   string
}{
	{"Source.InitialBacklog", minimal, nil, "sources.clicks.initial-backlog", []string{"-1", "-1k", "1e16", "1e19", "1e400", "0.5"},
		"must be a whole number of records from 0 to 2^53 = 9007199254740992, not %s"},
	{"Operator.Keys", keyedJob, nil, "operators.agg.keys", []string{"-5", "0", "1e18", "1e19", "1e400", "1.5"},
		"must be a whole number from 1 to 1e15, not %s"},
	{"MiniBatch.Size", keyedJob, nil, "operators.parse.mini-batch.size", []string{"-5", "0", "2G", "1e19"},
		"must be a whole number from 1 to 1G, not %s"},
	{"Sink.BatchSize", jdbcJob, nil, "sinks.db.batch-size", []string{"-5", "0", "1e19", "2.5"},
		"must be a whole number of records from 1 to 1e18, not %s"},
	{"Upsert.Keys", jdbcJob, nil, "sinks.db.upsert.keys", []string{"-5", "0", "1e19"},
		"must be a whole number of rows from 1 to 1e18, not %s"},
	{"Simulation.ChunkRecords", minimal, nil, "simulation.chunk-records", []string{"-3", "0", "1e19"},
		"must be a whole number from 1 to 1e18, not %s"},
	{"Source.RecordSize", minimal, nil, "sources.clicks.record-size", []string{"-1B", "-1.5kB", "0KiB", "2GiB", "1EiB", "2EiB", "8EiB", "-3EiB", "99999999999999999999TB"},
		"must be from 1B to 1GiB, not %s"},
	{"Operator.RecordSize", minimal, nil, "operators.parse.record-size", []string{"-1B", "0B", "1.5GiB", "3EiB"},
		"must be from 1B to 1GiB, not %s"},
	// a size with no range but its unit's: the unit's words
	{"Operator.StatePerKey", keyedJob, nil, "operators.agg.state-per-key", []string{"-1B"},
		`"%s" is negative; sizes must be at least 0`},
	{"Operator.StatePerKey", keyedJob, nil, "operators.agg.state-per-key", []string{"3EiB", "99999999999999999999TB"},
		`"%s" is too large; sizes must be at most 2EiB`},
	{"Window.AccumulatorSize", windowed, nil, "operators.counts.window.accumulator-size", []string{"-64B", "0B", "2GiB", "3EiB"},
		"must be from 1B to 1GiB, not %s"},
	{"CheckpointStorage.FileSize", minimal, []string{"flink.execution.checkpointing.interval=1min", ckptDir}, "checkpoint-storage.file-size", []string{"-1MiB", "0B"},
		"must be at least 1B, not %s"},
	{"CheckpointStorage.FileSize", minimal, []string{"flink.execution.checkpointing.interval=1min", ckptDir}, "checkpoint-storage.file-size", []string{"3EiB"},
		`"%s" is too large; sizes must be at most 2EiB`},
	{"CheckpointStorage.MaxStateSize", minimal, []string{"flink.execution.checkpointing.interval=1min", "flink.execution.checkpointing.storage=jobmanager"},
		"checkpoint-storage.max-state-size", []string{"-1MiB", "0B", "3GiB", "3EiB"},
		"must be from 1B to 2147483647B (JobManagerCheckpointStorage takes an int above 0), not %s"},
}

// TestUnitFieldRanges: every count and size field tells its own range for
// a value out of it, negative or beyond the unit's own limit included, with
// the value as written; and every such field has a case here.
func TestUnitFieldRanges(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range unitBoundCases {
		covered[c.field] = true
		for _, v := range c.values {
			t.Run(c.key+"="+v, func(t *testing.T) {
				set := c.key + "=" + v
				_, err := Load("m.yaml", []byte(c.yaml), append(append([]string{}, c.sets...), set))
				want := "--set " + set + ": " + c.key + ": " + strings.ReplaceAll(c.want, "%s", v)
				var probs Problems
				if !errors.As(err, &probs) || probs.Error() != want {
					t.Fatalf("got %v\nwant %s", err, want)
				}
			})
		}
	}
	for _, f := range unitFieldsOf(reflect.TypeFor[Scenario](), reflect.TypeFor[Count](), reflect.TypeFor[Size]()) {
		if !covered[f] {
			t.Errorf("%s is a count or size field without a case in unitBoundCases", f)
		}
	}
}

// TestNegativeRates: a negative rate is told the field's range.
func TestNegativeRates(t *testing.T) {
	for _, c := range []struct{ yaml, set, want string }{
		{minimal, "sources.clicks.rate=-5/s", "sources.clicks.rate: must be records per second, 0/s or more (e.g. 100k/s), not -5/s"},
		{minimal, "sources.clicks.rate={ramp: {from: -1k/s, to: 2k/s, over: 1m}}", "sources.clicks.rate.ramp.from: must be records per second, 0/s or more (e.g. 100k/s), not -1k/s"},
		{minimal, "sinks.out.capacity=-5/s", "sinks.out.capacity: must be more than 0/s; leave it out for an unlimited sink"},
		{minimal, "cluster.network-bandwidth=-1MB/s", "cluster.network-bandwidth: must be bytes per second above 0, e.g. 1.25GB/s"},
	} {
		_, err := Load("m.yaml", []byte(c.yaml), []string{c.set})
		var probs Problems
		if want := "--set " + c.set + ": " + c.want; !errors.As(err, &probs) || probs.Error() != want {
			t.Errorf("got %v\nwant %s", err, want)
		}
	}
}

// TestRatesPastTheirUnit: a well-formed rate above what a rate reads (1e18
// records or 2EiB a unit of time) is told its field's bound, as one just
// below it is, not that it is not a rate; a field with no bound of its own
// is told the unit's.
func TestRatesPastTheirUnit(t *testing.T) {
	const past = "records per operator: lower the rate or the duration"
	for _, c := range []struct{ set, want string }{
		{"sources.clicks.rate=1e18/s", "sources.clicks.rate: the source produces up to 6e19 records in 1m (1e18/s at its peak); a run counts at most 2^53 = 9007199254740992 " + past},
		{"sources.clicks.rate=1e19/s", "sources.clicks.rate: the source produces up to 6e20 records in 1m (1e19/s at its peak); a run counts at most 2^53 = 9007199254740992 " + past},
		{"sources.clicks.rate=99999999999999999999/s", "sources.clicks.rate: the source produces up to 6e21 records in 1m (1e20/s at its peak); a run counts at most 2^53 = 9007199254740992 " + past},
		{"sources.clicks.rate={steps: [{at: 0s, rate: 1k/s}, {at: 1s, rate: 2e18/min}]}", "sources.clicks.rate.steps[1].rate: the source produces up to 2e18 records in 1m (3.333e16/s at its peak); a run counts at most 2^53 = 9007199254740992 " + past},
		{"sources.clicks.rate=1e400/s", "sources.clicks.rate: the source produces more records than a run counts at 1e400/s: at most 2^53 = 9007199254740992 records per operator; lower the rate"},
		{"sources.clicks.rate=3EiB/s", "sources.clicks.rate: a source rate counts records (e.g. 100k/s), not bytes"},
		// a byte unit refused anywhere is not told to a source's rate, which takes none
		{"sources.clicks.rate=50mb/s", "sources.clicks.rate: a source rate counts records (e.g. 100k/s), not bytes"},
		{"sources.clicks.rate=-5mb/s", "sources.clicks.rate: a source rate counts records (e.g. 100k/s), not bytes"},
		{"sinks.out.capacity=1e19/s", `sinks.out.capacity: "1e19/s" is too large; rates must be at most 1e18 records or 2EiB a unit of time (1e18/s, 2EiB/s)`},
		{"cluster.network-bandwidth=3EiB/s", `cluster.network-bandwidth: "3EiB/s" is too large; rates must be at most 1e18 records or 2EiB a unit of time (1e18/s, 2EiB/s)`},
	} {
		_, err := Load("m.yaml", []byte(minimal), []string{"duration=1m", c.set})
		var probs Problems
		if want := "--set " + c.set + ": " + c.want; !errors.As(err, &probs) || probs.Error() != want {
			t.Errorf("got %v\nwant %s", err, want)
		}
	}
}

// unitFieldsOf names the fields of t and the structs under it whose type
// is one of types (alone, by pointer or in a list) as Type.Field.
func unitFieldsOf(t reflect.Type, types ...reflect.Type) []string {
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		for f := range t.Fields() {
			if f.Tag.Get("yaml") == "" {
				continue
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			switch {
			case slicesContains(types, ft):
				out = append(out, t.Name()+"."+f.Name)
			case ft.Kind() == reflect.Struct:
				walk(ft)
			}
		}
	}
	walk(t)
	return out
}

func slicesContains(ts []reflect.Type, t reflect.Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}
