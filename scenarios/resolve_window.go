package scenarios

import (
	"fmt"
	"math"
	"strings"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// Event-time window operators: the window assigner, lateness, the window
// function and its state, what does not go with a window, and the one
// event-time source that feeds each.

// maxWindowsPerRecord bounds size/slide: a record goes to that many
// windows, each of which the simulation keeps and fires. It bounds a
// window's cells too (the size over the greatest common divisor of the
// size and the slide: models.Window's pane), which the simulation keeps
// one by one.
const maxWindowsPerRecord = 10000

// gcd is the greatest common divisor of two positive durations.
func gcd(a, b sim.Time) sim.Time {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// window checks an operator's window and fills in its defaults; it runs
// once the operator's cost is resolved (fire-cost's default).
func (r *resolver) window(n *node, keyed bool) {
	d, o, w := r.d, n.op, n.op.Window
	p := n.path + ".window"
	if !keyed {
		d.at(p, "needs key-by and keys on %s: a window operator is keyed (a WindowedStream is built on a KeyedStream)", n.name)
	}
	r.windowConflicts(n, keyed)
	r.assigner(w, p)
	if w.AllowedLateness == nil {
		w.AllowedLateness = ptr(Duration(0))
	} else {
		r.flinkMillis(w.AllowedLateness, p+".allowed-lateness", "WindowedStream.allowedLateness: Time.toMilliseconds, Duration.toMillis from 1.19")
	}
	r.enum(&w.LateData, p+".late-data", "drop", "side-output")
	r.enum(&w.Function, p+".function", "process", "aggregate")
	switch {
	case w.Function == "aggregate" && w.AccumulatorSize == nil:
		d.at(p, "needs accumulator-size with function: aggregate: the bytes of one accumulator, e.g. 64B (the job's accumulator type; Flink has no default)")
	case w.Function == "process" && w.AccumulatorSize != nil:
		d.at(p+".accumulator-size", "only applies to function: aggregate; a process window function buffers the records themselves")
	case w.AccumulatorSize != nil:
		if b := int64(*w.AccumulatorSize); b < 1 || b > 1<<30 {
			d.at(p+".accumulator-size", "must be from 1B to 1GiB, not %s", d.written(p+".accumulator-size", FormatBytes(b)))
		}
	}
	if w.FireCost == nil {
		w.FireCost = o.Cost
	} else {
		r.dist(w.FireCost, p+".fire-cost")
	}
}

// windowConflicts reports what does not go with a window on an operator;
// on an operator without keys, salting and the hot-key partitioner are
// reported as needing keys (notKeyed).
func (r *resolver) windowConflicts(n *node, keyed bool) {
	d, o := r.d, n.op
	const fires = "a window operator emits its results when its windows fire, one per key and window"
	if o.Selectivity != nil {
		d.at(n.path+".selectivity", "not allowed with window: %s", fires)
	}
	if o.MiniBatch != nil {
		d.at(n.path+".mini-batch", "not allowed with window: %s", fires)
	}
	if !keyed {
		return
	}
	if o.Salting != nil {
		d.at(n.path+".salting", "not allowed with window: flinksim does not model a two-stage window aggregation")
	}
	if o.HotKeyPartitioner != nil {
		d.at(n.path+".hot-key-partitioner", "not allowed with window: a window operator reads through keyBy (each key's windows are on one subtask)")
	}
}

// assigner checks the tumbling, sliding or session windows and their
// offset, as TumblingEventTimeWindows, SlidingEventTimeWindows and
// EventTimeSessionWindows do, and defaults the offset to 0s.
func (r *resolver) assigner(w *Window, p string) {
	d := r.d
	step, unit, assigner := sim.Time(0), "size", "TumblingEventTimeWindows"
	set := 0
	for _, ok := range []bool{w.Tumbling != nil, w.Sliding != nil, w.Session != nil} {
		if ok {
			set++
		}
	}
	switch {
	case set != 1:
		d.at(p, "needs exactly one of tumbling (a size, e.g. 1h), sliding ({size: 1h, slide: 5m}) or session ({gap: 30m})")
	case w.Session != nil:
		r.session(w, p)
	case w.Tumbling != nil:
		if r.windowLength(sim.Time(*w.Tumbling), p+".tumbling") {
			step = sim.Time(*w.Tumbling)
		}
	default:
		s := w.Sliding
		if s.Size == nil {
			d.at(p+".sliding", "needs size: the length of each window, e.g. 1h")
		}
		if s.Slide == nil {
			d.at(p+".sliding", "needs slide: the time from one window's start to the next, e.g. 5m")
		}
		if s.Size == nil || s.Slide == nil {
			break
		}
		size, slide := sim.Time(*s.Size), sim.Time(*s.Slide)
		okSize, okSlide := r.windowLength(size, p+".sliding.size"), r.windowLength(slide, p+".sliding.slide")
		switch {
		case !okSize || !okSlide:
		case size < slide && slide/gcd(size, slide) > maxWindowsPerRecord:
			// SlidingEventTimeWindows takes a size shorter than the
			// slide: the records between two windows belong to none.
			g := gcd(size, slide)
			d.at(p+".sliding.slide", "with the size %s, windows start and end on a grid of %s (their greatest common divisor), %d cells from one window's start to the next, and flinksim keeps the cells apart: it handles at most %d; give a size and a slide with a larger common divisor", FormatDuration(size), FormatDuration(g), slide/g, maxWindowsPerRecord)
		case size%slide == 0 && size/slide > maxWindowsPerRecord:
			d.at(p+".sliding.slide", "puts each record in %d windows (size/slide); flinksim handles at most %d: use a longer slide", size/slide, maxWindowsPerRecord)
		case size/gcd(size, slide) > maxWindowsPerRecord:
			g := gcd(size, slide)
			d.at(p+".sliding.size", "with the slide %s, windows start and end on a grid of %s (their greatest common divisor), %d cells a window, and flinksim keeps a window's cells apart: it handles at most %d; give a size and a slide with a larger common divisor", FormatDuration(slide), FormatDuration(g), size/g, maxWindowsPerRecord)
		}
		if okSlide {
			step, unit, assigner = slide, "slide", "SlidingEventTimeWindows"
		}
	}
	if w.Session != nil {
		return // no offset (checked above)
	}
	if w.Offset == nil {
		w.Offset = ptr(SignedDuration(0))
	}
	off := sim.Time(*w.Offset)
	switch {
	case off%sim.Millisecond != 0:
		d.at(p+".offset", "must be a whole number of milliseconds (Flink's window assigners count milliseconds), not %s", formatSigned(off))
	case step > 0 && (off >= step || -off >= step):
		d.at(p+".offset", "%s is not less than the %s %s either way: Flink's %s requires abs(offset) < %s",
			formatSigned(off), unit, FormatDuration(step), assigner, unit)
	}
}

// session checks session windows (EventTimeSessionWindows): a gap, the
// shape of each key's gaps, and no offset.
func (r *resolver) session(w *Window, p string) {
	d := r.d
	if w.Session.Gap == nil {
		d.at(p+".session", "needs gap: how long a key's session lasts without records, e.g. 30m")
	} else {
		r.windowLength(sim.Time(*w.Session.Gap), p+".session.gap")
	}
	if kg := w.Session.KeyGaps; kg != nil {
		r.dist(kg, p+".session.key-gaps")
		if dd := toDist(kg); dd == nil || !(dd.Mean() > 0) {
			d.at(p+".session.key-gaps", "must have a mean above 0: it is scaled to each key's mean gap")
		}
	}
	if w.Offset != nil {
		d.at(p+".offset", "not allowed with session: EventTimeSessionWindows has no offset (a session starts at its first record)")
	}
}

// windowLength checks a window's size or slide: above 0 and in whole
// milliseconds.
func (r *resolver) windowLength(t sim.Time, path string) bool {
	switch {
	case t <= 0:
		r.d.at(path, "must be more than 0s")
	case t%sim.Millisecond != 0:
		r.d.at(path, "must be a whole number of milliseconds (Flink's window assigners count milliseconds), not %s", FormatDuration(t))
	default:
		return true
	}
	return false
}

func formatSigned(t sim.Time) string {
	s, _ := SignedDuration(t).MarshalYAML()
	return s.(string)
}

// windowSources checks that every window operator is fed by exactly one
// source with event-time and by no source without it: its windows take
// the records by their timestamps.
func (r *resolver) windowSources() {
	for _, n := range r.nodes {
		if n.op == nil || n.op.Window == nil {
			continue
		}
		var timed, untimed []string
		for _, s := range r.upstreamSources(n) {
			if s.src.EventTime != nil {
				timed = append(timed, s.name)
			} else {
				untimed = append(untimed, s.name)
			}
		}
		var why []string
		switch len(untimed) {
		case 0:
		case 1:
			why = append(why, "reads "+untimed[0]+", which has no event-time: a window operator puts each record in the windows of its timestamp")
		default:
			why = append(why, "reads "+joinNames(untimed)+", which have no event-time: a window operator puts each record in the windows of its timestamp")
		}
		if len(timed) > 1 {
			why = append(why, fmt.Sprintf("reads %d sources with event-time (%s): flinksim supports one event-time source per window operator", len(timed), joinNames(timed)))
		}
		if len(why) > 0 {
			r.d.at(n.path+".window", "%s", strings.Join(why, "; and "))
		}
	}
}

// sessionInputs checks what feeds session windows: their keys' rates come
// from the planned input rate, which a window operator's results or a
// mini-batch's aggregates do not have.
func (r *resolver) sessionInputs() {
	for _, n := range r.nodes {
		if n.op == nil || n.op.Window == nil || n.op.Window.Session == nil {
			continue
		}
		for _, up := range r.upstream(n) {
			switch {
			case up.op == nil:
			case up.op.Window != nil:
				r.d.at(n.path+".window.session", "reads the results of the window operator %s: flinksim derives each key's sessions from the planned rate of its records, which window results do not have", up.name)
			case up.op.MiniBatch != nil:
				r.d.at(n.path+".window.session", "reads the aggregates of the mini-batch operator %s: flinksim derives each key's sessions from the planned rate of its records, which a mini-batch's output does not have", up.name)
			}
		}
	}
}

// upstreamSources lists the sources n reads through any path of inputs, in
// declaration order.
func (r *resolver) upstreamSources(n *node) []*node {
	var out []*node
	for _, m := range r.upstream(n) {
		if m.src != nil {
			out = append(out, m)
		}
	}
	return out
}

// upstream lists the nodes n reads through any path of inputs, in
// declaration order.
func (r *resolver) upstream(n *node) []*node {
	seen := map[*node]bool{}
	var walk func(m *node)
	walk = func(m *node) {
		for _, name := range m.inputs {
			if up, ok := r.byName[name]; ok && !seen[up] && up != n {
				seen[up] = true
				walk(up)
			}
		}
	}
	walk(n)
	var out []*node
	for _, m := range r.nodes {
		if seen[m] {
			out = append(out, m)
		}
	}
	return out
}

// joinNames writes a, b and c.
func joinNames(names []string) string {
	if len(names) < 2 {
		return names[0]
	}
	s := names[0]
	for _, x := range names[1 : len(names)-1] {
		s += ", " + x
	}
	return s + " and " + names[len(names)-1]
}

// windowsPerRecord is how many windows each record belongs to (resolved
// windows): size/slide for sliding windows, on average when the size is
// not a multiple of the slide (⌈size/slide⌉ or ⌊size/slide⌋ of them, by
// the record's timestamp), as models.Window.PerRecord counts them.
func windowsPerRecord(w *Window) float64 {
	if w.Sliding != nil {
		return float64(*w.Sliding.Size) / float64(*w.Sliding.Slide)
	}
	return 1
}

// windowRecords bounds what a window operator counts from in records: each
// goes to size/slide windows (record-window pairs), its results are at
// most as many, and its state (buffered records or accumulators) at most
// their bytes.
func (r *resolver) windowRecords(n *node, in float64, inputOver bool, dur sim.Time) float64 {
	w := n.op.Window
	k := windowsPerRecord(w)
	u := in * k
	if inputOver {
		return u
	}
	if u > maxRunRecords {
		if k > 1 && in <= maxRunRecords {
			per := fmt.Sprintf("%d windows", int64(k))
			if k != math.Trunc(k) {
				per = fmt.Sprintf("%.4g windows on average (size/slide)", k)
			}
			r.d.at(n.path+".window", "each record goes to %s: up to %s record-window pairs in %s; a run counts at most 2^53 = %d per operator", per, approx(u), FormatDuration(dur), int64(maxRunRecords))
		} else {
			r.d.at(n.path+".input", "its inputs together bring up to %s records in %s; a run counts at most 2^53 = %d records per operator", approx(u), FormatDuration(dur), int64(maxRunRecords))
		}
		return u
	}
	per := int64(0)
	if w.AccumulatorSize != nil {
		per = int64(*w.AccumulatorSize)
	}
	for _, name := range n.inputs {
		if up, ok := r.byName[name]; ok && w.Function == "process" {
			per = max(per, up.recordSize)
		}
	}
	if state := u * float64(per); state > maxRunBytes {
		r.d.at(n.path+".window", "its windows may hold up to %s bytes of state in %s (%s record-window pairs of %s); a run holds at most 2^60 = %d bytes of state", approx(state), FormatDuration(dur), approx(u), FormatBytes(per), int64(maxRunBytes))
	}
	return u
}

// windowModel is an operator's window in the model (nil: none).
func windowModel(w *Window) *models.Window {
	if w == nil {
		return nil
	}
	m := &models.Window{AllowedLateness: sim.Time(*w.AllowedLateness),
		SideOutput: w.LateData == "side-output", Buffering: w.Function == "process", FireCost: toDist(w.FireCost)}
	switch {
	case w.Session != nil:
		m.Kind, m.Gap, m.KeyGaps = models.Session, sim.Time(*w.Session.Gap), toDist(w.Session.KeyGaps)
	case w.Tumbling != nil:
		m.Kind, m.Size, m.Offset = models.Tumbling, sim.Time(*w.Tumbling), sim.Time(*w.Offset)
	default:
		m.Kind, m.Size, m.Slide, m.Offset = models.Sliding, sim.Time(*w.Sliding.Size), sim.Time(*w.Sliding.Slide), sim.Time(*w.Offset)
	}
	if w.AccumulatorSize != nil {
		m.AccumulatorSize = int64(*w.AccumulatorSize)
	}
	return m
}
