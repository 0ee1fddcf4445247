package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareFromOtherSettings: compare --from reads runs as they were
// made; flags that describe other runs (--duration, --seed, --set) are
// refused before anything is written, the same flags are accepted.
func TestCompareFromOtherSettings(t *testing.T) {
	runs := filepath.Join(t.TempDir(), "runs")
	if code, _, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "--duration", "1m", "--no-plots", "--out", runs); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--duration", "1m", "--from", runs, "--no-plots", "--out", t.TempDir()); code != 0 {
		t.Fatalf("the same flags: code %d: %s", code, errs)
	}
	for _, flags := range [][]string{{"--duration", "2m"}, {"--duration", "1m", "--seed", "7"}, {"--duration", "1m", "--set", "flink.parallelism.default=3"}} {
		out := filepath.Join(t.TempDir(), "cmp")
		args := append([]string{"compare", "testdata/ckpt-variants.yaml", "--from", runs, "--no-plots", "--out", out}, flags...)
		code, _, errs := cli(t, args...)
		if code != 2 || !strings.Contains(errs, "was made with other settings") {
			t.Errorf("%v: code %d, %q; want 2 and other settings", flags, code, errs)
		}
	}
}

// TestCompareFromDrawsTheSameCharts: compare --from reads checkpoints in
// whole milliseconds, as checkpoints.json gives them; the charts of the
// runs made now use the same, so both draw the very same picture.
func TestCompareFromDrawsTheSameCharts(t *testing.T) {
	runs, now, from := filepath.Join(t.TempDir(), "runs"), filepath.Join(t.TempDir(), "now"), filepath.Join(t.TempDir(), "from")
	for _, args := range [][]string{
		{"run", "testdata/ckpt-variants.yaml", "--duration", "2m", "--out", runs},
		{"compare", "testdata/ckpt-variants.yaml", "--duration", "2m", "--out", now},
		{"compare", "testdata/ckpt-variants.yaml", "--duration", "2m", "--from", runs, "--out", from},
	} {
		if code, _, errs := cli(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	a, _ := os.ReadFile(filepath.Join(now, "compare.svg"))
	b, _ := os.ReadFile(filepath.Join(from, "compare.svg"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("compare.svg of the runs made now (%d bytes) and read back (%d bytes) differ", len(a), len(b))
	}
}

// TestCompareFromNamesEveryMissingRun: every run --from lacks is told at
// once, not the first alone.
func TestCompareFromNamesEveryMissingRun(t *testing.T) {
	runs := filepath.Join(t.TempDir(), "runs")
	if code, _, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "--duration", "1m", "--no-plots", "--out", runs); code != 0 {
		t.Fatal(errs)
	}
	os.RemoveAll(filepath.Join(runs, "incremental"))
	os.RemoveAll(filepath.Join(runs, "unaligned"))
	code, _, errs := cli(t, "compare", "testdata/ckpt-variants.yaml", "--duration", "1m", "--from", runs, "--out", t.TempDir())
	if code != 2 || !strings.Contains(errs, "no summary.json of run incremental") || !strings.Contains(errs, "no summary.json of run unaligned") ||
		!strings.Contains(errs, "2 problems in the flags") {
		t.Errorf("code %d, %q; want both missing runs named", code, errs)
	}
}
