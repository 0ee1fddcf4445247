package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestLoadRunsAppliesSetsToTheRunsMade: --variant X --set k=v applies k=v
// to X alone. Here heartbeat.timeout 5s is valid only with the variant's
// 2s heartbeat.interval (Flink's default interval is 10s, and the timeout
// may not be shorter: HeartbeatServices), so it is refused for the base and
// taken for the variant; a run not made that is broken as written is still
// reported.
func TestLoadRunsAppliesSetsToTheRunsMade(t *testing.T) {
	const file = `name: hb
sources:
  - {name: events, partitions: 1, rate: 1k/s}
sinks:
  - {name: db, capacity: 2k/s}
variants:
  - {name: quick, set: {flink.heartbeat.interval: 2s}}
`
	sets := []string{"flink.heartbeat.timeout=5s"}
	for _, c := range []struct {
		name    string
		data    string
		runs    []string
		problem string // "" for a load
	}{
		{"every run", file, nil, "5s is shorter than heartbeat.interval (10s)"},
		{"the base", file, []string{BaseName}, "5s is shorter than heartbeat.interval (10s)"},
		{"the variant", file, []string{"quick"}, ""},
		{"the variant, the base broken as written", strings.Replace(file, "capacity: 2k/s", "capacity: -1", 1), []string{"quick"}, "capacity"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, err := LoadRuns("hb.yaml", []byte(c.data), sets, c.runs)
			if c.problem == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if l.Variant != "" || len(l.Variants) != 1 {
					t.Errorf("want the base with its one variant, got variant %q and %d variants", l.Variant, len(l.Variants))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.problem) {
				t.Errorf("want a problem with %q, got %v", c.problem, err)
			}
		})
	}
}

// TestVariantsNamedWrongAreChecked: a variant whose name cannot select it
// (two variants' name, not a simple name, the base's, none at all) still has its
// overrides checked, with every other problem at once.
func TestVariantsNamedWrongAreChecked(t *testing.T) {
	const file = `name: v
sources: [{name: s, rate: 1k/s}]
sinks: [{name: k}]
variants:
  - name: a
    set: {sinks.k.capacity: fast}
  - name: a
    set: {sinks.k.latency: slow}
  - name: my variant
    set: {flink.parallelism.default: 0}
  - name: base
    set: {flink.execution.checkpointing.timout: 1min}
  - set: {sinks.k.capacity: slow}
`
	_, err := Load("v.yaml", []byte(file), nil)
	got := ""
	if err != nil {
		got = err.Error()
	}
	// A problem in a variant's overrides is at the variant's path: by index
	// where no name selects the variant alone.
	for _, want := range []string{`v.yaml:6:29: variants[0].set.sinks.k.capacity: "fast"`, `v.yaml:8:28: variants[1].set.sinks.k.latency: "slow"`,
		"v.yaml:10:38: variants[2].set.flink.parallelism.default: 0 is out of range", "v.yaml:12:11: variants[3].set.flink.execution.checkpointing.timout: unknown Flink configuration key",
		`v.yaml:7:11: variants[1].name: "a" is already the name of variants.a (line 5)`,
		`v.yaml:13:5: variants[4].name: "" must be a simple name`, `v.yaml:13:29: variants[4].set.sinks.k.capacity: "slow"`} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
}

// TestVariantNamesDifferingInCase: two variants' names that differ only in
// case (or one and the base's) are refused, the second naming the first:
// their directories, DIR/A/ and DIR/a/, are one folder where the file
// system ignores case (macOS's and Windows's default ones).
func TestVariantNamesDifferingInCase(t *testing.T) {
	const file = `name: v
sources: [{name: s, rate: 1k/s}]
sinks: [{name: k}]
variants:
  - {name: Fast, set: {sinks.k.capacity: 1k/s}}
  - {name: fast, set: {sinks.k.capacity: 2k/s}}
  - {name: BASE, set: {sinks.k.capacity: 3k/s}}
`
	_, err := Load("v.yaml", []byte(file), nil)
	want := `v.yaml:6:12: variants.fast.name: "fast" differs from the name of variants.Fast (line 5) only in case: their directories, DIR/fast/ and DIR/Fast/, are one folder on macOS's and Windows's default file systems, which ignore case; give it another name
v.yaml:7:12: variants.BASE.name: "BASE" differs from the base scenario's name, base, only in case: their directories, DIR/BASE/ and DIR/base/, are one folder on macOS's and Windows's default file systems, which ignore case; give it another name`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

// TestVariantProblemsAtTheVariantsPath: a problem in a variant's set:
// block, flat or nested, names the variant in its path; one in the base
// seen by the variant's load keeps the base's path (and is reported once).
func TestVariantProblemsAtTheVariantsPath(t *testing.T) {
	const file = `name: v
sources: [{name: s, rate: 1k/s}]
sinks: [{name: k, capacity: -1}]
variants:
  - name: fast
    set:
      sinks.k.capcity: 2k/s
  - name: nested
    set:
      sinks:
        - {name: k, latency: slow}
`
	_, err := Load("v.yaml", []byte(file), nil)
	if err == nil {
		t.Fatal("loaded")
	}
	want := []string{
		`v.yaml:3:29: sinks.k.capacity: `,
		`v.yaml:7:7: variants.fast.set.sinks.k.capcity: unknown field; did you mean "capacity"?`,
		`v.yaml:11:30: variants.nested.set.sinks.k.latency: "slow" is not a duration`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d: %q, want it to start with %q", i, lines[i], w)
		}
	}
}

// TestVariantProblemsAtTheBaseNameTheVariant: a variant's overrides that
// meet the base in a problem at the base's line (a max parallelism below
// the variant's parallelism: Flink refuses the vertex) name the variant;
// the base's own problems, which every variant sees too, are reported once
// and name none.
func TestVariantProblemsAtTheBaseNameTheVariant(t *testing.T) {
	const file = `name: v
flink: {parallelism.default: 4}
sources: [{name: s, rate: 1k/s}]
operators: [{name: agg, key-by: user, keys: 1k, cost: 1us, max-parallelism: 6}]
sinks: [{name: k, capacity: -1}]
variants:
  - {name: p8, set: {flink.parallelism.default: 8}}
  - {name: fast, set: {sources.s.rate: 2k/s}}
`
	_, err := Load("v.yaml", []byte(file), nil)
	if err == nil {
		t.Fatal("loaded")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d problems, want 2:\n%v", len(lines), err)
	}
	if !strings.HasPrefix(lines[0], "v.yaml:4:") || !strings.HasSuffix(lines[0], "(with variant p8's overrides)") {
		t.Errorf("the variant's problem %q: want it at the base's max-parallelism, naming p8", lines[0])
	}
	if !strings.HasPrefix(lines[1], "v.yaml:5:") || strings.Contains(lines[1], "variant") {
		t.Errorf("the base's problem %q: want it once, naming no variant", lines[1])
	}
}

// TestVariantSetsOneOptionTwice: a variant that sets one Flink option under
// both its names, or one list item's field by its name and its index, is refused, as --set refuses it: which value wins would
// be the order the names are written in.
func TestVariantSetsOneOptionTwice(t *testing.T) {
	for _, c := range []struct{ set, want string }{
		{"{flink.state.backend.incremental: true, flink.execution.checkpointing.incremental: false}",
			"v.yaml:6:50: variants.a.set.flink.execution.checkpointing.incremental: sets the Flink option execution.checkpointing.incremental, already set as flink.state.backend.incremental (line 6), its other name; give it once"},
		{"{flink.execution.checkpointing.unaligned.enabled: true, flink.execution.checkpointing.unaligned: false}",
			"v.yaml:6:66: variants.a.set.flink.execution.checkpointing.unaligned: sets the Flink option execution.checkpointing.unaligned.enabled, already set as flink.execution.checkpointing.unaligned.enabled (line 6), its other name; give it once"},
		// one list item's field by its index and by its name
		{"{sinks.0.capacity: 1k/s, sinks.k.capacity: 2k/s}",
			"v.yaml:6:35: variants.a.set.sinks.k.capacity: is already set as sinks.0.capacity (line 6), the same list item's field (an item is named by its name or its index); give it once"},
		// a field inside a value the variant writes whole, in either order
		{"{sinks.k.latency: {exponential: 3s}, sinks.k.latency.exponential: 1ms}",
			"v.yaml:6:47: variants.a.set.sinks.k.latency.exponential: is already set inside sinks.k.latency (line 6), which sets it whole; give it once"},
		{"{sinks.k.latency.exponential: 1ms, sinks.k.latency: 3s}",
			"v.yaml:6:45: variants.a.set.sinks.k.latency: sets whole what sinks.k.latency.exponential (line 6) sets inside it; give it once"},
		// one list item's field by its index, written two ways
		{`{sinks.0.capacity: 1k/s, "sinks[0].capacity": 2k/s}`,
			"v.yaml:6:35: variants.a.set.sinks[0].capacity: is already set as sinks.0.capacity (line 6), the same list item's field (an index is written [i] or .i); give it once"},
		{"{flink.execution.checkpointing.incremental: true, duration: 5m}", ""},
	} {
		file := "name: v\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\nvariants:\n  - name: a\n    set: " + c.set + "\n"
		_, err := Load("v.yaml", []byte(file), nil)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.set, err)
			}
			continue
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v\nwant %s", c.set, err, c.want)
		}
	}
}

// TestLoadRunsKeepsTheVariantsWarnings: the warnings of each variant loaded
// (a name its flink-version does not know, at the variant's path; a key
// not modelled) are kept with the base's, each once, in file order; only
// for the runs made; and with the problems when another run has some.
func TestLoadRunsKeepsTheVariantsWarnings(t *testing.T) {
	const file = `name: w
flink-version: "1.17"
flink: {pipeline.object-reuse: true}
sources: [{name: s, rate: 1k/s}]
sinks: [{name: k}]
variants:
  - {name: incr, set: {flink.execution.checkpointing.incremental: true}}
  - {name: sched, set: {flink.jobmanager.scheduler: adaptive}}
  - {name: both, set: {flink.jobmanager.scheduler: adaptive, flink.execution.checkpointing.incremental: true}}
`
	l, err := Load("w.yaml", []byte(file), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range l.VariantWarnings {
		names = append(names, v.Name)
	}
	if strings.Join(names, " ") != "incr sched both" || len(l.Warnings) != 0 {
		t.Fatalf("variants' warnings: %v, the base's: %v", names, l.Warnings)
	}
	var paths []string
	for _, w := range l.RunsWarnings() {
		paths = append(paths, fmt.Sprintf("%d:%d %s", w.Line, w.Col, w.Path))
	}
	const incr = "variants.incr.set.flink.execution.checkpointing.incremental"
	const both = "variants.both.set.flink.execution.checkpointing.incremental"
	if want := []string{"7:67 " + incr, "9:105 " + both}; !slices.Equal(paths, want) {
		t.Errorf("RunsWarnings at %q, want %q", paths, want)
	}
	if got := l.RunsNotModelled(); !slices.Equal(got, []string{"pipeline.object-reuse", "jobmanager.scheduler"}) {
		t.Errorf("RunsNotModelled %q", got)
	}
	all := l.AllWarnings().Error()
	for _, want := range []string{"warning: w.yaml:7:67: " + incr, "warning: 1 Flink key would change",
		"warning: variants.sched: 2 Flink keys would change the result but are not modelled; this run ignores them: pipeline.object-reuse jobmanager.scheduler"} {
		if strings.Count(all, want) != 1 {
			t.Errorf("AllWarnings lack %q once:\n%s", want, all)
		}
	}

	// the runs made alone: the base's
	if l, err := LoadRuns("w.yaml", []byte(file), nil, []string{BaseName}); err != nil || len(l.VariantWarnings) != 0 {
		t.Errorf("the base alone: %v, %+v", err, l)
	}
	// with a problem (another variant's), every run's warnings come with it
	_, err = Load("w.yaml", []byte(file+"  - {name: bad, set: {sinks.k.capacity: -1}}\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "warning: w.yaml:7:67: "+incr) || !strings.Contains(err.Error(), "variants.bad.set.sinks.k.capacity") {
		t.Errorf("with a problem: %v", err)
	}
}

// TestSetProblemOfEveryRunNamesNoVariant: with only a variant run
// (--variant fast), a --set's problem that the base has too is not its
// overrides': it names no variant; one that only the variant's overrides
// bring (a sample interval longer than its shorter run) still does.
func TestSetProblemOfEveryRunNamesNoVariant(t *testing.T) {
	const file = `name: v
duration: 1m
sources: [{name: s, rate: 1k/s}]
operators: [{name: op, cost: 1us}]
sinks: [{name: k}]
variants:
  - {name: fast, set: {duration: 10s}}
`
	for _, c := range []struct {
		set, want string
		named     bool
	}{
		{"operators.op.costt=1us", `--set operators.op.costt=1us: operators.op.costt: unknown field; did you mean "cost"?`, false},
		{"simulation.sample-interval=30s", "--set simulation.sample-interval=30s: simulation.sample-interval: 30s is longer than the duration 10s", true},
	} {
		_, err := LoadRuns("v.yaml", []byte(file), []string{c.set}, []string{"fast"})
		if err == nil {
			t.Fatalf("--set %s: loaded", c.set)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, c.want) || strings.Contains(msg, "(with variant fast's overrides)") != c.named || strings.Count(msg, "\n") != 0 {
			t.Errorf("--set %s: %q; want one problem %q, naming fast: %v", c.set, msg, c.want, c.named)
		}
	}
}
