package plots

import (
	"image"
	"image/color"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// newPNGCanvas is vgimg.NewWith(UseWH(w, h), UseDPI(pngDPI)) without its
// copy of the blank image (gg.NewContextForImage copies any image it is
// given; 5 MB for the dashboard): the context draws on the image itself,
// set up as NewWith sets up its own. It returns the context too.
func newPNGCanvas(w, h vg.Length) (*vgimg.Canvas, *gg.Context) {
	px := func(l vg.Length) int { return int(l/vg.Inch*pngDPI + 0.5) }
	img := image.NewRGBA(image.Rect(0, 0, px(w), px(h)))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	return vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(pngDPI)), ctx
}

// strokePiece is the most segments of a solid polyline stroked at once on
// the PNG canvas. gonum's PNG canvas rasterizes with freetype's Rasterizer,
// which keeps each pixel row's cells in a list and walks it for every cell
// it adds: one stroke of a jagged line of n segments costs n² when it
// crosses the same rows n times (a noisy series of 2000 points took 60 %
// of the dashboard's PNG time). Pieces of this many segments cost n×64.
const strokePiece = 64

// rasterCanvas is the PNG canvas with long solid polylines stroked in
// pieces of strokePiece segments that share their end points. A pixel
// where two pieces meet is painted by both, so its anti-aliased edge is a
// shade darker; dashed lines are stroked whole, so that their pattern does
// not restart at every piece.
type rasterCanvas struct {
	*vgimg.Canvas
	dashed []bool      // per Push level: whether the current line is dashed
	white  *whiteFills // nil: every fill is painted
}

func newRasterCanvas(c *vgimg.Canvas) *rasterCanvas {
	return &rasterCanvas{Canvas: c, dashed: []bool{false}}
}

func (c *rasterCanvas) SetLineDash(ds []vg.Length, offs vg.Length) {
	c.dashed[len(c.dashed)-1] = len(ds) > 0
	c.Canvas.SetLineDash(ds, offs)
}

func (c *rasterCanvas) Push() {
	c.dashed = append(c.dashed, c.dashed[len(c.dashed)-1])
	if c.white != nil {
		c.white.push()
	}
	c.Canvas.Push()
}

func (c *rasterCanvas) Pop() {
	c.dashed = c.dashed[:len(c.dashed)-1]
	if c.white != nil {
		c.white.pop()
	}
	c.Canvas.Pop()
}

func (c *rasterCanvas) SetColor(clr color.Color) {
	if c.white != nil {
		c.white.setColor(clr)
	}
	c.Canvas.SetColor(clr)
}

// Fill fills p, unless that would change no pixel (whitefill.go).
func (c *rasterCanvas) Fill(p vg.Path) {
	if c.white != nil && c.white.skip(p, c.DPI()) {
		return
	}
	c.Canvas.Fill(p)
}

// Stroke strokes p, in pieces when it is a long solid polyline: one move
// followed by lines only.
func (c *rasterCanvas) Stroke(p vg.Path) {
	if c.dashed[len(c.dashed)-1] || len(p) <= strokePiece+1 || !polyline(p) {
		c.Canvas.Stroke(p)
		return
	}
	for _, piece := range pieces(p, strokePiece) {
		c.Canvas.Stroke(piece)
	}
}

// pieces cuts the polyline p into polylines of at most n segments, each
// starting where the one before it ends.
func pieces(p vg.Path, n int) []vg.Path {
	var out []vg.Path
	for lo := 0; lo < len(p)-1; lo += n {
		hi := min(lo+n+1, len(p))
		piece := make(vg.Path, 0, hi-lo)
		piece.Move(p[lo].Pos)
		for _, pc := range p[lo+1 : hi] {
			piece.Line(pc.Pos)
		}
		out = append(out, piece)
	}
	return out
}

// polyline reports whether p is a move followed by straight lines.
func polyline(p vg.Path) bool {
	if p[0].Type != vg.MoveComp {
		return false
	}
	for _, pc := range p[1:] {
		if pc.Type != vg.LineComp {
			return false
		}
	}
	return true
}
