package result

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// omResult is a small run: a source task, and a task of an operator
// chained with a sink, two subtasks each, one slot per TaskManager.
func omResult() *Result {
	r := &Result{Times: []float64{5, 10, 15}, SlotsPerTaskManager: 1}
	r.Summary.Scenario = "om test"
	r.Summary.StartTime = "2026-01-01T00:00:00Z"
	r.Summary.Operators = []OperatorSummary{
		{Name: "clicks", Kind: "source", Task: "Source: clicks", Parallelism: 2},
		{Name: "enrich", Kind: "operator", Task: "enrich -> Sink: out", Parallelism: 2},
		{Name: "out", Kind: "sink", Task: "enrich -> Sink: out", Parallelism: 2},
	}
	add := func(op string, sub int, metric string, base float64) {
		r.Series = append(r.Series, Series{Operator: op, Subtask: sub, Metric: metric, Values: []float64{base, base + 1, base + 2}})
	}
	add(JobOperator, -1, MetricLastCkptDuration, 100)
	for _, op := range []string{"clicks", "enrich", "out"} {
		for sub := -1; sub < 2; sub++ {
			add(op, sub, MetricRecordsIn, 1000*float64(sub+2))
			add(op, sub, MetricBackPressured, 10*float64(sub+2))
		}
	}
	add("clicks", 0, MetricPending, 7)
	add("clicks", 0, MetricLagMax, 3)
	add("out", -1, MetricLatencyP99, 40)
	return r
}

func writeOM(t *testing.T, r *Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteOpenMetrics(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestOpenMetricsNamesAsFlinksPrometheusReporter: names and labels as
// AbstractPrometheusReporter gives them; task metrics once per task;
// flinksim's own metrics under flinksim_; an operator's aggregate of
// subtask series left to Prometheus.
func TestOpenMetricsNamesAsFlinksPrometheusReporter(t *testing.T) {
	out := writeOM(t, omResult())
	for _, want := range []string{
		`# HELP flink_jobmanager_job_lastCheckpointDuration lastCheckpointDuration (scope: jobmanager_job)`,
		`flink_jobmanager_job_lastCheckpointDuration{job_id="` + VertexID("job om test") + `",job_name="om_test"} 101.0 1767225610`,
		`flink_taskmanager_job_task_operator_numRecordsInPerSecond{job_id="` + VertexID("job om test") + `",job_name="om_test",operator_id="` +
			VertexID("operator clicks") + `",operator_name="Source:_clicks",subtask_index="1",task_id="` + VertexID("Source: clicks") +
			`",task_name="Source:_clicks",tm_id="taskmanager_1"} 3000.0 1767225605`,
		`flink_taskmanager_job_task_backPressuredTimeMsPerSecond{job_id="` + VertexID("job om test") + `",job_name="om_test",subtask_index="0",task_id="` +
			VertexID("enrich -> Sink: out") + `",task_name="enrich____Sink:_out",tm_id="taskmanager_0"} 22.0 1767225615`,
		`flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max{`,
		`flink_taskmanager_job_task_operator_pendingRecords{`,
		`flinksim_taskmanager_job_task_operator_e2eLatencyP99Ms{job_id="` + VertexID("job om test") + `",job_name="om_test",operator_id="` +
			VertexID("operator out") + `",operator_name="Sink:_out",task_id="` + VertexID("enrich -> Sink: out") + `",task_name="enrich____Sink:_out"} 40.0 1767225605`,
	} {
		if !strings.Contains(out, want+"\n") && !strings.Contains(out, want) {
			t.Errorf("lacks\n%s\nin\n%s", want, out)
		}
	}
	count := func(prefix string) int { return strings.Count(out, "\n"+prefix) }
	// 2 tasks × 2 subtasks × 3 samples, though 3 operators record it.
	if n := count("flink_taskmanager_job_task_backPressuredTimeMsPerSecond{"); n != 12 {
		t.Errorf("%d backpressure samples, want 12 (once per task and subtask)", n)
	}
	// 3 operators × 2 subtasks × 3 samples: no operator aggregate.
	if n := count("flink_taskmanager_job_task_operator_numRecordsInPerSecond{"); n != 18 {
		t.Errorf("%d numRecordsIn samples, want 18 (per operator and subtask)", n)
	}
	if strings.Contains(out, "flink_taskmanager_job_task_operator_e2eLatency") || strings.Contains(out, "flink_taskmanager_job_task_e2e") {
		t.Error("flinksim's latency passes as a Flink metric")
	}
	checkOpenMetricsStructure(t, out)
	if again := writeOM(t, omResult()); again != out {
		t.Error("two writes of the same result differ")
	}
}

var omSample = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+) (\S+)$`)

// checkOpenMetricsStructure checks what OpenMetrics asks of a file with
// timestamps (and Prometheus' backfill reads): every family has HELP and
// TYPE before its samples and appears once, a series' samples are together
// with timestamps rising, the file ends with "# EOF".
func checkOpenMetricsStructure(t *testing.T, out string) {
	t.Helper()
	if !strings.HasSuffix(out, "\n# EOF\n") {
		t.Fatalf("does not end with # EOF: %q", out[max(0, len(out)-40):])
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n# EOF\n"), "\n")
	typed := map[string]bool{}
	seenSeries := map[string]bool{}
	family, series := "", ""
	last := -1.0
	for i, l := range lines {
		if f, ok := strings.CutPrefix(l, "# TYPE "); ok {
			name, typ, _ := strings.Cut(f, " ")
			if typed[name] || typ != "gauge" {
				t.Fatalf("line %d: %q: a family again, or not a gauge", i+1, l)
			}
			if !strings.HasPrefix(lines[i-1], "# HELP "+name+" ") {
				t.Errorf("line %d: TYPE without HELP", i+1)
			}
			typed[name], family = true, name
			continue
		}
		if strings.HasPrefix(l, "# HELP ") {
			continue
		}
		m := omSample.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %d: not a sample: %q", i+1, l)
		}
		if m[1] != family {
			t.Fatalf("line %d: %s outside its family %s", i+1, m[1], family)
		}
		ts, err := strconv.ParseFloat(m[4], 64)
		if _, err2 := strconv.ParseFloat(m[3], 64); err != nil || err2 != nil {
			t.Fatalf("line %d: bad value or timestamp: %q", i+1, l)
		}
		if id := m[1] + m[2]; id != series {
			if seenSeries[id] {
				t.Fatalf("line %d: series %s again, apart from its samples", i+1, id)
			}
			seenSeries[id], series, last = true, id, -1
		}
		if ts <= last {
			t.Fatalf("line %d: timestamp %v after %v", i+1, ts, last)
		}
		last = ts
	}
	if len(typed) == 0 {
		t.Fatal("no families")
	}
}

// TestOpenMetricsStartTime: timestamps count from the summary's start, and
// from the epoch without one.
func TestOpenMetricsStartTime(t *testing.T) {
	r := omResult()
	r.Summary.StartTime = "2030-06-01T10:00:00.25Z"
	if out := writeOM(t, r); !strings.Contains(out, "} 100.0 1906538405.25\n") {
		t.Errorf("start 2030-06-01T10:00:00.25Z: first sample at 5 s not at 1906538405.25:\n%s", out[:min(len(out), 400)])
	}
	r.Summary.StartTime = ""
	if out := writeOM(t, r); !strings.Contains(out, "} 100.0 5\n") {
		t.Errorf("no start: first sample not at 5 s:\n%s", out[:min(len(out), 400)])
	}
}

// TestOpenMetricsSinkOperatorNames: operator_name is the name Flink gives
// the operator that registers the metric. A SinkFunction's metrics are
// "Sink: NAME"'s, and flinksim's own (it has neither a writer's nor a
// committer's metric group: its series are named flinksim.numRecordsSend,
// ..., SinkMetric); a Sink V2 sink's (a KafkaSink) are its writer's
// ("NAME: Writer", SinkWriterMetricGroup: numRecordsSend), but for its
// committer's ("NAME: Committer", SinkCommitterMetricGroup:
// pendingCommittables, failedCommittables, ...), all Flink's, per subtask;
// a summary written before operators had their Flink names gives a sink
// "Sink: NAME".
func TestOpenMetricsSinkOperatorNames(t *testing.T) {
	task := "totals -> (Sink: db, topic: Writer -> topic: Committer)"
	r := &Result{Times: []float64{5}}
	r.Summary.Scenario = "sinks"
	r.Summary.Operators = []OperatorSummary{
		{Name: "totals", Kind: "operator", FlinkName: "totals", Task: task},
		{Name: "db", Kind: "sink", FlinkName: "Sink: db", Task: task},
		{Name: "topic", Kind: "sink", FlinkName: "topic: Writer", Committer: "topic: Committer", Task: task},
		{Name: "old", Kind: "sink", Task: "Sink: old"},
	}
	for _, o := range r.Summary.Operators[1:] {
		for _, m := range []string{MetricRecordsSend, MetricPendingCommittables, MetricFailedCommittables} {
			r.Series = append(r.Series, Series{Operator: o.Name, Subtask: 0, Metric: o.SinkMetric(m), Values: []float64{1}})
		}
	}
	out := writeOM(t, r)
	for _, c := range []struct{ metric, op, name string }{
		{"numRecordsSend", "db", "Sink:_db"},
		{"pendingCommittables", "db", "Sink:_db"},
		{"numRecordsSend", "topic", "topic:_Writer"},
		{"pendingCommittables", "topic", "topic:_Committer"},
		{"failedCommittables", "topic", "topic:_Committer"},
		{"numRecordsSend", "old", "Sink:_old"},
	} {
		id := VertexID("operator " + c.op)
		if c.name == "topic:_Committer" {
			id = VertexID("operator topic: Committer")
		}
		prefix := "flinksim_" // a SinkFunction has no writer's or committer's metrics of Flink's
		if c.op == "topic" {
			// a Sink V2 writer's and committer's (InternalSinkWriterMetricGroup,
			// InternalSinkCommitterMetricGroup)
			prefix = "flink_"
		}
		want := prefix + `taskmanager_job_task_operator_` + c.metric + `{job_id="` + VertexID("job sinks") + `",job_name="sinks",operator_id="` +
			id + `",operator_name="` + c.name + `",subtask_index="0"`
		if !strings.Contains(out, want) {
			t.Errorf("%s of %s: lacks\n%s\nin\n%s", c.metric, c.op, want, out)
		}
	}
	checkOpenMetricsStructure(t, out)
}

// TestOpenMetricsSinkWriterAndLongNames: a sink writer's numRecordsSend is
// Flink's (InternalSinkWriterMetricGroup registers it in the operator's
// group): flink_..._operator_numRecordsSend per subtask, with its
// subtask_index and tm_id, no operator sum. An operator name over 80
// characters is cut to 80 as TaskMetricGroup.getOrAddOperator cuts it.
func TestOpenMetricsSinkWriterAndLongNames(t *testing.T) {
	r := omResult()
	long := strings.Repeat("enrich-", 12) // 84 characters
	r.Summary.Operators[1].Name = long
	for i := range r.Series {
		if r.Series[i].Operator == "enrich" {
			r.Series[i].Operator = long
		}
	}
	r.Summary.Operators[2].FlinkName, r.Summary.Operators[2].Committer = "out: Writer", "out: Committer" // a KafkaSink
	for sub := -1; sub < 2; sub++ {
		r.Series = append(r.Series, Series{Operator: "out", Subtask: sub, Metric: MetricRecordsSend, Values: []float64{1, 2, 3}})
	}
	out := writeOM(t, r)
	if strings.Contains(out, "flinksim_taskmanager_job_task_operator_numRecordsSend") {
		t.Error("numRecordsSend passes as flinksim's own")
	}
	if n := strings.Count(out, "\nflink_taskmanager_job_task_operator_numRecordsSend{"); n != 6 {
		t.Errorf("%d numRecordsSend samples, want 6 (2 subtasks × 3 samples, no operator sum)", n)
	}
	for _, want := range []string{
		`# HELP flink_taskmanager_job_task_operator_numRecordsSend numRecordsSend (scope: taskmanager_job_task_operator)` + "\n",
		`operator_name="out:_Writer",subtask_index="1",task_id="`,
		`operator_name="` + filterChars(long[:80]) + `",subtask_index="0"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if strings.Contains(out, filterChars(long[:81])) {
		t.Error("an operator name over 80 characters is not cut")
	}
}

// TestOpenMetricsDebloatingPerGate: buffer debloating's gauges as
// PrometheusReporter names them: an input gate's in the task's
// Shuffle.Netty.Input.<gate index> group, the index part of the name and
// no label (SingleInputGateFactory adds the group by name), the task's
// largest time in the task's scope; task labels only, once per task and
// subtask, no aggregate.
func TestOpenMetricsDebloatingPerGate(t *testing.T) {
	r := omResult()
	add := func(metric string, sub int, v float64) {
		r.Series = append(r.Series, Series{Operator: "enrich -> Sink: out", Subtask: sub, Metric: metric, Values: []float64{v, v, v}})
	}
	for sub := -1; sub < 2; sub++ {
		add(MetricEstimatedTimeToConsume, sub, 1200)
		add(InputGateMetric(0, MetricDebloatedBufferSize), sub, 4894)
		add(InputGateMetric(0, MetricEstimatedTimeToConsume), sub, 1023)
		add(InputGateMetric(1, MetricDebloatedBufferSize), sub, 32768)
		add(InputGateMetric(1, MetricEstimatedTimeToConsume), sub, 1200)
	}
	out := writeOM(t, r)
	labels := `{job_id="` + VertexID("job om test") + `",job_name="om_test",subtask_index="1",task_id="` +
		VertexID("enrich -> Sink: out") + `",task_name="enrich____Sink:_out",tm_id="taskmanager_1"}`
	for _, want := range []string{
		"# HELP flink_taskmanager_job_task_Shuffle_Netty_Input_0_debloatedBufferSize debloatedBufferSize (scope: taskmanager_job_task_Shuffle_Netty_Input_0)\n" +
			"# TYPE flink_taskmanager_job_task_Shuffle_Netty_Input_0_debloatedBufferSize gauge\n",
		"flink_taskmanager_job_task_Shuffle_Netty_Input_0_debloatedBufferSize" + labels + " 4894.0 1767225605\n",
		"flink_taskmanager_job_task_Shuffle_Netty_Input_0_estimatedTimeToConsumeBuffersMs" + labels + " 1023.0 1767225605\n",
		"flink_taskmanager_job_task_Shuffle_Netty_Input_1_debloatedBufferSize" + labels + " 32768.0 1767225605\n",
		"# HELP flink_taskmanager_job_task_estimatedTimeToConsumeBuffersMs estimatedTimeToConsumeBuffersMs (scope: taskmanager_job_task)\n",
		"flink_taskmanager_job_task_estimatedTimeToConsumeBuffersMs" + labels + " 1200.0 1767225605\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks\n%s\nin\n%s", want, out)
		}
	}
	// 2 subtasks × 3 samples each: the task's aggregate is not exported
	if n := strings.Count(out, "\nflink_taskmanager_job_task_Shuffle_Netty_Input_1_estimatedTimeToConsumeBuffersMs{"); n != 6 {
		t.Errorf("%d samples of gate 1's time, want 6", n)
	}
	checkOpenMetricsStructure(t, out)
}

// TestInputGateMetricNames: a gate's series name is its identifier below
// the task, and only such a name is taken apart as one.
func TestInputGateMetricNames(t *testing.T) {
	if got := InputGateMetric(3, MetricDebloatedBufferSize); got != "Shuffle.Netty.Input.3.debloatedBufferSize" {
		t.Errorf("InputGateMetric: %q", got)
	}
	for name, want := range map[string]string{
		"Shuffle.Netty.Input.12.estimatedTimeToConsumeBuffersMs": "Shuffle.Netty.Input.12",
		"Shuffle.Netty.Input.Buffers.inPoolUsage":                "",
		"Shuffle.Netty.Input.1":                                  "",
		"Shuffle.Netty.Input..debloatedBufferSize":               "",
		MetricEstimatedTimeToConsume:                             "",
	} {
		if group, _, ok := splitInputGateMetric(name); group != want || ok != (want != "") {
			t.Errorf("%q: group %q (%v), want %q", name, group, ok, want)
		}
	}
}
