package result

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestWatermarksInFilesAreFlinksTimestamps: a watermark is Unix ms from the
// run's start in metrics.csv and metrics.om.txt (WatermarkGauge reports the
// event-time timestamp), Long.MIN_VALUE before the first stays so, and a
// run read back holds the values it was written from.
func TestWatermarksInFilesAreFlinksTimestamps(t *testing.T) {
	r := omResult()
	r.Series = append(r.Series,
		Series{Operator: "clicks", Subtask: 0, Metric: MetricOutputWatermark, Values: []float64{math.MinInt64, -3571152, 4000}},
		Series{Operator: "clicks", Subtask: 0, Metric: MetricRecordsIn, Values: []float64{1, 2, 3}})
	start := float64(1767225600000) // 2026-01-01T00:00:00Z
	var csv, sum bytes.Buffer
	if err := r.WriteMetricsCSV(&csv); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"5,clicks,0,currentOutputWatermark,-9223372036854775808\n",
		"10,clicks,0,currentOutputWatermark,1767222028848\n",
		"15,clicks,0,currentOutputWatermark,1767225604000\n",
	} {
		if !strings.Contains(csv.String(), want) {
			t.Errorf("metrics.csv lacks %q", want)
		}
	}
	if err := r.WriteSummaryJSON(&sum); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResult(&sum, bytes.NewReader(csv.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range back.Series {
		if s.Metric == MetricOutputWatermark {
			if s.Values[0] != math.MinInt64 || s.Values[1] != -3571152 || s.Values[2] != 4000 {
				t.Errorf("read back %v, want the run's [MinInt64 -3571152 4000]", s.Values)
			}
		}
	}
	om := writeOM(t, r)
	if !strings.Contains(om, "_currentOutputWatermark{") {
		t.Fatal("no currentOutputWatermark in metrics.om.txt")
	}
	for _, v := range []float64{start - 3571152, start + 4000} {
		if !strings.Contains(om, "} "+formatOM(v)+" ") {
			t.Errorf("metrics.om.txt lacks the watermark %s:\n%s", formatOM(v), om)
		}
	}
	if !strings.Contains(om, "} -9.223372036854776e+18 ") {
		t.Error("metrics.om.txt lacks Long.MIN_VALUE before the first watermark")
	}
}

// formatOM is a value as the OpenMetrics encoder writes it (shortest 'g').
func formatOM(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
