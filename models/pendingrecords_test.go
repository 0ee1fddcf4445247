package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// pendingRecords is the sum of the records-lag each partition's last fetch
// recorded, so it holds still while the consumer does not fetch. Watermark
// alignment pauses the reader of partition 0 about a drift (1 s) after the
// producers of partition 1 stop at 5 s, until 15 s: from then on its
// pendingRecords keeps the lag of its last fetch, a few records, while the
// records its topic holds unread (flinksim.kafkaLag) grow at 500/s; the
// quiet partition's reader polls and records 0.
func TestPendingRecordsHoldStillWhilePaused(t *testing.T) {
	et := EventTime{Delay: sim.Constant{V: 0.1}, OutOfOrderness: 100 * sim.Millisecond,
		Pauses:    []PartitionPause{{Partitions: []int{1}, At: 5 * sim.Second, For: 10 * sim.Second}},
		Alignment: &Alignment{Group: "g", MaxDrift: sim.Second, UpdateInterval: sim.Second}}
	spec := windowJob(1000, 2, 14*sim.Second, et, Window{Kind: Tumbling, Size: sim.Second, Buffering: true})
	spec.Sim.SampleInterval = sim.Second
	res := runSpec(t, spec)
	for sub := range 2 {
		v := seriesOf(t, res, "src", sub, result.MetricPending)
		for i := 8; i < len(v); i++ { // the samples from 9 s
			if v[i] != v[7] || v[i] > 50 {
				t.Errorf("reader %d: pendingRecords %v; want it to hold a few records from 8 s on", sub, v)
				break
			}
		}
	}
	lag := seriesOf(t, res, "src", -1, result.MetricKafkaLag)
	if got := lag[len(lag)-1]; got < 500*6 {
		t.Errorf("kafkaLag at the end %.0f, want the paused partition's 500/s since about 6 s", got)
	}
}

// Flink registers pendingRecords with a reader's first fetch that returns
// records (KafkaSourceReaderMetrics.maybeAddRecordsLagMetric): the reader
// of a partition whose producers send nothing until 10 s has no value
// before it reads (the sample at 10 s follows its first read), and a few
// records after, as it keeps up.
func TestPendingRecordsRegisteredWithTheFirstRecords(t *testing.T) {
	et := EventTime{Delay: sim.Constant{V: 0.1}, OutOfOrderness: 100 * sim.Millisecond,
		Pauses: []PartitionPause{{Partitions: []int{1}, At: 0, For: 10 * sim.Second}}}
	spec := windowJob(1000, 2, 20*sim.Second, et, Window{Kind: Tumbling, Size: sim.Second, Buffering: true})
	spec.Sim.SampleInterval = sim.Second
	res := runSpec(t, spec)
	registered := 0
	for sub := range 2 {
		v := seriesOf(t, res, "src", sub, result.MetricPending)
		first := len(v)
		for i, x := range v {
			if !math.IsNaN(x) {
				first = i
				break
			}
		}
		if first > 0 {
			registered++
			if first != 9 || v[len(v)-1] > 50 {
				t.Errorf("reader %d: pendingRecords %v; want none before 10 s, a few records at the end", sub, v)
			}
		}
	}
	if registered != 1 {
		t.Errorf("%d readers without pendingRecords at first, want the quiet partition's", registered)
	}
}
