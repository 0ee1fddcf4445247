package main

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// example is one command of README.md and the output shown under it.
type example struct {
	line int      // of the command in README.md
	args []string // after "flinksim"
	want []string
}

// readmeExamples finds every fenced block of README.md whose first line is
// "$ ./bin/flinksim ..." or "$ flinksim ...": the command, then its output.
func readmeExamples(t *testing.T) []example {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []example
	var cur *example
	in, first := false, false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.HasPrefix(l, "```") {
			if in && cur != nil {
				out = append(out, *cur)
			}
			in, first, cur = !in, true, nil
			continue
		}
		if !in {
			continue
		}
		if first {
			first = false
			for _, p := range []string{"$ ./bin/flinksim ", "$ flinksim "} {
				if strings.HasPrefix(l, p) {
					cur = &example{line: n, args: strings.Fields(strings.TrimPrefix(l, p))}
				}
			}
			continue
		}
		if cur != nil {
			cur.want = append(cur.want, l)
		}
	}
	return out
}

// wallClock is what a run's machine decides: the wall time and events/s.
var wallClock = regexp.MustCompile(`virtual in [0-9.]+s`)

// matches compares output with an example: "..." alone stands for any
// lines, a line ending in "..." for any line that starts with what precedes
// it; the wall time is not compared.
func matches(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	w := want[0]
	if strings.TrimSpace(w) == "..." {
		for k := 0; k <= len(got); k++ {
			if matches(want[1:], got[k:]) {
				return true
			}
		}
		return false
	}
	if len(got) == 0 {
		return false
	}
	g := wallClock.ReplaceAllString(got[0], "virtual in _s")
	w = wallClock.ReplaceAllString(w, "virtual in _s")
	ok := g == w
	if p, cut := strings.CutSuffix(w, "..."); cut {
		ok = strings.HasPrefix(g, p)
	}
	return ok && matches(want[1:], got[1:])
}

// TestREADMEExamples runs every example output shown in README.md and
// checks it, so the README cannot drift from the program. It runs without
// the race detector (make test runs it so): the examples are whole runs.
func TestREADMEExamples(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	exs := readmeExamples(t)
	if len(exs) < 3 {
		t.Fatalf("found %d examples in README.md", len(exs))
	}
	for _, ex := range exs {
		t.Run(strings.Join(ex.args, " "), func(t *testing.T) {
			var stdout, stderr string
			if len(ex.args) == 2 && ex.args[0] == "run" {
				r := builtInRun(t, ex.args[1]) // shared with TestGoldenBuiltIns
				stdout, stderr = r.stdout, r.stderr
			} else {
				t.Chdir(t.TempDir())
				_, stdout, stderr = cli(t, ex.args...)
			}
			got := strings.Split(strings.TrimRight(stdout+stderr, "\n"), "\n")
			if !matches(ex.want, got) {
				t.Errorf("README.md:%d: flinksim %s prints\n%s\nREADME shows\n%s", ex.line, strings.Join(ex.args, " "),
					strings.Join(got, "\n"), strings.Join(ex.want, "\n"))
			}
		})
	}
}

func TestReadmeMatcher(t *testing.T) {
	for _, c := range []struct {
		want, got string
		ok        bool
	}{
		{"a\nb", "a\nb", true},
		{"a\n...\nd", "a\nb\nc\nd", true},
		{"a\n...\nd", "a\nd", true},
		{"a\n...", "a\nb", true},
		{"a\nb...", "a\nbcd", true},
		{"a\nb", "a\nc", false},
		{"a\n...\nd", "a\nb\nc", false},
		{"x: 1h virtual in 0.39s (seed 1)", "x: 1h virtual in 12.5s (seed 1)", true},
		{"x: 1h virtual in 0.39s (seed 1)", "x: 1h virtual in 12.5s (seed 2)", false},
	} {
		if got := matches(strings.Split(c.want, "\n"), strings.Split(c.got, "\n")); got != c.ok {
			t.Errorf("matches(%q, %q) = %v", c.want, c.got, got)
		}
	}
}
