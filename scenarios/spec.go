package scenarios

import (
	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// spec converts the resolved scenario into the model's Spec. It is the one
// place a models.Spec is built: the other resolve files return its parts.
func (r *resolver) spec() models.Spec {
	sc, fs := r.sc, r.fs
	timeout := fs.duration("execution.buffer-timeout.interval")
	if !fs.bool("execution.buffer-timeout.enabled") || timeout < 0 {
		timeout = models.FlushOnlyWhenFull
	}
	dur := sim.Time(*sc.Duration)
	spec := models.Spec{
		Name: sc.Name, Seed: *sc.Seed, Duration: dur,
		Epoch: sim.Time(result.DefaultStartTime.UnixNano()), // run's --start-time replaces it
		Network: models.Network{
			SegmentSize:          fs.bytes("taskmanager.memory.segment-size"),
			BuffersPerChannel:    fs.int("taskmanager.network.memory.buffers-per-channel"),
			MaxRequiredPerGate:   fs.intOr("taskmanager.network.memory.read-buffer.required-per-gate.max", 0),
			FloatingPerGate:      fs.int("taskmanager.network.memory.floating-buffers-per-gate"),
			MaxBuffersPerChannel: fs.int("taskmanager.network.memory.max-buffers-per-channel"),
			OverdraftPerGate:     fs.int("taskmanager.network.memory.max-overdraft-buffers-per-gate"),
			Buffers:              r.networkBuffers(),
			BufferTimeout:        timeout,
			Debloat:              r.debloatSpec(),
			Latency:              sim.Time(*sc.Cluster.NetworkRoundTrip) / 2,
		},
		SlotsPerTaskManager: fs.int("taskmanager.numberOfTaskSlots"),
		TaskManager: models.Resources{
			Cores:   r.cores, // taskmanager.cpu.cores, or as Kubernetes or YARN derive it (resolve_cpu.go)
			Network: sc.Cluster.NetworkBandwidth.PerSecond,
			Disk:    sc.Cluster.DiskBandwidth.PerSecond,
		},
		Chaining:              fs.bool("pipeline.operator-chaining.enabled"),
		CascadingDescription:  fs.str("pipeline.vertex-description-mode") == "CASCADING",
		AutoWatermarkInterval: fs.duration("pipeline.auto-watermark-interval") / sim.Millisecond * sim.Millisecond, // whole ms: ExecutionConfig.getAutoWatermarkInterval
		// SinkCommitterMetricGroup (FLIP-371, FLINK-25857) came in 1.19
		NoSinkCommitterMetrics: r.release.before("1.19"),
		FullRestarts:           r.release.before("2.0"),
		Sim: models.Settings{
			ChunkDelay:     sim.Time(*sc.Simulation.ChunkDelay),
			SampleInterval: sim.Time(*sc.Simulation.SampleInterval),
		},
		Nodes:            r.modelNodes(dur),
		Restart:          r.restartSpec(),
		Recovery:         r.recoverySpec(),
		JobStatusMetrics: r.jobStatusMetricsSpec(),
		Failures:         r.failureSpecs(),
		Checkpointing:    r.checkpointingSpec(),
	}
	if c := sc.Simulation.ChunkRecords; c != nil {
		spec.Sim.ChunkRecords = int64(*c)
	}
	spec.TaskManager.TaskHeap = r.taskHeap()
	spec.HeapState = fs.str("state.backend.type") != "rocksdb" // hashmap: state on the heap
	spec.ExitOnOOM = fs.bool("taskmanager.jvm-exit-on-oom")
	return spec
}

// modelNodes converts the nodes in order: a keyed operator with salting
// becomes two (keyedNodes).
func (r *resolver) modelNodes(dur sim.Time) []models.Node {
	var nodes []models.Node
	inputs := r.modelInputs()
	for _, n := range r.nodes {
		mn := models.Node{Name: n.name, Kind: n.kind, Parallelism: n.parallelism, RecordSize: n.recordSize, Selectivity: 1,
			Inputs: inputs(n)}
		switch {
		case n.src != nil:
			s := n.src
			mn.Chain, mn.Cost, mn.Kafka = *s.Chaining, toDist(s.Cost), kafkaModel(s, dur, r.release)
		case n.op != nil:
			o := n.op
			mn.Chain, mn.Cost, mn.Window = *o.Chaining, toDist(o.Cost), windowModel(o.Window)
			if o.Selectivity != nil { // a window's is 1: it emits when it fires
				mn.Selectivity = *o.Selectivity
			}
			if mb := o.MiniBatch; mb != nil {
				mn.MiniBatch = &models.MiniBatch{Size: int64(*mb.Size), Interval: sim.Time(*mb.AllowLatency)}
			}
			if o.Keys != nil {
				nodes = append(nodes, keyedNodes(mn, o)...)
				continue
			}
		case n.sink != nil:
			s := n.sink
			mn.Chain, mn.Cost, mn.Sink = *s.Chaining, toDist(s.Cost), sinkModel(s, n.parallelism)
		}
		nodes = append(nodes, mn)
	}
	return nodes
}

// modelInputs returns the model's inputs of a node: readers of a salted
// operator read its final stage.
func (r *resolver) modelInputs() func(n *node) []models.Input {
	exchange := map[string]models.Exchange{"forward": models.Forward, "rebalance": models.Rebalance, "keyBy": models.Hash}
	output := map[string]string{}
	for _, n := range r.nodes {
		output[n.name] = n.name
		if n.op != nil && n.op.Salting != nil {
			output[n.name] = n.name + "-final"
		}
	}
	return func(n *node) []models.Input {
		var ins []models.Input
		for _, in := range n.inputs {
			x := exchange[n.exchange]
			if up := r.byName[in]; up != nil {
				x = exchange[edgeExchange(n, up)]
			}
			if x == models.Forward && output[in] != in {
				x = models.Rebalance // the final stage's parallelism may differ
			}
			ins = append(ins, models.Input{From: output[in], Exchange: x})
		}
		return ins
	}
}

func toDist(x *Dist) sim.Dist {
	sec := func(d Duration) float64 { return sim.Time(d).Seconds() }
	switch {
	case x == nil:
		return nil
	case x.Constant != nil:
		if *x.Constant == 0 {
			return nil
		}
		return sim.Constant{V: sec(*x.Constant)}
	case x.Exponential != nil:
		return sim.Exponential{M: sec(*x.Exponential)}
	case x.LogNormal != nil:
		d, _ := sim.LogNormalFromMeanP99(sec(x.LogNormal.Mean), sec(x.LogNormal.P99))
		return d
	case x.Uniform != nil:
		return sim.Uniform{Lo: sec(x.Uniform.Min), Hi: sec(x.Uniform.Max)}
	case len(x.Mixture) > 0:
		m := sim.Mixture{}
		sum := 0.0
		for _, p := range x.Mixture {
			sum += p.Weight
		}
		for _, p := range x.Mixture {
			d := toDist(p.Dist)
			if d == nil {
				d = sim.Constant{} // a constant 0
			}
			m.Weights, m.Parts = append(m.Weights, p.Weight/sum), append(m.Parts, d) // to add up to 1 exactly
		}
		return m
	}
	return nil
}

// debloatSpec is buffer debloating's settings, nil when it is off.
func (r *resolver) debloatSpec() *models.Debloat {
	fs := r.fs
	if !fs.bool("taskmanager.network.memory.buffer-debloat.enabled") {
		return nil
	}
	d := &models.Debloat{
		Target:           fs.duration("taskmanager.network.memory.buffer-debloat.target"),
		Period:           fs.duration("taskmanager.network.memory.buffer-debloat.period"),
		Samples:          fs.int("taskmanager.network.memory.buffer-debloat.samples"),
		ThresholdPercent: fs.int("taskmanager.network.memory.buffer-debloat.threshold-percentages"),
		MinSegmentSize:   fs.bytes("taskmanager.memory.min-segment-size"),
	}
	if !r.release.before("2.0") { // FLINK-36556 and FLINK-36555: before 2.0, the segment size, in whole bytes
		d.StartingSegmentSize = fs.bytes("taskmanager.memory.starting-segment-size")
		d.FractionalEMA = true
	}
	return d
}
