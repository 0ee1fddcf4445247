package result

import "math"

// Leveled is RocksDB's leveled compaction as flinksim models it: the bytes
// compaction writes for each memtable flushed, shared by the simulation
// (models/lsm.go) and the sustainable rate (diagnose).
type Leveled struct {
	// WriteAmplification is SST bytes written per byte flushed, the flush
	// included (rocksdb.stats' Sum row: W-Amp, its Write(GB) over what
	// flushes wrote): the most compaction writes (WriteAmplification-1
	// bytes per byte flushed).
	WriteAmplification float64
	// LevelBase is max_bytes_for_level_base, level 1's size, and
	// LevelMultiplier max_bytes_for_level_multiplier, each deeper level's
	// over the one above; L0CompactionFiles is
	// level0_file_num_compaction_trigger, the level-0 files that start a
	// compaction into level 1. 0: no bound from the levels.
	LevelBase, LevelMultiplier, L0CompactionFiles float64
}

// Compaction is the bytes compaction writes for a flush of flushed bytes
// (one level-0 file), fresh of them keys new to a state of state bytes
// and the rest new values of keys it holds: WriteAmplification-1 per byte
// flushed, but no more than leveled compaction can write over the levels
// the state fills, its keys updated uniformly (RocksDB's wiki, Leveled
// Compaction: a compaction merges files of one level with the files of
// the next that overlap their keys, all of them at worst, and writes each
// key once, its newest value: CompactionIterator drops the older).
//
// Levels fill from level 1 (LevelBase bytes, then LevelMultiplier times
// the one above each), the last with what is left. Every
// L0CompactionFiles level-0 files merge with all of level 1; what enters
// a deeper level merges with the next level's bytes per byte of its own.
// A merge writes the target level's bytes it read and, of what enters,
// the keys that level did not hold: an update whose older value the level
// holds replaces it (a level holds its share of the state's keys), and
// only the rest grows the level and moves on down. So what enters level
// i+1 is the flushed bytes less the updates levels 1 to i held, and a
// state within level 1 is rewritten once per L0CompactionFiles flushes,
// whatever the flushes' sizes: no merge writes more than the live bytes
// of the key range it covers. With fresh = flushed (appended state, every
// key new) every flushed byte is written into each level it reaches.
func (l Leveled) Compaction(flushed, fresh, state float64) float64 {
	most := flushed * (l.WriteAmplification - 1)
	if most <= 0 || l.LevelBase <= 0 || l.LevelMultiplier <= 1 || l.L0CompactionFiles <= 0 {
		return math.Max(most, 0)
	}
	state = math.Max(state, 0)
	if state == 0 {
		return math.Min(most, flushed) // written into level 1 once
	}
	updated := flushed - math.Min(math.Max(fresh, 0), flushed)
	left, size, prev := state, l.LevelBase, 0.0
	in, w := flushed, 0.0 // in: what enters the level that no level above held
	for i := 0; left > 0; i++ {
		lv := math.Min(left, size)
		out := math.Max(0, in-updated*lv/state) // the keys this level did not hold
		if i == 0 {
			w += lv/l.L0CompactionFiles + out
		} else {
			w += in*lv/prev + out
		}
		left -= lv
		in, prev, size = out, lv, size*l.LevelMultiplier
	}
	return math.Min(most, w)
}
