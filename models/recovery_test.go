package models

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// recoveryJob reads lambda records/s into a keyed operator that can process
// mu records/s, with checkpoints every 10 s of stateBytes, and loses its one
// TaskManager at failAt.
func recoveryJob(lambda, mu float64, failAt sim.Time) Spec {
	const keys, perKey = 100, 1 << 20 // 100 MiB of state
	return Spec{
		Name: "recovery", Seed: 5, Duration: 240 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 100, ChunkDelay: 10 * sim.Millisecond, SampleInterval: 250 * sim.Millisecond},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: 100,
				Kafka: &Kafka{Topic: "t", Partitions: 1, Rate: ConstantRate(lambda)}},
			{Name: "agg", Kind: KindOperator, Parallelism: 1, MaxParallelism: 128, Chain: true, RecordSize: 100, Selectivity: 1,
				Cost: sim.Constant{V: 1 / mu}, Inputs: []Input{{From: "src", Exchange: Hash}},
				Keyed: &Keyed{Keys: UniformKeys{N: keys}, StatePerKey: perKey, Warm: true}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 100, Sink: &Sink{}, Inputs: []Input{{From: "agg"}}},
		},
		Checkpointing: &Checkpointing{Interval: 10 * sim.Second, Timeout: 10 * sim.Minute, MaxConcurrent: 1,
			Storage: Storage{StreamUpload: 100 << 20, StreamDownload: 50 << 20, FileSize: 1 << 40, TransferThreads: 1}},
		Restart:  RestartStrategy{Kind: "fixed-delay", Delay: 5 * sim.Second, Attempts: 10},
		Recovery: Recovery{HeartbeatTimeout: 20 * sim.Second, Redeploy: 3 * sim.Second, TaskManagerStart: 30 * sim.Second},
		Failures: []Failure{{Kind: FailTaskManager, At: failAt, TaskManager: 0, Detection: DetectHang}}, // noticed after heartbeat.timeout
	}
}

// TestRecoveryAndCatchUp: the TaskManager is lost at T; the JobManager
// notices after heartbeat.timeout H, waits the restart delay D, redeploys
// (R) once the replacement TaskManager, asked for when the loss was
// noticed, has started (S), and the operator downloads its 100 MiB at
// 50 MiB/s: the job runs again at Tr = T + H + max(D, S) + R + 2 s. Sources rewind to the last completed
// checkpoint's offsets (taken at its trigger, tk), so the backlog is
// lambda·(Tr − tk), and the fluid model drains it in backlog/(mu − lambda).
func TestRecoveryAndCatchUp(t *testing.T) {
	const lambda, mu = 1000.0, 2000.0
	const failAt = 100 * sim.Second
	spec := recoveryJob(lambda, mu, failAt)
	s, res := runWith(t, spec)
	if len(res.Restores) != 1 {
		t.Fatalf("restores %+v, want one", res.Restores)
	}
	r := res.Restores[0]
	rc := spec.Recovery
	wantTr := failAt + rc.HeartbeatTimeout + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy + 2*sim.Second
	if absT(r.At-wantTr) > sim.Millisecond {
		t.Errorf("restored at %v, want %v", r.At, wantTr)
	}
	var tk sim.Time
	for _, h := range res.Checkpoints {
		if h.ID == r.ID {
			tk = h.Trigger
		}
		if h.Status == "COMPLETED" && h.Completed < failAt && h.ID > r.ID {
			t.Errorf("restored from #%d, but #%d completed later, before the failure", r.ID, h.ID)
		}
	}
	if r.ID == 0 || tk < failAt-20*sim.Second {
		t.Fatalf("restored from #%d triggered at %v; want a checkpoint from the 20 s before the failure", r.ID, tk)
	}
	// Replayed: what was read between the checkpoint and the failure.
	if want := lambda * (failAt - tk).Seconds(); math.Abs(float64(s.replayed)-want) > lambda*spec.Sim.ChunkDelay.Seconds()+float64(spec.Sim.ChunkRecords) {
		t.Errorf("replayed %d records, want %.0f", s.replayed, want)
	}
	// Sinks write again what they wrote after the checkpoint: what was
	// replayed, less what was still in flight at the failure.
	inflight := float64(s.spec.Sim.ChunkRecords) * 40
	if d := float64(s.duplicated()); d > float64(s.replayed) || d < float64(s.replayed)-inflight {
		t.Errorf("duplicated %d, want at most the %d replayed and not %0.f less", s.duplicated(), s.replayed, inflight)
	}
	// Everything not yet processed is in Kafka at the restore (the network
	// was emptied): the operator is fully busy until the backlog is gone,
	// then busy lambda/mu of the time again.
	backlog := lambda * (r.At - tk).Seconds()
	want := r.At.Seconds() + backlog/(mu-lambda)
	var busy []float64
	for _, se := range res.Series {
		if se.Operator == taskOf(t, res, "agg") && se.Metric == result.MetricBusy && se.Subtask < 0 {
			busy = se.Values
		}
	}
	caughtUp, dt := -1.0, spec.Sim.SampleInterval.Seconds()
	for i, ts := range res.Times {
		if ts > r.At.Seconds()+1 && busy[i] < 1000*(1+lambda/mu)/2 {
			caughtUp = ts - dt/2 // the sample covers (ts−dt, ts]
			break
		}
	}
	t.Logf("restored at %v from #%d (triggered %v); caught up at %.2fs, fluid formula %.2fs", r.At, r.ID, tk, caughtUp, want)
	if math.Abs(caughtUp-want) > dt {
		t.Errorf("caught up at %.2fs, want %.2fs = %.2fs + %.0f records / (%.0f − %.0f)/s (±%.2fs)",
			caughtUp, want, r.At.Seconds(), backlog, mu, lambda, dt)
	}
}

// TestRecoveryWithoutCheckpoint: a failure before any checkpoint completes
// restarts from the beginning of the retained input and replays all of it.
func TestRecoveryWithoutCheckpoint(t *testing.T) {
	spec := recoveryJob(1000, 2000, 2*sim.Second)
	spec.Checkpointing.Interval = sim.Hour
	s, res := runWith(t, spec)
	if len(res.Restores) != 1 || res.Restores[0].ID != 0 {
		t.Fatalf("restores %+v, want one from no checkpoint (ID 0)", res.Restores)
	}
	if res.Summary.Checkpoints.RestartsFromStart != 1 {
		t.Errorf("restarts_without_checkpoint %d, want 1", res.Summary.Checkpoints.RestartsFromStart)
	}
	if want := int64(2000); math.Abs(float64(s.replayed-want)) > 20 {
		t.Errorf("replayed %d, want the %d records read before the failure", s.replayed, want)
	}
}

func runWith(t *testing.T, spec Spec) (*Simulation, *result.Result) {
	t.Helper()
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// TestDuplicatesCountedOnce: two failures restored from the same checkpoint
// (none completes in between) do not count the same rewrites twice: the
// duplicates are the writes below the furthest point the sinks had reached.
func TestDuplicatesCountedOnce(t *testing.T) {
	spec := recoveryJob(1000, 2000, 100*sim.Second)
	// The first trigger comes 70–80 s after each start: one checkpoint
	// completes before 100 s, none between the restore at 155 s and 170 s.
	spec.Checkpointing.Interval, spec.Checkpointing.MinPause = 80*sim.Second, 70*sim.Second
	spec.Failures = append(spec.Failures, Failure{Kind: FailTaskManager, At: 170 * sim.Second, TaskManager: 0, Detection: DetectHang})
	s, res := runWith(t, spec)
	if len(res.Restores) != 2 || res.Restores[0].ID != res.Restores[1].ID {
		t.Fatalf("restores %+v, want two from the same checkpoint", res.Restores)
	}
	written := res.Summary.Records.Sink
	distinct := int64(0)
	for _, st := range s.subtasks {
		for _, w := range st.sinks {
			distinct += w.top(w.readCommitted())
		}
	}
	if s.duplicated() != written-distinct {
		t.Errorf("duplicated %d, want written %d − distinct %d", s.duplicated(), written, distinct)
	}
	if s.duplicated() > s.replayed {
		t.Errorf("duplicated %d exceeds replayed %d", s.duplicated(), s.replayed)
	}
}

// TestRecoveryWithoutCheckpointing: with checkpointing off, a restart reads
// the topic again from the start (KafkaSource's default starting offsets),
// so the records read before the failure stay in the log for it: all
// lambda·T of them are replayed. (They were dropped from the log before,
// and the reader was left pointing at records that were no longer there.)
func TestRecoveryWithoutCheckpointing(t *testing.T) {
	const lambda, failAt = 1000.0, 100 * sim.Second
	spec := recoveryJob(lambda, 2000, failAt)
	spec.Checkpointing = nil
	s, res := runWith(t, spec)
	if len(res.Failovers) != 1 {
		t.Fatalf("failovers %+v, want one", res.Failovers)
	}
	want := int64(lambda * failAt.Seconds())
	if got := res.Summary.Records.Replayed; got != s.replayed || math.Abs(float64(got-want)) > float64(spec.Sim.ChunkRecords) {
		t.Errorf("replayed %d (counter %d), want the %d records read before the failure, to a chunk", got, s.replayed, want)
	}
	// The first records, created at 0, are written again once the job runs
	// again (nothing to download).
	rc := spec.Recovery
	back := failAt + max(rc.HeartbeatTimeout+spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy
	if got := res.Summary.LatencyS.Max; got < (back - sim.Second).Seconds() {
		t.Errorf("max latency %gs: the records from the start were not read again at %v", got, back)
	}
}

// TestDetectionDelays: how a TaskManager loss is noticed sets when the job
// fails over: at once when the process exits (its connections close); when
// it is unreachable, as the heartbeat.rpc-failure-threshold-th heartbeat
// request after the loss fails, the requests going out every
// heartbeat.interval from the job's start (HeartbeatManagerSenderImpl);
// when it hangs, heartbeat.timeout after its last answer, the request at
// or before the loss (DefaultHeartbeatMonitor); or when it is unreachable
// with the failed-RPC detection off (threshold -1), or a threshold the
// timeout beats, which the reason then names as the timeout (JobMaster's
// TaskManagerHeartbeatListener.notifyHeartbeatTimeout). Requests at 100 s
// and 110 s: a loss at 100 s is answered last at 100 s, one at 103.4 s
// too, and its second failed request is at 120 s.
func TestDetectionDelays(t *testing.T) {
	for _, tc := range []struct {
		name      string
		at        sim.Time
		how       Detection
		threshold int
		want      sim.Time
		reason    string
	}{
		{"process-exit", 100 * sim.Second, DetectProcessExit, 2, 0, "connection unexpectedly closed"},
		{"unreachable at a request", 100 * sim.Second, DetectUnreachable, 2, 20 * sim.Second, "no longer reachable"},
		{"unreachable between requests", 103400 * sim.Millisecond, DetectUnreachable, 2, 16600 * sim.Millisecond, "no longer reachable"},
		{"unreachable, threshold off", 100 * sim.Second, DetectUnreachable, -1, 50 * sim.Second, "heartbeat timeout"},
		{"unreachable, the timeout first", 103400 * sim.Millisecond, DetectUnreachable, 6, 46600 * sim.Millisecond, "heartbeat timeout"},
		{"hang at a request", 100 * sim.Second, DetectHang, 2, 50 * sim.Second, "heartbeat timeout"},
		{"hang between requests", 103400 * sim.Millisecond, DetectHang, 2, 46600 * sim.Millisecond, "heartbeat timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := recoveryJob(1000, 2000, tc.at)
			spec.Recovery.HeartbeatTimeout, spec.Recovery.HeartbeatInterval, spec.Recovery.RPCFailureThreshold = 50*sim.Second, 10*sim.Second, tc.threshold
			spec.Failures[0].Detection = tc.how
			_, res := runWith(t, spec)
			if len(res.Failovers) != 1 {
				t.Fatalf("failovers %+v, want one", res.Failovers)
			}
			if got := res.Failovers[0].At - tc.at; got != tc.want {
				t.Errorf("noticed %v after the loss, want %v", got, tc.want)
			}
			if got := res.Failovers[0].Reason; !strings.Contains(got, "("+tc.reason+")") {
				t.Errorf("reason %q, want it to say %q", got, tc.reason)
			}
		})
	}
}

// TestReplacementHeartbeatsFromItsRegistration: a replacement TaskManager's
// heartbeat monitor starts as it registers (DefaultHeartbeatMonitor resets
// its timeout then), so one that hangs before the next heartbeat request
// is noticed heartbeat.timeout after its registration, not after the
// request before it. The first loss exits at 100 s (noticed at once); its
// replacement registers taskmanager-start (31.2 s) later, at 131.2 s,
// after the request at 130 s, and hangs at 133.4 s: noticed at 181.2 s,
// not 180 s.
func TestReplacementHeartbeatsFromItsRegistration(t *testing.T) {
	spec := recoveryJob(1000, 2000, 100*sim.Second)
	spec.Duration = 300 * sim.Second
	spec.Recovery.HeartbeatTimeout, spec.Recovery.HeartbeatInterval, spec.Recovery.RPCFailureThreshold = 50*sim.Second, 10*sim.Second, 2
	spec.Recovery.TaskManagerStart = 31200 * sim.Millisecond
	spec.Failures[0].Detection = DetectProcessExit
	tm := spec.Failures[0].TaskManager
	spec.Failures = append(spec.Failures, Failure{Kind: FailTaskManager, At: 133400 * sim.Millisecond, TaskManager: tm, Detection: DetectHang})
	_, res := runWith(t, spec)
	if len(res.Failovers) != 2 {
		t.Fatalf("failovers %+v, want two", res.Failovers)
	}
	registered := 100*sim.Second + spec.Recovery.TaskManagerStart
	if got, want := res.Failovers[1].At, registered+spec.Recovery.HeartbeatTimeout; got != want {
		t.Errorf("the replacement's hang noticed at %v, want heartbeat.timeout after its registration at %v: %v", got, registered, want)
	}
}

// TestRestoringTaskIsBusy: a task restoring its state is INITIALIZING; its
// idle and backpressure timers do not run yet, so Flink reports it busy
// 1000 ms/s (TaskIOMetricGroup.getBusyTimePerSecond: 1000 − idle −
// backpressured). While no task is deployed there is nothing to report
// (no value, no row: its metric group is closed), and the run's busy,
// backpressured and idle times are per second of the time the task was
// deployed, so they add up to 1000.
func TestRestoringTaskIsBusy(t *testing.T) {
	const failAt = 100 * sim.Second
	spec := recoveryJob(1000, 2000, failAt)
	_, res := runWith(t, spec)
	if len(res.Restores) != 1 {
		t.Fatalf("restores %+v, want one", res.Restores)
	}
	rc := spec.Recovery
	deployed := failAt + rc.HeartbeatTimeout + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy
	restored := res.Restores[0].At // 100 MiB at 50 MiB/s: 2 s later
	task := taskOf(t, res, "agg")
	busy := seriesOf(t, res, task, 0, result.MetricBusy)
	idle := seriesOf(t, res, task, 0, result.MetricIdle)
	bp := seriesOf(t, res, task, 0, result.MetricBackPressured)
	dt := spec.Sim.SampleInterval.Seconds()
	var initializing, down int
	for i, ts := range res.Times {
		from := ts - dt // the sample covers (from, ts]
		switch {
		case from >= deployed.Seconds() && ts <= restored.Seconds():
			initializing++
			if busy[i] != 1000 || idle[i] != 0 || bp[i] != 0 {
				t.Errorf("restoring at %.2fs: busy %.0f, idle %.0f, backpressured %.0f ms/s; want 1000, 0, 0", ts, busy[i], idle[i], bp[i])
			}
		case from >= failAt.Seconds() && ts <= deployed.Seconds():
			down++
			if result.HasValue(busy[i]) || result.HasValue(idle[i]) || result.HasValue(bp[i]) {
				t.Errorf("not deployed at %.2fs: busy %.0f, idle %.0f, backpressured %.0f ms/s; want nothing", ts, busy[i], idle[i], bp[i])
			}
		}
	}
	if initializing < 4 || down < 100 {
		t.Fatalf("%d samples while restoring, %d while down: the scenario no longer shows them", initializing, down)
	}
	for _, o := range res.Summary.Operators {
		if sum := o.BusyMsPerS + o.IdleMsPerS + o.BackpressuredMsPerS; math.Abs(sum-1000) > 1e-6 {
			t.Errorf("%s: busy %.1f + idle %.1f + backpressured %.1f = %.1f ms/s over the time deployed, want 1000", o.Name, o.BusyMsPerS, o.IdleMsPerS, o.BackpressuredMsPerS, sum)
		}
	}
}

// forwardPair is recoveryJob as two forward pipelines (parallelism 2,
// a partition each), the first TaskManager's lost at failAt.
func forwardPair(failAt sim.Time) Spec {
	spec := recoveryJob(1000, 2000, failAt)
	for i := range spec.Nodes {
		spec.Nodes[i].Parallelism = 2
		for j := range spec.Nodes[i].Inputs {
			spec.Nodes[i].Inputs[j].Exchange = Forward
		}
	}
	spec.Nodes[0].Kafka.Partitions = 2
	return spec
}

// TestAggregateOverDeployedSubtasks: an operator's own row (no subtask)
// averages its subtasks' times as Flink's web UI does
// (AggregatingSubtasksMetricsHandler), over those that report: while one
// of two forward pipelines restarts, the other's times are the
// operator's, so busy, idle and backpressured still add up to 1000.
func TestAggregateOverDeployedSubtasks(t *testing.T) {
	_, res := runWith(t, forwardPair(100*sim.Second))
	task := taskOf(t, res, "agg")
	busy := seriesOf(t, res, task, -1, result.MetricBusy)
	idle := seriesOf(t, res, task, -1, result.MetricIdle)
	bp := seriesOf(t, res, task, -1, result.MetricBackPressured)
	down := seriesOf(t, res, task, 0, result.MetricIdle)
	var partly int
	for i, ts := range res.Times {
		if sum := busy[i] + idle[i] + bp[i]; math.Abs(sum-1000) > 1e-6 {
			t.Fatalf("at %.2fs: busy %.1f + idle %.1f + backpressured %.1f = %.1f ms/s over the deployed subtasks, want 1000", ts, busy[i], idle[i], bp[i], sum)
		}
		if ts > 110 && ts < 150 && !result.HasValue(down[i]) {
			partly++
		}
	}
	if partly == 0 {
		t.Fatal("subtask 0 was never down: the scenario no longer shows a partial restart")
	}
}

// TestSourceWithoutStateLeavesInitializing: each Flink task leaves
// INITIALIZING after its own restore (Task.restoreAndInvoke); a source
// whose only state is inlined in the checkpoint's metadata has nothing to
// download, so while the keyed operator in its own task downloads its
// 100 MiB it runs, its output not yet requested: backpressured, not busy.
func TestSourceWithoutStateLeavesInitializing(t *testing.T) {
	const failAt = 100 * sim.Second
	spec := recoveryJob(1000, 2000, failAt)
	spec.Nodes[1].Chain = false // the keyed operator in a task of its own
	_, res := runWith(t, spec)
	if len(res.Restores) != 1 {
		t.Fatalf("restores %+v, want one", res.Restores)
	}
	rc := spec.Recovery
	deployed := failAt + rc.HeartbeatTimeout + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy
	restored := res.Restores[0].At
	src := taskOf(t, res, "src")
	busy := seriesOf(t, res, src, 0, result.MetricBusy)
	bp := seriesOf(t, res, src, 0, result.MetricBackPressured)
	aggBusy := seriesOf(t, res, taskOf(t, res, "agg"), 0, result.MetricBusy)
	dt := spec.Sim.SampleInterval.Seconds()
	n := 0
	for i, ts := range res.Times {
		if ts-dt >= deployed.Seconds() && ts <= restored.Seconds() {
			n++
			if busy[i] != 0 || bp[i] != 1000 || aggBusy[i] != 1000 {
				t.Errorf("at %.2fs: the source busy %.0f, backpressured %.0f, the restoring operator busy %.0f ms/s; want 0, 1000, 1000", ts, busy[i], bp[i], aggBusy[i])
			}
		}
	}
	if n < 4 {
		t.Fatalf("%d samples while the operator restores", n)
	}
}

// TestRestartedTaskHasNoWatermark: watermarks are not part of a
// checkpoint; from its deployment until a watermark reaches it the
// restarted task's gauge reads Long.MIN_VALUE, as a new WatermarkGauge
// does, not the watermark the cancelled task had; from its cancellation
// until then it has no gauge at all (its metric group is closed).
func TestRestartedTaskHasNoWatermark(t *testing.T) {
	const failAt = 100 * sim.Second
	spec := recoveryJob(1000, 2000, failAt)
	spec.AutoWatermarkInterval = 200 * sim.Millisecond
	spec.Nodes[0].Kafka.EventTime = &EventTime{Delay: sim.Constant{V: 0.5}, OutOfOrderness: sim.Second}
	_, res := runWith(t, spec)
	if len(res.Restores) != 1 {
		t.Fatalf("restores %+v, want one", res.Restores)
	}
	rc := spec.Recovery
	cancelled := failAt + rc.HeartbeatTimeout
	deployed := cancelled + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy
	restored := res.Restores[0].At
	wm := seriesOf(t, res, "agg", 0, result.MetricOutputWatermark)
	dt := spec.Sim.SampleInterval.Seconds()
	n, gone := 0, 0
	for i, ts := range res.Times {
		switch {
		case ts > cancelled.Seconds() && ts <= deployed.Seconds():
			gone++
			if result.HasValue(wm[i]) {
				t.Fatalf("at %.2fs, between the cancellation and the deployment, the watermark gauge reads %.0f, want none", ts, wm[i])
			}
		case ts-dt >= deployed.Seconds() && ts <= restored.Seconds():
			n++
			if wm[i] != math.MinInt64 {
				t.Fatalf("at %.2fs, between the deployment and the restore, the watermark gauge reads %.0f, want Long.MIN_VALUE", ts, wm[i])
			}
		case ts > restored.Seconds()+5 && wm[i] == math.MinInt64:
			t.Fatalf("at %.2fs, 5 s after the restore, still no watermark", ts)
		}
	}
	if n < 4 || gone < 100 {
		t.Fatalf("%d samples between the deployment and the restore, %d while not deployed", n, gone)
	}
}

// TestDeployToUnnoticedLostTaskManager: a TaskManager lost while the job
// restarts, and not yet noticed, still offers its slots, so the scheduler
// deploys to it (Flink releases a TaskManager's slots only when it
// disconnects). Its tasks get no answer to submitTask and fail
// pekko.ask.timeout after their deployment started (Execution.deploy), a
// failover the restart strategy counts, unless the loss is noticed first,
// which fails the DEPLOYING tasks as it fails running ones. Once noticed,
// the tasks wait for its replacement. TaskManager 0 exits at 100 s
// (noticed at once; its replacement starts 30 s later), TaskManager 1
// hangs at 120 s (noticed heartbeat.timeout later, at 140 s).
func TestDeployToUnnoticedLostTaskManager(t *testing.T) {
	const exitAt, hangAt = 100 * sim.Second, 120 * sim.Second
	for _, c := range []struct {
		ask     sim.Time
		timeout bool // the ask timeout comes before the hang is noticed
	}{
		{4 * sim.Second, true},
		{20 * sim.Second, false},
	} {
		spec := recoveryJob(1000, 2000, exitAt)
		for i := range spec.Nodes {
			spec.Nodes[i].Parallelism = 2
		}
		spec.Nodes[0].Kafka.Partitions = 2
		spec.Recovery.AskTimeout = c.ask
		spec.Failures = []Failure{
			{Kind: FailTaskManager, At: exitAt, TaskManager: 0, Detection: DetectProcessExit},
			{Kind: FailTaskManager, At: hangAt, TaskManager: 1, Detection: DetectHang},
		}
		_, res := runWith(t, spec)
		rc, delay := spec.Recovery, spec.Restart.Delay
		noticed := hangAt + rc.HeartbeatTimeout
		deploying := exitAt + rc.TaskManagerStart // TaskManager 0's replacement; 1's slots look free
		type failover struct {
			at, failedAt sim.Time
			reason       string
		}
		want := []failover{{exitAt, exitAt, "TaskManager 0 lost"}}
		if c.timeout {
			want = append(want, failover{deploying + c.ask, deploying, fmt.Sprintf("not responding after a rpcTimeout of %d ms", c.ask/sim.Millisecond)})
			if again := deploying + c.ask + delay; again+c.ask < noticed {
				t.Fatalf("the scenario would time out again at %v, before the hang is noticed at %v", again+c.ask, noticed)
			}
		}
		want = append(want, failover{noticed, hangAt, "TaskManager 1 lost (heartbeat timeout)"})
		if len(res.Failovers) != len(want) {
			t.Fatalf("ask timeout %v: %d failovers %+v, want %d", c.ask, len(res.Failovers), res.Failovers, len(want))
		}
		for i, w := range want {
			f := res.Failovers[i]
			if f.At != w.at || f.FailedAt != w.failedAt || !strings.Contains(f.Reason, w.reason) {
				t.Errorf("ask timeout %v, failover %d: at %v (failed at %v) %q; want at %v (failed at %v) %q",
					c.ask, i, f.At, f.FailedAt, f.Reason, w.at, w.failedAt, w.reason)
			}
		}
		last := res.Failovers[len(res.Failovers)-1]
		if want := noticed + rc.TaskManagerStart + rc.Redeploy; last.RunningAt != want {
			t.Errorf("ask timeout %v: running again at %v, want once TaskManager 1's replacement has started and the tasks deployed: %v", c.ask, last.RunningAt, want)
		}
	}
}

// TestRestoreReportedAtHandOver: Flink's checkpoint statistics count a
// restore when the coordinator hands the checkpoint to the restarting
// tasks, as the restart delay ends (D after the loss is noticed, at
// T + H + D), not when the tasks have downloaded it
// (CheckpointStatsTracker.reportRestoredCheckpoint). A run that ends while
// the state downloads reports the restore, and one that goes on reports
// the same restore, which has completed by then.
func TestRestoreReportedAtHandOver(t *testing.T) {
	const failAt = 100 * sim.Second
	spec := recoveryJob(1000, 2000, failAt)
	rc := spec.Recovery
	handOver := failAt + rc.HeartbeatTimeout + spec.Restart.Delay
	restored := failAt + rc.HeartbeatTimeout + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy + 2*sim.Second
	for _, end := range []sim.Time{restored - sim.Second, spec.Duration} {
		spec.Duration = end
		_, res := runWith(t, spec)
		done := len(res.Restores)
		want := 0
		if end > restored {
			want = 1
		}
		if done != want {
			t.Fatalf("run to %v: %d restores completed, want %d", end, done, want)
		}
		last := res.LatestRestored
		if res.RestoresReported != 1 || res.RestoreCount() != 1 || last.ID == 0 || last.StateAt != handOver {
			t.Errorf("run to %v: %d restores reported, latest %+v; want 1, of a checkpoint, at %v", end, res.RestoresReported, last, handOver)
		}
		if done == 1 && (res.Restores[0].ID != last.ID || res.Restores[0].StateAt != handOver) {
			t.Errorf("restore completed %+v, reported %+v: want the same checkpoint, handed over at %v", res.Restores[0], last, handOver)
		}
	}
}
