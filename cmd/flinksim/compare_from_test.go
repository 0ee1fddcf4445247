package main

import (
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
