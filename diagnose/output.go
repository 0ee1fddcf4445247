package diagnose

import (
	"fmt"
	"strings"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// noOutput: a job whose sources read records over the second half of the
// run (from the last sample at or before its middle) while no record
// reached any sink in it has stopped producing output, however small its
// lag: no output, from the last sample at which a record reached a sink
// (the start when none ever did). Judged only for a job that is otherwise
// stable: any other phase names the trouble more precisely. A summary without sink operators (numbers
// taken from elsewhere) says nothing of the output and is judged without it.
func (j *judgement) noOutput() {
	read, written, last, ok := outputFlow(j.res)
	if !ok || read <= 0 || written > 0 {
		return
	}
	j.silent = true
	j.silentRead = read
	j.mark(result.PhaseNoOutput, last)
}

// outputFlow is what the sources read and the sinks took over the second
// half of the run, and the time of the last sample at which a record
// reached a sink; from the metrics' series, or, read back without them,
// the whole run's operator totals. ok is false without a sink.
func outputFlow(res *result.Result) (read, written, last float64, ok bool) {
	kind := map[string]string{}
	for _, o := range res.Summary.Operators {
		kind[o.Name] = o.Kind
		switch o.Kind {
		case "sink":
			ok = true
			written += float64(o.RecordsIn)
		case "source":
			read += float64(o.RecordsOut)
		}
	}
	n := len(res.Times)
	if !ok || n == 0 {
		return read, written, 0, ok
	}
	from := halfSample(res.Times) // the samples after it cover the second half
	var sRead, sWritten float64
	series := false
	for _, s := range res.Series {
		if s.Subtask >= 0 {
			continue
		}
		switch {
		case kind[s.Operator] == "sink" && s.Metric == result.MetricRecordsIn:
			series = true
			for i := from + 1; i < len(s.Values); i++ {
				if result.HasValue(s.Values[i]) {
					sWritten += s.Values[i] * sampleSpan(res.Times, i)
				}
			}
			for i, v := range s.Values {
				if v > 0 && i < n {
					last = max(last, res.Times[i])
				}
			}
		case kind[s.Operator] == "source" && s.Metric == result.MetricRecordsOut:
			for i := from + 1; i < len(s.Values); i++ {
				if result.HasValue(s.Values[i]) {
					sRead += s.Values[i] * sampleSpan(res.Times, i)
				}
			}
		}
	}
	if !series {
		return read, written, 0, ok
	}
	return sRead, sWritten, last, ok
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
	l := fmt.Sprintf("no record reached a sink %s, though the sources read %s records", from, human.Count(read))
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
