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
	// Missing counts, per point, the replicas that have no value for the
	// outcome (a checkpoint duration where none completed): the mean, min
	// and max are the other replicas'. A point none of whose replicas has
	// one (Mean NaN, Missing above 0) is a gap in the line, marked by a
	// dashed grey rule; one with a value from some replicas only is a
	// hollow point. Why says why a run has none, for the legend.
	Missing []int
	Why     string
}

// bandPoint is a point of a Band as drawn.
type bandPoint struct {
	x, mean, lo, hi float64
	partial         bool // some replicas had no value
}

// bandPoints splits b into the points with a value and the x of those
// without one in any replica (gaps), each sorted by x.
func bandPoints(b Band) (pts []bandPoint, gaps []float64) {
	for i, x := range b.X {
		if !finite(x) {
			continue
		}
		missing := 0
		if i < len(b.Missing) {
			missing = b.Missing[i]
		}
		if i >= len(b.Mean) || !finite(b.Mean[i]) {
			if missing > 0 {
				gaps = append(gaps, x)
			}
			continue
		}
		pt := bandPoint{x, b.Mean[i], b.Mean[i], b.Mean[i], missing > 0}
		if i < len(b.Min) && finite(b.Min[i]) {
			pt.lo = min(b.Min[i], pt.mean)
		}
		if i < len(b.Max) && finite(b.Max[i]) {
			pt.hi = max(b.Max[i], pt.mean)
		}
		pts = append(pts, pt)
	}
	// Sorted by contract; sorting again keeps the band a simple polygon.
	slices.SortStableFunc(pts, func(a, b bandPoint) int { return cmp.Compare(a.x, b.x) })
	slices.Sort(gaps)
	return pts, gaps
}

// segments splits sorted points where a gap lies between two of them.
func segments(pts []bandPoint, gaps []float64) [][]bandPoint {
	var segs [][]bandPoint
	start, g := 0, 0
	for i := 1; i <= len(pts); i++ {
		for g < len(gaps) && i < len(pts) && gaps[g] <= pts[i-1].x {
			g++
		}
		if i == len(pts) || (g < len(gaps) && gaps[g] < pts[i].x) {
			segs = append(segs, pts[start:i])
			start = i
		}
	}
	return segs
}

// Line draws the mean as a line with points, over a translucent band from
// Min to Max. Points with a non-finite X are left out, and so are those
// with a non-finite Mean, which break the line when they are missing values
// (Band.Missing); a band edge that is missing falls back to the mean. No
// point with a value is an empty figure.
func Line(b Band) *Figure {
	f := &Figure{}
	pts, gaps := bandPoints(b)
	if len(pts) == 0 {
		return f
	}
	title := b.Outcome
	if b.Param != "" {
		title = fmt.Sprintf("%s by %s", b.Outcome, b.Param)
	}
	pn := &panel{plot: newPlot(title), height: 3 * vg.Inch}
	p := pn.plot
	fill := color.NRGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0x40}
	var xs, whole, partial, lo, hi, isolated []float64
	segs := segments(pts, gaps)
	for k, seg := range segs {
		if len(seg) == 1 {
			isolated = append(isolated, seg[0].x)
		}
		sx, means := make([]float64, len(seg)), make([]float64, len(seg))
		rg := &rangeBand{fill: fill}
		for i, pt := range seg {
			sx[i], means[i] = pt.x, pt.mean
			rg.xs, rg.lo, rg.hi = append(rg.xs, pt.x), append(rg.lo, pt.lo), append(rg.hi, pt.hi)
		}
		p.Add(rg)
		name := ""
		if k == 0 {
			pn.legend = append(pn.legend, legendEntry{"min–max over replicas", rg})
			name = "mean"
		}
		pn.addLine(name, sx, means, lineStyle(0))
		xs, lo, hi = append(xs, sx...), append(lo, rg.lo...), append(hi, rg.hi...)
	}
	var wx, px []float64
	for _, pt := range pts {
		if pt.partial {
			px, partial = append(px, pt.x), append(partial, pt.mean)
		} else {
			wx, whole = append(wx, pt.x), append(whole, pt.mean)
		}
	}
	pn.notes = append(pn.notes, fmt.Sprintf("band %d", len(xs)), fmt.Sprintf("segments %d", len(segs)))
	pn.addPoints("", wx, whole, draw.GlyphStyle{Color: palette[0], Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}})
	pn.addPoints("mean of the replicas with a value", px, partial, draw.GlyphStyle{Color: palette[0], Radius: vg.Points(3), Shape: draw.RingGlyph{}})
	if len(gaps) > 0 {
		m := &markers{at: gaps, style: draw.LineStyle{Color: palette[7], Width: vg.Points(1.2), Dashes: dashed}}
		p.Add(m)
		pn.legend = append(pn.legend, legendEntry{noValueLabel(b.Why), m})
		pn.notes = append(pn.notes, fmt.Sprintf("no value %d", len(gaps)))
	}
	p.X.Label.Text, p.Y.Label.Text = b.XUnit.Label(b.Param), b.YUnit.Label(b.Outcome)
	p.X.Tick.Marker, p.Y.Tick.Marker = b.XUnit, b.YUnit
	lineXRange(p, b.XNames, append(slices.Clone(xs), gaps...), isolated)
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

// noValueLabel is the legend of a point without a value in any replica.
func noValueLabel(why string) string {
	if why == "" {
		return "no value"
	}
	return "no value: " + why
}

// edgeRoom is the room, as a fraction of the x range, left beyond an
// isolated point (a segment of one) at an end of a numeric x axis: its
// min–max band is a bar 8 points wide (rangeBand), centred on the point,
// and would otherwise stick half out of the data area. 2.5% leaves the
// bar's 4 points in a data area 170 points wide or more (a sweep's is
// about 450).
const edgeRoom = 0.025

// lineXRange fits the x axis to xs (the points and the gaps), with room
// for the bar of an isolated point at either end, and with names for a
// parameter of values without order.
func lineXRange(p *plot.Plot, names []string, xs, isolated []float64) {
	slices.Sort(xs)
	xlo, xhi := xs[0], xs[len(xs)-1]
	if xlo == xhi { // one point: give it a neighbourhood
		d := math.Abs(xlo) * 0.5
		if d == 0 {
			d = 1
		}
		xlo, xhi = xlo-d, xhi+d
	} else {
		room := edgeRoom * (xhi - xlo)
		if slices.Contains(isolated, xlo) {
			xlo -= room
		}
		if slices.Contains(isolated, xhi) {
			xhi += room
		}
	}
	p.X.Min, p.X.Max = xlo, xhi
	if len(names) > 0 { // a value per index, half a step of room either side
		p.X.Tick.Marker = nameTicks(names, xs)
		p.X.Min, p.X.Max = xs[0]-0.5, xs[len(xs)-1]+0.5
	}
}

// rangeBand fills between lo and hi along xs (one segment of a line); a
// single point is drawn as a thick vertical bar, since a polygon of one x
// has no area.
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
