package plots

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/flinksim/flinksim/result"
)

// Table is a table of already formatted cells (see Format); without a
// Header it has no header row.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// NamedFigure is a figure with a heading.
type NamedFigure struct {
	Title  string
	Figure *Figure
}

// Page is the content of an index.html: a title, the verdict, paragraphs,
// runs, tables, sections and figures, in that order.
type Page struct {
	Title string
	// Verdict, when set, is shown first and prominently: the outcome, why,
	// and the phases.
	Verdict  *result.Verdict
	Notes    []string
	Runs     []RunLink
	Tables   []Table
	Sections []Section
	Figures  []NamedFigure
}

// RunLink is one run of several (a variant): its name and outcome, a link
// to its own page (Href, relative; "" for none) and, when the page draws
// runs over each other, its line (Style: the run's index in Compare; -1
// for none).
type RunLink struct {
	Name, Description, Outcome, Why, Href string
	Style                                 int
}

// Section is a part of a page with an id to link to (#checkpoints): a
// heading, paragraphs, tables, then a drawing (SVG, from this package's
// builders, its texts escaped).
type Section struct {
	ID, Title string
	Notes     []string
	Tables    []Table
	SVG       template.HTML
}

// WriteIndex writes a self-contained HTML page to path (a temporary name,
// then renamed). Figures are inlined as SVG, not linked, so the page can be
// opened or attached as one file. Text is escaped; nil figures are skipped.
func WriteIndex(path string, p Page) error {
	type fig struct {
		Title string
		SVG   template.HTML
	}
	type runRow struct {
		RunLink
		Swatch template.HTML
	}
	data := struct {
		Page
		Inline  []fig
		RunRows []runRow
		Class   string
		Phases  string
		Lines   bool // some run has a line swatch
	}{Page: p}
	for _, r := range p.Runs {
		row := runRow{RunLink: r}
		if r.Style >= 0 {
			row.Swatch = runSwatch(r.Style)
			data.Lines = true
		}
		data.RunRows = append(data.RunRows, row)
	}
	if v := p.Verdict; v != nil {
		data.Class = verdictClass(v.Outcome)
		var ph []string
		for i, x := range v.Phases {
			if i+1 < len(v.Phases) && v.Phases[i+1].StartS <= x.StartS {
				continue // over as it began: the next phase says what the run did
			}
			ph = append(ph, x.Phase+" from "+Format(UnitSeconds, x.StartS))
		}
		data.Phases = strings.Join(ph, ", then ")
	}
	for _, nf := range p.Figures {
		if nf.Figure == nil {
			continue
		}
		svg := nf.Figure.svg // as WriteFiles wrote it
		if svg == nil {
			var err error
			if svg, err = nf.Figure.SVG(); err != nil {
				return fmt.Errorf("plots: figure %q: %w", nf.Title, err)
			}
		}
		// Drop the XML prologue: inside HTML the <svg> element stands alone.
		if i := bytes.Index(svg, []byte("<svg")); i > 0 {
			svg = svg[i:]
		}
		// The SVG is ours: vgsvg escapes every text it draws.
		data.Inline = append(data.Inline, fig{nf.Title, template.HTML(svg)})
	}
	var buf bytes.Buffer
	if err := indexTemplate.Execute(&buf, data); err != nil {
		return err
	}
	return writeAtomic(path, buf.Bytes())
}

// verdictClass is the verdict box's colour: stable green, a job that
// keeps running but writes nothing, falls behind, fails checkpoints or
// never completes one amber, one that fails over or failed red.
func verdictClass(outcome string) string {
	switch outcome {
	case result.PhaseStable:
		return "ok"
	case result.PhaseNoOutput, result.PhaseOverload, result.PhaseNeverCheckpointed, result.PhaseTimeouts:
		return "warn"
	case "":
		return "none"
	}
	return "bad"
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 1.5em auto; max-width: 76em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0; font-size: 0.9em; }
/* A table wider than the page scrolls in its own box, not the page. */
.scroll { overflow-x: auto; margin: 1em 0; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.8em; text-align: right; }
section td { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { background: #f4f4f4; }
figure { margin: 1em 0; }
figure svg, section svg { max-width: 100%; height: auto; }
/* Arial has Liberation Sans's metrics, for readers without the font. */
figure svg text, section svg text { font-family: "Liberation Sans", Arial, Helvetica, sans-serif !important; }
.verdict { border-left: 0.5em solid; padding: 0.6em 1em; margin: 1em 0; font-size: 1.05em; }
.verdict .outcome { font-size: 1.5em; font-weight: bold; text-transform: uppercase; margin-right: 0.5em; }
.verdict.ok { border-color: #009e73; background: #e6f5f0; }
.verdict.warn { border-color: #e69f00; background: #fdf3e0; }
.verdict.bad { border-color: #d55e00; background: #fbe9e0; }
.verdict.none { border-color: #999; background: #f4f4f4; }
.verdict .phases { font-size: 0.9em; color: #444; margin-top: 0.3em; }
td.outcome { font-weight: bold; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{with .Verdict}}<div class="verdict {{$.Class}}" id="verdict">
<span class="outcome">{{if .Outcome}}{{.Outcome}}{{else}}no verdict{{end}}</span>{{.Why}}
{{- if $.Phases}}<div class="phases">{{$.Phases}}</div>{{end}}
</div>
{{end}}{{range .Notes}}<p>{{.}}</p>
{{end}}{{if .RunRows}}<div class="scroll"><table id="runs">
<caption>runs</caption>
<thead><tr><th>run</th><th>outcome</th><th>why</th>{{if .Lines}}<th>line</th>{{end}}<th>page</th></tr></thead>
<tbody>
{{range .RunRows}}<tr><td title="{{.Description}}">{{.Name}}</td><td class="outcome">{{.Outcome}}</td><td style="text-align:left">{{.Why}}</td>{{if $.Lines}}<td>{{.Swatch}}</td>{{end}}<td>{{if .Href}}<a href="{{.Href}}">{{.Href}}</a>{{end}}</td></tr>
{{end}}</tbody>
</table></div>
{{end}}{{range .Tables}}{{template "table" .}}{{end}}{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{range .Notes}}<p>{{.}}</p>
{{end}}{{range .Tables}}{{template "table" .}}{{end}}{{.SVG}}</section>
{{end}}{{range .Inline}}<figure>
{{- if .Title}}<h2>{{.Title}}</h2>{{end}}
{{.SVG}}</figure>
{{end}}</body>
</html>
{{define "table"}}<div class="scroll"><table>
{{- if .Caption}}<caption>{{.Caption}}</caption>{{end}}
{{- if .Header}}
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>{{end}}
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
{{end}}`))
