package diagnose

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

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
// the run, in the last quarter of the run no checkpoint expired and no
// failover happened, with checkpointing at least one checkpoint
// completed, and when its sources read records over the second half of the
// run, some of them reached a sink's readers (diagnose/output.go).
//
// Phases: overload begins when the lag first exceeds 60 s of input while
// growing (or, for a job that ends behind, when it last held under a second
// of input); failover at the first failover; timeouts at the first expired
// checkpoint; never checkpointed at the first trigger of a run whose
// checkpoints never completed (no recovery from it); a failover loop at
// the first failover that repeats the previous one's cause before the job
// had caught up from it (loop); failed when the
// restart strategy gave up; no output (judged when no other phase is, or
// the job recovered from all it went through) when the sources read
// records over the second half of the run and none reached a sink's
// readers, from the last sample at which one did (or when it recovered);
// a silent sink beside one whose output flows is named in the why of any
// outcome but failed (silentSinks). The outcome is
// the worst phase reached, or stable when the job ends healthy; a job that
// went through worse phases and ends healthy gets a "recovered" phase at the
// first sample after its last failure and restore at which its lag had
// drained (to a second of input, or twice its level at the end) and from
// which it stays under 60 s of input.
func Judge(res *result.Result) result.Verdict {
	j := newJudgement(res)
	j.checkpointFailures()
	j.neverCheckpointed()
	j.overload()
	j.failovers()
	growth := res.LagGrowth()
	behind := j.endLag > j.lagLimit || growth > growthLimit*j.rate
	if behind {
		if _, ok := j.began[result.PhaseOverload]; !ok {
			j.mark(result.PhaseOverload, j.caughtUp(len(j.lag)-1)) // a short run: behind, under the limit
		}
	}
	if len(j.began) == 1 { // stable so far: a silent job is judged by its output
		j.noOutput()
	}
	v := j.phases()
	if v.Outcome != result.PhaseStable && !behind && !j.down && !j.failedLate && !j.noCheckpoint && !j.silent {
		at := j.recovered()
		v.Outcome = result.PhaseStable
		v.Phases = append(v.Phases, result.Phase{Phase: result.PhaseRecovered, StartS: at})
		// Recovered, it is judged by its output as a job that went
		// through no other phase is: from when it recovered at the
		// earliest.
		if j.noOutput(); j.silent {
			v.Outcome = result.PhaseNoOutput
			v.Phases = append(v.Phases, result.Phase{Phase: result.PhaseNoOutput, StartS: max(at, j.began[result.PhaseNoOutput])})
		}
	}
	since := ""
	if g, at, ok := j.growthSinceFailed(); ok {
		// a failed job falls behind from its failure, at its whole
		// input rate: the second half's slope would mix in the time it ran
		growth, since = g, " since the failure at "+human.Seconds(at)
	}
	v.Why = why(res, v, j.endLag, growth, j.rate, since)
	if j.silent {
		v.Why = noOutputWhy(res, j.began[result.PhaseNoOutput], j.silentRead) + "; " + v.Why
	} else if s := silentSinks(res); len(s) > 0 && v.Outcome != result.PhaseFailed {
		// others' output flows: the job has output, and these sinks none
		// (a failed job has no writers left to hold anything)
		v.Why += "; but " + strings.Join(s, "; ")
	}
	if j.down && !res.Failovers[len(res.Failovers)-1].Final {
		v.Why = "restarting at the end; " + v.Why
	}
	if s := res.Summary; v.Outcome == result.PhaseStable && s.SustainableInputRPS > 0 && j.rate-s.SustainableInputRPS > growthLimit*j.rate {
		// a bound that takes longer than the run to bite (state that
		// outgrows the heap): stable here is not stable for good
		v.Why += fmt.Sprintf("; stable over this run, but it sustains at most %s/s against %s/s of input (%s bounds it): a longer run would show it",
			human.Count(s.SustainableInputRPS), human.Count(j.rate), s.Bottleneck)
	}
	return v
}

// growthSinceFailed is the slope (records/s) of the lag from the first
// sample after the job failed (the restart strategy gave up) to the end,
// and when it failed, where that falls after the middle of the run (else
// the second half, LagGrowth's window, is all down time already) with two
// samples after it. A job still restarting is left to LagGrowth: each
// restore rewinds its offsets to the checkpoint, a jump that is no rate.
func (j *judgement) growthSinceFailed() (float64, float64, bool) {
	times, n := j.res.Times, len(j.lag)
	if len(j.res.Failovers) == 0 || !j.res.Failovers[len(j.res.Failovers)-1].Final || n < 4 {
		return 0, 0, false
	}
	at := j.res.Failovers[len(j.res.Failovers)-1].At.Seconds()
	a, _ := slices.BinarySearch(times, at)
	if a >= n-1 || times[a] <= times[n/2] {
		return 0, 0, false
	}
	return (j.lag[n-1] - j.lag[a]) / (times[n-1] - times[a]), at, true
}

// judgement is Judge's working state: the run's input rate and lag, and
// when each phase began.
type judgement struct {
	res        *result.Result
	dur, rate  float64 // virtual seconds; mean arrivals records/s (the initial backlog left out)
	lagLimit   float64 // records: lagLimitS of input
	lag        []float64
	endLag     float64
	began      map[string]float64
	lastBad    float64 // when trouble (a failed checkpoint, a failover) last happened
	failedLate bool    // an expiry or a failover in the last quarter
	down       bool    // restarting or failed at the end
	// noCheckpoint: checkpointing is on and no checkpoint completed.
	noCheckpoint bool
	// silent: the sources read silentRead records over the second half of
	// the run and none reached a sink (see noOutput).
	silent     bool
	silentRead float64
}

func newJudgement(res *result.Result) *judgement {
	s := res.Summary
	j := &judgement{res: res, dur: s.VirtualDurationS, began: map[string]float64{result.PhaseStable: 0}}
	j.rate = inputRate(s)
	j.lagLimit = lagLimitS * j.rate
	j.lag = result.LagSeries(res)
	if len(j.lag) > 0 {
		j.endLag = j.lag[len(j.lag)-1]
	}
	return j
}

// mark notes that phase began at (the earliest mark wins).
func (j *judgement) mark(phase string, at float64) {
	if t, ok := j.began[phase]; !ok || at < t {
		j.began[phase] = at
	}
}

// checkpointFailures: timeouts begin at the first expired checkpoint.
func (j *judgement) checkpointFailures() {
	for _, h := range j.res.Checkpoints {
		if h.Status != "FAILED" {
			continue
		}
		at := h.Failure.Seconds()
		if h.FailureMessage == result.FailureExpired {
			j.mark(result.PhaseTimeouts, at)
		}
		j.lastBad = max(j.lastBad, at)
		j.failedLate = j.failedLate || (at > j.dur*3/4 && h.FailureMessage == result.FailureExpired)
	}
}

// neverCheckpointed: with checkpointing on, a run in which no checkpoint
// completed though one had the chance is not healthy, whatever its lag: a
// failure would restart it from where it started and replay everything
// since, and nothing shows that its checkpoints can complete (Flink's
// numberOfCompletedCheckpoints stays 0). The chance: a checkpoint failed,
// or one has been in progress for longer than the interval at the end. A
// run that ended before its first trigger (CheckpointCoordinator's first
// comes after a random initial delay up to the interval), or with its
// first checkpoint younger than the interval, says nothing of its
// checkpoints and is judged without them. The phase begins at the first
// trigger (the start when none is in the history, a summary read back
// with failures alone), and the job cannot recover from it within the
// run.
func (j *judgement) neverCheckpointed() {
	c := j.res.Summary.Checkpoints
	if c == nil || c.Completed > 0 {
		return
	}
	at, chance := -1.0, c.Failed > 0
	for _, h := range j.res.Checkpoints {
		switch {
		case h.Status == "COMPLETED":
			return
		case h.Status == "FAILED":
			chance = true
		case j.dur-h.Trigger.Seconds() > c.IntervalS: // in progress longer than the interval
			chance = true
		}
		if at < 0 {
			at = h.Trigger.Seconds()
		}
	}
	if !chance {
		return
	}
	j.noCheckpoint = true
	j.mark(result.PhaseNeverCheckpointed, max(at, 0))
}

// caughtUp is the last sample time, at or before sample i, at which the
// lag held under a second of input.
func (j *judgement) caughtUp(i int) float64 {
	for ; i >= 0; i-- {
		if j.lag[i] <= j.rate {
			return j.res.Times[i]
		}
	}
	return 0
}

// overload: the lag passes the limit while growing; the phase begins when
// the job last held under a second of input before that.
func (j *judgement) overload() {
	lag := j.lag
	for i := 2; i < len(lag); i++ {
		if lag[i] > j.lagLimit && lag[i] > lag[i-1] && lag[i-1] > lag[i-2] {
			j.mark(result.PhaseOverload, j.caughtUp(i))
			break
		}
	}
}

// failovers: a failover, a loop when one comes back (loop), failed when the restart
// strategy gave up; down when the job is not running at the end.
func (j *judgement) failovers() {
	res := j.res
	for _, f := range res.Failovers {
		j.lastBad = max(j.lastBad, f.At.Seconds())
		j.failedLate = j.failedLate || f.At.Seconds() > j.dur*3/4
	}
	if len(res.Failovers) >= 1 {
		j.mark(result.PhaseFailover, res.Failovers[0].At.Seconds())
	}
	if at, ok := j.loop(); ok {
		j.mark(result.PhaseFailoverLoop, at)
	}
	if n := len(res.Failovers); n > 0 {
		last := res.Failovers[n-1]
		if last.Final {
			j.mark(result.PhaseFailed, last.At.Seconds())
		}
		restored := len(res.Restores) > 0 && res.Restores[len(res.Restores)-1].At >= last.At
		if res.Summary.Restarts != nil { // each failover says when its tasks ran again
			restored = last.RestoredAt > 0
		}
		j.down = last.Final || !restored
	}
}

// failoverCount is every failover of the run: those listed and those the
// list leaves out (it keeps the first 10 000 and the latest).
func failoverCount(res *result.Result) int {
	n := len(res.Failovers)
	if r := res.Summary.Restarts; r != nil {
		n += r.Unlisted
	}
	return n
}

// loop finds the first failover that repeats the previous one's cause
// before the job had recovered from it: the same failure came back while
// the job was still restarting, restoring or catching up, so each restart
// starts over from about where the last one did (a poison record read
// again, an outage still on, checkpoints that keep failing). Two failures
// of the same kind an hour apart, with the job caught up in between, are
// two failovers, not a loop; nor are two of different causes.
func (j *judgement) loop() (float64, bool) {
	fs := j.res.Failovers
	for i := 1; i < len(fs); i++ {
		if fs[i].Cause == fs[i-1].Cause && !j.caughtUpBetween(fs[i-1], fs[i].At.Seconds()) {
			return fs[i].At.Seconds(), true
		}
	}
	return 0, false
}

// caughtUpBetween says whether the job, after failover f, ran again,
// completed a checkpoint (when it checkpoints) and drained its lag before
// until: at some sample from when its tasks all ran again to until, the
// lag held at most a second of input or what it held
// before the failure (a job already behind need only get back to where
// it was).
func (j *judgement) caughtUpBetween(f result.FailureEvent, until float64) bool {
	ran := f.RestoredAt.Seconds()
	if f.RestoredAt == 0 { // read back without the restarts section: the restore after it
		ran = math.Inf(1)
		for _, r := range j.res.Restores {
			if r.At >= f.At {
				ran = r.At.Seconds()
				break
			}
		}
	}
	if !j.checkpointedBetween(ran, until) {
		return false
	}
	before := 0.0
	for i, t := range j.res.Times {
		if i >= len(j.lag) {
			break
		}
		if t <= f.At.Seconds() {
			before = j.lag[i]
		}
		if t >= ran && t < until && j.lag[i] <= max(j.rate, before) {
			return true
		}
	}
	return false
}

// checkpointedBetween says whether a checkpoint completed from from to
// until, when the run checkpoints and its history is at hand: a job
// restarted from the checkpoint it restored last time has not moved on,
// whatever its lag.
func (j *judgement) checkpointedBetween(from, until float64) bool {
	if j.res.Summary.Checkpoints == nil || len(j.res.Checkpoints) == 0 {
		return true
	}
	for _, h := range j.res.Checkpoints {
		if at := (h.Trigger + h.Duration).Seconds(); h.Status == "COMPLETED" && at >= from && at < until {
			return true
		}
	}
	return false
}

// phases lists the phases in the order they began; the outcome is the
// worst.
func (j *judgement) phases() result.Verdict {
	v := result.Verdict{Outcome: result.PhaseStable}
	for _, p := range result.Outcomes() {
		if t, ok := j.began[p]; ok {
			v.Phases = append(v.Phases, result.Phase{Phase: p, StartS: t})
			v.Outcome = p
		}
	}
	sort.SliceStable(v.Phases, func(a, b int) bool { return v.Phases[a].StartS < v.Phases[b].StartS })
	if len(v.Phases) > 1 && v.Phases[1].StartS == v.Phases[0].StartS {
		v.Phases = v.Phases[1:] // stable for no time: from the start in another phase
	}
	return v
}

// recovered is when a job that ends healthy was running again after its
// last failover: the first sample after the last trouble at which the lag
// had drained (to a second of input, or to twice where it ends) and from
// which it stayed under the limit.
func (j *judgement) recovered() float64 {
	lastBad := j.lastBad
	if n := len(j.res.Restores); n > 0 {
		lastBad = max(lastBad, j.res.Restores[n-1].At.Seconds())
	}
	drained := max(j.rate, 2*j.endLag)
	at := lastBad
	for i := len(j.lag) - 1; i >= 0 && j.lag[i] <= j.lagLimit; i-- {
		if j.res.Times[i] >= lastBad && j.lag[i] <= drained {
			at = j.res.Times[i]
		}
	}
	return at
}

// why says in a sentence what the verdict rests on, with the numbers.
func why(res *result.Result, v result.Verdict, endLag, growth, rate float64, since string) string {
	s := res.Summary
	c := s.Checkpoints
	var parts []string
	var slowest float64
	completed := 0
	for _, h := range res.Checkpoints {
		if h.Status == "COMPLETED" {
			completed++
		}
	}
	if c != nil {
		slowest = result.EndToEnd(res.Checkpoints).Max // as checkpoints.json's summary gives it
		completed = max(completed, c.Completed)        // a summary read back without its history
	}
	for _, p := range v.Phases {
		at := human.Seconds(p.StartS)
		switch p.Phase {
		case result.PhaseOverload:
			if p.StartS == 0 {
				at = "the start"
			}
			parts = append(parts, "behind its input from "+at)
		case result.PhaseFailover:
			if n := failoverCount(res); n == 1 {
				parts = append(parts, "a failover at "+at)
			} else if !hasPhase(v, result.PhaseFailoverLoop) {
				parts = append(parts, fmt.Sprintf("%d failovers, the first at %s, the last at %s", n, at, human.Seconds(res.Failovers[len(res.Failovers)-1].At.Seconds())))
			}
		case result.PhaseTimeouts:
			parts = append(parts, fmt.Sprintf("checkpoints expired (timeout %s) from %s", human.Seconds(c.TimeoutS), at))
		case result.PhaseFailoverLoop:
			parts = append(parts, fmt.Sprintf("%d failovers, the first at %s", failoverCount(res), human.Seconds(res.Failovers[0].At.Seconds())))
		case result.PhaseFailed:
			parts = append(parts, "the restart strategy gave up at "+at+": the job failed")
		case result.PhaseRecovered:
			parts = append(parts, "recovered at "+at)
		}
	}
	if c != nil {
		parts = append(parts, checkpointsWhy(res, v, completed, slowest))
	}
	if rate > 0 {
		l := fmt.Sprintf("Kafka lag at the end %s of input", human.Seconds(endLag/rate))
		switch {
		case growth > growthLimit*rate:
			l += fmt.Sprintf(", growing %s records/s%s", human.Count(growth), since)
		case growth > 3*growthNoise(res, rate):
			// stable, yet falling behind: said, so that a capacity that
			// meets stable is not read as one that keeps up
			l += fmt.Sprintf(", growing %s records/s (%.2f%% of input, under the %g%% a stable job may grow by)", human.Count(growth), 100*growth/rate, 100*growthLimit)
		case growth < -growthLimit*rate && endLag > rate:
			l += fmt.Sprintf(", draining %s records/s", human.Count(-growth))
		}
		parts = append(parts, l)
	}
	for _, k := range res.Summary.Sinks {
		// A job can run on, healthy, while its sink drops records.
		if k.ReadCommitted.Lost > 0 {
			parts = append(parts, fmt.Sprintf("%s lost %s records", k.Sink, human.Count(float64(k.ReadCommitted.Lost))))
		}
	}
	return strings.Join(parts, "; ")
}

// hasPhase: whether the verdict went through phase.
func hasPhase(v result.Verdict, phase string) bool {
	for _, p := range v.Phases {
		if p.Phase == phase {
			return true
		}
	}
	return false
}

// checkpointsWhy is the verdict's clause on checkpoints: how long they took
// against the interval, or why none completed.
func checkpointsWhy(res *result.Result, v result.Verdict, completed int, slowest float64) string {
	c := res.Summary.Checkpoints
	switch {
	case completed == 0 && len(res.Checkpoints) == 0 && c.Failed == 0 && res.Summary.VirtualDurationS <= c.IntervalS:
		return fmt.Sprintf("the run ended before the first checkpoint's trigger (interval %s)", human.Seconds(c.IntervalS))
	case completed == 0 && len(res.Checkpoints) == 0 && c.Failed == 0:
		// CheckpointCoordinator triggers only with every task running
		// (DefaultCheckpointPlanCalculator: NOT_ALL_REQUIRED_TASKS_RUNNING).
		if c.FailedBeforeStart > 0 {
			return fmt.Sprintf("no checkpoint started: %s found a task not running (the job never had all its tasks running)",
				human.Plural(c.FailedBeforeStart, "trigger"))
		}
		return "no checkpoint triggered: the job never had all its tasks running"
	case completed == 0 && !hasPhase(v, result.PhaseNeverCheckpointed):
		return fmt.Sprintf("no checkpoint completed yet: the first is in progress, younger than the %s interval", human.Seconds(c.IntervalS))
	case completed == 0:
		return "no checkpoint completed"
	case slowest > overloadFactor*c.IntervalS:
		return fmt.Sprintf("checkpoints' end-to-end duration up to %s, %s the %s interval", human.Seconds(slowest), times(slowest/c.IntervalS), human.Seconds(c.IntervalS))
	default:
		return fmt.Sprintf("checkpoints' end-to-end duration at most %s against a %s interval", human.Seconds(slowest), human.Seconds(c.IntervalS))
	}
}

// growthNoise is the standard deviation of LagGrowth for a job that keeps
// up exactly with Poisson input at rate: over the second half of the run,
// h seconds, the arrivals' count varies by sqrt(rate × h), so the growth by
// sqrt(rate / h). A growth above three of it is the job falling behind, not
// the input's noise.
func growthNoise(res *result.Result, rate float64) float64 {
	n := len(res.Times)
	if n < 4 {
		return math.Inf(1)
	}
	h := res.Times[n-1] - res.Times[n/2]
	if h <= 0 {
		return math.Inf(1)
	}
	return math.Sqrt(rate / h)
}
