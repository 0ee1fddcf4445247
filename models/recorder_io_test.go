package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// taskOf is the name of operator op's task, under which its task metrics
// are recorded.
func taskOf(t *testing.T, res *result.Result, op string) string {
	t.Helper()
	for _, o := range res.Summary.Operators {
		if o.Name == op {
			return o.Task
		}
	}
	t.Fatalf("no operator %s", op)
	return ""
}

// seriesOf is the values of one operator's (or task's) subtask's metric.
func seriesOf(t *testing.T, res *result.Result, op string, sub int, metric string) []float64 {
	t.Helper()
	if v, ok := res.Values(op, sub, metric); ok {
		return v
	}
	t.Fatalf("no series %s[%d] %s", op, sub, metric)
	return nil
}

// TestBackPressureSoftAndHard: Flink splits a task's backpressured time
// into soft (its output is not available, it waits and still takes
// barriers) and hard (blocked in the middle of a record on a buffer,
// requestBufferBuilderBlocking); the two add up to backPressuredTime. A
// fan-out that needs 3 to 4 buffers per record blocks mid-record without
// overdraft buffers (hard) and never with Flink's 5 (soft only).
// isBackPressured is 1 at a sample that ends a wholly backpressured second.
func TestBackPressureSoftAndHard(t *testing.T) {
	singleGoroutine(t)
	for _, c := range []struct {
		overdraft int
		hard      bool
	}{{0, true}, {5, false}} {
		res := runSpec(t, fanOutSpec(c.overdraft))
		task := taskOf(t, res, "flatMap")
		bp := seriesOf(t, res, task, 0, result.MetricBackPressured)
		soft := seriesOf(t, res, task, 0, result.MetricSoftBackPressured)
		hard := seriesOf(t, res, task, 0, result.MetricHardBackPressured)
		is := seriesOf(t, res, task, 0, result.MetricIsBackPressured)
		var hardTotal float64
		for i := range bp {
			if math.Abs(soft[i]+hard[i]-bp[i]) > 1e-9*max(1, bp[i]) {
				t.Fatalf("overdraft %d, sample %d: soft %g + hard %g ≠ backpressured %g", c.overdraft, i, soft[i], hard[i], bp[i])
			}
			if bp[i] == 1000 && is[i] != 1 {
				t.Errorf("overdraft %d, sample %d: a wholly backpressured second, isBackPressured %g", c.overdraft, i, is[i])
			}
			hardTotal += hard[i]
		}
		if (hardTotal > 0) != c.hard {
			t.Errorf("overdraft %d: hard backpressure %g ms in all, want some: %v", c.overdraft, hardTotal, c.hard)
		}
	}
}

// TestBytesAndLastCheckpointID: numBytesOutPerSecond times each sample's
// interval adds up to the records the task wrote times their size, and
// numBytesInPerSecond at the receiver to no more than that;
// lastCompletedCheckpointId (with the other last* gauges) is -1 before the first completed checkpoint
// and the newest completed one's id at the end.
func TestBytesAndLastCheckpointID(t *testing.T) {
	singleGoroutine(t)
	spec := fanOutSpec(5)
	res := runSpec(t, spec)
	out := seriesOf(t, res, taskOf(t, res, "flatMap"), 0, result.MetricBytesOut)
	in := seriesOf(t, res, taskOf(t, res, "out"), 0, result.MetricBytesIn)
	var sentBytes, readBytes, prev float64
	for i, at := range res.Times {
		sentBytes += out[i] * (at - prev)
		readBytes += in[i] * (at - prev)
		prev = at
	}
	var written int64
	for _, o := range res.Summary.Operators {
		if o.Name == "flatMap" {
			written = o.RecordsOut
		}
	}
	if want := float64(written * spec.Nodes[1].RecordSize); math.Abs(sentBytes-want) > 1e-6*want || want == 0 {
		t.Errorf("numBytesOut adds up to %.0f bytes, the task wrote %.0f", sentBytes, want)
	}
	if readBytes > sentBytes+1e-6*sentBytes || readBytes == 0 {
		t.Errorf("the sink read %.0f bytes of %.0f sent", readBytes, sentBytes)
	}
	id := seriesOf(t, res, result.JobOperator, -1, result.MetricLastCompletedCkptID)
	if id[0] != -1 {
		t.Errorf("lastCompletedCheckpointId %g at %gs, before the first checkpoint at 7s; want -1", id[0], res.Times[0])
	}
	var last int64 = -1
	for _, c := range res.Checkpoints {
		if c.Status == "COMPLETED" {
			last = c.ID
		}
	}
	if got := id[len(id)-1]; got != float64(last) || last < 0 {
		t.Errorf("lastCompletedCheckpointId ends at %g, the last completed checkpoint is %d", got, last)
	}
}

// TestOperatorAggregates: an operator's row (subtask -1) aggregates its
// subtasks as Flink's web UI offers: records-lag-max, the largest lag of
// any partition, is the largest subtask's, not their sum; pendingRecords
// and rates their sum; busy time their mean. A sink writer's
// numRecordsSend is recorded per subtask (SinkWriterMetricGroup; a
// generic sink is a SinkFunction, whose count is flinksim's:
// flinksim.numRecordsSend), its operator row their sum, at the end the
// sink's records sent.
func TestOperatorAggregates(t *testing.T) {
	singleGoroutine(t)
	spec := keyedSpec(2, 2, 1000)
	spec.Duration = 20 * sim.Second
	res := runSpec(t, spec)
	send := result.OwnPrefix + result.MetricRecordsSend
	for _, m := range []struct {
		metric string
		agg    func(a, b float64) float64
	}{
		{result.MetricLagMax, math.Max},
		{result.MetricPending, func(a, b float64) float64 { return a + b }},
		{result.MetricRecordsOut, func(a, b float64) float64 { return a + b }},
		{send, func(a, b float64) float64 { return a + b }},
	} {
		node := "src"
		if m.metric == send {
			node = "out"
		}
		op := seriesOf(t, res, node, -1, m.metric)
		a, b := seriesOf(t, res, node, 0, m.metric), seriesOf(t, res, node, 1, m.metric)
		for i := range op {
			if want := m.agg(a[i], b[i]); math.Abs(op[i]-want) > 1e-9*max(1, want) {
				t.Fatalf("%s sample %d: operator %g, subtasks %g and %g, want %g", m.metric, i, op[i], a[i], b[i], want)
			}
		}
	}
	if sent := seriesOf(t, res, "out", -1, send); sent[len(sent)-1] != float64(res.Summary.Sinks[0].Sent) || sent[len(sent)-1] == 0 {
		t.Errorf("numRecordsSend ends at %g, the sink sent %d", sent[len(sent)-1], res.Summary.Sinks[0].Sent)
	}
	lag := seriesOf(t, res, "src", -1, result.MetricLagMax)
	if lag[len(lag)-1] == 0 {
		t.Error("no lag: the test shows nothing")
	}
	task := taskOf(t, res, "src")
	busy := seriesOf(t, res, task, -1, result.MetricBusy)
	a, b := seriesOf(t, res, task, 0, result.MetricBusy), seriesOf(t, res, task, 1, result.MetricBusy)
	for i := range busy {
		if math.Abs(busy[i]-(a[i]+b[i])/2) > 1e-9*max(1, busy[i]) {
			t.Fatalf("busy sample %d: task %g, subtasks %g and %g, want their mean", i, busy[i], a[i], b[i])
		}
	}
}

// TestMessagesInPerSecIsWhatTheBrokerReceived: MessagesInPerSec is the
// broker's topic meter (BrokerTopicMetrics), the records appended to the
// topic, not the rate the producers were given: zero while every producer
// is paused, the held-back records in the sample where they are sent, none
// for records a pause drops, and over the run (times each sample's
// interval) the records produced less the initial backlog, which was in
// Kafka before the run.
func TestMessagesInPerSecIsWhatTheBrokerReceived(t *testing.T) {
	singleGoroutine(t)
	for _, drop := range []bool{false, true} {
		et := EventTime{Delay: sim.Constant{V: 0}, OutOfOrderness: sim.Second,
			Pauses: []PartitionPause{{Partitions: []int{0, 1}, At: 20 * sim.Second, For: 20 * sim.Second, Drop: drop}}}
		spec := windowJob(2000, 2, sim.Minute, et, Window{Kind: Tumbling, Size: 10 * sim.Second})
		spec.Nodes[0].Kafka.InitialBacklog = 5000
		res := runSpec(t, spec)
		in := seriesOf(t, res, "src", -1, result.MetricProduced)
		var sum float64
		for i, v := range in {
			sum += v * 10 // the samples are 10 s apart
			switch at := (i + 1) * 10; {
			case at == 30 && v != 0:
				t.Errorf("drop %v: MessagesInPerSec %g at %d s, while every producer is paused; want 0", drop, v, at)
			case at == 40 && !drop && v < 2000*15/10:
				t.Errorf("drop %v: MessagesInPerSec %g at %d s, as the paused producers send 20 s of records; want about %d", drop, v, at, 2000*30/10)
			case at == 40 && drop && v > 2000*15/10:
				t.Errorf("drop %v: MessagesInPerSec %g at %d s, the paused producers' records dropped; want about %d", drop, v, at, 2000*10/10)
			}
		}
		rc := res.Summary.Records
		if want := float64(rc.Produced - rc.Backlog); math.Abs(sum-want) > 1e-6*want {
			t.Errorf("drop %v: MessagesInPerSec over the run %g records; the summary's produced less the backlog %g", drop, sum, want)
		}
	}
}

// TestInputBuffersUsageParts: inPoolUsage is the remote channels' held
// buffers over their exclusive buffers and the floating pool
// (CreditBasedInputBuffersUsageGauge), and inputFloatingBuffersUsage and
// inputExclusiveBuffersUsage are its two parts (FloatingBuffersUsageGauge,
// ExclusiveBuffersUsageGauge), so at every sample inPool·(F + X) = f·F +
// x·X, F the floating pool (8) and X the remote channel's exclusive
// buffers (2). A keyBy between two TaskManagers gives each receiver one
// remote channel; behind a receiver that takes 1k records/s of the 20k/s
// sent it, the channel holds every buffer it can: all three read 1. Keeping
// up, a buffer at a time is read as it comes: exclusive buffers are taken
// first, the floating pool stays unused.
func TestInputBuffersUsageParts(t *testing.T) {
	singleGoroutine(t)
	for _, c := range []struct {
		name    string
		cost    float64
		backlog bool
	}{{"backpressured", 1e-3, true}, {"keeping up", 1e-6, false}} {
		spec := Spec{Name: "pools", Seed: 1, Duration: 20 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
			Sim: Settings{ChunkDelay: sim.Millisecond, SampleInterval: sim.Second},
			Nodes: []Node{
				{Name: "src", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: 100,
					Kafka: &Kafka{Topic: "t", Partitions: 2, Rate: ConstantRate(40000)}},
				{Name: "agg", Kind: KindOperator, Parallelism: 2, MaxParallelism: 128, Chain: true, RecordSize: 100, Selectivity: 1,
					Cost: sim.Constant{V: c.cost}, Inputs: []Input{{From: "src", Exchange: Hash}}, Keyed: &Keyed{Keys: UniformKeys{N: 1000}}},
				{Name: "out", Kind: KindSink, Parallelism: 2, Chain: true, RecordSize: 100, Sink: &Sink{}, Inputs: []Input{{From: "agg"}}},
			},
			Restart: RestartStrategy{Kind: "none"},
		}
		res := runSpec(t, spec)
		task := taskOf(t, res, "agg")
		const f, x = 8.0, 2.0
		for sub := 0; sub < 2; sub++ {
			in := seriesOf(t, res, task, sub, result.MetricInPool)
			fl := seriesOf(t, res, task, sub, result.MetricInFloating)
			ex := seriesOf(t, res, task, sub, result.MetricInExclusive)
			for i := range in {
				if math.Abs(in[i]*(f+x)-(fl[i]*f+ex[i]*x)) > 1e-9 {
					t.Fatalf("%s, subtask %d, sample %d: inPoolUsage %g is not the parts' mix (floating %g, exclusive %g)", c.name, sub, i, in[i], fl[i], ex[i])
				}
			}
			last := len(in) - 1
			switch {
			case c.backlog && (in[last] != 1 || fl[last] != 1 || ex[last] != 1):
				t.Errorf("%s, subtask %d: in %g, floating %g, exclusive %g at the end; want all 1", c.name, sub, in[last], fl[last], ex[last])
			case !c.backlog && fl[last] != 0:
				t.Errorf("%s, subtask %d: floating usage %g at the end; want 0", c.name, sub, fl[last])
			}
		}
	}
}

// TestHotReceiverHoldsEveryCredit: four senders on four TaskManagers key
// their records over four receivers, one key carrying a fifth of them, so
// the receiver that owns it gets 16k of the 40k records/s and takes 10k/s.
// Each sender's channel to it reaches max-buffers-per-channel, so every
// credit the receiver frees finds a finished buffer waiting, and Flink's
// sender writes a buffer per credit (CreditBasedSequenceNumberingViewReader):
// once the backlog has built, the receiver's three remote channels hold
// both their exclusive buffers at every sample, and
// inputExclusiveBuffersUsage (ExclusiveBuffersUsageGauge) reads 1. A
// sender's step writes several buffers to a channel as one chunk; it used
// to wait for credit for all of them, leaving one free (5/6).
func TestHotReceiverHoldsEveryCredit(t *testing.T) {
	singleGoroutine(t)
	spec := Spec{Name: "hot", Seed: 1, Duration: 30 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 4000, ChunkDelay: 200 * sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 4, Chain: true, RecordSize: 500,
				Kafka: &Kafka{Topic: "t", Partitions: 4, Rate: ConstantRate(40000)}},
			{Name: "agg", Kind: KindOperator, Parallelism: 4, MaxParallelism: 128, Chain: true, RecordSize: 500, Selectivity: 1,
				Cost: sim.Constant{V: 1e-4}, Inputs: []Input{{From: "src", Exchange: Hash}}, Keyed: &Keyed{Keys: &Population{Type: KeyString, Prefix: "u", N: 1000, Hot: []HotKey{{Key: "bot", Share: 0.2}}}}},
			{Name: "out", Kind: KindSink, Parallelism: 4, Chain: true, RecordSize: 500, Sink: &Sink{}, Inputs: []Input{{From: "agg"}}},
		},
		Restart: RestartStrategy{Kind: "none"},
	}
	res := runSpec(t, spec)
	task := taskOf(t, res, "agg")
	hot, most := -1, 0.0
	for sub := 0; sub < 4; sub++ {
		if busy := seriesOf(t, res, task, sub, result.MetricBusy); busy[len(busy)-1] > most {
			hot, most = sub, busy[len(busy)-1]
		}
	}
	ex := seriesOf(t, res, task, hot, result.MetricInExclusive)
	for i := 5; i < len(ex); i++ { // from 5 s: the backlog builds in less than 1 s
		if ex[i] != 1 {
			t.Errorf("hot subtask %d, sample %d: inputExclusiveBuffersUsage %g, want 1", hot, i, ex[i])
		}
	}
}

// TestSpanningRecordsHoldEveryCredit: 24 sources on 24 TaskManagers send
// 70 kB records, each spanning three 32 KiB buffers, to one sink that
// writes 100 records/s against 10k/s of input. Each source's only channel
// keeps finished buffers queued (its pool is 1 × 2 + 8 buffers), and
// Flink's writer serializes a record into consecutive buffers while its
// netty sender sends one finished buffer per credit
// (CreditBasedSequenceNumberingViewReader.getNextBuffer); the receiver's
// SpillingAdaptiveSpanningRecordDeserializer copies a buffer that does not
// complete its record and recycles it. So no credit waits for a record's
// later buffers: once the backlog has built, the sink's 23 remote channels
// hold their 2 exclusive buffers and the gate's 8 floating ones are all
// taken, and inPoolUsage, inputExclusiveBuffersUsage and
// inputFloatingBuffersUsage read 1 at every sample. A record used to wait
// for credit for all its buffers, so only the 8 channels holding a
// floating buffer held any: inPoolUsage 24/54.
func TestSpanningRecordsHoldEveryCredit(t *testing.T) {
	singleGoroutine(t)
	spec := spanningFanIn()
	res := runSpec(t, spec)
	task := taskOf(t, res, "out")
	for _, m := range []string{result.MetricInPool, result.MetricInExclusive, result.MetricInFloating} {
		v := seriesOf(t, res, task, 0, m)
		for i := 5; i < len(v); i++ { // from 5 s: the backlog builds in less than 1 s
			if v[i] != 1 {
				t.Errorf("sample %d: %s %g, want 1", i, m, v[i])
			}
		}
	}
}

// TestLocalGateCountsItsFloatingPool: a gate whose channels are all local
// still has its floating pool, and Flink's FloatingBuffersUsageGauge counts
// it (LocalBufferPool.getNumBuffers of every gate), though local channels
// never take its buffers. A two-input operator reads "a" forward from the
// source in its own slot (one local channel) and "b" keyed (one local, one
// remote channel). Backpressured, b's remote channel holds its 2 exclusive
// buffers and its gate's 8 floating ones, a's gate none of its 8: so
// inputExclusiveBuffersUsage reads 1, inputFloatingBuffersUsage 8/16 and
// inPoolUsage 10/18, not 1 as when the local gate was left out.
func TestLocalGateCountsItsFloatingPool(t *testing.T) {
	singleGoroutine(t)
	spec := Spec{Name: "local-gate", Seed: 1, Duration: 20 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkDelay: sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "a", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: 100, Kafka: &Kafka{Topic: "a", Partitions: 2, Rate: ConstantRate(4000)}},
			{Name: "b", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: 100, Kafka: &Kafka{Topic: "b", Partitions: 2, Rate: ConstantRate(4000)}},
			{Name: "join", Kind: KindOperator, Parallelism: 2, MaxParallelism: 128, Chain: true, RecordSize: 100, Selectivity: 1, Cost: sim.Constant{V: 1e-3},
				Inputs: []Input{{From: "a", Exchange: Forward}, {From: "b", Exchange: Hash}}, Keyed: &Keyed{Keys: UniformKeys{N: 1000}}},
			{Name: "out", Kind: KindSink, Parallelism: 2, Chain: true, RecordSize: 100, Sink: &Sink{}, Inputs: []Input{{From: "join"}}},
		},
		Restart: RestartStrategy{Kind: "none"},
	}
	res := runSpec(t, spec)
	task := taskOf(t, res, "join")
	for sub := 0; sub < 2; sub++ {
		in := seriesOf(t, res, task, sub, result.MetricInPool)
		fl := seriesOf(t, res, task, sub, result.MetricInFloating)
		ex := seriesOf(t, res, task, sub, result.MetricInExclusive)
		last := len(in) - 1
		if in[last] != 10.0/18 || fl[last] != 8.0/16 || ex[last] != 1 {
			t.Errorf("subtask %d at the end: inPoolUsage %g, floating %g, exclusive %g; want 10/18, 8/16 and 1", sub, in[last], fl[last], ex[last])
		}
	}
}
