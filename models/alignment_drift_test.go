package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestAlignmentDriftOnlyFromTheFirstAnnouncement: a reader's
// watermarkAlignmentDrift exists from the first maximum its group
// announces to it (InternalSourceReaderMetricGroup.updateMaxDesiredWatermark
// registers the gauge), which comes after its first watermark, at the
// first announcement (every update interval, 3 s here): the samples at 1 s
// and 2 s have none, for either reader or the operator, and from 3 s on
// each reader's is its watermark less the maximum announced to it, which
// is the lower watermark at the announcement + max-drift, so at most 0 for
// the slower reader right after it.
func TestAlignmentDriftOnlyFromTheFirstAnnouncement(t *testing.T) {
	et := EventTime{Delay: sim.Constant{V: 0}, OutOfOrderness: sim.Second,
		PartitionDelays: []PartitionDelays{{Partitions: []int{1}, Delay: sim.Constant{V: 30}}},
		Alignment:       &Alignment{Group: "g", MaxDrift: 10 * sim.Second, UpdateInterval: 3 * sim.Second}}
	spec := windowJob(200, 2, 20*sim.Second, et, Window{Kind: Tumbling, Size: 10 * sim.Second})
	spec.Sim.SampleInterval = sim.Second
	res := runSpec(t, spec)
	for _, sub := range []int{-1, 0, 1} {
		drift := seriesOf(t, res, "src", sub, result.MetricAlignmentDrift)
		for i, at := range res.Times {
			switch has := result.HasValue(drift[i]); {
			case at < 3 && has:
				t.Errorf("src[%d] at %.0f s: watermarkAlignmentDrift %.0f before the first announcement (3 s), want none", sub, at, drift[i])
			case at > 3 && !has:
				t.Errorf("src[%d] at %.0f s: no watermarkAlignmentDrift after the first announcement", sub, at)
			}
		}
	}
	slow := seriesOf(t, res, "src", 1, result.MetricAlignmentDrift)
	for i, at := range res.Times {
		if at > 3 && slow[i] > 0 {
			t.Errorf("at %.0f s the slower reader's drift %.0f ms is above 0: its watermark is the group's lowest, the maximum that + 10 s", at, slow[i])
		}
	}
}
