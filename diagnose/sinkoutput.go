package diagnose

import (
	"fmt"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// A sink's output, for the no-output check, is what it took, except at an
// exactly-once (two-phase commit) sink whose commits failed with a known
// reason while its read_committed readers saw none of its records: Flink's
// CommitterOperator drops such a committable (signalFailedWithKnownReason)
// and the job runs on, so the transaction's records reach no reader (Kafka's
// broker aborted it past transaction.timeout.ms, or an injected
// commit-failure). It is so when every commit over the second half of the
// run failed (its committer's counters, which restart with each attempt of
// the job, Flink 1.19 on), or when no commit of the whole run succeeded
// and its readers never saw a record (the checkpoints too far apart for
// one to fall in the second half, or a release without the counters). A
// sink that commits nothing over the half after commits that succeeded is
// judged by what it took: its records are still to be decided, not lost.
//
// A sink whose writers send only full batches (sinkbuffer.go) and sent
// none over the half while it took records there is silent too.

// sinkHalf is what one sink did over the second half of a run.
type sinkHalf struct {
	name     string
	took     float64 // records it took (numRecordsIn)
	lastTook float64 // the last sample at which it took one (0: none)
	// dropped: its commits over the half (or the run: overRun) all failed
	// with a known reason and its read_committed readers saw none of its
	// records
	dropped bool
	// buffered: its writers sent none of the records it took over the
	// half (or the run, read back without series), and only a full batch
	// would send them (waits: waitsForBatch)
	buffered, waits bool
	batch           int64   // its batch-size
	writers         int     // its parallelism
	guarantee       string  // its delivery guarantee
	held            int64   // records its writers hold at the end (pending)
	lastSeen        float64 // the last sample at which they saw one (0: none)
	failed          float64 // commits failed over the half (or the run: overRun)
	overRun         bool    // dropped by the whole run's commits, not the half's
	lost            int64   // records lost in failed commits, the whole run
	reason          string  // what failed its commits with a known reason
}

// sinkHalves is what each sink operator did over the second half of the
// run, from the metrics' series when the run has its sinks' numRecordsIn
// (series), else over the whole run from the summary.
func sinkHalves(res *result.Result) (halves []sinkHalf, series bool) {
	summary := map[string]result.SinkSummary{}
	for _, k := range res.Summary.Sinks {
		summary[k.Sink] = k
	}
	bySink := map[string]map[string][]float64{}
	subs := map[string]map[string][][]float64{} // a sink's counters, subtask by subtask
	ops := map[string]result.OperatorSummary{}
	for _, o := range res.Summary.Operators {
		if o.Kind != "sink" {
			continue
		}
		halves = append(halves, wholeRun(res, o, summary[o.Name]))
		bySink[o.Name] = map[string][]float64{}
		subs[o.Name] = map[string][][]float64{}
		ops[o.Name] = o
	}
	for _, s := range res.Series {
		if m := bySink[s.Operator]; m != nil && s.Subtask < 0 {
			m[s.Metric] = s.Values
			series = series || s.Metric == result.MetricRecordsIn
		} else if m := subs[s.Operator]; m != nil {
			m[s.Metric] = append(m[s.Metric], s.Values)
		}
	}
	if !series || len(res.Times) == 0 {
		return halves, false
	}
	from := halfSample(res.Times)
	for i := range halves {
		h := &halves[i]
		m := bySink[h.name]
		h.took = rateSum(res.Times, m[result.MetricRecordsIn], from)
		for k, v := range m[result.MetricRecordsIn] {
			if v > 0 && k < len(res.Times) {
				h.lastTook = res.Times[k]
			}
		}
		o := ops[h.name] // Flink's committer metrics, or flinksim's own before Flink has them
		rise := func(metric string) (float64, float64) {
			return counterRises(res.Times, m[metric], subs[h.name][metric], from)
		}
		failed, _ := rise(o.SinkMetric(result.MetricFailedCommittables))
		succeeded, _ := rise(o.SinkMetric(result.MetricSuccessfulCommittables))
		seen, lastSeen := rise(result.MetricSinkWritten)
		h.lastSeen = lastSeen
		if failed > 0 && succeeded == 0 && seen == 0 { // said of the half, the run's rule or not
			h.dropped, h.failed, h.overRun = true, failed, false
		}
		if _, ok := m[o.SinkMetric(result.MetricRecordsSend)]; ok && h.waits {
			sent, _ := rise(o.SinkMetric(result.MetricRecordsSend))
			h.buffered = sent == 0
		}
	}
	return halves, true
}

// wholeRun is what sink operator o, summarised as k, did over the whole
// run, as its summary tells it.
func wholeRun(res *result.Result, o result.OperatorSummary, k result.SinkSummary) sinkHalf {
	h := sinkHalf{name: o.Name, took: float64(o.RecordsIn)}
	h.batch, h.writers, h.guarantee, h.held = k.BatchSize, o.Parallelism, k.Guarantee, k.ReadCommitted.Pending
	h.waits = waitsForBatch(k, res.Summary.Checkpoints != nil)
	h.buffered = h.waits && k.Taken > 0 && k.Sent == 0
	if c := k.Committables; c != nil {
		h.lost = c.LostRecords
		h.failed = float64(c.Failed)
		h.reason = knownReason(res.Summary, k)
		seen := k.ReadCommitted.Once + k.ReadCommitted.MoreThanOnce
		h.dropped = c.Successful == 0 && c.Failed > 0 && c.LostRecords > 0 && seen == 0
		h.overRun = h.dropped
	}
	return h
}

// counterRises is counterRise summed over a counter's subtasks (the
// latest sample at which one rose), or of the operator's row (op) when
// the run has no subtask's: a subtask's series restarts with its own
// attempt, and the operator's sum falls when one is not running (no row)
// though none restarted.
func counterRises(times, op []float64, subtasks [][]float64, from int) (rise, last float64) {
	if len(subtasks) == 0 {
		return counterRise(times, op, from)
	}
	for _, v := range subtasks {
		r, l := counterRise(times, v, from)
		rise, last = rise+r, max(last, l)
	}
	return rise, last
}

// counterRise is how much a counter rose over the samples after from,
// and the time of the last sample at which it rose (0: none). A counter
// that falls has restarted from 0 (the job's next attempt registers its
// metrics anew): it rose by its new value. A sample without a value (the
// task not running) changes nothing.
func counterRise(times, values []float64, from int) (rise, last float64) {
	prev := 0.0
	for i := 0; i < len(values) && i < len(times); i++ {
		v := values[i]
		if !result.HasValue(v) {
			continue
		}
		d := v - prev
		if v < prev {
			d = v
		}
		if d > 0 {
			last = times[i]
			if i > from {
				rise += d
			}
		}
		prev = v
	}
	return rise, last
}

// knownReason names what failed sink k's commits with a known reason:
// Kafka's broker aborting a transaction past transaction.timeout.ms, an
// injected commit-failure, or both (an XA transaction has no timeout).
func knownReason(s result.Summary, k result.SinkSummary) string {
	injected := false
	for _, f := range s.InjectedFailures {
		injected = injected || f.Kind == "commit-failure" && f.TookEffect > 0
	}
	broker := k.Committables != nil && k.Committables.AbortedByBroker > 0
	switch {
	case broker && injected:
		return "the broker had aborted the transaction past transaction.timeout.ms, or an injected commit-failure"
	case broker:
		return "the broker had aborted the transaction past transaction.timeout.ms"
	}
	return "an injected commit-failure"
}

// silent reports whether the sink's readers saw none of what it took over
// the second half: its commits dropped it, or its writer holds it.
func (h sinkHalf) silent() bool { return h.dropped || h.buffered }

// silentSinks names each sink that took records over the second half of
// the run while its readers saw none of them: its commits (over that
// half, or over the run: sinkHalf's dropped) all failed with a known
// reason, or its writers sent none of them and only a full batch would
// (buffered).
func silentSinks(res *result.Result) []string {
	halves, series := sinkHalves(res)
	var out []string
	for _, h := range halves {
		if !h.silent() || h.took <= 0 && (!h.buffered || h.held <= 0) {
			continue
		}
		if !h.dropped {
			out = append(out, bufferedWhy(h, series))
			continue
		}
		span := "over the second half of the run"
		if h.overRun {
			span = "in the run"
		}
		out = append(out, fmt.Sprintf("%s's read_committed readers saw none of the %s records it took: its %s %s failed with a known reason (%s), dropping them; %s records lost in the run",
			h.name, human.Count(h.took), human.Plural(int(h.failed), "commit"), span, h.reason, human.Count(float64(h.lost))))
	}
	return out
}
