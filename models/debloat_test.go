package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// debloated is backpressuredSink with buffer debloating on at Flink's
// defaults, over remote channels when p is 2, with a sink of rate
// records/s per subtask.
func debloated(p int, rate float64) Spec {
	spec := backpressuredSink(100 * sim.Millisecond)
	d := DefaultDebloat()
	spec.Network.Debloat = &d
	if p > 1 {
		for i := range spec.Nodes {
			spec.Nodes[i].Parallelism = p
		}
		spec.Nodes[0].Kafka.Partitions = p
		spec.Nodes[1].Inputs[0].Exchange = Rebalance
	}
	spec.Nodes[1].Sink.RecordsPerSecond = rate
	spec.Nodes[0].Kafka.Rate = ConstantRate(100 * rate * float64(p))
	return spec
}

// TestDebloatConverges: under a steady rate each gate's announced buffer
// size settles at throughput × target / buffers in use (BufferDebloater),
// within the 25 % an announcement must move by.
func TestDebloatConverges(t *testing.T) {
	singleGoroutine(t)
	const rate = 100.0 // records/s of 1 KB: 100 kB/s per sink subtask
	spec := debloated(2, rate)
	spec.Duration = 200 * sim.Second
	d := spec.Network.Debloat
	s, _ := runWith(t, spec)
	for _, st := range s.subtasks {
		for _, g := range st.gates {
			inUse := 0
			for _, c := range g.ch {
				for j := 0; j < c.q.Len(); j++ {
					inUse += int(c.q.At(j).Buffers)
				}
			}
			want := rate * float64(spec.Nodes[1].RecordSize) * d.Target.Seconds() / float64(max(inUse, 1))
			got := float64(g.debloat.announced)
			t.Logf("%s[%d]: %.0f B announced, %.0f B wanted, %d in use", st.t.name, st.index, got, want, inUse)
			if math.Abs(got-want)/want > float64(d.ThresholdPercent)/100 {
				t.Errorf("%s[%d]: buffer size %.0f B, want %.0f B (throughput × target / %d buffers in use)",
					st.t.name, st.index, got, want, inUse)
			}
		}
	}
}

// TestDebloatShortensAlignedCheckpoints: with the buffers holding about
// target's worth of the sink's throughput, an aligned checkpoint under
// backpressure waits about the target per exchange instead of the 30 s
// and more that full buffers hold (TestFlushDoesNotFinishBuffers).
func TestDebloatShortensAlignedCheckpoints(t *testing.T) {
	for _, p := range []int{1, 2} {
		spec := debloated(p, 10)
		target := spec.Network.Debloat.Target.Seconds()
		res := runSpec(t, spec)
		for _, c := range res.Checkpoints[1:] { // the first waits behind full buffers
			if d := c.Duration.Seconds(); c.Status != "COMPLETED" || d > 3*target || d < target/2 {
				t.Errorf("parallelism %d: checkpoint %d %s in %.2fs, want about the %gs target", p, c.ID, c.Status, d, target)
			}
		}
	}
}
