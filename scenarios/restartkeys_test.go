package scenarios

import (
	"math"
	"strings"
	"testing"
)

// TestBackoffMultiplierAsFlink: backoff-multiplier is a double option
// (ConfigurationUtils' conversion: Double.parseDouble) that
// ExponentialDelayRestartBackoffTimeStrategy requires to be > 1: Infinity
// passes, and a number beyond a double's range, which Java reads as
// Infinity; NaN does not (it compares false), nor -Infinity, 1 or Go's
// "inf", which Double.parseDouble refuses. scenario.resolved.yaml writes
// Infinity as Java spells it, and reads it back.
func TestBackoffMultiplierAsFlink(t *testing.T) {
	const key = "flink.restart-strategy.exponential-delay.backoff-multiplier"
	for _, c := range []struct {
		value string
		want  float64 // 0: refused
	}{
		{"Infinity", math.Inf(1)},
		{"+Infinity", math.Inf(1)},
		{" Infinity ", math.Inf(1)},
		{"1e400", math.Inf(1)},
		{"1.0000001", 1.0000001},
		{"NaN", 0},
		{"-Infinity", 0},
		{"1", 0},
		{"inf", 0},
		{"Inf", 0},
		{"infinity", 0},
	} {
		sets := []string{ckptDir, "flink.execution.checkpointing.interval=1min", "flink.restart-strategy.type=exponential-delay", key + "=" + c.value}
		l, err := Load("m.yaml", []byte(minimal), sets)
		if c.want == 0 {
			if err == nil || !strings.Contains(err.Error(), key+`: "`+c.value+`" must be a number above 1`) {
				t.Errorf("%q: %v, want it refused", c.value, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.value, err)
			continue
		}
		if got := l.Spec.Restart.Multiplier; got != c.want {
			t.Errorf("%q: multiplier %v, want %v", c.value, got, c.want)
		}
		assertRoundTrip(t, l)
	}
}

// TestUnusedRestartKeys: Flink reads the options of the restart strategy
// in use only (RestartBackoffTimeStrategyFactoryLoader: the chosen
// strategy's createFactory reads its own; none and the default strategy
// read none), and parses a value only when read: another strategy's
// option, bad or not, is no error. It is warned of as ignored (with its
// value's problem), unless restart-strategy.type is set and the value is
// the default (nothing would change; scenario.resolved.yaml writes every
// option). The strategy in use is refused its bad values, and with
// restart-strategy.type refused every strategy is.
func TestUnusedRestartKeys(t *testing.T) {
	const (
		ckpt       = "flink.execution.checkpointing.interval=1min"
		fixed      = "flink.restart-strategy.type=fixed-delay"
		badFRDelay = `flink.restart-strategy.failure-rate.delay=often`
		badDelay   = `"often" is not a Flink duration`
	)
	for _, c := range []struct {
		name    string
		sets    []string
		kind    string // the strategy in the spec; "": refused
		problem string // the error, or the one warning ("" for none)
	}{
		{"fixed-delay, failure-rate's bad delay", []string{ckpt, fixed, badFRDelay}, "fixed-delay",
			`flink.restart-strategy.failure-rate.delay: ignored: restart-strategy.type is fixed-delay, and Flink reads only that strategy's options (RestartBackoffTimeStrategyFactoryLoader); and its value would be refused if read: ` + badDelay},
		{"fixed-delay, exponential-delay's bad multiplier", []string{ckpt, fixed, "flink.restart-strategy.exponential-delay.backoff-multiplier=0.5"}, "fixed-delay",
			`flink.restart-strategy.exponential-delay.backoff-multiplier: ignored: restart-strategy.type is fixed-delay, and Flink reads only that strategy's options (RestartBackoffTimeStrategyFactoryLoader); and its value would be refused if read: "0.5" must be a number above 1`},
		{"fixed-delay, failure-rate's delay of 5s", []string{ckpt, fixed, "flink.restart-strategy.failure-rate.delay=5s"}, "fixed-delay",
			`flink.restart-strategy.failure-rate.delay: ignored: restart-strategy.type is fixed-delay, and Flink reads only that strategy's options (RestartBackoffTimeStrategyFactoryLoader)`},
		{"fixed-delay, failure-rate's default delay", []string{ckpt, fixed, "flink.restart-strategy.failure-rate.delay=1000ms"}, "fixed-delay", ""},
		{"the deprecated name", []string{ckpt, "flink.restart-strategy=fixed-delay", badFRDelay}, "fixed-delay",
			`flink.restart-strategy.failure-rate.delay: ignored: restart-strategy.type is fixed-delay`},
		{"none", []string{ckpt, "flink.restart-strategy.type=none", "flink.restart-strategy.fixed-delay.attempts=-1"}, "none",
			`flink.restart-strategy.fixed-delay.attempts: ignored: restart-strategy.type is none: Flink never restarts the job and reads no restart strategy's options; and its value would be refused if read: -1 is out of range (0 to 2147483647)`},
		{"failure-rate refuses its own", []string{ckpt, "flink.restart-strategy.type=failure-rate", badFRDelay}, "",
			`flink.restart-strategy.failure-rate.delay: ` + badDelay},
		{"a refused type: every strategy's", []string{ckpt, "flink.restart-strategy.type=sometimes", badFRDelay}, "",
			`flink.restart-strategy.failure-rate.delay: ` + badDelay},
		{"no type, no checkpointing", []string{"flink.restart-strategy.failure-rate.max-failures-per-interval=0"}, "none",
			`flink.restart-strategy.failure-rate.max-failures-per-interval: ignored: without checkpointing and with no restart-strategy.type, Flink does not restart the job (none) and reads no restart strategy's options; set restart-strategy.type: failure-rate to use it; and its value would be refused if read: 0 is out of range (1 to 2147483647)`},
		{"no type, checkpointing, 1.20: exponential-delay's bad max", []string{ckpt, "flink.restart-strategy.exponential-delay.max-backoff=often"}, "exponential-delay",
			`flink.restart-strategy.exponential-delay.max-backoff: ignored: with checkpointing and no restart-strategy.type, Flink 1.20 restarts with exponential-delay on its default settings (initial-backoff 1 s, max-backoff 1 min, backoff-multiplier 1.5, reset-backoff-threshold 1 h, jitter-factor 0.1, attempts-before-reset-backoff 2147483647); set restart-strategy.type: exponential-delay to use it; and its value would be refused if read: ` + badDelay},
		{"no type, checkpointing, 1.20: failure-rate's default delay", []string{ckpt, "flink.restart-strategy.failure-rate.delay=1s"}, "exponential-delay",
			`flink.restart-strategy.failure-rate.delay: ignored: with checkpointing and no restart-strategy.type, Flink 1.20 restarts with exponential-delay on its default settings`},
		{"no type, checkpointing, 1.18: fixed-delay's bad attempts", []string{ckpt, "flink-version=1.18", "flink.restart-strategy.fixed-delay.attempts=many"}, "fixed-delay",
			`flink.restart-strategy.fixed-delay.attempts: ignored: with checkpointing and no restart-strategy.type, Flink 1.18 restarts with fixed-delay, 2147483647 attempts, 1 s apart; set restart-strategy.type: fixed-delay to use it; and its value would be refused if read: "many" is not a whole number`},
		// before 1.17 the type's only name is restart-strategy: the
		// warning names the key the release reads
		{"no type, checkpointing, 1.16: fixed-delay's attempts", []string{ckpt, "flink-version=1.16", "flink.restart-strategy.fixed-delay.attempts=3"}, "fixed-delay",
			`flink.restart-strategy.fixed-delay.attempts: ignored: with checkpointing and no restart-strategy, Flink 1.16 restarts with fixed-delay, 2147483647 attempts, 1 s apart; set restart-strategy: fixed-delay to use it`},
		{"1.15: fixed-delay, failure-rate's delay", []string{ckpt, "flink-version=1.15", "flink.restart-strategy=fixed-delay", "flink.restart-strategy.failure-rate.delay=5s"}, "fixed-delay",
			`flink.restart-strategy.failure-rate.delay: ignored: restart-strategy is fixed-delay, and Flink reads only that strategy's options`},
	} {
		l, err := Load("m.yaml", []byte(minimal), append([]string{ckptDirAnyRelease}, c.sets...))
		if c.kind == "" {
			if err == nil || !strings.Contains(err.Error(), c.problem) {
				t.Errorf("%s: %v, want it refused: %s", c.name, err, c.problem)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if l.Spec.Restart.Kind != c.kind {
			t.Errorf("%s: strategy %s, want %s", c.name, l.Spec.Restart.Kind, c.kind)
		}
		var ws []string
		for _, w := range l.Warnings {
			ws = append(ws, w.String())
		}
		if c.problem == "" && len(ws) > 0 || c.problem != "" && (len(ws) != 1 || !strings.Contains(ws[0], c.problem)) {
			t.Errorf("%s: warnings %q\nwant %q", c.name, ws, c.problem)
		}
		assertRoundTrip(t, l)
	}
}

// TestWarningsInFileOrder: warnings come in the order of their place in
// the scenario, as problems do, not in the order the checks ran (the
// unread restart options were warned of in the option table's order).
func TestWarningsInFileOrder(t *testing.T) {
	data := minimal + "flink:\n  restart-strategy.type: fixed-delay\n" +
		"  restart-strategy.exponential-delay.initial-backoff: 2 s\n  restart-strategy.failure-rate.delay: 5 s\n"
	l, err := Load("m.yaml", []byte(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Warnings) != 2 || l.Warnings[0].Line >= l.Warnings[1].Line ||
		!strings.Contains(l.Warnings[0].Path, "exponential-delay") || !strings.Contains(l.Warnings[1].Path, "failure-rate") {
		t.Errorf("warnings %v, want the exponential-delay option's, then the failure-rate one's, a line below", l.Warnings)
	}
}
