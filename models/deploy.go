package models

import (
	"fmt"
	"math"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// build turns a Spec into tasks, subtasks, channels and Kafka partitions,
// as Flink's scheduler deploys a JobGraph: operators chained into tasks
// (StreamingJobGraphGenerator), subtasks placed in slots, result partitions
// and input gates wired, Kafka splits assigned to readers.
func (s *Simulation) build() error {
	byName, err := s.deployNodes()
	if err != nil {
		return err
	}
	order, err := topologicalOrder(s.spec.Nodes, byName)
	if err != nil {
		return err
	}
	s.chain(order, byName)
	s.nameTasks()
	s.chainGains()
	if err := s.deployEdges(order, byName); err != nil {
		return err
	}
	s.unalignedEdges()
	s.deploySubtasks()
	s.deployGates()
	s.deployPartitions()
	s.sizeGates()
	s.redistributePools()
	for _, st := range s.subtasks {
		s.bufferCapacities(st)
	}
	s.deployKafka()
	s.deployEventTime()
	s.deploySinkWriters()
	s.stepCaps()
	s.deferrals()
	s.buildRegions()
	return nil
}

// deployNodes makes a runtime node per operator and indexes them by name.
func (s *Simulation) deployNodes() (map[string]int, error) {
	byName := map[string]int{}
	for i := range s.spec.Nodes {
		n := &s.spec.Nodes[i]
		if _, dup := byName[n.Name]; dup {
			return nil, fmt.Errorf("duplicate node name %q", n.Name)
		}
		byName[n.Name] = i
		rt := &nodeRT{spec: n, idx: i, parent: -1, cost: drawnCost(n.Cost),
			kind: n.Kind, keyed: n.Keyed != nil, miniBatch: n.MiniBatch != nil, selectivity: n.Selectivity}
		if n.Sink != nil {
			rt.sinkDelay = drawnCost(n.Sink.Latency)
		}
		s.nodes = append(s.nodes, rt)
	}
	return byName, nil
}

// drawnCost is a node's cost (or a sink's latency) as a step draws it:
// nil for a constant 0, which adds nothing and draws no random numbers.
func drawnCost(d sim.Dist) sim.Dist {
	if c, ok := d.(sim.Constant); ok && c.V == 0 {
		return nil
	}
	return d
}

// topologicalOrder orders the nodes so that every node follows its inputs,
// ties broken by declaration order.
func topologicalOrder(nodes []Node, byName map[string]int) ([]int, error) {
	indeg := make([]int, len(nodes))
	succ := make([][]int, len(nodes))
	for i := range nodes {
		for _, in := range nodes[i].Inputs {
			j, ok := byName[in.From]
			if !ok {
				return nil, fmt.Errorf("node %q reads from unknown node %q", nodes[i].Name, in.From)
			}
			indeg[i]++
			succ[j] = append(succ[j], i)
		}
	}
	var order []int
	for len(order) < len(nodes) {
		progressed := false
		for i := range nodes {
			if indeg[i] == 0 {
				indeg[i] = -1
				order = append(order, i)
				for _, k := range succ[i] {
					indeg[k]--
				}
				progressed = true
				break
			}
		}
		if !progressed {
			return nil, fmt.Errorf("the job graph has a cycle")
		}
	}
	return order, nil
}

// chain groups nodes into tasks: Flink chains a forward edge between
// operators of equal parallelism when the downstream one has no other input
// and neither side disabled chaining: disableChaining() (ChainingStrategy
// NEVER) chains to neither its input nor its output
// (StreamingJobGraphGenerator.isChainable, with chaining on). A window
// operator chains to what follows it (WindowOperator sets
// ChainingStrategy.ALWAYS); a mini-batch here does not.
func (s *Simulation) chain(order []int, byName map[string]int) {
	for _, i := range order {
		rt := s.nodes[i]
		n := rt.spec
		chained := -1
		if s.spec.Chaining && n.Chain && len(n.Inputs) == 1 && n.Inputs[0].Exchange == Forward {
			j := byName[n.Inputs[0].From]
			if up := s.nodes[j]; up.spec.Parallelism == n.Parallelism && up.spec.Kind != KindSink && up.spec.MiniBatch == nil && up.spec.Chain {
				chained = j
			}
		}
		if chained < 0 {
			t := &task{}
			s.tasks = append(s.tasks, t)
			rt.task, rt.pos = t, 0
			t.nodes = append(t.nodes, rt)
		} else {
			up := s.nodes[chained]
			rt.task, rt.parent, rt.pos = up.task, up.pos, len(up.task.nodes)
			up.task.nodes = append(up.task.nodes, rt)
		}
	}
}

// chainGains gives every chained node its records out per record into its
// task (selectivities multiplied along the chain; a sink emits none), and
// marks the nodes at or after a window or mini-batch operator (onFire).
func (s *Simulation) chainGains() {
	for _, t := range s.tasks {
		for _, rt := range t.nodes {
			g := 1.0
			rt.onFire = rt.spec.Window != nil || rt.spec.MiniBatch != nil
			if rt.parent >= 0 {
				g = t.nodes[rt.parent].gain
				rt.onFire = rt.onFire || t.nodes[rt.parent].onFire
			}
			if rt.spec.Kind == KindOperator {
				g *= rt.spec.Selectivity
			}
			if rt.spec.Kind == KindSink {
				g = 0
			}
			rt.gain = g
		}
	}
}

// deployEdges makes the network edges between tasks, with their records per
// buffer, and sets up sinks and key spaces.
func (s *Simulation) deployEdges(order []int, byName map[string]int) error {
	for _, i := range order {
		rt := s.nodes[i]
		n := rt.spec
		if n.Kind == KindSource {
			rt.inRecordSize = n.RecordSize
		}
		for _, in := range n.Inputs {
			up := s.nodes[byName[in.From]]
			rt.inRecordSize = up.spec.RecordSize
			if rt.parent >= 0 {
				continue // chained
			}
			if err := s.addEdge(up, rt, in.Exchange); err != nil {
				return err
			}
		}
		rt.deploySink()
		if n.Keyed != nil {
			if err := partitioning.CheckMaxParallelism(n.Parallelism, n.MaxParallelism); err != nil {
				return fmt.Errorf("%s: %v", n.Name, err)
			}
			rt.weights = make([]float64, n.Parallelism)
			rt.relayout(0)
			for _, e := range rt.ins {
				if e.exchange == Hash {
					e.weights = rt.weights
				}
			}
		}
	}
	return nil
}

// addEdge connects up to rt over a network exchange. A record fills
// segment/size of a buffer, or spans several buffers when larger
// (SpanningRecordSerializer).
func (s *Simulation) addEdge(up, rt *nodeRT, x Exchange) error {
	n := rt.spec
	if x == Forward && up.spec.Parallelism != n.Parallelism {
		return fmt.Errorf("forward edge %s -> %s needs equal parallelism (%d vs %d)", up.spec.Name, n.Name, up.spec.Parallelism, n.Parallelism)
	}
	e := &edge{from: up, to: rt, exchange: x, recordSize: up.spec.RecordSize, gateIdx: len(rt.ins)}
	e.multiBuffer = up.gain*float64(e.recordSize) > float64(s.spec.Network.SegmentSize)
	seg := s.spec.Network.SegmentSize
	if e.recordSize <= seg {
		e.rpb = seg / max(e.recordSize, 1)
	} else {
		e.bpr = int32((e.recordSize + seg - 1) / seg)
	}
	if x == Hash {
		if n.Keyed == nil {
			return fmt.Errorf("keyBy into %q, which has no key space", n.Name)
		}
		e.mp = n.MaxParallelism // checked with the key space in deployEdges
	}
	up.outs = append(up.outs, e)
	rt.ins = append(rt.ins, e)
	s.edges = append(s.edges, e)
	return nil
}

// unalignedEdges marks the edges barriers may overtake on: every input edge
// of a task whose inputs are all all-to-all (keyBy, rebalance); none of a
// task with a forward input (StreamGraphGenerator disables unaligned
// checkpoints on all input edges of a node with a pointwise one).
func (s *Simulation) unalignedEdges() {
	for _, rt := range s.nodes {
		ok := true
		for _, e := range rt.ins {
			ok = ok && e.exchange != Forward
		}
		for _, e := range rt.ins {
			e.unaligned = ok
		}
	}
}

// deploySubtasks makes every task's subtasks, placed by slot sharing: slot i
// holds subtask i of every task, SlotsPerTaskManager slots per TaskManager.
func (s *Simulation) deploySubtasks() {
	slots := max(s.spec.SlotsPerTaskManager, 1)
	for _, t := range s.tasks {
		p := t.nodes[0].spec.Parallelism
		for i := 0; i < p; i++ {
			st := &subtask{t: t, index: i, id: int32(len(s.subtasks)), tm: i / slots, state: stIdle}
			st.ops = make([]opState, len(t.nodes))
			for k, rt := range t.nodes {
				st.ops[k].rng = s.streams.Stream(fmt.Sprintf("cost/%s/%d", rt.spec.Name, i))
			}
			st.nin = make([]int64, len(t.nodes))
			st.nout = make([]int64, len(t.nodes))
			st.wake = s.eng.NewTimer()
			if s.spec.Checkpointing != nil && s.spec.Checkpointing.RocksDB && t.stateful() {
				st.lsm = &lsmState{}
			}
			st.gather = s.eng.NewTimer()
			st.flush = s.eng.NewTimer()
			st.batchTimer = s.eng.NewTimer()
			if to := s.flushInterval(); to > 0 {
				st.flushPhase = sim.Time(s.streams.Stream(fmt.Sprintf("flusher/%s/%d", t.nodes[0].spec.Name, i)).Int64N(int64(to)))
			}
			t.subtasks = append(t.subtasks, st)
			s.subtasks = append(s.subtasks, st)
		}
	}
	s.totalTMs = 0
	for _, st := range s.subtasks {
		s.totalTMs = max(s.totalTMs, st.tm+1)
	}
}

// deployGates gives every receiving subtask an input gate per input edge
// (gates first, so that senders can wire their channels to them).
func (s *Simulation) deployGates() {
	for _, t := range s.tasks {
		head := t.nodes[0]
		for _, st := range t.subtasks {
			for _, e := range head.ins {
				st.gates = append(st.gates, &gate{owner: st, edge: e})
			}
		}
	}
}

// deployPartitions gives every sending subtask a result partition per
// output edge, with a channel (subpartition) to each receiver: one for
// forward, all of them otherwise. A channel between subtasks of one
// TaskManager is local.
func (s *Simulation) deployPartitions() {
	nw := s.spec.Network
	for _, e := range s.edges {
		for _, st := range e.from.task.subtasks {
			var dests []*subtask
			if e.exchange == Forward {
				dests = []*subtask{e.to.task.subtasks[st.index]}
			} else {
				dests = e.to.task.subtasks
			}
			p := &partition{owner: st, edge: e, pool: int32(len(dests)*nw.BuffersPerChannel + nw.FloatingPerGate), maxPer: int32(nw.MaxBuffersPerChannel)}
			if e.exchange == Rebalance {
				// RebalancePartitioner starts at a random channel.
				p.rr = s.streams.Stream(fmt.Sprintf("rebalance/%s/%d", e.from.spec.Name, st.index)).IntN(len(dests))
			}
			if e.exchange == Hash {
				p.carry = make([]float64, len(dests))
				p.scratch = make([]int64, len(dests))
				p.heap = make([]int32, len(dests))
			}
			chans := make([]channel, len(dests)) // together: their per-buffer fields are what a wide exchange misses (channel)
			for k, d := range dests {
				g := d.gates[e.gateIdx]
				c := &chans[k]
				*c = channel{src: p, sub: int32(k), dst: g, idx: int32(len(g.ch)), local: d.tm == st.tm, rpb: e.rpb}
				if !c.local {
					g.remote++
					c.gid = int32(len(s.remote))
					s.remote = append(s.remote, c)
				}
				g.ch = append(g.ch, c)
				p.ch = append(p.ch, c)
			}
			p.setMinRPB()
			p.pending = make([]uint64, (len(p.ch)+63)/64)
			st.parts = append(st.parts, p)
		}
	}
}

// bufferCapacities sets, per subtask, the records its output pools absorb
// before the writer blocks and the records its input gates can hold, at
// the buffer sizes its channels have now.
func (s *Simulation) bufferCapacities(st *subtask) {
	nw := s.spec.Network
	st.outputCapacity = math.MaxInt64
	for _, p := range st.parts {
		if g := p.edge.from.gain; g > 0 {
			st.outputCapacity = min(st.outputCapacity, int64(float64(int64(p.pool)*max(p.minRPB, 1))/g))
		}
	}
	st.inputChannels, st.inputCapacity = 0, 0
	for _, g := range st.gates {
		if g.remote > 0 {
			g.capacity = g.remote*g.exclusive + g.floating
		}
		st.inputChannels += len(g.ch)
		// A local channel reads the upstream subpartition's buffers: at most
		// max-buffers-per-channel of them, and no more than its pool and
		// overdraft hold (the cap may be Integer.MAX_VALUE: no cap).
		buffers := int64(g.capacity)
		for _, c := range g.ch {
			if c.local {
				buffers += min(int64(nw.MaxBuffersPerChannel), int64(c.src.pool)+int64(nw.OverdraftPerGate))
			}
		}
		st.inputCapacity += buffers * max(g.ch[0].rpb, 1)
	}
	splitRooms(st)
}

// splitRooms gives each split of an event-time reader its share of what
// the reader's output absorbs at once (kafkaPartition.room).
func splitRooms(st *subtask) {
	for _, p := range st.splits {
		p.room = 0
		if p.tick > 0 && st.outputCapacity < math.MaxInt64 {
			p.room = max(1, st.outputCapacity/int64(len(st.splits)))
		}
	}
}

// deployKafka makes the Kafka partitions and assigns them to source readers
// as KafkaSourceEnumerator does. Read records are kept for replay when the
// job can fail over: without checkpoints a restart reads from the start
// (KafkaSource's default starting offsets, earliest).
func (s *Simulation) deployKafka() {
	spec := &s.spec
	canFail := spec.Checkpointing != nil || len(spec.Failures) > 0 || s.heapChecked() // read records are kept for replay
	for _, n := range spec.Nodes {
		canFail = canFail || n.Sink != nil && n.Sink.Delivery.Guarantee == ExactlyOnce // its transactions can time out
	}
	for _, t := range s.tasks {
		head := t.nodes[0]
		if head.spec.Kind != KindSource || head.spec.Kafka == nil {
			continue
		}
		k := head.spec.Kafka
		for pi := 0; pi < k.Partitions; pi++ {
			kp := &kafkaPartition{
				gidx: len(s.kafka), keepRead: canFail, index: int32(pi), rate: k.Rate, share: 1 / float64(k.Partitions), poisson: k.Poisson,
				rng:   s.streams.Stream(fmt.Sprintf("arrivals/%s/%d", head.spec.Name, pi)),
				chunk: s.runRecords(), horizon: spec.Duration,
				maxRuns: kafkaMaxRuns(k.Partitions), poison: -1,
			}
			if s.chunkRecords(head) > 1 {
				kp.window = spec.Sim.ChunkDelay
				if k.EventTime != nil {
					kp.tick = spec.AutoWatermarkInterval
				}
			}
			backlog := k.InitialBacklog / int64(k.Partitions)
			if int64(pi) < k.InitialBacklog%int64(k.Partitions) {
				backlog++
			}
			kp.prefill(backlog, 0)
			owner := partitioning.KafkaSplitOwner(k.Topic, pi, head.spec.Parallelism)
			t.subtasks[owner].splits = append(t.subtasks[owner].splits, kp)
			kp.recLag.fetches = &t.subtasks[owner].fetches
			s.kafka = append(s.kafka, kp)
			s.kafkaOwner = append(s.kafkaOwner, head)
		}
		for _, st := range t.subtasks {
			splitRooms(st)
		}
	}
}

// chunkRecords is how many records a source reads at most in one chunk.
func (s *Simulation) chunkRecords(src *nodeRT) int64 {
	if s.spec.Sim.ChunkRecords > 0 {
		return s.spec.Sim.ChunkRecords
	}
	return max(1, s.spec.Network.SegmentSize/max(src.spec.RecordSize, 1))
}
