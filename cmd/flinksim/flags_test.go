package main

import (
	"os"
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

// TestScenarioFromStdin: "-" reads the scenario from standard input, bounded
// like a file.
func TestScenarioFromStdin(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("name: piped\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: o, input: s}]\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	code, stdout, stderr := cli(t, "validate", "-")
	if code != exitOK || stdout != "stdin: ok\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
