package models

import (
	"math"
	"math/rand/v2"

	"github.com/flinksim/flinksim/sim"
)

// run is a stretch of records appended to a Kafka partition: N records created
// between Lo and Hi, readable from Ready on, starting at Offset.
type run struct {
	N      int64
	Lo, Hi sim.Time
	Ready  sim.Time
	Offset int64
	// EvLo and EvHi are when the records were produced: Lo and Hi, except
	// for what a paused producer held back (eventtime.go).
	EvLo, EvHi sim.Time
}

// tickCutsPerRun bounds how often watermark ticks cut a run: at most this
// many cuts in the span a run would have without them, so that a tiny
// pipeline.auto-watermark-interval (1 ms) does not make runs of a record
// or two and cost what exact mode costs. Not Flink's: the simulator's cost
// bound, which leaves the watermark staler than Flink's by up to an eighth
// of that span (a chunk-delay at most) when the interval is shorter.
const tickCutsPerRun = 8

// kafkaPartition is one partition of a source topic. Arrivals are generated
// lazily, only when a reader or a metric sample looks, so a partition nobody
// reads costs nothing per record. The log keeps unread records and, for
// replay after a failure, read records back to the retained offset (the last
// completed checkpoint's). When it holds more runs than maxRuns, neighbouring
// runs are merged, so a backlog of any size costs bounded memory (at the
// price of coarser creation times for old records).
type kafkaPartition struct {
	index   int32
	gidx    int // index in Simulation.kafka
	rate    RateProfile
	share   float64 // this partition's fraction of the topic's rate
	poisson bool
	rng     *rand.Rand

	window sim.Time // chunk-delay: how long one run may span (0 = one record per run)
	// tick: with event time, pipeline.auto-watermark-interval; a run its
	// reader keeps up with ends at the next tick (0: none)
	tick  sim.Time
	chunk int64 // target records per run
	// room: with event time, its share of what its reader's output
	// absorbs at once (splitRooms); 0: unbounded
	room int64
	// horizon: the end of the run; arrivals come up to it, one at it
	// included (solve), in every mode
	horizon sim.Time

	genTo   sim.Time // arrivals before genTo are generated
	carry   float64  // deterministic arrivals: fraction of a record owed
	next    run      // the first generated run not yet ready
	hasNext bool

	log      ring[run]
	readIdx  int   // index in log of the run holding offset read
	appended int64 // records readable (ready) so far: the end offset
	backlog  int64 // of appended, the initial backlog (prefill)
	read     int64 // the reader's position (offset of the next record)
	readAll  int64 // records read in all, replays included
	retained int64 // offset from which read records are kept for replay
	keepRead bool  // keep read records (the job can fail over)
	poison   int64 // offset of a record that fails its reader (-1: none; outages.go)
	poisonBy int   // the injected failure that put it there
	maxRuns  int

	// event time (nil delays: none; eventtime.go)
	delays *delays
	group  int // its group in EventTime.PartitionDelays, from 1 (0: none)
	et     splitTime
	evHi   sim.Time         // the latest production time of the last take
	pauses []PartitionPause // this partition's pauses, in time order, the past ones removed
	// alignPaused: watermark alignment paused it (alignment.go)
	alignPaused bool

	// sampledEnd: the records produced to the partition (its log end
	// offset less the initial backlog) at the last metric sample
	sampledEnd int64
	// fetched: at the end of the run, the records of the step a reader
	// keeping up was gathering (endRun), readable, not yet read by the job
	fetched int64
	// recLag: its records-lag as its reader's consumer last recorded it
	// (pendingrecords.go)
	recLag recordsLag
}

func (p *kafkaPartition) lambda(t sim.Time) float64 { return p.share * p.rate.Rate(t) }

func (p *kafkaPartition) integral(a, b sim.Time) float64 { return p.share * p.rate.Integral(a, b) }

// solve returns the first t ≥ a with Λ(a, t) ≥ x, or sim.Never if that is
// after the horizon. An arrival at the horizon itself comes: deterministic
// arrivals at k/R for k = 1, 2, … are R·T by the end T, the last at T, as a
// run of steps counts them (count(Λ) whole records up to the horizon), and
// the engine runs every event up to and including the end.
func (p *kafkaPartition) solve(a sim.Time, x float64) sim.Time {
	if c, ok := p.rate.(ConstantRate); ok {
		l := p.share * float64(c)
		if l <= 0 {
			return sim.Never
		}
		t := sim.Add(a, sim.FromSeconds(x/l))
		if t > p.horizon {
			return sim.Never
		}
		return t
	}
	lo, hi := a, a+sim.Millisecond
	for p.integral(a, hi) < x {
		if hi >= p.horizon { // Λ(a, horizon) < x
			return sim.Never
		}
		lo, hi = hi, min(sim.Add(hi, hi-a), p.horizon) // a + 2(hi−a), saturating
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if p.integral(a, mid) >= x {
			hi = mid
		} else {
			lo = mid
		}
	}
	if hi > p.horizon {
		return sim.Never
	}
	return hi
}

// generate produces the next run after genTo into p.next. It returns false
// when no more records arrive by the horizon.
func (p *kafkaPartition) generate() bool {
	p.noteFetched() // before p.next changes (nextReady generates too)
	// The first arrival inverts the cumulative rate, which is exact for any
	// profile: an Exp(1) amount of it for Poisson arrivals, or whatever part of
	// a record is still owed for deterministic ones.
	need := 1 - p.carry
	if p.poisson {
		need = p.rng.ExpFloat64()
	}
	t1 := p.solve(p.genTo, need)
	if t1 == sim.Never {
		p.genTo = p.horizon
		return false
	}
	p.carry = 0
	if len(p.pauses) > 0 && p.pausedRun(t1) { // the check inlined: once per record in exact mode
		return p.hasNext || p.generate()
	}
	n, end, ready := int64(1), t1, t1
	if p.window > 0 {
		// Gather what else arrives within the chunk delay, up to about a chunk.
		w := p.window
		if l := p.lambda(t1); l > 0 {
			w = min(w, sim.FromSeconds(float64(p.chunk)/l))
			if p.room > 0 {
				// No more than its share of what its reader's output
				// takes at once: Flink's reader reads records as they
				// arrive, so a tick follows all that arrived before it;
				// runs larger than the reader can write at once would
				// leave some unread at the tick (readBeforeTick), and the
				// watermark an interval staler.
				w = min(w, max(sim.FromSeconds(float64(p.room)/l), 1))
			}
		}
		// A reader far behind will read these records much later: they need
		// creation times no finer than 1/256 of its lag (what compaction
		// would leave of them anyway), and fewer, longer runs are cheaper.
		behind := sim.Time(0)
		if p.readIdx < p.log.Len() {
			behind = t1 - p.log.At(p.readIdx).Lo
			w = max(w, min(behind/256, 10*sim.Second))
		}
		natural := sim.Add(t1, max(w, 1))
		if p.tick > 0 && behind/256 < p.tick {
			natural = min(natural, p.tickEnd(t1, w))
		}
		end = min(natural, p.horizon)
		if len(p.pauses) > 0 {
			end = min(end, p.pauses[0].At)
		}
		n += p.count(p.integral(t1, end))
		// A run is readable (and appended) once its window has passed; the
		// lag gauge counts what of it was produced by a sample (pending),
		// and the end of the simulation appends all of it that arrived
		// (endRun): a run the horizon cuts is readable only after it.
		ready = end
		if natural > p.horizon {
			ready = natural
		}
	}
	hi := t1
	if n > 1 {
		hi = end
	}
	// Field by field, as advance copies it (a whole-run store and load
	// stall on the store buffer, once per record in exact mode).
	nx := &p.next
	nx.N, nx.Lo, nx.Hi, nx.Ready, nx.Offset, nx.EvLo, nx.EvHi = n, t1, hi, ready, 0, t1, hi
	p.hasNext = true
	p.genTo = end
	return true
}

// tickEnd is when a run from t1 of span w ends with event time: at a
// watermark tick, so that the tick follows every record that arrived
// before it, as Flink's reader, reading continuously, has taken them by
// then (readBeforeTick). generate asks only for a reader whose runs are
// shorter than a tick (one far behind has longer runs anyway). A record that arrives at
// a tick is read before it, as record by record (the reader's wake and the
// tick at one instant): alone, readable then, not in a run readable after
// the tick (deterministic arrivals on the interval's grid, 10/s against
// 200 ms).
func (p *kafkaPartition) tickEnd(t1, w sim.Time) sim.Time {
	g := p.tick * max(1, (w/tickCutsPerRun+p.tick-1)/p.tick)
	if t1%g == 0 {
		return t1
	}
	return (t1/g + 1) * g
}

// count is the records of an interval with mean mu after its first: a
// Poisson count, or the whole records owed.
func (p *kafkaPartition) count(mu float64) int64 {
	if p.poisson {
		return sim.Poisson(mu, p.rng)
	}
	whole := math.Floor(mu)
	p.carry = mu - whole
	return int64(whole)
}

// pausedRun: when the next arrival t1 falls in a pause of the partition's
// producers, what they produce from t1 to the pause's end is appended at
// its end as one run with its production times (or dropped). It reports
// whether it took t1.
func (p *kafkaPartition) pausedRun(t1 sim.Time) bool {
	for len(p.pauses) > 0 && sim.Add(p.pauses[0].At, p.pauses[0].For) <= t1 {
		p.pauses = p.pauses[1:] // over before the next arrival: nothing held back
	}
	if len(p.pauses) == 0 || t1 < p.pauses[0].At {
		return false
	}
	ps := p.pauses[0]
	p.pauses = p.pauses[1:]
	end := sim.Add(ps.At, ps.For)
	n := 1 + p.count(p.integral(t1, min(end, p.horizon)))
	p.genTo = min(end, p.horizon)
	if !ps.Drop {
		p.next = run{N: n, Lo: end, Hi: end, Ready: end, EvLo: t1, EvHi: end}
		p.hasNext = true
	}
	return true
}

// advance makes every run that is ready at now readable, and keeps the next
// future run in p.next so that callers know when to look again.
func (p *kafkaPartition) advance(now sim.Time) {
	p.noteFetched() // before anything a note reads changes
	for {
		if !p.hasNext && !p.generate() {
			return
		}
		if p.next.Ready > now {
			return
		}
		nx := &p.next
		nx.Offset = p.appended
		// Field by field: copying the whole run loads 16 bytes at a time
		// what was just stored 8 at a time, which the CPU cannot forward
		// from its store buffer (a stall per record in exact mode).
		r := p.log.PushSlot()
		r.N, r.Lo, r.Hi, r.Ready, r.Offset, r.EvLo, r.EvHi = nx.N, nx.Lo, nx.Hi, nx.Ready, nx.Offset, nx.EvLo, nx.EvHi
		p.appended += p.next.N
		p.hasNext = false
		if p.log.Len() >= p.maxRuns { // before the ring would grow
			p.compact()
		}
	}
}

// kafkaMaxRuns is the most runs a partition's log holds before it merges
// neighbours: 2^18 runs for a source's partitions together, at least 256
// each.
func kafkaMaxRuns(partitions int) int { return max(256, (1<<18)/max(partitions, 1)) }

// nextReady is when the next run becomes readable (sim.Never if none).
func (p *kafkaPartition) nextReady() sim.Time {
	if p.lag() > 0 {
		return 0
	}
	if !p.hasNext {
		return sim.Never
	}
	return p.next.Ready
}

// compact merges neighbouring runs pairwise, halving the log.
func (p *kafkaPartition) compact() {
	n := p.log.Len()
	var merged ring[run]
	for i := 0; i < n; i += 2 {
		a := *p.log.At(i)
		if i+1 < n {
			b := p.log.At(i + 1)
			a.N += b.N
			a.Hi = b.Hi
			a.Ready = b.Ready
			a.EvLo, a.EvHi = min(a.EvLo, b.EvLo), max(a.EvHi, b.EvHi)
		}
		merged.Push(a)
	}
	p.log = merged
	p.seek(p.read)
}

// seek points readIdx at the run holding offset off.
func (p *kafkaPartition) seek(off int64) {
	p.readIdx = 0
	for p.readIdx < p.log.Len() {
		r := p.log.At(p.readIdx)
		if off < r.Offset+r.N {
			return
		}
		p.readIdx++
	}
}

// lag is the number of readable records not yet read.
func (p *kafkaPartition) lag() int64 { return p.appended - p.read }

// pending is pendingRecords at now: the records not yet read. A reader far
// behind gathers runs of up to 1/256 of its lag, longer than chunk-delay
// (generate), readable at their end: of the one still being gathered, the
// records produced by now count too (arrived), as Kafka's log end offset
// counts every record produced; without them the gauge would read low by
// half such a run on average. A run of chunk-delay is what a reader
// keeping up reads as it comes, a step's worth, which Kafka would hand it
// as it comes: its records are the reader's once produced (Kafka's
// records-lag is the log end offset less the consumer's position, which
// a fetch moves on), and count once readable.
func (p *kafkaPartition) pending(now sim.Time) int64 {
	n := p.lag() - p.fetched
	if p.hasNext && p.farBehind() {
		n += p.arrived(now)
	}
	return n
}

// farBehind reports whether the run being gathered is a far-behind
// reader's, longer than chunk-delay (generate), rather than the step a
// reader keeping up reads as it comes.
func (p *kafkaPartition) farBehind() bool { return p.next.Hi-p.next.Lo > p.window }

// arrived is how many records of the run being gathered were produced by
// now, spread evenly from its first, at Lo, to its last, at Hi: all of
// them from Hi on. Those a paused producer holds back (EvLo before Lo) are
// produced at Lo, when the run is readable.
func (p *kafkaPartition) arrived(now sim.Time) int64 {
	nx := &p.next
	if !p.hasNext || now < nx.Lo || now >= nx.Ready || nx.EvLo != nx.Lo {
		return 0
	}
	if now >= nx.Hi {
		return nx.N
	}
	return 1 + int64(float64(nx.N-1)*float64(now-nx.Lo)/float64(nx.Hi-nx.Lo))
}

// producedSince is the records produced to the partition since the last
// call, as the broker's topic meter (BrokerTopicMetrics MessagesInPerSec)
// counts them: its log end offset (read, readable, and the records of the
// run being gathered produced by now) less the initial backlog, which was
// there before the run. Records a paused producer holds back count when it
// sends them, and those it drops never.
func (p *kafkaPartition) producedSince(now sim.Time) int64 {
	end := p.appended + p.arrived(now) - p.backlog
	n := end - p.sampledEnd
	p.sampledEnd = end
	return n
}

// endRun appends, when the run ends at now, every record of the run being
// gathered that was produced by then (arrived), whatever its span: the
// producers wrote them to Kafka, so records.produced is every arrival by
// the end in every mode (R·T of deterministic arrivals). They are lag
// (pending), as Kafka's records-lag counts what a consumer has not
// fetched, unless fetches: the reader runs and keeps up, and has fetched
// its step's as they came (fetched: in flight, in its reader).
func (p *kafkaPartition) endRun(now sim.Time, fetches bool) {
	p.noteFetched()
	k := p.arrived(now)
	if k <= 0 {
		return
	}
	nx := p.next
	hi := nx.Lo
	if nx.N > 1 {
		hi += sim.Time(float64(nx.Hi-nx.Lo) * float64(k-1) / float64(nx.N-1))
	}
	if fetches && !p.farBehind() {
		p.fetched = k
	}
	r := p.log.PushSlot()
	r.N, r.Lo, r.Hi, r.Ready, r.Offset, r.EvLo, r.EvHi = k, nx.Lo, hi, now, p.appended, nx.Lo, hi
	p.appended += k
	p.hasNext = false
}

// prefill adds n records created at time at to the log (an initial backlog).
func (p *kafkaPartition) prefill(n int64, at sim.Time) {
	if n <= 0 {
		return
	}
	p.log.Push(run{N: n, Lo: at, Hi: at, Ready: at, Offset: p.appended, EvLo: at, EvHi: at})
	p.appended += n
	p.backlog += n
}

// take reads up to max records at the reader's position into c (appending).
// It returns the number of records taken.
//
// With event time, it stops before records produced more than gap away
// from those c holds, so that a chunk's records lie close in event time.
func (p *kafkaPartition) take(max int64, recordSize int64, c *Chunk, gap sim.Time) int64 {
	var got int64
	for got < max && p.readIdx < p.log.Len() {
		r := p.log.At(p.readIdx)
		skip := p.read - r.Offset // records of this run already read
		k := min(r.N-skip, max-got)
		if p.delays != nil && c.Records > 0 {
			if lo, _ := spread(r.EvLo, r.EvHi, r.N, skip, 1); lo > c.EventHi+gap || lo < c.EventLo-gap {
				break
			}
		}
		lo, hi := spread(r.Lo, r.Hi, r.N, skip, k)
		elo, ehi := spread(r.EvLo, r.EvHi, r.N, skip, k)
		p.evHi = ehi
		if c.Records == 0 {
			// Absorb of the first piece, written in place: copying a piece
			// just built field by field stalls on the store buffer, once
			// per record in exact mode.
			b := c.Buffers
			*c = Chunk{}
			c.Records, c.Bytes, c.Buffers = k, k*recordSize, b
			c.CreatedLo, c.CreatedHi, c.EventLo, c.EventHi = lo, hi, elo, ehi
			c.Partition, c.OffsetLo, c.OffsetHi = p.index, p.read, p.read+k
			if p.group > 0 {
				c.Alt[p.group-1] = 1
			}
		} else {
			piece := Chunk{
				Records: k, Bytes: k * recordSize,
				CreatedLo: lo, CreatedHi: hi, EventLo: elo, EventHi: ehi,
				Partition: p.index, OffsetLo: p.read, OffsetHi: p.read + k,
			}
			if p.group > 0 {
				piece.Alt[p.group-1] = 1
			}
			c.Absorb(&piece)
		}
		got += k
		p.read += k
		p.recLag.tracked = true // its reader's consumer tracks its lag (pendingrecords.go)
		if p.read == r.Offset+r.N {
			p.readIdx++
		}
	}
	p.readAll += got
	p.trim()
	return got
}

// oldestUnread is the arrival of the oldest record st's reader has not
// read from its partitions not paused (sim.Never if none): the record's
// own, not when its run became readable, as a run gathers up to a
// chunk-delay of arrivals and a wait from its end would hold its first
// record up to two. Asked only by a reader short of a step (readKafka).
func oldestUnread(st *subtask) sim.Time {
	oldest := sim.Never
	for _, p := range st.splits {
		if p.alignPaused || p.lag() == 0 {
			continue
		}
		r := p.log.At(p.readIdx)
		first, _ := spread(r.Lo, r.Hi, r.N, p.read-r.Offset, 1)
		oldest = min(oldest, first)
	}
	return oldest
}

// spread is the time range of records skip..skip+k of n records spread
// evenly over [lo, hi].
func spread(lo, hi sim.Time, n, skip, k int64) (sim.Time, sim.Time) {
	if n <= 1 {
		return lo, hi
	}
	span := float64(hi - lo)
	return lo + sim.Time(span*float64(skip)/float64(n)), lo + sim.Time(span*float64(skip+k)/float64(n))
}

// trim drops runs that are read and no longer needed for replay.
func (p *kafkaPartition) trim() {
	keepFrom := p.read
	if p.keepRead {
		keepFrom = min(p.read, p.retained)
	}
	for p.readIdx > 0 {
		r := p.log.Front()
		if r.Offset+r.N > keepFrom {
			return
		}
		p.log.Pop()
		p.readIdx--
	}
}

// retain keeps read records from offset off on (a checkpoint completed).
func (p *kafkaPartition) retain(off int64) {
	p.retained = off
	p.trim()
}

// rewind moves the reader back to offset off (a restore).
func (p *kafkaPartition) rewind(off int64) {
	p.noteFetched()
	p.read = off
	p.seek(off)
}

// unread counts the records in the log at or after the reader.
func (p *kafkaPartition) unread() int64 {
	var n int64
	for i := p.readIdx; i < p.log.Len(); i++ {
		r := p.log.At(i)
		n += r.N
		if i == p.readIdx {
			n -= p.read - r.Offset
		}
	}
	return n
}
