package plots

import (
	"image"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// zigzag is a polyline of n segments, each 5 pt right and 5 pt up or
// down: neighbouring segments meet at right angles.
func zigzag(n int) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: 10, Y: 10})
	for i := 1; i <= n; i++ {
		p.Line(vg.Point{X: 10 + vg.Length(5*i), Y: vg.Length(10 + 5*(i%2))})
	}
	return p
}

func TestPiecesCoverThePolyline(t *testing.T) {
	for _, segs := range []int{1, 63, 64, 65, 128, 200} {
		p := zigzag(segs)
		got := pieces(p, 64)
		if want := (segs + 63) / 64; len(got) != want {
			t.Errorf("%d segments: %d pieces, want %d", segs, len(got), want)
		}
		var joined []vg.Point
		for i, pc := range got {
			if len(pc) > 65 || len(pc) < 2 {
				t.Errorf("%d segments: piece %d has %d points, want 2 to 65", segs, i, len(pc))
			}
			if i > 0 && pc[0].Pos != joined[len(joined)-1] {
				t.Errorf("%d segments: piece %d starts at %v, not where piece %d ends", segs, i, pc[0].Pos, i-1)
			}
			start := 1
			if i == 0 {
				start = 0
			}
			for _, c := range pc[start:] {
				joined = append(joined, c.Pos)
			}
		}
		if len(joined) != len(p) {
			t.Fatalf("%d segments: pieces hold %d points, want %d", segs, len(joined), len(p))
		}
		for i := range p {
			if joined[i] != p[i].Pos {
				t.Errorf("%d segments: point %d is %v, want %v", segs, i, joined[i], p[i].Pos)
			}
		}
	}
}

// draw strokes p on a fresh 400×200 pt canvas, through the raster canvas
// when split, and returns its pixels.
func strokeImage(p vg.Path, split bool, dashes []vg.Length) *image.RGBA {
	img := vgimg.NewWith(vgimg.UseWH(400, 200), vgimg.UseDPI(72))
	var c vg.Canvas = img
	if split {
		c = newRasterCanvas(img)
	}
	c.Push()
	c.SetLineWidth(1.2)
	c.SetLineDash(dashes, 0)
	c.Stroke(p)
	c.Pop()
	return img.Image().(*image.RGBA)
}

func differing(a, b *image.RGBA) int {
	n := 0
	for i := 0; i+3 < len(a.Pix); i += 4 {
		if a.Pix[i] != b.Pix[i] || a.Pix[i+1] != b.Pix[i+1] || a.Pix[i+2] != b.Pix[i+2] {
			n++
		}
	}
	return n
}

// A line stroked in pieces differs from one stroked whole only around
// the points where pieces meet; a dashed line is stroked whole.
func TestRasterCanvasStrokesInPieces(t *testing.T) {
	// two pieces, which meet at one point and overlap nowhere else
	p := zigzag(76)
	whole, split := strokeImage(p, false, nil), strokeImage(p, true, nil)
	// at the joint both pieces paint the pixels under the line's width
	// (1.2 pt) and its anti-aliased edge: a few pixels each way, and at
	// least one, or the line was not cut
	if n, most := differing(whole, split), 5*5; n == 0 || n > most {
		t.Errorf("%d pixels differ, want 1 to %d (one joint of 5×5)", n, most)
	}
	dashes := []vg.Length{4, 2}
	if n := differing(strokeImage(p, false, dashes), strokeImage(p, true, dashes)); n != 0 {
		t.Errorf("dashed: %d pixels differ, want the line stroked whole", n)
	}
}

// newPNGCanvas draws what vgimg.NewWith's canvas of the same size draws.
func TestPNGCanvasIsVgimgsWithoutTheCopy(t *testing.T) {
	w, h := vg.Length(300), vg.Length(150)
	ours, _ := newPNGCanvas(w, h)
	theirs := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))
	for _, c := range []vg.Canvas{ours, theirs} {
		c.SetLineWidth(2)
		c.Stroke(zigzag(40))
		var box vg.Path
		box.Move(vg.Point{X: 20, Y: 60})
		box.Line(vg.Point{X: 120, Y: 60})
		box.Line(vg.Point{X: 120, Y: 140})
		box.Close()
		c.Fill(box)
	}
	a, b := ours.Image().(*image.RGBA), theirs.Image().(*image.RGBA)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("image %v, want vgimg's %v", a.Bounds(), b.Bounds())
	}
	if n := differing(a, b); n != 0 {
		t.Errorf("%d pixels differ from vgimg's canvas", n)
	}
}
