package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunOutRefused: run and compare replace --out as a whole, so they
// refuse, before simulating, the current directory (or one holding it), an
// empty --out, and a directory that holds a sweep's records.
func TestRunOutRefused(t *testing.T) {
	dir := t.TempDir()
	sweepDir := filepath.Join(dir, "sw")
	os.MkdirAll(sweepDir, 0o755)
	os.WriteFile(filepath.Join(sweepDir, "points.jsonl.partial"), []byte("{}\n"), 0o644)
	t.Chdir(dir)
	for _, c := range []struct {
		out, want string
	}{{".", "is the current directory"}, {"", "--out: is empty"}, {"..", "is the current directory or holds it"}, {"sw", "holds a sweep's records"}} {
		for _, args := range [][]string{{"run", "backpressure"}, {"compare", "checkpoint-death-spiral"}} {
			code, _, errs := cli(t, append(args, "--duration", "10h", "--out", c.out)...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("%s --out %q: code %d, %q; want 2 and %q", args[0], c.out, code, errs, c.want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(sweepDir, "points.jsonl.partial")); err != nil {
		t.Errorf("the sweep's journal is gone: %v", err)
	}
}

// TestOutProblemWithTheOtherFlags: a --out that run or compare would
// refuse is a flag problem, reported with the other flags' at once, as
// "--out: ...", and counted with them.
func TestOutProblemWithTheOtherFlags(t *testing.T) {
	mine := t.TempDir()
	os.WriteFile(filepath.Join(mine, "notes.txt"), []byte("keep me"), 0o644)
	for _, args := range [][]string{{"run", "backpressure"}, {"compare", "testdata/ckpt-variants.yaml"}} {
		code, _, errs := cli(t, append(args, "--out", mine, "--duration", "abc")...)
		if code != 2 || !strings.Contains(errs, "--out: "+mine+" holds files flinksim did not write (notes.txt)") ||
			!strings.Contains(errs, `--duration: "abc" is not a duration`) || !strings.Contains(errs, "flinksim: 2 problems in the flags") {
			t.Errorf("%s: code %d, stderr %q", args[0], code, errs)
		}
	}
}
