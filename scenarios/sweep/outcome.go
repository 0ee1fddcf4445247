package sweep

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/flinksim/flinksim/result"
)

// Outcome is what one run of a point came to: the numbers capacity planning
// asks about. Field names are a contract (points.jsonl); fields are only
// ever added.
type Outcome struct {
	// Stable: the run's verdict (diagnose.Judge, one definition for every
	// job) is stable.
	Stable  bool   `json:"stable"`
	Verdict string `json:"verdict"` // stable, no output, overload, never checkpointed, failover, timeouts, failover loop, failed
	// Why is the verdict's why, as summary.json has it: a stable point
	// whose sink sends nothing says so there ("; but db took ...").
	Why string `json:"why,omitempty"`

	SourceRPS     float64 `json:"source_rps"`
	SinkRPS       float64 `json:"sink_rps"`
	LatencyP50S   float64 `json:"latency_p50_s"`
	LatencyP99S   float64 `json:"latency_p99_s"`
	LatencyMaxS   float64 `json:"latency_max_s"`
	LagEnd        float64 `json:"lag_end"`
	LagMax        float64 `json:"lag_max"`
	MaxBusyMsPerS float64 `json:"max_busy_ms_per_s"` // the busiest subtask's average

	TaskManagers    float64 `json:"task_managers"`
	UploadBandwidth float64 `json:"upload_bandwidth_bytes_per_s,omitempty"` // all TaskManagers'

	// Checkpointing: the run had checkpointing on (its checkpoint outcomes
	// are charted by default, with gaps where none completed). The
	// durations are Flink's end-to-end duration of the completed
	// checkpoints, p99 and max of checkpoints.json's summary
	// (result.EndToEnd), in seconds.
	Checkpointing          bool    `json:"checkpointing,omitempty"`
	CheckpointsCompleted   float64 `json:"checkpoints_completed"`
	CheckpointsFailed      float64 `json:"checkpoints_failed"`
	CheckpointDurationP99S float64 `json:"checkpoint_duration_p99_s,omitempty"`
	CheckpointDurationMaxS float64 `json:"checkpoint_duration_max_s,omitempty"`
	Restarts               float64 `json:"restarts"` // with or without checkpointing
}

// outcomeJSON is Outcome as points.jsonl holds it, field for field: the
// latencies are null when no record reached a sink (Missing), not 0. A
// record written before, with 0 there, reads back the same: Missing says
// it has no value.
type outcomeJSON struct {
	Stable                 bool     `json:"stable"`
	Verdict                string   `json:"verdict"`
	Why                    string   `json:"why,omitempty"`
	SourceRPS              float64  `json:"source_rps"`
	SinkRPS                float64  `json:"sink_rps"`
	LatencyP50S            *float64 `json:"latency_p50_s"`
	LatencyP99S            *float64 `json:"latency_p99_s"`
	LatencyMaxS            *float64 `json:"latency_max_s"`
	LagEnd                 float64  `json:"lag_end"`
	LagMax                 float64  `json:"lag_max"`
	MaxBusyMsPerS          float64  `json:"max_busy_ms_per_s"`
	TaskManagers           float64  `json:"task_managers"`
	UploadBandwidth        float64  `json:"upload_bandwidth_bytes_per_s,omitempty"`
	Checkpointing          bool     `json:"checkpointing,omitempty"`
	CheckpointsCompleted   float64  `json:"checkpoints_completed"`
	CheckpointsFailed      float64  `json:"checkpoints_failed"`
	CheckpointDurationP99S float64  `json:"checkpoint_duration_p99_s,omitempty"`
	CheckpointDurationMaxS float64  `json:"checkpoint_duration_max_s,omitempty"`
	Restarts               float64  `json:"restarts"`
}

// MarshalJSON writes the outcome as outcomeJSON: null latencies where no
// record reached a sink.
func (o Outcome) MarshalJSON() ([]byte, error) {
	j := outcomeJSON{Stable: o.Stable, Verdict: o.Verdict, Why: o.Why, SourceRPS: o.SourceRPS, SinkRPS: o.SinkRPS,
		LagEnd: o.LagEnd, LagMax: o.LagMax, MaxBusyMsPerS: o.MaxBusyMsPerS, TaskManagers: o.TaskManagers,
		UploadBandwidth: o.UploadBandwidth, Checkpointing: o.Checkpointing,
		CheckpointsCompleted: o.CheckpointsCompleted, CheckpointsFailed: o.CheckpointsFailed,
		CheckpointDurationP99S: o.CheckpointDurationP99S, CheckpointDurationMaxS: o.CheckpointDurationMaxS, Restarts: o.Restarts}
	if !o.Missing("latency_p99_s") {
		j.LatencyP50S, j.LatencyP99S, j.LatencyMaxS = &o.LatencyP50S, &o.LatencyP99S, &o.LatencyMaxS
	}
	return json.Marshal(j)
}

// OutcomeOf summarises a run.
func OutcomeOf(res *result.Result) Outcome {
	s := res.Summary
	o := Outcome{
		SourceRPS: s.Throughput.SourceRPS, SinkRPS: s.Throughput.SinkRPS,
		LatencyP50S: s.LatencyS.P50, LatencyP99S: s.LatencyS.P99, LatencyMaxS: s.LatencyS.Max,
		LagEnd: float64(s.Records.SourceLag), LagMax: float64(s.SourceLagMax),
		TaskManagers: float64(s.TaskManagers),
	}
	for _, op := range s.Operators {
		o.MaxBusyMsPerS = max(o.MaxBusyMsPerS, op.MaxSubtaskBusyMsPerS)
	}
	if c := s.Checkpoints; c != nil {
		o.Checkpointing = true
		o.UploadBandwidth = c.UploadBandwidth
		o.CheckpointsCompleted, o.CheckpointsFailed = float64(c.Completed), float64(c.Failed)
		e2e := result.EndToEnd(res.Checkpoints) // checkpoints.json's end_to_end_duration
		o.CheckpointDurationP99S, o.CheckpointDurationMaxS = e2e.P99, e2e.Max
		o.Restarts = float64(c.Restarts)
	} else if rs := s.Restarts; rs != nil {
		o.Restarts = float64(rs.Restarts) // a job restarts without checkpointing too, from the start
	}
	o.Verdict, o.Why = s.Verdict.Outcome, s.Verdict.Why
	o.Stable = s.Verdict.Outcome == result.PhaseStable
	return o
}

// outcomeFields maps each numeric outcome's JSON name to its value.
var outcomeFields = map[string]func(*Outcome) float64{
	"stable": func(o *Outcome) float64 {
		if o.Stable {
			return 1
		}
		return 0
	},
	"source_rps":                   func(o *Outcome) float64 { return o.SourceRPS },
	"sink_rps":                     func(o *Outcome) float64 { return o.SinkRPS },
	"latency_p50_s":                func(o *Outcome) float64 { return o.LatencyP50S },
	"latency_p99_s":                func(o *Outcome) float64 { return o.LatencyP99S },
	"latency_max_s":                func(o *Outcome) float64 { return o.LatencyMaxS },
	"lag_end":                      func(o *Outcome) float64 { return o.LagEnd },
	"lag_max":                      func(o *Outcome) float64 { return o.LagMax },
	"max_busy_ms_per_s":            func(o *Outcome) float64 { return o.MaxBusyMsPerS },
	"task_managers":                func(o *Outcome) float64 { return o.TaskManagers },
	"upload_bandwidth_bytes_per_s": func(o *Outcome) float64 { return o.UploadBandwidth },
	"checkpoints_completed":        func(o *Outcome) float64 { return o.CheckpointsCompleted },
	"checkpoints_failed":           func(o *Outcome) float64 { return o.CheckpointsFailed },
	"checkpoint_duration_p99_s":    func(o *Outcome) float64 { return o.CheckpointDurationP99S },
	"checkpoint_duration_max_s":    func(o *Outcome) float64 { return o.CheckpointDurationMaxS },
	"restarts":                     func(o *Outcome) float64 { return o.Restarts },
}

// Get returns the numeric outcome with this JSON name (stable is 1 or 0).
func (o Outcome) Get(name string) (float64, error) {
	f, ok := outcomeFields[name]
	if !ok {
		return 0, fmt.Errorf("no outcome %q (outcomes: %s)", name, strings.Join(OutcomeNames(), ", "))
	}
	return f(&o), nil
}

// Missing reports an outcome the run has no value for, where its field
// holds 0 (and points.jsonl null or nothing): a checkpoint duration when
// no checkpoint completed, a latency when no record reached a sink. A
// condition on it does not hold.
func (o Outcome) Missing(name string) bool {
	switch name {
	case "checkpoint_duration_p99_s", "checkpoint_duration_max_s":
		return o.CheckpointsCompleted == 0
	case "latency_p50_s", "latency_p99_s", "latency_max_s":
		return o.SinkRPS == 0
	}
	return false
}

// WhyMissing is why a run has no value for the outcome, for charts and
// tables ("" for an outcome every run has).
func WhyMissing(name string) string {
	switch name {
	case "checkpoint_duration_p99_s", "checkpoint_duration_max_s":
		return "no checkpoint completed"
	case "latency_p50_s", "latency_p99_s", "latency_max_s":
		return "no record reached a sink"
	}
	return ""
}

// OutcomeNames lists the numeric outcomes, sorted.
func OutcomeNames() []string {
	names := make([]string, 0, len(outcomeFields))
	for k := range outcomeFields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// VerdictCount is how many runs ended in one verdict.
type VerdictCount struct {
	Verdict string
	N       int
}

// Tally is how many runs (the replicas of a point, or of a compared
// variant) ended in each verdict, best verdict first.
type Tally []VerdictCount

// verdictOrder ranks the outcomes a verdict can have, best first.
var verdictOrder = result.Outcomes()

// TallyVerdicts counts verdicts: the outcomes in verdictOrder, then any
// other (an empty one, from a record written before verdicts, as
// "unknown") by name.
func TallyVerdicts(verdicts []string) Tally {
	n := map[string]int{}
	for _, v := range verdicts {
		if v == "" {
			v = "unknown"
		}
		n[v]++
	}
	var t Tally
	for _, v := range verdictOrder {
		if n[v] > 0 {
			t = append(t, VerdictCount{v, n[v]})
			delete(n, v)
		}
	}
	rest := make([]string, 0, len(n))
	for v := range n {
		rest = append(rest, v)
	}
	sort.Strings(rest)
	for _, v := range rest {
		t = append(t, VerdictCount{v, n[v]})
	}
	return t
}

// Runs is the number of runs counted.
func (t Tally) Runs() int {
	total := 0
	for _, c := range t {
		total += c.N
	}
	return total
}

// Mixed says the runs did not all end the same: the outcome hinges on the
// seed.
func (t Tally) Mixed() bool { return len(t) > 1 }

// String is "stable 6/10, failover 4/10".
func (t Tally) String() string {
	parts := make([]string, len(t))
	for i, c := range t {
		parts[i] = fmt.Sprintf("%s %d/%d", c.Verdict, c.N, t.Runs())
	}
	return strings.Join(parts, ", ")
}
