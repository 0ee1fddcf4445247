package result

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
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

// TestOptionalLatencyNullWhenNoRecordReachedASink: summary.json's latency_s
// quantiles are null when no record reached a sink (not 0, which is a
// value), and read back as none; an older file's zeros with records.sink
// 0 read back as none too, and zeros with records at the sink stay zeros.
func TestOptionalLatencyNullWhenNoRecordReachedASink(t *testing.T) {
	for _, c := range []struct {
		name, summary string
		want          OptionalLatency
		writes        string // latency_s as summary.json writes it back
	}{
		{"none", `{"records": {"sink": 0}, "latency_s": {"p50": null, "p99": null, "max": null, "mean": null}}`,
			OptionalLatency{None: true}, `"latency_s":{"p50":null,"p99":null,"max":null,"mean":null}`},
		{"older file, none", `{"records": {"sink": 0}, "latency_s": {"p50": 0, "p99": 0, "max": 0, "mean": 0}}`,
			OptionalLatency{None: true}, `"latency_s":{"p50":null,"p99":null,"max":null,"mean":null}`},
		{"no time at all", `{"records": {"sink": 5}, "latency_s": {"p50": 0, "p99": 0, "max": 0, "mean": 0}}`,
			OptionalLatency{}, `"latency_s":{"p50":0,"p99":0,"max":0,"mean":0}`},
		{"some", `{"records": {"sink": 5}, "latency_s": {"p50": 0.1, "p99": 0.5, "max": 2, "mean": 0.2}}`,
			OptionalLatency{LatencySummary: LatencySummary{P50: 0.1, P99: 0.5, Max: 2, Mean: 0.2}}, `"latency_s":{"p50":0.1,"p99":0.5,"max":2,"mean":0.2}`},
	} {
		r, err := ReadResult(strings.NewReader(c.summary), strings.NewReader("time_s,operator,subtask,metric,value\n"), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.Summary.LatencyS != c.want {
			t.Errorf("%s: read as %+v, want %+v", c.name, r.Summary.LatencyS, c.want)
		}
		var b bytes.Buffer
		if err := r.WriteSummaryJSON(&b); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(strings.Fields(b.String()), ""); !strings.Contains(got, c.writes) {
			t.Errorf("%s: summary.json written as %s, want %s in it", c.name, got, c.writes)
		}
	}
}

// TestSinkLatenciesNullWhenTheReaderSawNothing: a sink's commit_latency_s
// and visible_latency_s are null when its read_committed reader saw no
// record, and read back as none; an older file's zeros for such a sink
// read back as none too, and zeros of a sink whose reader saw records stay
// zeros (a record can take no time).
func TestSinkLatenciesNullWhenTheReaderSawNothing(t *testing.T) {
	const null, zeros = `{"p50":null,"p99":null,"max":null,"mean":null}`, `{"p50":0,"p99":0,"max":0,"mean":0}`
	for _, c := range []struct {
		name, sink string
		none       bool
		writes     string // the latencies as summary.json writes them back
	}{
		{"none", `"read_committed": {"visible_once": 0}, "commit_latency_s": ` + null + `, "visible_latency_s": ` + null, true, null},
		{"older file, none", `"read_committed": {"visible_once": 0}, "commit_latency_s": ` + zeros + `, "visible_latency_s": ` + zeros, true, null},
		{"no time at all", `"read_committed": {"visible_once": 5}, "commit_latency_s": ` + zeros + `, "visible_latency_s": ` + zeros, false, zeros},
		// records taken, none seen yet: the visible latency is a value
		{"taken, not seen", `"read_committed": {"visible_once": 0}, "commit_latency_s": ` + `{"p50":0.5,"p99":1,"max":1,"mean":0.5}` + `, "visible_latency_s": ` + `{"p50":0.5,"p99":1,"max":1,"mean":0.5}`, false, `{"p50":0.5,"p99":1,"max":1,"mean":0.5}`},
	} {
		summary := `{"records": {"sink": 0}, "sinks": [{"sink": "out", ` + c.sink + `}]}`
		r, err := ReadResult(strings.NewReader(summary), strings.NewReader("time_s,operator,subtask,metric,value\n"), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if k := r.Summary.Sinks[0]; k.CommitLatency.None != c.none || k.VisibleLatency.None != c.none {
			t.Errorf("%s: read as commit %+v, visible %+v; want none: %v", c.name, k.CommitLatency, k.VisibleLatency, c.none)
		}
		var b bytes.Buffer
		if err := r.WriteSummaryJSON(&b); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(strings.Fields(b.String()), "")
		if !strings.Contains(got, `"commit_latency_s":`+c.writes) || !strings.Contains(got, `"visible_latency_s":`+c.writes) {
			t.Errorf("%s: summary.json written as %s, want both latencies %s", c.name, got, c.writes)
		}
	}
}

// TestOperatorJSONMirrorsSummary: summary.json writes an operator through
// operatorJSON, which must have OperatorSummary's fields, tags and order; a
// task that ran is written with its numbers, one that never ran with null
// task metrics and backpressure and never_ran.
func TestOperatorJSONMirrorsSummary(t *testing.T) {
	a, b := reflect.TypeFor[OperatorSummary](), reflect.TypeFor[operatorJSON]()
	if a.NumField() != b.NumField() {
		t.Fatalf("OperatorSummary has %d fields, operatorJSON %d", a.NumField(), b.NumField())
	}
	for i := range a.NumField() {
		if fa, fb := a.Field(i), b.Field(i); fa.Name != fb.Name || fa.Tag != fb.Tag {
			t.Errorf("field %d: %s %q against %s %q", i, fa.Name, fa.Tag, fb.Name, fb.Tag)
		}
	}
	ran, err := json.Marshal(OperatorSummary{Name: "db", Task: "Sink: db", BusyMsPerS: 250, IdleMsPerS: 750, Backpressure: "OK"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"db","kind":"","task":"Sink: db","parallelism":0,"records_in":0,"records_out":0,"busy_ms_per_s":250,"backpressured_ms_per_s":0,"idle_ms_per_s":750,"max_subtask_busy_ms_per_s":0,"max_subtask_backpressured_ms_per_s":0,"backpressure":"OK"}`; string(ran) != want {
		t.Errorf("ran:\n%s\nwant\n%s", ran, want)
	}
	never, err := json.Marshal(OperatorSummary{Name: "db", Task: "Sink: db", NeverRan: true, RecordsIn: 3})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"db","kind":"","task":"Sink: db","parallelism":0,"records_in":3,"records_out":0,"busy_ms_per_s":null,"backpressured_ms_per_s":null,"idle_ms_per_s":null,"max_subtask_busy_ms_per_s":null,"max_subtask_backpressured_ms_per_s":null,"backpressure":null,"never_ran":true}`; string(never) != want {
		t.Errorf("never ran:\n%s\nwant\n%s", never, want)
	}
	var back OperatorSummary
	if err := json.Unmarshal(never, &back); err != nil || back.Ran() || !back.NeverRan || back.RecordsIn != 3 {
		t.Errorf("read back: %+v, %v", back, err)
	}
}

// TestMetricsCSVValuesExact: metrics.csv writes an integral value below
// 2^53 (Flink's long gauges: checkpointStartDelayNanos, sizes, ids) as an
// integer with every digit, where 10 significant digits wrote
// 594995878312 ns as 5.949958783e+11; any other value as the shortest text
// that reads back as it. Each reads back as the very value written.
func TestMetricsCSVValuesExact(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{594995878312, "594995878312"},
		{1<<53 - 1, "9007199254740991"},
		{-1, "-1"},
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{78297803, "78297803"},
		{0.925, "0.925"},
		{853.09071735, "853.09071735"},
		{68.00399999999999, "68.00399999999999"},
		{45006235.31869658, "45006235.31869658"},
		{1.5e-7, "1.5e-07"},
		{1 << 60, "1.152921504606847e+18"},
		{math.MinInt64, "-9223372036854775808"},
		{math.Inf(1), "+Inf"},
	} {
		r := &Result{Times: []float64{5}, Series: []Series{{Operator: "op", Subtask: 0, Metric: MetricStartDelay, Values: []float64{c.v}}}}
		var b bytes.Buffer
		if err := r.WriteMetricsCSV(&b); err != nil {
			t.Fatal(err)
		}
		line := strings.Split(b.String(), "\n")[1]
		if want := "5,op,0," + MetricStartDelay + "," + c.want; line != want {
			t.Errorf("%v: %q, want %q", c.v, line, want)
		}
		got := &Result{}
		if err := got.readMetricsCSV(bytes.NewReader(b.Bytes())); err != nil {
			t.Fatal(err)
		}
		if back := got.Series[0].Values[0]; back != c.v {
			t.Errorf("%v read back as %v", c.v, back)
		}
	}
}
