package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// loadProblems loads data and returns its problems' text ("" when it
// loads), failing the test on any other error.
func loadProblems(t *testing.T, data []byte, sets []string, variant string) string {
	t.Helper()
	var err error
	if variant != "" {
		_, err = LoadVariant("x.yaml", data, sets, variant)
	} else {
		_, err = Load("x.yaml", data, sets)
	}
	return problemsText(t, err)
}

// problemsText is a load's problems' text ("" for no error), failing the
// test on any other error.
func problemsText(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("want Problems, got %v", err)
	}
	return probs.Error()
}

// TestUnmodelledKeyValues: a key flinksim does not model takes the values
// Flink's ConfigurationUtils converts for its type, and no other, reported
// at the entry as a modelled option's bad value is.
func TestUnmodelledKeyValues(t *testing.T) {
	for _, c := range []struct {
		entry string
		want  string // "" loads; else a part of the problem
	}{
		{"rest.port: abc", `x.yaml:4:14: flink.rest.port: "abc" is not an Integer, as Flink 1.20 reads rest.port: a whole number from -2147483648 to 2147483647`},
		{"rest.port: 2147483648", `"2147483648" is not an Integer`},
		{"rest.port: 8081.0", `"8081.0" is not an Integer`},
		{"rest.port: 8081", ""},
		{`rest.port: "8081"`, ""},
		{"rest.port: +8081", ""}, // Integer.parseInt takes a sign
		{"rest.port: -2147483648", ""},
		{`rest.port: ""`, ""}, // empty: Flink's default
		{"rest.port: [8081, 8082]", "flink.rest.port: needs a single value, not a list: Flink 1.20 reads rest.port as Integer"},
		{"rest:\n  port: abc", `x.yaml:5:11: flink.rest.port: "abc" is not an Integer`},
		{"table.exec.mini-batch.size: 9223372036854775807", ""},
		{"table.exec.mini-batch.size: 9223372036854775808", `is not a Long, as Flink 1.20 reads table.exec.mini-batch.size: a whole number from -9223372036854775808 to 9223372036854775807`},
		{"rest.flamegraph.enabled: yes", `"yes" is not a Boolean, as Flink 1.20 reads rest.flamegraph.enabled: true or false, in any case`},
		{"rest.flamegraph.enabled: TRUE", ""},
		{"rest.flamegraph.enabled: False", ""},
		{"resourcemanager.start-worker.max-failure-rate: 2.5", ""},
		{"resourcemanager.start-worker.max-failure-rate: 1e3", ""},
		{"resourcemanager.start-worker.max-failure-rate: 2.0d", ""},
		{"resourcemanager.start-worker.max-failure-rate: 1.5x", `"1.5x" is not a Double`},
		{"jobmanager.memory.jvm-overhead.fraction: 0.2f", ""},
		{"jobmanager.memory.jvm-overhead.fraction: a fifth", `"a fifth" is not a Float`},
		{"rest.retry.delay: 1h30m", `"1h30m" is not a Duration, as Flink 1.20 reads rest.retry.delay: a whole number and one time unit`},
		{"rest.retry.delay: 1.5 min", `"1.5 min" is not a Duration`},
		{"rest.retry.delay: -1 s", `"-1 s" is not a Duration`},
		{"rest.retry.delay: 99999999999999999999 ms", `as Flink 1.20 reads rest.retry.delay: it is too large`},
		{"rest.retry.delay: 30 s", ""},
		{"rest.retry.delay: 500", ""}, // milliseconds
		{"rest.retry.delay: 2 MIN", ""},
		{"jobmanager.memory.process.size: 1600m", ""},
		{"jobmanager.memory.process.size: 2 gb", ""},
		{"jobmanager.memory.process.size: 1073741824", ""},
		{"jobmanager.memory.process.size: 1.5g", `"1.5g" is not a MemorySize, as Flink 1.20 reads jobmanager.memory.process.size`},
		{"jobmanager.memory.process.size: 2 zb", `"2 zb" is not a MemorySize`},
		{"execution.runtime-mode: batch", ""}, // convertToEnum ignores case
		{"execution.runtime-mode: sometimes", `"sometimes" is not an Enum, as Flink 1.20 reads execution.runtime-mode: one of AUTOMATIC, BATCH, STREAMING, in any case`},
		// A 1.x Long of milliseconds that 2.0 made a Duration: 1.20 (the
		// default release) reads a Long, 2.0 a Duration, which takes bare
		// milliseconds too but nothing negative.
		{"timerservice.exceptional.shutdown.timeout: 50000", ""},
		{"timerservice.exceptional.shutdown.timeout: 50 s", `"50 s" is not a Long, as Flink 1.20 reads timerservice.exceptional.shutdown.timeout: a whole number`},
		{"timerservice.exceptional.shutdown.timeout: -1", ""},
		// One that 1.20 made a Duration already (FLINK-35359's release
		// notes): 1.20 reads 50 s.
		{"slot.idle.timeout: 50000", ""},
		{"slot.idle.timeout: 50 s", ""},
		{"slot.idle.timeout: -1", `"-1" is not a Duration, as Flink 1.20 reads slot.idle.timeout`},
		{"slot.idle.timeout: soon", `"soon" is not a Duration, as Flink 1.20 reads slot.idle.timeout`},
		// A key typed from Flink's Options classes and tables.
		{"kubernetes.decorator.hadoop-conf-mount.enabled: yes", `"yes" is not a Boolean, as Flink 1.20 reads kubernetes.decorator.hadoop-conf-mount.enabled: true or false, in any case`},
		{"kubernetes.decorator.hadoop-conf-mount.enabled: false", ""},
		{"state.backend.rocksdb.log.max-file-size: 25 megs", `"25 megs" is not a MemorySize, as Flink 1.20 reads state.backend.rocksdb.log.max-file-size`},
		{"state.backend.rocksdb.log.max-file-size: 25mb", ""},
		{"web.backpressure.num-samples: many", `"many" is not an Integer, as Flink 1.20 reads web.backpressure.num-samples`},
		{"web.backpressure.num-samples: 100", ""},
		// String, List and Map: any value, a YAML list too.
		{"rest.address: anything at all", ""},
		{"rest.bind-port: 50100-50200", ""},
		{"blob.server.port: 50100-50200,50300", ""},
		{"yarn.ship-files: [conf, lib/extra.jar]", ""},
		{"kubernetes.jobmanager.labels: env:prod,team:data", ""},
		// Unknown from 2.0 (a 1.x Long whose 2.x type was not read;
		// TestUnmodelledKeyTypeByRelease), a Long in 1.20, the default release.
		{"jobstore.expiration-time: 5 min", `"5 min" is not a Long, as Flink 1.20 reads jobstore.expiration-time`},
		{"jobstore.expiration-time: 3600", ""},
	} {
		t.Run(c.entry, func(t *testing.T) {
			got := loadProblems(t, withFlinkBlock(c.entry), nil, "")
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestUnmodelledKeyTypeByRelease: a key whose type changed between
// releases is read by the scenario's flink-version's type: a 1.x Long of
// milliseconds that 1.20 made a Duration (task.cancellation.interval,
// FLINK-35359), and a 1.x Long whose 2.x
// type was not established (jobstore.expiration-time, Unknown|Long: any
// value from 2.0).
func TestUnmodelledKeyTypeByRelease(t *testing.T) {
	for _, c := range []struct {
		key, version, value, want string // want: "" loads
	}{
		{"task.cancellation.interval", "2.0", "50 s", ""},
		{"task.cancellation.interval", "2.0", "50000", ""}, // a Duration takes bare milliseconds
		{"task.cancellation.interval", "2.1", "-1", `"-1" is not a Duration, as Flink 2.1 reads task.cancellation.interval`},
		{"task.cancellation.interval", "1.20", "50 s", ""}, // made a Duration in 1.20 (FLINK-35359)
		{"task.cancellation.interval", "1.19", "50 s", `"50 s" is not a Long, as Flink 1.19 reads task.cancellation.interval`},
		{"task.cancellation.interval", "1.17", "50 s", `"50 s" is not a Long, as Flink 1.17 reads task.cancellation.interval`},
		{"task.cancellation.interval", "1.17", "-1", ""},
		{"akka.lookup.timeout", "1.17", "soon", `"soon" is not a Duration, as Flink 1.17 reads akka.lookup.timeout`}, // LOOKUP_TIMEOUT_DURATION
		{"akka.lookup.timeout", "1.17", "10 s", ""},
		{"akka.lookup.timeout", "2.0", "10 s", ""},
		{"akka.lookup.timeout", "2.0", "soon", `"soon" is not a Duration, as Flink 2.0 reads akka.lookup.timeout`},
		{"jobstore.expiration-time", "2.0", "5 min", ""},
		{"jobstore.expiration-time", "2.1", "soon", ""},
		{"jobstore.expiration-time", "1.20", "3600", ""},
		{"jobstore.expiration-time", "1.20", "5 min", `"5 min" is not a Long, as Flink 1.20 reads jobstore.expiration-time`},
		{"jobstore.expiration-time", "1.17", "soon", `"soon" is not a Long, as Flink 1.17 reads jobstore.expiration-time`},
	} {
		got := loadProblems(t, withFlinkBlock(c.key+": "+c.value), []string{"flink-version=" + c.version}, "")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s %s, %s: got %q\nwant %q", c.key, c.version, c.value, got, c.want)
		}
	}
}

// TestUnmodelledKeyTypesMadeIn120: the options the 1.20 release notes
// list as "updated to the Duration type in a backward-compatible manner"
// (FLINK-35359), and their deprecated names, take a unit from 1.20 and,
// before it, are read by their 1.x type: a Long of milliseconds (a bare
// number; "30 s" refused, as Long.parseLong refuses it), an Integer (the
// ZooKeeper client's times, the InfluxDB reporter's, YARN's container
// request interval) or a String (pekko.tcp.timeout, resourcemanager.job.timeout:
// any value). The two listed as made Enums take any value before 1.20.
func TestUnmodelledKeyTypesMadeIn120(t *testing.T) {
	for _, c := range []struct {
		key, value, kind string // kind: "" loads in 1.19; else what 1.19 reads it as
		bad120           bool   // 1.20 refuses the value
	}{
		{"client.heartbeat.timeout", "180 s", "a Long", false},
		{"client.heartbeat.timeout", "180000", "", false},
		{"cluster.registration.initial-timeout", "100 ms", "a Long", false},
		{"cluster.services.shutdown-timeout", "30s", "a Long", false},
		{"rest.retry.delay", "3 s", "a Long", false},
		{"rest.connection-timeout", "15 s", "a Long", false},
		{"rest.idleness-timeout", "5 min", "a Long", false},
		{"historyserver.web.refresh-interval", "10 s", "a Long", false},
		{"metrics.fetcher.update-interval", "10 s", "a Long", false},
		{"metrics.latency.interval", "1 s", "a Long", false},
		{"metrics.latency.interval", "1000", "", false},
		{"resourcemanager.taskmanager-timeout", "30 s", "a Long", false},
		{"slotmanager.taskmanager-timeout", "30 s", "a Long", false}, // its deprecated name
		{"taskmanager.debug.memory.logIntervalMs", "5 s", "a Long", false},
		{"high-availability.zookeeper.client.session-timeout", "60 s", "an Integer", false},
		{"high-availability.zookeeper.client.session-timeout", "60000", "", false},
		{"recovery.zookeeper.client.retry-wait", "5 s", "an Integer", false},
		{"metrics.reporter.influxdb.connectTimeout", "10 s", "an Integer", false},
		{"yarn.heartbeat.container-request-interval", "500 ms", "an Integer", false},
		{"pekko.tcp.timeout", "soon", "", true},
		{"akka.startup-timeout", "soon", "", true},
		{"resourcemanager.job.timeout", "5 minutes", "", false},
		{"resourcemanager.job.timeout", "soon", "", true},
		{"table.optimizer.agg-phase-strategy", "SOMETIMES", "", true},
	} {
		sets := func(v string) []string { return []string{"flink-version=" + v} }
		got := loadProblems(t, withFlinkBlock(c.key+": "+c.value), sets("1.19"), "")
		want := ""
		if c.kind != "" {
			want = fmt.Sprintf("%q is not %s, as Flink 1.19 reads %s", c.value, c.kind, c.key)
		}
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("1.19, %s: %s: got %q\nwant %q", c.key, c.value, got, want)
		}
		got = loadProblems(t, withFlinkBlock(c.key+": "+c.value), sets("1.20"), "")
		if want := fmt.Sprintf("as Flink 1.20 reads %s", c.key); c.bad120 != strings.Contains(got, want) || !c.bad120 && got != "" {
			t.Errorf("1.20, %s: %s: got %q (refused: %v)", c.key, c.value, got, c.bad120)
		}
	}
}

// TestUnmodelledKeyTimesNotMadeDurations: 1.x Long and Integer times that
// 2.x declares with the same type (BlobServerOptions, PythonOptions and
// YarnConfigOptions, and their generated tables, at a 1.x and a 2.3-era
// commit; flink-python 2.3.0's PythonOptions) take a whole number in every
// release and refuse a duration, which 2.0 did not make them; a deprecated
// name (library-cache-manager.cleanup.interval, yarn.heartbeat-delay) is
// read as its new option is, and ForSt's transfer thread count (a 2.x table)
// is an Integer.
func TestUnmodelledKeyTimesNotMadeDurations(t *testing.T) {
	for _, c := range []struct {
		key, good, bad, kind string
	}{
		{"blob.client.connect.timeout", "0", "10 s", "an Integer"},
		{"blob.client.socket.timeout", "300000", "5 min", "an Integer"},
		{"blob.service.cleanup.interval", "3600", "1 h", "a Long"},
		{"library-cache-manager.cleanup.interval", "7200", "2h", "a Long"},
		{"python.fn-execution.bundle.time", "1000", "1 s", "a Long"},
		{"state.backend.forst.checkpoint.transfer.thread.num", "8", "eight", "an Integer"},
		{"yarn.application-attempt-failures-validity-interval", "-1", "10 s", "a Long"},
		{"yarn.heartbeat-delay", "5", "5 s", "an Integer"},
		{"yarn.heartbeat.interval", "5", "2147483648", "an Integer"},
	} {
		for _, version := range []string{"1.17", "1.20", "2.0", "2.3"} {
			sets := []string{"flink-version=" + version}
			if got := loadProblems(t, withFlinkBlock(c.key+": "+c.good), sets, ""); got != "" {
				t.Errorf("%s, %s: %s: %s", version, c.key, c.good, got)
			}
			want := fmt.Sprintf("%q is not %s, as Flink %s reads %s", c.bad, c.kind, version, c.key)
			if got := loadProblems(t, withFlinkBlock(c.key+": "+c.bad), sets, ""); !strings.Contains(got, want) {
				t.Errorf("%s, %s: %s: got %q\nwant %q", version, c.key, c.bad, got, want)
			}
		}
	}
}

// TestUnmodelledKeyValuesInWhatIfs: a --set and a variant's set: are
// checked as the file is, reported where they are written.
func TestUnmodelledKeyValuesInWhatIfs(t *testing.T) {
	data := withFlinkBlock("rest.port: 8081")
	if got := loadProblems(t, data, []string{"flink.rest.port=abc"}, ""); got != `--set flink.rest.port=abc: flink.rest.port: "abc" is not an Integer, as Flink 1.20 reads rest.port: a whole number from -2147483648 to 2147483647` {
		t.Errorf("--set: got %q", got)
	}
	if got := loadProblems(t, data, []string{"flink.rest.port=9091"}, ""); got != "" {
		t.Errorf("--set of a good value: %s", got)
	}
	bad := []byte(strings.Replace(string(data), "flink.parallelism.default: 3}", "flink.parallelism.default: 3, flink.web.timeout: forever}", 1))
	if got := loadProblems(t, bad, nil, "faster-checkpoints"); !strings.Contains(got, `x.yaml:13:167: variants.faster-checkpoints.set.flink.web.timeout: "forever" is not a Duration, as Flink 1.20 reads web.timeout`) {
		t.Errorf("variant: got %q", got)
	}
}

// TestFlinkKeysTypes: flinkkeys.txt's types are the Type column's, on
// exact names, Enum values only on an Enum; and most keys have one.
func TestFlinkKeysTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range flinkKeyLines {
		if seen[l.name] {
			t.Errorf("%s listed twice", l.name)
		}
		seen[l.name] = true
		if l.typ == nil {
			continue
		}
		if strings.ContainsAny(l.name, "<#") {
			t.Errorf("%s: a placeholder pattern is not typed (a more general one matches the same keys)", l.name)
		}
		// Values on an Enum, or on an Enum that an older release reads
		// as a String (Enum@1.20|String: table.optimizer.agg-phase-strategy).
		if len(l.typ.values) > 0 && (l.typ.kinds[0] != "Enum" || len(l.typ.kinds) == 2 && l.typ.kinds[1] != "String") {
			t.Errorf("%s: values %v on %v", l.name, l.typ.values, l.typ.kinds)
		}
	}
	if len(flinkKeyTypes) < 500 {
		t.Errorf("%d keys typed; flinkkeys.txt gives types to over 500", len(flinkKeyTypes))
	}
	if len(flinkKeys)+len(flinkKeyPatterns) != len(flinkKeyLines) {
		t.Errorf("%d names and %d patterns from %d lines", len(flinkKeys), len(flinkKeyPatterns), len(flinkKeyLines))
	}
}

// TestAkkaTimeoutsAreDurations: akka.ask.timeout and akka.lookup.timeout
// are read as Durations by every release flinksim knows (AkkaOptions'
// ASK_TIMEOUT_DURATION and LOOKUP_TIMEOUT_DURATION, whose deprecated
// String twins Flink's 1.x tables list), so a value that is not one is
// refused from 1.15 on, and "30 s" loads.
func TestAkkaTimeoutsAreDurations(t *testing.T) {
	for _, version := range []string{"1.15", "1.19", "2.0"} {
		for _, key := range []string{"akka.ask.timeout", "akka.lookup.timeout"} {
			sets := []string{"flink-version=" + version}
			if got := loadProblems(t, withFlinkBlock(key+": soon"), sets, ""); !strings.Contains(got, `"soon"`) {
				t.Errorf("%s, %s: soon: got %q, want it refused", version, key, got)
			}
			if got := loadProblems(t, withFlinkBlock(key+": 30 s"), sets, ""); got != "" {
				t.Errorf("%s, %s: 30 s: got %q, want it loaded", version, key, got)
			}
		}
	}
}
