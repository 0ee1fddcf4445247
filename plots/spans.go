package plots

import (
	"image/color"
	"math"

	"github.com/flinksim/flinksim/result"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// gonum/plot has no shaded span, vertical marker or horizontal rule; these
// small plotters draw them. Spans and markers have no data range, so they
// never stretch an axis; a rule does, so the interval and timeout are
// always visible.

// span is a shaded stretch of the x axis, e.g. a verdict phase.
type span struct {
	from, to float64
	fill     color.NRGBA // translucent: NRGBA is not premultiplied
	label    string
}

// spans draws shaded spans over the full height of the data area, labelled
// at the top when labels is set.
type spans struct {
	items  []span
	labels bool
}

func (s *spans) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, sp := range s.items {
		x0 := max(trX(sp.from), c.Min.X)
		x1 := min(trX(sp.to), c.Max.X)
		if !(x1 > x0) {
			continue
		}
		c.FillPolygon(sp.fill, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
		if s.labels && sp.label != "" && x1-x0 > txt.Width(sp.label)+4 {
			st := txt
			st.Color = color.Gray{Y: 0x40}
			st.YAlign = draw.YTop
			c.FillText(st, vg.Point{X: x0 + 2, Y: c.Max.Y - 2}, sp.label)
		}
	}
}

// Thumbnail draws a legend swatch in the first span's fill.
func (s *spans) Thumbnail(c *draw.Canvas) {
	if len(s.items) == 0 {
		return
	}
	c.FillPolygon(s.items[0].fill, []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}})
}

// markers draws vertical lines at x positions, e.g. failovers.
type markers struct {
	at    []float64
	style draw.LineStyle
	// every: one in every markers is drawn, of total (thinMarkers)
	every, total int
}

func (m *markers) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, x := range m.at {
		px := trX(x)
		if !finite(x) || !c.ContainsX(px) {
			continue
		}
		c.StrokeLine2(m.style, px, c.Min.Y, px, c.Max.Y)
	}
}

// Thumbnail draws a short vertical line in a legend.
func (m *markers) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(m.style, x, c.Min.Y, x, c.Max.Y)
}

// rule draws a horizontal line across the data area at y.
type rule struct {
	y     float64
	style draw.LineStyle
}

func (r *rule) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(r.y)
	if c.ContainsY(y) {
		c.StrokeLine2(r.style, c.Min.X, y, c.Max.X, y)
	}
}

// DataRange stretches the y axis to the rule and leaves x alone.
func (r *rule) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), r.y, r.y
}

// Thumbnail draws a short horizontal line in a legend.
func (r *rule) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(r.style, c.Min.X, y, c.Max.X, y)
}

// phaseFill is the shade of a verdict phase: from light green (fine) to dark
// red (failed).
func phaseFill(phase string) color.NRGBA {
	switch phase {
	case result.PhaseStable, result.PhaseRecovered:
		return color.NRGBA{R: 0x4c, G: 0xaf, B: 0x50, A: 0x20}
	case result.PhaseNoOutput, result.PhaseOverload:
		return color.NRGBA{R: 0xff, G: 0xd0, B: 0x00, A: 0x48}
	case result.PhaseNeverCheckpointed:
		return color.NRGBA{R: 0xff, G: 0xc0, B: 0x20, A: 0x48}
	case result.PhaseFailover:
		return color.NRGBA{R: 0xff, G: 0xb0, B: 0x40, A: 0x48}
	case result.PhaseTimeouts:
		return color.NRGBA{R: 0xff, G: 0x8c, B: 0x00, A: 0x48}
	case result.PhaseFailoverLoop:
		return color.NRGBA{R: 0xe5, G: 0x28, B: 0x28, A: 0x40}
	case result.PhaseFailed:
		return color.NRGBA{R: 0x80, G: 0x00, B: 0x00, A: 0x60}
	}
	return color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0x30}
}
