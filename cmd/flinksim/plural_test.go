package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

// TestRunsIndexPlural: the index page of a run of one variant counts "1
// run", not "1 runs"; of two, "2 runs".
func TestRunsIndexPlural(t *testing.T) {
	for n, want := range map[int]string{1: "<title>s: 1 run</title>", 2: "<title>s: 2 runs</title>"} {
		var runs []runResult
		for i := range n {
			runs = append(runs, runResult{name: []string{"base", "v"}[i], res: &result.Result{}})
		}
		dir := t.TempDir()
		if err := writeRunsIndex(dir, "s", runs); err != nil {
			t.Fatal(err)
		}
		if page := readPage(t, filepath.Join(dir, "index.html")); !strings.Contains(page, want) {
			t.Errorf("%d runs: the page lacks %q", n, want)
		}
	}
}

// TestCountsReadAsWords: counts printed for people read "1 problem", "3
// problems", never "problem(s)": the problems' count after a list of them,
// the keys not modelled, the failures an injected failure caused and the
// seconds an overload lasted, the restarts that found no checkpoint.
func TestCountsReadAsWords(t *testing.T) {
	probs := func(n int) scenarios.Problems {
		var ps scenarios.Problems
		for range n {
			ps = append(ps, scenarios.Problem{File: "--duration", Msg: "bad"})
		}
		return ps
	}
	failures := func(n int) *result.Result {
		return &result.Result{Summary: result.Summary{VirtualDurationS: 600, InjectedFailures: []result.InjectedFailureSummary{
			{Kind: "kafka-outage", FromS: 60, UntilS: 120, TookEffect: n}, {Kind: "overload", Due: n, TookEffect: n}}}}
	}
	restarts := func(n int) *result.Result {
		return &result.Result{Summary: result.Summary{Checkpoints: &result.CheckpointSummary{RestartsFromStart: n}}}
	}
	text := func(res *result.Result) string {
		var b strings.Builder
		for _, l := range summaryLines(res) {
			b.WriteString(l.text + "\n")
		}
		return b.String()
	}
	for _, c := range []struct{ got, want string }{
		{problemsTrailer(probs(1)), "flinksim: 1 problem in the flags"},
		{problemsTrailer(probs(3)), "flinksim: 3 problems in the flags"},
		{scenarios.NotModelledWarning([]string{"a.b"}), "1 Flink key would change the result but is not modelled; this run ignores it: a.b"},
		{scenarios.NotModelledWarning([]string{"a.b", "c.d"}), "2 Flink keys would change the result but are not modelled; this run ignores them: a.b c.d"},
		{text(failures(1)), "kafka-outage from 1min to 2min caused 1 failure; overload above its limit in 1 second, caused 1 failure"},
		{text(failures(2)), "kafka-outage from 1min to 2min caused 2 failures; overload above its limit in 2 seconds, caused 2 failures"},
		{text(restarts(1)), "1 restart found no completed checkpoint"},
		{text(restarts(2)), "2 restarts found no completed checkpoint"},
	} {
		if !strings.Contains(c.got, c.want) || strings.Contains(c.got, "(s)") {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
