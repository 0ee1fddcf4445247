// Package plots draws charts from results: a dashboard of one run, variants
// over each other, and sweep maps. It reads only result.Result values and
// plain sweep tables, never model internals.
//
// Every chart is a Figure: panels stacked vertically with a shared width,
// their data areas aligned so time axes line up, legends and colour bars in
// a strip on the right. A Figure draws as SVG or PNG with gonum/plot, whose
// fonts are built in, so output does not depend on the machine's fonts; the
// same input gives the same bytes. WriteIndex puts tables and inline SVGs
// into one self-contained HTML page. What gonum/plot does not draw (the job
// graph, a checkpoint's per-subtask breakdown) is SVG written here.
//
// Charts are read by people who did not write them: a checkpoint that did
// not complete is never drawn as a duration (failed ones are crosses when
// they failed, one in progress at the end a triangle at its age), nor a
// sweep point whose runs have no value as 0 (a gap, and the legend says
// why); markers
// differ from rules in shape and colour; runs compared differ in dash
// pattern as well as colour, and the legend names equal ones; heat map rows
// are labelled operator[subtask] at intervals a reader can count from.
//
// Files, one concern each:
//
//	units.go      Unit: human numbers (100k/s, 1.5 GB, 5 min) and round ticks
//	figure.go     Figure: layout, SVG, PNG (from a twin, beside the SVG), atomic files
//	raster.go     the PNG canvas: no copy of its blank image, long solid lines stroked in pieces (one stroke is n² in freetype)
//	whitefill.go  the PNG canvas skips a white fill over pixels all white already (it would change none)
//	lines.go      lines and points, with NaN and Inf dropped and long series thinned
//	glyphs.go     a line's glyph boxes: only the points that can pad the plot
//	spans.go      shaded spans, vertical markers, horizontal rules
//	dashboard.go  Dashboard: one run
//	eventtime.go  the dashboard's watermark lag and late records
//	load.go       the dashboard's load per subtask of keyed operators, as bars each inside its slot of the axis
//	subtasks.go   the dashboard's busy time per subtask, as a heat map
//	compare.go    Compare: runs over each other
//	sweep.go      Line: an outcome over one swept parameter, gaps where runs have no value, room at the ends for a lone point's band
//	heatmap.go    Heatmap: an outcome over two, cells without a value crossed out; the vector cell plotter and colour bar
//	html.go       WriteIndex: Page, its verdict, runs, sections and figures
//	svg.go        hand-written SVG helpers: text, colours, a run's line swatch
//	jobgraph.go   JobGraph: the job graph as Flink's web UI draws it
//	checkpoints.go CheckpointSections: Flink's Checkpoints tab (summary, history, slowest)
//	flinkbytes.go FlinkBytes: sizes as Flink's web dashboard prints them (977 KB)
//
// gonum/plot panics on some inputs (NaN data, an empty colour range, log
// axes with values <= 0, mismatched alignments). Builders here drop bad
// values, widen flat ranges, use no log axes and align panels themselves;
// a panic that still escapes becomes an error from SVG or PNG.
package plots
