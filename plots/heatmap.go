package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Grid is an outcome over two swept parameters.
type Grid struct {
	XParam, YParam, Outcome string // axis labels and the title
	XUnit, YUnit, ZUnit     Unit
	X, Y                    []float64 // sorted, distinct
	// XNames and YNames, for a parameter of values without order
	// (true/false, an enum), name its values: X (or Y) holds their indexes
	// into the names, and the ticks read the names.
	XNames, YNames []string
	// Z[i][j] is the outcome at (X[j], Y[i]); NaN (or a missing entry)
	// is a point not run, drawn grey.
	Z [][]float64
	// Missing[i][j] counts the replicas of a cell that have no value for
	// the outcome (Band.Missing): a NaN cell with some is a run without a
	// value, grey and crossed out; a cell with a value from some replicas
	// only is marked with a ring. Why says why, for the legend.
	Missing [][]int
	Why     string
	// Stable, when not nil, marks the stable cells; the boundary between
	// stable and unstable cells is drawn as a thick line.
	Stable [][]bool
}

// Heatmap draws a grid as a vector heat map with a colour bar: one equal
// cell per swept value (sweeps are often geometric, and log axes are out),
// ticks labelled with the values. Small grids print the value in each cell.
// A grid with no finite value is an empty figure.
func Heatmap(g Grid) *Figure {
	f := &Figure{}
	nx, ny := len(g.X), len(g.Y)
	z := make([][]float64, ny)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range ny {
		z[i] = make([]float64, nx)
		for j := range nx {
			v := math.NaN()
			if i < len(g.Z) && j < len(g.Z[i]) && finite(g.Z[i][j]) {
				v = g.Z[i][j]
				lo, hi = min(lo, v), max(hi, v)
			}
			z[i][j] = v
		}
	}
	if lo > hi { // nothing finite, or no cells at all
		return f
	}
	cl := &cells{xEdges: indexEdges(nx), yEdges: indexEdges(ny), z: z, ramp: sweepRamp, lo: lo, hi: hi}
	if nx <= 12 && ny <= 16 {
		cl.labels = make([][]string, ny)
		for i := range ny {
			cl.labels[i] = make([]string, nx)
			for j := range nx {
				if !math.IsNaN(z[i][j]) {
					cl.labels[i][j] = Format(g.ZUnit, z[i][j])
				}
			}
		}
	}
	title := g.Outcome
	if g.XParam != "" || g.YParam != "" {
		title = fmt.Sprintf("%s over %s × %s", g.ZUnit.Label(g.Outcome), g.XParam, g.YParam)
	}
	p := newPlot(title)
	p.Add(cl)
	var notes []string
	if b := stableBoundary(g.Stable, nx, ny); len(b.segs) > 0 {
		p.Add(b)
		notes = append(notes, fmt.Sprintf("boundary segments %d", len(b.segs)))
	}
	p.X.Label.Text, p.Y.Label.Text = g.XUnit.Label(g.XParam), g.YUnit.Label(g.YParam)
	p.X.Tick.Marker = valueTicks(g.X, g.XNames, g.XUnit, 15)
	p.Y.Tick.Marker = valueTicks(g.Y, g.YNames, g.YUnit, 20)
	p.X.Min, p.X.Max = -0.5, float64(nx)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(ny)-0.5
	// Tall enough for the rotated y-axis label (a Flink key is long:
	// flink.execution.checkpointing.interval), which would otherwise squash
	// the cells into a strip.
	labelRoom := p.Y.Label.TextStyle.Width(p.Y.Label.Text) + 1.2*vg.Inch
	pn := &panel{plot: p, grid: cl, bar: &colorBar{ramp: sweepRamp, lo: lo, hi: hi, unit: g.ZUnit},
		height: min(max(panelHeight, vg.Length(ny)*0.35*vg.Inch+vg.Inch, labelRoom), 8*vg.Inch),
		notes:  append([]string{fmt.Sprintf("cells %dx%d", ny, nx)}, notes...)}
	if len(notes) > 0 {
		pn.legend = []legendEntry{{"stable boundary", &rule{style: boundaryStyle}}}
	}
	if nv := missingCells(g, z); len(nv.none)+len(nv.some) > 0 {
		p.Add(nv)
		if len(nv.none) > 0 {
			pn.legend = append(pn.legend, legendEntry{noValueLabel(g.Why), &missingMarks{none: [][2]int{{0, 0}}}})
			pn.notes = append(pn.notes, fmt.Sprintf("no value %d", len(nv.none)))
		}
		if len(nv.some) > 0 {
			pn.legend = append(pn.legend, legendEntry{"some replicas without a value", &missingMarks{some: [][2]int{{0, 0}}}})
			pn.notes = append(pn.notes, fmt.Sprintf("partly missing %d", len(nv.some)))
		}
	}
	f.add(pn)
	return f
}

// missingCells finds the cells (row, column) run without a value in any
// replica and those with a value from some replicas only.
func missingCells(g Grid, z [][]float64) *missingMarks {
	m := &missingMarks{}
	for i := range min(len(g.Missing), len(z)) {
		for j := range min(len(g.Missing[i]), len(z[i])) {
			switch {
			case g.Missing[i][j] <= 0:
			case math.IsNaN(z[i][j]):
				m.none = append(m.none, [2]int{i, j})
			default:
				m.some = append(m.some, [2]int{i, j})
			}
		}
	}
	return m
}

// missingMarks crosses out the cells without a value and puts a ring in
// the corner of those with a value from some replicas only (cells are one
// unit wide, centred on their indexes).
type missingMarks struct{ none, some [][2]int }

var missingStyle = draw.LineStyle{Color: color.Gray{Y: 0x70}, Width: vg.Points(1)}

func (m *missingMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, rc := range m.none {
		x, y := float64(rc[1]), float64(rc[0])
		x0, x1, y0, y1 := trX(x-0.5), trX(x+0.5), trY(y-0.5), trY(y+0.5)
		c.StrokeLine2(missingStyle, x0, y0, x1, y1)
		c.StrokeLine2(missingStyle, x0, y1, x1, y0)
	}
	for _, rc := range m.some {
		x, y := float64(rc[1]), float64(rc[0])
		r := min(trX(x+0.5)-trX(x-0.5), trY(y+0.5)-trY(y-0.5)) / 8
		pt := vg.Point{X: trX(x+0.5) - 1.5*r, Y: trY(y+0.5) - 1.5*r}
		c.DrawGlyph(draw.GlyphStyle{Color: missingStyle.Color, Radius: r, Shape: draw.RingGlyph{}}, pt)
	}
}

// Thumbnail draws a crossed grey box, or a ring, in a legend.
func (m *missingMarks) Thumbnail(c *draw.Canvas) {
	if len(m.none) > 0 {
		c.FillPolygon(nanColor, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
		c.StrokeLine2(missingStyle, c.Min.X, c.Min.Y, c.Max.X, c.Max.Y)
		c.StrokeLine2(missingStyle, c.Min.X, c.Max.Y, c.Max.X, c.Min.Y)
		return
	}
	r := min(c.Max.X-c.Min.X, c.Max.Y-c.Min.Y) / 3
	c.DrawGlyph(draw.GlyphStyle{Color: missingStyle.Color, Radius: r, Shape: draw.RingGlyph{}},
		vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2})
}

// indexEdges are the edges of n unit cells centred on 0, 1, ... n-1.
func indexEdges(n int) []float64 {
	e := make([]float64, n+1)
	for i := range e {
		e[i] = float64(i) - 0.5
	}
	return e
}

// valueTicks labels cell i with vals[i] (its name, with names), at most
// max labels.
func valueTicks(vals []float64, names []string, u Unit, most int) plot.ConstantTicks {
	every := max(1, (len(vals)+most-1)/most)
	var t plot.ConstantTicks
	for i, v := range vals {
		label := ""
		if i%every == 0 {
			label = nameOf(names, v, u)
		}
		t = append(t, plot.Tick{Value: float64(i), Label: label})
	}
	return t
}

var boundaryStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(3)}

// boundary is a set of line segments, in data coordinates.
type boundary struct {
	segs  [][2][2]float64 // {{x0,y0},{x1,y1}}
	style draw.LineStyle
}

// stableBoundary finds the cell edges between a stable and an unstable
// cell. Missing entries of stable are unknown and draw no edge.
func stableBoundary(stable [][]bool, nx, ny int) *boundary {
	b := &boundary{style: boundaryStyle}
	known := func(i, j int) bool { return i < len(stable) && j < len(stable[i]) }
	for i := range min(ny, len(stable)) {
		for j := range min(nx, len(stable[i])) {
			x, y := float64(j), float64(i)
			if j+1 < nx && known(i, j+1) && stable[i][j] != stable[i][j+1] {
				b.segs = append(b.segs, [2][2]float64{{x + 0.5, y - 0.5}, {x + 0.5, y + 0.5}})
			}
			if i+1 < ny && known(i+1, j) && stable[i][j] != stable[i+1][j] {
				b.segs = append(b.segs, [2][2]float64{{x - 0.5, y + 0.5}, {x + 0.5, y + 0.5}})
			}
		}
	}
	return b
}

func (b *boundary) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	c.SetLineStyle(b.style)
	for _, s := range b.segs {
		var pa vg.Path
		pa.Move(vg.Point{X: trX(s[0][0]), Y: trY(s[0][1])})
		pa.Line(vg.Point{X: trX(s[1][0]), Y: trY(s[1][1])})
		c.Stroke(pa)
	}
}

// cells is a vector heat map with explicit cell edges. gonum's HeatMap
// derives edges from cell centres and pads the plot for a glyph per cell;
// time buckets of unequal length and categorical rows need edges, and
// equal neighbours in a row are merged into one rectangle to keep the SVG
// small.
type cells struct {
	xEdges, yEdges []float64   // increasing; len cols+1 and rows+1
	z              [][]float64 // z[row][col]; NaN is drawn grey
	ramp           ramp
	lo, hi         float64
	labels         [][]string // optional text per cell
	seps           []float64  // y positions of separator lines
}

func (cl *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return cl.xEdges[0], cl.xEdges[len(cl.xEdges)-1], cl.yEdges[0], cl.yEdges[len(cl.yEdges)-1]
}

func (cl *cells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	// Each cell overlaps its right and upper neighbour by a hair, so
	// anti-aliasing shows no seams; the last row and column do not.
	right, top := trX(cl.xEdges[len(cl.xEdges)-1]), trY(cl.yEdges[len(cl.yEdges)-1])
	rect := func(x0, x1, y0, y1 vg.Length, col color.Color) {
		x1, y1 = min(x1+seam, right), min(y1+seam, top)
		c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
	}
	for r, row := range cl.z {
		if len(row) == 0 {
			continue
		}
		y0, y1 := trY(cl.yEdges[r]), trY(cl.yEdges[r+1])
		start, cur := 0, cl.ramp.level(row[0], cl.lo, cl.hi)
		for j := 1; j <= len(row); j++ {
			lv := -2
			if j < len(row) {
				lv = cl.ramp.level(row[j], cl.lo, cl.hi)
			}
			if lv == cur {
				continue
			}
			rect(trX(cl.xEdges[start]), trX(cl.xEdges[j]), y0, y1, cl.ramp.color(cur))
			start, cur = j, lv
		}
	}
	sep := draw.LineStyle{Color: color.White, Width: vg.Points(1.5)}
	for _, y := range cl.seps {
		c.StrokeLine2(sep, c.Min.X, trY(y), c.Max.X, trY(y))
	}
	for r, row := range cl.labels {
		for j, s := range row {
			if s == "" {
				continue
			}
			st := txt
			st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
			if luminance(cl.ramp.color(cl.ramp.level(cl.z[r][j], cl.lo, cl.hi))) < 0.5 {
				st.Color = color.White
			}
			pt := vg.Point{X: (trX(cl.xEdges[j]) + trX(cl.xEdges[j+1])) / 2, Y: (trY(cl.yEdges[r]) + trY(cl.yEdges[r+1])) / 2}
			c.FillText(st, pt, s)
		}
	}
}

// ramp is a sequential colour scale, quantised to a fixed number of
// levels so equal-looking neighbours are equal and merge.
type ramp struct{ stops []color.NRGBA }

const (
	rampLevels = 64
	seam       = vg.Length(0.5) // points of overlap between neighbouring cells
)

var (
	busyRamp  = brewerRamp("YlOrRd")
	sweepRamp = brewerRamp("YlGnBu")
	nanColor  = color.NRGBA{R: 0xd9, G: 0xd9, B: 0xd9, A: 0xff}
)

func brewerRamp(name string) ramp {
	pal, err := brewer.GetPalette(brewer.TypeSequential, name, 9)
	if err != nil {
		panic(err) // a fixed name: a typo fails every test
	}
	var r ramp
	for _, c := range pal.Colors() {
		r.stops = append(r.stops, color.NRGBAModel.Convert(c).(color.NRGBA))
	}
	return r
}

// level maps v in [lo, hi] to 0..rampLevels-1; NaN is -1. A flat range
// (lo == hi) is the middle level.
func (r ramp) level(v, lo, hi float64) int {
	if math.IsNaN(v) {
		return -1
	}
	t := 0.5
	if hi > lo {
		t = min(max((v-lo)/(hi-lo), 0), 1)
	}
	return int(math.Round(t * (rampLevels - 1)))
}

// color is the colour of a level, interpolated between the stops.
func (r ramp) color(level int) color.Color {
	if level < 0 {
		return nanColor
	}
	t := float64(level) / (rampLevels - 1) * float64(len(r.stops)-1)
	i := min(int(t), len(r.stops)-2)
	f := t - float64(i)
	a, b := r.stops[i], r.stops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.NRGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 0xff}
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// colorBar is the key of a heat map, drawn in the figure's side strip.
type colorBar struct {
	ramp   ramp
	lo, hi float64
	unit   Unit
}

func (b *colorBar) ticks() []plot.Tick {
	if b.hi > b.lo {
		return b.unit.Ticks(b.lo, b.hi)
	}
	return []plot.Tick{{Value: b.lo, Label: Format(b.unit, b.lo)}}
}

func (b *colorBar) width() vg.Length {
	w := vg.Length(0)
	for _, t := range b.ticks() {
		w = max(w, txt.Width(t.Label))
	}
	return barWidth + 6 + w
}

func (b *colorBar) draw(c draw.Canvas) {
	x0, x1 := c.Min.X, c.Min.X+barWidth
	h := c.Max.Y - c.Min.Y
	rect := func(y0, y1 vg.Length, col color.Color) {
		c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
	}
	st := txt
	st.YAlign = draw.YCenter
	tick := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	if !(b.hi > b.lo) { // flat: one colour, one label
		rect(c.Min.Y, c.Max.Y, b.ramp.color(b.ramp.level(b.lo, b.lo, b.hi)))
		c.FillText(st, vg.Point{X: x1 + 4, Y: c.Min.Y + h/2}, Format(b.unit, b.lo))
		return
	}
	for i := range rampLevels {
		y0 := c.Min.Y + h*vg.Length(i)/rampLevels
		y1 := c.Min.Y + h*vg.Length(i+1)/rampLevels
		if i+1 < rampLevels {
			y1 += seam
		}
		rect(y0, y1, b.ramp.color(i))
	}
	for _, t := range b.ticks() {
		y := c.Min.Y + h*vg.Length((t.Value-b.lo)/(b.hi-b.lo))
		if y < c.Min.Y-0.01 || y > c.Max.Y+0.01 {
			continue
		}
		c.StrokeLine2(tick, x1, y, x1+3, y)
		c.FillText(st, vg.Point{X: x1 + 4, Y: y}, t.Label)
	}
}
