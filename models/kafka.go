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
}

// kafkaPartition is one partition of a source topic. Arrivals are generated
// lazily, only when a reader or a metric sample looks, so a partition nobody
// reads costs nothing per record. Unread records wait in log; when the log
// holds more runs than maxRuns, neighbouring runs are merged, so a backlog of
// any size costs bounded memory (at the price of coarser creation times for
// old records).
type kafkaPartition struct {
	index   int32
	rate    RateProfile
	share   float64 // this partition's fraction of the topic's rate
	poisson bool
	rng     *rand.Rand

	window  sim.Time // chunk-delay: how long one run may span (0 = one record per run)
	chunk   int64    // target records per run
	horizon sim.Time // no arrivals at or after this time (end of the run)

	genTo   sim.Time // arrivals before genTo are generated
	carry   float64  // deterministic arrivals: fraction of a record owed
	next    run      // the first generated run not yet ready
	hasNext bool

	log      ring[run]
	appended int64 // records readable (ready) so far
	read     int64 // records taken by the reader
	maxRuns  int
	lagMax   int64
}

func (p *kafkaPartition) lambda(t sim.Time) float64 { return p.share * p.rate.Rate(t) }

func (p *kafkaPartition) integral(a, b sim.Time) float64 { return p.share * p.rate.Integral(a, b) }

// solve returns the first t ≥ a with Λ(a, t) ≥ x, or sim.Never if that is not
// before the horizon.
func (p *kafkaPartition) solve(a sim.Time, x float64) sim.Time {
	if c, ok := p.rate.(ConstantRate); ok {
		l := p.share * float64(c)
		if l <= 0 {
			return sim.Never
		}
		t := a + sim.FromSeconds(x/l)
		if t >= p.horizon || t < a {
			return sim.Never
		}
		return t
	}
	lo, hi := a, a+sim.Millisecond
	for p.integral(a, hi) < x {
		if hi >= p.horizon {
			return sim.Never
		}
		lo, hi = hi, min(a+2*(hi-a), p.horizon)
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if p.integral(a, mid) >= x {
			hi = mid
		} else {
			lo = mid
		}
	}
	if hi >= p.horizon {
		return sim.Never
	}
	return hi
}

// generate produces the next run after genTo into p.next. It returns false
// when no more records arrive before the horizon.
func (p *kafkaPartition) generate() bool {
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
	n, end := int64(1), t1
	if p.window > 0 {
		// Gather what else arrives within the chunk delay, up to about a chunk.
		w := p.window
		if l := p.lambda(t1); l > 0 {
			w = min(w, sim.FromSeconds(float64(p.chunk)/l))
		}
		end = min(t1+max(w, 1), p.horizon)
		mu := p.integral(t1, end)
		if p.poisson {
			n += sim.Poisson(mu, p.rng)
		} else {
			whole := math.Floor(mu)
			n += int64(whole)
			p.carry = mu - whole
		}
	}
	hi := t1
	if n > 1 {
		hi = end
	}
	p.next = run{N: n, Lo: t1, Hi: hi, Ready: end}
	p.hasNext = true
	p.genTo = end
	return true
}

// advance makes every run that is ready at now readable, and keeps the next
// future run in p.next so that callers know when to look again.
func (p *kafkaPartition) advance(now sim.Time) {
	for {
		if !p.hasNext && !p.generate() {
			return
		}
		if p.next.Ready > now {
			return
		}
		p.next.Offset = p.appended
		p.log.Push(p.next)
		p.appended += p.next.N
		p.hasNext = false
		if p.log.Len() >= p.maxRuns { // before the ring would grow
			p.compact()
		}
	}
}

// nextReady is when the next run becomes readable (sim.Never if none).
func (p *kafkaPartition) nextReady() sim.Time {
	if p.log.Len() > 0 {
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
		}
		merged.Push(a)
	}
	p.log = merged
}

// lag is the number of readable records not yet read (pendingRecords).
func (p *kafkaPartition) lag() int64 { return p.appended - p.read }

// prefill adds n records created at time at to the log (an initial backlog).
func (p *kafkaPartition) prefill(n int64, at sim.Time) {
	if n <= 0 {
		return
	}
	p.log.Push(run{N: n, Lo: at, Hi: at, Ready: at, Offset: p.appended})
	p.appended += n
}

// take reads up to max records from the head of the log into c (appending).
// It returns the number of records taken.
func (p *kafkaPartition) take(max int64, recordSize int64, c *Chunk) int64 {
	var got int64
	for got < max && p.log.Len() > 0 {
		r := p.log.Front()
		k := min(r.N, max-got)
		piece := Chunk{
			Records: k, Bytes: k * recordSize,
			CreatedLo: r.Lo, CreatedHi: r.Hi, EventLo: r.Lo, EventHi: r.Hi,
			Partition: p.index, OffsetLo: r.Offset, OffsetHi: r.Offset + k,
		}
		if k < r.N {
			f := float64(k) / float64(r.N)
			cut := r.Lo + sim.Time(f*float64(r.Hi-r.Lo))
			piece.CreatedHi, piece.EventHi = cut, cut
			r.N -= k
			r.Lo = cut
			r.Offset += k
		} else {
			p.log.Pop()
		}
		c.Absorb(&piece)
		got += k
	}
	p.read += got
	return got
}
