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
