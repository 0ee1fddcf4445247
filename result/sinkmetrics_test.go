package result

import "testing"

// TestSinkMetricIsFlinksOnlyWhereFlinkRegistersIt: numRecordsSend is
// Flink's in a Sink V2 writer, the committer metrics in its chained
// committer; a SinkFunction's are flinksim's own, as are the committer
// metrics of a committer Flink runs unchained; other metrics keep their
// names.
func TestSinkMetricIsFlinksOnlyWhereFlinkRegistersIt(t *testing.T) {
	for _, c := range []struct {
		m                        string
		sinkV2, chainedCommitter bool
		want                     string
	}{
		{MetricRecordsSend, true, true, "numRecordsSend"},
		{MetricRecordsSend, true, false, "numRecordsSend"},
		{MetricRecordsSend, false, false, "flinksim.numRecordsSend"},
		{MetricPendingCommittables, true, true, "pendingCommittables"},
		{MetricPendingCommittables, true, false, "flinksim.pendingCommittables"},
		{MetricRetriedCommittables, false, false, "flinksim.retriedCommittables"},
		{MetricRecordsIn, false, false, "numRecordsInPerSecond"},
		{MetricSinkWritten, true, true, "flinksim.numRecordsVisible"},
	} {
		if got := SinkMetric(c.m, c.sinkV2, c.chainedCommitter); got != c.want {
			t.Errorf("SinkMetric(%s, %v, %v) = %s, want %s", c.m, c.sinkV2, c.chainedCommitter, got, c.want)
		}
	}
}
