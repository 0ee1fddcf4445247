package scenarios

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestRestartTimesInWholeMilliseconds: the restart strategies read their
// times with Duration.toMillis (each createFactory in
// RestartBackoffTimeStrategyFactoryLoader's strategies), and the heartbeat
// its interval and timeout (HeartbeatServicesImpl): below 1 ms an
// exponential-delay backoff or threshold, a failure-rate interval or a
// heartbeat time is 0, which ExponentialDelayRestartBackoffTimeStrategy
// ("Initial backoff must be at least 1."), FailureRateRestartBackoffTimeStrategy
// ("Failures interval must be greater than 0 ms.") and HeartbeatServicesImpl
// refuse; above, it is truncated to whole milliseconds.
func TestRestartTimesInWholeMilliseconds(t *testing.T) {
	ckpt := "flink.execution.checkpointing.interval=1min"
	exp, fr, fd := "flink.restart-strategy.type=exponential-delay", "flink.restart-strategy.type=failure-rate", "flink.restart-strategy.type=fixed-delay"
	for _, key := range []string{
		"restart-strategy.exponential-delay.initial-backoff",
		"restart-strategy.exponential-delay.max-backoff",
		"restart-strategy.exponential-delay.reset-backoff-threshold",
		"restart-strategy.failure-rate.failure-rate-interval",
		"heartbeat.interval",
	} {
		strategy := exp // a restart strategy's option is read with that strategy only
		if restartFamily(key) == "failure-rate" {
			strategy = fr
		}
		_, err := Load("m.yaml", []byte(minimal), []string{ckptDirAnyRelease, ckpt, strategy, "flink." + key + "=999µs"})
		if err == nil || !strings.Contains(err.Error(), `flink.`+key+`: "999µs" must be at least 1 ms`) {
			t.Errorf("%s=999µs: %v, want it refused", key, err)
		}
	}
	for _, c := range []struct {
		name string
		sets []string
		got  func(l *Loaded) sim.Time
		want sim.Time
	}{
		{"fixed-delay delay", []string{fd, "flink.restart-strategy.fixed-delay.delay=1500µs"},
			func(l *Loaded) sim.Time { return l.Spec.Restart.Delay }, sim.Millisecond},
		{"failure-rate delay", []string{fr, "flink.restart-strategy.failure-rate.delay=2999999ns"},
			func(l *Loaded) sim.Time { return l.Spec.Restart.Delay }, 2 * sim.Millisecond},
		{"failure-rate interval", []string{fr, "flink.restart-strategy.failure-rate.failure-rate-interval=1999µs"},
			func(l *Loaded) sim.Time { return l.Spec.Restart.FailureRateInterval }, sim.Millisecond},
		{"reset threshold", []string{exp, "flink.restart-strategy.exponential-delay.reset-backoff-threshold=1999µs"},
			func(l *Loaded) sim.Time { return l.Spec.Restart.ResetThreshold }, sim.Millisecond},
		// 1.5 ms and 1.001 ms are both 1 ms: not an initial backoff above the maximum
		{"initial against max", []string{exp, "flink.restart-strategy.exponential-delay.initial-backoff=1500µs", "flink.restart-strategy.exponential-delay.max-backoff=1001µs"},
			func(l *Loaded) sim.Time { return l.Spec.Restart.InitialBackoff }, sim.Millisecond},
		{"heartbeat timeout", []string{"flink.heartbeat.interval=1500µs", "flink.heartbeat.timeout=1999µs"},
			func(l *Loaded) sim.Time { return l.Spec.Recovery.HeartbeatTimeout }, sim.Millisecond},
	} {
		l, err := Load("m.yaml", []byte(minimal), append([]string{ckptDirAnyRelease, ckpt}, c.sets...))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := c.got(l); got != c.want {
			t.Errorf("%s: %v, want %v (whole milliseconds)", c.name, got, c.want)
		}
	}
}
