package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersion: --version names the module version and the commit, and says
// so when the binary carries no VCS information (as under go test).
func TestVersion(t *testing.T) {
	code, out, errs := cli(t, "--version")
	if code != exitOK || !strings.HasPrefix(out, "flinksim ") || errs != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	for _, c := range []struct {
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{nil, false, "(devel) (unknown commit; unknown Go)"},
		{&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}, true, "(devel) (unknown commit; go1.26.0)"},
		{&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "false"}}}, true, "v1.2.0 (commit abc123; go1.26.0)"},
		{&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20260101000000-abc123+dirty"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}}}, true, "v0.0.0-20260101000000-abc123+dirty (commit abc123, modified; go1.26.0)"},
	} {
		if got := version(c.info, c.ok); got != c.want {
			t.Errorf("version(%+v) = %q, want %q", c.info, got, c.want)
		}
	}
	if info, ok := debug.ReadBuildInfo(); ok && out != "flinksim "+version(info, ok)+"\n" {
		t.Errorf("--version prints %q", out)
	}
}

// TestUsageErrorsExitTwo: an unknown command is a usage error like any
// other: one line, exit 2 (an unknown flag is reported with the other
// problems of the flags: TestUnknownFlagsReportedWithTheRest).
func TestUsageErrorsExitTwo(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, "flinksim: unknown command \"frobnicate\" (commands: "},
		{[]string{"rnu", "backpressure"}, "flinksim: unknown command \"rnu\"; did you mean \"run\"? (commands: "},
		{[]string{"list", "extra"}, "flinksim: expects no arguments\n"},
		// --version takes no arguments: cobra's own Version would print it and
		// ignore "extra"
		{[]string{"--version", "extra"}, "flinksim: unknown command \"extra\" (commands: "},
		{[]string{"completion", "tcsh"}, "flinksim: no completion for shell \"tcsh\" (bash, zsh, fish, powershell)\n"},
		{[]string{"completion", "bash", "extra"}, "flinksim: unknown command \"extra\" for \"flinksim completion bash\"\n"},
		{[]string{"validate", "testdata"}, "flinksim: testdata: is a directory; give a scenario file"},
	} {
		code, out, errs := cli(t, c.args...)
		if code != exitScenario || out != "" || !strings.HasPrefix(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errs, c.want)
		}
	}
	// No arguments at all is a request for help.
	if code, out, _ := cli(t); code != exitOK || !strings.Contains(out, "Usage:") {
		t.Errorf("no arguments: exit %d, stdout %q", code, out)
	}
}

// TestRootUnknownFlag: a command line of flags only, each taken out before
// cobra parses ("flinksim --versoin"), is reported as any command's
// unknown flag is, not by pflag reading os.Args again (cobra's fallback for
// no arguments), as the binary's os.Args hold them.
func TestRootUnknownFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--versoin"}, "--versoin: unknown flag; did you mean --version?\nflinksim: 1 problem in the flags\n"},
		{[]string{"-x"}, "-x: unknown shorthand flag; the shorthands are -h, -q, -v\nflinksim: 1 problem in the flags\n"},
	} {
		old := os.Args
		os.Args = append([]string{"flinksim"}, c.args...)
		code, out, errs := cli(t, c.args...)
		os.Args = old
		if code != exitScenario || out != "" || errs != c.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errs, c.want)
		}
	}
}

// TestRunExpect: --expect fails a run (exit 3, one line) whose outcome is
// not the one expected, after writing its outputs; with variants every run
// must meet it and each that does not is named; an unknown outcome is a
// usage error before anything runs.
func TestRunExpect(t *testing.T) {
	dir := t.TempDir()
	run := func(out string, args ...string) (int, string, string) {
		return cli(t, append([]string{"run", "--duration", "20s", "--no-plots", "--out", filepath.Join(dir, out)}, args...)...)
	}
	if code, _, errs := run("ok", "testdata/tiny.yaml", "--expect", "stable"); code != exitOK || errs != "" {
		t.Errorf("--expect stable: exit %d, stderr %q", code, errs)
	}
	code, out, errs := run("unmet", "testdata/tiny.yaml", "--expect", "overload")
	if code != exitUnmet || errs != "flinksim: outcome is stable, expected overload\n" || !strings.Contains(out, "verdict      stable") {
		t.Errorf("--expect overload: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "unmet", "summary.json")); err != nil {
		t.Errorf("a run not as expected keeps its outputs: %v", err)
	}
	tiny, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	variants := filepath.Join(dir, "variants.yaml")
	os.WriteFile(variants, append(tiny, "variants:\n  - {name: slow, set: {sinks.db.capacity: 5k/s}}\n"...), 0o644)
	code, _, errs = run("variants", variants, "--expect", "stable")
	if code != exitUnmet || errs != "flinksim: slow: outcome is overload, expected stable\n" {
		t.Errorf("variants: exit %d, stderr %q", code, errs)
	}
	code, _, errs = run("bad", "testdata/tiny.yaml", "--expect", "healthy")
	want := "--expect: \"healthy\" is not an outcome; use stable, \"no output\", overload, \"never checkpointed\", failover, timeouts, \"failover loop\" or failed\nflinksim: 1 problem in the flags\n"
	if code != exitScenario || errs != want {
		t.Errorf("--expect healthy: exit %d, stderr %q, want %q", code, errs, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); err == nil {
		t.Error("a usage error wrote outputs")
	}
}

// TestQuietAndVerbose: -q leaves out notes (the work estimate) but never
// problems or warnings (a Flink key that would change the result is not
// modelled); -v prints the estimate however short; both at once is a usage
// error.
func TestQuietAndVerbose(t *testing.T) {
	dir := t.TempDir()
	tiny, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	nm := filepath.Join(dir, "nm.yaml")
	os.WriteFile(nm, append(tiny, "flink:\n  pipeline.object-reuse: true\n"...), 0o644)
	const warning = "flinksim: warning: 1 Flink key would change the result but is not modelled; this run ignores it: pipeline.object-reuse\n"
	out := func(name string) string { return filepath.Join(dir, name) }
	for _, c := range []struct {
		args       []string
		want, lack string
	}{
		{[]string{"validate", nm}, warning, ""},
		{[]string{"validate", "-q", nm}, warning, ""},
		{[]string{"run", nm, "--duration", "10s", "--no-plots", "--out", out("a")}, warning, "this will take"},
		{[]string{"run", "--quiet", nm, "--duration", "10s", "--no-plots", "--out", out("b"), "-v=false"}, warning, "this will take"},
		{[]string{"-v", "run", nm, "--duration", "10s", "--no-plots", "--out", out("c")}, "flinksim: this will take about ", ""},
		{[]string{"sweep", "-v", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=5k/s,20k/s", "--duration", "10s", "--no-plots", "--out", out("d")}, "flinksim: this sweep is 2 runs, about ", ""},
		{[]string{"sweep", "-q", "testdata/tiny.yaml", "--grid", "sinks.db.capacity=5k/s,20k/s", "--duration", "10s", "--no-plots", "--out", out("e")}, "", "this sweep"},
	} {
		code, _, errs := cli(t, c.args...)
		if code != exitOK || !strings.Contains(errs, c.want) || c.want == "" && errs != "" || c.lack != "" && strings.Contains(errs, c.lack) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errs, c.want)
		}
	}
	if code, _, errs := cli(t, "validate", "-q", "testdata/no-such.yaml"); code != exitScenario || !strings.Contains(errs, "no such file") {
		t.Errorf("-q hid a problem: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := cli(t, "run", "-q", "-v", nm); code != exitScenario || errs != warning+"--quiet: cannot go with --verbose: give one or the other\nflinksim: 1 problem in the flags\n" {
		t.Errorf("-q -v: exit %d, stderr %q", code, errs)
	}
}

// TestHelpOnUnknownCommand: help on a command that does not exist is the
// same usage error as the command itself.
func TestHelpOnUnknownCommand(t *testing.T) {
	code, out, errs := cli(t, "help", "rnu")
	if code != exitScenario || out != "" || !strings.HasPrefix(errs, "flinksim: unknown command \"rnu\"; did you mean \"run\"?") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, out, _ := cli(t, "help", "sweep", "merge"); code != exitOK || !strings.Contains(out, "flinksim sweep merge SCENARIO") {
		t.Errorf("help sweep merge: exit %d, stdout %q", code, out)
	}
}

// TestWarningsComeWithProblems: a scenario with problems still reports its
// warnings (an entry Flink does not read, keys not modelled), all at once in
// the file:line:col: path form, before the problems and their count; the
// exit code stays 2, and validate -o json lists them under warnings. Flags'
// problems with a scenario that loads bring its warnings too.
func TestWarningsComeWithProblems(t *testing.T) {
	dir := t.TempDir()
	tiny, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	flink := "flink:\n  pipeline.object-reuse: true\n  execution.buffer-timeout: 10ms\n  execution.buffer-timeout.interval: 20ms\n"
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, append(append([]byte(nil), tiny...), flink...), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, append(append([]byte(nil), tiny...), (flink+"  parallelism.default: zero\n")...), 0o644)
	lines := bytes.Count(tiny, []byte("\n"))
	ignored := fmt.Sprintf("flinksim: warning: %s:%d:3: flink.execution.buffer-timeout: ignored: execution.buffer-timeout.interval is set too (at line %d), and Flink reads it first\n", bad, lines+3, lines+4)
	notModelled := "flinksim: warning: 1 Flink key would change the result but is not modelled; this run ignores it: pipeline.object-reuse\n"
	problem := fmt.Sprintf("%s:%d:24: flink.parallelism.default: \"zero\" is not a whole number: give one from 1 to 32768\n", bad, lines+5)
	want := ignored + notModelled + problem + "flinksim: 1 problem in the scenario\n"
	for _, args := range [][]string{
		{"validate", bad},
		{"run", bad, "--out", filepath.Join(dir, "o")},
	} {
		if code, _, errs := cli(t, args...); code != exitScenario || errs != want {
			t.Errorf("%v: exit %d, stderr\n%s\nwant\n%s", args, code, errs, want)
		}
	}
	code, out, _ := cli(t, "validate", bad, "-o", "json")
	var v struct {
		OK                 bool
		Problems, Warnings []struct{ Message string }
	}
	jsonDoc(t, out, &v)
	if code != exitScenario || v.OK || len(v.Problems) != 1 || len(v.Warnings) != 2 {
		t.Errorf("validate -o json: exit %d, %s", code, out)
	}
	code, _, errs := cli(t, "run", good, "--jobs", "x", "--out", filepath.Join(dir, "p"))
	if code != exitScenario || !strings.Contains(errs, notModelled) || !strings.Contains(errs, "flink.execution.buffer-timeout: ignored") ||
		!strings.HasSuffix(errs, "flinksim: 1 problem in the flags\n") {
		t.Errorf("a flag's problem with a scenario that loads: exit %d, stderr\n%s", code, errs)
	}
}
