package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/flinksim/flinksim/diagnose"
	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// printSummary prints the human summary of a run.
func printSummary(w io.Writer, res *result.Result, dir string) {
	s := res.Summary
	fmt.Fprintf(w, "%s: %s virtual in %.2fs (seed %d, %s events)\n",
		s.Scenario, human.Seconds(s.VirtualDurationS), s.WallS, s.Seed, human.Count(float64(s.Engine.Events)))
	lines := summaryLines(res)
	for _, l := range lines[:3] {
		fmt.Fprintf(w, "  %-12s %s\n", l.label, l.text)
	}
	ops := operatorTable(res)
	var b strings.Builder
	ops.text(&b)
	fmt.Fprintf(w, "  %s\n", "time per second in ms (mean over subtasks, and the max subtask):")
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", l)
	}
	if slices.ContainsFunc(s.Operators, neverRan) {
		fmt.Fprintf(w, "  %s\n", "-: the task failed as it was deployed, every time, so it ran for no time and has no task metrics")
	}
	for _, l := range lines[3:] {
		if l.bare {
			fmt.Fprintf(w, "  %s\n", l.text)
			continue
		}
		fmt.Fprintf(w, "  %-12s %s\n", l.label, l.text)
	}
	fmt.Fprintf(w, "  outputs in %s\n", dir)
}

// summaryLine is a line of a run's summary: its label and text. A bare
// line reads the table or the line above it (the operators' backpressure
// under their table, more on the checkpoints): the printed summary leaves
// its label out, index.html's table of the run, which has no such layout,
// shows it.
type summaryLine struct {
	label, text string
	bare        bool
}

// summaryLines are the run's headline numbers: throughput, lag, latency,
// the bottleneck, and with checkpointing the checkpoints, restarts and
// verdict. Every line has a label.
func summaryLines(res *result.Result) []summaryLine {
	s := res.Summary
	lines := []summaryLine{{label: "throughput", text: fmt.Sprintf("source %s/s, sink %s/s", human.Count(s.Throughput.SourceRPS), human.Count(s.Throughput.SinkRPS))}}
	growth := res.LagGrowth()
	lag := fmt.Sprintf("%s records at the end (peak %s)", human.Count(float64(s.Records.SourceLag)), human.Count(float64(s.SourceLagMax)))
	if growth > 0.01*s.Throughput.SourceRPS && growth > 1 {
		lag += fmt.Sprintf(", growing %s/s", human.Count(growth))
	}
	latency := "no record reached a sink"
	if s.Records.Sink > 0 {
		from := "record creation"
		if len(s.Windows) > 0 {
			from = "record creation, or a window's firing,"
		}
		latency = fmt.Sprintf("p50 %s, p99 %s, max %s (%s to sink)",
			human.Seconds(s.LatencyS.P50), human.Seconds(s.LatencyS.P99), human.Seconds(s.LatencyS.Max), from)
	}
	lines = append(lines, summaryLine{label: "kafka lag", text: lag}, summaryLine{label: "latency", text: latency})
	lines = append(lines, summaryLine{label: "backpressure", text: diagnose.Backpressure(s), bare: true})
	for _, l := range diagnose.Skew(s) {
		lines = append(lines, summaryLine{label: "skew", text: l})
	}
	if l := diagnose.Bound(s); l != "" {
		lines = append(lines, summaryLine{label: "sustainable", text: l})
	}
	if c := s.Checkpoints; c != nil {
		lines = append(lines, checkpointLines(c, result.EndToEnd(res.Checkpoints), inProgress(res))...)
		if l := declinedLine(res); l != "" {
			lines = append(lines, summaryLine{label: "checkpoints", text: l, bare: true})
		}
	}
	if r := s.Restarts; r != nil {
		lines = append(lines, summaryLine{label: "restarts", text: restartLine(r)})
	}
	for _, w := range s.Windows {
		lines = append(lines, summaryLine{label: "windows", text: windowLine(w)})
	}
	if deliveryShown(s) {
		for _, k := range s.Sinks {
			lines = append(lines, summaryLine{label: "sinks", text: sinkLine(k)})
		}
	}
	if len(s.InjectedFailures) > 0 {
		var fs []string
		for _, f := range s.InjectedFailures {
			switch f.Kind {
			case "kafka-outage", "sink-outage":
				outage := fmt.Sprintf("%s from %s to %s", f.Kind, human.Seconds(f.FromS), human.Seconds(f.UntilS))
				if f.FromS >= s.VirtualDurationS {
					fs = append(fs, outage+" never came in the run") // as a failure that never came due
					continue
				}
				fs = append(fs, fmt.Sprintf("%s caused %s", outage, human.Plural(f.TookEffect, "failure")))
			case "poison-record":
				fs = append(fs, fmt.Sprintf("%s read %s", f.Kind, times(f.Due)))
			case "overload":
				fs = append(fs, fmt.Sprintf("%s above its limit in %s, caused %s", f.Kind, human.Plural(f.Due, "second"), human.Plural(f.TookEffect, "failure")))
			default:
				fs = append(fs, injectedLine(f))
			}
		}
		lines = append(lines, summaryLine{label: "failures", text: strings.Join(fs, "; ")})
	}
	return append(lines, summaryLine{label: "verdict", text: fmt.Sprintf("%s: %s", s.Verdict.Outcome, s.Verdict.Why)})
}

// operatorTable is busy, backpressured and idle time per operator, with the
// backpressure status Flink's web UI would show.
func operatorTable(res *result.Result) table {
	t := table{header: []string{"operator", "task", "busy", "max", "backpressured", "max", "status", "idle"}}
	for _, o := range res.Summary.Operators {
		task := o.Task
		if len(task) > 40 {
			task = task[:37] + "..."
		}
		if neverRan(o) {
			t.rows = append(t.rows, []string{o.Name, task, "-", "-", "-", "-", "-", "-"})
			continue
		}
		f := func(v float64) string { return fmt.Sprintf("%.0f", v) }
		t.rows = append(t.rows, []string{o.Name, task, f(o.BusyMsPerS), f(o.MaxSubtaskBusyMsPerS), f(o.BackpressuredMsPerS),
			f(o.MaxSubtaskBackpressuredMsPerS), o.Backpressure, f(o.IdleMsPerS)})
	}
	return t
}

// neverRan tells an operator whose task was deployed for no time (every
// attempt failed as it was deployed, though a source may have read its
// first records at that instant): Flink has no task metrics for it, so its
// row shows "-", not zeros, as summary.json writes null (OperatorSummary.Ran).
func neverRan(o result.OperatorSummary) bool {
	return !o.Ran()
}

// times says how often: once, twice, n times.
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// restartLine sums up the failovers: how many per cause, how long the job
// was down and restoring, what was read and written again.
func restartLine(r *result.RestartSummary) string {
	var causes []string
	for _, c := range r.ByCause {
		causes = append(causes, fmt.Sprintf("%d %s", c.Count, c.Cause))
	}
	line := fmt.Sprintf("%d; failovers: %s; down %s in all and restoring %s, %s records replayed, %s written twice by sinks",
		r.Restarts, strings.Join(causes, ", "), human.Seconds(r.DowntimeS), human.Seconds(r.RestoreS),
		human.Count(float64(r.Replayed)), human.Count(float64(r.Duplicated)))
	if r.JobFailed {
		line += "; the restart strategy gave up: the job FAILED"
	}
	return line
}

// checkpointLines are the checkpoint lines of the summary: Flink's
// end-to-end duration (e2e, as the verdict says it), and when they
// completed, the JobManager's metadata written (summary.json's duration_s).
func checkpointLines(c *result.CheckpointSummary, e2e result.Quantiles, running pending) []summaryLine {
	line := fmt.Sprintf("%d completed, %d failed (%d expired)", c.Completed, c.Failed, c.Expired)
	if c.FailedBeforeStart > 0 {
		line += fmt.Sprintf(", %d failed before they started (not all tasks running)", c.FailedBeforeStart)
	}
	if running.n > 0 {
		line += fmt.Sprintf(", %d in progress (for %s)", running.n, human.Seconds(running.longestS))
		if running.n > 1 {
			line = strings.Replace(line, "(for ", "(the oldest for ", 1)
		}
	}
	if c.Completed > 0 {
		line += fmt.Sprintf("; end-to-end duration p50 %s, p99 %s, max %s against a %s interval, complete after at most %s incl. the metadata write; size up to %s",
			human.Seconds(e2e.P50), human.Seconds(e2e.P99), human.Seconds(e2e.Max), human.Seconds(c.IntervalS),
			human.Seconds(c.DurationS.Max), human.Bytes(float64(c.FullSizeMax)))
		if c.SizeMaxBytes != c.FullSizeMax {
			// incremental: what a checkpoint uploads (summary.json's
			// size_max_bytes, REST's checkpointed_size) is not its full size
			line = strings.Replace(line, "; size up to", "; full size up to", 1) +
				fmt.Sprintf(", checkpointed size up to %s", human.Bytes(float64(c.SizeMaxBytes)))
		}
	}
	lines := []summaryLine{{label: "checkpoints", text: line}}
	if c.RestartsFromStart > 0 {
		lines = append(lines, summaryLine{label: "checkpoints", bare: true,
			text: human.Plural(c.RestartsFromStart, "restart") + " found no completed checkpoint and replayed the input from its beginning"})
	}
	return lines
}

// pending are the checkpoints still in progress as the run ended
// (checkpoints.json's in_progress: neither completed nor failed), and how
// long the oldest had run.
type pending struct {
	n        int
	longestS float64
}

// inProgress reads them from the run's checkpoints, as summary.json's
// in_progress fields count them (result.InProgressAtEnd), so that a run
// read back from files written before those fields shows them too.
func inProgress(res *result.Result) pending {
	var p pending
	p.n, p.longestS = result.InProgressAtEnd(res.Checkpoints, res.Summary.VirtualDurationS)
	return p
}

// declinedLine says why checkpoints failed whose async phase a task
// declined (CHECKPOINT_ASYNC_EXCEPTION) other than by an injected
// checkpoint-failure (summary.json's injected_failures): in flinksim, a
// state handle over the JobManager storage's max-state-size
// (memstorage.go), which Flink reports only in the TaskManager's log; ""
// when none did.
func declinedLine(res *result.Result) string {
	n := 0
	for _, h := range res.Checkpoints {
		if h.FailureMessage == result.FailureAsync {
			n++
		}
	}
	for _, f := range res.Summary.InjectedFailures {
		if f.Kind == "checkpoint-failure" {
			n -= f.TookEffect
		}
	}
	if n == 0 {
		return ""
	}
	storage := "the checkpoint storage"
	if cc := res.CheckpointConfig; cc != nil && cc.CheckpointStorage != "" {
		storage = cc.CheckpointStorage
	}
	return fmt.Sprintf("%d failed with %q: a subtask's state handle was larger than %s allows (checkpoint-storage.max-state-size; Flink's TaskManager logs \"Size of the state is larger than the maximum permitted memory-backed state\"); checkpoint-details.json's state_size is what each subtask would hand over",
		n, result.FailureAsync, storage)
}

// windowLine sums up a window operator: where its records went, how late
// its results came, and its state.
func windowLine(w result.WindowSummary) string {
	line := fmt.Sprintf("%s (%s, %s, allowed lateness %s): ", w.Operator, w.Assigner, w.Function, human.Seconds(w.LatenessS))
	if w.RecordsIn == 0 {
		// no shares of no records (everything filtered upstream, or not
		// yet read)
		line += "no record reached it"
	} else {
		line += windowShares(w)
	}
	if w.WatermarkLag.Max > 0 {
		line += fmt.Sprintf("; watermark lag p50 %s, max %s", human.Seconds(w.WatermarkLag.P50), human.Seconds(w.WatermarkLag.Max))
	}
	return line + fmt.Sprintf("; state peak %s", human.Bytes(w.StatePeak))
}

// windowShares is where a window operator's records went, and how late
// its results came.
func windowShares(w result.WindowSummary) string {
	pct := func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
	line := fmt.Sprintf("%s of records in their window's first firing, %s in any, %s in windows still open",
		pct(w.FirstFired), pct(w.AnyFired), pct(w.Pending))
	if w.RolledBack != 0 {
		line += fmt.Sprintf(", %s in windows a failover rolled back (read again)", pct(w.RolledBack))
	}
	if w.FiredAgain != 0 {
		line += fmt.Sprintf(", %s fired a second time after a restore reopened their window", pct(w.FiredAgain))
	}
	if w.SkippedWindows != 0 {
		line += fmt.Sprintf(", %s skipped by a record for a window purged before it came (its later windows took it)", pct(w.SkippedWindows))
	}
	line += fmt.Sprintf("; late: %s to the side output, %s dropped", pct(w.SideOutput), pct(w.Dropped))
	if w.BetweenWindows != 0 {
		line += fmt.Sprintf("; %s between two windows (in none, dropped without a metric)", pct(w.BetweenWindows))
	}
	if w.Firings > 0 {
		line += fmt.Sprintf("; results p50 %s, max %s after the window's end", human.Seconds(w.ResultLatency.P50), human.Seconds(w.ResultLatency.Max))
	}
	return line
}

// injectedLine is how often injected failure f came due and took effect;
// one that never came due says what it waited for.
func injectedLine(f result.InjectedFailureSummary) string {
	switch {
	case f.Due == 0 && f.OnCheckpoint && f.AtCheckpoint > 0:
		return fmt.Sprintf("%s never came due: it waits for checkpoint %d to complete, which it never did", f.Kind, f.AtCheckpoint)
	case f.Due == 0 && f.OnCheckpoint:
		return fmt.Sprintf("%s never came due: it waits for a checkpoint to complete from %s, and none did", f.Kind, human.Seconds(f.AtS))
	case f.Due == 0:
		return fmt.Sprintf("%s never came due in the run", f.Kind)
	}
	return fmt.Sprintf("%s %d of %d took effect", f.Kind, f.TookEffect, f.Due)
}
