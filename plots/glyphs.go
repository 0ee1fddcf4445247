package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// gonum pads a plot's data area so that its outermost glyph boxes fit
// (plot.padX and padY): of every box in [0, 1] on both axes, the one
// furthest left, right, down and up, the first of equals. A line lists a
// box per point, all the same size (half its width around the point), so
// only its points nearest the edges can be picked; a line of 2000 points
// drawn for the SVG and the PNG made 8 slices of 2000 boxes. edgeLine
// lists only those points, every one within edgeTolerance of an extreme
// (far below what tells two boxes apart once scaled to the canvas, so the
// first of equals is among them), and the padding is the same.
type edgeLine struct{ *plotter.Line }

const edgeTolerance = 1e-9

// GlyphBoxes implements plot.GlyphBoxer.
func (l edgeLine) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	// The points normalized once; those plot.GlyphBoxes would drop as NaN.
	pts := make([]vg.Point, l.XYs.Len())
	loX, hiX, loY, hiY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range pts {
		x, y := l.XY(i)
		x, y = p.X.Norm(x), p.Y.Norm(y)
		if x >= 0 && x <= 1 && y >= 0 && y <= 1 { // what plot.GlyphBoxes keeps
			loX, hiX, loY, hiY = min(loX, x), max(hiX, x), min(loY, y), max(hiY, y)
		} else {
			x, y = math.NaN(), math.NaN() // never near an extreme
		}
		pts[i] = vg.Point{X: vg.Length(x), Y: vg.Length(y)}
	}
	r := 0.5 * l.LineStyle.Width
	rect := vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}}
	var bs []plot.GlyphBox
	for _, pt := range pts {
		x, y := float64(pt.X), float64(pt.Y)
		if x <= loX+edgeTolerance || x >= hiX-edgeTolerance || y <= loY+edgeTolerance || y >= hiY-edgeTolerance {
			bs = append(bs, plot.GlyphBox{X: x, Y: y, Rectangle: rect})
		}
	}
	return bs
}
