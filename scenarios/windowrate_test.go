package scenarios

import (
	"fmt"
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestSustainableRateCountsWindowFiring: a window operator's firings take
// its thread's time too. When a window fires, its function runs once per
// key (an aggregate: each key's accumulator) or once per buffered record
// (a ProcessWindowFunction), so at input rate R a subtask of K equally
// likely keys spends
//
//	R/P·cost + fire-cost · E(R)/step
//
// seconds per second, with n = R/P·size records per window and E(R) its
// distinct keys K·(1 − (1 − 1/K)^n) (aggregate) or n (process). The
// sustainable rate is where that reaches 1: solved here by hand, it is
// what the run reports (within 1%: the key groups' shares of the keys are
// not exactly equal), and the job fed 0.9× of it is stable while fed 1.1×
// it is not.
func TestSustainableRateCountsWindowFiring(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs on one goroutine; make test runs this test without -race")
	}
	const p, cost = 4, 10e-6
	for _, c := range []struct {
		name, window    string
		size, step      float64 // seconds
		fireCost        float64 // seconds
		keys            float64
		process         bool
		rate, perWindow float64
	}{
		{name: "tumbling aggregate", window: "{tumbling: 1m, function: aggregate, accumulator-size: 64B, fire-cost: 100us}",
			size: 60, step: 60, fireCost: 100e-6, keys: 400e3},
		// a window's records are about its keys: far from each key in
		// every window
		{name: "sliding aggregate", window: "{sliding: {size: 10s, slide: 5s}, function: aggregate, accumulator-size: 64B, fire-cost: 4us}",
			size: 10, step: 5, fireCost: 4e-6, keys: 4e6},
		{name: "tumbling process", window: "{tumbling: 1m, function: process, fire-cost: 2us}",
			size: 60, step: 60, fireCost: 2e-6, keys: 400e3, process: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			load := func(r float64) float64 { // a subtask's seconds of work per second
				in := r / p
				n := in * c.size
				e := n
				if !c.process {
					k := c.keys / p
					e = k * -math.Expm1(n*math.Log1p(-1/k))
				}
				return in*cost + c.fireCost*e/c.step
			}
			lo, hi := 1.0, 1e9
			for hi-lo > 1e-9*hi {
				if mid := (lo + hi) / 2; load(mid) < 1 {
					lo = mid
				} else {
					hi = mid
				}
			}
			linear := p / cost // the rate without firing
			t.Logf("by hand %.0f/s, a window of %.3g records per key", lo, lo/p*c.size/(c.keys/p))
			if lo > 0.9*linear {
				t.Fatalf("the case's firing lowers the rate too little to test: %.0f/s against %.0f/s", lo, linear)
			}
			run := func(rate float64, duration string) *result.Result {
				l, err := Load("windows.yaml", []byte(windowJob(p, rate, c.keys, duration, c.window)), nil)
				if err != nil {
					t.Fatal(err)
				}
				return runLoaded(t, l)
			}
			got := run(0.5*lo, "5m").Summary.SustainableInputRPS
			if math.Abs(got-lo) > 0.01*lo {
				t.Fatalf("sustainable %.0f/s, by hand %.0f/s (without firing %.0f/s)", got, lo, linear)
			}
			for _, f := range []struct {
				factor  float64
				healthy bool
			}{{0.9, true}, {1.1, false}} {
				// 10 minutes: ten 1-minute windows fire (120 slides of
				// 5 s); at 1.1x the lag grows by tens of thousands of
				// records a second, at 0.9x it ends under 2 s of input.
				v := run(f.factor*got, "10m").Summary.Verdict
				t.Logf("%.1fx: %s: %s", f.factor, v.Outcome, v.Why)
				if (v.Outcome == result.PhaseStable) != f.healthy {
					t.Errorf("at %.1f× the sustainable %.0f/s: %s: %s", f.factor, got, v.Outcome, v.Why)
				}
			}
		})
	}
}

// windowJob is a Kafka source of p partitions at rate records/s into a
// keyed window operator (window: its YAML) of p subtasks, one per
// TaskManager of one core, and a sink.
func windowJob(p int, rate, keys float64, duration, window string) string {
	return fmt.Sprintf(`name: windows
duration: %s
flink:
  parallelism.default: %d
  taskmanager.numberOfTaskSlots: 1
  taskmanager.cpu.cores: 1
sources:
  - {name: events, partitions: %d, rate: %.6g/s, event-time: {delay: {constant: 1s}, watermark: {out-of-orderness: 2s}}}
operators:
  - {name: agg, key-by: user, keys: %.0f, cost: 10us, window: %s}
sinks:
  - {name: out}
`, duration, p, p, rate, keys, window)
}
