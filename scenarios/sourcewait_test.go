package scenarios

import (
	"fmt"
	"testing"
)

// TestSourceWaitsAtMostAChunkDelay: in chunked mode a source with less
// than a step readable waits until its oldest record has waited
// chunk-delay cd, then reads all that came meanwhile. Of deterministic
// arrivals at R/s a record therefore waits uniformly from 0 to cd at the
// source, cd/2 on average, and then its step's processing, R·cd records at
// a cost c each, before the sink writes it at the step's end: a latency of
// cd/2 + R·cd·c on average, and at most cd + R·cd·c. (A source once waited
// for a run of arrivals to become readable, its window of cd, and then cd
// more: 1.5·cd on average.) The tolerance is a record's spacing and 1 %
// of cd, for the steps' phase against the run's end.
func TestSourceWaitsAtMostAChunkDelay(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	for _, c := range []struct {
		rate, cd, cost float64 // records/s, s, s
	}{
		{1000, 1, 10e-6},
		{20_000, 0.005, 10e-6},
		{200, 0.1, 1e-3},
	} {
		job := fmt.Sprintf(`
name: source-wait
duration: 2m
sources: [{name: events, kind: kafka, partitions: 1, parallelism: 1, rate: %g/s, arrivals: deterministic}]
operators: [{name: op, cost: %.0fus}]
sinks: [{name: sk}]
simulation: {chunk-delay: %.0fms}
`, c.rate, c.cost*1e6, c.cd*1e3)
		lat := runYAML(t, "wait.yaml", job).Summary.LatencyS
		step := c.rate * c.cd * c.cost
		tol := 1/c.rate + 0.01*c.cd
		if want := c.cd/2 + step; lat.Mean < want-tol || lat.Mean > want+tol {
			t.Errorf("%g/s, chunk-delay %gs: mean latency %.5fs, want %.5f ± %.5fs", c.rate, c.cd, lat.Mean, want, tol)
		}
		if most := c.cd + step + tol; lat.Max > most {
			t.Errorf("%g/s, chunk-delay %gs: max latency %.5fs, want at most %.5fs", c.rate, c.cd, lat.Max, most)
		}
	}
}
