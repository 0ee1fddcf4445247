package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// writeScenario writes a scenario file in a directory of its own.
func writeScenario(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// warningLines are the lines of stderr that are warnings.
func warningLines(stderr string) []string {
	var ws []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "flinksim: warning: ") {
			ws = append(ws, l)
		}
	}
	return ws
}

// variantsScenario is a 1.17 scenario whose variants set a key 1.17 does
// not know (and the hashmap backend ignores) and one not modelled.
const variantsScenario = `name: v117
duration: 10s
seed: 7
flink-version: "1.17"
flink:
  execution.checkpointing.interval: 5s
  pipeline.object-reuse: true
sources:
  - {name: events, partitions: 2, rate: 10k/s}
sinks:
  - {name: db, capacity: 20k/s}
variants:
  - name: incr
    set: {flink.execution.checkpointing.incremental: true}
  - name: sched
    set: {flink.jobmanager.scheduler: adaptive}
`

// TestValidateVariantWarnings: validate, the full check, prints the
// warnings of the variants as run prints them (run's own: each once), and
// its JSON has them: the warnings at the variant's path, the keys not
// modelled of every run.
func TestValidateVariantWarnings(t *testing.T) {
	path := writeScenario(t, "v117.yaml", variantsScenario)
	incr := "v117.yaml:14:11: variants.incr.set.flink.execution.checkpointing.incremental: ignored: the hashmap state backend takes full snapshots"
	code, _, stderr := cli(t, "validate", path, "-q")
	text := warningLines(stderr)
	has := func(ws []string, prefix, part string) bool {
		n := 0
		for _, w := range ws {
			if strings.HasPrefix(w, prefix) && strings.Contains(w, part) {
				n++
			}
		}
		return n == 1
	}
	if code != exitOK || len(text) != 5 || !has(text, "flinksim: warning: incr: ", incr) ||
		!has(text, "flinksim: warning: base: 1 Flink key(s)", "this run ignores them: pipeline.object-reuse") ||
		!has(text, "flinksim: warning: incr: 1 Flink key(s)", "this run ignores them: pipeline.object-reuse") ||
		!has(text, "flinksim: warning: sched: 2 Flink key(s)", "this run ignores them: pipeline.object-reuse jobmanager.scheduler") {
		t.Errorf("validate: exit %d, warnings:\n%s", code, strings.Join(text, "\n"))
	}

	code, out, stderr := cli(t, "validate", path, "-o", "json")
	var v validateDoc
	jsonDoc(t, out, &v)
	var paths []string
	for _, w := range v.Warnings {
		paths = append(paths, w["path"].(string))
	}
	if code != exitOK || !reflect.DeepEqual(warningLines(stderr), text) || !slices.Contains(paths, "variants.incr.set.flink.execution.checkpointing.incremental") ||
		!reflect.DeepEqual(v.NotModelledFlinkKeys, []string{"pipeline.object-reuse", "jobmanager.scheduler"}) {
		t.Errorf("validate -o json: exit %d, warnings %q, not modelled %q, stderr:\n%s", code, paths, v.NotModelledFlinkKeys, stderr)
	}

	// run prints the same warnings, each once (it loads every variant
	// again to run it)
	code, _, stderr = cli(t, "run", path, "-q", "--out", filepath.Join(t.TempDir(), "out"))
	if got := warningLines(stderr); code != exitOK || !reflect.DeepEqual(got, text) {
		t.Errorf("run: exit %d, warnings:\n%s\nwant validate's:\n%s", code, strings.Join(got, "\n"), strings.Join(text, "\n"))
	}

	// with a bad flag, every run's warnings come with its problem
	code, _, stderr = cli(t, "validate", path, "--bogus")
	if got := warningLines(stderr); code != exitScenario || len(got) != 4 || !has(got, "flinksim: warning: "+filepath.Dir(path)+"/", incr) ||
		!has(got, "flinksim: warning: variants.sched: 2 Flink key(s)", "jobmanager.scheduler") {
		t.Errorf("validate --bogus: exit %d, stderr:\n%s", code, stderr)
	}
}
