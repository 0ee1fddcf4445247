package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVariantSetsNameAndWarnings: run/compare --variant X --set k=v, where
// k=v breaks the base (not made): the comparison is named as --set names
// it (it was the file's name: the base as written), and a variant's own
// Flink key that is not modelled is warned of whichever --variant comes
// first (only the first run's were).
func TestVariantSetsNameAndWarnings(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hb.yaml")
	os.WriteFile(file, []byte(`name: hb
duration: 10s
sources:
  - {name: events, partitions: 1, rate: 1k/s}
sinks:
  - {name: db, capacity: 2k/s}
variants:
  - {name: quick, set: {flink.heartbeat.interval: 2s}}
  - {name: reuse, set: {flink.heartbeat.interval: 3s, flink.pipeline.object-reuse: "true"}}
`), 0o644)
	code, out, errs := cli(t, "compare", file, "--variant", "quick", "--variant", "reuse", "--set", "name=renamed",
		"--set", "flink.heartbeat.timeout=5s", "--no-plots", "-o", "json", "--out", filepath.Join(dir, "out"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Scenario string `json:"scenario"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Scenario != "renamed" {
		t.Errorf("scenario %q (%v), want renamed", doc.Scenario, err)
	}
	const warning = "flinksim: warning: reuse: 1 Flink key would change the result but is not modelled; this run ignores it: pipeline.object-reuse\n"
	if !strings.Contains(errs, warning) {
		t.Errorf("stderr %q, want %q", errs, warning)
	}
}

// TestSweepAndPlanSetTheBaseAlone: sweep and plan run a scenario's base
// alone, so a --set that breaks only a variant (a heartbeat timeout
// shorter than the variant's interval, which Flink refuses:
// HeartbeatServices) does not refuse them, as run --variant base does not.
func TestSweepAndPlanSetTheBaseAlone(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hb.yaml")
	os.WriteFile(file, []byte(`name: hb
duration: 5s
sources:
  - {name: events, partitions: 1, rate: 1k/s}
sinks:
  - {name: db, capacity: 2k/s}
variants:
  - {name: slow, set: {flink.heartbeat.interval: 20s}}
`), 0o644)
	set := "flink.heartbeat.timeout=15s"
	for _, args := range [][]string{
		{"run", file, "--variant", "base", "--set", set, "--no-plots"},
		{"sweep", file, "--set", set, "--grid", "sinks.db.capacity=3k/s", "--yes", "--no-plots"},
		{"plan", file, "--set", set, "--target", "sinks.db.capacity=2k/s..3k/s", "--for", "stable"},
	} {
		if args[0] != "plan" { // plan writes nothing
			args = append(args, "--out", filepath.Join(dir, args[0]))
		}
		if code, _, errs := cli(t, args...); code != 0 {
			t.Errorf("%s: exit %d\n%s", args[0], code, errs)
		}
	}
	if code, _, errs := cli(t, "run", file, "--set", set, "--out", filepath.Join(dir, "all")); code != 2 || !strings.Contains(errs, "heartbeat.interval (20s)") {
		t.Errorf("run with every variant: exit %d, want 2 for the variant's interval\n%s", code, errs)
	}
}

// TestSetOverVariantWarns: a --set (--seed, --duration) applies over every
// run, a variant's own setting of the same key too, so the variant runs as
// the base does there: the flag wins, with a warning that names the
// variant and both values, however the --set writes the key; a key the
// variant does not set gets none.
func TestSetOverVariantWarns(t *testing.T) {
	file := filepath.Join(t.TempDir(), "v.yaml")
	os.WriteFile(file, []byte(`name: v
duration: 1m
sources: [{name: clicks, rate: 10k/s}]
sinks: [{name: db, capacity: 50k/s, latency: 2ms}]
variants:
  - {name: fast, set: {sinks.db.capacity: 20k/s, seed: 3}}
`), 0o644)
	at := "flinksim: warning: " + file + ":6:24: variants.fast.set.sinks.db.capacity: 20k/s is replaced by "
	for _, c := range []struct {
		flags []string
		want  string // "" warns of nothing
	}{
		{[]string{"--set", "sinks.db.capacity=1k/s"},
			at + "--set sinks.db.capacity=1k/s, which applies over every run, a variant's own settings too: fast runs with 1k/s there, as the base does\n"},
		{[]string{"--set", "sinks.0={capacity: 2k/s}"},
			at + "--set sinks.0={capacity: 2k/s} (sinks.0.capacity: 2k/s), which applies over every run, a variant's own settings too: fast runs with 2k/s there, as the base does\n"},
		{[]string{"--set", "seed=9"},
			"flinksim: warning: " + file + ":6:50: variants.fast.set.seed: 3 is replaced by --set seed=9, which applies over every run, a variant's own settings too: fast runs with 9 there, as the base does\n"},
		{[]string{"--set", "sinks.db.latency=5ms"}, ""},
		// the variant's own value, given to every run: the base has it too
		{[]string{"--set", "sinks.db.capacity=20k/s"},
			"flinksim: warning: " + file + ":6:24: variants.fast.set.sinks.db.capacity: 20k/s is given to every run by --set sinks.db.capacity=20k/s, the base too: fast no longer differs from the base there\n"},
		{[]string{"--set", "sinks.db.capacity=20000/s"}, // one value, written otherwise
			"flinksim: warning: " + file + ":6:24: variants.fast.set.sinks.db.capacity: 20k/s is given to every run by --set sinks.db.capacity=20000/s, the base too: fast no longer differs from the base there\n"},
	} {
		code, _, errs := cli(t, append([]string{"validate", file}, c.flags...)...)
		if code != exitOK || errs != c.want {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 0 and:\n%s", c.flags, code, errs, c.want)
		}
	}
}
