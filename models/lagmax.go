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
// FutureCompletingBlockingQueue) and records nothing; nor does one whose
// splits are all paused by watermark alignment (consumer.pause), or one
// cut off by a Kafka outage. flinksim keeps, between samples, the most
// lag any fetch left behind (after a step's read, the lag its furthest
// split not paused had before it less the records read, exact with one
// split; none after an empty fetch or while it gathers a step) and
// when it last fetched, and records that at the sample, at the time of
// that last fetch: a window holds it as long as Kafka's would, give or
// take the time between the peak and the last fetch before the sample.

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

// fetchNote is what a reader's consumer fetched since the last sample:
// whether it fetched, last at at, leaving at most lag behind on a
// partition. Beside the reader's other fields: readKafka notes every step.
type fetchNote struct {
	fetched bool
	at      sim.Time
	lag     int64
	seq     uint64 // fetches so far (pendingrecords.go notes a partition's lag after each)
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

// lagMaxValue is reader st's records-lag-max at now: with nothing in its
// windows Kafka's NaN (Max.combine), a gauge that exists and reads NaN
// (result.GaugeNaN) when the reader has a split, and so a consumer whose
// metrics Flink registers (KafkaSourceReaderMetrics, from the split
// reader); without one there is no consumer and no gauge (NoValue).
func lagMaxValue(st *subtask, now sim.Time) float64 {
	v := st.lagMax.measure(now)
	if !result.HasValue(v) && len(st.splits) > 0 {
		return result.GaugeNaN()
	}
	return v
}

// fetch: the reader's consumer fetched at now and left lag records behind
// on its furthest partition (read at the next sample: sampled).
func (n *fetchNote) fetch(now sim.Time, lag int64) {
	if !n.fetched || lag > n.lag {
		n.lag = lag
	}
	n.fetched, n.at = true, now
	n.seq++
}

// sampled records, at a sample at now, the most any fetch of n left
// behind, at the last fetch's time (so that a window drops it when
// Kafka's would), and empties n; a reader idling now, with a split not
// paused and Kafka up, is fetching (empty fetches) and records lag.
func (w *lagMaxStat) sampled(n *fetchNote, now sim.Time, idling bool, lag int64) {
	if idling {
		n.fetch(now, lag)
	}
	if n.fetched {
		w.record(n.at, n.lag)
		n.fetched = false
	}
}

// splitLag is the largest lag of a reader's splits that are not paused:
// what its consumer's last fetch left on its furthest partition.
func splitLag(st *subtask) int64 {
	var lag int64
	for _, p := range st.splits {
		if !p.alignPaused {
			lag = max(lag, p.lag())
		}
	}
	return lag
}

// fetching reports whether st's reader is idling with a split to fetch
// from and Kafka up: its consumer polls and gets empty fetches.
func (s *Simulation) fetching(st *subtask) bool {
	if st.state != stIdle || s.outageBlocks(st) {
		return false
	}
	for _, p := range st.splits {
		if !p.alignPaused {
			return true
		}
	}
	return false
}
