package models

import "testing"

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
