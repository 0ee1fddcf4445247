package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// TestFlinkVersionDefaults: flink-version selects the restart defaults that
// FLIP-364 changed in 1.19; without it the latest release's apply.
func TestFlinkVersionDefaults(t *testing.T) {
	ckpt := "flink.execution.checkpointing.interval=1min"
	for _, c := range []struct {
		name       string
		sets       []string
		kind       string
		attempts   int
		delay      sim.Time
		multiplier float64
		maxBackoff sim.Time
		warning    string
	}{
		{name: "latest", sets: []string{ckpt}, kind: "exponential-delay", multiplier: 1.5, maxBackoff: sim.Minute},
		{name: "1.19", sets: []string{ckpt, "flink-version=1.19"}, kind: "exponential-delay", multiplier: 1.5, maxBackoff: sim.Minute},
		{name: "1.18: unlimited fixed-delay", sets: []string{ckpt, "flink-version=1.18"}, kind: "fixed-delay", attempts: math.MaxInt32, delay: sim.Second},
		{name: "1.18.2 is 1.18", sets: []string{ckpt, "flink-version=1.18.2"}, kind: "fixed-delay", attempts: math.MaxInt32, delay: sim.Second},
		{name: "1.18: exponential's old defaults", sets: []string{ckpt, "flink-version=1.18", "flink.restart-strategy.type=exponential-delay"},
			kind: "exponential-delay", multiplier: 2, maxBackoff: 5 * sim.Minute},
		{name: "1.18: fixed-delay keys without a type", sets: []string{ckpt, "flink-version=1.15", "flink.restart-strategy.fixed-delay.attempts=3"},
			kind: "fixed-delay", attempts: math.MaxInt32, delay: sim.Second,
			warning: "--set flink.restart-strategy.fixed-delay.attempts=3: flink.restart-strategy.fixed-delay.attempts: ignored: with checkpointing and no restart-strategy, Flink 1.15 restarts with fixed-delay, 2147483647 attempts, 1 s apart"},
		{name: "1.18: a type uses the keys", sets: []string{ckpt, "flink-version=1.18", "flink.restart-strategy.type=fixed-delay", "flink.restart-strategy.fixed-delay.attempts=3"},
			kind: "fixed-delay", attempts: 3, delay: sim.Second},
		{name: "1.18 without checkpointing", sets: []string{"flink-version=1.18"}, kind: "none"},
		// RestartBackoffTimeStrategyFactoryLoader from 1.19 builds the
		// default strategy on the options' defaultValue(), not on the keys
		{name: "1.20: exponential-delay keys without a type", sets: []string{ckpt, "flink.restart-strategy.exponential-delay.backoff-multiplier=3"},
			kind: "exponential-delay", multiplier: 1.5, maxBackoff: sim.Minute,
			warning: "--set flink.restart-strategy.exponential-delay.backoff-multiplier=3: flink.restart-strategy.exponential-delay.backoff-multiplier: ignored: with checkpointing and no restart-strategy.type, Flink 1.20 restarts with exponential-delay on its default settings (initial-backoff 1 s, max-backoff 1 min, backoff-multiplier 1.5"},
		{name: "2.0: exponential-delay max-backoff without a type", sets: []string{ckpt, "flink-version=2.0", "flink.restart-strategy.exponential-delay.max-backoff=10min"},
			kind: "exponential-delay", multiplier: 1.5, maxBackoff: sim.Minute,
			warning: "--set flink.restart-strategy.exponential-delay.max-backoff=10min: flink.restart-strategy.exponential-delay.max-backoff: ignored: with checkpointing and no restart-strategy.type, Flink 2.0 restarts"},
		{name: "1.20: a type uses the keys", sets: []string{ckpt, "flink.restart-strategy.type=exponential-delay", "flink.restart-strategy.exponential-delay.backoff-multiplier=3"},
			kind: "exponential-delay", multiplier: 3, maxBackoff: sim.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			// a checkpoint directory, as a job that checkpoints has (read
			// only with checkpointing)
			l, err := Load("m.yaml", []byte(minimal), append([]string{ckptDirAnyRelease}, c.sets...))
			if err != nil {
				t.Fatal(err)
			}
			rs := l.Spec.Restart
			if rs.Kind != c.kind {
				t.Fatalf("restart strategy %q, want %q", rs.Kind, c.kind)
			}
			switch c.kind {
			case "fixed-delay":
				if rs.Attempts != c.attempts || rs.Delay != c.delay {
					t.Errorf("attempts %d, delay %v; want %d, %v", rs.Attempts, rs.Delay, c.attempts, c.delay)
				}
			case "exponential-delay":
				if rs.Multiplier != c.multiplier || rs.MaxBackoff != c.maxBackoff {
					t.Errorf("multiplier %g, max backoff %v; want %g, %v", rs.Multiplier, rs.MaxBackoff, c.multiplier, c.maxBackoff)
				}
			}
			got := ""
			if len(l.Warnings) > 0 {
				got = l.Warnings[0].String()
			}
			if !strings.HasPrefix(got, c.warning) || (c.warning == "") != (len(l.Warnings) == 0) {
				t.Errorf("warnings %v, want %q", l.Warnings, c.warning)
			}
			assertRoundTrip(t, l)
		})
	}
}

// TestFlinkVersionPartitionDiscovery: a DataStream Kafka source lists its
// partitions every 5 minutes from Flink 1.20 (connector 3.4, FLIP-288's
// default once FLINK-36780 let the builder keep it) and only as its
// enumerator starts before it, unless the scenario says.
func TestFlinkVersionPartitionDiscovery(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want sim.Time
	}{
		{nil, 5 * sim.Minute},
		{[]string{"flink-version=1.20"}, 5 * sim.Minute},
		{[]string{"flink-version=2.0"}, 5 * sim.Minute},
		{[]string{"flink-version=1.19"}, 0},
		{[]string{"flink-version=1.18"}, 0},
		{[]string{"flink-version=1.17"}, 0},
		{[]string{"flink-version=1.15"}, 0},
		{[]string{"flink-version=1.17", "sources.clicks.partition-discovery-interval=1min"}, sim.Minute},
	} {
		l, err := Load("m.yaml", []byte(minimal), c.sets)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Spec.Nodes[0].Kafka.DiscoveryInterval; got != c.want {
			t.Errorf("%v: partition discovery every %v, want %v", c.sets, got, c.want)
		}
		assertRoundTrip(t, l)
	}
}

func TestFlinkVersionRefused(t *testing.T) {
	for _, v := range []string{"1.2", "3.0", "1.14", "latest", "1.18.x"} {
		_, err := Load("m.yaml", []byte(minimal), []string{"flink-version=" + v})
		if err == nil || !strings.Contains(err.Error(), "is not a Flink release flinksim knows (1.15, ") {
			t.Errorf("flink-version %s: %v", v, err)
		}
	}
}

// TestFlinkVersionKeyNames: a release reads the names it has. A name that
// came later, or an option Flink removed, is warned of and not read;
// resolved.yaml writes each option under the name the release reads.
func TestFlinkVersionKeyNames(t *testing.T) {
	rocks := []string{"flink.execution.checkpointing.interval=1min", ckptDirAnyRelease, "flink.state.backend.type=rocksdb"}
	for _, c := range []struct {
		name    string
		sets    []string
		check   func(l *Loaded) bool
		warning string
	}{
		{"1.17 does not read the 1.20 name in a file", append(rocks, "flink-version=1.17", "flink.x=file:execution.checkpointing.incremental: true"),
			func(l *Loaded) bool { return !l.Spec.Checkpointing.Incremental },
			"flink.execution.checkpointing.incremental: ignored: Flink 1.17 does not know this name (it came in 1.20); it reads state.backend.incremental"},
		// A what-if under the 1.20 name sets the option as 1.17 names it, and
		// says that a 1.17 configuration with that name would not.
		{"1.17, a what-if under the 1.20 name", append(rocks, "flink-version=1.17", "flink.execution.checkpointing.incremental=true"),
			func(l *Loaded) bool { return l.Spec.Checkpointing.Incremental },
			"--set flink.execution.checkpointing.incremental=true: flink.execution.checkpointing.incremental: Flink 1.17 does not know this name (it came in 1.20); it reads state.backend.incremental: this what-if sets the option, as state.backend.incremental (scenario.resolved.yaml writes it so); written under this name, Flink 1.17 would ignore it"},
		{"1.17 reads the old name", append(rocks, "flink-version=1.17", "flink.state.backend.incremental=true"),
			func(l *Loaded) bool { return l.Spec.Checkpointing.Incremental }, ""},
		{"1.20 reads both", append(rocks, "flink.state.backend.incremental=true"),
			func(l *Loaded) bool { return l.Spec.Checkpointing.Incremental }, ""},
		{"2.0 removed the buffer counts", []string{"flink-version=2.0", "flink.taskmanager.network.memory.max-buffers-per-channel=40"},
			func(l *Loaded) bool {
				nw := l.Spec.Network
				return nw.MaxBuffersPerChannel == 10 && nw.BuffersPerChannel == 2 && nw.FloatingPerGate == 8 && nw.OverdraftPerGate == 20
			},
			"flink.taskmanager.network.memory.max-buffers-per-channel: ignored: Flink 2.0 removed this option and Flink 2.0 does not read it"},
		{"1.20 reads them", []string{"flink.taskmanager.network.memory.max-buffers-per-channel=40"},
			func(l *Loaded) bool {
				return l.Spec.Network.MaxBuffersPerChannel == 40 && l.Spec.Network.OverdraftPerGate == 5
			}, ""},
		{"1.15 has no overdraft", []string{"flink-version=1.15", "flink.taskmanager.network.memory.max-overdraft-buffers-per-gate=7"},
			func(l *Loaded) bool { return l.Spec.Network.OverdraftPerGate == 0 },
			"flink.taskmanager.network.memory.max-overdraft-buffers-per-gate: ignored: Flink 1.15 does not have this option (it came in 1.16)"},
		{"1.18 restarts exponential-delay without end", []string{"flink-version=1.18", "flink.restart-strategy.type=exponential-delay",
			"flink.restart-strategy.exponential-delay.attempts-before-reset-backoff=1"},
			func(l *Loaded) bool {
				return l.Spec.Restart.AttemptsBeforeReset == math.MaxInt32 && l.Spec.Restart.BeforeFLIP364
			},
			"flink.restart-strategy.exponential-delay.attempts-before-reset-backoff: ignored: Flink 1.18 does not have this option (it came in 1.19)"},
		{"1.19 stops after the attempts", []string{"flink-version=1.19", "flink.restart-strategy.type=exponential-delay",
			"flink.restart-strategy.exponential-delay.attempts-before-reset-backoff=1"},
			func(l *Loaded) bool { return l.Spec.Restart.AttemptsBeforeReset == 1 && !l.Spec.Restart.BeforeFLIP364 }, ""},
		{"1.18: jobmanager is the MemoryStateBackend, heap state checkpointed to the JobManager", []string{"flink-version=1.18", "flink.state.backend.type=jobmanager",
			"flink.execution.checkpointing.interval=1min"},
			func(l *Loaded) bool {
				c := l.Spec.Checkpointing
				return l.Spec.HeapState && !c.RocksDB && c.StorageClass == "MemoryStateBackend" && c.MaxStateSize == 5<<20
			}, ""},
		{"1.18: filesystem is hashmap's old name", []string{"flink-version=1.18", "flink.state.backend.type=filesystem"},
			func(l *Loaded) bool { return l.Spec.Checkpointing == nil || !l.Spec.Checkpointing.RocksDB }, ""},
		{"1.16: network memory at most 1 gb", []string{"flink-version=1.16", "flink.taskmanager.memory.process.size=64g"},
			func(l *Loaded) bool { return l.Spec.TaskManager.TaskHeap == taskHeapWithNetworkMax(t, 1<<30) }, ""},
		{"1.17: network memory unbounded", []string{"flink-version=1.17", "flink.taskmanager.memory.process.size=64g"},
			func(l *Loaded) bool { return l.Spec.TaskManager.TaskHeap == taskHeapWithNetworkMax(t, math.MaxInt64) }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, sets := minimal, c.sets
			if last := sets[len(sets)-1]; strings.HasPrefix(last, "flink.x=file:") {
				// the entry is the file's, not a what-if's
				data += "flink:\n  " + strings.TrimPrefix(last, "flink.x=file:") + "\n"
				sets = sets[:len(sets)-1]
			}
			l, err := Load("m.yaml", []byte(data), sets)
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(l) {
				t.Errorf("not applied as the release reads it: %+v", l.Spec.Network)
			}
			if (c.warning == "") != (len(l.Warnings) == 0) || c.warning != "" && !strings.Contains(l.Warnings[0].String(), c.warning) {
				t.Errorf("warnings %v, want %q", l.Warnings, c.warning)
			}
			assertRoundTrip(t, l)
		})
	}
}

// taskHeapWithNetworkMax is the task heap of a 64g TaskManager with Flink's
// other memory defaults and network memory capped at max.
func taskHeapWithNetworkMax(t *testing.T, max int64) float64 {
	m := models.DefaultMemory()
	m.ProcessSize, m.NetworkMax = 64<<30, max
	h, err := m.TaskHeapSize()
	if err != nil {
		t.Fatal(err)
	}
	return float64(h)
}

// TestWhatIfUnderAnyNameOnAnOlderRelease: a what-if written with an
// option's current name sets the option on a release that reads only its
// older name, with a warning that such a configuration of that release
// would not; the file's entry under that name is replaced, not lost.
func TestWhatIfUnderAnyNameOnAnOlderRelease(t *testing.T) {
	base := []string{"flink-version=1.17", "flink.execution.checkpointing.interval=1min", ckptDirAnyRelease, "flink.state.backend=rocksdb",
		"flink.state.backend.incremental=true"}
	for _, v := range []string{"true", "false"} {
		l, err := Load("m.yaml", []byte(minimal), append(base, "flink.execution.checkpointing.incremental="+v))
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Spec.Checkpointing.Incremental; got != (v == "true") || len(l.Warnings) != 1 ||
			!strings.Contains(l.Warnings[0].Msg, "Flink 1.17 does not know this name (it came in 1.20); it reads state.backend.incremental: this what-if sets the option") {
			t.Errorf("--set incremental=%s on 1.17: incremental %v, warnings %v", v, got, l.Warnings)
		}
		assertRoundTrip(t, l)
	}
	// An option the release does not have at all is still ignored.
	l, err := Load("m.yaml", []byte(minimal), []string{"flink-version=1.15", "flink.taskmanager.network.memory.max-overdraft-buffers-per-gate=7"})
	if err != nil || l.Spec.Network.OverdraftPerGate != 0 || len(l.Warnings) != 1 {
		t.Errorf("overdraft on 1.15: %v, %d, %v", err, l.Spec.Network.OverdraftPerGate, l.Warnings)
	}
}

// TestNestedKeysBefore119: before 1.19 Flink reads flink-conf.yaml line by
// line, so a nested key is warned of and not read; from 1.19 config.yaml
// reads it.
func TestNestedKeysBefore119(t *testing.T) {
	data := minimal + "flink:\n  taskmanager:\n    numberOfTaskSlots: 4\n"
	for _, c := range []struct {
		version string
		slots   int
	}{{"1.18", 1}, {"1.19", 4}} {
		l, err := Load("m.yaml", []byte(data), []string{"flink-version=" + c.version})
		if err != nil {
			t.Fatal(err)
		}
		if l.Spec.SlotsPerTaskManager != c.slots || (c.slots == 1) != (len(l.Warnings) == 1) {
			t.Errorf("%s: %d slots, warnings %v; want %d", c.version, l.Spec.SlotsPerTaskManager, l.Warnings, c.slots)
		}
	}
}

// TestLegacyBackendsRemovedIn2: Flink 2.0 removed the MemoryStateBackend
// and FsStateBackend (FLINK-36323); StateBackendLoader then takes their
// names for factory classes it cannot find, and the job does not start.
func TestLegacyBackendsRemovedIn2(t *testing.T) {
	for _, b := range []string{"jobmanager", "FileSystem", "org.apache.flink.runtime.state.memory.MemoryStateBackendFactory"} {
		_, err := Load("m.yaml", []byte(minimal), []string{"flink-version=2.0", "flink.state.backend.type=" + b})
		if err == nil || !strings.Contains(err.Error(), "Flink 2.0 removed the") {
			t.Errorf("%s on 2.0: %v, want refused", b, err)
		}
	}
}

// TestFlinkVersionCommitterMetrics: a sink's committer metrics
// (SinkCommitterMetricGroup, FLIP-371, FLINK-25857) came in Flink 1.19:
// an older release's run records none.
func TestFlinkVersionCommitterMetrics(t *testing.T) {
	for v, none := range map[string]bool{"1.15": true, "1.18": true, "1.18.1": true, "1.19": false, "1.20": false, "2.0": false} {
		l, err := Load("m.yaml", []byte(minimal), []string{"flink-version=" + v})
		if err != nil {
			t.Fatal(err)
		}
		if l.Spec.NoSinkCommitterMetrics != none {
			t.Errorf("Flink %s: NoSinkCommitterMetrics %v, want %v", v, l.Spec.NoSinkCommitterMetrics, none)
		}
	}
}

// TestFlinkVersionFullRestarts: the deprecated job gauge fullRestarts is
// registered through 1.20 (SchedulerBase.registerJobMetrics), not by 2.x.
func TestFlinkVersionFullRestarts(t *testing.T) {
	for v, full := range map[string]bool{"1.15": true, "1.20": true, "2.0": false, "2.3": false} {
		l, err := Load("m.yaml", []byte(minimal), []string{"flink-version=" + v})
		if err != nil {
			t.Fatal(err)
		}
		if l.Spec.FullRestarts != full {
			t.Errorf("Flink %s: FullRestarts %v, want %v", v, l.Spec.FullRestarts, full)
		}
	}
}

// TestFlinkVersionRequiredPerGateMax: read-buffer.required-per-gate.max
// came in 1.17 (FLINK-30473): 1.16 does not read it (warned), a later
// release gives it to the simulated gates (GateBuffersSpec), with no
// warning.
func TestFlinkVersionRequiredPerGateMax(t *testing.T) {
	const k = "taskmanager.network.memory.read-buffer.required-per-gate.max"
	for v, want := range map[string]int{"1.16": 0, "1.17": 100, "1.20": 100, "2.0": 100} {
		l, err := Load("m.yaml", []byte(minimal), []string{"flink-version=" + v, "flink." + k + "=100"})
		if err != nil {
			t.Fatal(err)
		}
		warned := false
		for _, w := range l.Warnings {
			warned = warned || strings.Contains(w.String(), k)
		}
		if l.Spec.Network.MaxRequiredPerGate != want || warned != (want == 0) {
			t.Errorf("Flink %s: MaxRequiredPerGate %d, warned %v; want %d, warned %v", v, l.Spec.Network.MaxRequiredPerGate, warned, want, want == 0)
		}
	}
}

// olderNames2x is every older name of a modelled option with the 2.x class
// that still declares it (withDeprecatedKeys; flinkversion.go), "" where no
// 2.x source was found and it is read as in 1.20, a value other than
// Flink's default, and the entries the value needs to matter.
var olderNames2x = []struct{ name, class, value, with string }{
	{"pipeline.operator-chaining", "PipelineOptions", "false", ""},
	{"kubernetes.taskmanager.cpu", "", "3.0", ""},
	{"execution.buffer-timeout", "ExecutionOptions", "50 ms", ""},
	{"state.checkpoints.num-retained", "CheckpointingOptions", "3", ""},
	{"jobmanager.web.checkpoints.history", "WebOptions", "20", ""},
	{"execution.checkpointing.unaligned", "CheckpointingOptions", "true", ""},
	{"execution.checkpointing.checkpoints-after-tasks-finish.enabled", "CheckpointingOptions", "false", ""},
	{"execution.checkpointing.alignment-timeout", "CheckpointingOptions", "2 s", ""},
	{"state.backend.incremental", "CheckpointingOptions", "true", "state.backend.type: rocksdb"},
	{"state.backend", "StateBackendOptions", "rocksdb", ""},
	{"state.checkpoint-storage", "CheckpointingOptions", "jobmanager", ""},
	{"state.checkpoints.dir", "CheckpointingOptions", "s3://b/c", ""},
	{"state.backend.fs.checkpointdir", "CheckpointingOptions", "s3://b/c", ""},
	// 1.20's CheckpointingOptions.FS_SMALL_FILE_THRESHOLD declares both; no
	// 2.x source of it was found
	{"state.storage.fs.memory-threshold", "", "100 kb", ""},
	{"state.backend.fs.memory-threshold", "", "100 kb", ""},
	{"state.backend.local-recovery", "StateRecoveryOptions", "true", ""},
	{"execution.savepoint-restore-mode", "StateRecoveryOptions", "CLAIM", ""},
	{"state.backend.changelog.enabled", "StateChangelogOptions", "true", "state.backend.type: rocksdb, state.changelog.storage: filesystem"},
	{"state.backend.changelog.storage", "StateChangelogOptions", "filesystem", "state.backend.type: rocksdb, state.changelog.enabled: true"},
	{"state.backend.changelog.periodic-materialize.interval", "StateChangelogOptions", "5 min", changelog},
	{"dstl.dfs.upload.num-threads", "", "3", changelog},
	{"dstl.dfs.upload.max-in-flight", "", "50 mb", changelog},
	{"dstl.dfs.preemptive-persist-threshold", "", "1 mb", changelog},
	{"restart-strategy", "RestartStrategyOptions", "none", ""},
	{"akka.ask.timeout", "RpcOptions", "30 s", ""},
	{"taskmanager.memory.size", "TaskManagerOptions", "0", "taskmanager.memory.process.size: 1728m"},
	{"taskmanager.network.memory.fraction", "TaskManagerOptions", "0.2", "taskmanager.memory.process.size: 1728m"},
	{"taskmanager.network.memory.min", "TaskManagerOptions", "256 mb", "taskmanager.memory.process.size: 1728m"},
	{"taskmanager.network.memory.max", "TaskManagerOptions", "64 mb", "taskmanager.memory.process.size: 1728m"},
}

const changelog = "state.backend.type: rocksdb, state.changelog.enabled: true, state.changelog.storage: filesystem"

// TestOlderNamesIn2x: Flink 2.0 removed deprecated options, not the older
// names of the options it kept (flinkversion.go). Each older name is read
// by 1.20 and by every 2.x release as its option's key is, with no warning
// the key does not get; scenario.resolved.yaml writes the key. Every older
// name of flinkOptions is listed in olderNames2x, so a new one is checked
// against a 2.x source too.
func TestOlderNamesIn2x(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range olderNames2x {
		listed[c.name] = true
	}
	for _, o := range flinkOptions {
		for _, d := range o.Deprecated {
			if !listed[d] {
				t.Errorf("%s, an older name of %s, is not in olderNames2x: does a 2.x source still declare it?", d, o.Key)
			}
		}
	}
	// With a checkpoint store: without one the JobManager's memory is the
	// default storage, and state.checkpoint-storage: jobmanager would
	// change nothing. A block, not a directory, which the older names of
	// the directory would lose to.
	const base = minimal + "checkpoint-storage: {type: s3}\nflink:\n  execution.checkpointing.interval: 1 min\n"
	// load loads the base with the entries; a scenario that does not load
	// is nil, and only the one without the value may be refused.
	load := func(v, with, entry string) (*Loaded, string, []string) {
		t.Helper()
		for _, w := range strings.Split(with, ", ") {
			if w != "" {
				entry = "  " + w + "\n" + entry
			}
		}
		l, err := Load("m.yaml", []byte(base+entry), []string{"flink-version=" + v})
		if err != nil {
			return nil, err.Error(), nil
		}
		r, err := l.Resolved()
		if err != nil {
			t.Fatal(err)
		}
		var ws []string
		for _, w := range l.Warnings {
			ws = append(ws, w.String())
		}
		return l, string(r), ws
	}
	for _, c := range olderNames2x {
		o := optionByKey[c.name]
		for _, v := range []string{"1.20", "2.0", "2.1", "2.2", "2.3"} {
			f, _ := parseFlinkVersion(v)
			if ok, why := f.readsName(o, c.name); !ok || f.nameIn(o) != o.Key {
				t.Errorf("Flink %s (%s): reads %s %v (%s), names the option %s; want read, %s", v, c.class, c.name, ok, why, f.nameIn(o), o.Key)
				continue
			}
			old, oldYAML, oldWarn := load(v, c.with, "  "+c.name+": "+c.value+"\n")
			cur, curYAML, curWarn := load(v, c.with, "  "+o.Key+": "+c.value+"\n")
			_, defYAML, _ := load(v, c.with, "")
			if old == nil || cur == nil {
				t.Fatalf("Flink %s: %s: %s\n%s", v, c.name, oldYAML, curYAML)
			}
			for i := range oldWarn {
				oldWarn[i] = strings.ReplaceAll(oldWarn[i], "flink."+c.name+":", "flink."+o.Key+":")
			}
			switch {
			case oldYAML != curYAML:
				t.Errorf("Flink %s: %s: %s is not read as %s:\n%s---\n%s", v, c.name, c.value, o.Key, oldYAML, curYAML)
			case oldYAML == defYAML:
				t.Errorf("Flink %s: %s: %s changes nothing: the test's value is the default", v, c.name, c.value)
			case strings.Join(oldWarn, "\n") != strings.Join(curWarn, "\n"):
				t.Errorf("Flink %s: %s warned of %q; under %s %q", v, c.name, oldWarn, o.Key, curWarn)
			}
			assertRoundTrip(t, old)
		}
	}
}

// TestFlinkVersionStartingSegmentSize: taskmanager.memory.starting-segment-size
// came in 2.0 (FLINK-36556): 1.20 does not read it (warned) and starts a
// debloating gate at the segment size, its smoothed size in whole bytes;
// 2.0 starts it at the option's value, 1 kb by default, and keeps the
// smoothed size fractional (FLINK-36555); debloating off, no gate has a debloater. A 2.x
// TaskManager does not start unless min-segment-size <= it <= segment-size
// (BufferDebloatConfiguration), debloating on or not.
func TestFlinkVersionStartingSegmentSize(t *testing.T) {
	const on = "flink.taskmanager.network.memory.buffer-debloat.enabled=true"
	for _, c := range []struct {
		name  string
		sets  []string
		start int64 // -1: no debloating
		warn  string
		err   string
	}{
		{"1.20: the segment size", []string{on}, 0, "", ""},
		{"1.20 has no starting size", []string{on, "flink.taskmanager.memory.starting-segment-size=4kb"}, 0,
			"flink.taskmanager.memory.starting-segment-size: ignored: Flink 1.20 does not have this option (it came in 2.0)", ""},
		{"2.0: 1 kb", []string{"flink-version=2.0", on}, 1024, "", ""},
		{"2.1: as set", []string{"flink-version=2.1", on, "flink.taskmanager.memory.starting-segment-size=4kb"}, 4096, "", ""},
		{"2.0 without debloating", []string{"flink-version=2.0"}, -1, "", ""},
		{"2.0: below the minimum", []string{"flink-version=2.0", "flink.taskmanager.memory.min-segment-size=2kb"}, -1, "",
			"flink.taskmanager.memory.starting-segment-size: 1 kb (its default): Flink 2.0's TaskManagers do not start unless taskmanager.memory.min-segment-size (2 kb) <= taskmanager.memory.starting-segment-size <= taskmanager.memory.segment-size (32 kb)"},
		{"2.0: above the segment size", []string{"flink-version=2.0", on, "flink.taskmanager.memory.starting-segment-size=64kb"}, -1, "",
			"taskmanager.memory.starting-segment-size <= taskmanager.memory.segment-size (32 kb)"},
		{"1.20 does not check it", []string{"flink.taskmanager.memory.min-segment-size=2kb"}, -1, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, err := Load("m.yaml", []byte(minimal), c.sets)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch d := l.Spec.Network.Debloat; {
			case c.start < 0 && d != nil, c.start >= 0 && (d == nil || d.StartingSegmentSize != c.start || d.FractionalEMA != (c.start > 0)):
				t.Errorf("debloating %+v, want a starting size of %d and a fractional EMA from 2.0", d, c.start)
			}
			if (c.warn == "") != (len(l.Warnings) == 0) || c.warn != "" && !strings.Contains(l.Warnings[0].String(), c.warn) {
				t.Errorf("warnings %v, want %q", l.Warnings, c.warn)
			}
			assertRoundTrip(t, l)
		})
	}
	for v, has := range map[string]bool{"1.20": false, "2.0": true} {
		if got := slices.Contains(ModelledFlinkKeysIn(v), "taskmanager.memory.starting-segment-size"); got != has {
			t.Errorf("Flink %s: starting-segment-size modelled %v, want %v", v, got, has)
		}
	}
}

// TestFlinkVersionHeartbeatLong: before 1.20 heartbeat.timeout and
// heartbeat.interval are Long options of milliseconds
// (HeartbeatManagerOptions; FLINK-35359 made them Durations in 1.20), so a
// unit is refused, as Long.parseLong refuses it, and a bare number (a sign
// too) is read; from 1.20 either is. A what-if with a unit is applied in
// milliseconds, with a warning; scenario.resolved.yaml writes milliseconds
// for a release that reads them.
func TestFlinkVersionHeartbeatLong(t *testing.T) {
	for _, c := range []struct {
		version, entry string // entry: in the file's flink: block, or --set when it starts with "--set "
		timeout        sim.Time
		want           string // the problem, or the warning when timeout > 0
	}{
		{"1.19", "heartbeat.timeout: 50 s", 0,
			`m.yaml:11:22: flink.heartbeat.timeout: "50 s" is not a Long, as Flink 1.19 reads heartbeat.timeout: a whole number of milliseconds, without a unit (a Duration, such as 50 s, from Flink 1.20)`},
		{"1.15", "heartbeat.interval: 10s", 0, `flink.heartbeat.interval: "10s" is not a Long, as Flink 1.15 reads heartbeat.interval`},
		{"1.19", "heartbeat.timeout: 60000 ms", 0, `"60000 ms" is not a Long, as Flink 1.19 reads heartbeat.timeout`},
		{"1.19", "heartbeat.timeout: 0", 0, `flink.heartbeat.timeout: "0" must be more than 0`},
		{"1.18", "heartbeat.timeout: 9223372036854775808", 0, `"9223372036854775808" is not a Long, as Flink 1.18 reads heartbeat.timeout: it is too large`},
		{"1.19", "heartbeat.timeout: 99999999999999999999 ms", 0, `"99999999999999999999 ms" is not a Long, as Flink 1.19 reads heartbeat.timeout: a whole number`},
		{"1.19", "heartbeat.timeout: 60000", time60s, ""},
		{"1.19", "heartbeat.timeout: +60000", time60s, ""}, // Long.parseLong takes a sign
		{"1.20", "heartbeat.timeout: 60 s", time60s, ""},
		{"1.20", "heartbeat.timeout: 60000", time60s, ""},
		{"2.0", "heartbeat.timeout: 1 min", time60s, ""},
		{"1.19", "--set flink.heartbeat.timeout=60s", time60s,
			"--set flink.heartbeat.timeout=60s: flink.heartbeat.timeout: Flink 1.19 reads heartbeat.timeout as a Long of milliseconds (a Duration from 1.20): this what-if sets it"},
		{"1.19", "--set flink.heartbeat.interval=1500micros", 0, `"1500micros" is not whole milliseconds: Flink 1.19 reads heartbeat.interval as a Long of milliseconds`},
		{"1.19", "--set flink.heartbeat.timeout=soon", 0, `"soon" is not a Long, as Flink 1.19 reads heartbeat.timeout`},
	} {
		t.Run(c.version+" "+c.entry, func(t *testing.T) {
			data, sets := minimal+"flink-version: \""+c.version+"\"\n", []string(nil)
			if set, ok := strings.CutPrefix(c.entry, "--set "); ok {
				sets = []string{set}
			} else {
				data += "flink:\n  " + c.entry + "\n"
			}
			l, err := Load("m.yaml", []byte(data), sets)
			if c.timeout == 0 {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %v, want %q", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Spec.Recovery.HeartbeatTimeout; got != c.timeout {
				t.Errorf("heartbeat.timeout %v, want %v", got, c.timeout)
			}
			if (c.want == "") != (len(l.Warnings) == 0) || c.want != "" && !strings.Contains(l.Warnings[0].String(), c.want) {
				t.Errorf("warnings %v, want %q", l.Warnings, c.want)
			}
			resolved, err := l.Resolved()
			if err != nil {
				t.Fatal(err)
			}
			want := "heartbeat.interval: 10000\n"
			if c.version >= "1.20" { // 2.0 too
				want = "heartbeat.interval: 10 s\n"
			}
			if !strings.Contains(string(resolved), want) {
				t.Errorf("resolved.yaml has no %q:\n%s", want, resolved)
			}
			assertRoundTrip(t, l)
		})
	}
}

const time60s = 60 * sim.Second

// TestAskTimeoutByRelease: the JobMaster's rpcTimeout is pekko.ask.timeout
// from 1.18 (RpcOptions, Akka replaced by Pekko), which still reads
// akka.ask.timeout as its older name; 1.17 knows only akka.ask.timeout.
// Without either it is 10 s, and a resolved scenario writes it only when
// set.
func TestAskTimeoutByRelease(t *testing.T) {
	for _, c := range []struct {
		version, entry string
		want           sim.Time
		problem        string
	}{
		{"1.20", "", 10 * sim.Second, ""},
		{"1.20", "pekko.ask.timeout: 30 s", 30 * sim.Second, ""},
		{"2.0", "akka.ask.timeout: 20 s", 20 * sim.Second, ""},
		{"1.17", "akka.ask.timeout: 20 s", 20 * sim.Second, ""},
		{"1.17", "pekko.ask.timeout: 20 s", 0, "Flink 1.17 does not know this name (it came in 1.18); it reads akka.ask.timeout"},
		{"1.20", "pekko.ask.timeout: 0 s", 0, `"0 s" must be at least 1 ms`},       // every RPC would time out at once
		{"1.20", "pekko.ask.timeout: 999 µs", 0, `"999 µs" must be at least 1 ms`}, // asked with toMillis(): 0 ms
	} {
		data := minimal + "flink-version: \"" + c.version + "\"\n"
		if c.entry != "" {
			data += "flink:\n  " + c.entry + "\n"
		}
		l, err := Load("m.yaml", []byte(data), nil)
		if c.problem != "" {
			got := fmt.Sprint(err)
			if l != nil {
				got += fmt.Sprint(l.Warnings)
			}
			if !strings.Contains(got, c.problem) {
				t.Errorf("%s %q: got %s, want %q", c.version, c.entry, got, c.problem)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s %q: %v", c.version, c.entry, err)
		}
		if got := l.Spec.Recovery.AskTimeout; got != c.want {
			t.Errorf("%s %q: ask timeout %v, want %v", c.version, c.entry, got, c.want)
		}
		resolved, err := l.Resolved()
		if err != nil {
			t.Fatal(err)
		}
		if written := strings.Contains(string(resolved), "ask.timeout"); written != (c.entry != "") {
			t.Errorf("%s %q: resolved scenario writes the ask timeout: %v, want %v", c.version, c.entry, written, c.entry != "")
		}
	}
}

// TestFlinkVersionAlignmentLevel: split-level watermark alignment (FLIP-217,
// FLINK-28853) came in Flink 1.17; before, a reader stops as a whole
// (models.Alignment.ReaderLevel).
func TestFlinkVersionAlignmentLevel(t *testing.T) {
	for v, readerLevel := range map[string]bool{"1.15": true, "1.16": true, "1.16.3": true, "1.17": false, "1.20": false, "2.0": false} {
		l, err := Load("windowed.yaml", []byte(windowed), []string{"flink-version=" + v,
			"sources.events.event-time.watermark.alignment.group=g", "sources.events.event-time.watermark.alignment.max-drift=1m"})
		if err != nil {
			t.Fatal(err)
		}
		a := l.Spec.Nodes[0].Kafka.EventTime.Alignment
		if a == nil || a.ReaderLevel != readerLevel || a.Group != "g" || a.MaxDrift != sim.Minute {
			t.Errorf("Flink %s: alignment %+v, want group g, max-drift 1m, ReaderLevel %v", v, a, readerLevel)
		}
	}
}
