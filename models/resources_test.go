package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// completedDurations is the duration of every completed checkpoint after
// the first, in seconds.
func completedDurations(s *Simulation) []float64 {
	var d []float64
	for i, h := range s.coord.history {
		if i > 0 && h.Status == "COMPLETED" {
			d = append(d, h.Duration.Seconds())
		}
	}
	return d
}

// TestFullSnapshotIsOneSerializingStream: a full snapshot
// (FullSnapshotAsyncWriter) is one stream per subtask, as fast as the
// slower of serializing on a core and the stream's upload: 1000 MiB take
// state / min(snapshot rate, stream) when the TaskManager has a spare core,
// and twice the serialization time when its one core is shared with a task
// thread that needs half of it (processor sharing: each gets half).
func TestFullSnapshotIsOneSerializingStream(t *testing.T) {
	singleGoroutine(t)
	const state = 1000 << 20
	for _, tc := range []struct {
		name           string
		stream, ser    float64 // seconds to move the state at each rate
		cores, taskCPU float64
		want           float64
	}{
		{"the stream is slower", 20, 10, 2, 0, 20},
		{"serializing is slower", 10, 20, 2, 0, 20},
		{"a spare core: the task thread costs nothing", 10, 20, 2, 0.5, 20},
		{"one core shared with a busy task thread", 10, 20, 1, 0.5, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := ckptJob(5*sim.Minute, tc.stream)
			spec.Checkpointing.LSM = LSM{SnapshotRate: state / tc.ser}
			spec.TaskManager.Cores = tc.cores
			spec.SlotsPerTaskManager = 1
			if tc.taskCPU > 0 {
				// 1000 records/s at taskCPU/1000 s each
				spec.Nodes[1].Cost = sim.Constant{V: tc.taskCPU / 1000}
			}
			d := completedDurations(runCkpt(t, spec))
			if len(d) < 2 {
				t.Fatalf("%d completed checkpoints", len(d))
			}
			for _, got := range d {
				// the task thread's claim is measured every second: a
				// second's error at most
				if math.Abs(got-tc.want) > 1 {
					t.Errorf("checkpoint took %.2fs, want %.0fs", got, tc.want)
				}
			}
		})
	}
}

// TestCheckpointTimeIndependentOfLoad: with spare cores and bandwidth, a
// subtask's snapshot (its async phase) takes the same time at any input
// rate: nothing couples load and checkpoints but the resources they share.
// (The barrier's way to it depends on the step in progress, so the
// end-to-end duration may differ by a step.)
func TestCheckpointTimeIndependentOfLoad(t *testing.T) {
	singleGoroutine(t)
	var first []float64
	for _, rate := range []float64{100, 1000, 1500} {
		spec := ckptJob(time30s, 10)
		spec.Checkpointing.LSM = LSM{SnapshotRate: 200 << 20}
		spec.TaskManager = Resources{Cores: 4, Network: 10e9, Disk: 1e9}
		spec.Nodes[0].Kafka.Rate = ConstantRate(rate)
		spec.Nodes[1].Cost = sim.Constant{V: 0.5e-3} // up to 0.75 of a core
		_, res := runWith(t, spec)
		var d []float64
		for _, h := range res.Checkpoints {
			for _, task := range h.Tasks {
				for _, sub := range task.Subtasks {
					if sub.StateSize > 0 {
						d = append(d, sub.Async.Seconds())
					}
				}
			}
		}
		if len(d) < 10 {
			t.Fatalf("%d snapshots", len(d))
		}
		if first == nil {
			first = d
			continue
		}
		for i := range min(len(d), len(first)) {
			if math.Abs(d[i]-first[i]) > 1e-9 {
				t.Errorf("at %.0f records/s snapshot %d took %.6fs, at 100/s %.6fs", rate, i+1, d[i], first[i])
			}
		}
	}
}

const time30s = 30 * sim.Second

// TestFullRestoreIsDownloadPlusReinsert: restoring a full snapshot
// (RocksDBFullRestoreOperation, HeapRestoreOperation) reads the stream and
// inserts what it read on one thread: 100 MiB at 50 MiB/s down and
// 100 MiB/s re-inserted take 2 s + 1 s.
func TestFullRestoreIsDownloadPlusReinsert(t *testing.T) {
	const failAt = 100 * sim.Second
	spec := recoveryJob(1000, 2000, failAt)
	spec.Checkpointing.LSM = LSM{RestoreRate: 100 << 20}
	_, res := runWith(t, spec)
	if len(res.Restores) != 1 {
		t.Fatalf("restores %+v, want one", res.Restores)
	}
	rc := spec.Recovery
	want := failAt + rc.HeartbeatTimeout + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy + 3*sim.Second
	if got := res.Restores[0].At; absT(got-want) > sim.Millisecond {
		t.Errorf("restored at %v, want %v", got, want)
	}
}

// TestChangelogCheckpointWaitsForTheTail: with the changelog backend a
// checkpoint uploads only the log's tail, not what RocksDB wrote: while the
// log's upload keeps up with the writes (10 MiB/s against 5 threads of
// 100 MiB/s), a checkpoint takes a fraction of a second. Without it, the
// job writes 300 MiB of SST files per interval, of which no more than the
// live state (100 MiB) is still there to upload: 1 s at 100 MiB/s.
func TestChangelogCheckpointWaitsForTheTail(t *testing.T) {
	for _, changelog := range []bool{false, true} {
		spec := recoveryJob(10, 2000, sim.Hour)
		spec.Failures = nil
		c := spec.Checkpointing
		c.RocksDB, c.Incremental = true, true
		c.LSM = LSM{WriteBufferSize: 1 << 20, WriteAmplification: 3}
		if changelog {
			cl := DefaultChangelog()
			c.Changelog = &cl
		}
		s, _ := runWith(t, spec)
		d := completedDurations(s)
		if len(d) < 10 {
			t.Fatalf("%d checkpoints", len(d))
		}
		for _, got := range d[5:] {
			want, tol := math.Min(10*10*3.0, 100)*(1<<20)/c.Storage.StreamUpload, 0.2 // min(10 records/s × 1 MiB × WA 3 over the interval, the state)
			if changelog {
				want, tol = 0, 0.2
			}
			if math.Abs(got-want) > tol {
				t.Errorf("changelog %v: checkpoint took %.3fs, want %.1fs", changelog, got, want)
			}
		}
	}
}

// TestChangelogRestoreReplaysTheLog: restoring from the changelog backend
// downloads the materialized state, then downloads the log since and
// re-applies it on one thread: with no materialization yet, every change
// since the start (10 records/s of 1 MiB each until the checkpoint's
// barrier) at 1/(1/50 + 1/100) MiB/s after the 100 MiB base at 50 MiB/s.
// A job started without state has nothing materialized before its first
// materialization (ChangelogKeyedStateBackend.completeRestore of no
// handles: the checkpoint's ChangelogStateBackendHandleImpl holds the log
// alone), so its restore downloads no base, only the log.
func TestChangelogRestoreReplaysTheLog(t *testing.T) {
	for _, tc := range []struct {
		name string
		warm bool
		base float64 // MiB
	}{{"warm start", true, 100}, {"no state at the start", false, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			const failAt = 100 * sim.Second
			spec := recoveryJob(10, 2000, failAt)
			spec.Nodes[1].Keyed.Warm = tc.warm
			withChangelog(spec.Checkpointing)
			noMaterialization(spec.Checkpointing)
			s, res := runWith(t, spec)
			checkNoMaterialization(t, s)
			if len(res.Restores) != 1 {
				t.Fatalf("restores %+v, want one", res.Restores)
			}
			r := res.Restores[0]
			var trigger sim.Time
			for _, h := range res.Checkpoints {
				if h.ID == r.ID {
					trigger = h.Trigger
				}
			}
			rc := spec.Recovery
			deployed := failAt + rc.HeartbeatTimeout + max(spec.Restart.Delay, rc.TaskManagerStart) + rc.Redeploy
			replay := 10 * trigger.Seconds() // MiB: a record a tenth of a second
			want := deployed + sim.FromSeconds(tc.base/50+replay*(1.0/50+1.0/100))
			// a record either side of the barrier: 1 MiB at 1/(1/50 + 1/100) MiB/s
			if got := r.At; absT(got-want) > sim.FromSeconds(1.0/50+1.0/100) {
				t.Errorf("restored at %v, want %v (replaying %.0f MiB)", got, want, replay)
			}
		})
	}
}

// TestCompactionBoundsTheWriteRate: a job whose RocksDB compaction cannot
// keep up runs, in the long run, at the rate compaction allows: RocksDB
// slows writes at level0_slowdown_writes_trigger files and stops them at
// level0_stop_writes_trigger until compaction catches up. One compaction
// thread at 10 MiB/s and a write amplification of 2 (a byte flushed is
// compacted once more) absorb 10 MiB/s of puts: ten 1 MiB records a second
// of the thousand offered.
func TestCompactionBoundsTheWriteRate(t *testing.T) {
	singleGoroutine(t)
	spec := ckptJob(time30s, 10)
	c := spec.Checkpointing
	c.RocksDB, c.Incremental = true, true
	c.LSM = LSM{WriteBufferSize: 4 << 20, BackgroundThreads: 1, WriteAmplification: 2, CompactionRate: 10 << 20,
		L0SlowdownFiles: 20, L0StopFiles: 36, DelayedWriteRate: 16 << 20}
	spec.TaskManager.Cores = 4
	_, res := runWith(t, spec)
	var in []float64
	for _, se := range res.Series {
		if se.Operator == "agg" && se.Metric == result.MetricRecordsIn && se.Subtask < 0 {
			in = se.Values
		}
	}
	half := len(in) / 2
	var sum float64
	for _, v := range in[half:] {
		sum += v
	}
	got := sum / float64(len(in)-half)
	t.Logf("the keyed operator takes %.2f records/s over the second half", got)
	if want := 10.0; math.Abs(got-want) > 0.1*want {
		t.Errorf("the keyed operator takes %.1f records/s, want %.0f (compaction's 10 MiB/s over 1 MiB a record)", got, want)
	}
}
