package models

import (
	"math"

	"github.com/flinksim/flinksim/sim"
)

// A TaskManager's resources and who shares them: its cores (task threads,
// at most one core each, and the CPU of snapshots, compaction and
// restores), its network in each direction (Kafka reads, remote shuffle,
// sink writes, uploads, downloads) and its local disk (RocksDB flushes and
// compaction, snapshot reads, restore writes, local copies); and the
// checkpoint storage's aggregate throughput. Each is shared max-min fairly
// (share.go). Task threads claim what they used in the last storageTick
// (time on a core, bytes sent and received), at full speed: a thread that
// was busy all the time with CPU work claims a whole core; a sink waiting on
// its external system is busy (Flink's busyTimeMsPerSecond) but claims only
// the CPU work of its steps. A thread that gets less than it claims runs
// its CPU work slower, so that it uses no more than its share
// (threadSlowdown): threads that together need more than the cores (slot
// sharing puts a task of each pipeline in a slot) fall behind.

const (
	resCPU = iota
	resIn
	resOut
	resDisk
	resPerTM
)

type resources struct {
	s        *Simulation
	capacity []float64 // per TaskManager resPerTM, then the storage
	sh       sharer
	claims   []*claim
	threads  []claim   // per subtask
	waits    []float64 // per subtask: seconds its steps wait (a sink's I/O) per second of CPU work at full speed
	net      []claim   // per TaskManager: in, out
	netBytes []float64 // per TaskManager: in, out, since the last sample
	netSlow  []float64 // per TaskManager: in, out
	sampled  sim.Time
	finite   bool // some TaskManager resource is limited: task threads may contend alone
}

func newResources(s *Simulation) *resources {
	r := &resources{s: s, sampled: s.eng.Now()}
	tms := s.totalTMs
	r.capacity = make([]float64, tms*resPerTM+1)
	tm := s.spec.TaskManager
	r.finite = tm.Cores > 0 || tm.Network > 0 || tm.Disk > 0
	for i := range tms {
		r.capacity[i*resPerTM+resCPU] = unlimited(tm.Cores)
		r.capacity[i*resPerTM+resIn] = unlimited(tm.Network)
		r.capacity[i*resPerTM+resOut] = unlimited(tm.Network)
		r.capacity[i*resPerTM+resDisk] = unlimited(tm.Disk)
	}
	r.threads = make([]claim, len(s.subtasks))
	r.waits = make([]float64, len(s.subtasks))
	for i, st := range s.subtasks {
		r.threads[i].uses = []use{{int32(st.tm*resPerTM + resCPU), 1}}
		st.slow = 1
	}
	r.net = make([]claim, 2*tms)
	r.netBytes = make([]float64, 2*tms)
	r.netSlow = make([]float64, 2*tms)
	for i := range tms {
		r.net[2*i].uses = []use{{int32(i*resPerTM + resIn), 1}}
		r.net[2*i+1].uses = []use{{int32(i*resPerTM + resOut), 1}}
		r.netSlow[2*i], r.netSlow[2*i+1] = 1, 1
	}
	return r
}

func unlimited(v float64) float64 {
	if v <= 0 {
		return math.Inf(1)
	}
	return v
}

// countNet counts bytes st's TaskManager received (resIn) or sent (resOut)
// for st. Kept in st, which its step has at hand (not the TaskManager's
// total: two loads away, per record in exact mode), and summed at the
// sample: whole bytes, so the float sum is the same in any order.
func countNet(st *subtask, dir int, bytes int64) {
	st.netBytes[dir-resIn] += bytes
}

// sample measures what each task thread and each TaskManager's tasks used
// since the last sample, as claims at full speed: a thread busy all the
// time claims the CPU part of its busy time (a core when it computes
// throughout); one busy less, its CPU time over its slowdown.
func (r *resources) sample(now sim.Time) {
	span := (now - r.sampled).Seconds()
	r.sampled = now
	for i, st := range r.s.subtasks {
		cum := r.s.rec.busySoFar(st, now)
		used := st.cpuSoFar(now)
		busy, cpu := (cum - st.busyAtTick).Seconds(), used-st.cpuAtTick
		st.busyAtTick, st.cpuAtTick = cum, used
		demand := 0.0
		switch {
		case span <= 0 || busy <= 0:
		case busy >= 0.999*span:
			demand = math.Min(1, cpu/busy)
		default:
			demand = math.Min(1, cpu/span/st.slow)
		}
		r.threads[i].cap = demand
		if cpu > 0 {
			r.waits[i] = math.Max(0, (busy-cpu)*st.slow/cpu)
		}
		if l := r.s.changelogOf(st); l != nil && span > 0 {
			l.rate, l.atTick = (l.appended-l.atTick)/span, l.appended
		}
	}
	for _, st := range r.s.subtasks {
		r.netBytes[2*st.tm] += float64(st.netBytes[0])
		r.netBytes[2*st.tm+1] += float64(st.netBytes[1])
		st.netBytes = [2]int64{}
	}
	for i := range r.net {
		r.net[i].cap = 0
		if span > 0 {
			r.net[i].cap = r.netBytes[i] / span * r.netSlow[i]
		}
		r.netBytes[i] = 0
	}
}

// share sets the rates of the active flows and the slowdown of each task
// thread.
func (r *resources) share(now sim.Time, active []*transfer, factor float64) {
	g := r.s.storage
	r.capacity[len(r.capacity)-1] = unlimited(g.cfg.Throughput) * factor
	if g.cfg.Throughput <= 0 {
		r.capacity[len(r.capacity)-1] = math.Inf(1)
	}
	r.claims = r.claims[:0]
	for i := range r.threads {
		r.claims = append(r.claims, &r.threads[i])
	}
	for i := range r.net {
		r.claims = append(r.claims, &r.net[i])
	}
	for _, t := range active {
		t.rate = 0
		if t.readyAt > now {
			continue
		}
		r.claims = append(r.claims, r.claimOf(t, factor))
	}
	r.sh.share(r.capacity, r.claims)
	for _, t := range active {
		if t.readyAt <= now {
			t.rate = t.cl.rate
		}
	}
	for i := range r.net {
		r.netSlow[i] = slowdownOf(&r.net[i])
	}
	for i, st := range r.s.subtasks {
		st.slow = max(threadSlowdown(&r.threads[i], r.waits[i]), r.netSlow[2*st.tm], r.netSlow[2*st.tm+1])
	}
	r.s.retimeSteps()
}

// threadSlowdown is how much slower a task thread's CPU work runs when it
// claims more of the cores than its share g: slow enough that it uses no
// more than g even when it is busy all the time (processor sharing: a
// thread that needs more than its share falls behind). A step of w seconds
// of CPU work and ρ·w of waiting (a sink's I/O) takes k·w + ρ·w; using
// w/(k·w + ρ·w) = g of a core gives k = 1/g − ρ.
func threadSlowdown(c *claim, wait float64) float64 {
	if c.cap <= 0 || c.rate >= c.cap {
		return 1
	}
	return math.Max(slowdownOf(c), 1/math.Max(c.rate, 1e-9)-wait)
}

// slowdownOf is how much slower a claim runs than it asked: its claim over
// its share.
func slowdownOf(c *claim) float64 {
	if c.cap <= 0 || c.rate >= c.cap {
		return 1
	}
	return c.cap / math.Max(c.rate, c.cap*1e-9) // a billionth of its speed at the least: never infinitely slow
}

// claimOf is a flow's claim: its own cap, and per byte its TaskManager's
// cores, network and disk, and the storage when remote.
func (r *resources) claimOf(t *transfer, factor float64) *claim {
	g := r.s.storage
	c := &t.cl
	c.cap = t.cpuCap
	u := t.u[:0]
	tm := int32(t.st.tm * resPerTM)
	if t.streams > 0 {
		per := g.cfg.StreamUpload
		if t.kind == download {
			per = g.cfg.StreamDownload
		}
		c.cap = math.Min(c.cap, t.streams*unlimited(per)*factor)
		u = append(u, use{int32(len(r.capacity) - 1), 1})
	}
	if t.kind == changelogUpload {
		c.cap = math.Min(c.cap, t.st.lsm.log.claim())
	}
	if t.cpu > 0 {
		u = append(u, use{tm + resCPU, t.cpu})
	}
	if t.net >= 0 {
		u = append(u, use{tm + t.net, 1})
	}
	if t.disk > 0 {
		u = append(u, use{tm + resDisk, t.disk})
	}
	c.uses = u
	return c
}
