package models

import (
	"math"

	"github.com/flinksim/flinksim/result"
)

// What the job's sustainable input rate follows from (result.Capacity; the
// rate itself is diagnose.Sustainable): per task and subtask the seconds of
// work one record of input costs, and per TaskManager what a checkpoint
// costs. Records reach each subtask through the exchanges: forward keeps the
// subtask, rebalance spreads evenly, keyBy follows the key groups' shares;
// selectivity multiplies, and mini-batch outputs per input follow this
// run's batches.

// capacity assembles the run's result.Capacity from each subtask's thread
// time w and CPU time cpu per input record (work), with, when the work
// per record depends on the rate (rateDependent), the capacity at a rate
// (At).
func (s *Simulation) capacity(w, cpu, flows [][]float64) *result.Capacity {
	c := s.capacityOf(w, cpu, flows, 0)
	if s.rateDependent() {
		c.At = func(rate float64) *result.Capacity {
			f := s.flowsAt(rate)
			w, cpu := s.work(f, rate)
			return s.capacityOf(w, cpu, f, rate)
		}
	}
	return c
}

// capacityOf is the result.Capacity of work w and cpu over flows at the
// input rate (≤ 0: the run's linear capacity).
func (s *Simulation) capacityOf(w, cpu, flows [][]float64, rate float64) *result.Capacity {
	c := &result.Capacity{Cores: s.spec.TaskManager.Cores, CPU: make([]float64, s.totalTMs)}
	for ti, t := range s.tasks {
		c.Tasks = append(c.Tasks, result.TaskWork{Task: t.name, WorkS: w[ti]})
		for j, sub := range t.subtasks {
			c.CPU[sub.tm] += cpu[ti][j] // its threads share its cores (resources.go)
		}
	}
	if s.coord != nil {
		c.Checkpoints = s.checkpointCosts(w, cpu, flows)
	}
	c.Network = s.spec.TaskManager.Network
	c.NetIn, c.NetOut = s.networkPerRecord(flows, rate)
	if s.heapChecked() {
		c.Heap = s.heapCosts(flows)
	}
	return c
}

// sourceShares is each source's part of the input, from what it produced
// (equal parts when nothing was).
func (s *Simulation) sourceShares() map[*nodeRT]float64 {
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
	return srcShare
}

// outputsPerInput is a node's records out per record in: none for a sink,
// this run's ratio for a mini-batch, the selectivity for an operator.
func outputsPerInput(rt *nodeRT) float64 {
	switch {
	case rt.spec.Kind == KindSink:
		return 0
	case rt.spec.MiniBatch != nil:
		// aggregates per record in: as this run's batches came out
		var i, o int64
		for _, st := range rt.task.subtasks {
			i += st.ops[rt.pos].in
			o += st.ops[rt.pos].out
		}
		if i > 0 {
			return float64(o) / float64(i)
		}
	case rt.spec.Kind == KindOperator:
		return rt.spec.Selectivity
	}
	return 1
}

// flows returns, for every node and subtask, the records that reach it per
// record of input (all sources together), windows' results counted at
// their operators' selectivity.
func (s *Simulation) flows() [][]float64 { return s.flowsAt(0) }

// flowsAt is flows when the job's input is rate records/s: a window's
// results as its keys give them at that rate (windowload.go; rate
// ≤ 0: at its selectivity).
func (s *Simulation) flowsAt(rate float64) [][]float64 {
	out := make([][]float64, len(s.nodes))
	srcShare := s.sourceShares()
	var in func(rt *nodeRT) []float64
	outOf := func(rt *nodeRT) []float64 {
		f := in(rt)
		g := make([]float64, len(f))
		for j := range f {
			g[j] = f[j] * outputsAt(rt, j, f[j], rate)
		}
		return g
	}
	in = func(rt *nodeRT) []float64 {
		if out[rt.idx] != nil {
			return out[rt.idx]
		}
		f := make([]float64, len(rt.task.subtasks))
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
				exchangeFlow(e, outOf(e.from), f)
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

// exchangeFlow adds to f what reaches each receiving subtask over edge e
// of the sending subtasks' outputs up.
func exchangeFlow(e *edge, up, f []float64) {
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
			f[j] += total / float64(len(f))
		}
	case Hash:
		for j, w := range e.to.shares() {
			f[j] += total * w
		}
	}
}

// work is, per task and subtask, the seconds one record of input keeps
// that subtask's thread busy (w: mean costs and sink write time), and of
// them its CPU work (cpu: the mean costs). A sink's wait on its external
// system occupies its thread but no core, as process() charges it
// (step.go): only CPU work shares the TaskManager's cores. At an input
// rate > 0 a window's firing counts too, as it is at that rate.
func (s *Simulation) work(flows [][]float64, rate float64) (w, cpu [][]float64) {
	w, cpu = make([][]float64, len(s.tasks)), make([][]float64, len(s.tasks))
	for ti, t := range s.tasks {
		w[ti], cpu[ti] = make([]float64, len(t.subtasks)), make([]float64, len(t.subtasks))
		for _, rt := range t.nodes {
			sec, wait := 0.0, 0.0
			if rt.spec.Cost != nil {
				sec = rt.spec.Cost.Mean()
			}
			if rt.spec.Kind == KindSink {
				wait = rt.sinkSeconds(1)
			}
			for j := range w[ti] {
				f := flows[rt.idx][j]
				fire := firingAt(rt, j, f, rate)
				w[ti][j] += f * (sec + wait + fire)
				cpu[ti][j] += f * (sec + fire)
			}
		}
	}
	return w, cpu
}

// checkpointCosts is what periodic checkpoints cost, per TaskManager: the
// settings and sizes behind the mechanisms of resources.go, storage.go,
// lsm.go and snapshot.go.
func (s *Simulation) checkpointCosts(w, cpu, flows [][]float64) *result.CheckpointCosts {
	c := s.spec.Checkpointing
	st := c.Storage
	tm := s.spec.TaskManager
	ck := &result.CheckpointCosts{
		IntervalS: c.Interval.Seconds(), MinPauseS: c.MinPause.Seconds(), TimeoutS: c.Timeout.Seconds(),
		StreamUpload: st.StreamUpload, Throughput: st.Throughput, RequestLatencyS: st.RequestLatency.Seconds(),
		FileSize: float64(st.FileSize), TransferThreads: st.TransferThreads,
		Incremental: s.incremental(), RocksDB: c.RocksDB, LocalBackup: c.LocalBackup, Claimed: c.Claimed,
		Cores: tm.Cores, Network: tm.Network, Disk: tm.Disk,
		WriteAmplification: c.LSM.WriteAmplification, CompactionThreads: float64(max(c.LSM.BackgroundThreads, 1)),
		CompactionRate: c.LSM.CompactionRate, SnapshotRate: c.LSM.SnapshotRate,
		Leveled: c.LSM.leveled(), WriteBufferSize: float64(c.LSM.WriteBufferSize),
		TaskManagers: make([]result.TaskManagerCheckpoint, s.totalTMs),
	}
	if c.Changelog != nil {
		ck.ChangelogStreams = float64(max(c.Changelog.UploadThreads, 1))
	}
	if c.MaxStateSize > 0 {
		// To the JobManager's memory (memstorage.go): no storage connection,
		// throughput or file request bounds the async phase.
		ck.StreamUpload, ck.Throughput, ck.RequestLatencyS = 0, 0, 0
	}
	for ti, t := range s.tasks {
		for j, sub := range t.subtasks {
			m := &ck.TaskManagers[sub.tm]
			m.WorkS, m.CPUS = append(m.WorkS, w[ti][j]), append(m.CPUS, cpu[ti][j])
			m.SyncS = append(m.SyncS, s.syncDuration(t).Seconds()) // as snapshot.go pauses it
			if !t.stateful() {
				continue
			}
			var ss result.StatefulSubtask
			for _, rt := range t.nodes {
				if k := rt.spec.Keyed; k != nil && k.StatePerKey > 0 {
					ss.PutBytes += flows[rt.idx][j] * float64(k.StatePerKey)
					ss.FullBytes += rt.distinctKeys(j, sub.ops[rt.pos].stateRecs) * float64(k.StatePerKey)
					ss.Keyed = append(ss.Keyed, rt.keyedWrites(j, flows[rt.idx][j], sub.ops[rt.pos].stateRecs))
				}
			}
			m.Stateful = append(m.Stateful, ss)
		}
	}
	return ck
}

// uploadCeiling is the most one TaskManager can upload: its network, or
// what its stateful subtasks' transfer threads can move.
func (s *Simulation) uploadCeiling() float64 {
	st := s.spec.Checkpointing.Storage
	streams := 0.0
	for _, t := range s.tasks {
		if t.stateful() {
			streams += float64(max(st.TransferThreads, 1))
		}
	}
	streams /= float64(s.totalTMs)
	ceiling := math.Inf(1)
	if st.StreamUpload > 0 && streams > 0 && s.spec.Checkpointing.MaxStateSize == 0 {
		ceiling = streams * st.StreamUpload
	}
	if n := s.spec.TaskManager.Network; n > 0 {
		ceiling = math.Min(ceiling, n)
	}
	if math.IsInf(ceiling, 1) {
		return 0
	}
	return ceiling
}

// keyedWrites is subtask j's updates of keyed operator rt, flow records per
// input record, for what its flushes write (lsm.go: flushFile).
func (rt *nodeRT) keyedWrites(j int, flow float64, seen int64) result.KeyedWrites {
	w := result.KeyedWrites{Updates: flow, StatePerKey: float64(rt.spec.Keyed.StatePerKey),
		Keys: rt.subs[j].bands, Seen: float64(seen)}
	if rt.spec.Keyed.Warm {
		w.Seen = math.Inf(1)
	}
	return w
}
