package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// noOutputCases are TestRunNoOutput's runs: each with its duration, the
// exit code of --expect stable, its verdict and a part of its why.
var noOutputCases = []struct {
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
	// An exactly-once sink takes every record and every commit fails
	// with a known reason: its read_committed readers see nothing (a
	// break-tester's run read "stable ... topic lost 248.2k records").
	{"every commit fails", `name: eo
duration: 5m
flink: {execution.checkpointing.interval: 1min, execution.checkpointing.storage: jobmanager}
sources: [{name: orders, kind: kafka, partitions: 4, parallelism: 2, rate: 1k/s, record-size: 200B}]
operators: [{name: enrich, cost: 20us}]
sinks: [{name: topic, system: kafka, delivery-guarantee: exactly-once, kafka: {transaction-timeout: 10min}}]
failures:
  - commit-failure: {sink: topic, checkpoint: 1, reason: known}
  - commit-failure: {sink: topic, checkpoint: 2, reason: known}
  - commit-failure: {sink: topic, checkpoint: 3, reason: known}
  - commit-failure: {sink: topic, checkpoint: 4, reason: known}
  - commit-failure: {sink: topic, checkpoint: 5, reason: known}
`, "5m", exitUnmet, "no output", "topic's read_committed readers saw none of the"},
	// A JDBC sink at 5 records/s with JdbcExecutionOptions' defaults
	// (batchSize 5000, batchIntervalMs 0) and checkpointing off: its
	// writer holds every record it takes (the run was "stable").
	{"a batch never full", `name: jdbc
duration: 5m
sources: [{name: orders, kind: kafka, partitions: 1, rate: 5/s, record-size: 200B}]
operators: [{name: enrich, cost: 20us}]
sinks: [{name: db, system: jdbc}]
`, "5m", exitUnmet, "no output", "at the end: it sends a batch of 5k records (its batch-size) and has no batch-interval, and with checkpointing off no checkpoint flushes it"},
	// The same with a backlog at the start: batches go out while it is
	// read, none after (a break-tester's run was "stable").
	{"a batch never full after a backlog", `name: jdbc
duration: 10m
sources: [{name: orders, kind: kafka, partitions: 1, rate: 2/s, initial-backlog: 20k, record-size: 200B}]
operators: [{name: enrich, cost: 20us}]
sinks: [{name: db, system: jdbc}]
`, "10m", exitUnmet, "no output", "over the second half of the run and its writer sent none, holding "},
	// A batch-interval sends them, however long it is.
	{"a batch-interval longer than the run", `name: jdbc
duration: 5m
sources: [{name: orders, kind: kafka, partitions: 1, rate: 5/s, record-size: 200B}]
operators: [{name: enrich, cost: 20us}]
sinks: [{name: db, system: jdbc, batch-interval: 10min}]
`, "5m", exitOK, "stable", "Kafka lag at the end"},
	// The same beside a sink whose output flows: the job has output, and
	// the verdict names the silent sink.
	{"a batch never full beside a flowing sink", `name: jdbc
duration: 5m
sources: [{name: orders, kind: kafka, partitions: 1, rate: 5/s, record-size: 200B}]
operators: [{name: enrich, cost: 20us}]
sinks: [{name: db, system: jdbc}, {name: log}]
`, "5m", exitOK, "stable", "; but db took "},
}

// TestRunNoOutput: a job whose sources read while nothing reaches a sink
// ends "no output", not stable, so --expect stable fails it in CI; a keyed
// operator no record reached has no skew line and no skew entry in
// summary.json (it read "busiest subtask 0.00× the mean; hot subtasks ").
func TestRunNoOutput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range noOutputCases {
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

// everythingFiltered is a job whose filter drops every record
// (selectivity: 0) before a keyed operator with state, an event-time
// window and a sink.
const everythingFiltered = `name: everything-filtered
duration: 2m
flink:
  parallelism.default: 2
  state.backend.type: rocksdb
  execution.checkpointing.incremental: true
  execution.checkpointing.dir: file:///tmp/ck
sources:
  - {name: ev, kind: kafka, partitions: 4, rate: 2k/s, record-size: 200B,
     event-time: {delay: 1s, watermark: {out-of-orderness: 5s}}}
operators:
  - {name: drop, cost: 5us, selectivity: 0}
  - {name: agg, key-by: user, keys: 10k, cost: 20us, state-per-key: 100B}
  - {name: win, key-by: user, keys: 10k, cost: 5us,
     window: {tumbling: 10s, function: aggregate, accumulator-size: 64B}}
sinks: [{name: out, capacity-per-subtask: 1k/s}]
`

// TestEverythingFiltered: a filter of selectivity 0 loads and runs. Every
// record it reads counts as filtered, nothing reaches the tasks after it
// (idle the whole run without checkpointing), the verdict is no output
// naming the filter, the window line says no record reached it, and with
// checkpoints, exactly-once and every output written no value is NaN or
// infinite; but the percentiles Flink's REST gives as "NaN" in a task's
// checkpoint summary, which has no histogram (result/restdetails.go).
func TestEverythingFiltered(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "filtered.yaml")
	if err := os.WriteFile(sc, []byte(everythingFiltered), 0o644); err != nil {
		t.Fatal(err)
	}
	idle := filepath.Join(dir, "idle")
	if code, _, stderr := cli(t, "run", sc, "-q", "--no-plots", "--out", idle); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, o := range readSummary(t, idle).Operators {
		if o.Name != "ev" && o.Name != "drop" && (o.RecordsIn != 0 || o.BusyMsPerS != 0 || o.BackpressuredMsPerS != 0 || o.IdleMsPerS != 1000) {
			t.Errorf("%s read %d records, busy %g, backpressured %g, idle %g ms/s; want none and idle 1000", o.Name, o.RecordsIn, o.BusyMsPerS, o.BackpressuredMsPerS, o.IdleMsPerS)
		}
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := cli(t, "run", sc, "-q", "--openmetrics", "--out", out, "--expect", "stable",
		"--set", "flink.execution.checkpointing.interval=20s", "--set", "sinks.out.delivery-guarantee=exactly-once")
	if code != exitUnmet {
		t.Fatalf("exit %d, want %d: %s", code, exitUnmet, stderr)
	}
	s := readSummary(t, out)
	var drop int64
	for _, o := range s.Operators {
		if o.Name == "drop" {
			drop = o.RecordsIn
		}
	}
	why := fmt.Sprintf("drop emitted none of the %s records it read", human.Count(float64(drop)))
	if s.Verdict.Outcome != "no output" || !strings.Contains(s.Verdict.Why, why) || !strings.Contains(stdout, why) {
		t.Errorf("verdict %q: %q; want no output, with %q", s.Verdict.Outcome, s.Verdict.Why, why)
	}
	if drop == 0 || s.Records.Filtered != drop || s.Records.Sink != 0 {
		t.Errorf("drop read %d, filtered %d, sink %d; want every record read filtered", drop, s.Records.Filtered, s.Records.Sink)
	}
	if !strings.Contains(stdout, "win (tumbling 10s, aggregate, allowed lateness 0s): no record reached it;") {
		t.Errorf("the window line:\n%s", stdout)
	}
	noNaNOrInf(t, out)
}

// readSummary reads a run's summary.json.
func readSummary(t *testing.T, dir string) result.Summary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s result.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// noNaNOrInf: no file of a run holds a NaN or an infinity, but the
// percentiles of a task's checkpoint summary in checkpoint-details.json;
// every value of metrics.csv is a finite number.
func noNaNOrInf(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	flinkNaN := regexp.MustCompile(`"p(50|90|95|99|999)": "NaN"`)
	bad := regexp.MustCompile(`\bNaN\b|\bInf(inity)?\b`)
	for _, f := range files {
		if strings.HasSuffix(f, ".png") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if filepath.Base(f) == "checkpoint-details.json" {
			text = flinkNaN.ReplaceAllString(text, "")
		}
		if m := bad.FindString(text); m != "" {
			t.Errorf("%s holds %s", filepath.Base(f), m)
		}
		if filepath.Base(f) != "metrics.csv" {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(text), "\n")[1:] {
			v := line[strings.LastIndex(line, ",")+1:]
			if x, err := strconv.ParseFloat(v, 64); err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				t.Errorf("metrics.csv: %s", line)
			}
		}
	}
}
