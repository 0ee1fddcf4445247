package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestUnknownFlagsReportedWithTheRest: an unknown flag (--x, --x=v, -z, a
// shorthand in a group) or a flag given last without its value does not
// stop the parsing: it is reported with every other problem of the flags
// and arguments, one line each with what is allowed, unknown flags and
// values that do not parse in the order given, exit 2, and nothing runs.
func TestUnknownFlagsReportedWithTheRest(t *testing.T) {
	const tiny, grid = "testdata/tiny.yaml", "sinks.db.capacity=5k/s,20k/s"
	const seedX = "--seed: must be a whole number, 0 or more and at most 9007199254740991 so that JSON readers keep it exact, not \"x\"\n"
	runHelp, planHelp := "unknown flag; see flinksim run --help\n", "unknown flag; see flinksim sweep plan --help\n"
	for _, c := range []struct {
		args []string
		want string
	}{
		// an unknown flag, a bad value, a second unknown flag, in the
		// order given, then the command's own checks
		{[]string{"run", tiny, "--frobnicate", "-j", "abc", "--bogus=1", "--seed", "x"},
			"--frobnicate: " + runHelp + "--jobs: \"abc\" is not a whole number: give one, e.g. --jobs 2\n--bogus: " + runHelp + seedX + "flinksim: 4 problems in the flags\n"},
		{[]string{"run", "--frobnicate", tiny, "--seed", "x"}, "--frobnicate: " + runHelp + seedX + "flinksim: 2 problems in the flags\n"},
		{[]string{"run", tiny, "--sed", "--openmetrics=maybe", "--j=2", "--version"},
			"--sed: unknown flag; did you mean --seed?\n--openmetrics: \"maybe\" is not true or false: give --openmetrics (true) or --openmetrics=false\n" +
				"--j: unknown flag; did you mean -j?\n--version: unknown flag; it is a flag of flinksim, not of flinksim run: flinksim --version\nflinksim: 4 problems in the flags\n"},
		// a misspelt flag that takes a value takes the next argument too
		{[]string{"run", tiny, "--duratoin", "5m", "--seed", "x"},
			"--duratoin: unknown flag; did you mean --duration? (\"5m\" taken as its value)\n" + seedX + "flinksim: 2 problems in the flags\n"},
		{[]string{"run", tiny, "--sed", "-5"},
			"--sed: unknown flag; did you mean --seed? (\"-5\" taken as its value)\nflinksim: 1 problem in the flags\n"},
		// and so does a misspelling of another command's flag: the value is
		// not read as one more argument
		{[]string{"validate", tiny, "--duratoin", "5m"},
			"--duratoin: unknown flag; flinksim validate has no --duratoin, and --duration is a flag of flinksim compare, plan, run, sweep, sweep merge and sweep plan (\"5m\" taken as its value)\nflinksim: 1 problem in the flags\n"},
		{[]string{"list", "--sed", "1"},
			"--sed: unknown flag; flinksim list has no --sed, and --seed is a flag of flinksim compare, plan, run, sweep, sweep merge and sweep plan (\"1\" taken as its value)\nflinksim: 1 problem in the flags\n"},
		// shorthands: alone, in a group, with a value; -seed for --seed
		{[]string{"run", tiny, "-z", "-qyj", "2", "-x=1", "-seed=4"},
			"-z: unknown shorthand flag; the shorthands are -h, -j, -o, -q, -v\n-y: unknown shorthand flag in -qyj; the shorthands are -h, -j, -o, -q, -v\n" +
				"-x: unknown shorthand flag in -x=1; the shorthands are -h, -j, -o, -q, -v\n-seed=4: unknown shorthand flag; did you mean --seed?\nflinksim: 4 problems in the flags\n"},
		// a flag of other commands (-o json, which plan and sweep do not
		// have) takes its value: the scenario is not read as a second one
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..5k/s", "--for", "stable", "-o", "json"},
			"-o: unknown shorthand flag; flinksim plan has no -o (--output), a flag of flinksim compare, list, run and validate (\"json\" taken as its value); the shorthands are -h, -j, -q, -v\nflinksim: 1 problem in the flags\n"},
		{[]string{"sweep", "plan", tiny, "--grid", grid, "--output", "json"},
			"--output: unknown flag; flinksim sweep plan has no --output, a flag of flinksim compare, list, run and validate (\"json\" taken as its value)\nflinksim: 1 problem in the flags\n"},
		// a nested command, and the root's persistent -q
		{[]string{"sweep", "plan", tiny, "--grid", grid, "--frobnicate", "--shards", "abc", "-q=x", "--gird=" + grid},
			"--frobnicate: " + planHelp + "--shards: \"abc\" is not a whole number: give one, e.g. --shards 2\n--quiet: \"x\" is not true or false: give --quiet (true) or --quiet=false\n" +
				"--gird: unknown flag; did you mean --grid?\nflinksim: 4 problems in the flags\n"},
		{[]string{"sweep", "plan", "backpressure", "--frobnicate"}, "--frobnicate: " + planHelp + "flinksim: 1 problem in the flags\n"},
		{[]string{"-q=maybe", "list", "-qz", "--verbose=y"},
			"--quiet: \"maybe\" is not true or false: give --quiet (true) or --quiet=false\n-z: unknown shorthand flag in -qz; the shorthands are -h, -o, -q, -v\n" +
				"--verbose: \"y\" is not true or false: give --verbose (true) or --verbose=false\nflinksim: 3 problems in the flags\n"},
		{[]string{"--frobnicate"}, "--frobnicate: unknown flag; see flinksim --help\nflinksim: 1 problem in the flags\n"},
		// with the problems of the arguments, which cobra checks first
		{[]string{"run", "--frobnicate"}, "--frobnicate: " + runHelp + "flinksim: expects one scenario: a file or a built-in name\nflinksim: 2 problems in the flags and the arguments\n"},
		{[]string{"rnu", "--frobnicate", "backpressure"}, "--frobnicate: unknown flag; see flinksim --help\nflinksim: unknown command \"rnu\"; did you mean \"run\"? (commands: "},
		// a flag last without its value; its own checks are not repeated
		{[]string{"run", tiny, "--frobnicate", "--seed"}, "--frobnicate: " + runHelp + "--seed: needs a value and none follows it; give one after it (see flinksim run --help)\nflinksim: 2 problems in the flags\n"},
		{[]string{"plan", tiny, "--target", "sinks.db.capacity=1k/s..5k/s", "--for", "stable", "-qj"}, "--jobs: needs a value and none follows it; give one after it (see flinksim plan --help)\nflinksim: 1 problem in the flags\n"},
		{[]string{"list", "---x"}, "---x: bad flag syntax: a flag is --name or -n (an argument that starts with - goes after --)\nflinksim: 1 problem in the flags\n"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		args := c.args
		if args[0] == "run" {
			args = append(slices.Clone(args[:2]), append([]string{"--out", out, "--no-plots", "--duration", "10s"}, args[2:]...)...)
		}
		code, stdout, stderr := cli(t, args...)
		if code != exitScenario || stdout != "" || !strings.HasPrefix(stderr, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and:\n%s", args, code, stdout, stderr, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s", args, out)
		}
	}
}

// TestScanFlags: what preParse takes out of the arguments (the unknown
// flag's token only; in a group, the unknown shorthand only) and what it
// leaves to cobra: values of known flags, however they look, and every
// argument after "--". Shell completion gets its arguments as they are.
func TestScanFlags(t *testing.T) {
	for _, c := range []struct {
		args, clean, files []string
	}{
		{[]string{"run", "x", "--frobnicate", "v", "--bogus=1"}, []string{"run", "x", "v"}, []string{"--frobnicate", "--bogus"}},
		{[]string{"run", "x", "--seed", "--frobnicate"}, []string{"run", "x", "--seed", "--frobnicate"}, nil},
		{[]string{"run", "x", "-qzj", "2", "-z=5", "y"}, []string{"run", "x", "-qj", "2", "y"}, []string{"-z", "-z"}},
		{[]string{"run", "x", "-j2z", "-qz=5", "-o=json"}, []string{"run", "x", "-j2z", "-q", "-o=json"}, []string{"-z"}},
		{[]string{"run", "x", "--", "--frobnicate", "-z"}, []string{"run", "x", "--", "--frobnicate", "-z"}, nil},
		{[]string{"--frobnicate", "sweep", "plan", "x", "-", "--grid"}, []string{"sweep", "plan", "x", "-"}, []string{"--frobnicate", "--grid"}},
		{[]string{"__complete", "run", "--fro"}, []string{"__complete", "run", "--fro"}, nil},
	} {
		clean, probs := preParse(newRoot(io.Discard, io.Discard), c.args)
		var files []string
		for _, p := range probs {
			files = append(files, p.File)
		}
		if !slices.Equal(clean, c.clean) || !slices.Equal(files, c.files) {
			t.Errorf("%q: left %q and problems at %q, want %q and %q", c.args, clean, files, c.clean, c.files)
		}
	}
	// completion of a flag's name is unchanged
	if names, _ := complete(t, "run", "--se"); !slices.Equal(names, []string{"--seed", "--set"}) {
		t.Errorf("run --se completes to %q", names)
	}
	if names, _ := complete(t, "run", "--fro"); len(names) != 0 {
		t.Errorf("run --fro completes to %q", names)
	}
}
