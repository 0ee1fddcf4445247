package plots

import (
	"fmt"
	"html"
	"html/template"
	"image/color"
	"strings"
)

// Hand-written SVG for what gonum/plot does not draw: the job graph, the
// checkpoint breakdown and the runs' line swatches. Every text is escaped.

// svgText is a <text> element; anchor is start, middle or end.
func svgText(b *strings.Builder, x, y float64, anchor, style, text string) {
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="%s"%s>%s</text>`+"\n", x, y, anchor, styleAttr(style), html.EscapeString(text))
}

func styleAttr(style string) string {
	if style == "" {
		return ""
	}
	return ` style="` + html.EscapeString(style) + `"`
}

// hex is a colour as #rrggbb.
func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// blend moves from towards to by p (0..1), per channel, as Flink's web UI
// blends a vertex's colour.
func blend(from, to color.NRGBA, p float64) color.NRGBA {
	p = min(max(p, 0), 1)
	mix := func(a, b uint8) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*p + 0.5) }
	return color.NRGBA{mix(from.R, to.R), mix(from.G, to.G), mix(from.B, to.B), 0xff}
}

// svgOpen starts an <svg> of w × h user units, scaling to its container.
func svgOpen(b *strings.Builder, w, h float64, label string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="%s" font-family="Liberation Sans, Arial, Helvetica, sans-serif" font-size="12">`+"\n",
		w, h, w, h, html.EscapeString(label))
}

// runSwatch is a short line in run i's colour and dash pattern, as Compare
// draws it.
func runSwatch(i int) template.HTML {
	st := runStyle(i)
	var dash []string
	for _, d := range st.Dashes {
		dash = append(dash, fmt.Sprintf("%.1f", float64(d)*1.5))
	}
	attr := ""
	if len(dash) > 0 {
		attr = ` stroke-dasharray="` + strings.Join(dash, " ") + `"`
	}
	return template.HTML(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="60" height="12" role="img" aria-label="line of run %d">`+
		`<line x1="2" y1="6" x2="58" y2="6" stroke="%s" stroke-width="2"%s/></svg>`, i+1, hex(st.Color), attr))
}
