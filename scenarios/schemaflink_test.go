package scenarios

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// flinkSchemaCases are flink: blocks (and the lines around them) for
// TestSchemaFlinkAsTheLoader: the nested form, Flink's durations and
// sizes, and Java's whole numbers at their bounds, taken or refused.
var flinkSchemaCases = []string{
	// nested, as config.yaml writes it
	"flink: {execution: {checkpointing: {interval: 10s}}}",
	"flink: {execution: {checkpointing: {intervall: 10s}}}",
	"flink: {execution: {checkpointing: {interval: 1h30m}}}",
	"flink: {execution: {checkpointing.interval: 10s}}",
	"flink: {execution: {checkpointng.interval: 10s}}",
	"flink: {execution.checkpointing: {interval: 10s, mode: AT_LEAST_ONCE}}",
	"flink: {execution.checkpointing: {intervall: 10s}}",
	"flink: {taskmanager: {numberOfTaskSlots: 2147483648}}",
	"flink: {taskmanager: {numberOfTaskSlots: 4, memory: {process: {size: 2g}}}}",
	"flink: {taskmanager: {memory: {process: {size: 1.5g}}}}",
	"flink: {taskmanager: {numberOfTaskSlot: 4}}",
	"flink: {taskmanager: {numberOfTaskSlots: {}}}",
	"flink: {taskmanager: {numberOfTaskSlots: {a: 1}}}",
	"flink: {taskmanager: 4}",
	"flink: {restart-strategy: {type: fixed-delay, fixed-delay: {attempts: 3, delay: 10 s}}}",
	"flink: {restart-strategy: {type: fixed-delay, fixed-delay: {attempt: 3}}}",
	"flink: {state: {backend: {type: rocksdb, rocksdb: {thread: {num: 4}}}}}",
	"flink: {rest: {port: 8081}}",
	"flink: {rest: {port: abc}}",
	"flink: {rest: {prot: 8081}}",
	"flink: {metrics: {reporter: {prom: {factory.class: x, port: 9249}}}}",
	"flink: {metrics: {reportr: {prom: {port: 9249}}}}",
	"flink: {kubernetes: {operator: {job: {autoscaler: {enabled: true}}}}}",
	"flink: {kubernetes: {operator: 5}}",
	"flink: {s3: {access-key: k, anything: {at: all}}}",
	"flink: {fs: {default-scheme: {limit: {total: 5}}}}",
	"flink: {myapp: {retries: 3, topic: {name: orders}}}",
	"flink: {pipeline: {global-job-parameters: {a: b}}}",
	// nested keys before 1.19 are ignored, with a warning
	"flink-version: \"1.18\"\nflink: {execution: {checkpointing: {intervall: 10s}}}",
	"flink-version: 1.17\nflink: {taskmanager: {numberOfTaskSlots: abc}}",
	"flink-version: \"1.19\"\nflink: {execution: {checkpointing: {intervall: 10s}}}",
	// durations, as TimeUtils reads them
	"flink: {execution.checkpointing.interval: 1h30m}",
	"flink: {execution.checkpointing.interval: 1.5 min}",
	"flink: {execution.checkpointing.interval: 2 w}",
	"flink: {execution.checkpointing.interval: 10 MIN}",
	"flink: {execution.checkpointing.interval: \" 10 minutes \"}",
	"flink: {execution.checkpointing.interval: 60000}",
	"flink: {execution.checkpointing.interval: \"+10s\"}",
	"flink: {execution.checkpointing.interval: 9 ms}",
	"flink: {execution.checkpointing.interval: 10 ms}",
	"flink: {execution.checkpointing.interval: 9999 µs}",
	"flink: {execution.checkpointing.interval: 10000 micros}",
	"flink: {execution.checkpointing.interval: 9}",
	"flink: {execution.checkpointing.interval: 106751991167 d}",
	"flink: {execution.checkpointing.interval: 106751991168 d}",
	"flink: {execution.checkpointing.interval: 9223372036854775807}",
	"flink: {execution.checkpointing.interval: \"9223372036854775808\"}",
	"flink: {execution.checkpointing.min-pause: 0}",
	"flink: {execution.checkpointing.min-pause: 0 s}",
	"flink: {heartbeat.timeout: 0 s}",
	"flink: {heartbeat.interval: 1 ns, heartbeat.timeout: 1 ns}",
	"flink: {slot.idle.timeout: 5 min}",
	"flink: {slot.idle.timeout: 5 mins}",
	"flink: {client.timeout: 1h30m}",
	// sizes, as MemorySize reads them
	"flink: {taskmanager.memory.process.size: 2 GB}",
	"flink: {taskmanager.memory.process.size: 2 GiB}",
	"flink: {taskmanager.memory.process.size: 1.5g}",
	"flink: {state.changelog.dstl.dfs.upload.max-in-flight: 1024}",
	"flink: {state.changelog.dstl.dfs.upload.max-in-flight: 1023}",
	"flink: {state.changelog.dstl.dfs.upload.max-in-flight: 1 kb}",
	"flink: {state.changelog.dstl.dfs.upload.max-in-flight: \"0 mb\"}",
	"flink: {taskmanager.memory.process.size: 8388607 tebibytes}",
	"flink: {taskmanager.memory.process.size: 8388608 t}",
	"flink: {taskmanager.memory.segment-size: 64 kb}",
	"flink: {taskmanager.memory.segment-size: 48 kb}",
	"flink: {taskmanager.memory.segment-size: 2 gb}",
	"flink: {taskmanager.memory.segment-size: 4096}",
	"flink: {taskmanager.memory.segment-size: 4095}",
	"flink: {taskmanager.memory.task.off-heap.size: 0}",
	"flink: {jobmanager.memory.process.size: 1600m}",
	"flink: {jobmanager.memory.process.size: 1.6g}",
	// Java's whole numbers
	"flink: {taskmanager.numberOfTaskSlots: 2147483647}",
	"flink: {taskmanager.numberOfTaskSlots: 2147483648}",
	"flink: {taskmanager.numberOfTaskSlots: \"2147483648\"}",
	"flink: {taskmanager.numberOfTaskSlots: \"0002\"}",
	"flink: {taskmanager.numberOfTaskSlots: \"-0\"}",
	"flink: {taskmanager.numberOfTaskSlots: 0}",
	"flink: {yarn.containers.vcores: -2147483648}",
	"flink: {yarn.containers.vcores: -2147483649}",
	"flink: {yarn.containers.vcores: \"-2147483649\"}",
	"flink: {pipeline.max-parallelism: -1}",
	"flink: {pipeline.max-parallelism: 0}",
	"flink: {pipeline.max-parallelism: \"0\"}",
	"flink: {pipeline.max-parallelism: 32768}",
	"flink: {pipeline.max-parallelism: \"32769\"}",
	"flink: {heartbeat.rpc-failure-threshold: -1}",
	"flink: {heartbeat.rpc-failure-threshold: 0}",
	"flink: {rest.port: 2147483648}",
	"flink: {rest.port: \"-2147483648\"}",
	"flink: {jobstore.cache-size: 9223372036854775807}",
	"flink: {jobstore.cache-size: \"9223372036854775808\"}",
	"flink: {jobstore.cache-size: \"-9223372036854775808\"}",
	"flink: {rest.port: }",
	"flink: {rest.port: \"\"}",
	"flink: {rest.port: [1]}",
	"flink: {taskmanager.numberOfTaskSlots: }",
	// other types and enums of keys not modelled
	"flink: {pipeline.object-reuse: TRUE}",
	"flink: {pipeline.object-reuse: yes}",
	"flink: {execution.batch-shuffle-mode: all_exchanges_blocking}",
	"flink: {execution.batch-shuffle-mode: sometimes}",
	"flink: {state.changelog.storage: FileSystem}",
	"flink: {state.changelog.storage: ftp}",
	"flink: {execution.checkpointing.externalized-checkpoint-retention: retain_on_cancellation}",
	"flink: {execution.checkpointing.externalized-checkpoint-retention: keep}",
	// doubles (a restart strategy's options with that strategy, which
	// reads them: the schema checks them whichever is chosen)
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: 1}",
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: 1.01}",
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: Infinity}",
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: \" +Infinity\"}",
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: -Infinity}",
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: NaN}",
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.backoff-multiplier: inf}",
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.jitter-factor: 1.5}",
	"flink: {restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.jitter-factor: 1}",
	"flink: {taskmanager.memory.managed.fraction: 1}",
	"flink: {taskmanager.memory.managed.fraction: \"NaN\"}",
	"flink: {taskmanager.cpu.cores: 0}",
	"flink: {taskmanager.cpu.cores: 0.5}",
}

// TestSchemaFlinkAsTheLoader: each document is valid to the schema
// exactly when the loader takes it (the loader says which), and the
// audit's cases are refused.
func TestSchemaFlinkAsTheLoader(t *testing.T) {
	s := compiledSchema(t)
	const base = "name: x\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\n"
	var taken, refused int
	for _, c := range flinkSchemaCases {
		sc := base + c + "\n"
		_, loadErr := Load("x.yaml", []byte(sc), nil)
		err := s.Validate(asJSON(t, []byte(sc)))
		if (err == nil) != (loadErr == nil) {
			t.Errorf("%s:\n  the loader says %v\n  the schema says %v", c, loadErr, err)
		}
		if loadErr == nil {
			taken++
		} else {
			refused++
		}
	}
	if taken < 30 || refused < 30 {
		t.Errorf("%d taken, %d refused: the table tests too little of one side", taken, refused)
	}
	for _, c := range []string{
		"flink: {execution: {checkpointing: {intervall: 10s}}}",
		"flink: {execution.checkpointing.interval: 1h30m}",
		"flink: {execution.checkpointing.interval: 1.5 min}",
		"flink: {execution.checkpointing.interval: 2 w}",
		"flink: {taskmanager.numberOfTaskSlots: 2147483648}",
	} {
		if err := s.Validate(asJSON(t, []byte(base+c+"\n"))); err == nil {
			t.Errorf("%s: valid to the schema", c)
		}
	}
}

// TestUintRangeRE: the pattern of a range of numbers takes exactly them.
func TestUintRangeRE(t *testing.T) {
	for _, r := range [][2]uint64{{1, 1}, {1, 9}, {1, 10}, {3, 47}, {1, 32768}, {10, 999}, {99, 1000}, {1, 2147483647}, {1, 9223372036854775808}} {
		re := regexpMust(t, "^("+uintRangeRE(r[0], r[1])+")$")
		for _, n := range []uint64{0, 1, 2, 3, 9, 10, 11, 46, 47, 48, 99, 100, 999, 1000, 1001, 32767, 32768, 32769, 2147483646, 2147483647, 2147483648, 9223372036854775807, 9223372036854775808, 9223372036854775809, 18446744073709551615} {
			want := n >= r[0] && n <= r[1]
			if got := re.MatchString(uitoa(n)); got != want {
				t.Errorf("%d..%d: %d matches %v", r[0], r[1], n, got)
			}
		}
	}
	if !strings.Contains(uintRangeRE(1, 2147483647), "[1-9][0-9]{0,8}") {
		t.Errorf("whole lengths not joined: %s", uintRangeRE(1, 2147483647))
	}
}

func regexpMust(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return re
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
