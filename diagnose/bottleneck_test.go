package diagnose

import (
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestBackpressureLoad: a busy job that nothing backpressures (one chain,
// its lag in Kafka) is at the edge of its capacity only when its input is
// within the rate's resolution (10%) of its sustainable rate; above it is
// overloaded, by how much its input says. 100 s of input, 1000 of them an
// initial backlog, which is no input per second.
func TestBackpressureLoad(t *testing.T) {
	busy := []result.OperatorSummary{{Name: "src", MaxSubtaskBusyMsPerS: 1000}, {Name: "m", MaxSubtaskBusyMsPerS: 1000},
		{Name: "out", MaxSubtaskBusyMsPerS: 1000}}
	for _, c := range []struct {
		name        string
		produced    int64
		sustainable float64
		want        string
	}{
		{"input twice what it can process", 2_000_000 + 1000, 9900,
			"busy: src, m, out, overloaded: input 2.0× what it can process (20k/s against 9.9k/s)"},
		{"input 17 times", 1_700_000 + 1000, 1000,
			"busy: src, m, out, overloaded: input 17× what it can process (17k/s against 1k/s)"},
		{"input at capacity", 980_000 + 1000, 10_000,
			"busy: src, m, out, at the edge of its capacity: input 0.98× what it can process (9.8k/s against 10k/s)"},
		{"input below capacity", 500_000 + 1000, 10_000,
			"busy: src, m, out, with input 0.50× what it can process (5k/s against 10k/s)"},
		{"no sustainable rate", 2_000_000 + 1000, 0, "busy: src, m, out"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := result.Summary{VirtualDurationS: 100, Records: result.RecordCounts{Produced: c.produced, Backlog: 1000},
				Operators: busy, SustainableInputRPS: c.sustainable}
			if got := Backpressure(s); got != c.want {
				t.Errorf("Backpressure = %q\nwant           %q", got, c.want)
			}
		})
	}
}
