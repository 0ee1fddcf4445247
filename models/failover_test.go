package models

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// twoPipelines is two independent keyed pipelines, a (2 subtasks) and b
// (1), 1000 records/s each, one slot per TaskManager: TaskManager 1 holds
// only a's second subtask. It loses TaskManager 1 at 30 s (process exit:
// noticed at once).
func twoPipelines(strategy FailoverStrategy) Spec {
	spec := graphSpec([]graphNode{
		{"a", 2, nil}, {"ka", 2, []string{"a:k"}}, {"oa", 2, []string{"ka:f"}},
		{"b", 1, nil}, {"kb", 1, []string{"b:k"}}, {"ob", 1, []string{"kb:f"}},
	})
	spec.Duration = 90 * sim.Second
	spec.Sim.SampleInterval = sim.Second
	spec.Restart = RestartStrategy{Kind: "fixed-delay", Delay: 5 * sim.Second, Attempts: 10}
	spec.Recovery = Recovery{FailoverStrategy: strategy, HeartbeatTimeout: 50 * sim.Second, Redeploy: 3 * sim.Second, TaskManagerStart: 10 * sim.Second}
	spec.Failures = []Failure{{Kind: FailTaskManager, At: 30 * sim.Second, TaskManager: 1}}
	return spec
}

// written is what sink op had written by time t (seconds), from its
// numRecordsWritten samples.
func written(t *testing.T, res *result.Result, op string, at float64) float64 {
	t.Helper()
	i := slices.Index(res.Times, at)
	for _, s := range res.Series {
		if s.Operator == op && s.Subtask == -1 && s.Metric == result.MetricSinkWritten && i >= 0 {
			return s.Values[i]
		}
	}
	t.Fatalf("no %s sample of %s at %gs", result.MetricSinkWritten, op, at)
	return 0
}

// TestRegionFailoverKeepsOtherRegionsRunning: under the region strategy
// the loss restarts only pipeline a's region, and b writes its 1000
// records/s throughout; under full both restart and b writes nothing
// while it is down. The restart runs at loss + max(restart delay,
// replacement TaskManager start) + redeploy either way.
func TestRegionFailoverKeepsOtherRegionsRunning(t *testing.T) {
	for _, tc := range []struct {
		strategy    FailoverStrategy
		regions     []int
		bKeepsGoing bool
	}{
		{FailoverRegion, []int{0}, true},
		{FailoverFull, []int{0, 1}, false},
	} {
		t.Run(tc.strategy.String(), func(t *testing.T) {
			spec := twoPipelines(tc.strategy)
			_, res := runWith(t, spec)
			if len(res.Failovers) != 1 {
				t.Fatalf("failovers %+v, want one", res.Failovers)
			}
			f := res.Failovers[0]
			if !slices.Equal(f.Regions, tc.regions) || f.Cause != CauseTaskManager {
				t.Errorf("failover restarted regions %v (%s), want %v (%s)", f.Regions, f.Cause, tc.regions, CauseTaskManager)
			}
			rc, loss := spec.Recovery, spec.Failures[0].At
			if want := loss + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy; f.RunningAt != want || f.At != loss {
				t.Errorf("noticed at %v, deployed at %v; want %v, %v", f.At, f.RunningAt, loss, want)
			}
			rsum := res.Summary.Restarts
			if rsum.DowntimeS != (f.RunningAt-f.At).Seconds() || rsum.RestoreS != (f.RestoredAt-f.RunningAt).Seconds() {
				t.Errorf("downtime %gs, restore %gs; want %gs from the failover to the deploy, %gs then restoring",
					rsum.DowntimeS, rsum.RestoreS, (f.RunningAt - f.At).Seconds(), (f.RestoredAt - f.RunningAt).Seconds())
			}
			// b's sink over the outage of a, from the second after the loss
			// to the second before a runs again: 1000/s, or nothing.
			from, to := loss.Seconds()+1, f.RunningAt.Seconds()-1
			got := written(t, res, "ob", to) - written(t, res, "ob", from)
			want, tol := 0.0, 0.0
			if tc.bKeepsGoing {
				// One chunk (100 records) of slack at each end.
				want, tol = 1000*(to-from), 2*float64(spec.Sim.ChunkRecords)
			}
			if math.Abs(got-want) > tol {
				t.Errorf("b wrote %.0f records in [%gs, %gs], want %.0f ± %.0f", got, from, to, want, tol)
			}
		})
	}
}

// keyedJob is one keyed pipeline (one region) without checkpointing:
// 1000 records/s, a restart replays from the start of the topic.
func keyedJob(rs RestartStrategy, failures ...Failure) Spec {
	spec := graphSpec([]graphNode{{"src", 1, nil}, {"agg", 1, []string{"src:k"}}, {"out", 1, []string{"agg:f"}}})
	spec.Duration = 10 * sim.Minute
	spec.Restart = rs
	spec.Recovery = Recovery{HeartbeatTimeout: 50 * sim.Second, Redeploy: 3 * sim.Second, TaskManagerStart: 10 * sim.Second}
	spec.Failures = failures
	return spec
}

// TestOutageRestartCount: during an outage of the sinks' system [T0,
// T0+D) each sink task fails s after it runs (or after T0, if it was
// running then); each failure costs the restart delay d and the redeploy
// R, so the failures come at f1 = T0+s and f(k+1) = f(k)+d+R+s while before
// T0+D. fixed-delay counts every failure as an attempt
// (FixedDelayRestartBackoffTimeStrategy: a restart is allowed while
// failures ≤ attempts): with enough attempts the job restarts once per
// failure and runs again after the outage; with A fewer, it fails at
// failure A+1.
func TestOutageRestartCount(t *testing.T) {
	const t0, d, s, delay = 60 * sim.Second, 300 * sim.Second, 20 * sim.Second, sim.Second
	outage := Failure{Kind: FailSinkOutage, At: t0, For: d, FailsAfter: s}
	redeploy := keyedJob(RestartStrategy{}).Recovery.Redeploy
	var failures []sim.Time
	for f := t0 + s; f < t0+d; f += delay + redeploy + s {
		failures = append(failures, f)
	}
	for _, attempts := range []int{math.MaxInt32, 3} {
		spec := keyedJob(RestartStrategy{Kind: "fixed-delay", Delay: delay, Attempts: attempts}, outage)
		checkFailures(t, spec, failures, attempts, CauseSinkOutage, false)
	}
}

// TestKafkaOutageFailsTheJobGlobally: Kafka's readers wait out an outage,
// but the KafkaSource enumerator lists the topic's partitions when it
// starts and every discovery interval I; the first listing in the outage
// (at ⌈T0/I⌉·I) times out s later and fails the whole job. A global
// failover restarts the enumerator when its restart delay d ends, and it
// lists at once: the next failure comes d+s after the last, whatever the
// redeploy.
func TestKafkaOutageFailsTheJobGlobally(t *testing.T) {
	const t0, d, s, delay, interval = 60 * sim.Second, 300 * sim.Second, 20 * sim.Second, sim.Second, 50 * sim.Second
	outage := Failure{Kind: FailKafkaOutage, At: t0, For: d, FailsAfter: s}
	var failures []sim.Time
	for f := (t0+interval-1)/interval*interval + s; f < t0+d; f += delay + s {
		failures = append(failures, f)
	}
	for _, attempts := range []int{math.MaxInt32, 3} {
		spec := keyedJob(RestartStrategy{Kind: "fixed-delay", Delay: delay, Attempts: attempts}, outage)
		spec.Nodes[0].Kafka.DiscoveryInterval = interval
		checkFailures(t, spec, failures, attempts, CauseKafkaOutage, true)
	}
	// A listing fails the job even while a TaskManager loss has every
	// region restarting: the failures come at the same times, after the
	// loss's own failover.
	spec := keyedJob(RestartStrategy{Kind: "fixed-delay", Delay: delay, Attempts: math.MaxInt32}, outage,
		Failure{Kind: FailTaskManager, At: failures[0] - 5*sim.Second, TaskManager: 0})
	spec.Nodes[0].Kafka.DiscoveryInterval = interval
	_, res := runWith(t, spec)
	if len(res.Failovers) != len(failures)+1 || res.Failovers[0].Cause != CauseTaskManager {
		t.Fatalf("with a TaskManager loss: %d failovers (first %s), want %d, the loss's first", len(res.Failovers), res.Failovers[0].Cause, len(failures)+1)
	}
	for i, f := range res.Failovers[1:] {
		if f.At != failures[i] || f.Cause != CauseKafkaOutage {
			t.Errorf("with a TaskManager loss: failure %d at %v (%s), want %v", i+1, f.At, f.Cause, failures[i])
		}
	}
}

// TestEnumeratorsFailTheJobEachOnTheirOwn: two sources list their
// partitions on the same schedule, so in a Kafka outage both listings time
// out together, and each enumerator fails the job: its coordinator
// context ignores only its own repeats, and DefaultScheduler
// .handleGlobalFailure hands each call to the restart strategy. fixed-delay
// counts two attempts a round (with 3 attempts the job fails at the
// round's second failure of round 2), failure-rate two timestamps (one
// failure allowed per interval: the job fails at the first round), and
// exponential-delay from 1.19 merges the second into the restart the first
// scheduled (one restart a round).
func TestEnumeratorsFailTheJobEachOnTheirOwn(t *testing.T) {
	const t0, d, s, delay, interval = 60 * sim.Second, 300 * sim.Second, 20 * sim.Second, sim.Second, 50 * sim.Second
	var rounds []sim.Time
	for f := (t0+interval-1)/interval*interval + s; f < t0+d; f += delay + s {
		rounds = append(rounds, f)
	}
	for _, c := range []struct {
		name     string
		rs       RestartStrategy
		failed   bool
		restarts int
		at       []sim.Time // the failovers' times
	}{
		{"fixed-delay", RestartStrategy{Kind: "fixed-delay", Delay: delay, Attempts: math.MaxInt32}, false, 2 * len(rounds), rounds},
		{"fixed-delay, 3 attempts", RestartStrategy{Kind: "fixed-delay", Delay: delay, Attempts: 3}, true, 3, rounds[:2]},
		{"failure-rate, 1 in 10min", RestartStrategy{Kind: "failure-rate", Delay: delay, MaxFailuresPerInterval: 1, FailureRateInterval: 10 * sim.Minute}, true, 1, rounds[:1]},
		{"exponential-delay", RestartStrategy{Kind: "exponential-delay", InitialBackoff: delay, MaxBackoff: delay, Multiplier: 1, ResetThreshold: sim.Hour}, false, len(rounds), rounds},
	} {
		spec := twoPipelines(FailoverRegion)
		spec.Duration = 10 * sim.Minute
		spec.Restart = c.rs
		spec.Failures = []Failure{{Kind: FailKafkaOutage, At: t0, For: d, FailsAfter: s}}
		for i := range spec.Nodes {
			if spec.Nodes[i].Kafka != nil {
				spec.Nodes[i].Kafka.DiscoveryInterval = interval
			}
		}
		run, res := runWith(t, spec)
		var at []sim.Time
		for _, f := range res.Failovers {
			at = append(at, f.At)
			if !f.Global || f.Cause != CauseKafkaOutage {
				t.Errorf("%s: failover at %v: global %v, cause %s", c.name, f.At, f.Global, f.Cause)
			}
		}
		if !slices.Equal(at, c.at) || run.failed != c.failed || run.restarts != c.restarts {
			t.Errorf("%s: failovers at %v, failed %v after %d restarts; want at %v, failed %v after %d",
				c.name, at, run.failed, run.restarts, c.at, c.failed, c.restarts)
		}
		if got := res.Summary.InjectedFailures[0].TookEffect; got != 2*len(at) {
			t.Errorf("%s: the outage took effect %d times, want 2 a round: %d", c.name, got, 2*len(at))
		}
	}
	// An enumerator fails the job once until the restart resets it: two
	// outages at once fail each source once a round, not twice.
	spec := twoPipelines(FailoverRegion)
	spec.Duration = 10 * sim.Minute
	spec.Restart = RestartStrategy{Kind: "fixed-delay", Delay: delay, Attempts: math.MaxInt32}
	outage := Failure{Kind: FailKafkaOutage, At: t0, For: d, FailsAfter: s}
	spec.Failures = []Failure{outage, outage}
	for i := range spec.Nodes {
		if spec.Nodes[i].Kafka != nil {
			spec.Nodes[i].Kafka.DiscoveryInterval = interval
		}
	}
	if run, res := runWith(t, spec); len(res.Failovers) != len(rounds) || run.restarts != 2*len(rounds) {
		t.Errorf("two outages at once: %d failovers, %d restarts; want %d and %d", len(res.Failovers), run.restarts, len(rounds), 2*len(rounds))
	}
	// Only the last failure's restart runs (each bumps every vertex's
	// version): exponential-delay before 1.19 grows the backoff at each,
	// so the round restarts after the doubled one.
	spec.Failures = []Failure{outage}
	spec.Restart = RestartStrategy{Kind: "exponential-delay", InitialBackoff: delay, MaxBackoff: sim.Hour, Multiplier: 2, ResetThreshold: sim.Hour, BeforeFLIP364: true}
	_, res := runWith(t, spec)
	if len(res.Failovers) < 2 || res.Failovers[0].RestartDelay != 2*delay || res.Failovers[1].At != rounds[0]+2*delay+s {
		t.Errorf("exponential-delay before 1.19: failovers %+v; want the first restarted after %v, the next at %v", res.Failovers, 2*delay, rounds[0]+2*delay+s)
	}
}

// TestOutageReasonsInTheCLIsUnits: an outage's failure reason gives its
// fails-after (Kafka's default.api.timeout.ms, 60 s by default) as a
// scenario writes it, "1m", not sim.Time's or Go's "1m0s".
func TestOutageReasonsInTheCLIsUnits(t *testing.T) {
	for _, c := range []struct {
		kind FailureKind
		want string
	}{
		{FailKafkaOutage, "(the Kafka cluster did not answer within 1m)"},
		{FailSinkOutage, "its writes to the sink's system did not return within 1m"},
	} {
		outage := Failure{Kind: c.kind, At: 60 * sim.Second, For: 5 * sim.Minute, FailsAfter: sim.Minute}
		spec := keyedJob(RestartStrategy{Kind: "fixed-delay", Delay: sim.Second, Attempts: 1}, outage)
		spec.Nodes[0].Kafka.DiscoveryInterval = 50 * sim.Second // a listing in the outage
		_, res := runWith(t, spec)
		if len(res.Failovers) == 0 || !strings.Contains(res.Failovers[0].Reason, c.want) {
			t.Errorf("%v: failovers %+v, want the first's reason to say %q", c.kind, res.Failovers, c.want)
		}
	}
}

// checkFailures runs spec and checks its failovers against the failure
// times derived, with a fixed-delay strategy of the given attempts.
func checkFailures(t *testing.T, spec Spec, failures []sim.Time, attempts int, cause string, global bool) {
	t.Helper()
	run, res := runWith(t, spec)
	n := min(len(failures), attempts+1)
	if len(res.Failovers) != n {
		t.Fatalf("%s, %d attempts: %d failovers, want %d at %v", cause, attempts, len(res.Failovers), n, failures[:n])
	}
	for i, f := range res.Failovers {
		if f.At != failures[i] || f.Cause != cause || f.Global != global {
			t.Errorf("%s, %d attempts: failure %d at %v (%s, global %v), want %v", cause, attempts, i+1, f.At, f.Cause, f.Global, failures[i])
		}
	}
	if failed := n == attempts+1; run.failed != failed || run.restarts != min(n, attempts) {
		t.Errorf("%s, %d attempts: failed %v after %d restarts, want %v after %d", cause, attempts, run.failed, run.restarts, failed, min(n, attempts))
	}
}

// TestPoisonRecordEndsTheJob: a poison record at offset o fails its reader
// each time it reads it: the first time when it is produced (o/1000 s),
// then at each restart, since the source rewinds to the start and reads
// the backlog at once. fixed-delay with A attempts fails the job at
// failure A+1, A restart delays and redeploys after the first;
// failure-rate (at most M failures within an interval I) fails it at
// failure M+1 if that is within I of failure 1.
func TestPoisonRecordEndsTheJob(t *testing.T) {
	const offset, delay = 5000, 2 * sim.Second
	poison := Failure{Kind: FailPoisonRecord, Source: "src", Partition: 0, Offset: offset}
	for _, tc := range []struct {
		rs    RestartStrategy
		fails int // the failure at which the strategy gives up
	}{
		{RestartStrategy{Kind: "fixed-delay", Delay: delay, Attempts: 3}, 4},
		{RestartStrategy{Kind: "failure-rate", Delay: delay, MaxFailuresPerInterval: 2, FailureRateInterval: sim.Minute}, 3},
	} {
		spec := keyedJob(tc.rs, poison)
		s, res := runWith(t, spec)
		if len(res.Failovers) != tc.fails || !res.Failovers[tc.fails-1].Final || !s.failed {
			t.Fatalf("%s: failovers %+v, want the job to fail at failure %d", tc.rs.Kind, res.Failovers, tc.fails)
		}
		// Reading up to the record takes at most a chunk delay and a few
		// steps of microseconds each time.
		tol := 20 * sim.Millisecond
		first := sim.FromSeconds(offset / 1000.0)
		want := first + sim.Time(tc.fails-1)*(delay+spec.Recovery.Redeploy)
		for i, f := range res.Failovers {
			if f.Cause != CausePoisonRecord {
				t.Errorf("%s: failure %d cause %q, want %q", tc.rs.Kind, i+1, f.Cause, CausePoisonRecord)
			}
		}
		if got := res.Failovers[tc.fails-1].At; got < want || got > want+sim.Time(tc.fails)*tol {
			t.Errorf("%s: the job failed at %v, want %v (+%v per failure)", tc.rs.Kind, got, want, tol)
		}
		// Down for a restart delay and a redeploy per restart, and not
		// after the job FAILED (its downtime gauge reads -1 then).
		if got, want := res.Summary.Restarts.DowntimeS, (sim.Time(tc.fails-1) * (delay + spec.Recovery.Redeploy)).Seconds(); got != want {
			t.Errorf("%s: downtime %gs, want %gs", tc.rs.Kind, got, want)
		}
	}
}

// TestOverloadFailsWhileCatchingUp: an operator that fails above 1500
// records/s per subtask never fails at the job's 1000/s, but fails in the
// first second of catching up on a backlog, and again after every restart
// (the source rewinds to the start: no checkpoint), until fixed-delay's
// attempts are used up. Input rates are measured every second (the
// resources' tick, on whole seconds), so failure k+1 is at the first whole
// second after failure k + restart delay + redeploy.
func TestOverloadFailsWhileCatchingUp(t *testing.T) {
	const delay = 2500 * sim.Millisecond
	overload := Failure{Kind: FailOverload, Operator: "agg", Above: 1500}
	rs := RestartStrategy{Kind: "fixed-delay", Delay: delay, Attempts: 2}
	steady := keyedJob(rs, overload)
	if _, res := runWith(t, steady); len(res.Failovers) != 0 {
		t.Errorf("at 1000/s: failovers %+v, want none", res.Failovers)
	}
	spec := keyedJob(rs, overload)
	spec.Nodes[0].Kafka.InitialBacklog = 100_000
	s, res := runWith(t, spec)
	if len(res.Failovers) != rs.Attempts+1 || !s.failed {
		t.Fatalf("with a backlog: failovers %+v, want %d and the job failed", res.Failovers, rs.Attempts+1)
	}
	want := sim.Second
	for i, f := range res.Failovers {
		if f.At != want || f.Cause != CauseOverload {
			t.Errorf("failure %d at %v (%s), want %v (%s)", i+1, f.At, f.Cause, want, CauseOverload)
		}
		want = (f.At + delay + spec.Recovery.Redeploy + sim.Second - 1) / sim.Second * sim.Second
	}
}

// TestFailoverStormIsBounded: a storm of failovers (a sink outage that
// fails each restart a millisecond after it runs) is counted in full, but
// only the first maxListed and the latest are kept in detail, of the
// failovers and of the restores.
func TestFailoverStormIsBounded(t *testing.T) {
	spec := keyedJob(RestartStrategy{Kind: "fixed-delay", Attempts: math.MaxInt32},
		Failure{Kind: FailSinkOutage, At: sim.Second, For: sim.Minute, FailsAfter: sim.Millisecond})
	spec.Duration = 2 * sim.Minute
	spec.Recovery.Redeploy = sim.Millisecond
	spec.Checkpointing = &Checkpointing{Interval: 10 * sim.Second, Timeout: 10 * sim.Minute, MaxConcurrent: 1,
		Storage: Storage{FileSize: 1 << 40, TransferThreads: 1}}
	s, res := runWith(t, spec)
	n := int(s.fails.count)
	if len(res.Restores) != maxListed || res.RestoresTotal != n {
		t.Errorf("%d restores kept of %d, want %d of %d", len(res.Restores), res.RestoresTotal, maxListed, n)
	}
	rs := res.Summary.Restarts
	if n <= maxListed || len(res.Failovers) != maxListed+1 || rs.Unlisted != n-maxListed-1 || rs.Restarts != n ||
		len(rs.ByCause) != 1 || rs.ByCause[0].Count != n {
		t.Fatalf("%d failovers: %d kept, %d unlisted, %d restarts, by cause %+v; want more than %d, %d kept and the rest unlisted",
			n, len(res.Failovers), rs.Unlisted, rs.Restarts, rs.ByCause, maxListed, maxListed+1)
	}
	if last := res.Failovers[maxListed]; last.At >= spec.Failures[0].At+spec.Failures[0].For || last.At < spec.Failures[0].At+spec.Failures[0].For-10*sim.Millisecond {
		t.Errorf("the latest kept failover is at %v, want the last one, just before the outage ends", last.At)
	}
}

// TestPoisonRecordFailsAfterTheRecordsBeforeIt: a reader hands a fetch's
// records one by one to the deserializer, and the task fails when it
// reaches the poison record, after every record before it was emitted. A
// source chained to its sink reads a backlog from offset 0, each record
// costing the chain cs + ck of CPU: with no checkpoint and no restart
// allowed, the job fails at o·(cs + ck), when the reader reaches offset
// o, and the sink has written exactly the o records before it. The offset
// is not a multiple of the chain's step, so a step holds records on both
// sides of it.
func TestPoisonRecordFailsAfterTheRecordsBeforeIt(t *testing.T) {
	const offset, cs, ck = 5051, 3 * sim.Microsecond, 2 * sim.Microsecond
	spec := graphSpec([]graphNode{{"src", 1, nil}, {"out", 1, []string{"src:f"}}})
	spec.Duration = sim.Minute
	spec.Restart = RestartStrategy{Kind: "fixed-delay", Delay: sim.Second, Attempts: 0}
	spec.Recovery = keyedJob(spec.Restart).Recovery
	spec.Nodes[0].Kafka.InitialBacklog = 100_000
	spec.Nodes[0].Cost = sim.Constant{V: cs.Seconds()}
	spec.Nodes[1].Cost = sim.Constant{V: ck.Seconds()}
	spec.Failures = []Failure{{Kind: FailPoisonRecord, Source: "src", Partition: 0, Offset: offset}}
	if step := spec.Sim.ChunkRecords; offset%step == 0 {
		t.Fatalf("offset %d is a multiple of the step of %d records", offset, step)
	}
	s, res := runWith(t, spec)
	if len(res.Failovers) != 1 || !s.failed || res.Failovers[0].Cause != CausePoisonRecord {
		t.Fatalf("failovers %+v, want one poison-record failure that fails the job", res.Failovers)
	}
	// Each step's CPU time is rounded to the nanosecond.
	want := sim.Time(offset) * (cs + ck)
	if got := res.Failovers[0].At; got < want-sim.Microsecond || got > want+sim.Microsecond {
		t.Errorf("the reader reached the poison record at %v, want %v", got, want)
	}
	for _, op := range res.Summary.Operators {
		if op.Name == "out" && op.RecordsIn != offset {
			t.Errorf("the sink wrote %d records, want the %d before the poison record", op.RecordsIn, offset)
		}
	}
	if in := res.Summary.InjectedFailures; len(in) != 1 || in[0].Due != 1 || in[0].TookEffect != 1 {
		t.Errorf("injected failures %+v, want the poison record due once and taking effect once", in)
	}
}

// TestCheckpointSchedulerRestartsWithTheJob: DefaultScheduler holds the
// job RESTARTING while a task waits for its restart delay, so the
// checkpoint scheduler stops at the loss (CheckpointCoordinatorDeActivator)
// and starts again, with a random initial delay up to the interval, when
// the delay is over, before the replacement TaskManager is up. Its triggers
// until every task runs fail before they start
// (NOT_ALL_REQUIRED_TASKS_RUNNING): counted in numberOfFailedCheckpoints
// and in the REST counts' failed and total, with no history entry. The
// first checkpoint after the restart is then the first trigger of that grid
// with every task running: within an interval of the restore.
func TestCheckpointSchedulerRestartsWithTheJob(t *testing.T) {
	spec := twoPipelines(FailoverRegion)
	spec.Recovery.TaskManagerStart = 30 * sim.Second
	interval := 10 * sim.Second
	spec.Checkpointing = &Checkpointing{Interval: interval, Timeout: 10 * sim.Minute, MaxConcurrent: 1,
		Storage: Storage{FileSize: 1 << 40, TransferThreads: 1}}
	_, res := runWith(t, spec)
	if len(res.Failovers) != 1 || res.Failovers[0].RestoredAt == 0 {
		t.Fatalf("failovers %+v, want one that restores", res.Failovers)
	}
	f := res.Failovers[0]
	jobRunning := f.At + spec.Restart.Delay // the restart delay over
	var first *result.CheckpointStats
	for _, c := range res.Checkpoints {
		if c.Trigger > f.At {
			first = c
			break
		}
	}
	if first == nil {
		t.Fatal("no checkpoint after the failover")
	}
	// Triggers on the new grid before the first checkpoint: one per interval
	// from the first, which is at most an interval after the job runs.
	want := int((first.Trigger - jobRunning) / interval)
	c := res.Summary.Checkpoints
	if want < 2 || c.FailedBeforeStart != want {
		t.Errorf("%d triggers failed before they started, want %d: the first checkpoint after the restart at %v, the job RUNNING at %v (at least 2: the TaskManager is back %v after the loss)",
			c.FailedBeforeStart, want, first.Trigger, jobRunning, spec.Recovery.TaskManagerStart)
	}
	if first.Trigger < f.RestoredAt || first.Trigger >= f.RestoredAt+interval {
		t.Errorf("the first checkpoint after the restart is triggered at %v, want within an interval (%v) of the restore at %v", first.Trigger, interval, f.RestoredAt)
	}
	failed := seriesOf(t, res, result.JobOperator, -1, result.MetricFailedCkpts)
	if got := failed[len(failed)-1]; got != float64(c.Failed+c.FailedBeforeStart) {
		t.Errorf("numberOfFailedCheckpoints %g at the end, want %d failed and %d before they started", got, c.Failed, c.FailedBeforeStart)
	}
	var b strings.Builder
	if err := res.WriteCheckpointsJSON(&b); err != nil {
		t.Fatal(err)
	}
	var rest struct {
		Counts struct{ Total, Failed, Completed int }
	}
	if err := json.Unmarshal([]byte(b.String()), &rest); err != nil {
		t.Fatal(err)
	}
	if rest.Counts.Failed != c.Failed+c.FailedBeforeStart || rest.Counts.Total != len(res.Checkpoints)+c.FailedBeforeStart {
		t.Errorf("REST counts %+v, want failed %d+%d and total %d+%d", rest.Counts, c.Failed, c.FailedBeforeStart, len(res.Checkpoints), c.FailedBeforeStart)
	}
}

// TestMergedFailureIsNoNewRestart: under exponential-delay (1.19+) a
// failure while a restart is pending merges into it (FLIP-364), and
// Flink's numRestarts counts new attempts only (ExecutionFailureHandler:
// numberOfRestarts grows only when notifyFailure reports a new attempt,
// FLINK-33565). TaskManager 1 (region a) is lost at 30 s, TaskManager 0
// (region b, and a's first subtask, already restarting) 500 ms later,
// within the 1 s backoff: two failovers, one restart.
func TestMergedFailureIsNoNewRestart(t *testing.T) {
	spec := twoPipelines(FailoverRegion)
	spec.Restart = RestartStrategy{Kind: "exponential-delay", InitialBackoff: sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 1.5, ResetThreshold: sim.Hour, AttemptsBeforeReset: math.MaxInt32}
	spec.Failures = append(spec.Failures, Failure{Kind: FailTaskManager, At: 30*sim.Second + 500*sim.Millisecond, TaskManager: 0})
	_, res := runWith(t, spec)
	if len(res.Failovers) != 2 {
		t.Fatalf("failovers %+v, want two", res.Failovers)
	}
	if got := res.Failovers[1].RestartDelay; got != 500*sim.Millisecond {
		t.Errorf("the merged failure's restart delay %v, want the 500ms left of the pending one", got)
	}
	if got := res.Summary.Restarts.Restarts; got != 1 {
		t.Errorf("numRestarts %d, want 1: the second failure merged into the pending restart", got)
	}
	// Before FLIP-364 (1.18) every failure is an attempt.
	spec.Restart.BeforeFLIP364 = true
	if _, res := runWith(t, spec); res.Summary.Restarts.Restarts != 2 {
		t.Errorf("1.18: numRestarts %d, want 2", res.Summary.Restarts.Restarts)
	}
}

// TestTaskManagerLossCountsRegions: losing a TaskManager is one failure
// per pipelined region it held tasks of, as Flink's restart strategy
// counts them (each slot fails its tasks, each task failure goes through
// ExecutionFailureHandler.handleFailure; a region's later tasks are
// CANCELING: no failure). Both subtasks of a chained source -> sink run on
// TaskManager 0 (2 slots): two regions, lost at 30 s. The trace file
// testdata/trace/taskmanager_loss_restarts.txt tells the same story.
func TestTaskManagerLossCountsRegions(t *testing.T) {
	fixed := func(attempts int) RestartStrategy {
		return RestartStrategy{Kind: "fixed-delay", Delay: 5 * sim.Second, Attempts: attempts}
	}
	expo := RestartStrategy{Kind: "exponential-delay", InitialBackoff: 5 * sim.Second, MaxBackoff: sim.Minute,
		Multiplier: 1.5, ResetThreshold: sim.Hour, AttemptsBeforeReset: math.MaxInt32}
	expo118 := expo
	expo118.BeforeFLIP364 = true
	for _, tc := range []struct {
		name     string
		restart  RestartStrategy
		strategy FailoverStrategy
		restarts int
		failed   bool
	}{
		{"fixed-delay attempts 1: the second failure is refused", fixed(1), FailoverRegion, 1, true},
		{"fixed-delay attempts 2: both allowed", fixed(2), FailoverRegion, 2, false},
		{"full failover: one failure", fixed(1), FailoverFull, 1, false},
		{"failure-rate 1 per minute: two at the same time", RestartStrategy{Kind: "failure-rate", Delay: 5 * sim.Second,
			MaxFailuresPerInterval: 1, FailureRateInterval: sim.Minute}, FailoverRegion, 1, true},
		{"exponential-delay 1.19+: merged into one attempt", expo, FailoverRegion, 1, false},
		{"exponential-delay 1.18: every failure an attempt", expo118, FailoverRegion, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := graphSpec([]graphNode{{"src", 2, nil}, {"out", 2, []string{"src:f"}}})
			spec.Duration, spec.SlotsPerTaskManager = 90*sim.Second, 2
			spec.Restart = tc.restart
			spec.Recovery = Recovery{FailoverStrategy: tc.strategy, HeartbeatTimeout: 50 * sim.Second, Redeploy: 3 * sim.Second, TaskManagerStart: 10 * sim.Second}
			spec.Failures = []Failure{{Kind: FailTaskManager, At: 30 * sim.Second, TaskManager: 0}}
			s, res := runWith(t, spec)
			if len(s.regions) != 2 {
				t.Fatalf("%d pipelined regions, want 2", len(s.regions))
			}
			rs := res.Summary.Restarts
			if rs.Restarts != tc.restarts || rs.JobFailed != tc.failed || len(rs.Failovers) != 1 {
				t.Errorf("numRestarts %d, job failed %v, %d failovers; want %d, %v, one", rs.Restarts, rs.JobFailed, len(rs.Failovers), tc.restarts, tc.failed)
			}
		})
	}
}
