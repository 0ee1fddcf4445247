package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// lowRateHop: 20 records/s, one record per chunk, through one network hop
// (the operator does not chain to the source; the sink chains to it) to a
// free sink. Nothing queues, so a record's time in the system is its wait for
// the source task's output flusher.
func lowRateHop(timeout sim.Time) Spec {
	spec := mm1Spec(20, 1e9, 2000*sim.Second, true, 5)
	spec.Network.BufferTimeout = timeout
	spec.Nodes[1].Cost = nil
	spec.Nodes[1].Chain = false
	return spec
}

// TestBufferTimeout: records trickling in wait for the output flusher, which
// fires every execution.buffer-timeout.interval T. A Poisson arrival lands at
// a uniform point between two flushes, so it waits T/2 on average and less
// than T at most. With a timeout of 0 every record is sent at once.
func TestBufferTimeout(t *testing.T) {
	const T = 100 * sim.Millisecond
	res := runSpec(t, lowRateHop(T))
	lat := res.Summary.LatencyS
	// 40k records: the SE of the mean is T/sqrt(12·40000) ≈ 0.14 ms.
	if want := T.Seconds() / 2; math.Abs(lat.Mean-want) > 0.001 {
		t.Errorf("mean latency %.4fs, want %.4fs (a uniform wait for the flusher)", lat.Mean, want)
	}
	if lat.Max > T.Seconds() {
		t.Errorf("max latency %.4fs exceeds the flush interval", lat.Max)
	}
	res = runSpec(t, lowRateHop(0))
	if res.Summary.LatencyS.Max > 1e-9 {
		t.Errorf("timeout 0: max latency %v, want 0", res.Summary.LatencyS.Max)
	}
}

// TestCreditsBoundInFlightBuffers: under backpressure a remote channel holds
// at most max-buffers-per-channel buffers at the sender (plus the buffers of
// one step's overdraft) and buffers-per-channel plus the gate's floating
// buffers at the receiver.
func TestCreditsBoundInFlightBuffers(t *testing.T) {
	spec := keyedSpec(4, 2, 100000)
	spec.Duration = 30 * sim.Second
	s, res := runWith(t, spec)
	nw := spec.Network
	for _, st := range s.subtasks {
		for _, p := range st.parts {
			for _, c := range p.ch {
				if c.sendBuf > int32(nw.MaxBuffersPerChannel)+2 {
					t.Errorf("%s[%d]->%d holds %d buffers at the sender", p.edge.from.spec.Name, st.index, c.sub, c.sendBuf)
				}
			}
			if p.used > p.pool+int32(len(p.ch)) {
				t.Errorf("pool of %s[%d]: %d used of %d", p.edge.from.spec.Name, st.index, p.used, p.pool)
			}
		}
		for _, g := range st.gates {
			if g.floatUsed > int32(nw.FloatingPerGate) {
				t.Errorf("gate of %s[%d] lent %d floating buffers", g.edge.to.spec.Name, st.index, g.floatUsed)
			}
			for _, c := range g.ch {
				if !c.local && c.recvBuf > int32(nw.BuffersPerChannel+nw.FloatingPerGate) {
					t.Errorf("receiver channel holds %d buffers", c.recvBuf)
				}
			}
		}
	}
	if bp := res.Summary.Operators[1].Backpressure; bp != "HIGH" {
		t.Errorf("agg is %s backpressured; the test needs a slow sink", bp)
	}
}

// TestChainingAndTaskNames: forward edges between equal parallelisms chain;
// keyBy, rebalance, a parallelism change and disableChaining do not.
func TestChainingAndTaskNames(t *testing.T) {
	spec := keyedSpec(4, 2, 1000)
	spec.Nodes = append(spec.Nodes[:2],
		Node{Name: "map", Kind: KindOperator, Parallelism: 4, Chain: true, RecordSize: 300, Selectivity: 0.5, Inputs: []Input{{From: "agg"}}},
		Node{Name: "audit", Kind: KindOperator, Parallelism: 4, Chain: false, RecordSize: 300, Selectivity: 1, Inputs: []Input{{From: "map"}}},
		Node{Name: "out", Kind: KindSink, Parallelism: 2, Chain: true, RecordSize: 300, Sink: &Sink{}, Inputs: []Input{{From: "audit", Exchange: Rebalance}}},
	)
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tk := range s.tasks {
		names = append(names, tk.name)
	}
	want := []string{"Source: src", "agg -> map", "audit", "Sink: out"}
	if len(names) != len(want) {
		t.Fatalf("tasks %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("tasks %q, want %q", names, want)
		}
	}
	res, err := s.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Summary.Operators {
		if o.Name == "map" && math.Abs(float64(o.RecordsOut)-float64(o.RecordsIn)/2) > 4 {
			t.Errorf("map (selectivity 0.5): %d in, %d out", o.RecordsIn, o.RecordsOut)
		}
	}
}

// TestTwoInputs: an operator reading two sources takes records from both.
func TestTwoInputs(t *testing.T) {
	spec := Spec{
		Name: "union", Seed: 1, Duration: 20 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkDelay: sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "a", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: 100, Kafka: &Kafka{Topic: "a", Partitions: 2, Rate: ConstantRate(3000), Poisson: true}},
			{Name: "b", Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: 100, Kafka: &Kafka{Topic: "b", Partitions: 1, Rate: ConstantRate(1000)}},
			{Name: "join", Kind: KindOperator, Parallelism: 2, MaxParallelism: 128, Chain: true, RecordSize: 100, Selectivity: 1, Cost: sim.Constant{V: 10e-6},
				Inputs: []Input{{From: "a", Exchange: Hash}, {From: "b", Exchange: Hash}}, Keyed: &Keyed{Keys: UniformKeys{N: 500}}},
			{Name: "out", Kind: KindSink, Parallelism: 2, Chain: true, RecordSize: 100, Sink: &Sink{}, Inputs: []Input{{From: "join"}}},
		},
	}
	res := runSpec(t, spec)
	r := res.Summary.Records
	if got := res.Summary.Operators[2].RecordsIn; got < r.Produced-r.InFlight-r.SourceLag-10 || r.Produced < 75000 {
		t.Errorf("join took %d of %d produced records", got, r.Produced)
	}
	if math.Abs(res.Summary.Throughput.SinkRPS-4000) > 100 {
		t.Errorf("sink %.0f/s, want the sum of both sources, 4000/s", res.Summary.Throughput.SinkRPS)
	}
}

// TestRebalanceIsRoundRobin: emitting chunks of any size through a rebalance
// partition gives each channel exactly what Flink's RebalancePartitioner,
// dealing record by record from the same random start, would give it.
func TestRebalanceIsRoundRobin(t *testing.T) {
	spec := keyedSpec(3, 5, 1000)
	spec.Network.BufferTimeout = 0
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	p := s.nodes[1].task.subtasks[0].parts[0]
	n := len(p.ch)
	next := p.rr // the partitioner's random start
	want := make([]int64, n)
	for _, k := range []int64{1, 2, 3, 5, 7, 11, 100, 4, 9} {
		for i := int64(0); i < k; i++ {
			next = (next + 1) % n
			want[next]++
		}
		c := Chunk{Records: k}
		s.emit(p, k, &c)
		for j, ch := range p.ch {
			if got := ch.inflight; got != want[j] {
				t.Fatalf("after %d: channel %d got %d records, the partitioner deals %d", k, j, got, want[j])
			}
		}
	}
}
