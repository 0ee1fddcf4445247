package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/flinksim/flinksim/models"
)

// printSummary prints the human summary of a run.
func printSummary(w io.Writer, res *models.Result, dir string) {
	s := res.Summary
	fmt.Fprintf(w, "%s: %s virtual in %.2fs (seed %d, %s events)\n",
		s.Scenario, humanSeconds(s.VirtualDurationS), s.WallS, s.Seed, humanCount(float64(s.Engine.Events)))
	fmt.Fprintf(w, "  throughput   source %s/s, sink %s/s\n", humanCount(s.Throughput.SourceRPS), humanCount(s.Throughput.SinkRPS))
	growth := res.LagGrowth()
	lag := fmt.Sprintf("%s records at the end (peak %s)", humanCount(float64(s.Records.SourceLag)), humanCount(float64(s.SourceLagMax)))
	if growth > 0.01*s.Throughput.SourceRPS && growth > 1 {
		lag += fmt.Sprintf(", growing %s/s", humanCount(growth))
	}
	fmt.Fprintf(w, "  kafka lag    %s\n", lag)
	fmt.Fprintf(w, "  latency      p50 %s, p99 %s, max %s (record creation to sink)\n",
		humanSeconds(s.LatencyS.P50), humanSeconds(s.LatencyS.P99), humanSeconds(s.LatencyS.Max))
	nameW, taskW := len("operator"), len("task")
	for _, o := range s.Operators {
		nameW, taskW = max(nameW, len(o.Name)), max(taskW, min(len(o.Task), 40))
	}
	fmt.Fprintf(w, "  %-*s  %-*s  %-11s  %-20s  %s\n", nameW, "", taskW, "", "busy ms/s", "backpressured ms/s", "idle ms/s")
	fmt.Fprintf(w, "  %-*s  %-*s  %5s %5s  %5s %5s %-8s  %5s\n", nameW, "operator", taskW, "task", "mean", "max", "mean", "max", "status", "mean")
	for _, o := range s.Operators {
		task := o.Task
		if len(task) > 40 {
			task = task[:37] + "..."
		}
		fmt.Fprintf(w, "  %-*s  %-*s  %5.0f %5.0f  %5.0f %5.0f %-8s  %5.0f\n", nameW, o.Name, taskW, task,
			o.BusyMsPerS, o.MaxSubtaskBusyMsPerS, o.BackpressuredMsPerS, o.MaxSubtaskBackpressuredMsPerS, o.Backpressure, o.IdleMsPerS)
	}
	var busy, pressured []string
	for _, o := range s.Operators {
		if o.MaxSubtaskBusyMsPerS > 900 {
			busy = append(busy, o.Name)
		}
		if o.Backpressure == "HIGH" {
			pressured = append(pressured, o.Name)
		}
	}
	switch {
	case len(busy) > 0 && len(pressured) > 0:
		fmt.Fprintf(w, "  busy: %s (the bottleneck); backpressured: %s\n", strings.Join(busy, ", "), strings.Join(pressured, ", "))
	case len(busy) > 0:
		fmt.Fprintf(w, "  busy: %s, at the edge of its capacity\n", strings.Join(busy, ", "))
	case len(pressured) > 0:
		fmt.Fprintf(w, "  backpressured: %s\n", strings.Join(pressured, ", "))
	default:
		fmt.Fprintf(w, "  no operator is busy or backpressured\n")
	}
	files := "summary.json, metrics.csv, scenario.resolved.yaml"
	if c := s.Checkpoints; c != nil {
		printCheckpoints(w, c)
		files += ", checkpoints.json"
	}
	fmt.Fprintf(w, "  outputs in %s: %s\n", dir, files)
}

// printCheckpoints prints the checkpoint lines of the summary.
func printCheckpoints(w io.Writer, c *models.CheckpointSummary) {
	line := fmt.Sprintf("%d completed, %d failed (%d expired)", c.Completed, c.Failed, c.Expired)
	if c.Completed > 0 {
		line += fmt.Sprintf("; duration p50 %s, p99 %s, max %s against a %s interval; size up to %s",
			humanSeconds(c.DurationS.P50), humanSeconds(c.DurationS.P99), humanSeconds(c.DurationS.Max),
			humanSeconds(c.IntervalS), humanBytes(float64(c.FullSizeMax)))
	}
	fmt.Fprintf(w, "  checkpoints  %s\n", line)
	if c.Restarts > 0 {
		line = fmt.Sprintf("%d, down %s in all, %s records replayed, %s written twice by sinks",
			c.Restarts, humanSeconds(c.DowntimeS), humanCount(float64(c.Replayed)), humanCount(float64(c.Duplicated)))
		if c.RestartsFromStart > 0 {
			line += fmt.Sprintf("; %d restart(s) found no completed checkpoint and replayed the input from its beginning", c.RestartsFromStart)
		}
		if c.JobFailed {
			line += "; the restart strategy gave up: the job FAILED"
		}
		fmt.Fprintf(w, "  restarts     %s\n", line)
	}
	fmt.Fprintf(w, "  verdict      %s: %s\n", c.Verdict.Outcome, c.Verdict.Why)
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

func humanCount(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trimZero(fmt.Sprintf("%.1fG", v/1e9))
	case a >= 1e6:
		return trimZero(fmt.Sprintf("%.1fM", v/1e6))
	case a >= 1e3:
		return trimZero(fmt.Sprintf("%.1fk", v/1e3))
	}
	return trimZero(fmt.Sprintf("%.1f", v))
}

func trimZero(s string) string {
	i := strings.IndexAny(s, "kMG")
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
