package models

import (
	"math"
	"strconv"
)

// The sustainable input rate: the largest constant input rate (records/s,
// all sources together, in the proportions they produced) that the job keeps
// up with in steady state. It is computed from the job's mechanisms, not from
// what the run happened to read, so the simulator confirms it: the same job
// fed 0.9× of it ends healthy (Judge) and fed 1.1× does not (tested on every
// built-in scenario).
//
// Three limits, the smallest wins:
//   - CPU: subtask j of a task needs w_j seconds of work per record of
//     input (its chained operators' mean costs and sink write time, times
//     the records that reach it per source record, which follow the
//     exchanges: forward keeps the subtask, rebalance spreads evenly,
//     keyBy follows the key groups' shares; selectivity multiplies). The
//     job saturates when R·w_j = 1 for its busiest subtask.
//   - Checkpoints: a stateful task pauses for the sync phase once per
//     checkpoint; while its TaskManager uploads it processes slower, and a
//     busy TaskManager uploads slower (the storage's interference). The
//     steady state is the fixed point of busy fraction ↔ upload time, found
//     by iteration; a rate is sustainable when that fixed point has every
//     TaskManager under fully busy and checkpoints inside the timeout.
//   - Nothing else: restarts from random failures are not counted (see
//     README), and mini-batch outputs per input follow this run's batches.

// flows returns, for every node and subtask, the records that reach it per
// record of input (all sources together).
func (s *Simulation) flows() [][]float64 {
	out := make([][]float64, len(s.nodes))
	// each source's part of the input, from what it produced
	srcShare := make(map[*nodeRT]float64)
	var produced float64
	nsrc := 0
	for _, rt := range s.nodes {
		if rt.spec.Kind != KindSource {
			continue
		}
		nsrc++
		for _, st := range rt.task.subtasks {
			for _, kp := range st.splits {
				srcShare[rt] += float64(kp.appended)
				produced += float64(kp.appended)
			}
		}
	}
	for _, rt := range s.nodes {
		if rt.spec.Kind == KindSource {
			if produced > 0 {
				srcShare[rt] /= produced
			} else {
				srcShare[rt] = 1 / float64(nsrc)
			}
		}
	}
	var in func(rt *nodeRT) []float64
	outOf := func(rt *nodeRT) []float64 {
		f := in(rt)
		g := make([]float64, len(f))
		sel := 1.0
		switch {
		case rt.spec.Kind == KindSink:
			sel = 0
		case rt.spec.MiniBatch != nil:
			// aggregates per record in: as this run's batches came out
			var i, o int64
			for _, st := range rt.task.subtasks {
				i += st.ops[rt.pos].in
				o += st.ops[rt.pos].out
			}
			if i > 0 {
				sel = float64(o) / float64(i)
			}
		case rt.spec.Kind == KindOperator:
			sel = rt.spec.Selectivity
		}
		for j := range f {
			g[j] = f[j] * sel
		}
		return g
	}
	in = func(rt *nodeRT) []float64 {
		if out[rt.idx] != nil {
			return out[rt.idx]
		}
		p := len(rt.task.subtasks)
		f := make([]float64, p)
		switch {
		case rt.spec.Kind == KindSource:
			for j, st := range rt.task.subtasks {
				for _, kp := range st.splits {
					f[j] += srcShare[rt] * kp.share
				}
			}
		case rt.parent >= 0:
			copy(f, outOf(rt.task.nodes[rt.parent]))
		default:
			for _, e := range rt.ins {
				up := outOf(e.from)
				total := 0.0
				for _, v := range up {
					total += v
				}
				switch e.exchange {
				case Forward:
					for j := range f {
						f[j] += up[j]
					}
				case Rebalance:
					for j := range f {
						f[j] += total / float64(p)
					}
				case Hash:
					for j, w := range rt.shares() {
						f[j] += total * w
					}
				}
			}
		}
		out[rt.idx] = f
		return f
	}
	for _, rt := range s.nodes {
		in(rt)
	}
	return out
}

// work is, per task and subtask, the seconds of processing one record of
// input costs that subtask (mean costs and sink write time).
func (s *Simulation) work(flows [][]float64) [][]float64 {
	w := make([][]float64, len(s.tasks))
	for ti, t := range s.tasks {
		w[ti] = make([]float64, len(t.subtasks))
		for _, rt := range t.nodes {
			sec := 0.0
			if rt.spec.Cost != nil {
				sec += rt.spec.Cost.Mean()
			}
			if rt.spec.Kind == KindSink {
				sec += rt.sinkSeconds(1)
			}
			for j := range w[ti] {
				w[ti][j] += flows[rt.idx][j] * sec
			}
		}
	}
	return w
}

// sustainableInput is the largest constant input rate the job keeps up
// with, and what bounds it: a task (and its busiest subtask when the
// subtasks' loads differ), slowed by checkpoints when they lower the rate.
func (s *Simulation) sustainableInput(flows [][]float64) (rate float64, bound string) {
	w := s.work(flows)
	rate = math.Inf(1)
	for ti, t := range s.tasks {
		maxW, busiest, minW := 0.0, 0, math.Inf(1)
		for j, v := range w[ti] {
			if v > maxW {
				maxW, busiest = v, j
			}
			minW = min(minW, v)
		}
		if maxW <= 0 {
			continue // costs nothing: it never bounds the job
		}
		if r := 1 / maxW; r < rate {
			rate, bound = r, t.name
			if maxW > minW*(1+1e-9) {
				bound += " subtask " + strconv.Itoa(busiest)
			}
		}
	}
	if math.IsInf(rate, 1) {
		return 0, ""
	}
	if s.coord == nil {
		return rate, bound
	}
	ck := newCheckpointLoad(s, w)
	if ck.ok(rate * (1 - 1e-9)) { // just under the CPU bound: checkpoints cost nothing more
		return rate, bound
	}
	lo, hi := 0.0, rate
	for range 60 {
		mid := (lo + hi) / 2
		if ck.ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, bound + " while checkpointing (" + ck.why(hi) + ")"
}

// checkpointLoad is the steady state of periodic checkpoints at a constant
// input rate, per TaskManager: the mechanisms of storage.go and barriers.go
// in their mean.
type checkpointLoad struct {
	interval, minPause, timeout, sync float64 // seconds
	upload, throughput, latency       float64 // bytes/s per TM, bytes/s in all, s per file
	fileSize, threads                 float64
	slow, share                       float64 // processing slowdown while uploading; upload share when busy
	wmax                              []float64
	stateful                          []bool
	bytes, full                       []float64 // per checkpoint, uploaded by each TM (and for a full one)
	files                             []float64 // rounds of request latency per TM
	part                              float64   // bytes / full
}

func newCheckpointLoad(s *Simulation, w [][]float64) *checkpointLoad {
	c := s.spec.Checkpointing
	st := c.Storage
	tms := s.totalTMs
	ck := &checkpointLoad{
		interval: c.Interval.Seconds(), minPause: c.MinPause.Seconds(), timeout: c.Timeout.Seconds(), sync: c.SyncPhase.Seconds(),
		upload: st.UploadPerTM, throughput: st.Throughput, latency: st.RequestLatency.Seconds(),
		fileSize: float64(st.FileSize), threads: float64(max(st.TransferThreads, 1)),
		slow: math.Min(st.ProcessingSlowdown, 0.95), share: st.UploadShareWhenBusy,
		wmax: make([]float64, tms), stateful: make([]bool, tms), bytes: make([]float64, tms), full: make([]float64, tms), files: make([]float64, tms),
	}
	// Incremental checkpoints upload a part of the state: the part this
	// run's last completed checkpoint uploaded.
	part := 1.0
	defer func() { ck.part = part }()
	if c.Incremental {
		for i := len(s.coord.history) - 1; i >= 0; i-- {
			if h := s.coord.history[i]; h.Status == "COMPLETED" && h.StateSize > 0 {
				part = float64(h.Checkpointed) / float64(h.StateSize)
				break
			}
		}
	}
	for ti, t := range s.tasks {
		for j, sub := range t.subtasks {
			tm := sub.tm
			ck.wmax[tm] = max(ck.wmax[tm], w[ti][j])
			var b float64
			for _, rt := range t.nodes {
				if rt.spec.Keyed != nil {
					b += rt.distinctKeys(j, sub.ops[rt.pos].stateRecs) * float64(rt.spec.Keyed.StatePerKey)
				}
			}
			ck.full[tm] += b
			b *= part
			if s.syncDuration(sub) > 0 {
				ck.stateful[tm] = true
			}
			ck.bytes[tm] += b
			if ck.fileSize > 0 {
				ck.files[tm] = max(ck.files[tm], math.Ceil(math.Ceil(b/ck.fileSize)/ck.threads))
			}
		}
	}
	return ck
}

// steady iterates the fixed point at rate r: each TaskManager's busy
// fraction, the checkpoint duration and period, and the fraction of time
// each TaskManager uploads, for checkpoints of the given bytes per
// TaskManager. It returns the largest busy fraction (1 or more is
// saturated) and the checkpoint duration. Starting from no uploads, the
// iteration rises to the lowest fixed point: the state a job reaches from
// an empty backlog.
func (ck *checkpointLoad) steady(r float64, bytes []float64) (busy, dur float64) {
	n := len(ck.wmax)
	u := make([]float64, n) // fraction of time uploading
	period := ck.interval
	for range 200 {
		busy, dur = 0, 0
		d := make([]float64, n)
		for tm := range n {
			pause := 0.0
			if ck.stateful[tm] {
				pause = ck.sync / period
			}
			b := r * ck.wmax[tm] * ((1 - u[tm]) + u[tm]/(1-ck.slow)) / math.Max(1-pause, 1e-9)
			busy = max(busy, b)
			bw := ck.upload * (1 - math.Min(b, 1)*(1-ck.share))
			if bytes[tm] > 0 {
				d[tm] = bytes[tm]/math.Max(bw, 1e-300) + ck.files[tm]*ck.latency
			}
			dur = max(dur, d[tm])
		}
		if ck.throughput > 0 {
			total := 0.0
			for _, b := range bytes {
				total += b
			}
			dur = max(dur, total/ck.throughput)
		}
		dur += ck.sync
		next := max(ck.interval, dur+ck.minPause)
		changed := math.Abs(next-period) > 1e-9*period
		period = next
		for tm := range n {
			nu := math.Min(1, d[tm]/period)
			changed = changed || math.Abs(nu-u[tm]) > 1e-9
			u[tm] = nu
		}
		if !changed || busy >= 1 {
			break
		}
	}
	return busy, dur
}

// catchUp is the input rate a job can still drain a backlog at: with a
// backlog its tasks are busy all the time, so each TaskManager uploads at
// its busy share, checkpoints run longer and more of the time, and
// processing is slowed for that part. A rate above it never drains a
// backlog once one formed (a burst, a restart): the death spiral's second,
// stable state.
func (ck *checkpointLoad) catchUp() float64 {
	rate := math.Inf(1)
	for tm, b := range ck.bytes {
		if ck.wmax[tm] <= 0 {
			continue
		}
		d := 0.0
		if b > 0 {
			d = b/math.Max(ck.upload*ck.share, 1e-300) + ck.files[tm]*ck.latency
		}
		period := max(ck.interval, d+ck.sync+ck.minPause)
		u := math.Min(1, d/period)
		pause := 0.0
		if ck.stateful[tm] {
			pause = ck.sync / period
		}
		rate = min(rate, (1-pause)/(ck.wmax[tm]*((1-u)+u/(1-ck.slow))))
	}
	return rate
}

// ok: at rate r the job reaches a steady state with every TaskManager under
// fully busy and checkpoints inside the timeout, the first (full) one of
// incremental checkpoints too, and drains any backlog.
func (ck *checkpointLoad) ok(r float64) bool {
	if r > ck.catchUp() {
		return false
	}
	busy, dur := ck.steady(r, ck.bytes)
	if ck.part < 1 {
		fb, fd := ck.steady(r, ck.full)
		busy, dur = max(busy, fb), max(dur, fd)
	}
	return busy < 1 && dur < ck.timeout
}

func (ck *checkpointLoad) why(r float64) string {
	if r > ck.catchUp() {
		return "a backlog slows its uploads and its uploads slow its processing"
	}
	if busy, _ := ck.steady(r, ck.bytes); busy >= 1 {
		return "uploads slow its processing"
	}
	return "checkpoints would exceed the timeout"
}
