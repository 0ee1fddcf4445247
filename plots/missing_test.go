package plots

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestLineLeavesGapsForMissingValues: a sweep point none of whose replicas
// has a value (no checkpoint completed) is not drawn as 0: the line breaks
// there, a dashed rule and the legend say why, and a point with a value
// from some replicas only is hollow.
func TestLineLeavesGapsForMissingValues(t *testing.T) {
	nan := math.NaN()
	b := Band{Param: "p", Outcome: "checkpoint_duration_max_s", XUnit: UnitCount, YUnit: UnitSeconds,
		X: []float64{1, 2, 3, 4, 5}, Mean: []float64{10, nan, 30, 40, nan}, Min: []float64{10, nan, 20, 40, nan},
		Max: []float64{10, nan, 40, 40, nan}, Missing: []int{0, 3, 1, 0, 3}, Why: "no checkpoint completed"}
	f := Line(b)
	notes := f.panels[0].notes
	// Two segments: x=1 alone, then x=3 and 4; x=2 and x=5 have no value.
	for _, want := range []string{`line "mean" 1`, `line "" 2`, "band 3", "segments 2", "no value 2",
		`points "" 2`, `points "mean of the replicas with a value" 1`} {
		if !slices.Contains(notes, want) {
			t.Errorf("notes %q lack %s", notes, want)
		}
	}
	s := svg(t, f)
	for _, want := range []string{"no value: no checkpoint completed", "mean of the replicas with a value"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// The x axis spans the points without a value too, and room for the
	// bar of x=1, alone at the left end (edgeRoom of the range).
	if p, lo := f.panels[0].plot, 1-edgeRoom*4; p.X.Min != lo || p.X.Max != 5 {
		t.Errorf("x axis %g..%g, want %g..5", p.X.Min, p.X.Max, lo)
	}
	// Without Missing, a NaN mean is dropped as before, without a gap.
	b.Missing = nil
	notes = Line(b).panels[0].notes
	if !slices.Contains(notes, "segments 1") || slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, "no value") }) {
		t.Errorf("without Missing: notes %q", notes)
	}
	// No value anywhere: nothing to draw.
	if !Line(Band{X: []float64{1, 2}, Mean: []float64{nan, nan}, Missing: []int{1, 1}}).Empty() {
		t.Error("a band without any value drew a figure")
	}
}

// TestHeatmapMarksMissingValues: a cell whose runs have no value is crossed
// out, not coloured as 0, and one with a value from some replicas only
// carries a ring; the legend names both.
func TestHeatmapMarksMissingValues(t *testing.T) {
	nan := math.NaN()
	g := Grid{XParam: "a", YParam: "b", Outcome: "latency_p99_s", ZUnit: UnitSeconds, X: []float64{1, 2}, Y: []float64{1, 2},
		Z: [][]float64{{nan, 5}, {7, nan}}, Missing: [][]int{{2, 1}, {0, 0}}, Why: "no record reached a sink"}
	f := Heatmap(g)
	p := f.panels[0]
	for _, want := range []string{"no value 1", "partly missing 1"} {
		if !slices.Contains(p.notes, want) {
			t.Errorf("notes %q lack %s", p.notes, want)
		}
	}
	// The colour range is the values', 5..7: the missing cell is not 0.
	if p.grid.lo != 5 || p.grid.hi != 7 {
		t.Errorf("colour range %g..%g, want 5..7", p.grid.lo, p.grid.hi)
	}
	s := svg(t, f)
	for _, want := range []string{"no value: no record reached a sink", "some replicas without a value"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if _, err := f.PNG(); err != nil {
		t.Fatal(err)
	}
}
