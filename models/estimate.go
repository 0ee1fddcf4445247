package models

import "math/bits"

// Footprint is what a run will hold in memory, estimated from its Spec
// before anything is built, so that a job too big for the machine is
// refused before it starts.
type Footprint struct {
	Channels int64 // network channels: Σ over exchanges of upstream × downstream subtasks (forward: one each)
	Subtasks int64 // Σ parallelism
	Samples  int64 // metric samples each subtask's series hold at the end
	// KafkaRuns is the most runs of records the Kafka sources' logs hold
	// (kafkaMaxRuns per partition, kafka.go): they reach it when the job
	// falls behind, or keeps what it read for a replay (it can fail over)
	// long enough; up to 2^18 runs of 56 B per source, 14.7 MB.
	KafkaRuns int64
	// Checkpoints is the most checkpoints the run triggers (one per
	// interval), each kept to the end with its tasks' stats: a month at
	// one a second is 2.6M. CheckpointBytes is what they hold.
	Checkpoints, CheckpointBytes int64
	// Bytes is the heap at the end of a run whose channels all held their
	// most buffers (a backpressured all-to-all exchange) and whose Kafka
	// logs are full; MinBytes is what the run holds once built, before any
	// record moves, and its metric samples: the least it needs by its end.
	Bytes, MinBytes int64
}

// Bytes per channel, per subtask and per subtask-sample, measured on the
// real data structures by TestFootprintConstants (estimate_test.go), on a
// backpressured keyBy job where channels hold their most buffers: 1543 B
// per channel, 1346 B per subtask, 84 B per subtask-sample, rounded up
// (the per-subtask figure kept from an earlier fit of 8168 B). The test
// fails when they drift. A channel is the channel struct, its queue of
// finished buffers, its place in the gate's and partition's lists, keyBy's
// per-channel carry and its leaf in the partition's room tree.
const (
	FootprintPerChannel       = 1600
	FootprintPerSubtask       = 8500
	FootprintPerSubtaskSample = 100
	FootprintBase             = 1 << 20
	// Once built, before any record moves (measured 483 B per channel and
	// 3677 B per subtask).
	FootprintPerChannelBuilt = 500
	FootprintPerSubtaskBuilt = 3700
	// A run of records in a Kafka partition's log: seven 8-byte fields
	// (kafka.go's run; TestFootprintConstants checks the size).
	FootprintPerKafkaRun = 56
	// A checkpoint's stats (result.CheckpointStats and the pending
	// checkpoint's record) and each task's part of them
	// (result.TaskCheckpointStats, 96 B; per-subtask details only for the
	// latest maxDetailed): measured 166 + 160 B and 96 B a task by
	// TestFootprintCountsCheckpoints, rounded up.
	FootprintPerCheckpoint     = 400
	FootprintPerCheckpointTask = 100
)

// EstimateFootprint estimates spec's memory at the end of its run.
func EstimateFootprint(spec Spec) Footprint {
	par := map[string]int64{}
	for _, n := range spec.Nodes {
		par[n.Name] = int64(n.Parallelism)
	}
	var f Footprint
	for _, n := range spec.Nodes {
		f.Subtasks += int64(n.Parallelism)
		for _, in := range n.Inputs {
			if in.Exchange == Forward {
				f.Channels += int64(n.Parallelism) // chained forward edges have none: an upper bound
			} else {
				f.Channels += par[in.From] * int64(n.Parallelism)
			}
		}
	}
	if si := spec.Sim.SampleInterval; si > 0 {
		f.Samples = int64(sampleCap(&spec)) // series are allocated whole, at most maxSamples
	}
	for _, n := range spec.Nodes {
		if k := n.Kafka; n.Kind == KindSource && k != nil {
			// The ring of a log grows by doubling up to kafkaMaxRuns.
			f.KafkaRuns += int64(k.Partitions) << bits.Len(uint(kafkaMaxRuns(k.Partitions)-1))
		}
	}
	if c := spec.Checkpointing; c != nil && c.Interval > 0 {
		f.Checkpoints = int64(spec.Duration/c.Interval) + 1
	}
	// A task per node at most (chaining only merges them).
	f.CheckpointBytes = f.Checkpoints * int64(FootprintPerCheckpoint+FootprintPerCheckpointTask*len(spec.Nodes))
	f.Bytes = FootprintBase + f.Channels*FootprintPerChannel + f.Subtasks*FootprintPerSubtask +
		f.Subtasks*f.Samples*FootprintPerSubtaskSample + f.KafkaRuns*FootprintPerKafkaRun + f.CheckpointBytes
	f.MinBytes = FootprintBase + f.Channels*FootprintPerChannelBuilt + f.Subtasks*FootprintPerSubtaskBuilt +
		f.Subtasks*f.Samples*FootprintPerSubtaskSample
	return f
}

// NetworkFill is how full the network is: the buffers its records in
// flight fill (whole or in part, at each channel's records per buffer)
// over the buffers there are (senders' pools, receivers' exclusive and
// floating), for work estimates: a job whose channels are still filling (a
// keyBy of 64 × 64 channels behind a slow sink does for its first minute)
// has not reached the pace of the rest of its run. 0 for a job without
// exchanges.
func (s *Simulation) NetworkFill() float64 {
	var held, pool float64
	for _, st := range s.subtasks {
		for _, p := range st.parts {
			pool += float64(p.pool)
			for _, c := range p.ch {
				if c.rpb > 0 {
					held += float64(c.inflight) / float64(c.rpb)
				} else {
					held += float64(c.inflight) * float64(p.edge.bpr)
				}
			}
		}
		for _, g := range st.gates {
			pool += float64(g.capacity)
		}
	}
	if pool == 0 {
		return 0
	}
	return held / pool
}
