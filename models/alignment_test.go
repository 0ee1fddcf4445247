package models

import (
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// alignJob is a two-input job simulated record by record: source "a" has no
// data, source "b" a backlog of records one network buffer (32 KiB) each,
// and "join" reads both at cost c per record. All three share a slot, so the
// channels are local: b's channel holds at most max-buffers-per-channel
// buffers (the pool of 2 + 8 buffers is the same size); the buffer of the
// record the join is processing went back to b's pool when the join
// deserialized the record. Only the join is busy, starting its k-th record
// at exactly k·c.
func alignJob(c sim.Time) Spec {
	seg := DefaultNetwork().SegmentSize
	src := func(name string, backlog int64) Node {
		return Node{Name: name, Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: seg,
			Kafka: &Kafka{Topic: name, Partitions: 1, Rate: ConstantRate(0), InitialBacklog: backlog}}
	}
	return Spec{
		Name: "align", Seed: 3, Duration: 20 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 1, SampleInterval: sim.Second},
		Nodes: []Node{
			src("a", 0), src("b", 1e9),
			{Name: "join", Kind: KindOperator, Parallelism: 1, Chain: true, RecordSize: 100, Selectivity: 1, Cost: sim.Constant{V: c.Seconds()},
				Inputs: []Input{{From: "a", Exchange: Rebalance}, {From: "b", Exchange: Rebalance}}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 100, Sink: &Sink{}, Inputs: []Input{{From: "join"}}},
		},
		Checkpointing: &Checkpointing{Interval: 10 * sim.Second, Timeout: 10 * sim.Minute, MaxConcurrent: 1,
			Storage: Storage{StreamUpload: 1e9, FileSize: 1 << 30, TransferThreads: 1}},
		Restart: RestartStrategy{Kind: "none"},
	}
}

// TestBarrierAlignment follows checkpoint 1 through the join. It is
// triggered at t0, while the join is in the record it started at
// s = c·⌊t0/c⌋. Both sources take the trigger at once and send their
// barriers: a's into an empty channel, b's behind the Q = 10 buffers queued
// in its channel (the current record's buffer was recycled when it was
// deserialized, and b refilled it).
//
//   - Aligned: the join reads a's barrier after its current record (start
//     delay s+c−t0), blocks a's channel, and reads b's barrier after the 10
//     queued records: alignment 10c, end to end s+11c−t0.
//   - At-least-once: the same times (a has nothing to block), nothing
//     blocked.
//   - Unaligned: b's barrier overtakes the 10 buffers, which b persists; the
//     join reads both barriers after its current record: alignment 0, end to
//     end s+c−t0, persisted 10 buffers.
//   - Aligned with aligned-checkpoint-timeout T: aligned until t0+T, then b's
//     barrier overtakes what is still queued and the join snapshots after
//     the record it is in. b's barrier was timeoutable: b acknowledges once
//     it has uploaded the P bytes it overtook (PipelinedSubpartition's
//     channel state future), over one 1 GB/s stream: end to end
//     max(c·⌈(t0+T)/c⌉, t0+T+P/1 GB/s) − t0.
func TestBarrierAlignment(t *testing.T) {
	const c = 7 * sim.Millisecond
	const queued = 10 // Q = max-buffers-per-channel
	seg := DefaultNetwork().SegmentSize
	t0 := initialDelay(alignJob(c))
	s0 := t0 / c * c
	if s0 == t0 {
		t.Fatalf("t0 %v falls on a record boundary: pick another seed", t0)
	}
	ceil := func(x sim.Time) sim.Time { return (x + c - 1) / c * c }
	const timeoutT = 10 * sim.Millisecond
	cases := []struct {
		name                   string
		mode                   func(*Checkpointing)
		startDelay, align, e2e sim.Time
		persisted              int64
	}{
		{"aligned", func(*Checkpointing) {}, s0 + c - t0, queued * c, s0 + (queued+1)*c - t0, 0},
		{"at-least-once", func(k *Checkpointing) { k.AtLeastOnce = true }, s0 + c - t0, queued * c, s0 + (queued+1)*c - t0, 0},
		{"unaligned", func(k *Checkpointing) { k.Unaligned = true }, s0 + c - t0, 0, s0 + c - t0, queued * seg},
		{"aligned-timeout", func(k *Checkpointing) { k.Unaligned, k.AlignedTimeout = true, timeoutT }, s0 + c - t0, -1, ceil(t0+timeoutT) - t0, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := alignJob(c)
			tc.mode(spec.Checkpointing)
			s := runCkpt(t, spec)
			h := s.coord.history[0]
			if h.Status != "COMPLETED" || h.Trigger != t0 {
				t.Fatalf("checkpoint 1: %s at %v, want COMPLETED at %v", h.Status, h.Trigger, t0)
			}
			var join, b result.SubtaskCheckpointStats
			for _, task := range h.Tasks {
				switch task.Name {
				case "join -> Sink: out":
					join = task.Subtasks[0]
				case "Source: b":
					b = task.Subtasks[0]
				}
			}
			if tc.name == "aligned-timeout" {
				if b.Persisted <= 0 {
					t.Fatalf("Source: b persisted %d bytes at the timeout, want its queued buffers", b.Persisted)
				}
				tc.e2e = max(tc.e2e, timeoutT+sim.FromSeconds(float64(b.Persisted)/1e9))
			}
			if h.Duration != tc.e2e {
				t.Errorf("end to end %v, want %v", h.Duration, tc.e2e)
			}
			if join.StartDelay != tc.startDelay {
				t.Errorf("join start delay %v, want %v", join.StartDelay, tc.startDelay)
			}
			if tc.align >= 0 && join.Alignment != tc.align {
				t.Errorf("join alignment %v, want %v", join.Alignment, tc.align)
			}
			if tc.persisted >= 0 && h.PersistedData != tc.persisted {
				t.Errorf("persisted %d bytes, want %d", h.PersistedData, tc.persisted)
			}
			// The job has no keyed state: its state is the channel state,
			// which Flink counts in the state and checkpointed sizes, and its
			// Kafka readers' splits.
			if want := h.PersistedData + readerStateOf(spec); h.StateSize != want || h.Checkpointed != want {
				t.Errorf("state size %d, checkpointed %d; want the persisted %d and the readers' %d", h.StateSize, h.Checkpointed, h.PersistedData, readerStateOf(spec))
			}
			if tc.name == "aligned-timeout" && (!h.Unaligned || h.PersistedData <= 0 || h.PersistedData >= queued*seg) {
				t.Errorf("after the aligned timeout: unaligned %v, persisted %d; want unaligned, 0 < persisted < %d",
					h.Unaligned, h.PersistedData, queued*seg)
			}
		})
	}
}

// TestLateTaskTimesOutAtOnce: a task that meets a checkpoint only after its
// aligned-checkpoint-timeout has passed goes unaligned at once, as both
// timers start from the barrier's timestamp, the trigger's
// (BarrierAlignmentUtil.getTimerDelay: max(timeout − elapsed, 0)). With a
// timeout of 1 ms and source b busy in a 20 ms record at the trigger, b
// takes the checkpoint after the timeout: its snapshot is unaligned, its
// barrier overtakes its output at once, rather than an aligned barrier
// that no timeout converts any more.
func TestLateTaskTimesOutAtOnce(t *testing.T) {
	spec := alignJob(7 * sim.Millisecond)
	spec.Nodes[1].Kafka.InitialBacklog = 0
	spec.Nodes[1].Kafka.Rate = ConstantRate(40) // b: a 20 ms record at a time, busy most of the time
	spec.Nodes[1].Cost = sim.Constant{V: 0.02}
	spec.Nodes[0].Kafka.Rate = ConstantRate(100)
	spec.Checkpointing.Unaligned, spec.Checkpointing.AlignedTimeout = true, sim.Millisecond
	s := runCkpt(t, spec)
	h := s.coord.history[0]
	var b result.SubtaskCheckpointStats
	for _, task := range h.Tasks {
		if task.Name == "Source: b" {
			b = task.Subtasks[0]
		}
	}
	if h.Status != "COMPLETED" || b.StartDelay <= spec.Checkpointing.AlignedTimeout {
		t.Fatalf("checkpoint 1 %s, b's start delay %v: the case needs b to take it after the 1 ms timeout", h.Status, b.StartDelay)
	}
	if !b.Unaligned {
		t.Errorf("Source: b took checkpoint 1 %v after its trigger, aligned; want unaligned: its timeout had passed", b.StartDelay)
	}
}

// TestForwardInputTimesOutItsOutputs: a task whose input is forward
// (pointwise: no unaligned barriers) aligns, but its own barriers on an
// edge that allows unaligned ones are timeoutable: taking the checkpoint
// after the aligned-checkpoint-timeout, it converts them at once
// (SubtaskCheckpointCoordinatorImpl.registerAlignmentTimer with a delay of
// max(timeout − elapsed, 0) = 0), and the slow sink reads its barrier
// ahead of the full queue, unaligned, instead of after it.
func TestForwardInputTimesOutItsOutputs(t *testing.T) {
	seg := DefaultNetwork().SegmentSize
	spec := Spec{
		Name: "fwd", Seed: 3, Duration: 20 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 1, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: seg,
				Kafka: &Kafka{Topic: "src", Partitions: 1, Rate: ConstantRate(0), InitialBacklog: 1e9}},
			{Name: "parse", Kind: KindOperator, Parallelism: 1, Chain: false, RecordSize: seg, Selectivity: 1, Cost: sim.Constant{V: 0.002},
				Inputs: []Input{{From: "src", Exchange: Forward}}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: seg, Sink: &Sink{}, Cost: sim.Constant{V: 0.01},
				Inputs: []Input{{From: "parse", Exchange: Rebalance}}},
		},
		Checkpointing: &Checkpointing{Interval: 10 * sim.Second, Timeout: 10 * sim.Minute, MaxConcurrent: 1, Unaligned: true, AlignedTimeout: 5 * sim.Millisecond,
			Storage: Storage{StreamUpload: 1e9, FileSize: 1 << 30, TransferThreads: 1}},
		Restart: RestartStrategy{Kind: "none"},
	}
	s := runCkpt(t, spec)
	h := s.coord.history[0]
	var parse, out result.SubtaskCheckpointStats
	for _, task := range h.Tasks {
		switch task.Name {
		case "parse":
			parse = task.Subtasks[0]
		case "out: Writer", "Sink: out":
			out = task.Subtasks[0]
		}
	}
	if h.Status != "COMPLETED" || parse.StartDelay <= spec.Checkpointing.AlignedTimeout {
		t.Fatalf("checkpoint 1 %s, parse's start delay %v: the case needs parse to take it after the 5 ms timeout", h.Status, parse.StartDelay)
	}
	if !out.Unaligned || out.StartDelay > parse.StartDelay+20*sim.Millisecond {
		t.Errorf("sink: unaligned %v, start delay %v (parse's %v); want its barrier read unaligned within a record or two of parse's snapshot", out.Unaligned, out.StartDelay, parse.StartDelay)
	}
}
