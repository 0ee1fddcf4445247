package diagnose

import (
	"fmt"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// A sink's output, for the no-output check, is what it took, except at an
// exactly-once (two-phase commit) sink whose every commit over the second
// half of the run failed with a known reason: Flink's CommitterOperator
// drops such a committable (signalFailedWithKnownReason) and the job runs
// on, so the transaction's records reach no read_committed reader (Kafka's
// broker aborted it past transaction.timeout.ms, or an injected
// commit-failure). A sink that commits nothing over the half (a checkpoint
// interval longer than it) is judged by what it took: its records are
// still to be decided, not lost.

// sinkHalf is what one sink did over the second half of a run.
type sinkHalf struct {
	name     string
	took     float64 // records it took (numRecordsIn)
	lastTook float64 // the last sample at which it took one (0: none)
	// dropped: its commits over the half all failed with a known reason
	// and its read_committed readers saw none of its records
	dropped  bool
	lastSeen float64 // the last sample at which they saw one (0: none)
	failed   float64 // commits failed over the half
	lost     int64   // records lost in failed commits, the whole run
	system   string  // kafka, jdbc, generic
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
	ops := map[string]result.OperatorSummary{}
	for _, o := range res.Summary.Operators {
		if o.Kind != "sink" {
			continue
		}
		h := sinkHalf{name: o.Name, took: float64(o.RecordsIn), system: summary[o.Name].System}
		if c := summary[o.Name].Committables; c != nil {
			h.lost = c.LostRecords
			h.failed = float64(c.Failed)
			seen := summary[o.Name].ReadCommitted.Once + summary[o.Name].ReadCommitted.MoreThanOnce
			h.dropped = c.Successful == 0 && c.Failed > 0 && c.LostRecords > 0 && seen == 0
		}
		halves = append(halves, h)
		bySink[o.Name] = map[string][]float64{}
		ops[o.Name] = o
	}
	for _, s := range res.Series {
		if m := bySink[s.Operator]; m != nil && s.Subtask < 0 {
			m[s.Metric] = s.Values
			series = series || s.Metric == result.MetricRecordsIn
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
		failed, _ := cumulativeRise(res.Times, m[o.SinkMetric(result.MetricFailedCommittables)], from)
		succeeded, _ := cumulativeRise(res.Times, m[o.SinkMetric(result.MetricSuccessfulCommittables)], from)
		seen, lastSeen := cumulativeRise(res.Times, m[result.MetricSinkWritten], from)
		h.failed, h.lastSeen = failed, lastSeen
		h.dropped = failed > 0 && succeeded == 0 && seen == 0
	}
	return halves, true
}

// cumulativeRise is how much a cumulative series rose over the samples
// after from, and the time of the last sample at which it rose (0: none).
func cumulativeRise(times, values []float64, from int) (rise, last float64) {
	prev, base := 0.0, 0.0
	for i := 0; i < len(values) && i < len(times); i++ {
		v := values[i]
		if !result.HasValue(v) {
			continue
		}
		if v > prev {
			last = times[i]
		}
		prev = v
		if i <= from {
			base = v
		}
	}
	return prev - base, last
}

// droppedSinks names each sink whose commits over the second half of the
// run all failed with a known reason, so that its read_committed readers
// saw none of what it took there.
func droppedSinks(res *result.Result) []string {
	halves, series := sinkHalves(res)
	span := "over the second half of the run"
	if !series {
		span = "in the run"
	}
	var out []string
	for _, h := range halves {
		if !h.dropped || h.took <= 0 {
			continue
		}
		reason := "an injected commit-failure" // an XA transaction has no timeout
		if h.system == "kafka" {
			reason = "the broker had aborted the transaction past transaction.timeout.ms, or an injected commit-failure"
		}
		out = append(out, fmt.Sprintf("%s's read_committed readers saw none of the %s records it took: its %s %s failed with a known reason (%s), dropping them; %s records lost in the run",
			h.name, human.Count(h.took), human.Plural(int(h.failed), "commit"), span, reason, human.Count(float64(h.lost))))
	}
	return out
}
