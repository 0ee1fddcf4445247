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
