package scenarios

import (
	"fmt"
	"testing"
	"time"
)

// TestProblemsUnderAnAliasAreWhereTheAliasIs: a value written as an alias
// (*name) is a copy of its anchor's at the alias's place; a problem with
// that copy is reported there, not at the anchor (a break-test helper
// found a source repeated by an alias reported at the first's line).
func TestProblemsUnderAnAliasAreWhereTheAliasIs(t *testing.T) {
	const rate = "must be records per second, 0/s or more (e.g. 100k/s), not -5/s"
	for _, c := range []struct{ yaml, want string }{
		{"sources:\n  - &s {name: clicks, rate: 10k/s}\n  - *s\nsinks:\n  - {name: out, input: clicks}\n",
			`x.yaml:5:5: sources[1].name: "clicks" is already the name of sources.clicks (line 4)`},
		{"sources:\n  - {name: clicks, rate: &r -5/s}\n  - {name: views, rate: *r}\nsinks:\n  - {name: out, input: clicks}\n  - {name: out2, input: views}\n",
			"x.yaml:4:26: sources.clicks.rate: " + rate + "\nx.yaml:5:25: sources.views.rate: " + rate},
		// a merge key's fields are where <<: *name is written
		{"sources:\n  - &s {name: clicks, rate: -5/s}\n  - {<<: *s, name: views}\nsinks:\n  - {name: out, input: clicks}\n  - {name: out2, input: views}\n",
			"x.yaml:4:29: sources.clicks.rate: " + rate + "\nx.yaml:5:10: sources.views.rate: " + rate},
		{"sources:\n  - &s {name: clicks, rate: -5/s}\n  - {<<: [*s], name: views}\nsinks:\n  - {name: out, input: clicks}\n  - {name: out2, input: views}\n",
			"x.yaml:4:29: sources.clicks.rate: " + rate + "\nx.yaml:5:11: sources.views.rate: " + rate},
	} {
		data := "name: e\nduration: 1min\n" + c.yaml
		if got := loadProblems(t, []byte(data), nil, ""); got != c.want {
			t.Errorf("%q:\ngot  %q\nwant %q", c.yaml, got, c.want)
		}
	}
}

// TestProblemsUnderAnAliasedSetAreWhereTheAliasIs: a variant's whole set:
// block written as an alias (set: *name) is a copy of the anchor's mapping
// at the alias; its problems, for that variant, are reported there, as
// every other alias's are, and not at the anchor in another variant.
func TestProblemsUnderAnAliasedSetAreWhereTheAliasIs(t *testing.T) {
	const capacity = "must be more than 0/s; leave it out for an unlimited sink"
	for _, c := range []struct{ set, want string }{
		// a value the decoder refuses
		{"sinks.out.capacity: -5/s",
			"x.yaml:10:27: variants.v0.set.sinks.out.capacity: " + capacity + "\nx.yaml:11:21: variants.v1.set.sinks.out.capacity: " + capacity},
		// a problem the merge finds (an item it cannot name)
		{"sinks: [{name: nope, capacity: 1/s}]",
			"x.yaml:10:22: variants.v0.set.sinks.nope: no list item has this name (items: out); a list in a what-if changes the items it names, key by key, and adds none\n" +
				"x.yaml:11:21: variants.v1.set.sinks.nope: no list item has this name (items: out); a list in a what-if changes the items it names, key by key, and adds none"},
	} {
		data := "name: e\nduration: 1min\nsources:\n  - {name: clicks, rate: 10k/s}\nsinks:\n  - {name: out, input: clicks}\n" +
			"variants:\n  - name: v0\n    set: &vs\n      " + c.set + "\n  - {name: v1, set: *vs}\n"
		if got := loadProblems(t, []byte(data), nil, ""); got != c.want {
			t.Errorf("%q:\ngot  %q\nwant %q", c.set, got, c.want)
		}
	}
}

// TestAliasesInsideAVariantsSet: an alias written for a key's value in a
// variant's set: block (sinks.out: *sk), and a merge key there (<<: *vs),
// are YAML's as everywhere: the anchor's keys merge in (a key written
// beside them wins), and their problems, for that variant, are told at
// the alias, not at the anchor in another variant.
func TestAliasesInsideAVariantsSet(t *testing.T) {
	const capacity = "must be more than 0/s; leave it out for an unlimited sink"
	for _, c := range []struct{ v0, v1, want string }{
		// a mapping's alias as a key's value
		{"sinks.out: &sk\n        capacity: -5/s", "sinks.out: *sk",
			"x.yaml:11:19: variants.v0.set.sinks.out.capacity: " + capacity + "\nx.yaml:14:18: variants.v1.set.sinks.out.capacity: " + capacity},
		// a merge key: its keys are set, beside the block's own
		{"sinks.out.capacity: 5/s", "<<: *vs\n      sources.clicks.rate: 5k/s", ""},
		{"sinks.out.capacity: 5/s", "<<: *vs\n      sinks.out.capacity: 7/s", ""},
		{"sinks.out.capacity: -5/s", "<<: *vs\n      sources.clicks.rate: 5k/s",
			"x.yaml:10:27: variants.v0.set.sinks.out.capacity: " + capacity + "\nx.yaml:13:11: variants.v1.set.sinks.out.capacity: " + capacity},
	} {
		data := "name: e\nduration: 1min\nsources:\n  - {name: clicks, rate: 10k/s}\nsinks:\n  - {name: out, input: clicks}\n" +
			"variants:\n  - name: v0\n    set: &vs\n      " + c.v0 + "\n  - name: v1\n    set:\n      " + c.v1 + "\n"
		if got := loadProblems(t, []byte(data), nil, ""); got != c.want {
			t.Errorf("%q, %q:\ngot  %q\nwant %q", c.v0, c.v1, got, c.want)
		}
	}
}

// TestOneMergeKeyPerMapping: a second merge key (<<) in one mapping is
// refused as any key set twice is, naming YAML's way to merge several
// (<<: [*a, *b]), in the scenario, a variant's set: block and the flink:
// block; before, the later one's keys the earlier also set were silently
// lost (latency 50ms below). The list form is taken, the earlier winning.
func TestOneMergeKeyPerMapping(t *testing.T) {
	const twice = "is set twice (first on line %d); a mapping takes one merge key: merge several mappings with one, <<: [*a, *b] (the earlier wins where they share a key)"
	head := "name: e\nduration: 1min\nsources:\n  - {name: clicks, rate: 10k/s}\n"
	for _, c := range []struct{ yaml, want string }{
		{"sinks:\n  - name: out\n    <<: {latency: 5ms}\n    <<: {latency: 50ms, batch-size: 7}\n",
			"x.yaml:8:5: sinks.out.<<: " + fmt.Sprintf(twice, 7)},
		{"sinks:\n  - {name: out, <<: {latency: 5ms}, <<: {batch-size: 7}}\n",
			"x.yaml:6:37: sinks.out.<<: " + fmt.Sprintf(twice, 6)},
		{"sinks: [{name: out}]\nvariants:\n  - name: v\n    set:\n      <<: {seed: 3}\n      <<: {seed: 4}\n",
			"x.yaml:10:7: variants.v.set.<<: " + fmt.Sprintf(twice, 9)},
		{"sinks: [{name: out}]\nflink:\n  <<: {parallelism.default: 2}\n  <<: {parallelism.default: 3}\n",
			"x.yaml:8:3: flink.<<: " + fmt.Sprintf(twice, 7)},
		{"sinks:\n  - name: out\n    <<: [{latency: 5ms}, {latency: 50ms, batch-size: 7}]\n", ""},
	} {
		if got := loadProblems(t, []byte(head+c.yaml), nil, ""); got != c.want {
			t.Errorf("%q:\ngot  %q\nwant %q", c.yaml, got, c.want)
		}
	}
	l, err := Load("x.yaml", []byte(head+"sinks:\n  - name: out\n    <<: [{latency: 5ms}, {latency: 50ms, batch-size: 7}]\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := l.Scenario.Sinks[0]; s.Latency == nil || s.Latency.Constant == nil || time.Duration(*s.Latency.Constant) != 5*time.Millisecond || s.BatchSize == nil || *s.BatchSize != 7 {
		t.Errorf("<<: [a, b]: sink %+v, want latency 5ms (the earlier's) and batch-size 7", s)
	}
}
