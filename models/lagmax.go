package models

import (
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// records-lag-max, as a Kafka source reader's consumer reports it (Flink
// registers the consumer's metrics under KafkaSourceReader.KafkaConsumer):
// not the lag at the sample but the "records-lag" sensor's Max over the
// lags its fetches recorded for each partition (FetchMetricsManager
// .recordPartitionLag), kept by Kafka's SampledStat in metrics.num.samples
// windows of metrics.sample.window.ms (ConsumerConfig: 2 of 30 s). A
// window rolls over once it is a window old at a recording, one samples ×
// window old (60 s) is emptied when the metric is read, and with no
// recording left Max.combine gives NaN, which Flink's gauge reports. A
// reader fetches while its task takes its records; a backpressured one's
// fetcher blocks on its full element queue (SplitFetcher,
// FutureCompletingBlockingQueue) and records nothing. flinksim records the
// lag at each sample after an interval in which the reader fetched (it
// read records, or idled with none to read), not at every fetch: the
// maximum is over the samples' lags, at most a sample interval apart from
// Kafka's.

const (
	// kafkaMetricsWindow is the consumer's metrics.sample.window.ms
	// (CommonClientConfigs.METRICS_SAMPLE_WINDOW_MS_CONFIG, default 30000).
	kafkaMetricsWindow = 30 * sim.Second
	// kafkaMetricsSamples is its metrics.num.samples (default 2).
	kafkaMetricsSamples = 2
)

// lagMaxStat is one reader's records-lag-max: Kafka's SampledStat of a Max.
type lagMaxStat struct {
	samples int // windows in use: Kafka adds them as it first needs them
	cur     int
	start   [kafkaMetricsSamples]sim.Time // each window's lastWindowMs
	max     [kafkaMetricsSamples]int64
	events  [kafkaMetricsSamples]int
}

// record adds a lag recorded at now (SampledStat.record).
func (w *lagMaxStat) record(now sim.Time, lag int64) {
	if w.samples == 0 {
		w.samples, w.cur, w.start[0] = 1, 0, now
	}
	c := w.cur
	if now-w.start[c] >= kafkaMetricsWindow { // isComplete: advance
		c = (c + 1) % kafkaMetricsSamples
		w.cur = c
		w.samples = max(w.samples, c+1)
		w.start[c], w.events[c] = now, 0
	}
	if w.events[c] == 0 || lag > w.max[c] {
		w.max[c] = lag
	}
	w.events[c]++
}

// measure is the metric at now (SampledStat.measure): windows a samples ×
// window old emptied, then the largest lag recorded, or no value when
// none is left.
func (w *lagMaxStat) measure(now sim.Time) float64 {
	any, top := false, int64(0)
	for i := range w.samples {
		if now-w.start[i] >= kafkaMetricsSamples*kafkaMetricsWindow {
			w.start[i], w.events[i] = now, 0 // Sample.reset
		}
		if w.events[i] > 0 && (!any || w.max[i] > top) {
			any, top = true, w.max[i]
		}
	}
	if !any {
		return result.NoValue()
	}
	return float64(top)
}
