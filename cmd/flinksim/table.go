package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// table is a small table printed as aligned text or Markdown, with notes
// under it.
type table struct {
	header []string
	rows   [][]string
	notes  []string
	left   int // leading columns aligned left as words (at least 2: the name and outcome)
}

// text prints aligned columns (the last column is not padded), then the
// notes.
func (t table) text(w io.Writer) {
	width := make([]int, len(t.header))
	for _, r := range append([][]string{t.header}, t.rows...) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range append([][]string{t.header}, t.rows...) {
		var b strings.Builder
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i < max(t.left, 2) {
				b.WriteString(c + pad + "  ") // names left-aligned
			} else {
				b.WriteString(pad + c + "  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	for _, n := range t.notes {
		fmt.Fprintln(w, n)
	}
}

// markdown prints a GitHub-flavoured Markdown table.
func (t table) markdown(w io.Writer) {
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	line := func(r []string) {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = esc(c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	line(t.header)
	seps := make([]string, len(t.header))
	for i := range seps {
		seps[i] = "---"
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(seps, "|"))
	for _, r := range t.rows {
		line(r)
	}
	for _, n := range t.notes {
		fmt.Fprintf(w, "\n%s\n", n)
	}
}

// outcomeTable describes each run: its outcome (the checkpoint verdict, or
// whether the lag keeps growing), lag and latency, checkpoints and restarts
// when any run checkpoints, the skew of the keyed operators when any is
// skewed, the input rate the job can sustain, and what it costs
// (TaskManagers, upload bandwidth, and how much a failure could replay);
// with replicas, how many ended in each outcome.
func outcomeTable(runs []runResult) table {
	ckpt, skew, sinks := false, false, false
	for _, r := range runs {
		ckpt = ckpt || r.res.Summary.Checkpoints != nil
		for _, sk := range r.res.Summary.Skew {
			skew = skew || sk.Ratio >= 1.2
		}
		sinks = sinks || deliveryShown(r.res.Summary)
	}
	t := table{header: []string{"variant", "outcome"}}
	if ckpt {
		t.header = append(t.header, "ckpts", "ckpt max", "persisted", "restarts", "down", "restore", "dupes")
	}
	t.header = append(t.header, "end lag", "p99 lat")
	if skew {
		t.header = append(t.header, "skew")
	}
	t.header = append(t.header, "sustainable", "TMs")
	if ckpt {
		t.header = append(t.header, "upload", "replay")
	}
	wins := anyWindows(runs)
	if wins {
		t.header = append(t.header, windowHeader...)
	}
	if sinks {
		t.header = append(t.header, sinkHeader...)
	}
	t.header = append(t.header, "why")
	for _, r := range runs {
		s := r.res.Summary
		o := sweep.OutcomeOf(r.res)
		row := []string{r.name, o.Verdict}
		c := s.Checkpoints
		if ckpt {
			row = append(row, checkpointCells(r.res)...)
		}
		p99 := "-" // no record reached a sink
		if s.Records.Sink > 0 {
			p99 = human.Seconds(s.LatencyS.P99)
		}
		row = append(row, human.Count(float64(s.Records.SourceLag)), p99)
		if skew {
			cell := "-" // no keyed operator took a record
			if ratio, ok := skewRatio(s); ok {
				cell = fmt.Sprintf("%.2f×", ratio)
			}
			row = append(row, cell)
		}
		sustainable := "-" // nothing bounds it (no costs)
		if s.SustainableInputRPS > 0 {
			sustainable = human.Count(s.SustainableInputRPS) + "/s"
		}
		row = append(row, sustainable, strconv.Itoa(s.TaskManagers))
		if ckpt {
			if c != nil {
				row = append(row, human.Count(c.UploadBandwidth)+"B/s", human.Seconds(c.MaxCheckpointAgeS))
			} else {
				row = append(row, "-", "-")
			}
		}
		if wins {
			row = append(row, windowCells(s)...)
		}
		if sinks {
			row = append(row, sinkCells(s)...)
		}
		t.rows = append(t.rows, append(row, why(s)))
	}
	return withReplicas(t, runs)
}

// checkpointCells are a run's checkpoint and restart columns ("-" without
// checkpointing); ckpt max is Flink's end-to-end duration, as the verdict
// in the same row says it.
func checkpointCells(res *result.Result) []string {
	s := res.Summary
	c := s.Checkpoints
	if c == nil {
		return []string{"-", "-", "-", "-", "-", "-", "-"}
	}
	maxDur := "-" // none completed
	if c.Completed > 0 {
		maxDur = human.Seconds(result.EndToEnd(res.Checkpoints).Max)
	}
	restore := 0.0
	if r := s.Restarts; r != nil {
		restore = r.RestoreS
	}
	ckpts := fmt.Sprintf("%d/%d", c.Completed, c.Completed+c.Failed)
	if p := inProgress(res); p.n > 0 {
		ckpts += fmt.Sprintf("+%d", p.n) // still in progress at the end
	}
	return []string{ckpts, maxDur, human.Bytes(float64(c.PersistedMaxBytes)),
		fmt.Sprint(c.Restarts), human.Seconds(c.DowntimeS), human.Seconds(restore), human.Count(float64(c.Duplicated))}
}

// windowHeader are the comparison's window columns: records dropped and
// sent to side outputs as late, the median time from a window's end to its
// first firing, the windows' largest state, and the longest the watermark
// trailed processing time (the stall a quiet or slow partition causes).
var windowHeader = []string{"dropped", "side out", "result p50", "window state", "wm lag max"}

// anyWindows reports whether a run has a window operator.
func anyWindows(runs []runResult) bool {
	for _, r := range runs {
		if len(r.res.Summary.Windows) > 0 {
			return true
		}
	}
	return false
}

// windowCells are a run's window columns (windowCSV's, for people).
func windowCells(s result.Summary) []string {
	if len(s.Windows) == 0 {
		return []string{"-", "-", "-", "-", "-"}
	}
	w := windowCSV(s)
	share := func(v float64) string {
		if w.in == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f%%", 100*v)
	}
	secs := func(has bool, v float64) string {
		if !has {
			return "-"
		}
		return human.Seconds(v)
	}
	return []string{share(w.dropped), share(w.side), secs(w.fired, w.p50), human.Bytes(w.state), secs(w.watermark, w.lag)}
}

// windowStats are a run's window figures over all its window operators:
// the shares of records dropped and sent to side outputs, the slowest
// result p50 (s) of those whose windows fired (fired: any did), the sum of
// state peaks (bytes) and the largest watermark lag (s) of those that had
// a watermark (watermark: any had); in is their records in.
type windowStats struct {
	in, dropped, side, p50, state, lag float64
	fired, watermark                   bool
}

func windowCSV(s result.Summary) windowStats {
	var w windowStats
	for _, ws := range s.Windows {
		w.in += float64(ws.RecordsIn)
		w.dropped += float64(ws.LateDropped)
		w.side += float64(ws.LateSideOutput)
		if !ws.ResultLatency.None {
			w.p50, w.fired = max(w.p50, ws.ResultLatency.P50), true
		}
		w.state += ws.StatePeak
		if !ws.WatermarkLag.None {
			w.lag, w.watermark = max(w.lag, ws.WatermarkLag.Max), true
		}
	}
	if w.in > 0 {
		w.dropped, w.side = w.dropped/w.in, w.side/w.in
	}
	return w
}

// why explains a run's outcome in a sentence: the verdict's why, and
// without checkpointing what bounds the job and a hottest key that alone
// allows little more. It is the why of every form of the comparison (the
// text table and compare.md, compare.csv and compare -o json, the pages'
// run lists), so that they always agree.
func why(s result.Summary) string {
	if s.Checkpoints != nil {
		return s.Verdict.Why
	}
	parts := []string{s.Verdict.Why}
	if s.Bottleneck != "" && s.SustainableInputRPS > 0 {
		parts = append(parts, fmt.Sprintf("%s bounds the job at %s/s", s.Bottleneck, human.Count(s.SustainableInputRPS)))
	}
	for _, sk := range s.Skew {
		switch {
		case len(sk.HottestKeys) > 0 && sk.HottestKeyBoundRPS > 0 && sk.HottestKeyBoundRPS < 1.5*s.SustainableInputRPS:
			parts = append(parts, fmt.Sprintf("its hot keys %s, in one key group, allow %s/s at any parallelism", human.And(sk.HottestKeys), human.Count(sk.HottestKeyBoundRPS)))
		case len(sk.TopKeys) > 0 && sk.HottestKeyBoundRPS > 0 && sk.HottestKeyBoundRPS < 1.5*s.SustainableInputRPS:
			parts = append(parts, fmt.Sprintf("its hottest key %s alone allows %s/s at any parallelism", sk.TopKeys[0].Key, human.Count(sk.HottestKeyBoundRPS)))
		}
	}
	return strings.Join(parts, "; ")
}

// outcomeCSV writes the same comparison with numbers in base units, for
// spreadsheets and scripts; with replicas, replicaColumns follow (the other
// columns are replica 0's).
func outcomeCSV(w io.Writer, runs []runResult) error {
	cw := csv.NewWriter(w)
	header := []string{"variant", "outcome", "stable", "checkpoints_completed", "checkpoints_failed", "checkpoint_duration_max_s",
		"restarts", "lag_end", "latency_p99_s", "task_managers", "upload_bandwidth_bytes_per_s", "max_checkpoint_age_s", "why",
		"downtime_s", "restore_s", "records_duplicated", "persisted_max_bytes",
		"late_dropped_share", "late_side_output_share", "window_result_p50_s", "window_state_peak_bytes", "watermark_lag_max_s",
		"records_lost", "commit_latency_p50_s", "commit_latency_max_s", "sustainable_input_rps", "skew", "checkpoints_in_progress"}
	replicas := replicated(runs) > 0
	if replicas {
		header = append(header, replicaColumns...)
	}
	cw.Write(header)
	for _, r := range runs {
		row := outcomeRow(r)
		if replicas {
			row = append(row, replicaCells(r)...)
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// csvNum is a number in compare.csv.
func csvNum(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

// csvIf is v when the column applies to the run, else an empty cell
// (null in compare -o json), where the text table prints "-": a quantity
// the run does not have is not 0.
func csvIf(applies bool, v float64) string {
	if !applies {
		return ""
	}
	return csvNum(v)
}

// outcomeRow is a run's compare.csv row, without replica columns. Empty:
// the checkpoint columns without checkpointing (the slowest checkpoint
// also when none completed), the p99 latency when no record reached a
// sink, the window columns without a window operator (the late shares
// also when none took a record, the result p50 when no window fired, the
// watermark lag when none had a watermark), the sink columns without sinks (the
// commit latencies also when a read_committed reader saw no record), the
// sustainable input rate when nothing bounds it, the skew without a keyed
// operator (or when none took a record). checkpoints_in_progress is the ckpts column's "+N": the
// checkpoints still in progress at the end (summary.json's in_progress).
func outcomeRow(r runResult) []string {
	s := r.res.Summary
	o := sweep.OutcomeOf(r.res)
	c, f := s.Checkpoints, csvNum
	ckpt := c != nil
	var age, persisted float64
	if ckpt {
		age, persisted = c.MaxCheckpointAgeS, float64(c.PersistedMaxBytes)
	}
	var down, restore, dupes float64
	if rs := s.Restarts; rs != nil {
		down, restore, dupes = rs.DowntimeS, rs.RestoreS, float64(rs.Duplicated)
	}
	row := []string{r.name, o.Verdict, strconv.FormatBool(o.Stable), csvIf(ckpt, o.CheckpointsCompleted), csvIf(ckpt, o.CheckpointsFailed),
		csvIf(ckpt && c.Completed > 0, o.CheckpointDurationMaxS), f(o.Restarts), f(o.LagEnd), csvIf(s.Records.Sink > 0, o.LatencyP99S),
		f(o.TaskManagers), csvIf(ckpt, o.UploadBandwidth), csvIf(ckpt, age), why(s),
		f(down), f(restore), f(dupes), csvIf(ckpt, persisted)}
	wins, w := len(s.Windows) > 0, windowCSV(s)
	row = append(row, csvIf(wins && w.in > 0, w.dropped), csvIf(wins && w.in > 0, w.side), csvIf(w.fired, w.p50), csvIf(wins, w.state), csvIf(w.watermark, w.lag))
	sinks, k := len(s.Sinks) > 0, sinkCSV(s)
	ratio, skewed := skewRatio(s)
	row = append(row, csvIf(sinks, k.lost), csvIf(sinks && k.seen > 0, k.p50), csvIf(sinks && k.seen > 0, k.max))
	return append(row, csvIf(s.SustainableInputRPS > 0, s.SustainableInputRPS), csvIf(skewed, ratio),
		csvIf(ckpt, float64(inProgress(r.res).n)))
}

// skewRatio is the most skewed keyed operator's ratio: its busiest
// subtask's records over the mean (1 is even); ok is false when no keyed
// operator took a record (a ratio of 0 in summary.json: none to have).
func skewRatio(s result.Summary) (ratio float64, ok bool) {
	ratio = 1.0
	for _, sk := range s.Skew {
		if sk.Ratio > 0 {
			ratio, ok = max(ratio, sk.Ratio), true
		}
	}
	return ratio, ok
}

// stableNames lists the runs that stayed stable.
func stableNames(runs []runResult) []string {
	var names []string
	for _, r := range runs {
		if sweep.OutcomeOf(r.res).Stable {
			names = append(names, r.name)
		}
	}
	return names
}
