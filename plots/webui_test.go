package plots

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// webRun is a source -> keyed -> sink job: the source idle, the keyed
// task fully busy, the sink fully backpressured (names with markup), and
// n checkpoints, the last in progress, every 7th failed, each with
// per-subtask details on par subtasks per task.
func webRun(n, par int) *result.Result {
	res := &result.Result{}
	s := &res.Summary
	s.Scenario, s.VirtualDurationS = "web <ui>", float64(n)*60+30
	s.Verdict = result.Verdict{Outcome: result.PhaseOverload, Why: "lag <grows>", Phases: []result.Phase{{Phase: "stable"}, {Phase: "overload", StartS: 600}}}
	tasks := []string{"Source: kafka -> parse", "count <keyed>", "Sink: jdbc"}
	descs := []string{"Source: kafka<br/>+- parse<br/>", "count &lt;keyed&gt;<br/>", "Sink: jdbc<br/>"}
	busy := []float64{0, 1000, 0}
	bp := []float64{0, 0, 1000}
	s.Plan = &result.Plan{}
	for i, tk := range tasks {
		node := result.PlanNode{ID: result.VertexID(tk), Description: descs[i], Parallelism: par}
		if i > 0 {
			ship := []string{"", result.ShipHash, result.ShipForward}[i]
			node.Inputs = []result.PlanInput{{ID: result.VertexID(tasks[i-1]), ShipStrategy: ship, Exchange: "pipelined_bounded"}}
		}
		s.Plan.Nodes = append(s.Plan.Nodes, node)
		s.Operators = append(s.Operators, result.OperatorSummary{Name: fmt.Sprint("op", i), Task: tk, Parallelism: par,
			MaxSubtaskBusyMsPerS: busy[i], MaxSubtaskBackpressuredMsPerS: bp[i]})
	}
	s.Checkpoints = &result.CheckpointSummary{IntervalS: 60, TimeoutS: 600}
	for i := range n {
		c := &result.CheckpointStats{ID: int64(i + 1), Status: "COMPLETED", Trigger: sim.FromSeconds(float64(i)*60 + 10),
			Duration: sim.FromSeconds(float64(5 + i%10)), NumSubtasks: 3 * par, NumAcked: 3 * par,
			StateSize: int64(1e9), Checkpointed: int64(1e8 * (i%4 + 1)), ProcessedData: 1000, PersistedData: 0}
		switch {
		case i == n-1:
			c.Status, c.Duration, c.NumAcked = "IN_PROGRESS", 0, par
		case i%7 == 6:
			c.Status, c.FailureMessage = "FAILED", result.FailureExpired
		}
		for _, tk := range tasks {
			ts := result.TaskCheckpointStats{Name: tk, NumSubtasks: par, NumAcked: par, LatestAck: c.Trigger + c.Duration}
			for k := range par {
				ts.Subtasks = append(ts.Subtasks, result.SubtaskCheckpointStats{Index: k, Acked: true, Ack: c.Trigger + c.Duration - sim.Time(k),
					StartDelay: sim.FromSeconds(1), Alignment: sim.FromSeconds(0.5), Sync: sim.FromSeconds(0.1), Async: sim.FromSeconds(2)})
			}
			c.Tasks = append(c.Tasks, ts)
		}
		res.Checkpoints = append(res.Checkpoints, c)
	}
	return res
}

// wellFormed fails unless s parses as XML.
func wellFormed(t *testing.T, what, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", what, err)
		}
	}
}

func TestJobGraph(t *testing.T) {
	g := string(JobGraph(webRun(3, 2)))
	wellFormed(t, "job graph", g)
	if n := strings.Count(g, `class="vertex"`); n != 3 {
		t.Errorf("%d vertices, want 3", n)
	}
	for _, want := range []string{
		">HASH</text>", ">FORWARD</text>", "Parallelism: 2", "count &lt;keyed&gt;",
		// a box shows the task's name, its tooltip the plan's description
		`data-task="Source: kafka -&gt; parse"><title>Source: kafka` + "\n" + `+- parse</title>`, ">Source: kafka -&gt; parse</text>",
		`fill="#5db1ff" stroke="#1890ff"`, // the idle source, Flink's default blue
		`fill="#ee6464" stroke="#ee2222"`, // the busy task, red
		`fill="#888888" stroke="#000000"`, // the backpressured sink, grey
		"Busy (max): 100%", "Backpressured (max): 100%",
	} {
		if !strings.Contains(g, want) {
			t.Errorf("job graph lacks %q", want)
		}
	}
	if JobGraph(&result.Result{}) != "" {
		t.Error("a result without a plan drew a job graph")
	}
}

func TestWrapName(t *testing.T) {
	got := wrapName("Source: events -> parse -> filter -> enrich with a very long name indeed", 20, 2)
	if len(got) != 2 || !strings.HasSuffix(got[1], "…") {
		t.Errorf("wrapName = %q", got)
	}
}

func TestCheckpointSections(t *testing.T) {
	secs := CheckpointSections(webRun(120, 40))
	if len(secs) != 2 || secs[0].ID != "checkpoints" || secs[1].ID != "checkpoint-breakdown" {
		t.Fatalf("sections %+v", secs)
	}
	sum, hist := secs[0].Tables[0], secs[0].Tables[1]
	if !strings.Contains(sum.Caption, "completed") || len(sum.Rows) != 5 || sum.Header[1] != "minimum" {
		t.Errorf("summary %+v", sum)
	}
	if got := sum.Rows[0]; got[1] != "5 s" || got[6] != "14 s" {
		t.Errorf("end-to-end row %q: want min 5 s and max 14 s", got)
	}
	if len(hist.Rows) != HistoryRows || hist.Rows[0][0] != "120" || !strings.Contains(hist.Caption, "latest 50 of 120") {
		t.Errorf("history: %d rows, first %q, caption %q", len(hist.Rows), hist.Rows[0], hist.Caption)
	}
	if hist.Rows[0][1] != "IN_PROGRESS" || !strings.HasSuffix(hist.Rows[0][5], "(so far)") {
		t.Errorf("newest row %q", hist.Rows[0])
	}
	b := secs[1]
	if !strings.Contains(b.Title, "Slowest checkpoint: 10 ") {
		t.Errorf("breakdown title %q: want checkpoint 10 (the first of the slowest completed)", b.Title)
	}
	wellFormed(t, "breakdown", string(b.SVG))
	if n := strings.Count(string(b.SVG), "<title>async:"); n != breakdownRows {
		t.Errorf("%d subtask bars, want %d (of 120)", n, breakdownRows)
	}
	if !strings.Contains(strings.Join(b.Notes, " "), "96 subtasks that acknowledged last of 120") {
		t.Errorf("notes %q", b.Notes)
	}
	if CheckpointSections(&result.Result{}) != nil {
		t.Error("sections without checkpointing")
	}
}

func TestWriteIndexWebUI(t *testing.T) {
	res := webRun(12, 2)
	path := filepath.Join(t.TempDir(), "index.html")
	p := Page{Title: "t", Verdict: &res.Summary.Verdict,
		Runs:     []RunLink{{Name: "base", Outcome: "stable", Href: "base/index.html", Style: 1}, {Name: "b", Style: -1}},
		Sections: append([]Section{{ID: "job-graph", Title: "Job graph", SVG: JobGraph(res)}}, CheckpointSections(res)...)}
	if err := WriteIndex(path, p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	for _, want := range []string{
		`<div class="verdict warn" id="verdict">`, `<span class="outcome">overload</span>lag &lt;grows&gt;`,
		"stable from 0 s, then overload from 10 min",
		`<section id="job-graph">`, `<section id="checkpoints">`, `<section id="checkpoint-breakdown">`,
		`<a href="base/index.html">`, `stroke-dasharray=`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if n := strings.Count(s, "<svg"); n != 3 {
		t.Errorf("%d SVGs, want 3 (job graph, breakdown, one swatch)", n)
	}
}

func TestVerdictPhasesSkipInstant(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.html")
	v := &result.Verdict{Outcome: "overload", Phases: []result.Phase{{Phase: "stable"}, {Phase: "overload"}, {Phase: "recovered", StartS: 90}}}
	if err := WriteIndex(path, Page{Title: "t", Verdict: v}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `<div class="phases">overload from 0 s, then recovered from 90 s</div>`) {
		t.Errorf("phases: %s", b)
	}
}

// TestCheckpointSummaryAsFlink: the page's summary takes Flink's
// percentiles (Commons Math's default, at position p·(n+1), interpolated)
// of the end-to-end durations in whole milliseconds, as checkpoints.json's
// summary does. For 1, 2, 4 and 8 s: p50 at position 2.5, halfway from
// 2 s to 4 s, 3 s; p90 at 4.5, past the last, 8 s; the average 3.75 s.
func TestCheckpointSummaryAsFlink(t *testing.T) {
	var done []*result.CheckpointStats
	for i, d := range []float64{1, 2, 4, 8} {
		done = append(done, &result.CheckpointStats{ID: int64(i + 1), Status: "COMPLETED",
			Trigger: sim.FromSeconds(float64(i) * 60), Duration: sim.FromSeconds(d)})
	}
	row := checkpointSummary(done).Rows[0]
	want := []string{"end to end duration", Format(UnitSeconds, 1), Format(UnitSeconds, 3.75),
		Format(UnitSeconds, 3), Format(UnitSeconds, 8), Format(UnitSeconds, 8), Format(UnitSeconds, 8)}
	if strings.Join(row, "|") != strings.Join(want, "|") {
		t.Errorf("summary row %q, want %q", row, want)
	}
}

// TestCheckpointPageAsREST: the history, the slowest checkpoint's title,
// its per-task end-to-end durations and its subtasks' parts are what
// checkpoints.json and checkpoint-details.json hold: whole milliseconds of
// each timestamp, as Flink's REST gives them (252.6 ms from a trigger at
// 1000.9 ms is 1253 − 1000 = 253 ms there, never 252.6 rounded).
func TestCheckpointPageAsREST(t *testing.T) {
	res := webRun(2, 1)
	c := res.Checkpoints[0]
	c.Trigger, c.Duration = sim.FromSeconds(1.0009), sim.FromSeconds(0.2522)
	for i := range c.Tasks {
		tk := &c.Tasks[i]
		tk.LatestAck = c.Trigger + c.Duration
		tk.Subtasks[0].Ack, tk.Subtasks[0].StartDelay = tk.LatestAck, sim.FromSeconds(0.0026)
	}
	// the slowest by checkpoints.json: checkpoint 1's 253 ms over a
	// checkpoint of 252.9 ms from a trigger on a whole ms (252 ms)
	res.Checkpoints[1].Status, res.Checkpoints[1].Duration = "COMPLETED", sim.FromSeconds(0.2529)
	res.Checkpoints[1].Trigger = sim.FromSeconds(60)
	secs := CheckpointSections(res)
	hist := secs[0].Tables[1]
	if got, want := hist.Rows[1][5], Format(UnitSeconds, 0.253); got != want || c.EndToEndMs() != 253 {
		t.Errorf("history: %q, want %q (checkpoints.json: %d ms)", got, want, c.EndToEndMs())
	}
	b := secs[1]
	if want := "Slowest checkpoint: 1 (completed, " + Format(UnitSeconds, 0.253) + ")"; b.Title != want {
		t.Errorf("title %q, want it to end %q", b.Title, want)
	}
	if got := b.Tables[0].Rows[0][3]; got != Format(UnitSeconds, 0.253) {
		t.Errorf("per task: %q", got)
	}
	if want := "start delay: " + Format(UnitSeconds, 0.002) + "<"; !strings.Contains(string(b.SVG), want) {
		t.Errorf("subtask bar: want %q in %s", want, b.SVG)
	}
}

// TestCheckpointCountsAsFlink: the Checkpoints tab's counts are Flink's
// (CheckpointStatsCounts): the triggers that failed before a checkpoint
// was created, a task not running, are triggered and failed checkpoints
// there, though the history never lists them.
func TestCheckpointCountsAsFlink(t *testing.T) {
	res := webRun(30, 4)
	res.Summary.Checkpoints.FailedBeforeStart = 3
	failed := 0
	for _, c := range res.Checkpoints {
		if c.Status == "FAILED" {
			failed++
		}
	}
	note := CheckpointSections(res)[0].Notes[0]
	want := fmt.Sprintf("Triggered %d: completed %d, failed %d (0 expired, 3 before they started: a task not running)",
		len(res.Checkpoints)+3, len(res.Checkpoints)-failed-1, failed+3)
	if !strings.HasPrefix(note, want) {
		t.Errorf("counts %q, want %q", note, want)
	}
}
