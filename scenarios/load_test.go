package scenarios

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestBrokenScenarios loads every testdata/broken/*.yaml and compares the full
// error report with its .err golden file (rewritten by -update).
func TestBrokenScenarios(t *testing.T) {
	files, _ := filepath.Glob("testdata/broken/*.yaml")
	if len(files) < 15 {
		t.Fatalf("only %d broken scenarios", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(filepath.Base(f), data, nil)
			var probs Problems
			if !errors.As(err, &probs) {
				t.Fatalf("want Problems, got %v", err)
			}
			got := probs.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s:\n got:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// TestLibraryLoadsAndRoundTrips: every built-in scenario loads, and its
// resolved form loads again to the same Spec and the same resolved text.
// None, nor any variant, checkpoints to the JobManager's memory: those
// with checkpointing have a checkpoint-storage: block, as a job has a
// checkpoint directory.
func TestLibraryLoadsAndRoundTrips(t *testing.T) {
	if len(Library()) < 2 {
		t.Fatal("the library is empty")
	}
	for _, b := range Library() {
		t.Run(b.Name, func(t *testing.T) {
			if b.Description == "" {
				t.Error("no description")
			}
			l, err := Load(b.Name, b.Data, nil)
			if err != nil {
				t.Fatal(err)
			}
			assertRoundTrip(t, l)
			names := []string{BaseName}
			for _, v := range l.Scenario.Variants {
				names = append(names, v.Name)
			}
			for _, v := range names {
				lv, err := LoadVariant(b.Name, b.Data, nil, v)
				if err != nil {
					t.Fatal(err)
				}
				if k := lv.Spec.Checkpointing; k != nil && k.StorageClass != "" {
					t.Errorf("%s: checkpoints go to %s, want a file system's (a checkpoint-storage: block)", v, k.StorageClass)
				}
			}
		})
	}
}

func assertRoundTrip(t *testing.T, l *Loaded) {
	t.Helper()
	first, err := l.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load("resolved.yaml", first, nil)
	if err != nil {
		t.Fatalf("the resolved scenario does not load:\n%v\n%s", err, first)
	}
	second, err := again.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("resolved output changed on reload:\n%s\n---\n%s", first, second)
	}
	if !reflect.DeepEqual(l.Spec, again.Spec) {
		t.Fatalf("the resolved scenario gives a different run:\n%+v\n%+v", l.Spec, again.Spec)
	}
}

const minimal = `
name: m
sources:
  - {name: clicks, rate: 10k/s}
operators:
  - {name: parse, cost: 5us}
sinks:
  - {name: out, capacity: 5k/s}
`

// ckptDir is the checkpoint directory a job that checkpoints sets, on a file
// system, for the tests that turn checkpointing on to check something else
// than where checkpoints go: without one (or a checkpoint-storage: block),
// Flink falls back to the JobManager's memory, with a warning
// (resolve_ckptstorage.go). ckptDirAnyRelease names it as releases before
// 1.20 read it (state.checkpoints.dir, still read as an older name by 1.20
// and 2.x), for tests over several releases.
const (
	ckptDir           = "flink.execution.checkpointing.dir=s3://bucket/checkpoints"
	ckptDirAnyRelease = "flink.state.checkpoints.dir=s3://bucket/checkpoints"
)

func TestSetOverrides(t *testing.T) {
	l, err := Load("m.yaml", []byte(minimal), []string{
		"sinks.out.capacity=20k/s",
		"operators.parse.cost={exponential: 7us}",
		"flink.parallelism.default=3",
		"flink.taskmanager.memory.segment-size=64kb",
		"sources.0.partitions=6",
		"duration=1h",
		"seed=42",
	})
	if err != nil {
		t.Fatal(err)
	}
	sp := l.Spec
	if sp.Seed != 42 || sp.Duration.Seconds() != 3600 || sp.Network.SegmentSize != 64<<10 {
		t.Errorf("seed %d, duration %v, segment %d", sp.Seed, sp.Duration, sp.Network.SegmentSize)
	}
	if sp.Nodes[0].Parallelism != 3 || sp.Nodes[0].Kafka.Partitions != 6 {
		t.Errorf("parallelism %d, partitions %d", sp.Nodes[0].Parallelism, sp.Nodes[0].Kafka.Partitions)
	}
	if got := sp.Nodes[2].Sink.RecordsPerSecond * 3; got < 19999 || got > 20001 {
		t.Errorf("sink capacity %v in total, want 20k/s", got)
	}
	if sp.Nodes[1].Cost.Mean() != 7e-6 {
		t.Errorf("cost mean %v", sp.Nodes[1].Cost.Mean())
	}
	assertRoundTrip(t, l)

	_, err = Load("m.yaml", []byte(minimal), []string{"sinks.nope.capacity=1k/s", "sinks.out.capacity=fast", "operators.parse.cots=1us", "novalue",
		"execution.checkpointing.interval=1m"})
	want := `--set execution.checkpointing.interval=1m: execution: unknown field; execution.checkpointing.interval is a Flink option: it goes under flink: (flink.execution.checkpointing.interval)
--set novalue: must be key=value, e.g. --set sinks.jdbc.capacity=100k/s
--set operators.parse.cots=1us: operators.parse.cots: unknown field; did you mean "cost"?
--set sinks.nope.capacity=1k/s: sinks.nope: no list item has this name or index (items: out)
--set sinks.out.capacity=fast: sinks.out.capacity: "fast" has no time unit; write e.g. 100k/s or 50MB/s`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}

	// an empty Flink value: what the key allows, and what leaving it out
	// does, even where Flink's default is no value
	_, err = Load("m.yaml", []byte(minimal), []string{"flink.execution.checkpointing.interval=", "flink.parallelism.default="})
	want = `--set flink.execution.checkpointing.interval=: flink.execution.checkpointing.interval: needs a single value, and an empty one is not a Flink duration: a whole number and one unit (ms if none: d, h, min or m, s, ms, µs, ns, or their long names); or leave the key out (Flink's default is to leave it unset)
--set flink.parallelism.default=: flink.parallelism.default: needs a single value, and an empty one is not a whole number: give one from 1 to 32768; or leave the key out (Flink's default is 1)`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

// TestSetNumberNamesTwoItems: a list index in --set (sources[0], as a
// problem names the first item) that is also another item's name is
// refused, not taken to mean the item of that name.
func TestSetNumberNamesTwoItems(t *testing.T) {
	doc := `name: amb
sources:
  - {name: events, rate: 1k/s}
  - {name: "0", rate: 2k/s}
operators:
  - {name: join, input: [events, "0"]}
sinks:
  - {name: out}
`
	_, err := Load("amb.yaml", []byte(doc), []string{"sources[0].rate=7k/s"})
	want := `--set sources[0].rate=7k/s: sources.0: names two items: the one at index 0 and the one named "0", sources[1]; name the one you mean by its other name or index, or rename the item "0"`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	// nor taken for the item of that name when set twice is checked: one
	// problem, not "set twice" besides it
	if got := FieldKey("amb.yaml", []byte(doc), nil, "sources[0].rate"); got != "sources.0.rate" {
		t.Errorf("FieldKey(sources[0].rate) = %q, want it as written (sources.0.rate), naming no item", got)
	}
	if got := FieldKey("amb.yaml", []byte(doc), nil, "sources[1].rate"); got != "sources.1.rate" {
		t.Errorf("FieldKey(sources[1].rate) = %q, want sources.1.rate", got)
	}
	for set, rate := range map[string]float64{"sources.events.rate=7k/s": 7000, "sources[1].rate=7k/s": 1000} {
		l, err := Load("amb.yaml", []byte(doc), []string{set})
		if err != nil {
			t.Fatalf("%s: %v", set, err)
		}
		if got := l.Spec.Nodes[0].Kafka.Rate.Rate(0); got != rate {
			t.Errorf("%s: events at %v/s, want %v", set, got, rate)
		}
	}
}

func TestFlinkConfigForms(t *testing.T) {
	nested := `
name: nested
flink:
  taskmanager:
    numberOfTaskSlots: 4
    network:
      memory:
        max-buffers-per-channel: 20
  pipeline.operator-chaining: false
  execution.buffer-timeout.enabled: false
  rest.port: 8081
  metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
  pipeline.object-reuse: true
sources:
  - {name: clicks, rate: 10k/s}
sinks:
  - {name: out}
`
	l, err := Load("n.yaml", []byte(nested), nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Spec.SlotsPerTaskManager != 4 || l.Spec.Network.MaxBuffersPerChannel != 20 || l.Spec.Chaining || l.Spec.Network.BufferTimeout >= 0 {
		t.Errorf("nested/deprecated keys not applied: %+v", l.Spec)
	}
	if want := []string{"rest.port", "metrics.reporter.prom.factory.class"}; !reflect.DeepEqual(l.InertFlinkKeys, want) {
		t.Errorf("inert %v, want %v", l.InertFlinkKeys, want)
	}
	if want := []string{"pipeline.object-reuse"}; !reflect.DeepEqual(l.NotModelled, want) {
		t.Errorf("not modelled %v, want %v", l.NotModelled, want)
	}
	assertRoundTrip(t, l)
}

// FuzzLoad: no input makes Load panic; failures are Problems; what loads
// round-trips through its resolved form.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(minimal))
	for _, b := range Library() {
		f.Add(b.Data)
	}
	files, _ := filepath.Glob("testdata/broken/*.yaml")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Load("fuzz.yaml", data, nil)
		if err != nil {
			var probs Problems
			if !errors.As(err, &probs) || len(probs) == 0 {
				t.Fatalf("error is not Problems: %v", err)
			}
			return
		}
		if _, err := l.Resolved(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestHostileInputIsCheap: an alias bomb (each level doubles the nodes) and a
// flood of errors are cut off quickly, with a clear message.
func TestHostileInputIsCheap(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: bomb\na0: &a0 {cost: [x]}\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	b.WriteString("sources: *a39\nsinks: *a39\n")
	start := time.Now()
	_, err := Load("bomb.yaml", []byte(b.String()), nil)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("alias bomb: err=%v after %v", err, time.Since(start))
	}
	// A list under flink: is kept as written, not decoded, and counts
	// against the same budget, each value and each use of an alias.
	for name, list := range map[string]string{
		"long": "[" + strings.Repeat("a,", maxNodes) + "a]",
		"self": "&l [*l]",
	} {
		doc := "name: x\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\nflink:\n  pipeline.jars: " + list + "\n"
		if _, err := Load("x.yaml", []byte(doc), nil); err == nil || !strings.Contains(err.Error(), "flink.pipeline.jars: the document has more than") {
			t.Errorf("%s list under flink: %v", name, err)
		}
	}
	// Flink keys a what-if names through aliases, in a variant's set: and
	// in a --set, each level doubling them: told, not merged one by one.
	var flinkBomb strings.Builder
	flinkBomb.WriteString("{a0: &a0 {k: x}")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&flinkBomb, ", a%d: &a%d {l: *a%d, r: *a%d}", i, i, i-1, i-1)
	}
	flinkBomb.WriteString("}")
	const base = "name: x\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\n"
	start = time.Now()
	_, err = load("x.yaml", []byte(base+"variants:\n  - name: v\n    set:\n      flink: "+flinkBomb.String()+"\n"), nil, "v")
	if err == nil || !strings.Contains(err.Error(), "the document has more than") || time.Since(start) > 5*time.Second {
		t.Errorf("Flink keys through aliases in a variant's set: err=%v after %v", err, time.Since(start))
	}
	start = time.Now()
	_, err = Load("x.yaml", []byte(base), []string{"flink=" + flinkBomb.String()})
	if err == nil || !strings.Contains(err.Error(), "the document has more than") || time.Since(start) > 5*time.Second {
		t.Errorf("Flink keys through aliases in a --set: err=%v after %v", err, time.Since(start))
	}
	// Thousands of Flink keys, each replaced by a what-if: one pass drops
	// the replaced entries (a pass per what-if took minutes), and a nested
	// entry is replaced as a flat one is.
	var keys, sets strings.Builder
	keys.WriteString(base + "flink:\n  taskmanager: {numberOfTaskSlots: 2}\n")
	sets.WriteString("variants:\n  - name: v\n    set:\n      flink.taskmanager.numberOfTaskSlots: 3\n")
	for i := 0; i < 15000; i++ {
		fmt.Fprintf(&keys, "  myapp.k%d: %d\n", i, i)
		fmt.Fprintf(&sets, "      flink.myapp.k%d: %d\n", i, i+1)
	}
	start = time.Now()
	l, err := load("x.yaml", []byte(keys.String()+sets.String()), nil, "v")
	if err != nil || time.Since(start) > 5*time.Second {
		t.Fatalf("a variant replacing 15000 Flink keys: err=%v after %v", err, time.Since(start))
	}
	if got := l.Spec.SlotsPerTaskManager; got != 3 {
		t.Errorf("taskmanager.numberOfTaskSlots: %d, want the variant's 3", got)
	}
	var many strings.Builder
	many.WriteString("name: many\nsources:\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&many, "  - {name: s%d, partitions: x}\n", i)
	}
	_, err = Load("many.yaml", []byte(many.String()), nil)
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != maxProblems+1 || !strings.Contains(probs[len(probs)-1].Msg, "stopped after") {
		t.Fatalf("want %d problems and a stop notice, got %d", maxProblems+1, len(probs))
	}
}

// TestApplicationKeysInFlinkBlock: Flink's Configuration keeps any key,
// and a job's code may read its own (myapp.input.topic); such a key, under
// no prefix of Flink's options, loads with a warning and is listed with
// the inert keys. Under a prefix of Flink's, an unknown key is a mistake.
func TestApplicationKeysInFlinkBlock(t *testing.T) {
	const sc = "name: x\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\nflink:\n  myapp.input.topic: orders\n  kafka: {bootstrap.servers: \"k:9092\"}\n"
	l, err := Load("x.yaml", []byte(sc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"myapp.input.topic", "kafka.bootstrap.servers"}; !reflect.DeepEqual(l.InertFlinkKeys, want) {
		t.Errorf("inert %v, want %v", l.InertFlinkKeys, want)
	}
	if len(l.Warnings) != 2 || !strings.Contains(l.Warnings[0].String(), "x.yaml:5:3: flink.myapp.input.topic: ignored: no Flink option starts with myapp.") {
		t.Errorf("warnings %q", l.Warnings)
	}
	_, err = Load("x.yaml", []byte(strings.Replace(sc, "myapp.input.topic", "taskmanager.input.topic", 1)), nil)
	if err == nil || !strings.Contains(err.Error(), "flink.taskmanager.input.topic: unknown Flink configuration key") {
		t.Errorf("an unknown key under taskmanager.: %v", err)
	}
}

// TestForStByRelease: state.backend.type forst (ForStStateBackendFactory)
// exists from Flink 2.0; before, Flink finds no such backend. From 2.0 it
// is modelled as RocksDB, with a warning that its remote primary storage
// is not.
func TestForStByRelease(t *testing.T) {
	const sc = "name: x\nflink-version: \"%s\"\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\nflink: {state.backend.type: %s}\n"
	for _, c := range []struct{ release, backend, want string }{
		{"1.20", "forst", "the ForSt state backend came in Flink 2.0"},
		{"2.0", "ForSt", "ForSt is modelled as RocksDB"},
		{"2.3", "org.apache.flink.state.forst.ForStStateBackendFactory", "ForSt is modelled as RocksDB"},
	} {
		l, err := Load("x.yaml", []byte(fmt.Sprintf(sc, c.release, c.backend)), nil)
		got := fmt.Sprint(err)
		if err == nil {
			got = fmt.Sprint(l.Warnings)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s on %s: %s, want %q", c.backend, c.release, got, c.want)
		}
	}
}

// A refused name is reported once: an input naming it gets no second
// message, and the message says which letters a name may hold.
func TestRefusedNameReportedOnce(t *testing.T) {
	doc := "name: x\nsources: [{name: clïcks, rate: 1k/s}]\noperators: [{name: parse, input: clïcks}]\nsinks: [{name: k}]\n"
	_, err := Load("x.yaml", []byte(doc), nil)
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 1 || !strings.Contains(probs[0].Msg, "ASCII letters") {
		t.Fatalf("got %v, want one problem naming ASCII letters", err)
	}
}

// TestNamesBounded: every name is at most 255 bytes (a variant's names its
// run's directory, and a file name is at most 255 bytes on Linux and
// macOS), and the scenario's, printed on one line and as the pages' title,
// holds no control character; a / in it names no directory and is taken.
// Each refusal is one problem at the name, with the project's position and
// path, and never repeats a long name whole.
func TestNamesBounded(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	const rest = "sources: [{name: %s, rate: 1k/s}]\nsinks: [{name: k}]\nvariants: [{name: %s, set: {seed: 2}}]\n"
	doc := func(name, node, variant string) string {
		return fmt.Sprintf("name: %s\n"+rest, name, node, variant)
	}
	for _, c := range []struct {
		what, doc, want string // want: the one problem, "" for none
	}{
		{"names of 255 bytes", doc(long(255), long(255), long(255)), ""},
		{"a scenario name with / and spaces", doc(`"a/b c: <d> & e"`, "s", "v"), ""},
		{"a scenario name of 256 bytes", doc(long(256), "s", "v"),
			`x.yaml:1:7: name: "xxxxxxxxxxxxxxxxxxxx…" is 256 bytes long; a name takes at most 255 (it is printed and titles the pages, and every metric sample of metrics.om.txt carries it as job_name)`},
		{"a scenario name of 200,000 bytes", doc(long(200000), "s", "v"), "is 200000 bytes long; a name takes at most 255"},
		{"a newline", doc(`"two\nlines"`, "s", "v"),
			`x.yaml:1:7: name: "two\nlines" holds a control character or a line break (U+000A); the name is printed on one line and titles the pages: use letters, digits, spaces and punctuation`},
		{"a tab", doc(`"a\tb"`, "s", "v"), `name: "a\tb" holds a control character or a line break (U+0009)`},
		{"an escape sequence", doc(`"red\e[31m"`, "s", "v"), `name: "red\x1b[31m" holds a control character or a line break (U+001B)`},
		{"a line separator", doc(`"a\Lb"`, "s", "v"), `name: "a\u2028b" holds a control character or a line break (U+2028)`},
		{"a node name of 256 bytes", doc("x", long(256), "v"), `x.yaml:2:18: sources[0].name: "xxxxxxxxxxxxxxxxxxxx…" is 256 bytes long; a name takes at most 255`},
		{"a variant name of 256 bytes", doc("x", "s", long(256)),
			`x.yaml:4:19: variants[0].name: "xxxxxxxxxxxxxxxxxxxx…" is 256 bytes long; a name takes at most 255 (it names the variant's directory, DIR/<name>/, and a file name is at most 255 bytes on Linux and macOS)`},
	} {
		_, err := Load("x.yaml", []byte(c.doc), nil)
		var probs Problems
		errors.As(err, &probs)
		probs = probs.Errors()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.what, err)
		case c.want != "" && (len(probs) != 1 || !strings.Contains(probs[0].String(), c.want)):
			t.Errorf("%s: got %v, want one problem with %q", c.what, err, c.want)
		case c.want != "" && len(probs[0].String()) > 500:
			t.Errorf("%s: the problem repeats the name: %d bytes", c.what, len(probs[0].String()))
		}
	}
}

// TestSecondDocumentWithTheFirstsProblems: a file with a second YAML
// document reports it with every problem of the first document, which is
// still checked, in file:line:col order; a second document that does not
// parse is reported at its marker, and a third adds nothing. A first
// document with no problem still fails on the second alone. After a
// document end (...), the text that follows is what to remove.
func TestSecondDocumentWithTheFirstsProblems(t *testing.T) {
	const extra = "a scenario file holds one YAML document; remove the --- and what follows"
	first := "name: one\nsources: [{name: s, rate: fast}]\nsinks: [{name: k, capacity: 0/s}]\n"
	for _, c := range []struct {
		what, doc string
		want      []string
	}{
		{"problems in the first", first + "---\nname: two\n", []string{
			`x.yaml:2:27: sources.s.rate: "fast" has no time unit; write e.g. 100k/s or 50MB/s; or give a profile: steps, ramp, periodic or bursts`,
			"x.yaml:3:29: sinks.k.capacity: must be more than 0/s; leave it out for an unlimited sink",
			"x.yaml:4:1: " + extra}},
		{"a first with a marker", "---\n" + first + "---\nname: two\n", []string{
			`x.yaml:3:27: sources.s.rate: "fast" has no time unit`, "x.yaml:4:29: sinks.k.capacity: must be more than 0/s", "x.yaml:5:1: " + extra}},
		{"a second that does not parse", first + "\n--- # more\nname: [\n", []string{
			`x.yaml:2:27: sources.s.rate: "fast"`, "x.yaml:3:29: sinks.k.capacity:", "x.yaml:5:1: " + extra}},
		{"three documents", first + "---\nname: two\n---\nname: three\n", []string{
			`x.yaml:2:27: sources.s.rate: "fast"`, "x.yaml:3:29: sinks.k.capacity:", "x.yaml:4:1: " + extra}},
		{"a first that lacks sources and sinks", "name: one\n---\nname: two\n", []string{
			"x.yaml:1:1: sinks: a scenario needs at least one sink", "x.yaml:1:1: sources: a scenario needs at least one source", "x.yaml:2:1: " + extra}},
		{"a first without problems", "name: one\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\n---\n", []string{"x.yaml:4:1: " + extra}},
		{"variants", first + "variants: [{name: a, set: {seed: 2}}, {name: b, set: {seed: 3}}]\n---\nname: two\n", []string{
			`x.yaml:2:27: sources.s.rate: "fast"`, "x.yaml:3:29: sinks.k.capacity:", "x.yaml:5:1: " + extra}},
		// a document end (...) and text after it: no --- to remove (a break-test helper found it named)
		{"text after a document end", first + "...\n\n# more\nname: two\n", []string{
			`x.yaml:2:27: sources.s.rate: "fast"`, "x.yaml:3:29: sinks.k.capacity:",
			"x.yaml:7:1: a scenario file holds one YAML document, and the ... on line 4 ends it; remove what follows"}},
		{"text after a document end that does not parse", first + "...\nname: [\n", []string{
			`x.yaml:2:27: sources.s.rate: "fast"`, "x.yaml:3:29: sinks.k.capacity:",
			"x.yaml:5:1: a scenario file holds one YAML document, and the ... on line 4 ends it; remove what follows"}},
		{"a document end, then a ---", first + "...\n# more\n---\nname: two\n", []string{
			`x.yaml:2:27: sources.s.rate: "fast"`, "x.yaml:3:29: sinks.k.capacity:", "x.yaml:6:1: " + extra}},
		{"a document end and a comment only", first + "...\n# more\n", []string{
			`x.yaml:2:27: sources.s.rate: "fast"`, "x.yaml:3:29: sinks.k.capacity:"}},
	} {
		_, err := Load("x.yaml", []byte(c.doc), nil)
		var probs Problems
		errors.As(err, &probs)
		probs = probs.Errors()
		ok := len(probs) == len(c.want)
		for i := 0; ok && i < len(probs); i++ {
			ok = strings.HasPrefix(probs[i].String(), c.want[i])
		}
		if !ok {
			t.Errorf("%s: got\n%v\nwant\n%s", c.what, err, strings.Join(c.want, "\n"))
		}
	}
}

// TestKafkaCommitterUnchainedWarns: a KafkaSink's committer chains to its
// writer only with chaining on for the sink and the job; off, Flink runs it
// as a job vertex of its own, which flinksim does not simulate, and says so.
// A SinkFunction (jdbc, generic) has no committer to leave out.
func TestKafkaCommitterUnchainedWarns(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"sinks.out.system=kafka"}, ""},
		{[]string{"sinks.out.system=kafka", "sinks.out.chaining=false"},
			"--set sinks.out.chaining=false: sinks.out.chaining: the KafkaSink out's committer (out: Committer) runs unchained, as a job vertex of its own, which flinksim does not simulate: its task is the writer's (out: Writer) alone"},
		{[]string{"sinks.out.system=kafka", "flink.pipeline.operator-chaining.enabled=false"},
			"--set flink.pipeline.operator-chaining.enabled=false: flink.pipeline.operator-chaining.enabled: the KafkaSink out's committer (out: Committer) runs unchained, as a job vertex of its own, which flinksim does not simulate: its task is the writer's (out: Writer) alone"},
		{[]string{"sinks.out.system=jdbc", "sinks.out.chaining=false"}, ""},
	} {
		l, err := Load("m.yaml", []byte(minimal), c.sets)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if len(l.Warnings) > 0 {
			got = l.Warnings[0].String()
		}
		if len(l.Warnings) > 1 || got != c.want {
			t.Errorf("%v: warnings %v\nwant %q", c.sets, l.Warnings, c.want)
		}
	}
}

// TestKafkaTimeoutAboveBrokerMaximumWarns: an exactly-once KafkaSink whose
// transaction timeout is above the broker's transaction.max.timeout.ms
// (KafkaSinkBuilder's 1 h against Kafka's 15 min, by default) fails in
// initTransactions as it starts, after every restart: a warning at the
// sink's line, with both values and the fix, not an error (the run shows
// Flink's failure loop). Equal is allowed, as Kafka allows it; without
// transactions Kafka ignores both.
func TestKafkaTimeoutAboveBrokerMaximumWarns(t *testing.T) {
	eos := []string{"sinks.out.system=kafka", "sinks.out.delivery-guarantee=exactly-once", "flink.execution.checkpointing.interval=10s", ckptDir}
	const fix = "the producers fail in initTransactions as their tasks start, after every restart " +
		`("The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms)"), ` +
		"and the job restarts in a loop as far as its restart strategy allows; set sinks.out.kafka.transaction-timeout (transaction.timeout.ms in the KafkaSink's producer properties) "
	for _, c := range []struct {
		sets []string
		want string
	}{
		{eos, "m.yaml:8:5: sinks.out: exactly-once with transaction-timeout 1h (the producer's transaction.timeout.ms 3600000, KafkaSinkBuilder's default) " +
			"above broker-transaction-max-timeout 15m (the brokers' transaction.max.timeout.ms 900000, Kafka's default): " + fix +
			"at or below 15m, or raise transaction.max.timeout.ms on the brokers (sinks.out.kafka.broker-transaction-max-timeout) to at least 1h"},
		{append(slices.Clone(eos), "sinks.out.kafka.transaction-timeout=20min", "sinks.out.kafka.broker-transaction-max-timeout=10min"),
			"m.yaml:8:5: sinks.out: exactly-once with transaction-timeout 20m (the producer's transaction.timeout.ms 1200000) " +
				"above broker-transaction-max-timeout 10m (the brokers' transaction.max.timeout.ms 600000): " + fix +
				"at or below 10m, or raise transaction.max.timeout.ms on the brokers (sinks.out.kafka.broker-transaction-max-timeout) to at least 20m"},
		{append(slices.Clone(eos), "sinks.out.kafka.transaction-timeout=15min"), ""},
		{append(slices.Clone(eos), "sinks.out.kafka.broker-transaction-max-timeout=1h"), ""},
		{[]string{"sinks.out.system=kafka", "sinks.out.delivery-guarantee=at-least-once"}, ""},
		{[]string{"sinks.out.system=kafka"}, ""}, // none, KafkaSinkBuilder's default
	} {
		l, err := Load("m.yaml", []byte(minimal), c.sets)
		if err != nil {
			t.Fatalf("%v: %v", c.sets, err)
		}
		var got string
		if len(l.Warnings) > 0 {
			got = l.Warnings[0].String()
		}
		if len(l.Warnings) > 1 || got != c.want {
			t.Errorf("%v: warnings %v\nwant %q", c.sets, l.Warnings, c.want)
		}
	}
}

// TestVertexDescriptionMode: pipeline.vertex-description-mode is TREE
// unless set to CASCADING, in any case, as Flink reads an enum.
func TestVertexDescriptionMode(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want bool
	}{
		{nil, false},
		{[]string{"flink.pipeline.vertex-description-mode=cascading"}, true},
		{[]string{"flink.pipeline.vertex-description-mode=TREE"}, false},
	} {
		l, err := Load("m.yaml", []byte(minimal), c.sets)
		if err != nil {
			t.Fatal(err)
		}
		if l.Spec.CascadingDescription != c.want || len(l.Warnings) != 0 {
			t.Errorf("%v: cascading %v, warnings %v", c.sets, l.Spec.CascadingDescription, l.Warnings)
		}
	}
	if _, err := Load("m.yaml", []byte(minimal), []string{"flink.pipeline.vertex-description-mode=flat"}); err == nil {
		t.Error("a mode Flink does not have was accepted")
	}
}

// TestStateBackendNamesByRelease: state.backend.type takes the names
// StateBackendLoader knows in the scenario's release: a factory class maps
// to the backend it makes; a name no Flink knows, or one of another
// release, is one problem at the entry, saying what the release takes,
// and no other key is judged by the default standing in for it (no
// warning that incremental checkpoints need rocksdb, no changelog error).
func TestStateBackendNamesByRelease(t *testing.T) {
	const sc = "name: x\nflink-version: \"%s\"\nsources: [{name: s, rate: 1k/s}]\n" +
		"operators: [{name: o, key-by: u, keys: 10, state-per-key: 1KB}]\nsinks: [{name: k}]\n" +
		"flink:\n  execution.checkpointing.interval: 1min\n  execution.checkpointing.dir: file:///tmp/ck\n" +
		"  execution.checkpointing.incremental: true\n  state.changelog.enabled: true\n  state.changelog.storage: filesystem\n" +
		"  state.backend.type: %s\n"
	const rocks1, rocks2 = "org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackendFactory", "org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackendFactory"
	for _, c := range []struct{ release, value, problem string }{
		{"1.20", rocks1, ""},
		{"2.0", rocks1, ""}, // deprecated, kept by FLINK-4602
		{"2.0", rocks2, ""},
		{"1.20", "org.apache.flink.contrib.streaming.state.RocksDBStateBackendFactory", ""},
		{"1.20", rocks2, `"` + rocks2 + `": the RocksDB classes moved to this package in Flink 2.0 (FLINK-4602); Flink 1.20 cannot find this factory; Flink 1.20's are hashmap, rocksdb (any case), or a factory class: org.apache.flink.runtime.state.hashmap.HashMapStateBackendFactory, ` + rocks1},
		{"2.1", "org.apache.flink.contrib.streaming.state.RocksDBStateBackendFactory", "Flink 2.0 removed the RocksDBStateBackend (FLINK-36323)"},
		{"1.20", "com.example.MyBackendFactory", `"com.example.MyBackendFactory" is not one of Flink's state backend factories, and flinksim cannot model a backend of the job's own; Flink 1.20's are hashmap, rocksdb (any case), or a factory class: org.apache.flink.runtime.state.hashmap.HashMapStateBackendFactory, ` + rocks1},
		{"2.0", "com.example.MyBackendFactory", "Flink 2.0's are hashmap, rocksdb, forst (any case), or a factory class: org.apache.flink.runtime.state.hashmap.HashMapStateBackendFactory, " + rocks2 + ", org.apache.flink.state.forst.ForStStateBackendFactory"},
		{"1.20", "leveldb", `"leveldb" is not a state backend flinksim models (Flink takes it for a factory class name, and finds none); Flink 1.20's are hashmap, rocksdb`},
	} {
		l, err := Load("x.yaml", []byte(fmt.Sprintf(sc, c.release, c.value)), nil)
		if c.problem == "" {
			if err != nil {
				t.Errorf("%s on %s: %v", c.value, c.release, err)
			} else if l.Spec.HeapState || !l.Spec.Checkpointing.Incremental {
				t.Errorf("%s on %s: heap state %v, incremental %v; want RocksDB's incremental checkpoints", c.value, c.release, l.Spec.HeapState, l.Spec.Checkpointing.Incremental)
			}
			continue
		}
		var probs Problems
		if !errors.As(err, &probs) || len(probs) != 1 || probs[0].Warning || probs[0].Path != "flink.state.backend.type" || !strings.Contains(probs[0].Msg, c.problem) {
			t.Errorf("%s on %s: %v\nwant only flink.state.backend.type: ...%s", c.value, c.release, err, c.problem)
		}
	}
	// A heap backend's factory is the hashmap backend: its warning stands.
	l, err := Load("x.yaml", []byte(fmt.Sprintf(strings.Replace(sc, "  state.changelog.enabled: true\n", "", 1), "1.20", "org.apache.flink.runtime.state.hashmap.HashMapStateBackendFactory")), nil)
	if err != nil || !l.Spec.HeapState || !strings.Contains(fmt.Sprint(l.Warnings), "the hashmap state backend takes full snapshots") {
		t.Errorf("HashMapStateBackendFactory: %v, warnings %v", err, l)
	}
}

// TestWhatIfOnRepeatedName: of two items with one name, a what-if by the
// name changes the first, whose path the name is (its problems are at its
// line), and one by place the one it names; the name used twice is
// reported either way.
func TestWhatIfOnRepeatedName(t *testing.T) {
	const doc = "name: x\nsources:\n  - {name: src, partitions: 0, rate: 1k/s}\n  - {name: src, partitions: 4, rate: 1k/s}\nsinks: [{name: k}]\n"
	dup := `x.yaml:4:12: sources[1].name: "src" is already the name of sources.src (line 3)`
	for _, c := range []struct {
		set  string
		want string
	}{
		{"sources.src.partitions=2", dup},
		{"sources.1.partitions=0", "--set sources.1.partitions=0: sources[1].partitions: must be from 1 to 100000, not 0\n" +
			"x.yaml:3:29: sources.src.partitions: must be from 1 to 100000, not 0\n" + dup},
		{"sources=[{name: src, partitions: 2}]", dup},
	} {
		_, err := Load("x.yaml", []byte(doc), []string{c.set})
		if err == nil || err.Error() != c.want {
			t.Errorf("--set %s:\n got: %v\nwant: %s", c.set, err, c.want)
		}
	}
}
