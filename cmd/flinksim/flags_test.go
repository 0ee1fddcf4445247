package main

import (
	"os"
	"path/filepath"
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
		{[]string{"--duration", "0"}, "--duration: must be more than 0s and at most 366d, not 0s\nflinksim: 1 problem(s) in the scenario\n"},
		{[]string{"--duration", "5x"}, "--duration: \"5x\": unknown unit \"x\" (use ns, us, ms, s, m or min, h, d, w)\nflinksim: 1 problem(s) in the scenario\n"},
		{[]string{"--duration", ""}, "flinksim: --duration: is empty; give a value, e.g. --duration 30m\n"},
		{[]string{"--seed", " "}, "flinksim: --seed: is empty; give a value, e.g. --seed 7\n"},
		{[]string{"--seed", "x"}, "--seed: must be a whole number from 0 to 18446744073709551615, not \"x\"\nflinksim: 1 problem(s) in the scenario\n"},
		{[]string{"--set", "duration=0"}, "--set duration=0: duration: must be more than 0s and at most 366d, not 0s\nflinksim: 1 problem(s) in the scenario\n"},
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
