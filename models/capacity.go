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

// capacity assembles the run's result.Capacity.
func (s *Simulation) capacity(w [][]float64) *result.Capacity {
	c := &result.Capacity{}
	for ti, t := range s.tasks {
		c.Tasks = append(c.Tasks, result.TaskWork{Task: t.name, WorkS: w[ti]})
	}
	if s.coord != nil {
		c.Checkpoints = s.checkpointCosts(w)
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
// record of input (all sources together).
func (s *Simulation) flows() [][]float64 {
	out := make([][]float64, len(s.nodes))
	srcShare := s.sourceShares()
	var in func(rt *nodeRT) []float64
	outOf := func(rt *nodeRT) []float64 {
		f := in(rt)
		g := make([]float64, len(f))
		sel := outputsPerInput(rt)
		for j := range f {
			g[j] = f[j] * sel
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

// checkpointCosts is what periodic checkpoints cost, per TaskManager: the
// mechanisms of storage.go and snapshot.go in their mean.
func (s *Simulation) checkpointCosts(w [][]float64) *result.CheckpointCosts {
	c := s.spec.Checkpointing
	st := c.Storage
	tms := s.totalTMs
	ck := &result.CheckpointCosts{
		IntervalS: c.Interval.Seconds(), MinPauseS: c.MinPause.Seconds(), TimeoutS: c.Timeout.Seconds(), SyncS: c.SyncPhase.Seconds(),
		UploadPerTM: st.UploadPerTM, Throughput: st.Throughput, RequestLatencyS: st.RequestLatency.Seconds(),
		FileSize: float64(st.FileSize), TransferThreads: st.TransferThreads,
		Slowdown: st.ProcessingSlowdown, UploadShareWhenBusy: st.UploadShareWhenBusy,
		Part: 1, TaskManagers: make([]result.TaskManagerCheckpoint, tms),
	}
	// Incremental checkpoints upload a part of the state: the part this
	// run's last completed checkpoint uploaded.
	if c.Incremental {
		for i := len(s.coord.history) - 1; i >= 0; i-- {
			if h := s.coord.history[i]; h.Status == "COMPLETED" && h.StateSize > 0 {
				ck.Part = float64(h.Checkpointed) / float64(h.StateSize)
				break
			}
		}
	}
	threads := float64(max(st.TransferThreads, 1))
	for ti, t := range s.tasks {
		for j, sub := range t.subtasks {
			tm := &ck.TaskManagers[sub.tm]
			tm.MaxWorkS = max(tm.MaxWorkS, w[ti][j])
			var b float64
			for _, rt := range t.nodes {
				if rt.spec.Keyed != nil {
					b += rt.distinctKeys(j, sub.ops[rt.pos].stateRecs) * float64(rt.spec.Keyed.StatePerKey)
				}
			}
			tm.FullBytes += b
			b *= ck.Part
			if s.syncDuration(sub) > 0 {
				tm.Stateful = true
			}
			tm.Bytes += b
			if ck.FileSize > 0 {
				tm.Files = max(tm.Files, math.Ceil(math.Ceil(b/ck.FileSize)/threads))
			}
		}
	}
	return ck
}
