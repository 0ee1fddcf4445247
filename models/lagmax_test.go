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
// 5 s into a job that takes 5,000/s builds a lag of about 75,000 that
// drains about 20 s later. Kafka's records-lag-max is the most its fetches
// left behind over its windows: it reaches the burst's lag, holds a lag a
// fetch recorded for at least 30 s (its window began at most 30 s before),
// and drops it within 60 s (its window began no earlier than the fetch):
// at half the peak, recorded at or just after the last sample that still
// showed half the peak (T, 1 s samples), it reads at least 0.4 of the peak
// until T + 29 s (a fetch there drained at most a step) and less than half
// from T + 61 s. Before, it was the lag at the sample, gone with the lag.
func TestRecordsLagMaxHoldsTheWindowsPeak(t *testing.T) {
	singleGoroutine(t)
	spec := keyedSpec(1, 1, 1000)
	spec.Duration = 150 * sim.Second
	spec.Nodes[0].Kafka.Partitions, spec.Nodes[0].Kafka.InitialBacklog, spec.Nodes[0].Kafka.Poisson = 1, 0, false
	spec.Nodes[0].Kafka.Rate = Piecewise{Points: []Point{{0, 1000}, {20 * sim.Second, 20000}, {25 * sim.Second, 1000}}}
	spec.Nodes[2].Sink.RecordsPerSecond = 5000
	res := runSpec(t, spec)
	lagMax := seriesOf(t, res, "src", 0, result.MetricLagMax)
	pending := seriesOf(t, res, "src", 0, result.MetricPending)
	peak, seen := 0.0, 0.0
	for i := range res.Times {
		peak = max(peak, pending[i])
		if result.HasValue(lagMax[i]) {
			seen = max(seen, lagMax[i])
		}
	}
	if peak < 50000 || seen < 0.9*peak {
		t.Fatalf("lag peaked at %.0f, records-lag-max at %.0f: want a burst's lag, and records-lag-max to reach 0.9 of it", peak, seen)
	}
	last := 0.0 // T: the last sample with half the peak
	for i, at := range res.Times {
		if pending[i] >= peak/2 {
			last = at
		}
	}
	for i, at := range res.Times {
		v := lagMax[i]
		switch {
		case at >= last && at <= last+29 && (!result.HasValue(v) || v < 0.4*peak):
			t.Fatalf("at %gs, %gs after the lag last showed half its peak %.0f: records-lag-max %v, want it held", at, at-last, peak, v)
		case at >= last+61 && result.HasValue(v) && v >= peak/2:
			t.Fatalf("at %gs, %gs after the lag last showed half its peak %.0f: records-lag-max %v, want it dropped", at, at-last, peak, v)
		}
	}
	if res.Times[len(res.Times)-1] < last+61 {
		t.Fatalf("the run ends %gs after the lag drained: too short to see records-lag-max drop", res.Times[len(res.Times)-1]-last)
	}
}

// TestRecordsLagMaxWithoutFetches: a consumer that gets no fetch response
// records no lag, so records-lag-max has no value once its windows are
// empty, at most 60 s after its last fetch: through a Kafka outage of 3
// minutes from 60 s (the readers wait it out: FailsAfter is longer), with
// a value again at the first sample after the outage once it fetches.
// Without a value the gauge still exists (the reader has its split and its
// consumer): it reads Kafka's NaN, which metrics.om.txt exports.
// Before, an interval with idle time counted as fetched, and it showed
// the lag growing through the outage, which the consumer cannot see.
func TestRecordsLagMaxWithoutFetches(t *testing.T) {
	singleGoroutine(t)
	spec := keyedSpec(1, 1, 1000)
	spec.Duration = 300 * sim.Second
	spec.Nodes[0].Kafka.Partitions, spec.Nodes[0].Kafka.InitialBacklog = 1, 0
	spec.Nodes[0].Kafka.Rate = ConstantRate(1000)
	spec.Nodes[2].Sink.RecordsPerSecond = 0
	from, until := 60*sim.Second, 240*sim.Second
	spec.Failures = []Failure{{Kind: FailKafkaOutage, At: from, For: until - from, FailsAfter: 10 * sim.Minute}}
	spec.Recovery = Recovery{Redeploy: sim.Second, TaskManagerStart: sim.Second}
	res := runSpec(t, spec)
	if len(res.Failovers) != 0 {
		t.Fatalf("failovers %+v: the readers should wait out the outage", res.Failovers)
	}
	lagMax := seriesOf(t, res, "src", 0, result.MetricLagMax)
	empty := 0
	for i, at := range res.Times {
		switch v := lagMax[i]; {
		case at >= (from+60*sim.Second).Seconds() && at < until.Seconds() && result.HasValue(v):
			t.Fatalf("at %gs, %gs into the Kafka outage: records-lag-max %v, want no value", at, at-from.Seconds(), v)
		case at >= (from+60*sim.Second).Seconds() && at < until.Seconds():
			empty++
			if !result.IsGaugeNaN(v) {
				// the reader, deployed with its split, has its consumer,
				// whose gauge exists and reads Kafka's NaN
				t.Fatalf("at %gs: records-lag-max %x, want the gauge's NaN (GaugeNaN), not no gauge", at, math.Float64bits(v))
			}
		case at < from.Seconds() || at >= until.Seconds()+1:
			if !result.HasValue(v) {
				t.Fatalf("at %gs, the reader fetching: records-lag-max has no value", at)
			}
		}
	}
	if empty < 100 {
		t.Fatalf("%d samples without a value in the outage", empty)
	}
}
