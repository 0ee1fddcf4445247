package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/flinksim/flinksim/sim"
	"gonum.org/v1/gonum/stat/distuv"
)

// Event-time windows (WindowOperator with the EventTimeTrigger). Windows lie
// on a grid: window j starts at offset + j·g (g the slide, or the size of a
// tumbling window; TimeWindow.getWindowStartWithOffset) and ends size
// later; a record with timestamp ts is in every window whose [start, end)
// holds it (size/slide of them). With W the operator's watermark:
//   - a window fires, for every key at once, when W ≥ end − 1 ms (its
//     maxTimestamp: the trigger's event-time timer);
//   - its state is purged when W ≥ end − 1 ms + allowed lateness
//     (cleanupTime), and a record for it after that skips it
//     (isWindowLate); a record that skips all its windows is late
//     (isElementLate): to the side output, or dropped
//     (numLateRecordsDropped);
//   - a record for a window that fired but is not purged fires it again at
//     once (an updated result).
//
// A chunk's timestamps are not known one by one: its records were produced
// evenly over [EventLo, EventHi] and each trails that by a delay of the
// source's distribution, so the records falling in each slide of the grid
// are a multinomial draw (sequential binomials) over those slides' shares.

// winRef is one window of a subtask: its records (each record once per
// window it belongs to) and the keys they hold.
type winRef struct {
	records int64
	keys    float64 // distinct keys (expected) among its records
	fired   bool
}

// windowOp is a window operator subtask's windows and counters.
type windowOp struct {
	w        *Window
	recBytes int64 // bytes of a record it buffers
	delays   *delays
	rng      *rand.Rand
	first    int64 // grid index of wins' first window
	wins     []winRef
	// state: bytes held (records or accumulators), and the peak
	bytes, peak float64
	carry       float64 // results owed (keys are expected counts)
	// counters over the run, replays included (record-window pairs for
	// completeness: a sliding window's record counts once per window)
	in, placed, firstFire, refired int64
	sideOutput, dropped            int64
	fires, refires                 int64
	latency                        *sim.Histogram // window end (event time) → its first firing, seconds
	fireSecs                       float64        // CPU seconds spent firing
	stepLate                       int64          // late records of the step in progress
}

// windowStart is TimeWindow.getWindowStartWithOffset: the start of the
// window of size (or slide) size holding ts.
func windowStart(ts, offset, size sim.Time) sim.Time {
	rem := (ts - offset) % size
	if rem < 0 {
		rem += size
	}
	return ts - rem
}

// index is the grid index of the slot [offset + j·g, offset + (j+1)·g)
// holding ts.
func (w *Window) index(ts sim.Time) int64 {
	return int64((windowStart(ts, w.Offset, w.step()) - w.Offset) / w.step())
}

func (w *Window) start(j int64) sim.Time { return w.Offset + sim.Time(j)*w.step() }

// maxTimestamp is window j's end − 1 ms, when it fires.
func (w *Window) maxTimestamp(j int64) sim.Time { return w.start(j) + w.Size - sim.Millisecond }

// cleanupTime is window j's maxTimestamp + allowed lateness, when it is
// purged.
func (w *Window) cleanupTime(j int64) sim.Time { return sim.Add(w.maxTimestamp(j), w.AllowedLateness) }

// text is window j as [start, end).
func (w *Window) text(j int64) string {
	return fmt.Sprintf("[%s, %s)", w.start(j), w.start(j)+w.Size)
}

// at returns window j, adding empty windows up to it.
func (o *windowOp) at(j int64) *winRef {
	if len(o.wins) == 0 {
		o.first = j
	}
	for j < o.first {
		o.wins = append(o.wins, winRef{})
		copy(o.wins[1:], o.wins)
		o.wins[0] = winRef{}
		o.first--
	}
	for j >= o.first+int64(len(o.wins)) {
		o.wins = append(o.wins, winRef{})
	}
	return &o.wins[j-o.first]
}

// assign puts a step's n records (chunk c) into their windows under
// watermark w. It returns the CPU elements the immediate re-firings
// handle and the results they emit.
func (s *Simulation) assign(st *subtask, rt *nodeRT, o *windowOp, n int64, c *Chunk, w wmark) float64 {
	win := o.w
	o.in += n
	g := win.step()
	k := win.Windows()
	left, mass := n, 1.0
	elements := 0.0
	d := o.delays
	if c.Exact {
		d = exactTimes // a window operator's results
	}
	for b := win.index(c.EventHi); left > 0 && mass > 1e-12; b-- {
		if w != noWatermark && win.cleanupTime(b) <= w.time() {
			break // this slot's windows and every older one are purged: the rest is late
		}
		p := slotShare(d, c, win.start(b), g)
		got := int64(0)
		if p >= mass {
			got = left
		} else if p > 0 {
			got = int64(distuv.Binomial{N: float64(left), P: p / mass, Src: o.rng}.Rand())
		}
		left -= got
		mass -= p
		if got == 0 {
			continue
		}
		o.placed += got // its newest window is not purged
		for j := b - k + 1; j <= b; j++ {
			if w != noWatermark && win.cleanupTime(j) <= w.time() {
				continue // isWindowLate: skipped for this window
			}
			elements += s.addToWindow(st, rt, o, j, got, w)
		}
	}
	o.stepLate = left
	if left > 0 {
		to := "dropped (numLateRecordsDropped)"
		if win.SideOutput {
			o.sideOutput += left
			to = "sent to the side output"
		} else {
			o.dropped += left
		}
		if s.trace != nil {
			s.tracef("%s: %d record(s) late for every window they belong to (watermark %s ≥ their window's end − 1ms + allowed lateness %s): %s",
				st.name(), left, w.time(), win.AllowedLateness, to)
		}
	}
	return elements
}

// exactTimes is the delay of records whose timestamps are known: none.
var exactTimes = &delays{}

// slotShare is the share of chunk c's records whose timestamps fall in
// [a, a+g): P(e − a − g < delay ≤ e − a), averaged over production times e
// spread over the chunk (a few points when it spans more than a sixteenth
// of g).
func slotShare(d *delays, c *Chunk, a, g sim.Time) float64 {
	span := c.EventHi - c.EventLo
	points := int64(1)
	if span > g/16 {
		points = min(8, 1+int64(span/(g/16)))
	}
	total := 0.0
	for i := int64(0); i < points; i++ {
		e := c.EventLo + sim.Time((float64(i)+0.5)/float64(points)*float64(span))
		total += d.cdf((e - a).Seconds()) - d.cdf((e - a - g).Seconds())
	}
	return math.Max(0, total/float64(points))
}

// addToWindow adds got records to window j. A window the watermark has
// passed fires again at once, once per record (or for the first time, if
// this is its first record). It returns the elements the firings handle.
func (s *Simulation) addToWindow(st *subtask, rt *nodeRT, o *windowOp, j int64, got int64, w wmark) float64 {
	win := o.w
	r := o.at(j)
	oldKeys := r.keys
	r.records += got
	r.keys = rt.distinctKeys(st.index, r.records)
	s.growWindowState(o, got, r.keys-oldKeys)
	if w == noWatermark || win.maxTimestamp(j) > w.time() {
		return 0
	}
	// Late but within the allowed lateness: the trigger fires at once.
	elements := float64(got)
	if win.Buffering && r.keys > 0 {
		elements = float64(got) * float64(r.records) / r.keys // the key's records, again
	}
	if s.trace != nil {
		s.tracef("%s: %d record(s) for window %s after the watermark %s passed its end − 1ms, within the allowed lateness: it fires again at once",
			st.name(), got, win.text(j), w.time())
	}
	if !r.fired {
		r.fired = true
		o.fires++
		o.latency.Add(max(0, (s.eng.Now()-(win.start(j)+win.Size)).Seconds()), float64(got))
		o.firstFire += got
	} else {
		o.refired += got
		o.refires += got
	}
	o.carry += float64(got)
	return elements
}

// growWindowState adds what got records put into a window's state: every
// record (a ProcessWindowFunction's ListState) or new keys' accumulators.
func (s *Simulation) growWindowState(o *windowOp, got int64, newKeys float64) {
	if o.w.Buffering {
		o.bytes += float64(got * o.recBytes)
	} else {
		o.bytes += newKeys * float64(o.w.AccumulatorSize)
	}
	o.peak = max(o.peak, o.bytes)
}

// fireWindows fires every window the watermark w has reached and purges
// those past their cleanup time. It returns the elements the window
// function handles.
func (s *Simulation) fireWindows(st *subtask, o *windowOp, w wmark) float64 {
	win := o.w
	now := s.eng.Now()
	elements := 0.0
	for i := range o.wins {
		j := o.first + int64(i)
		if win.maxTimestamp(j) > w.time() {
			break
		}
		r := &o.wins[i]
		if r.fired || r.records == 0 {
			continue
		}
		r.fired = true
		o.fires++
		o.latency.Add(max(0, (now-(win.start(j)+win.Size)).Seconds()), float64(r.records))
		o.firstFire += r.records
		o.carry += r.keys // one result per key
		if s.trace != nil {
			s.tracef("%s: watermark %s ≥ %s, the end − 1ms of window %s: it fires for its %.0f key(s), %d record(s)",
				st.name(), w.time(), win.maxTimestamp(j), win.text(j), r.keys, r.records)
		}
		if win.Buffering {
			elements += float64(r.records)
		} else {
			elements += r.keys
		}
	}
	for len(o.wins) > 0 && win.cleanupTime(o.first) <= w.time() {
		r := o.wins[0]
		if s.trace != nil && r.records > 0 {
			s.tracef("%s: watermark %s ≥ %s, the cleanup time of window %s (end − 1ms + allowed lateness %s): its state is purged",
				st.name(), w.time(), win.cleanupTime(o.first), win.text(o.first), win.AllowedLateness)
		}
		if win.Buffering {
			o.bytes -= float64(r.records) * float64(o.recBytes)
		} else {
			o.bytes -= r.keys * float64(win.AccumulatorSize)
		}
		o.wins = o.wins[1:]
		o.first++
	}
	if len(o.wins) == 0 {
		o.bytes = 0 // no rounding left behind
	}
	return elements
}

// stepWatermark ends a step's input: the subtask's watermark rises to what
// its channels carried, a window operator fires what that makes due, and
// its results (firings and re-firings) become the step's output. It
// returns the firings' CPU seconds.
func (s *Simulation) stepWatermark(st *subtask) float64 {
	rose := s.advanceWatermark(st)
	pos := len(st.ops) - 1 // a window operator ends its chain
	op := &st.ops[pos]
	o := op.win
	if o == nil {
		return 0
	}
	secs := 0.0
	if rose {
		secs = s.fireSeconds(op, s.fireWindows(st, o, st.wm.out))
	}
	k := int64(o.carry)
	o.carry -= float64(k)
	st.nout[pos] = k
	now := s.eng.Now()
	// Results carry their window's maxTimestamp exactly (at most the
	// watermark that fired them), and the watermark after them.
	st.winOut = Chunk{Records: k, CreatedLo: now, CreatedHi: now, Partition: -1, WM: st.wm.out, Exact: true}
	if st.wm.out != noWatermark {
		st.winOut.EventLo, st.winOut.EventHi = st.wm.out.time(), st.wm.out.time()
	}
	return secs
}

// fireSeconds is the CPU time of the window function over n elements.
func (s *Simulation) fireSeconds(op *opState, n float64) float64 {
	o := op.win
	if n <= 0 || o.w.FireCost == nil {
		return 0
	}
	secs := o.w.FireCost.SumOf(int64(math.Round(n)), op.rng)
	o.fireSecs += secs
	return secs
}

// eventGap is how far apart in event time records may be and still share
// a step: the simulator's time resolution (chunk-delay) or the watermark
// interval, whichever is longer.
func (s *Simulation) eventGap() sim.Time {
	return max(s.spec.Sim.ChunkDelay, s.spec.AutoWatermarkInterval)
}

// eventNear reports whether chunk b's production times lie within the
// event gap of a's.
func (s *Simulation) eventNear(a, b *Chunk) bool {
	g := s.eventGap()
	return b.EventLo <= a.EventHi+g && b.EventHi >= a.EventLo-g
}

// windowSnap is a window operator's windows in a checkpoint (their state
// and, with fired, their timers).
type windowSnap struct {
	first int64
	wins  []winRef
	bytes float64
}

func (o *windowOp) snapshot() *windowSnap {
	return &windowSnap{first: o.first, wins: slices.Clone(o.wins), bytes: o.bytes}
}

// restore puts back the windows of a checkpoint (nil: none). Results owed
// by the failed attempt are lost with it.
func (o *windowOp) restore(snap *windowSnap) {
	o.wins, o.first, o.bytes, o.carry = nil, 0, 0, 0
	if snap != nil {
		o.wins, o.first, o.bytes = slices.Clone(snap.wins), snap.first, snap.bytes
	}
}
