package models

import (
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// The run's result.Result, assembled from the runtime at the end: the
// summary (operators, record balance, checkpoints, skew), the series the
// recorder sampled, checkpoint statistics in Flink's REST shape, and the
// job's capacity. What is said about the run (verdict, sustainable rate) is
// diagnose's.

// result closes the last interval and assembles the Result.
func (r *recorder) result() *result.Result {
	s := r.s
	s.endKafka()
	if s.eng.Now() > r.last {
		r.sample()
	}
	dur := s.spec.Duration.Seconds()
	sum := result.Summary{
		Scenario: s.spec.Name, Seed: s.spec.Seed, VirtualDurationS: dur,
		Engine: result.EngineSummary{Events: s.eng.Events()}, TaskManagers: s.totalTMs,
	}
	var read int64
	for _, kp := range s.kafka {
		read += kp.readAll
	}
	sum.Records = s.recordCounts()
	sum.Throughput = result.Throughput{SourceRPS: float64(read) / dur, SinkRPS: float64(r.written) / dur}
	sum.LatencyS = result.OptionalLatency{LatencySummary: result.LatencyOf(r.latAll), None: r.written == 0}
	sum.Sinks = s.sinkSummaries()
	sum.Plan = s.plan()
	sum.SourceLagMax = r.lagMax
	sum.Operators = r.operatorSummaries(dur)
	flows := s.flows()
	w, cpu := s.work(flows, 0)
	sum.Skew = s.skewSummaries(flows, w)
	capacity := s.capacity(w, cpu, flows)
	res := &result.Result{Summary: sum, Times: r.times, Series: r.series, Latency: r.latAll,
		SlotsPerTaskManager: max(s.spec.SlotsPerTaskManager, 1)}
	if s.coord != nil {
		for _, p := range s.coord.pending {
			s.fillStats(p) // in progress at the end
		}
		res.Checkpoints = s.coord.history
		res.Restores, res.RestoresTotal, res.RestoresFromStart = s.coord.restored, s.coord.restoredN, s.coord.fromStart
		res.RestoresReported, res.LatestRestored = s.coord.reported, s.coord.lastReported
		res.Summary.Checkpoints = s.checkpointSummary(res)
		res.CheckpointConfig = checkpointConfig(s.spec.Checkpointing)
	}
	for _, w := range s.sinkWriters { // cancelled, never restored: the cancelling failover's
		if w.rewind != (sinkRewind{}) {
			countRewind(w, s.failure(w.rewind.op))
		}
	}
	res.Failovers = s.failovers()
	if len(s.injected) > 0 {
		res.Summary.InjectedFailures = append([]result.InjectedFailureSummary(nil), s.injected...)
		for i, f := range s.spec.Failures {
			if f.For > 0 {
				res.Summary.InjectedFailures[i].FromS = f.At.Seconds()
				res.Summary.InjectedFailures[i].UntilS = sim.Add(f.At, f.For).Seconds()
			}
			if f.OnCheckpoint {
				in := &res.Summary.InjectedFailures[i]
				in.OnCheckpoint, in.AtCheckpoint, in.AtS = true, f.AtCheckpoint, f.At.Seconds()
			}
		}
	}
	res.Summary.Restarts = s.restartSummary()
	res.Summary.Windows = s.windowSummaries()
	res.Capacity = capacity
	return res
}

// operatorSummaries averages each operator's task metrics over the time its
// subtasks were deployed, and grades its backpressure.
func (r *recorder) operatorSummaries(dur float64) []result.OperatorSummary {
	var ops []result.OperatorSummary
	for _, rt := range r.s.nodes {
		o := result.OperatorSummary{Name: rt.spec.Name, Kind: rt.spec.Kind.String(), FlinkName: rt.ops[0], Task: rt.task.name, Parallelism: rt.spec.Parallelism}
		if len(rt.ops) > 1 {
			o.Committer = rt.ops[1]
		}
		ran := false
		for _, st := range rt.task.subtasks {
			tot := r.totals[st]
			ran = ran || dur > tot[stDown].Seconds()
			ms := perSecondUp(*tot, dur)
			bp := ms(tot[stBackPressured] + tot[stHardBackPressured])
			busy := ms(tot[stBusy] + tot[stInitializing])
			o.BusyMsPerS += busy
			o.BackpressuredMsPerS += bp
			o.IdleMsPerS += ms(tot[stIdle])
			o.MaxSubtaskBusyMsPerS = max(o.MaxSubtaskBusyMsPerS, busy)
			o.MaxSubtaskBackpressuredMsPerS = max(o.MaxSubtaskBackpressuredMsPerS, bp)
			op := st.ops[rt.pos]
			o.RecordsIn += op.in
			o.RecordsOut += op.out
			if rt.spec.Keyed != nil {
				o.StateBytes += rt.distinctKeys(st.index, op.stateRecs) * float64(rt.spec.Keyed.StatePerKey)
			}
		}
		p := float64(len(rt.task.subtasks))
		o.BusyMsPerS /= p
		o.BackpressuredMsPerS /= p
		o.IdleMsPerS /= p
		o.Backpressure = result.BackpressureStatus(o.MaxSubtaskBackpressuredMsPerS)
		if !ran {
			// No task metrics, no backpressure level (OperatorSummary.NeverRan).
			o.NeverRan, o.Backpressure = true, ""
		}
		ops = append(ops, o)
	}
	return ops
}

// recordCounts accounts for every record of the run (RecordCounts documents
// the identity they satisfy).
func (s *Simulation) recordCounts() result.RecordCounts {
	rc := result.RecordCounts{Sink: s.rec.written, Replayed: s.replayed}
	for _, kp := range s.kafka {
		rc.Produced += kp.appended
		rc.Backlog += kp.backlog
		rc.SourceLag += kp.lag() - kp.fetched
		rc.InFlight += kp.fetched // in its reader (endRun)
	}
	for _, e := range s.edges {
		rc.Restored += e.restored
		rc.Dropped += e.discarded
	}
	for _, st := range s.subtasks {
		for _, p := range st.parts {
			for _, c := range p.ch {
				rc.InFlight += c.inflight
			}
		}
		rc.InFlight += st.in.Records + st.inProcess()
		rc.Dropped += st.discarded
	}
	for _, rt := range s.nodes {
		if rt.spec.Kind != KindSink { // what a sink reads is written (Sink)
			s.nodeBalance(rt, &rc)
		}
	}
	return rc
}

// nodeBalance adds what an operator or source filtered, multiplied,
// merged, fanned out or found late to rc.
func (s *Simulation) nodeBalance(rt *nodeRT, rc *result.RecordCounts) {
	consumers := int64(len(rt.outs))
	for _, n := range rt.task.nodes {
		if n.parent == rt.pos && n != rt {
			consumers++
		}
	}
	var in, out, passed, aggregated int64
	for _, st := range rt.task.subtasks {
		op := &st.ops[rt.pos]
		in += op.in
		out += op.out
		if o := op.win; o != nil {
			// A window operator: its records are late, or taken into
			// windows whose results it fires.
			late := o.sideOutput + o.dropped
			if st.inProcess() > 0 {
				late -= o.stepLate // its records are still in flight
			}
			rc.Late += late
			passed += op.in
			aggregated += op.in - late
			continue
		}
		if rt.spec.MiniBatch == nil {
			passed += op.out
			continue
		}
		// A mini-batch: what selectivity leaves of its input waits in
		// the batch, was lost from it, or was aggregated.
		passed += op.aggregated + op.batch.Records + op.dropped
		aggregated += op.aggregated
		rc.InFlight += op.batch.Records
		rc.Dropped += op.dropped
	}
	if d := passed - in; d > 0 {
		rc.Multiplied += d
	} else {
		rc.Filtered -= d
	}
	// What leaves the operator: its output, or a mini-batch's aggregated
	// input; each consumer reads its own copy (of the input taken into
	// aggregates, and of each result: out counts a result once).
	leaves := out
	if rt.spec.MiniBatch != nil || rt.spec.Window != nil {
		leaves = aggregated
		if d := consumers * (aggregated - out); d >= 0 {
			rc.Merged += d
		} else {
			rc.Multiplied -= d // more results than records (sliding windows)
		}
	}
	if consumers == 0 {
		rc.Filtered += leaves // read by no one
	} else {
		rc.FannedOut += (consumers - 1) * leaves
	}
}

// restartSummary is summary.json's restarts section (nil without a
// failover).
func (s *Simulation) restartSummary() *result.RestartSummary {
	if s.fails.count == 0 {
		return nil
	}
	down, restore := s.downtimeSoFar()
	rs := &result.RestartSummary{Restarts: s.restarts, DowntimeS: down.Seconds(), RestoreS: restore.Seconds(), Replayed: s.replayed,
		Duplicated: s.duplicated(), JobFailed: s.failed, ByCause: append([]result.CauseCount(nil), s.fails.byCause...)}
	listed := s.failovers()
	rs.Unlisted = int(s.fails.count) - len(listed)
	for _, f := range listed {
		fs := result.FailoverSummary{Cause: f.Cause, Reason: f.Reason, FailedAtS: f.FailedAt.Seconds(), DetectedAtS: f.At.Seconds(),
			DetectionDelay: (f.At - f.FailedAt).Seconds(), Regions: f.Regions, RegionsTotal: len(s.regions), Global: f.Global,
			RestartDelay: f.RestartDelay.Seconds(), DownS: -1, RestoreS: -1, Replayed: f.Replayed, JobFailed: f.Final,
			SinkRewound: f.SinkRewound, SinkExposed: f.SinkExposed, SinkLost: f.SinkLost}
		if f.RunningAt > 0 {
			fs.DownS = (f.RunningAt - f.At).Seconds()
		}
		if f.RestoredAt > 0 {
			fs.RestoreS = (f.RestoredAt - f.RunningAt).Seconds()
		}
		if f.Final {
			fs.RestartDelay = -1 // no restart
		}
		rs.Failovers = append(rs.Failovers, fs)
	}
	return rs
}

// downtimeSoFar is the job's downtime and restore time, those in progress
// included.
func (s *Simulation) downtimeSoFar() (down, restore sim.Time) {
	down, restore = s.downtime, s.restoreTime
	if !s.failed {
		now := s.eng.Now()
		if s.downRegions > 0 {
			down += now - s.downSince
		}
		if s.initRegions > 0 {
			restore += now - s.downSince
		}
	}
	return down, restore
}

// checkpointSummary builds the checkpoints section from the run's history.
func (s *Simulation) checkpointSummary(res *result.Result) *result.CheckpointSummary {
	c := s.coord
	if c == nil {
		return nil
	}
	cs := &result.CheckpointSummary{IntervalS: s.spec.Checkpointing.Interval.Seconds(), TimeoutS: s.spec.Checkpointing.Timeout.Seconds(), Completed: c.completed,
		Failed: c.failed, Expired: c.expired, FailedBeforeStart: c.notAllRunning, Restarts: s.restarts, Duplicated: s.duplicated(),
		Replayed: s.replayed, JobFailed: s.failed}
	down, _ := s.downtimeSoFar()
	cs.DowntimeS = down.Seconds()
	var durations []float64
	for _, h := range c.history {
		if h.Status == "COMPLETED" {
			durations = append(durations, (h.Completed - h.Trigger).Seconds()) // to completion: flinksim's own
			cs.SizeMaxBytes = max(cs.SizeMaxBytes, h.Checkpointed)
			cs.FullSizeMax = max(cs.FullSizeMax, h.StateSize)
			cs.PersistedMaxBytes = max(cs.PersistedMaxBytes, h.PersistedData)
		}
	}
	cs.DurationS = result.QuantilesOf(durations)
	var last sim.Time
	for _, h := range c.history {
		if h.Status == "COMPLETED" {
			cs.MaxCheckpointAgeS = max(cs.MaxCheckpointAgeS, (h.Completed - last).Seconds())
			last = h.Trigger
		}
	}
	cs.MaxCheckpointAgeS = max(cs.MaxCheckpointAgeS, (s.spec.Duration - last).Seconds())
	cs.UploadBandwidth = s.uploadCeiling() * float64(s.totalTMs)
	cs.RestartsFromStart = c.fromStart
	cs.InProgress, cs.InProgressOldestAgeS = result.InProgressAtEnd(c.history, s.spec.Duration.Seconds())
	return cs
}

// checkpointConfig is the checkpointing configuration as Flink's
// CheckpointConfigHandler reports it (/jobs/:jobid/checkpoints/config).
// Externalization follows the retention as CheckpointConfigHandler
// reports it: enabled unless NO_EXTERNALIZED_CHECKPOINTS
// (CheckpointRetentionPolicy NEVER_RETAIN_AFTER_TERMINATION), deleted on
// cancellation unless RETAIN_ON_CANCELLATION. Checkpoints after tasks
// finish are as configured (no task finishes here). The changelog's
// storage and materialization interval are the configured ones, on or off.
func checkpointConfig(k *Checkpointing) *result.CheckpointConfig {
	msOf := func(t sim.Time) int64 { return int64(t / sim.Millisecond) }
	cc := &result.CheckpointConfig{Mode: "exactly_once", Interval: msOf(k.Interval), Timeout: msOf(k.Timeout),
		MinPause: msOf(k.MinPause), MaxConcurrent: int64(k.MaxConcurrent), StateBackend: "HashMapStateBackend",
		CheckpointStorage: "FileSystemCheckpointStorage", Unaligned: k.Unaligned, Tolerable: k.Tolerable,
		AlignedTimeout: msOf(k.AlignedTimeout), AfterTasksFinish: k.AfterTasksFinish,
		Materialization: msOf(DefaultChangelog().MaterializeInterval), ChangelogStorage: "memory"}
	if k.ChangelogStorage != "" {
		cc.ChangelogStorage = k.ChangelogStorage
	}
	if k.MaterializeInterval > 0 {
		cc.Materialization = msOf(k.MaterializeInterval)
	}
	cc.Externalization.Enabled = k.Retention != "" && k.Retention != "NO_EXTERNALIZED_CHECKPOINTS"
	cc.Externalization.DeleteOnCancellation = k.Retention != "RETAIN_ON_CANCELLATION"
	cc.NumRetained = max(k.NumRetained, 1)
	cc.HistorySize = k.HistorySize
	cc.NoSavepointFormat = k.NoSavepointFormat
	if k.AtLeastOnce {
		cc.Mode = "at_least_once"
	}
	if k.RocksDB {
		cc.StateBackend = "EmbeddedRocksDBStateBackend"
	}
	cc.Directory, cc.MetadataInMemory = k.Directory, k.MetadataInMemory
	if k.StorageClass != "" {
		cc.CheckpointStorage = k.StorageClass
	}
	if k.StorageClass == "MemoryStateBackend" {
		// Flink 1.x's legacy backend is the state backend and the storage
		// (CheckpointStorageLoader.load); REST names both by class.
		cc.StateBackend = k.StorageClass
	}
	if k.Changelog != nil {
		cc.Changelog, cc.Materialization = true, msOf(k.Changelog.MaterializeInterval)
	}
	return cc
}

// fillStats copies a pending checkpoint's per-subtask data into its stats.
func (s *Simulation) fillStats(p *pendingCheckpoint) {
	st := p.stats
	if cap(st.Tasks) < len(s.tasks) {
		// sized once: every checkpoint of a long run keeps its tasks'
		// stats, and append's doubling would leave a third unused
		st.Tasks = make([]result.TaskCheckpointStats, 0, len(s.tasks))
	}
	st.Tasks = st.Tasks[:0]
	st.StateSize, st.Checkpointed, st.PersistedData, st.ProcessedData = 0, 0, 0, 0
	for _, t := range s.tasks {
		ts := result.TaskCheckpointStats{Name: t.name, NumSubtasks: len(t.subtasks)}
		for _, sub := range t.subtasks {
			ss := p.subs[sub.id]
			if !ss.acked {
				// Flink's TaskStateStats and PendingCheckpointStats sum the
				// subtasks that reported (acknowledged) only: a failed or
				// in-progress checkpoint counts none of the rest.
				ts.Subtasks = append(ts.Subtasks, result.SubtaskCheckpointStats{Index: sub.index})
				continue
			}
			ts.NumAcked++
			ts.LatestAck = max(ts.LatestAck, ss.ack)
			// Flink counts channel state in a subtask's state size
			// (OperatorSubtaskState sums keyed, operator, input channel and
			// result subpartition state).
			// Channel state persisted after the snapshot (barriers overtaking
			// at the aligned-checkpoint timeout) is written too, and operator
			// state (a Kafka reader's splits) whole every time. With the
			// changelog backend the full size is the materialized state and
			// the log since its materialization, which a restore replays
			// (ChangelogStateBackendHandleImpl.getStateSize sums both), and
			// its checkpointed size the log's tail it uploaded
			// (getCheckpointedSize, changelog.go).
			stateSize, written := ss.stateSize+int64(ss.replay)+ss.persisted+ss.opState, ss.stateUp+ss.persisted+ss.opState
			ts.StateSize += stateSize
			ts.Checkpointed += written
			ts.PersistedData += ss.persisted
			ts.ProcessedData += ss.processed
			st.Unaligned = st.Unaligned || ss.unaligned
			ts.Subtasks = append(ts.Subtasks, result.SubtaskCheckpointStats{Index: sub.index, Acked: ss.acked, Ack: ss.ack,
				Sync: ss.sync, Async: ss.async, Alignment: ss.alignment, StartDelay: ss.startDelay,
				Unaligned: ss.unaligned, StateSize: stateSize, Uploaded: written, Persisted: ss.persisted, Processed: ss.processed})
		}
		st.StateSize += ts.StateSize
		st.Checkpointed += ts.Checkpointed
		st.PersistedData += ts.PersistedData
		st.ProcessedData += ts.ProcessedData
		st.Tasks = append(st.Tasks, ts)
	}
}

// plan is the job graph as Flink's REST /jobs/:id/plan gives it: a node per
// task, its inputs the network edges into the task's operators, each named
// by its partitioner (keyBy with a custom partitioner for hot keys: CUSTOM).
func (s *Simulation) plan() *result.Plan {
	p := &result.Plan{}
	for _, t := range s.tasks {
		n := result.PlanNode{ID: result.VertexID(t.name), Description: s.description(t), Parallelism: len(t.subtasks)}
		for _, rt := range t.nodes {
			for _, e := range rt.ins {
				ship := [...]string{result.ShipForward, result.ShipRebalance, result.ShipHash}[e.exchange]
				if e.exchange == Hash && rt.spec.Keyed != nil && rt.spec.Keyed.HotPartitioner != nil {
					ship = result.ShipCustom
				}
				n.Inputs = append(n.Inputs, result.PlanInput{Num: len(n.Inputs), ID: result.VertexID(e.from.task.name),
					ShipStrategy: ship, Exchange: "pipelined_bounded"})
			}
		}
		p.Nodes = append(p.Nodes, n)
	}
	return p
}
