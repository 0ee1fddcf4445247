package models

import (
	"errors"
	"flag"
	"testing"

	"pgregory.net/rapid"

	"github.com/flinksim/flinksim/sim"
)

// TestInvariantsHoldOnRandomJobs: no valid job trips a simulator invariant
// (records and buffers conserved everywhere, and summary.json's records
// balance). Small random jobs: a Kafka source (constant rate or a step or
// ramp), an operator that filters or multiplies, optionally a
// pre-aggregating mini-batch or a salted partial stage, a keyed operator
// (uniform keys, a hot key, a hot-key partitioner) with or without state, a
// sink, and optionally a second sink reading the first operator too
// (fan-out, chained or not); random seeds, durations, checkpoint intervals,
// timeouts, sync phases, modes, restart strategies, failover strategies
// (with an optional independent pipeline, more regions), TaskManager
// losses, checkpoint failures, storage episodes, outages of Kafka or the
// sinks' system, poison records and overloads; event time (delays, offline
// devices, paused partitions, idleness) and a tumbling or sliding window
// on the keyed operator; state on a small heap (out-of-memory failovers). -rapid.checks=N runs more.
func TestInvariantsHoldOnRandomJobs(t *testing.T) {
	if f := flag.Lookup("rapid.checks"); f != nil && f.Value.String() == f.DefValue {
		n := "100"
		if testing.Short() || raceEnabled {
			n = "30"
		}
		_ = f.Value.Set(n)
		defer func() { _ = f.Value.Set(f.DefValue) }()
	}
	rapid.Check(t, func(rt *rapid.T) {
		spec := randomJob(rt)
		s, err := New(spec)
		if err != nil {
			rt.Fatalf("New: %v", err)
		}
		res, err := s.Run(nil)
		if errors.Is(err, ErrInvariant) {
			rt.Fatalf("%v", err)
		}
		if err != nil {
			rt.Fatalf("run: %v", err)
		}
		if !res.Summary.Records.Balanced() {
			rt.Fatalf("records do not balance: %+v", res.Summary.Records)
		}
	})
}

// drawMs draws a time in [lo, hi] milliseconds.
func drawMs(rt *rapid.T, lo, hi int64, label string) sim.Time {
	return sim.Time(rapid.Int64Range(lo, hi).Draw(rt, label)) * sim.Millisecond
}

// randomJob draws a small job: a source, a map, optional mini-batch or
// salting, a keyed aggregation and a sink, optional fan-out, an optional
// independent pipeline; checkpointing, restarts and injected failures.
func randomJob(rt *rapid.T) Spec {
	ms := func(lo, hi int64, label string) sim.Time { return drawMs(rt, lo, hi, label) }
	p := rapid.IntRange(1, 3).Draw(rt, "parallelism")
	rate := float64(rapid.IntRange(50, 3000).Draw(rt, "rate"))
	chunk := rapid.SampledFrom([]int64{0, 1, 7, 100}).Draw(rt, "chunk-records")
	if chunk == 1 {
		rate = min(rate, 300) // exact mode: one event per record
	}
	spec := Spec{
		Name: "random", Seed: rapid.Uint64().Draw(rt, "seed"), Duration: ms(1000, 40000, "duration"),
		Network: DefaultNetwork(), SlotsPerTaskManager: rapid.IntRange(1, 2).Draw(rt, "slots"), Chaining: rapid.Bool().Draw(rt, "chaining"),
		Sim: Settings{ChunkRecords: chunk, ChunkDelay: ms(0, 50, "chunk-delay"), SampleInterval: ms(100, 5000, "sample-interval")},
	}
	spec.Network.BufferTimeout = rapid.SampledFrom([]sim.Time{0, sim.Millisecond, 100 * sim.Millisecond, FlushOnlyWhenFull}).Draw(rt, "buffer-timeout")
	size := rapid.Int64Range(10, 40000).Draw(rt, "record-size")
	cost := sim.Exponential{M: 1 / rate / float64(rapid.IntRange(1, 4).Draw(rt, "headroom")) * float64(p)}
	spec.Nodes = randomNodes(rt, p, rate, size, cost)
	spec.AutoWatermarkInterval = ms(1, 1000, "watermark-interval")
	randomEventTime(rt, spec.Nodes)
	if rapid.Bool().Draw(rt, "checkpointing") {
		spec.Checkpointing = randomCheckpointing(rt)
	}
	if rapid.Bool().Draw(rt, "resources") {
		// TaskManagers from starved to ample: contention must never break
		// conservation or time
		spec.TaskManager = Resources{
			Cores:   float64(rapid.IntRange(1, 8).Draw(rt, "cores")) / 2,
			Network: float64(rapid.Int64Range(1<<20, 1<<31).Draw(rt, "network")),
			Disk:    float64(rapid.Int64Range(1<<20, 1<<31).Draw(rt, "disk")),
		}
	}
	if rapid.Bool().Draw(rt, "heap") { // state on the heap: out-of-memory failovers
		spec.HeapState = true
		spec.TaskManager.TaskHeap = float64(rapid.Int64Range(1<<10, 1<<30).Draw(rt, "task-heap"))
	}
	randomFaults(rt, &spec)
	// The ask timeout of a deployment to a lost TaskManager not yet
	// noticed: the redeploy time's draw (1 to 2000 ms, before or after the
	// heartbeat timeout's), not a draw of its own, so that older failure
	// files still replay their jobs.
	spec.Recovery.AskTimeout = spec.Recovery.Redeploy
	return spec
}

// randomNodes draws the job graph.
func randomNodes(rt *rapid.T, p int, rate float64, size int64, cost sim.Exponential) []Node {
	ms := func(lo, hi int64, label string) sim.Time { return drawMs(rt, lo, hi, label) }
	var keys KeySpace = UniformKeys{N: rapid.Int64Range(1, 5000).Draw(rt, "keys")}
	pop := &Population{N: rapid.Int64Range(1, 5000).Draw(rt, "population"), Type: KeyString, Prefix: "k",
		Hot: []HotKey{{Key: "hot", Share: rapid.Float64Range(0.01, 0.9).Draw(rt, "hot-share")}}}
	keyKind := rapid.IntRange(0, 3).Draw(rt, "key-kind") // uniform, a hot key, a hot-key partitioner, salting
	if keyKind > 0 {
		keys = pop
	}
	keyed := &Keyed{Keys: keys, StatePerKey: rapid.SampledFrom([]int64{0, 100, 1 << 20}).Draw(rt, "state-per-key"), Warm: rapid.Bool().Draw(rt, "warm")}
	if keyKind == 2 {
		keyed.HotPartitioner = &HotPartitioner{Top: 1, LeastLoaded: rapid.Bool().Draw(rt, "least-loaded")}
	}
	var profile RateProfile = ConstantRate(rate)
	if rapid.Bool().Draw(rt, "rate-steps") {
		profile = Piecewise{Points: []Point{{0, rate}, {ms(0, 20000, "step-at"), rate * rapid.Float64Range(0, 3).Draw(rt, "step")}},
			Linear: rapid.Bool().Draw(rt, "ramp")}
	}
	first := rapid.SampledFrom([]Exchange{Forward, Rebalance}).Draw(rt, "first-exchange")
	nodes := []Node{
		{Name: "src", Kind: KindSource, Parallelism: p, Chain: true, RecordSize: size,
			Kafka: &Kafka{Topic: "t", Partitions: rapid.IntRange(1, 5).Draw(rt, "partitions"), Rate: profile,
				Poisson: rapid.Bool().Draw(rt, "poisson"), InitialBacklog: rapid.Int64Range(0, 2000).Draw(rt, "backlog")}},
		{Name: "map", Kind: KindOperator, Parallelism: p, Chain: true, RecordSize: size, Cost: cost,
			Selectivity: rapid.SampledFrom([]float64{1, 0.3, 0.7, 2.5}).Draw(rt, "selectivity"), Inputs: []Input{{From: "src", Exchange: first}}},
	}
	into := "map"
	if keyKind == 3 { // salting: a keyed partial stage on salted keys, then the final stage
		nodes = append(nodes, Node{Name: "partial", Kind: KindOperator, Parallelism: p, MaxParallelism: 128, Chain: true, RecordSize: size,
			Selectivity: 1, Inputs: []Input{{From: "map", Exchange: Hash}},
			Keyed:     &Keyed{Keys: SaltedKeys{Base: pop, Buckets: rapid.IntRange(2, 4).Draw(rt, "buckets"), HotShare: rapid.Float64Range(0, 0.5).Draw(rt, "salt-share")}},
			MiniBatch: &MiniBatch{Size: rapid.Int64Range(0, 500).Draw(rt, "partial-size"), Interval: ms(1, 2000, "partial-interval")}})
		into = "partial"
	} else if rapid.Bool().Draw(rt, "mini-batch") {
		nodes = append(nodes, Node{Name: "pre", Kind: KindOperator, Parallelism: p, Chain: true, RecordSize: size, Selectivity: 1,
			Inputs:    []Input{{From: "map", Exchange: Forward}},
			MiniBatch: &MiniBatch{Size: rapid.Int64Range(0, 500).Draw(rt, "batch-size"), Interval: ms(1, 2000, "batch-interval")}})
		into = "pre"
	}
	kp := rapid.IntRange(1, 3).Draw(rt, "keyed-parallelism")
	nodes = append(nodes,
		Node{Name: "agg", Kind: KindOperator, Parallelism: kp, MaxParallelism: 128, Chain: true, RecordSize: size, Selectivity: 1,
			Cost: cost, Inputs: []Input{{From: into, Exchange: Hash}}, Keyed: keyed},
		Node{Name: "out", Kind: KindSink, Parallelism: kp, Chain: true, RecordSize: size,
			Sink: &Sink{RecordsPerSecond: rate * float64(rapid.IntRange(1, 3).Draw(rt, "sink-headroom")) / 2 / float64(kp),
				Delivery: randomDelivery(rt, "out")},
			Inputs: []Input{{From: "agg"}}})
	if rapid.Bool().Draw(rt, "fan-out") { // "map" feeds a second sink too
		nodes = append(nodes, Node{Name: "audit", Kind: KindSink, Parallelism: p, Chain: rapid.Bool().Draw(rt, "audit-chained"),
			RecordSize: size, Sink: &Sink{Delivery: randomDelivery(rt, "audit")}, Inputs: []Input{{From: "map", Exchange: Forward}}})
	}
	if rapid.Bool().Draw(rt, "second-pipeline") { // independent: more pipelined regions
		p2 := rapid.IntRange(1, 3).Draw(rt, "second-parallelism")
		nodes = append(nodes,
			Node{Name: "src2", Kind: KindSource, Parallelism: p2, Chain: true, RecordSize: size,
				Kafka: &Kafka{Topic: "t2", Partitions: p2, Rate: ConstantRate(rate / 2)}},
			Node{Name: "out2", Kind: KindSink, Parallelism: p2, Chain: rapid.Bool().Draw(rt, "out2-chained"), RecordSize: size,
				Sink: &Sink{}, Inputs: []Input{{From: "src2", Exchange: Forward}}})
	}
	return nodes
}

// randomDelivery draws a sink's guarantee, system, batches, transaction
// timeouts (a Kafka producer may fail as it starts), commit attempts and
// upserts.
func randomDelivery(rt *rapid.T, name string) Delivery {
	ms := func(lo, hi int64, label string) sim.Time { return drawMs(rt, lo, hi, name+"-"+label) }
	d := Delivery{Guarantee: Guarantee(rapid.IntRange(0, 2).Draw(rt, name+"-guarantee")), System: SinkSystem(rapid.IntRange(0, 2).Draw(rt, name+"-system")),
		BatchSize: rapid.Int64Range(1, 1000).Draw(rt, name+"-batch"), BatchInterval: ms(0, 2000, "batch-interval"),
		TransactionTimeout: ms(1, 60000, "transaction-timeout"), BrokerMaxTimeout: ms(1, 120000, "broker-max"), AbortInterval: ms(0, 10000, "abort-interval"),
		MaxCommitAttempts: rapid.IntRange(1, 3).Draw(rt, name+"-commit-attempts")}
	if rapid.Bool().Draw(rt, name+"-upsert") {
		d.Upsert = &Upsert{Keys: rapid.Int64Range(1, 10000).Draw(rt, name+"-upsert-keys"), Deterministic: rapid.Bool().Draw(rt, name+"-deterministic")}
	}
	return d
}

// randomCheckpointing draws checkpoint settings and storage.
func randomCheckpointing(rt *rapid.T) *Checkpointing {
	ms := func(lo, hi int64, label string) sim.Time { return drawMs(rt, lo, hi, label) }
	bw := float64(rapid.Int64Range(1<<20, 1<<30).Draw(rt, "bandwidth"))
	c := &Checkpointing{
		Interval: ms(100, 10000, "interval"), Timeout: ms(100, 20000, "timeout"), MinPause: ms(0, 3000, "min-pause"),
		MaxConcurrent: rapid.IntRange(1, 2).Draw(rt, "max-concurrent"), Tolerable: rapid.IntRange(0, 2).Draw(rt, "tolerable"),
		AtLeastOnce: rapid.Bool().Draw(rt, "at-least-once"), Unaligned: rapid.Bool().Draw(rt, "unaligned"),
		AlignedTimeout: ms(0, 3000, "aligned-timeout"), SyncPhase: ms(0, 8000, "sync-phase"),
		RocksDB: true, Incremental: rapid.Bool().Draw(rt, "incremental"), LSM: DefaultLSM(),
		LocalBackup: rapid.Bool().Draw(rt, "local-backup"), LocalRecovery: rapid.Bool().Draw(rt, "local-recovery"),
		Storage: Storage{StreamUpload: bw, StreamDownload: bw, RequestLatency: ms(0, 200, "request-latency"), FileSize: 64 << 20,
			TransferThreads: 4},
	}
	if rapid.Bool().Draw(rt, "changelog") {
		cl := Changelog{MaterializeInterval: ms(1000, 60000, "materialize-interval"),
			UploadThreads:       rapid.IntRange(1, 5).Draw(rt, "changelog-threads"),
			MaxInFlight:         float64(rapid.Int64Range(1<<10, 100<<20).Draw(rt, "max-in-flight")),
			PreEmptiveThreshold: float64(rapid.Int64Range(0, 10<<20).Draw(rt, "preemptive-threshold"))}
		c.Changelog = &cl
	}
	if c.AtLeastOnce {
		c.Unaligned = false
	}
	return c
}

// randomFaults draws the restart strategy, recovery times and injected
// failures.
func randomFaults(rt *rapid.T, spec *Spec) {
	ms := func(lo, hi int64, label string) sim.Time { return drawMs(rt, lo, hi, label) }
	switch rapid.IntRange(0, 2).Draw(rt, "restart") {
	case 0:
		spec.Restart = RestartStrategy{Kind: "fixed-delay", Delay: ms(0, 3000, "restart-delay"), Attempts: rapid.IntRange(0, 5).Draw(rt, "attempts")}
	case 1:
		spec.Restart = RestartStrategy{Kind: "exponential-delay", InitialBackoff: ms(1, 1000, "initial-backoff"), MaxBackoff: ms(1000, 5000, "max-backoff"),
			Multiplier: 1.5, Jitter: 0.1, ResetThreshold: sim.Minute}
	default:
		spec.Restart = RestartStrategy{Kind: "none"}
	}
	spec.Recovery = Recovery{HeartbeatTimeout: ms(0, 5000, "heartbeat"), Redeploy: ms(1, 2000, "redeploy"), TaskManagerStart: ms(0, 5000, "tm-start"),
		FailoverStrategy: FailoverStrategy(rapid.IntRange(0, 1).Draw(rt, "failover-strategy"))}
	for i := rapid.IntRange(0, 3).Draw(rt, "failures"); i > 0; i-- {
		at := ms(0, int64(spec.Duration/sim.Millisecond), "failure-at")
		switch rapid.IntRange(0, 9).Draw(rt, "failure-kind") {
		case 9:
			spec.Failures = append(spec.Failures, Failure{Kind: FailOverload, Operator: rapid.SampledFrom([]string{"src", "map", "agg", "out"}).Draw(rt, "overloaded"),
				Above: rapid.Float64Range(10, 5000).Draw(rt, "overload-above")})
		case 6, 7:
			kind := []FailureKind{FailKafkaOutage, FailSinkOutage}[rapid.IntRange(0, 1).Draw(rt, "outage-kind")]
			lo := int64(0) // a sink's write may fail at once; a partition listing takes time
			if kind == FailKafkaOutage {
				lo = 1
			}
			spec.Failures = append(spec.Failures, Failure{Kind: kind, At: at, For: ms(1, 20000, "outage-for"), FailsAfter: ms(lo, 5000, "fails-after")})
		case 8:
			spec.Failures = append(spec.Failures, Failure{Kind: FailPoisonRecord, Source: "src", Offset: rapid.Int64Range(0, 5000).Draw(rt, "poison-offset")})
		case 0:
			spec.Failures = append(spec.Failures, Failure{Kind: FailTaskManager, At: at, TaskManager: -1,
				Detection: Detection(rapid.IntRange(0, 2).Draw(rt, "detection"))})
		case 1:
			spec.Failures = append(spec.Failures, Failure{Kind: FailCheckpoint, At: at})
			if rapid.Bool().Draw(rt, "sink-faults") { // and faults of sinks' commits
				spec.Failures = append(spec.Failures,
					Failure{Kind: FailCommit, Operator: "out", Checkpoint: rapid.Int64Range(1, 5).Draw(rt, "commit-failure"), KnownReason: rapid.Bool().Draw(rt, "known")},
					Failure{Kind: FailTaskManager, OnCheckpoint: true, AtCheckpoint: rapid.Int64Range(0, 5).Draw(rt, "loss-checkpoint"), At: at,
						TaskManager: -1, BeforeCompletion: rapid.Bool().Draw(rt, "before-completion")})
			}
		case 2:
			spec.Failures = append(spec.Failures, Failure{Kind: FailCheckpoint, Checkpoint: rapid.Int64Range(1, 5).Draw(rt, "failed-checkpoint")})
		case 3:
			spec.Failures = append(spec.Failures, Failure{Kind: FailTaskManager, MTBF: ms(1000, 30000, "mtbf"), TaskManager: -1})
		case 4:
			spec.Failures = append(spec.Failures, Failure{Kind: FailStorageOutage, At: at, For: ms(0, 10000, "outage")})
		default:
			spec.Failures = append(spec.Failures, Failure{Kind: FailStorageSlowdown, At: at, For: ms(0, 10000, "slowdown"),
				Factor: rapid.Float64Range(1, 20).Draw(rt, "factor")})
		}
	}
}

// randomEventTime gives the source event time and, perhaps, makes the
// keyed operator a window operator.
func randomEventTime(rt *rapid.T, nodes []Node) {
	ms := func(lo, hi int64, label string) sim.Time { return drawMs(rt, lo, hi, label) }
	if !rapid.Bool().Draw(rt, "event-time") {
		return
	}
	et := &EventTime{Delay: sim.Exponential{M: ms(0, 5000, "delay").Seconds()}, OutOfOrderness: ms(0, 5000, "bound"),
		Idleness: ms(0, 5000, "idleness")}
	if rapid.Bool().Draw(rt, "offline") {
		et.OfflineShare, et.Offline = rapid.Float64Range(0.001, 0.5).Draw(rt, "offline-share"), sim.Exponential{M: ms(1, 60000, "offline").Seconds()}
	}
	if rapid.Bool().Draw(rt, "pause") {
		et.Pauses = []PartitionPause{{Partitions: []int{0}, At: ms(0, 30000, "pause-at"), For: ms(1, 20000, "pause-for"), Drop: rapid.Bool().Draw(rt, "pause-drop")}}
	}
	if rapid.Bool().Draw(rt, "partition-delays") {
		et.PartitionDelays = []PartitionDelays{{Partitions: []int{0}, Delay: sim.Mixture{Weights: []float64{0.5, 0.5},
			Parts: []sim.Dist{sim.Constant{V: ms(0, 20000, "partition-delay").Seconds()}, sim.Exponential{M: 1}}}},
			{Partitions: []int{1}, Delay: sim.Exponential{M: ms(1, 20000, "partition-delay-2").Seconds()}}}
	}
	if rapid.Bool().Draw(rt, "alignment") {
		et.Alignment = &Alignment{Group: "g", MaxDrift: ms(1, 5000, "max-drift"), UpdateInterval: ms(1, 2000, "update-interval")}
	}
	nodes[0].Kafka.EventTime = et
	for i := range nodes {
		if n := &nodes[i]; n.Name == "agg" && n.Keyed.HotPartitioner == nil && rapid.Bool().Draw(rt, "window") {
			w := &Window{Kind: Tumbling, Size: ms(1, 10000, "window-size"), AllowedLateness: ms(0, 5000, "lateness"),
				SideOutput: rapid.Bool().Draw(rt, "side-output"), Buffering: rapid.Bool().Draw(rt, "buffering"), AccumulatorSize: 64,
				FireCost: sim.Exponential{M: 1e-6}}
			if rapid.Bool().Draw(rt, "sliding") {
				// the drawn size is the pane: the slide and the size are
				// multiples of it, the size not always of the slide, and
				// sometimes shorter than it (records between windows)
				every := rapid.Int64Range(1, 3).Draw(rt, "panes-per-slide")
				w.Kind, w.Slide = Sliding, w.Size*sim.Time(every)
				w.Size *= sim.Time(rapid.Int64Range(1, 4*every).Draw(rt, "panes-per-window"))
			}
			w.Offset = sim.Time(rapid.Int64Range(0, int64(w.step())-1).Draw(rt, "offset"))
			if rapid.Bool().Draw(rt, "session") {
				w.Kind, w.Gap, w.Size, w.Slide, w.Offset = Session, ms(1, 10000, "gap"), 0, 0, 0
			}
			n.Window = w
		}
	}
}
