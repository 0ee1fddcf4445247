package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMergeRefusesAnotherPlan: every record of a shard file names its
// plan, and a merge with another scenario, --set, --duration, --seed,
// --grid or --replicas refuses the shard files (exit 2, each named), as
// does a shard file whose records name no plan; nothing is written.
func TestMergeRefusesAnotherPlan(t *testing.T) {
	dir, scenario, out, grid := twoShards(t)
	tiny := mustRead(t, scenario)
	shard0, shard1 := filepath.Join(out, "shard-0-of-2.jsonl"), filepath.Join(out, "shard-1-of-2.jsonl")
	b, _ := os.ReadFile(shard0)
	if !strings.Contains(string(b), `"plan":"`) {
		t.Fatalf("a shard record names no plan: %s", b)
	}
	edited := filepath.Join(dir, "edited.yaml")
	if err := os.WriteFile(edited, []byte(strings.Replace(string(tiny), "rate: 10k/s", "rate: 11k/s", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"the scenario edited", []string{edited, "--grid", "sinks.db.capacity=5k/s,20k/s", "--duration", "5s"}},
		{"another --duration", []string{scenario, "--grid", "sinks.db.capacity=5k/s,20k/s", "--duration", "6s"}},
		{"another --set", []string{scenario, "--grid", "sinks.db.capacity=5k/s,20k/s", "--duration", "5s", "--set", "sources.events.partitions=3"}},
		{"another --seed", []string{scenario, "--grid", "sinks.db.capacity=5k/s,20k/s", "--duration", "5s", "--seed", "8"}},
	} {
		code, _, errs := cli(t, append([]string{"sweep", "merge", "--no-plots", "--out", out}, c.args...)...)
		if code != exitScenario || !strings.Contains(errs, shard0+": ") || !strings.Contains(errs, shard1+": ") || !strings.Contains(errs, "another sweep's plan") {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming both shard files", c.name, code, errs)
		}
		if _, err := os.Stat(filepath.Join(out, "points.jsonl")); err == nil {
			t.Fatalf("%s: points.jsonl written", c.name)
		}
	}
	// A record without its plan (an older flinksim's shard file) is refused.
	if err := os.WriteFile(shard1, []byte(strings.ReplaceAll(string(mustRead(t, shard1)), `"plan":"`, `"planned":"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := cli(t, append([]string{"sweep", "merge", "--no-plots", "--out", out, scenario}, grid...)...)
	if code != exitScenario || !strings.Contains(errs, shard1+": 1 of 1 records do not name their sweep's plan") || strings.Contains(errs, shard0) {
		t.Errorf("records without a plan: exit %d, stderr %q", code, errs)
	}
}

// twoShards runs a sweep of testdata/tiny.yaml (copied into a temporary
// dir) as two shards into dir/out, and returns them with the sweep's flags.
func twoShards(t *testing.T) (dir, scenario, out string, grid []string) {
	t.Helper()
	dir = t.TempDir()
	scenario = filepath.Join(dir, "tiny.yaml")
	if err := os.WriteFile(scenario, mustRead(t, "testdata/tiny.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	grid = []string{"--grid", "sinks.db.capacity=5k/s,20k/s", "--duration", "5s"}
	out = filepath.Join(dir, "out")
	for _, shard := range []string{"0/2", "1/2"} {
		if code, _, errs := cli(t, append([]string{"sweep", scenario, "-q", "--shard", shard, "--out", out}, grid...)...); code != exitOK {
			t.Fatalf("shard %s: exit %d, %s", shard, code, errs)
		}
	}
	return dir, scenario, out, grid
}

// TestMergeRefusesDifferingDuplicates: a shard file's record written
// again unchanged (a retried shard) merges, but a copy that differs, in
// its own file or another, is refused (exit 2) with both files and lines,
// and nothing is written; before, the first copy was kept silently.
func TestMergeRefusesDifferingDuplicates(t *testing.T) {
	_, scenario, out, grid := twoShards(t)
	shard0, shard1 := filepath.Join(out, "shard-0-of-2.jsonl"), filepath.Join(out, "shard-1-of-2.jsonl")
	first := strings.SplitAfter(string(mustRead(t, shard0)), "\n")[0]
	changed := regexp.MustCompile(`"lag_end":[^,]*`).ReplaceAllString(first, `"lag_end":12345`)
	if changed == first {
		t.Fatalf("no lag_end in %q", first)
	}
	appendTo := func(path, line string) {
		t.Helper()
		if err := os.WriteFile(path, append(mustRead(t, path), line...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	merge := append([]string{"sweep", "merge", "--no-plots", "-q", "--out", out, scenario}, grid...)
	appendTo(shard1, first) // a retried shard's record again: the same
	if code, _, errs := cli(t, merge...); code != exitOK {
		t.Fatalf("an identical duplicate: exit %d, %s", code, errs)
	}
	os.Remove(filepath.Join(out, "points.jsonl"))
	appendTo(shard0, changed)
	appendTo(shard1, changed)
	code, _, errs := cli(t, merge...)
	for _, want := range []string{"2 of 5 records cannot be merged, nothing written:\n",
		shard0 + ":2: run sinks.db.capacity=", " differs from the one at " + shard0 + ":1 (outcome.lag_end 12345 here, ",
		shard1 + ":3: run sinks.db.capacity="} {
		if code != exitScenario || !strings.Contains(errs, want) {
			t.Errorf("differing duplicates: exit %d, stderr %q; want 2 and %q", code, errs, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "points.jsonl")); err == nil {
		t.Error("points.jsonl written")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
