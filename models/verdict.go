package models

import (
	"fmt"
	"math"
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
	Outcome string  `json:"outcome"` // stable, overload, failover, timeouts, failover loop, failed
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
	PhaseFailover     = "failover"
	PhaseTimeouts     = "timeouts"
	PhaseFailoverLoop = "failover loop"
	PhaseFailed       = "failed"
	// PhaseRecovered marks when a job that went through worse phases
	// was healthy again; it is never an outcome.
	PhaseRecovered = "recovered"
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

// Healthy-run thresholds, one definition for every job, checkpointing or not.
const (
	// lagLimitS: a job is behind when its Kafka lag holds more than this
	// many seconds of input (Flink's own UI shows no verdict; this is the
	// simulator's line, stated in the README).
	lagLimitS = 60.0
	// growthLimit: a job falls behind when, over the second half of the
	// run, its lag grows by more than this fraction of the input rate.
	growthLimit = 0.01
	// overloadFactor: checkpoints taking more than twice the interval can
	// no longer keep to the schedule (every other trigger waits): reported
	// in why, not a phase, since the job may still keep up with its input.
	overloadFactor = 2
)

// Judge classifies a run from its Result alone (a run just simulated or
// read back from disk), with one definition of healthy for every job:
// at the end the job runs, its Kafka lag holds at most 60 s of input and
// does not grow by more than 1% of the input rate over the second half of
// the run, and in the last quarter of the run no checkpoint expired and no
// failover happened.
//
// Phases: overload begins when the lag first exceeds 60 s of input while
// growing (or, for a job that ends behind, when it last held under a second
// of input); failover at the first failover; timeouts at the first expired
// checkpoint; a failover loop at the second failover; failed when the
// restart strategy gave up. The outcome is
// the worst phase reached, or stable when the job ends healthy; a job that
// went through worse phases and ends healthy gets a "recovered" phase at the
// first sample after its last failure and restore at which its lag had
// drained (to a second of input, or twice its level at the end) and from
// which it stays under 60 s of input.
func Judge(res *Result) Verdict {
	s := res.Summary
	dur := s.VirtualDurationS
	rate := 0.0
	if dur > 0 {
		rate = float64(s.Records.Produced) / dur
	}
	lagLimit := lagLimitS * rate
	lag := totalSeries(res, MetricPending)
	began := map[string]float64{PhaseStable: 0}
	mark := func(phase string, at float64) {
		if t, ok := began[phase]; !ok || at < t {
			began[phase] = at
		}
	}
	lastBad := 0.0
	failedLate := false
	for _, h := range res.Checkpoints {
		if h.Status != "FAILED" {
			continue
		}
		at := h.Failure.Seconds()
		if h.FailureMessage == reasonExpired {
			mark(PhaseTimeouts, at)
		}
		lastBad = max(lastBad, at)
		failedLate = failedLate || (at > dur*3/4 && h.FailureMessage == reasonExpired)
	}
	// Overload: the lag passes the limit while growing; the phase begins
	// when the job last held under a second of input before that.
	caughtUp := func(i int) float64 {
		for ; i >= 0; i-- {
			if lag[i] <= rate {
				return res.Times[i]
			}
		}
		return 0
	}
	for i := 2; i < len(lag); i++ {
		if lag[i] > lagLimit && lag[i] > lag[i-1] && lag[i-1] > lag[i-2] {
			mark(PhaseOverload, caughtUp(i))
			break
		}
	}
	for _, f := range res.Failovers {
		lastBad = max(lastBad, f.At.Seconds())
		failedLate = failedLate || f.At.Seconds() > dur*3/4
	}
	if len(res.Failovers) >= 1 {
		mark(PhaseFailover, res.Failovers[0].At.Seconds())
	}
	if len(res.Failovers) >= 2 {
		mark(PhaseFailoverLoop, res.Failovers[1].At.Seconds())
	}
	down := false // restarting or failed at the end
	if n := len(res.Failovers); n > 0 {
		last := res.Failovers[n-1]
		if last.Final {
			mark(PhaseFailed, last.At.Seconds())
		}
		down = last.Final || len(res.Restores) == 0 || res.Restores[len(res.Restores)-1].At < last.At
	}
	endLag := 0.0
	if len(lag) > 0 {
		endLag = lag[len(lag)-1]
	}
	growth := res.LagGrowth()
	behind := endLag > lagLimit || growth > growthLimit*rate
	if behind {
		if _, ok := began[PhaseOverload]; !ok {
			mark(PhaseOverload, caughtUp(len(lag)-1)) // a short run: behind, under the limit
		}
	}
	v := Verdict{Outcome: PhaseStable}
	for _, p := range []string{PhaseStable, PhaseOverload, PhaseFailover, PhaseTimeouts, PhaseFailoverLoop, PhaseFailed} {
		if t, ok := began[p]; ok {
			v.Phases = append(v.Phases, Phase{Phase: p, StartS: t})
			v.Outcome = p
		}
	}
	sort.SliceStable(v.Phases, func(i, j int) bool { return v.Phases[i].StartS < v.Phases[j].StartS })
	healthy := !behind && !down && !failedLate
	if v.Outcome != PhaseStable && healthy {
		v.Outcome = PhaseStable
		// Recovered: running again after the last failover, and from the
		// first sample after the last trouble at which the lag had drained
		// (to a second of input, or to twice where it ends) and stayed under
		// the limit.
		if n := len(res.Restores); n > 0 {
			lastBad = max(lastBad, res.Restores[n-1].At.Seconds())
		}
		drained := max(rate, 2*endLag)
		at := lastBad
		for i := len(lag) - 1; i >= 0 && lag[i] <= lagLimit; i-- {
			if res.Times[i] >= lastBad && lag[i] <= drained {
				at = res.Times[i]
			}
		}
		v.Phases = append(v.Phases, Phase{Phase: PhaseRecovered, StartS: at})
	}
	v.Why = why(res, v, endLag, growth, rate)
	if down && !res.Failovers[len(res.Failovers)-1].Final {
		v.Why = "restarting at the end; " + v.Why
	}
	return v
}

// why says in a sentence what the verdict rests on, with the numbers.
func why(res *Result, v Verdict, endLag, growth, rate float64) string {
	s := res.Summary
	c := s.Checkpoints
	var parts []string
	var maxDur, slowest float64
	completed := 0
	for _, h := range res.Checkpoints {
		if h.Status == "COMPLETED" {
			completed++
			maxDur = max(maxDur, h.Duration.Seconds())
		}
	}
	if c != nil {
		slowest = maxDur
	}
	for _, p := range v.Phases {
		at := fmtSec(p.StartS)
		switch p.Phase {
		case PhaseOverload:
			if p.StartS == 0 {
				at = "the start"
			}
			parts = append(parts, "behind its input from "+at)
		case PhaseFailover:
			if len(res.Failovers) == 1 {
				parts = append(parts, "a failover at "+at)
			}
		case PhaseTimeouts:
			parts = append(parts, fmt.Sprintf("checkpoints expired (timeout %s) from %s", fmtSec(c.TimeoutS), at))
		case PhaseFailoverLoop:
			parts = append(parts, fmt.Sprintf("%d failovers, the first at %s", len(res.Failovers), fmtSec(res.Failovers[0].At.Seconds())))
		case PhaseFailed:
			parts = append(parts, "the restart strategy gave up at "+at+": the job failed")
		case PhaseRecovered:
			parts = append(parts, "recovered at "+at)
		}
	}
	if c != nil {
		switch {
		case completed == 0:
			parts = append(parts, "no checkpoint completed")
		case slowest > overloadFactor*c.IntervalS:
			parts = append(parts, fmt.Sprintf("checkpoints took up to %s, over twice the %s interval", fmtSec(slowest), fmtSec(c.IntervalS)))
		default:
			parts = append(parts, fmt.Sprintf("checkpoints took at most %s against a %s interval", fmtSec(slowest), fmtSec(c.IntervalS)))
		}
	}
	if rate > 0 {
		l := fmt.Sprintf("Kafka lag at the end %s of input", fmtSec(endLag/rate))
		switch {
		case growth > growthLimit*rate:
			l += fmt.Sprintf(", growing %s records/s", fmtCount(growth))
		case growth < -growthLimit*rate && endLag > rate:
			l += fmt.Sprintf(", draining %s records/s", fmtCount(-growth))
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, "; ")
}

// fmtSec prints seconds to about two significant figures.
func fmtSec(sec float64) string { return fmtDur(sim.FromSeconds(sec)) }

// fmtCount prints a count with k, M, G, T suffixes.
func fmtCount(v float64) string {
	for _, u := range []struct {
		f float64
		s string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.f {
			return strings.TrimSuffix(fmt.Sprintf("%.1f", v/u.f), ".0") + u.s
		}
	}
	return fmt.Sprintf("%.0f", v)
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
