package diagnose

import (
	"math"
	"strconv"

	"github.com/flinksim/flinksim/result"
)

// The sustainable input rate: the largest constant input rate (records/s,
// all sources together, in the proportions they produced) that the job keeps
// up with in steady state. It follows from the job's mechanisms
// (result.Capacity), not from what the run happened to read, so the
// simulator confirms it: the same job fed 0.9× of it ends healthy (Judge)
// and fed 1.1× does not (tested on every built-in scenario).
//
// Three limits, the smallest wins:
//   - CPU: subtask j of a task needs w_j seconds of work per record of
//     input. The job saturates when R·w_j = 1 for its busiest subtask.
//   - Checkpoints: a stateful task pauses for the sync phase once per
//     checkpoint; while its TaskManager uploads it processes slower, and a
//     busy TaskManager uploads slower (the storage's interference). The
//     steady state is the fixed point of busy fraction ↔ upload time, found
//     by iteration; a rate is sustainable when that fixed point has every
//     TaskManager under fully busy and checkpoints inside the timeout.
//   - Nothing else: restarts from random failures are not counted (see
//     README).

// Sustainable is the largest constant input rate (records/s) the job keeps
// up with, and what bounds it: a task (and its busiest subtask when the
// subtasks' loads differ), slowed by checkpoints when they lower the rate.
// It is 0 and "" when no task costs anything.
func Sustainable(c *result.Capacity) (rate float64, bound string) {
	rate = math.Inf(1)
	for _, t := range c.Tasks {
		maxW, busiest, minW := 0.0, 0, math.Inf(1)
		for j, v := range t.WorkS {
			if v > maxW {
				maxW, busiest = v, j
			}
			minW = min(minW, v)
		}
		if maxW <= 0 {
			continue // costs nothing: it never bounds the job
		}
		if r := 1 / maxW; r < rate {
			rate, bound = r, t.Task
			if maxW > minW*(1+1e-9) {
				bound += " subtask " + strconv.Itoa(busiest)
			}
		}
	}
	if math.IsInf(rate, 1) {
		return 0, ""
	}
	if c.Checkpoints == nil {
		return rate, bound
	}
	ck := newCheckpointLoad(c.Checkpoints)
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
// input rate, per TaskManager.
type checkpointLoad struct {
	interval, minPause, timeout, sync float64 // seconds
	upload, throughput, latency       float64 // bytes/s per TM, bytes/s in all, s per file
	slow, share                       float64 // processing slowdown while uploading; upload share when busy
	wmax                              []float64
	stateful                          []bool
	bytes, full                       []float64 // per checkpoint, uploaded by each TM (and for a full one)
	files                             []float64 // rounds of request latency per TM
	part                              float64   // bytes / full
}

func newCheckpointLoad(c *result.CheckpointCosts) *checkpointLoad {
	n := len(c.TaskManagers)
	ck := &checkpointLoad{
		interval: c.IntervalS, minPause: c.MinPauseS, timeout: c.TimeoutS, sync: c.SyncS,
		upload: c.UploadPerTM, throughput: c.Throughput, latency: c.RequestLatencyS,
		// a TaskManager that uploads processes at least 5% as fast
		slow: math.Min(c.Slowdown, 0.95), share: c.UploadShareWhenBusy,
		wmax: make([]float64, n), stateful: make([]bool, n), bytes: make([]float64, n), full: make([]float64, n), files: make([]float64, n),
		part: c.Part,
	}
	for i, tm := range c.TaskManagers {
		ck.wmax[i], ck.stateful[i], ck.bytes[i], ck.full[i], ck.files[i] = tm.MaxWorkS, tm.Stateful, tm.Bytes, tm.FullBytes, tm.Files
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
