package plots

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The PNG drawn band by band is the figure drawn in one piece: each band
// lands at its place (a band off by one pixel would move every edge of its
// panel), up to the rasterizer's rounding of coordinates shifted by the
// band's offset, a few pixels along anti-aliased lines.
func TestPNGBandsAreTheWholeFigure(t *testing.T) {
	f := Dashboard(synth(synthOpts{samples: 40, step: 10, par: 3, checkpoints: true, hot: -1}))
	if len(f.panels) < 2 || !f.onPixels() {
		t.Fatalf("the dashboard has %d panels, on pixels %v: not drawn in bands", len(f.panels), f.onPixels())
	}
	banded, err := f.PNG()
	if err != nil {
		t.Fatal(err)
	}
	w, h := f.size()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))
	if err := Dashboard(synth(synthOpts{samples: 40, step: 10, par: 3, checkpoints: true, hot: -1})).draw(draw.New(c)); err != nil {
		t.Fatal(err)
	}
	a, err := png.Decode(bytes.NewReader(banded))
	if err != nil {
		t.Fatal(err)
	}
	b := c.Image()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("banded %v, whole %v", a.Bounds(), b.Bounds())
	}
	differ, total := 0, a.Bounds().Dx()*a.Bounds().Dy()
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if channelsApart(a, b, x, y) > 32 {
				differ++
			}
		}
	}
	if differ > total/1000 {
		t.Errorf("%d of %d pixels differ by more than 32 levels between the banded and the whole drawing", differ, total)
	}
}

// channelsApart is the largest difference of a colour channel at (x, y),
// in 8-bit levels.
func channelsApart(a, b image.Image, x, y int) int {
	r1, g1, b1, _ := a.At(x, y).RGBA()
	r2, g2, b2, _ := b.At(x, y).RGBA()
	d := 0
	for _, p := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}} {
		d = max(d, abs(int(p[0]>>8)-int(p[1]>>8)))
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
