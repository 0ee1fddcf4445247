package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestLagMaxStatIsKafkasSampledMax: records-lag-max follows Kafka's
// SampledStat of a Max with 2 windows of 30 s. A recording 30 s after its
// window began starts the next window; reading the metric empties a window
// that began 60 s ago; with nothing recorded it is NaN (no value). Each
// row records (if rec) and then reads at a time, in order.
func TestLagMaxStatIsKafkasSampledMax(t *testing.T) {
	none := math.NaN()
	var w lagMaxStat
	for _, c := range []struct {
		at   sim.Time
		rec  bool
		lag  int64
		want float64
		why  string
	}{
		{0, false, 0, none, "nothing recorded yet"},
		{1 * sim.Second, true, 100, 100, "the first window begins at the first recording"},
		{11 * sim.Second, true, 50, 100, "the same window: the larger"},
		{31 * sim.Second, true, 20, 100, "30 s after the window began: a second window; the first still counts"},
		{60 * sim.Second, false, 0, 100, "the first window is 59 s old"},
		{61 * sim.Second, false, 0, 20, "60 s old: emptied when read"},
		{62 * sim.Second, true, 7, 20, "31 s after the second window began: the first again, from 62 s"},
		{91 * sim.Second, false, 0, 7, "the second window (from 31 s) emptied"},
		{121 * sim.Second, false, 0, 7, "the window from 62 s is 59 s old"},
		{122 * sim.Second, false, 0, none, "no recording left: Max.combine's NaN"},
		{123 * sim.Second, true, 3, 3, "recorded into the window reset at 122 s"},
	} {
		if c.rec {
			w.record(c.at, c.lag)
		}
		got := w.measure(c.at)
		if result.HasValue(got) != result.HasValue(c.want) || result.HasValue(got) && got != c.want {
			t.Errorf("at %v (%s): records-lag-max %v, want %v", c.at, c.why, got, c.want)
		}
	}
}

// TestRecordsLagMaxHoldsTheWindowsPeak: a burst of 20,000 records/s for
// 5 s into a job that takes 5,000/s builds a lag that drains about 20 s
// later. Kafka's records-lag-max is the most recorded over its windows, so
// with a recording at every 1 s sample it is, at each sample t, at least
// the largest lag of the samples in the last 30 s (the current window and,
// for its first 30 s, the one before) and at most the largest of those in
// the last 60 s; once the lag has drained it still shows the burst.
func TestRecordsLagMaxHoldsTheWindowsPeak(t *testing.T) {
	singleGoroutine(t)
	spec := keyedSpec(1, 1, 1000)
	spec.Duration = 120 * sim.Second
	spec.Nodes[0].Kafka.Partitions, spec.Nodes[0].Kafka.InitialBacklog, spec.Nodes[0].Kafka.Poisson = 1, 0, false
	spec.Nodes[0].Kafka.Rate = Piecewise{Points: []Point{{0, 1000}, {20 * sim.Second, 20000}, {25 * sim.Second, 1000}}}
	spec.Nodes[2].Sink.RecordsPerSecond = 5000
	res := runSpec(t, spec)
	lagMax := seriesOf(t, res, "src", 0, result.MetricLagMax)
	pending := seriesOf(t, res, "src", 0, result.MetricPending)
	held := 0
	for i, at := range res.Times {
		lo, hi := 0.0, 0.0
		for j := 0; j <= i; j++ {
			if age := at - res.Times[j]; age < 60 {
				hi = max(hi, pending[j])
				if age <= 29 {
					lo = max(lo, pending[j])
				}
			}
		}
		if v := lagMax[i]; !result.HasValue(v) || v < lo || v > hi {
			t.Fatalf("at %gs: records-lag-max %v, want between %g (the last 30 s) and %g (the last 60 s)", at, v, lo, hi)
		}
		if pending[i] < 100 && lagMax[i] > 10000 {
			held++
		}
	}
	if held < 20 {
		t.Errorf("%d samples with the lag drained and records-lag-max still showing the burst, want at least 20", held)
	}
}
