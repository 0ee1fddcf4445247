package plots

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// TestLineIsolatedBandsInsideTheAxes: the min–max band of a point alone
// between gaps is a bar 8 points wide; at either end of a numeric x axis it
// lies wholly inside the data area (half of it was outside), and so it does
// with names on the axis.
func TestLineIsolatedBandsInsideTheAxes(t *testing.T) {
	const eps = 0.01 // points
	nan := math.NaN()
	for _, c := range []struct {
		name string
		b    Band
		bars int
	}{
		{"both ends", Band{X: []float64{1, 2, 3}, Mean: []float64{5, nan, 7}, Min: []float64{3, nan, 4}, Max: []float64{8, nan, 9}, Missing: []int{0, 2, 0}}, 2},
		{"first of many", Band{X: []float64{0, 10, 20, 30, 40}, Mean: []float64{5, nan, 6, 7, 8}, Min: []float64{3, nan, 5, 6, 7}, Max: []float64{8, nan, 7, 8, 9}, Missing: []int{0, 1, 0, 0, 0}}, 1},
		{"negative x", Band{X: []float64{-4, -2, -1}, Mean: []float64{5, 6, nan}, Min: []float64{3, 5, nan}, Max: []float64{8, 7, nan}, Missing: []int{0, 0, 1}}, 0},
		{"named", Band{X: []float64{0, 1, 2}, XNames: []string{"a", "b", "c"}, Mean: []float64{5, nan, 7}, Min: []float64{3, nan, 4}, Max: []float64{8, nan, 9}, Missing: []int{0, 2, 0}}, 2},
	} {
		for _, width := range []vg.Length{figWidth - 2*vg.Inch, 3 * vg.Inch} {
			t.Run(fmt.Sprintf("%s, %.0fpt", c.name, width), func(t *testing.T) {
				c.b.Param, c.b.Outcome = "p", "o"
				f := Line(c.b)
				if f.Empty() {
					t.Fatal("empty figure")
				}
				p := f.panels[0].plot
				fill := color.NRGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0x40}
				rec := &shapeRecorder{Canvas: vgsvg.New(width, 3*vg.Inch), colors: []color.Color{fill}}
				dc := draw.New(rec)
				data := p.DataCanvas(dc)
				p.Draw(dc)
				bars := 0
				for _, s := range rec.shapes {
					if s[1]-s[0] < 7.9 { // a polygon of a longer segment is wider
						t.Errorf("band %.2f to %.2f, narrower than a bar", s[0], s[1])
					}
					if s[1]-s[0] < 8.1 {
						bars++
					}
					if s[0] < data.Min.X-eps || s[1] > data.Max.X+eps {
						t.Errorf("band spans x %.2f to %.2f, outside the data area %.2f to %.2f", s[0], s[1], data.Min.X, data.Max.X)
					}
				}
				if bars != c.bars {
					t.Errorf("%d bars drawn, want %d", bars, c.bars)
				}
			})
		}
	}
}

// TestFitRange: an axis fits its values; a flat range is widened by a
// tenth each way, and a flat 0 (an outcome that was 0 at every point)
// becomes 0..1, with no negative side; no range is empty.
func TestFitRange(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct{ lo, hi, min, max float64 }{
		{2, 5, 2, 5},
		{0, 0, 0, 1},
		{10, 10, 9, 11},
		{-10, -10, -11, -9},
		{nan, 3, 0, 1},
		{3, 1, 0, 1},
	} {
		var a plot.Axis
		fitRange(&a, c.lo, c.hi)
		if a.Min != c.min || a.Max != c.max {
			t.Errorf("fitRange(%g, %g) = %g..%g, want %g..%g", c.lo, c.hi, a.Min, a.Max, c.min, c.max)
		}
	}
}
