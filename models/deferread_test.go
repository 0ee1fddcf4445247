package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// sparseHop is lowRateHop in chunked mode: 20 records/s through a
// rebalance whose source task does nothing but read, with a buffer
// timeout of 100 ms and a chunk-delay of 5 ms.
func sparseHop() Spec {
	spec := lowRateHop(100 * sim.Millisecond)
	spec.Sim.ChunkRecords = 0
	spec.Sim.ChunkDelay = 5 * sim.Millisecond
	return spec
}

// TestDeferredReadLeavesWithTheFlush: a record the source would have read
// between two ticks of its output flusher leaves at the next tick either
// way, so a source reading at the tick sends it then. A record becomes
// readable when its run's window ends (w, at most chunk-delay cd after it
// was produced at a), waits for the next tick (uniform over the buffer
// timeout T: the flusher's phase is independent of the arrivals), and the
// receiver, idle, takes it after its gather wait of cd. So its latency is
// (w − a) + U(0, T) + cd, whose mean lies in (T/2 + cd, T/2 + 2cd]. 40k
// records: the SE of the mean is T/√(12·40000) ≈ 0.14 ms, four of them
// are the tolerance.
func TestDeferredReadLeavesWithTheFlush(t *testing.T) {
	spec := sparseHop()
	s, res := runWith(t, spec)
	if !s.tasks[0].defersReads {
		t.Fatal("the source task does not defer its reads")
	}
	T, cd := spec.Network.BufferTimeout.Seconds(), spec.Sim.ChunkDelay.Seconds()
	n := float64(res.Summary.Records.Sink)
	if n < 30000 {
		t.Fatalf("%v records reached the sink, want about 40000", n)
	}
	tol := 4 * T / math.Sqrt(12*n)
	lat := res.Summary.LatencyS
	if lo, hi := T/2+cd-tol, T/2+2*cd+tol; lat.Mean < lo || lat.Mean > hi {
		t.Errorf("mean latency %.5fs, want within [%.5f, %.5f]s", lat.Mean, lo, hi)
	}
	if most := T + 2*cd; lat.Max > most+1e-9 {
		t.Errorf("max latency %.5fs, beyond the buffer timeout and two chunk-delays (%.5fs)", lat.Max, most)
	}
}

// TestDeferralOnlyWhereNothingDependsOnTheReadTime: a source defers its
// reads in chunked mode, with a buffer timeout above chunk-delay, no event
// time, no debloating, and a chain that takes no time.
func TestDeferralOnlyWhereNothingDependsOnTheReadTime(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Spec)
		defers bool
	}{
		{"sparse hop", func(*Spec) {}, true},
		{"chunk-records 1", func(s *Spec) { s.Sim.ChunkRecords = 1 }, false},
		{"chunk-records 100", func(s *Spec) { s.Sim.ChunkRecords = 100 }, false},
		{"buffer timeout of chunk-delay", func(s *Spec) { s.Network.BufferTimeout = s.Sim.ChunkDelay }, false},
		{"event time", func(s *Spec) {
			s.Nodes[0].Kafka.EventTime = &EventTime{Delay: sim.Constant{V: 0}, OutOfOrderness: sim.Second}
		}, false},
		{"debloating", func(s *Spec) { d := DefaultDebloat(); s.Network.Debloat = &d }, false},
		{"a sink chained to the source", func(s *Spec) {
			s.Nodes = append(s.Nodes, Node{Name: "audit", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 100,
				Sink: &Sink{}, Inputs: []Input{{From: "src"}}})
		}, false},
		{"a cost chained to the source", func(s *Spec) {
			s.Nodes[1].Inputs[0].Exchange = Forward
			s.Nodes[1].Cost = sim.Constant{V: 1e-6}
		}, false},
	} {
		spec := sparseHop()
		c.change(&spec)
		s, err := New(spec)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := s.tasks[0].defersReads; got != c.defers {
			t.Errorf("%s: the source task defers its reads: %v, want %v", c.name, got, c.defers)
		}
	}
}
