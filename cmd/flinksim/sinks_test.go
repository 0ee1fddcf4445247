package main

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// A sink whose read_committed reader saw nothing has no commit latency to
// give: the line says so instead of p50 0s, as compare's "-" does.
func TestSinkLineWithoutRecordsHasNoCommitLatency(t *testing.T) {
	k := result.SinkSummary{Sink: "out", System: "kafka", Guarantee: "exactly-once"}
	if got := sinkLine(k); !strings.Contains(got, "no commit latency (read_committed saw no record)") || strings.Contains(got, "p50") {
		t.Errorf("sinkLine = %q", got)
	}
	k.ReadCommitted.Once = 10
	k.CommitLatency.P50, k.CommitLatency.Max = 2, 3
	if got := sinkLine(k); !strings.Contains(got, "commit latency (taken by the writer to seen by read_committed) p50 2s, max 3s") {
		t.Errorf("sinkLine = %q", got)
	}
}
