package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestGateBuffersSpec: an input gate's buffers as Flink 1.17+'s
// InputGateSpecUtils.createGateBuffersSpec gives them. A gate of n
// channels requires n × buffers-per-channel (2) + 1 buffers, at most
// read-buffer.required-per-gate.max; each channel keeps (required − 1) / n
// exclusive buffers, at most 2; the floating pool holds the gate's target,
// n × 2 + floating-buffers-per-gate (8), less n times that. Here a keyBy
// from 10 subtasks, one per TaskManager: every gate of agg has 10
// channels, 9 of them remote.
//
//   - unset: 21 required, 2 exclusive, a pool of 8 (28 − 20);
//   - 15: 1 exclusive (14 / 10), a pool of 18 (28 − 10);
//   - 5: none exclusive (4 / 10), a pool of 28.
func TestGateBuffersSpec(t *testing.T) {
	for _, c := range []struct {
		maxReq              int
		exclusive, floating int32
	}{{0, 2, 8}, {15, 1, 18}, {5, 0, 28}} {
		spec := keyedSpec(10, 10, 1000)
		spec.SlotsPerTaskManager = 1
		spec.Network.MaxRequiredPerGate = c.maxReq
		s, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range s.nodes[1].task.subtasks {
			g := st.gates[0]
			if len(g.ch) != 10 || g.remote != 9 || g.exclusive != c.exclusive || g.floating != c.floating || g.capacity != 9*c.exclusive+c.floating {
				t.Fatalf("at most %d: gate of agg[%d]: %d channels (%d remote), %d exclusive, %d floating, capacity %d; want 10 (9), %d, %d, %d",
					c.maxReq, st.index, len(g.ch), g.remote, g.exclusive, g.floating, g.capacity, c.exclusive, c.floating, 9*c.exclusive+c.floating)
			}
		}
	}
}

// TestRequiredPerGateMaxFloatsCredits: a remote channel whose sender
// always has data moves a credit's worth of buffers per round trip, its
// exclusive buffers and what the gate's floating pool lends it
// (TestCreditsBoundARemoteChannel). With read-buffer.required-per-gate.max
// 1, a gate of 2 channels (one local, one remote) keeps no exclusive
// buffer ((1 − 1) / 2) and floats 2 × 2 + 8 = 12: the one remote channel's
// credit is 12 instead of 2 + 8, and the sink's throughput grows with it.
func TestRequiredPerGateMaxFloatsCredits(t *testing.T) {
	for _, c := range []struct {
		maxReq  int
		credits float64
	}{{0, 10}, {1, 12}} {
		nw := DefaultNetwork()
		nw.Latency = 5 * sim.Millisecond
		nw.MaxRequiredPerGate = c.maxReq
		seg := nw.SegmentSize
		spec := Spec{
			Name: "credits", Seed: 2, Duration: 20 * sim.Second, Network: nw, SlotsPerTaskManager: 1, Chaining: true,
			Sim: Settings{SampleInterval: sim.Second},
			Nodes: []Node{
				{Name: "src", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: seg,
					Kafka: &Kafka{Topic: "t", Partitions: 2, Rate: ConstantRate(0), InitialBacklog: 1e9}},
				{Name: "out", Kind: KindSink, Parallelism: 2, Chain: false, RecordSize: seg, Sink: &Sink{},
					Inputs: []Input{{From: "src", Exchange: Rebalance}}},
			},
		}
		want := 4 * c.credits / (2 * nw.Latency.Seconds())
		got := runSpec(t, spec).Summary.Throughput.SinkRPS
		if math.Abs(got-want)/want > 0.05 {
			t.Errorf("at most %d a gate: sink throughput %.0f/s, want 4·%g/(2L) = %.0f/s", c.maxReq, got, c.credits, want)
		}
	}
}
