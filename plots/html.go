package plots

import (
	"bytes"
	"fmt"
	"html/template"
)

// Table is a table of already formatted cells (see Format).
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

// Page is the content of an index.html: a title, paragraphs, tables and
// figures, in that order.
type Page struct {
	Title   string
	Notes   []string
	Tables  []Table
	Figures []NamedFigure
}

// WriteIndex writes a self-contained HTML page to path (a temporary name,
// then renamed). Figures are inlined as SVG, not linked, so the page can be
// opened or attached as one file. Text is escaped; nil figures are skipped.
func WriteIndex(path string, p Page) error {
	type fig struct {
		Title string
		SVG   template.HTML
	}
	data := struct {
		Page
		Inline []fig
	}{Page: p}
	for _, nf := range p.Figures {
		if nf.Figure == nil {
			continue
		}
		svg, err := nf.Figure.SVG()
		if err != nil {
			return fmt.Errorf("plots: figure %q: %w", nf.Title, err)
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
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.8em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f4f4f4; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
/* Arial has Liberation Sans's metrics, for readers without the font. */
figure svg text { font-family: "Liberation Sans", Arial, Helvetica, sans-serif !important; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{range .Notes}}<p>{{.}}</p>
{{end}}{{range .Tables}}<table>
{{- if .Caption}}<caption>{{.Caption}}</caption>{{end}}
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{end}}{{range .Inline}}<figure>
{{- if .Title}}<h2>{{.Title}}</h2>{{end}}
{{.SVG}}</figure>
{{end}}</body>
</html>
`))
