package scenarios

import (
	"strings"
	"testing"
)

// TestLatencyResolutionWarning: a buffer timeout given on purpose, no
// longer than chunk-delay times the operators on the longest path (the
// backpressure built-in's source, two operators and sink: 4), is warned
// of in chunked mode, not in exact mode, not when longer, not as default.
func TestLatencyResolutionWarning(t *testing.T) {
	bi, err := LookupBuiltIn("backpressure")
	if err != nil {
		t.Fatal(err)
	}
	const warning = "latency is simulated to about simulation.chunk-delay (5ms) per operator, up to 20ms over the job's longest path (4 operators), no finer than this"
	for _, c := range []struct {
		sets []string
		warn bool
	}{
		{nil, false}, // the built-in's own 100ms
		{[]string{"flink.execution.buffer-timeout.interval=10ms"}, true},
		{[]string{"flink.execution.buffer-timeout.interval=20ms"}, true},
		{[]string{"flink.execution.buffer-timeout.interval=21ms"}, false},
		{[]string{"flink.execution.buffer-timeout.interval=10ms", "simulation.chunk-records=1"}, false},
		{[]string{"flink.execution.buffer-timeout.interval=10ms", "flink.execution.buffer-timeout.enabled=false"}, false},
		{[]string{"flink.execution.buffer-timeout.interval=50ms", "simulation.chunk-delay=20ms"}, true},
	} {
		l, err := LoadVariant("bp.yaml", bi.Data, c.sets, "")
		if err != nil {
			t.Fatalf("%v: %v", c.sets, err)
		}
		got := false
		for _, w := range l.Warnings {
			got = got || strings.Contains(w.String(), "latency is simulated to about")
		}
		if got != c.warn {
			t.Errorf("%v: warned %v, want %v (%v)", c.sets, got, c.warn, l.Warnings)
		}
		if c.warn && len(c.sets) == 1 && !strings.Contains(l.Warnings[0].String(), warning) {
			t.Errorf("%v: %v", c.sets, l.Warnings[0])
		}
	}
}

// TestLatencyResolutionWarningNotByRefused: a chunk-delay or chunk-records
// refused is that problem alone: no latency warning is judged by it (a
// sweep's chunk-delay out of range showed one beside the problem).
func TestLatencyResolutionWarningNotByRefused(t *testing.T) {
	bi, err := LookupBuiltIn("backpressure")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sets []string
		want string // the one problem
	}{
		{[]string{"simulation.chunk-delay=5s"}, "simulation.chunk-delay: must be from 0s to 1s"},
		{[]string{"flink.execution.buffer-timeout.interval=10ms", "simulation.chunk-records=0"}, "simulation.chunk-records: must be a whole number from 1 to 1e18, not 0"},
	} {
		_, err := LoadVariant("bp.yaml", bi.Data, c.sets, "")
		probs, _ := err.(Problems)
		if errs := probs.Errors(); len(errs) != 1 || !strings.Contains(errs[0].String(), c.want) {
			t.Errorf("%v: problems %v, want %q", c.sets, errs, c.want)
		}
		if ws := probs.Warnings(); len(ws) > 0 {
			t.Errorf("%v: warnings %v, want none", c.sets, ws)
		}
	}
}
