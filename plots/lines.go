package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Line and point helpers shared by the dashboard, comparisons and sweeps.
// gonum's plotters reject NaN and Inf (plotter.NewLine's CheckFloats), and
// a plotter.Line strokes one path through all its points, so points with
// either are dropped, and a line breaks where they were: NaN is a sample
// with no value (result.NoValue: watermarkLag before a reader's first
// watermark), which is neither 0 nor to be joined across.

// palette is colour-blind safe (Okabe and Ito), black and grey last.
var palette = []color.NRGBA{
	{0x00, 0x72, 0xb2, 0xff}, // blue
	{0xd5, 0x5e, 0x00, 0xff}, // vermillion
	{0x00, 0x9e, 0x73, 0xff}, // green
	{0xcc, 0x79, 0xa7, 0xff}, // purple
	{0xe6, 0x9f, 0x00, 0xff}, // orange
	{0x56, 0xb4, 0xe9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff},
	{0x99, 0x99, 0x99, 0xff},
}

// pick a colour for the i-th line; past the palette, lines are dashed.
func lineStyle(i int) draw.LineStyle {
	st := draw.LineStyle{Color: palette[i%len(palette)], Width: vg.Points(1.2)}
	if i >= len(palette) {
		st.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
	}
	return st
}

var dashed = []vg.Length{vg.Points(5), vg.Points(3)}

var dotted = []vg.Length{vg.Points(1), vg.Points(2)}

// dashPatterns tell runs apart where colour cannot: runs whose lines lie on
// each other, and readers who do not see the colours. The first is solid.
var dashPatterns = [][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(2), vg.Points(2)},
	{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)},
	{vg.Points(4), vg.Points(4)},
	{vg.Points(1), vg.Points(3)},
	{vg.Points(10), vg.Points(4)},
	{vg.Points(6), vg.Points(2), vg.Points(2), vg.Points(2), vg.Points(2), vg.Points(2)},
}

// runStyle is the i-th run's line in a comparison: its own colour and its
// own dash pattern, so that no two of the first len(palette)² runs look
// alike, even drawn over each other.
func runStyle(i int) draw.LineStyle {
	return draw.LineStyle{Color: palette[i%len(palette)], Width: vg.Points(1.2),
		Dashes: dashPatterns[(i+i/len(palette))%len(dashPatterns)]}
}

// maxLinePoints bounds the points of one line; longer series are thinned.
const maxLinePoints = 2000

// xys pairs xs and ys (up to the shorter), dropping non-finite points.
func xys(xs, ys []float64) plotter.XYs {
	n := min(len(xs), len(ys))
	pts := make(plotter.XYs, 0, n)
	for i := range n {
		if finite(xs[i]) && finite(ys[i]) {
			pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	return pts
}

// thin keeps the lowest and highest point of each of max/2 buckets, in x
// order, so spikes survive.
func thin(pts plotter.XYs, most int) plotter.XYs {
	if len(pts) <= most {
		return pts
	}
	buckets := most / 2
	out := make(plotter.XYs, 0, most)
	for b := range buckets {
		lo, hi := b*len(pts)/buckets, (b+1)*len(pts)/buckets
		mn, mx := lo, lo
		for i := lo; i < hi; i++ {
			if pts[i].Y < pts[mn].Y {
				mn = i
			}
			if pts[i].Y > pts[mx].Y {
				mx = i
			}
		}
		out = append(out, pts[min(mn, mx)])
		if mn != mx {
			out = append(out, pts[max(mn, mx)])
		}
	}
	return out
}

// finiteRuns pairs xs and ys (up to the shorter) into runs of finite
// points: a non-finite one ends a run.
func finiteRuns(xs, ys []float64) []plotter.XYs {
	var runs []plotter.XYs
	start := -1
	n := min(len(xs), len(ys))
	for i := 0; i <= n; i++ {
		ok := i < n && finite(xs[i]) && finite(ys[i])
		switch {
		case ok && start < 0:
			start = i
		case !ok && start >= 0:
			runs = append(runs, xys(xs[start:i], ys[start:i]))
			start = -1
		}
	}
	return runs
}

// addLine draws ys over xs in style st and lists it in the legend under
// name (none when name is ""), a gap where a point is not finite. It
// reports whether any point was drawn.
func (pn *panel) addLine(name string, xs, ys []float64, st draw.LineStyle) bool {
	runs := finiteRuns(xs, ys)
	total := 0
	for _, r := range runs {
		total += len(r)
	}
	if total == 0 {
		return false
	}
	var first *plotter.Line
	drawn := 0
	for _, r := range runs {
		pts := thin(r, max(2, maxLinePoints*len(r)/total))
		l := &plotter.Line{XYs: pts, LineStyle: st}
		pn.plot.Add(edgeLine{l})
		if len(pts) == 1 { // a line of one point draws nothing: show a dot
			pn.plot.Add(&plotter.Scatter{XYs: pts, GlyphStyle: draw.GlyphStyle{Color: st.Color, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}})
		}
		if first == nil {
			first = l
		}
		drawn += len(pts)
	}
	if name != "" {
		pn.legend = append(pn.legend, legendEntry{name, first})
	}
	pn.notes = append(pn.notes, fmt.Sprintf("line %q %d", name, drawn))
	if len(runs) > 1 {
		pn.notes = append(pn.notes, fmt.Sprintf("line %q gaps %d", name, len(runs)-1))
	}
	return true
}

// addPoints draws unconnected points, thinned as a line's beyond
// maxLinePoints (a month of checkpoints every 10 s is 259k): past a couple
// of points per pixel column glyphs only overlap, and each bucket's lowest
// and highest stay.
func (pn *panel) addPoints(name string, xs, ys []float64, gs draw.GlyphStyle) bool {
	pts := thin(xys(xs, ys), maxLinePoints)
	if len(pts) == 0 {
		return false
	}
	s := &plotter.Scatter{XYs: pts, GlyphStyle: gs}
	pn.plot.Add(s)
	if name != "" {
		pn.legend = append(pn.legend, legendEntry{name, s})
	}
	pn.notes = append(pn.notes, fmt.Sprintf("points %q %d", name, len(pts)))
	return true
}

// addRule draws a labelled horizontal line at y.
func (pn *panel) addRule(name string, y float64, st draw.LineStyle) {
	if !finite(y) {
		return
	}
	r := &rule{y: y, style: st}
	pn.plot.Add(r)
	pn.legend = append(pn.legend, legendEntry{name, r})
	pn.notes = append(pn.notes, fmt.Sprintf("rule %q", name))
}

// timeAxis makes x the run's time, 0 to end seconds, in minutes or hours.
func timeAxis(p *plot.Plot, end float64) {
	p.X.Min, p.X.Max = 0, end
	p.X.Tick.Marker = UnitSeconds
}

// yFromZero starts the y axis at zero (every run quantity is
// non-negative) with a little headroom, and gives a flat or empty range a
// height, so no range is ever empty.
func yFromZero(p *plot.Plot) {
	hi := p.Y.Max
	if !finite(hi) || hi <= 0 {
		hi = 1
	}
	p.Y.Min, p.Y.Max = 0, hi*1.05
}

// fitRange sets an axis to lo..hi, widening an empty or flat range: a
// flat 0 to 0..1 (no negative side for an outcome that was 0 everywhere:
// a lag, restarts), any other by a tenth of it each way.
func fitRange(a *plot.Axis, lo, hi float64) {
	switch {
	case !finite(lo) || !finite(hi) || lo > hi || lo == 0 && hi == 0:
		lo, hi = 0, 1
	case lo == hi:
		d := math.Abs(lo) * 0.1
		lo, hi = lo-d, hi+d
	}
	a.Min, a.Max = lo, hi
}

// boldCross is an X thick enough to see over lines; gonum's CrossGlyph is
// drawn half a point wide.
type boldCross struct{}

func (boldCross) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.6)})
	r := sty.Radius * 0.7
	var p vg.Path
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y - r})
	c.Stroke(p)
}

// glyphThumb shows a point style in a legend without drawing any point.
func glyphThumb(gs draw.GlyphStyle) plot.Thumbnailer {
	return &plotter.Scatter{GlyphStyle: gs}
}
