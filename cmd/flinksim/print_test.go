package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestSummaryTextMatchesNumbers: the printed lines say what the numbers
// say (issue 8 item 16).
func TestSummaryTextMatchesNumbers(t *testing.T) {
	op := func(name string, busy, bp float64) result.OperatorSummary {
		return result.OperatorSummary{Name: name, Task: name, Parallelism: 1, MaxSubtaskBusyMsPerS: busy,
			MaxSubtaskBackpressuredMsPerS: bp, Backpressure: result.BackpressureStatus(bp)}
	}
	text := func(s result.Summary) string {
		var b strings.Builder
		for _, l := range summaryLines(&result.Result{Summary: s}) {
			b.WriteString(l.text + "\n")
		}
		return b.String()
	}
	// A LOW operator is named, never "no operator is busy or backpressured".
	got := text(result.Summary{Operators: []result.OperatorSummary{op("src", 300, 381), op("sink", 600, 0)}})
	if !strings.Contains(got, "backpressured (LOW): src") || strings.Contains(got, "no operator") {
		t.Errorf("a LOW operator:\n%s", got)
	}
	got = text(result.Summary{Operators: []result.OperatorSummary{op("src", 300, 600), op("sink", 1000, 0)}})
	if !strings.Contains(got, "busy: sink (the bottleneck); backpressured (HIGH): src") {
		t.Errorf("a busy sink behind a HIGH source:\n%s", got)
	}
	got = text(result.Summary{Operators: []result.OperatorSummary{op("src", 300, 0)}})
	if !strings.Contains(got, "no operator is busy or backpressured") {
		t.Errorf("an idle job:\n%s", got)
	}
	// No record reached a sink: no latency quantiles of nothing.
	if got := text(result.Summary{}); !strings.Contains(got, "no record reached a sink") || strings.Contains(got, "0µs") {
		t.Errorf("no sink records:\n%s", got)
	}
	// No checkpoint completed: the table shows no slowest duration, and no
	// p99 latency without records.
	r := runResult{name: "base", res: &result.Result{Summary: result.Summary{Checkpoints: &result.CheckpointSummary{Failed: 3, MaxCheckpointAgeS: 100}}}}
	tab := outcomeTable([]runResult{r})
	var b strings.Builder
	tab.text(&b)
	if strings.Contains(b.String(), "0µs") || strings.Contains(b.String(), "0/s") || !strings.Contains(b.String(), "0/3") {
		t.Errorf("no completed checkpoint:\n%s", b.String())
	}
}

// TestOperatorTableTaskThatNeverRan: busy, backpressured and idle add up to
// 1000 ms/s of the time a task ran; a task that never ran (every deployment
// failed at once) has no task metrics in Flink, so its row shows "-", not
// zeros that read as an idle task. One that ran shows its numbers.
func TestOperatorTableTaskThatNeverRan(t *testing.T) {
	res := &result.Result{Summary: result.Summary{Operators: []result.OperatorSummary{
		{Name: "src", Task: "Source: src", Backpressure: "OK"},
		{Name: "db", Task: "Sink: db", BusyMsPerS: 250, MaxSubtaskBusyMsPerS: 250, IdleMsPerS: 750, Backpressure: "OK"},
	}}}
	rows := operatorTable(res).rows
	if got := strings.Join(rows[0], " "); got != "src Source: src - - - - - -" {
		t.Errorf("never ran: %q", got)
	}
	if got := strings.Join(rows[1], " "); got != "db Sink: db 250 250 0 0 OK 750" {
		t.Errorf("ran: %q", got)
	}
	var b strings.Builder
	printSummary(&b, res, "out")
	if !strings.Contains(b.String(), "-: the task failed as it was deployed, every time") {
		t.Errorf("no note for the dashes:\n%s", b.String())
	}
}

// TestDeclinedCheckpointsSayWhy: checkpoints a task declined as its async
// phase failed (a state handle over the JobManager storage's
// max-state-size) are named with Flink's failure message and the cause,
// which Flink leaves to the TaskManager's log; a run without them has no
// such line.
func TestDeclinedCheckpointsSayWhy(t *testing.T) {
	res := &result.Result{
		Summary:          result.Summary{Checkpoints: &result.CheckpointSummary{Completed: 1, Failed: 2}},
		CheckpointConfig: &result.CheckpointConfig{CheckpointStorage: "JobManagerCheckpointStorage"},
		Checkpoints: []*result.CheckpointStats{{Status: "COMPLETED"}, {Status: "FAILED", FailureMessage: result.FailureAsync},
			{Status: "FAILED", FailureMessage: result.FailureExpired}, {Status: "FAILED", FailureMessage: result.FailureAsync}},
	}
	text := func(r *result.Result) string {
		var b strings.Builder
		for _, l := range summaryLines(r) {
			b.WriteString(l.text + "\n")
		}
		return b.String()
	}
	got := text(res)
	if !strings.Contains(got, `2 failed with "Asynchronous task checkpoint failed.": a subtask's state handle was larger than JobManagerCheckpointStorage allows (checkpoint-storage.max-state-size`) {
		t.Errorf("declined checkpoints:\n%s", got)
	}
	// Injected checkpoint failures decline with the same message (Flink's
	// for CHECKPOINT_ASYNC_EXCEPTION) and are no oversized state.
	res.Summary.InjectedFailures = []result.InjectedFailureSummary{{Kind: "checkpoint-failure", Due: 2, TookEffect: 2}}
	if got := text(res); strings.Contains(got, "state handle") {
		t.Errorf("injected failures taken for declines:\n%s", got)
	}
	res.Summary.InjectedFailures = []result.InjectedFailureSummary{{Kind: "checkpoint-failure", Due: 1, TookEffect: 1}}
	if got := text(res); !strings.Contains(got, `1 failed with "Asynchronous task checkpoint failed."`) {
		t.Errorf("one declined besides an injected failure:\n%s", got)
	}
	res.Summary.InjectedFailures = nil
	res.Checkpoints = res.Checkpoints[:3:3]
	res.Checkpoints[1].FailureMessage = result.FailureExpired
	if got := text(res); strings.Contains(got, "state handle") {
		t.Errorf("no declined checkpoint:\n%s", got)
	}
}

// TestCheckpointsInProgressShown: a checkpoint still in progress as the run
// ends (checkpoints.json's in_progress) is counted in the summary's
// checkpoint line with how long it had run, and in the table's ckpts
// column, so that "never checkpointed" has a visible cause; none in
// progress, nothing is added.
func TestCheckpointsInProgressShown(t *testing.T) {
	for _, c := range []struct {
		ckpts      []*result.CheckpointStats
		line, cell string
	}{
		{nil, "0 completed, 0 failed (0 expired)\n", "0/0"},
		{[]*result.CheckpointStats{{Status: "IN_PROGRESS", Trigger: 9 * sim.Second}},
			"0 completed, 0 failed (0 expired), 1 in progress (for 1.9min)\n", "0/0+1"},
		{[]*result.CheckpointStats{{Status: "IN_PROGRESS", Trigger: 9 * sim.Second}, {Status: "IN_PROGRESS", Trigger: 60 * sim.Second}},
			"0 completed, 0 failed (0 expired), 2 in progress (the oldest for 1.9min)\n", "0/0+2"},
	} {
		res := &result.Result{Summary: result.Summary{VirtualDurationS: 120, Checkpoints: &result.CheckpointSummary{}}, Checkpoints: c.ckpts}
		var b strings.Builder
		for _, l := range summaryLines(res) {
			if l.label == "checkpoints" && !l.bare {
				b.WriteString(l.text + "\n")
			}
		}
		if b.String() != c.line {
			t.Errorf("got %q, want %q", b.String(), c.line)
		}
		if got := checkpointCells(res)[0]; got != c.cell {
			t.Errorf("ckpts %q, want %q", got, c.cell)
		}
	}
}

// TestInjectedLine: an injected failure says how often it came due and
// took effect; one tied to a checkpoint that never completed says what it
// waited for, not "0 of 0".
func TestInjectedLine(t *testing.T) {
	for _, c := range []struct {
		f    result.InjectedFailureSummary
		want string
	}{
		{result.InjectedFailureSummary{Kind: "taskmanager-loss", Due: 2, TookEffect: 1}, "taskmanager-loss 1 of 2 took effect"},
		{result.InjectedFailureSummary{Kind: "taskmanager-loss", OnCheckpoint: true, AtS: 300},
			"taskmanager-loss never came due: it waits for a checkpoint to complete from 5min, and none did"},
		{result.InjectedFailureSummary{Kind: "taskmanager-loss", OnCheckpoint: true, AtCheckpoint: 7},
			"taskmanager-loss never came due: it waits for checkpoint 7 to complete, which it never did"},
		{result.InjectedFailureSummary{Kind: "checkpoint-failure"}, "checkpoint-failure never came due in the run"},
	} {
		if got := injectedLine(c.f); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.f, got, c.want)
		}
	}
}

// TestRunPageLabelsEveryLine: index.html's table of the run has no header
// row (it has nothing to say) and a label on every line, the bottleneck
// line too, whether the job has a bottleneck (backpressure: busy jdbc) or
// none (tiny); and so do the lines the printed summary leaves bare under
// the checkpoints (restarts from the start, declined checkpoints), which
// it still prints bare.
func TestRunPageLabelsEveryLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backpressure", "--duration", "1m"}, "<tr><td>backpressure</td><td>busy: jdbc (the bottleneck); "},
		{[]string{"testdata/tiny.yaml", "--duration", "30s"}, "<tr><td>backpressure</td><td>no operator is busy or backpressured</td></tr>"},
	} {
		dir := t.TempDir()
		if code, _, errs := cli(t, append([]string{"run", "-q", "--out", dir}, c.args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errs)
		}
		page, err := os.ReadFile(filepath.Join(dir, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		_, run, _ := strings.Cut(string(page), "<caption>the run</caption>")
		run, _, _ = strings.Cut(run, "</table>")
		if strings.Contains(run, "<thead>") || strings.Contains(run, "<th></th>") || strings.Contains(run, "<td></td>") || !strings.Contains(run, c.want) {
			t.Errorf("%v: the run's table, want no header row, no empty cell and %q:\n%s", c.args, c.want, run)
		}
	}
	res := &result.Result{
		Summary:     result.Summary{Checkpoints: &result.CheckpointSummary{Completed: 1, Failed: 1, RestartsFromStart: 2}},
		Checkpoints: []*result.CheckpointStats{{Status: "COMPLETED"}, {Status: "FAILED", FailureMessage: result.FailureAsync}},
	}
	for _, row := range runTable(res).Rows {
		if row[0] == "" {
			t.Errorf("a row without a label: %q", row)
		}
	}
	var b strings.Builder
	printSummary(&b, res, "out")
	for _, bare := range []string{"\n  2 restarts found no completed checkpoint", "\n  1 failed with \"Asynchronous task checkpoint failed.\"", "\n  no operator is busy or backpressured\n"} {
		if !strings.Contains(b.String(), bare) {
			t.Errorf("the printed summary lacks the bare line %q:\n%s", bare, b.String())
		}
	}
}

// The printed checkpoint line gives the full size, and with incremental
// checkpoints, whose upload is less, the checkpointed size beside it, as
// summary.json's size_max_bytes and full_size_max_bytes give them.
func TestCheckpointLineSizes(t *testing.T) {
	for _, c := range []struct {
		size, full int64
		want, not  string
	}{
		{5e9, 5e9, "; size up to 5 GB", "checkpointed"},
		{7e10, 1e12, "; full size up to 1 TB, checkpointed size up to 70 GB", "; size up to"},
	} {
		cs := &result.CheckpointSummary{Completed: 3, SizeMaxBytes: c.size, FullSizeMax: c.full, IntervalS: 30}
		text := checkpointLines(cs, result.Quantiles{}, pending{})[0].text
		if !strings.Contains(text, c.want) || strings.Contains(text, c.not) {
			t.Errorf("sizes %d and %d: %q, want %q", c.size, c.full, text, c.want)
		}
	}
}

// TestOutageAfterTheRunNeverCame: an outage that starts after the run's
// end is told as never come, as a failure that never came due, not as one
// that caused no failure.
func TestOutageAfterTheRunNeverCame(t *testing.T) {
	code, out, errs := cli(t, "run", "restart-storm", "--variant", "base", "--duration", "5m", "--no-plots", "--out", filepath.Join(t.TempDir(), "out"))
	if code != 0 || !strings.Contains(out, "kafka-outage from 15min to 25min never came in the run") || strings.Contains(out, "caused 0 failures") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant the outage never come", code, out, errs)
	}
}
