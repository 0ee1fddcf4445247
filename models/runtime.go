package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// nodeRT is a node's static runtime information.
type nodeRT struct {
	spec   *Node
	idx    int
	task   *task
	pos    int // position in the task's chain
	parent int // chain parent's position; -1 for the chain head
	outs   []*edge
	ins    []*edge

	inRecordSize     int64   // bytes of each record this node receives
	gain             float64 // records this node emits per record into its chain\'s head
	sinkSecPerRecord float64
	sinkSecPerByte   float64

	// keyed operators: the key layout now, and per subtask
	layout  *KeyLayout
	subs    []subLayout
	subKeys []float64 // distinct keys owned by each subtask
	weights []float64 // share of records per subtask (what keyBy edges into it route by)
}

// edge is a network (non-chained) connection between two nodes.
type edge struct {
	from, to          *nodeRT
	exchange          Exchange
	recordSize        int64
	rpb               int64     // records per buffer; 0 when one record spans buffers
	bpr               int32     // buffers per record when rpb == 0
	gateIdx           int       // index of this edge's gate in the receiving subtasks
	weights           []float64 // keyBy: share of records per receiving subtask (the receiver's, updated in place)
	mp                int
	emitted, consumed int64
	discarded         int64 // dropped from channels by failovers
	restored          int64 // put back into channels from unaligned checkpoints
}

// task is a chain of operators deployed as one unit (a Flink job vertex).
type task struct {
	name     string
	nodes    []*nodeRT
	subtasks []*subtask
}

type taskState uint8

const (
	stBusy taskState = iota
	stBackPressured
	stIdle
	stDown // cancelled, restarting, or on a lost TaskManager (not reported)
)

// heldBuffer is input buffers a subtask holds until it has processed them.
type heldBuffer struct {
	c *channel
	b int32
}

// opState is one operator's counters and random stream inside one subtask.
type opState struct {
	in, out   int64
	stateRecs int64 // records that built the keyed state (reset on restore)
	// selIn counts the records selectivity was applied to, the step in
	// progress included: the output is floor(selIn × selectivity) in all,
	// exact however many steps it took (a carried fraction drifts).
	selIn      int64
	rng        *rand.Rand
	sampledIn  int64
	sampledOut int64
	// mini-batch: the records waiting, and how many were folded into
	// emitted aggregates
	batch      Chunk
	batchCarry float64 // aggregates owed
	aggregated int64
	dropped    int64 // batch records lost to failovers
}

// subtask is one parallel instance of a task.
type subtask struct {
	t     *task
	index int
	id    int32
	tm    int

	gates []*gate
	parts []*partition
	ops   []opState

	state taskState
	since sim.Time
	acc   [4]sim.Time // time per state since the last sample

	busy bool
	cur  Chunk // the records of the step in progress
	// in is what is left of the input buffers being worked through; the
	// buffers (held) are released once in is empty and the last step on it
	// is done.
	in   Chunk
	held []heldBuffer
	// readable counts records in finished buffers the subtask may read.
	readable       int64
	inputCapacity  int64     // records its input buffers can hold
	outputCapacity int64     // records (per head record) its output pools hold; MaxInt64 without outputs
	gather         sim.Timer // an idle subtask's wait for a chunk's worth of input
	gathered       bool      // the wait is over: take whatever is readable
	nin, nout      []int64
	nextGate       int
	ready          bool

	// sources
	splits    []*kafkaPartition
	nextSplit int
	wake      sim.Timer

	flush      sim.Timer
	flushPhase sim.Time
	batchTimer sim.Timer  // a mini-batch's allow-latency
	batchCache batchCache // the last batch's aggregates

	ck            taskCkpt
	syncing       int64 // the checkpoint whose sync phase is running
	dead          bool  // its TaskManager is lost
	inputChannels int
	discarded     int64 // records dropped from its input by failovers
	// Sinks: the position in the subtask's output stream (rewound on a
	// restore) and the furthest position ever written; writes below it are
	// duplicates.
	sinkPos, sinkHigh int64
	busyAtTick        sim.Time // busy time at the storage's last tick
	compaction        *rand.Rand
}

// setState switches the time-accounting state (busy / backpressured / idle).
func (st *subtask) setState(now sim.Time, s taskState) {
	if st.state == s {
		return
	}
	st.acc[st.state] += now - st.since
	st.state, st.since = s, now
}

// inProcess is the records of the step in progress. A subtask in its
// checkpoint sync phase is busy too, but its last step is already counted:
// st.cur still holds that step's records and must not count again.
func (st *subtask) inProcess() int64 {
	if st.busy && st.syncing == 0 {
		return st.cur.Records
	}
	return 0
}

func (st *subtask) outputAvailable() bool {
	for _, p := range st.parts {
		if !p.available() {
			return false
		}
	}
	return true
}

// build turns a Spec into tasks, subtasks, channels and Kafka partitions.
func (s *Simulation) build() error {
	spec := &s.spec
	byName := map[string]int{}
	for i := range spec.Nodes {
		n := &spec.Nodes[i]
		if _, dup := byName[n.Name]; dup {
			return fmt.Errorf("duplicate node name %q", n.Name)
		}
		byName[n.Name] = i
		s.nodes = append(s.nodes, &nodeRT{spec: n, idx: i, parent: -1})
	}
	// Topological order, ties broken by declaration order.
	indeg := make([]int, len(spec.Nodes))
	succ := make([][]int, len(spec.Nodes))
	for i := range spec.Nodes {
		for _, in := range spec.Nodes[i].Inputs {
			j, ok := byName[in.From]
			if !ok {
				return fmt.Errorf("node %q reads from unknown node %q", spec.Nodes[i].Name, in.From)
			}
			indeg[i]++
			succ[j] = append(succ[j], i)
		}
	}
	var order []int
	for len(order) < len(spec.Nodes) {
		progressed := false
		for i := range spec.Nodes {
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
			return fmt.Errorf("the job graph has a cycle")
		}
	}
	// Chaining: Flink chains a forward edge between operators of equal
	// parallelism when the downstream one has no other input.
	for _, i := range order {
		rt := s.nodes[i]
		n := rt.spec
		chained := -1
		if spec.Chaining && n.Chain && len(n.Inputs) == 1 && n.Inputs[0].Exchange == Forward {
			j := byName[n.Inputs[0].From]
			if up := s.nodes[j]; up.spec.Parallelism == n.Parallelism && up.spec.Kind != KindSink && up.spec.MiniBatch == nil {
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
	for _, t := range s.tasks {
		for k, rt := range t.nodes {
			name := rt.spec.Name
			switch rt.spec.Kind {
			case KindSource:
				name = "Source: " + name
			case KindSink:
				name = "Sink: " + name
			}
			if k > 0 {
				t.name += " -> "
			}
			t.name += name
		}
	}
	for _, t := range s.tasks {
		for _, rt := range t.nodes {
			g := 1.0
			if rt.parent >= 0 {
				g = t.nodes[rt.parent].gain
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
	// Network edges and record sizes.
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
			if in.Exchange == Forward && up.spec.Parallelism != n.Parallelism {
				return fmt.Errorf("forward edge %s -> %s needs equal parallelism (%d vs %d)", up.spec.Name, n.Name, up.spec.Parallelism, n.Parallelism)
			}
			e := &edge{from: up, to: rt, exchange: in.Exchange, recordSize: up.spec.RecordSize, gateIdx: len(rt.ins)}
			seg := spec.Network.SegmentSize
			if e.recordSize <= seg {
				e.rpb = seg / max(e.recordSize, 1)
			} else {
				e.bpr = int32((e.recordSize + seg - 1) / seg)
			}
			if in.Exchange == Hash {
				if n.Keyed == nil {
					return fmt.Errorf("keyBy into %q, which has no key space", n.Name)
				}
				if err := partitioning.CheckMaxParallelism(n.Parallelism, n.MaxParallelism); err != nil {
					return fmt.Errorf("%s: %v", n.Name, err)
				}
				e.mp = n.MaxParallelism
			}
			up.outs = append(up.outs, e)
			rt.ins = append(rt.ins, e)
			s.edges = append(s.edges, e)
		}
		if n.Kind == KindSink && n.Sink != nil {
			if n.Sink.RecordsPerSecond > 0 {
				rt.sinkSecPerRecord = 1 / n.Sink.RecordsPerSecond
			}
			if n.Sink.BytesPerSecond > 0 {
				rt.sinkSecPerByte = 1 / n.Sink.BytesPerSecond
			}
		}
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
	// Subtasks, placed by slot sharing: slot i holds subtask i of every task.
	slots := max(spec.SlotsPerTaskManager, 1)
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
			st.compaction = s.streams.Stream(fmt.Sprintf("compaction/%s/%d", t.nodes[0].spec.Name, i))
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
	// Gates first (receivers), then partitions and channels (senders).
	for _, t := range s.tasks {
		head := t.nodes[0]
		for _, st := range t.subtasks {
			for _, e := range head.ins {
				st.gates = append(st.gates, &gate{owner: st, edge: e})
			}
		}
	}
	nw := spec.Network
	for _, e := range s.edges {
		for _, st := range e.from.task.subtasks {
			var dests []*subtask
			if e.exchange == Forward {
				dests = []*subtask{e.to.task.subtasks[st.index]}
			} else {
				dests = e.to.task.subtasks
			}
			p := &partition{owner: st, edge: e, pool: int32(len(dests)*nw.BuffersPerChannel + nw.FloatingPerGate)}
			if e.exchange == Rebalance {
				// RebalancePartitioner starts at a random channel.
				p.rr = s.streams.Stream(fmt.Sprintf("rebalance/%s/%d", e.from.spec.Name, st.index)).IntN(len(dests))
			}
			if e.exchange == Hash {
				p.carry = make([]float64, len(dests))
				p.scratch = make([]int64, len(dests))
			}
			for k, d := range dests {
				g := d.gates[e.gateIdx]
				c := &channel{src: p, sub: int32(k), dst: g, idx: int32(len(g.ch)), local: d.tm == st.tm}
				if !c.local {
					g.remote++
				}
				g.ch = append(g.ch, c)
				p.ch = append(p.ch, c)
			}
			st.parts = append(st.parts, p)
		}
	}
	for _, st := range s.subtasks {
		st.outputCapacity = math.MaxInt64
		for _, p := range st.parts {
			if g := p.edge.from.gain; g > 0 {
				st.outputCapacity = min(st.outputCapacity, int64(float64(int64(p.pool)*max(p.edge.rpb, 1))/g))
			}
		}
		for _, g := range st.gates {
			if g.remote > 0 {
				g.capacity = g.remote*int32(nw.BuffersPerChannel) + int32(nw.FloatingPerGate)
			}
			st.inputChannels += len(g.ch)
			local := int64(len(g.ch)) - int64(g.remote)
			buffers := int64(g.capacity) + local*int64(nw.MaxBuffersPerChannel)
			st.inputCapacity += buffers * max(g.edge.rpb, 1)
		}
	}
	// Kafka partitions, assigned to source readers as KafkaSourceEnumerator does.
	// Read records are kept for replay when the job can fail over: without
	// checkpoints a restart reads from the start (KafkaSource's default
	// starting offsets, earliest).
	canFail := spec.Checkpointing != nil
	for _, f := range spec.Failures {
		canFail = canFail || f.Kind == FailTaskManager
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
				chunk: s.chunkRecords(head), horizon: spec.Duration,
				maxRuns: max(256, (1<<18)/k.Partitions),
			}
			if s.chunkRecords(head) > 1 {
				kp.window = spec.Sim.ChunkDelay
			}
			backlog := k.InitialBacklog / int64(k.Partitions)
			if int64(pi) < k.InitialBacklog%int64(k.Partitions) {
				backlog++
			}
			kp.prefill(backlog, 0)
			owner := partitioning.KafkaSplitOwner(k.Topic, pi, head.spec.Parallelism)
			t.subtasks[owner].splits = append(t.subtasks[owner].splits, kp)
			s.kafka = append(s.kafka, kp)
			s.kafkaOwner = append(s.kafkaOwner, head)
		}
	}
	return nil
}

// chunkRecords is how many records a source reads at most in one chunk.
func (s *Simulation) chunkRecords(src *nodeRT) int64 {
	if s.spec.Sim.ChunkRecords > 0 {
		return s.spec.Sim.ChunkRecords
	}
	return max(1, s.spec.Network.SegmentSize/max(src.spec.RecordSize, 1))
}

// distinctKeys is the expected number of distinct keys a keyed subtask holds
// after records: all of its keys when the state is warm.
func (rt *nodeRT) distinctKeys(sub int, records int64) float64 {
	if rt.spec.Keyed.Warm {
		return rt.subKeys[sub]
	}
	return rt.subs[sub].distinct(float64(records))
}
