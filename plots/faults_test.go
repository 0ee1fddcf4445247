package plots

import (
	"fmt"
	"github.com/flinksim/flinksim/sim"
	"image/color"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Charts a new user could not read (issue 8, item 20).

// legendThumb is what a panel's legend entry shows: the line, points or
// rule drawn under that name.
func legendThumb(t *testing.T, pn *panel, name string) any {
	t.Helper()
	for _, e := range pn.legend {
		if e.name == name {
			return e.thumb
		}
	}
	var names []string
	for _, e := range pn.legend {
		names = append(names, e.name)
	}
	t.Fatalf("%s: no legend %q in %q", pn.title, name, names)
	return nil
}

func TestRowTicks(t *testing.T) {
	block := func(op string, n int) (ops []string, subs []int) {
		for i := range n {
			ops, subs = append(ops, op), append(subs, i)
		}
		return ops, subs
	}
	two := func(n int) ([]string, []int) {
		o1, s1 := block("a", n)
		o2, s2 := block("b", n)
		return append(o1, o2...), append(s1, s2...)
	}
	labels := func(op string, subs ...int) []string {
		var l []string
		for _, s := range subs {
			l = append(l, fmt.Sprintf("%s[%d]", op, s))
		}
		return l
	}
	every := func(from, to, step int) []int {
		var s []int
		for i := from; i <= to; i += step {
			s = append(s, i)
		}
		return s
	}
	ops12, subs12 := two(6)
	ops200, subs200 := block("a", 200)
	ops402, subs402 := two(201)
	for _, tc := range []struct {
		name string
		ops  []string
		subs []int
		rowH vg.Length
		want []string
	}{
		// Room for every label.
		{"few rows", ops12, subs12, vg.Points(9), append(labels("a", every(0, 5, 1)...), labels("b", every(0, 5, 1)...)...)},
		// 2 rows of 4 points are under 8.5 points: every 5th row.
		{"200 rows", ops200, subs200, vg.Points(4), labels("a", every(0, 195, 5)...)},
		// Every 10th; a[200] is one row above b[0], too close to label.
		{"two blocks of 201", ops402, subs402, vg.Points(1), append(labels("a", every(0, 190, 10)...), labels("b", every(0, 200, 10)...)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ticks := rowTicks(tc.ops, tc.subs, tc.rowH)
			var got []string
			for i, tk := range ticks {
				got = append(got, tk.Label)
				if i > 0 && vg.Length(ticks[i-1].Value-tk.Value)*tc.rowH < vg.Points(8.5) {
					t.Errorf("%s and %s overlap", ticks[i-1].Label, tk.Label)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("labels %q,\nwant %q", got, tc.want)
			}
		})
	}
}

// A heat map of hundreds of rows names subtasks a reader can find, not
// only operators.
func TestDashboardHeatMapManySubtasks(t *testing.T) {
	par := 250
	if testing.Short() {
		par = 120
	}
	res := synth(synthOpts{samples: 12, step: 10, par: par, hot: par - 1})
	f := Dashboard(res)
	p := panelNamed(t, f, "Busy time per subtask")
	if len(p.grid.z) != 3*par {
		t.Fatalf("%d rows, want %d", len(p.grid.z), 3*par)
	}
	s := svg(t, f)
	for _, op := range []string{"kafka", "window", "jdbc"} {
		// Each operator's first subtask and one at least a hundred in.
		if !strings.Contains(s, ">"+op+"[0]<") || !strings.Contains(s, ">"+op+"[100]<") {
			t.Errorf("SVG lacks the %s[0] and %s[100] row labels", op, op)
		}
	}
}

// A failed checkpoint's marker is not drawn in the timeout rule's colour:
// an expired checkpoint sits right on that rule.
func TestDashboardFailedMarkerStandsOut(t *testing.T) {
	res := full()
	p := panelNamed(t, Dashboard(res), "Checkpoint duration")
	timeout := legendThumb(t, p, "timeout 10 min").(*rule)
	failed := legendThumb(t, p, "failed (at failure time)").(*plotter.Scatter)
	completed := legendThumb(t, p, "completed").(*plotter.Line)
	rgb := func(c color.Color) [3]uint32 {
		r, g, b, _ := c.RGBA()
		return [3]uint32{r, g, b}
	}
	if rgb(failed.Color) == rgb(timeout.style.Color) || rgb(failed.Color) == rgb(completed.Color) {
		t.Errorf("failed marker colour %v is the timeout rule's %v or the completed line's %v",
			failed.Color, timeout.style.Color, completed.Color)
	}
	if _, ok := failed.Shape.(boldCross); !ok {
		t.Errorf("failed marker shape %T, want a bold cross", failed.Shape)
	}
	// Expired checkpoints are drawn when they failed, as high as the
	// timeout (600 s) they ran into, not at 0.
	var want plotter.XYs
	for _, c := range res.Checkpoints {
		if c.Status == "FAILED" {
			want = append(want, plotter.XY{X: c.Trigger.Seconds() + 600, Y: 600})
		}
	}
	if !slices.Equal(failed.XYs, want) {
		t.Errorf("failed checkpoints at %v, want %v", failed.XYs, want)
	}
}

// inProgressAtEnd is a result whose last checkpoint was still running when
// the run ended, with no duration yet, as Flink's REST API reports it.
func inProgressAtEnd() (*result.Result, float64) {
	res := synth(synthOpts{samples: 360, step: 10, par: 2, checkpoints: true, hot: -1})
	last := res.Checkpoints[len(res.Checkpoints)-1]
	last.Status, last.Duration, last.FailureMessage = "IN_PROGRESS", 0, ""
	return res, res.Summary.VirtualDurationS - last.Trigger.Seconds()
}

// A checkpoint that did not complete never shows as a 0 s duration: the
// completed line skips it, and the one in progress is a marker of its age.
func TestCheckpointsNotCompletedAreNotZero(t *testing.T) {
	res, age := inProgressAtEnd()
	completed := 0
	for _, c := range res.Checkpoints {
		if c.Status == "COMPLETED" {
			completed++
		}
	}
	noZero := func(name string, l *plotter.Line) {
		if len(l.XYs) != completed {
			t.Errorf("%s: %d points on the line, want the %d completed", name, len(l.XYs), completed)
		}
		for _, pt := range l.XYs {
			if pt.Y <= 0 {
				t.Errorf("%s: a checkpoint drawn at %v s", name, pt.Y)
			}
		}
	}
	p := panelNamed(t, Dashboard(res), "Checkpoint duration")
	noZero("dashboard", legendThumb(t, p, "completed").(*plotter.Line))
	open := legendThumb(t, p, "in progress at end (age)").(*plotter.Scatter)
	if len(open.XYs) != 1 || open.XYs[0].Y != age {
		t.Errorf("in-progress marker at %v, want one at its age %v s", open.XYs, age)
	}

	c := panelNamed(t, Compare([]Run{{"base", res}}), "Checkpoint duration")
	noZero("compare", legendThumb(t, c, "base").(*plotter.Line))
	legendThumb(t, c, "in progress at end (age)")
	legendThumb(t, c, "failed (at failure time)")

	// A checkpoint that failed as it was triggered (duration 0, no later
	// failure time) is still a cross, at its trigger time and 0.
	c3 := res.Checkpoints[3]
	c3.Duration, c3.Failure = 0, c3.Trigger
	p = panelNamed(t, Dashboard(res), "Checkpoint duration")
	if !slices.Contains(p.notes, `points "failed (at failure time)" 4`) {
		t.Errorf("notes %q, want all 4 failed points (one failed at its trigger)", p.notes)
	}
}

// Runs with the same curves stay tellable apart: each its own dash
// pattern, and the legend says which are the same.
func TestCompareEqualRuns(t *testing.T) {
	a := synth(synthOpts{samples: 100, step: 10, par: 2, checkpoints: true, hot: -1})
	b := synth(synthOpts{samples: 100, step: 10, par: 2, checkpoints: true, hot: -1})
	other := synth(synthOpts{samples: 90, step: 10, par: 2, checkpoints: true, hot: -1})
	f := Compare([]Run{{"base", a}, {"other", other}, {"twin", b}})
	p := panelNamed(t, f, "Kafka lag")
	la := legendThumb(t, p, "base").(*plotter.Line)
	legendThumb(t, p, "other") // different: no note
	lb := legendThumb(t, p, "twin (= base)").(*plotter.Line)
	if slices.Equal(la.Dashes, lb.Dashes) {
		t.Errorf("equal runs drawn with the same dashes %v", la.Dashes)
	}
	// No two of the first 64 runs share colour and dashes.
	seen := map[string]int{}
	for i := range len(palette) * len(dashPatterns) {
		st := runStyle(i)
		k := fmt.Sprint(st.Color, st.Dashes)
		if j, ok := seen[k]; ok {
			t.Fatalf("runs %d and %d look alike", j, i)
		}
		seen[k] = i
	}
}

// The rate panel draws the produce rate beside the read rate, once a
// result records it.
func TestDashboardProducedRate(t *testing.T) {
	res := synth(synthOpts{samples: 50, step: 10, par: 2, hot: -1})
	if p := Dashboard(res).panels[0]; strings.Contains(p.title, "produced") {
		t.Errorf("no produce rate recorded, yet the title is %q", p.title)
	}
	produced := make([]float64, len(res.Times))
	for i := range produced {
		produced[i] = 1.5e5
	}
	res.Series = append(res.Series, result.Series{Operator: "kafka", Subtask: -1, Metric: metricProduced, Values: produced})
	f := Dashboard(res)
	p := panelNamed(t, f, "Records per second: produced to Kafka, read by sources")
	l := legendThumb(t, p, "produced to Kafka").(*plotter.Line)
	if len(l.XYs) != len(res.Times) || l.XYs[0].Y != 1.5e5 {
		t.Errorf("produced line %v", l.XYs[:min(3, len(l.XYs))])
	}
	if !strings.Contains(svg(t, f), ">produced to Kafka<") {
		t.Error("SVG lacks the produced line's legend")
	}
}

// TestManyFailoversThinned: 2,000 failovers would cover every panel with
// marker lines; at most maxMarkers are drawn and the legend says how many
// stand for how many.
func TestManyFailoversThinned(t *testing.T) {
	res := synth(synthOpts{samples: 100, step: 10, par: 2, hot: -1, failovers: 2000})
	f := Dashboard(res)
	for _, p := range f.panels {
		for _, n := range p.notes {
			if n == "markers failover 59" || n == "markers restore 59" { // every 34th of 2000: ceil(2000/60) = 34
				continue
			}
			if strings.HasPrefix(n, "markers") {
				t.Errorf("%s: %s, want 59 drawn", p.title, n)
			}
		}
	}
	if s := svg(t, f); !strings.Contains(s, "failover (1 in 34 of 2000)") {
		t.Error("the legend does not say the failovers were thinned")
	}
}

// TestManyCheckpointsThinned: a month of checkpoints every 10 s (259k)
// draws at most maxLinePoints glyphs per kind, as a line is thinned, and
// a failed one among them stays: the SVG of such a run was 28 MB of
// overlapping circles.
func TestManyCheckpointsThinned(t *testing.T) {
	res := synth(synthOpts{samples: 360, step: 10, par: 2, checkpoints: true, hot: -1})
	n := 30 * 24 * 360
	base := *res.Checkpoints[0]
	base.Status, base.FailureMessage = "COMPLETED", ""
	res.Checkpoints = res.Checkpoints[:0]
	for i := range n {
		c := base
		c.ID, c.Trigger, c.Duration = int64(i+1), sim.Time(i)*10*sim.Second, sim.Second
		if i == n/2 {
			c.Status, c.Failure = "FAILED", c.Trigger+2*sim.Second
		}
		res.Checkpoints = append(res.Checkpoints, &c)
	}
	res.Summary.VirtualDurationS = float64(n) * 10
	p := panelNamed(t, Dashboard(res), "Checkpoint duration")
	var drawn int
	for _, note := range p.notes {
		if _, err := fmt.Sscanf(note, `points "" %d`, &drawn); err == nil {
			break
		}
	}
	if drawn == 0 || drawn > maxLinePoints {
		t.Errorf("notes %q: %d completed checkpoints' points drawn, want at most %d (each bucket's lowest and highest: TestThin)", p.notes, drawn, maxLinePoints)
	}
	if !slices.Contains(p.notes, `points "failed (at failure time)" 1`) {
		t.Errorf("notes %q, want the one failed checkpoint", p.notes)
	}
}
