package models

import (
	"math/rand/v2"

	"github.com/flinksim/flinksim/sim"
)

// nodeRT is a node's static runtime information.
type nodeRT struct {
	spec *Node
	// Copies of spec's fields that every step reads, beside the chain's
	// other per-step fields: through spec they cost a load from another
	// cache line, once per record in exact mode.
	kind        NodeKind
	keyed       bool     // spec.Keyed != nil
	miniBatch   bool     // spec.MiniBatch != nil
	selectivity float64  // spec.Selectivity
	ops         []string // its operators' names, as Flink gives them (names.go)
	idx         int
	task        *task
	pos         int // position in the task's chain
	parent      int // chain parent's position; -1 for the chain head
	outs        []*edge
	ins         []*edge
	// cost is the spec's cost per record, nil when it is none or a
	// constant 0 (nothing to draw or add, step after step)
	cost sim.Dist
	lat  *sinkLatency // a sink's latency histograms (recorder.go)
	// sinkDelay is a sink's latency (the system's own, from a write to
	// visible), nil when none or a constant 0, as cost
	sinkDelay sim.Dist

	inRecordSize int64   // bytes of each record this node receives
	gain         float64 // records this node emits per record into its chain\'s head
	// onFire: this node or one before it in its chain is a window or
	// mini-batch operator, which emits when it fires, not per record
	onFire           bool
	sinkAcct         *sinkNode // a sink's account (sinknode.go)
	sinkSecPerRecord float64
	sinkSecPerByte   float64

	// keyed operators: the key layout now, and per subtask
	layout  *KeyLayout
	tiers   tierMemo // the layout's exact bands, kept for the next (keys.go)
	subs    []subLayout
	subKeys []float64 // distinct keys owned by each subtask
	weights []float64 // share of records per subtask (what keyBy edges into it route by)
}

// edge is a network (non-chained) connection between two nodes.
type edge struct {
	from, to   *nodeRT
	exchange   Exchange
	recordSize int64
	rpb        int64 // records per buffer; 0 when one record spans buffers
	// unaligned: barriers may overtake on this edge. Flink turns it off for
	// every input edge of a task that has a pointwise or broadcast input
	// (StreamGraphGenerator, StreamPartitioner.isSupportsUnalignedCheckpoint).
	unaligned bool
	// multiBuffer: one record read by the sending task needs more than a
	// buffer on this edge (fan-out × record size over the segment size), so
	// the task can run out of buffers in the middle of a record.
	multiBuffer       bool
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
	blocked  int32 // subtasks that send nothing (subtask.sendsNothing)
	stepCap  int64 // the most records a step takes (resolution.go's stepCaps)
	// defersReads: its sources may read at their flusher's ticks (deferread.go)
	defersReads bool
}

type taskState uint8

const (
	stBusy taskState = iota
	// stBackPressured is soft backpressure: the output is not available, so
	// the task starts no record, yet it still reads barriers and timers.
	stBackPressured
	stIdle
	stDown // cancelled, restarting, or on a lost TaskManager (not reported)
	// stHardBackPressured: blocked in the middle of a record, waiting for a
	// buffer (requestBufferBuilderBlocking); it takes nothing, not even a
	// barrier. Flink's soft and hard backpressured times
	// (softBackPressuredTimeMsPerSecond, hardBackPressuredTimeMsPerSecond,
	// TaskIOMetricGroup) add up to backPressuredTimeMsPerSecond.
	stHardBackPressured
	// stInitializing: deployed, restoring its state (Flink's INITIALIZING).
	// Its idle and backpressure timers are not running yet, so Flink
	// reports it busy (TaskIOMetricGroup.getBusyTimePerSecond: 1000 − idle
	// − backpressured), though the work is downloads, not records.
	stInitializing
	nStates
)

// backPressured is either kind of backpressure.
func (s taskState) backPressured() bool { return s == stBackPressured || s == stHardBackPressured }

// heldBuffer is input buffers a subtask holds until it has deserialized
// their records: b buffers of channel c holding records not yet taken.
type heldBuffer struct {
	c       *channel
	b       int32
	records int64
}

// opState is one operator's counters and random stream inside one subtask.
type opState struct {
	sw        *sinkWriter // a sink's writer
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
	// win is a window operator's windows (windows.go)
	win *windowOp
	// attempt is what it had counted when its attempt was deployed (attempt.go)
	attempt attemptBase
}

// subtask is one parallel instance of a task.
type subtask struct {
	t     *task
	index int
	id    int32
	tm    int
	// netBytes: bytes its TaskManager received and sent for it since the
	// last sample (countNet)
	netBytes [2]int64

	gates []*gate
	parts []*partition
	ops   []opState

	state taskState
	since sim.Time
	// restoring: deployed and downloading its state (INITIALIZING); the
	// region runs once none of its subtasks is (restore.go)
	restoring bool
	acc       [nStates]sim.Time // time per state since the last sample

	busy bool
	// barriersQueued counts barriers in the queues of its input channels
	// (barrierReadable looks only when there is one).
	barriersQueued int32
	// stalled counts output channels with parked records: the task is
	// blocked in the middle of a record, waiting for a buffer.
	stalled int
	cur     Chunk // the records of the step in progress
	// in is what is left of the input buffers being worked through; each
	// buffer (held) is released when its last record is deserialized: as
	// a step takes it in exact mode; in chunked mode as a step starts for
	// the buffers emptied before its last record, and as it ends for the
	// one holding that record (recycleAtEnd: the record, 1, or 0).
	in           Chunk
	held         []heldBuffer
	recycleAtEnd int64
	// readable counts records in finished buffers the subtask may read.
	readable       int64
	inputCapacity  int64     // records its input buffers can hold
	outputCapacity int64     // records (per head record) its output pools hold; MaxInt64 without outputs
	gather         sim.Timer // an idle subtask's wait for a chunk's worth of input
	gathered       bool      // the wait is over: take whatever is readable
	nin, nout      []int64
	// bytesIn and bytesOut count what the task read from its input channels
	// and wrote to its output channels (numBytesIn, numBytesOut); sampled*
	// are their values at the last sample.
	bytesIn, bytesOut               int64
	sampledBytesIn, sampledBytesOut int64
	nextGate                        int
	ready                           bool

	// sources
	splits    []*kafkaPartition
	nextSplit int
	wake      sim.Timer
	poisoned  bool // its reader threw at a poison record; cleared when cancelled
	// deferred: it leaves what is readable in Kafka until its flusher's
	// tick; catchingUp: it reads it now (deferread.go)
	deferred, catchingUp bool

	flush      sim.Timer
	flushPhase sim.Time
	batchTimer sim.Timer  // a mini-batch's allow-latency
	batchCache batchCache // the last batch's aggregates

	ck            taskCkpt
	syncing       int64 // the checkpoint whose sync phase is running
	dead          bool  // its TaskManager is lost
	region        *region
	inputChannels int
	discarded     int64         // records dropped from its input by failovers
	sinks         []*sinkWriter // the writers of the sinks in its chain (sinkwriter.go)
	// refusesStart: a writer of its chain fails as it initializes (twophase.go's sinkStarted)
	refusesStart       bool
	busyAtTick         sim.Time  // busy time at the resources' last sample
	cpuTime, cpuAtTick float64   // seconds on a core (slowed), so far and at the last sample
	slow               float64   // how much slower its steps run: its share of its TaskManager (resources.go)
	step               stepClock // the step in flight (retime.go)
	lsm                *lsmState // its RocksDB (stateful tasks with state.backend.type: rocksdb)
	wm                 wmState   // its watermark (watermarks.go)
	winOut             Chunk     // a window operator's results of the step in progress
	// winLate and winOn are winOut's two pieces for its network outputs
	// when a late record fired a window in the step (windowresults.go)
	winLate, winOn Chunk
	// a source's: its consumer's fetches since the last sample, and its
	// records-lag-max (lagmax.go); last, not to move the fields above
	fetches fetchNote
	lagMax  lagMaxStat
}

// setState switches the time-accounting state (busy / backpressured / idle).
func (st *subtask) setState(now sim.Time, s taskState) {
	if st.state != s { // inlined: most steps leave it as it is
		st.switchState(now, s)
	}
}

// switchState is kept out of line so that setState's check stays inlined.
//
//go:noinline
func (st *subtask) switchState(now sim.Time, s taskState) {
	was := st.sendsNothing()
	st.acc[st.state] += now - st.since
	st.state, st.since = s, now
	st.countBlocked(was)
}

// setBusy marks the subtask in a step or a sync phase (busy) or not.
func (st *subtask) setBusy(b bool) {
	was := st.sendsNothing()
	st.busy = b
	st.countBlocked(was)
}

// sendsNothing: backpressured between steps, so its receivers should not
// wait for more of its output (upstreamBlocked).
func (st *subtask) sendsNothing() bool { return st.state.backPressured() && !st.busy }

// countBlocked keeps the task's count of subtasks that send nothing.
func (st *subtask) countBlocked(was bool) {
	if is := st.sendsNothing(); is != was {
		if is {
			st.t.blocked++
		} else {
			st.t.blocked--
		}
	}
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
