package plots

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// describe lists what a figure draws: its panels and what is in them. It is
// the data behind the image, stable across machines, unlike SVG numbers.
func describe(f *Figure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "figure %q\n", f.title)
	for _, p := range f.panels {
		fmt.Fprintf(&b, "panel %q\n", p.title)
		for _, n := range p.notes {
			fmt.Fprintf(&b, "  %s\n", n)
		}
		for _, e := range p.legend {
			fmt.Fprintf(&b, "  legend %q\n", e.name)
		}
	}
	return b.String()
}

func titles(f *Figure) []string {
	var t []string
	for _, p := range f.panels {
		t = append(t, p.title)
	}
	return t
}

func panelNamed(t *testing.T, f *Figure, prefix string) *panel {
	t.Helper()
	for _, p := range f.panels {
		if strings.HasPrefix(p.title, prefix) {
			return p
		}
	}
	t.Fatalf("no panel %q in %q", prefix, titles(f))
	return nil
}

// svg renders f and checks the result is well-formed XML.
func svg(t *testing.T, f *Figure) string {
	t.Helper()
	b, err := f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("SVG is not well-formed: %v", err)
		}
	}
	return string(b)
}

func full() *result.Result {
	return synth(synthOpts{samples: 360, step: 10, par: 4, checkpoints: true, failovers: 2, hot: 1})
}

var allPanels = []string{
	"Records per second: read by sources, written to sinks",
	"Kafka lag (records not yet read)",
	"End-to-end latency",
	"Checkpoint duration",
	"Checkpoint size",
	"Keyed state size",
	"Busy time (ms/s, mean over subtasks)",
	"Backpressured time (ms/s, mean over subtasks)",
	"Busy time per subtask (ms/s)",
}

func TestDashboardGolden(t *testing.T) {
	got := describe(Dashboard(full()))
	path := filepath.Join("testdata", "dashboard.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("dashboard changed (go test ./plots -update to accept):\n%s", got)
	}
}

func TestDashboardPanels(t *testing.T) {
	f := Dashboard(full())
	if got := titles(f); !slices.Equal(got, allPanels) {
		t.Fatalf("panels %q, want %q", got, allPanels)
	}
	s := svg(t, f)
	for _, want := range append(allPanels, "synthetic &lt;job&gt;: timeouts") {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

// Panels without data are left out, not drawn empty.
func TestDashboardLeavesOutEmptyPanels(t *testing.T) {
	res := &result.Result{Times: []float64{10, 20, 30}, Series: []result.Series{
		{Operator: "kafka", Subtask: -1, Metric: result.MetricPending, Values: []float64{5, 7, 9}},
	}}
	f := Dashboard(res)
	if got := titles(f); !slices.Equal(got, []string{"Kafka lag (records not yet read)"}) {
		t.Fatalf("panels %q, want only the lag", got)
	}
	s := svg(t, f)
	for _, absent := range []string{"Checkpoint duration", "End-to-end latency", "Busy time"} {
		if strings.Contains(s, absent) {
			t.Errorf("SVG draws %q without data", absent)
		}
	}

	// A stateless job (checkpoint sizes all 0) has no size panel.
	res = full()
	for _, c := range res.Checkpoints {
		c.StateSize, c.Checkpointed = 0, 0
	}
	if slices.Contains(titles(Dashboard(res)), "Checkpoint size") {
		t.Error("checkpoint size panel drawn for a stateless job")
	}

	for _, res := range []*result.Result{nil, {}, {Times: []float64{1, 2}}} {
		f := Dashboard(res)
		if !f.Empty() {
			t.Errorf("Dashboard(%v) has panels %q", res, titles(f))
		}
		if s := svg(t, f); !strings.Contains(s, "no data") {
			t.Error("an empty figure should say so")
		}
	}
}

func TestDashboardCheckpointRules(t *testing.T) {
	f := Dashboard(full())
	p := panelNamed(t, f, "Checkpoint duration")
	for _, want := range []string{`rule "interval 3 min"`, `rule "timeout 10 min"`, `points "failed (at failure time)" 5`} {
		if !slices.Contains(p.notes, want) {
			t.Errorf("checkpoint panel lacks %s: %q", want, p.notes)
		}
	}
	s := svg(t, f)
	for _, want := range []string{"interval 3 min", "timeout 10 min", "failed (at failure time)", "completed"} {
		if !strings.Contains(s, ">"+want+"<") {
			t.Errorf("SVG lacks legend %q", want)
		}
	}
	// Without a checkpoint summary there is nothing to draw rules from.
	res := full()
	res.Summary.Checkpoints = nil
	p = panelNamed(t, Dashboard(res), "Checkpoint duration")
	for _, n := range p.notes {
		if strings.HasPrefix(n, "rule") {
			t.Errorf("rule without a summary: %s", n)
		}
	}
}

func TestDashboardPhasesAndMarkers(t *testing.T) {
	f := Dashboard(full())
	for _, p := range f.panels {
		if p.grid != nil {
			continue // the heat map is not shaded
		}
		for _, want := range []string{"spans 3", "markers failover 2", "markers restore 2"} {
			if !slices.Contains(p.notes, want) {
				t.Errorf("%s: lacks %s: %q", p.title, want, p.notes)
			}
		}
	}
	s := svg(t, f)
	for _, want := range []string{">stable<", ">overload<", ">timeouts<", ">failover<", ">restore<"} {
		if strings.Count(s, want) != 1 {
			t.Errorf("SVG has %d of %s, want 1 (labels and legend once)", strings.Count(s, want), want)
		}
	}

	// No verdict, no failures: no spans, no markers.
	res := synth(synthOpts{samples: 100, step: 10, par: 2, hot: -1})
	for _, p := range Dashboard(res).panels {
		for _, n := range p.notes {
			if strings.HasPrefix(n, "spans") || strings.HasPrefix(n, "markers") {
				t.Errorf("%s: %s without a verdict or failures", p.title, n)
			}
		}
	}
	// A phase starting at the end (recovered) has no width and no span.
	res = full()
	v := &res.Summary.Verdict
	v.Phases = append(v.Phases, result.Phase{Phase: result.PhaseRecovered, StartS: res.Summary.VirtualDurationS})
	if p := panelNamed(t, Dashboard(res), "Kafka lag"); !slices.Contains(p.notes, "spans 3") {
		t.Errorf("zero-width phase drawn: %q", p.notes)
	}
}

func TestDashboardHeatMap(t *testing.T) {
	res := synth(synthOpts{samples: 720, step: 10, par: 8, checkpoints: true, hot: 5})
	p := panelNamed(t, Dashboard(res), "Busy time per subtask")
	g := p.grid
	if len(g.z) != 3*8 {
		t.Fatalf("%d rows, want 24 (3 operators × 8 subtasks)", len(g.z))
	}
	if len(g.xEdges) != maxColumns+1 || len(g.z[0]) != maxColumns {
		t.Errorf("%d columns, want %d", len(g.z[0]), maxColumns)
	}
	// Row 0 is drawn at the top: kafka[0] is the last row of z.
	hot := len(g.z) - 1 - (8 + 5) // window[5]
	for r, row := range g.z {
		m := mean(row, 0, len(row))
		if r == hot && m < 950 {
			t.Errorf("hot subtask row has mean %g", m)
		}
		if r != hot && m > 700 {
			t.Errorf("row %d has mean %g, only the hot one should stand out", r, m)
		}
	}
	if !slices.Equal(g.seps, []float64{15.5, 7.5}) {
		t.Errorf("separators at %v", g.seps)
	}
	// Fewer samples than the column limit: a column per sample.
	short := synth(synthOpts{samples: 50, step: 10, par: 2, hot: -1})
	if g := panelNamed(t, Dashboard(short), "Busy time per subtask").grid; len(g.z[0]) != 50 || len(g.z) != 6 {
		t.Errorf("grid %dx%d, want 6x50", len(g.z), len(g.z[0]))
	}
	// A subtask without busy series is a grey (NaN) row, not a panic.
	short.Series = slices.DeleteFunc(short.Series, func(s result.Series) bool {
		return s.Operator == "jdbc" && s.Subtask == 1 && s.Metric == result.MetricBusy
	})
	g = panelNamed(t, Dashboard(short), "Busy time per subtask").grid
	if !math.IsNaN(g.z[0][0]) {
		t.Errorf("missing subtask drawn as %g", g.z[0][0])
	}
	svg(t, Dashboard(short))
}

// Bad numbers are dropped, never passed to gonum/plot.
func TestDashboardBadValues(t *testing.T) {
	res := synth(synthOpts{samples: 40, step: 10, par: 2, checkpoints: true, hot: -1})
	for i := range res.Series {
		v := res.Series[i].Values
		v[3], v[7] = math.NaN(), math.Inf(1)
		res.Series[i].Values = v[:30] // shorter than Times
	}
	res.Checkpoints = append(res.Checkpoints, nil, &result.CheckpointStats{Status: "IN_PROGRESS", Trigger: 300 * sim.Second, Duration: 20 * sim.Second})
	f := Dashboard(res)
	if p := panelNamed(t, f, "Kafka lag"); !slices.Contains(p.notes, `line "" 28`) {
		t.Errorf("lag notes %q, want 28 points", p.notes)
	}
	if p := panelNamed(t, f, "Checkpoint duration"); !slices.Contains(p.notes, `points "in progress at end (age)" 1`) {
		t.Errorf("checkpoint notes %q", p.notes)
	}
	svg(t, f)
	if _, err := f.PNG(); err != nil { // the one dashboard drawn as PNG: slow under -race
		t.Fatal(err)
	}
	// One sample, flat zero: ranges must not collapse.
	one := &result.Result{Times: []float64{10}, Series: []result.Series{
		{Operator: "kafka", Subtask: -1, Metric: result.MetricPending, Values: []float64{0}},
		{Operator: "kafka", Subtask: 0, Metric: result.MetricBusy, Values: []float64{0}},
	}}
	svg(t, Dashboard(one))
}

func TestDeterministic(t *testing.T) {
	a, b := svg(t, Dashboard(full())), svg(t, Dashboard(full()))
	if a != b {
		t.Error("the same result drew different SVG")
	}
	f := Dashboard(full())
	if svg(t, f) != svg(t, f) {
		t.Error("drawing a figure twice gave different SVG")
	}
	if a != svg(t, f) {
		t.Error("a figure drew differently after the first drawing")
	}
}

func TestCompare(t *testing.T) {
	a := synth(synthOpts{samples: 360, step: 10, par: 2, checkpoints: true, failovers: 1, hot: -1})
	b := synth(synthOpts{samples: 300, step: 10, par: 2, failovers: 3, hot: -1})
	f := Compare([]Run{{"baseline", a}, {"", b}, {"skipped", nil}})
	want := []string{"Kafka lag (records not yet read)", "End-to-end latency p99 (worst sink)",
		"Checkpoint duration (by trigger time)", "Restarts"}
	if got := titles(f); !slices.Equal(got, want) {
		t.Fatalf("panels %q, want %q", got, want)
	}
	for _, p := range f.panels {
		var names []string
		for _, e := range p.legend {
			names = append(names, e.name)
		}
		wantNames := []string{"baseline", "run 2"}
		if strings.HasPrefix(p.title, "Checkpoint") {
			// run 2 has no checkpoints; the failed markers' shape is explained.
			wantNames = []string{"baseline", "failed (at failure time)"}
		}
		if !slices.Equal(names, wantNames) {
			t.Errorf("%s: legend %q, want %q", p.title, names, wantNames)
		}
	}
	s := svg(t, f)
	if !strings.Contains(s, ">baseline<") || !strings.Contains(s, ">run 2<") {
		t.Error("SVG lacks the run names")
	}
	// No run has checkpoints: that panel is left out.
	if slices.Contains(titles(Compare([]Run{{"b", b}})), want[2]) {
		t.Error("checkpoint panel drawn without checkpoints")
	}
	// Many runs, one with a long name: the legend is cut to fit, not spilled.
	var many []Run
	for i := range 30 {
		many = append(many, Run{fmt.Sprintf("variant %d", i), b})
	}
	many[0].Name = strings.Repeat("long-name-", 10)
	s = svg(t, Compare(many))
	if !strings.Contains(s, "more<") || strings.Contains(s, ">variant 29<") {
		t.Error("a long legend was not cut to fit its panel")
	}
	if strings.Contains(s, many[0].Name) || !strings.Contains(s, "long-name-long-name-long-name-long-name…") {
		t.Error("a long run name was not shortened")
	}
	if !Compare(nil).Empty() || !Compare([]Run{{"x", nil}}).Empty() {
		t.Error("no results should be an empty figure")
	}
}

func TestHeatmap(t *testing.T) {
	nan := math.NaN()
	g := Grid{XParam: "sinks.jdbc.capacity", YParam: "checkpointing.interval", Outcome: "lag_max",
		XUnit: UnitRate, YUnit: UnitSeconds, ZUnit: UnitCount,
		X: []float64{1e4, 2e4, 5e4, 1e5}, Y: []float64{30, 60, 180},
		Z:      [][]float64{{5e6, 1e6, 2e5, 1e4}, {6e6, nan, 3e5, 2e4}, {9e6, 3e6, 8e5, 5e4}},
		Stable: [][]bool{{false, false, true, true}, {false, false, true, true}, {false, false, false, true}}}
	f := Heatmap(g)
	p := f.panels[0]
	if len(p.grid.z) != 3 || len(p.grid.z[0]) != 4 {
		t.Fatalf("grid %dx%d", len(p.grid.z), len(p.grid.z[0]))
	}
	if !slices.Contains(p.notes, "boundary segments 4") {
		t.Errorf("notes %q, want 4 boundary segments", p.notes)
	}
	if p.grid.lo != 1e4 || p.grid.hi != 9e6 {
		t.Errorf("colour range %g..%g", p.grid.lo, p.grid.hi)
	}
	s := svg(t, f)
	for _, want := range []string{">10k/s<", ">3 min<", ">9M<", ">stable boundary<", "sinks.jdbc.capacity"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	if strings.Contains(s, ">n/a<") {
		t.Error("a missing cell is labelled; it should be blank grey")
	}
	if !strings.Contains(s, "#D9D9D9") {
		t.Error("the missing cell is not grey")
	}
}

// TestHeatmapTallEnoughForTheYLabel: a long y-axis key (a Flink key)
// makes the heat map as tall as its rotated label, rather than squashing
// the cells into a strip below it.
func TestHeatmapTallEnoughForTheYLabel(t *testing.T) {
	g := Grid{XParam: "sinks.jdbc.capacity", YParam: "flink.execution.checkpointing.interval", Outcome: "lag_max",
		XUnit: UnitRate, YUnit: UnitSeconds, ZUnit: UnitCount,
		X: []float64{1e4, 2e4}, Y: []float64{10, 20, 30}, Z: [][]float64{{1, 2}, {3, 4}, {5, 6}}}
	p := Heatmap(g).panels[0]
	if w := p.plot.Y.Label.TextStyle.Width(p.plot.Y.Label.Text); p.height < w+vg.Inch {
		t.Errorf("height %v for a y label %v long", p.height, w)
	}
}

// None of these may panic; the ones with data draw a panel.
func TestHeatmapEdgeCases(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name  string
		g     Grid
		empty bool
	}{
		{"1x1", Grid{X: []float64{1}, Y: []float64{2}, Z: [][]float64{{3}}}, false},
		{"flat", Grid{X: []float64{1, 2}, Y: []float64{1, 2}, Z: [][]float64{{5, 5}, {5, 5}}, ZUnit: UnitBytes}, false},
		{"some NaN", Grid{X: []float64{1, 2}, Y: []float64{1, 2}, Z: [][]float64{{nan, 5}, {math.Inf(1), 7}}}, false},
		{"ragged", Grid{X: []float64{1, 2, 3}, Y: []float64{1, 2}, Z: [][]float64{{1}}, Stable: [][]bool{{true, false}, {true}}}, false},
		{"all NaN", Grid{X: []float64{1, 2}, Y: []float64{1}, Z: [][]float64{{nan, nan}}}, true},
		{"no cells", Grid{}, true},
		{"no Z", Grid{X: []float64{1}, Y: []float64{1}}, true},
		{"large", bigGrid(60, 40), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Heatmap(tc.g)
			if f.Empty() != tc.empty {
				t.Errorf("Empty() = %v, want %v", f.Empty(), tc.empty)
			}
			svg(t, f)
			if tc.name == "1x1" { // PNG takes another path through gonum; once is enough
				if _, err := f.PNG(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func bigGrid(nx, ny int) Grid {
	g := Grid{XUnit: UnitCount, YUnit: UnitSeconds}
	for j := range nx {
		g.X = append(g.X, float64(j*1000))
	}
	for i := range ny {
		g.Y = append(g.Y, float64(i*10))
		row := make([]float64, nx)
		for j := range row {
			row[j] = float64(i * j)
		}
		g.Z = append(g.Z, row)
	}
	return g
}

func TestLine(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		b      Band
		points int
	}{
		{"sweep", Band{Param: "p", Outcome: "o", XUnit: UnitRate, YUnit: UnitSeconds,
			X: []float64{1e4, 2e4, 5e4}, Mean: []float64{600, 30, 2}, Min: []float64{500, 20, 1}, Max: []float64{700, 40, 3}}, 3},
		{"single point", Band{X: []float64{5}, Mean: []float64{1}, Min: []float64{0.5}, Max: []float64{2}}, 1},
		{"single zero", Band{X: []float64{0}, Mean: []float64{0}, Min: []float64{0}, Max: []float64{0}}, 1},
		{"min == max", Band{X: []float64{1, 2}, Mean: []float64{3, 3}, Min: []float64{3, 3}, Max: []float64{3, 3}}, 2},
		{"NaN and missing", Band{X: []float64{1, 2, 3, nan}, Mean: []float64{1, nan, 3, 4}, Min: []float64{nan}}, 2},
		{"unsorted, negative", Band{X: []float64{3, 1, 2}, Mean: []float64{-1, -3, 2}, Min: []float64{-2, -4, 1}, Max: []float64{0, -2, 3}}, 3},
		{"empty", Band{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Line(tc.b)
			if f.Empty() != (tc.points == 0) {
				t.Fatalf("Empty() = %v", f.Empty())
			}
			s := svg(t, f)
			if tc.points == 0 {
				return
			}
			if want := fmt.Sprintf("band %d", tc.points); !slices.Contains(f.panels[0].notes, want) {
				t.Errorf("notes %q, want %s", f.panels[0].notes, want)
			}
			if !strings.Contains(s, "min–max over replicas") {
				t.Error("SVG lacks the band's legend")
			}
		})
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	// A small figure: rasterising a whole dashboard is slow under -race.
	band := func() *Figure {
		return Line(Band{X: []float64{1, 2}, Mean: []float64{3, 4}, Min: []float64{2, 3}, Max: []float64{4, 5}})
	}
	f := band()
	if err := f.WriteFiles(dir, "dashboard", band()); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"dashboard.png", "dashboard.svg"}) {
		t.Fatalf("dir holds %q", got)
	}
	png, _ := os.ReadFile(filepath.Join(dir, "dashboard.png"))
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Error("dashboard.png is not a PNG")
	}
	svgBytes, _ := os.ReadFile(filepath.Join(dir, "dashboard.svg"))
	if want := svg(t, f); string(svgBytes) != want {
		t.Error("dashboard.svg differs from SVG()")
	}
	// Without a twin, one figure draws both, one after the other: the
	// same bytes.
	alone := t.TempDir()
	if err := band().WriteFiles(alone, "dashboard", nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dashboard.png", "dashboard.svg"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(alone, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s drawn from a twin differs from one drawn by the figure itself", name)
		}
	}
	if err := f.WriteFiles(filepath.Join(dir, "missing"), "x", band()); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	if got := dirNames(t, dir); len(got) != 2 {
		t.Errorf("a failed write left %q", got)
	}
}

func TestWriteIndex(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "index.html")
	p := Page{
		Title: "run <a> & b",
		Notes: []string{"verdict: stable; lag <1 s"},
		Tables: []Table{{Caption: "Operators", Header: []string{"name", "busy"},
			Rows: [][]string{{"<script>alert(1)</script>", Format(UnitNone, 512)}, {"sink & co", "1 ms"}}}},
		Figures: []NamedFigure{{"Dashboard", Dashboard(full())}, {"Nothing", Line(Band{})}, {"nil", nil}},
	}
	if err := WriteIndex(path, p); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"index.html"}) {
		t.Fatalf("dir holds %q", got)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	for _, want := range []string{
		"<title>run &lt;a&gt; &amp; b</title>",
		"<p>verdict: stable; lag &lt;1 s</p>",
		"<caption>Operators</caption>",
		"<th>name</th><th>busy</th>",
		"<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>512</td>",
		"<td>sink &amp; co</td>",
		"<h2>Dashboard</h2>",
		"<svg width=",
		"Keyed state size",
		"no data",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if n := strings.Count(s, "<svg "); n != 2 {
		t.Errorf("%d inlined SVGs, want 2 (nil figures are skipped)", n)
	}
	for _, bad := range []string{"<script>", "<?xml", ".svg\""} {
		if strings.Contains(s, bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestThin(t *testing.T) {
	n := 10000
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = float64(i), math.Sin(float64(i)/100)
	}
	ys[4321] = 50 // a spike must survive
	pts := thin(xys(xs, ys), maxLinePoints)
	if len(pts) > maxLinePoints {
		t.Fatalf("%d points, want at most %d", len(pts), maxLinePoints)
	}
	found := false
	for i, p := range pts {
		found = found || p.Y == 50
		if i > 0 && p.X <= pts[i-1].X {
			t.Fatal("thinned points out of order")
		}
	}
	if !found {
		t.Error("the spike was thinned away")
	}
}

// Two hours at 10 s, 8 subtasks per operator.
func BenchmarkDashboard(b *testing.B) {
	res := synth(synthOpts{samples: 720, step: 10, par: 8, checkpoints: true, failovers: 2, hot: 3})
	for b.Loop() {
		if _, err := Dashboard(res).SVG(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDashboardPNG(b *testing.B) {
	res := synth(synthOpts{samples: 720, step: 10, par: 8, checkpoints: true, failovers: 2, hot: 3})
	for b.Loop() {
		if _, err := Dashboard(res).PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDashboardRegionFailoversAndOutages: a failover that restarted only
// some pipelined regions is a marker of its own (dotted), and an outage
// is a grey span on every time panel, named once in the legend.
func TestDashboardRegionFailoversAndOutages(t *testing.T) {
	res := full()
	res.Failovers[1].Partial = true
	res.Summary.InjectedFailures = append(res.Summary.InjectedFailures,
		result.InjectedFailureSummary{Kind: "kafka-outage", Due: 1, TookEffect: 3, FromS: 100, UntilS: 400})
	f := Dashboard(res)
	for _, p := range f.panels {
		if p.grid != nil {
			continue
		}
		for _, want := range []string{"markers failover 1", "markers region-failover 1", "outages 1"} {
			if !slices.Contains(p.notes, want) {
				t.Errorf("%s: lacks %s: %q", p.title, want, p.notes)
			}
		}
	}
	s := svg(t, f)
	for _, want := range []string{">failover of some regions<", ">kafka-outage<"} {
		if strings.Count(s, want) != 1 {
			t.Errorf("SVG has %d of %s, want 1 (the legend)", strings.Count(s, want), want)
		}
	}
}

// TestChoiceAxesNameTheirValues: a swept parameter of values without order
// (true/false, an enum) has its values' indexes for numbers; the line's and
// the heat map's ticks sit on those indexes and read the values, not 0, 1.
func TestChoiceAxesNameTheirValues(t *testing.T) {
	names := []string{"true", "false"}
	want := plot.ConstantTicks{{Value: 0, Label: "true"}, {Value: 1, Label: "false"}}
	line := Line(Band{Param: "flink.execution.checkpointing.unaligned.enabled", Outcome: "lag_end", YUnit: UnitCount,
		X: []float64{0, 1}, Mean: []float64{5, 7}, Min: []float64{5, 7}, Max: []float64{5, 7}, XNames: names})
	x := line.panels[0].plot.X
	if got := x.Tick.Marker.Ticks(x.Min, x.Max); !reflect.DeepEqual(got, []plot.Tick(want)) || x.Min != -0.5 || x.Max != 1.5 {
		t.Errorf("line ticks %v over %v..%v, want %v over -0.5..1.5", got, x.Min, x.Max, want)
	}
	enum := []string{"hashmap", "rocksdb"}
	heat := Heatmap(Grid{XParam: "flink.state.backend.type", YParam: "flink.execution.checkpointing.unaligned.enabled", Outcome: "lag_end",
		X: []float64{0, 1}, Y: []float64{0, 1}, Z: [][]float64{{1, 2}, {3, 4}}, XNames: enum, YNames: names})
	hp := heat.panels[0].plot
	wantX := plot.ConstantTicks{{Value: 0, Label: "hashmap"}, {Value: 1, Label: "rocksdb"}}
	if got := hp.X.Tick.Marker.Ticks(hp.X.Min, hp.X.Max); !reflect.DeepEqual(got, []plot.Tick(wantX)) {
		t.Errorf("heat map x ticks %v, want %v", got, wantX)
	}
	if got := hp.Y.Tick.Marker.Ticks(hp.Y.Min, hp.Y.Max); !reflect.DeepEqual(got, []plot.Tick(want)) {
		t.Errorf("heat map y ticks %v, want %v", got, want)
	}
	for _, s := range []string{svg(t, line), svg(t, heat)} {
		for _, v := range []string{">true<", ">false<"} {
			if !strings.Contains(s, v) {
				t.Errorf("SVG lacks the tick %s", v)
			}
		}
	}
}

// TestWriteIndexTableWithoutHeader: a table without a Header has no header
// row, not an empty one; one with a Header keeps it.
func TestWriteIndexTableWithoutHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.html")
	p := Page{Title: "t", Tables: []Table{{Caption: "the run", Rows: [][]string{{"throughput", "1k/s"}}},
		{Caption: "operators", Header: []string{"operator", "busy"}, Rows: [][]string{{"a", "1"}}}}}
	if err := WriteIndex(path, p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	if !strings.Contains(s, "<caption>the run</caption>\n<tbody>\n<tr><td>throughput</td><td>1k/s</td></tr>") ||
		strings.Contains(s, "<tr></tr>") || strings.Count(s, "<thead>") != 1 ||
		!strings.Contains(s, "<caption>operators</caption>\n<thead><tr><th>operator</th><th>busy</th></tr></thead>\n<tbody>") {
		t.Errorf("index.html:\n%s", s[strings.Index(s, "<body>"):])
	}
}
