package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOverrideFlagsNamedAsFlags: problems with --seed and --duration are
// reported at the flag, an empty one included, for every command that takes
// them.
func TestOverrideFlagsNamedAsFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--duration", "0"}, "--duration: must be more than 0s and at most 366d, not 0s\nflinksim: 1 problem in the flags\n"},
		// past the simulator's clock too: the run's bound is the one to name
		{[]string{"--duration", "99999999d"}, "--duration: must be more than 0s and at most 366d, not 99999999d\nflinksim: 1 problem in the flags\n"},
		{[]string{"--set", "duration=60000d"}, "--set duration=60000d: duration: must be more than 0s and at most 366d, not 60000d\nflinksim: 1 problem in the flags\n"},
		{[]string{"--duration", "5x"}, "--duration: \"5x\": unknown unit \"x\" (use ns, us, ms, s, m or min, h, d, w)\nflinksim: 1 problem in the flags\n"},
		{[]string{"--duration", "1s"}, "--duration: 1s is shorter than simulation.sample-interval (5s, the default): set simulation.sample-interval to at most the duration, or run longer\nflinksim: 1 problem in the flags\n"},
		{[]string{"--duration", ""}, "--duration: is empty; give a value, e.g. --duration 30m\nflinksim: 1 problem in the flags\n"},
		{[]string{"--seed", " "}, "--seed: is empty; give a value, e.g. --seed 7\nflinksim: 1 problem in the flags\n"},
		{[]string{"--seed", "x"}, "--seed: must be a whole number, 0 or more and at most 9007199254740991 so that JSON readers keep it exact, not \"x\"\nflinksim: 1 problem in the flags\n"},
		{[]string{"--seed", "9007199254740992"}, "--seed: must be a whole number, 0 or more and at most 9007199254740991 so that JSON readers keep it exact, not \"9007199254740992\"\nflinksim: 1 problem in the flags\n"},
		{[]string{"--seed", "13061913804637609277"}, "--seed: must be a whole number, 0 or more and at most 9007199254740991 so that JSON readers keep it exact, not \"13061913804637609277\"\nflinksim: 1 problem in the flags\n"},
		{[]string{"--set", "duration=0"}, "--set duration=0: duration: must be more than 0s and at most 366d, not 0s\nflinksim: 1 problem in the flags\n"},
		// below it as above: the field's range, not that durations are at least 0
		{[]string{"--duration", "-1m"}, "--duration: must be more than 0s and at most 366d, not -1m\nflinksim: 1 problem in the flags\n"},
		{[]string{"--set", "duration=-5m"}, "--set duration=-5m: duration: must be more than 0s and at most 366d, not -5m\nflinksim: 1 problem in the flags\n"},
	} {
		for _, cmd := range []string{"run", "compare"} {
			args := append([]string{cmd, "backpressure", "--out", t.TempDir()}, c.args...)
			code, _, stderr := cli(t, args...)
			if code != exitScenario || stderr != c.want {
				t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2 and:\n%s", args, code, stderr, c.want)
			}
		}
	}
}

// TestEmptyFlagValuesRefused: a flag given an empty value (a CI line's
// unset variable, --expect "$OUTCOME") is refused at the flag, exit 2, in
// every command that takes it, not taken as the flag left out: no outcome
// checked, the base run, the available memory, the runs made again, the
// whole sweep. Each empty value's problem is reported once.
func TestEmptyFlagValuesRefused(t *testing.T) {
	grid := []string{"--grid", "sinks.jdbc.capacity=10k/s,20k/s"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "backpressure", "--expect", ""}, "--expect: is empty; give a value, e.g. --expect stable\n"},
		{[]string{"run", "backpressure", "--expect", " "}, "--expect: is empty; give a value, e.g. --expect stable\n"},
		{[]string{"run", "checkpoint-death-spiral", "--variant", ""}, "--variant: is empty; give a value, e.g. --variant base\n"},
		{[]string{"run", "checkpoint-death-spiral", "--variant", "base", "--variant", " "}, "--variant: is empty; give a value, e.g. --variant base\n"},
		{[]string{"run", "backpressure", "--max-memory", ""}, "--max-memory: is empty; give a value, e.g. --max-memory 8GB\n"},
		{[]string{"compare", "checkpoint-death-spiral", "--from", ""}, "--from: is empty; give a value, e.g. --from out\n"},
		{[]string{"compare", "checkpoint-death-spiral", "--variant", ""}, "--variant: is empty; give a value, e.g. --variant base\n"},
		{append([]string{"sweep", "backpressure", "--shard", ""}, grid...), "--shard: is empty; give a value, e.g. --shard 3/10\n"},
		{append([]string{"sweep", "backpressure", "--out", ""}, grid...), "--out: is empty; give a directory, e.g. --out out\n"},
		{append([]string{"sweep", "merge", "backpressure", "--out", ""}, grid...), "--out: is empty; give a directory, e.g. --out out\n"},
	} {
		args := append(slices.Clone(c.args), "--duration", "10s")
		if !slices.Contains(args, "--out") {
			args = append(args, "--out", filepath.Join(t.TempDir(), "out"))
		}
		code, _, stderr := cli(t, args...)
		if want := c.want + "flinksim: 1 problem in the flags\n"; code != exitScenario || stderr != want {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant exit 2 and:\n%s", args, code, stderr, want)
		}
	}
	// An empty --variant hides no other problem: the scenario is still
	// loaded, every run of it (a break-test helper found a --set problem
	// left out).
	code, _, stderr := cli(t, "run", "checkpoint-death-spiral", "--variant", "", "--set", "foo=1", "--out", filepath.Join(t.TempDir(), "out"))
	if code != exitScenario || !strings.HasPrefix(stderr, "--variant: is empty;") || !strings.Contains(stderr, "--set foo=1: foo: unknown field") {
		t.Errorf("empty --variant with --set foo=1: exit %d, stderr:\n%s\nwant exit 2, both problems", code, stderr)
	}
	// nor does an empty flag hide a --variant the scenario does not have
	code, _, stderr = cli(t, "run", "checkpoint-death-spiral", "--variant", "nope", "--expect", "", "--out", filepath.Join(t.TempDir(), "out"))
	// (the unknown variant is --variant's problem: both are the flags')
	if code != exitScenario || !strings.HasPrefix(stderr, "--expect: is empty;") || !strings.Contains(stderr, `--variant: no variant "nope" in builtin:checkpoint-death-spiral`) ||
		!strings.Contains(stderr, "2 problems in the flags\n") {
		t.Errorf("--variant nope with an empty --expect: exit %d, stderr:\n%s\nwant exit 2, both problems", code, stderr)
	}
	// nor a --set that is wrong in every run (an unknown field, a value
	// out of range); one that only a variant makes right (a sample
	// interval within its longer duration) may be meant for the variant
	// misnamed: not told
	file := filepath.Join(t.TempDir(), "longer.yaml")
	os.WriteFile(file, []byte("name: longer\nduration: 1m\nsources: [{name: src, rate: 1k/s}]\nsinks: [{name: out}]\n"+
		"variants: [{name: longer, set: {duration: 1h}}]\n"), 0o644)
	code, _, stderr = cli(t, "run", file, "--variant", "longr", "--set", "nonsense=1", "--set", "simulation.sample-interval=10m",
		"--set", "sinks.out.latency=-1ms", "--out", filepath.Join(t.TempDir(), "out"))
	for _, want := range []string{`--variant: no variant "longr"`, "--set nonsense=1: nonsense: unknown field", "--set sinks.out.latency=-1ms: ", "3 problems in the flags\n"} {
		if code != exitScenario || !strings.Contains(stderr, want) || strings.Contains(stderr, "sample-interval") {
			t.Errorf("--variant longr with --set: exit %d, stderr:\n%s\nwant exit 2, %q, nothing of the sample interval", code, stderr, want)
		}
	}
	// nor a --duration that suits no run (a --set may be meant for the
	// variant misnamed: not judged against another run)
	code, _, stderr = cli(t, "run", "checkpoint-death-spiral", "--variant", "nope", "--duration", "-1s", "--out", filepath.Join(t.TempDir(), "out"))
	if code != exitScenario || !strings.HasPrefix(stderr, "--duration: must be more than 0s") || !strings.Contains(stderr, `no variant "nope"`) {
		t.Errorf("--variant nope with --duration -1s: exit %d, stderr:\n%s\nwant exit 2, both problems", code, stderr)
	}
	// nor when a known variant is named too and a flag's value fails its load
	code, _, stderr = cli(t, "run", "checkpoint-death-spiral", "--variant", "changelog", "--variant", "nope", "--seed", "x", "--out", filepath.Join(t.TempDir(), "out"))
	if code != exitScenario || !strings.Contains(stderr, `--seed: must be a whole number`) || !strings.Contains(stderr, `no variant "nope"`) || strings.Count(stderr, "--seed:") != 1 {
		t.Errorf("--variant changelog --variant nope with --seed x: exit %d, stderr:\n%s\nwant exit 2, both problems, each once", code, stderr)
	}
}

// withStdin makes os.Stdin read content for the rest of the test.
func withStdin(t *testing.T, content string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old; f.Close() })
}

// TestScenarioFromStdin: "-" reads the scenario from standard input, named
// <stdin> in problems, bounded like a file.
func TestScenarioFromStdin(t *testing.T) {
	withStdin(t, "name: piped\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: o, input: s}]\n")
	code, stdout, stderr := cli(t, "validate", "-")
	if code != exitOK || stdout != "<stdin>: ok\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	tiny, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	withStdin(t, string(tiny))
	dir := filepath.Join(t.TempDir(), "out")
	if code, stdout, stderr := cli(t, "run", "-", "--duration", "10s", "--no-plots", "--out", dir); code != exitOK || !strings.Contains(stdout, "tiny") {
		t.Fatalf("run -: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); err != nil {
		t.Error(err)
	}
	for _, args := range [][]string{{"validate", "-"}, {"run", "-", "--out", t.TempDir()}} {
		withStdin(t, "name: bad\nsources:\n  - {name: s, rate: fast}\nsinks:\n  - {name: o, input: s}\n")
		code, _, stderr := cli(t, args...)
		if code != exitScenario || !strings.HasPrefix(stderr, "<stdin>:3:21: sources.s.rate: ") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and <stdin>:3:21: sources.s.rate: ...", args, code, stderr)
		}
	}
}

// TestStdinIsBounded: an endless standard input is read up to the size
// limit and refused, never held in memory whole.
func TestStdinIsBounded(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { // writes until the read end is closed
		buf := make([]byte, 64<<10)
		for {
			if _, err := w.Write(buf); err != nil {
				w.Close()
				return
			}
		}
	}()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	code, _, stderr := cli(t, "validate", "-")
	if code != exitScenario || !strings.HasPrefix(stderr, "<stdin>: the input is larger than 4 MiB") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// flagProblemCases are TestFlagProblemsReportedTogether's commands, each
// with its lines' starts, in order (the count follows), and where they are.
var flagProblemCases = func() []struct {
	args  []string
	lines []string
	where string
} {
	tiny, broken, grid := "testdata/tiny.yaml", "testdata/tiny-broken.yaml", "sinks.db.capacity=5k/s,20k/s"
	return []struct {
		args  []string
		lines []string
		where string
	}{
		{[]string{"run", tiny, "--expect", "bogus", "-o", "yaml", "--duration", "-1m"},
			[]string{`--expect: "bogus" is not an outcome`, `--output: "yaml" is not a format`, `--duration: must be more than 0s and at most 366d, not -1m`}, "the flags"},
		{[]string{"run", tiny, "-j", "-3", "--seed", "", "--start-time", "x", "--set", "sinks.db.capacity=fast"},
			[]string{"--seed: is empty", "--jobs: -3: must be 0", `--start-time: "x" is not an RFC 3339 time`, "--set sinks.db.capacity=fast: sinks.db.capacity: "}, "the flags"},
		{[]string{"run", "no-such-scenario", "--expect", "bogus"},
			[]string{`--expect: "bogus"`, `flinksim: no built-in scenario "no-such-scenario"`}, "the flags and the arguments"},
		{[]string{"run", "testdata/ckpt-variants.yaml", "--variant", "incremental", "--variant", "incremental"},
			[]string{"--variant: incremental: given twice; give each once"}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--replicas", "400000"},
			[]string{"--replicas: 400000: must be from 1 to 333333 with 3 runs to compare"}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--variant", "unaligned"},
			[]string{"--variant: names one run; compare needs two or more, e.g. --variant base --variant incremental"}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "-j", "-1", "--replicas", "0", "-o", "csv"},
			[]string{"--jobs: -1", "--replicas: 0: must be from 1", `--output: "csv"`}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--from", "runs", "--openmetrics", "--start-time", "2026-01-01T00:00:00Z", "-j", "2", "--max-memory", "1GB"},
			[]string{"--openmetrics: not with --from, which reads runs already made: metrics.om.txt is written with a run",
				"--start-time: not with --from", "--jobs: not with --from", "--max-memory: not with --from", "--from: runs: no such directory"}, "the flags"},
		// --from that holds no runs: what is missing and what it should hold
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--from", "testdata/nonexist", "--duration", "x"},
			[]string{"--from: testdata/nonexist: no such directory; give the --out of an earlier flinksim run of this scenario, which holds a directory per run (DIR/base/, DIR/<variant>/)", `--duration: "x" is not a duration`}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--from", "testdata/tiny.yaml"},
			[]string{"--from: testdata/tiny.yaml: is a file, not a directory; give the --out of an earlier flinksim run"}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--from", "testdata"},
			[]string{"--from: testdata: no summary.json of run base (testdata/base/summary.json: no such file or directory); give the --out of an earlier flinksim run"}, "the flags"},
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..5k/s", "--replicas", "0", "--for", "x<=abc", "--for", "stable<=1", "--duration", "-5m", "-j", "-1"},
			[]string{"--jobs: -1", "--replicas: 0: must be from 1 to 1000000", `--for: no outcome "x"`, `--for: "stable<=1": stable is yes or no`, `--duration: must be more than 0s and at most 366d, not -5m`}, "the flags"},
		// a seed is not a setting to bisect: runs draw their own seeds
		{[]string{"plan", tiny, "--target", "seed=1..10", "--for", "stable"},
			[]string{"--target: seed: "}, "the flags"},
		// more replicas than a sweep may run: the flag's problem, as sweep's
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..5k/s", "--for", "stable", "--replicas", "2000000"},
			[]string{"--replicas: 2000000: must be from 1 to 1000000"}, "the flags"},
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=zz..5k/s", "--for", "stable", "-j", "-1"},
			[]string{"--jobs: -1", `--target: sinks.db.capacity=zz: sinks.db.capacity: "zz"`}, "the flags"},
		{[]string{"plan", tiny},
			[]string{"--target: none given: give the setting to choose and its range, key=lo..hi", "--for: none given"}, "the flags"},
		{[]string{"plan", tiny, "--for", "stable"},
			[]string{"--target: none given: give the setting to choose and its range, key=lo..hi, e.g. --target flink.parallelism.default=1..64"}, "the flags"},
		{[]string{"plan", tiny, "--target", "sinks.db.capacity", "--for", "stable"},
			[]string{`--target: "sinks.db.capacity": want key=lo..hi`}, "the flags"},
		// an operator with nothing after it: the value is missing, not "="
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..5k/s", "--for", "latency_p99_s<=", "--for", "lag_end>= "},
			[]string{`--for: "latency_p99_s<=": no value after <=`, `--for: "lag_end>= ": no value after >=`}, "the flags"},
		// values without order: a problem of the flag, not the search's
		{[]string{"plan", tiny, "--target", "flink-version=1.15..2.0", "--for", "stable"},
			[]string{"--target: flink-version: 1.15..2.0: values without order"}, "the flags"},
		{[]string{"plan", tiny, "--target", "flink.state.backend.type=hashmap..rocksdb", "--for", "stable"},
			[]string{"--target: flink.state.backend.type: hashmap..rocksdb: values without order"}, "the flags"},
		// a byte that is not UTF-8, refused as a file's is, not read as U+FFFD
		{[]string{"run", tiny, "--set", "name=caf\xe9", "--set", "sinks.db.capacity=1k/s"},
			[]string{`--set: "name=caf\xe9": byte 0xE9 is not UTF-8 text; give it as UTF-8`}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "name=caf\xe9,b"},
			[]string{`--grid: "name=caf\xe9,b": byte 0xE9 is not UTF-8 text; give it as UTF-8`}, "the flags"},
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..2k/s\xe9", "--for", "stable"},
			[]string{`--target: "sinks.db.capacity=1k/s..2k/s\xe9": byte 0xE9 is not UTF-8 text; give it as UTF-8`}, "the flags"},
		// ends a text field takes but no numbers: plan bisects numbers
		{[]string{"plan", tiny, "--target", "name=a..b", "--for", "stable"},
			[]string{`--target: name: "a" is not a number, count, duration, size or rate: plan bisects a range of numbers (a count, a duration, a size or a rate)`}, "the flags"},
		// ends that read but run the wrong way: a problem of the flag, with the rest
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=5k/s..1k/s", "--for", "stable", "-j", "-1"},
			[]string{"--jobs: -1", "--target: sinks.db.capacity: range 5k/s..1k/s must go from low to high"}, "the flags"},
		// a condition given twice, however spaced, as --outcome's
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..5k/s", "--for", "stable", "--for", "lag_end<=5", "--for", "lag_end <= 5", "--for", "stable"},
			[]string{"--for: lag_end<=5: given twice; give each once", "--for: stable: given twice; give each once"}, "the flags"},
		// ends that agree: one value, not a range the wrong way
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=5k/s..5000/s", "--for", "stable"},
			[]string{"--target: sinks.db.capacity: range 5k/s..5000/s is one value: give two different ends (a single value is set with --set)"}, "the flags"},
		// a scenario that does not load: the bounds are still checked, and
		// its own problem is reported once, as its own
		{[]string{"plan", broken, "--target", "sinks.db.capacity=zz..5k/s", "--for", "stable"},
			[]string{`--target: sinks.db.capacity=zz: sinks.db.capacity: "zz"`, "testdata/tiny-broken.yaml:7:32: sources.events.partitions: must be from 1"}, "the flags and the scenario"},
		{[]string{"sweep", broken, "--grid", "flink.parallelism.default=2,0"},
			[]string{"--grid: flink.parallelism.default=0: flink.parallelism.default: 0 is out of range", "testdata/tiny-broken.yaml:7:32: sources.events.partitions: must be from 1"}, "the flags and the scenario"},
		{[]string{"sweep", tiny, "--grid", "a", "--grid", "b=1..2", "--grid", "flink.parallelism.default=2,0", "-j", "-2", "--outcome", "speed", "--shard", "2/2"},
			[]string{"--jobs: -2", `--outcome: no outcome "speed"`, `--shard: "2/2": want i/n`, `--grid: "a": want key=v1,v2,...`, `--grid: b: range "1..2" needs a number of values`,
				"--grid: flink.parallelism.default=0: flink.parallelism.default: 0 is out of range"}, "the flags"},
		{[]string{"sweep", tiny, "--grid", grid, "--shards", "-3", "--shard", "5/2"},
			[]string{"--shards: -3: must be 1 or more", "--shard: cannot go with --shards", `--shard: "5/2": want i/n`}, "the flags"},
		{[]string{"sweep", tiny, "--grid", "sinks.db.capacity=1k/s,zz", "--set", "sinks.db.capacity=2k/s"},
			[]string{`--grid: sinks.db.capacity: "zz" is not`, "--grid: sinks.db.capacity: swept, and set by --set"}, "the flags"},
		{[]string{"sweep", tiny, "--grid", grid, "--shards", "0"},
			[]string{"--shards: 0: must be 1 or more"}, "the flags"},
		// --replicas 0 given is refused, as -1 is: 0 is only the flag's "not given"
		{[]string{"sweep", tiny, "--grid", grid, "--replicas", "0"},
			[]string{"--replicas: 0: must be from 1"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", grid, "--replicas", "0"},
			[]string{"--replicas: 0: must be from 1"}, "the flags"},
		{[]string{"sweep", "merge", tiny, "--grid", grid, "--replicas", "0"},
			[]string{"--replicas: 0: must be from 1"}, "the flags"},
		// every value of a --grid that does not read, not only the first
		{[]string{"sweep", "plan", tiny, "--grid", "sinks.db.capacity=zz,1k/s,yy", "--grid", "flink.execution.checkpointing.interval=1h30m..2 w/3"},
			[]string{`--grid: sinks.db.capacity: "zz" is not`, `--grid: sinks.db.capacity: "yy" is not`,
				`--grid: flink.execution.checkpointing.interval: "1h30m"`, `--grid: flink.execution.checkpointing.interval: "2 w"`}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", grid, "--shards", "0"},
			[]string{"--shards: 0: must be 1 or more"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "foo=1,2"},
			[]string{"--grid: foo=1,2: foo: unknown field"}, "the flags"},
		// a problem every value has cites the argument as given, never a
		// value the user did not write; one value's, the value
		{[]string{"plan", tiny, "--target", "x=1..2", "--for", "stable"},
			[]string{"--target: x=1..2: x: unknown field"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "flink.parallelism.default=-2..2/3"},
			[]string{"--grid: flink.parallelism.default=-2: flink.parallelism.default: -2 is out of range",
				"--grid: flink.parallelism.default=-2..2/3 (its value 0): flink.parallelism.default: 0 is out of range"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "flink.parallelism.default=0,2,-4"},
			[]string{"--grid: flink.parallelism.default=0: flink.parallelism.default: 0 is out of range", "--grid: flink.parallelism.default=-4: flink.parallelism.default: -4 is out of range"}, "the flags"},
		{[]string{"sweep", tiny, "--grid", "flink.parallelism.default=2,4", "--set", "flink.parallelism.default=8", "--grid", "duration=1m,2m", "--duration", "5m"},
			[]string{"--grid: duration: swept, and set by --duration: a key is either swept or set",
				"--grid: flink.parallelism.default: swept, and set by --set flink.parallelism.default=8: a key is either swept or set"}, "the flags"},
		// plan's target set too, under its old name or by --duration
		{[]string{"plan", tiny, "--target", "flink.execution.checkpointing.num-retained=1..5", "--set", "flink.state.checkpoints.num-retained=3", "--for", "stable"},
			[]string{"--target: flink.execution.checkpointing.num-retained: chosen by --target, and set by --set flink.state.checkpoints.num-retained=3: a key is either chosen or set"}, "the flags"},
		{[]string{"plan", tiny, "--target", "duration=1m..2m", "--duration", "5m", "--for", "stable"},
			[]string{"--target: duration: chosen by --target, and set by --duration"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", grid, "--shards", "-1", "--replicas", "-2"},
			[]string{"--shards: -1: must be 1 or more", "--replicas: -2"}, "the flags"},
		// values pflag cannot parse are reported with the rest, at their
		// flag, in the order given, and only once
		{[]string{"run", tiny, "--duration", "5x", "--max-memory", "abc", "--seed", "x"},
			[]string{`--max-memory: "abc" is not a size (examples: 200B`, `--duration: "5x": unknown unit`, `--seed: must be a whole number`}, "the flags"},
		{[]string{"run", tiny, "-j", "abc", "--openmetrics=maybe", "--expect", "bogus", "-q=x"},
			[]string{`--jobs: "abc" is not a whole number: give one, e.g. --jobs 2`, `--openmetrics: "maybe" is not true or false: give --openmetrics (true) or --openmetrics=false`,
				`--quiet: "x" is not true or false`, `--expect: "bogus" is not an outcome`}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--replicas", "1.5", "-j", "99999999999999999999", "--from", "runs", "--no-plots=no"},
			[]string{`--replicas: "1.5" is not a whole number`, `--jobs: "99999999999999999999" is out of range`, `--no-plots: "no" is not true or false`, "--from: runs: no such directory"}, "the flags"},
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1..x", "--for", "bad<<", "--duration", "5x", "--replicas", "x"},
			[]string{`--replicas: "x" is not a whole number`, `--for: no outcome "bad"`, `--target: sinks.db.capacity=1: sinks.db.capacity: "1" has no time unit`,
				`--target: sinks.db.capacity=x: sinks.db.capacity: "x" has no time unit`, `--duration: "5x": unknown unit`}, "the flags"},
		// a fraction of a byte says so; a --set of nothing names the flag alone
		{[]string{"run", tiny, "--max-memory", "1.5B", "--set", ""},
			[]string{`--max-memory: "1.5B" is not a whole number of bytes`, "--set: must be key=value"}, "the flags"},
		{[]string{"sweep", tiny, "--grid", grid, "--shards", "abc", "--replicas", "2.5", "--max-memory", "-1GB"},
			[]string{`--shards: "abc" is not a whole number`, `--replicas: "2.5" is not a whole number`, `--max-memory: "-1GB" is negative`}, "the flags"},
		// sizes as a scenario writes them: a bare number is bytes; 1gb and
		// 1G, which Flink reads as GiB, are refused rather than read as GB
		{[]string{"run", tiny, "--max-memory", "1gb", "--seed", "x"},
			[]string{`--max-memory: "1gb": "gb" is not a size unit here; write B (bytes), kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)`, `--seed: must be a whole number`}, "the flags"},
		{[]string{"run", tiny, "--max-memory", "0", "--seed", "x"},
			[]string{`--max-memory: "0" is not a size above 0`, `--seed: must be a whole number`}, "the flags"},
		// the root's own, every argument a flag taken out before cobra parses
		{[]string{"--versoin"}, []string{"--versoin: unknown flag; did you mean --version?"}, "the flags"},
		{[]string{"-x"}, []string{"-x: unknown shorthand flag"}, "the flags"},
		{[]string{"--help=x"}, []string{`--help: "x" is not true or false`}, "the flags"},
		{[]string{"run", tiny, "--help=maybe"}, []string{`--help: "maybe" is not true or false`}, "the flags"},
		{[]string{"list", "-q=x", "--verbose=y"},
			[]string{`--quiet: "x" is not true or false`, `--verbose: "y" is not true or false`}, "the flags"},
		// cobra checks the arguments first: their problems come with the flags'
		{[]string{"list", "extra", "-q=x"},
			[]string{`--quiet: "x" is not true or false`, "flinksim: expects no arguments"}, "the flags and the arguments"},
		// a flag of one value given twice, differently: pflag would keep
		// the last without a word (the same value twice is taken)
		{[]string{"run", tiny, "--expect", "overload", "--expect", "stable", "--seed", "1", "--seed", "1", "-j", "1", "-j", "2", "-j", "3"},
			[]string{`--expect: given 2 times, as "overload", then "stable"; it takes one value: give it once`,
				`--jobs: given 3 times, as "1", then "2", then "3"; it takes one value: give it once`}, "the flags"},
		// --duration or --seed and --set of the same: one would silently win
		{[]string{"run", tiny, "--set", "duration=3m", "--duration", "1m", "--set", "seed=4", "--seed", "9"},
			[]string{"--duration: 1m, and --set duration=3m: give the duration once", "--seed: 9, and --set seed=4: give the seed once"}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--seed", "9", "--set", "seed=4"},
			[]string{"--seed: 9, and --set seed=4: give the seed once"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", grid, "--duration", "1m", "--set", "duration=2m"},
			[]string{"--duration: 1m, and --set duration=2m: give the duration once"}, "the flags"},
		// a Flink key swept and set under its older name is one key
		{[]string{"sweep", tiny, "--grid", "flink.execution.checkpointing.unaligned=true,false", "--set", "flink.execution.checkpointing.unaligned.enabled=false"},
			[]string{"--grid: flink.execution.checkpointing.unaligned: swept, and set by --set flink.execution.checkpointing.unaligned.enabled=false: a key is either swept or set"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "flink.state.backend.type=hashmap,rocks", "--set", "flink.state.backend=rocksdb"},
			[]string{`--grid: flink.state.backend.type: "rocks" is not a state backend flinksim models (Flink takes it for a factory class name, and finds none); flinksim models Flink's own: hashmap or rocksdb (any case; forst from Flink 2.0), or the factory class of one`,
				"--grid: flink.state.backend.type: swept, and set by --set flink.state.backend=rocksdb"}, "the flags"},
		// a key swept twice, under one name or two (each point would set
		// it twice), reported with the rest
		{[]string{"sweep", "plan", tiny, "--grid", "flink.state.backend.incremental=true,false", "--grid", "flink.execution.checkpointing.incremental=true", "--duration", "x"},
			[]string{"--grid: flink.execution.checkpointing.incremental: swept twice, also as flink.state.backend.incremental, the same Flink option's other name; give its values in one --grid",
				`--duration: "x" is not a duration`}, "the flags"},
		{[]string{"sweep", tiny, "--grid", "flink.parallelism.default=1,2", "--grid", "flink.parallelism.default=4"},
			[]string{"--grid: flink.parallelism.default: swept twice; give its values in one --grid"}, "the flags"},
		// a key given to two --set, under one name or two: the later would
		// silently replace the earlier (validate, run, compare, sweep, plan)
		{[]string{"run", tiny, "--set", "flink.state.backend.incremental=true", "--set", "flink.execution.checkpointing.incremental=false", "--set", "seed=3", "--set", "seed=4"},
			[]string{"--set: flink.execution.checkpointing.incremental=false: set twice, also as flink.state.backend.incremental=true, the same Flink option's other name; give it once",
				"--set: seed: set twice (3, then 4); give it once"}, "the flags"},
		{[]string{"compare", "testdata/ckpt-variants.yaml", "--set", "flink.parallelism.default=2", "--set", "flink.parallelism.default=2"},
			[]string{"--set: flink.parallelism.default: set twice (2, then 2); give it once"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", grid, "--set", "duration=1m", "--set", "duration=2m"},
			[]string{"--set: duration: set twice (1m, then 2m); give it once"}, "the flags"},
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..20k/s", "--for", "stable", "--set", "seed=1", "--set", "seed=2"},
			[]string{"--set: seed: set twice (1, then 2); give it once"}, "the flags"},
		// one list item's field by its name and by its index (or [index],
		// as problems name an item) is one key
		{[]string{"run", tiny, "--set", "sinks.0.capacity=1k/s", "--set", "sinks.db.capacity=3k/s"},
			[]string{"--set: sinks.db.capacity=3k/s: set twice, also as sinks.0.capacity=1k/s, the same list item's field"}, "the flags"},
		{[]string{"run", tiny, "--set", "sinks=[{name: db, capacity: 1k/s}]", "--set", "sinks[0].capacity=2k/s"},
			[]string{"--set: sinks.0.capacity=2k/s: set twice, also as sinks.db.capacity=1k/s, the same list item's field"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "sinks.0.capacity=1k/s,2k/s", "--set", "sinks.db.capacity=30k/s"},
			[]string{"--grid: sinks.0.capacity=1k/s,2k/s: swept, and set by --set sinks.db.capacity=30k/s, the same list item's field: a key is either swept or set"}, "the flags"},
		// swept, and set inside a --set's value: once, at --grid (not once
		// a value, as a --set given twice)
		{[]string{"sweep", "plan", tiny, "--grid", "sinks.db.capacity=1k/s,2k/s", "--set", "sinks=[{name: db, capacity: 3k/s}]"},
			[]string{"--grid: sinks.db.capacity=1k/s,2k/s: swept, and set by --set sinks=[{name: db, capacity: 3k/s}]: a key is either swept or set"}, "the flags"},
		// plan's words for its --target: chosen, not swept
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..2k/s", "--for", "stable", "--set", "sinks=[{name: db, capacity: 3k/s}]"},
			[]string{"--target: sinks.db.capacity=1k/s..2k/s: chosen by --target, and set by --set sinks=[{name: db, capacity: 3k/s}]: a key is either chosen or set"}, "the flags"},
		{[]string{"sweep", tiny, "--grid", "sinks.0.capacity=1k/s,2k/s", "--set", "sinks={db: {capacity: 3k/s}}"},
			[]string{"--grid: sinks.0.capacity=1k/s,2k/s: swept, and set by --set sinks={db: {capacity: 3k/s}}, the same list item's field: a key is either swept or set"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "flink.execution.checkpointing.incremental=true,false", "--set", "flink={state.backend.incremental: true}"},
			[]string{"--grid: flink.execution.checkpointing.incremental=true,false: swept, and set by --set flink={state.backend.incremental: true}, the same Flink option's other name: a key is either swept or set"}, "the flags"},
		// one list item's field swept by its name and by its index: once,
		// at --grid, before any point loads (not at --set, once a point)
		{[]string{"sweep", tiny, "--grid", "sinks.db.capacity=1k/s,2k/s", "--grid", "sinks.0.capacity=3k/s,4k/s"},
			[]string{"--grid: sinks.0.capacity: swept twice, also as sinks.db.capacity, the same list item's field (an item is named by its name or its index); give its values in one --grid"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "sinks[0].capacity=1k/s,2k/s", "--grid", "sinks.db.capacity=3k/s,4k/s", "--duration", "x"},
			[]string{"--grid: sinks.db.capacity: swept twice, also as sinks[0].capacity, the same list item's field (an item is named by its name or its index); give its values in one --grid",
				`--duration: "x" is not a duration`}, "the flags"},
		// the item a name names once the --set rename it (sinks.db is x
		// after --set sinks.db.name=x): once, at --grid, not once a point
		{[]string{"sweep", "plan", tiny, "--grid", "sinks.x.capacity=1k/s,2k/s", "--grid", "sinks.0.capacity=3k/s,4k/s", "--set", "sinks.db.name=x"},
			[]string{"--grid: sinks.0.capacity: swept twice, also as sinks.x.capacity, the same list item's field (an item is named by its name or its index); give its values in one --grid"}, "the flags"},
		// a list item's index written sinks[0] is sinks.0: a key swept and
		// set so, however each writes it, is refused once
		{[]string{"sweep", "plan", tiny, "--grid", "sinks[0].capacity=1k/s,2k/s", "--set", "sinks.0.capacity=3k/s"},
			[]string{"--grid: sinks[0].capacity: swept, and set by --set sinks.0.capacity=3k/s: a key is either swept or set"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "sinks.0.capacity=1k/s,2k/s", "--set", "sinks[0].capacity=3k/s"},
			[]string{"--grid: sinks.0.capacity: swept, and set by --set sinks[0].capacity=3k/s: a key is either swept or set"}, "the flags"},
		{[]string{"sweep", "plan", tiny, "--grid", "sinks[0].capacity=1k/s,2k/s", "--set", "sinks.db.capacity=3k/s"},
			[]string{"--grid: sinks[0].capacity=1k/s,2k/s: swept, and set by --set sinks.db.capacity=3k/s, the same list item's field: a key is either swept or set"}, "the flags"},
		{[]string{"plan", tiny, "--target", "sinks[0].capacity=1k/s..10k/s", "--for", "stable", "--set", "sinks.0.capacity=3k/s"},
			[]string{"--target: sinks[0].capacity: chosen by --target, and set by --set sinks.0.capacity=3k/s"}, "the flags"},
		{[]string{"sweep", "plan", "testdata/tiny-sweep.yaml", "--set", "sinks[0].capacity=3k/s"},
			[]string{"--set sinks[0].capacity=3k/s: sinks.0.capacity is swept by the scenario's sweep: block: a key is either swept or set"}, "the flags"},
		// a key swept, and set inside a value a --set writes whole (a
		// distribution, a list of values): once, at --grid, not silently
		// replaced at every point
		{[]string{"sweep", "plan", tiny, "--grid", "sinks.db.latency.exponential=1ms,2ms", "--set", "sinks.db.latency={exponential: 3s}"},
			[]string{"--grid: sinks.db.latency.exponential=1ms,2ms: swept, and set by --set sinks.db.latency={exponential: 3s}: a key is either swept or set"}, "the flags"},
		{[]string{"sweep", tiny, "--grid", "sinks.db.latency.exponential=1ms", "--set", "sinks.db={latency: {exponential: 3ms}}", "--duration", "1m"},
			[]string{"--grid: sinks.db.latency.exponential=1ms: swept, and set by --set sinks.db={latency: {exponential: 3ms}}: a key is either swept or set"}, "the flags"},
		{[]string{"sweep", "plan", "testdata/eventtime-readers.yaml", "--grid", "sources.events.event-time.pauses.0.for=1m,2m",
			"--set", "sources.events.event-time.pauses=[{partitions: [1], at: 10s, for: 3m}]"},
			[]string{"--grid: sources.events.event-time.pauses.0.for=1m,2m: swept, and set by --set sources.events.event-time.pauses=[{partitions: [1], at: 10s, for: 3m}]: a key is either swept or set"}, "the flags"},
		// a key of the scenario's sweep: block that a --set reaches by
		// another path, or inside its value: once, at the --set
		{[]string{"sweep", "plan", "testdata/tiny-sweep.yaml", "--set", "sinks.0.capacity=3k/s"},
			[]string{"--set sinks.0.capacity=3k/s: sinks.0.capacity is swept by the scenario's sweep: block: a key is either swept or set"}, "the flags"},
		{[]string{"sweep", "plan", "testdata/tiny-sweep.yaml", "--set", "sinks.db.capacity=3k/s"},
			[]string{"--set sinks.db.capacity=3k/s: sinks.0.capacity is swept by the scenario's sweep: block, the same list item's field: a key is either swept or set"}, "the flags"},
		// told with another --set's problem, which keeps the scenario from loading
		{[]string{"sweep", "plan", "testdata/tiny-sweep.yaml", "--set", "sinks.db.capacity=3k/s", "--set", "sinks.db.latency=zz"},
			[]string{"--set sinks.db.capacity=3k/s: sinks.0.capacity is swept by the scenario's sweep: block, the same list item's field: a key is either swept or set",
				`--set sinks.db.latency=zz: sinks.db.latency: "zz" is not a duration`}, "the flags"},
		{[]string{"sweep", "testdata/tiny-sweep.yaml", "--set", "sinks={db: {capacity: 3k/s}}"},
			[]string{"--set sinks={db: {capacity: 3k/s}}: sinks.0.capacity is swept by the scenario's sweep: block, the same list item's field: a key is either swept or set"}, "the flags"},
		{[]string{"sweep", "merge", tiny, "--grid", "flink.parallelism.default=0,1", "--outcome", "speed"},
			[]string{`--outcome: no outcome "speed"`, "--grid: flink.parallelism.default=0: flink.parallelism.default: 0 is out of range"}, "the flags"},
		// a value refused brings no warning that follows from it (0
		// partitions: every reader without one) to count as a problem
		{[]string{"sweep", "plan", "testdata/eventtime-readers.yaml", "--grid", "sources.events.partitions=0,4"},
			[]string{"--grid: sources.events.partitions=0: sources.events.partitions: must be from 1 to 100000, not 0"}, "the flags"},
		{[]string{"sweep", "testdata/eventtime-readers.yaml", "--grid", "sources.events.partitions=-1..4/2"},
			[]string{"--grid: sources.events.partitions=-1: sources.events.partitions: must be from 1 to 100000, not -1"}, "the flags"},
		{[]string{"plan", "testdata/eventtime-readers.yaml", "--target", "sources.events.partitions=0..4", "--for", "stable"},
			[]string{"--target: sources.events.partitions=0: sources.events.partitions: must be from 1 to 100000, not 0"}, "the flags"},
		// an outcome charted twice would be drawn, listed and written twice
		{[]string{"sweep", tiny, "--grid", grid, "--outcome", "lag_end", "--outcome", "stable", "--outcome", "lag_end"},
			[]string{"--outcome: lag_end: given twice; give each once"}, "the flags"},
		{[]string{"sweep", "merge", tiny, "--grid", grid, "--outcome", "stable", "--outcome", "stable"},
			[]string{"--outcome: stable: given twice; give each once"}, "the flags"},
	}
}()

// TestFlagProblemsReportedTogether: every problem with the flags (and with
// the overrides, which the scenario's load checks) is reported at once, one
// line each at its flag, with a count (exit 2), before anything runs; a
// sweep checks every value of every --grid at --grid, and refuses a key
// both swept and set.
func TestFlagProblemsReportedTogether(t *testing.T) {
	for _, c := range flagProblemCases {
		out := filepath.Join(t.TempDir(), "out")
		args := c.args
		if args[0] != "plan" && args[0] != "list" && !strings.HasPrefix(args[0], "-") && (args[0] != "sweep" || args[1] != "plan") {
			args = append(args, "--out", out)
		}
		code, stdout, stderr := cli(t, args...)
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		ok := code == exitScenario && stdout == "" && len(lines) == len(c.lines)+1
		for i, want := range c.lines {
			ok = ok && strings.HasPrefix(lines[i], want)
		}
		noun := "problems"
		if len(c.lines) == 1 {
			noun = "problem"
		}
		trailer := fmt.Sprintf("flinksim: %d %s in %s", len(c.lines), noun, c.where)
		if !ok || lines[len(lines)-1] != trailer {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and lines starting:\n%s\n%s", c.args, code, stdout, stderr, strings.Join(c.lines, "\n"), trailer)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s", c.args, out)
		}
	}
}

// TestSweepOfVariantsSaysSo: a sweep runs a scenario's base only, and says
// so on stderr when the scenario has variants (not with -q).
func TestSweepOfVariantsSaysSo(t *testing.T) {
	note := "flinksim: note: ckpt-variants has variants (incremental, unaligned); a sweep runs the scenario as written (its base) only"
	for _, c := range []struct {
		args []string
		note bool
	}{
		{[]string{"sweep", "plan", "testdata/ckpt-variants.yaml", "--grid", "sources.events.rate=10k/s,20k/s"}, true},
		{[]string{"sweep", "plan", "-q", "testdata/ckpt-variants.yaml", "--grid", "sources.events.rate=10k/s,20k/s"}, false},
		{[]string{"sweep", "plan", "testdata/tiny.yaml", "--grid", "sources.events.rate=10k/s,20k/s"}, false},
	} {
		code, stdout, stderr := cli(t, c.args...)
		if code != exitOK || strings.Count(stdout, "\n") != 2 || strings.HasPrefix(stderr, note) != c.note || !c.note && stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want the note: %v", c.args, code, stdout, stderr, c.note)
		}
	}
}

// TestValidateSetTwice: validate refuses a key given to two --set, as the
// commands that run do (the later would silently replace the earlier),
// flat or one of them inside a value (a nested flink: key, a list item by
// name, an item's mapping), with the same problem.
func TestValidateSetTwice(t *testing.T) {
	// two that write a mapping or a list merge when they reach different keys
	code, _, errs := cli(t, "validate", "testdata/tiny.yaml", "-q", "--set", "flink={parallelism.default: 2}", "--set", "flink={pipeline.max-parallelism: 256}",
		"--set", "sinks=[{name: db, latency: 5ms}]", "--set", "sinks=[{name: db, capacity: 1k/s}]")
	if code != exitOK {
		t.Errorf("two nested --set of different keys: exit %d: %s", code, errs)
	}
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"sinks.db.capacity=1k/s", "sinks.db.capacity=2k/s"}, "--set: sinks.db.capacity: set twice (1k/s, then 2k/s); give it once"},
		// a key inside a value another --set writes whole, in either order
		{[]string{"sinks.db.latency={exponential: 3s}", "sinks.db.latency.exponential=1ms"},
			"--set: sinks.db.latency.exponential=1ms: set twice, also inside sinks.db.latency={exponential: 3s}, which sets it whole; give it once"},
		{[]string{"sinks.db.latency.exponential=1ms", "sinks.db.latency=3s"},
			"--set: sinks.db.latency=3s: set twice, also inside it by sinks.db.latency.exponential=1ms; give it once"},
		{[]string{"sinks.0.capacity=3k/s", "sinks[0].capacity=1k/s"},
			"--set: sinks[0].capacity=1k/s: set twice, also as sinks.0.capacity=3k/s, the same list item's field (an item is named by its name or its index); give it once"},
		{[]string{"flink={parallelism.default: 2}", "flink.parallelism.default=3"}, "--set: flink.parallelism.default: set twice (2, then 3); give it once"},
		{[]string{"flink.parallelism.default=3", "flink.parallelism={default: 2}"}, "--set: flink.parallelism.default: set twice (3, then 2); give it once"},
		{[]string{"sinks=[{name: db, latency: 5ms}]", "sinks.db.latency=6ms"}, "--set: sinks.db.latency: set twice (5ms, then 6ms); give it once"},
		{[]string{"sinks.db.capacity=1k/s", "sinks.db={capacity: 2k/s}"}, "--set: sinks.db.capacity: set twice (1k/s, then 2k/s); give it once"},
		{[]string{"flink={parallelism.default: 2}", "flink={parallelism.default: 3}"}, "--set: flink.parallelism.default: set twice (2, then 3); give it once"},
		{[]string{"sinks=[{name: db, latency: 5ms}]", "sinks=[{name: db, latency: 6ms}]"}, "--set: sinks.db.latency: set twice (5ms, then 6ms); give it once"},
		{[]string{"flink={state.backend.incremental: true}", "flink.execution.checkpointing.incremental=false"},
			"--set: flink.execution.checkpointing.incremental=false: set twice, also as flink.state.backend.incremental=true, the same Flink option's other name; give it once"},
	} {
		args := []string{"validate", "testdata/tiny.yaml"}
		for _, s := range c.sets {
			args = append(args, "--set", s)
		}
		code, _, errs := cli(t, args...)
		if want := c.want + "\nflinksim: 1 problem in the flags\n"; code != exitScenario || errs != want {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.sets, code, errs, want)
		}
	}
}

// TestSweptTwiceNamesItemsAfterTheSet: two --grid name one list item's
// field only when they do once the --set are applied: a --set that renames
// items (sinks.0.name=z, sinks.1.name=a) makes sinks.a the second sink, so
// sinks.a.capacity and sinks.0.capacity are two fields, a valid sweep.
func TestSweptTwiceNamesItemsAfterTheSet(t *testing.T) {
	for _, args := range [][]string{
		{"sweep", "plan", "testdata/two-sinks.yaml", "--grid", "sinks.a.capacity=1k/s,2k/s", "--grid", "sinks.0.capacity=3k/s,4k/s", "--set", "sinks.0.name=z", "--set", "sinks.1.name=a"},
		{"sweep", "plan", "testdata/two-sinks.yaml", "--grid", "sinks.b.capacity=1k/s,2k/s", "--grid", "sinks.1.capacity=3k/s,4k/s", "--set", "sinks.b.name=c", "--set", "sinks.a.name=b"},
	} {
		code, stdout, stderr := cli(t, args...)
		if code != exitOK || strings.Count(stdout, "\n") != 4 || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want the 4 points", args, code, stdout, stderr)
		}
	}
}

// TestFlagValuesWithAScenarioNotFound: --seed and --duration are checked
// even when the scenario cannot be read, every problem told at once.
func TestFlagValuesWithAScenarioNotFound(t *testing.T) {
	bad := []string{"nosuch", "--seed", "x", "--duration", "-1m"}
	for _, cmd := range [][]string{{"run"}, {"compare"}, {"sweep", "--grid", "seed=1,2"}, {"plan", "--target", "sinks.k.capacity=1k/s..2k/s", "--for", "stable"}} {
		code, _, errs := cli(t, append(cmd, bad...)...)
		if code != exitScenario || !strings.Contains(errs, "--seed: must be a whole number") || !strings.Contains(errs, "--duration: must be more than 0s") ||
			!strings.Contains(errs, `no built-in scenario "nosuch"`) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2, the two flags' problems and the scenario's", cmd, code, errs)
		}
	}
}

// TestUnknownVariantToldOnce: an unknown --variant given twice is one
// problem, and the name suggested for a misspelt one may be base (the
// scenario as written), in any case, unless it is given too.
func TestUnknownVariantToldOnce(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"checkpoint-death-spiral", "--variant", "nosuch", "--variant", "nosuch"}, `--variant: no variant "nosuch"`},
		{[]string{"checkpoint-death-spiral", "--variant", "BASE"}, `no variant "BASE" in builtin:checkpoint-death-spiral; did you mean "base"?`},
		{[]string{"checkpoint-death-spiral", "--variant", "bse"}, `did you mean "base"?`},
		{[]string{"backpressure", "--variant", "Base"}, `builtin:backpressure has no variants; "Base" is not one of them; did you mean "base", the scenario as written?`},
		// no guess of a run given too: it would only be given twice
		{[]string{"checkpoint-death-spiral", "--variant", "base", "--variant", "BASE"}, `no variant "BASE" in builtin:checkpoint-death-spiral` + "\n"},
	} {
		code, _, errs := cli(t, append(append([]string{"run"}, c.args...), "--out", out)...)
		if code != exitScenario || !strings.Contains(errs, c.want) || strings.Count(errs, "--variant:") != 1 || !strings.Contains(errs, "1 problem in the flags") {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2, %q once, 1 problem", c.args, code, errs, c.want)
		}
	}
}

// TestSweepTooLargeWithTheOtherProblems: a sweep of more than
// sweep.MaxPoints runs is a --grid problem told with the other flags',
// before anything loads; a key swept twice is that problem alone (once
// given once, the sweep may be small enough).
func TestSweepTooLargeWithTheOtherProblems(t *testing.T) {
	code, _, errs := cli(t, "sweep", "backpressure", "--grid", "operators.enrich.cost=1us..1000us/10", "--replicas", "100001",
		"--duration", "0s", "--out", filepath.Join(t.TempDir(), "out"))
	for _, want := range []string{"--grid: more than 1000000 runs in the sweep (10 values of operators.enrich.cost × 100001 replicas)", "--duration: must be more than 0s", "2 problems in the flags"} {
		if code != exitScenario || !strings.Contains(errs, want) {
			t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, errs, want)
		}
	}
	code, _, errs = cli(t, "sweep", "backpressure", "--grid", "operators.enrich.cost=1us..1000us/1000", "--grid", "operators.enrich.cost=1us,2us",
		"--replicas", "600", "--out", filepath.Join(t.TempDir(), "out"))
	if code != exitScenario || !strings.Contains(errs, "swept twice") || strings.Contains(errs, "more than") {
		t.Errorf("an axis given twice: exit %d, stderr:\n%s\nwant exit 2, swept twice alone", code, errs)
	}
}
