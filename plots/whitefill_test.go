package plots

import (
	"image"
	"testing"

	"gonum.org/v1/plot/vg/draw"
)

// Skipping white fills over white changes no pixel of the dashboard or a
// comparison, and skips some.
func TestWhiteFillsChangeNoPixel(t *testing.T) {
	a := synth(synthOpts{samples: 360, step: 10, par: 2, checkpoints: true, failovers: 1, hot: -1})
	b := synth(synthOpts{samples: 300, step: 10, par: 2, failovers: 3, hot: -1})
	figures := map[string]func() *Figure{
		"dashboard": func() *Figure { return Dashboard(full()) },
		"compare":   func() *Figure { return Compare([]Run{{"baseline", a}, {"", b}}) },
	}
	for name, fig := range figures {
		raster := func(skip bool) (*image.RGBA, int) {
			f := fig()
			w, h := f.size()
			c, ctx := newPNGCanvas(w, h)
			rc := newRasterCanvas(c)
			if skip {
				rc.white = newWhiteFills(c.Image().(*image.RGBA), ctx)
			}
			if err := f.draw(draw.New(rc)); err != nil {
				t.Fatal(err)
			}
			if rc.white == nil {
				return c.Image().(*image.RGBA), 0
			}
			return c.Image().(*image.RGBA), rc.white.saved
		}
		painted, _ := raster(false)
		skipped, saved := raster(true)
		if n := differing(painted, skipped); n != 0 {
			t.Errorf("%s: %d pixels differ", name, n)
		}
		if saved == 0 {
			t.Errorf("%s: no fill skipped", name)
		}
	}
}
