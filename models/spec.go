package models

import (
	"github.com/flinksim/flinksim/sim"
)

// Spec is a complete, resolved description of one run: every default already
// applied. The scenarios package builds it from YAML; tests build it directly.
type Spec struct {
	Name     string
	Seed     uint64
	Duration sim.Time
	Network  Network
	// SlotsPerTaskManager is taskmanager.numberOfTaskSlots: with slot sharing,
	// slot i hosts subtask i of every operator, and TaskManager i/slots hosts
	// slot i. Channels inside one TaskManager are local (no credits).
	SlotsPerTaskManager int
	// Chaining is pipeline.operator-chaining.enabled.
	Chaining bool
	Nodes    []Node
	Sim      Settings
}

// Network holds Flink's network-stack settings.
type Network struct {
	SegmentSize          int64    // taskmanager.memory.segment-size (bytes)
	BuffersPerChannel    int      // taskmanager.network.memory.buffers-per-channel (exclusive, per remote input channel)
	FloatingPerGate      int      // taskmanager.network.memory.floating-buffers-per-gate
	MaxBuffersPerChannel int      // taskmanager.network.memory.max-buffers-per-channel (per output subpartition)
	BufferTimeout        sim.Time // execution.buffer-timeout.interval; 0 flushes after every record; FlushOnlyWhenFull disables
}

// FlushOnlyWhenFull is the BufferTimeout that disables the output flusher
// (execution.buffer-timeout.enabled: false).
const FlushOnlyWhenFull sim.Time = -1

// DefaultNetwork returns Flink's defaults (1.20 / 2.x).
func DefaultNetwork() Network {
	return Network{SegmentSize: 32 << 10, BuffersPerChannel: 2, FloatingPerGate: 8, MaxBuffersPerChannel: 10, BufferTimeout: 100 * sim.Millisecond}
}

// Settings are the simulator's own knobs, not Flink's.
type Settings struct {
	// ChunkRecords caps the records a source reads in one chunk. 1 simulates
	// every record on its own (exact, slow); the default is a network buffer's
	// worth.
	ChunkRecords int64
	// ChunkDelay is the longest a source waits to fill a chunk when records
	// trickle in (added to their latency). Ignored when ChunkRecords is 1.
	ChunkDelay sim.Time
	// SampleInterval is how often metrics are sampled.
	SampleInterval sim.Time
}

// NodeKind tells sources, operators and sinks apart.
type NodeKind uint8

const (
	KindSource NodeKind = iota
	KindOperator
	KindSink
)

func (k NodeKind) String() string {
	return [...]string{"source", "operator", "sink"}[k]
}

// Exchange is how records of one operator are distributed to the next.
type Exchange uint8

const (
	Forward   Exchange = iota // subtask i → subtask i; chainable
	Rebalance                 // round-robin over all downstream subtasks
	Hash                      // keyBy: key → key group → subtask
)

func (x Exchange) String() string {
	return [...]string{"forward", "rebalance", "keyBy"}[x]
}

// Input is one incoming edge of a node.
type Input struct {
	From     string
	Exchange Exchange
}

// Node is one operator of the job graph: a Kafka source, an operator or a sink.
type Node struct {
	Name           string
	Kind           NodeKind
	Parallelism    int
	MaxParallelism int // key groups for keyed state; resolved (never -1)
	Inputs         []Input
	// Chain allows chaining to the input (false is disableChaining()).
	Chain bool
	// Cost is the per-record CPU time in seconds (nil: free).
	Cost sim.Dist
	// Selectivity is records out per record in (operators only).
	Selectivity float64
	// RecordSize is the size in bytes of each record this node emits.
	RecordSize int64
	Keyed      *Keyed
	Kafka      *Kafka
	Sink       *Sink
}

// Keyed describes a keyed operator's key population and state.
type Keyed struct {
	Keys        KeySpace
	StatePerKey int64 // bytes of state per key held
	// Warm means every key already has state when the run starts (a job
	// restored from a savepoint); otherwise state grows as keys are first seen.
	Warm bool
}

// Kafka describes a Kafka source topic.
type Kafka struct {
	Topic          string
	Partitions     int
	Rate           RateProfile
	Poisson        bool
	InitialBacklog int64 // records waiting at t=0, spread evenly over partitions
}

// Sink describes the external system a sink writes to.
type Sink struct {
	// RecordsPerSecond and BytesPerSecond are each subtask's write capacity
	// (0: unlimited). Writing a chunk takes records/RecordsPerSecond +
	// bytes/BytesPerSecond of the subtask's time.
	RecordsPerSecond float64
	BytesPerSecond   float64
	// Latency is the delay from a write to the record being visible (nil: 0),
	// added to end-to-end latency; writes are pipelined, so it does not limit
	// throughput.
	Latency sim.Dist
}
