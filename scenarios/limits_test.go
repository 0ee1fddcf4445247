package scenarios

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestFlinkJavaRanges: Flink's int options take any Java int and its
// durations any Java long of milliseconds; one past is refused.
func TestFlinkJavaRanges(t *testing.T) {
	maxInt := strconv.Itoa(math.MaxInt32)
	maxLong := strconv.FormatInt(math.MaxInt64, 10)
	for _, c := range []struct {
		set, want string // want "": accepted
	}{
		{"flink.restart-strategy.fixed-delay.attempts=" + maxInt, ""},
		{"flink.restart-strategy.fixed-delay.attempts=2147483648", "--set flink.restart-strategy.fixed-delay.attempts=2147483648: flink.restart-strategy.fixed-delay.attempts: 2147483648 is out of range (0 to 2147483647)"},
		{"flink.restart-strategy.failure-rate.max-failures-per-interval=" + maxInt, ""},
		{"flink.restart-strategy.exponential-delay.attempts-before-reset-backoff=" + maxInt, ""},
		{"flink.execution.checkpointing.tolerable-failed-checkpoints=" + maxInt, ""},
		{"flink.execution.checkpointing.max-concurrent-checkpoints=" + maxInt, ""},
		{"flink.state.backend.rocksdb.checkpoint.transfer.thread.num=" + maxInt, ""},
		{"flink.taskmanager.numberOfTaskSlots=" + maxInt, ""},
		{"flink.web.checkpoints.history=" + maxInt, ""},
		{"flink.web.checkpoints.history=-1", "--set flink.web.checkpoints.history=-1: flink.web.checkpoints.history: -1 is out of range (0 to 2147483647)"},
		// digits only, as Integer.parseInt reads them: a count's forms,
		// which flinksim's own fields take, are told so with the range
		{"flink.restart-strategy.fixed-delay.attempts=1k", `--set flink.restart-strategy.fixed-delay.attempts=1k: flink.restart-strategy.fixed-delay.attempts: "1k" is not a whole number as Flink reads one: digits only (Integer.parseInt takes no 1e3 or 1k), from 0 to 2147483647`},
		{"flink.parallelism.default=1e3", `--set flink.parallelism.default=1e3: flink.parallelism.default: "1e3" is not a whole number as Flink reads one: digits only (Integer.parseInt takes no 1e3 or 1k), from 1 to 32768`},
		{"flink.pipeline.max-parallelism=1k", `--set flink.pipeline.max-parallelism=1k: flink.pipeline.max-parallelism: "1k" is not a whole number as Flink reads one: digits only (Integer.parseInt takes no 1e3 or 1k), -1 for Flink's default rule, or 1 to 32768`},
		{"flink.taskmanager.network.memory.buffers-per-channel=1e3", `--set flink.taskmanager.network.memory.buffers-per-channel=1e3: flink.taskmanager.network.memory.buffers-per-channel: "1e3" is not a whole number as Flink reads one: digits only (Integer.parseInt takes no 1e3 or 1k), from 0 to 65536`},
		{"flink.restart-strategy.fixed-delay.attempts=1.5", `--set flink.restart-strategy.fixed-delay.attempts=1.5: flink.restart-strategy.fixed-delay.attempts: "1.5" is not a whole number: give one from 0 to 2147483647`},
		{"flink.parallelism.default=four", `--set flink.parallelism.default=four: flink.parallelism.default: "four" is not a whole number: give one from 1 to 32768`},
		{"flink.taskmanager.network.memory.max-buffers-per-channel=" + maxInt, ""}, // no cap
		{"flink.taskmanager.network.memory.max-overdraft-buffers-per-gate=" + maxInt, ""},
		{"flink.taskmanager.network.memory.buffers-per-channel=" + maxInt, `--set flink.taskmanager.network.memory.buffers-per-channel=2147483647: flink.taskmanager.network.memory.buffers-per-channel: 2147483647 buffers would need more network memory than a TaskManager has: Flink fails at deployment with "Insufficient number of network buffers" (flinksim takes 0 to 65536)`},
		// below the range, the same range is named
		{"flink.taskmanager.network.memory.buffers-per-channel=-1", "--set flink.taskmanager.network.memory.buffers-per-channel=-1: flink.taskmanager.network.memory.buffers-per-channel: -1 is out of range (0 to 65536)"},
		{"flink.taskmanager.network.memory.floating-buffers-per-gate=0", "--set flink.taskmanager.network.memory.floating-buffers-per-gate=0: flink.taskmanager.network.memory.floating-buffers-per-gate: 0 is out of range (1 to 65536)"},
		{"flink.execution.checkpointing.timeout=" + maxLong, ""},
		{"flink.execution.checkpointing.timeout=" + maxLong + " ms", ""},
		{"flink.restart-strategy.fixed-delay.delay=106751991167 d", ""}, // just under Long.MAX_VALUE ms
		// Duration.toMillis overflows past Long.MAX_VALUE ms.
		{"flink.restart-strategy.fixed-delay.delay=" + maxLong + "s", `--set flink.restart-strategy.fixed-delay.delay=9223372036854775807s: flink.restart-strategy.fixed-delay.delay: "9223372036854775807s" is too large: Flink reads a duration as milliseconds in a Java long (at most 9223372036854775807 ms)`},
		// MemorySize.parse: a Java long of bytes, and one of its units
		{"flink.taskmanager.memory.process.size=9223372036854775807", ""},
		{"flink.taskmanager.memory.process.size=99999999999999999999", `--set flink.taskmanager.memory.process.size=99999999999999999999: flink.taskmanager.memory.process.size: "99999999999999999999" is too large (Flink's sizes are at most 8388607 tb)`},
		{"flink.taskmanager.memory.process.size=8388608 tb", `--set flink.taskmanager.memory.process.size=8388608 tb: flink.taskmanager.memory.process.size: "8388608 tb" is too large (Flink's sizes are at most 8388607 tb)`},
		{"flink.taskmanager.memory.process.size=1.5g", `--set flink.taskmanager.memory.process.size=1.5g: flink.taskmanager.memory.process.size: "1.5g": Flink knows no memory unit ".5g" (b, kb, mb, gb or tb, all binary, or k, m, g, t, or their long names; one unit, a whole number)`},
		{"flink.heartbeat.timeout=9223372036854775808", `--set flink.heartbeat.timeout=9223372036854775808: flink.heartbeat.timeout: "9223372036854775808" is too large: Flink reads durations as a Java long (at most 9223372036854775807)`},
	} {
		t.Run(c.set, func(t *testing.T) {
			sets := []string{c.set, "flink.execution.checkpointing.interval=1min", ckptDir, "flink.restart-strategy.type=fixed-delay"}
			l, err := Load("m.yaml", []byte(minimal), sets)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				assertRoundTrip(t, l)
				return
			}
			var probs Problems
			if !errors.As(err, &probs) || probs.Error() != c.want {
				t.Fatalf("got %v\nwant %s", err, c.want)
			}
		})
	}
}

// TestCountBound: a rate whose records over the run just fit the count
// bound is accepted and runs with exact counts; just past it is refused at
// the rate.
func TestCountBound(t *testing.T) {
	const dur = 10.0 // seconds
	scenario := func(rate float64) []byte {
		return fmt.Appendf(nil, `name: bound
duration: 10s
simulation: {sample-interval: 1s}
sources:
  - {name: src, rate: %v/s}
sinks:
  - {name: out, capacity: 1k/s}
`, rate)
	}
	under := maxRunRecords / dur * (1 - 1e-9)
	l, err := Load("under.yaml", scenario(under), nil)
	if err != nil {
		t.Fatal(err)
	}
	res := runLoaded(t, l)
	rec := res.Summary.Records
	// The Kafka run the end of the run cuts short is not produced (kafka.go):
	// at most a window, which for a reader this far behind is at most 1/256
	// of its lag, itself less than the run's input.
	if p := float64(rec.Produced); rec.Produced <= 0 || math.Abs(p-under*dur) > under*dur/256 {
		t.Errorf("produced %d, want about %g", rec.Produced, under*dur)
	}
	if rec.Sink <= 0 || rec.Sink > 11000 || rec.SourceLag <= 0 || rec.InFlight < 0 {
		t.Errorf("counts %+v", rec)
	}

	over := maxRunRecords / dur * (1 + 1e-9)
	_, err = Load("over.yaml", scenario(over), nil)
	want := fmt.Sprintf("over.yaml:5:23: sources.src.rate: the source produces up to %s records in 10s (%s/s at its peak); a run counts at most 2^53 = 9007199254740992 records per operator: lower the rate or the duration", approx(over*dur), approx(over))
	var probs Problems
	if !errors.As(err, &probs) || probs.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// TestCountBoundWithTooManySamples: a duration within its range whose
// samples are too many is still the run's length to bound its counts by:
// a rate past the count bound is reported with it, at once.
func TestCountBoundWithTooManySamples(t *testing.T) {
	_, err := Load("m.yaml", []byte(minimal), []string{"sources.clicks.rate=1000T/s", "duration=366d"})
	want := "--set duration=366d: duration: 366d gives 6324480 samples of simulation.sample-interval (5s, the default); at most 1048576 are taken (a run keeps at most 4096 per metric, merging neighbours past that): set simulation.sample-interval to at least 31s, or run shorter\n" +
		"--set sources.clicks.rate=1000T/s: sources.clicks.rate: the source produces up to 3.162e22 records in 366d (1e15/s at its peak); a run counts at most 2^53 = 9007199254740992 records per operator: lower the rate or the duration"
	var probs Problems
	if !errors.As(err, &probs) || probs.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	// a duration out of its range is no length to bound counts by
	_, err = Load("m.yaml", []byte(minimal), []string{"sources.clicks.rate=1000T/s", "duration=367d"})
	if want := "--set duration=367d: duration: must be more than 0s and at most 366d, not 367d"; !errors.As(err, &probs) || probs.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// zeros is an endless input, as /dev/zero is.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestReadIsBounded: whatever the input, Read holds at most MaxFileSize+1
// bytes, and Load refuses more.
func TestReadIsBounded(t *testing.T) {
	data, err := Read(zeros{})
	if err != nil || len(data) != MaxFileSize+1 {
		t.Fatalf("read %d bytes, %v; want %d", len(data), err, MaxFileSize+1)
	}
	_, err = Load("/dev/zero", data, nil)
	if want := "/dev/zero: the input is larger than 4 MiB; a scenario is a short text file"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	exact, err := Read(strings.NewReader(minimal))
	if err != nil || string(exact) != minimal {
		t.Fatalf("a small input reads back as %q, %v", exact, err)
	}
}

// TestWebCheckpointsHistory: web.checkpoints.history is modelled, not kept
// as an inert web.* key: Flink's 10 without it (WebOptions), its old name
// jobmanager.web.checkpoints.history read too, 0 allowed.
func TestWebCheckpointsHistory(t *testing.T) {
	for _, c := range []struct {
		file string
		want int
	}{
		{"", 10},
		{"flink:\n  web.checkpoints.history: 0\n", 0},
		{"flink:\n  jobmanager.web.checkpoints.history: 25\n", 25},
	} {
		l, err := Load("h.yaml", []byte(minimal+c.file), []string{"flink.execution.checkpointing.interval=1min", ckptDir})
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Spec.Checkpointing.HistorySize; got != c.want {
			t.Errorf("%q: history size %d, want %d", c.file, got, c.want)
		}
		for _, k := range l.InertFlinkKeys {
			if strings.Contains(k, "checkpoints.history") {
				t.Errorf("%q: %s listed as inert", c.file, k)
			}
		}
	}
}

// TestJobSizeLimitsNameTheParallelism: a job too large to simulate is
// refused at the parallelism that makes it so (its own field, or
// flink.parallelism.default, however it was set), not at the file's start.
func TestJobSizeLimitsNameTheParallelism(t *testing.T) {
	const four = `
name: m
sources:
  - {name: clicks, rate: 10k/s}
operators:
  - {name: a, cost: 5us}
  - {name: b, cost: 5us, chaining: false}
sinks:
  - {name: out, capacity: 5k/s}
`
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"flink.parallelism.default=30000"},
			"--set flink.parallelism.default=30000: flink.parallelism.default: the job has 120000 subtasks; flinksim simulates at most 100000 (clicks runs 30000)"},
		{[]string{"operators.b.parallelism=32768", "flink.parallelism.default=30000"},
			"--set operators.b.parallelism=32768: operators.b.parallelism: the job has 122768 subtasks; flinksim simulates at most 100000 (b runs 32768)"},
		{[]string{"flink.parallelism.default=5000", "operators.b.exchange=rebalance"},
			"--set flink.parallelism.default=5000: flink.parallelism.default: the job has 25010000 network channels; flinksim simulates at most 20000000 (lower the parallelism of all-to-all exchanges: b runs 5000)"},
	} {
		_, err := Load("m.yaml", []byte(four), c.sets)
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: got %v\nwant %s", c.sets, err, c.want)
		}
	}
}

// TestWindowPairsBound: a sliding window whose size is not a multiple of
// the slide puts a record in size/slide windows on average (10 s every
// 3 s: 3 or 4, 10/3 on average), and the record-window pairs are bounded
// by that, not by ⌊size/slide⌋: 1G/s over 32 days is 2.76e15 records, in 3
// windows 8.3e15 pairs (under 2^53), in 10/3 of them 9.2e15 (over).
func TestWindowPairsBound(t *testing.T) {
	const scenario = `name: pairs
duration: 32d
sources:
  - name: src
    rate: 1G/s
    event-time: {delay: 0s}
operators:
  - name: win
    key-by: k
    keys: 1
    window: {sliding: {size: 10s, slide: 3s}, function: aggregate, accumulator-size: 8B}
sinks:
  - {name: out}
`
	_, err := Load("pairs.yaml", []byte(scenario), nil)
	want := "pairs.yaml:11:13: operators.win.window: each record goes to 3.333 windows on average (size/slide): up to 9.216e15 record-window pairs in 32d; a run counts at most 2^53 = 9007199254740992 per operator"
	var probs Problems
	if !errors.As(err, &probs) || probs.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	// a multiple of the slide: a whole number of windows
	_, err = Load("pairs.yaml", []byte(scenario), []string{"operators.win.window.sliding.size=12s"})
	want = "pairs.yaml:11:13: operators.win.window: each record goes to 4 windows: up to 1.106e16"
	if !errors.As(err, &probs) || !strings.HasPrefix(probs.Error(), want) {
		t.Fatalf("got %v\nwant %s...", err, want)
	}
}
