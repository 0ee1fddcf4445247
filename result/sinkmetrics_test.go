package result

import (
	"bytes"
	"strings"
	"testing"
)

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

// TestReadResultNamesOldSinkMetrics: a run written before a SinkFunction's
// counts were named flinksim's has them plain in metrics.csv; read back,
// they are named as a run names them now (flinksim.numRecordsSend, ...),
// a KafkaSink's stay Flink's (an unchained committer's committer metrics
// flinksim's), and metrics.om.txt calls the same ones flinksim_, as it did
// for the old run.
func TestReadResultNamesOldSinkMetrics(t *testing.T) {
	summary := `{"scenario": "sinks", "records": {"sink": 5}, "operators": [
		{"name": "db", "kind": "sink", "flink_name": "Sink: db", "task": "Sink: db"},
		{"name": "topic", "kind": "sink", "flink_name": "topic: Writer", "committer": "topic: Committer", "task": "topic: Writer -> topic: Committer"},
		{"name": "loose", "kind": "sink", "flink_name": "loose: Writer", "task": "loose: Writer"},
		{"name": "old", "kind": "sink", "task": "Sink: old"}]}`
	csv := "time_s,operator,subtask,metric,value\n"
	for _, op := range []string{"db", "topic", "loose", "old"} {
		csv += "5," + op + ",0,numRecordsSend,3\n5," + op + ",0,pendingCommittables,1\n"
	}
	r, err := ReadResult(strings.NewReader(summary), strings.NewReader(csv), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"db":    {"flinksim.numRecordsSend", "flinksim.pendingCommittables"},
		"topic": {"numRecordsSend", "pendingCommittables"},
		"loose": {"numRecordsSend", "flinksim.pendingCommittables"},
		"old":   {"flinksim.numRecordsSend", "flinksim.pendingCommittables"},
	}
	for op, names := range want {
		for _, m := range names {
			if _, ok := r.Values(op, 0, m); !ok {
				t.Errorf("%s: no series %s after reading back", op, m)
			}
		}
	}
	var om bytes.Buffer
	if err := r.WriteOpenMetrics(&om); err != nil {
		t.Fatal(err)
	}
	for op, names := range want {
		for _, m := range names {
			prefix := "flink_"
			if strings.HasPrefix(m, OwnPrefix) {
				prefix = "flinksim_"
			}
			family := prefix + "taskmanager_job_task_operator_" + strings.TrimPrefix(m, OwnPrefix) + "{"
			id := VertexID("operator " + op)
			if op == "topic" && m == MetricPendingCommittables {
				id = VertexID("operator topic: Committer")
			}
			found := false
			for _, line := range strings.Split(om.String(), "\n") {
				found = found || strings.HasPrefix(line, family) && strings.Contains(line, `operator_id="`+id+`"`)
			}
			if !found {
				t.Errorf("%s: metrics.om.txt has no %s... of it", op, family)
			}
		}
	}
}
