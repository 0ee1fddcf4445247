package result

import "math"

// Leveled is RocksDB's leveled compaction as flinksim models it: the bytes
// compaction writes for each memtable flushed, shared by the simulation
// (models/lsm.go) and the sustainable rate (diagnose).
type Leveled struct {
	// WriteAmplification is SST bytes written per byte put, the flush
	// included: the most compaction writes (WriteAmplification-1 bytes per
	// byte flushed).
	WriteAmplification float64
	// LevelBase is max_bytes_for_level_base, level 1's size, and
	// LevelMultiplier max_bytes_for_level_multiplier, each deeper level's
	// over the one above; L0CompactionFiles is
	// level0_file_num_compaction_trigger, the level-0 files that start a
	// compaction into level 1. 0: no bound from the levels.
	LevelBase, LevelMultiplier, L0CompactionFiles float64
}

// Compaction is the bytes compaction writes for a flush of flushed bytes
// (one level-0 file) into a state of state bytes: WriteAmplification-1
// per byte, but no more than leveled compaction can write over the levels
// the state fills, its keys updated uniformly (RocksDB's wiki, Leveled
// Compaction: a compaction merges files of one level with the files of
// the next that overlap their keys, all of them at worst). Levels fill
// from level 1 (LevelBase bytes, then LevelMultiplier times the one above
// each), the last with what is left. The file is written into level 1
// with its share of level 1 (every L0CompactionFiles level-0 files merge
// with all of it), and into each further level with the next level's bytes
// per byte of its own. So a state within level 1 is rewritten once per
// L0CompactionFiles flushes, whatever the flushes' sizes, not
// WriteAmplification-1 times per byte put.
func (l Leveled) Compaction(flushed, state float64) float64 {
	most := flushed * (l.WriteAmplification - 1)
	if most <= 0 || l.LevelBase <= 0 || l.LevelMultiplier <= 1 || l.L0CompactionFiles <= 0 {
		return math.Max(most, 0)
	}
	left, size, prev := math.Max(state, 0), l.LevelBase, 0.0
	w := flushed
	for i := 0; left > 0; i++ {
		lv := math.Min(left, size)
		if i == 0 {
			w += lv / l.L0CompactionFiles
		} else {
			w += flushed * (1 + lv/prev)
		}
		left -= lv
		prev, size = lv, size*l.LevelMultiplier
	}
	return math.Min(most, w)
}
