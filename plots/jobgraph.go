package plots

import (
	"fmt"
	"html"
	"html/template"
	"image/color"
	"math"
	"strings"

	"github.com/flinksim/flinksim/result"
)

// Flink's web UI colours a job vertex (flink-runtime-web, the dagre node
// component): its default blue blended toward red by the busy share, then
// toward grey by the backpressured share, the border likewise; both
// shares are the vertex's busiest or most backpressured subtask's.
var (
	nodeIdle          = color.NRGBA{0x5d, 0xb1, 0xff, 0xff}
	nodeBusy          = color.NRGBA{0xee, 0x64, 0x64, 0xff}
	nodeBackpressured = color.NRGBA{0x88, 0x88, 0x88, 0xff}
	borderIdle        = color.NRGBA{0x18, 0x90, 0xff, 0xff}
	borderBusy        = color.NRGBA{0xee, 0x22, 0x22, 0xff}
	borderBackpress   = color.NRGBA{0x00, 0x00, 0x00, 0xff}
)

// Job graph layout, in SVG user units.
const (
	jgBoxW, jgBoxH = 230.0, 92.0
	jgGapX, jgGapY = 90.0, 28.0
	jgMargin       = 12.0
	jgLegendH      = 34.0
	jgNameChars    = 34 // characters per line of a task's name
)

// vertex is a task of the plan with what the UI shows on it.
type vertex struct {
	node        result.PlanNode
	busy, bp    float64 // ms/s of the busiest, most backpressured subtask
	rank, slot  int     // column (longest path from a source) and row in it
	x, y        float64 // top left
	known       bool    // busy and backpressured time are known
	task        string  // the task's name
	name        []string
	parallelism int
}

// JobGraph draws the run's job graph as Flink's web UI does: a box per task
// with its name (the UI's node shows the vertex's name once it has the job's
// details, its plan description before) and parallelism, coloured by its busy and backpressured
// time over the run (the busiest and most backpressured subtask's, as the
// UI's "Busy (max)" and "Backpressured (max)"), left to right along the
// edges, each edge labelled with its ship strategy. Empty without a plan
// (summary.json written before it had one).
func JobGraph(res *result.Result) template.HTML {
	if res == nil || res.Summary.Plan == nil || len(res.Summary.Plan.Nodes) == 0 {
		return ""
	}
	vs := layoutPlan(res)
	cols, rows := 0, 0
	for _, v := range vs {
		cols, rows = max(cols, v.rank+1), max(rows, v.slot+1)
	}
	w := 2*jgMargin + float64(cols)*jgBoxW + float64(cols-1)*jgGapX
	h := 2*jgMargin + float64(rows)*jgBoxH + float64(rows-1)*jgGapY
	var b strings.Builder
	svgOpen(&b, max(w, 640), h+jgLegendH, "job graph")
	b.WriteString(`<defs><marker id="jg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>` + "\n")
	byID := map[string]*vertex{}
	for _, v := range vs {
		byID[v.node.ID] = v
	}
	for _, v := range vs {
		for _, in := range v.node.Inputs {
			if from := byID[in.ID]; from != nil {
				jobEdge(&b, from, v, in.ShipStrategy)
			}
		}
	}
	for _, v := range vs {
		jobVertex(&b, v)
	}
	jobLegend(&b, h)
	b.WriteString("</svg>\n")
	return template.HTML(b.String())
}

// layoutPlan places each task in the column of its longest path from a
// source, rows in plan order.
func layoutPlan(res *result.Result) []*vertex {
	nodes := res.Summary.Plan.Nodes
	var vs []*vertex
	index := map[string]int{}
	for i, n := range nodes {
		v := &vertex{node: n, parallelism: n.Parallelism, task: descriptionText(n.Description, " ")}
		for _, o := range res.Summary.Operators {
			if result.VertexID(o.Task) == n.ID {
				v.known, v.task = true, o.Task
				v.busy = max(v.busy, o.MaxSubtaskBusyMsPerS)
				v.bp = max(v.bp, o.MaxSubtaskBackpressuredMsPerS)
			}
		}
		v.name = wrapName(v.task, jgNameChars, 2)
		vs = append(vs, v)
		index[n.ID] = i
	}
	// Longest path by relaxation; a cycle (not a job graph) stops at len.
	for range vs {
		changed := false
		for _, v := range vs {
			for _, in := range v.node.Inputs {
				if j, ok := index[in.ID]; ok && vs[j].rank+1 > v.rank && vs[j].rank+1 < len(vs) {
					v.rank, changed = vs[j].rank+1, true
				}
			}
		}
		if !changed {
			break
		}
	}
	used := map[int]int{}
	for _, v := range vs {
		v.slot = used[v.rank]
		used[v.rank]++
		v.x = jgMargin + float64(v.rank)*(jgBoxW+jgGapX)
		v.y = jgMargin + float64(v.slot)*(jgBoxH+jgGapY)
	}
	return vs
}

// descriptionText is a plan description as text, lines joined by sep: its
// "<br/>" line breaks and HTML entities read back (as the web UI's
// decodeHTML reads them).
func descriptionText(desc, sep string) string {
	lines := strings.Split(strings.TrimSuffix(desc, "<br/>"), "<br/>")
	return html.UnescapeString(strings.Join(lines, sep))
}

// wrapName breaks a task name into at most lines lines of about width
// characters, at " -> " or spaces, the last cut with an ellipsis.
func wrapName(name string, width, lines int) []string {
	words := strings.Fields(name)
	var out []string
	cur := ""
	for _, w := range words {
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	for i, l := range out {
		if r := []rune(l); len(r) > width {
			out[i] = string(r[:width-1]) + "…"
		}
	}
	if len(out) > lines {
		last := []rune(out[lines-1])
		if len(last) > width-1 {
			last = last[:width-1]
		}
		out = append(out[:lines-1], string(last)+"…")
	}
	return out
}

func jobVertex(b *strings.Builder, v *vertex) {
	fill, stroke := nodeIdle, borderIdle
	if v.known {
		fill = blend(blend(nodeIdle, nodeBusy, v.busy/1000), nodeBackpressured, v.bp/1000)
		stroke = blend(blend(borderIdle, borderBusy, v.busy/1000), borderBackpress, v.bp/1000)
	}
	fmt.Fprintf(b, `<g class="vertex" data-task="%s">`, template.HTMLEscapeString(v.task))
	fmt.Fprintf(b, `<title>%s</title>`, template.HTMLEscapeString(descriptionText(v.node.Description, "\n")))
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.0f" height="%.0f" rx="4" fill="%s" stroke="%s" stroke-width="2"/>`+"\n",
		v.x, v.y, jgBoxW, jgBoxH, hex(fill), hex(stroke))
	y := v.y + 18
	for _, l := range v.name {
		svgText(b, v.x+jgBoxW/2, y, "middle", "font-weight:bold", l)
		y += 15
	}
	y = v.y + 50
	svgText(b, v.x+jgBoxW/2, y, "middle", "", fmt.Sprintf("Parallelism: %d", v.parallelism))
	if v.known {
		svgText(b, v.x+jgBoxW/2, y+15, "middle", "", "Busy (max): "+percent(v.busy))
		svgText(b, v.x+jgBoxW/2, y+30, "middle", "", "Backpressured (max): "+percent(v.bp))
	}
	b.WriteString("</g>\n")
}

// percent prints ms/s as the UI's whole percent.
func percent(msPerS float64) string {
	if !finite(msPerS) {
		return "N/A"
	}
	return fmt.Sprintf("%d%%", int(math.Round(min(max(msPerS/10, 0), 100))))
}

// jobEdge draws an arrow from the right of one box to the left of the
// other (or, to an earlier or the same column, below them), labelled with
// the ship strategy.
func jobEdge(b *strings.Builder, from, to *vertex, ship string) {
	x1, y1 := from.x+jgBoxW, from.y+jgBoxH/2
	x2, y2 := to.x, to.y+jgBoxH/2
	path := fmt.Sprintf("M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x1, y1, x1+jgGapX/2, y1, x2-jgGapX/2, y2, x2, y2)
	if to.rank <= from.rank {
		x1, y1 = from.x+jgBoxW/2, from.y+jgBoxH
		x2, y2 = to.x+jgBoxW/2, to.y+jgBoxH
		path = fmt.Sprintf("M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x1, y1, x1, y1+jgGapY, x2, y2+jgGapY, x2, y2)
	}
	fmt.Fprintf(b, `<path class="edge" d="%s" fill="none" stroke="#555" stroke-width="1.5" marker-end="url(#jg-arrow)"/>`+"\n", path)
	mx, my := (x1+x2)/2, (y1+y2)/2
	lw := float64(len(ship))*7 + 8
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.0f" height="16" fill="#fff" stroke="#bbb" rx="2"/>`+"\n", mx-lw/2, my-9, lw)
	svgText(b, mx, my+3, "middle", "font-size:11px", ship)
}

// jobLegend explains the colours below the graph.
func jobLegend(b *strings.Builder, top float64) {
	x := jgMargin
	y := top + 8
	for _, e := range []struct {
		c    color.NRGBA
		text string
	}{{nodeIdle, "idle"}, {nodeBusy, "busy"}, {nodeBackpressured, "backpressured"}} {
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="14" height="14" fill="%s"/>`+"\n", x, y, hex(e.c))
		svgText(b, x+19, y+11, "start", "", e.text)
		x += 30 + float64(len(e.text))*7
	}
	svgText(b, x+8, y+11, "start", "fill:#555", "blended by the share of time, as Flink's web UI colours a vertex")
}
