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
// the one above each), level 6, the last, with what is left (Sizes). Every
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
	var w float64
	for _, b := range l.CompactionByLevel(flushed, fresh, state) {
		w += b
	}
	return w
}

// NumLevels is RocksDB's num_levels (advanced_options.h, 7, which Flink's
// RocksDBConfigurableOptions leaves as it is): level 0, which flushes
// fill, and levels 1 to 6, the last holding whatever the levels above it
// do not.
const NumLevels = 7

// Sizes is the bytes each level holds of a state of state bytes (index 0,
// level 0, is 0): level 1 LevelBase, each deeper LevelMultiplier times
// the one above, the last level the rest. Without a bound from the
// levels, level 1 holds it all.
func (l Leveled) Sizes(state float64) (lv [NumLevels]float64) {
	if l.LevelBase <= 0 || l.LevelMultiplier <= 1 {
		lv[1] = math.Max(state, 0)
		return lv
	}
	left, size := math.Max(state, 0), l.LevelBase
	for i := 1; i < NumLevels && left > 0; i++ {
		if i == NumLevels-1 {
			size = left
		}
		lv[i] = math.Min(left, size)
		left -= lv[i]
		size *= l.LevelMultiplier
	}
	return lv
}

// CompactionByLevel is Compaction's bytes by the level they are written
// into (index 1 to 6; RocksDB writes a merge's output into its target
// level), scaled down together when WriteAmplification bounds them.
// Without a bound from the levels they are all level 1's.
func (l Leveled) CompactionByLevel(flushed, fresh, state float64) (w [NumLevels]float64) {
	most := flushed * (l.WriteAmplification - 1)
	if most <= 0 || l.LevelBase <= 0 || l.LevelMultiplier <= 1 || l.L0CompactionFiles <= 0 {
		w[1] = math.Max(most, 0)
		return w
	}
	state = math.Max(state, 0)
	if state == 0 {
		w[1] = math.Min(most, flushed) // written into level 1 once
		return w
	}
	updated := flushed - math.Min(math.Max(fresh, 0), flushed)
	in, prev, sum := flushed, 0.0, 0.0 // in: what enters the level that no level above held
	for i, lv := range l.Sizes(state) {
		if i == 0 || lv <= 0 {
			continue
		}
		out := math.Max(0, in-updated*lv/state) // the keys this level did not hold
		if i == 1 {
			w[i] = lv/l.L0CompactionFiles + out
		} else {
			w[i] = in*lv/prev + out
		}
		sum += w[i]
		in, prev = out, lv
	}
	if sum > most {
		for i := range w {
			w[i] *= most / sum
		}
	}
	return w
}
