package diagnose

import (
	"math"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// flow gives judged's run a source ev (parallelism 6, 1000 records/s,
// readers 4 and 5 reading nothing), an operator win and a sink out, whose
// records in per second are sink(t).
func flow(sink func(t float64) float64, edit func(*result.Result)) func(*result.Result) {
	return func(r *result.Result) {
		r.Summary.Operators = []result.OperatorSummary{
			{Name: "ev", Kind: "source", Parallelism: 6, RecordsIn: 100_000, RecordsOut: 100_000},
			{Name: "win", Kind: "operator", Parallelism: 6, RecordsIn: 100_000},
			{Name: "out", Kind: "sink", Parallelism: 6},
		}
		src := result.Series{Operator: "ev", Subtask: -1, Metric: result.MetricRecordsOut}
		out := result.Series{Operator: "out", Subtask: -1, Metric: result.MetricRecordsIn}
		for _, t := range r.Times {
			src.Values = append(src.Values, 1000)
			out.Values = append(out.Values, sink(t))
		}
		r.Series = append(r.Series, src, out)
		for j := 0; j < 6; j++ {
			s := result.Series{Operator: "ev", Subtask: j, Metric: result.MetricRecordsOut, Values: make([]float64, len(r.Times))}
			if j < 4 {
				for i := range s.Values {
					s.Values[i] = 250
				}
			}
			r.Series = append(r.Series, s)
		}
		for _, s := range r.Series {
			if s.Operator == "out" && s.Subtask < 0 {
				var total float64
				for _, v := range s.Values {
					total += v
				}
				r.Summary.Operators[2].RecordsIn = int64(total)
				r.Summary.Operators[1].RecordsOut = int64(total)
			}
		}
		if edit != nil {
			edit(r)
		}
	}
}

// TestJudgeNoOutput: a run whose sources read records over its second half
// while no record reached a sink is not stable, however small its lag
// (sink 0/s, "no record reached a sink", yet verdict stable): no output,
// from the last sample a record reached a sink, with the cause it can see.
func TestJudgeNoOutput(t *testing.T) {
	keepsUp := func(float64) float64 { return 50 }
	none := func(float64) float64 { return 0 }
	windows := func(fired int64) func(*result.Result) {
		return func(r *result.Result) {
			r.Summary.Windows = []result.WindowSummary{{Operator: "win", RecordsIn: 100_000, Firings: fired}}
		}
	}
	checkJudged(t, []judgeCase{
		{"writes throughout", keepsUp, flow(func(float64) float64 { return 900 }, nil), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input"},
		// Windows of a minute fire once in the second half: output there, stable.
		{"one firing in the second half", keepsUp, flow(func(t float64) float64 {
			if t == 60 {
				return 50_000
			}
			return 0
		}, windows(1)), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input"},
		// The user's run: readers without a partition hold every window back.
		{"windows waiting for a watermark", keepsUp, flow(none, windows(0)), result.PhaseNoOutput, "no output@0",
			"no record reached a sink over the second half of the run, though the sources read 50k records: win's windows never fired (no watermark passed their end); 2 of ev's 6 readers read no record (no partition)"},
		// A sliding window shorter than its slide no record fell in.
		{"every record between windows", keepsUp, flow(none, func(r *result.Result) {
			r.Summary.Windows = []result.WindowSummary{{Operator: "win", RecordsIn: 100_000, BetweenWindows: 0.9, Dropped: 0.1}}
		}), result.PhaseNoOutput, "no output@0",
			"win's windows held no record: 90.0% fell between two windows (its size is shorter than its slide), the rest were late"},
		{"everything filtered", keepsUp, flow(none, nil), result.PhaseNoOutput, "no output@0", "win emitted none of the 100k records it read"},
		{"output stopped at 30s", keepsUp, flow(func(t float64) float64 {
			if t <= 30 {
				return 900
			}
			return 0
		}, nil), result.PhaseNoOutput, "stable@0, no output@30", "no record reached a sink over the second half of the run, the last at 30s"},
		// Nothing read in the second half: nothing to write, stable.
		{"sources stopped too", keepsUp, flow(none, func(r *result.Result) {
			for i := range r.Series {
				if r.Series[i].Operator == "ev" {
					for k := 50; k < len(r.Series[i].Values); k++ {
						r.Series[i].Values[k] = 0
					}
				}
			}
		}), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input"},
		// Behind as well: overload, the more precise, is the verdict alone.
		{"behind and silent", func(t float64) float64 { return 2000 * t }, flow(none, nil), result.PhaseOverload, "overload@0", "Kafka lag at the end"},
		// Two samples: the second covers the second half (it was judged
		// on no sample, so stable).
		{"two samples", keepsUp, samples(5, 10)(flow(none, nil)), result.PhaseNoOutput, "no output@0", "though the sources read 5k records"},
		// Read back without series: the operators' totals over the run.
		{"summary alone", keepsUp, flow(none, func(r *result.Result) {
			r.Series = r.Series[:1]
		}), result.PhaseNoOutput, "no output@0", "though the sources read 100k records"},
	})
}

// TestJudgeNoOutputCommits: an exactly-once sink's output is what it took,
// except where every commit over the second half failed with a known
// reason: its read_committed readers saw none of it (no output). A sink
// that commits nothing over the half is judged by what it took.
func TestJudgeNoOutputCommits(t *testing.T) {
	keepsUp := func(float64) float64 { return 50 }
	checkJudged(t, []judgeCase{
		// An exactly-once sink takes every record and its readers see
		// them as each checkpoint's transaction commits: output.
		{"commits seen", keepsUp, flow(keepsUpSink, commits(every10s, every10s, never, nil)),
			result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input"},
		// Every commit fails with a known reason: the sink takes every
		// record, its readers see none (a break-tester's run was "stable").
		{"every commit fails", keepsUp, flow(keepsUpSink, commits(never, never, every10s, &result.SinkSummary{
			Taken: 5000, ReadCommitted: result.SinkView{Lost: 4000, Pending: 1000},
			Committables: &result.Committables{Total: 9, Failed: 9, LostRecords: 4000},
		})), result.PhaseNoOutput, "no output@0",
			"no record a sink took became visible to its readers over the second half of the run, though the sources read 50k records: out's read_committed readers saw none of the 2.5k records it took: its 5 commits over the second half of the run failed with a known reason (an injected commit-failure), dropping them; 4k records lost in the run"},
		// Commits fail from 40 s: no output from the last commit seen.
		{"commits fail from 40s", keepsUp, flow(keepsUpSink, commits(until40(every10s), until40(every10s), from40(every10s), &result.SinkSummary{
			Taken: 5000, ReadCommitted: result.SinkView{Once: 2000, Records: 2000, Lost: 3000},
			Committables: &result.Committables{Total: 9, Successful: 4, Failed: 5, LostRecords: 3000},
		})), result.PhaseNoOutput, "stable@0, no output@40", "the last at 40s, though the sources read 50k records: out's read_committed readers saw none"},
		// No commit over the second half (checkpoints further apart than
		// it, or failing): its records are undecided, not lost, and it is
		// judged by what it took.
		{"no commit over the half", keepsUp, flow(keepsUpSink, commits(until40(every10s), until40(every10s), never, &result.SinkSummary{
			Taken: 5000, ReadCommitted: result.SinkView{Once: 2000, Records: 2000, Pending: 3000},
		})), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input"},
		// A failover at 10 s it recovered from: judged by its output once
		// it recovered, as a job that went through no other phase is (a
		// break-tester's run ended "stable" with every record lost).
		{"recovered, every commit fails", keepsUp, flow(keepsUpSink, commits(never, never, every10s, nil, func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(10)}}
			r.Restores = []result.RestoreStats{{At: sim.FromSeconds(12)}}
		})), result.PhaseNoOutput, "stable@0, failover@10, recovered@12, no output@12", "no record a sink took became visible to its readers over the second half of the run"},
		// A failover at 55 s: the committer's counters restart with the
		// next attempt (failedCommittables 5, then 1, 2, ...).
		{"counters restart", keepsUp, flow(keepsUpSink, commits(never, never, restartAt55(every10s), nil, func(r *result.Result) {
			r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(55)}}
			r.Restores = []result.RestoreStats{{At: sim.FromSeconds(58)}}
		})), result.PhaseNoOutput, "stable@0, failover@55, recovered@58, no output@58", "its 5 commits over the second half of the run failed"},
		// One checkpoint in the run, in its first half, and its commit
		// failed: nothing ever seen (the seed decides where it falls).
		{"the run's one commit failed", keepsUp, flow(keepsUpSink, commits(never, never, func(t float64) float64 { return min(every10s(t), 1) }, &result.SinkSummary{
			Taken: 5000, ReadCommitted: result.SinkView{Lost: 1000, Pending: 4000},
			Committables: &result.Committables{Total: 1, Failed: 1, LostRecords: 1000, AbortedByBroker: 1},
		})), result.PhaseNoOutput, "no output@0", "its 1 commit in the run failed with a known reason (the broker had aborted the transaction past transaction.timeout.ms), dropping them; 1k records lost"},
		// Before Flink 1.19 no committer metrics: the run's commits.
		{"no committer metrics", keepsUp, flow(keepsUpSink, commits(never, never, every10s, &result.SinkSummary{
			Taken: 5000, ReadCommitted: result.SinkView{Lost: 4000, Pending: 1000},
			Committables: &result.Committables{Total: 9, Failed: 9, LostRecords: 4000},
		}, func(r *result.Result) { r.Series = r.Series[:len(r.Series)-3] })), result.PhaseNoOutput, "no output@0", "its 9 commits in the run failed"},
		// Read back without series: the sinks' summaries.
		{"every commit fails, summary alone", keepsUp, flow(keepsUpSink, commits(never, never, every10s, &result.SinkSummary{
			Taken: 5000, ReadCommitted: result.SinkView{Lost: 5000}, Committables: &result.Committables{Failed: 2, LostRecords: 5000},
		}, func(r *result.Result) { r.Series = r.Series[:1] })), result.PhaseNoOutput, "no output@0", "out's read_committed readers saw none of the 5k records it took: its 2 commits in the run failed"},
	})
}

// keepsUpSink: the sink takes 50 records/s throughout.
func keepsUpSink(float64) float64 { return 50 }

// every10s, never, until40 and from40 are cumulative counts at t seconds:
// one every 10 s, none, those of f up to 40 s, those of f after 40 s.
func every10s(t float64) float64 { return math.Floor(t / 10) }
func never(float64) float64      { return 0 }
func until40(f func(float64) float64) func(float64) float64 {
	return func(t float64) float64 { return f(min(t, 40)) }
}
func from40(f func(float64) float64) func(float64) float64 {
	return func(t float64) float64 { return f(t) - f(min(t, 40)) }
}

// restartAt55 is f's counter restarted from 0 by a new attempt at 55 s.
func restartAt55(f func(float64) float64) func(float64) float64 {
	return func(t float64) float64 {
		if t < 55 {
			return f(t)
		}
		return f(t) - f(55)
	}
}

// TestCounterRise: a counter's rise over the samples after from, summed
// across restarts (a fall is a new attempt's counter from 0), samples
// without a value skipped.
func TestCounterRise(t *testing.T) {
	nan := math.NaN() // result.NoValue
	times := []float64{10, 20, 30, 40, 50, 60}
	for _, c := range []struct {
		values     []float64
		from       int
		rise, last float64
	}{
		{[]float64{1, 2, 3, 4, 5, 6}, 2, 3, 60},
		{[]float64{1, 2, 3, 1, 2, 3}, 2, 3, 60},   // restarted at 40: 1 + 1 + 1
		{[]float64{1, 2, 3, nan, 0, 2}, 2, 2, 60}, // down at 40, 0 at 50
		{[]float64{4, 4, 4, 4, 4, 4}, 2, 0, 10},   // flat: the last rise at the first sample
		{[]float64{0, 0, 0, 0, 0, 0}, 2, 0, 0},    // never rose
		{[]float64{1, 5, 2, 2, 2, 2}, 1, 2, 30},   // restarted by 30 below its value: it rose by 2
	} {
		rise, last := counterRise(times, c.values, c.from)
		if rise != c.rise || last != c.last {
			t.Errorf("counterRise(%v, from %d) = %g, last %g; want %g, last %g", c.values, c.from, rise, last, c.rise, c.last)
		}
	}
}

// TestJudgeBufferedSink: a sink whose writers send only full batches
// (batch-size above 1, no batch-interval, and no checkpoint flush: delivery
// guarantee none, or at-least-once with checkpointing off) and sent none
// over the second half of the run while it took records there is silent:
// no output when it is the only sink, named in the why beside a sink whose
// output flows. One that a checkpoint or its batch-interval will flush,
// or that sent records over the half, is judged by what it took.
func TestJudgeBufferedSink(t *testing.T) {
	keepsUp := func(float64) float64 { return 50 }
	aloOn := func(r *result.Result) {
		r.Summary.Checkpoints = &result.CheckpointSummary{IntervalS: 1000, TimeoutS: 600}
	}
	interval := func(r *result.Result) { r.Summary.Sinks[0].BatchIntervalS = 600 }
	failed := func(r *result.Result) { r.Failovers = []result.FailureEvent{{At: sim.FromSeconds(70), Final: true}} }
	checkJudged(t, []judgeCase{
		{"none, nothing sent", keepsUp, flow(keepsUpSink, batched("none", 5000, never)), result.PhaseNoOutput, "no output@0",
			"no record a sink took became visible to its readers over the second half of the run, though the sources read 50k records: out took 2.5k records over the second half of the run and its 6 writers sent none, holding 5k at the end: each sends a batch of 5k records (its batch-size) and has no batch-interval, and no checkpoint flushes a writer whose delivery guarantee is none (a batch-interval, a smaller batch-size or at-least-once with checkpointing would send them); Kafka lag"},
		{"at-least-once, checkpointing off", keepsUp, flow(keepsUpSink, batched("at-least-once", 5000, never)), result.PhaseNoOutput, "no output@0",
			"and with checkpointing off no checkpoint flushes it (a batch-interval, a smaller batch-size or checkpointing would send them)"},
		// The first checkpoint comes after the run: it will flush them.
		{"at-least-once, checkpointing on", keepsUp, flow(keepsUpSink, batched("at-least-once", 5000, never, aloOn)), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input$"},
		// A batch-interval sends them, however long after the run.
		{"a batch-interval", keepsUp, flow(keepsUpSink, batched("none", 5000, never, interval)), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input$"},
		{"a batch of one", keepsUp, flow(keepsUpSink, batched("none", 1, never)), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input$"},
		{"batches sent over the half", keepsUp, flow(keepsUpSink, batched("none", 500, every10s)), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input$"},
		// Batches until 40 s (a backlog read at the start), none after:
		// no output from the last batch its readers saw.
		{"batches sent until 40s", keepsUp, flow(keepsUpSink, batched("none", 500, until40(every10s))), result.PhaseNoOutput, "stable@0, no output@40",
			"the last at 40s, though the sources read 50k records: out took 2.5k records over the second half of the run and its 6 writers sent none"},
		// An exactly-once sink's records are judged by its commits.
		{"exactly-once, nothing sent", keepsUp, flow(keepsUpSink, batched("exactly-once", 5000, never, ckpt10s)), result.PhaseStable, "stable@0", "Kafka lag at the end 50ms of input$"},
		// It took records until 40 s, none of which its readers ever saw:
		// no output from the start, and what its writers hold named.
		{"took nothing in the second half", keepsUp, flow(func(t float64) float64 {
			if t <= 40 {
				return 50
			}
			return 0
		}, batched("none", 5000, never)), result.PhaseNoOutput, "no output@0", "though the sources read 50k records: out took no record over the second half of the run and its 6 writers sent none, holding 5k at the end"},
		// A second sink whose output flows: the job has output, and the
		// verdict names the silent one; not once the job has failed.
		{"beside a flowing sink", keepsUp, flow(keepsUpSink, batched("none", 5000, never, beside)), result.PhaseStable, "stable@0",
			"Kafka lag at the end 50ms of input; but out took 2.5k records over the second half of the run and its 6 writers sent none, holding 5k at the end: each sends a batch of 5k records"},
		{"beside a flowing sink, failed", keepsUp, flow(keepsUpSink, batched("none", 5000, never, beside, failed)), result.PhaseFailed, "stable@0, failover@70, failed@70", "the job failed; Kafka lag at the end 50ms of input$"},
		// A subtask not running from 60 s to 70 s (a TaskManager lost),
		// then from 0 again: the operator's sum falls from 1000 to 500 and
		// back to 500, which no subtask sent (a break-tester's run was
		// "stable").
		{"a subtask restarts", keepsUp, flow(keepsUpSink, batched("none", 500, func(t float64) float64 { return min(t, 1) }, restarted)),
			result.PhaseNoOutput, "stable@0, no output@1", "its 6 writers sent none"},
		// Its input stopped at 40 s, the sources too: no output to judge,
		// but what its writers hold stays there for good (a break-tester's
		// run was "stable" with 45% of its records held).
		{"input stopped", keepsUp, flow(func(t float64) float64 {
			if t <= 40 {
				return 50
			}
			return 0
		}, batched("none", 5000, never, sourcesStopAt40)), result.PhaseStable, "stable@0",
			"Kafka lag at the end 50ms of input; but out took no record over the second half of the run and its 6 writers sent none, holding 5k at the end"},
		{"summary alone", keepsUp, flow(keepsUpSink, batched("none", 5000, never, func(r *result.Result) { r.Series = r.Series[:1] })), result.PhaseNoOutput, "no output@0",
			"though the sources read 100k records: out took 5k records in the run and its 6 writers sent none"},
	})
}

// batched gives the sink out a summary with its delivery guarantee and
// batch-size, no batch-interval, 5000 records taken and what sent(t)
// says it sent (batches of batch records, cumulative), its numRecordsSend
// and flinksim.numRecordsVisible (seen as sent); then the edits.
func batched(guarantee string, batch int64, sent func(float64) float64, edits ...func(*result.Result)) func(*result.Result) {
	return func(r *result.Result) {
		o := r.Summary.Operators[2]
		k := result.SinkSummary{Sink: "out", Guarantee: guarantee, BatchSize: batch, Taken: 5000}
		for _, m := range []string{o.SinkMetric(result.MetricRecordsSend), result.MetricSinkWritten} {
			s := result.Series{Operator: "out", Subtask: -1, Metric: m}
			for _, t := range r.Times {
				s.Values = append(s.Values, float64(batch)*sent(t))
			}
			r.Series = append(r.Series, s)
			k.Sent = int64(s.Values[len(s.Values)-1])
		}
		k.ReadCommitted.Pending = max(k.Taken-k.Sent, 0) // what its writers hold
		r.Summary.Sinks = append(r.Summary.Sinks, k)
		for _, e := range edits {
			e(r)
		}
	}
}

// restarted gives the sink out two subtasks' numRecordsSend, 500 each
// from 1 s, subtask 1 not running from 60 s to 70 s and from 0 after, and
// the operator's row their sum.
func restarted(r *result.Result) {
	metric := r.Summary.Operators[2].SinkMetric(result.MetricRecordsSend)
	var op *result.Series
	for i := range r.Series {
		if r.Series[i].Operator == "out" && r.Series[i].Subtask < 0 && r.Series[i].Metric == metric {
			op = &r.Series[i]
		}
	}
	subs := []result.Series{{Operator: "out", Subtask: 0, Metric: metric}, {Operator: "out", Subtask: 1, Metric: metric}}
	for i, t := range r.Times {
		v0, v1 := op.Values[i]/2, op.Values[i]/2
		switch {
		case t > 60 && t <= 70:
			v1 = result.NoValue()
		case t > 70:
			v1 = 0
		}
		subs[0].Values, subs[1].Values = append(subs[0].Values, v0), append(subs[1].Values, v1)
		op.Values[i] = v0
		if result.HasValue(v1) {
			op.Values[i] += v1
		}
	}
	r.Series = append(r.Series, subs...)
}

// sourcesStopAt40: the sources read nothing after 40 s.
func sourcesStopAt40(r *result.Result) {
	for i := range r.Series {
		if r.Series[i].Operator == "ev" {
			for k := 40; k < len(r.Series[i].Values); k++ {
				r.Series[i].Values[k] = 0
			}
		}
	}
}

// beside adds a sink log whose output flows (30 records/s, each sent at
// once).
func beside(r *result.Result) {
	r.Summary.Operators = append(r.Summary.Operators, result.OperatorSummary{Name: "log", Kind: "sink", Parallelism: 6, RecordsIn: 3000})
	r.Summary.Sinks = append(r.Summary.Sinks, result.SinkSummary{Sink: "log", Guarantee: "none", BatchSize: 1, Taken: 3000, Sent: 3000})
	in := result.Series{Operator: "log", Subtask: -1, Metric: result.MetricRecordsIn}
	for range r.Times {
		in.Values = append(in.Values, 30)
	}
	r.Series = append(r.Series, in)
}

// commits gives the exactly-once sink out its committer's
// successfulCommittables and failedCommittables and its
// flinksim.numRecordsVisible (500 records a commit that succeeds), all
// cumulative at each sample, and its summary unless nil; then the edits.
func commits(succeeded, seen, failed func(float64) float64, k *result.SinkSummary, edits ...func(*result.Result)) func(*result.Result) {
	return func(r *result.Result) {
		for _, m := range []struct {
			metric string
			f      func(float64) float64
			scale  float64
		}{{r.Summary.Operators[2].SinkMetric(result.MetricSuccessfulCommittables), succeeded, 1}, // flinksim's own: a SinkFunction's
			{r.Summary.Operators[2].SinkMetric(result.MetricFailedCommittables), failed, 1}, {result.MetricSinkWritten, seen, 500}} {
			s := result.Series{Operator: "out", Subtask: -1, Metric: m.metric}
			for _, t := range r.Times {
				s.Values = append(s.Values, m.scale*m.f(t))
			}
			r.Series = append(r.Series, s)
		}
		if k != nil {
			k.Sink = "out"
			r.Summary.Sinks = append(r.Summary.Sinks, *k)
		}
		for _, e := range edits {
			e(r)
		}
	}
}

// samples gives an edit a run sampled at times (seconds) alone, its lag
// kept from judged's.
func samples(times ...float64) func(func(*result.Result)) func(*result.Result) {
	return func(edit func(*result.Result)) func(*result.Result) {
		return func(r *result.Result) {
			r.Times = times
			r.Series[0].Values = r.Series[0].Values[:len(times)]
			edit(r)
		}
	}
}

// TestHalfSample: the samples after halfSample's cover the run's second
// half, from the last sample at or before its middle.
func TestHalfSample(t *testing.T) {
	for _, c := range []struct {
		times []float64
		want  int
	}{
		{[]float64{5}, -1},
		{[]float64{5, 10}, 0},
		{[]float64{5, 10, 15}, 0},
		{[]float64{5, 10, 15, 20}, 1},
		{[]float64{5, 10, 12}, 0},
	} {
		if got := halfSample(c.times); got != c.want {
			t.Errorf("halfSample(%v) = %d, want %d", c.times, got, c.want)
		}
	}
}

// TestSkewWithoutRecords: a keyed operator no record reached has no skew
// line (it read "busiest subtask 0.00× the mean; hot subtasks " before).
func TestSkewWithoutRecords(t *testing.T) {
	hot := []result.SubtaskLoad{{Subtask: 2, Share: 1, RecordsIn: 36, KeyGroups: "64-95"}}
	for _, c := range []struct {
		name string
		sk   result.SkewSummary
		want string
	}{
		{"no records", result.SkewSummary{Operator: "k", Parallelism: 4, ExpectedRatio: 4}, ""},
		{"one hot subtask", result.SkewSummary{Operator: "k", Parallelism: 4, Ratio: 4, ExpectedRatio: 4, HotSubtasks: hot},
			"k: busiest subtask 4.00× the mean; hot subtasks 2 (100.0%, key groups 64-95)"},
		{"even", result.SkewSummary{Operator: "k", Parallelism: 4, Ratio: 1, ExpectedRatio: 1, HotSubtasks: hot}, ""},
		{"top keys, one spread", result.SkewSummary{Operator: "k", Parallelism: 4, Ratio: 4, ExpectedRatio: 4, HotSubtasks: hot,
			TopKeys: []result.KeyLoad{{Key: "bot", Subtask: result.SpreadKey, Share: 0.3}, {Key: "fan", Subtask: 2, Share: 0.1}}},
			"k: busiest subtask 4.00× the mean; hot subtasks 2 (100.0%, key groups 64-95); top keys bot (30%, spread by the hot-key partitioner), fan (10%, subtask 2)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(Skew(result.Summary{Skew: []result.SkewSummary{c.sk}}), "\n")
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
