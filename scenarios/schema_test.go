package scenarios

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// compiledSchema compiles Schema() with a validator of its own.
func compiledSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("scenario.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("scenario.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asJSON reads YAML as a validator sees it: the JSON an editor's YAML
// language server makes of it.
func asJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestSchemaAcceptsEveryBuiltIn: the built-in scenarios, which load, are
// valid to the schema; so are the real Flink configurations under a
// scenario's flink: block (flat, nested, and every value quoted as the
// Kubernetes operator writes them), which load too.
func TestSchemaAcceptsEveryBuiltIn(t *testing.T) {
	s := compiledSchema(t)
	for _, b := range Library() {
		if err := s.Validate(asJSON(t, b.Data)); err != nil {
			t.Errorf("%s: %v", b.Name, err)
		}
	}
	files, _ := filepath.Glob("testdata/flink-configs/*.yaml")
	if len(files) < 3 {
		t.Fatalf("flink configs: %v", files)
	}
	for _, f := range files {
		cfg, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := "name: x\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\nflink:\n  " + strings.ReplaceAll(string(cfg), "\n", "\n  ") + "\n"
		if _, err := Load(f, []byte(sc), nil); err != nil {
			t.Fatalf("%s does not load: %v", f, err)
		}
		if err := s.Validate(asJSON(t, []byte(sc))); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// jmStorage checkpoints to the JobManager's memory, before a
// checkpoint-storage block.
const jmStorage = "flink: {execution.checkpointing.interval: 1min, execution.checkpointing.storage: jobmanager}\ncheckpoint-storage: "

// TestSchemaAsTheLoader: each scenario is valid to the schema exactly when
// it loads: quoted numbers, bare 0 and bare milliseconds taken, misspelled
// keys, bad enums and values below a minimum flagged.
func TestSchemaAsTheLoader(t *testing.T) {
	s := compiledSchema(t)
	const base = "name: x\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\n"
	for _, c := range []struct {
		extra string
		valid bool
	}{
		{"flink: {parallelism.default: \"4\", taskmanager.numberOfTaskSlots: 2}", true},
		{"flink: {execution.checkpointing.interval: 60000, execution.checkpointing.mode: at_least_once}", true},
		{"flink: {execution.checkpointing.unaligned: \"TRUE\", state.backend: RocksDB}", true},
		{"flink: {taskmanager: {numberOfTaskSlots: 2}, restart-strategy: {type: fixed-delay}}", true},
		{"flink: {pipeline.object-reuse: true, rest.port: 8081, metrics.reporter.prom.factory.class: x}", true},
		{"flink: {s3.access-key: k, kubernetes.operator.job.autoscaler.enabled: \"true\"}", true},
		{"seed: \"7\"\nrecovery: {redeploy: 0}\noperators: [{name: o, parallelism: \"2\", selectivity: \"0.5\"}]", true},
		{"operators: [{name: o, key-by: u, keys: 10, hot-keys: [{key: 42, share: 1%}]}]", true},
		{"flink: {myapp.input.topic: orders, kafka.bootstrap.servers: \"k:9092\", myapp: {retries: 3}}", true},
		{"flink: {execution.checkpointing.intervall: 1min}", false},
		{"flink: {taskmanager.foo.bar: 1}", false},
		{"flink: {parallelism.defualt: 4}", false},
		{"flink: {execution.checkpointing.mode: EXACTLY_TWICE}", false},
		{"flink: {state.backend.type: leveldb}", false},
		{"flink: {restart-strategy.type: sometimes}", false},
		{"flink: {parallelism.default: 0}", false},
		{"flink: {parallelism.default: four}", false},
		// Java's numbers: no digit separators, a double's f or d suffix;
		// flinksim's bounds on network buffers and parallelism
		{"flink: {parallelism.default: \"1_0\"}", false},
		// (a restart strategy's options as the loader reads them: with that
		// strategy; the schema checks them whichever is chosen)
		{"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: \"1_5\"}", false},
		{"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: \" 2.0f\"}", true},
		{"flink: {taskmanager.network.memory.buffers-per-channel: 65536}", true},
		{"flink: {taskmanager.network.memory.buffers-per-channel: 65537}", false},
		{"flink: {parallelism.default: 32768}", true},
		{"flink: {parallelism.default: 32769}", false},
		{"flink: {taskmanager.numberOfTaskSlots: 2147483647}", true},
		// flink-version as the loader reads it: a patch release, unquoted
		{"flink-version: \"1.20.1\"", true},
		{"flink-version: 1.18.2", true},
		{"flink-version: 2.0", true},
		{"flink-version: 1.19", true},
		{"flink-version: \"1.14\"", false},
		{"flink-version: \"1.20.x\"", false},
		{"operators: [{name: o, exchange: shuffle}]", false},
		{"operators: [{name: o, parallelism: 0}]", false},
		{"checkpoint-storage: {type: ftp}", false},
		{"duration: 10", false},
		// durations the loader takes above 0s only
		{"duration: 0", false},
		{"duration: 0s", false},
		{"duration: \"0m 0.0s\"", false},
		{"duration: 0h30m", true},
		{"simulation: {sample-interval: 0}", false},
		{"simulation: {sample-interval: 00s}", false},
		{"simulation: {sample-interval: 0.5s}", true},
		{jmStorage + "{max-state-size: 5MiB}", true},
		{jmStorage + "{max-state-size: 2147483647}", true},
		{jmStorage + "{max-state-size: 0.5KiB}", true},
		{jmStorage + "{max-state-size: 0}", false},
		{jmStorage + "{max-state-size: 0B}", false},
		{jmStorage + "{max-state-size: 0.0 MiB}", false},
		{jmStorage + "{max-state-size: 2147483648}", false},
	} {
		sc := base + c.extra + "\n"
		_, loadErr := Load("x.yaml", []byte(sc), nil)
		err := s.Validate(asJSON(t, []byte(sc)))
		if (loadErr == nil) != c.valid {
			t.Errorf("%s: the loader says %v", c.extra, loadErr)
		}
		if (err == nil) != c.valid {
			t.Errorf("%s: the schema says %v, want valid %v", c.extra, err, c.valid)
		}
	}
	// A misspelled prefix reads to the schema as an application's own key;
	// the loader finds the Flink key it is close to.
	_, err := Load("x.yaml", []byte(base+"flink: {excution.checkpointing.interval: 1min}\n"), nil)
	if err == nil || !strings.Contains(err.Error(), `did you mean "execution.checkpointing.interval"`) {
		t.Errorf("a misspelled prefix: %v", err)
	}
}

// TestSchemaWholeNumbersAsCounts: a whole-number field takes a count's
// forms to the schema as to the loader (1e3, 1k, 0.5k).
func TestSchemaWholeNumbersAsCounts(t *testing.T) {
	s := compiledSchema(t)
	const base = "name: x\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\n"
	for _, c := range []struct {
		extra string
		valid bool
	}{
		{"seed: 1k\noperators: [{name: o, key-by: u, keys: 10, parallelism: 1e1, max-parallelism: 0.5k}]", true},
		{"operators: [{name: o, parallelism: \"2k\"}]", true},
		{"operators: [{name: o, parallelism: 2x}]", false},
	} {
		sc := base + c.extra + "\n"
		if _, err := Load("x.yaml", []byte(sc), nil); (err == nil) != c.valid {
			t.Errorf("%s: the loader says %v", c.extra, err)
		}
		if err := s.Validate(asJSON(t, []byte(sc))); (err == nil) != c.valid {
			t.Errorf("%s: the schema says %v, want valid %v", c.extra, err, c.valid)
		}
	}
}

// TestSchemaSelectivity: an operator's selectivity is valid to the schema
// from 0 (a filter that drops every record) to 1e6, as the loader takes it.
func TestSchemaSelectivity(t *testing.T) {
	s := compiledSchema(t)
	for sel, valid := range map[string]bool{"0": true, "0.0": true, "1e6": true, "-0.5": false, "-1e-9": false, "1000001": false} {
		sc := "name: x\nsources: [{name: s, rate: 1k/s}]\noperators: [{name: o, selectivity: " + sel + "}]\nsinks: [{name: k}]\n"
		_, loadErr := Load("x.yaml", []byte(sc), nil)
		if err := s.Validate(asJSON(t, []byte(sc))); (err == nil) != valid || (loadErr == nil) != valid {
			t.Errorf("selectivity %s: the schema says %v, the loader %v; want valid %v", sel, err, loadErr, valid)
		}
	}
}

// TestSchemaPositiveDurations: a source's idleness and bursts, like the
// top-level duration, are valid to the schema above 0s only, as the loader
// takes them.
func TestSchemaPositiveDurations(t *testing.T) {
	s := compiledSchema(t)
	for src, valid := range map[string]bool{
		"rate: 1k/s, event-time: {watermark: {idleness: 0s}}": false, "rate: 1k/s, event-time: {watermark: {idleness: 0}}": false,
		"rate: 1k/s, event-time: {watermark: {idleness: 1s}}":               true,
		"rate: {bursts: {base: 1k/s, rate: 2k/s, every: 1m, duration: 0s}}": false,
		"rate: {bursts: {base: 1k/s, rate: 2k/s, every: 1m, duration: 5s}}": true,
	} {
		sc := "name: x\nsources: [{name: s, " + src + "}]\nsinks: [{name: k}]\n"
		_, loadErr := Load("x.yaml", []byte(sc), nil)
		if err := s.Validate(asJSON(t, []byte(sc))); (err == nil) != valid || (loadErr == nil) != valid {
			t.Errorf("%s: the schema says %v, the loader %v; want valid %v", src, err, loadErr, valid)
		}
	}
}

// TestSchemaFlinkKeys: every modelled key and older name is described,
// the older ones marked deprecated; enums offer the values.
func TestSchemaFlinkKeys(t *testing.T) {
	raw, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties struct {
			Flink struct {
				Properties map[string]map[string]any
			}
		}
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	props := s.Properties.Flink.Properties
	deprecated := func(p map[string]any) bool {
		if p["deprecated"] == true {
			return true
		}
		for _, alt := range asList(p["anyOf"]) { // also a prefix of nested keys
			if m, ok := alt.(map[string]any); ok && m["deprecated"] == true {
				return true
			}
		}
		return false
	}
	for _, o := range flinkOptions {
		if p := props[o.Key]; p == nil || deprecated(p) {
			t.Errorf("%s: %v", o.Key, p)
		}
		for _, d := range o.Deprecated {
			if p := props[d]; p == nil || !deprecated(p) {
				t.Errorf("%s (deprecated name of %s): %v", d, o.Key, p)
			}
		}
	}
	for key, e := range flinkEnums {
		for _, v := range append(append(e.offer, e.aliases...), e.classes...) {
			if _, err := optionByKey[key].parse(v); err != nil {
				t.Errorf("%s: %s offered but refused: %v", key, v, err)
			}
		}
	}
	if b, _ := json.Marshal(props["execution.checkpointing.mode"]); !strings.Contains(string(b), `"enum":["EXACTLY_ONCE","AT_LEAST_ONCE"]`) {
		t.Errorf("mode: %s", b)
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// TestRequiredPerGateDoc: the schema's description of
// read-buffer.required-per-gate.max says what the model does with it: the
// simulated gates run with GateBuffersSpec's exclusive buffers and
// floating pool (models' TestCreditsBoundARemoteChannel), not
// buffers-per-channel exclusive buffers per channel.
func TestRequiredPerGateDoc(t *testing.T) {
	for _, o := range flinkOptions {
		if o.Key != "taskmanager.network.memory.read-buffer.required-per-gate.max" {
			continue
		}
		if strings.Contains(o.Doc, "keep buffers-per-channel exclusive") || !strings.Contains(o.Doc, "simulated gates run with") {
			t.Errorf("%s: %q", o.Key, o.Doc)
		}
		return
	}
	t.Fatal("read-buffer.required-per-gate.max is not a modelled option")
}
