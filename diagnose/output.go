package diagnose

import (
	"fmt"
	"strings"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// noOutput: a job whose sources read records over the second half of the
// run (from the last sample at or before its middle) while no record
// reached any sink's system in it, as its readers see it, has stopped
// producing output, however small its lag: no output, from the last sample
// at which a record did (the start when none ever did). A sink's output is
// what its read_committed readers see (flinksim.numRecordsVisible): an
// exactly-once sink whose every commit fails, or that commits nothing
// (no checkpoint completes its transactions), writes records no reader
// sees. Judged only for a job that is otherwise stable: any other phase
// names the trouble more precisely. A summary without sink operators
// (numbers taken from elsewhere) says nothing of the output and is judged
// without it.
func (j *judgement) noOutput() {
	read, written, last, ok := outputFlow(j.res)
	if !ok || read <= 0 || written > 0 {
		return
	}
	j.silent = true
	j.silentRead = read
	j.mark(result.PhaseNoOutput, last)
}

// outputFlow is what the sources read and what became visible in the
// sinks' systems over the second half of the run, and the time of the last
// sample at which a record did; from the metrics' series, or, read back
// without them, the whole run's totals. A sink without a series of what
// became visible (a result written before flinksim had one) counts what
// it took (numRecordsIn). ok is false without a sink.
func outputFlow(res *result.Result) (read, written, last float64, ok bool) {
	kind := map[string]string{}
	var sinks []string
	for _, o := range res.Summary.Operators {
		kind[o.Name] = o.Kind
		switch o.Kind {
		case "sink":
			ok = true
			sinks = append(sinks, o.Name)
			written += float64(visibleTotal(res.Summary, o))
		case "source":
			read += float64(o.RecordsOut)
		}
	}
	n := len(res.Times)
	if !ok || n == 0 {
		return read, written, 0, ok
	}
	from := halfSample(res.Times) // the samples after it cover the second half
	in := map[string]*result.Series{}
	visible := map[string]*result.Series{}
	var sRead float64
	for i := range res.Series {
		s := &res.Series[i]
		if s.Subtask >= 0 {
			continue
		}
		switch {
		case kind[s.Operator] == "sink" && s.Metric == result.MetricRecordsIn:
			in[s.Operator] = s
		case kind[s.Operator] == "sink" && s.Metric == result.MetricSinkWritten:
			visible[s.Operator] = s
		case kind[s.Operator] == "source" && s.Metric == result.MetricRecordsOut:
			sRead += rateSum(res.Times, s.Values, from)
		}
	}
	if len(in)+len(visible) == 0 {
		return read, written, 0, ok
	}
	var sWritten float64
	for _, name := range sinks {
		if v := visible[name]; v != nil {
			w, at := cumulativeRise(res.Times, v.Values, from)
			sWritten += w
			last = max(last, at)
		} else if s := in[name]; s != nil {
			sWritten += rateSum(res.Times, s.Values, from)
			for i, v := range s.Values {
				if v > 0 && i < n {
					last = max(last, res.Times[i])
				}
			}
		}
	}
	return sRead, sWritten, last, ok
}

// visibleTotal is what sink operator o's readers saw by the end: its
// read_committed records when the summary counts them, else what it took.
func visibleTotal(s result.Summary, o result.OperatorSummary) int64 {
	for _, k := range s.Sinks {
		if k.Sink == o.Name {
			return k.ReadCommitted.Once + k.ReadCommitted.MoreThanOnce
		}
	}
	return o.RecordsIn
}

// rateSum is the records a per-second series counts over the samples after
// from (result.NoValue counts none).
func rateSum(times, values []float64, from int) float64 {
	var total float64
	for i := from + 1; i < len(values) && i < len(times); i++ {
		if result.HasValue(values[i]) {
			total += values[i] * sampleSpan(times, i)
		}
	}
	return total
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

// halfSample is the last sample at or before half the run (the last
// sample's time), -1 when none is: the samples after it cover the run's
// second half, two samples' second one included.
func halfSample(times []float64) int {
	half := times[len(times)-1] / 2
	from := -1
	for from+1 < len(times) && times[from+1] <= half {
		from++
	}
	return from
}

// sampleSpan is the seconds sample i covers: since the one before it.
func sampleSpan(times []float64, i int) float64 {
	if i == 0 {
		return times[0]
	}
	return times[i] - times[i-1]
}

// noOutputWhy is the verdict's clause for a job with no output: how much
// the sources read meanwhile, and the cause when the summary shows it.
func noOutputWhy(res *result.Result, at, read float64) string {
	from := "over the second half of the run"
	if at > 0 {
		from += ", the last at " + human.Seconds(at)
	}
	what := "no record reached a sink"
	if len(unseenSinks(res)) > 0 {
		what = "no record a sink took became visible to its readers"
	}
	l := fmt.Sprintf("%s %s, though the sources read %s records", what, from, human.Count(read))
	if c := noOutputCause(res); c != "" {
		l += ": " + c
	}
	return l
}

// noOutputCause names what held the records back: window operators whose
// windows never fired (and the source readers that read nothing, so emit
// no watermark and hold every window downstream back), or an operator
// that emitted none of what it read.
func noOutputCause(res *result.Result) string {
	s := res.Summary
	var causes []string
	windowed := map[string]bool{}
	for _, w := range s.Windows {
		windowed[w.Operator] = true
		switch {
		case w.RecordsIn > 0 && w.Firings == 0 && w.AnyFired+w.Pending+w.RolledBack == 0 && w.BetweenWindows > 0:
			cause := fmt.Sprintf("%s's windows held no record: %.1f%% fell between two windows (its size is shorter than its slide)", w.Operator, 100*w.BetweenWindows)
			if w.BetweenWindows < 1 {
				cause += ", the rest were late"
			}
			causes = append(causes, cause)
		case w.RecordsIn > 0 && w.Firings == 0:
			causes = append(causes, fmt.Sprintf("%s's windows never fired (no watermark passed their end)", w.Operator))
		}
	}
	if len(causes) > 0 {
		causes = append(causes, silentReaders(res)...)
	}
	for _, o := range s.Operators {
		if o.Kind == "operator" && !windowed[o.Name] && o.RecordsIn > 0 && o.RecordsOut == 0 {
			causes = append(causes, fmt.Sprintf("%s emitted none of the %s records it read", o.Name, human.Count(float64(o.RecordsIn))))
		}
	}
	causes = append(causes, unseenSinks(res)...)
	return strings.Join(causes, "; ")
}

// unseenSinks names each sink that took records over the second half of
// the run none of which its read_committed readers saw, and why: commits
// that failed with a known reason dropped them (the broker had aborted
// the transaction, or an injected commit-failure), or they wait in
// transactions that no completed checkpoint has committed.
func unseenSinks(res *result.Result) []string {
	var out []string
	from := -1
	if len(res.Times) > 0 {
		from = halfSample(res.Times)
	}
	for _, k := range res.Summary.Sinks {
		took, seen := float64(k.Taken), float64(k.ReadCommitted.Once+k.ReadCommitted.MoreThanOnce)
		for _, s := range res.Series {
			switch {
			case s.Operator != k.Sink || s.Subtask >= 0:
			case s.Metric == result.MetricRecordsIn:
				took = rateSum(res.Times, s.Values, from)
			case s.Metric == result.MetricSinkWritten:
				seen, _ = cumulativeRise(res.Times, s.Values, from)
			}
		}
		if took <= 0 || seen > 0 {
			continue
		}
		l := fmt.Sprintf("%s's read_committed readers saw none of the %s records it took", k.Sink, human.Count(took))
		switch c := k.Committables; {
		case c != nil && c.LostRecords > 0:
			l += fmt.Sprintf(": %d commits failed with a known reason, dropping %s records", c.Failed, human.Count(float64(c.LostRecords)))
		case k.ReadCommitted.Pending > 0:
			l += fmt.Sprintf(": %s records wait in transactions no completed checkpoint has committed", human.Count(float64(k.ReadCommitted.Pending)))
		}
		out = append(out, l)
	}
	return out
}

// silentReaders names each source with subtasks that read no record in
// the whole run: a reader without a partition (or split) emits no
// watermark and, unless the source goes idle, holds back every event-time
// operator downstream, as in Flink.
func silentReaders(res *result.Result) []string {
	var out []string
	for _, o := range res.Summary.Operators {
		if o.Kind != "source" {
			continue
		}
		n := 0
		for _, s := range res.Series {
			if s.Operator == o.Name && s.Subtask >= 0 && s.Metric == result.MetricRecordsOut && sum(s.Values) == 0 {
				n++
			}
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%d of %s's %d readers read no record (no partition), so emit no watermark (set its event-time.watermark.idleness, or a parallelism of at most its partitions)", n, o.Name, o.Parallelism))
		}
	}
	return out
}

// sum adds a series' values (result.NoValue adds nothing).
func sum(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		if result.HasValue(x) {
			t += x
		}
	}
	return t
}
