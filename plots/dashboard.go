package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/flinksim/flinksim/result"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Dashboard draws one run, one panel per question, all on the run's time
// axis: input and output rate (and the Kafka produce rate, when recorded),
// Kafka lag, end-to-end latency, checkpoint
// durations and sizes, state size, busy and backpressured time per
// operator, the load per subtask of keyed operators as bars, and busy time
// per subtask as a heat map. Failovers and restores
// are vertical lines and verdict phases shaded spans on the line panels.
// Panels without data are left out.
func Dashboard(res *result.Result) *Figure {
	f := &Figure{}
	if res == nil {
		return f
	}
	r := newRun(res)
	f.title = r.title()
	for _, build := range []func(*run) *panel{
		(*run).ratePanel, (*run).lagPanel, (*run).latencyPanel,
		(*run).checkpointPanel, (*run).sizePanel, (*run).statePanel,
		(*run).watermarkPanel, (*run).latePanel,
		(*run).busyPanel, (*run).backpressurePanel,
	} {
		if pn := build(r); pn != nil {
			f.add(pn)
		}
	}
	// The first line panel explains the spans and markers once.
	if len(f.panels) > 0 {
		r.explain(f.panels[0])
	}
	for _, pn := range r.loadPanels() {
		f.add(pn)
	}
	if pn := r.heatPanel(); pn != nil {
		f.add(pn)
	}
	return f
}

// run is a Result with what the panels share worked out once.
type run struct {
	res            *result.Result
	end            float64  // seconds: the time axis runs 0..end
	sources, sinks []string // operator names, in declaration order
}

func newRun(res *result.Result) *run {
	r := &run{res: res, end: res.Summary.VirtualDurationS}
	if n := len(res.Times); n > 0 {
		r.end = max(r.end, res.Times[n-1])
	}
	if !(r.end > 0) { // no duration: a hand-built result; fit what happened
		for _, c := range res.Checkpoints {
			if c != nil {
				r.end = max(r.end, (c.Trigger + c.Duration).Seconds())
			}
		}
		for _, fe := range res.Failovers {
			r.end = max(r.end, fe.At.Seconds())
		}
		for _, rs := range res.Restores {
			r.end = max(r.end, rs.At.Seconds())
		}
	}
	if !finite(r.end) || r.end <= 0 {
		r.end = 1
	}
	// Kinds from the summary; a hand-built result may only have series,
	// and only sources have pendingRecords, only sinks latency.
	for _, o := range res.Summary.Operators {
		switch o.Kind {
		case "source":
			r.sources = appendNew(r.sources, o.Name)
		case "sink":
			r.sinks = appendNew(r.sinks, o.Name)
		}
	}
	for _, s := range res.Series {
		switch s.Metric {
		case result.MetricPending:
			r.sources = appendNew(r.sources, s.Operator)
		case result.MetricLatencyP50, result.MetricLatencyP99:
			r.sinks = appendNew(r.sinks, s.Operator)
		}
	}
	return r
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func (r *run) title() string {
	t := r.res.Summary.Scenario
	if v := r.res.Summary.Verdict; v.Outcome != "" {
		t += ": " + v.Outcome
	}
	return t
}

// series is one operator's (or subtask's) metric, nil when not recorded.
func (r *run) series(op string, sub int, metric string) []float64 {
	for _, s := range r.res.Series {
		if s.Operator == op && s.Subtask == sub && s.Metric == metric {
			return s.Values
		}
	}
	return nil
}

// sum adds a metric's whole-operator series over ops; nil if none has it.
// A time where some operator has no finite value is NaN, so it is not
// drawn: a partial sum would look like a drop.
func (r *run) sum(ops []string, metric string) []float64 {
	var total []float64
	var have []int
	n := 0
	for _, op := range ops {
		v := r.series(op, -1, metric)
		if v == nil {
			continue
		}
		if total == nil {
			total, have = make([]float64, len(r.res.Times)), make([]int, len(r.res.Times))
		}
		n++
		for i := range min(len(v), len(total)) {
			if finite(v[i]) {
				total[i] += v[i]
				have[i]++
			}
		}
	}
	for i := range total {
		if have[i] < n {
			total[i] = math.NaN()
		}
	}
	return total
}

// operators lists every operator with a whole-operator series of metric.
func (r *run) operators(metric string) []string {
	var ops []string
	for _, s := range r.res.Series {
		if s.Metric == metric && s.Subtask == -1 && s.Operator != result.JobOperator {
			ops = appendNew(ops, s.Operator)
		}
	}
	return ops
}

// newPanel starts a panel on the time axis with the verdict's phases shaded
// behind whatever is drawn next.
func (r *run) newPanel(title string, u Unit) *panel {
	p := newPlot(title)
	timeAxis(p, r.end)
	p.Y.Tick.Marker = u
	pn := &panel{plot: p}
	if sp := r.phases(); len(sp.items) > 0 {
		p.Add(sp)
		pn.spans = sp
		pn.notes = append(pn.notes, fmt.Sprintf("spans %d", len(sp.items)))
	}
	if sp := r.outages(); len(sp.items) > 0 {
		p.Add(sp)
		pn.notes = append(pn.notes, fmt.Sprintf("outages %d", len(sp.items)))
	}
	return pn
}

// finish adds the failover and restore markers on top and fixes the y
// range; a panel that drew nothing is dropped.
func (r *run) finish(pn *panel, drew bool) *panel {
	if !drew {
		return nil
	}
	if m := r.failoverMarkers(false); len(m.at) > 0 {
		pn.plot.Add(m)
		pn.notes = append(pn.notes, fmt.Sprintf("markers failover %d", len(m.at)))
	}
	if m := r.failoverMarkers(true); len(m.at) > 0 {
		pn.plot.Add(m)
		pn.notes = append(pn.notes, fmt.Sprintf("markers region-failover %d", len(m.at)))
	}
	if m := r.restoreMarkers(); len(m.at) > 0 {
		pn.plot.Add(m)
		pn.notes = append(pn.notes, fmt.Sprintf("markers restore %d", len(m.at)))
	}
	timeAxis(pn.plot, r.end) // again: adding data may have stretched it
	yFromZero(pn.plot)
	return pn
}

// outages shades the injected episodes: an external system or the
// checkpoint storage down or slow.
func (r *run) outages() *spans {
	sp := &spans{}
	for _, f := range r.res.Summary.InjectedFailures {
		if f.UntilS > f.FromS {
			sp.items = append(sp.items, span{from: f.FromS, to: f.UntilS, fill: outageFill, label: f.Kind})
		}
	}
	return sp
}

// phases shades each verdict phase from its start to the next one's.
func (r *run) phases() *spans {
	sp := &spans{}
	ph := r.res.Summary.Verdict.Phases
	for i, p := range ph {
		to := r.end
		if i+1 < len(ph) {
			to = ph[i+1].StartS
		}
		if finite(p.StartS) && to > p.StartS {
			sp.items = append(sp.items, span{from: p.StartS, to: to, fill: phaseFill(p.Phase), label: p.Phase})
		}
	}
	return sp
}

var (
	failoverStyle = draw.LineStyle{Color: color.NRGBA{0xb0, 0x00, 0x20, 0xff}, Width: vg.Points(1)}
	// a failover of some pipelined regions: the others kept running
	regionFailoverStyle = draw.LineStyle{Color: color.NRGBA{0xe0, 0x70, 0x00, 0xff}, Width: vg.Points(1), Dashes: dotted}
	outageFill          = color.NRGBA{0x60, 0x60, 0x60, 0x30}
	restoreStyle        = draw.LineStyle{Color: color.NRGBA{0x00, 0x80, 0x40, 0xff}, Width: vg.Points(1), Dashes: dashed}
)

// maxMarkers is how many failover (or restore) lines a panel draws: about
// one per 10 points of a panel's width, so that data stays visible behind
// them. Beyond it every k-th is drawn, and the legend says so.
const maxMarkers = 60

// thinMarkers keeps every k-th time when there are more than maxMarkers.
func thinMarkers(at []float64) (kept []float64, k int) {
	k = (len(at) + maxMarkers - 1) / maxMarkers
	if k <= 1 {
		return at, 1
	}
	for i := 0; i < len(at); i += k {
		kept = append(kept, at[i])
	}
	return kept, k
}

// failoverMarkers marks the failovers that restarted the whole job
// (partial false) or only some of its pipelined regions (partial true).
func (r *run) failoverMarkers(partial bool) *markers {
	m := &markers{style: failoverStyle}
	if partial {
		m.style = regionFailoverStyle
	}
	for _, fe := range r.res.Failovers {
		if fe.Partial == partial {
			m.at = append(m.at, fe.At.Seconds())
		}
	}
	m.total = len(m.at)
	m.at, m.every = thinMarkers(m.at)
	return m
}

func (r *run) restoreMarkers() *markers {
	m := &markers{style: restoreStyle}
	for _, rs := range r.res.Restores {
		m.at = append(m.at, rs.At.Seconds())
	}
	m.total = len(m.at)
	m.at, m.every = thinMarkers(m.at)
	return m
}

// markerLabel names markers in a legend, with how many were thinned (thinMarkers).
func markerLabel(name string, m *markers) string {
	if m.every > 1 {
		return fmt.Sprintf("%s (1 in %d of %d)", name, m.every, m.total)
	}
	return name
}

// explain labels the phase spans and lists the markers in one panel.
func (r *run) explain(pn *panel) {
	if pn.spans != nil {
		pn.spans.labels = true
	}
	if m := r.failoverMarkers(false); len(m.at) > 0 {
		pn.legend = append(pn.legend, legendEntry{markerLabel("failover", m), m})
	}
	if m := r.failoverMarkers(true); len(m.at) > 0 {
		pn.legend = append(pn.legend, legendEntry{markerLabel("failover of some regions", m), m})
	}
	if sp := r.outages(); len(sp.items) > 0 {
		for _, it := range sp.items {
			if !slices.ContainsFunc(pn.legend, func(e legendEntry) bool { return e.name == it.label }) {
				pn.legend = append(pn.legend, legendEntry{it.label, &spans{items: []span{it}}})
			}
		}
	}
	if m := r.restoreMarkers(); len(m.at) > 0 {
		pn.legend = append(pn.legend, legendEntry{markerLabel("restore", m), m})
	}
}

// ratePanel draws the rate records are produced to Kafka (when recorded),
// read by the sources and written to the sinks: the gap between the first
// two is what the lag grows by. Produced is dashed and on top, so it stays
// visible where the job keeps up and the lines coincide.
func (r *run) ratePanel() *panel {
	produced := r.sum(r.sources, metricProduced)
	title := "Records per second: read by sources, written to sinks"
	if produced != nil {
		title = "Records per second: produced to Kafka, read by sources, written to sinks"
	}
	pn := r.newPanel(title, UnitRate)
	in := pn.addLine("sources out", r.res.Times, r.sum(r.sources, result.MetricRecordsOut), lineStyle(0))
	out := pn.addLine("sinks in", r.res.Times, r.sum(r.sinks, result.MetricRecordsIn), lineStyle(1))
	st := lineStyle(6)
	st.Dashes = dashed
	prod := pn.addLine("produced to Kafka", r.res.Times, produced, st)
	return r.finish(pn, in || out || prod)
}

// metricProduced is the series of records appended per second to a
// source's Kafka topic (operator: the source, subtask -1), named as Kafka's
// broker meters it (BrokerTopicMetrics MessagesInPerSec); results read
// back from runs older than it have none, and the line is left out.
const metricProduced = result.MetricProduced

func (r *run) lagPanel() *panel {
	pn := r.newPanel("Kafka lag (records not yet read)", UnitCount)
	return r.finish(pn, pn.addLine("", r.res.Times, r.lag(), lineStyle(0)))
}

// lag is the sources' Kafka lag summed: flinksim's kafkaLag, there while a
// reader is not deployed, or pendingRecords in results written before it.
func (r *run) lag() []float64 {
	if len(r.sources) > 0 && r.series(r.sources[0], -1, result.MetricKafkaLag) != nil {
		return r.sum(r.sources, result.MetricKafkaLag)
	}
	return r.sum(r.sources, result.MetricPending)
}

func (r *run) latencyPanel() *panel {
	pn := r.newPanel("End-to-end latency", UnitMillis)
	drew := false
	for i, sink := range r.sinks {
		name := func(q string) string {
			if len(r.sinks) == 1 {
				return q
			}
			return sink + " " + q
		}
		p50 := lineStyle(i)
		p50.Dashes = dashed
		drew = pn.addLine(name("p50"), r.res.Times, r.series(sink, -1, result.MetricLatencyP50), p50) || drew
		drew = pn.addLine(name("p99"), r.res.Times, r.series(sink, -1, result.MetricLatencyP99), lineStyle(i)) || drew
	}
	return r.finish(pn, drew)
}

// checkpointPanel draws completed checkpoints' durations at their trigger
// times, joined by a line; failed ones as crosses at the time they failed
// (where the failover they cause is), as high as they ran; the one in
// progress at the end as a triangle at its age so far; and the interval and
// timeout as rules. A checkpoint that did not
// complete has no duration, so it is never drawn on the completed line.
func (r *run) checkpointPanel() *panel {
	pn := r.newPanel("Checkpoint duration", UnitSeconds)
	ck := r.checkpoints()
	// Rules first, so the checkpoints are drawn over them.
	if cs := r.res.Summary.Checkpoints; cs != nil {
		if cs.IntervalS > 0 {
			pn.addRule("interval "+Format(UnitSeconds, cs.IntervalS), cs.IntervalS, draw.LineStyle{Color: palette[7], Width: vg.Points(1), Dashes: dashed})
		}
		if cs.TimeoutS > 0 {
			pn.addRule("timeout "+Format(UnitSeconds, cs.TimeoutS), cs.TimeoutS, timeoutStyle)
		}
	}
	drew := pn.addLine("completed", ck.done.xs, ck.done.ys, lineStyle(0))
	pn.addPoints("", ck.done.xs, ck.done.ys, draw.GlyphStyle{Color: palette[0], Radius: vg.Points(1.5), Shape: draw.CircleGlyph{}})
	drew = pn.addPoints("failed (at failure time)", ck.failed.xs, ck.failed.ys, failedGlyph(failedColor)) || drew
	drew = pn.addPoints("in progress at end (age)", ck.open.xs, ck.open.ys, openGlyph(openColor)) || drew
	return r.finish(pn, drew)
}

// The timeout rule is vermillion and dashed; a failed checkpoint, often
// expired right on that rule, is a bold black cross, and one in progress a
// filled purple triangle: they differ from the rule and from the completed
// line in shape as well as colour (Okabe and Ito colours, colour-blind safe).
var (
	timeoutStyle = draw.LineStyle{Color: palette[1], Width: vg.Points(1), Dashes: dashed}
	failedColor  = palette[6]
	openColor    = palette[3]
)

func failedGlyph(c color.Color) draw.GlyphStyle {
	return draw.GlyphStyle{Color: c, Radius: vg.Points(4), Shape: boldCross{}}
}

func openGlyph(c color.Color) draw.GlyphStyle {
	return draw.GlyphStyle{Color: c, Radius: vg.Points(4), Shape: draw.PyramidGlyph{}}
}

// points are x, y pairs.
type points struct{ xs, ys []float64 }

func (p *points) add(x, y float64) { p.xs, p.ys = append(p.xs, x), append(p.ys, y) }

// runCheckpoints are a run's checkpoints by trigger time, split by status.
type runCheckpoints struct {
	done   points // COMPLETED: trigger to last acknowledgement
	failed points // FAILED: trigger to failure, at the failure time
	open   points // IN_PROGRESS at the end: trigger to the end of the run
}

// checkpoints splits the checkpoint history by status (as Flink's REST API
// reports it: COMPLETED, FAILED, IN_PROGRESS), its times in whole
// milliseconds as checkpoints.json gives them, so that a run read back
// (compare --from) draws the very points. A failed checkpoint whose
// failure time is unknown is left out rather than drawn at 0 s.
func (r *run) checkpoints() runCheckpoints {
	var ck runCheckpoints
	for _, c := range r.res.Checkpoints {
		if c == nil {
			continue
		}
		x := c.TriggerS()
		switch c.Status {
		case "COMPLETED":
			ck.done.add(x, float64(c.EndToEndMs())/1000)
		case "FAILED":
			// Read back from checkpoints.json, only the duration is known;
			// 0 is a checkpoint that failed as it was triggered (an
			// injected failure, a declined trigger): a cross at 0.
			d := c.Duration
			if d <= 0 && c.Failure > c.Trigger {
				d = c.Failure - c.Trigger
			}
			if d >= 0 {
				s := float64(d/1e6) / 1000 // whole ms, as checkpoints.json gives it
				ck.failed.add(x+s, s)
			}
		case "IN_PROGRESS":
			if age := r.end - x; age >= 0 {
				ck.open.add(x, age)
			}
		}
	}
	return ck
}

// sizePanel draws completed checkpoints' full and written sizes.
func (r *run) sizePanel() *panel {
	pn := r.newPanel("Checkpoint size", UnitBytes)
	var xs, full, written []float64
	sized := false
	for _, c := range r.res.Checkpoints {
		if c != nil && c.Status == "COMPLETED" {
			xs = append(xs, c.TriggerS())
			full = append(full, float64(c.StateSize))
			written = append(written, float64(c.Checkpointed))
			sized = sized || c.StateSize > 0 || c.Checkpointed > 0
		}
	}
	if !sized { // a stateless job: nothing worth a panel
		return nil
	}
	drew := pn.addLine("full", xs, full, lineStyle(0))
	drew = pn.addLine("checkpointed", xs, written, lineStyle(2)) || drew
	return r.finish(pn, drew)
}

// perOperator draws metric's whole-operator series, a line per operator.
func (r *run) perOperator(title string, metric string, u Unit) *panel {
	pn := r.newPanel(title, u)
	drew := false
	for i, op := range r.operators(metric) {
		drew = pn.addLine(op, r.res.Times, r.series(op, -1, metric), lineStyle(i)) || drew
	}
	return r.finish(pn, drew)
}

func (r *run) statePanel() *panel {
	return r.perOperator("Keyed state size", result.MetricStateSize, UnitBytes)
}

func (r *run) busyPanel() *panel {
	return r.msPerS(r.perOperator("Busy time (ms/s, mean over subtasks)", result.MetricBusy, UnitNone))
}

func (r *run) backpressurePanel() *panel {
	return r.msPerS(r.perOperator("Backpressured time (ms/s, mean over subtasks)", result.MetricBackPressured, UnitNone))
}

// msPerS fixes a time-fraction panel to 0..1000 ms/s, the scale Flink's
// UI grades against.
func (r *run) msPerS(pn *panel) *panel {
	if pn != nil {
		pn.plot.Y.Min, pn.plot.Y.Max = 0, max(1000, pn.plot.Y.Max)
	}
	return pn
}
