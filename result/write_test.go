package result

import (
	"bytes"
	"strings"
	"testing"
)

// TestMetricsCSVQuotesNames: a task feeding two chained operators is named
// "a -> (b, c)"; metrics.csv quotes that name (RFC 4180) and reads it back
// whole, where splitting at commas found six columns.
func TestMetricsCSVQuotesNames(t *testing.T) {
	r := &Result{Times: []float64{5, 10}, Series: []Series{
		{Operator: "order-totals -> (Sink: orders-db, orders-topic: Writer -> orders-topic: Committer)", Subtask: 0, Metric: MetricBusy, Values: []float64{1, 2}},
		{Operator: `say "hi"`, Subtask: -1, Metric: MetricRecordsIn, Values: []float64{3, 4}},
		{Operator: "parse", Subtask: 1, Metric: MetricRecordsOut, Values: []float64{5, 6}},
	}}
	var b bytes.Buffer
	if err := r.WriteMetricsCSV(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`5,"order-totals -> (Sink: orders-db, orders-topic: Writer -> orders-topic: Committer)",0,busyTimeMsPerSecond,1` + "\n",
		`10,"say ""hi""",,numRecordsInPerSecond,4` + "\n",
		"10,parse,1,numRecordsOutPerSecond,6\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("metrics.csv lacks %q:\n%s", want, b.String())
		}
	}
	got := &Result{}
	if err := got.readMetricsCSV(bytes.NewReader(b.Bytes())); err != nil {
		t.Fatal(err)
	}
	if len(got.Series) != len(r.Series) {
		t.Fatalf("%d series read back, want %d", len(got.Series), len(r.Series))
	}
	for i, s := range got.Series {
		if w := r.Series[i]; s.Operator != w.Operator || s.Subtask != w.Subtask || s.Values[1] != w.Values[1] {
			t.Errorf("series %d read back as %+v, want %+v", i, s, w)
		}
	}
}
