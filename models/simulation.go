package models

import (
	"fmt"
	"math/rand/v2"
	"runtime/debug"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Event kinds.
const (
	evStepDone          sim.Kind = iota // a subtask finished processing a chunk
	evSourceWake                        // records became readable for an idle source
	evFlush                             // the output flusher of a subtask fired
	evSample                            // sample metrics
	evGather                            // an idle subtask's wait for input is over
	evSyncDone                          // a subtask's checkpoint sync phase ended
	evCkptTrigger                       // the periodic checkpoint trigger
	evCkptTimeout                       // a checkpoint's timeout
	evCkptComplete                      // a checkpoint's metadata is written
	evAlignedTimeout                    // aligned-checkpoint-timeout of a checkpoint
	evStorage                           // checkpoint storage: transfers progressed
	evRestart                           // the restart delay is over
	evDeployed                          // the tasks are deployed again
	evDetect                            // a lost TaskManager is noticed
	evFailure                           // an injected failure
	evKeyPhase                          // a key population changes (a hot key comes or goes)
	evBatchFlush                        // a mini-batch's interval is over
	evCkptInjected                      // an injected failure fails checkpoint Arg (Actor: the failure)
	evDebloat                           // buffer debloating recalculates every gate's buffer size
	evArrive                            // chunks on a remote channel (Actor) reach the receiver
	evCredit                            // credits of a remote channel (Actor) reach the sender
	evMaterialize                       // a changelog backend's periodic materialization of subtask Actor
	evTaskFailure                       // subtask Actor fails for injected failure Arg (stamped; outages.go)
	evOverloadCheck                     // every second: subtasks above an overload failure's rate fail
	evEnumeratorFailure                 // source node Actor's partition listing timed out (Arg: generation, failure)
	evWatermark                         // pipeline.auto-watermark-interval: readers emit their watermarks
	evHeapCheck                         // every second: a TaskManager's heap state against its task heap (memory.go)
	evAlignment                         // watermark alignment group Actor's update interval (alignment.go)
	evHeapTM                            // TaskManager Actor's heap state after a window step (memory.go)
	evSinkFlush                         // a sink writer's batch interval is over (stamped; sinkwriter.go)
	evSinkFailure                       // sink subtask Actor fails (Arg: stamped reason; twophase.go)
	evTxnAbort                          // the Kafka broker aborts transaction Arg of sink subtask Actor if still open (twophase.go)
	evDeploying                         // failover Actor's tasks start deploying, a replacement TaskManager's slots come (deploystate.go)
	evDeployTimeout                     // failover Actor's deployment to a lost TaskManager times out (Arg: its deployment; faults.go)
)

// Simulation is one run of one job. It is not safe for concurrent use; run
// many Simulations in parallel instead.
type Simulation struct {
	spec    Spec
	eng     *sim.Engine
	streams sim.Streams

	nodes    []*nodeRT
	tasks    []*task
	subtasks []*subtask
	edges    []*edge
	kafka    []*kafkaPartition
	remote   []*channel // remote channels, by gid
	// latency is the network latency simulated: the spec's, unless it is
	// below the time resolution of chunked mode (chunk-delay), where a
	// step's gathering already stands for it.
	latency    sim.Time
	kafkaOwner []*nodeRT
	totalTMs   int

	readyQ []int32

	// reached is the virtual time simulated so far (started: the job is in
	// motion), so that Run goes on where RunPrefix stopped.
	reached sim.Time
	started bool

	// maxChunkBuffers is the most buffers one chunk in a channel may span.
	maxChunkBuffers int32

	rec *recorder

	// Checkpointing and recovery (nil / unused when checkpointing is off).
	coord       *coordinator
	storage     *storage
	restarter   restarter
	failRng     *rand.Rand
	regions     []*region // pipelined regions (regions.go)
	downRegions int       // regions cancelled and not yet deployed again
	initRegions int       // regions deployed and restoring (INITIALIZING)
	failed      bool      // the restart strategy gave up: the job is FAILED
	outageOn    []bool    // by index in spec.Failures: an outage in progress
	outages     int       // outages in progress
	overloads   []overloadWatch
	enumStart   sim.Time      // when the Kafka sources' enumerators last started
	wmSources   []*subtask    // readers with event time (eventtime.go)
	eventTime   bool          // some reader emits watermarks
	alignGroups []*alignGroup // watermark alignment groups (alignment.go)
	tmSubtasks  [][]*subtask  // subtasks per TaskManager, for heap checks (memory.go)
	heapPending []bool        // per TaskManager: a heap check is scheduled
	enumGen     int64         // bumped when they restart: their pending failures are void
	// enumDueAt is, per node, when its enumerator's listing fails in this
	// generation (sim.Never: none), and enumFailed 1 + the generation in
	// which it failed the job (outages.go: enumeratorFailure).
	enumDueAt  []sim.Time
	enumFailed []int64
	// alignOf is each aligned reader's group (alignment.go).
	alignOf     map[*subtask]*alignGroup
	restarts    int
	fails       failoverLog                     // every failover (failures.go); a restart's events carry its number
	injected    []result.InjectedFailureSummary // by index in spec.Failures
	tmLost      []bool
	tmBack      []sim.Time     // when a lost TaskManager's replacement is ready
	tmNoticeAt  []sim.Time     // when the JobManager notices a lost TaskManager (faults.go: unnoticed)
	tmHow       []Detection    // how each lost TaskManager is noticed
	tmOOM       []string       // why a lost TaskManager's JVM exited on an OutOfMemoryError ("": not that)
	tmLostAt    []sim.Time     // when each lost TaskManager was lost
	downSince   sim.Time       // the last change of downRegions or initRegions
	downtime    sim.Time       // some region down, in all
	restoreTime sim.Time       // some region restoring, in all
	status      jobStatusTimes // the job's status over time (jobstatus.go)
	deploying   deployingTimes // the job's deploying time (deploystate.go)
	// deployGen is each failover's current deployment (deploysAt), while
	// its tasks are not yet INITIALIZING: the events of an earlier one,
	// which failed, are ignored
	deployGen   map[int32]int64
	sinkNodes   []*sinkNode   // by sink, in the spec's order (sinknode.go)
	sinkWriters []*sinkWriter // every sink subtask's writer
	txnSerial   int64         // the last transaction opened (twophase.go)
	brokerPhase sim.Time      // the Kafka broker's abort checks' phase (-1: not drawn yet)
	layoutGen   int           // bumped when key layouts change
	replayed    int64         // records sources read again after a restore

	trace TraceFunc // nil: off (trace.go)
}

// New validates spec and builds the job's runtime.
func New(spec Spec) (*Simulation, error) {
	if spec.Duration <= 0 {
		return nil, fmt.Errorf("duration must be positive")
	}
	for _, f := range spec.Failures {
		if f.Kind >= FailKafkaOutage && spec.Recovery.Redeploy <= 0 {
			// A failure that comes back at once would restart forever at one instant.
			return nil, fmt.Errorf("recovery.redeploy must be positive with a failure that comes back (%s)", f.Kind)
		}
		if f.Kind == FailKafkaOutage && f.FailsAfter <= 0 {
			// The restarted enumerator lists at once, before any redeploy:
			// a listing that fails at once would restart forever.
			return nil, fmt.Errorf("kafka-outage: fails-after must be positive (a partition listing takes time)")
		}
	}
	for _, n := range spec.Nodes {
		if k := n.Sink; k != nil && k.Delivery.Guarantee == ExactlyOnce && k.Delivery.System == SystemKafka &&
			k.Delivery.TransactionTimeout > k.Delivery.BrokerMaxTimeout && spec.Recovery.Redeploy <= 0 {
			return nil, fmt.Errorf("recovery.redeploy must be positive when %s fails as it starts (its transaction timeout is above the broker's maximum)", n.Name)
		}
	}
	if spec.Sim.SampleInterval <= 0 {
		spec.Sim.SampleInterval = 5 * sim.Second
	}
	s := &Simulation{spec: spec, eng: sim.NewEngine(), streams: sim.NewStreams(spec.Seed), brokerPhase: -1}
	nw := spec.Network
	// A chunk spans at most what a channel can hold; deliver splits it when
	// credit is short.
	s.maxChunkBuffers = int32(max(1, min(nw.BuffersPerChannel+nw.FloatingPerGate, nw.MaxBuffersPerChannel)))
	if nw.Latency > 0 && (spec.Sim.ChunkRecords == 1 || nw.Latency >= spec.Sim.ChunkDelay) {
		s.latency = nw.Latency
	}
	if err := s.build(); err != nil {
		return nil, err
	}
	s.rec = newRecorder(s)
	s.enumDueAt, s.enumFailed = make([]sim.Time, len(s.nodes)), make([]int64, len(s.nodes))
	for n := range s.enumDueAt {
		s.enumDueAt[n] = sim.Never
	}
	s.tmLost = make([]bool, s.totalTMs)
	s.tmBack = make([]sim.Time, s.totalTMs)
	s.tmNoticeAt = make([]sim.Time, s.totalTMs)
	s.tmHow = make([]Detection, s.totalTMs)
	s.tmOOM = make([]string, s.totalTMs)
	s.tmLostAt = make([]sim.Time, s.totalTMs)
	s.failRng = s.streams.Stream("failures")
	s.injected = make([]result.InjectedFailureSummary, len(spec.Failures))
	s.outageOn = make([]bool, len(spec.Failures))
	s.placePoison()
	s.watchOverloads()
	for i, f := range spec.Failures {
		s.injected[i].Kind = f.Kind.String()
	}
	s.restarter = newRestarter(spec.Restart, spec.Epoch, s.streams.Stream("restart"))
	clock := wallClock(spec.Epoch)
	s.status = jobStatusTimes{clock: clock, since: clock.ms(0)} // RUNNING from the start
	var storageCfg Storage
	if spec.Checkpointing != nil {
		s.coord = newCoordinator(s, spec.Checkpointing)
		storageCfg = spec.Checkpointing.Storage
	}
	s.storage = newStorage(s, storageCfg)
	return s, nil
}

// Engine exposes the event engine (for progress reporting).
func (s *Simulation) Engine() *sim.Engine { return s.eng }

// Run simulates the whole duration (the rest of it after RunPrefix) and
// returns the results. progress, if not nil, is called every few virtual
// minutes with the virtual time reached. A run that breaks an invariant
// returns its results with an error wrapping ErrInvariant; other errors come
// with no results.
func (s *Simulation) Run(progress func(now sim.Time)) (res *result.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, &InternalError{Value: r, At: s.eng.Now(), Stack: debug.Stack()}
		}
	}()
	s.start()
	s.advance(max(s.spec.Duration/200, sim.Second), func(now sim.Time) bool {
		if progress != nil {
			progress(now)
		}
		return true
	})
	s.sampleEnd()
	if err := s.checkInvariants(); err != nil {
		// The outputs of a run that breaks an invariant help to find the bug.
		res := s.rec.result()
		res.Summary.InvariantViolation = err.Error()
		return res, err
	}
	return s.rec.result(), nil
}

// sampleEnd takes the last sample, at the end, after every event at the
// end (nextSample schedules none then), so that it is the state the
// summary gives: the Kafka lag at the end is its kafkaLag, and the
// records a reader read at the end count in its rates.
func (s *Simulation) sampleEnd() {
	if s.eng.Now() <= s.rec.last {
		return
	}
	s.catchUpAll() // as a sample's event does (evSample)
	s.drain()
	s.eng.Run(s.eng.Now(), s) // what the catch-up started at the end
	s.endKafka()
	s.rec.sample()
}

// endKafka ends every partition's arrivals at the end of the run (endRun):
// the step a reader was gathering is fetched when the reader runs (its
// region running, the job not FAILED, Kafka not out) and keeps up, having
// no more readable and unread over its partitions than it reads in one
// step (readTarget); else it is lag. Calling it again changes nothing.
func (s *Simulation) endKafka() {
	now := s.eng.Now()
	for _, st := range s.subtasks {
		var unread int64
		for _, p := range st.splits {
			p.advance(now)
			unread += p.lag()
		}
		fetches := !s.failed && !st.dead && st.region.state == regionRunning && !s.outageBlocks(st) &&
			len(st.splits) > 0 && unread <= s.readTarget(st, now)
		for _, p := range st.splits {
			p.endRun(now, fetches)
		}
	}
	for _, p := range s.kafka { // a partition no reader holds
		p.advance(now)
		p.endRun(now, false)
	}
}

// RunPrefix simulates the start of the run, exactly as Run would, in steps
// of step virtual time for as long as more (called after each step with the
// virtual time reached) says so, at most the whole duration. It is for
// estimates of the work a run will be, which must see the run's own first
// events; Run may go on from where it stopped (the steps only say when
// more is asked: the events are the same). After an error it cannot.
func (s *Simulation) RunPrefix(step sim.Time, more func(now sim.Time) bool) (reached sim.Time, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &InternalError{Value: r, At: s.eng.Now(), Stack: debug.Stack()}
		}
	}()
	s.start()
	return s.advance(max(step, sim.Nanosecond), more), nil
}

// start puts the job in motion at time 0: tasks ready, the first samples,
// checkpoints, failures and periodic checks scheduled.
func (s *Simulation) start() {
	if s.started {
		return
	}
	s.started = true
	if d := s.spec.Network.Debloat; d != nil && d.StartingSegmentSize > 0 {
		s.armDebloaters() // Flink 2.0+: senders start at the starting size
	}
	for _, st := range s.subtasks {
		s.markReady(st)
	}
	s.drain()
	if _, ok := s.rec.nextSample(0); ok {
		s.eng.At(s.spec.Sim.SampleInterval, evSample, 0, 0)
	}
	if s.coord != nil {
		s.coord.start()
	}
	s.storage.reschedule() // the resources' first sample
	for _, st := range s.subtasks {
		if st.lsm != nil {
			st.lsm.restoredBase = s.initialState(st) // a warm start restores it
		}
	}
	s.startChangelogs(s.subtasks)
	s.claimRestoredState()
	for _, w := range s.sinkWriters {
		s.sinkStarted(w)
	}
	s.scheduleFailures()
	if len(s.overloads) > 0 {
		s.eng.At(overloadPeriod, evOverloadCheck, 0, 0)
	}
	s.scheduleKeyPhases()
	s.startDebloating()
	if len(s.wmSources) > 0 {
		s.eng.At(s.spec.AutoWatermarkInterval, evWatermark, 0, 0)
	}
	s.deployAlignment()
	if s.heapChecked() {
		s.eng.At(heapCheckPeriod, evHeapCheck, 0, 0)
	}
}

// advance runs the events from the time reached up to the duration in
// steps, while more says to go on after each; it returns the virtual time
// reached.
func (s *Simulation) advance(step sim.Time, more func(now sim.Time) bool) sim.Time {
	for s.reached < s.spec.Duration {
		s.reached = min(s.reached+step, s.spec.Duration)
		s.eng.Run(s.reached, s)
		if !more(s.reached) {
			break
		}
	}
	return s.reached
}

// InternalError is a bug in the simulator caught during a run (a panic),
// so that one run failing does not take down others running beside it.
type InternalError struct {
	Value any
	At    sim.Time
	Stack []byte
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error at virtual time %s (%s; a bug in flinksim: please report it with the scenario): %v", human.Seconds(e.At.Seconds()), clock(e.At), e.Value)
}

// handlePeriodic runs a check or emission that repeats while it is needed,
// or a TaskManager's heap check after a window step.
func (s *Simulation) handlePeriodic(ev sim.Event) {
	switch ev.Kind {
	case evOverloadCheck:
		s.catchUpAll()
		s.checkOverloads()
	case evWatermark:
		s.watermarkTick()
	case evHeapCheck:
		s.checkHeaps()
	case evHeapTM:
		s.heapTM(int(ev.Actor))
	}
}

// handleFailure fails a task (an outage, a poison record, an overload, a
// sink's transaction or commit), a Kafka transaction on the broker, or a
// source's enumerator.
func (s *Simulation) handleFailure(ev sim.Event) {
	switch ev.Kind {
	case evTaskFailure:
		s.taskFailure(s.subtasks[ev.Actor], ev.Arg)
	case evSinkFailure:
		s.sinkFailure(s.subtasks[ev.Actor], ev.Arg)
	case evTxnAbort:
		s.txnAbort(s.subtasks[ev.Actor], ev.Arg)
	case evEnumeratorFailure:
		s.enumeratorFailure(int(ev.Actor), ev.Arg)
	}
}

// Handle dispatches one event: to the subtask it concerns, to the
// checkpoint machinery, or to failover.
func (s *Simulation) Handle(e *sim.Engine, ev sim.Event) {
	switch ev.Kind {
	case evStepDone, evSyncDone, evBatchFlush, evSourceWake, evFlush, evGather, evSinkFlush:
		s.handleSubtask(ev)
	case evTaskFailure, evSinkFailure, evTxnAbort, evEnumeratorFailure:
		s.handleFailure(ev)
	case evOverloadCheck, evWatermark, evHeapCheck, evHeapTM:
		s.handlePeriodic(ev)
	case evAlignment:
		s.announceAlignment(int(ev.Actor))
	case evCkptTrigger:
		s.coord.onTrigger()
	case evCkptTimeout:
		s.coord.expire(ev.Arg)
	case evCkptComplete:
		s.coord.complete(ev.Arg)
	case evAlignedTimeout:
		s.alignedTimeout(ev.Arg)
	case evStorage:
		s.storage.handle()
	case evRestart, evDeploying, evDeployed, evDetect, evDeployTimeout:
		s.handleRecovery(ev)
	case evFailure:
		s.injectFailure(int(ev.Actor), ev.Arg)
	case evCkptInjected:
		s.failCheckpointInjected(int(ev.Actor), ev.Arg)
	case evDebloat:
		s.debloat()
	case evMaterialize:
		if st := s.subtasks[ev.Actor]; isCurrent(st, ev.Arg) {
			s.materialize(st)
		}
	case evArrive, evCredit:
		c := s.remote[ev.Actor]
		if v, ok := current(c.src.owner, ev.Arg); ok {
			if ev.Kind == evArrive {
				s.arrive(c, int32(v))
			} else {
				s.creditArrives(c, int32(v>>16), int32(v&0xffff))
			}
		}
	case evKeyPhase:
		s.layoutGen++
		for _, rt := range s.nodes {
			if rt.spec.Keyed != nil {
				rt.relayout(e.Now())
			}
		}
	case evSample:
		s.catchUpAll()
		s.rec.sample()
		if next, ok := s.rec.nextSample(e.Now()); ok {
			e.At(next, evSample, 0, 0)
		}
	}
	s.drain()
}

// handleSubtask handles an event of one subtask (Actor). Events of a
// cancelled execution attempt are ignored.
func (s *Simulation) handleSubtask(ev sim.Event) {
	st := s.subtasks[ev.Actor]
	switch ev.Kind {
	case evStepDone:
		if !stepDone(st, ev.Arg) || st.dead {
			return // the task was cancelled, or the step re-timed
		}
		st.step.on = false
		s.finishStep(st)
		s.markReady(st)
	case evSyncDone:
		id, ok := current(st, ev.Arg)
		if !ok || st.dead || st.syncing != id {
			return
		}
		st.setBusy(false)
		st.syncing = 0
		if p := s.coord.find(id); p != nil {
			s.afterSync(st, p)
		}
		s.markReady(st)
	case evBatchFlush:
		if isCurrent(st, ev.Arg) && !st.dead {
			s.flushBatch(st)
		}
	case evSinkFlush:
		if slot, ok := current(st, ev.Arg); ok && !st.dead {
			s.sinkFlushTimer(st.ops[slot].sw)
		}
	case evSourceWake:
		s.markReady(st)
	case evFlush:
		s.catchUp(st) // what it read goes with this flush
		s.flushAll(st)
	case evGather:
		st.gathered = true
		s.markReady(st)
	}
}

// handleRecovery moves a failover on (Actor: its index): the restart delay
// is over, the tasks start deploying, they are deployed; or a lost
// TaskManager (Actor) is noticed.
func (s *Simulation) handleRecovery(ev sim.Event) {
	switch ev.Kind {
	case evRestart:
		s.restart(ev.Actor)
	case evDeploying:
		if s.deployment(ev.Actor, ev.Arg) {
			s.deployingNow(ev.Actor)
		}
	case evDeployed:
		if s.deployment(ev.Actor, ev.Arg) {
			s.deployed(ev.Actor)
		}
	case evDetect:
		s.detected(int(ev.Actor), ev.Arg)
	case evDeployTimeout:
		if s.deployment(ev.Actor, ev.Arg) {
			s.deployTimedOut(ev.Actor)
		}
	}
}

// markReady queues a subtask to look for work once the current event is done.
// Queueing instead of calling avoids re-entering a subtask from its own step.
func (s *Simulation) markReady(st *subtask) {
	if !st.ready && !st.busy {
		st.ready = true
		s.readyQ = append(s.readyQ, st.id)
	}
}

func (s *Simulation) drain() {
	for i := 0; i < len(s.readyQ); i++ {
		st := s.subtasks[s.readyQ[i]]
		st.ready = false
		s.tryStart(st)
	}
	s.readyQ = s.readyQ[:0]
}
