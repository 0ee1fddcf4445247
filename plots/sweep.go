package plots

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Band is an outcome over one swept parameter: a point per value of the
// parameter, with the mean and the range over replicas.
type Band struct {
	Param, Outcome    string // axis labels, e.g. "sinks.jdbc.capacity", "latency_p99_s"
	XUnit, YUnit      Unit
	X, Mean, Min, Max []float64 // sorted by X
	// XNames, for a parameter of values without order (true/false, an
	// enum), name the values: X holds their indexes into XNames, and the
	// ticks read the names.
	XNames []string
}

// Line draws the mean as a line with points, over a translucent band from
// Min to Max. Points with a non-finite X or Mean are left out; a band edge
// that is missing falls back to the mean. No points is an empty figure.
func Line(b Band) *Figure {
	f := &Figure{}
	type point struct{ x, mean, lo, hi float64 }
	var pts []point
	for i, x := range b.X {
		if i >= len(b.Mean) || !finite(x) || !finite(b.Mean[i]) {
			continue
		}
		pt := point{x, b.Mean[i], b.Mean[i], b.Mean[i]}
		if i < len(b.Min) && finite(b.Min[i]) {
			pt.lo = min(b.Min[i], pt.mean)
		}
		if i < len(b.Max) && finite(b.Max[i]) {
			pt.hi = max(b.Max[i], pt.mean)
		}
		pts = append(pts, pt)
	}
	if len(pts) == 0 {
		return f
	}
	// Sorted by contract; sorting again keeps the band a simple polygon.
	slices.SortStableFunc(pts, func(a, b point) int { return cmp.Compare(a.x, b.x) })
	xs, means := make([]float64, len(pts)), make([]float64, len(pts))
	lo, hi := make([]float64, len(pts)), make([]float64, len(pts))
	for i, pt := range pts {
		xs[i], means[i], lo[i], hi[i] = pt.x, pt.mean, pt.lo, pt.hi
	}
	title := b.Outcome
	if b.Param != "" {
		title = fmt.Sprintf("%s by %s", b.Outcome, b.Param)
	}
	pn := &panel{plot: newPlot(title), height: 3 * vg.Inch}
	p := pn.plot
	rg := &rangeBand{xs: xs, lo: lo, hi: hi, fill: color.NRGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0x40}}
	p.Add(rg)
	pn.legend = append(pn.legend, legendEntry{"min–max over replicas", rg})
	pn.notes = append(pn.notes, fmt.Sprintf("band %d", len(xs)))
	pn.addLine("mean", xs, means, lineStyle(0))
	pn.addPoints("", xs, means, draw.GlyphStyle{Color: palette[0], Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}})
	p.X.Label.Text, p.Y.Label.Text = b.XUnit.Label(b.Param), b.YUnit.Label(b.Outcome)
	p.X.Tick.Marker, p.Y.Tick.Marker = b.XUnit, b.YUnit
	xlo, xhi := xs[0], xs[len(xs)-1]
	if xlo == xhi { // one point: give it a neighbourhood
		d := math.Abs(xlo) * 0.5
		if d == 0 {
			d = 1
		}
		xlo, xhi = xlo-d, xhi+d
	}
	p.X.Min, p.X.Max = xlo, xhi
	if len(b.XNames) > 0 { // a value per index, half a step of room either side
		p.X.Tick.Marker = nameTicks(b.XNames, xs)
		p.X.Min, p.X.Max = xs[0]-0.5, xs[len(xs)-1]+0.5
	}
	ylo, yhi := slices.Min(lo), slices.Max(hi)
	if ylo >= 0 {
		ylo = 0 // read magnitudes from zero when all values are positive
	}
	fitRange(&p.Y, ylo, yhi)
	if p.Y.Min == 0 {
		p.Y.Max *= 1.05
	}
	f.add(pn)
	return f
}

// rangeBand fills between lo and hi along xs; a single point is drawn as
// a thick vertical bar, since a polygon of one x has no area.
type rangeBand struct {
	xs, lo, hi []float64
	fill       color.NRGBA
}

func (b *rangeBand) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if len(b.xs) == 1 {
		x := trX(b.xs[0])
		c.StrokeLine2(draw.LineStyle{Color: b.fill, Width: vg.Points(8)}, x, trY(b.lo[0]), x, trY(b.hi[0]))
		return
	}
	pts := make([]vg.Point, 0, 2*len(b.xs))
	for i, x := range b.xs {
		pts = append(pts, vg.Point{X: trX(x), Y: trY(b.hi[i])})
	}
	for i := len(b.xs) - 1; i >= 0; i-- {
		pts = append(pts, vg.Point{X: trX(b.xs[i]), Y: trY(b.lo[i])})
	}
	c.FillPolygon(b.fill, pts)
}

// Thumbnail is a filled box in the legend.
func (b *rangeBand) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(b.fill, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
}

// nameTicks labels the indexes at hand with their names (an index without
// a name keeps its number).
func nameTicks(names []string, at []float64) plot.ConstantTicks {
	var t plot.ConstantTicks
	for _, x := range slices.Compact(slices.Clone(at)) {
		t = append(t, plot.Tick{Value: x, Label: nameOf(names, x, UnitNone)})
	}
	return t
}

// nameOf is the name of index x, or x in unit u when names has none for it.
func nameOf(names []string, x float64, u Unit) string {
	if i := int(x); float64(i) == x && i >= 0 && i < len(names) {
		return names[i]
	}
	return Format(u, x)
}
