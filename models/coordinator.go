package models

import (
	"math/rand/v2"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// The checkpoint coordinator, as Flink 1.19+/2.x's CheckpointCoordinator and
// CheckpointRequestDecider schedule checkpoints:
//
//   - When the job runs, the first trigger comes after a random delay in
//     [min-pause, interval]; each trigger schedules the next one interval
//     later on the same grid.
//   - A trigger queues a request. A request waits while max-concurrent
//     checkpoints are pending; the head request is refused when less than
//     min-pause has passed since the last completion (not counted as a
//     failure), and the trigger grid restarts at the time it would be allowed.
//   - A completion or failure lets the next queued request run at once, so
//     checkpoints slower than the interval run back to back.
//   - A checkpoint still pending after the timeout expires (CHECKPOINT_EXPIRED).
//     Expired and declined checkpoints newer than the last completed one count
//     against tolerable-failed-checkpoints; a completion resets the count. One
//     more than tolerable fails the job over.
//   - A completed checkpoint subsumes older pending ones (not counted).

const maxQueuedRequests = 1000

// pendingCheckpoint is a triggered checkpoint and what it captured.
type pendingCheckpoint struct {
	id      int64
	trigger sim.Time
	acked   int
	stats   *result.CheckpointStats
	subs    []subtaskSnapshot // by subtask id
	offsets []int64           // by Kafka partition (index in Simulation.kafka)
	// channelState holds in-flight records an unaligned checkpoint persisted,
	// restored into their channels on recovery.
	channelState []channelState
	// injected is 1 + the index of an injected failure that fails this
	// checkpoint's first upload (checkpoint-failure: {checkpoint: N}); 0: none.
	injected int
}

// subtaskSnapshot is one subtask's part of a checkpoint.
type subtaskSnapshot struct {
	taken       bool
	acked       bool
	ack         sim.Time
	sync, async sim.Time
	syncStart   sim.Time
	startDelay  sim.Time
	alignment   sim.Time
	unaligned   bool
	headIn      int64 // records its chain head had processed (keyed state, incremental base)
	stateRecs   []int64
	windows     *windowSnap // a window operator's windows and their timers
	sst         sstMark     // its RocksDB's SST files, after the sync phase's flush
	replay      float64     // changelog bytes a restore replays on top of the materialized state
	matID       int64       // the materialization its materialized state is (changelog.go)
	sinkAt      []int64     // each sink writer's position in its output stream, by chain position (nil: no sink)
	stateSize   int64       // full keyed state (and windows); with the changelog backend its materialized state's
	opState     int64       // operator state: a Kafka reader's splits (sourcestate.go), written whole every time
	uploaded    int64       // bytes written by this checkpoint (the delta when incremental)
	tooLarge    int64       // with JobManager storage, its state handle over the limit (memstorage.go); 0: none
	stateUp     int64       // of which keyed state, the changelog's tail (the rest is channel state persisted at the snapshot)
	persisted   int64       // in-flight bytes persisted (unaligned)
	processed   int64       // bytes read between its first barrier and its last
}

type channelState struct {
	c     *channel
	chunk Chunk
}

// coordinator is the JobManager side of checkpointing.
type coordinator struct {
	s       *Simulation
	cfg     *Checkpointing
	rng     *rand.Rand
	nextID  int64
	pending []*pendingCheckpoint
	queued  int
	running bool

	trigger     sim.Timer
	nextTrigger sim.Time

	hasCompleted   bool
	lastCompletion sim.Time
	lastCompleted  *pendingCheckpoint // the restore point
	failures       int                // consecutive counted failures

	// failNext holds injected failures due when no checkpoint was in
	// flight: they fail the next checkpoint triggered.
	failNext []int

	history                             []*result.CheckpointStats
	completed, failed, expired, refused int
	// notAllRunning counts the requests that failed before a checkpoint
	// was created, a task not RUNNING (notRunning).
	notAllRunning        int
	restored             []result.RestoreStats // kept (failures.go: noteRestore)
	restoredN, fromStart int                   // restores, and those that found no checkpoint
	// reported counts the checkpoints handed to restarting tasks, and
	// lastReported is the latest (failures.go: reportRestore)
	reported     int
	lastReported result.RestoreStats
}

func newCoordinator(s *Simulation, cfg *Checkpointing) *coordinator {
	return &coordinator{s: s, cfg: cfg, nextID: 1, trigger: s.eng.NewTimer(),
		rng: s.streams.Stream("checkpoint/initial-delay")}
}

// start begins periodic triggering (the job reached RUNNING).
func (c *coordinator) start() {
	c.running = true
	lo, hi := int64(c.cfg.MinPause/sim.Millisecond), int64(c.cfg.Interval/sim.Millisecond)
	delay := sim.Time(lo+c.rng.Int64N(max(hi-lo, 0)+1)) * sim.Millisecond
	c.schedule(sim.Add(c.s.eng.Now(), delay))
	if c.s.trace != nil {
		c.s.tracef("job RUNNING: first checkpoint trigger at %s, a random initial delay of %s in [min-pause %s, interval %s]",
			clock(c.nextTrigger), durText(delay), durText(c.cfg.MinPause), c.cfg.Interval)
	}
}

// stop aborts everything (the job is failing over); nothing is counted.
func (c *coordinator) stop(reason string) {
	c.running = false
	c.s.eng.Disarm(c.trigger)
	c.queued = 0
	for len(c.pending) > 0 {
		c.finish(c.pending[0], false, reason, false)
	}
}

func (c *coordinator) schedule(at sim.Time) {
	c.nextTrigger = at
	c.s.eng.Arm(c.trigger, at, evCkptTrigger, 0, 0)
}

// onTrigger is the periodic trigger firing.
func (c *coordinator) onTrigger() {
	c.schedule(sim.Add(c.nextTrigger, c.cfg.Interval))
	c.queued = min(c.queued+1, maxQueuedRequests)
	if c.s.trace != nil {
		c.s.tracef("periodic trigger: a checkpoint request is queued (%d queued); the next trigger is on the grid at %s",
			c.queued, clock(c.nextTrigger))
	}
	c.decide()
}

// decide runs the next queued request if the rules allow it.
func (c *coordinator) decide() {
	now := c.s.eng.Now()
	if !c.running || c.queued == 0 {
		return
	}
	if len(c.pending) >= c.cfg.MaxConcurrent {
		if c.s.trace != nil {
			c.s.tracef("%d queued request(s) wait: %d checkpoint(s) pending, max-concurrent %d", c.queued, len(c.pending), c.cfg.MaxConcurrent)
		}
		return
	}
	if c.hasCompleted {
		if wait := sim.Add(c.lastCompletion, c.cfg.MinPause) - now; wait > 0 {
			c.queued--
			c.refused++
			c.s.eng.Disarm(c.trigger)
			c.schedule(now + wait)
			if c.s.trace != nil {
				c.s.tracef("checkpoint request refused (MINIMUM_TIME_BETWEEN_CHECKPOINTS, not a failure): min-pause %s since checkpoint %d completed at %s; the trigger grid restarts at %s",
					c.cfg.MinPause, c.lastCompleted.id, clock(c.lastCompletion), clock(c.nextTrigger))
			}
			return
		}
	}
	if !c.s.allRunning() {
		c.notRunning()
		return
	}
	c.queued--
	c.begin()
}

// notRunning fails the queued requests before they start: a task is not
// RUNNING (DefaultCheckpointPlanCalculator.checkTasksStarted,
// NOT_ALL_REQUIRED_TASKS_RUNNING). No checkpoint is created, so no ID is
// taken and nothing enters the history, but Flink counts each as a failed
// checkpoint (CheckpointStatsTracker.reportFailedCheckpointsWithoutInProgress:
// numberOfFailedCheckpoints, the REST counts' failed and total), not
// towards the tolerable failures (CheckpointFailureManager).
func (c *coordinator) notRunning() {
	c.notAllRunning += c.queued
	if c.s.trace != nil {
		c.s.tracef("checkpoint request failed before it started: not all required tasks are currently running (NOT_ALL_REQUIRED_TASKS_RUNNING: counted in numberOfFailedCheckpoints, not towards the tolerable failures); the next trigger is on the grid at %s",
			clock(c.nextTrigger))
	}
	c.queued = 0
}

// begin triggers a checkpoint at the sources.
func (c *coordinator) begin() {
	s := c.s
	now := s.eng.Now()
	p := &pendingCheckpoint{id: c.nextID, trigger: now, subs: make([]subtaskSnapshot, len(s.subtasks)),
		offsets: make([]int64, len(s.kafka))}
	c.nextID++
	p.stats = &result.CheckpointStats{ID: p.id, Status: "IN_PROGRESS", Trigger: now, NumSubtasks: len(s.subtasks)}
	c.history = append(c.history, p.stats)
	c.forgetDetails()
	c.pending = append(c.pending, p)
	if s.trace != nil {
		s.tracef("checkpoint %d triggered (%d of max-concurrent %d pending); it expires at %s (timeout %s)",
			p.id, len(c.pending), c.cfg.MaxConcurrent, clock(sim.Add(now, c.cfg.Timeout)), c.cfg.Timeout)
	}
	for i, f := range s.spec.Failures {
		if f.Kind == FailCheckpoint && f.Checkpoint == p.id {
			p.injected = i + 1
			s.injected[i].Due++
		}
	}
	s.eng.At(sim.Add(now, c.cfg.Timeout), evCkptTimeout, 0, p.id)
	if c.cfg.Unaligned && c.cfg.AlignedTimeout > 0 {
		s.eng.At(sim.Add(now, c.cfg.AlignedTimeout), evAlignedTimeout, 0, p.id)
	}
	s.triggerSources(p)
	// A failure due while none was in flight fails this one as {checkpoint:
	// N} does, at its first upload's end: a task declines only from its
	// async phase (AsyncCheckpointRunnable), never at the trigger. Only
	// one failure per checkpoint: one more waits for the next.
	if len(c.failNext) > 0 && p.injected == 0 {
		p.injected = c.failNext[0] + 1
		c.failNext = append(c.failNext[:0], c.failNext[1:]...)
	}
}

// carryInjected: checkpoint p ends for another cause (a failover, its
// timeout) before the failure injected into it took effect. A failure
// given by its time ({at}) was to fail whichever checkpoint came next, so
// it passes on: to the newest checkpoint still in flight without one, or
// to the next one triggered, failing it as its first upload ends. One
// given by its checkpoint ({checkpoint: N}) ends with that checkpoint.
func (c *coordinator) carryInjected(p *pendingCheckpoint) {
	i := p.injected - 1
	p.injected = 0
	if i < 0 || c.s.spec.Failures[i].Checkpoint > 0 {
		return
	}
	for k := len(c.pending) - 1; k >= 0; k-- {
		if q := c.pending[k]; q != p && q.injected == 0 {
			q.injected = i + 1
			return
		}
	}
	c.failNext = append([]int{i}, c.failNext...)
}

func (c *coordinator) find(id int64) *pendingCheckpoint {
	for _, p := range c.pending {
		if p.id == id {
			return p
		}
	}
	return nil
}

// ack records a subtask's acknowledgement; the last one completes the
// checkpoint once the JobManager has written its metadata.
func (c *coordinator) ack(st *subtask, id int64) {
	p := c.find(id)
	if p == nil || p.subs[st.id].acked {
		return
	}
	now := c.s.eng.Now()
	sub := &p.subs[st.id]
	sub.acked, sub.ack = true, now
	p.acked++
	p.stats.NumAcked = p.acked
	p.stats.LatestAck = now
	if c.s.trace != nil {
		c.s.tracef("checkpoint %d acknowledged by %s (%d of %d subtasks)", id, st.name(), p.acked, len(p.subs))
	}
	if p.acked == len(p.subs) {
		c.s.lossesAtCheckpoint(id, true)
		if p.injected > 0 { // no upload ended to fail: the injected failure takes the last acknowledgement
			c.s.eng.At(now, evCkptInjected, int32(p.injected-1), id)
			return
		}
		c.s.eng.At(sim.Add(now, metadataWrite(c.cfg)), evCkptComplete, 0, id)
	}
}

// complete finalizes a fully acknowledged checkpoint.
func (c *coordinator) complete(id int64) {
	p := c.find(id)
	if p == nil {
		return
	}
	c.finish(p, true, "", false)
	c.hasCompleted = true
	c.lastCompletion = c.s.eng.Now()
	c.lastCompleted = p
	c.failures = 0
	for len(c.pending) > 0 && c.pending[0].id < id {
		c.finish(c.pending[0], false, "Checkpoint has been subsumed.", false)
	}
	c.s.lossesAtCheckpoint(id, false)
	c.s.checkpointCompleted(p)
	c.decide()
}

// fail ends a pending checkpoint unsuccessfully. A counted failure may fail
// the job over.
func (c *coordinator) fail(id int64, reason string, counted bool) {
	p := c.find(id)
	if p == nil {
		return
	}
	c.finish(p, false, reason, counted)
	if counted && (c.lastCompleted == nil || id > c.lastCompleted.id) {
		c.failures++
		if c.s.trace != nil {
			c.s.tracef("checkpoint %d counts as a failure: %d in a row since the last completed checkpoint, tolerable-failed-checkpoints %d",
				id, c.failures, c.cfg.Tolerable)
		}
		if c.failures > c.cfg.Tolerable {
			c.failures = 0
			c.s.failover("Exceeded checkpoint tolerable failure threshold. The latest checkpoint failed due to "+reason, CauseCheckpoints, c.s.eng.Now(), nil)
			return
		}
	}
	c.decide()
}

// finish removes a pending checkpoint and completes its statistics.
func (c *coordinator) finish(p *pendingCheckpoint, ok bool, reason string, counted bool) {
	now := c.s.eng.Now()
	for i, q := range c.pending {
		if q == p {
			c.pending = append(c.pending[:i], c.pending[i+1:]...)
			break
		}
	}
	c.s.fillStats(p)
	if ok {
		// Flink's end-to-end duration stops at the latest acknowledgement
		// (AbstractCheckpointStats.getEndToEndDuration): the metadata
		// written after it counts towards the completion, not the duration.
		p.stats.Status = "COMPLETED"
		p.stats.Duration = p.stats.LatestAck - p.trigger
		p.stats.Completed = now
		c.completed++
	} else {
		p.stats.Status = "FAILED"
		p.stats.Failure = now
		p.stats.FailureMessage = reason
		p.stats.Duration = now - p.trigger // FailedCheckpointStats: to the failure
		c.failed++
		if reason == result.FailureExpired {
			c.expired++
		}
	}
	if c.s.trace != nil {
		c.s.tracef("checkpoint %d %s after %s%s", p.id, p.stats.Status, durText(now-p.trigger), traceReason(reason, counted))
	}
	if !ok {
		c.carryInjected(p)
		c.s.abortCheckpoint(p)
	}
}

// traceReason says why a checkpoint failed and whether that counts
// (CheckpointFailureManager counts expired and declined checkpoints only).
func traceReason(reason string, counted bool) string {
	switch {
	case reason == "":
		return ""
	case counted:
		return ": " + reason
	}
	return ": " + reason + " (not counted)"
}

// expire is the timeout of checkpoint id.
func (c *coordinator) expire(id int64) {
	if c.find(id) != nil {
		c.fail(id, result.FailureExpired, true)
	}
}
