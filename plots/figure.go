package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"path/filepath"
	"slices"

	"github.com/flinksim/flinksim/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// A Figure is a set of panels drawn as one image: stacked vertically, with a
// shared width and their data areas aligned, so time axes line up.
type Figure struct {
	title  string
	panels []*panel
	// svg is what WriteFiles wrote to name.svg, inlined by WriteIndex
	// rather than drawn again.
	svg []byte
}

// panel is one plot of a figure. Its legend and colour bar are drawn in a
// strip to the right of every panel's data area, never over the data.
type panel struct {
	plot   *plot.Plot
	legend []legendEntry
	bar    *colorBar
	spans  *spans // the verdict's phases, if shaded
	height vg.Length
	// what was drawn, for tests and debugging
	title string
	notes []string
	grid  *cells
}

type legendEntry struct {
	name  string
	thumb plot.Thumbnailer
}

const (
	figWidth    = 10 * vg.Inch
	panelHeight = 2.2 * vg.Inch
	titleHeight = 0.4 * vg.Inch
	minStrip    = 0.2 * vg.Inch
	margin      = 6  // points left of each panel and above its title
	barWidth    = 10 // points
	pngDPI      = 100
)

var (
	sans = font.Font{Typeface: "Liberation", Variant: "Sans"}
	// txt is the text style for everything drawn outside gonum's axes.
	txt = text.Style{Color: color.Black, Font: font.From(sans, 8), Handler: plot.DefaultTextHandler}
)

// newPlot is a plot in the house style: sans fonts, small ticks.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 10)
	p.Title.Padding = vg.Points(4)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 9)
		a.Tick.Label.Font = font.From(sans, 8)
		a.Tick.Length = vg.Points(4)
		a.Padding = vg.Points(2)
	}
	return p
}

func (f *Figure) add(p *panel) {
	if p.height == 0 {
		p.height = panelHeight
	}
	if p.title == "" {
		p.title = p.plot.Title.Text
	}
	f.panels = append(f.panels, p)
}

// Empty reports whether no panel had data; an empty figure draws as a
// short "no data" note.
func (f *Figure) Empty() bool { return f == nil || len(f.panels) == 0 }

func (f *Figure) size() (w, h vg.Length) {
	if f.Empty() {
		return figWidth, 1 * vg.Inch
	}
	if f.title != "" {
		h += titleHeight
	}
	for _, p := range f.panels {
		h += p.height
	}
	return figWidth, h
}

// SVG draws the figure as SVG. The same figure gives the same bytes every
// time: fonts come with gonum/plot and nothing depends on time or map order.
func (f *Figure) SVG() ([]byte, error) {
	w, h := f.size()
	c := vgsvg.New(w, h)
	if err := f.draw(draw.New(c)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// PNG draws the figure as a PNG image of the same size as the SVG.
func (f *Figure) PNG() ([]byte, error) {
	w, h := f.size()
	c, ctx := newPNGCanvas(w, h)
	rc := newRasterCanvas(c)
	rc.white = newWhiteFills(c.Image().(*image.RGBA), ctx)
	if err := f.draw(draw.New(rc)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// BestSpeed: 4 % larger than the default compression, in 60 % of the time
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, c.Image()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFiles writes dir/name.svg and dir/name.png, each to a temporary name
// in dir then renamed, so an interrupted run leaves nothing half-written.
// twin, unless nil, is a second figure built from the same data: the PNG
// (the slow one, rasterized) is drawn from it on a goroutine of its own
// while f draws the SVG. Drawing settles a plot's axes in place, so a
// figure is never drawn by two goroutines at once; a fresh figure draws
// the same bytes as one drawn before (TestDeterministic).
func (f *Figure) WriteFiles(dir, name string, twin *Figure) error {
	type drawn struct {
		png []byte
		err error
	}
	var pngDone chan drawn
	if twin != nil {
		pngDone = make(chan drawn, 1)
		go func() {
			png, err := twin.PNG()
			pngDone <- drawn{png, err}
		}()
	}
	svg, err := f.SVG()
	if err == nil {
		f.svg = svg
		err = writeAtomic(filepath.Join(dir, name+".svg"), svg)
	}
	var png drawn
	if twin != nil {
		png = <-pngDone // waited for even after an error: no drawing outlives the call
	} else if err == nil {
		png.png, png.err = f.PNG()
	}
	if err != nil {
		return err
	}
	if png.err != nil {
		return png.err
	}
	return writeAtomic(filepath.Join(dir, name+".png"), png.png)
}

// writeAtomic writes data through internal/atomicfile: a reader sees the
// old file or the new one, never a part.
func writeAtomic(path string, data []byte) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// draw lays the panels out top to bottom. gonum/plot panics on input it
// cannot draw; the builders guard against every case we know, and this
// turns anything left into an error rather than a crashed run.
func (f *Figure) draw(c draw.Canvas) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plots: drawing %q: %v", f.title, r)
		}
	}()
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	if f.Empty() {
		st := txt
		st.Font = font.From(sans, 12)
		st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
		c.FillText(st, c.Center(), "no data")
		return nil
	}
	top := c.Max.Y
	if f.title != "" {
		st := txt
		st.Font = font.From(sans, 13)
		st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
		c.FillText(st, vg.Point{X: c.Center().X, Y: top - titleHeight/2}, f.title)
		top -= titleHeight
	}
	strip := f.stripWidth()
	rows := make([]draw.Canvas, len(f.panels))
	for i, p := range f.panels {
		rows[i] = draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: c.Min.X + margin, Y: top - p.height},
			Max: vg.Point{X: c.Max.X - strip, Y: top - margin},
		}}
		top -= p.height
	}
	// Align the data areas: pad each panel on the left to the widest axis.
	var left, right vg.Length
	for i, p := range f.panels {
		d := p.plot.DataCanvas(rows[i])
		left = max(left, d.Min.X-rows[i].Min.X)
		right = max(right, rows[i].Max.X-d.Max.X)
	}
	for i, p := range f.panels {
		d := p.plot.DataCanvas(rows[i])
		rc := draw.Crop(rows[i], left-(d.Min.X-rows[i].Min.X), -(right - (rows[i].Max.X - d.Max.X)), 0, 0)
		p.plot.Draw(rc)
		d = p.plot.DataCanvas(rc)
		side := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: c.Max.X - strip + margin, Y: d.Min.Y},
			Max: vg.Point{X: c.Max.X, Y: d.Max.Y},
		}}
		if len(p.legend) > 0 {
			l := legendOf(fitLegend(p.legend, side.Max.Y-side.Min.Y))
			l.Draw(side)
			side.Max.Y -= l.Rectangle(side).Size().Y + 8 // a colour bar goes below
		}
		if p.bar != nil && side.Max.Y-side.Min.Y > 20 {
			p.bar.draw(side)
		}
	}
	return nil
}

// svgFontSlack widens the legend strip beyond the legend's width in
// Liberation Sans, the font gonum measures text with: a browser without
// it draws an SVG's text in its default sans serif, DejaVu Sans on most
// Linux systems, about 12 % wider, and the SVG cuts what passes its edge.
const svgFontSlack = 1.15

// stripWidth is the width of the right-hand strip: room for the widest
// legend or colour bar.
func (f *Figure) stripWidth() vg.Length {
	w := minStrip
	for _, p := range f.panels {
		if len(p.legend) > 0 {
			l := legendOf(p.legend)
			w = max(w, l.Rectangle(draw.Canvas{}).Size().X*svgFontSlack+2*margin)
		}
		if p.bar != nil {
			w = max(w, p.bar.width()+2*margin)
		}
	}
	return min(w, figWidth/3)
}

// legendOf is a legend in the house style. Long names are cut, so a run
// name cannot push the strip over the data.
func legendOf(es []legendEntry) plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(sans, 8)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(16)
	for _, e := range es {
		name := e.name
		if r := []rune(name); len(r) > maxLegendName {
			name = string(r[:maxLegendName-1]) + "…"
		}
		if e.thumb == nil {
			l.Add(name)
		} else {
			l.Add(name, e.thumb)
		}
	}
	return l
}

const maxLegendName = 40

// fitLegend keeps the entries that fit in height h, and says how many
// were left out, rather than running into the next panel.
func fitLegend(es []legendEntry, h vg.Length) []legendEntry {
	one := legendOf(es[:1])
	per := one.Rectangle(draw.Canvas{}).Size().Y
	fits := int(h / per)
	if len(es) <= fits || fits < 2 {
		return es
	}
	kept := slices.Clone(es[:fits-1])
	return append(kept, legendEntry{name: fmt.Sprintf("… %d more", len(es)-fits+1)})
}
