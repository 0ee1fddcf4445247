package models

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flinksim/flinksim/sim"
)

// CheckpointSummary is summary.json's "checkpoints" section.
type CheckpointSummary struct {
	IntervalS         float64   `json:"interval_s"`
	TimeoutS          float64   `json:"timeout_s"`
	Completed         int       `json:"completed"`
	Failed            int       `json:"failed"`
	Expired           int       `json:"expired"`
	Restarts          int       `json:"restarts"`
	DurationS         Quantiles `json:"duration_s"` // completed checkpoints
	SizeMaxBytes      int64     `json:"size_max_bytes"`
	FullSizeMax       int64     `json:"full_size_max_bytes"`
	Duplicated        int64     `json:"records_duplicated"` // written again by sinks after restores
	Replayed          int64     `json:"records_replayed"`   // read again by sources after restores
	DowntimeS         float64   `json:"downtime_s"`
	RestartsFromStart int       `json:"restarts_without_checkpoint"` // restores that found no completed checkpoint
	// MaxCheckpointAgeS is the longest the job went without a newer completed
	// checkpoint: what a failure at the worst moment would have replayed.
	MaxCheckpointAgeS float64 `json:"max_checkpoint_age_s"`
	// UploadBandwidth is all TaskManagers' upload bandwidth (bytes/s): a cost.
	UploadBandwidth float64 `json:"upload_bandwidth_bytes_per_s"`
	JobFailed       bool    `json:"job_failed"`
	Verdict         Verdict `json:"verdict"`
}

// Quantiles summarises a distribution.
type Quantiles struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Verdict says how the job fared: each phase it went through and when it
// began, the outcome, and why in one sentence.
type Verdict struct {
	Outcome string  `json:"outcome"` // stable, overload, timeouts, failover loop, failed
	Phases  []Phase `json:"phases"`
	Why     string  `json:"why"`
}

// Phase is one stage of a run.
type Phase struct {
	Phase  string  `json:"phase"`
	StartS float64 `json:"start_s"`
}

// Verdict phases, from best to worst.
const (
	PhaseStable       = "stable"
	PhaseOverload     = "overload"
	PhaseTimeouts     = "timeouts"
	PhaseFailoverLoop = "failover loop"
	PhaseFailed       = "failed"
)

// checkpointSummary builds the checkpoints section from the run's history.
func (s *Simulation) checkpointSummary(res *Result) *CheckpointSummary {
	c := s.coord
	if c == nil {
		return nil
	}
	cs := &CheckpointSummary{IntervalS: s.spec.Checkpointing.Interval.Seconds(), TimeoutS: s.spec.Checkpointing.Timeout.Seconds(), Completed: c.completed,
		Failed: c.failed, Expired: c.expired, Restarts: s.restarts, Duplicated: s.duplicated,
		Replayed: s.replayed, DowntimeS: s.downtime.Seconds(), JobFailed: s.job == jobFailed}
	var durations []float64
	for _, h := range c.history {
		if h.Status == "COMPLETED" {
			durations = append(durations, h.Duration.Seconds())
			cs.SizeMaxBytes = max(cs.SizeMaxBytes, h.Checkpointed)
			cs.FullSizeMax = max(cs.FullSizeMax, h.StateSize)
		}
	}
	cs.DurationS = quantiles(durations)
	var last sim.Time
	for _, h := range c.history {
		if h.Status == "COMPLETED" {
			cs.MaxCheckpointAgeS = max(cs.MaxCheckpointAgeS, (h.Trigger + h.Duration - last).Seconds())
			last = h.Trigger
		}
	}
	cs.MaxCheckpointAgeS = max(cs.MaxCheckpointAgeS, (s.spec.Duration - last).Seconds())
	cs.UploadBandwidth = s.spec.Checkpointing.Storage.UploadPerTM * float64(s.totalTMs)
	for _, r := range c.restored {
		if r.ID == 0 {
			cs.RestartsFromStart++
		}
	}
	if s.job == jobRestarting {
		cs.DowntimeS += (s.eng.Now() - s.downSince).Seconds()
	}
	cs.Verdict = s.verdict(res)
	return cs
}

func quantiles(xs []float64) Quantiles {
	if len(xs) == 0 {
		return Quantiles{}
	}
	sorted := append([]float64(nil), xs...)
	sort.Float64s(sorted)
	at := func(q float64) float64 { return sorted[int(q*float64(len(sorted)-1)+0.5)] }
	return Quantiles{P50: at(0.5), P99: at(0.99), Max: sorted[len(sorted)-1]}
}

// overloadFactor: a job whose checkpoints take more than twice the interval
// can no longer checkpoint on schedule (every other trigger waits).
// Checkpoints a little slower than the interval just run back to back.
const overloadFactor = 2

// verdict classifies the run. Overload begins when a completed checkpoint
// takes more than twice the interval or Kafka lag exceeds 60 s of input and
// keeps growing; timeouts at the first expired checkpoint; a failover loop at
// the second failover. The outcome is the worst phase reached, unless the job
// recovered: lag back under 60 s of input and no failed checkpoint in the
// last quarter of the run.
func (s *Simulation) verdict(res *Result) Verdict {
	c := s.coord
	interval := s.spec.Checkpointing.Interval
	rate := res.Summary.Throughput.SourceRPS
	if produced := float64(res.Summary.Records.Produced); produced > 0 {
		rate = produced / s.spec.Duration.Seconds()
	}
	lagLimit := 60 * rate
	lag := totalSeries(res, MetricPending)
	began := map[string]sim.Time{PhaseStable: 0}
	mark := func(phase string, at sim.Time) {
		if t, ok := began[phase]; !ok || at < t {
			began[phase] = at
		}
	}
	var slowest *CheckpointStats
	for _, h := range c.history {
		if h.Status == "COMPLETED" && h.Duration > overloadFactor*interval {
			mark(PhaseOverload, h.Trigger+h.Duration)
		}
		if h.Status == "COMPLETED" && h.Duration > interval && (slowest == nil || h.Duration > slowest.Duration) {
			slowest = h
		}
		if h.Status == "FAILED" && h.FailureMessage == reasonExpired {
			mark(PhaseTimeouts, h.Failure)
		}
	}
	for i := 2; i < len(lag); i++ {
		if lag[i] > lagLimit && lag[i] > lag[i-1] && lag[i-1] > lag[i-2] {
			mark(PhaseOverload, sim.FromSeconds(res.Times[i]))
			break
		}
	}
	if len(s.failures) >= 2 {
		mark(PhaseFailoverLoop, s.failures[1].At)
	}
	if s.job == jobFailed {
		mark(PhaseFailed, s.failures[len(s.failures)-1].At)
	}
	order := []string{PhaseStable, PhaseOverload, PhaseTimeouts, PhaseFailoverLoop, PhaseFailed}
	v := Verdict{Outcome: PhaseStable}
	for _, p := range order {
		if t, ok := began[p]; ok {
			v.Phases = append(v.Phases, Phase{Phase: p, StartS: t.Seconds()})
			v.Outcome = p
		}
	}
	sort.SliceStable(v.Phases, func(i, j int) bool { return v.Phases[i].StartS < v.Phases[j].StartS })
	endLag := 0.0
	if len(lag) > 0 {
		endLag = lag[len(lag)-1]
	}
	recovered := endLag < lagLimit && s.job == jobRunning
	for _, h := range c.history {
		if h.Status == "FAILED" && h.Failure > s.spec.Duration*3/4 {
			recovered = false
		}
	}
	if v.Outcome != PhaseStable && recovered {
		v.Outcome = PhaseStable
		v.Phases = append(v.Phases, Phase{Phase: "recovered", StartS: s.spec.Duration.Seconds()})
	}
	v.Why = s.why(v, slowest, endLag, rate)
	return v
}

func (s *Simulation) why(v Verdict, slowest *CheckpointStats, endLag, rate float64) string {
	c := s.coord
	interval := s.spec.Checkpointing.Interval
	var parts []string
	maxDur := sim.Time(0)
	for _, h := range c.history {
		if h.Status == "COMPLETED" {
			maxDur = max(maxDur, h.Duration)
		}
	}
	recovered := len(v.Phases) > 0 && v.Phases[len(v.Phases)-1].Phase == "recovered"
	switch {
	case v.Outcome == PhaseStable && !recovered:
		parts = append(parts, fmt.Sprintf("checkpoints took at most %s against a %s interval", fmtDur(maxDur), fmtDur(interval)))
	case v.Outcome == PhaseStable:
		parts = append(parts, fmt.Sprintf("overloaded for a while (checkpoints up to %s against a %s interval) but recovered", fmtDur(maxDur), fmtDur(interval)))
		if c.expired == 0 {
			parts = append(parts, "no checkpoint expired")
		}
		if len(s.failures) > 0 {
			parts = append(parts, fmt.Sprintf("%d failover(s)", len(s.failures)))
		}
	default:
		for _, p := range v.Phases {
			switch p.Phase {
			case PhaseOverload:
				parts = append(parts, fmt.Sprintf("overloaded from %s", fmtDur(sim.FromSeconds(p.StartS))))
			case PhaseTimeouts:
				parts = append(parts, fmt.Sprintf("checkpoints expired (timeout %s) from %s", fmtDur(s.spec.Checkpointing.Timeout), fmtDur(sim.FromSeconds(p.StartS))))
			case PhaseFailoverLoop:
				parts = append(parts, fmt.Sprintf("%d failovers from %s", len(s.failures), fmtDur(sim.FromSeconds(p.StartS))))
			case PhaseFailed:
				parts = append(parts, "the restart strategy gave up: the job failed")
			}
		}
		if slowest != nil {
			parts = append(parts, fmt.Sprintf("the slowest completed checkpoint took %s against a %s interval", fmtDur(slowest.Duration), fmtDur(interval)))
		}
	}
	if rate > 0 && endLag > 0 {
		parts = append(parts, fmt.Sprintf("lag at the end %s of input", fmtDur(sim.FromSeconds(endLag/rate))))
	}
	return strings.Join(parts, "; ")
}

// totalSeries sums a metric over its operators' aggregate series.
func totalSeries(res *Result, metric string) []float64 {
	total := make([]float64, len(res.Times))
	for _, s := range res.Series {
		if s.Metric == metric && s.Subtask < 0 {
			for i, v := range s.Values {
				total[i] += v
			}
		}
	}
	return total
}

// fmtDur prints a duration to about two significant figures.
func fmtDur(d sim.Time) string {
	sec := d.Seconds()
	switch {
	case sec >= 3600:
		return fmt.Sprintf("%.1fh", sec/3600)
	case sec >= 600:
		return fmt.Sprintf("%.0fmin", sec/60)
	case sec >= 120:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", sec/60), ".0") + "min"
	case sec >= 10:
		return fmt.Sprintf("%.0fs", sec)
	case sec >= 1:
		return fmt.Sprintf("%.1fs", sec)
	}
	return fmt.Sprintf("%.0fms", sec*1000)
}
