package scenarios

import (
	"math"
	"strings"
	"testing"
)

// TestBackoffMultiplierAsFlink: backoff-multiplier is a double option
// (ConfigurationUtils.convertToDouble: Double.parseDouble) that
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
