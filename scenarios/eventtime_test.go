package scenarios

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// windowed is a source with event time, keyed into a window operator.
const windowed = `
name: windowed
duration: 5m
flink:
  pipeline.auto-watermark-interval: 500ms
sources:
  - name: events
    rate: 2k/s
    partitions: 4
    event-time:
      delay: {lognormal: {mean: 2s, p99: 20s}}
      offline:
        share: 2%
        duration: {lognormal: {mean: 1h, p99: 8h}}
      watermark:
        out-of-orderness: 1m
        idleness: 30s
      pauses:
        - {partitions: [3, 1], at: 2m, for: 1m}
        - {partitions: [0], at: 3m, for: 10s, backlog: drop}
operators:
  - name: counts
    key-by: device
    keys: 1k
    cost: 5us
    window:
      sliding: {size: 1h, slide: 5m}
      offset: -1m
      allowed-lateness: 10m
      late-data: side-output
      function: aggregate
      accumulator-size: 64B
      fire-cost: 2us
sinks:
  - name: out
`

// TestEventTimeAndWindowSpec: every field of event-time and window reaches
// the models.Spec, and the resolved scenario loads again to the same one.
func TestEventTimeAndWindowSpec(t *testing.T) {
	l, err := Load("windowed.yaml", []byte(windowed), nil)
	if err != nil {
		t.Fatal(err)
	}
	sp := l.Spec
	if sp.AutoWatermarkInterval != 500*sim.Millisecond {
		t.Errorf("auto-watermark-interval %v, want 500ms", sp.AutoWatermarkInterval)
	}
	delay, _ := sim.LogNormalFromMeanP99(2, 20)
	offline, _ := sim.LogNormalFromMeanP99(3600, 8*3600)
	wantET := &models.EventTime{Delay: delay, OfflineShare: 0.02, Offline: offline,
		OutOfOrderness: sim.Minute, Idleness: 30 * sim.Second,
		Pauses: []models.PartitionPause{
			{Partitions: []int{3, 1}, At: 2 * sim.Minute, For: sim.Minute},
			{Partitions: []int{0}, At: 3 * sim.Minute, For: 10 * sim.Second, Drop: true},
		}}
	if got := sp.Nodes[0].Kafka.EventTime; !reflect.DeepEqual(got, wantET) {
		t.Errorf("event time\n got %+v\nwant %+v", got, wantET)
	}
	wantW := &models.Window{Kind: models.Sliding, Size: sim.Hour, Slide: 5 * sim.Minute, Offset: -sim.Minute,
		AllowedLateness: 10 * sim.Minute, SideOutput: true, AccumulatorSize: 64, FireCost: sim.Constant{V: 2e-6}}
	op := sp.Nodes[1]
	if !reflect.DeepEqual(op.Window, wantW) {
		t.Errorf("window\n got %+v\nwant %+v", op.Window, wantW)
	}
	if op.Selectivity != 1 || op.Keyed == nil || op.Inputs[0].Exchange != models.Hash {
		t.Errorf("window operator: selectivity %g, keyed %v, exchange %v; want 1, keyed, keyBy", op.Selectivity, op.Keyed != nil, op.Inputs[0].Exchange)
	}
	if sp.Nodes[0].Kafka.EventTime.Pauses[0].Partitions[0] = 9; l.Scenario.Sources[0].EventTime.Pauses[0].Partitions[0] != 3 {
		t.Error("the model shares the scenario's partitions list")
	}
	l, _ = Load("windowed.yaml", []byte(windowed), nil)
	assertRoundTrip(t, l)
}

// TestEventTimeAndWindowDefaults: left out, the fields take their
// defaults, and the resolved scenario shows them.
func TestEventTimeAndWindowDefaults(t *testing.T) {
	src := `
name: defaults
sources:
  - name: events
    rate: 1k/s
    event-time: {}
operators:
  - name: counts
    key-by: device
    keys: 1k
    cost: 3us
    window: {tumbling: 1h}
sinks:
  - name: out
`
	l, err := Load("defaults.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	sp := l.Spec
	if sp.AutoWatermarkInterval != 200*sim.Millisecond {
		t.Errorf("auto-watermark-interval %v, want Flink's 200ms", sp.AutoWatermarkInterval)
	}
	if got, want := sp.Nodes[0].Kafka.EventTime, (&models.EventTime{}); !reflect.DeepEqual(got, want) {
		t.Errorf("event time %+v, want %+v", got, want)
	}
	want := &models.Window{Kind: models.Tumbling, Size: sim.Hour, Buffering: true, FireCost: sim.Constant{V: 3e-6}}
	if got := sp.Nodes[1].Window; !reflect.DeepEqual(got, want) {
		t.Errorf("window %+v, want %+v", got, want)
	}
	resolved, err := l.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"pipeline.auto-watermark-interval: 200 ms", "event-time:\n      delay: 0s\n      watermark:\n        out-of-orderness: 0s\n",
		"window:\n      tumbling: 1h\n      offset: 0s\n      allowed-lateness: 0s\n      late-data: drop\n      function: process\n      fire-cost: 3us\n"} {
		if !strings.Contains(string(resolved), s) {
			t.Errorf("resolved scenario lacks %q:\n%s", s, resolved)
		}
	}
	if strings.Contains(string(resolved), "selectivity") {
		t.Errorf("a window operator's resolved scenario has a selectivity:\n%s", resolved)
	}
	assertRoundTrip(t, l)

	plain, err := Load("m.yaml", []byte(minimal), nil)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Spec.Nodes[0].Kafka.EventTime != nil || plain.Spec.Nodes[1].Window != nil {
		t.Error("a scenario without event-time has event time or windows")
	}
}

// TestEventTimeSetPaths: --set reaches into event-time and window, adding
// the blocks it needs.
func TestEventTimeSetPaths(t *testing.T) {
	l, err := Load("windowed.yaml", []byte(windowed), []string{
		"operators.counts.window.allowed-lateness=0s",
		"operators.counts.window.offset=-2m",
		"operators.counts.window.late-data=drop",
		"sources.events.event-time.watermark.idleness=1m",
		"sources.events.event-time.pauses.1.backlog=send",
		"sources.events.event-time.offline.share=5%",
		"flink.pipeline.auto-watermark-interval=1s",
	})
	if err != nil {
		t.Fatal(err)
	}
	et, w := l.Spec.Nodes[0].Kafka.EventTime, l.Spec.Nodes[1].Window
	if w.AllowedLateness != 0 || w.Offset != -2*sim.Minute || w.SideOutput || et.Idleness != sim.Minute || et.Pauses[1].Drop ||
		et.OfflineShare != 0.05 || l.Spec.AutoWatermarkInterval != sim.Second {
		t.Errorf("overrides not applied: window %+v, event time %+v, interval %v", w, et, l.Spec.AutoWatermarkInterval)
	}
	assertRoundTrip(t, l)

	l, err = Load("m.yaml", []byte(minimal), []string{
		"sources.clicks.event-time.watermark.idleness=1m",
		"operators.parse.key-by=user", "operators.parse.keys=1k",
		"operators.parse.window.tumbling=1m",
	})
	if err != nil {
		t.Fatal(err)
	}
	if et := l.Spec.Nodes[0].Kafka.EventTime; et == nil || et.Idleness != sim.Minute || l.Spec.Nodes[1].Window == nil {
		t.Errorf("--set did not add event-time and window: %+v", l.Spec.Nodes[:2])
	}
}

// TestEventTimeProblems: each mistake is one problem, at the field, with
// what is allowed; --set values are reported at the flag.
func TestEventTimeProblems(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"flink.pipeline.auto-watermark-interval=0"},
			"--set flink.pipeline.auto-watermark-interval=0: flink.pipeline.auto-watermark-interval: is 0, which turns periodic watermarks off; flinksim needs it at least 1 ms with event time (sources.events.event-time), e.g. 200 ms (Flink's default)"},
		{[]string{"flink.pipeline.auto-watermark-interval=1ns"},
			"--set flink.pipeline.auto-watermark-interval=1ns: flink.pipeline.auto-watermark-interval: is 1ns, below 1 ms: Flink takes it in whole milliseconds (Duration.toMillis), 0, which turns periodic watermarks off; flinksim needs it at least 1 ms with event time (sources.events.event-time), e.g. 200 ms (Flink's default)"},
		{[]string{"operators.counts.window.function=process"},
			"windowed.yaml:32:25: operators.counts.window.accumulator-size: only applies to function: aggregate; a process window function buffers the records themselves"},
		{[]string{"operators.counts.window.accumulator-size=0B"},
			"--set operators.counts.window.accumulator-size=0B: operators.counts.window.accumulator-size: must be from 1B to 1GiB, not 0B"},
		{[]string{"operators.counts.window.function=agg"},
			"--set operators.counts.window.function=agg: operators.counts.window.function: must be process or aggregate, not \"agg\""},
		{[]string{"operators.counts.window.late-data=dorp"},
			"--set operators.counts.window.late-data=dorp: operators.counts.window.late-data: must be drop or side-output, not \"dorp\"; did you mean \"drop\"?"},
		{[]string{"operators.counts.window.offset=5m"},
			"--set operators.counts.window.offset=5m: operators.counts.window.offset: 5m is not less than the slide 5m either way: Flink's SlidingEventTimeWindows requires abs(offset) < slide"},
		{[]string{"operators.counts.window.offset=-1h"},
			"--set operators.counts.window.offset=-1h: operators.counts.window.offset: -1h is not less than the slide 5m either way: Flink's SlidingEventTimeWindows requires abs(offset) < slide"},
		{[]string{"operators.counts.window.offset=--1m"},
			"--set operators.counts.window.offset=--1m: operators.counts.window.offset: \"--1m\" is not a duration (examples: -8h, -30m, 30s, 1h30m)"},
		{[]string{"operators.counts.window.sliding.slide=10001s", "operators.counts.window.offset=0s"},
			"--set operators.counts.window.sliding.slide=10001s: operators.counts.window.sliding.slide: with the size 1h, windows start and end on a grid of 1s (their greatest common divisor), 10001 cells from one window's start to the next, and flinksim keeps the cells apart: it handles at most 10000; give a size and a slide with a larger common divisor"},
		{[]string{"operators.counts.window.sliding.slide=7001ms", "operators.counts.window.offset=0s"},
			"windowed.yaml:27:23: operators.counts.window.sliding.size: with the slide 7001ms, windows start and end on a grid of 1ms (their greatest common divisor), 3600000 cells a window, and flinksim keeps a window's cells apart: it handles at most 10000; give a size and a slide with a larger common divisor"},
		{[]string{"operators.counts.selectivity=1"},
			"--set operators.counts.selectivity=1: operators.counts.selectivity: not allowed with window: a window operator emits its results when its windows fire, one per key and window"},
		{[]string{"sources.events.event-time.pauses.0.partitions=[4]"},
			"--set sources.events.event-time.pauses.0.partitions=[4]: sources.events.event-time.pauses[0].partitions[0]: 4 is not a partition of events's topic (0 to 3)"},
		{[]string{"sources.events.event-time.pauses.0.for=0s"},
			"--set sources.events.event-time.pauses.0.for=0s: sources.events.event-time.pauses[0].for: must be more than 0s"},
		{[]string{"sources.events.event-time.offline.share=100%"},
			"--set sources.events.event-time.offline.share=100%: sources.events.event-time.offline.share: must be more than 0% and less than 100% (the share of devices offline at any moment)"},
		{[]string{"sources.events.event-time.watermark.idleness=0s"},
			"--set sources.events.event-time.watermark.idleness=0s: sources.events.event-time.watermark.idleness: must be more than 0s (leave it out for no idleness timeout)"},
	} {
		t.Run(strings.Join(c.sets, " "), func(t *testing.T) {
			_, err := Load("windowed.yaml", []byte(windowed), c.sets)
			var probs Problems
			if !errors.As(err, &probs) {
				t.Fatalf("want Problems, got %v", err)
			}
			if got := probs.Error(); got != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// TestSchemaHasEventTimeAndWindows: the JSON Schema, derived from the
// format, describes event-time, window and the watermark interval.
func TestSchemaHasEventTimeAndWindows(t *testing.T) {
	raw, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	get := func(m any, keys ...string) any {
		for _, k := range keys {
			mm, ok := m.(map[string]any)
			if !ok {
				return nil
			}
			m = mm[k]
		}
		return m
	}
	item := func(list string) any { return get(s, "properties", list, "items", "properties") }
	for _, c := range []struct {
		root any
		path []string
	}{
		{item("sources"), []string{"event-time", "properties", "delay"}},
		{item("sources"), []string{"event-time", "properties", "offline", "properties", "share"}},
		{item("sources"), []string{"event-time", "properties", "watermark", "properties", "out-of-orderness"}},
		{item("sources"), []string{"event-time", "properties", "pauses", "items", "properties", "backlog", "enum"}},
		{item("sources"), []string{"event-time", "properties", "partition-delays", "items", "properties", "partitions"}},
		{item("operators"), []string{"window", "properties", "sliding", "properties", "slide"}},
		{item("operators"), []string{"window", "properties", "offset", "pattern"}},
		{item("operators"), []string{"window", "properties", "late-data", "enum"}},
		{item("operators"), []string{"window", "properties", "function", "enum"}},
		{item("operators"), []string{"window", "properties", "accumulator-size"}},
		{item("operators"), []string{"window", "properties", "session", "properties", "gap"}},
		{item("operators"), []string{"window", "properties", "session", "properties", "key-gaps", "oneOf"}},
		{get(s, "properties", "flink", "properties"), []string{"pipeline.auto-watermark-interval", "default"}},
	} {
		if get(c.root, c.path...) == nil {
			t.Errorf("schema lacks %s", strings.Join(c.path, "."))
		}
	}
	if d := get(s, "properties", "flink", "properties", "pipeline.auto-watermark-interval", "default"); d != "200 ms" {
		t.Errorf("auto-watermark-interval default %v", d)
	}
}

// TestWindowedScenarioRuns: the loaded spec runs, and its window operator
// reports.
func TestWindowedScenarioRuns(t *testing.T) {
	if raceDetector {
		t.Skip("a whole run; make test runs this test without -race")
	}
	l, err := Load("windowed.yaml", []byte(windowed), nil)
	if err != nil {
		t.Fatal(err)
	}
	res := runLoaded(t, l)
	if len(res.Summary.Windows) != 1 || res.Summary.Windows[0].RecordsIn == 0 {
		t.Fatalf("windows summary %+v", res.Summary.Windows)
	}
}

// The task heap derives from taskmanager.memory.* as Flink does (1728m:
// 384 MiB, Flink's documented example); state on the heap is checked
// against it unless the backend is rocksdb; parts beyond the whole are a
// problem at the size key.
func TestTaskHeapFromFlinkMemoryKeys(t *testing.T) {
	base := "name: m\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k, input: s}]\nflink:\n"
	for _, tc := range []struct {
		flink   string
		heap    float64
		onHeap  bool
		problem string
	}{
		// Flink's Float fractions: "Task: 384.000mb (402653174 bytes)"
		{"  taskmanager.memory.process.size: 1728m\n", 402653174, true, ""},
		{"  taskmanager.memory.process.size: 1728m\n  state.backend.type: rocksdb\n", 402653174, false, ""},
		// the task heap alone is refused, as Flink refuses it; with
		// managed memory (none for a hashmap backend) it is the heap
		{"  taskmanager.memory.task.heap.size: 2g\n", 0, true,
			"flink.taskmanager.memory.task.heap.size: is set without taskmanager.memory.managed.size and without a total size"},
		{"  taskmanager.memory.task.heap.size: 2g\n  taskmanager.memory.managed.size: 0\n", 2 << 30, true, ""},
		// with a total, the task heap must fit in it (Flink's
		// IllegalConfigurationException)
		{"  taskmanager.memory.process.size: 1728m\n  taskmanager.memory.task.heap.size: 2g\n", 0, true,
			"flink.taskmanager.memory.task.heap.size: framework heap and off-heap (128m + 128m), task heap (2048m), task off-heap (0m) and managed memory (512.000mb (536870920 bytes)) exceed total Flink memory (1280m)"},
		{"  taskmanager.memory.process.size: 1728m\n  taskmanager.memory.task.heap.size: 384m\n", 384 << 20, true, ""},
		{"  parallelism.default: 1\n", 0, true, ""},
		{"  taskmanager.memory.process.size: 600m\n", 0, true, "flink.taskmanager.memory.process.size: framework heap"},
	} {
		sc, err := Load("m.yaml", []byte(base+tc.flink), nil)
		if tc.problem != "" {
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%q: want a problem %q, got %v", tc.flink, tc.problem, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.flink, err)
		}
		if sp := sc.Spec; sp.TaskManager.TaskHeap != tc.heap || sp.HeapState != tc.onHeap {
			t.Errorf("%q: task heap %.0f (on heap %v), want %.0f (%v)", tc.flink, sp.TaskManager.TaskHeap, sp.HeapState, tc.heap, tc.onHeap)
		}
	}
}

// Session windows load with their gap and the shape of a key's gaps (a
// mixture: bursts and pauses), resolve back to the same YAML, and run:
// a session fires per key and merges the records of its bursts.
func TestSessionScenarioRuns(t *testing.T) {
	if raceDetector {
		t.Skip("a whole run; make test runs this test without -race")
	}
	const src = `name: sessions
duration: 10m
sources:
  - name: clicks
    rate: 2k/s
    event-time:
      delay: {mixture: [{weight: 0.97, dist: {exponential: 1s}}, {weight: 0.03, dist: {lognormal: {mean: 1m, p99: 10m}}}]}
      watermark: {out-of-orderness: 5s}
operators:
  - name: visits
    key-by: user
    keys: 10k
    window:
      session:
        gap: 1m
        key-gaps: {mixture: [{weight: 0.9, dist: {exponential: 2s}}, {weight: 0.1, dist: {lognormal: {mean: 30m, p99: 5h}}}]}
      allowed-lateness: 1m
      late-data: side-output
sinks:
  - name: out
`
	l, err := Load("sessions.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	w := l.Spec.Nodes[1].Window
	if w.Kind != models.Session || w.Gap != sim.Minute {
		t.Fatalf("window %+v, want sessions with a 1m gap", w)
	}
	if m, ok := w.KeyGaps.(sim.Mixture); !ok || len(m.Parts) != 2 || m.Weights[1] != 0.1 {
		t.Fatalf("key gaps %#v, want the two-part mixture", w.KeyGaps)
	}
	resolved, err := l.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load("resolved.yaml", resolved, nil)
	if err != nil {
		t.Fatalf("the resolved scenario does not load: %v\n%s", err, resolved)
	}
	if !reflect.DeepEqual(again.Spec.Nodes[1].Window, w) {
		t.Errorf("resolved window %+v, want %+v", again.Spec.Nodes[1].Window, w)
	}
	res := runLoaded(t, l)
	ws := res.Summary.Windows[0]
	if ws.Assigner != "session gap 1m" || ws.Firings == 0 || ws.RecordsIn == 0 {
		t.Fatalf("windows summary %+v", ws)
	}
	// a key's records come 20 s apart on average (10k keys, 2k/s); with
	// 90% of the gaps short, sessions hold several records each
	if perSession := ws.FirstFired * float64(ws.RecordsIn) / float64(ws.Firings); perSession < 2 {
		t.Errorf("%.2f records a session: bursts should merge", perSession)
	}
	if !res.Summary.Records.Balanced() {
		t.Errorf("records do not balance: %+v", res.Summary.Records)
	}
}

// Groups of partitions' own delays reach the model for those partitions only,
// with their offline devices, and resolve back to the same.
func TestPartitionDelaysLoad(t *testing.T) {
	const src = `name: pd
sources:
  - name: events
    rate: 1k/s
    partitions: 8
    event-time:
      delay: 1s
      partition-delays:
        - partitions: [7, 2]
          delay: {lognormal: {mean: 30s, p99: 5m}}
          offline: {share: 5%, duration: 1h}
        - {partitions: [0], delay: {exponential: 10s}}
        - {partitions: [5], offline: {share: 1%, duration: 10m}}
sinks:
  - name: out
`
	l, err := Load("pd.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := sim.LogNormalFromMeanP99(30, 300)
	want := []models.PartitionDelays{{Partitions: []int{7, 2}, Delay: ln, OfflineShare: 0.05, Offline: sim.Constant{V: 3600}},
		{Partitions: []int{0}, Delay: sim.Exponential{M: 10}},
		{Partitions: []int{5}, Delay: sim.Constant{V: 1}, OfflineShare: 0.01, Offline: sim.Constant{V: 600}}} // the source's delay
	got := l.Spec.Nodes[0].Kafka.EventTime.PartitionDelays
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("partition delays %+v, want %+v", got, want)
	}
	resolved, err := l.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load("resolved.yaml", resolved, nil)
	if err != nil {
		t.Fatalf("the resolved scenario does not load: %v", err)
	}
	if !reflect.DeepEqual(again.Spec.Nodes[0].Kafka.EventTime, l.Spec.Nodes[0].Kafka.EventTime) {
		t.Errorf("resolved event time %+v, want %+v", again.Spec.Nodes[0].Kafka.EventTime, l.Spec.Nodes[0].Kafka.EventTime)
	}
}

// readersBeyondPartitions is an event-time job whose Kafka source has 4
// readers and 2 partitions: two readers get no partition.
const readersBeyondPartitions = `name: no-split
duration: 1m
seed: 1
flink:
  parallelism.default: 4
sources:
  - name: ev
    partitions: 2
    rate: 1k/s
    event-time:
      watermark: {out-of-orderness: 5s}
operators:
  - {name: win, key-by: k, keys: 1000, cost: 10us, window: {tumbling: 10s}}
sinks:
  - {name: out}
`

// TestRefusedPartitionsNoReadersWarning: a number of partitions refused
// is that problem alone, with no warning of readers without a partition
// judged by it (a sweep's value out of range showed "5 of the source's 4
// readers get no partition (-1 partitions)").
func TestRefusedPartitionsNoReadersWarning(t *testing.T) {
	for _, c := range []struct {
		partitions string
		want       string // the problem; "" loads
	}{
		{"0", "sources.ev.partitions: must be from 1 to 100000, not 0"},
		{"-1", "sources.ev.partitions: must be from 1 to 100000, not -1"},
		{"100001", "sources.ev.partitions: must be from 1 to 100000, not 100001"},
	} {
		_, err := Load("no-split.yaml", []byte(readersBeyondPartitions), []string{"sources.ev.partitions=" + c.partitions})
		var probs Problems
		if !errors.As(err, &probs) {
			t.Fatalf("%s: got %v, want problems", c.partitions, err)
		}
		if len(probs.Errors()) != 1 || !strings.Contains(probs.Errors()[0].String(), c.want) {
			t.Errorf("%s: problems %v, want %q", c.partitions, probs.Errors(), c.want)
		}
		if ws := probs.Warnings(); len(ws) > 0 {
			t.Errorf("%s: warnings %v, want none", c.partitions, ws)
		}
	}
}

// TestReadersWithoutSplitHoldWatermarks: a Kafka reader with no partition
// emits no watermark and is never idle (CombinedWatermarkStatus without a
// partial watermark), so the window operator's input watermark stays at
// Long.MIN_VALUE and no window fires; loading says so. withIdleness idles
// the reader after the timeout, and the windows fire.
func TestReadersWithoutSplitHoldWatermarks(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	for _, c := range []struct {
		sets  []string
		warn  bool
		fires bool
	}{
		{nil, true, false},
		{[]string{"sources.ev.event-time.watermark.idleness=5s"}, false, true},
		{[]string{"flink.parallelism.default=2"}, false, true},
	} {
		l, err := Load("no-split.yaml", []byte(readersBeyondPartitions), c.sets)
		if err != nil {
			t.Fatal(err)
		}
		warned := len(l.Warnings) == 1 && strings.Contains(l.Warnings[0].String(), "2 of the source's 4 readers get no partition (2 partitions)")
		if warned != c.warn {
			t.Errorf("%v: warnings %v, want the readers' warning: %v", c.sets, l.Warnings, c.warn)
		}
		ws := runLoaded(t, l).Summary.Windows[0]
		if fired := ws.Firings > 0; fired != c.fires || ws.RecordsIn == 0 {
			t.Errorf("%v: %d records in, %d firings; want firings: %v", c.sets, ws.RecordsIn, ws.Firings, c.fires)
		}
	}
}
