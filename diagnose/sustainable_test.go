package diagnose

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// us is a microsecond in seconds.
const us = 1e-6

// TestSustainableCoresAndThreads derives the rate by hand for a job of
// parallelism 2 on TaskManagers of 2 slots: "Source: clicks -> parse"
// (parse 30 us a record) and "enrich -> Sink: jdbc" (enrich 30 us, the sink
// waiting 1/(its capacity per subtask) on its database), each subtask
// getting half the input. A subtask's thread is busy for its CPU work and
// the sink's waiting; a TaskManager's cores are shared by the CPU work
// alone (models/resources.go).
func TestSustainableCoresAndThreads(t *testing.T) {
	// the TaskManager's threads: parse 15 us each, enrich 15 us of CPU
	// each and the sink's waiting
	ckpt := func(cores, wait float64) *result.CheckpointCosts {
		return &result.CheckpointCosts{IntervalS: 60, TimeoutS: 600, Cores: cores,
			TaskManagers: []result.TaskManagerCheckpoint{{WorkS: []float64{15 * us, 15 * us, 15*us + wait, 15*us + wait},
				CPUS: []float64{15 * us, 15 * us, 15 * us, 15 * us}}}}
	}
	for _, c := range []struct {
		name  string
		c     result.Capacity
		want  float64
		bound string
	}{{
		// sink 500k/s (4 us a record per subtask): the threads need
		// 15 us and 0.5·(30+4) = 17 us, but the one TaskManager's 4
		// threads need 2·15 + 2·15 = 60 us of CPU per record from 2
		// cores: 2 / 60 us = 33.3k/s (the threads alone would allow
		// 1/17 us = 58.8k/s)
		name: "no checkpointing, cores bind",
		c: result.Capacity{Cores: 2, CPU: []float64{60 * us}, Tasks: []result.TaskWork{
			{Task: "Source: clicks -> parse", WorkS: []float64{15 * us, 15 * us}},
			{Task: "enrich -> Sink: jdbc", WorkS: []float64{17 * us, 17 * us}}}},
		want: 2 / (60 * us), bound: "a TaskManager's cores (its task threads)",
	}, {
		// sink 50k/s (40 us a record per subtask), 1 core, checkpoints
		// every minute: the threads need 15 us and 0.5·(30+40) = 35 us,
		// the cores 60 us of CPU (the sink's 2·20 us of waiting takes no
		// core): 1 / 60 us = 16.7k/s, not 1 / (60+40) us = 10k/s
		name: "checkpointing, a sink's waiting is no CPU",
		c: result.Capacity{Cores: 1, CPU: []float64{60 * us}, Tasks: []result.TaskWork{
			{Task: "Source: clicks -> parse", WorkS: []float64{15 * us, 15 * us}},
			{Task: "enrich -> Sink: jdbc", WorkS: []float64{35 * us, 35 * us}}},
			Checkpoints: ckpt(1, 20*us)},
		want: 1 / (60 * us), bound: "a TaskManager's cores (its task threads)",
	}, {
		// the same with 2 cores: 2 / 60 us = 33.3k/s, but a sink subtask's
		// thread is busy 35 us a record: 1 / 35 us = 28.6k/s
		name: "the sink's thread binds",
		c: result.Capacity{Cores: 2, CPU: []float64{60 * us}, Tasks: []result.TaskWork{
			{Task: "Source: clicks -> parse", WorkS: []float64{15 * us, 15 * us}},
			{Task: "enrich -> Sink: jdbc", WorkS: []float64{35 * us, 35 * us}}},
			Checkpoints: ckpt(2, 20*us)},
		want: 1 / (35 * us), bound: "enrich -> Sink: jdbc",
	}, {
		// parallelism 4 on two TaskManagers of 2 slots, enrich's key
		// groups uneven (0.3, 0.3 on TaskManager 0; 0.2, 0.2 on 1), no
		// sink wait: TaskManager 0 needs 2·0.25·30 + 2·0.3·30 = 33 us of
		// CPU from 2 cores, 2 / 33 us = 60.6k/s; the busiest thread 9 us
		name: "the busiest TaskManager's cores",
		c: result.Capacity{Cores: 2, CPU: []float64{33 * us, 27 * us}, Tasks: []result.TaskWork{
			{Task: "Source: clicks -> parse", WorkS: []float64{7.5 * us, 7.5 * us, 7.5 * us, 7.5 * us}},
			{Task: "enrich -> Sink: jdbc", WorkS: []float64{9 * us, 9 * us, 6 * us, 6 * us}}}},
		want: 2 / (33 * us), bound: "a TaskManager's cores (its task threads)",
	}, {
		// cores unlimited (0): the busiest thread, 1 / 17 us
		name: "unlimited cores",
		c: result.Capacity{CPU: []float64{60 * us}, Tasks: []result.TaskWork{
			{Task: "Source: clicks -> parse", WorkS: []float64{15 * us, 15 * us}},
			{Task: "enrich -> Sink: jdbc", WorkS: []float64{17 * us, 17 * us}}}},
		want: 1 / (17 * us), bound: "enrich -> Sink: jdbc",
	}} {
		t.Run(c.name, func(t *testing.T) {
			rate, bound := Sustainable(&c.c)
			if math.Abs(rate-c.want) > 1e-6*c.want || bound != c.bound {
				t.Errorf("Sustainable = %.1f/s, %q; want %.1f/s, %q", rate, bound, c.want, c.bound)
			}
		})
	}
}

// TestSustainableCheckpointCoresCountCPUOnly: with checkpointing, RocksDB's
// compaction shares the cores with the task threads' CPU work, not with a
// sink's waiting. One TaskManager of 1 core, its threads 60 us of CPU and
// 2·20 us of sink waiting per record; one stateful subtask puts 100 B a
// record, write amplification 3, compaction 10 MB per core-second:
// compaction needs r·100·2 / 10e6 = r·20 us, so r·(60+20) us = 1 core at
// 12.5k/s (counting the waiting: r·120 us, 8.3k/s).
func TestSustainableCheckpointCoresCountCPUOnly(t *testing.T) {
	c := result.Capacity{Cores: 1, CPU: []float64{60 * us}, Tasks: []result.TaskWork{
		{Task: "Source: clicks -> parse", WorkS: []float64{15 * us, 15 * us}},
		{Task: "enrich -> Sink: jdbc", WorkS: []float64{35 * us, 35 * us}}},
		Checkpoints: &result.CheckpointCosts{IntervalS: 60, TimeoutS: 600, Cores: 1, Incremental: true, RocksDB: true,
			WriteAmplification: 3, CompactionThreads: 1, CompactionRate: 10e6, Claimed: true,
			TaskManagers: []result.TaskManagerCheckpoint{{WorkS: []float64{15 * us, 15 * us, 35 * us, 35 * us},
				CPUS:     []float64{15 * us, 15 * us, 15 * us, 15 * us},
				Stateful: []result.StatefulSubtask{{PutBytes: 100, FullBytes: 1e6}}}}}}
	rate, bound := Sustainable(&c)
	if want := 1 / (80 * us); math.Abs(rate-want) > 1e-6*want {
		t.Errorf("Sustainable = %.1f/s (%s); want %.1f/s", rate, bound, want)
	}
	if want := "a TaskManager's cores: task threads, compaction and snapshots, while checkpointing"; bound != want {
		t.Errorf("bound %q, want %q", bound, want)
	}
}

// TestSustainableCheckpointReason: checkpoints are named as what bounds the
// rate only when they lower it by more than its resolution (10%); the rate
// counts their cost either way. One task "Source: events -> work -> Sink:
// out" at parallelism 2, 12 us a record (work 10 us, the sink 2 us), its
// subtasks taking 51% and 49% of the input, one per TaskManager, cores
// unlimited: the busiest thread allows 1 / (0.51·12 us) = 163.4k/s.
func TestSustainableCheckpointReason(t *testing.T) {
	const task = "Source: events -> work -> Sink: out"
	job := func(work0, work1, syncS, intervalS float64) result.Capacity {
		return result.Capacity{CPU: []float64{work0, work1}, Tasks: []result.TaskWork{{Task: task, WorkS: []float64{work0, work1}}},
			Checkpoints: &result.CheckpointCosts{IntervalS: intervalS, TimeoutS: 600,
				TaskManagers: []result.TaskManagerCheckpoint{{WorkS: []float64{work0}, CPUS: []float64{work0}, SyncS: []float64{syncS}},
					{WorkS: []float64{work1}, CPUS: []float64{work1}, SyncS: []float64{syncS}}}}}
	}
	for _, c := range []struct {
		name  string
		c     result.Capacity
		want  float64
		bound string
	}{{
		// a 10 ms sync phase every 10 s takes 0.1% of the thread:
		// 0.999 / 6.12 us = 163.2k/s, and the thread bounds it
		name: "a short sync phase",
		c:    job(0.51*12*us, 0.49*12*us, 0.01, 10),
		want: 0.999 / (0.51 * 12 * us), bound: task + " subtask 0",
	}, {
		// an API of 3 calls/s per connection, 16 connections: 1/48 s of
		// a sink thread per input record; 10 ms every minute is 0.02%
		name: "a sink bound by its API",
		c: result.Capacity{CPU: []float64{0}, Tasks: []result.TaskWork{{Task: "Sink: api", WorkS: []float64{1.0 / 48}}},
			Checkpoints: &result.CheckpointCosts{IntervalS: 60, TimeoutS: 600,
				TaskManagers: []result.TaskManagerCheckpoint{{WorkS: []float64{1.0 / 48}, CPUS: []float64{0}, SyncS: []float64{0.01}}}}},
		want: 48 * (1 - 0.01/60), bound: "Sink: api",
	}, {
		// a 2 s sync phase every 10 s takes 20% of the thread:
		// 0.8 / 6.12 us = 130.7k/s, and the sync phases bound it
		name: "a long sync phase",
		c:    job(0.51*12*us, 0.49*12*us, 2, 10),
		want: 0.8 / (0.51 * 12 * us), bound: task + " subtask 0 while checkpointing (sync phases leave too little time to process)",
	}, {
		// a task without keyed state takes its snapshot without pausing
		// (models/snapshot.go: syncDuration), so models gives its thread
		// no sync phase: the thread alone bounds it
		name: "no keyed state, no sync phase",
		c:    job(0.51*12*us, 0.49*12*us, 0, 10),
		want: 1 / (0.51 * 12 * us), bound: task + " subtask 0",
	}} {
		t.Run(c.name, func(t *testing.T) {
			rate, bound := Sustainable(&c.c)
			if math.Abs(rate-c.want) > 1e-6*c.want || bound != c.bound {
				t.Errorf("Sustainable = %.1f/s, %q; want %.1f/s, %q", rate, bound, c.want, c.bound)
			}
		})
	}
}

// TestSustainableSmallStateCompactsLess: the same TaskManager with
// RocksDB's level sizes (result.Leveled): a 1 MB state within level 1
// is rewritten once per 4 flushed write buffers, so each 64 MiB file
// flushed costs its own bytes and a quarter of the state in compaction,
// 1 + 250 kB / 64 MiB bytes per byte put rather than write amplification
// 10's 9: r·(60 us + 100·(1 + 250e3/2^26) / 10e6 s) = 1 core. A period's
// puts (r·100 B·60 s) fill the write buffer there, so files are whole.
func TestSustainableSmallStateCompactsLess(t *testing.T) {
	const wb = 64 << 20
	c := compactingJob(wb, result.StatefulSubtask{PutBytes: 100, FullBytes: 1e6})
	rate, bound := Sustainable(&c)
	want := 1 / (60*us + 100*(1+1e6/4/wb)/10e6)
	if math.Abs(rate-want) > 1e-6*want || rate*100*60 < wb {
		t.Errorf("Sustainable = %.1f/s (%s); want %.1f/s", rate, bound, want)
	}
}

// TestSustainableUpdatesOfFewKeysCompactLess: the same job, its 100 B a
// record the values of 10,000 keys (a warm 1 MB state) updated over and
// over. A full write buffer holds 2^26/100 updates, 67 per key, and its
// flush writes each key once (result.StatefulSubtask.Flush): 1 MB, every
// key, and compaction merges its values into level 1, where the older
// ones are: a quarter of the state per file, not the file again. Per
// input record compaction writes 100 / 2^26 files × 250 kB, so
// r·(60 us + 100·250e3/2^26 / 10e6 s) = 1 core; counting every put as
// flushed would add its 100 B a record, flushed and compacted again.
func TestSustainableUpdatesOfFewKeysCompactLess(t *testing.T) {
	const wb, keys = 64 << 20, 10_000
	warm := result.KeyedWrites{Updates: 1, StatePerKey: 100, Keys: []result.KeyBand{{Keys: keys, Share: 1}}, Seen: math.Inf(1)}
	c := compactingJob(wb, result.StatefulSubtask{PutBytes: 100, FullBytes: keys * 100, Keyed: []result.KeyedWrites{warm}})
	rate, bound := Sustainable(&c)
	want := 1 / (60*us + 100.0/wb*(keys*100/4)/10e6) // a quarter of the state per file
	if file, _ := c.Checkpoints.TaskManagers[0].Stateful[0].Flush(wb / 100); math.Abs(file-keys*100) > 1 {
		t.Errorf("a full write buffer flushes %.0f bytes, want its %d keys' %d", file, keys, keys*100)
	}
	if math.Abs(rate-want) > 1e-6*want || rate*100*60 < wb {
		t.Errorf("Sustainable = %.1f/s (%s); want %.1f/s", rate, bound, want)
	}
}

// compactingJob is the backpressure job on one TaskManager of one core
// with incremental RocksDB checkpoints every minute, compaction at 10 MB/s
// on one thread, a write buffer of wb bytes, and one stateful subtask st.
func compactingJob(wb float64, st result.StatefulSubtask) result.Capacity {
	return result.Capacity{Cores: 1, CPU: []float64{60 * us}, Tasks: []result.TaskWork{
		{Task: "Source: clicks -> parse", WorkS: []float64{15 * us, 15 * us}},
		{Task: "enrich -> Sink: jdbc", WorkS: []float64{35 * us, 35 * us}}},
		Checkpoints: &result.CheckpointCosts{IntervalS: 60, TimeoutS: 600, Cores: 1, Incremental: true, RocksDB: true,
			WriteAmplification: 10, CompactionThreads: 1, CompactionRate: 10e6, Claimed: true,
			Leveled:         result.Leveled{WriteAmplification: 10, LevelBase: 256 << 20, LevelMultiplier: 10, L0CompactionFiles: 4},
			WriteBufferSize: wb,
			TaskManagers: []result.TaskManagerCheckpoint{{WorkS: []float64{15 * us, 15 * us, 35 * us, 35 * us},
				CPUS:     []float64{15 * us, 15 * us, 15 * us, 15 * us},
				Stateful: []result.StatefulSubtask{st}}}}}
}

// TestSustainableAtTheRate: a capacity whose work per record depends on the
// rate (a window's firing: a fixed b seconds of work per second whatever
// the rate, on top of a seconds per record) is sustainable where the work
// at the rate fills the thread, R·a + b = 1: R = (1 − b)/a, where the
// capacity at R (1/(a + b/R)) gives R back.
func TestSustainableAtTheRate(t *testing.T) {
	for _, c := range []struct{ a, b float64 }{{10 * us, 0.25}, {10 * us, 0}, {2 * us, 0.9}} {
		at := func(r float64) *result.Capacity {
			return &result.Capacity{Tasks: []result.TaskWork{{Task: "w", WorkS: []float64{c.a + c.b/r}}}}
		}
		cp := at(1)
		cp.At = at
		got, bound := Sustainable(cp)
		want := (1 - c.b) / c.a
		if math.Abs(got-want) > 1e-6*want || bound != "w" {
			t.Errorf("a %g, b %g: %g (%s), want %g", c.a, c.b, got, bound, want)
		}
	}
}

// TestSustainableUploadsLiveFilesOnly: an incremental checkpoint uploads
// the SST files its period wrote that are still live (models/lsm_files.go
// counts them so). A period of one flush rewrites no level whole and
// uploads all it wrote; a period of 45 flushes rewrites levels 1 and 2
// many times over (256 MB and 2.56 GB of a 10 GB state) and uploads each
// once, with the level-0 files a compaction has not merged yet (at most
// 4), and level 3's new part.
func TestSustainableUploadsLiveFilesOnly(t *testing.T) {
	const wb, state = 64 << 20, 1e10
	c := compactingJob(wb, result.StatefulSubtask{PutBytes: 100, FullBytes: state})
	ck := &checkpointLoad{c: c.Checkpoints}
	ss := c.Checkpoints.TaskManagers[0].Stateful[0]
	lv := c.Checkpoints.Leveled
	sizes := lv.Sizes(state)
	for _, files := range []float64{1, 45} {
		r := files * wb / 100 / 60 // records a second: files write buffers a minute
		flushed, compacted := ck.writes(r, ss, 60)
		all := (flushed + compacted) * 60
		got := ck.liveWritten(r, ss, 60)
		var want float64
		if files == 1 {
			want = all
		} else {
			file, fresh := ss.Flush(float64(wb) / 100) // every put a new key here
			w := lv.CompactionByLevel(file, fresh, state)
			want = 4*file + sizes[1] + sizes[2] + files*w[3]
			if files*w[1] < 10*sizes[1] || files*w[2] < 2*sizes[2] || files*w[3] > sizes[3] {
				t.Fatalf("the case needs levels 1 and 2 rewritten, level 3 not: %.3g written into them, sizes %.3g", w, sizes)
			}
		}
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("%g flushes a period: %.10g bytes live, want %.10g (written %.4g)", files, got, want, all)
		}
	}
}
