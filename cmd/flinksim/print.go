package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/models"
)

// printSummary prints the human summary of a run.
func printSummary(w io.Writer, res *models.Result, dir string) {
	s := res.Summary
	fmt.Fprintf(w, "%s: %s virtual in %.2fs (seed %d, %s events)\n",
		s.Scenario, humanSeconds(s.VirtualDurationS), s.WallS, s.Seed, humanCount(float64(s.Engine.Events)))
	lines := summaryLines(res)
	for _, l := range lines[:3] {
		fmt.Fprintf(w, "  %-12s %s\n", l[0], l[1])
	}
	ops := operatorTable(res)
	var b strings.Builder
	ops.text(&b)
	fmt.Fprintf(w, "  %s\n", "time per second in ms (mean over subtasks, and the max subtask):")
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", l)
	}
	for _, l := range lines[3:] {
		if l[0] == "" {
			fmt.Fprintf(w, "  %s\n", l[1])
			continue
		}
		fmt.Fprintf(w, "  %-12s %s\n", l[0], l[1])
	}
	fmt.Fprintf(w, "  outputs in %s\n", dir)
}

// summaryLines are the run's headline numbers as (label, text): throughput,
// lag, latency, the bottleneck, and with checkpointing the checkpoints,
// restarts and verdict.
func summaryLines(res *models.Result) [][2]string {
	s := res.Summary
	lines := [][2]string{{"throughput", fmt.Sprintf("source %s/s, sink %s/s", humanCount(s.Throughput.SourceRPS), humanCount(s.Throughput.SinkRPS))}}
	growth := res.LagGrowth()
	lag := fmt.Sprintf("%s records at the end (peak %s)", humanCount(float64(s.Records.SourceLag)), humanCount(float64(s.SourceLagMax)))
	if growth > 0.01*s.Throughput.SourceRPS && growth > 1 {
		lag += fmt.Sprintf(", growing %s/s", humanCount(growth))
	}
	latency := "no record reached a sink"
	if s.Records.Sink > 0 {
		latency = fmt.Sprintf("p50 %s, p99 %s, max %s (record creation to sink)",
			humanSeconds(s.LatencyS.P50), humanSeconds(s.LatencyS.P99), humanSeconds(s.LatencyS.Max))
	}
	lines = append(lines, [2]string{"kafka lag", lag}, [2]string{"latency", latency})
	var busy, high, low []string
	for _, o := range s.Operators {
		if o.MaxSubtaskBusyMsPerS > 900 {
			busy = append(busy, o.Name)
		}
		switch o.Backpressure {
		case "HIGH":
			high = append(high, o.Name)
		case "LOW":
			low = append(low, o.Name)
		}
	}
	var parts []string
	switch {
	case len(busy) > 0 && len(high)+len(low) > 0:
		parts = append(parts, fmt.Sprintf("busy: %s (the bottleneck)", strings.Join(busy, ", ")))
	case len(busy) > 0:
		parts = append(parts, fmt.Sprintf("busy: %s, at the edge of its capacity", strings.Join(busy, ", ")))
	}
	if len(high) > 0 {
		parts = append(parts, "backpressured (HIGH): "+strings.Join(high, ", "))
	}
	if len(low) > 0 {
		parts = append(parts, "backpressured (LOW): "+strings.Join(low, ", "))
	}
	b := strings.Join(parts, "; ")
	if b == "" {
		b = "no operator is busy or backpressured"
	}
	lines = append(lines, [2]string{"", b})
	lines = append(lines, skewLines(res)...)
	if c := s.Checkpoints; c != nil {
		lines = append(lines, checkpointLines(c)...)
	}
	if len(s.InjectedFailures) > 0 {
		var fs []string
		for _, f := range s.InjectedFailures {
			fs = append(fs, fmt.Sprintf("%s %d of %d took effect", f.Kind, f.TookEffect, f.Due))
		}
		lines = append(lines, [2]string{"failures", strings.Join(fs, "; ")})
	}
	return append(lines, [2]string{"verdict", fmt.Sprintf("%s: %s", s.Verdict.Outcome, s.Verdict.Why)})
}

// skewLines name, for each skewed keyed operator, its hot subtasks and keys,
// and what the skew allows; and the job's sustainable input rate.
func skewLines(res *models.Result) [][2]string {
	s := res.Summary
	var lines [][2]string
	for _, sk := range s.Skew {
		if sk.Ratio < 1.2 && sk.ExpectedRatio < 1.2 {
			continue
		}
		var hot []string
		for _, h := range sk.HotSubtasks {
			hot = append(hot, fmt.Sprintf("%d (%.1f%%, key groups %s)", h.Subtask, 100*h.Share, h.KeyGroups))
		}
		line := fmt.Sprintf("%s: busiest subtask %.2f× the mean; hot subtasks %s", sk.Operator, sk.Ratio, strings.Join(hot, ", "))
		var keys []string
		for i, k := range sk.TopKeys {
			if i > 0 && k.Share < 0.001 {
				break
			}
			keys = append(keys, fmt.Sprintf("%s (%.2g%%, subtask %d)", k.Key, 100*k.Share, k.Subtask))
			if len(keys) == 5 {
				break
			}
		}
		if len(keys) > 0 {
			line += "; top keys " + strings.Join(keys, ", ")
		}
		if sk.HottestKeyBoundRPS > 0 && sk.TopKeys[0].Share >= 0.001 {
			line += fmt.Sprintf("; the hottest key alone allows %s/s input at any parallelism (beyond %d subtasks more do not help)",
				humanCount(sk.HottestKeyBoundRPS), sk.ParallelismLimit)
		}
		lines = append(lines, [2]string{"skew", line})
	}
	if s.SustainableInputRPS > 0 && s.Bottleneck != "" {
		lines = append(lines, [2]string{"sustainable", fmt.Sprintf("%s/s input at most; %s bounds it", humanCount(s.SustainableInputRPS), s.Bottleneck)})
	}
	return lines
}

// operatorTable is busy, backpressured and idle time per operator, with the
// backpressure status Flink's web UI would show.
func operatorTable(res *models.Result) table {
	t := table{header: []string{"operator", "task", "busy", "max", "backpressured", "max", "status", "idle"}}
	for _, o := range res.Summary.Operators {
		task := o.Task
		if len(task) > 40 {
			task = task[:37] + "..."
		}
		f := func(v float64) string { return fmt.Sprintf("%.0f", v) }
		t.rows = append(t.rows, []string{o.Name, task, f(o.BusyMsPerS), f(o.MaxSubtaskBusyMsPerS), f(o.BackpressuredMsPerS),
			f(o.MaxSubtaskBackpressuredMsPerS), o.Backpressure, f(o.IdleMsPerS)})
	}
	return t
}

// checkpointLines are the checkpoint lines of the summary.
func checkpointLines(c *models.CheckpointSummary) [][2]string {
	line := fmt.Sprintf("%d completed, %d failed (%d expired)", c.Completed, c.Failed, c.Expired)
	if c.Completed > 0 {
		line += fmt.Sprintf("; duration p50 %s, p99 %s, max %s against a %s interval; size up to %s",
			humanSeconds(c.DurationS.P50), humanSeconds(c.DurationS.P99), humanSeconds(c.DurationS.Max),
			humanSeconds(c.IntervalS), humanBytes(float64(c.FullSizeMax)))
	}
	lines := [][2]string{{"checkpoints", line}}
	if c.Restarts > 0 {
		line = fmt.Sprintf("%d, down %s in all, %s records replayed, %s written twice by sinks",
			c.Restarts, humanSeconds(c.DowntimeS), humanCount(float64(c.Replayed)), humanCount(float64(c.Duplicated)))
		if c.RestartsFromStart > 0 {
			line += fmt.Sprintf("; %d restart(s) found no completed checkpoint and replayed the input from its beginning", c.RestartsFromStart)
		}
		if c.JobFailed {
			line += "; the restart strategy gave up: the job FAILED"
		}
		lines = append(lines, [2]string{"restarts", line})
	}
	return lines
}

func humanBytes(b float64) string {
	switch {
	case b >= 1e12:
		return trimZero(fmt.Sprintf("%.1f", b/1e12)) + " TB"
	case b >= 1e9:
		return trimZero(fmt.Sprintf("%.1f", b/1e9)) + " GB"
	case b >= 1e6:
		return trimZero(fmt.Sprintf("%.1f", b/1e6)) + " MB"
	case b >= 1e3:
		return trimZero(fmt.Sprintf("%.1f", b/1e3)) + " kB"
	}
	return fmt.Sprintf("%.0f B", b)
}

// humanCount prints a count with k, M, G, T, P suffixes, and in
// scientific notation beyond.
func humanCount(v float64) string {
	a := math.Abs(v)
	if a >= 1e18 {
		return strconv.FormatFloat(v, 'e', 1, 64)
	}
	for _, u := range []struct {
		f float64
		s string
	}{{1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= u.f {
			return trimZero(fmt.Sprintf("%.1f%s", v/u.f, u.s))
		}
	}
	if a > 0 && a < 1 {
		return strconv.FormatFloat(v, 'g', 2, 64) // 0.001, not 0
	}
	return trimZero(fmt.Sprintf("%.1f", v))
}

func trimZero(s string) string {
	i := strings.IndexAny(s, "kMGTP")
	if i < 0 {
		return strings.TrimSuffix(s, ".0")
	}
	return strings.TrimSuffix(s[:i], ".0") + s[i:]
}

func humanSeconds(sec float64) string {
	switch {
	case sec >= 3600:
		return trimZero(fmt.Sprintf("%.1f", sec/3600)) + "h"
	case sec >= 60:
		return trimZero(fmt.Sprintf("%.1f", sec/60)) + "min"
	case sec >= 1:
		return trimZero(fmt.Sprintf("%.1f", sec)) + "s"
	case sec >= 1e-3:
		return trimZero(fmt.Sprintf("%.1f", sec*1e3)) + "ms"
	}
	return trimZero(fmt.Sprintf("%.0f", sec*1e6)) + "µs"
}
