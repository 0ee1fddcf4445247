package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestIncrementalUploadsOnlyLiveFiles: a state deeper than level 1 whose
// checkpoint interval spans two level-0 compactions. Each compaction
// rewrites all of level 1 and, with what it pushes down, all of level 2
// (a merge rewrites the next level's files its keys overlap, all of them
// for keys spread evenly), and a sliver of level 3. The level-0 files and
// the first rewrite of levels 1 and 2 are deleted before the checkpoint,
// so it uploads level 1 and level 2 once each, level 3's new part and the
// level-0 files not yet compacted: about half the state here, where the
// bytes written (every rewrite) are more than the whole state
// (RocksIncrementalSnapshotStrategy uploads the live files the last
// completed checkpoint does not have).
func TestIncrementalUploadsOnlyLiveFiles(t *testing.T) {
	const perKey, wb, keys = 1 << 10, 1 << 20, 102_400 // a 100 MiB state of 1 KiB values
	const interval = 32                                // s: 8 memtables of updates at 256/s
	state := float64(keys * perKey)
	spec := ckptJob(interval*sim.Second, 10)
	spec.Nodes[0].Kafka.Rate = ConstantRate(8 * wb / perKey / interval)
	spec.Nodes[1].Keyed = &Keyed{Keys: UniformKeys{N: keys}, StatePerKey: perKey, Warm: true}
	spec.Checkpointing.Incremental, spec.Checkpointing.RocksDB = true, true
	// Levels of 4 MiB, 40 MiB and the remaining 56 MiB; write amplification
	// high enough not to bound the levels' merges.
	spec.Checkpointing.LSM = DefaultLSM()
	spec.Checkpointing.LSM.WriteBufferSize, spec.Checkpointing.LSM.LevelBase, spec.Checkpointing.LSM.WriteAmplification = wb, 4<<20, 30
	lv := spec.Checkpointing.LSM.leveled()
	sizes := lv.Sizes(state)
	file := distinctAmong(wb/perKey, [2]float64{keys, 1.0 / keys}) * perKey // a memtable's file: its distinct keys
	w := lv.CompactionByLevel(file, 0, state)                               // written into each level per file flushed
	// A compaction of 4 files rewrites levels 1 and 2 whole, but not level 3.
	if 4*w[1] < sizes[1] || 4*w[2] < sizes[2] || 8*w[3] > sizes[3]/4 || sizes[4] != 0 {
		t.Fatalf("the case needs levels 1 and 2 rewritten by each compaction, level 3 not: sizes %.0f, per file %.0f", sizes, w)
	}
	all := 8 * (file + w[1] + w[2] + w[3]) // every byte written in an interval
	want := sizes[1] + sizes[2] + 8*w[3]
	if all < state || want > 0.6*state {
		t.Fatalf("the case needs more written than the state and far less live: written %.0f, live %.0f of %.0f", all, want, state)
	}
	// Within the level-0 files not yet compacted (at most 3 and the sync
	// phase's), and a compaction's share of level 3 either way.
	tol := 4*file + 4*w[3]
	reader := readerStateOf(spec)
	h := runCkpt(t, spec).coord.history
	if len(h) < 12 {
		t.Fatalf("%d checkpoints, want at least 12", len(h))
	}
	for _, c := range h[3:12] {
		if got := float64(c.Checkpointed - reader); math.Abs(got-want) > tol {
			t.Errorf("checkpoint %d uploaded %.1f MiB of a %.1f MiB state, want %.1f ± %.1f MiB (levels 1 and 2 once, level 3's new part; not the %.1f MiB written)",
				c.ID, got/(1<<20), state/(1<<20), want/(1<<20), tol/(1<<20), all/(1<<20))
		}
	}
}

// TestRestoreReopensLevel0: a restored RocksDB is the checkpoint's files
// as they were (RocksDBIncrementalRestoreOperation opens the DB on them),
// so level-0 files handed to compaction are compacted after the restore,
// as RocksDB schedules it on open, and those below the trigger wait for
// more; the compaction's output is written into the levels it was due
// to, new files the next incremental checkpoint uploads. A full snapshot
// is re-inserted into a new DB instead: its level 0 starts empty.
func TestRestoreReopensLevel0(t *testing.T) {
	for _, incremental := range []bool{true, false} {
		restoreLevel0(t, incremental)
	}
}

func restoreLevel0(t *testing.T, incremental bool) {
	spec := rocksJob(UniformKeys{N: 100_000}, 1<<10, 1000, 1<<20)
	spec.Checkpointing.LSM = DefaultLSM()
	spec.Checkpointing.Incremental = incremental
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	var st *subtask
	for _, x := range s.subtasks {
		if x.lsm != nil {
			st = x
		}
	}
	const mib = 1 << 20
	l := st.lsm
	l.wrote = [len(l.wrote)]float64{64 * mib, 40 * mib, 90 * mib}
	l.l0, l.l0File = 4*mib, 3*mib
	l.compactLv = [len(l.wrote)]float64{0, 3 * mib, 5 * mib}
	l.held = heldFiles{files: 1, bytes: mib, file: 0.75 * mib, work: 2 * mib}
	l.held.lv[1], l.held.lv[2] = 0.75*mib, 1.25*mib
	l.compact = s.storage.startCompaction(st)
	l.compact.total, l.compact.remaining = 8*mib, 8*mib
	m := l.mark()
	s.storage.cancel(func(*transfer) bool { return true }) // the failover
	*st.lsm = lsmState{}
	s.restoreFiles(st, m)
	if !incremental {
		if l.compact != nil || l.l0 != 0 || l.held != (heldFiles{}) || l.wrote != m.wrote {
			t.Errorf("full snapshot restored: level 0 %.0f bytes, %+v held, compaction %v; want it empty, the bytes written kept", l.l0, l.held, l.compact)
		}
		return
	}
	if l.compact == nil || l.compact.remaining != 8*mib {
		t.Fatalf("after the restore the compaction has %v left, want 8 MiB", l.compact)
	}
	if l.l0 != 4*mib || l.l0File != 3*mib || l.held != m.l0.held || l.mark().liveL0 != 3.75*mib {
		t.Errorf("level 0 after the restore: %.0f bytes in %.0f of files handed to compaction, %+v held; want the checkpoint's", l.l0, l.l0File, l.held)
	}
	s.eng.Run(sim.Hour, s) // only the compaction runs
	if l.compact != nil || l.l0 != 0 {
		t.Fatalf("the restored compaction did not finish within an hour: %v left", l.compact)
	}
	for i, w := range m.wrote {
		if want := w + m.l0.lv[i]; l.wrote[i] != want {
			t.Errorf("level %d: %.0f bytes written, want the checkpoint's %.0f and the compaction's %.0f", i, l.wrote[i], w, m.l0.lv[i])
		}
	}
	if l.held != m.l0.held {
		t.Errorf("the held files %+v were compacted, want them still held below the trigger", l.held)
	}
}

// TestIncrementalFullSizeCountsNewKeysOnce: an incremental checkpoint's
// full size (state_size, Flink's sum of the checkpoint's live SST files)
// counts each key once when the keys are new: level 0's live files hold
// keys the levels do not, and the levels hold only what compaction brought
// down. A job writing 1000 new 1 KiB keys a second (100M keys: nearly all
// distinct) checkpoints every 30 s: each checkpoint's full size is the
// state at its trigger, within a second's puts and the reader's state. It
// had counted level 0's keys twice once a compaction had run: 154.5 MB for
// a 124.4 MB state.
func TestIncrementalFullSizeCountsNewKeysOnce(t *testing.T) {
	const perKey, rate = 1 << 10, 1000
	spec := ckptJob(30*sim.Second, 10)
	spec.Duration = 4 * sim.Minute
	spec.Nodes[1].Keyed = &Keyed{Keys: UniformKeys{N: 100_000_000}, StatePerKey: perKey}
	spec.Checkpointing.Incremental, spec.Checkpointing.RocksDB = true, true
	spec.Checkpointing.LSM = DefaultLSM()
	reader := readerStateOf(spec)
	h := runCkpt(t, spec).coord.history
	compacted := false
	for _, c := range h {
		want := rate * perKey * c.Trigger.Seconds() // the keys put by the trigger, all distinct within 0.5 %
		got := float64(c.StateSize - reader)
		if got < 0.99*want || got > want+rate*perKey {
			t.Errorf("checkpoint %d at %v: full size %.1f MB, want the state, %.1f MB", c.ID, c.Trigger, got/1e6, want/1e6)
		}
		compacted = compacted || c.Checkpointed-reader > 2*30*rate*perKey // uploaded a compaction's rewrite
	}
	if len(h) < 6 || !compacted {
		t.Fatalf("%d checkpoints, a compaction's rewrite uploaded: %t; the case needs level 0 compacted before a checkpoint", len(h), compacted)
	}
}
