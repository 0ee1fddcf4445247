package models

import (
	"math"

	"github.com/flinksim/flinksim/result"
)

// What an incremental snapshot of RocksDB uploads: the SST files it holds
// that the last confirmed checkpoint did not (RocksIncrementalSnapshotStrategy
// uploads the native checkpoint's files not in its last completed
// checkpoint's shared state). A file written since, and deleted again by
// compaction before the snapshot, is never uploaded: compaction deletes its
// input files (RocksDB's VersionEdit of a compaction) and the snapshot holds
// only live ones. Files are tracked in aggregate, by level: the bytes
// written into each level so far, and level 0's live file bytes (flushed,
// their compaction not finished).

// sstMark is a RocksDB's SST files at a moment: the bytes written into
// each level so far (level 0 by flushes, the others by compaction), and
// level 0's files still live, with the compaction they call for.
type sstMark struct {
	wrote  [result.NumLevels]float64
	liveL0 float64
	l0     level0
}

// level0 is level 0's files at a moment: those handed to compaction
// (lsmState.l0, l0File, compactLv, and the compaction's work left) and
// those held below level0_file_num_compaction_trigger.
type level0 struct {
	bytes, file, work float64
	lv                [result.NumLevels]float64
	held              heldFiles
}

// mark is the subtask's SST files now.
func (l *lsmState) mark() sstMark {
	m := sstMark{wrote: l.wrote, liveL0: l.l0File + l.held.file,
		l0: level0{bytes: l.l0, file: l.l0File, lv: l.compactLv, held: l.held}}
	if l.compact != nil {
		m.l0.work = l.compact.remaining
	}
	return m
}

// restoreFiles opens subtask st's RocksDB on the files of m, a
// checkpoint's: RocksDBIncrementalRestoreOperation (restoreWithoutRescaling)
// opens the DB on the checkpoint's SST files as they were, levels and
// MANIFEST included, so its level-0 files are level 0 again and RocksDB
// schedules their compaction as it opens (DBImpl::Open calls
// MaybeScheduleFlushOrCompaction): the compaction they called for is
// still to do, and its output is new files for the next incremental
// checkpoint. Only an incremental checkpoint's files are reopened so: a
// full snapshot is re-inserted into a new DB (RocksDBFullRestoreOperation),
// and the changelog backend restores its materialized state and replays
// the log; the flushes and compactions of that rebuilding are not
// simulated, so their level 0 starts empty.
func (s *Simulation) restoreFiles(st *subtask, m sstMark) {
	l := st.lsm
	l.wrote = m.wrote
	if c := s.spec.Checkpointing; !c.Incremental || c.Changelog != nil {
		return
	}
	l.l0, l.l0File, l.compactLv, l.held = m.l0.bytes, m.l0.file, m.l0.lv, m.l0.held
	if m.l0.work > 0 {
		g := s.storage
		g.advance(s.eng.Now())
		l.compact = g.startCompaction(st)
		l.compact.total, l.compact.remaining = m.l0.work, m.l0.work
		g.rearm()
	}
	s.updateStall(st)
}

// newLive is the bytes of m's live files written since base, for a state
// of state bytes: of level 0, those written since that are still live
// (level 0 is compacted oldest first); of each deeper level, what was
// written into it since, but no more than the level holds (a level
// rewritten twice since holds only the second rewrite).
func (m sstMark) newLive(base sstMark, sizes [result.NumLevels]float64) float64 {
	b := math.Min(math.Max(0, m.wrote[0]-base.wrote[0]), m.liveL0)
	for i := 1; i < result.NumLevels; i++ {
		b += math.Min(math.Max(0, m.wrote[i]-base.wrote[i]), sizes[i])
	}
	return b
}

// uploadSince is what a snapshot of the subtask's RocksDB at m of a state
// of full bytes uploads over the one at base: its new live files, no more
// than the state (the levels' sizes are the state's; level 0's files
// repeat keys the levels hold).
func (s *Simulation) uploadSince(m, base sstMark, full float64) float64 {
	return math.Min(m.newLive(base, s.spec.Checkpointing.LSM.leveled().Sizes(full)), full)
}

// liveFiles is the bytes of subtask st's SST files live at m, for a state
// of full bytes: level 0's live files, and the levels below, which hold
// the state once compaction has written them (or from the start, a warm
// state's), each key once. The levels hold no more than came down to them:
// the warm state and the flushed bytes whose compaction has finished, so
// keys still only in level 0's live files (new keys, not yet compacted)
// are not counted there too. No less than the state: after the sync
// phase's flush every key's newest value is in some file.
func (s *Simulation) liveFiles(st *subtask, m sstMark, full float64) float64 {
	sizes := s.spec.Checkpointing.LSM.leveled().Sizes(full)
	warm := s.warmState(st)
	levels := warm
	for i := 1; i < result.NumLevels; i++ {
		levels += math.Min(m.wrote[i], sizes[i])
	}
	l0 := math.Min(m.wrote[0], m.liveL0)
	compacted := warm + m.wrote[0] - l0
	return max(min(levels, full, compacted)+l0, full)
}

// warmState is the keyed state subtask st holds from the start (warm
// keys: Keyed.Warm), in RocksDB's levels before the run's first flush.
func (s *Simulation) warmState(st *subtask) float64 {
	b := 0.0
	for _, rt := range st.t.nodes {
		if k := rt.spec.Keyed; k != nil && k.Warm {
			b += rt.subKeys[st.index] * float64(k.StatePerKey)
		}
	}
	return b
}

// compacted counts compaction progress: bytes of its output written into
// each level in proportion to the work left there, and level 0 drained in
// proportion (remaining is the work left after bytes).
func (l *lsmState) compacted(bytes, remaining float64) {
	if remaining <= 0 {
		for i, w := range l.compactLv {
			l.wrote[i] += w
		}
		l.compactLv = [result.NumLevels]float64{}
		l.l0, l.l0File = 0, 0
		return
	}
	keep := remaining / (remaining + bytes)
	for i, w := range l.compactLv {
		l.wrote[i] += w * (1 - keep)
		l.compactLv[i] = w * keep
	}
	l.l0 *= keep
	l.l0File *= keep
}
