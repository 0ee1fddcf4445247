package result

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// noValueResult is omResult with a reader's watermarkLag that starts late
// (no value until its first watermark, at the second sample), one that
// stops at a restart and comes back (NoValue at the second sample), and one
// of a reader that never had a watermark (NoValue throughout).
func noValueResult() *Result {
	r := omResult()
	nan := NoValue()
	r.Series = append(r.Series,
		Series{Operator: "clicks", Subtask: -1, Metric: MetricWatermarkLag, Values: []float64{nan, 1200, 1300}},
		Series{Operator: "clicks", Subtask: 0, Metric: MetricWatermarkLag, Values: []float64{nan, 1200, 1250}},
		Series{Operator: "clicks", Subtask: 1, Metric: MetricWatermarkLag, Values: []float64{1100, nan, 1300}})
	return r
}

// TestNoValueHasNoRow: a sample with no value (a gauge Flink has not
// registered yet) has no row in metrics.csv and no sample in
// metrics.om.txt, and reads back as NoValue (not 0) at its time, so
// written again the file is the same.
func TestNoValueHasNoRow(t *testing.T) {
	r := noValueResult()
	r.Series = append(r.Series, Series{Operator: "clicks", Subtask: 2, Metric: MetricWatermarkLag, Values: []float64{NoValue(), NoValue(), NoValue()}})
	var csv, sum bytes.Buffer
	if err := r.WriteMetricsCSV(&csv); err != nil {
		t.Fatal(err)
	}
	var lagRows []string
	for _, line := range strings.Split(csv.String(), "\n") {
		if strings.Contains(line, ","+MetricWatermarkLag+",") {
			lagRows = append(lagRows, line)
		}
	}
	want := []string{
		"5,clicks,1,watermarkLag,1100",
		"10,clicks,,watermarkLag,1200", "10,clicks,0,watermarkLag,1200",
		"15,clicks,,watermarkLag,1300", "15,clicks,0,watermarkLag,1250", "15,clicks,1,watermarkLag,1300",
	}
	if strings.Join(lagRows, "\n") != strings.Join(want, "\n") {
		t.Errorf("watermarkLag rows:\n%s\nwant:\n%s", strings.Join(lagRows, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(csv.String(), "NaN") {
		t.Error("metrics.csv holds NaN")
	}
	if err := r.WriteSummaryJSON(&sum); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResult(&sum, bytes.NewReader(csv.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Series {
		got, ok := back.Values(s.Operator, s.Subtask, s.Metric)
		if s.Subtask == 2 { // no row at all: no series, as Flink never registered it
			if ok {
				t.Errorf("a series with no value read back as %v", got)
			}
			continue
		}
		if !ok || len(got) != len(s.Values) {
			t.Fatalf("%s[%d] %s read back as %v", s.Operator, s.Subtask, s.Metric, got)
		}
		for i, v := range s.Values {
			if HasValue(v) != HasValue(got[i]) || HasValue(v) && v != got[i] {
				t.Errorf("%s[%d] %s at %gs: read back %v, want %v", s.Operator, s.Subtask, s.Metric, r.Times[i], got[i], v)
			}
		}
	}
	var again bytes.Buffer
	if err := back.WriteMetricsCSV(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(csv.Bytes(), again.Bytes()) {
		t.Error("metrics.csv differs after a round trip")
	}

	om := writeOM(t, r)
	var samples []string
	for _, line := range strings.Split(om, "\n") {
		if strings.HasPrefix(line, "flink_taskmanager_job_task_operator_watermarkLag{") {
			samples = append(samples, line)
		}
	}
	// Prometheus aggregates subtasks itself: the operator's row is not
	// exported; subtask 0 from 10 s, subtask 1 at 5 s and 15 s, subtask 2
	// never.
	if len(samples) != 4 || strings.Contains(om, "NaN") || strings.Contains(om, `subtask_index="2"`) {
		t.Errorf("watermarkLag samples in metrics.om.txt:\n%s", strings.Join(samples, "\n"))
	}
}

// TestOpenMetricsFamilyWithNoValue: a metric no series ever has a value of
// (no reader had a watermark) is left out of metrics.om.txt, which
// Prometheus' encoder would refuse as a family without metrics.
func TestOpenMetricsFamilyWithNoValue(t *testing.T) {
	r := omResult()
	r.Series = append(r.Series, Series{Operator: "clicks", Subtask: 0, Metric: MetricWatermarkLag, Values: []float64{NoValue(), NoValue(), NoValue()}})
	if om := writeOM(t, r); strings.Contains(om, MetricWatermarkLag) {
		t.Errorf("metrics.om.txt has watermarkLag with no value:\n%s", om)
	}
}

// TestTotalSeriesLeavesOutNoValue: a sum over operators adds what has a
// value at each time.
func TestTotalSeriesLeavesOutNoValue(t *testing.T) {
	r := &Result{Times: []float64{1, 2}, Series: []Series{
		{Operator: "a", Subtask: -1, Metric: MetricPending, Values: []float64{NoValue(), 5}},
		{Operator: "b", Subtask: -1, Metric: MetricPending, Values: []float64{3, 4}},
	}}
	if got := TotalSeries(r, MetricPending); got[0] != 3 || got[1] != 9 || math.IsNaN(got[0]) {
		t.Errorf("TotalSeries %v, want [3 9]", got)
	}
}

// TestOpenMetricsGaugeNaN: a registered gauge whose value is NaN (Kafka's
// records-lag-max with nothing in its windows) is a NaN sample in
// metrics.om.txt, as Flink's PrometheusReporter exports it and OpenMetrics
// writes it; NoValue (no gauge) is no sample, and neither has a row in
// metrics.csv. A series with only NaN samples is still a family.
func TestOpenMetricsGaugeNaN(t *testing.T) {
	if HasValue(GaugeNaN()) || !IsGaugeNaN(GaugeNaN()) || IsGaugeNaN(NoValue()) || !math.IsNaN(GaugeNaN()) {
		t.Fatal("GaugeNaN must be a NaN told apart from NoValue, and no value to HasValue")
	}
	r := omResult()
	r.Series = append(r.Series,
		Series{Operator: "clicks", Subtask: 1, Metric: MetricLagMax, Values: []float64{GaugeNaN(), 4, NoValue()}},
		Series{Operator: "clicks", Subtask: 0, Metric: MetricWatermarkLag, Values: []float64{GaugeNaN(), GaugeNaN(), NoValue()}})
	om := writeOM(t, r)
	count := func(prefix, value string) (n int) {
		for _, line := range strings.Split(om, "\n") {
			if strings.HasPrefix(line, prefix) && (value == "" || strings.Fields(line)[1] == value) {
				n++
			}
		}
		return n
	}
	lag1 := `flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max{`
	if n, nan := count(lag1, ""), count(lag1, "NaN"); n != 5 || nan != 1 {
		// subtask 0's three values, subtask 1's NaN and 4 (its NoValue none)
		t.Errorf("records-lag-max: %d samples, %d NaN; want 5 and 1:\n%s", n, nan, om)
	}
	wm := "flink_taskmanager_job_task_operator_watermarkLag{"
	if n, nan := count(wm, ""), count(wm, "NaN"); n != 2 || nan != 2 {
		t.Errorf("watermarkLag: %d samples, %d NaN; want 2 NaN:\n%s", n, nan, om)
	}
	checkOpenMetricsStructure(t, om)
	var csv bytes.Buffer
	if err := r.WriteMetricsCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(csv.String(), "NaN") {
		t.Errorf("metrics.csv has a NaN row:\n%s", csv.String())
	}
}
