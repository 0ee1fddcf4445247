package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// writeScenario writes a scenario file in a directory of its own.
func writeScenario(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// warningLines are the lines of stderr that are warnings.
func warningLines(stderr string) []string {
	var ws []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "flinksim: warning: ") {
			ws = append(ws, l)
		}
	}
	return ws
}

const schedulerWarning = "flinksim: warning: 1 Flink key would change the result but is not modelled; this run ignores it: jobmanager.scheduler"

// TestScenarioWarningsOnEveryCommand: the warnings of a scenario (here a
// Flink key that is not modelled) are printed, once, by every command that
// loads it, with -q too: sweep, sweep plan, plan and sweep merge printed
// none.
func TestScenarioWarningsOnEveryCommand(t *testing.T) {
	tiny, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sched := writeScenario(t, "sched.yaml", string(tiny)+"flink:\n  jobmanager.scheduler: adaptive\n")
	out := filepath.Join(t.TempDir(), "out")
	sweepOut := filepath.Join(t.TempDir(), "sweep") // a sweep refuses a run's outputs
	grid := "flink.parallelism.default=1,2"
	for _, args := range [][]string{
		{"validate", sched},
		{"validate", sched, "-o", "json"},
		{"run", sched, "-q", "--duration", "10s", "--out", out},
		{"sweep", sched, "-q", "--duration", "10s", "--grid", grid, "--out", sweepOut},
		{"sweep", "plan", sched, "-q", "--grid", grid},
		{"sweep", sched, "-q", "--duration", "10s", "--grid", grid, "--shard", "0/1", "--out", sweepOut},
		{"sweep", "merge", sched, "-q", "--duration", "10s", "--grid", grid, "--no-plots", "--out", sweepOut},
		{"plan", sched, "-q", "--duration", "10s", "--target", "sinks.db.capacity=5k/s..20k/s", "--for", "stable"},
		// with a bad flag, the warnings come with its problem
		{"sweep", "plan", sched, "--grid", grid, "--replicas", "-1"},
		{"plan", sched, "--target", "sinks.db.capacity=5k/s..20k/s", "--for", "stable", "-j", "-1"},
	} {
		code, stdout, stderr := cli(t, args...)
		if code != exitOK && !slices.Contains(args, "-1") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
		if got := warningLines(stderr); !reflect.DeepEqual(got, []string{schedulerWarning}) {
			t.Errorf("%v: warnings %q, want %q once", args, got, schedulerWarning)
		}
		if slices.Contains(args, "json") {
			var v validateDoc
			jsonDoc(t, stdout, &v)
			if !reflect.DeepEqual(v.NotModelledFlinkKeys, []string{"jobmanager.scheduler"}) {
				t.Errorf("%v: not_modelled_flink_keys %q", args, v.NotModelledFlinkKeys)
			}
		}
	}
}

// restartScenario sets restart-strategy.type, a name Flink 1.15 and 1.16
// do not know: there the job restarts without end.
const restartScenario = `name: restart
duration: 10s
seed: 7
flink:
  execution.checkpointing.interval: 5s
  restart-strategy.type: fixed-delay
sources:
  - {name: events, partitions: 2, rate: 10k/s}
sinks:
  - {name: db, capacity: 20k/s}
checkpoint-storage: {type: s3}
`

// TestSweepPointWarnings: a warning only some points of a sweep have (the
// flink-version of a --grid ignores a key the scenario sets) is printed
// once, before the runs, with the points it applies to, not once per run;
// one at a point's own setting names its --grid. sweep plan, which loads
// each --grid value alone, says which values bring it.
func TestSweepPointWarnings(t *testing.T) {
	restart := writeScenario(t, "restart.yaml", restartScenario)
	ignored := "restart.yaml:6:3: flink.restart-strategy.type: ignored: Flink 1.15 does not know this name"
	for _, c := range []struct {
		args []string
		want string // the prefix of the one warning
	}{
		{[]string{"sweep", restart, "--grid", "flink-version=1.15,2.0", "--replicas", "2"},
			"flinksim: warning: flink-version=1.15 (1 of 2 points): " + filepath.Dir(restart) + "/" + ignored},
		{[]string{"sweep", restart, "--grid", "flink.parallelism.default=1,2", "--grid", "flink-version=1.15,2.0"},
			"flinksim: warning: flink-version=1.15 (2 of 4 points): " + filepath.Dir(restart) + "/" + ignored},
		{[]string{"sweep", "plan", restart, "--grid", "flink.parallelism.default=1,2", "--grid", "flink-version=1.15,2.0"},
			"flinksim: warning: flink-version=1.15 (2 of 4 points): " + filepath.Dir(restart) + "/" + ignored},
		{[]string{"sweep", "testdata/tiny.yaml", "--set", "flink-version=1.15", "--grid", "flink.restart-strategy.type=fixed-delay"},
			"flinksim: warning: the only point: --grid flink.restart-strategy.type: flink.restart-strategy.type: Flink 1.15 does not know this name"},
		// only the combination of two values brings it: neither alone
		{[]string{"sweep", "plan", "testdata/tiny.yaml", "--grid", "flink-version=1.15,2.0", "--grid", "flink.restart-strategy.type=fixed-delay,none"},
			"flinksim: warning: flink-version=1.15 (2 of 4 points): --grid flink.restart-strategy.type: flink.restart-strategy.type: Flink 1.15 does not know this name"},
		// the same warning at every value of a key is one, the values cut short
		// (none, disable and off are one strategy: a grid takes it once)
		{[]string{"sweep", "plan", "testdata/tiny.yaml", "--set", "flink-version=1.15", "--grid", "flink.restart-strategy.type=fixed-delay,none,failure-rate,exponential-delay",
			"--grid", "flink.parallelism.default=1,2"},
			"flinksim: warning: all 8 points: --grid flink.restart-strategy.type: flink.restart-strategy.type: Flink 1.15 does not know this name"},
	} {
		args := append(c.args, "-q")
		if c.args[1] != "plan" { // sweep plan writes nothing
			args = append(args, "--out", filepath.Join(t.TempDir(), "out"))
		}
		code, _, stderr := cli(t, args...)
		got := warningLines(stderr)
		if code != exitOK || len(got) != 1 || !strings.HasPrefix(got[0], c.want) {
			t.Errorf("%v: exit %d, warnings:\n%s\nwant one starting\n%s", c.args, code, strings.Join(got, "\n"), c.want)
		}
	}
}

// sweptTimeoutScenario sets a Kafka transaction timeout not above the
// checkpoint interval: a warning at the timeout's line.
const sweptTimeoutScenario = `name: swept
duration: 10s
flink:
  execution.checkpointing.interval: 2min
  execution.checkpointing.storage: jobmanager
sources:
  - {name: orders, kind: kafka, partitions: 2, rate: 1k/s}
sinks:
  - name: topic
    system: kafka
    delivery-guarantee: exactly-once
    kafka: {transaction-timeout: 1min}
`

// TestSweptBaseWarning: sweep, sweep plan and plan print the base's
// warnings that some point has: one about the base's value of a key every
// point sets (the grid's under any of its names, plan's target), wherever
// it is located, is in no run. A point whose own value brings it has it
// printed with the points; a sweep of another key prints the base's, and
// so does merge, which loads no point.
func TestSweptBaseWarning(t *testing.T) {
	sc := writeScenario(t, "swept.yaml", sweptTimeoutScenario)
	base := "flinksim: warning: " + sc + ":12:34: sinks.topic.kafka.transaction-timeout: transaction-timeout 1m"
	dir := t.TempDir()
	if code, _, errs := cli(t, "sweep", sc, "-q", "--no-plots", "--out", dir, "--grid", "sinks.topic.kafka.transaction-timeout=5min,10min", "--shard", "0/1"); code != exitOK {
		t.Fatalf("the shard to merge: %s", errs)
	}
	for _, c := range []struct {
		args []string
		want []string // the prefixes of the warnings
	}{
		{[]string{"sweep", "plan", sc, "--grid", "sinks.topic.kafka.transaction-timeout=5min,10min"}, nil},
		{[]string{"sweep", "plan", sc, "--grid", "sinks[0].kafka.transaction-timeout=5min,10min"}, nil},
		{[]string{"sweep", sc, "--grid", "sinks.topic.kafka.transaction-timeout=5min,10min"}, nil},
		{[]string{"sweep", "plan", sc, "--grid", "sinks.topic.kafka.transaction-timeout=90s,10min"},
			[]string{"flinksim: warning: sinks.topic.kafka.transaction-timeout=90s (1 of 2 points): --grid sinks.topic.kafka.transaction-timeout: sinks.topic.kafka.transaction-timeout: transaction-timeout 90s"}},
		{[]string{"sweep", "plan", sc, "--grid", "sources.orders.rate=1k/s,2k/s"}, []string{base}},
		// about the interval, located at the timeout: no point's interval is 2m
		{[]string{"sweep", "plan", sc, "--grid", "flink.execution.checkpointing.interval=30s,45s"}, nil},
		{[]string{"sweep", "plan", sc, "--grid", "flink.execution.checkpointing.interval=30s,90s"},
			[]string{"flinksim: warning: flink.execution.checkpointing.interval=90s (1 of 2 points): " + sc + ":12:34: sinks.topic.kafka.transaction-timeout: transaction-timeout 1m (transaction.timeout.ms) is not above the checkpoint interval 90s"}},
		{[]string{"sweep", "merge", sc, "--no-plots", "--out", dir, "--grid", "sinks.topic.kafka.transaction-timeout=5min,10min"}, []string{base}},
		{[]string{"plan", sc, "--duration", "10s", "--target", "sinks.topic.kafka.transaction-timeout=5min..10min", "--for", "stable"}, nil},
	} {
		args := append(c.args, "-q")
		if c.args[0] == "sweep" && c.args[1] != "plan" && c.args[1] != "merge" {
			args = append(args, "--out", filepath.Join(t.TempDir(), "out"))
		}
		code, _, stderr := cli(t, args...)
		got := warningLines(stderr)
		ok := (code == exitOK || c.args[0] == "plan" && code == exitUnmet) && len(got) == len(c.want) // plan: whatever it finds
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], c.want[i])
		}
		if !ok {
			t.Errorf("%v: exit %d, warnings:\n%s\nwant %d, starting\n%s", c.args, code, strings.Join(got, "\n"), len(c.want), strings.Join(c.want, "\n"))
		}
	}
}

// TestSweepPlanManyPointsWarnings: above confirmRuns points sweep plan
// loads each --grid value alone, says so, and names the values that bring
// a warning, a few and how many more.
func TestSweepPlanManyPointsWarnings(t *testing.T) {
	code, _, stderr := cli(t, "sweep", "plan", "testdata/tiny.yaml", "--set", "flink-version=1.15",
		"--grid", "flink.restart-strategy.exponential-delay.attempts-before-reset-backoff=1..101/101", "--grid", "flink.parallelism.default=1..100/100")
	note := "flinksim: note: warnings are from each --grid value alone, not from each of the 10100 points (more than 10000 to load)"
	want := "flinksim: warning: flink.restart-strategy.exponential-delay.attempts-before-reset-backoff=1 or 2 or 3 or 4 or 5 or 96 more (101 of 201 grid values): --grid flink.restart-strategy.exponential-delay.attempts-before-reset-backoff: "
	got := warningLines(stderr)
	if code != exitOK || !strings.Contains(stderr, note) || len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("exit %d, stderr:\n%s\nwant the note %q and one warning starting %q", code, stderr, note, want)
	}
}

// TestSweepPlanRefusedCombination: sweep plan, like sweep, refuses a
// combination of --grid values the scenario refuses (each value alone is
// fine: 1g with the default network memory, 300m in 4g), exit 2, the
// problem at the --grid value that brings it.
func TestSweepPlanRefusedCombination(t *testing.T) {
	want := "--grid flink.taskmanager.memory.process.size=1g: flink.taskmanager.memory.process.size: "
	for _, cmd := range [][]string{{"sweep", "plan"}, {"sweep", "--out", filepath.Join(t.TempDir(), "out")}} {
		args := append(cmd, "testdata/tiny.yaml", "-q",
			"--grid", "flink.taskmanager.memory.process.size=1g,4g", "--grid", "flink.taskmanager.memory.network.min=64m,300m")
		code, stdout, stderr := cli(t, args...)
		if code != exitScenario || stdout != "" || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "leave no task heap") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant exit %d and a problem starting %q", cmd, code, stdout, stderr, exitScenario, want)
		}
	}
}

// TestPlanTriedValuesWarnings: plan prints the warnings of the values it
// tries that the base has not, once each, with the values.
func TestPlanTriedValuesWarnings(t *testing.T) {
	code, _, stderr := cli(t, "plan", "testdata/tiny.yaml", "-q", "--duration", "10s",
		"--target", "flink.metrics.latency.interval=1s..10s", "--for", "stable")
	want := []string{"flinksim: warning: all 2 values tried: 1 Flink key would change the result but is not modelled; this run ignores it: metrics.latency.interval"}
	if got := warningLines(stderr); code != exitOK || !reflect.DeepEqual(got, want) {
		t.Errorf("exit %d, warnings %q, want %q", code, got, want)
	}
}

// variantsScenario is a 1.17 scenario whose variants set a key 1.17 does
// not know (and the hashmap backend ignores) and one not modelled.
const variantsScenario = `name: v117
duration: 10s
seed: 7
flink-version: "1.17"
flink:
  execution.checkpointing.interval: 5s
  pipeline.object-reuse: true
sources:
  - {name: events, partitions: 2, rate: 10k/s}
sinks:
  - {name: db, capacity: 20k/s}
variants:
  - name: incr
    set: {flink.execution.checkpointing.incremental: true}
  - name: sched
    set: {flink.jobmanager.scheduler: adaptive}
checkpoint-storage: {type: s3}
`

// TestValidateVariantWarnings: validate, the full check, prints the
// warnings of the variants as run prints them (run's own: each once; one at
// the variant's set: entry, which names it, as a problem there is), and
// its JSON has them: the warnings at the variant's path, the keys not
// modelled of every run.
func TestValidateVariantWarnings(t *testing.T) {
	path := writeScenario(t, "v117.yaml", variantsScenario)
	incr := "v117.yaml:14:11: variants.incr.set.flink.execution.checkpointing.incremental: ignored: the hashmap state backend takes full snapshots"
	code, _, stderr := cli(t, "validate", path, "-q")
	text := warningLines(stderr)
	has := oneWarning
	if code != exitOK || len(text) != 5 || !has(text, "flinksim: warning: /", incr) || // at the variant's own path: no "incr: " before it
		has(text, "flinksim: warning: incr: ", incr) ||
		!has(text, "flinksim: warning: base: 1 Flink key", "this run ignores it: pipeline.object-reuse") ||
		!has(text, "flinksim: warning: incr: 1 Flink key", "this run ignores it: pipeline.object-reuse") ||
		!has(text, "flinksim: warning: sched: 2 Flink keys", "this run ignores them: pipeline.object-reuse jobmanager.scheduler") {
		t.Errorf("validate: exit %d, warnings:\n%s", code, strings.Join(text, "\n"))
	}

	code, out, stderr := cli(t, "validate", path, "-o", "json")
	var v validateDoc
	jsonDoc(t, out, &v)
	var paths []string
	for _, w := range v.Warnings {
		paths = append(paths, w["path"].(string))
	}
	if code != exitOK || !reflect.DeepEqual(warningLines(stderr), text) || !slices.Contains(paths, "variants.incr.set.flink.execution.checkpointing.incremental") ||
		!reflect.DeepEqual(v.NotModelledFlinkKeys, []string{"pipeline.object-reuse", "jobmanager.scheduler"}) {
		t.Errorf("validate -o json: exit %d, warnings %q, not modelled %q, stderr:\n%s", code, paths, v.NotModelledFlinkKeys, stderr)
	}

	// run prints the same warnings, each once (it loads every variant
	// again to run it)
	code, _, stderr = cli(t, "run", path, "-q", "--out", filepath.Join(t.TempDir(), "out"))
	if got := warningLines(stderr); code != exitOK || !reflect.DeepEqual(got, text) {
		t.Errorf("run: exit %d, warnings:\n%s\nwant validate's:\n%s", code, strings.Join(got, "\n"), strings.Join(text, "\n"))
	}
}

// oneWarning: exactly one of ws starts with prefix and holds part.
func oneWarning(ws []string, prefix, part string) bool {
	n := 0
	for _, w := range ws {
		if strings.HasPrefix(w, prefix) && strings.Contains(w, part) {
			n++
		}
	}
	return n == 1
}

// TestVariantWarningsWithProblems: with problems, every run's warnings
// come with them, a variant's keys not modelled at its path.
func TestVariantWarningsWithProblems(t *testing.T) {
	path := writeScenario(t, "v117.yaml", variantsScenario)
	incr := "v117.yaml:14:11: variants.incr.set.flink.execution.checkpointing.incremental: ignored: the hashmap state backend takes full snapshots"
	has := oneWarning
	// with a bad flag, every run's warnings come with its problem
	code, _, stderr := cli(t, "validate", path, "--bogus")
	if got := warningLines(stderr); code != exitScenario || len(got) != 4 || !has(got, "flinksim: warning: "+filepath.Dir(path)+"/", incr) ||
		!has(got, "flinksim: warning: variants.sched: 2 Flink keys", "jobmanager.scheduler") {
		t.Errorf("validate --bogus: exit %d, stderr:\n%s", code, stderr)
	}
	// and so with overrides that break every run: a variant's keys not
	// modelled that are others than the base's are said at its path
	code, _, stderr = cli(t, "validate", path, "--set", "flink.parallelism.default=3", "--set", "flink={parallelism: {default: 4}}")
	if got := warningLines(stderr); code != exitScenario || len(got) != 4 || !has(got, "flinksim: warning: "+filepath.Dir(path)+"/", incr) ||
		!has(got, "flinksim: warning: 1 Flink key", "pipeline.object-reuse") ||
		!has(got, "flinksim: warning: variants.sched: 2 Flink keys", "jobmanager.scheduler") {
		t.Errorf("validate with a --set twice: exit %d, stderr:\n%s", code, stderr)
	}
}
