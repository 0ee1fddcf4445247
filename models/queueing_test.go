package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// mm1Spec is one Kafka partition read by one subtask: Poisson arrivals at
// lambda, an exponential per-record cost with rate mu, an unlimited sink, one
// record per chunk. With chaining on, the queue is the Kafka backlog and the
// job is exactly an M/M/1 queue; with chaining off, records also cross two
// network hops, flushed after every record (buffer timeout 0).
func mm1Spec(lambda, mu float64, d sim.Time, chained bool, seed uint64) Spec {
	nw := DefaultNetwork()
	nw.BufferTimeout = 0
	return Spec{
		Name: "mm1", Seed: seed, Duration: d, Network: nw, SlotsPerTaskManager: 1, Chaining: chained,
		Sim: Settings{ChunkRecords: 1, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: 100,
				Kafka: &Kafka{Topic: "t", Partitions: 1, Rate: ConstantRate(lambda), Poisson: true}},
			{Name: "server", Kind: KindOperator, Parallelism: 1, Chain: true, RecordSize: 100, Selectivity: 1,
				Cost: sim.Exponential{M: 1 / mu}, Inputs: []Input{{From: "src"}}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 100, Sink: &Sink{},
				Inputs: []Input{{From: "server"}}},
		},
	}
}

func runSpec(t *testing.T, spec Spec) *result.Result {
	t.Helper()
	_, res := runWith(t, spec)
	return res
}

// TestMM1 compares the simulated time in system with M/M/1's closed forms:
// the sojourn time is exponential with rate mu−lambda, so its mean is
// 1/(mu−lambda) and its p99 ln(100)/(mu−lambda).
//
// Tolerances: at rho = 0.8, over 20 seeds of 1M customers the relative SD of
// the mean sojourn was 0.82 % and of the p99 1.74 %; at 250k customers 2.0 %
// and 3.8 % (measured with Lindley's recursion). The bounds below are about
// four SDs for the number of customers each case simulates.
func TestMM1(t *testing.T) {
	singleGoroutine(t)
	const lambda, mu = 800.0, 1000.0
	for _, c := range []struct {
		name            string
		chained         bool
		d               sim.Time
		meanTol, p99Tol float64
	}{
		{"chained", true, 1250 * sim.Second, 0.035, 0.07},         // 1M customers
		{"over the network", false, 320 * sim.Second, 0.08, 0.15}, // 256k customers
	} {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && !c.chained {
				t.Skip("long")
			}
			res := runSpec(t, mm1Spec(lambda, mu, c.d, c.chained, 7))
			w := 1 / (mu - lambda)
			lat := res.Summary.LatencyS
			if math.Abs(lat.Mean-w)/w > c.meanTol {
				t.Errorf("mean time in system %.5fs, M/M/1 gives %.5fs (±%.0f%%)", lat.Mean, w, 100*c.meanTol)
			}
			if p99 := math.Log(100) * w; math.Abs(lat.P99-p99)/p99 > c.p99Tol {
				t.Errorf("p99 time in system %.5fs, M/M/1 gives %.5fs (±%.0f%%)", lat.P99, p99, 100*c.p99Tol)
			}
			// Little's law: the time-average number in system (sampled every
			// second: Kafka lag plus records in flight or in service) equals
			// the arrival rate times the mean time in system. Over ~1000
			// nearly independent samples of a count with variance
			// rho/(1-rho)^2 = 20 the standard error is ~3.5 % of L = 4.
			if c.chained {
				l := meanInSystem(res)
				if want := lambda * lat.Mean; math.Abs(l-want)/want > 0.15 {
					t.Errorf("Little's law: L = %.3f, lambda·W = %.3f", l, want)
				}
			}
			// The server is busy rho of the time.
			busy := res.Summary.Operators[1].BusyMsPerS / 1000
			if math.Abs(busy-lambda/mu) > 0.02 {
				t.Errorf("utilisation %.3f, want %.3f", busy, lambda/mu)
			}
		})
	}
}

// meanInSystem averages the sampled number of records waiting in Kafka or in
// service (the chained job holds no records in network buffers).
func meanInSystem(res *result.Result) float64 {
	var pending []float64
	for _, s := range res.Series {
		if s.Metric == result.MetricPending && s.Subtask < 0 {
			pending = s.Values
		}
	}
	// A record in service is counted by busy time: the chance the server is
	// busy at a sample is rho, added on average.
	sum := 0.0
	for _, v := range pending {
		sum += v
	}
	return sum/float64(len(pending)) + res.Summary.Operators[1].BusyMsPerS/1000
}

// TestDD1IsExact: evenly spaced arrivals slower than a constant cost never
// queue, so every record spends exactly the cost in the system.
func TestDD1IsExact(t *testing.T) {
	spec := mm1Spec(500, 1000, 20*sim.Second, true, 1)
	spec.Nodes[0].Kafka.Poisson = false
	spec.Nodes[1].Cost = sim.Constant{V: 0.001}
	res := runSpec(t, spec)
	lat := res.Summary.LatencyS
	if math.Abs(lat.Mean-0.001) > 1e-9 || math.Abs(lat.Max-0.001) > 1e-9 {
		t.Fatalf("latency mean %v max %v, want exactly 1ms", lat.Mean, lat.Max)
	}
	if got := res.Summary.Records.Sink; got < 9999 || got > 10000 {
		t.Fatalf("wrote %d records in 20s at 500/s", got)
	}
}

// TestConservation: with every selectivity 1, records produced into Kafka
// are either written, in flight, or still in Kafka, exactly.
func TestConservation(t *testing.T) {
	for _, chunk := range []int64{0, 1, 7} {
		spec := keyedSpec(4, 3, 100000)
		spec.Sim.ChunkRecords = chunk
		spec.Duration = 20 * sim.Second
		r := runSpec(t, spec).Summary.Records
		if r.Produced != r.Sink+r.InFlight+r.SourceLag {
			t.Errorf("chunk %d: produced %d != sink %d + in flight %d + lag %d", chunk, r.Produced, r.Sink, r.InFlight, r.SourceLag)
		}
		if r.Sink == 0 || r.SourceLag == 0 {
			t.Errorf("chunk %d: the test job should both write and lag: %+v", chunk, r)
		}
	}
}

// keyedSpec: a source → keyBy → sink job whose sink is slower than the source.
func keyedSpec(p, sinkP int, keys int64) Spec {
	return Spec{
		Name: "keyed", Seed: 3, Duration: 60 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 2, Chaining: true,
		Sim: Settings{ChunkDelay: sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: p, Chain: true, RecordSize: 300,
				Kafka: &Kafka{Topic: "events", Partitions: 2 * p, Rate: ConstantRate(20000), Poisson: true, InitialBacklog: 5000}},
			{Name: "agg", Kind: KindOperator, Parallelism: p, MaxParallelism: 128, Chain: true, RecordSize: 300, Selectivity: 1,
				Cost: sim.Exponential{M: 20e-6}, Inputs: []Input{{From: "src", Exchange: Hash}},
				Keyed: &Keyed{Keys: UniformKeys{N: keys}, StatePerKey: 64}},
			{Name: "out", Kind: KindSink, Parallelism: sinkP, Chain: true, RecordSize: 300,
				Sink: &Sink{RecordsPerSecond: 15000 / float64(sinkP)}, Inputs: []Input{{From: "agg", Exchange: Rebalance}}},
		},
	}
}

// TestKeyByLoadFollowsKeyGroups: with uniform keys, the records routed to
// each keyed subtask (processed or still in its channels) are in proportion to the keys its key-group range holds.
// Max parallelism 128 over 3 subtasks gives ranges of 43, 43 and 42 groups.
func TestKeyByLoadFollowsKeyGroups(t *testing.T) {
	singleGoroutine(t)
	for _, chunk := range []int64{0, 1} {
		spec := keyedSpec(3, 3, 1000000)
		spec.Sim.ChunkRecords = chunk
		spec.Nodes[2].Sink.RecordsPerSecond = 0 // keep up: no backlog
		spec.Duration = 30 * sim.Second
		s, _ := runWith(t, spec)
		agg := s.nodes[1]
		// routed to a subtask: processed, or still in its input channels
		routed := func(st *subtask) float64 {
			n := st.ops[agg.pos].in + st.in.Records + st.inProcess()
			for _, g := range st.gates {
				for _, c := range g.ch {
					n += c.inflight
				}
			}
			return float64(n)
		}
		var total, keys float64
		for _, st := range agg.task.subtasks {
			total += routed(st)
			keys += agg.subKeys[st.index]
		}
		for _, st := range agg.task.subtasks {
			got := routed(st) / total
			want := agg.subKeys[st.index] / keys
			// Exact mode draws each record's key: binomial noise with
			// ~600k records is 0.06 % of the total; 5 SDs.
			// Chunked mode apportions: each of the 3 senders keeps every
			// destination within 2 records of its share (apportion).
			tol := 2 * 3 / total
			if chunk == 1 {
				tol = 5 * math.Sqrt(want*(1-want)/total)
			}
			if math.Abs(got-want) > tol {
				t.Errorf("chunk %d subtask %d: %.5f of the records, its key groups hold %.5f of the keys", chunk, st.index, got, want)
			}
		}
	}
}
