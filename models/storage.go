package models

import (
	"math"
	"sort"

	"github.com/flinksim/flinksim/sim"
)

// Checkpoint storage: uploads of snapshots and downloads of restores, as
// fluid flows. Each TaskManager's transfers share its bandwidth equally; all
// transfers share the storage's aggregate throughput (max-min fair, by water
// filling). A transfer first pays the request latency of its files (in
// rounds of TransferThreads), then moves bytes at its rate. Rates are
// recomputed whenever a transfer starts or ends and every storageTick, when
// the busy fraction of each TaskManager (which slows its uploads) is
// resampled.

const storageTick = sim.Second

type transferKind uint8

const (
	upload transferKind = iota
	download
)

type transfer struct {
	st        *subtask
	kind      transferKind
	ckpt      int64
	total     float64
	remaining float64
	readyAt   sim.Time // request latency paid
	rate      float64
}

type storage struct {
	s       *Simulation
	cfg     Storage
	active  []*transfer
	last    sim.Time
	timer   sim.Timer
	factor  float64 // 1 normally; <1 in a slowdown; 0 in an outage
	uploads []int32 // active uploads per TaskManager (processing interference)
	busy    []float64
	tickAt  sim.Time
	caps    []float64       // scratch
	onDone  func(*transfer) // tests: called for each finished transfer
}

func newStorage(s *Simulation, cfg Storage) *storage {
	st := &storage{s: s, cfg: cfg, factor: 1, timer: s.eng.NewTimer()}
	st.uploads = make([]int32, s.totalTMs)
	st.busy = make([]float64, s.totalTMs)
	return st
}

// start begins a transfer of bytes for subtask st.
func (g *storage) start(st *subtask, kind transferKind, ckpt int64, bytes float64) {
	now := g.s.eng.Now()
	g.advance(now)
	files := math.Max(1, math.Ceil(bytes/float64(max(g.cfg.FileSize, 1))))
	rounds := math.Ceil(files / float64(max(g.cfg.TransferThreads, 1)))
	t := &transfer{st: st, kind: kind, ckpt: ckpt, total: bytes, remaining: bytes,
		readyAt: sim.Add(now, sim.Scale(g.cfg.RequestLatency, rounds))}
	g.active = append(g.active, t)
	if kind == upload {
		g.uploads[st.tm]++
	}
	g.reschedule()
}

// cancel drops the transfers for which drop returns true.
func (g *storage) cancel(drop func(*transfer) bool) {
	g.advance(g.s.eng.Now())
	g.remove(drop)
	g.reschedule()
}

// remove takes the transfers for which out returns true off the active list
// and returns them.
func (g *storage) remove(out func(*transfer) bool) []*transfer {
	var removed []*transfer
	kept := g.active[:0]
	for _, t := range g.active {
		if out(t) {
			if t.kind == upload {
				g.uploads[t.st.tm]--
			}
			removed = append(removed, t)
			continue
		}
		kept = append(kept, t)
	}
	clear(g.active[len(kept):])
	g.active = kept
	return removed
}

// setFactor changes the storage's speed (slowdowns and outages).
func (g *storage) setFactor(f float64) {
	g.advance(g.s.eng.Now())
	g.factor = f
	g.reschedule()
}

// advance moves every transfer forward to now at its current rate.
func (g *storage) advance(now sim.Time) {
	dt := (now - g.last).Seconds()
	if dt > 0 {
		for _, t := range g.active {
			if t.readyAt <= g.last {
				t.remaining -= t.rate * dt
			}
		}
	}
	g.last = now
}

// handle is the storage's event: transfers may have finished, latencies
// passed, or a tick come due.
func (g *storage) handle() {
	now := g.s.eng.Now()
	g.advance(now)
	if now >= g.tickAt {
		g.sampleBusy(now)
	}
	done := g.remove(func(t *transfer) bool { return t.readyAt <= now && t.remaining <= 1e-6*math.Max(1, t.total) })
	g.reschedule()
	for _, t := range done {
		if g.onDone != nil {
			g.onDone(t)
			continue
		}
		g.s.transferDone(t)
	}
}

// sampleBusy measures, for each TaskManager, the busy fraction of its
// busiest task since the last tick: the task thread that competes hardest
// with the upload for CPU, disk and network.
func (g *storage) sampleBusy(now sim.Time) {
	span := now - (g.tickAt - storageTick)
	clear(g.busy)
	for _, st := range g.s.subtasks {
		cum := g.s.rec.busySoFar(st, now)
		if span > 0 {
			g.busy[st.tm] = math.Max(g.busy[st.tm], math.Min(1, float64(cum-st.busyAtTick)/float64(span)))
		}
		st.busyAtTick = cum
	}
	g.tickAt = now + storageTick
}

// reschedule recomputes the rates and arms the next storage event.
func (g *storage) reschedule() {
	now := g.s.eng.Now()
	if len(g.active) == 0 {
		g.s.eng.Disarm(g.timer)
		return
	}
	g.rates(now)
	next := g.tickAt
	if next <= now {
		g.sampleBusy(now)
		next = g.tickAt
	}
	for _, t := range g.active {
		switch {
		case t.readyAt > now:
			next = min(next, t.readyAt)
		case t.rate > 0:
			next = min(next, sim.Add(now, max(1, sim.FromSeconds(t.remaining/t.rate))))
		case t.remaining <= 0:
			next = now
		}
	}
	g.s.eng.Arm(g.timer, next, evStorage, 0, 0)
}

// rates shares the bandwidth: per TaskManager equally among its ready
// transfers of each direction, then the aggregate throughput by water filling.
func (g *storage) rates(now sim.Time) {
	var perTM [2][]int
	perTM[upload], perTM[download] = make([]int, len(g.uploads)), make([]int, len(g.uploads))
	for _, t := range g.active {
		if t.readyAt <= now {
			perTM[t.kind][t.st.tm]++
		}
	}
	g.caps = g.caps[:0]
	for _, t := range g.active {
		t.rate = 0
		if t.readyAt > now {
			continue
		}
		bw := g.cfg.DownloadPerTM
		if t.kind == upload {
			bw = g.cfg.UploadPerTM * (1 - g.busy[t.st.tm]*(1-g.cfg.UploadShareWhenBusy))
		}
		t.rate = bw / float64(perTM[t.kind][t.st.tm]) * g.factor
		g.caps = append(g.caps, t.rate)
	}
	if g.cfg.Throughput <= 0 || len(g.caps) == 0 {
		return
	}
	// Water filling: the level L at which Σ min(cap, L) equals the aggregate.
	total := g.cfg.Throughput * g.factor
	sort.Float64s(g.caps)
	level, left, rest := math.Inf(1), total, len(g.caps)
	for _, c := range g.caps {
		if c*float64(rest) > left {
			level = left / float64(rest)
			break
		}
		left -= c
		rest--
	}
	for _, t := range g.active {
		if t.readyAt <= now {
			t.rate = math.Min(t.rate, level)
		}
	}
}

// slowdown is the factor by which processing is slower on a TaskManager
// while it uploads.
func (g *storage) slowdown(tm int) float64 {
	if g == nil || g.uploads[tm] == 0 || g.cfg.ProcessingSlowdown <= 0 {
		return 1
	}
	return 1 / (1 - math.Min(g.cfg.ProcessingSlowdown, 0.95))
}

// transferDone is a storage transfer finishing.
func (s *Simulation) transferDone(t *transfer) {
	if t.kind == download {
		s.restoring--
		if s.restoring == 0 && s.job == jobRestarting {
			s.restored()
		}
		return
	}
	if p := s.coord.find(t.ckpt); p != nil && p.injected > 0 {
		s.failCheckpointInjected(p.injected-1, p.id)
		return
	}
	s.uploaded(t.st, t.ckpt)
}
