package models

import (
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// pendingRecords, as a Kafka source reader reports it: not the lag at the
// sample but the sum, over the partitions its consumer has returned
// records of, of each one's "records-lag" metric
// (KafkaSourceReaderMetrics.maybeAddRecordsLagMetric registers the gauge
// and tracks a partition after the first fetch that returns records of it,
// KafkaPartitionSplitReader.fetch). Kafka records a partition's lag, its
// high watermark less the consumer's position, each time a fetch of it is
// consumed (FetchCollector: FetchMetricsManager.recordPartitionLag), and
// the metric is a Value: the last lag recorded. So the gauge holds still
// while the consumer does not fetch: its fetcher blocked on a full element
// queue by backpressure, its partitions paused by watermark alignment, or
// Kafka out. A reader fetches at every read of a step and, idling, polls
// continuously (fetching); its partitions' lags are noted as pending gives
// them at the fetch. Not at each fetch, a cost per record in exact mode,
// but lazily (noteFetched): before anything pending reads changes
// (advance, generate, endRun, rewind, a pause by alignment), what it read
// is still what the last fetch left. A restarted reader's consumer is new:
// no partition tracked, no gauge, until it returns records again.

// recordsLag is a partition's records-lag as its reader's consumer last
// recorded it.
type recordsLag struct {
	value   int64      // the lag at the last fetch noted
	tracked bool       // a fetch of this consumer returned records of it
	seq     uint64     // the reader's fetches when last noted
	fetches *fetchNote // its reader's fetches (nil: no reader)
}

// consumerFetch: st's consumer fetched at now, when ok, leaving at most
// lag records behind on a partition (records-lag-max, lagmax.go); each
// partition's lag is noted when it is next looked at (noteFetched).
func consumerFetch(st *subtask, now sim.Time, ok bool, lag int64) {
	if ok {
		st.fetches.fetch(now, lag)
	}
}

// noteFetched notes p's lag as its reader's last fetch left it, when the
// reader has fetched since the last note and the fetch covered p (not
// paused): the state pending reads is still the fetch's.
func (p *kafkaPartition) noteFetched() {
	if f := p.recLag.fetches; f != nil && f.seq != p.recLag.seq {
		if !p.alignPaused {
			p.recLag.value = p.pending(f.at)
		}
		p.recLag.seq = f.seq
	}
}

// noteLags notes, at a poll of st's idle consumer at now (a sample), the
// lag of each of its partitions the poll covers (every one not paused).
func noteLags(st *subtask, now sim.Time) {
	for _, p := range st.splits {
		p.noteFetched()
		if !p.alignPaused {
			p.recLag.value = p.pending(now)
		}
	}
}

// pendingRecords is st's reader's gauge: the lags its consumer last
// recorded, summed over the partitions it tracks; no value before it
// tracks one (Flink registers the gauge with the first).
func pendingRecords(st *subtask) float64 {
	var sum int64
	seen := false
	for _, p := range st.splits {
		p.noteFetched()
		if p.recLag.tracked {
			sum += p.recLag.value
			seen = true
		}
	}
	if !seen {
		return result.NoValue()
	}
	return float64(sum)
}

// newConsumer: st's reader starts a new consumer (a new attempt), which
// tracks no partition yet.
func newConsumer(st *subtask) {
	for _, p := range st.splits {
		p.recLag = recordsLag{fetches: p.recLag.fetches} // seq 0, as the reader's new fetchNote
	}
}
