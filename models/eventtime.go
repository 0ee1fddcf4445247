package models

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/flinksim/flinksim/sim"
)

// Event time at the sources. A record appended to Kafka at c has the
// timestamp c − d: d is drawn from the source's delay, or for events that
// offline devices held back, from the rest of the offline period (an
// equilibrium residual) plus the delay (a device that reconnects sends
// through the same SDK, gateway and network as any other). Records are not stamped one by one: a chunk keeps
// its append times, and what depends on timestamps (a split's largest, the
// windows a chunk's records go to) uses the delay's distribution.
//
// Each split has a WatermarkGenerator (BoundedOutOfOrdernessWatermarks: the
// largest timestamp − B − 1 ms) and, with withIdleness, an idleness timer
// (WatermarksWithIdleness). Every pipeline.auto-watermark-interval a reader
// emits the minimum over its active splits (SourceOperator with its
// WatermarkOutputMultiplexer), only when it rises; a reader whose splits are
// all idle is idle (WatermarkStatus.IDLE). A reader with no split (more
// readers than partitions) emits no watermark and is not idle, so the tasks
// downstream wait for it forever, unless withIdleness idles it
// (emitSourceWatermark).

// wmark is a watermark: an event time as an unsigned number in the same
// order, whose zero value is Long.MIN_VALUE (no watermark yet), so that a
// zero Chunk carries none.
type wmark uint64

const noWatermark wmark = 0

func toWM(t sim.Time) wmark    { return wmark(uint64(t) ^ 1<<63) }
func (w wmark) time() sim.Time { return sim.Time(uint64(w) ^ 1<<63) }

// delays is a source's event-time delay distribution.
type delays struct {
	base    sim.Dist // nil: 0
	share   float64  // of records held back by offline devices
	offline sim.Dist // offline durations
	// xs and fs tabulate the CDF on a log grid (tableFrom to tableTo
	// seconds, tablePerDecade points a decade), for minOf's inverse; empty
	// when the delay is a constant (inverted exactly).
	xs, fs []float64
	atZero float64 // cdf(0): the records with no delay
	// baseQs are the base delay's quantiles at (i+½)/n, for the offline
	// records' delay (the residual plus the base), and offFs that delay's
	// CDF on the grid xs; both empty when the base is nil or a constant
	// (shifted exactly).
	baseQs, offFs []float64
}

const (
	tableFrom, tableTo = 1e-4, 1e7 // seconds: 0.1 ms (watermarks are in ms) to 4 months
	tablePerDecade     = 64        // points: within 4% of x, far finer than a delay distribution is known
)

func newDelays(et *EventTime) *delays {
	if et == nil {
		return nil
	}
	return newDelaysOf(et.Delay, et.OfflineShare, et.Offline)
}

// sourceDelays are a source's delays, then each group's of
// et.PartitionDelays.
func sourceDelays(et *EventTime) []*delays {
	d := []*delays{newDelays(et)}
	for _, pd := range et.PartitionDelays {
		d = append(d, newDelaysOf(pd.Delay, pd.OfflineShare, pd.Offline))
	}
	return d
}

func newDelaysOf(base sim.Dist, share float64, offline sim.Dist) *delays {
	d := &delays{base: base, share: share, offline: offline}
	_, constant := d.base.(sim.Constant)
	if d.share > 0 && d.base != nil && !constant {
		d.baseQs = quantilesOf(d.base, offlineQuantiles)
	}
	d.atZero = d.cdf(0)
	if !constant || d.share > 0 {
		n := int(math.Round(math.Log10(tableTo/tableFrom)*tablePerDecade)) + 1
		d.xs = make([]float64, n)
		for i := range n {
			d.xs[i] = tableFrom * math.Pow(10, float64(i)/tablePerDecade)
		}
		if len(d.baseQs) > 0 {
			off := make([]float64, n) // computed before offlineCDF reads it
			for i, x := range d.xs {
				off[i] = d.offlineCDF(x)
			}
			d.offFs = off
		}
		d.fs = make([]float64, n)
		for i, x := range d.xs {
			d.fs[i] = d.cdf(x)
		}
	}
	return d
}

// cdf is P(delay ≤ x), x in seconds. An offline device's event waits for
// the rest of the offline period R and then the base delay B, as every
// event does: its delay is R + B (offlineCDF).
func (d *delays) cdf(x float64) float64 {
	if x < 0 {
		return 0
	}
	b := 1.0
	if d.base != nil {
		b = sim.CDF(d.base, x)
	}
	if d.share == 0 {
		return b
	}
	return (1-d.share)*b + d.share*d.offlineCDF(x)
}

// offlineQuantiles is how many of the base delay's quantiles stand for it
// in the offline records' delay R + B: the residual's CDF rises at most
// 1/E[offline] a second, so each quantile standing for its 1/n of B errs
// by at most that times B's spread over its 1/n (seconds of delay against
// offline periods of minutes or hours).
const offlineQuantiles = 256

// offlineCDF is P(R + B ≤ x), x in seconds: R the rest of an offline
// period (its equilibrium residual), B the base delay, independent. A nil
// or constant B shifts R exactly; any other is the mean of R's CDF at x
// less each of B's quantiles (baseQs), read from the grid (offFs) once it
// is tabulated, between its points linearly in log x.
func (d *delays) offlineCDF(x float64) float64 {
	switch b := d.base.(type) {
	case nil:
		return sim.ResidualCDF(d.offline, x)
	case sim.Constant:
		return sim.ResidualCDF(d.offline, x-b.V)
	}
	if len(d.offFs) > 0 && x >= tableFrom && x < tableTo {
		f := math.Log10(x/tableFrom) * tablePerDecade
		i := min(int(f), len(d.offFs)-2)
		w := f - float64(i)
		return d.offFs[i] + w*(d.offFs[i+1]-d.offFs[i])
	}
	sum := 0.0
	for _, q := range d.baseQs {
		sum += sim.ResidualCDF(d.offline, x-q)
	}
	return sum / float64(len(d.baseQs))
}

// quantilesOf is dist's quantiles at (i+½)/n, i < n, by bisection of its
// CDF.
func quantilesOf(dist sim.Dist, n int) []float64 {
	qs := make([]float64, n)
	hi := math.Max(dist.Mean(), 1e-9)
	for sim.CDF(dist, hi) < 1-0.5/float64(n) && hi < 1e12 {
		hi *= 2
	}
	for i := range qs {
		target := (float64(i) + 0.5) / float64(n)
		lo, h := 0.0, hi
		for range 100 {
			m := (lo + h) / 2
			if sim.CDF(dist, m) < target {
				lo = m
			} else {
				h = m
			}
		}
		qs[i] = h
	}
	return qs
}

// minOf draws the smallest delay of k records: the x with
// P(delay > x)^k = U, by inverting the tabulated CDF (interpolated
// linearly between its points), or exactly for a constant delay.
func (d *delays) minOf(k int64, r *rand.Rand) float64 {
	u := r.Float64()
	return d.quantile(-math.Expm1(math.Log(u) / float64(k))) // cdf(x) = 1 − U^(1/k)
}

// quantile is the delay x with cdf(x) = target, in seconds.
func (d *delays) quantile(target float64) float64 {
	if d.atZero >= target {
		return 0
	}
	if len(d.xs) == 0 {
		return d.base.(sim.Constant).V
	}
	i := sort.SearchFloat64s(d.fs, target) // the first grid point with F ≥ target
	switch {
	case i == 0:
		return d.xs[0]
	case i == len(d.fs):
		return d.xs[i-1]
	}
	// interpolated linearly between grid points 3.7% apart
	f0, f1 := d.fs[i-1], d.fs[i]
	return d.xs[i-1] + (d.xs[i]-d.xs[i-1])*(target-f0)/(f1-f0)
}

// chunkDelays is the delay of a chunk's records: a mixture of the
// source's (d[0]) and, for the share alt[i] of them, their partition
// group's (d[i+1]).
type chunkDelays struct {
	d   []*delays
	alt [MaxDelayGroups]float32
}

// weights are the shares of the records with each of d.
func (m chunkDelays) weights() (w [1 + MaxDelayGroups]float64) {
	w[0] = 1
	for i, a := range m.alt {
		if a > 0 && i+1 < len(m.d) {
			w[i+1] = float64(a)
			w[0] -= float64(a)
		}
	}
	w[0] = max(w[0], 0)
	return w
}

func (m chunkDelays) cdf(x float64) float64 {
	if m.alt == [MaxDelayGroups]float32{} {
		return m.d[0].cdf(x)
	}
	f := 0.0
	for i, w := range m.weights() {
		if w > 0 {
			f += w * m.d[i].cdf(x)
		}
	}
	return f
}

// fixed is the delay of every record when it is one constant (no
// partition group with delays of its own among the records, none held
// back by offline devices).
func (m chunkDelays) fixed() (sim.Time, bool) {
	if m.alt != [MaxDelayGroups]float32{} {
		return 0, false
	}
	d := m.d[0]
	if d.share > 0 {
		return 0, false
	}
	switch b := d.base.(type) {
	case nil:
		return 0, true
	case sim.Constant:
		return sim.FromSeconds(b.V), true
	}
	return 0, false
}

// pick draws which delays one record has, given that its delay exceeds x
// seconds (x < 0: any): each in proportion to its share of the records
// times P(delay > x).
func (m chunkDelays) pick(x float64, r *rand.Rand) *delays {
	if m.alt == [MaxDelayGroups]float32{} {
		return m.d[0]
	}
	w := m.weights()
	total := 0.0
	for i := range w {
		if w[i] > 0 && x >= 0 {
			w[i] *= 1 - m.d[i].cdf(x)
		}
		total += w[i]
	}
	u := r.Float64() * total
	for i := range w {
		if u < w[i] {
			return m.d[i]
		}
		u -= w[i]
	}
	return m.d[0]
}

// splitTime is one split's watermark generator and idleness timer.
type splitTime struct {
	maxTs      sim.Time // the largest timestamp read
	seen       bool     // a record was read since the reader started
	lastRecord sim.Time // when a record was last read (or the reader started)
	idle       bool
	timer      idlenessTimer
	rng        *rand.Rand
}

// idlenessTimer is WatermarksWithIdleness.IdlenessTimer: checked at every
// periodic emission, it starts at the first check that finds no record
// since the one before, and reports idle once more than the timeout has
// passed since then. So a split goes idle at the first emission more than
// the timeout after the first emission without records, between one and
// two watermark intervals after its last record plus the timeout.
type idlenessTimer struct {
	activity bool     // records since the last check (the counter moved)
	running  bool     // startOfInactivityNanos set
	since    sim.Time // startOfInactivityNanos
}

// checkIfIdle is IdlenessTimer.checkIfIdle at now.
func (t *idlenessTimer) checkIfIdle(now, timeout sim.Time) bool {
	switch {
	case t.activity:
		t.activity, t.running = false, false
		return false
	case !t.running:
		t.running, t.since = true, now
		return false
	}
	return now-t.since > timeout
}

// sawRecords updates split p's largest timestamp with the k records just
// read (their append times end at evHi) and wakes it from idleness.
func (s *Simulation) sawRecords(st *subtask, p *kafkaPartition, k int64, evHi sim.Time) {
	switch {
	case k == 0:
	case p.delays != nil:
		s.sawTimed(st, p, k, evHi)
	default: // a record's timestamp is Kafka's CreateTime: when it was produced
		st.wm.lastEv, st.wm.emitted = evHi, true
	}
	if k > 0 {
		st.wm.lastRead = s.eng.Now()
	}
}

// readerIdling reports whether reader st is idling as Flink's
// SourceOperator tells its metric group (idlingStarted: a poll found
// nothing to emit, or it waits for watermark alignment) rather than
// emitting or backpressured: no split holds a record it may read, or an
// outage keeps it from reading. Its source metrics then count from when it
// started idling, not from now (recorder_time.go).
func (s *Simulation) readerIdling(st *subtask) bool {
	if s.outageBlocks(st) {
		return true
	}
	for _, p := range st.splits {
		if p.lag() > 0 && !p.alignPaused {
			return false
		}
	}
	return true
}

func (s *Simulation) sawTimed(st *subtask, p *kafkaPartition, k int64, evHi sim.Time) {
	d := p.delays
	t := &p.et
	ts := evHi - sim.FromSeconds(d.minOf(k, t.rng))
	if !t.seen || ts > t.maxTs {
		t.maxTs = ts
	}
	t.seen = true
	t.lastRecord = s.eng.Now()
	t.timer.activity = true
	st.wm.lastEv, st.wm.emitted, st.wm.delays = evHi, true, d
	if t.idle {
		t.idle = false
		if s.trace != nil {
			s.tracef("%s: split %d has records again: active; its watermark %s is in the reader's minimum again, which never goes back: while it is behind, the reader's watermark holds",
				st.name(), p.index, t.maxTs-st.t.nodes[0].spec.Kafka.EventTime.OutOfOrderness-sim.Millisecond)
		}
		s.setIdle(st, false)
	}
}

// resetSplitTime starts a split's generator afresh (a reader started or
// restored: watermarks are not part of a checkpoint).
func (p *kafkaPartition) resetSplitTime(now sim.Time) {
	p.et.seen, p.et.idle, p.et.lastRecord, p.et.timer = false, false, now, idlenessTimer{}
}

// watermarkTick is the periodic emission of every reader's watermark.
func (s *Simulation) watermarkTick() {
	now := s.eng.Now()
	for _, st := range s.wmSources {
		if st.dead || st.region.state != regionRunning {
			continue
		}
		s.readBeforeTick(st)
		s.emitSourceWatermark(st, now)
	}
	s.eng.After(s.spec.AutoWatermarkInterval, evWatermark, 0, 0)
}

// readBeforeTick makes an idle reader that waits to fill a step read what
// has arrived, before its watermark is emitted. Flink's SourceReader reads
// continuously, so the periodic watermark (SourceOperator's
// ProgressiveTimestampsAndWatermarks) follows every record that arrived
// before the tick; a reader left waiting for up to chunk-delay would emit
// a staler watermark and put those records behind it instead of ahead.
func (s *Simulation) readBeforeTick(st *subtask) {
	if st.busy || s.spec.Sim.ChunkDelay <= 0 {
		return
	}
	st.catchingUp = true
	s.tryStart(st)
	st.catchingUp = false
}

// emitSourceWatermark marks splits without records for the idleness
// timeout idle and emits the minimum of the others' watermarks when it
// rises. A split holding unread records is not idle: its reader is only
// backpressured (Flink pauses the idleness clock while the source is
// backpressured).
func (s *Simulation) emitSourceWatermark(st *subtask, now sim.Time) {
	et := st.t.nodes[0].spec.Kafka.EventTime
	if len(st.splits) == 0 {
		// CombinedWatermarkStatus.updateCombinedWatermark with no partial
		// watermark changes nothing: no watermark, not idle; the channels
		// from this reader hold Long.MIN_VALUE downstream ("The Kafka Source
		// does not go automatically in an idle state if the parallelism is
		// higher than the number of partitions", the Kafka connector's docs).
		// withIdleness idles it: the main output's generator
		// (ProgressiveTimestampsAndWatermarks.createMainOutput,
		// WatermarksWithIdleness) sees no record for the timeout.
		s.setIdle(st, et.Idleness > 0 && st.wm.timer.checkIfIdle(now, et.Idleness))
		return
	}
	m, active := wmark(math.MaxUint64), false
	for _, p := range st.splits {
		t := &p.et
		if p.lag() > 0 {
			// records it cannot read yet (backpressure): Flink's clock for
			// the timer hides such time, so it does not count to idleness
			t.timer.activity = true
		}
		if et.Idleness > 0 && !t.idle && t.timer.checkIfIdle(now, et.Idleness) {
			t.idle = true
			if s.trace != nil {
				s.tracef("%s: split %d had no record for %s (withIdleness): idle, left out of the reader's watermark", st.name(), p.index, now-t.lastRecord)
			}
		}
		if t.idle {
			continue
		}
		active = true
		w := noWatermark
		if t.seen {
			w = toWM(t.maxTs - et.OutOfOrderness - sim.Millisecond)
		}
		m = min(m, w)
	}
	if !active {
		s.setIdle(st, true)
		return
	}
	s.setIdle(st, false)
	if m > st.wm.out {
		st.wm.out = m
		if s.spec.Network.BufferTimeout == 0 {
			s.flushAll(st) // flushed after every element
		} else {
			s.armFlush(st)
		}
	}
	s.alignOnEmit(st)
}

// deployEventTime gives each source partition its delays, pauses and
// random stream, lists the readers that emit watermarks, and gives every
// window operator subtask its windows (with the delays of the source that
// feeds it).
func (s *Simulation) deployEventTime() {
	bySource := map[*nodeRT][]*delays{} // a source's delays, and its partition groups' own
	for i, kp := range s.kafka {
		src := s.kafkaOwner[i]
		et := src.spec.Kafka.EventTime
		if et == nil {
			continue
		}
		d, ok := bySource[src]
		if !ok {
			d = sourceDelays(et)
			bySource[src] = d
		}
		kp.group = et.delayGroup(int(kp.index))
		kp.delays = d[kp.group]
		kp.et.rng = s.streams.Stream(fmt.Sprintf("eventtime/%s/%d", src.spec.Name, kp.index))
		for _, ps := range et.Pauses {
			if slices.Contains(ps.Partitions, int(kp.index)) {
				kp.pauses = append(kp.pauses, ps)
			}
		}
		slices.SortStableFunc(kp.pauses, func(a, b PartitionPause) int { return cmp.Compare(a.At, b.At) })
	}
	for _, t := range s.tasks {
		head := t.nodes[0]
		if head.spec.Kind == KindSource && head.spec.Kafka != nil && head.spec.Kafka.EventTime != nil {
			s.wmSources = append(s.wmSources, t.subtasks...)
			s.eventTime = true
			for _, st := range t.subtasks {
				st.wm.delays = bySource[head][0]
				st.wm.lagRng = s.streams.Stream(fmt.Sprintf("eventlag/%s/%d", head.spec.Name, st.index))
			}
		}
		for pos, rt := range t.nodes {
			if rt.spec.Window == nil {
				continue
			}
			d := bySource[eventTimeSource(rt)]
			for _, st := range t.subtasks {
				if pos == 0 {
					for _, g := range st.gates {
						for _, c := range g.ch {
							c.apart = true // records far apart in event time stay apart (openbuf.go)
						}
					}
				}
				w := rt.spec.Window
				o := &windowOp{w: w, grid: w.pane(), span: w.Size, panes: 1, every: 1, delays: d, recBytes: rt.inRecordSize, latency: sim.NewHistogram(),
					rng: s.streams.Stream(fmt.Sprintf("windows/%s/%d", rt.spec.Name, st.index))}
				if w.Kind != Session {
					o.offset = gridOffset(w.Offset, s.spec.Epoch, o.grid)
					o.panes, o.every = int64(w.Size/o.grid), int64(w.step()/o.grid)
					o.phase = int64((gridOffset(w.Offset, s.spec.Epoch, w.step()) - o.offset) / o.grid)
				}
				st.ops[pos].win = o
			}
			if rt.spec.Window.Kind == Session {
				s.deploySessions(rt, pos)
			}
		}
	}
}

// eventTimeSource is the source with event time that feeds rt (the
// scenario's validation makes it one).
func eventTimeSource(rt *nodeRT) *nodeRT {
	if rt.spec.Kind == KindSource {
		if rt.spec.Kafka != nil && rt.spec.Kafka.EventTime != nil {
			return rt
		}
		return nil
	}
	up := []*nodeRT{}
	if rt.parent >= 0 {
		up = append(up, rt.task.nodes[rt.parent])
	}
	for _, e := range rt.ins {
		up = append(up, e.from)
	}
	for _, u := range up {
		if src := eventTimeSource(u); src != nil {
			return src
		}
	}
	return nil
}
