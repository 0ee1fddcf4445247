package plots

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// shapeRecorder is an SVG canvas that also keeps the horizontal extent of
// every shape filled or stroked in one of the given colours (a stroke's
// widened by half its line width).
type shapeRecorder struct {
	*vgsvg.Canvas
	colors  []color.Color
	current color.Color
	width   vg.Length
	shapes  [][2]vg.Length // min and max x of each shape
}

func (r *shapeRecorder) SetColor(c color.Color) {
	r.current = c
	r.Canvas.SetColor(c)
}

func (r *shapeRecorder) SetLineWidth(w vg.Length) {
	r.width = w
	r.Canvas.SetLineWidth(w)
}

func (r *shapeRecorder) Fill(path vg.Path) {
	r.Canvas.Fill(path)
	r.record(path, 0)
}

func (r *shapeRecorder) Stroke(path vg.Path) {
	r.Canvas.Stroke(path)
	r.record(path, r.width/2)
}

func (r *shapeRecorder) record(path vg.Path, pad vg.Length) {
	for _, c := range r.colors {
		if r.current != nil && sameColor(r.current, c) {
			lo, hi := vg.Length(math.Inf(1)), vg.Length(math.Inf(-1))
			for _, pc := range path {
				if pc.Type == vg.MoveComp || pc.Type == vg.LineComp {
					lo, hi = min(lo, pc.Pos.X), max(hi, pc.Pos.X)
				}
			}
			r.shapes = append(r.shapes, [2]vg.Length{lo - pad, hi + pad})
			return
		}
	}
}

func sameColor(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

// TestLoadBarsInsideTheAxes: every bar of the load per subtask lies wholly
// inside the data area, the first and last ones too (half of each was
// outside: the axis ran from the first bar's centre to the last one's),
// bars do not overlap, and the ticks stay on subtask indexes. Checked for
// a few subtask counts, at the dashboard's width and at a narrow one.
func TestLoadBarsInsideTheAxes(t *testing.T) {
	const eps = 0.01 // points
	for _, n := range []int{1, 2, 7, 50, 300} {
		for _, width := range []vg.Length{figWidth - 2*vg.Inch, 4 * vg.Inch} {
			t.Run(fmt.Sprintf("%d subtasks, %.0fpt", n, width), func(t *testing.T) {
				res := synth(synthOpts{samples: 40, step: 10, par: n, hot: -1})
				res.Summary.Skew = []result.SkewSummary{{Operator: "window", Parallelism: n, Ratio: 1}}
				if n > 1 { // one hot subtask, so both colours are drawn
					for i, s := range res.Series {
						if s.Operator == "window" && s.Subtask == n-1 && s.Metric == result.MetricRecordsIn {
							res.Series[i].Values = scaled(s.Values, float64(n))
						}
					}
				}
				pn := panelNamed(t, Dashboard(res), "Records in per subtask")
				rec := &shapeRecorder{Canvas: vgsvg.New(width, panelHeight), colors: []color.Color{loadColor, hotColor}}
				c := draw.New(rec)
				data := pn.plot.DataCanvas(c)
				pn.plot.Draw(c)
				if len(rec.shapes) != 2*n { // a normal and a hot bar per subtask, one of them empty
					t.Fatalf("%d bars drawn, want %d", len(rec.shapes), 2*n)
				}
				for i, f := range rec.shapes {
					if f[0] < data.Min.X-eps || f[1] > data.Max.X+eps {
						t.Errorf("bar %d spans x %.2f to %.2f, outside the data area %.2f to %.2f", i%n, f[0], f[1], data.Min.X, data.Max.X)
					}
					if !(f[1] > f[0]) {
						t.Errorf("bar %d has no width (%.3f to %.3f)", i%n, f[0], f[1])
					}
					if j := i % n; j > 0 && f[0] < rec.shapes[i-1][1]-eps {
						t.Errorf("bar %d (from %.2f) overlaps bar %d (to %.2f)", j, f[0], j-1, rec.shapes[i-1][1])
					}
				}
				x := pn.plot.X
				if x.Min > -0.5 || x.Max < float64(n)-0.5 {
					t.Errorf("x axis %g to %g, want at least -0.5 to %g: half a slot beyond the outer subtasks", x.Min, x.Max, float64(n)-0.5)
				}
				ticks := x.Tick.Marker.Ticks(x.Min, x.Max)
				if len(ticks) == 0 || ticks[0].Value != 0 || ticks[0].Label != "0" {
					t.Fatalf("ticks %v, want the first at subtask 0", ticks)
				}
				for _, tk := range ticks {
					if tk.Value != math.Trunc(tk.Value) || tk.Value < 0 || tk.Value > float64(n-1) || tk.Label != fmt.Sprint(tk.Value) {
						t.Errorf("tick %v is not on a subtask index", tk)
					}
				}
			})
		}
	}
}

func scaled(v []float64, k float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = v[i] * k
	}
	return out
}
