package plots

import (
	"bytes"
	"image"
	stddraw "image/draw"
	"math"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// PNG draws the figure as a PNG image of the same size as the SVG.
// Rasterizing the panels' lines is the slow part of writing a run's
// outputs, so each panel is rasterized on an image of its own band at the
// same time, and the bands are then put together: the panels are
// independent plots, and a band's edges fall on whole pixels (else the
// figure is drawn in one piece).
func (f *Figure) PNG() ([]byte, error) {
	w, h := f.size()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))
	var err error
	if f.Empty() || len(f.panels) < 2 || !f.onPixels() {
		err = f.draw(draw.New(c))
	} else {
		err = f.drawBands(c)
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pixels is a length in points as pixels of the PNG.
func pixels(l vg.Length) float64 { return float64(l/vg.Inch) * pngDPI }

// onPixels reports whether every panel's band starts and ends on a whole
// pixel.
func (f *Figure) onPixels() bool {
	whole := func(l vg.Length) bool { px := pixels(l); return math.Abs(px-math.Round(px)) < 1e-6 }
	if !whole(titleHeight) {
		return false
	}
	for _, p := range f.panels {
		if !whole(p.height) {
			return false
		}
	}
	return true
}

// drawBands draws the frame on c and each panel on a canvas of its band,
// concurrently, then copies the bands into c's image.
func (f *Figure) drawBands(c *vgimg.Canvas) (err error) {
	defer f.recovered(&err)
	full := draw.New(c)
	rows, _ := f.drawFrame(full)
	al := f.align(rows)
	bands := make([]*vgimg.Canvas, len(f.panels))
	var g errgroup.Group
	for i, p := range f.panels {
		g.Go(func() (err error) {
			defer f.recovered(&err)
			b := vgimg.NewWith(vgimg.UseWH(full.Max.X-full.Min.X, p.height), vgimg.UseDPI(pngDPI))
			bottom := rows[i].Max.Y + margin - p.height // the band's bottom on c
			bc := draw.New(b)
			row := draw.Canvas{Canvas: b, Rectangle: vg.Rectangle{
				Min: vg.Point{X: rows[i].Min.X, Y: rows[i].Min.Y - bottom},
				Max: vg.Point{X: rows[i].Max.X, Y: rows[i].Max.Y - bottom},
			}}
			p.draw(bc, row, al)
			bands[i] = b
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	dst := c.Image()
	y := int(math.Round(pixels(full.Max.Y - rows[0].Max.Y - margin)))
	for _, b := range bands {
		img := b.Image()
		size := img.Bounds().Size()
		stddraw.Draw(dst, image.Rect(0, y, size.X, y+size.Y), img, img.Bounds().Min, stddraw.Src)
		y += size.Y
	}
	return nil
}
