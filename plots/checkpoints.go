package plots

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// HistoryRows bounds the checkpoint history table: the latest
// HistoryRows checkpoints, newest first (Flink's UI keeps
// web.checkpoints.history, 10 by default).
const HistoryRows = 50

// CheckpointSections are the page's Checkpoints part, as Flink's web UI
// Checkpoints tab shows it: counts, the summary of completed checkpoints
// (min, average, percentiles, max of end-to-end duration, checkpointed and
// full size, processed and persisted in-flight data), the history (the
// latest HistoryRows), and the slowest checkpoint that still has its
// per-subtask details broken down per subtask. None without checkpointing.
func CheckpointSections(res *result.Result) []Section {
	if res == nil || res.Summary.Checkpoints == nil {
		return nil
	}
	sec := Section{ID: "checkpoints", Title: "Checkpoints"}
	var done []*result.CheckpointStats
	counts := map[string]int{}
	for _, c := range res.Checkpoints {
		if c == nil {
			continue
		}
		counts[c.Status]++
		if c.Status == "COMPLETED" {
			done = append(done, c)
		}
	}
	cs := res.Summary.Checkpoints
	// Flink's counts take in the triggers that failed before a checkpoint
	// was created (CheckpointStatsCounts), which the history never shows.
	failed := fmt.Sprintf("failed %d (%d expired)", counts["FAILED"]+cs.FailedBeforeStart, cs.Expired)
	if cs.FailedBeforeStart > 0 {
		failed = fmt.Sprintf("failed %d (%d expired, %d before they started: a task not running)", counts["FAILED"]+cs.FailedBeforeStart, cs.Expired, cs.FailedBeforeStart)
	}
	sec.Notes = append(sec.Notes, fmt.Sprintf("Triggered %d: completed %d, %s, in progress at the end %d; restored %s. Interval %s, timeout %s.",
		len(res.Checkpoints)+cs.FailedBeforeStart, counts["COMPLETED"], failed, counts["IN_PROGRESS"], human.Plural(res.RestoreCount(), "time"),
		Format(UnitSeconds, cs.IntervalS), Format(UnitSeconds, cs.TimeoutS)),
		"Sizes as Flink's web UI prints them: 1 KB is 1024 bytes, 1 MB 1024 KB (the charts' kB and MB are 1000 and 1000 kB).")
	if len(done) > 0 {
		sec.Tables = append(sec.Tables, checkpointSummary(done))
	}
	if len(res.Checkpoints) > 0 {
		sec.Tables = append(sec.Tables, checkpointHistory(res))
	}
	out := []Section{sec}
	if s := slowestBreakdown(res); s != nil {
		out = append(out, *s)
	}
	return out
}

// checkpointSummary is Flink's "Checkpoint Summary": a row per measure
// over the completed checkpoints.
func checkpointSummary(done []*result.CheckpointStats) Table {
	t := Table{Caption: fmt.Sprintf("summary of the %s", human.Plural(len(done), "completed checkpoint")),
		Header: []string{"", "minimum", "average", "p50", "p90", "p99", "maximum"}}
	for _, m := range []struct {
		name string
		unit Unit
		of   func(c *result.CheckpointStats) float64
	}{
		{"end to end duration", UnitSeconds, func(c *result.CheckpointStats) float64 { return float64(c.EndToEndMs()) / 1000 }},
		{"checkpointed data size", UnitBytes, func(c *result.CheckpointStats) float64 { return float64(c.Checkpointed) }},
		{"full checkpoint data size", UnitBytes, func(c *result.CheckpointStats) float64 { return float64(c.StateSize) }},
		{"processed in-flight data", UnitBytes, func(c *result.CheckpointStats) float64 { return float64(c.ProcessedData) }},
		{"persisted in-flight data", UnitBytes, func(c *result.CheckpointStats) float64 { return float64(c.PersistedData) }},
	} {
		xs := make([]float64, len(done))
		sum := 0.0
		for i, c := range done {
			xs[i] = m.of(c)
			sum += xs[i]
		}
		slices.Sort(xs)
		avg := sum / float64(len(xs))
		if m.unit == UnitBytes {
			avg = math.Floor(avg) // whole bytes, as REST's avg (a long)
		}
		row := []string{m.name, sizeOr(m.unit, xs[0]), sizeOr(m.unit, avg)}
		for _, q := range []float64{0.5, 0.9, 0.99} { // as checkpoints.json's summary has them
			row = append(row, sizeOr(m.unit, result.FlinkQuantile(xs, q)))
		}
		t.Rows = append(t.Rows, append(row, sizeOr(m.unit, xs[len(xs)-1])))
	}
	return t
}

// sizeOr prints a size as Flink's web UI does (FlinkBytes), anything
// else in its unit.
func sizeOr(u Unit, v float64) string {
	if u == UnitBytes {
		return FlinkBytes(v)
	}
	return Format(u, v)
}

// checkpointHistory is Flink's "History": the latest HistoryRows
// checkpoints, newest first.
func checkpointHistory(res *result.Result) Table {
	cks := res.Checkpoints
	first := max(0, len(cks)-HistoryRows)
	caption := fmt.Sprintf("history: all %s, newest first", human.Plural(len(cks), "checkpoint"))
	if first > 0 {
		caption = fmt.Sprintf("history: the latest %d of %d checkpoints, newest first", len(cks)-first, len(cks))
	}
	t := Table{Caption: caption, Header: []string{"ID", "status", "acknowledged", "trigger time", "at",
		"end to end duration", "checkpointed data size", "full checkpoint data size", "processed data", "persisted data", "type", "failure"}}
	start, end := startTime(res), newRun(res).end
	for i := len(cks) - 1; i >= first; i-- {
		c := cks[i]
		if c == nil {
			continue
		}
		dur := Format(UnitSeconds, float64(c.EndToEndMs())/1000) // whole ms, as checkpoints.json
		if c.Status == "IN_PROGRESS" {
			dur = Format(UnitSeconds, end-c.Trigger.Seconds()) + " (so far)"
		}
		kind := "aligned"
		if c.Unaligned {
			kind = "unaligned"
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(c.ID), c.Status, fmt.Sprintf("%d/%d", c.NumAcked, c.NumSubtasks),
			start.Add(time.Duration(c.Trigger)).UTC().Format("15:04:05.000"), Format(UnitSeconds, c.Trigger.Seconds()), dur,
			FlinkBytes(float64(c.Checkpointed)), FlinkBytes(float64(c.StateSize)),
			FlinkBytes(float64(c.ProcessedData)), FlinkBytes(float64(c.PersistedData)), kind, c.FailureMessage})
	}
	return t
}

// startTime is the wall time of virtual time 0 (the Unix epoch when the
// summary does not say).
func startTime(res *result.Result) time.Time {
	t, err := result.ParseStartTime(res.Summary.StartTime)
	if err != nil || res.Summary.StartTime == "" {
		return time.Unix(0, 0)
	}
	return t
}

// e2eMs is a completed or failed checkpoint's end-to-end duration as
// checkpoints.json gives it (whole ms), 0 while in progress.
func e2eMs(c *result.CheckpointStats) int64 {
	if c.Status == "IN_PROGRESS" {
		return 0
	}
	return c.EndToEndMs()
}

// slowest is the completed checkpoint with per-subtask details that took
// longest (the slowest with details of any status when none completed).
func slowest(res *result.Result) *result.CheckpointStats {
	var best *result.CheckpointStats
	for _, completed := range []bool{true, false} {
		for _, c := range res.Checkpoints {
			if c == nil || len(c.Tasks) == 0 || !c.Detailed() || (completed && c.Status != "COMPLETED") {
				continue
			}
			if best == nil || e2eMs(c) > e2eMs(best) {
				best = c
			}
		}
		if best != nil {
			return best
		}
	}
	return nil
}

// breakdownRows bounds the per-subtask chart; beyond it, the subtasks that
// acknowledged last are drawn.
const breakdownRows = 96

// subtaskBar is one row of the breakdown.
type subtaskBar struct {
	label string
	s     result.SubtaskCheckpointStats
	e2e   sim.Time // trigger to acknowledgement
}

// slowestBreakdown is the slowest checkpoint per task (Flink's per-vertex
// table) and per subtask (a bar each: start delay, alignment, sync and
// async parts, to its acknowledgement).
func slowestBreakdown(res *result.Result) *Section {
	c := slowest(res)
	if c == nil {
		return nil
	}
	took := Format(UnitSeconds, float64(c.EndToEndMs())/1000)
	if c.Status == "IN_PROGRESS" {
		took = "in progress at the end, for " + Format(UnitSeconds, newRun(res).end-c.Trigger.Seconds())
	}
	sec := &Section{ID: "checkpoint-breakdown", Title: fmt.Sprintf("Slowest checkpoint: %d (%s, %s)", c.ID, strings.ToLower(c.Status), took)}
	if c.Status == "IN_PROGRESS" {
		sec.Title = fmt.Sprintf("Slowest checkpoint: %d (%s)", c.ID, took)
	}
	t := Table{Caption: "per task", Header: []string{"task", "acknowledged", "latest acknowledgement at", "end to end duration",
		"checkpointed data size", "full checkpoint data size", "processed data", "persisted data"}}
	var bars []subtaskBar
	for _, tk := range c.Tasks {
		e2e, ack := "n/a", "n/a"
		if tk.NumAcked > 0 {
			e2e, ack = Format(UnitSeconds, result.SinceTriggerS(tk.LatestAck, c.Trigger)), Format(UnitSeconds, tk.LatestAck.Seconds())
		}
		t.Rows = append(t.Rows, []string{tk.Name, fmt.Sprintf("%d/%d", tk.NumAcked, tk.NumSubtasks), ack, e2e,
			FlinkBytes(float64(tk.Checkpointed)), FlinkBytes(float64(tk.StateSize)),
			FlinkBytes(float64(tk.ProcessedData)), FlinkBytes(float64(tk.PersistedData))})
		for _, s := range tk.Subtasks {
			b := subtaskBar{label: fmt.Sprintf("%s[%d]", tk.Name, s.Index), s: s}
			if s.Acked {
				b.e2e = s.Ack - c.Trigger
			}
			bars = append(bars, b)
		}
	}
	sec.Tables = []Table{t}
	total := len(bars)
	if len(bars) > breakdownRows {
		order := slices.Clone(bars)
		slices.SortStableFunc(order, func(a, b subtaskBar) int { return -cmpTime(a.e2e, b.e2e) })
		keep := map[string]bool{}
		for _, b := range order[:breakdownRows] {
			keep[b.label] = true
		}
		bars = slices.DeleteFunc(bars, func(b subtaskBar) bool { return !keep[b.label] })
	}
	note := "Each subtask's part, from the trigger to its acknowledgement: start delay (trigger to its first barrier), alignment (first to last barrier), the synchronous then the asynchronous part of its snapshot."
	if total > len(bars) {
		note += fmt.Sprintf(" The %d subtasks that acknowledged last of %d are drawn.", len(bars), total)
	}
	sec.Notes = []string{note}
	sec.SVG = template.HTML(breakdownSVG(bars))
	return sec
}

func cmpTime(a, b sim.Time) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Breakdown layout and colours (Okabe and Ito).
const (
	bdLabelW, bdBarW, bdRowH, bdTop = 250.0, 560.0, 16.0, 30.0
)

var breakdownParts = []struct {
	name  string
	color string
	of    func(s result.SubtaskCheckpointStats) sim.Time
}{
	{"start delay", "#999999", func(s result.SubtaskCheckpointStats) sim.Time { return s.StartDelay }},
	{"alignment", "#e69f00", func(s result.SubtaskCheckpointStats) sim.Time { return s.Alignment }},
	{"sync", "#0072b2", func(s result.SubtaskCheckpointStats) sim.Time { return s.Sync }},
	{"async", "#009e73", func(s result.SubtaskCheckpointStats) sim.Time { return s.Async }},
}

// breakdownSVG draws a stacked bar per subtask on a shared seconds axis,
// with a tick at its acknowledgement.
func breakdownSVG(bars []subtaskBar) string {
	end := 0.0
	for _, b := range bars {
		sum := 0.0
		for _, p := range breakdownParts {
			sum += p.of(b.s).Seconds()
		}
		end = max(end, sum, b.e2e.Seconds())
	}
	if !(end > 0) {
		end = 1
	}
	scale := bdBarW / end
	h := bdTop + float64(len(bars))*bdRowH + 30
	var s strings.Builder
	svgOpen(&s, bdLabelW+bdBarW+20, h, "per-subtask breakdown of the slowest checkpoint")
	x := bdLabelW
	for _, p := range breakdownParts {
		fmt.Fprintf(&s, `<rect x="%.1f" y="6" width="12" height="12" fill="%s"/>`+"\n", x, p.color)
		svgText(&s, x+16, 16, "start", "", p.name)
		x += 30 + float64(len(p.name))*7
	}
	fmt.Fprintf(&s, `<line x1="%.1f" y1="6" x2="%.1f" y2="18" stroke="#000" stroke-width="2"/>`+"\n", x, x)
	svgText(&s, x+6, 16, "start", "", "acknowledged")
	for i, b := range bars {
		y := bdTop + float64(i)*bdRowH
		label := b.label
		if r := []rune(label); len(r) > 40 {
			label = "…" + string(r[len(r)-39:])
		}
		svgText(&s, bdLabelW-6, y+11, "end", "font-size:11px", label)
		if !b.s.Acked {
			svgText(&s, bdLabelW+4, y+11, "start", "font-size:11px;fill:#d55e00", "not acknowledged")
			continue
		}
		x := bdLabelW
		for _, p := range breakdownParts {
			w := p.of(b.s).Seconds() * scale
			if w > 0 {
				fmt.Fprintf(&s, `<rect x="%.2f" y="%.1f" width="%.2f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`+"\n",
					x, y+2, w, bdRowH-4, p.color, p.name, Format(UnitSeconds, result.FlinkMsS(p.of(b.s))))
			}
			x += w
		}
		ax := bdLabelW + b.e2e.Seconds()*scale
		fmt.Fprintf(&s, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000" stroke-width="2"/>`+"\n", ax, y+1, ax, y+bdRowH-1)
	}
	axisY := bdTop + float64(len(bars))*bdRowH + 4
	fmt.Fprintf(&s, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444"/>`+"\n", bdLabelW, axisY, bdLabelW+bdBarW, axisY)
	for _, tk := range UnitSeconds.Ticks(0, end) {
		tx := bdLabelW + tk.Value*scale
		if math.IsNaN(tx) {
			continue
		}
		fmt.Fprintf(&s, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444"/>`+"\n", tx, axisY, tx, axisY+4)
		svgText(&s, tx, axisY+16, "middle", "font-size:11px", tk.Label)
	}
	s.WriteString("</svg>\n")
	return s.String()
}
