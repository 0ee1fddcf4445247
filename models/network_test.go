package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// lowRateHop: 20 records/s, one record per chunk, through one network hop
// (a rebalance: the operator does not chain to the source; the sink chains
// to it) to a free sink. Nothing queues, so a record's time in the system is
// its wait for the source task's output flusher.
func lowRateHop(timeout sim.Time) Spec {
	spec := mm1Spec(20, 1e9, 2000*sim.Second, true, 5)
	spec.Network.BufferTimeout = timeout
	spec.Nodes[1].Cost = nil
	spec.Nodes[1].Inputs[0].Exchange = Rebalance
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
			if p.peak > p.pool+int32(nw.OverdraftPerGate) {
				t.Errorf("pool of %s[%d]: %d used at once of %d", p.edge.from.spec.Name, st.index, p.peak, p.pool)
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

// TestOutputPoolStaysWithinItsSize: a writer takes buffers from its
// LocalBufferPool until it is unavailable, and a record it is in the middle
// of may take up to max-overdraft-buffers-per-gate more; never more. A keyBy
// (or a rebalance) to 16 subtasks has a pool of 16 × 2 + 8 = 40 buffers
// (NettyShuffleUtils' max for a pipelined partition), so outPoolUsage peaks
// at (40 + 5) / 40 at most, however a chunked step spreads over the
// channels. The slow sink backpressures agg until its pool runs out.
func TestOutputPoolStaysWithinItsSize(t *testing.T) {
	for _, chunk := range []int64{0, 1} {
		spec := keyedSpec(16, 16, 100000)
		spec.Sim.ChunkRecords = chunk
		spec.Nodes[0].Kafka.Rate = ConstantRate(40000)
		spec.Duration = 20 * sim.Second
		s, _ := runWith(t, spec)
		nw := spec.Network
		exhausted := false
		for _, st := range s.subtasks {
			for _, p := range st.parts {
				if want := int32(len(p.ch)*nw.BuffersPerChannel + nw.FloatingPerGate); p.pool != want {
					t.Fatalf("pool of %s[%d]: %d buffers, want %d", p.edge.from.spec.Name, st.index, p.pool, want)
				}
				if lim := p.pool + int32(nw.OverdraftPerGate); p.peak > lim {
					t.Errorf("chunk-records %d: %s[%d] used %d buffers at once, beyond its pool and overdraft (%d)", chunk, p.edge.from.spec.Name, st.index, p.peak, lim)
				}
				exhausted = exhausted || p.peak >= p.pool
			}
		}
		if !exhausted {
			t.Errorf("chunk-records %d: no pool ran out; the test needs backpressure", chunk)
		}
	}
}

// TestChainingAndTaskNames: forward edges between equal parallelisms chain;
// keyBy, rebalance, a parallelism change and disableChaining do not, and
// disableChaining (ChainingStrategy.NEVER) keeps the next operator off its
// chain too.
func TestChainingAndTaskNames(t *testing.T) {
	spec := keyedSpec(4, 2, 1000)
	spec.Nodes = append(spec.Nodes[:2],
		Node{Name: "map", Kind: KindOperator, Parallelism: 4, Chain: true, RecordSize: 300, Selectivity: 0.5, Inputs: []Input{{From: "agg"}}},
		Node{Name: "audit", Kind: KindOperator, Parallelism: 4, Chain: false, RecordSize: 300, Selectivity: 1, Inputs: []Input{{From: "map"}}},
		Node{Name: "enrich", Kind: KindOperator, Parallelism: 4, Chain: true, RecordSize: 300, Selectivity: 1, Inputs: []Input{{From: "audit"}}},
		Node{Name: "out", Kind: KindSink, Parallelism: 2, Chain: true, RecordSize: 300, Sink: &Sink{}, Inputs: []Input{{From: "enrich", Exchange: Rebalance}}},
	)
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tk := range s.tasks {
		names = append(names, tk.name)
	}
	want := []string{"Source: src", "agg -> map", "audit", "enrich", "Sink: out"}
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

// backpressuredSink is a Kafka source with a backlog writing 1 KB records
// to a sink that writes 10 records/s, not chained, parallelism 1 (so the
// channel is local), with aligned checkpoints. Samples are 5 s apart, so
// a step of the sink may take a whole buffer (32 records, 3.2 s; a step
// spans at most a sample interval).
func backpressuredSink(timeout sim.Time) Spec {
	nw := DefaultNetwork()
	nw.BufferTimeout = timeout
	return Spec{
		Name: "bp", Seed: 1, Duration: 400 * sim.Second, Network: nw, SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{SampleInterval: 5 * sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: 1000,
				Kafka: &Kafka{Topic: "t", Partitions: 1, Rate: ConstantRate(1000)}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: false, RecordSize: 1000,
				Sink: &Sink{RecordsPerSecond: 10}, Inputs: []Input{{From: "src"}}},
		},
		Checkpointing: &Checkpointing{Interval: 100 * sim.Second, Timeout: 10 * sim.Minute, MaxConcurrent: 1,
			Storage: Storage{StreamUpload: 100 << 20, FileSize: 1 << 40, TransferThreads: 1}},
		Restart: RestartStrategy{Kind: "none"},
	}
}

// TestFlushDoesNotFinishBuffers: under steady backpressure the buffers
// ahead of a barrier are full whether the output flusher runs every 100 ms,
// after every record, or never (PipelinedSubpartition slices a flushed
// buffer only when the reader reaches it; the writer keeps filling it). The
// source's pool holds 2 + 8 buffers (max-buffers-per-channel 10) of 32
// records of 1 KB, one of them the buffer the sink is reading: Flink
// recycles it only once its last record is deserialized
// (SpillingAdaptiveSpanningRecordDeserializer). Flink's writer stops as it
// takes the pool's last buffer, after one record in it (LocalBufferPool
// turns unavailable), so 8 full buffers, a record and what is left of the
// one being read, 257 to 289 records, precede a barrier: 25.7 to 28.9 s at
// 10/s, record by record and in chunks (room stops a step at that record;
// when a step filled the last buffer, checkpoints took 28.8 to 32 s).
func TestFlushDoesNotFinishBuffers(t *testing.T) {
	nw := DefaultNetwork()
	rpb := float64(nw.SegmentSize / 1000)
	pool := float64(nw.BuffersPerChannel + nw.FloatingPerGate)
	lo, hi := ((pool-2)*rpb+1)/10, ((pool-1)*rpb+1)/10
	exact := backpressuredSink(100 * sim.Millisecond)
	exact.Sim.ChunkRecords = 1
	checkDurations(t, "record by record", runSpec(t, exact), lo, hi)
	var means []float64
	for _, timeout := range []sim.Time{100 * sim.Millisecond, 0, FlushOnlyWhenFull} {
		res := runSpec(t, backpressuredSink(timeout))
		var sum float64
		var n int
		for _, c := range res.Checkpoints[1:] { // the first starts before the channel filled
			if c.Status != "COMPLETED" {
				t.Fatalf("timeout %v: checkpoint %d %s", timeout, c.ID, c.Status)
			}
			d := c.Duration.Seconds()
			if d < lo-0.1 || d > hi+0.1 { // 0.1 s: one record at the sink
				t.Errorf("timeout %v: checkpoint %d took %.1fs, want %.1f to %.1fs", timeout, c.ID, d, lo, hi)
			}
			sum += d
			n++
		}
		mean := sum / float64(n)
		if want := (lo + hi) / 2; math.Abs(mean-want)/want > 0.03 {
			t.Errorf("timeout %v: checkpoints took %.2fs on average, want %.1fs ± 3%%", timeout, mean, want)
		}
		means = append(means, mean)
	}
	for _, m := range means[1:] {
		if math.Abs(m-means[0])/means[0] > 0.01 {
			t.Errorf("mean checkpoint durations %v differ with the buffer timeout", means)
		}
	}
}

// checkDurations checks that every completed checkpoint after the first
// (which starts before the channel filled) took lo to hi seconds (± one
// record at the sink, 0.1 s), (lo+hi)/2 on average within 3 %.
func checkDurations(t *testing.T, name string, res *result.Result, lo, hi float64) {
	t.Helper()
	var sum float64
	for _, c := range res.Checkpoints[1:] {
		d := c.Duration.Seconds()
		if c.Status != "COMPLETED" || d < lo-0.1 || d > hi+0.1 {
			t.Errorf("%s: checkpoint %d %s in %.1fs, want %.1f to %.1fs", name, c.ID, c.Status, d, lo, hi)
		}
		sum += d
	}
	if mean, want := sum/float64(len(res.Checkpoints)-1), (lo+hi)/2; math.Abs(mean-want)/want > 0.03 {
		t.Errorf("%s: checkpoints took %.2fs on average, want %.1fs ± 3%%", name, mean, want)
	}
}

// TestFlushDoesNotFinishRemoteBuffers: the same over remote channels (two
// sources and two sinks on two TaskManagers, rebalanced): the receivers'
// credits take only full buffers under backpressure, so checkpoints take as
// nearly as long with the flusher as without: within 10 %, since a reader
// that catches up with a channel whose sender shares its pool with a
// fuller one does get a slice of a partial buffer, as in Flink. (Finishing
// a buffer at every flush halved them: the queues held a few records per
// buffer.)
func TestFlushDoesNotFinishRemoteBuffers(t *testing.T) {
	mean := func(timeout sim.Time) float64 {
		spec := backpressuredSink(timeout)
		for i := range spec.Nodes {
			spec.Nodes[i].Parallelism = 2
		}
		spec.Nodes[0].Kafka.Partitions = 2
		spec.Nodes[1].Inputs[0].Exchange = Rebalance
		res := runSpec(t, spec)
		var sum float64
		for _, c := range res.Checkpoints[1:] {
			sum += c.Duration.Seconds()
		}
		return sum / float64(len(res.Checkpoints)-1)
	}
	on, off := mean(100*sim.Millisecond), mean(FlushOnlyWhenFull)
	if math.Abs(on-off)/off > 0.10 {
		t.Errorf("checkpoints took %.1fs on average with a 100 ms buffer timeout, %.1fs without", on, off)
	}
}

// TestTandemThroughput: two stations with exponential costs at rate mu, the
// first always with input, one record per buffer, a local channel of Bt
// buffers between them. The first starts a record only while its writer
// has a free buffer; the second recycles a buffer when it deserializes the
// record, before processing it. With m the records past the first station
// and not yet done by the second (in buffers or in service), the first is
// busy while m ≤ Bt and the second while m ≥ 1: m is a birth-death chain on
// 0..Bt+1 with equal rates, uniform, and the throughput is
// mu(Bt+1)/(Bt+2) = mu(B+2)/(B+3) with B = Bt−1 buffers between two servers
// that block after service. Holding the buffer until the record is
// processed would give mu·Bt/(Bt+1).
func TestTandemThroughput(t *testing.T) {
	const mu = 1000.0
	nw := DefaultNetwork()
	nw.BuffersPerChannel, nw.FloatingPerGate, nw.MaxBuffersPerChannel = 1, 0, 1
	nw.BufferTimeout = 0
	bt := float64(nw.BuffersPerChannel + nw.FloatingPerGate) // the writer's pool: 1 channel
	seg := nw.SegmentSize
	spec := Spec{
		Name: "tandem", Seed: 11, Duration: 200 * sim.Second, Network: nw, SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 1, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: seg,
				Kafka: &Kafka{Topic: "t", Partitions: 1, Rate: ConstantRate(0), InitialBacklog: 1e9}},
			{Name: "s1", Kind: KindOperator, Parallelism: 1, Chain: true, RecordSize: seg, Selectivity: 1,
				Cost: sim.Exponential{M: 1 / mu}, Inputs: []Input{{From: "src"}}},
			{Name: "s2", Kind: KindOperator, Parallelism: 1, Chain: false, RecordSize: seg, Selectivity: 1,
				Cost: sim.Exponential{M: 1 / mu}, Inputs: []Input{{From: "s1"}}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: seg, Sink: &Sink{}, Inputs: []Input{{From: "s2"}}},
		},
	}
	res := runSpec(t, spec)
	got := res.Summary.Throughput.SinkRPS
	want := mu * (bt + 1) / (bt + 2)
	// ~130k records: the throughput of a birth-death chain this small
	// settles to well under 1 % (its relaxation time is a few ms).
	if math.Abs(got-want)/want > 0.02 {
		t.Errorf("tandem throughput %.1f/s, want mu(B+2)/(B+3) = %.1f/s (holding the buffer through processing gives %.1f/s)",
			got, want, mu*bt/(bt+1))
	}
}

// fanOutSpec is a flatMap that emits 100 records of 1 KB per input record
// into a sink that writes 10 records/s, with the given overdraft buffers:
// the edge to the sink is all-to-all (unaligned barriers may overtake), and
// the run goes record by record (the sink reads a priority barrier after its
// current record), with a checkpoint every 7 s.
func fanOutSpec(overdraft int) Spec {
	spec := backpressuredSink(100 * sim.Millisecond)
	spec.Network.OverdraftPerGate = overdraft
	spec.Duration = 100 * sim.Second
	spec.Nodes[0].RecordSize = 100
	spec.Nodes = []Node{spec.Nodes[0],
		{Name: "flatMap", Kind: KindOperator, Parallelism: 1, Chain: true, RecordSize: 1000, Selectivity: 100, Inputs: []Input{{From: "src"}}},
		spec.Nodes[1]}
	spec.Nodes[2].Inputs = []Input{{From: "flatMap", Exchange: Rebalance}}
	spec.Checkpointing.Interval = 7 * sim.Second
	spec.Sim.ChunkRecords = 1
	return spec
}

// TestOverdraftLetsAFanOutReachItsBarrier: a flatMap emits 100 records of
// 1 KB per input record (3 to 4 buffers of 32 KiB) into a sink that writes
// 10 records/s. Under backpressure the task starts a record when one buffer
// of its pool of 2 + 8 is free and then needs 2 or 3 more. With Flink's 5
// overdraft buffers (max-overdraft-buffers-per-gate) it finishes the record
// at once and takes the unaligned checkpoint's trigger; with none it blocks
// in the middle of the record until the sink frees two more, 3.2 s a
// buffer, then waits one buffer for the next record: a trigger lands in a
// block two thirds of the time and waits half of it, 2.1 s on average, and
// at least half a buffer's drain over the run's 27 checkpoints.
func TestOverdraftLetsAFanOutReachItsBarrier(t *testing.T) {
	durations := func(overdraft int) []float64 {
		spec := fanOutSpec(overdraft)
		spec.Duration = 200 * sim.Second
		spec.Checkpointing.Unaligned = true
		res := runSpec(t, spec)
		var ds []float64
		for _, c := range res.Checkpoints[1:] {
			if c.Status == "COMPLETED" {
				ds = append(ds, c.Duration.Seconds())
			}
		}
		return ds
	}
	buffer := float64(DefaultNetwork().SegmentSize/1000) / 10 // seconds the sink takes per buffer
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	with, without := durations(5), durations(0)
	for _, d := range with {
		if d > buffer/10 {
			t.Errorf("with overdraft buffers a checkpoint took %.2fs; the task should reach its barrier at once", d)
		}
	}
	if m := mean(without); m < buffer/2 {
		t.Errorf("without overdraft buffers checkpoints took %.2fs on average, want 2/3 × %.1fs: the task blocks mid-record", m, buffer)
	}
}

// TestCreditsBoundARemoteChannel: over a remote channel a buffer arrives
// the network latency L after it is sent, and the credit its buffer frees
// reaches the sender L after the receiver took it: a channel with C
// credits (2 exclusive + 8 floating) moves at most C buffers per round
// trip 2L. Two sources rebalance records of one buffer each over a local
// and a remote channel to a sink that costs nothing; each source writes
// its channels in turn, so it runs at twice its remote channel's bound, and
// the job at 4·C/(2L). With read-buffer.required-per-gate.max 1, a gate of
// 2 channels (one local, one remote) keeps no exclusive buffer ((1 − 1) / 2)
// and floats 2 × 2 + 8 = 12 (InputGateSpecUtils): the remote channel's
// credit is 12 instead of 2 + 8, and the sink's throughput grows with it.
func TestCreditsBoundARemoteChannel(t *testing.T) {
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
		if c.maxReq == 0 && c.credits != float64(nw.BuffersPerChannel+nw.FloatingPerGate) {
			t.Fatalf("the default credit is %d + %d, not %g", nw.BuffersPerChannel, nw.FloatingPerGate, c.credits)
		}
		want := 4 * c.credits / (2 * nw.Latency.Seconds())
		got := runSpec(t, spec).Summary.Throughput.SinkRPS
		if math.Abs(got-want)/want > 0.05 {
			t.Errorf("required-per-gate.max %d: sink throughput %.0f/s, want 4·%g/(2L) = %.0f/s", c.maxReq, got, c.credits, want)
		}
	}
}

// stepCounter counts the steps each subtask ends, passing every event on.
type stepCounter struct {
	s     *Simulation
	steps map[int32]int
}

func (c *stepCounter) Handle(e *sim.Engine, ev sim.Event) {
	if ev.Kind == evStepDone {
		c.steps[ev.Actor]++
	}
	c.s.Handle(e, ev)
}

// TestStepFillsTheFreedBuffer: a relay between a fast source and a sink
// writing 10 records/s, on forward edges of one channel. Its writer stops
// at the record that takes its pool's last buffer, leaving the rest of
// its input; when the sink frees a buffer the next step tops that input up
// and fills the buffer, so under steady backpressure the relay steps once
// per buffer the sink frees (32 records of 1 KB), as Flink's writer fills
// it record by record. Processing only what the last step left took two
// steps per buffer (31 records, then the one that takes the next).
func TestStepFillsTheFreedBuffer(t *testing.T) {
	spec := backpressuredSink(100 * sim.Millisecond)
	spec.Checkpointing = nil
	spec.Nodes = append(spec.Nodes[:1], Node{Name: "relay", Kind: KindOperator, Parallelism: 1, Chain: false, RecordSize: 1000,
		Selectivity: 1, Cost: sim.Constant{V: 1e-5}, Inputs: []Input{{From: "src"}}}, spec.Nodes[1])
	spec.Nodes[2].Inputs[0].From = "relay"
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	s.start()
	c := &stepCounter{s: s, steps: map[int32]int{}}
	s.eng.Run(100*sim.Second, c) // the buffers fill
	relay := s.tasks[1].subtasks[0]
	c.steps = map[int32]int{}
	before := relay.parts[0].edge.consumed
	s.eng.Run(400*sim.Second, c)
	rpb := int(DefaultNetwork().SegmentSize / 1000)
	freed := int(relay.parts[0].edge.consumed-before) / rpb
	if steps := c.steps[relay.id]; steps < freed-1 || steps > freed+1 {
		t.Errorf("relay took %d steps from 100 s to 400 s for %d buffers freed by the sink, want one a buffer", steps, freed)
	}
}

// TestWindowStepsBehindAFullForwardEdge: a window operator emits when it
// fires, not per record, so Flink's task keeps taking input while its
// writer has a free buffer (StreamTask.processInput checks availability,
// not what a record will emit). Behind a sink on a forward edge slower
// than its firings its pool is full but for a buffer at a time; its steps
// still take at least a quarter chunk on average (the least a step waits
// for; 242 records here), not the one record the last buffer's room allows
// at its gain of 1 (64 on average when a step was bounded by it).
func TestWindowStepsBehindAFullForwardEdge(t *testing.T) {
	delay, _ := sim.LogNormalFromMeanP99(0.2, 2)
	et := EventTime{Delay: delay, OutOfOrderness: 2 * sim.Second}
	spec := windowJob(20000, 2, 4*sim.Minute, et, Window{Kind: Tumbling, Size: 5 * sim.Second, AccumulatorSize: 100})
	spec.Nodes[1].Cost = sim.Constant{V: 5e-6}
	spec.Nodes[1].RecordSize = 300
	spec.Nodes[2].RecordSize = 300
	spec.Nodes[1].Keyed.Keys = UniformKeys{N: 100000}
	spec.Nodes[2].Chain = false
	spec.Nodes[2].Sink = &Sink{RecordsPerSecond: 2000}
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	s.start()
	c := &stepCounter{s: s, steps: map[int32]int{}}
	s.eng.Run(spec.Duration, c)
	win := s.tasks[1].subtasks[0]
	if win.t.name != "win" || len(win.parts) != 1 || len(win.parts[0].ch) != 1 {
		t.Fatalf("task %q with %d outputs: want win on one forward channel", win.t.name, len(win.parts))
	}
	if win.parts[0].peak < win.parts[0].pool {
		t.Fatalf("the window's output pool peaked at %d of %d buffers: want it full (the sink slower than the firings)", win.parts[0].peak, win.parts[0].pool)
	}
	steps := 0
	for _, st := range win.t.subtasks {
		steps += c.steps[st.id]
	}
	per := float64(win.gates[0].edge.consumed) / float64(steps)
	if least := float64(s.minStep(win)); per < least {
		t.Errorf("the window took %.1f records a step on average, want at least %.0f (a quarter chunk)", per, least)
	}
}
