package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
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

// threeRuns is a small scenario with two variants: three runs.
const threeRuns = `name: v
duration: 10s
sources: [{name: src, rate: 1k/s}]
operators: [{name: op, cost: 100us}]
sinks: [{name: out}]
variants: [{name: fast, set: {operators.op.cost: 10us}}, {name: slow, set: {operators.op.cost: 900us}}]
`

// TestCompareFromKeepsReplicas: compare --from DIR --out DIR writes its
// comparison beside the runs it reads and keeps the rest of DIR: a
// compare --replicas's replicas.csv too, the one record of its other
// replicas (their runs are not kept), which a comparison read --from does
// not write again.
func TestCompareFromKeepsReplicas(t *testing.T) {
	file := writeScenario(t, "v.yaml", threeRuns)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, errs := cli(t, "compare", file, "--replicas", "2", "--no-plots", "--out", out); code != 0 {
		t.Fatalf("compare --replicas: %d %s", code, errs)
	}
	before, err := os.ReadFile(filepath.Join(out, "replicas.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := result.ReadDir(filepath.Join(out, "base"))
	if err != nil {
		t.Fatal(err)
	}
	seed := fmt.Sprint(res.Summary.Seed)
	if code, _, errs := cli(t, "compare", file, "--from", out, "--out", out, "--seed", seed, "--no-plots"); code != 0 {
		t.Fatalf("compare --from: %d %s", code, errs)
	}
	after, err := os.ReadFile(filepath.Join(out, "replicas.csv"))
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("replicas.csv after compare --from: %v, %q; want it kept: %q", err, after, before)
	}
}

// TestCompareFromSomeVariantsSaysWhich: compare --from a run of some of the
// variants only (run --variant base --variant fast) names the run missing
// and says how to compare the runs the directory holds, or that one run
// alone cannot be compared.
func TestCompareFromSomeVariantsSaysWhich(t *testing.T) {
	file := writeScenario(t, "v.yaml", threeRuns)
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	if code, _, errs := cli(t, "run", file, "--variant", "base", "--variant", "fast", "--no-plots", "--out", runs); code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	code, _, errs := cli(t, "compare", file, "--from", runs, "--out", filepath.Join(dir, "cmp"))
	for _, want := range []string{"no summary.json of run slow", runs + " holds the runs base, fast: to compare those, give --variant base --variant fast", "1 problem in the flags"} {
		if code != exitScenario || !strings.Contains(errs, want) {
			t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, errs, want)
		}
	}
	if code, _, errs := cli(t, "compare", file, "--from", runs, "--variant", "base", "--variant", "fast", "--out", filepath.Join(dir, "cmp")); code != 0 {
		t.Errorf("with the hint's --variant: exit %d, %s", code, errs)
	}
	// a run of one variant: no --variant can compare it alone
	one := filepath.Join(dir, "one")
	if code, _, errs := cli(t, "run", file, "--variant", "fast", "--no-plots", "--out", one); code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	_, _, errs = cli(t, "compare", file, "--from", one, "--out", filepath.Join(dir, "cmp1"))
	if want := one + " holds the run fast only, and compare needs two or more"; !strings.Contains(errs, want) || strings.Contains(errs, "give --variant fast") {
		t.Errorf("stderr:\n%s\nwant %q and no --variant to give", errs, want)
	}
}
