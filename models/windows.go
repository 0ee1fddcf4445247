package models

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/flinksim/flinksim/sim"
	"gonum.org/v1/gonum/stat/distuv"
)

// Event-time windows (WindowOperator with the EventTimeTrigger). Records are
// placed in cells of a grid: cell j starts at offset + j·g, g the pane
// (Window.pane: a tumbling window's size; for sliding windows the greatest
// common divisor of the size and the slide; TimeWindow.
// getWindowStartWithOffset, on the Unix epoch: gridOffset). A window starts
// at every cell whose start is on the slide's grid (every cell unless the
// size is not a multiple of the slide) and ends size later; a record with
// timestamp ts is in every window whose [start, end) holds it (size/slide
// of them, or the nearest whole numbers either side). A size shorter than
// the slide leaves cells between windows: SlidingEventTimeWindows.
// assignWindows gives their records no window, and WindowOperator.
// processElement drops them without a metric unless they are late
// (isSkippedElement and isElementLate). With W the operator's watermark:
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
	w *Window
	// grid is the slots' width: the pane (Window.pane), or a session
	// slot; span is a window's length from its slot's start (the size; a
	// session slot's width)
	grid, span sim.Time
	// A window spans panes slots, and one starts every every slots, at
	// those whose index is phase modulo every (both 1 and phase 0 unless
	// a sliding window's size is not a multiple of its slide).
	panes, every, phase int64
	// offset is the grid's in virtual time: the window's offset less the
	// epoch's (Spec.Epoch; gridOffset)
	offset   sim.Time
	sess     *sessionGrid // session windows' placement (nil: none)
	recBytes int64        // bytes of a record it buffers
	delays   []*delays    // the source's, and its partition groups' own (eventtime.go)
	rng      *rand.Rand
	first    int64 // grid index of wins' first window
	wins     []winRef
	// state: bytes held (records or accumulators), and the peak
	bytes, peak float64
	carry       float64 // results owed (keys are expected counts)
	// the windows whose results are owed, for their timestamps, by the
	// kind of firing, whose results leave as separate pieces
	// (windowresults.go): on time (the watermark reached the window) and
	// at once for a late record (lateCarry of the results owed are theirs)
	onTime, late owedWindows
	lateCarry    float64
	// counters over the run, replays included (record-window pairs for
	// completeness: a sliding window's record counts once per window)
	in, placed, firstFire, refired int64
	// pairs: record-window pairs of the records placed in slots, every
	// window holding the slot counted (those a late record skipped too):
	// a sliding window's size that is not a multiple of its slide puts a
	// record in ⌈size/slide⌉ or ⌊size/slide⌋ windows, by its timestamp
	pairs               int64
	sideOutput, dropped int64
	// between: records placed in cells between two windows (a sliding
	// window shorter than its slide), in none, not late: dropped silently;
	// skipped: pairs of records placed in a sliding window that was purged
	// (isWindowLate) while a later one of theirs was not: the record joins
	// those only, silently
	between, skipped int64
	// rolledBack: pairs in windows a restore discarded before they fired
	// (their records are read again); reopened: pairs a restore put back
	// unfired in windows that had fired after the checkpoint (they fire,
	// and count in firstFire, a second time). Placed pairs are then
	// firstFire + refired − reopened + rolledBack + those unfired at the end
	rolledBack, reopened int64
	fires, refires       int64
	sessionsFired        float64 // sessions' first firings (session windows)
	// forever: records of sessions that end after the run, and those
	// sessions (session windows: kept, never fired)
	forever         int64
	foreverSessions float64
	latency         *sim.Histogram // window end (event time) → its first firing, seconds
	fireSecs        float64        // CPU seconds spent firing
	stepLate        int64          // late records of the step in progress
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
	o.in += n
	d := chunkDelays{d: o.delays, alt: c.Alt}
	if c.Exact {
		d = chunkDelays{d: exactDelays} // a window operator's results
	}
	var elements float64
	var late int64
	if o.sess != nil && n <= sessionOneByOne {
		elements, late = s.placeSessionRecords(st, rt, o, n, c, d, w)
	} else {
		elements, late = s.placeBySlots(st, rt, o, n, c, d, w)
	}
	o.stepLate = late
	if late > 0 {
		to := "dropped (numLateRecordsDropped)"
		if o.w.SideOutput {
			o.sideOutput += late
			to = "sent to the side output"
		} else {
			o.dropped += late
		}
		if s.trace != nil {
			s.tracef("%s: %d record(s) late for every window they belong to (watermark %s ≥ their window's end − 1ms + allowed lateness %s): %s",
				st.name(), late, w.time(), o.w.AllowedLateness, to)
		}
	}
	return elements
}

// placeBySlots draws how many of the n records fall in each slot of
// timestamps, newest first (sequential binomials), and puts them in their
// windows. It returns the re-firings' elements and the late records.
func (s *Simulation) placeBySlots(st *subtask, rt *nodeRT, o *windowOp, n int64, c *Chunk, d chunkDelays, w wmark) (elements float64, late int64) {
	left, mass := n, 1.0
	head := o.index(c.EventHi)
	for b := head; left > 0 && mass > 1e-12; b-- {
		if w != noWatermark && o.lateFrom(b) <= w.time() {
			break // this slot's windows and every older one are purged: the rest is late
		}
		if o.sess != nil && head-b >= sessionHeadSlots {
			el, l := s.placeSessionTail(st, rt, o, left, c, d, o.start(b+1), w)
			return elements + el, late + l
		}
		if cut, ok := o.partlyLate(b, w); ok {
			// Between two windows, the records from cut on are not late
			// (in none: dropped); the rest, and every older slot's, are.
			got := o.drawSlot(left, slotShare(d, c, cut, o.start(b+1)-cut), mass)
			o.placed += got
			o.between += got
			left -= got
			break
		}
		p := slotShare(d, c, o.start(b), o.grid)
		got := o.drawSlot(left, p, mass)
		left -= got
		mass -= p
		if got == 0 {
			continue
		}
		if o.sess != nil {
			e, l := s.placeSessions(st, rt, o, b, got, w)
			elements += e
			late += l
			continue
		}
		o.placed += got // its newest window is not purged
		if o.gap(b) {
			o.between += got // in no window, and not late
			if s.trace != nil {
				s.tracef("%s: %d record(s) in [%s, %s), between two windows: in none, dropped (no metric)", st.name(), got, o.start(b), o.start(b+1))
			}
			continue
		}
		for j := b - o.panes + 1; j <= b; j++ {
			if !o.isWindow(j) {
				continue
			}
			o.pairs += got
			if w != noWatermark && o.cleanupTime(j) <= w.time() {
				o.skipped += got
				continue // isWindowLate: skipped for this window
			}
			elements += s.addToWindow(st, rt, o, j, got, -1, w)
		}
	}
	if o.sess != nil {
		left = s.lateOrForever(o, left)
	}
	return elements, late + left
}

// drawSlot is how many of left records fall in a slot of share p of the
// mass left: a binomial draw, all of them when p is the whole mass.
func (o *windowOp) drawSlot(left int64, p, mass float64) int64 {
	if p >= mass {
		return left
	}
	if p <= 0 {
		return 0
	}
	return int64(distuv.Binomial{N: float64(left), P: p / mass, Src: o.rng}.Rand())
}

// open is the windows holding state: grid windows, or a session
// operator's sessions (expected).
func (o *windowOp) open() float64 {
	if o.sess == nil && o.every == 1 {
		return float64(len(o.wins))
	}
	if o.sess == nil {
		n := 0
		for j := o.first; j < o.first+int64(len(o.wins)); j++ {
			if o.isWindow(j) {
				n++
			}
		}
		return float64(n)
	}
	n := o.foreverSessions
	for _, r := range o.wins {
		n += r.keys
	}
	return n
}

// exactTimes is the delay of records whose timestamps are known: none.
var exactTimes = &delays{}

var exactDelays = []*delays{exactTimes}

// slotShare is the share of chunk c's records whose timestamps fall in
// [a, a+g): P(e − a − g < delay ≤ e − a), averaged over production times e
// spread over the chunk. With a constant delay v and several records
// (their timestamps spread evenly over [EventLo − v, EventHi − v]) it is
// that range's overlap with the slot; else the average is over a few
// points (more when the chunk spans more than a sixteenth of g), which
// would put a chunk straddling a slot's edge whole on the side of its
// midpoint under a constant delay. One record (exact mode) is one point,
// its range's midpoint, not a draw.
func slotShare(d chunkDelays, c *Chunk, a, g sim.Time) float64 {
	span := c.EventHi - c.EventLo
	if v, ok := d.fixed(); ok && span > 0 && c.Records > 1 {
		lo, hi := c.EventLo-v, c.EventHi-v
		return math.Max(0, float64(min(hi, a+g)-max(lo, a))/float64(span))
	}
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

// addToWindow adds got records to window j, which are the first records
// of sessions sessions (< 0: not session windows; its keys are the
// distinct keys among its records). A window the watermark has passed
// fires again at once, once per record (or for the first time, if this is
// its first record). It returns the elements the firings handle.
func (s *Simulation) addToWindow(st *subtask, rt *nodeRT, o *windowOp, j int64, got int64, sessions float64, w wmark) float64 {
	win := o.w
	r := o.at(j)
	oldKeys := r.keys
	r.records += got
	if sessions < 0 {
		r.keys = rt.distinctKeys(st.index, r.records)
	} else {
		r.keys += sessions
	}
	s.growWindowState(o, got, r.keys-oldKeys)
	if w == noWatermark || o.maxTimestamp(j) > w.time() {
		return 0
	}
	// Late but within the allowed lateness: the trigger fires at once.
	elements := float64(got)
	if win.Buffering && r.keys > 0 {
		elements = float64(got) * float64(r.records) / r.keys // the key's records, again
	}
	if s.trace != nil {
		s.tracef("%s: %d record(s) for %s after the watermark %s passed its end − 1ms, within the allowed lateness: it fires again at once",
			st.name(), got, o.text(j), w.time())
	}
	if !r.fired {
		r.fired = true
		o.fires++
		o.sessionsFired += r.keys
		o.latency.Add(max(0, (s.eng.Now()-o.end(j)).Seconds()), float64(got))
		o.firstFire += got
	} else {
		o.refired += got
		o.refires += got
	}
	o.carry += float64(got)
	o.late.add(j)
	o.lateCarry += float64(got)
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
		if o.maxTimestamp(j) > w.time() {
			break
		}
		r := &o.wins[i]
		if r.fired || r.records == 0 {
			continue
		}
		r.fired = true
		o.fires++
		o.sessionsFired += r.keys
		o.latency.Add(max(0, (now-o.end(j)).Seconds()), float64(r.records))
		o.firstFire += r.records
		o.carry += r.keys // one result per key
		o.onTime.add(j)
		if s.trace != nil {
			s.tracef("%s: watermark %s ≥ %s, the end − 1ms of %s: it fires for its %s, %d record(s)",
				st.name(), w.time(), o.maxTimestamp(j), o.text(j), o.keysText(r.keys), r.records)
		}
		if win.Buffering {
			elements += float64(r.records)
		} else {
			elements += r.keys
		}
	}
	for len(o.wins) > 0 && o.cleanupTime(o.first) <= w.time() {
		r := o.wins[0]
		if s.trace != nil && r.records > 0 {
			s.tracef("%s: watermark %s ≥ %s, the cleanup time of %s (end − 1ms + allowed lateness %s): its state is purged",
				st.name(), w.time(), o.cleanupTime(o.first), o.text(o.first), win.AllowedLateness)
		}
		if win.Buffering {
			o.bytes -= float64(r.records) * float64(o.recBytes)
		} else {
			o.bytes -= r.keys * float64(win.AccumulatorSize)
		}
		o.wins = o.wins[1:]
		o.first++
	}
	if len(o.wins) == 0 && o.forever == 0 {
		o.bytes = 0 // no rounding left behind
	}
	return elements
}

// stepWatermark ends the window operator's input of a step (the operator
// at pos): the subtask's watermark rises to what its channels carried, the
// operator fires what that makes due, and its results (firings and
// re-firings) are its output, for the operators chained to it
// (WindowOperator chains as ChainingStrategy.ALWAYS) or its network
// outputs. It returns the firings' CPU seconds. before is the CPU seconds
// of the step's records: the watermark follows them, so its firings, and
// the results' creation that end-to-end latency counts from, come after
// them (a step of many records stamped at its start counted their
// processing as the results' wait).
func (s *Simulation) stepWatermark(st *subtask, pos int, before float64) float64 {
	rose := s.advanceWatermark(st)
	op := &st.ops[pos]
	o := op.win
	secs := 0.0
	if rose {
		secs = s.fireSeconds(op, s.fireWindows(st, o, st.wm.out))
	}
	k := int64(o.carry)
	o.carry -= float64(k)
	st.nout[pos] = k
	fired := sim.Add(s.eng.Now(), sim.FromSeconds(before*st.slow))
	// Results carry the timestamps of their windows (splitResults), at
	// most the watermark that fired them, and the watermark after them.
	st.winOut = Chunk{Records: k, CreatedLo: fired, CreatedHi: fired, Partition: -1, WM: st.wm.out, Exact: true}
	if st.wm.out != noWatermark {
		st.winOut.EventLo, st.winOut.EventHi = st.wm.out.time(), st.wm.out.time()
	}
	o.splitResults(st, k)
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
	first           int64
	wins            []winRef
	bytes           float64
	forever         int64
	foreverSessions float64
}

func (o *windowOp) snapshot() *windowSnap {
	return &windowSnap{first: o.first, wins: slices.Clone(o.wins), bytes: o.bytes, forever: o.forever, foreverSessions: o.foreverSessions}
}

// restore puts back the windows of a checkpoint (nil: none). Results owed
// by the failed attempt are lost with it.
func (o *windowOp) restore(snap *windowSnap) {
	before := o.unfired()
	reopened := o.reopenedBy(snap)
	defer func() {
		o.reopened += reopened
		o.rolledBack += before - (o.unfired() - reopened)
	}()
	o.wins, o.first, o.bytes, o.carry, o.forever, o.foreverSessions = nil, 0, 0, 0, 0, 0
	o.onTime, o.late, o.lateCarry = owedWindows{}, owedWindows{}, 0
	if snap != nil {
		o.wins, o.first, o.bytes = slices.Clone(snap.wins), snap.first, snap.bytes
		o.forever, o.foreverSessions = snap.forever, snap.foreverSessions
	}
}

// reopenedBy counts the pairs of snap's unfired windows that have fired
// since (fired, or purged after firing): restored, they fire again.
func (o *windowOp) reopenedBy(snap *windowSnap) int64 {
	if snap == nil {
		return 0
	}
	var n int64
	for i, r := range snap.wins {
		if r.fired || r.records == 0 {
			continue
		}
		j := snap.first + int64(i)
		if j < o.first || (j < o.first+int64(len(o.wins)) && o.wins[j-o.first].fired) {
			n += r.records
		}
	}
	return n
}

// unfired counts the pairs in windows that have not fired (sessions kept
// past the run's end included).
func (o *windowOp) unfired() int64 {
	n := o.forever
	for _, r := range o.wins {
		if !r.fired {
			n += r.records
		}
	}
	return n
}

// stepOut is what the step's outputs stem from: the records it took, or
// in a chain headed by a window operator the window's results.
func (s *Simulation) stepOut(st *subtask) *Chunk {
	if st.ops[0].win != nil {
		return &st.winOut
	}
	return &st.cur
}
