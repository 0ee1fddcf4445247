package models

// Footprint is what a run will hold in memory, estimated from its Spec
// before anything is built, so that a job too big for the machine is
// refused before it starts.
type Footprint struct {
	Channels int64 // network channels: Σ over exchanges of upstream × downstream subtasks (forward: one each)
	Subtasks int64 // Σ parallelism
	Samples  int64 // metric samples each subtask's series hold at the end
	// Bytes is the heap at the end of a run whose channels all held their
	// most buffers (a backpressured all-to-all exchange); MinBytes is what
	// the run holds once built, before any record moves, and its metric
	// samples: the least it needs by its end.
	Bytes, MinBytes int64
}

// Bytes per channel, per subtask and per subtask-sample, measured on the
// real data structures by TestFootprintConstants (estimate_test.go), on a
// backpressured keyBy job where channels hold their most buffers: 1241 B
// per channel, 8168 B per subtask, 87 B per subtask-sample (941, 2226 and
// 87 when the sink keeps up), rounded up. The test fails when they drift.
// A channel is the channel struct, its queue of finished buffers, its place
// in the gate's and partition's lists and keyBy's per-channel carry.
const (
	FootprintPerChannel       = 1300
	FootprintPerSubtask       = 8500
	FootprintPerSubtaskSample = 100
	FootprintBase             = 1 << 20
	// Once built, before any record moves (measured 385 B per channel and
	// 2410 B per subtask).
	FootprintPerChannelBuilt = 400
	FootprintPerSubtaskBuilt = 2400
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
		f.Samples = int64(spec.Duration/si) + 1
	}
	f.Bytes = FootprintBase + f.Channels*FootprintPerChannel + f.Subtasks*FootprintPerSubtask +
		f.Subtasks*f.Samples*FootprintPerSubtaskSample
	f.MinBytes = FootprintBase + f.Channels*FootprintPerChannelBuilt + f.Subtasks*FootprintPerSubtaskBuilt +
		f.Subtasks*f.Samples*FootprintPerSubtaskSample
	return f
}
