package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestVisibleAtOnceIsTheSinkLatency: a sink whose writer sends each record
// alone as it takes it (not exactly-once, no batch, no latency) makes it
// visible to a read_committed reader as it is written, so its visible
// latency is its end-to-end latency, value for value, and its commit
// latency 0 (the sink keeps the one as a copy of the other until a write
// is not like that). With a batch of 10 the records wait for their batch:
// a commit latency above 0 and a visible latency above the end-to-end one.
func TestVisibleAtOnceIsTheSinkLatency(t *testing.T) {
	for _, batch := range []int64{0, 10} {
		spec := mm1Spec(800, 1000, 200*sim.Second, true, 1)
		spec.Nodes[2].Sink.Delivery.BatchSize = batch
		res := runSpec(t, spec)
		e2e, sink := res.Summary.LatencyS.LatencySummary, res.Summary.Sinks[0]
		switch {
		case batch == 0 && (sink.VisibleLatency != e2e || sink.CommitLatency != (result.LatencySummary{})):
			t.Errorf("each record alone: visible %+v, commit %+v; want the end-to-end %+v and 0", sink.VisibleLatency, sink.CommitLatency, e2e)
		case batch > 0 && (sink.CommitLatency.Mean <= 0 || sink.VisibleLatency.Mean <= e2e.Mean):
			t.Errorf("batches of %d: visible %+v, commit %+v; want both later than the end-to-end %+v", batch, sink.VisibleLatency, sink.CommitLatency, e2e)
		}
	}
}
