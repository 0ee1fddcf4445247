package models

import "github.com/flinksim/flinksim/sim"

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
