package models

import (
	"encoding/json"
	"strings"
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
		case batch == 0 && (sink.VisibleLatency.LatencySummary != e2e || sink.CommitLatency.LatencySummary != (result.LatencySummary{})):
			t.Errorf("each record alone: visible %+v, commit %+v; want the end-to-end %+v and 0", sink.VisibleLatency, sink.CommitLatency, e2e)
		case batch > 0 && (sink.CommitLatency.Mean <= 0 || sink.VisibleLatency.Mean <= e2e.Mean):
			t.Errorf("batches of %d: visible %+v, commit %+v; want both later than the end-to-end %+v", batch, sink.VisibleLatency, sink.CommitLatency, e2e)
		}
	}
}

// TestSinkThatTookNothingHasNoLatencies: a sink that took no record (its
// operator filtered every one out) has no commit or visible latency: None,
// null in summary.json as latency_s is, not quantiles of 0; an
// at-least-once writer (its histograms a copy of the end-to-end one) and an
// exactly-once Kafka one (filled at commits) alike.
func TestSinkThatTookNothingHasNoLatencies(t *testing.T) {
	for _, d := range []Delivery{{Guarantee: AtLeastOnce}, kafkaEOS(15 * sim.Minute)} {
		spec := keyedSinkJob(d, 1000, 10)
		spec.Duration = 30 * sim.Second
		spec.Nodes[1].Selectivity = 0
		res := runSpec(t, spec)
		k := sinkOf(t, res)
		if k.Taken != 0 || !res.Summary.LatencyS.None {
			t.Fatalf("%s: took %d records, latency_s %+v; want none", d.Guarantee, k.Taken, res.Summary.LatencyS)
		}
		if !k.CommitLatency.None || !k.VisibleLatency.None {
			t.Errorf("%s: commit latency %+v, visible %+v; want None", d.Guarantee, k.CommitLatency, k.VisibleLatency)
		}
		b, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		if null := `{"p50":null,"p99":null,"max":null,"mean":null}`; !strings.Contains(string(b), `"commit_latency_s":`+null) ||
			!strings.Contains(string(b), `"visible_latency_s":`+null) {
			t.Errorf("%s: summary.json's sink %s; want null latencies", d.Guarantee, b)
		}
	}
}
