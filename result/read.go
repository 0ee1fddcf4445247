package result

import (
	"bufio"
	"container/heap"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/sim"
)

// ReadResult rebuilds a Result from the files a run wrote, so that runs can
// be compared later without running them again: summary.json and
// metrics.csv, and checkpoints.json when checkpoints is not nil. What the
// files do not hold (the latency histogram, per-subtask checkpoint details)
// is left empty. A series has NoValue at the times metrics.csv has no row
// for it. Failovers come from summary.json's restarts section; in files
// from before it, they are where numRestarts went up.
func ReadResult(summary, metrics, checkpoints io.Reader) (*Result, error) {
	res := &Result{}
	if err := json.NewDecoder(summary).Decode(&res.Summary); err != nil {
		return nil, fmt.Errorf("summary.json: %v", err)
	}
	if res.Summary.Records.Sink == 0 {
		res.Summary.LatencyS.None = true // a file from before null latencies holds zeros
	}
	for i, k := range res.Summary.Sinks {
		// A file from before null sink latencies holds zeros for a sink
		// whose reader saw nothing; a value that is not zero is a value
		// (a visible latency counts records taken, seen or not).
		if k.ReadCommitted.Once+k.ReadCommitted.MoreThanOnce == 0 {
			for _, l := range []*OptionalLatency{&res.Summary.Sinks[i].CommitLatency, &res.Summary.Sinks[i].VisibleLatency} {
				l.None = l.None || l.LatencySummary == (LatencySummary{})
			}
		}
	}
	if err := res.readMetricsCSV(metrics); err != nil {
		return nil, err
	}
	res.ownSinkMetrics()
	if checkpoints != nil {
		if err := res.readCheckpointsJSON(checkpoints); err != nil {
			return nil, err
		}
	}
	if rs := res.Summary.Restarts; rs != nil {
		res.Failovers = failoversOf(rs)
		return res, nil
	}
	for _, s := range res.Series {
		if s.Operator == JobOperator && s.Metric == MetricRestarts {
			for i := 1; i < len(s.Values); i++ {
				for k := s.Values[i-1]; k < s.Values[i]; k++ {
					res.Failovers = append(res.Failovers, FailureEvent{At: sim.FromSeconds(res.Times[i])})
				}
			}
		}
	}
	return res, nil
}

// ownSinkMetrics names a sink's numRecordsSend and committer metrics as
// a run names them now (SinkMetric): files from before name a
// SinkFunction's plainly, as Flink's, though metrics.om.txt called them
// flinksim's.
func (r *Result) ownSinkMetrics() {
	ops := map[string]OperatorSummary{}
	for _, o := range r.Summary.Operators {
		if o.Kind == "sink" {
			ops[o.Name] = o
		}
	}
	for i, s := range r.Series {
		if o, ok := ops[s.Operator]; ok {
			r.Series[i].Metric = o.SinkMetric(s.Metric)
		}
	}
}

func (r *Result) readMetricsCSV(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	type id struct {
		op, metric string
		sub        int
	}
	index := map[id]int{}
	order := newRowOrder()
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			if sc.Text() != "time_s,operator,subtask,metric,value" {
				return fmt.Errorf("metrics.csv: not flinksim's metrics (header %q)", sc.Text())
			}
			continue
		}
		f, err := csvFields(sc.Text())
		if err != nil || len(f) != 5 {
			return fmt.Errorf("metrics.csv:%d: want 5 columns", line)
		}
		t, err1 := strconv.ParseFloat(f[0], 64)
		v, err2 := strconv.ParseFloat(f[4], 64)
		sub := -1
		var err3 error
		if f[2] != "" {
			sub, err3 = strconv.Atoi(f[2])
		}
		if err1 != nil || err2 != nil || err3 != nil {
			return fmt.Errorf("metrics.csv:%d: bad number", line)
		}
		if n := len(r.Times); n == 0 || r.Times[n-1] != t {
			if n > 0 && t < r.Times[n-1] {
				return fmt.Errorf("metrics.csv:%d: time goes backwards", line)
			}
			r.Times = append(r.Times, t)
			order.newTime()
		}
		k := id{f[1], f[3], sub}
		i, ok := index[k]
		if !ok {
			i = len(r.Series)
			index[k] = i
			r.Series = append(r.Series, Series{Operator: f[1], Subtask: sub, Metric: f[3]})
		}
		order.row(i)
		s := &r.Series[i]
		for len(s.Values) < len(r.Times)-1 {
			// no row: no value at that time (a series that starts late, or
			// stops for a while, as watermarkLag before a reader's first
			// watermark)
			s.Values = append(s.Values, NoValue())
		}
		s.Values = append(s.Values, r.runValue(f[3], v))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("metrics.csv: %v", err)
	}
	for i := range r.Series {
		for len(r.Series[i].Values) < len(r.Times) {
			r.Series[i].Values = append(r.Series[i].Values, NoValue())
		}
	}
	r.Series = order.apply(r.Series)
	return nil
}

// rowOrder finds the order metrics.csv's series were written in. A time's
// rows follow it, but a series with no value at the first times (NoValue:
// no row) first appears after series written after it; putting the series
// in an order that keeps every time's rows in theirs (a topological order
// of the rows that follow one another, ties to the series seen first)
// writes the same file again.
type rowOrder struct {
	prev   int             // the series of the time's previous row, -1 before its first
	last   []int           // per series: the series before its row when last seen
	follow map[[2]int]bool // (a, b): a row of a came just before one of b
	moved  bool            // some series came after one seen later than it
}

func newRowOrder() *rowOrder { return &rowOrder{prev: -1, follow: map[[2]int]bool{}} }

func (o *rowOrder) newTime() { o.prev = -1 }

// row notes a row of series i, the next at its time.
func (o *rowOrder) row(i int) {
	for len(o.last) <= i {
		o.last = append(o.last, -2)
	}
	if a := o.prev; a >= 0 && o.last[i] != a {
		o.follow[[2]int{a, i}] = true
		o.moved = o.moved || a > i
	}
	o.last[i], o.prev = o.prev, i
}

// apply puts series in the order found.
func (o *rowOrder) apply(series []Series) []Series {
	if !o.moved {
		return series
	}
	next := make([][]int, len(series))
	in := make([]int, len(series))
	for e := range o.follow {
		next[e[0]] = append(next[e[0]], e[1])
		in[e[1]]++
	}
	ready := &intHeap{}
	for i, n := range in {
		if n == 0 {
			heap.Push(ready, i)
		}
	}
	out := make([]Series, 0, len(series))
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		out = append(out, series[i])
		for _, k := range next[i] {
			if in[k]--; in[k] == 0 {
				heap.Push(ready, k)
			}
		}
	}
	if len(out) < len(series) { // rows in no one order (a file edited by hand): as read
		return series
	}
	return out
}

// intHeap is a min-heap of series indexes (container/heap).
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (r *Result) readCheckpointsJSON(in io.Reader) error {
	var doc struct {
		History []struct {
			ID           int64  `json:"id"`
			Status       string `json:"status"`
			Trigger      int64  `json:"trigger_timestamp"`
			LatestAck    int64  `json:"latest_ack_timestamp"`
			Duration     int64  `json:"end_to_end_duration"`
			StateSize    int64  `json:"state_size"`
			Checkpointed int64  `json:"checkpointed_size"`
			Type         string `json:"checkpoint_type"`
		} `json:"history"`
	}
	if err := json.NewDecoder(in).Decode(&doc); err != nil {
		return fmt.Errorf("checkpoints.json: %v", err)
	}
	start := r.startMs() // timestamps are Unix ms: virtual time from the summary's start
	for _, h := range doc.History {
		c := &CheckpointStats{ID: h.ID, Status: h.Status, Trigger: sim.Time(h.Trigger-start) * sim.Millisecond,
			StateSize: h.StateSize, Checkpointed: h.Checkpointed, Unaligned: h.Type == "UNALIGNED_CHECKPOINT"}
		if h.LatestAck >= 0 { // -1: none acknowledged
			c.LatestAck = sim.Time(h.LatestAck-start) * sim.Millisecond
		}
		if h.Status != "IN_PROGRESS" && h.Duration >= 0 { // in progress: not ended (Duration 0)
			c.Duration = sim.Time(h.Duration) * sim.Millisecond
		}
		r.Checkpoints = append(r.Checkpoints, c)
	}
	sort.Slice(r.Checkpoints, func(i, j int) bool { return r.Checkpoints[i].ID < r.Checkpoints[j].ID })
	return nil
}

// failoversOf rebuilds the failovers from summary.json's restarts section.
func failoversOf(rs *RestartSummary) []FailureEvent {
	var out []FailureEvent
	at := func(s float64) sim.Time { return sim.FromSeconds(max(s, 0)) }
	for _, f := range rs.Failovers {
		fe := FailureEvent{At: at(f.DetectedAtS), Reason: f.Reason, Final: f.JobFailed, Cause: f.Cause, FailedAt: at(f.FailedAtS),
			Regions: f.Regions, Partial: len(f.Regions) < f.RegionsTotal, Global: f.Global, RestartDelay: at(f.RestartDelay)}
		if f.DownS >= 0 {
			fe.RunningAt = at(f.DetectedAtS + f.DownS)
		}
		if f.DownS >= 0 && f.RestoreS >= 0 {
			fe.RestoredAt = at(f.DetectedAtS + f.DownS + f.RestoreS)
		}
		out = append(out, fe)
	}
	return out
}

// csvFields splits a line of metrics.csv into its fields: at commas, or as
// encoding/csv reads a line with a quoted field (an operator or task name
// with a comma).
func csvFields(line string) ([]string, error) {
	if !strings.Contains(line, `"`) {
		return strings.Split(line, ","), nil
	}
	return csv.NewReader(strings.NewReader(line)).Read()
}
