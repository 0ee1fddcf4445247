package diagnose

import (
	"fmt"
	"strings"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// busyLimit (busyTimeMsPerSecond) marks a subtask at its capacity: one
// that works all the time shows 1000 ms/s; a saturated subtask that idles
// for moments between inputs shows a little less.
const busyLimit = 900

// Backpressure says where the job's bottleneck is, as a Flink engineer
// reads the web UI: the operators whose busiest subtask works nearly all
// the time, and those graded HIGH or LOW backpressured (Flink's grading of
// backPressuredTimeMsPerSecond). A busy operator with backpressure
// upstream is the bottleneck; busy operators without any are compared
// with the job's sustainable input rate (load); backpressure without a
// busy operator names the task downstream that is not backpressured
// (downstreamCause).
func Backpressure(s result.Summary) string {
	var busy, high, low []string
	for _, o := range s.Operators {
		if o.MaxSubtaskBusyMsPerS > busyLimit {
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
		parts = append(parts, "busy: "+strings.Join(busy, ", ")+load(s))
	}
	if len(high) > 0 {
		parts = append(parts, "backpressured (HIGH): "+strings.Join(high, ", "))
	}
	if len(low) > 0 {
		parts = append(parts, "backpressured (LOW): "+strings.Join(low, ", "))
	}
	if len(busy) == 0 && len(high)+len(low) > 0 {
		if c := downstreamCause(s); c != "" {
			parts = append(parts, c)
		}
	}
	b := strings.Join(parts, "; ")
	if b == "" {
		b = "no operator is busy or backpressured"
	}
	return b
}

// downstreamCause names, when tasks are backpressured but no subtask is
// busy, where to look as Flink's backpressure guide says: a backpressured
// task cannot hand its output on, so the cause is a task downstream of it
// that is not backpressured itself (the job graph's edges, Summary.Plan),
// with its busiest subtask's busy time. "" without a job graph or when
// every downstream task is backpressured too.
func downstreamCause(s result.Summary) string {
	if s.Plan == nil {
		return ""
	}
	type task struct {
		backpressured bool
		busy          float64
	}
	tasks := map[string]*task{}
	var order []string // tasks in the summary's order: deterministic output
	for _, o := range s.Operators {
		t := tasks[result.VertexID(o.Task)]
		if t == nil {
			t = &task{}
			tasks[result.VertexID(o.Task)] = t
			order = append(order, o.Task)
		}
		t.backpressured = t.backpressured || o.Backpressure == "HIGH" || o.Backpressure == "LOW"
		t.busy = max(t.busy, o.MaxSubtaskBusyMsPerS)
	}
	causes := map[string]bool{}
	for _, n := range s.Plan.Nodes {
		if t := tasks[n.ID]; t == nil || t.backpressured {
			continue
		}
		for _, in := range n.Inputs {
			if up := tasks[in.ID]; up != nil && up.backpressured {
				causes[n.ID] = true
			}
		}
	}
	// A backpressured task that feeds several (a branch, two sinks) is held
	// back by the one that cannot keep up, not by a sibling that idles:
	// only candidates at least half as busy as the busiest one are named.
	top := 0.0
	for id := range causes {
		top = max(top, tasks[id].busy)
	}
	var named []string
	for _, name := range order {
		if id := result.VertexID(name); causes[id] && tasks[id].busy >= top/2 {
			named = append(named, fmt.Sprintf("%s (not backpressured; its busiest subtask busy %.0f ms/s)", name, tasks[id].busy))
		}
	}
	if len(named) == 0 {
		return ""
	}
	return "the cause is downstream of them: " + strings.Join(named, ", ")
}

// load says, for a busy job that nothing backpressures, how its input
// compares with what it can process (its sustainable input rate): at the
// edge of its capacity within the rate's resolution, overloaded above it.
// "" when either is unknown.
func load(s result.Summary) string {
	in := inputRate(s)
	if in <= 0 || s.SustainableInputRPS <= 0 {
		return ""
	}
	r := in / s.SustainableInputRPS
	of := fmt.Sprintf("input %s what it can process (%s/s against %s/s)", times(r), human.Count(in), human.Count(s.SustainableInputRPS))
	switch {
	case r > 1+resolution:
		return ", overloaded: " + of
	case r >= 1-resolution:
		return ", at the edge of its capacity: " + of
	}
	return ", with " + of
}

// inputRate is a run's mean arrivals in records/s, the initial backlog
// left out (it is not input per second).
func inputRate(s result.Summary) float64 {
	if s.VirtualDurationS <= 0 {
		return 0
	}
	return float64(s.Records.Produced-s.Records.Backlog) / s.VirtualDurationS
}

// times prints a ratio as a multiple to two significant figures: 0.94×,
// 2.0×, 17×.
func times(r float64) string {
	switch {
	case r >= 9.95:
		return fmt.Sprintf("%.0f×", r)
	case r >= 0.995:
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// Skew names, for each skewed keyed operator (its busiest subtask, or its
// key groups' shares, 1.2× the mean or more), its hot subtasks and keys,
// and what the skew allows: one sentence each; none for an operator no
// record reached (a summary written before such operators were left out).
func Skew(s result.Summary) []string {
	var lines []string
	for _, sk := range s.Skew {
		if sk.Ratio < 1.2 && sk.ExpectedRatio < 1.2 || len(sk.HotSubtasks) == 0 { // none: no record reached it
			continue
		}
		lines = append(lines, skewOf(sk))
	}
	return lines
}

func skewOf(sk result.SkewSummary) string {
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
		where := fmt.Sprintf("subtask %d", k.Subtask)
		if k.Subtask == result.SpreadKey {
			where = "spread by the hot-key partitioner"
		}
		keys = append(keys, fmt.Sprintf("%s (%.2g%%, %s)", k.Key, 100*k.Share, where))
		if len(keys) == 5 {
			break
		}
	}
	if len(keys) > 0 {
		line += "; top keys " + strings.Join(keys, ", ")
	}
	switch {
	case sk.HottestKeyBoundRPS > 0 && len(sk.HottestKeys) > 0:
		line += fmt.Sprintf("; hot keys %s share a key group, which one subtask takes at any parallelism: together they allow %s/s input (%s)",
			human.And(sk.HottestKeys), human.Count(sk.HottestKeyBoundRPS), limitWords(sk))
	case sk.HottestKeyBoundRPS > 0 && sk.TopKeys[0].Share >= 0.001:
		line += fmt.Sprintf("; the hottest key alone allows %s/s input at any parallelism (%s)",
			human.Count(sk.HottestKeyBoundRPS), limitWords(sk))
	}
	return line
}

// limitWords says the parallelism at which the operator reaches 90% of what
// its hottest key allows, and when that is above its max parallelism, that
// it needs a larger one first: key groups are fixed by a job's state, and
// a job restored from a checkpoint keeps its max parallelism
// (StateAssignmentOperation), so only a job started without state can.
func limitWords(sk result.SkewSummary) string {
	if sk.ParallelismLimit == 0 {
		return "no parallelism up to 32768, the most Flink allows, reaches 90% of it"
	}
	if sk.MaxParallelism > 0 && sk.ParallelismLimit > sk.MaxParallelism {
		return fmt.Sprintf("%d subtasks reach 90%% of it, above its max parallelism of %d, which a job restored from a checkpoint keeps; more add ever less",
			sk.ParallelismLimit, sk.MaxParallelism)
	}
	return fmt.Sprintf("%d subtasks reach 90%% of it, more add ever less", sk.ParallelismLimit)
}

// Bound says the job's sustainable input rate and what bounds it ("" when
// the summary has none).
func Bound(s result.Summary) string {
	if s.SustainableInputRPS > 0 && s.Bottleneck != "" {
		return fmt.Sprintf("%s/s input at most; %s bounds it", human.Count(s.SustainableInputRPS), s.Bottleneck)
	}
	return ""
}
