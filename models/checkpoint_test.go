package models

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// ckptJob is a source feeding a keyed operator whose whole state sits in one
// subtask, with checkpoints whose duration is exactly state / bandwidth: the
// operator costs nothing (barriers travel instantly), there is no sync
// phase, no request latency, no aggregate limit and unlimited TaskManager
// resources.
func ckptJob(interval sim.Time, ckptSeconds float64) Spec {
	const keys, perKey = 1000, 1 << 20 // 1000 keys × 1 MiB
	bw := float64(keys*perKey) / ckptSeconds
	return Spec{
		Name: "ckpt", Seed: 1, Duration: 20 * sim.Minute, Network: DefaultNetwork(), SlotsPerTaskManager: 2, Chaining: true,
		Sim: Settings{ChunkDelay: sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: 100,
				Kafka: &Kafka{Topic: "t", Partitions: 1, Rate: ConstantRate(1000)}},
			{Name: "agg", Kind: KindOperator, Parallelism: 1, MaxParallelism: 128, Chain: true, RecordSize: 100, Selectivity: 1,
				Inputs: []Input{{From: "src", Exchange: Hash}}, Keyed: &Keyed{Keys: UniformKeys{N: keys}, StatePerKey: perKey, Warm: true}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 100, Sink: &Sink{}, Inputs: []Input{{From: "agg"}}},
		},
		Checkpointing: &Checkpointing{Interval: interval, Timeout: 10 * sim.Minute, MaxConcurrent: 1,
			Storage: Storage{StreamUpload: bw, StreamDownload: bw, FileSize: 1 << 40, TransferThreads: 1}},
		Restart:  RestartStrategy{Kind: "fixed-delay", Delay: 10 * sim.Second, Attempts: 100},
		Recovery: Recovery{HeartbeatTimeout: 50 * sim.Second, Redeploy: 5 * sim.Second, TaskManagerStart: 30 * sim.Second},
	}
}

// initialDelay is the first trigger's delay the coordinator will draw, as
// Flink draws it: uniform in [min-pause, interval] milliseconds (just
// min-pause when that exceeds the interval), from its own stream.
func initialDelay(spec Spec) sim.Time {
	c := spec.Checkpointing
	lo, hi := int64(c.MinPause/sim.Millisecond), int64(c.Interval/sim.Millisecond)
	return sim.Time(lo+sim.NewStreams(spec.Seed).Stream("checkpoint/initial-delay").Int64N(max(hi-lo, 0)+1)) * sim.Millisecond
}

func runCkpt(t *testing.T, spec Spec) *Simulation {
	t.Helper()
	s, _ := runWith(t, spec)
	return s
}

// row is one expected checkpoint: trigger and end, in seconds after the
// first trigger, and the status Flink would report.
type row struct {
	trigger, end float64
	status       string
}

// expectTrace compares the first len(want) checkpoints with want. Times are
// exact up to the time resolution (chunk-delay): a barrier waits for the
// source's current step, at most one resolution per checkpoint, so the k-th
// may lag by k resolutions.
func expectTrace(t *testing.T, s *Simulation, want ...row) {
	t.Helper()
	d := initialDelay(s.spec)
	res := s.spec.Sim.ChunkDelay.Seconds()
	h := s.coord.history
	if len(h) < len(want) {
		t.Fatalf("%d checkpoints, want at least %d", len(h), len(want))
	}
	for i, w := range want {
		g := h[i]
		trig, end := (g.Trigger - d).Seconds(), (g.Trigger + g.Duration - d).Seconds()
		tol := res*float64(i+1) + 1e-9
		if g.ID != int64(i+1) || g.Status != w.status || math.Abs(trig-w.trigger) > tol || math.Abs(end-w.end) > tol {
			t.Errorf("checkpoint %d: #%d %.3f→%.3f %s, want #%d %.3f→%.3f %s (±%.3fs)",
				i+1, g.ID, trig, end, g.Status, i+1, w.trigger, w.end, w.status, tol)
		}
	}
}

func TestCheckpointTriggersOnTheIntervalGrid(t *testing.T) {
	// 10 s checkpoints every 30 s: triggers at d, d+30, d+60 ...
	s := runCkpt(t, ckptJob(30*sim.Second, 10))
	expectTrace(t, s, row{0, 10, "COMPLETED"}, row{30, 40, "COMPLETED"}, row{60, 70, "COMPLETED"})
}

func TestSlowCheckpointsRunBackToBack(t *testing.T) {
	// 70 s checkpoints every 30 s with max-concurrent 1: the periodic
	// requests queue, and each completion starts the next at once.
	s := runCkpt(t, ckptJob(30*sim.Second, 70))
	expectTrace(t, s, row{0, 70, "COMPLETED"}, row{70, 140, "COMPLETED"}, row{140, 210, "COMPLETED"})
}

func TestMinPauseRefusalReschedules(t *testing.T) {
	// 70 s checkpoints, 30 s interval, 60 s min-pause: at each completion the
	// queued request is refused (not counted) and the trigger grid restarts
	// at completion + 60 s.
	spec := ckptJob(30*sim.Second, 70)
	spec.Checkpointing.MinPause = 60 * sim.Second
	s := runCkpt(t, spec)
	expectTrace(t, s, row{0, 70, "COMPLETED"}, row{130, 200, "COMPLETED"}, row{260, 330, "COMPLETED"})
	if s.coord.refused == 0 || s.coord.failed != 0 {
		t.Errorf("refused %d (want > 0), failed %d (refusals are not failures)", s.coord.refused, s.coord.failed)
	}
}

func TestMaxConcurrentTwo(t *testing.T) {
	// 70 s checkpoints every 30 s with max-concurrent 2: two overlap; the
	// third trigger waits for the first to complete. Each upload then shares
	// the TaskManager's bandwidth with the other, so later ones take longer:
	// the trigger times are what the rule fixes.
	spec := ckptJob(30*sim.Second, 70)
	spec.Checkpointing.MaxConcurrent = 2
	spec.TaskManager.Network = spec.Checkpointing.Storage.StreamUpload // the uploads share the TaskManager's network
	d := initialDelay(spec)
	s := runCkpt(t, spec)
	h := s.coord.history
	first := h[0].Trigger + h[0].Duration
	if h[0].Trigger != d || h[1].Trigger != d+30*sim.Second || h[2].Trigger != first {
		t.Errorf("triggers %v %v %v; want %v, %v and the first completion %v", h[0].Trigger, h[1].Trigger, h[2].Trigger, d, d+30*sim.Second, first)
	}
	// While both upload, each gets half the network the sink's writes
	// (1000 records/s of 100 B) leave: the first's 70 s of work at the
	// whole bandwidth bw takes 30 s alone and the rest shared, in all
	// 2·70·bw/(bw − sink) − 30 s (110 s without the sink).
	bw, sink := spec.TaskManager.Network, 1000.0*100
	if want := d + sim.FromSeconds(2*70*bw/(bw-sink)-30); absT(first-want) > 2*spec.Sim.ChunkDelay {
		t.Errorf("first completes at %v, want %v (shared bandwidth)", first, want)
	}
}

func absT(t sim.Time) sim.Time {
	if t < 0 {
		return -t
	}
	return t
}

func TestTimeoutAndTolerableFailures(t *testing.T) {
	singleGoroutine(t)
	// 70 s checkpoints with a 50 s timeout: every checkpoint expires. With
	// tolerable-failed-checkpoints 2 the third consecutive expiry fails the
	// job over; the expiries are back to back (the next request was queued).
	spec := ckptJob(30*sim.Second, 70)
	spec.Checkpointing.Timeout = 50 * sim.Second
	spec.Checkpointing.Tolerable = 2
	s := runCkpt(t, spec)
	expectTrace(t, s, row{0, 50, "FAILED"}, row{50, 100, "FAILED"}, row{100, 150, "FAILED"})
	d := initialDelay(spec)
	if len(s.failovers()) == 0 || absT(s.failovers()[0].At-(d+150*sim.Second)) > 3*spec.Sim.ChunkDelay {
		t.Fatalf("failovers %+v; want the first at the third expiry, %v", s.failovers(), d+150*sim.Second)
	}
	if !strings.Contains(s.failovers()[0].Reason, "tolerable failure threshold") {
		t.Errorf("reason %q", s.failovers()[0].Reason)
	}
	// A completion resets the count: 30 s checkpoints with a 50 s timeout
	// never fail.
	spec = ckptJob(60*sim.Second, 30)
	spec.Checkpointing.Timeout = 50 * sim.Second
	s = runCkpt(t, spec)
	if s.coord.failed != 0 || s.restarts != 0 || s.coord.completed < 10 {
		t.Errorf("completed %d failed %d restarts %d, want many completed and no failures", s.coord.completed, s.coord.failed, s.restarts)
	}
}

// TestUploadSharesBandwidth: transfers a (100 MB) and b (300 MB) share
// TaskManager 0; c (200 MB) is alone on TaskManager 1; each TaskManager moves
// 100 MB/s (its network) and the storage 150 MB/s in all. Water filling gives 50 MB/s each
// until a ends at 2 s; then b and c get 75 MB/s until c ends at 2 + 100/75
// s; then b alone moves 100 MB/s and ends at 4⅓ s.
func TestUploadSharesBandwidth(t *testing.T) {
	spec := ckptJob(sim.Hour, 1)
	spec.Nodes[0].Parallelism, spec.Nodes[1].Parallelism, spec.Nodes[2].Parallelism = 3, 3, 3
	spec.SlotsPerTaskManager = 2 // subtasks 0,1 on TaskManager 0; 2 on TaskManager 1
	spec.Checkpointing.Storage = Storage{Throughput: 150e6, FileSize: 1 << 40, TransferThreads: 1}
	spec.TaskManager.Network = 100e6
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]sim.Time{}
	s.storage.onDone = func(tr *transfer) { done[fmt.Sprint(tr.ckpt)] = s.eng.Now() }
	agg := s.nodes[1].task.subtasks
	s.storage.startUpload(agg[0], 1, 100e6, false) // a
	s.storage.startUpload(agg[1], 2, 300e6, false) // b
	s.storage.startUpload(agg[2], 3, 200e6, false) // c
	s.eng.Run(10*sim.Second, s)
	want := map[string]float64{"1": 2, "3": 2 + 100.0/75, "2": 2 + 100.0/75 + 100.0/100}
	for k, w := range want {
		if got := done[k].Seconds(); math.Abs(got-w) > 1e-6 {
			t.Errorf("transfer %s done at %.6fs, want %.6fs", k, got, w)
		}
	}
}

// TestStorageOutageAndSlowdown: an outage stops uploads for its length; a
// slowdown by a factor f makes the bytes moved during it take f times longer.
func TestStorageOutageAndSlowdown(t *testing.T) {
	spec := ckptJob(60*sim.Second, 10)
	d := initialDelay(spec)
	spec.Failures = []Failure{
		{Kind: FailStorageOutage, At: d + 2*sim.Second, For: 30 * sim.Second},
		{Kind: FailStorageSlowdown, At: d + 50*sim.Second, For: 100 * sim.Second, Factor: 2},
	}
	s := runCkpt(t, spec)
	// #1: 2 s of upload, 30 s of outage, 8 s more. #2 (at 60 s) and #3 (at
	// 120 s) upload at half speed: 20 s each. #4 at full speed again.
	expectTrace(t, s, row{0, 40, "COMPLETED"}, row{60, 80, "COMPLETED"}, row{120, 140, "COMPLETED"}, row{180, 190, "COMPLETED"})
}

// TestIncrementalUploadsWhatRocksDBWrote: with incremental checkpoints a
// subtask uploads the SST files RocksDB wrote since the last completed
// checkpoint that are still live: in steady state, write rate × interval ×
// (write amplification − 1), what compaction wrote (every update puts its
// key's value, and a memtable of 16 updates over 1000 keys flushes about
// as many keys: 15.9; compaction here is unbounded, all into level 1),
// but not the flushed files it compacted, deleted before the checkpoint,
// and never more than level 1 holds, the state: a level rewritten twice
// holds the second rewrite only (RocksIncrementalSnapshotStrategy uploads
// the live files the last one does not have).
func TestIncrementalUploadsWhatRocksDBWrote(t *testing.T) {
	const keys, perKey, wa = 1000.0, 1 << 20, 4.0
	state := keys * perKey
	for _, rate := range []float64{5, 20} { // 600 MiB written per interval, then 2400 MiB
		spec := ckptJob(30*sim.Second, 10)
		spec.Checkpointing.Incremental, spec.Checkpointing.RocksDB = true, true
		spec.Checkpointing.LSM = LSM{WriteBufferSize: 16 << 20, WriteAmplification: wa}
		spec.Nodes[0].Kafka.Rate = ConstantRate(rate)
		s := runCkpt(t, spec)
		h := s.coord.history
		reader := readerStateOf(spec) // written whole every time
		if h[0].Checkpointed != h[0].StateSize {
			t.Errorf("rate %.0f: first checkpoint uploaded %d, want every file it references, its full size %d", rate, h[0].Checkpointed, h[0].StateSize)
		}
		for _, c := range h[:4] {
			// The full size sums every file the checkpoint references
			// (IncrementalRemoteKeyedStateHandle.getStateSize): the state,
			// and level 0's files not compacted yet, which repeat keys the
			// levels hold: fewer than level0_file_num_compaction_trigger
			// (4) memtables' flushes waiting, and the compaction's input.
			if l0 := c.StateSize - reader - int64(state); l0 < 0 || l0 > 2*4*int64(spec.Checkpointing.LSM.WriteBufferSize) {
				t.Errorf("rate %.0f: checkpoint %d full size %d, want the state %d, the reader's %d and at most 8 memtables of level-0 files", rate, c.ID, c.StateSize, int64(state), reader)
			}
		}
		for _, c := range h[1:4] {
			// Records between two checkpoints' snapshots: the interval's worth,
			// within a memtable's file and its compaction either way (the
			// files not yet compacted are live).
			want := math.Min(rate*30*perKey*(wa-1), state)
			tol := float64(spec.Checkpointing.LSM.WriteBufferSize) * wa
			if math.Abs(float64(c.Checkpointed-reader)-want) > tol {
				t.Errorf("rate %.0f: checkpoint %d uploaded %d, want %.0f ± %.0f (write rate × interval × (write amplification − 1), at most the state)", rate, c.ID, c.Checkpointed, want, tol)
			}
		}
	}
}

// TestIncrementalSmallStateFillsLevelOne: a state within RocksDB's level 1
// (max_bytes_for_level_base 256 MiB) cannot be rewritten write
// amplification - 1 times per byte flushed: leveled compaction merges each
// level0_file_num_compaction_trigger (4) level-0 files with all of level
// 1, and there is no deeper level. An interval's puts stay in the
// memtable (64 MiB), so each checkpoint's sync phase flushes them as one
// level-0 file of the distinct keys among its 150 updates of 1000 keys (b
// bytes), which compaction merges into level 1, where their older values
// are: a quarter of the state, the file's keys among it, per file. The
// compaction waits for four files, then rewrites level 1 at once: three
// checkpoints in four upload b, the fourth b and the whole level 1, at
// most the state (a mean of b + state/4), where write amplification 10
// would have every interval rewrite all of it (10 b > state) and every
// checkpoint upload the full state.
func TestIncrementalSmallStateFillsLevelOne(t *testing.T) {
	const keys, perKey, rate, interval = 1000.0, 100 << 10, 5.0, 30.0
	state := keys * perKey // 100 MiB
	spec := ckptJob(interval*sim.Second, 10)
	spec.Nodes[1].Keyed = &Keyed{Keys: UniformKeys{N: keys}, StatePerKey: perKey, Warm: true}
	spec.Nodes[0].Kafka.Rate = ConstantRate(rate)
	spec.Checkpointing.Incremental, spec.Checkpointing.RocksDB = true, true
	spec.Checkpointing.LSM = DefaultLSM()
	lsm := spec.Checkpointing.LSM
	put := rate * interval * perKey // 15 MiB a checkpoint period, below the write buffer
	b := keys * (1 - math.Pow(1-1/keys, rate*interval)) * perKey
	if put >= float64(lsm.WriteBufferSize) || state >= float64(lsm.LevelBase) || lsm.WriteAmplification*b <= state {
		t.Fatalf("the case needs a period's puts below the write buffer, the state %.0f within level 1, and 10 b above the state", state)
	}
	perFile := math.Min(b*(lsm.WriteAmplification-1), state/float64(lsm.L0CompactionFiles))
	s := runCkpt(t, spec)
	// records between two snapshots: the period's, within one record
	lumpedUploads(t, s.coord.history, readerStateOf(spec), b, perFile, state, 2*perKey*lsm.WriteAmplification)
}

// TestIncrementalFullSizeSumsItsFiles: an incremental checkpoint's full
// size is every SST file it references
// (IncrementalRemoteKeyedStateHandle.getStateSize sums its shared and
// private handles), level 0's files included, whose keys the levels hold
// too: more than the state. In TestIncrementalSmallStateFillsLevelOne's job
// the compaction of level 0 waits for four files, so until then no file is
// deleted and checkpoint k references every file the checkpoints up to k
// uploaded: its full size is the sum of their checkpointed sizes, each
// period's level-0 file on top of the state. A restore downloads it all.
func TestIncrementalFullSizeSumsItsFiles(t *testing.T) {
	const keys, perKey = 1000.0, 100 << 10
	spec := ckptJob(30*sim.Second, 10)
	spec.Nodes[1].Keyed = &Keyed{Keys: UniformKeys{N: keys}, StatePerKey: perKey, Warm: true}
	spec.Nodes[0].Kafka.Rate = ConstantRate(5)
	spec.Checkpointing.Incremental, spec.Checkpointing.RocksDB = true, true
	spec.Checkpointing.LSM = DefaultLSM()
	spec.Duration = 3 * sim.Minute
	h := runCkpt(t, spec).coord.history
	reader := readerStateOf(spec)
	if len(h) < 4 {
		t.Fatalf("%d checkpoints, want 4", len(h))
	}
	var files int64
	for _, c := range h[:4] {
		files += c.Checkpointed - reader
		if d := c.StateSize - reader - files; d < 0 || d >= c.ID { // each size in whole bytes
			t.Errorf("checkpoint %d full size %d, want the %d bytes of files the checkpoints up to it uploaded", c.ID, c.StateSize-reader, files)
		}
	}
	if state := int64(keys * perKey); h[3].StateSize-reader <= state {
		t.Errorf("checkpoint 4 full size %d, want more than the state %d: level 0's files repeat its keys", h[3].StateSize-reader, state)
	}
}

// lumpedUploads checks the incremental uploads of checkpoints whose sync
// phases each flush one level-0 file of b bytes, each calling for perFile
// bytes of compaction that waits for level0_file_num_compaction_trigger
// (4) files: checkpoint k's flush writes file k, the fourth file starts
// the compaction of all four after checkpoint k's snapshot, so
// checkpoints 5, 9, 13 upload b and what compaction wrote, at most the
// state (files compacted away are not uploaded), and the others b alone.
// From checkpoint 6: the first file held less than a period's puts.
func lumpedUploads(t *testing.T, h []*result.CheckpointStats, reader int64, b, perFile, state, tol float64) {
	t.Helper()
	if len(h) < 13 {
		t.Fatalf("%d checkpoints, want at least 13", len(h))
	}
	for _, c := range h[5:13] {
		want, why := b, "the period's level-0 file alone"
		if c.ID%4 == 1 {
			want, why = math.Min(b+4*perFile, state), "the period's level-0 file and the compaction of the four before, at most the state"
		}
		if got := float64(c.Checkpointed - reader); math.Abs(got-want) > tol {
			t.Errorf("checkpoint %d uploaded %.1f MiB of a %.1f MiB state, want %.1f MiB (%s)", c.ID, got/(1<<20), state/(1<<20), want/(1<<20), why)
		}
	}
}

// TestUnalignedRestoreIsExactlyOnce: two sources (one busy at every
// trigger: its records cost time) feed a relay that feeds a keyed operator
// through keyBy behind a slow sink, with unaligned checkpoints; a TaskManager is lost
// after checkpoints completed, and the job restores the last one with its
// channel state. Inside the job every record is then counted exactly once:
// what the sources read in the restored epoch (their offsets) equals what
// the keyed operator's state counts plus what is still on its way to it.
// And every checkpoint, once all subtasks acknowledged it, holds each
// record the sources had read exactly once: in the keyed state or in the
// persisted channel state. A buffer persisted twice, or one that reached a
// task between its snapshot and a channel's barrier and was not persisted
// (ChannelStatePersister), breaks this: 163 records short when a busy
// source's step ends after the relay's snapshot.
func TestUnalignedRestoreIsExactlyOnce(t *testing.T) {
	for _, c := range []struct {
		timeout  sim.Time
		sinkRate float64
		latency  sim.Time
	}{{0, 6000, 0}, {200 * sim.Millisecond, 6000, 0}, {0, 0, 0}, {0, 0, 10 * sim.Millisecond}, {0, 6000, 10 * sim.Millisecond}} { // sink 0: keeps up, so buffers reach the keyed task while a source is in its step
		name := fmt.Sprintf("aligned timeout %v, sink %g/s, latency %v", c.timeout, c.sinkRate, c.latency)
		spec := exactlyOnceJob(c.timeout, c.sinkRate)
		spec.Network.Latency = c.latency // buffers on the wire when a barrier overtakes them
		s, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		s.SetTrace(func(_ sim.Time, what string) {
			if id, ok := allAcknowledged(what); ok {
				checked++
				if read, held := heldOnce(s, s.coord.find(id)); read != held {
					t.Errorf("%s: checkpoint %d: sources read %d records, state and channel state hold %d (%+d)", name, id, read, held, held-read)
				}
			}
		})
		res, err := s.Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		if checked == 0 || len(res.Restores) != 1 || res.Restores[0].ID == 0 {
			t.Fatalf("%s: %d checkpoints checked, restores %+v; want one restore from a completed checkpoint", name, checked, res.Restores)
		}
		var persisted int64
		for _, cp := range res.Checkpoints {
			persisted += cp.PersistedData
		}
		if persisted == 0 && c.sinkRate > 0 {
			t.Fatalf("%s: no checkpoint persisted channel state; the test needs backpressure", name)
		}
		if read, counted := countedOnce(s); read != counted {
			t.Errorf("%s: sources read %d records in the restored epoch, the keyed operator counts %d with those on their way (%+d)",
				name, read, counted, counted-read)
		}
	}
}

// exactlyOnceJob: a busy and an idle source, a relay, a keyBy into a keyed
// aggregation, a sink; unaligned checkpoints every 5 s, a TaskManager lost
// at 42 s.
func exactlyOnceJob(timeout sim.Time, sinkRate float64) Spec {
	return Spec{
		Name: "eo", Seed: 4, Duration: 90 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkDelay: 5 * sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "busy", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: 200, Cost: sim.Exponential{M: 150e-6},
				Kafka: &Kafka{Topic: "a", Partitions: 4, Rate: ConstantRate(12000)}},
			{Name: "idle", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: 200,
				Kafka: &Kafka{Topic: "b", Partitions: 4, Rate: ConstantRate(5000)}},
			{Name: "relay", Kind: KindOperator, Parallelism: 2, Chain: true, RecordSize: 200, Selectivity: 1,
				Cost:   sim.Exponential{M: 10e-6},
				Inputs: []Input{{From: "busy", Exchange: Rebalance}, {From: "idle", Exchange: Rebalance}}},
			{Name: "agg", Kind: KindOperator, Parallelism: 2, MaxParallelism: 128, Chain: true, RecordSize: 200, Selectivity: 1,
				Cost:   sim.Exponential{M: 20e-6},
				Inputs: []Input{{From: "relay", Exchange: Hash}},
				Keyed:  &Keyed{Keys: UniformKeys{N: 1000}, StatePerKey: 100}},
			{Name: "out", Kind: KindSink, Parallelism: 2, Chain: false, RecordSize: 200,
				Sink: &Sink{RecordsPerSecond: sinkRate}, Inputs: []Input{{From: "agg", Exchange: Rebalance}}},
		},
		Checkpointing: &Checkpointing{Interval: 5 * sim.Second, Timeout: 10 * sim.Minute, MaxConcurrent: 1,
			Unaligned: true, AlignedTimeout: timeout, SyncPhase: 10 * sim.Millisecond,
			Storage: Storage{StreamUpload: 1e9, StreamDownload: 1e9, FileSize: 1 << 30, TransferThreads: 1}},
		Restart:  RestartStrategy{Kind: "fixed-delay", Delay: sim.Second, Attempts: 3},
		Recovery: Recovery{HeartbeatTimeout: 2 * sim.Second, Redeploy: sim.Second, TaskManagerStart: 2 * sim.Second},
		Failures: []Failure{{Kind: FailTaskManager, At: 42 * sim.Second, TaskManager: 1}},
	}
}

// allAcknowledged parses a trace line "checkpoint N acknowledged by ...
// (K of K subtasks)": the checkpoint every subtask has acknowledged.
func allAcknowledged(line string) (int64, bool) {
	var id int64
	var who string
	var acked, all int
	if n, _ := fmt.Sscanf(line, "checkpoint %d acknowledged by %s", &id, &who); n < 2 {
		return 0, false
	}
	_, err := fmt.Sscanf(line[strings.LastIndex(line, "("):], "(%d of %d subtasks)", &acked, &all)
	return id, err == nil && acked == all
}

// heldOnce: the records exactlyOnceJob's sources had read at checkpoint p,
// and those its keyed state and channel state hold (the sink's input is
// past the keyed state).
func heldOnce(s *Simulation, p *pendingCheckpoint) (read, held int64) {
	for _, off := range p.offsets {
		read += off
	}
	agg := s.nodes[3]
	for _, st := range agg.task.subtasks {
		held += p.subs[st.id].stateRecs[agg.pos]
	}
	for _, cs := range p.channelState {
		if cs.c.src.edge.to != s.nodes[4] {
			held += cs.chunk.Records
		}
	}
	return read, held
}

// countedOnce: the records exactlyOnceJob's sources read in the restored
// epoch, and those the keyed operator's state counts with those on their
// way to it (in the relay and the sources, or in the channels between).
func countedOnce(s *Simulation) (read, counted int64) {
	for _, kp := range s.kafka {
		read += kp.read
	}
	agg := s.nodes[3]
	for _, st := range s.subtasks {
		if st.t.nodes[0].spec.Kind == KindSink {
			continue // past the keyed operator
		}
		if st.t.nodes[0] == agg {
			counted += st.ops[agg.pos].stateRecs
		}
		counted += st.in.Records + st.inProcess()
		for _, g := range st.gates {
			for _, c := range g.ch {
				if c.src.edge.to == agg || c.src.edge.to == s.nodes[2] {
					counted += c.inflight
				}
			}
		}
	}
	return read, counted
}

// TestStartDelayInWholeMilliseconds: a task's checkpoint start delay is
// Flink's 1_000_000 · max(0, now ms − creation timestamp ms), whole
// milliseconds of the clock (CheckpointBarrierHandler.markAlignmentStart,
// StreamTask.triggerCheckpointAsyncInMailbox): 0.4 ms within one
// millisecond is 0, 0.2 ms across one is 1 ms, and no fraction survives.
func TestStartDelayInWholeMilliseconds(t *testing.T) {
	ms, us := sim.Millisecond, sim.Microsecond
	for _, c := range []struct{ now, trigger, want sim.Time }{
		{746*ms + 400*us, 746 * ms, 0},
		{747*ms + 100*us, 746*ms + 900*us, ms},
		{2567*ms + 904255*sim.Nanosecond, 0, 2567 * ms},
		{5 * ms, 5 * ms, 0},
	} {
		if got := startDelay(c.now, c.trigger); got != c.want {
			t.Errorf("barrier at %v of a checkpoint created at %v: start delay %v, want %v", c.now, c.trigger, got, c.want)
		}
	}
}
