package models

import (
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// Without chunk-records the resolution follows the load: ten times the
// rate gives about as many events (a step is what arrives in a
// chunk-delay), and every record still reaches the sink.
func TestEventsStayBoundedAsTheRateGrows(t *testing.T) {
	singleGoroutine(t)
	run := func(rate float64) (events uint64, sunk, produced int64) {
		spec := mm1Spec(rate, 0, 20*sim.Second, true, 5)
		spec.Sim = Settings{ChunkDelay: 5 * sim.Millisecond, SampleInterval: sim.Second}
		spec.Nodes[1].Cost = sim.Constant{V: 10e-9}
		res := runSpec(t, spec)
		for _, o := range res.Summary.Operators {
			if o.Name == "out" {
				sunk = o.RecordsIn
			}
		}
		return res.Summary.Engine.Events, sunk, res.Summary.Records.Produced
	}
	e1, s1, p1 := run(1e6)
	e10, s10, p10 := run(1e7)
	t.Logf("events %d / %d, sunk %d of %d, %d of %d", e1, e10, s1, p1, s10, p10)
	// A step every chunk-delay at either rate: 4000 steps in 20 s, a few
	// events each. Buffer-sized steps would be 10 times as many at 10M/s.
	if float64(e10) > 2*float64(e1) {
		t.Errorf("%d events at 10M/s, %d at 1M/s: events grew with the rate", e10, e1)
	}
	// The last chunk-delay's arrivals may still be unread at the end.
	for _, c := range []struct{ sunk, produced int64 }{{s1, p1}, {s10, p10}} {
		if c.sunk > c.produced || float64(c.produced-c.sunk) > 0.01*float64(c.produced) {
			t.Errorf("sink took %d of %d records produced", c.sunk, c.produced)
		}
	}
}
