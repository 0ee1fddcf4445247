package models

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// wmLagJob is three readers of two partitions (one reader has no split,
// and so never a watermark) feeding a sink that writes 1k records/s of the
// topic's 100k/s: from the first samples on, the readers with a split are
// backpressured with records left to read, so their last emit time is the
// sample's time. Samples every 100 ms come before the first watermark
// (every second).
func wmLagJob() Spec {
	et := EventTime{Delay: sim.Constant{V: 0.5}, OutOfOrderness: sim.Second}
	return Spec{
		Name: "wmlag", Seed: 1, Duration: 5 * sim.Second, Network: DefaultNetwork(),
		SlotsPerTaskManager: 1, Chaining: true, AutoWatermarkInterval: sim.Second,
		Sim: Settings{ChunkDelay: 5 * sim.Millisecond, SampleInterval: 100 * sim.Millisecond},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 3, Chain: true, RecordSize: 100,
				Kafka: &Kafka{Topic: "src", Partitions: 2, Rate: ConstantRate(100000), Poisson: true, EventTime: &et}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 100,
				Inputs: []Input{{From: "src", Exchange: Rebalance}}, Sink: &Sink{RecordsPerSecond: 1000}},
		},
	}
}

// TestWatermarkLagOnlyFromTheFirstWatermark: Flink registers a reader's
// watermarkLag at its first watermark (InternalSourceReaderMetricGroup.
// watermarkEmitted), so before it the metric has no value: no row in
// metrics.csv, never now − Long.MIN_VALUE (9.2e18 ms). From then on it is
// the emit time (the sample's, the reader being backpressured) less the
// reader's currentOutputWatermark. The operator's row, the highest over
// its subtasks, leaves out those without one. A reader that has read no
// record reports currentEmitEventTimeLag UNDEFINED, -1 (getEmitTimeLag:
// that gauge is registered with the group).
func TestWatermarkLagOnlyFromTheFirstWatermark(t *testing.T) {
	s, res := runWith(t, wmLagJob())
	none := -1 // the reader with no split
	lags := make([][]float64, 3)
	for _, st := range s.nodes[0].task.subtasks {
		sub := st.index
		if len(st.splits) == 0 {
			none = sub
		}
		lags[sub] = seriesOf(t, res, "src", sub, result.MetricWatermarkLag)
		wm := seriesOf(t, res, "src", sub, result.MetricOutputWatermark)
		first := -1
		for i, w := range wm {
			if w == math.MinInt64 {
				if result.HasValue(lags[sub][i]) {
					t.Fatalf("reader %d at %gs: watermarkLag %g before its first watermark", sub, res.Times[i], lags[sub][i])
				}
				continue
			}
			if first < 0 {
				first = i
			}
			if want := math.Round(res.Times[i]*1000) - w; lags[sub][i] != want {
				t.Fatalf("reader %d at %gs: watermarkLag %g, want %g (emit time less the watermark %g)", sub, res.Times[i], lags[sub][i], want, w)
			}
		}
		switch {
		case len(st.splits) == 0 && first >= 0:
			t.Fatalf("reader %d has no split but a watermark at %gs", sub, res.Times[first])
		case len(st.splits) > 0 && (first <= 0 || first == len(wm)-1):
			t.Fatalf("reader %d's first watermark at sample %d of %d: want samples before it and after", sub, first, len(wm))
		}
	}
	if none < 0 {
		t.Fatal("every reader has a split")
	}
	for i, v := range seriesOf(t, res, "src", none, result.MetricEmitEventTimeLag) {
		if v != -1 {
			t.Fatalf("reader %d at %gs: currentEmitEventTimeLag %g, want UNDEFINED (-1)", none, res.Times[i], v)
		}
	}
	for i, v := range seriesOf(t, res, "src", -1, result.MetricWatermarkLag) {
		want := result.NoValue()
		for _, l := range lags {
			if result.HasValue(l[i]) && (!result.HasValue(want) || l[i] > want) {
				want = l[i]
			}
		}
		if v != want && (result.HasValue(v) || result.HasValue(want)) {
			t.Fatalf("at %gs: the operator's watermarkLag %g, want %g (the highest of its readers' %g)", res.Times[i], v, want, lags)
		}
	}
	checkLagRows(t, res, lags)
}

// checkLagRows checks metrics.csv: a watermarkLag row per subtask and
// sample with a value, the operator's at each sample where one has, none
// holding more than a few seconds.
func checkLagRows(t *testing.T, res *result.Result, lags [][]float64) {
	t.Helper()
	var csv bytes.Buffer
	if err := res.WriteMetricsCSV(&csv); err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for _, line := range strings.Split(csv.String(), "\n") {
		f := strings.Split(line, ",")
		if len(f) != 5 || f[3] != result.MetricWatermarkLag {
			continue
		}
		rows[f[2]]++
		if v, err := strconv.ParseFloat(f[4], 64); err != nil || v < 0 || v > 1e4 {
			t.Errorf("metrics.csv: %s", line)
		}
	}
	some := 0
	for i := range res.Times {
		for _, l := range lags {
			if result.HasValue(l[i]) {
				some++
				break
			}
		}
	}
	for sub, l := range lags {
		want := 0
		for _, v := range l {
			if result.HasValue(v) {
				want++
			}
		}
		if got := rows[strconv.Itoa(sub)]; got != want {
			t.Errorf("metrics.csv: %d watermarkLag rows for subtask %d, want %d", got, sub, want)
		}
	}
	if rows[""] != some {
		t.Errorf("metrics.csv: %d watermarkLag rows for the operator, want %d", rows[""], some)
	}
}

// TestCoarsenKeepsNoValue: merging a pair of samples, a gauge takes the
// later one's value, none when it had none; a rate or a quantile with no
// value in one half takes the other's, and none when neither has one; a
// subtask's rate, which has no value while the subtask is not deployed,
// has none when the later half has none (unreported).
func TestCoarsenKeepsNoValue(t *testing.T) {
	nan := result.NoValue()
	r := &recorder{interval: sim.Second}
	for i := range maxSamples {
		r.times = append(r.times, float64(i+1))
	}
	pairs := [][2]float64{{nan, nan}, {nan, 5}, {5, nan}, {4, 6}}
	for k, m := range []string{result.MetricWatermarkLag, result.MetricRecordsIn, result.MetricLatencyP99, result.MetricRecordsIn} {
		s := result.Series{Metric: m}
		for i := range maxSamples {
			s.Values = append(s.Values, pairs[i/2%len(pairs)][i%2])
		}
		r.series = append(r.series, s)
		r.rules = append(r.rules, ruleOf(m))
		sub := -1
		if k == 3 {
			sub = 0
		}
		r.refs = append(r.refs, seriesRef{sub: sub, metric: m, id: valID(m)})
	}
	r.coarsen()
	for k, want := range [][]float64{{nan, 5, nan, 6}, {nan, 5, 5, 5}, {nan, 5, 5, 6}, {nan, 5, nan, 5}} {
		got := r.series[k].Values[:len(pairs)]
		for i := range want {
			if got[i] != want[i] && (result.HasValue(got[i]) || result.HasValue(want[i])) {
				t.Errorf("%s: merged %v, want %v", r.series[k].Metric, got, want)
				break
			}
		}
	}
}
