package scenarios

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// mergeBase writes its flink: block flat and nested, and has fields beside
// each one the tests below set, which must stay as written.
const mergeBase = `name: m
flink:
  parallelism.default: 2
  taskmanager:
    numberOfTaskSlots: 2
    memory:
      process.size: 2g
  taskmanager.cpu.cores: 2
  execution.checkpointing.interval: 1min
  execution.checkpointing.dir: s3://bucket/checkpoints
  state.backend.type: rocksdb
  state.backend.incremental: true
sources:
  - name: clicks
    partitions: 8
    rate: 10k/s
    record-size: 300B
    event-time:
      delay: 1s
      watermark: {out-of-orderness: 5s}
operators:
  - {name: parse, cost: {exponential: 3us}, selectivity: 0.5, record-size: 200B}
  - {name: agg, key-by: user, keys: 1k, key-distribution: {zipf: 1.1}, state-per-key: 100B}
sinks:
  - {name: out, capacity: 5k/s, latency: 2ms, system: kafka, delivery-guarantee: exactly-once, kafka: {transaction-timeout: 30min, broker-transaction-max-timeout: 1h}}
failures:
  - storage-slowdown: {at: 1m, for: 1m, factor: 2}
`

// mergeCases: a what-if written nested and the flat what-ifs it stands for.
var mergeCases = []struct{ name, nested, flat string }{
	{"flink block", "flink: {execution.checkpointing.interval: 10s}",
		"flink.execution.checkpointing.interval: 10s"},
	{"flink sub-block", "flink.taskmanager: {numberOfTaskSlots: 4}",
		"flink.taskmanager.numberOfTaskSlots: 4"},
	{"flink nested twice", "flink: {taskmanager: {numberOfTaskSlots: 4, memory: {managed.fraction: 0.2}}, parallelism.default: 4}",
		"{flink.taskmanager.numberOfTaskSlots: 4, flink.taskmanager.memory.managed.fraction: 0.2, flink.parallelism.default: 4}"},
	{"flink option's other name", "flink: {execution.checkpointing.incremental: false}",
		"flink.execution.checkpointing.incremental: false"},
	{"sink by list", "sinks: [{name: out, latency: 5ms}]", "sinks.out.latency: 5ms"},
	{"source by list", "sources: [{name: clicks, rate: 20k/s}]", "sources.clicks.rate: 20k/s"},
	{"operators by list", "operators: [{name: agg, keys: 2k}, {name: parse, cost: 5us}]",
		"{operators.agg.keys: 2k, operators.parse.cost: 5us}"},
	{"item by mapping", "operators.parse: {cost: 5us}", "operators.parse.cost: 5us"},
	{"list by mapping", "operators: {parse: {selectivity: 2}}", "operators.parse.selectivity: 2"},
	{"nested struct", "sources.clicks: {event-time: {watermark: {idleness: 1m}}}",
		"sources.clicks.event-time.watermark.idleness: 1m"},
	{"struct in a list item", "sinks: [{name: out, kafka: {broker-abort-interval: 5s}}]",
		"sinks.out.kafka.broker-abort-interval: 5s"},
	{"dotted key inside", "sinks.out: {kafka.broker-abort-interval: 5s}",
		"sinks.out.kafka.broker-abort-interval: 5s"},
	{"new struct", "sinks.out: {upsert: {keys: 1M}}", "sinks.out.upsert.keys: 1M"},
	// one value: what is given replaces the whole
	{"distribution replaces", "operators: [{name: parse, cost: {lognormal: {mean: 5us, p99: 40us}}}]",
		"operators.parse.cost: {lognormal: {mean: 5us, p99: 40us}}"},
	{"duration over a distribution", "operators.parse: {cost: 4us}", "operators.parse.cost: 4us"},
	{"rate profile replaces", "sources: [{name: clicks, rate: {ramp: {from: 1k/s, to: 9k/s, over: 1m}}}]",
		"sources.clicks.rate: {ramp: {from: 1k/s, to: 9k/s, over: 1m}}"},
	{"key distribution replaces", "operators.agg: {key-distribution: {hot-set: {keys: 1%, share: 80%}}}",
		"operators.agg.key-distribution: {hot-set: {keys: 1%, share: 80%}}"},
	{"list of values replaces", "failures: [{storage-outage: {at: 2m, for: 30s}}]",
		"failures: [{storage-outage: {at: 2m, for: 30s}}]"},
}

// TestNestedWhatIfMerges: a mapping given to a what-if (a variant's set:
// or --set) sets only the keys it writes, exactly as the flat what-ifs it
// stands for; a distribution, a rate profile or a list of values replaces.
func TestNestedWhatIfMerges(t *testing.T) {
	var file strings.Builder
	file.WriteString(mergeBase + "variants:\n")
	for i, c := range mergeCases {
		file.WriteString("  - {name: nested" + itoa(i) + ", set: {" + c.nested + "}}\n")
		flat := c.flat
		if !strings.HasPrefix(flat, "{") {
			flat = "{" + flat + "}"
		}
		file.WriteString("  - {name: flat" + itoa(i) + ", set: " + flat + "}\n")
	}
	data := []byte(file.String())
	if _, err := Load("m.yaml", data, nil); err != nil {
		t.Fatal(err)
	}
	base := resolved(t, data, nil, "")
	for i, c := range mergeCases {
		t.Run(c.name, func(t *testing.T) {
			nested := resolved(t, data, nil, "nested"+itoa(i))
			flat := resolved(t, data, nil, "flat"+itoa(i))
			if !bytes.Equal(nested, flat) {
				t.Errorf("set: {%s} differs from %s:\n%s\n---\n%s", c.nested, c.flat, nested, flat)
			}
			if bytes.Equal(nested, base) {
				t.Errorf("set: {%s} changed nothing", c.nested)
			}
			// --set takes the same value as a variant
			key, val, _ := strings.Cut(c.nested, ": ")
			set := resolved(t, []byte(mergeBase), []string{key + "=" + val}, "")
			if !bytes.Equal(set, flat) {
				t.Errorf("--set %s=%s differs from %s:\n%s\n---\n%s", key, val, c.flat, set, flat)
			}
		})
	}
	// what the base writes and no what-if names stays
	for _, v := range []string{"nested" + itoa(0), "nested" + itoa(1), "nested" + itoa(4), "nested" + itoa(5)} {
		out := string(resolved(t, data, nil, v))
		for _, keep := range []string{"parallelism.default: 2\n", "taskmanager.memory.process.size: 2 gb", "taskmanager.cpu.cores: 2\n",
			"execution.checkpointing.incremental: true", "state.backend.type: rocksdb", "capacity: 5k/s", "partitions: 8",
			"record-size: 300B", "out-of-orderness: 5s", "transaction-timeout: 30m"} {
			if !strings.Contains(out, keep) {
				t.Errorf("%s: %q is gone:\n%s", v, keep, out)
			}
		}
	}
}

func itoa(i int) string { return string(rune('a' + i)) }

func resolved(t *testing.T, data []byte, sets []string, variant string) []byte {
	t.Helper()
	l, err := LoadVariant("m.yaml", data, sets, variant)
	if err != nil {
		t.Fatalf("%s %v: %v", variant, sets, err)
	}
	out, err := l.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNestedWhatIfProblems: a list item a what-if names that the scenario
// does not have is refused (a what-if changes items, as sinks.new.capacity
// does, and adds none), and so is one key set twice in one variant; each
// at the what-if's own place.
func TestNestedWhatIfProblems(t *testing.T) {
	for _, c := range []struct{ set, want string }{
		{"{sinks: [{name: audit, capacity: 1k/s}]}",
			"v.yaml:6:26: variants.a.set.sinks.audit: no list item has this name (items: k); a list in a what-if changes the items it names, key by key, and adds none"},
		{"{operators: [{name: parse, cost: 1us}]}",
			"v.yaml:6:30: variants.a.set.operators.parse: no list item has this name (there are none); a list in a what-if changes the items it names, key by key, and adds none"},
		{"{sinks: [{capacity: 1k/s}]}",
			"v.yaml:6:19: variants.a.set.sinks[0]: names no item: a list in a what-if changes the items it names (name: ...), key by key"},
		{"{sinks: [k]}",
			"v.yaml:6:19: variants.a.set.sinks[0]: must be a mapping that names the item it changes (name: ...)"},
		{"{sinks: [], flink: {}}",
			"v.yaml:6:11: variants.a.set.sinks: an empty list changes nothing: a what-if changes the items it names, key by key, and cannot remove them; name an item and the fields to change\n" +
				"v.yaml:6:22: variants.a.set.flink: an empty mapping changes nothing: a what-if sets the Flink keys it gives and removes none; give the keys to set"},
		{"{sinks.k: {capasity: 1k/s}}",
			`v.yaml:6:21: variants.a.set.sinks.k.capasity: unknown field; did you mean "capacity"?`},
		{"{sinks.k: {capacity: 1k/s}, sinks.k.capacity: 2k/s}",
			"v.yaml:6:38: variants.a.set.sinks.k.capacity: is set twice (line 6); give it once"},
		{"{sinks.k: {capacity: 1k/s, capacity: 2k/s}}",
			"v.yaml:6:37: variants.a.set.sinks.k.capacity: is set twice (first on line 6)"},
		{"{flink: {state.backend.incremental: true}, flink.execution.checkpointing.incremental: false}",
			"v.yaml:6:53: variants.a.set.flink.execution.checkpointing.incremental: sets the Flink option execution.checkpointing.incremental, already set as flink.state.backend.incremental (line 6), its other name; give it once"},
		{"{flink: {taskmanager.numberOfTaskSlots: 2, taskmanager: {numberOfTaskSlots: 3}}}",
			"v.yaml:6:67: variants.a.set.flink.taskmanager.numberOfTaskSlots: is set twice (line 6); give it once"},
	} {
		file := "name: v\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\nvariants:\n  - name: a\n    set: " + c.set + "\n"
		_, err := Load("v.yaml", []byte(file), nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v\nwant %s", c.set, err, c.want)
		}
	}
	for _, c := range []struct{ set, want string }{
		{"sinks=[{name: audit, capacity: 1k/s}]",
			"--set sinks=[{name: audit, capacity: 1k/s}]: sinks.audit: no list item has this name (items: out); a list in a what-if changes the items it names, key by key, and adds none"},
		{"sinks={audit: {capacity: 1k/s}}",
			"--set sinks={audit: {capacity: 1k/s}}: sinks.audit: no list item has this name or index (items: out)"},
		{"flink={taskmanager.numberOfTaskSlots: 2, taskmanager: {numberOfTaskSlots: 3}}",
			"--set flink={taskmanager.numberOfTaskSlots: 2, taskmanager: {numberOfTaskSlots: 3}}: flink.taskmanager.numberOfTaskSlots: is set twice; give it once"},
		// a value that changes nothing: refused, as the file's sinks: [] is,
		// not left to change nothing without a word
		{"sinks=[]", "--set sinks=[]: sinks: an empty list changes nothing: a what-if changes the items it names, key by key, and cannot remove them; name an item and the fields to change"},
		{"operators=[]", "--set operators=[]: operators: an empty list changes nothing: a what-if changes the items it names, key by key, and cannot remove them; name an item and the fields to change"},
		{"flink={}", "--set flink={}: flink: an empty mapping changes nothing: a what-if sets the Flink keys it gives and removes none; give the keys to set"},
		{"sinks.out={}", "--set sinks.out={}: sinks.out: an empty mapping changes nothing: a what-if sets the fields it gives and removes none; give the fields to set"},
		{"sinks=[{name: out}]", "--set sinks=[{name: out}]: sinks.out: names the item and changes none of its fields: give the fields to change beside its name"},
		// nothing at all where the scenario has a list or a block: refused
		// and not applied, so no problem follows from a list gone (a
		// break-test helper found "nothing reads" after --set sinks=)
		{"sinks=", "--set sinks=: sinks: is empty, which changes nothing: a what-if sets what it gives and removes nothing; give the fields or items to change"},
		{"sinks.out=", "--set sinks.out=: sinks.out: is empty, which changes nothing: a what-if sets what it gives and removes nothing; give the fields or items to change"},
		{"sinks=~", "--set sinks=~: sinks: is empty, which changes nothing: a what-if sets what it gives and removes nothing; give the fields or items to change"},
		{"operators=null", "--set operators=null: operators: is empty, which changes nothing: a what-if sets what it gives and removes nothing; give the fields or items to change"},
		{"sinks= ", "--set sinks= : sinks: is empty, which changes nothing: a what-if sets what it gives and removes nothing; give the fields or items to change"},
		// a byte that is not UTF-8, refused as a file's is, not read as U+FFFD
		{"name=caf\xe9", `--set: "name=caf\xe9": byte 0xE9 is not UTF-8 text; give it as UTF-8`},
		{"--duration=1m\xff", `--duration: "1m\xff": byte 0xFF is not UTF-8 text; give it as UTF-8`},
	} {
		_, err := Load("m.yaml", []byte(minimal), []string{c.set})
		if err == nil || err.Error() != c.want {
			t.Errorf("--set %s: got %v\nwant %s", c.set, err, c.want)
		}
	}
}

// TestNestedAndFlatSetTwice: two --set that reach one key, one of them
// writing it inside a value (a nested flink: key, a list item by name, an
// item's or struct's mapping), are refused as the CLI refuses two flat
// --set of one key (SetTwice), with both values; under a Flink option's
// two names, as the CLI refuses those (SetUnderBothNames). Two flat --set
// of one key before the = are the CLI's flag check's to refuse, not the
// loader's: it would say it twice.
func TestNestedAndFlatSetTwice(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want string // "" loads
	}{
		{[]string{"flink={execution.checkpointing.interval: 10s}", "flink.execution.checkpointing.interval=20s"},
			"--set: flink.execution.checkpointing.interval: set twice (10s, then 20s); give it once"},
		{[]string{"flink.taskmanager.numberOfTaskSlots=4", "flink.taskmanager={numberOfTaskSlots: 2}"},
			"--set: flink.taskmanager.numberOfTaskSlots: set twice (4, then 2); give it once"},
		{[]string{"sinks=[{name: out, latency: 5ms}]", "sinks.out.latency=6ms"},
			"--set: sinks.out.latency: set twice (5ms, then 6ms); give it once"},
		{[]string{"sinks.out.latency=6ms", "sinks=[{name: out, latency: 5ms}]"},
			"--set: sinks.out.latency: set twice (6ms, then 5ms); give it once"},
		{[]string{"operators.agg={keys: 2k}", "operators.agg.keys=3k"},
			"--set: operators.agg.keys: set twice (2k, then 3k); give it once"},
		{[]string{"sources.clicks={event-time: {watermark: {idleness: 1m}}}", "sources.clicks.event-time.watermark.idleness=2m"},
			"--set: sources.clicks.event-time.watermark.idleness: set twice (1m, then 2m); give it once"},
		{[]string{"operators=[{name: parse, cost: {lognormal: {mean: 5us, p99: 40us}}}]", "operators.parse.cost=4us"},
			"--set: operators.parse.cost: set twice ({lognormal: {mean: 5us, p99: 40us}}, then 4us); give it once"},
		{[]string{"flink={state.backend.incremental: true}", "flink.execution.checkpointing.incremental=false"},
			"--set: flink.execution.checkpointing.incremental=false: set twice, also as flink.state.backend.incremental=true, the same Flink option's other name; give it once"},
		// different keys, nested and flat: nothing twice
		{[]string{"flink={parallelism.default: 4}", "flink.taskmanager.numberOfTaskSlots=4"}, ""},
		{[]string{"sinks=[{name: out, latency: 5ms}]", "sinks.out.capacity=6k/s"}, ""},
		// the CLI's (setKeyTwice): one flat key before the =
		{[]string{"sinks.out.latency=5ms", "sinks.out.latency=6ms"}, ""},
		// two values of one key merge: the loader's when they reach one key
		{[]string{"flink={parallelism.default: 4}", "flink={parallelism.default: 2}"},
			"--set: flink.parallelism.default: set twice (4, then 2); give it once"},
		{[]string{"flink={parallelism.default: 4}", "flink={taskmanager.numberOfTaskSlots: 2}"}, ""},
	} {
		_, err := Load("m.yaml", []byte(mergeBase), c.sets)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%v: got %q\nwant %q", c.sets, got, c.want)
		}
	}
}

// TestEmptyVariantsIsOneProblem: a --set of the variants (variants=,
// variants.a.x=...) over a scenario with variants is one problem, saying
// how to change one run, not one more for each variant's load (break-test
// helpers counted 11, and read "must be a list").
func TestEmptyVariantsIsOneProblem(t *testing.T) {
	const job = "name: v\nduration: 1m\nsources: [{name: clicks, rate: 10k/s}]\nsinks: [{name: out}]\nvariants:\n  - {name: a, set: {sinks.out.capacity: 1k/s}}\n  - {name: b, set: {sinks.out.capacity: 2k/s}}\n"
	for _, set := range []string{"variants=", "variants=~", "variants.a.description=x", "variants.a={description: x}", "variants=[{name: c, set: {seed: 1}}]"} {
		_, err := LoadRuns("v.yaml", []byte(job), []string{set}, nil)
		var probs Problems
		if !errors.As(err, &probs) || len(probs.Errors()) != 1 || !strings.Contains(probs[0].Msg, "cannot change the variants") {
			t.Errorf("--set %s: %v, want one problem: cannot change the variants", set, err)
		}
	}
}

// TestSameValue: two spellings of one value are one value, by the units of
// where they are written: under flink: a size is Flink's MemorySize, every
// unit binary (1000MB is not 1GB there, 1024MB is; a break-test helper).
func TestSameValue(t *testing.T) {
	for _, c := range []struct {
		key, a, b string
		same      bool
	}{
		{"sinks.db.capacity", "20k/s", "20000/s", true},
		{"sinks.db.capacity", "20k/s", "2k/s", false},
		{"flink.taskmanager.memory.process.size", "1000MB", "1GB", false},
		{"flink.taskmanager.memory.process.size", "1024MB", "1GB", true},
		{"flink.taskmanager.memory.process.size", "1000MB", "1000mb", true},
		{"sources.clicks.record-size", "1kB", "1000B", true},
	} {
		if got := sameValue(c.key, c.a, c.b); got != c.same {
			t.Errorf("sameValue(%s, %s, %s) = %v, want %v", c.key, c.a, c.b, got, c.same)
		}
	}
}
