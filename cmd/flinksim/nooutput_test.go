package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunNoOutput: a job whose sources read while nothing reaches a sink
// ends "no output", not stable, so --expect stable fails it in CI; a keyed
// operator no record reached has no skew line and no skew entry in
// summary.json (it read "busiest subtask 0.00× the mean; hot subtasks ").
func TestRunNoOutput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, yaml, duration string
		code                 int
		verdict, why         string
	}{
		// Two of six readers have no partition: no watermark, no firing.
		{"readers without a partition", `name: et
duration: 10m
flink: {parallelism.default: 6}
sources:
  - {name: ev, kind: kafka, partitions: 4, rate: 2k/s, record-size: 200B,
     event-time: {delay: 0s, offline: {share: 10%, duration: 1min}, watermark: {out-of-orderness: 5s}}}
operators:
  - {name: win, key-by: user, keys: 10k, cost: 5us,
     window: {tumbling: 10s, function: aggregate, accumulator-size: 64B}}
sinks: [{name: out}]
`, "1m", exitUnmet, "no output", "2 of ev's 6 readers read no record (no partition)"},
		// The same readers idle after 5 s: windows fire, output flows.
		{"idle readers", `name: et
duration: 10m
flink: {parallelism.default: 6}
sources:
  - {name: ev, kind: kafka, partitions: 4, rate: 2k/s, record-size: 200B,
     event-time: {delay: 0s, watermark: {out-of-orderness: 5s, idleness: 5s}}}
operators:
  - {name: win, key-by: user, keys: 10k, cost: 5us,
     window: {tumbling: 10s, function: aggregate, accumulator-size: 64B}}
sinks: [{name: out}]
`, "1m", exitOK, "stable", "Kafka lag at the end"},
		// Everything filtered before the keyed operator: no skew to speak of.
		{"everything filtered", `name: edge
duration: 3s
flink: {parallelism.default: 1, execution.checkpointing.interval: 1s, execution.checkpointing.dir: file:///tmp/ck}
sources: [{name: a, kind: kafka, partitions: 1, parallelism: 3, rate: 10/s},
          {name: b, kind: kafka, partitions: 3, rate: 5/s}]
operators: [{name: u, input: [a, b], cost: 1us, selectivity: 0.001},
            {name: k, input: u, key-by: x, keys: 1, cost: 1ms, parallelism: 4}]
sinks: [{name: o, capacity: 1MB/s}]
simulation: {sample-interval: 1s}
`, "3s", exitUnmet, "no output", "u emitted none of the"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".yaml")
			if err := os.WriteFile(sc, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			out := strings.TrimSuffix(sc, ".yaml")
			code, stdout, _ := cli(t, "run", sc, "--duration", c.duration, "--no-plots", "--out", out, "--expect", "stable")
			if code != c.code || !strings.Contains(stdout, "verdict      "+c.verdict+": ") || !strings.Contains(stdout, c.why) {
				t.Errorf("exit %d, want %d; want verdict %s containing %q:\n%s", code, c.code, c.verdict, c.why, stdout)
			}
			if strings.Contains(stdout, "skew ") {
				t.Errorf("a skew line:\n%s", stdout)
			}
			b, err := os.ReadFile(filepath.Join(out, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			var s map[string]any
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatal(err)
			}
			if sk, ok := s["skew"]; ok && c.name == "everything filtered" {
				t.Errorf("summary.json's skew: %v", sk)
			}
		})
	}
}
