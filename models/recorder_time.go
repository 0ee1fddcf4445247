package models

import (
	"math"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Event-time metrics: watermarks with Flink's names, per subtask and per
// operator (the lowest watermark, the highest lag), and a window operator's
// late records and open windows.

// timeMetrics are the event-time series of node rt.
func timeMetrics(rt *nodeRT) []string {
	if eventTimeSource(rt) == nil {
		if rt.spec.Kind == KindSource && rt.spec.Kafka != nil {
			// every FLIP-27 reader registers currentEmitEventTimeLag and
			// sourceIdleTime (InternalSourceReaderMetricGroup); without a
			// watermark strategy's assigner a Kafka record's timestamp is
			// its CreateTime
			return []string{result.MetricEmitEventTimeLag, result.MetricFetchEventTimeLag, result.MetricSourceIdleTime}
		}
		return nil
	}
	switch {
	case rt.spec.Kind == KindSource:
		if eventTimeSource(rt).spec.Kafka.EventTime.Alignment != nil {
			return []string{result.MetricOutputWatermark, result.MetricWatermarkLag, result.MetricEmitEventTimeLag, result.MetricFetchEventTimeLag, result.MetricSourceIdleTime, result.MetricAlignmentDrift}
		}
		return []string{result.MetricOutputWatermark, result.MetricWatermarkLag, result.MetricEmitEventTimeLag, result.MetricFetchEventTimeLag, result.MetricSourceIdleTime}
	case rt.spec.Window != nil:
		return []string{result.MetricInputWatermark, result.MetricOutputWatermark, result.MetricLateDropped, result.MetricLateSideOutput, result.MetricOpenWindows}
	}
	return []string{result.MetricInputWatermark, result.MetricOutputWatermark}
}

// watermarkMs is a watermark as Flink's gauges show it: ms, Long.MIN_VALUE
// before the first.
func watermarkMs(w wmark) float64 {
	if w == noWatermark {
		return math.MinInt64
	}
	return float64(w.time() / sim.Millisecond)
}

// floorMs is t in whole milliseconds, rounded down (a timestamp before the
// start is negative; the epoch's ms added to it are whole).
func floorMs(t sim.Time) sim.Time {
	ms := t / sim.Millisecond
	if t%sim.Millisecond < 0 {
		ms--
	}
	return ms
}

// sampleTime puts a subtask's event-time values into vals. A chain's
// operators share the task's watermark.
//
// A reader's watermarkLag and currentEmitEventTimeLag run to its last emit
// time (InternalSourceReaderMetricGroup.getLastEmitTime): now while it
// reads or is backpressured, but while it idles (readerIdling: a quiet
// partition, one paused by alignment) the time it started idling, after
// its last record, so they hold still instead of growing with the quiet.
//
// watermarkLag has no value (result.NoValue: no row) until the reader's
// first watermark: Flink's InternalSourceReaderMetricGroup registers the
// gauge in watermarkEmitted, when SourceOperator's output emits the first
// watermark, so before it (the first samples of a job, after a restart,
// which gives the task a new metric group, or for a reader with no split)
// the metric does not exist; it is not now − Long.MIN_VALUE. The emit
// lag's gauge is registered with the group (its constructor) and reads
// UNDEFINED, -1, until the first record (getEmitTimeLag).
func (r *recorder) sampleTime(st *subtask, op *opState, k func(int) int, vals []float64, now sim.Time) {
	w := watermarkMs(st.wm.out)
	vals[k(vInputWM)] = w
	vals[k(vOutputWM)] = w
	emitAt := now
	vals[k(vSourceIdle)] = 0 // emitting or backpressured
	if st.t.nodes[0].spec.Kind == KindSource && r.s.readerIdling(st) {
		emitAt = max(st.wm.lastRead, st.wm.started)
		// sourceIdleTime: now less when it started idling, in ms of the
		// clock (InternalSourceReaderMetricGroup.getIdleTime)
		vals[k(vSourceIdle)] = float64(now/sim.Millisecond - emitAt/sim.Millisecond)
	}
	vals[k(vWMLag)] = result.NoValue()
	if st.wm.out != noWatermark {
		vals[k(vWMLag)] = float64(emitAt/sim.Millisecond) - w
	}
	switch {
	case !st.wm.emitted: // no record yet since the reader started: UNDEFINED (InternalSourceReaderMetricGroup)
		vals[k(vEmitLag)] = -1
	default:
		// The last record's timestamp, in whole ms as a record's long
		// timestamp is: its CreateTime, when it was produced (lastEv), or
		// with event time a delay before. The lag is the clock's ms less
		// it (getEmitTimeLag), a whole number, as watermarkLag's.
		ts := st.wm.lastEv
		if st.wm.lagRng != nil {
			ts -= sim.FromSeconds(st.wm.delays.minOf(1, st.wm.lagRng))
		}
		vals[k(vEmitLag)] = float64(emitAt/sim.Millisecond - floorMs(ts))
	}
	vals[k(vFetchLag)] = vals[k(vEmitLag)] // fetched and emitted in one step
	// watermarkAlignmentDrift: no value before the reader's first announcement
	if r.s.alignOf[st] != nil {
		vals[k(vDrift)] = result.NoValue()
		if d, ok := r.s.alignmentDrift(st); ok {
			vals[k(vDrift)] = d
		}
	}
	if o := op.win; o != nil {
		vals[k(vLateDropped)] = attemptCount(st, o.dropped, op.attempt.dropped)
		vals[k(vLateSideOutput)] = attemptCount(st, o.sideOutput, op.attempt.sideOutput)
		vals[k(vOpenWindows)] = o.open()
	}
}

// extreme is an operator's lowest (or highest) value over its subtasks
// that have one (the web UI aggregates the metrics it has,
// AggregatingSubtasksMetricsHandler); result.NoValue when none has.
func (r *recorder) extreme(ref seriesRef, vals *sampleVals, pick func(a, b float64) float64) float64 {
	v := result.NoValue()
	for sub := 0; sub < ref.node.spec.Parallelism; sub++ {
		switch x := vals.get(ref.node, sub, ref.id); {
		case !result.HasValue(x):
		case !result.HasValue(v):
			v = x
		default:
			v = pick(v, x)
		}
	}
	return v
}

// windowSummaries is summary.json's windows section.
func (s *Simulation) windowSummaries() []result.WindowSummary {
	var out []result.WindowSummary
	for _, rt := range s.nodes {
		w := rt.spec.Window
		if w == nil {
			continue
		}
		ws := result.WindowSummary{Operator: rt.spec.Name, Assigner: w.Kind.String() + " " + setting(w.Size), Function: "aggregate",
			LatenessS: w.AllowedLateness.Seconds(), StatePeak: s.rec.windowPeak[rt]}
		if w.Kind == Sliding {
			ws.Assigner += " every " + setting(w.Slide)
		}
		if w.Offset != 0 {
			ws.Assigner += " offset " + setting(w.Offset)
		}
		if w.Buffering {
			ws.Function = "process (buffers records)"
		}
		lat := sim.NewHistogram()
		var c windowCounts
		sessions := 0.0
		for _, st := range rt.task.subtasks {
			o := st.ops[rt.pos].win
			ws.RecordsIn += o.in
			ws.LateSideOutput += o.sideOutput
			ws.LateDropped += o.dropped
			ws.Firings += o.fires
			ws.ReFirings += o.refires
			ws.StateEnd += o.bytes
			ws.FireCPUS += o.fireSecs
			c.first += o.firstFire
			c.any += o.firstFire + o.refired
			c.rolled += o.rolledBack
			c.reopened += o.reopened
			ws.OpenWindows += int(math.Round(o.open()))
			sessions += o.sessionsFired
			c.placedPending += o.forever
			c.placedPairs += o.pairs
			c.between += o.between
			c.skipped += o.skipped
			for _, r := range o.wins {
				if r.records > 0 && !r.fired {
					c.placedPending += r.records
				}
			}
			lat.Merge(o.latency)
		}
		if w.Kind == Session {
			ws.Assigner = "session gap " + setting(w.Gap)
			ws.Firings = int64(math.Round(sessions)) // one per key's session
		}
		c.shares(&ws, w)
		ws.ResultLatency = result.OptionalLatency{LatencySummary: result.LatencyOf(lat), None: lat.Count() == 0}
		ws.WatermarkLag.None = true
		if h := s.rec.windowLag[rt]; h != nil && h.Count() > 0 {
			ws.WatermarkLag = result.OptionalLatency{LatencySummary: result.LatencyOf(h)}
		}
		out = append(out, ws)
	}
	return out
}

// sampleWindows keeps each window operator's peak state and its
// watermark's lag behind processing time.
func (r *recorder) sampleWindows() {
	now := r.s.eng.Now()
	for _, rt := range r.s.nodes {
		if rt.spec.Window == nil {
			continue
		}
		total := 0.0
		low := wmark(math.MaxUint64)
		for _, st := range rt.task.subtasks {
			total += st.ops[rt.pos].win.bytes
			low = min(low, st.wm.out)
		}
		r.windowPeak[rt] = max(r.windowPeak[rt], total)
		if low != noWatermark {
			h := r.windowLag[rt]
			if h == nil {
				h = sim.NewHistogram()
				r.windowLag[rt] = h
			}
			h.Add(max(0, (now-low.time()).Seconds()), 1)
		}
	}
}

// windowCounts are a window operator's counts over its subtasks, for its
// shares: record-window pairs first fired, fired at all, pending, rolled
// back, reopened, placed and skipped; records between windows.
type windowCounts struct {
	first, any, placedPending, rolled, reopened, placedPairs, between, skipped int64
}

// shares sets ws's shares of window w's records: the pair shares over the
// pairs, the late and between shares over the records.
func (c windowCounts) shares(ws *result.WindowSummary, w *Window) {
	if ws.RecordsIn == 0 {
		return
	}
	pairs := float64(ws.RecordsIn) * w.PerRecord()
	if w.Kind == Sliding && w.Size%w.Slide != 0 {
		// a record's windows depend on its timestamp: the pairs
		// of the records placed in windows as they were, and for
		// each other record (late, its slot not drawn, or between
		// two windows) as many as a placed one's on average, so
		// that no share is above 1 however the timestamps fall,
		// and the pair shares add up with the late and between
		// shares to 1
		pairs = 0
		if inWindows := ws.RecordsIn - ws.LateSideOutput - ws.LateDropped - c.between; inWindows > 0 {
			pairs = float64(c.placedPairs) * float64(ws.RecordsIn) / float64(inWindows)
		}
	}
	// A window a restore reopened after it fired fires again: its
	// pairs count once in the firing shares, and in FiredAgain.
	c.first, c.any = c.first-c.reopened, c.any-c.reopened
	if pairs > 0 { // none when every record fell between windows
		ws.FirstFired, ws.AnyFired, ws.Pending = float64(c.first)/pairs, float64(c.any)/pairs, float64(c.placedPending)/pairs
		ws.RolledBack, ws.FiredAgain = float64(c.rolled)/pairs, float64(c.reopened)/pairs
		ws.SkippedWindows = float64(c.skipped) / pairs
	}
	ws.SideOutput = float64(ws.LateSideOutput) / float64(ws.RecordsIn)
	ws.BetweenWindows = float64(c.between) / float64(ws.RecordsIn)
	ws.Dropped = float64(ws.LateDropped) / float64(ws.RecordsIn)
}
