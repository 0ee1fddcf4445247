package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergeRefusesAnotherPlan: every record of a shard file names its
// plan, and a merge with another scenario, --set, --duration, --seed,
// --grid or --replicas refuses the shard files (exit 2, each named), as
// does a shard file whose records name no plan; nothing is written.
func TestMergeRefusesAnotherPlan(t *testing.T) {
	dir := t.TempDir()
	scenario := filepath.Join(dir, "tiny.yaml")
	tiny, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(scenario, tiny, 0o644); err != nil {
		t.Fatal(err)
	}
	grid := []string{"--grid", "sinks.db.capacity=5k/s,20k/s", "--duration", "5s"}
	out := filepath.Join(dir, "out")
	for _, shard := range []string{"0/2", "1/2"} {
		if code, _, errs := cli(t, append([]string{"sweep", scenario, "-q", "--shard", shard, "--out", out}, grid...)...); code != exitOK {
			t.Fatalf("shard %s: exit %d, %s", shard, code, errs)
		}
	}
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

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
