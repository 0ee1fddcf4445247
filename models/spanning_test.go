package models

import (
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// spanningFanIn is TestSpanningRecordsHoldEveryCredit's job: 24 sources
// send 70 kB records (three 32 KiB buffers each) to one slow sink.
func spanningFanIn() Spec {
	return Spec{Name: "span", Seed: 1, Duration: 20 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 100, ChunkDelay: 200 * sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 24, Chain: true, RecordSize: 70000,
				Kafka: &Kafka{Topic: "t", Partitions: 24, Rate: ConstantRate(10000)}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 70000, Cost: sim.Constant{V: 1e-2}, Sink: &Sink{},
				Inputs: []Input{{From: "src", Exchange: Rebalance}}},
		},
		Restart: RestartStrategy{Kind: "none"},
	}
}

// TestUnalignedPersistsSpanningRecordsWhole: with unaligned checkpoints,
// the in-flight data of the backpressured fan-in is persisted while some
// records are split between the sink's deserializers (their first buffers
// copied), its input channels and the senders' queues. Flink persists each
// part where it is: StreamTaskNetworkInput.prepareSnapshot hands the
// deserializers' gathered bytes to the channel state writer, the input
// channels persist what they hold and what arrives before their barrier
// (ChannelStatePersister), the senders what their barrier overtook. So
// every record before the barriers is persisted whole, and each completed
// checkpoint's persisted data is a whole number of 70 kB records (the
// deserializers' bytes left out, it was not), up to a TaskManager lost at
// 10 s; the failover restores them into the channels (split again where
// credit is short, so a restored record's bytes are no longer exact), and
// every record is accounted for.
func TestUnalignedPersistsSpanningRecordsWhole(t *testing.T) {
	singleGoroutine(t)
	spec := spanningFanIn()
	spec.Checkpointing = &Checkpointing{Interval: sim.Second, Timeout: 10 * sim.Minute, MaxConcurrent: 1, Unaligned: true,
		Storage: Storage{StreamUpload: 1e9, StreamDownload: 1e9, FileSize: 1 << 30, TransferThreads: 1}}
	spec.Restart = RestartStrategy{Kind: "fixed-delay", Delay: sim.Second, Attempts: 3}
	spec.Recovery = Recovery{HeartbeatTimeout: 2 * sim.Second, Redeploy: sim.Second, TaskManagerStart: 2 * sim.Second}
	spec.Failures = []Failure{{Kind: FailTaskManager, At: 10 * sim.Second, TaskManager: 3}}
	res := runSpec(t, spec)
	if len(res.Failovers) != 1 || res.Failovers[0].RestoredAt == 0 || !res.Summary.Records.Balanced() {
		t.Fatalf("want one failover, restored, and every record accounted for: %+v, %+v", res.Failovers, res.Summary.Records)
	}
	persisted := 0 // completed checkpoints that persisted in-flight data (the first came before the backlog)
	for _, c := range res.Checkpoints {
		if c.Status != "COMPLETED" || c.Trigger >= 10*sim.Second {
			continue
		}
		if c.PersistedData > 0 {
			persisted++
		}
		if c.PersistedData%70000 != 0 {
			t.Errorf("checkpoint %d: %d bytes of in-flight data persisted, want a multiple of 70000", c.ID, c.PersistedData)
		}
	}
	if persisted < 8 {
		t.Errorf("%d checkpoints persisted in-flight data before the failure, want at least 8", persisted)
	}
}

// TestBlockedMidRecordReadsNoFurther: a source that reads for free, its
// 1 MB records sent buffer by buffer against credit over a 25 ms link,
// blocks mid-record once its pool and overdraft are used up, as Flink's
// writer blocks in requestBufferBuilderBlocking: it reads nothing more,
// and the backlog stays in Kafka. So the records in the job are bounded by
// the network buffers (every sender's pool and overdraft, every receiver's
// exclusive and floating buffers), plus one record mid-write or mid-read
// per channel and one being processed per subtask.
func TestBlockedMidRecordReadsNoFurther(t *testing.T) {
	const p, size = 2, 1 << 20
	spec := Spec{Name: "blocked", Seed: 1, Duration: 2 * sim.Minute, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkDelay: 5 * sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: p, Chain: true, RecordSize: size,
				Kafka: &Kafka{Topic: "t", Partitions: p, Rate: ConstantRate(50)}},
			{Name: "op", Kind: KindOperator, Parallelism: p, RecordSize: size, Selectivity: 1, Cost: sim.Constant{V: 1e-3},
				Inputs: []Input{{From: "src", Exchange: Rebalance}}},
			{Name: "out", Kind: KindSink, Parallelism: p, RecordSize: size, Sink: &Sink{}, Inputs: []Input{{From: "op", Exchange: Forward}}},
		},
		Restart: RestartStrategy{Kind: "none"},
	}
	spec.Network.Latency = 25 * sim.Millisecond
	res := runSpec(t, spec)
	nw := spec.Network
	edges, channels := int64(2), int64(p*p)
	perRecord := int64(size / nw.SegmentSize)
	senderBuffers := int64(p*nw.BuffersPerChannel+nw.FloatingPerGate+nw.OverdraftPerGate) * p // per edge
	receiverBuffers := int64(p*nw.BuffersPerChannel+nw.FloatingPerGate) * p
	bound := edges*(senderBuffers+receiverBuffers)/perRecord + edges*channels + 3*p
	r := res.Summary.Records
	if r.InFlight > bound || !r.Balanced() {
		t.Errorf("%d records in the job, want at most %d (the backlog stays in Kafka: %d); balanced %v", r.InFlight, bound, r.SourceLag, r.Balanced())
	}
	if r.SourceLag < 1000 {
		t.Errorf("Kafka lag %d: the job no longer falls behind, the test shows nothing", r.SourceLag)
	}
}
