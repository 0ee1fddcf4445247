package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// withFlinkBlock is a small scenario whose flink: block is conf (a Flink
// configuration file's text), indented under it.
func withFlinkBlock(conf string) []byte {
	var b strings.Builder
	b.WriteString("name: real\nduration: 1m\nflink:\n")
	for _, line := range strings.Split(strings.TrimRight(conf, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	b.WriteString(`sources:
  - {name: clicks, rate: 10k/s}
operators:
  - {name: enrich, key-by: user_id, keys: 1k, cost: 10us}
sinks:
  - {name: out}
variants:
  - name: faster-checkpoints
    set: {flink.execution.checkpointing.interval: 20s, flink.execution.checkpointing.dir: "s3://bucket/checkpoints", flink.parallelism.default: 3}
`)
	return []byte(b.String())
}

// TestRealFlinkConfigurationsLoad: Flink's own configuration templates and
// the Kubernetes operator's example (testdata/flink-configs, see its README)
// load under a scenario's flink: block, and every what-if (a --set, a
// variant) on keys they set, nested or flat, under old or new names,
// replaces their value.
func TestRealFlinkConfigurationsLoad(t *testing.T) {
	for _, c := range []struct {
		file        string
		notModelled []string // keys that would change the result, warned of
	}{
		{"flink-2x-config.yaml", nil},
		{"flink-1.17-flink-conf.yaml", nil},
		{"k8s-operator-autoscaling.yaml", []string{
			"kubernetes.operator.job.autoscaler.enabled", "kubernetes.operator.job.autoscaler.stabilization.interval",
			"kubernetes.operator.job.autoscaler.metrics.window", "jobmanager.scheduler",
			"kubernetes.operator.job.autoscaler.target.utilization.boundary"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			conf, err := os.ReadFile(filepath.Join("testdata", "flink-configs", c.file))
			if err != nil {
				t.Fatal(err)
			}
			data := withFlinkBlock(string(conf))
			l, err := Load(c.file, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(l.NotModelled, c.notModelled) || len(l.Warnings) != 0 {
				t.Errorf("not modelled %q, warnings %v; want %q and none", l.NotModelled, l.Warnings, c.notModelled)
			}
			if len(l.InertFlinkKeys) == 0 {
				t.Error("no inert keys listed: each file sets addresses or directories")
			}
			sets := []string{
				"flink.parallelism.default=5",                    // nested in the 2.x file
				"flink.execution.checkpointing.interval=30s",     // flat in 1.17's
				"flink.execution.checkpointing.unaligned=true",   // an old name over a new one
				"flink.state.backend.incremental=false",          // 1.17 writes the old name
				"flink.taskmanager.numberOfTaskSlots=2",          // nested, flat, quoted
				"flink.state.backend.type=rocksdb",               // over hashmap
				"flink.execution.checkpointing.incremental=true", // the new name over the old
				"flink.pipeline.max-parallelism=128",             // over the operator's "24"
				"flink.restart-strategy.type=exponential-delay",  // absent everywhere
				"flink.jobmanager.memory.process.size=2g",        // inert, nested in 2.x
				"flink.taskmanager.memory.process.size=4096m",    // nested in 2.x, flat in 1.17
				"flink.taskmanager.memory.flink.size=3200m",      // 1.17 sets 1280m: a 640m JVM overhead
				"flink.execution.checkpointing.timeout=5 min",    // flat in 1.17
				ckptDir, // the 2.x file has none; the new name over the others' old one
			}
			l, err = Load(c.file, data, sets)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Warnings) != 0 {
				t.Errorf("a what-if warned: %v", l.Warnings)
			}
			sp := l.Spec
			if sp.Nodes[0].Parallelism != 5 || sp.SlotsPerTaskManager != 2 || sp.Nodes[1].MaxParallelism != 128 {
				t.Errorf("parallelism %d, slots %d, max parallelism %d; want 5, 2, 128", sp.Nodes[0].Parallelism, sp.SlotsPerTaskManager, sp.Nodes[1].MaxParallelism)
			}
			ck := sp.Checkpointing
			if ck == nil || ck.Interval != 30*sim.Second || ck.Timeout != 5*sim.Minute || !ck.Unaligned || !ck.Incremental {
				t.Errorf("checkpointing %+v: want every 30s, 5 min timeout, unaligned, incremental", ck)
			}
			v, err := LoadVariant(c.file, data, nil, "faster-checkpoints")
			if err != nil {
				t.Fatal(err)
			}
			if v.Spec.Checkpointing == nil || v.Spec.Checkpointing.Interval != 20*sim.Second || v.Spec.Nodes[0].Parallelism != 3 {
				t.Errorf("the variant did not replace the file's values: %+v", v.Spec.Checkpointing)
			}
		})
	}
}

// TestFlinkReadsOneEntryPerOption: of several entries for one option, the
// one Flink's Configuration reads counts, and the others are warned of: the
// option's own key over a deprecated one, whatever the order; the later of
// two entries under one name (flat and nested spell the same key).
func TestFlinkReadsOneEntryPerOption(t *testing.T) {
	for _, c := range []struct {
		name, block string
		slots       int
		warning     string
	}{
		{"new name first", "taskmanager.numberOfTaskSlots: 3\nexecution.buffer-timeout.interval: 20ms\nexecution.buffer-timeout: 50ms",
			3, "x.yaml:6:3: flink.execution.buffer-timeout: ignored: execution.buffer-timeout.interval is set too (at line 5), and Flink reads it first"},
		{"new name last", "execution.buffer-timeout: 50ms\nexecution.buffer-timeout.interval: 20ms",
			1, "x.yaml:4:3: flink.execution.buffer-timeout: ignored: execution.buffer-timeout.interval is set too (at line 5), and Flink reads it first"},
		{"flat then nested", "taskmanager.numberOfTaskSlots: 3\ntaskmanager:\n  numberOfTaskSlots: 2\nexecution.buffer-timeout.interval: 20ms",
			2, "x.yaml:4:3: flink.taskmanager.numberOfTaskSlots: ignored: set again at line 6, and Flink keeps the later value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := withFlinkBlock(c.block)
			l, err := Load("x.yaml", data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if l.Spec.Network.BufferTimeout != 20*sim.Millisecond || l.Spec.SlotsPerTaskManager != c.slots {
				t.Errorf("buffer timeout %v, slots %d; want 20ms, %d", l.Spec.Network.BufferTimeout, l.Spec.SlotsPerTaskManager, c.slots)
			}
			if len(l.Warnings) != 1 || l.Warnings[0].String() != c.warning {
				t.Errorf("warnings %v\nwant %s", l.Warnings, c.warning)
			}
			assertRoundTrip(t, l)
		})
	}
}

// TestWhatIfReplacesOnlyItsOption: a what-if of state.backend (the
// deprecated name of state.backend.type) over a block that writes
// state.backend as a mapping replaces the type and keeps the options
// beside it (state.backend.incremental), as Flink's Configuration reads
// the nested keys flat; as a variant and as a --set.
func TestWhatIfReplacesOnlyItsOption(t *testing.T) {
	data := string(withFlinkBlock("execution.checkpointing.interval: 1min\nstate.backend: {type: hashmap, incremental: true}"))
	for _, c := range []struct {
		name, doc string
		sets      []string
		variant   string
	}{
		{"a variant", data + "variants:\n  - {name: v, set: {flink.state.backend: rocksdb}}\n", nil, "v"},
		{"a --set", data, []string{"flink.state.backend=rocksdb"}, ""},
	} {
		l, err := load("x.yaml", []byte(c.doc), c.sets, c.variant)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if ck := l.Spec.Checkpointing; ck == nil || !ck.RocksDB || !ck.Incremental {
			t.Errorf("%s: %+v; want the what-if's rocksdb and the file's incremental", c.name, ck)
		}
	}
}

// TestFlinkValuesParseAsFlink: the flink: block takes what Flink's parsers
// take and refuses what they refuse.
func TestFlinkValuesParseAsFlink(t *testing.T) {
	for _, c := range []struct {
		set, want string // want "": accepted
	}{
		{"restart-strategy.exponential-delay.backoff-multiplier=2.0f", ""}, // Double.parseDouble's suffix
		{"restart-strategy.exponential-delay.backoff-multiplier=2.5D", ""},
		{"restart-strategy.exponential-delay.backoff-multiplier=1e1", ""},
		{"restart-strategy.exponential-delay.backoff-multiplier=NaN", `"NaN" must be a number above 1`},
		{"restart-strategy.exponential-delay.backoff-multiplier=2,5", `"2,5" must be a number above 1`},
		{"restart-strategy.exponential-delay.backoff-multiplier=inf", `"inf" must be a number above 1`},
		{"restart-strategy.exponential-delay.jitter-factor=0x1p-2", ""}, // Java's hexadecimal form: 0.25
		{"restart-strategy.exponential-delay.jitter-factor=0x.8P0d", ""},
		{"restart-strategy.exponential-delay.jitter-factor=0x1p1", `"0x1p1" must be a number from 0 to 1`},
		{"restart-strategy.exponential-delay.jitter-factor=0x1", `"0x1" must be a number from 0 to 1`}, // no binary exponent: Java refuses it
		{"restart-strategy.exponential-delay.jitter-factor=0x_1p-2", `"0x_1p-2" must be a number from 0 to 1`},
		{"restart-strategy.fixed-delay.attempts=2147483647", ""},
		{"restart-strategy.fixed-delay.delay=1 m", ""}, // TimeUtils: m is minutes
		{"restart-strategy.fixed-delay.delay=3 MIN", ""},
		{"restart-strategy.fixed-delay.delay=10 µs", ""},
		{"restart-strategy.fixed-delay.delay=1.5 min", `"1.5 min": Flink knows no time unit ".5 min"`},
		{"restart-strategy.fixed-delay.delay=1h30m", `"1h30m": Flink knows no time unit "h30m"`},
		{"restart-strategy.fixed-delay.delay=2 w", `"2 w": Flink knows no time unit "w"`},
		{"restart-strategy.fixed-delay.delay=10 us", `"10 us": Flink knows no time unit "us"`},
		{"state.backend.type=org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackendFactory", "the RocksDB classes moved to this package in Flink 2.0"},
		{"state.backend.type=org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackendFactory", ""},
		{"state.backend.type=org.apache.flink.runtime.state.hashmap.HashMapStateBackendFactory", ""},
		{"state.backend.type=ROCKSDB", ""},
		{"state.backend.type=com.example.MyBackendFactory", `"com.example.MyBackendFactory" is not one of Flink's state backend factories`},
		// a list is not one value (and not an empty one)
		{"parallelism.default=[4]", "flink.parallelism.default: needs a single value, not a list; or leave the key out (Flink's default is 1)"},
		{"parallelism.default=", "flink.parallelism.default: needs a single value, and an empty one is not a whole number: give one from 1 to 32768"},
	} {
		t.Run(c.set, func(t *testing.T) {
			// a restart strategy's option is read with that strategy only
			strategy := "fixed-delay"
			if f := restartFamily(strings.SplitN(c.set, "=", 2)[0]); f != "" {
				strategy = f
			}
			sets := []string{"flink." + c.set, "flink.execution.checkpointing.interval=1min", ckptDir, "flink.restart-strategy.type=" + strategy}
			l, err := Load("m.yaml", []byte(minimal), sets)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				assertRoundTrip(t, l)
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant it to say %s", err, c.want)
			}
		})
	}
}

// TestFlinkIntBeyondLong: an all-digit value of a Flink whole-number key
// too big for any int (Integer.parseInt's NumberFormatException) is told
// the key's range, as a value just past it is, above it as below.
func TestFlinkIntBeyondLong(t *testing.T) {
	const huge = "99999999999999999999"
	for _, c := range []struct{ set, want string }{
		{"parallelism.default=40000", "40000 is out of range (1 to 32768)"},
		{"parallelism.default=" + huge, huge + " is out of range (1 to 32768)"},
		{"parallelism.default=-" + huge, "-" + huge + " is out of range (1 to 32768)"},
		{"taskmanager.numberOfTaskSlots=3000000000", "3000000000 is out of range (1 to 2147483647)"},
		{"taskmanager.numberOfTaskSlots=" + huge, huge + " is out of range (1 to 2147483647)"},
		{"pipeline.max-parallelism=" + huge, huge + " is out of range (-1 for Flink's default rule, or 1 to 32768)"},
		{"pipeline.max-parallelism=-" + huge, "-" + huge + " is out of range (-1 for Flink's default rule, or 1 to 32768)"},
		{"taskmanager.network.memory.floating-buffers-per-gate=" + huge, huge + " is out of range (1 to 65536)"},
		{"heartbeat.rpc-failure-threshold=" + huge, huge + " is out of range (-1 to 2147483647)"},
	} {
		t.Run(c.set, func(t *testing.T) {
			_, err := Load("m.yaml", []byte(minimal), []string{"flink." + c.set})
			key, _, _ := strings.Cut(c.set, "=")
			if want := "flink." + key + ": " + c.want; err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v\nwant it to say %s", err, want)
			}
		})
	}
}

// TestFlinkKeyFamilies: keys of Flink's plugins and of the Kubernetes
// operator load; those that cannot change a simulation are kept quietly,
// the others are listed as not modelled.
func TestFlinkKeyFamilies(t *testing.T) {
	block := `s3.access-key: minio
fs.s3a.connection.maximum: "100"
fs.azure.account.key.acct.blob.core.windows.net: secret
gs.writer.chunk.size: 8mb
presto.s3.ssl.enabled: "false"
kubernetes.operator.periodic.savepoint.interval: 6h
yarn.classpath.include-user-jar: DISABLED
$internal.pipeline.job-id: 0123
job.autoscaler.enabled: "true"
execution.checkpointing.interval-during-backlog: 5min
table.exec.mini-batch.enabled: "true"
state.backend.rocksdb.memory.managed: "false"
pipeline.object-reuse: "true"
metrics.latency.interval: "1000"
metrics.reporter.prom.port: "9249"
metrics.reporter.prom.filterLabelValueCharacters: "false"
metrics.reporter.prom.scope.variables.excludes: host;tm_id
metrics.reporter.prom.scope.variables.additional: env:prod
metrics.reporter.prom.filter.excludes: "*:numRecordsIn*"
metrics.reporter.prom.interval: 60 s
execution.runtime-mode: STREAMING
table.exec.resource.default-parallelism: "4"`
	l, err := Load("f.yaml", withFlinkBlock(block), nil)
	if err != nil {
		t.Fatal(err)
	}
	inert := []string{"s3.access-key", "fs.azure.account.key.acct.blob.core.windows.net",
		"presto.s3.ssl.enabled", "kubernetes.operator.periodic.savepoint.interval",
		"yarn.classpath.include-user-jar", "$internal.pipeline.job-id", "metrics.reporter.prom.port",
		"metrics.reporter.prom.interval", // a pull reporter's: Prometheus scrapes when it scrapes
		"execution.runtime-mode"}         // STREAMING, the only mode simulated
	// a file system's connections and upload parts bound its uploads;
	// latency markers cost every operator time; unfiltered label values,
	// labels left out or added and metrics filtered out change
	// metrics.om.txt
	effective := []string{"fs.s3a.connection.maximum", "gs.writer.chunk.size", "job.autoscaler.enabled", "execution.checkpointing.interval-during-backlog",
		"table.exec.mini-batch.enabled", "state.backend.rocksdb.memory.managed", "pipeline.object-reuse", "metrics.latency.interval",
		"metrics.reporter.prom.filterLabelValueCharacters", "metrics.reporter.prom.scope.variables.excludes",
		"metrics.reporter.prom.scope.variables.additional", "metrics.reporter.prom.filter.excludes", "table.exec.resource.default-parallelism"}
	if !reflect.DeepEqual(l.InertFlinkKeys, inert) || !reflect.DeepEqual(l.NotModelled, effective) {
		t.Errorf("inert %q\nnot modelled %q\nwant %q\nand %q", l.InertFlinkKeys, l.NotModelled, inert, effective)
	}
	// BATCH is not what flinksim simulates: a run says it ignores it
	l, err = Load("f.yaml", withFlinkBlock("execution.runtime-mode: batch"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.NotModelled, []string{"execution.runtime-mode"}) {
		t.Errorf("runtime-mode batch: not modelled %q; want it warned", l.NotModelled)
	}
	// latency tracking off, its default, changes nothing; on, it costs
	// every operator time (warned above at 1000)
	for _, v := range []string{"0", "0 ms", "0s"} {
		l, err = Load("f.yaml", withFlinkBlock("metrics.latency.interval: "+v), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.NotModelled) != 0 || !reflect.DeepEqual(l.InertFlinkKeys, []string{"metrics.latency.interval"}) {
			t.Errorf("metrics.latency.interval %s: not modelled %q, inert %q; want it inert (tracking off)", v, l.NotModelled, l.InertFlinkKeys)
		}
	}
	// before 1.20 a Long of milliseconds, which a negative number turns off
	// too (a Duration from 1.20 refuses it); 1000 turns it on
	for v, on := range map[string]bool{"-1": false, "+0": false, "1000": true} {
		l, err = Load("f.yaml", withFlinkBlock("metrics.latency.interval: "+v), []string{"flink-version=1.19"})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(l.NotModelled) != 0; got != on || !on && !reflect.DeepEqual(l.InertFlinkKeys, []string{"metrics.latency.interval"}) {
			t.Errorf("1.19, metrics.latency.interval %s: not modelled %q, inert %q; want tracking on: %v", v, l.NotModelled, l.InertFlinkKeys, on)
		}
	}
}

// TestFlinkKeyRepeated: a key written twice at one level, as a
// flink-conf.yaml with appended lines (Docker's FLINK_PROPERTIES) has it,
// takes the later value, as GlobalConfiguration does, with a warning.
func TestFlinkKeyRepeated(t *testing.T) {
	l, err := Load("r.yaml", withFlinkBlock("parallelism.default: 2\nparallelism.default: 4"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := l.Spec.Nodes[0].Parallelism; p != 4 || len(l.Warnings) != 1 ||
		l.Warnings[0].String() != "r.yaml:4:3: flink.parallelism.default: ignored: set again at line 5, and Flink keeps the later value" {
		t.Errorf("parallelism %d, warnings %v", p, l.Warnings)
	}
	// Flink 2.0 reads config.yaml alone, as standard YAML: a key written
	// twice is refused (YamlParserUtils allows no duplicate keys).
	data := append([]byte("flink-version: \"2.0\"\n"), withFlinkBlock("parallelism.default: 2\nparallelism.default: 4")...)
	_, err = Load("r.yaml", data, nil)
	if err == nil || !strings.Contains(err.Error(), "r.yaml:5:3: flink.parallelism.default: set again at line 6: Flink 2.0 reads config.yaml as standard YAML") {
		t.Errorf("Flink 2.0, a key twice: %v", err)
	}
}

// Flink's 1.17 template sets both taskmanager.memory.process.size (1728m)
// and flink.size (1280m): the JVM overhead is what is left, 192 MiB. A
// process size of 4g over it leaves 2.5 GiB of overhead, above the 1 GiB
// maximum, which Flink refuses (ProcessMemoryUtils.sanityCheckJvmOverhead).
func TestProcessAndFlinkSizeTogether(t *testing.T) {
	conf, err := os.ReadFile(filepath.Join("testdata", "flink-configs", "flink-1.17-flink-conf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data := withFlinkBlock(string(conf))
	if _, err := Load("t.yaml", data, nil); err != nil {
		t.Fatalf("the template as it is: %v", err)
	}
	_, err = Load("t.yaml", data, []string{"flink.taskmanager.memory.process.size=4g"})
	if err == nil || !strings.Contains(err.Error(), "JVM overhead") || !strings.Contains(err.Error(), "2560m") {
		t.Errorf("process size 4g with flink size 1280m: %v, want the 2560m JVM overhead refused", err)
	}
}

// The changelog backend is modelled over its durable log only: Flink's
// default storage, memory (InMemoryStateChangelogStorage, for tests),
// is refused at the key that asks for it, or at state.changelog.enabled
// when it is the default; the storage name is read in any case
// (StateChangelogStorageLoader lower-cases it) and under its old name; the
// materialization interval is at least a millisecond.
func TestChangelogStorage(t *testing.T) {
	on := []string{"flink.execution.checkpointing.interval=1min", ckptDir, "flink.state.backend.type=rocksdb", "flink.state.changelog.enabled=true"}
	for _, c := range []struct {
		set  []string
		want string // "": accepted
	}{
		{nil, "=true: flink.state.changelog.enabled: the changelog backend keeps its log in the TaskManager's memory"},
		{[]string{"flink.state.changelog.storage=memory"}, "=memory: flink.state.changelog.storage: the changelog backend keeps its log"},
		{[]string{"flink.state.changelog.storage=filesystem"}, ""},
		{[]string{"flink.state.changelog.storage=FileSystem"}, ""},
		{[]string{"flink.state.backend.changelog.storage=filesystem"}, ""},
		{[]string{"flink.state.changelog.storage=s3"}, `"s3" is not one of memory, filesystem`},
		// the materialization interval in whole milliseconds: 0 ms fails
		// PeriodicMaterializationManager (its initial delay divides by it)
		{[]string{"flink.state.changelog.storage=filesystem", "flink.state.changelog.periodic-materialize.interval=500µs"},
			"flink.state.changelog.periodic-materialize.interval: must be at least 1ms, not 500us"},
		{[]string{"flink.state.changelog.storage=filesystem", "flink.state.changelog.periodic-materialize.interval=1ms"}, ""},
	} {
		_, err := Load("m.yaml", []byte(minimal), append(append([]string{}, on...), c.set...))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: %v", c.set, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v: got %v\nwant it to say %s", c.set, err, c.want)
		}
	}
	// Without the changelog, memory is not refused; the storage and the
	// materialization interval are still reported as configured, as
	// DefaultExecutionGraphBuilder hands them to CheckpointConfigHandler.
	if _, err := Load("m.yaml", []byte(minimal), []string{"flink.state.changelog.storage=memory"}); err != nil {
		t.Error(err)
	}
	l, err := Load("m.yaml", []byte(minimal), []string{"flink.execution.checkpointing.interval=1min", ckptDir,
		"flink.state.changelog.storage=filesystem", "flink.state.changelog.periodic-materialize.interval=5min"})
	if err != nil {
		t.Fatal(err)
	}
	if k := l.Spec.Checkpointing; k.Changelog != nil || k.ChangelogStorage != "filesystem" || k.MaterializeInterval != 5*sim.Minute {
		t.Errorf("changelog off: changelog %v, storage %q, materialization %v; want off, filesystem, 5min", k.Changelog, k.ChangelogStorage, k.MaterializeInterval)
	}
}

// TestInsufficientNetworkBuffers: a job whose tasks need more network
// buffers on a TaskManager than its network memory holds is refused, as
// Flink's NetworkBufferPool fails its deployment: keyBy and rebalance at
// parallelism 128, 8 slots per TaskManager, need 5920 buffers of 32 KiB
// each on every TaskManager (models' TestRequiredNetworkBuffers); 64 MiB
// hold 2048, and 1728m of process 4096 (a tenth of 1280 MiB of Flink
// memory); 4g of process hold 10977. Without a size nothing is checked.
func TestInsufficientNetworkBuffers(t *testing.T) {
	const job = `name: netmem
duration: 1m
flink: {parallelism.default: 128, taskmanager.numberOfTaskSlots: 8}
sources: [{name: clicks, kind: kafka, partitions: 128, rate: 10k/s, record-size: 200B}]
operators: [{name: enrich, key-by: user_id, keys: 1M, cost: 5us}]
sinks: [{name: out, exchange: rebalance}]
`
	for _, c := range []struct {
		sets []string
		want string // "": accepted
	}{
		{[]string{"flink.taskmanager.memory.process.size=1728m", "flink.taskmanager.memory.network.max=64mb"},
			"flink.taskmanager.memory.network.max: Flink cannot deploy this job: TaskManager 0's tasks need 5920 network buffers (result partitions 2064, a buffer per subpartition and one more each; input gates 3856, floating and exclusive per remote channel), and its 64.0 MiB of network memory holds 2048 of 32 kb"},
		// at most 100 buffers a gate: each gate of 128 channels 100 floating
		// ones and no exclusive ones, 2064 + 16 × 100 of 4096
		{[]string{"flink.taskmanager.memory.process.size=1728m", "flink.taskmanager.network.memory.read-buffer.required-per-gate.max=100"}, ""},
		{[]string{"flink.taskmanager.memory.process.size=1728m"}, "flink.taskmanager.memory.process.size: Flink cannot deploy this job: TaskManager 0's tasks need 5920 network buffers"},
		{[]string{"flink.taskmanager.memory.process.size=4g"}, ""},
		{nil, ""},
		{[]string{"flink.taskmanager.memory.process.size=1728m", "flink.taskmanager.numberOfTaskSlots=2"}, ""},
		// The rule per release (the Flink sources read are named in
		// models/netbuffers.go). 1.16 has no read-buffer.required-per-gate.max
		// (it came in 1.17): every gate 1 floating + 2 × 120 remote
		// channels as above, 5920 of 4096.
		{[]string{"flink-version=1.16", "flink.taskmanager.memory.process.size=1728m", "flink.taskmanager.network.memory.read-buffer.required-per-gate.max=100"},
			"Flink cannot deploy this job: TaskManager 0's tasks need 5920 network buffers"},
		// 2.0 still reads it: 2064 + 16 × 100 as in 1.20.
		{[]string{"flink-version=2.0", "flink.taskmanager.memory.process.size=1728m", "flink.taskmanager.network.memory.read-buffer.required-per-gate.max=100"}, ""},
		// buffers-per-channel 0: 1.20 reserves no exclusive buffers, a gate
		// its 1 floating one: 2064 + 16 × 1 = 2080 of 4096. 2.0 removed the
		// option and fixes 2 (NettyShuffleEnvironmentConfiguration): 5920.
		{[]string{"flink-version=1.20", "flink.taskmanager.memory.process.size=1728m", "flink.taskmanager.network.memory.buffers-per-channel=0"}, ""},
		{[]string{"flink-version=2.0", "flink.taskmanager.memory.process.size=1728m", "flink.taskmanager.network.memory.buffers-per-channel=0"},
			"Flink cannot deploy this job: TaskManager 0's tasks need 5920 network buffers"},
	} {
		_, err := Load("netmem.yaml", []byte(job), c.sets)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: %v", c.sets, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v: got %v\nwant it to say %s", c.sets, err, c.want)
		}
	}
}

// TestInsufficientNetworkBuffersAdvice: the refusal offers only the keys
// the release reads: Flink 1.16 has no
// read-buffer.required-per-gate.max (it came in 1.17), and 2.0 removed
// buffers-per-channel.
func TestInsufficientNetworkBuffersAdvice(t *testing.T) {
	const job = `name: netmem
duration: 1m
flink: {parallelism.default: 128, taskmanager.numberOfTaskSlots: 8, taskmanager.memory.process.size: 1728m}
sources: [{name: clicks, kind: kafka, partitions: 128, rate: 10k/s, record-size: 200B}]
operators: [{name: enrich, key-by: user_id, keys: 1M, cost: 5us}]
sinks: [{name: out, exchange: rebalance}]
`
	const gate, perChannel = "read-buffer.required-per-gate.max", "buffers-per-channel"
	for version, offers := range map[string][]bool{"1.16": {false, true}, "1.20": {true, true}, "2.0": {true, false}} {
		_, err := Load("netmem.yaml", []byte(job), []string{"flink-version=" + version})
		if err == nil || !strings.Contains(err.Error(), "Insufficient number of network buffers") {
			t.Fatalf("Flink %s: %v, want the job refused", version, err)
		}
		for i, key := range []string{gate, perChannel} {
			if strings.Contains(err.Error(), key) != offers[i] {
				t.Errorf("Flink %s: offers %s: %v, want %v: %v", version, key, !offers[i], offers[i], err)
			}
		}
	}
}

// TestFlinkEmptyMapping: an empty mapping under a key sets nothing (Flink
// flattens config.yaml's nested maps into keys, and an empty one into
// none); flinksim says so instead of dropping it silently.
func TestFlinkEmptyMapping(t *testing.T) {
	l, err := Load("e.yaml", withFlinkBlock("taskmanager.numberOfTaskSlots: {}\nparallelism:\n  default: 3"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "e.yaml:4:34: flink.taskmanager.numberOfTaskSlots: ignored: an empty mapping sets no key"
	if len(l.Warnings) != 1 || !strings.HasPrefix(l.Warnings[0].String(), want) || l.Spec.SlotsPerTaskManager != 1 {
		t.Errorf("warnings %v, slots %d; want one, %q, and Flink's default of 1 slot", l.Warnings, l.Spec.SlotsPerTaskManager, want)
	}
}
