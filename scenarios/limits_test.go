package scenarios

import (
	"errors"
	"math"
	"strconv"
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
		{"flink.execution.checkpointing.timeout=" + maxLong, ""},
		{"flink.execution.checkpointing.timeout=" + maxLong + " ms", ""},
		{"flink.restart-strategy.fixed-delay.delay=" + maxLong + "d", ""},
		{"flink.heartbeat.timeout=9223372036854775808", `--set flink.heartbeat.timeout=9223372036854775808: flink.heartbeat.timeout: "9223372036854775808" is too large: Flink reads durations as a Java long (at most 9223372036854775807)`},
	} {
		t.Run(c.set, func(t *testing.T) {
			sets := []string{c.set, "flink.execution.checkpointing.interval=1min", "flink.restart-strategy.type=fixed-delay"}
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
