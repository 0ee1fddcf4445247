package diagnose

import (
	"math"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/result"
)

// The sustainable input rate: the largest constant input rate (records/s,
// all sources together, in the proportions they produced) that the job keeps
// up with in steady state. It follows from the job's mechanisms
// (result.Capacity), not from what the run happened to read, so the
// simulator confirms it: the same job fed 0.9× of it ends healthy (Judge)
// and fed 1.1× does not (tested on every built-in scenario).
//
// The smallest of these limits wins:
//   - Task threads: subtask j of a task keeps its thread busy w_j seconds
//     per record of input (CPU work and a sink's waiting on its external
//     system). The job saturates when R·w_j = 1 for its busiest subtask, or
//     sooner when a stateful task also pauses for sync phases.
//   - Cores: a TaskManager's task threads share its C cores by their CPU
//     work alone (models/resources.go; a sink's waiting takes no core).
//     With c_j the CPU seconds per record of input of subtask j on it, the
//     job saturates when R·Σ c_j = C for some TaskManager.
//   - Checkpoints, at the processing rate R, per TaskManager: the cores its
//     task threads, RocksDB compaction and full-snapshot serialization
//     need; its disk (flushes, compaction, snapshot reads); its network
//     (uploads); compaction within its threads; and checkpoints inside the
//     timeout, where an incremental checkpoint uploads R × put bytes ×
//     write amplification × its period (a fixed point: a longer upload
//     makes a longer period and a larger upload). The same limits bound the
//     rate a backlog drains at, so above them a job never catches up.
//   - The task heap, with state on the heap: keyed state and accumulators
//     as held, and what buffering windows keep per record/s of input
//     (result.HeapCosts) must fit in each TaskManager's task heap.
//   - Nothing else: restarts from random failures are not counted (see
//     README).

// Sustainable is the largest constant input rate (records/s) the job keeps
// up with, and what bounds it: a task (and its busiest subtask when the
// subtasks' loads differ), slowed by checkpoints when they lower the rate
// by more than its resolution.
// It is 0 and "" when no task costs anything and no heap bounds it.
//
// When the work per record depends on the rate (c.At: a window's firings),
// the rate is the fixed point R = Sustainable(c.At(R)): the capacity at a
// rate sustains that rate and no more. Work per record falls as the rate
// grows, so the capacity at R sustains more than R below the fixed point
// and less above it, and bisection finds it.
func Sustainable(c *result.Capacity) (rate float64, bound string) {
	if c.At == nil {
		return sustainableLinear(c)
	}
	at := func(r float64) (float64, string) { return sustainableLinear(c.At(r)) }
	lo, _ := at(slowest) // the most work per record: the fixed point is above
	hi, why := at(fastest)
	if lo <= 0 || hi <= lo {
		return hi, why
	}
	for range 60 {
		mid := math.Sqrt(lo * hi)
		if r, _ := at(mid); r >= mid {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-9*hi {
			break
		}
	}
	_, bound = at(lo)
	return lo, bound
}

// slowest and fastest bracket a rate-dependent capacity's fixed point
// (records/s): far below and far above any job's input.
const (
	slowest = 1e-6
	fastest = 1e15
)

// sustainableLinear is Sustainable for a capacity whose work per record
// does not depend on the rate.
func sustainableLinear(c *result.Capacity) (rate float64, bound string) {
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
	if r, why := heapBound(c.Heap); r < rate {
		rate, bound = r, why
	}
	if math.IsInf(rate, 1) {
		return 0, ""
	}
	if r := coresBound(c); r < rate {
		rate, bound = r, "a TaskManager's cores (its task threads)"
	}
	if r := networkBound(c); r < rate {
		rate, bound = r, "a TaskManager's network (Kafka reads, shuffles, sink writes)"
	}
	if c.Checkpoints == nil {
		return rate, bound
	}
	ck := &checkpointLoad{c: c.Checkpoints, netOut: c.NetOut}
	if ck.limit(rate*(1-1e-9)) == "" { // just under the CPU bound: checkpoints cost nothing more
		return rate, bound
	}
	lo, hi := 0.0, rate
	for range 60 {
		mid := (lo + hi) / 2
		if ck.limit(mid) == "" {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo >= rate*(1-resolution) {
		return lo, bound // checkpoints cost too little to be what bounds the rate
	}
	lim := ck.limit(hi)
	if cores := "a TaskManager's cores"; strings.HasPrefix(bound, cores) && strings.HasPrefix(lim, cores) {
		return lo, lim + ", while checkpointing" // the same resource: said once
	}
	return lo, bound + " while checkpointing (" + lim + ")"
}

// resolution is how finely the sustainable rate is known: the simulator
// confirms it by feeding 0.9× and 1.1× of it (scenarios'
// TestSustainableRateConfirmed), and a subtask counts as at its capacity
// from busyLimit, 90% of its time. A cost of checkpoints that lowers the
// rate by less than this (a sync phase of 10 ms every 10 s takes 0.1% of a
// thread) is not what bounds it: the reason names what does without
// checkpoints, and the rate still counts the cost.
const resolution = 0.1

// checkpointLoad is the steady state of periodic checkpoints at a constant
// processing rate, per TaskManager.
type checkpointLoad struct {
	c      *result.CheckpointCosts
	netOut []float64 // per TaskManager: task bytes sent per input record
}

// heapBound is the input rate at which some TaskManager's heap state
// reaches its task heap (+Inf when unchecked), and why.
func heapBound(h *result.HeapCosts) (float64, string) {
	rate, why := math.Inf(1), ""
	if h == nil {
		return rate, why
	}
	for tm, l := range h.TaskManagers {
		r := math.Inf(1)
		switch {
		case l.Fixed >= h.TaskHeap:
			r = 0
		case l.PerRate > 0:
			r = (h.TaskHeap - l.Fixed) / l.PerRate
		}
		if r < rate {
			rate, why = r, "TaskManager "+strconv.Itoa(tm)+"'s task heap (state on the heap: an OutOfMemoryError beyond it)"
		}
	}
	return rate, why
}

// coresBound is the input rate at which some TaskManager's task threads
// need all its cores (+Inf when unlimited): C / Σ c_j.
func coresBound(c *result.Capacity) float64 {
	rate := math.Inf(1)
	if c.Cores <= 0 {
		return rate
	}
	for _, per := range c.CPU {
		if per > 0 {
			rate = min(rate, c.Cores/per)
		}
	}
	return rate
}

// networkBound is the input rate at which some TaskManager's tasks fill
// its network, in or out (+Inf when unlimited).
func networkBound(c *result.Capacity) float64 {
	rate := math.Inf(1)
	if c.Network <= 0 {
		return rate
	}
	for tm := range c.NetIn {
		if per := max(c.NetIn[tm], c.NetOut[tm]); per > 0 {
			rate = min(rate, c.Network/per)
		}
	}
	return rate
}

// limit is what the job runs out of at processing rate r, or "" when
// nothing.
func (ck *checkpointLoad) limit(r float64) string {
	c := ck.c
	if why := ck.firstFull(); why != "" {
		return why
	}
	period, ok := ck.period(r)
	if !ok {
		return "checkpoints would exceed the timeout"
	}
	if why := ck.changelog(r); why != "" {
		return why
	}
	for i, tm := range c.TaskManagers {
		var cpu, disk, net float64
		if i < len(ck.netOut) {
			net = r * ck.netOut[i] // the tasks' own sends share it with uploads
		}
		for k, w := range tm.WorkS {
			pause := 0.0 // a task without keyed state does not pause
			if k < len(tm.SyncS) {
				pause = tm.SyncS[k] / period
			}
			if k < len(tm.CPUS) {
				cpu += r * tm.CPUS[k] / (1 - pause) // its CPU work, not a sink's waiting
			}
			if r*w/(1-pause) >= 1 {
				return "sync phases leave too little time to process"
			}
		}
		for _, ss := range tm.Stateful {
			up := ck.upload(r, ss, period)
			flushed, more := ck.writes(r, ss, period)
			if c.ChangelogStreams > 0 {
				// the log as it is written, and materializations of what
				// RocksDB wrote (at most the state per materialization)
				up = (r*ss.PutBytes + flushed + more) * period
			}
			net += up / period
			if c.RocksDB {
				if more >= c.CompactionThreads*c.CompactionRate {
					return "RocksDB compaction falls behind its writes"
				}
				cpu += more / c.CompactionRate
				disk += flushed + 2*more + up/period
			}
			if !c.Incremental {
				cpu += up / period / c.SnapshotRate
				if c.LocalBackup {
					disk += up / period
				}
			}
		}
		switch {
		case c.Cores > 0 && cpu >= c.Cores:
			return "a TaskManager's cores: task threads, compaction and snapshots"
		case c.Disk > 0 && disk >= c.Disk:
			return "a TaskManager's disk: flushes, compaction and snapshot reads"
		case c.Network > 0 && net >= c.Network:
			return "a TaskManager's network: uploads and the tasks' sends"
		}
	}
	return ""
}

// period is the steady checkpoint period at processing rate r: the
// interval, or the checkpoint's duration and the min-pause when longer;
// false when the duration reaches the timeout.
func (ck *checkpointLoad) period(r float64) (float64, bool) {
	c := ck.c
	period := c.IntervalS
	for range 200 {
		dur := ck.syncS() + ck.uploadTime(func(ss result.StatefulSubtask) float64 { return ck.upload(r, ss, period) })
		if dur >= c.TimeoutS {
			return 0, false
		}
		next := max(c.IntervalS, dur+c.MinPauseS)
		if math.Abs(next-period) <= 1e-9*period {
			return next, true
		}
		period = next
	}
	return 0, false
}

// syncS is a checkpoint's sync phase: the longest pause of a task thread
// (0 when no task has keyed state).
func (ck *checkpointLoad) syncS() float64 {
	longest := 0.0
	for _, tm := range ck.c.TaskManagers {
		for _, d := range tm.SyncS {
			longest = max(longest, d)
		}
	}
	return longest
}

// changelog: the log's uploads keep up with what the subtasks write.
func (ck *checkpointLoad) changelog(r float64) string {
	c := ck.c
	if c.ChangelogStreams <= 0 {
		return ""
	}
	for _, tm := range c.TaskManagers {
		for _, ss := range tm.Stateful {
			if r*ss.PutBytes >= c.ChangelogStreams*unlimited(c.StreamUpload) {
				return "the changelog's uploads fall behind its writes"
			}
		}
	}
	return ""
}

// firstFull: the first incremental checkpoint uploads the whole state (the
// changelog backend's first materialization runs in the background).
func (ck *checkpointLoad) firstFull() string {
	c := ck.c
	if !c.Incremental || c.ChangelogStreams > 0 || c.Claimed {
		return ""
	}
	if ck.syncS()+ck.uploadTime(func(ss result.StatefulSubtask) float64 { return ss.FullBytes }) >= c.TimeoutS {
		return "the first, full checkpoint would exceed the timeout"
	}
	return ""
}

// writes is what RocksDB writes per second for a subtask at processing
// rate r: its flushes, of a full memtable or of what a checkpoint period
// put (each checkpoint's sync phase flushes the memtable), each the
// distinct keys among its puts (result.StatefulSubtask.Flush), and the
// compaction each calls for (result.Leveled).
func (ck *checkpointLoad) writes(r float64, ss result.StatefulSubtask, period float64) (flushed, compacted float64) {
	file, files := ck.flushes(r, ss, period)
	if files <= 0 {
		return 0, 0
	}
	b, fresh := ss.Flush(file / ss.PutBytes)
	return b * files, ck.leveled().Compaction(b, fresh, ss.FullBytes) * files
}

// flushes is a subtask's memtable flushes at processing rate r: the puts
// of each (a full memtable, or a checkpoint period's puts when less: each
// sync phase flushes) and how many per second.
func (ck *checkpointLoad) flushes(r float64, ss result.StatefulSubtask, period float64) (file, perS float64) {
	put := r * ss.PutBytes
	if put <= 0 {
		return 0, 0
	}
	file = put * period
	if ck.c.WriteBufferSize > 0 {
		file = min(file, ck.c.WriteBufferSize)
	}
	return file, put / file
}

// leveled is RocksDB's levels as the costs give them (without levels, the
// write amplification alone).
func (ck *checkpointLoad) leveled() result.Leveled {
	l := ck.c.Leveled
	if l.WriteAmplification == 0 {
		l.WriteAmplification = ck.c.WriteAmplification
	}
	return l
}

// upload is what a subtask uploads per checkpoint at processing rate r:
// with the changelog backend, the tail (at most the pre-emptive threshold,
// 5 MB, and what waits to upload: about nothing at a steady rate).
func (ck *checkpointLoad) upload(r float64, ss result.StatefulSubtask, period float64) float64 {
	c := ck.c
	if c.ChangelogStreams > 0 {
		return 0
	}
	if c.Incremental {
		return min(ck.liveWritten(r, ss, period), ss.FullBytes)
	}
	return ss.FullBytes
}

// liveWritten is what a period of processing at rate r writes into a
// subtask's RocksDB that is still live at its end, as the simulation's
// incremental upload counts it (models/lsm_files.go): of level 0, the
// files flushed not yet compacted (at most L0CompactionFiles, a
// compaction merges them), and of each deeper level what the period
// wrote into it, no more than the level holds.
func (ck *checkpointLoad) liveWritten(r float64, ss result.StatefulSubtask, period float64) float64 {
	file, files := ck.flushes(r, ss, period)
	if files <= 0 {
		return 0
	}
	l := ck.leveled()
	b, fresh := ss.Flush(file / ss.PutBytes)
	live := min(b*files*period, b*max(l.L0CompactionFiles, 1))
	sizes := l.Sizes(ss.FullBytes)
	for i, w := range l.CompactionByLevel(b, fresh, ss.FullBytes) {
		live += min(w*files*period, sizes[i])
	}
	return live
}

// uploadTime is the slowest subtask's upload of bytes(subtask): its
// streams, its share of its TaskManager's network and of the storage, and
// the request latency of its files.
func (ck *checkpointLoad) uploadTime(bytes func(result.StatefulSubtask) float64) float64 {
	c := ck.c
	all := 0
	for _, tm := range c.TaskManagers {
		all += len(tm.Stateful)
	}
	slowest := 0.0
	for _, tm := range c.TaskManagers {
		for _, ss := range tm.Stateful {
			b := bytes(ss)
			if b <= 0 {
				continue
			}
			threads := float64(max(c.TransferThreads, 1))
			files := math.Max(1, math.Ceil(b/math.Max(c.FileSize, 1)))
			bw, rounds := math.Min(threads, files)*unlimited(c.StreamUpload), math.Ceil(files/threads)
			if !c.Incremental {
				bw, rounds = math.Min(unlimited(c.StreamUpload), c.SnapshotRate), 1
			}
			bw = math.Min(bw, unlimited(c.Network)/float64(len(tm.Stateful)))
			bw = math.Min(bw, unlimited(c.Throughput)/float64(all))
			slowest = max(slowest, b/bw+rounds*c.RequestLatencyS)
		}
	}
	return slowest
}

func unlimited(v float64) float64 {
	if v <= 0 {
		return math.Inf(1)
	}
	return v
}
