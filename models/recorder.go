package models

import (
	"math"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// seriesRef points a Series at what it measures.
type seriesRef struct {
	node   *nodeRT
	sub    int // -1: aggregate
	metric string
	id     int // valID(metric)
	// debloat and gate: which of buffer debloating's gauges, of which
	// input gate (recorder_debloat.go)
	debloat debloatGauge
	gate    int
}

// recorder samples metrics every Settings.SampleInterval.
type recorder struct {
	s      *Simulation
	last   sim.Time
	times  []float64
	refs   []seriesRef
	series []result.Series
	rules  []mergeRule // per series: how coarsen merges its samples
	// interval is the sample interval now: the spec's, doubled by every
	// coarsen.
	interval sim.Time
	// vals holds one sample's per-subtask values, cleared and reused.
	vals    sampleVals
	totals  map[*subtask]*[nStates]sim.Time // whole-run time per state
	lat     map[*nodeRT]*sinkLatency
	latAll  *sim.Histogram
	written int64
	lagMax  int64
	// windowPeak is each window operator's largest state over samples.
	windowPeak map[*nodeRT]float64
	// windowLag is each window operator's watermark lag over samples, s.
	windowLag map[*nodeRT]*sim.Histogram
}

type sinkLatency struct{ all, interval *sim.Histogram }

func newRecorder(s *Simulation) *recorder {
	r := &recorder{s: s, totals: map[*subtask]*[nStates]sim.Time{}, lat: map[*nodeRT]*sinkLatency{}, latAll: sim.NewHistogram(), windowPeak: map[*nodeRT]float64{},
		windowLag: map[*nodeRT]*sim.Histogram{}, interval: s.spec.Sim.SampleInterval}
	r.vals = newSampleVals(s.nodes)
	defer r.preallocate()
	for _, st := range s.subtasks {
		r.totals[st] = &[nStates]sim.Time{}
	}
	add := func(rt *nodeRT, sub int, metrics ...string) {
		for _, m := range metrics {
			r.refs = append(r.refs, seriesRef{node: rt, sub: sub, metric: m, id: valID(m)})
			r.series = append(r.series, result.Series{Operator: rt.spec.Name, Subtask: sub, Metric: seriesName(rt, m)})
		}
	}
	// Task metrics (TaskMetricGroup, TaskIOMetricGroup) once per task, under
	// its name, read at its first operator: chained operators share them.
	addTask := func(rt *nodeRT, sub int, metrics ...string) {
		for _, m := range metrics {
			r.refs = append(r.refs, seriesRef{node: rt, sub: sub, metric: m, id: valID(m)})
			r.series = append(r.series, result.Series{Operator: rt.task.name, Subtask: sub, Metric: m})
		}
	}
	// Fixed order: job scope, then nodes as declared, aggregate first, then
	// subtasks.
	for _, m := range jobSeries(s.spec.Checkpointing != nil, s.spec.FullRestarts, s.spec.JobStatusMetrics) {
		r.refs = append(r.refs, seriesRef{sub: -1, metric: m, id: -1})
		r.series = append(r.series, result.Series{Operator: result.JobOperator, Subtask: -1, Metric: m})
	}
	for _, rt := range s.nodes {
		n := rt.spec
		for sub := -1; sub < n.Parallelism; sub++ {
			add(rt, sub, result.MetricRecordsIn, result.MetricRecordsOut)
			if head := rt.task.nodes[0] == rt; head {
				addTask(rt, sub, result.MetricBusy, result.MetricBackPressured, result.MetricIdle,
					result.MetricSoftBackPressured, result.MetricHardBackPressured, result.MetricIsBackPressured)
				if len(rt.ins) > 0 {
					addTask(rt, sub, result.MetricInPool, result.MetricInFloating, result.MetricInExclusive, result.MetricBytesIn)
				}
				r.addDebloatSeries(rt, sub)
				if hasOutputs(rt.task) {
					addTask(rt, sub, result.MetricOutPool, result.MetricBytesOut)
				}
				if s.spec.Checkpointing != nil && sub >= 0 {
					addTask(rt, sub, checkpointGauges(rt)...)
				}
			}
			if n.Kind == KindSource {
				add(rt, sub, result.MetricPending, result.MetricLagMax, result.MetricProduced)
				if sub < 0 {
					add(rt, sub, result.MetricKafkaLag)
				}
			}
			if n.Keyed != nil {
				add(rt, sub, result.MetricStateSize)
			}
			add(rt, sub, timeMetrics(rt)...)
			if n.Kind == KindSink {
				// the writer's counter (SinkWriterMetricGroup), per subtask;
				// a SinkFunction's named flinksim's (seriesName)
				add(rt, sub, result.MetricRecordsSend)
				if s.recordsCommitter(rt) {
					add(rt, sub, committerMetrics[:]...)
				}
			}
		}
		if n.Kind == KindSink {
			add(rt, -1, result.MetricLatencyP50, result.MetricLatencyP99, result.MetricLatencyMax, result.MetricSinkWritten)
			rt.lat = &sinkLatency{all: sim.NewHistogram(), interval: sim.NewHistogram()}
			r.lat[rt] = rt.lat
		}
	}
	if len(r.lat) == 1 {
		// One sink: the job's latency is the sink's; one histogram takes
		// both (sunk adds to it once).
		for _, l := range r.lat {
			r.latAll = l.all
		}
	}
	return r
}

// preallocate gives every series its whole capacity at once (sampleCap),
// and records each one's merge rule.
func (r *recorder) preallocate() {
	n := sampleCap(&r.s.spec)
	r.times = make([]float64, 0, n)
	r.rules = make([]mergeRule, len(r.series))
	for i := range r.series {
		r.series[i].Values = make([]float64, 0, n)
		r.rules[i] = ruleOf(r.series[i].Metric)
	}
}

// perSecondUp converts a time in a state to ms per second of the time the
// subtask was deployed, of the dt seconds of times: Flink's task metrics
// exist only while the task does, so busy, idle and backpressured add up
// to 1000 whenever it ran at all (and a restarted task's come from its
// new metric group alone). A subtask with no attempt deployed at the
// sample reports nothing (unreported).
func perSecondUp(times [nStates]sim.Time, dt float64) func(sim.Time) float64 {
	up := dt - times[stDown].Seconds()
	if up <= 0 {
		return func(sim.Time) float64 { return 0 }
	}
	return func(t sim.Time) float64 { return float64(t) / float64(sim.Millisecond) / up }
}

// busySoFar is a subtask's busy time from the start to now: what its
// thread worked on records, timers and snapshots (the CPU claims of
// resources.go), not the restore of an initializing task.
func (r *recorder) busySoFar(st *subtask, now sim.Time) sim.Time {
	return r.stateSoFar(st, stBusy, now)
}

// stateSoFar is the time a subtask spent in state x from the start to now.
func (r *recorder) stateSoFar(st *subtask, x taskState, now sim.Time) sim.Time {
	b := r.totals[st][x] + st.acc[x]
	if st.state == x {
		b += now - st.since
	}
	return b
}

func hasOutputs(t *task) bool {
	for _, rt := range t.nodes {
		if len(rt.outs) > 0 {
			return true
		}
	}
	return false
}

// sunk records n records of chunk c written by sink rt at now.
func (r *recorder) sunk(rt *nodeRT, st *subtask, now sim.Time, n int64, c *Chunk) {
	visible := now
	if d := rt.sinkDelay; d != nil {
		visible = sim.Add(visible, sim.FromSeconds(d.Sample(st.ops[rt.pos].rng)))
	}
	lo := (visible - c.CreatedHi).Seconds()
	hi := lo // one record, or records created at once: one division
	if c.CreatedLo != c.CreatedHi {
		hi = (visible - c.CreatedLo).Seconds()
	}
	l := rt.lat
	if lo == hi && l.all == r.latAll {
		// One value (a record in exact mode): AddSpreadPair's single
		// point, with Add inlined rather than a call per record.
		l.all.Add(lo, float64(n))
		l.interval.Add(lo, float64(n))
	} else if l.all == r.latAll {
		sim.AddSpreadPair(lo, hi, float64(n), l.all, l.interval)
	} else {
		sim.AddSpreadEach(lo, hi, float64(n), l.all, l.interval, r.latAll)
	}
	r.written += n
}

// sample closes the interval since the last sample and appends one value to
// every series.
func (r *recorder) sample() {
	s := r.s
	now := s.eng.Now()
	dt := (now - r.last).Seconds()
	if dt <= 0 {
		return
	}
	r.times = append(r.times, now.Seconds())
	var lag int64
	for _, kp := range s.kafka {
		kp.advance(now)
		lag += kp.pending(now)
	}
	r.lagMax = max(r.lagMax, lag)
	// Per-subtask values first, so aggregates can be computed from them.
	vals := &r.vals
	clear(vals.v)
	for _, st := range s.subtasks {
		r.sampleSubtask(st, now, dt, vals)
	}
	r.sampleWindows()
	for i, ref := range r.refs {
		r.series[i].Values = append(r.series[i].Values, r.value(ref, vals, now))
	}
	for _, l := range r.lat {
		l.interval.Reset()
	}
	r.last = now
	r.coarsen() // before the next sample is scheduled: it comes at the new interval
}

// sampleSubtask closes a subtask's interval of dt seconds ending now: its
// busy, backpressured and idle time, pool usage, Kafka lag, rates and
// state, into vals.
func (r *recorder) sampleSubtask(st *subtask, now sim.Time, dt float64, sv *sampleVals) {
	st.acc[st.state] += now - st.since
	st.since = now
	tot := r.totals[st]
	ms := perSecondUp(st.acc, dt)
	// Reported at the sample: an attempt deployed now, and not only from
	// this instant on (a task deployed at the sample has had no time to
	// report anything).
	reported := attemptDeployed(st) && dt > st.acc[stDown].Seconds()
	busy, idle := ms(st.acc[stBusy]+st.acc[stInitializing]), ms(st.acc[stIdle])
	bp, soft, hard := ms(st.acc[stBackPressured]+st.acc[stHardBackPressured]), ms(st.acc[stBackPressured]), ms(st.acc[stHardBackPressured])
	for i := range st.acc {
		tot[i] += st.acc[i]
		st.acc[i] = 0
	}
	inPool, outPool := poolUsage(st)
	var pending int64
	var produced int64
	for _, kp := range st.splits {
		pending += kp.pending(now)
		// what the broker received over the interval, not the rate
		// profile's mean: a paused producer sends nothing until it
		// sends what it held back
		produced += kp.producedSince(now)
	}
	perSecProduced := float64(produced) / dt
	bytesIn, bytesOut := float64(st.bytesIn-st.sampledBytesIn)/dt, float64(st.bytesOut-st.sampledBytesOut)/dt
	for pos, rt := range st.t.nodes {
		op := &st.ops[pos]
		k := func(id int) int { return sv.at(rt, st.index, id) }
		vals := sv.v
		vals[k(vIn)] = float64(op.in-op.sampledIn) / dt
		vals[k(vOut)] = float64(op.out-op.sampledOut) / dt
		vals[k(vBusy)], vals[k(vBackPressured)], vals[k(vIdle)] = busy, bp, idle
		vals[k(vDeployed)] = b2f(reported)
		vals[k(vSoftBackPressured)], vals[k(vHardBackPressured)] = soft, hard
		vals[k(vIsBackPressured)] = b2f(st.state.backPressured())
		vals[k(vBytesIn)], vals[k(vBytesOut)] = bytesIn, bytesOut
		vals[k(vInPool)], vals[k(vOutPool)] = inPool, outPool
		vals[k(vInFloating)], vals[k(vInExclusive)] = inputBuffersUsage(st)
		if rt.spec.Kind == KindSource {
			fetching := reported && r.s.fetching(st)
			if fetching {
				noteLags(st, now) // it polls: its consumer records the lags
			}
			vals[k(vPending)] = pendingRecords(st)
			if reported {
				st.lagMax.sampled(&st.fetches, now, fetching, splitLag(st))
			}
			vals[k(vLagMax)] = lagMaxValue(st, now)
			vals[k(vKafkaLag)] = float64(pending)
			vals[k(vProduced)] = perSecProduced
		}
		if rt.spec.Keyed != nil {
			// whole bytes: the expected distinct keys are a mean, the state
			// a size (written as an integer, as every size is)
			size := rt.distinctKeys(st.index, op.stateRecs) * float64(rt.spec.Keyed.StatePerKey)
			if op.win != nil {
				size += op.win.bytes
			}
			vals[k(vStateSize)] = math.Round(size)
		}
		r.sampleTime(st, op, k, vals, now)
		if op.sw != nil {
			vals[k(vRecordsSend)] = attemptCount(st, op.sw.sentTotal, op.attempt.sent)
			committerVals(op, k, vals)
		}
		vals[k(vAlignment)] = float64(st.ck.lastAlignment)
		vals[k(vStartDelay)] = float64(st.ck.lastStartDelay)
		if !reported {
			unreported(k, vals)
		}
	}
	if reported { // an unreported interval keeps the rates' start (ratesFrom)
		ratesFrom(st)
	}
}

// unreported clears a subtask's Flink metrics in this sample: with no
// attempt deployed (cancelled, restarting, or on a lost TaskManager, noticed
// or not) its metric group is closed or its reporter gone, so a scrape
// finds none of its rates, times or gauges (attempt.go). flinksim's own
// measures of the state it holds (state size, open windows) and of the
// topic (MessagesInPerSec, kafkaLag) stay; its side-output counter, per
// attempt as numLateRecordsDropped, does not.
func unreported(k func(int) int, vals []float64) {
	for id := range nVals {
		switch id {
		case vDeployed, vStateSize, vOpenWindows, vProduced, vKafkaLag:
		default:
			vals[k(id)] = result.NoValue()
		}
	}
}

// value is a series' value in this sample: a job metric, a subtask's
// value, a sink's latency, or the operator's aggregate over its subtasks:
// the sum of rates, counts, pending records and sizes, the mean of times
// and usage, the lowest watermark, the highest lag (records-lag-max too),
// isBackPressured when any subtask is.
func (r *recorder) value(ref seriesRef, vals *sampleVals, now sim.Time) float64 {
	switch {
	case ref.node == nil:
		return r.jobMetric(ref.metric, now)
	case ref.debloat != notDebloat:
		return r.debloatValue(ref, vals)
	case ref.sub >= 0:
		return vals.get(ref.node, ref.sub, ref.id)
	case ref.metric == result.MetricLatencyP50 || ref.metric == result.MetricLatencyP99 || ref.metric == result.MetricLatencyMax:
		// a latency of the records that reached the sink in the sample:
		// none reached it (between a window's firings, through a restart)
		// is no value, no row, not a latency of 0 ms
		h := r.lat[ref.node].interval
		switch {
		case h.Count() == 0:
			return result.NoValue()
		case ref.metric == result.MetricLatencyP50:
			return h.Quantile(0.5) * 1000
		case ref.metric == result.MetricLatencyP99:
			return h.Quantile(0.99) * 1000
		}
		return h.Max() * 1000
	case ref.metric == result.MetricSinkWritten:
		return ref.node.sinkAcct.visibleRecords()
	case ref.metric == result.MetricInputWatermark || ref.metric == result.MetricOutputWatermark:
		return r.extreme(ref, vals, math.Min)
	case ref.metric == result.MetricWatermarkLag || ref.metric == result.MetricEmitEventTimeLag || ref.metric == result.MetricFetchEventTimeLag ||
		ref.metric == result.MetricSourceIdleTime || ref.metric == result.MetricAlignmentDrift || ref.metric == result.MetricLagMax:
		// records-lag-max is the largest lag of any partition (Kafka's
		// FetchManagerMetrics, a Max over partitions): the operator's, the largest
		// of its subtasks', as the web UI's max aggregate over subtasks
		// (AggregatingSubtasksMetricsHandler) gives it, not their sum
		return r.extreme(ref, vals, math.Max)
	case ref.metric == result.MetricIsBackPressured:
		// a Boolean gauge (TaskIOMetricGroup): the task's is 1 when any
		// subtask's is, as the web UI marks a vertex by its most
		// backpressured subtask (JobVertexBackPressureHandler); a mean
		// would be no state at all
		return r.extreme(ref, vals, math.Max)
	case aggregateIsMean(ref.metric):
		// the mean over the subtasks that report: those with an attempt
		// deployed at the sample (AggregatingSubtasksMetricsHandler
		// averages the metrics it has); none when none does
		sum, n := 0.0, 0.0
		for sub := 0; sub < ref.node.spec.Parallelism; sub++ {
			if v := vals.get(ref.node, sub, ref.id); result.HasValue(v) {
				sum += v
				n++
			}
		}
		if n == 0 {
			return result.NoValue()
		}
		return sum / n
	default:
		return sumOfSubtasks(ref, vals)
	}
}

// sumOfSubtasks is the sum of an operator's subtasks that have a value (a
// counter of a cancelled attempt has none, attempt.go); none when none has.
func sumOfSubtasks(ref seriesRef, vals *sampleVals) float64 {
	sum, any := 0.0, false
	for sub := 0; sub < ref.node.spec.Parallelism; sub++ {
		if v := vals.get(ref.node, sub, ref.id); result.HasValue(v) {
			sum, any = sum+v, true
		}
	}
	if !any {
		return result.NoValue()
	}
	return sum
}

// committerMetrics are a sink's committer metrics, as Flink registers them
// (InternalSinkCommitterMetricGroup).
var committerMetrics = [...]string{result.MetricTotalCommittables, result.MetricSuccessfulCommittables,
	result.MetricAlreadyCommittedCommittables, result.MetricFailedCommittables, result.MetricRetriedCommittables,
	result.MetricPendingCommittables}

// recordsCommitter says whether sink rt records its committer's metrics
// per subtask: an exactly-once sink, whose committables a committer
// commits, in a Flink release that has them (1.19+: FLIP-371). Another
// guarantee prepares no committable (a KafkaSink's committer, which Flink
// has whatever the guarantee, would count none). For a KafkaSink they are
// its committer operator's ("NAME: Committer"); for a SinkFunction (a JDBC
// XA sink), which has no committer operator and no such metric group in
// Flink, flinksim counts them alike, as it counts numRecordsSend, under
// its own names (flinksim.pendingCommittables, ...: seriesName).
func (s *Simulation) recordsCommitter(rt *nodeRT) bool {
	return rt.spec.Sink != nil && rt.spec.Sink.Delivery.Guarantee == ExactlyOnce && !s.spec.NoSinkCommitterMetrics
}

// committerVals are the values of op's writer's committer in this sample,
// per attempt (attempt.go).
func committerVals(op *opState, k func(int) int, vals []float64) {
	w := op.sw
	if w.d.Guarantee != ExactlyOnce {
		return
	}
	st, c, b := w.st, &w.cm, &op.attempt.cm
	vals[k(vTotalCommittables)] = attemptCount(st, c.total, b.total)
	vals[k(vSuccessfulCommittables)] = attemptCount(st, c.successful, b.successful)
	vals[k(vAlreadyCommittedCommittables)] = attemptCount(st, c.alreadyCommitted, b.alreadyCommitted)
	vals[k(vFailedCommittables)] = attemptCount(st, c.failed, b.failed)
	vals[k(vRetriedCommittables)] = attemptCount(st, c.retried, b.retried)
	vals[k(vPendingCommittables)] = attemptCount(st, w.pendingCommittables(), 0)
}

func aggregateIsMean(metric string) bool {
	switch metric {
	case result.MetricBusy, result.MetricBackPressured, result.MetricIdle, result.MetricInPool, result.MetricOutPool,
		result.MetricInFloating, result.MetricInExclusive,
		result.MetricSoftBackPressured, result.MetricHardBackPressured:
		return true
	}
	return false
}

// poolUsage returns inPoolUsage and outPoolUsage. inPoolUsage counts the
// buffers remote channels hold over their exclusive buffers and every
// gate's floating pool: a gate of local channels only holds none of its
// pool's buffers, yet its pool is in the total
// (CreditBasedInputBuffersUsageGauge sums FloatingBuffersUsageGauge, whose
// total is each gate's LocalBufferPool.getNumBuffers, and
// ExclusiveBuffersUsageGauge, over RemoteInputChannels).
func poolUsage(st *subtask) (in, out float64) {
	var held, capacity float64
	for _, g := range st.gates {
		held += float64(g.remoteHeld)
		capacity += float64(g.remote*g.exclusive + g.floating)
	}
	if capacity > 0 {
		in = held / capacity
	}
	var used, pool float64
	for _, p := range st.parts {
		used += float64(p.used)
		pool += float64(p.pool)
	}
	if pool > 0 {
		out = used / pool
	}
	return in, out
}

// inputBuffersUsage returns inPoolUsage's parts, as Flink's
// FloatingBuffersUsageGauge and ExclusiveBuffersUsageGauge compute them
// over a task's input gates: the floating buffers remote channels hold over
// every gate's floating pool (a gate of local channels only has one too),
// and the exclusive buffers they hold over all of theirs (0 without
// remote channels).
func inputBuffersUsage(st *subtask) (floating, exclusive float64) {
	var fUsed, fPool, xUsed, xAll float64
	for _, g := range st.gates {
		fUsed += float64(g.floatUsed)
		fPool += float64(g.floating)
		xUsed += float64(g.remoteHeld - g.floatUsed)
		xAll += float64(g.remote * g.exclusive)
	}
	if fPool > 0 {
		floating = fUsed / fPool
	}
	if xAll > 0 {
		exclusive = xUsed / xAll
	}
	return floating, exclusive
}

// checkpointGauges are the checkpoint gauges of the task headed by rt:
// checkpointAlignmentTime only where a barrier handler reads network inputs
// (InputProcessorUtil's registerCheckpointMetrics), so not in a source
// task, chained or not; checkpointStartDelayNanos in every task, as
// SourceStreamTask and SourceOperatorStreamTask register their own.
func checkpointGauges(head *nodeRT) []string {
	if len(head.ins) > 0 {
		return []string{result.MetricAlignment, result.MetricStartDelay}
	}
	return []string{result.MetricStartDelay}
}

// downtimeGauge is Flink's DownTimeGauge, whole ms: -1 once the job is in a
// terminal status (FAILED), 0 unless the job's FAILING timestamp is later
// than its RUNNING one. Flink's DefaultScheduler restarts a region and a
// global failover alike by RUNNING -> RESTARTING -> RUNNING
// (addVerticesToRestartPending), never through FAILING, which only failJob
// enters on the way to FAILED; flinksim's job goes FAILED at once, so the
// gauge reads 0 through every restart and -1 after the last.
func downtimeGauge(failed bool) float64 {
	if failed {
		return -1
	}
	return 0
}

// jobMetric is a job-scope metric now.
func (r *recorder) jobMetric(m string, now sim.Time) float64 {
	s := r.s
	c := s.coord
	switch m {
	case result.MetricRestarts, result.MetricFullRestarts:
		return float64(s.restarts)
	case result.MetricDowntime:
		return downtimeGauge(s.failed)
	case result.MetricUptime:
		return s.status.uptimeGauge(now)
	}
	if st, kind, ok := result.SplitJobStatusMetric(m); ok {
		return s.status.statusGauge(st, kind, now)
	}
	if kind, ok := result.SplitDeployingMetric(m); ok {
		return s.deploying.gauge(kind, s.status.clock, now)
	}
	if c == nil {
		return noneYet(m)
	}
	var last *result.CheckpointStats
	for i := len(c.history) - 1; i >= 0; i-- {
		if c.history[i].Status == "COMPLETED" {
			last = c.history[i]
			break
		}
	}
	switch m {
	case result.MetricCompletedCkpts:
		return float64(c.completed)
	case result.MetricFailedCkpts:
		return float64(c.failed + c.notAllRunning) // CheckpointStatsCounts: those that failed before they started too
	case result.MetricInProgressCkpts:
		return float64(len(c.pending))
	}
	if last == nil {
		return noneYet(m)
	}
	switch m {
	case result.MetricLastCompletedCkptID:
		return float64(last.ID)
	case result.MetricLastCkptDuration:
		return float64(last.EndToEndMs()) // CheckpointStatsTracker: the latest completed checkpoint's getEndToEndDuration, in ms
	case result.MetricLastCkptSize:
		return float64(last.Checkpointed)
	case result.MetricLastCkptFullSize:
		return float64(last.StateSize)
	}
	return 0
}

// noneYet is a job metric's value before any checkpoint completed: the
// latest completed checkpoint's gauges (CheckpointStatsTracker:
// lastCheckpointDuration, lastCheckpointSize, lastCheckpointFullSize,
// lastCompletedCheckpointId) are -1 until one has; counts are 0.
func noneYet(m string) float64 {
	switch m {
	case result.MetricLastCkptDuration, result.MetricLastCkptSize, result.MetricLastCkptFullSize, result.MetricLastCompletedCkptID:
		return -1
	}
	return 0
}
