package diagnose

import (
	"fmt"
	"strings"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// noOutput: a job whose sources read records over the second half of the
// run (from the last sample at or before its middle) while no record
// reached any sink's readers in it has stopped producing output, however
// small its lag: no output, from the last sample at which one did (the
// start when none ever did). A record reaches a sink's readers when the
// sink takes it, except at an exactly-once sink whose commits failed with
// a known reason while its read_committed readers saw none of its records
// (every commit over that half, or every commit of the run: sinkoutput.go),
// or at a sink whose writers sent none of what it took over that half when
// only a full batch would send it (sinkbuffer.go). Judged for a job that went through no other
// phase, or recovered from all it went through (each names the trouble
// more precisely while it lasts). A summary without sink operators
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

// outputFlow is what the sources read and what reached the sinks' readers
// over the second half of the run, and the time of the last sample at
// which a record did; from the metrics' series, or, read back without
// them, the whole run's operator totals. ok is false without a sink.
func outputFlow(res *result.Result) (read, written, last float64, ok bool) {
	kind := map[string]string{}
	for _, o := range res.Summary.Operators {
		kind[o.Name] = o.Kind
		if o.Kind == "source" {
			read += float64(o.RecordsOut)
		}
	}
	halves, series := sinkHalves(res)
	ok = len(halves) > 0
	var sRead float64
	if series {
		from := halfSample(res.Times)
		for _, s := range res.Series {
			if s.Subtask < 0 && kind[s.Operator] == "source" && s.Metric == result.MetricRecordsOut {
				sRead += rateSum(res.Times, s.Values, from)
			}
		}
		read = sRead
	}
	for _, h := range halves {
		if h.silent() {
			last = max(last, h.lastSeen)
			continue
		}
		written += h.took
		last = max(last, h.lastTook)
	}
	return read, written, last, ok
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
	if len(silentSinks(res)) > 0 {
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
	causes = append(causes, silentSinks(res)...)
	return strings.Join(causes, "; ")
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
