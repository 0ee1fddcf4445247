package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

// complete runs cobra's hidden __complete command, as the shell scripts of
// flinksim completion do, and returns the candidates (without their
// descriptions) and the directive.
func complete(t *testing.T, args ...string) ([]string, cobra.ShellCompDirective) {
	t.Helper()
	code, out, errs := cli(t, append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, ":") {
		t.Fatalf("%v: no directive:\n%s", args, out)
	}
	var d int
	for _, c := range last[1:] {
		d = d*10 + int(c-'0')
	}
	var names []string
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t")
		names = append(names, name)
	}
	return names, cobra.ShellCompDirective(d)
}

func TestCompleteScenarioArgument(t *testing.T) {
	for _, cmd := range [][]string{{"run"}, {"compare"}, {"validate"}, {"sweep"}, {"sweep", "plan"}, {"sweep", "merge"}, {"plan"}} {
		got, d := complete(t, append(cmd, "")...)
		for _, b := range scenarios.Library() {
			if !slices.Contains(got, b.Name) {
				t.Errorf("%v: no %s in %v", cmd, b.Name, got)
			}
		}
		if !slices.Contains(got, "testdata/") || d&cobra.ShellCompDirectiveNoFileComp == 0 {
			t.Errorf("%v: %v (directive %d): want the built-ins and the directories", cmd, got, d)
		}
	}
	if got, _ := complete(t, "run", "backpressure-s"); !slices.Equal(got, []string{"backpressure-scaled-sink"}) {
		t.Errorf("prefix: %v", got)
	}
	if got, d := complete(t, "run", "testdata/"); !slices.Contains(got, "testdata/tiny.yaml") || slices.Contains(got, "backpressure") || d&cobra.ShellCompDirectiveNoSpace != 0 {
		t.Errorf("files: %v, directive %d", got, d)
	}
	if got, d := complete(t, "run", "testd"); !slices.Equal(got, []string{"testdata/"}) || d&cobra.ShellCompDirectiveNoSpace == 0 {
		t.Errorf("one directory: %v, directive %d: want it without a space", got, d)
	}
	if got, _ := complete(t, "run", "backpressure", ""); slices.Contains(got, "backpressure") {
		t.Errorf("a second argument completes to scenarios: %v", got)
	}
}

func TestCompleteVariants(t *testing.T) {
	got, d := complete(t, "run", "testdata/ckpt-variants.yaml", "--variant", "")
	if !slices.Equal(got, []string{"base", "incremental", "unaligned"}) || d != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("file: %v, directive %d", got, d)
	}
	got, _ = complete(t, "compare", "checkpoint-death-spiral", "--variant", "")
	l, err := scenarios.Load("x", mustBuiltIn(t, "checkpoint-death-spiral"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(l.Variants)+1 || got[0] != "base" || got[1] != l.Variants[0].Name {
		t.Errorf("built-in: %v", got)
	}
	if got, _ := complete(t, "run", "--variant", ""); len(got) != 0 {
		t.Errorf("no scenario yet: %v", got)
	}
}

func TestCompleteSetKeys(t *testing.T) {
	got, d := complete(t, "run", "testdata/ckpt-variants.yaml", "--set", "")
	if d != cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace {
		t.Errorf("directive %d", d)
	}
	for _, want := range []string{"duration=", "seed=", "simulation.chunk-records=", "checkpoint-storage.stream-bandwidth=",
		"sources.events.rate=", "sources.events.event-time.watermark.out-of-orderness=", "operators.count.keys=", "sinks.out.input=",
		"flink.execution.checkpointing.interval=", "flink.parallelism.default="} {
		if !slices.Contains(got, want) {
			t.Errorf("no %s", want)
		}
	}
	for _, k := range got {
		if strings.HasPrefix(k, "sources.events.name") || strings.HasPrefix(k, "failures") || k == "flink=" {
			t.Errorf("offers %s", k)
		}
	}
	dir := t.TempDir()
	if got, _ := complete(t, "plan", "testdata/tiny.yaml", "--target", "sinks.db.cap"); !slices.Equal(got, []string{"sinks.db.capacity=", "sinks.db.capacity-per-subtask="}) {
		t.Errorf("--target: %v", got)
	}
	if got, _ := complete(t, "sweep", "testdata/tiny.yaml", "--out", dir, "--grid", "flink.state.backend.t"); !slices.Equal(got, []string{"flink.state.backend.type="}) {
		t.Errorf("--grid: %v", got)
	}
	// seed is --set's, not an axis: each run's seed is derived
	for _, flag := range []string{"--grid", "--target"} {
		cmd := "sweep"
		if flag == "--target" {
			cmd = "plan"
		}
		if got, _ := complete(t, cmd, "testdata/tiny.yaml", flag, "se"); slices.Contains(got, "seed=") {
			t.Errorf("%s %s offers seed=: %v", cmd, flag, got)
		}
	}
	if got, _ := complete(t, "validate", "testdata/tiny.yaml", "--set", "duration="); len(got) != 0 {
		t.Errorf("completes a value: %v", got)
	}
	// Every key offered is one --set takes.
	for _, k := range got {
		if k == "seed=" || k == "flink-version=" {
			continue // take numbers and versions, not the placeholder below
		}
		if code, _, errs := cli(t, "validate", "testdata/ckpt-variants.yaml", "--set", k+"x"); strings.Contains(errs, "unknown field") || strings.Contains(errs, "no list item") || strings.Contains(errs, "unknown Flink") {
			t.Errorf("--set %sx: exit %d: %s", k, code, errs)
		}
	}
}

func TestCompleteOutcomes(t *testing.T) {
	got, _ := complete(t, "run", "backpressure", "--expect", "")
	if !slices.Equal(got, result.Outcomes()) {
		t.Errorf("--expect: %v", got)
	}
	got, d := complete(t, "plan", "backpressure", "--for", "latency_p")
	if !slices.Equal(got, []string{"latency_p50_s", "latency_p99_s"}) || d&cobra.ShellCompDirectiveNoSpace == 0 {
		t.Errorf("--for: %v, directive %d", got, d)
	}
	if got, _ := complete(t, "plan", "backpressure", "--for", "st"); !slices.Equal(got, []string{"stable"}) {
		t.Errorf("--for stable: %v", got)
	}
	if got, _ := complete(t, "list", "-o", ""); !slices.Equal(got, []string{"text", "json"}) {
		t.Errorf("-o: %v", got)
	}
}

// TestCompleteInOtherDirectory: completion reads the scenario wherever the
// shell is.
func TestCompleteInOtherDirectory(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "my job.yaml")
	os.WriteFile(f, data, 0o644)
	if got, _ := complete(t, "run", filepath.Join(dir, "my")); !slices.Equal(got, []string{f}) {
		t.Errorf("%v, want %s", got, f)
	}
	if got, _ := complete(t, "run", f, "--set", "sinks."); len(got) == 0 || !strings.HasPrefix(got[0], "sinks.db.") {
		t.Errorf("--set from %s: %v", f, got)
	}
}

// TestCompleteSetKeysOfTheRelease: --set offers a modelled Flink key under
// the name the scenario's flink-version reads: 1.17 reads
// state.backend.incremental, not 1.20's execution.checkpointing.incremental,
// and has no exponential-delay attempts-before-reset-backoff (1.19); a
// --set flink-version=1.17 already given is read the same.
func TestCompleteSetKeysOfTheRelease(t *testing.T) {
	file := filepath.Join(t.TempDir(), "v117.yaml")
	os.WriteFile(file, []byte("name: v\nflink-version: \"1.17\"\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\n"), 0o644)
	got, _ := complete(t, "run", file, "--set", "flink.")
	for _, want := range []string{"flink.state.backend.incremental=", "flink.execution.checkpointing.interval="} {
		if !slices.Contains(got, want) {
			t.Errorf("1.17: no %s", want)
		}
	}
	for _, not := range []string{"flink.execution.checkpointing.incremental=", "flink.restart-strategy.exponential-delay.attempts-before-reset-backoff="} {
		if slices.Contains(got, not) {
			t.Errorf("1.17: offers %s", not)
		}
	}
	if got, _ := complete(t, "run", "testdata/tiny.yaml", "--set", "flink.execution.checkpointing.inc"); !slices.Equal(got, []string{"flink.execution.checkpointing.incremental="}) {
		t.Errorf("1.20: %v", got)
	}
	// a --set of flink-version before it on the command line is the release
	if got, _ := complete(t, "run", "testdata/tiny.yaml", "--set", "flink-version=1.17", "--set", "flink.state.backend.inc"); !slices.Equal(got, []string{"flink.state.backend.incremental="}) {
		t.Errorf("--set flink-version=1.17: %v", got)
	}
}
