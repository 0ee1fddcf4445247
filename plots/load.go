package plots

import (
	"fmt"
	"image/color"

	"github.com/flinksim/flinksim/result"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// hotColor marks subtasks with more than 1.5 times the mean load.
var (
	loadColor = color.NRGBA{R: 0x4c, G: 0x78, B: 0xa8, A: 0xff}
	hotColor  = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
)

// loadPanels draw, for each keyed operator, its records per second per
// subtask, the mean over the samples it reported (not those while it was
// not deployed), as bars (hot subtasks in red, the mean as a
// line): where the load lands.
func (r *run) loadPanels() []*panel {
	var out []*panel
	for _, sk := range r.res.Summary.Skew {
		var rates []float64
		total := 0.0
		for j := 0; j < sk.Parallelism; j++ {
			v := r.mean(sk.Operator, j, result.MetricRecordsIn)
			rates = append(rates, v)
			total += v
		}
		if total <= 0 {
			continue
		}
		mean := total / float64(len(rates))
		p := newPlot(fmt.Sprintf("Records in per subtask: %s (max/mean %.2f)", sk.Operator, sk.Ratio))
		p.X.Label.Text = "subtask"
		p.Y.Tick.Marker = UnitRate
		pn := &panel{plot: p}
		normal, hot := make(plotter.Values, len(rates)), make(plotter.Values, len(rates))
		for j, v := range rates {
			if v > 1.5*mean {
				hot[j] = v
			} else {
				normal[j] = v
			}
		}
		for _, b := range []struct {
			vals  plotter.Values
			color color.Color
			name  string
		}{{normal, loadColor, "subtask"}, {hot, hotColor, "over 1.5× the mean"}} {
			bc, err := plotter.NewBarChart(b.vals, vg.Points(maxBarWidth))
			if err != nil {
				continue
			}
			bc.Color, bc.LineStyle.Width = b.color, 0
			bars := slotBars{bc}
			p.Add(bars)
			pn.legend = append(pn.legend, legendEntry{b.name, bars})
		}
		pn.addRule(fmt.Sprintf("mean %s", Format(UnitRate, mean)), mean, draw.LineStyle{Color: color.Black, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(2)}})
		p.Y.Min = 0
		p.X.Tick.Marker = subtaskTicks(len(rates))
		out = append(out, pn)
	}
	return out
}

// slotBars draw a bar per subtask, each inside its slot: subtask i owns
// [i-0.5, i+0.5] of the x axis, the data range spans every slot (not only
// the bars' centres, as gonum's BarChart does) and a bar is 0.8 of a slot
// wide as drawn, at most maxBarWidth. So the first and last bars lie
// wholly inside the data area, however wide the panel comes out and however
// many subtasks there are; a BarChart of a fixed width, ranged over its
// centres, had half of each outer bar outside the axes (its glyph boxes
// pad the canvas, not the axis range).
type slotBars struct{ *plotter.BarChart }

const maxBarWidth = 12 // points

// Plot implements plot.Plotter, with the width fitted to the slots drawn.
func (b slotBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	bc := *b.BarChart // a copy: drawing leaves the plot as it was
	bc.Width = min(0.8*(trX(1)-trX(0)), vg.Points(maxBarWidth))
	bc.Plot(c, p)
}

// DataRange implements plot.DataRanger: half a slot beyond the outer bars.
func (b slotBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = b.BarChart.DataRange()
	return xmin - 0.5, xmax + 0.5, ymin, ymax
}

// GlyphBoxes implements plot.GlyphBoxer: none, the bars stay within the
// data range, so there is nothing to pad for.
func (b slotBars) GlyphBoxes(*plot.Plot) []plot.GlyphBox { return nil }

// mean is a series' average over its samples with a value.
func (r *run) mean(op string, sub int, metric string) float64 {
	vals := r.series(op, sub, metric)
	sum, n := 0.0, 0
	for _, v := range vals {
		if finite(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// subtaskTicks labels about ten subtask indexes.
type subtaskTicks int

func (n subtaskTicks) Ticks(lo, hi float64) []plot.Tick {
	step := max(1, int(n)/10)
	var t []plot.Tick
	for i := 0; i < int(n); i += step {
		t = append(t, plot.Tick{Value: float64(i), Label: fmt.Sprint(i)})
	}
	return t
}
