package models

import (
	"math"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// A sink operator's account over its subtasks: when its records became
// visible, its commits, and for Kafka the last stable offset. A
// read_committed consumer reads a partition only up to the first offset of
// its oldest open transaction (Kafka's last stable offset), and every
// producer of a KafkaSink writes to every partition (records are spread by
// key or by the sticky partitioner), so a committed record is visible only
// once every transaction that began before it was written has been
// committed or aborted, its own included.

// sinkNode is one sink operator's state over its subtasks.
type sinkNode struct {
	rt          *nodeRT
	d           *Delivery
	taken, sent int64
	// commitLat is from the writer taking a record to a read_committed
	// reader seeing it; visibleLat from the record's creation.
	commitLat, visibleLat *sim.Histogram
	// cm counts what became of its committables that Flink has no metric
	// for (aborted by the broker, records lost, a transaction's longest
	// life); the committer's counters are its writers' (sinkWriter.cm).
	cm result.Committables
	// open are the unresolved transactions of all its subtasks (Kafka);
	// held the committed records above the last stable offset.
	open []*txn
	held []writeSeg
	// mirrored: every record so far became visible alone as it was written
	// (sinkTook), so visibleLat would hold what rt.lat.all holds and
	// commitLat only zeros, zeros of them: both are filled only if that
	// ends (unmirror), sparing two histogram adds per record.
	mirrored bool
	zeros    int64
}

// visibleRecords is how many records (copies included) became visible to
// read_committed readers so far: flinksim.numRecordsVisible. Records
// taken but buffered, in an open or uncommitted transaction, or held
// below Kafka's last stable offset are not yet visible.
func (n *sinkNode) visibleRecords() float64 {
	if n.mirrored {
		return n.rt.lat.all.Count() // each visible alone as it was taken
	}
	return n.commitLat.Count()
}

// points is how many points a run of records made visible at once adds to
// the latency histograms, for a spread of d: quantiles within 1/128 of a
// spread of a second or more (a transaction's interval), and within 1/16
// of a shorter one (a chunk's), as sim.Histogram.AddSpread.
func points(d sim.Time) int {
	if d >= sim.Second {
		return 64
	}
	return 8
}

func newSinkNode(rt *nodeRT, d *Delivery) *sinkNode {
	return &sinkNode{rt: rt, d: d, commitLat: sim.NewHistogram(), visibleLat: sim.NewHistogram(),
		mirrored: rt.sinkDelay == nil && d.Guarantee != ExactlyOnce}
}

// unmirror fills the latency histograms as visible would have: records
// visible at once add their creation latency, the one sunk adds to
// rt.lat.all, and a commit latency of 0 (integer weights of 0: one add of
// their sum is the same).
func (n *sinkNode) unmirror() {
	if !n.mirrored {
		return
	}
	n.mirrored = false
	if n.rt.lat != nil {
		n.visibleLat.Merge(n.rt.lat.all) // into an empty one: a copy
	}
	n.commitLat.Add(0, float64(n.zeros))
	n.zeros = 0
}

// flushed: a writer sent g at at, visible at once to read_committed
// readers (the sink is not exactly-once).
func (n *sinkNode) flushed(g *writeSeg, at sim.Time) {
	if n.mirrored {
		n.zeros += g.hi - g.lo // written alone at at (sinkTook)
		return
	}
	n.visible(g, at)
}

// visible: the records of g become visible to read_committed readers at
// at, plus the system's own latency (its mean: the sink's latency). g is
// read in place: a copy of a segment a writer has just added to stalls on
// the store buffer, once per record in exact mode.
func (n *sinkNode) visible(g *writeSeg, at sim.Time) {
	k := float64(g.hi - g.lo)
	if k <= 0 {
		return
	}
	n.unmirror()
	if d := n.rt.sinkDelay; d != nil {
		at = sim.Add(at, sim.FromSeconds(d.Mean()))
	}
	// A batch or transaction spans up to an interval: finer than a chunk's
	// eight points, with its true extremes.
	addSince(n.commitLat, at, g.wHi, g.wLo, k)
	addSince(n.visibleLat, at, g.cHi, g.cLo, k)
}

// addSince adds k records spread from hi to lo, as seconds before at, to
// h. A single value (one record in exact mode) is Add, inlined here, which
// is AddUniform of lo == hi (a value from a whole Time is never -0): a
// call spills what the caller holds in registers, a cost per record.
func addSince(h *sim.Histogram, at, hi, lo sim.Time, k float64) {
	if hi == lo {
		h.Add((at - hi).Seconds(), k)
		return
	}
	a, b := since(at, hi, lo)
	h.AddUniform(a, b, k, points(hi-lo))
}

// since is the seconds from hi and from lo to at: one division when the
// two coincide (a record written alone).
func since(at, hi, lo sim.Time) (float64, float64) {
	a := (at - hi).Seconds()
	if hi == lo {
		return a, a
	}
	return a, (at - lo).Seconds()
}

// opened: transaction t began (its first write).
func (n *sinkNode) opened(t *txn) {
	if n.d.System == SystemKafka {
		n.open = append(n.open, t)
	}
}

// resolved: transaction t was committed or aborted at now; the last stable
// offset may move past records waiting for it.
func (n *sinkNode) resolved(t *txn, now sim.Time) {
	if t.ended {
		return // the broker aborted it already
	}
	t.ended = true
	if t.seg.hi > t.seg.lo {
		n.cm.OpenMaxS = max(n.cm.OpenMaxS, (now - t.seg.wLo).Seconds())
	}
	for i, o := range n.open {
		if o == t {
			n.open = append(n.open[:i], n.open[i+1:]...)
			break
		}
	}
	lso := n.stableTime()
	kept := n.held[:0]
	for _, g := range n.held {
		h := g.before(lso)
		n.visible(&h, now)
		if g.hi > g.lo {
			kept = append(kept, g)
		}
	}
	n.held = kept
}

// stableTime is the first write of the oldest open transaction: records
// written before it are below the last stable offset.
func (n *sinkNode) stableTime() sim.Time {
	t := sim.Time(math.MaxInt64)
	for _, o := range n.open {
		t = min(t, o.seg.wLo)
	}
	return t
}

// committed: transaction t was committed at now.
func (n *sinkNode) committed(t *txn, now sim.Time) {
	n.resolved(t, now)
	g := t.seg
	if n.d.System != SystemKafka {
		n.visible(&g, now)
		return
	}
	h := g.before(n.stableTime())
	n.visible(&h, now)
	if g.hi > g.lo {
		n.held = append(n.held, g)
	}
}

// upsertRows are the rows one writer of an upsert sink writes: the sink's
// keys shared by its subtasks (records are routed to them by key), taken as
// equally likely.
func (w *sinkWriter) upsertRows() float64 {
	return max(1, float64(w.d.Upsert.Keys)/float64(w.node.rt.spec.Parallelism))
}

// upsertReplayed: v records writer w had made visible are written again.
// Over its K equally likely rows a row escapes them with probability
// (1−1/K)^v; a non-deterministic value changes every row they touch; a row
// written at least twice among them (probability 1 − (1−1/K)^v −
// (v/K)(1−1/K)^(v−1)) goes back to its older version when the replay
// writes its first again. Over failovers the probabilities that a row was
// never touched, or never went back, multiply (kept as logarithms), so the
// rows counted are distinct rows, at most K.
func (w *sinkWriter) upsertReplayed(v int64) {
	if v <= 0 {
		return
	}
	k, fv := w.upsertRows(), float64(v)
	if k <= 1 { // one row: touched, and gone back when written twice
		w.upsertUntouched = math.Inf(-1)
		if v > 1 {
			w.upsertKept = math.Inf(-1)
		}
		return
	}
	w.upsertUntouched += fv * math.Log1p(-1/k)
	twice := 1 - math.Pow(1-1/k, fv) - fv/k*math.Pow(1-1/k, fv-1)
	w.upsertKept += math.Log1p(-min(twice, 1))
}

// summary is the sink's result.SinkSummary over its writers.
func (n *sinkNode) summary(ws []*sinkWriter) result.SinkSummary {
	out := result.SinkSummary{Sink: n.rt.spec.Name, Guarantee: n.d.Guarantee.String(), System: n.d.System.String(),
		BatchSize: max(1, n.d.BatchSize), BatchIntervalS: n.d.BatchInterval.Seconds(), Taken: n.taken, Sent: n.sent}
	var hc, hu []int64
	for _, w := range ws {
		h, pending := w.fates(true)
		hc = addHist(hc, h)
		out.ReadCommitted.Pending += pending
		h, pending = w.fates(false)
		hu = addHist(hu, h)
		out.ReadUncommitted.Pending += pending
	}
	fillView(&out.ReadCommitted, hc)
	fillView(&out.ReadUncommitted, hu)
	n.unmirror()
	out.CommitLatency = result.OptionalLatencyOf(n.commitLat)
	out.VisibleLatency = result.OptionalLatencyOf(n.visibleLat)
	if n.d.Guarantee == ExactlyOnce {
		cm := n.cm // the committables' fates that are flinksim's
		for _, w := range ws {
			c := w.cm
			cm.Total += c.total
			cm.Successful += c.successful
			cm.AlreadyCommitted += c.alreadyCommitted
			cm.Failed += c.failed
			cm.Retried += c.retried
			cm.Pending += w.pendingCommittables()
		}
		out.Committables = &cm
	}
	if u := n.d.Upsert; u != nil {
		var diverged, regressed float64
		for _, w := range ws {
			k := w.upsertRows()
			if !u.Deterministic {
				diverged += k * -math.Expm1(w.upsertUntouched)
			}
			if !u.Versioned {
				regressed += k * -math.Expm1(w.upsertKept)
			}
		}
		out.Upsert = &result.UpsertSummary{Keys: u.Keys, Deterministic: u.Deterministic, Versioned: u.Versioned,
			Rewrites: out.ReadCommitted.ExtraCopies, Diverged: int64(math.Round(diverged)), Regressed: int64(math.Round(regressed))}
		out.Upsert.Converges = out.Upsert.Diverged == 0
	}
	return out
}

// fates counts a view's positions by how often they were seen: a position
// never seen is lost below the frontier and pending above it (returned
// apart); one seen is counted however far it is.
func (w *sinkWriter) fates(committed bool) (h []int64, pending int64) {
	l := &w.uncommitted
	if committed {
		l = w.readCommitted()
	}
	top := w.top(l)
	h = l.tally(top)
	if len(h) > 0 {
		pending = l.unseen(w.frontier(committed), top)
		h[0] -= pending
	}
	return h, pending
}

// top is the furthest position the writer took or a view saw.
func (w *sinkWriter) top(l *fateLedger) int64 {
	at := max(w.pos, l.base)
	if k := len(l.segs); k > 0 {
		at = max(at, l.segs[k-1].end)
	}
	return at
}

func addHist(a, b []int64) []int64 {
	for len(a) < len(b) {
		a = append(a, 0)
	}
	for i, v := range b {
		a[i] += v
	}
	return a
}

func fillView(v *result.SinkView, h []int64) {
	v.Times = append([]int64{}, h...) // [] rather than null when nothing was taken
	for k, c := range h {
		v.Records += c
		switch {
		case k == 0:
			v.Lost = c
		case k == 1:
			v.Once = c
		default:
			v.MoreThanOnce += c
			v.ExtraCopies += int64(k-1) * c
		}
	}
}

// sinkSummaries is summary.json's sinks section.
func (s *Simulation) sinkSummaries() []result.SinkSummary {
	var out []result.SinkSummary
	for _, n := range s.sinkNodes {
		var ws []*sinkWriter
		for _, st := range n.rt.task.subtasks {
			ws = append(ws, st.ops[n.rt.pos].sw)
		}
		out = append(out, n.summary(ws))
	}
	return out
}

// duplicated is the copies of records read_committed readers saw beyond
// the first, over all sinks.
func (s *Simulation) duplicated() int64 {
	var n int64
	for _, w := range s.sinkWriters {
		h, _ := w.fates(true)
		for k, c := range h {
			if k > 1 {
				n += int64(k-1) * c
			}
		}
	}
	return n
}
