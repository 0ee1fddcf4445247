package plots

import (
	"bytes"
	"image"
	"image/color"
	"math"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot/vg"
)

// Opaque white painted over opaque white leaves the pixel as it is, at
// any coverage: freetype's painters (RGBAPainter, and gg's for a clip)
// blend d·(1−a) + s·a in integers that come to 0xff exactly when d and s
// are 0xff. The PNG canvas starts white, and the figure's background and
// each plot's are filled white over it: a quarter of the dashboard's
// raster time, for nothing. whiteFills skips a white fill whose pixels
// are all white already, after a check that costs a fraction of
// painting them.
type whiteFills struct {
	img   *image.RGBA
	ctx   *gg.Context // its transform places a path on the image
	white []bool      // per Push level: whether the colour is opaque white
	row   []byte      // a row of white pixels to compare with
	saved int         // fills skipped
}

func newWhiteFills(img *image.RGBA, ctx *gg.Context) *whiteFills {
	return &whiteFills{img: img, ctx: ctx, white: []bool{false},
		row: bytes.Repeat([]byte{0xff}, 4*img.Rect.Dx())}
}

func (w *whiteFills) push() { w.white = append(w.white, w.white[len(w.white)-1]) }
func (w *whiteFills) pop()  { w.white = w.white[:len(w.white)-1] }

func (w *whiteFills) setColor(c color.Color) {
	white := false
	if c != nil {
		r, g, b, a := c.RGBA()
		white = r == 0xffff && g == 0xffff && b == 0xffff && a == 0xffff
	}
	w.white[len(w.white)-1] = white
}

// skip reports whether filling p in the current colour would change no
// pixel: the colour is opaque white and so is every pixel within a pixel
// of p's bounds (the rasterizer rounds to 1/64 of one).
func (w *whiteFills) skip(p vg.Path, dpi float64) bool {
	if !w.white[len(w.white)-1] || len(p) == 0 {
		return false
	}
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, pc := range p {
		switch pc.Type {
		case vg.MoveComp, vg.LineComp:
			x, y := w.ctx.TransformPoint(pc.Pos.X.Dots(dpi), pc.Pos.Y.Dots(dpi))
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
		case vg.CloseComp:
		default:
			return false // arcs and curves: their bounds are not their points'
		}
	}
	if math.IsNaN(x0 + y0 + x1 + y1) {
		return false
	}
	b := w.img.Rect.Intersect(image.Rect(int(max(math.Floor(x0)-1, -1e9)), int(max(math.Floor(y0)-1, -1e9)),
		int(min(math.Ceil(x1)+1, 1e9)), int(min(math.Ceil(y1)+1, 1e9))))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := w.img.PixOffset(b.Min.X, y)
		if !bytes.Equal(w.img.Pix[i:i+4*b.Dx()], w.row[:4*b.Dx()]) {
			return false
		}
	}
	w.saved++
	return true
}
