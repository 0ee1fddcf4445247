package sweep

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestTallyVerdicts: verdicts are counted best first (then others by
// name), each as count/runs, and a tally of more than one verdict is mixed.
func TestTallyVerdicts(t *testing.T) {
	for _, c := range []struct {
		verdicts []string
		want     string
		mixed    bool
	}{
		{nil, "", false},
		{[]string{"stable"}, "stable 1/1", false},
		{[]string{"stable", "stable", "stable"}, "stable 3/3", false},
		{[]string{"failover", "stable", "failover", "stable", "stable"}, "stable 3/5, failover 2/5", true},
		{[]string{"failed", "failover loop", "timeouts", "failover", "never checkpointed", "overload", "stable"},
			"stable 1/7, overload 1/7, never checkpointed 1/7, failover 1/7, timeouts 1/7, failover loop 1/7, failed 1/7", true},
		{[]string{"zzz", "", "overload", "aaa"}, "overload 1/4, aaa 1/4, unknown 1/4, zzz 1/4", true},
		{[]string{"timeouts", "timeouts"}, "timeouts 2/2", false},
	} {
		tl := TallyVerdicts(c.verdicts)
		if got := tl.String(); got != c.want {
			t.Errorf("%q: %q, want %q", c.verdicts, got, c.want)
		}
		if tl.Mixed() != c.mixed || tl.Runs() != len(c.verdicts) {
			t.Errorf("%q: mixed %v, runs %d; want %v, %d", c.verdicts, tl.Mixed(), tl.Runs(), c.mixed, len(c.verdicts))
		}
	}
	// Every outcome a verdict can have is ranked.
	if len(verdictOrder) != 8 || verdictOrder[0] != result.PhaseStable || verdictOrder[7] != result.PhaseFailed {
		t.Errorf("verdict order %q", verdictOrder)
	}
}

// TestSummariseTalliesReplicas: each point's stats count its replicas'
// verdicts.
func TestSummariseTalliesReplicas(t *testing.T) {
	p := &Plan{Replicas: 3, Points: []Point{{Key: "a", Replica: 0}, {Key: "a", Replica: 1}, {Key: "a", Replica: 2},
		{Key: "b", Replica: 0}, {Key: "b", Replica: 1}, {Key: "b", Replica: 2}}}
	rec := func(key, verdict string) Record {
		return Record{Key: key, Outcome: Outcome{Verdict: verdict, Stable: verdict == result.PhaseStable}}
	}
	st, err := p.Summarise([]Record{rec("a", "stable"), rec("b", "overload"), rec("a", "stable"), rec("b", "stable"), rec("a", "stable"), rec("b", "overload")}, "stable")
	if err != nil {
		t.Fatal(err)
	}
	if got := st[0].Tally.String() + "; " + st[1].Tally.String(); got != "stable 3/3; stable 1/3, overload 2/3" {
		t.Errorf("tallies %q", got)
	}
	if !st[0].Stable || st[1].Stable || st[1].Tally.Mixed() != true {
		t.Errorf("stats %+v", st)
	}
}

// TestConditionOnMissingValueFails: a run in which no checkpoint completed
// has no checkpoint duration, and one whose sinks got nothing no latency;
// a condition on either does not hold, whatever the bound, rather than
// reading the field's 0 as a fast checkpoint or a short latency.
func TestConditionOnMissingValueFails(t *testing.T) {
	for _, c := range []struct {
		cond string
		o    Outcome
		want bool
	}{
		{"checkpoint_duration_max_s<=30", Outcome{CheckpointsFailed: 16}, false},
		{"checkpoint_duration_max_s<=30", Outcome{CheckpointsCompleted: 3, CheckpointDurationMaxS: 12}, true},
		{"checkpoint_duration_p99_s>=0", Outcome{}, false},
		{"latency_p99_s<=5", Outcome{SourceRPS: 100}, false},
		{"latency_p99_s<=5", Outcome{SourceRPS: 100, SinkRPS: 100, LatencyP99S: 0.2}, true},
		{"lag_end<=0", Outcome{}, true}, // always defined: no lag is 0
	} {
		cond, err := ParseCondition(c.cond)
		if err != nil {
			t.Fatal(err)
		}
		if got := cond.Holds(c.o); got != c.want {
			t.Errorf("%s on %+v: holds %v, want %v", c.cond, c.o, got, c.want)
		}
	}
}

// TestSummariseLeavesMissingValuesOut: the mean, min and max of an outcome
// are over the replicas that have a value; a point where none has one has
// NaN, not 0, and every point counts its replicas without one.
func TestSummariseLeavesMissingValuesOut(t *testing.T) {
	p := &Plan{Replicas: 2, Points: []Point{{Key: "a", Replica: 0}, {Key: "a", Replica: 1}, {Key: "b", Replica: 0}, {Key: "b", Replica: 1}}}
	rec := func(key string, completed, maxS float64) Record {
		return Record{Key: key, Outcome: Outcome{CheckpointsCompleted: completed, CheckpointDurationMaxS: maxS}}
	}
	st, err := p.Summarise([]Record{rec("a", 0, 0), rec("a", 4, 12), rec("b", 0, 0), rec("b", 0, 0)}, "checkpoint_duration_max_s")
	if err != nil {
		t.Fatal(err)
	}
	a, b := st[0], st[1]
	if a.N != 2 || a.Missing != 1 || a.Mean != 12 || a.Min != 12 || a.Max != 12 || a.NoValue() {
		t.Errorf("a: %+v, want the one replica with a value, 12 s", a)
	}
	if b.N != 2 || b.Missing != 2 || !math.IsNaN(b.Mean) || !math.IsNaN(b.Min) || !b.NoValue() {
		t.Errorf("b: %+v, want NaN and no value", b)
	}
	if WhyMissing("checkpoint_duration_max_s") != "no checkpoint completed" || WhyMissing("lag_end") != "" {
		t.Error("WhyMissing")
	}
}

// TestOutcomeJSONSaysNoValueAsNull: in points.jsonl a latency is null
// exactly when no record reached a sink (0 is a value), the counts are
// written even when 0, every field of Outcome is written under its name,
// and a line of either form (older ones wrote 0 latencies and left zero
// counts out) reads back as the same outcome.
func TestOutcomeJSONSaysNoValueAsNull(t *testing.T) {
	for _, c := range []struct {
		o    Outcome
		want string
	}{
		{Outcome{Verdict: "overload", SourceRPS: 100, LagEnd: 5000, TaskManagers: 1},
			`{"stable":false,"verdict":"overload","source_rps":100,"sink_rps":0,"latency_p50_s":null,"latency_p99_s":null,"latency_max_s":null,"lag_end":5000,"lag_max":0,"max_busy_ms_per_s":0,"task_managers":1,"checkpoints_completed":0,"checkpoints_failed":0,"restarts":0}`},
		{Outcome{Stable: true, Verdict: "stable", Why: "Kafka lag at the end 0s of input; but db took 12 records", SourceRPS: 100, SinkRPS: 100, LatencyP50S: 0, LatencyP99S: 0.002, LatencyMaxS: 0.01, TaskManagers: 1, Checkpointing: true, CheckpointsCompleted: 3, CheckpointDurationP99S: 1, CheckpointDurationMaxS: 2},
			`{"stable":true,"verdict":"stable","why":"Kafka lag at the end 0s of input; but db took 12 records","source_rps":100,"sink_rps":100,"latency_p50_s":0,"latency_p99_s":0.002,"latency_max_s":0.01,"lag_end":0,"lag_max":0,"max_busy_ms_per_s":0,"task_managers":1,"checkpointing":true,"checkpoints_completed":3,"checkpoints_failed":0,"checkpoint_duration_p99_s":1,"checkpoint_duration_max_s":2,"restarts":0}`},
	} {
		b, err := json.Marshal(c.o)
		if err != nil || string(b) != c.want {
			t.Errorf("%+v:\n%s (%v)\nwant\n%s", c.o, b, err, c.want)
		}
		var back Outcome
		if err := json.Unmarshal(b, &back); err != nil || back != c.o {
			t.Errorf("%s read back as %+v (%v)", b, back, err)
		}
	}
	old := `{"stable":false,"verdict":"overload","source_rps":100,"sink_rps":0,"latency_p50_s":0,"latency_p99_s":0,"latency_max_s":0,"lag_end":5000,"lag_max":0,"max_busy_ms_per_s":0,"task_managers":1}`
	var o Outcome
	if err := json.Unmarshal([]byte(old), &o); err != nil || o != (Outcome{Verdict: "overload", SourceRPS: 100, LagEnd: 5000, TaskManagers: 1}) || !o.Missing("latency_p99_s") {
		t.Errorf("an older line read as %+v (%v)", o, err)
	}
	// outcomeJSON mirrors Outcome: the same names in the same order.
	names := func(v any) []string {
		var n []string
		for f := range reflect.TypeOf(v).Fields() {
			n = append(n, f.Tag.Get("json"))
		}
		return n
	}
	strip := func(n []string) []string {
		for i := range n {
			n[i], _, _ = strings.Cut(n[i], ",")
		}
		return n
	}
	if a, b := strip(names(Outcome{})), strip(names(outcomeJSON{})); !slices.Equal(a, b) {
		t.Errorf("outcomeJSON's fields %q differ from Outcome's %q", b, a)
	}
}
