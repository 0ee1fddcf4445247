package models

import (
	"math"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// RocksDB's LSM tree as a ledger per stateful subtask. Every state update
// puts the key's value (state-per-key bytes) into the memtable; a full
// memtable (state.backend.rocksdb.writebuffer.size) is flushed to a level-0
// SST file that holds each key once, its newest value (FlushJob's
// CompactionIterator drops the values later puts overwrote:
// result.DistinctKeys), so a file of updates is the distinct keys among
// them, and a file of appended state (window elements) all its puts.
// Leveled compaction then rewrites what was flushed, in all
// WriteAmplification bytes of SST files per byte flushed, or fewer where
// the subtask's state fills too few levels for that or the file's keys
// replace values the levels hold (result.Leveled). Compaction is a
// background flow on the TaskManager (CPU and disk, at most
// state.backend.rocksdb.thread.num cores); the SST files it and the flushes
// create since the last confirmed checkpoint are what an incremental
// checkpoint uploads (RocksIncrementalSnapshotStrategy: files of completed
// checkpoints are shared, not uploaded again). When compaction falls
// behind, the flushed memtables it has not yet merged stand for level-0
// files, and RocksDB slows writes (level0_slowdown_writes_trigger) to
// delayed_write_rate, then stops them (level0_stop_writes_trigger).

// LSM holds RocksDB's settings and the CPU cost of moving state in and out
// of a backend. DefaultLSM gives the defaults and their sources.
type LSM struct {
	WriteBufferSize    int64   // state.backend.rocksdb.writebuffer.size (bytes)
	BackgroundThreads  int     // state.backend.rocksdb.thread.num: flush and compaction jobs per stateful operator
	WriteAmplification float64 // SST bytes written per byte flushed: flush and compaction (leveled)
	// LevelBase is max_bytes_for_level_base, the size of level 1, and
	// LevelMultiplier max_bytes_for_level_multiplier, each deeper level's
	// size over the one above; L0CompactionFiles is
	// level0_file_num_compaction_trigger, the level-0 files that start a
	// compaction into level 1. They bound the write amplification of a
	// state too small to fill the levels it presumes (result.Leveled).
	LevelBase         int64
	LevelMultiplier   float64
	L0CompactionFiles int
	L0SlowdownFiles   int     // level0_slowdown_writes_trigger
	L0StopFiles       int     // level0_stop_writes_trigger
	DelayedWriteRate  float64 // bytes/s a slowed-down DB accepts (delayed_write_rate)
	// CompactionRate, SnapshotRate and RestoreRate are bytes one core
	// compacts, serializes into a full snapshot, or re-inserts from a full
	// snapshot per second.
	CompactionRate, SnapshotRate, RestoreRate float64
}

// DefaultLSM returns the defaults: Flink's RocksDBConfigurableOptions
// (WRITE_BUFFER_SIZE 64 MB, MAX_BACKGROUND_THREADS 2), RocksDB's
// advanced_options.h (level0_slowdown_writes_trigger 20,
// level0_stop_writes_trigger 36) and options.h (delayed_write_rate: 16 MB/s
// without a rate limiter). Write amplification 10 is the order of leveled
// compaction over a few levels (max_bytes_for_level_multiplier 10: what
// enters a level is rewritten with the overlapping part of the next); the
// RocksDB Tuning Guide shows how to read yours (rocksdb.stats' Sum row,
// W-Amp: what flushes and compaction wrote over what flushes wrote).
// Level sizes: Flink's RocksDBConfigurableOptions MAX_SIZE_LEVEL_BASE
// (state.backend.rocksdb.compaction.level.max-size-level-base, 256 MB) with
// USE_DYNAMIC_LEVEL_SIZE false, and RocksDB's advanced_options.h
// (max_bytes_for_level_multiplier 10, level0_file_num_compaction_trigger
// 4). The
// CPU rates are orders of magnitude of one core with Snappy (RocksDB's
// default compression in Flink's COMPRESSION_PER_LEVEL): measure yours from
// rocksdb.stats' Comp(sec) and Write(GB), and from a savepoint's size over
// its restore time.
func DefaultLSM() LSM {
	return LSM{WriteBufferSize: 64 << 20, BackgroundThreads: 2, WriteAmplification: 10,
		LevelBase: 256 << 20, LevelMultiplier: 10, L0CompactionFiles: 4,
		L0SlowdownFiles: 20, L0StopFiles: 36, DelayedWriteRate: 16 << 20,
		CompactionRate: 100e6, SnapshotRate: 200e6, RestoreRate: 100e6}
}

// leveled is the compaction a flush calls for (result.Leveled).
func (c LSM) leveled() result.Leveled {
	return result.Leveled{WriteAmplification: c.WriteAmplification, LevelBase: float64(c.LevelBase),
		LevelMultiplier: c.LevelMultiplier, L0CompactionFiles: float64(c.L0CompactionFiles)}
}

// lsmState is one stateful subtask's RocksDB.
type lsmState struct {
	mem     float64   // bytes in the memtable
	updates []float64 // of them, records of each keyed operator (by chain position)
	// wrote is the SST bytes written so far into each level: level 0's
	// by flushes, the others' by compaction (lsm_files.go).
	wrote   [result.NumLevels]float64
	compact *transfer // compaction still to do (remaining bytes), nil when none
	// compactLv is the compaction still to do by the level it writes into.
	compactLv [result.NumLevels]float64
	// l0 is the memtable bytes flushed whose compaction is still to do:
	// level 0; l0File the bytes of their files.
	l0, l0File float64
	// held is the level-0 files not yet compacted because fewer than
	// level0_file_num_compaction_trigger have gathered: their number,
	// memtable bytes and file bytes, and the compaction they will call
	// for, in all and by level.
	held  heldFiles
	stall stallKind
	log   *changelogState // the changelog backend's log, when enabled
	// restoredLog is the changelog a restore replayed (the log since the
	// restored checkpoint's materialization): the new log starts with it.
	// restoredBase is the materialized state restored under it (its full
	// size), or the warm state a job starts from.
	restoredLog, restoredBase float64
	// restoredMat is the materialization the restored state is (the
	// checkpoint's, ChangelogStateBackendHandle.getMaterializationID).
	restoredMat int64
}

// heldFiles is level 0's files waiting for a compaction to start
// (lsmState.held).
type heldFiles struct {
	files, bytes, file, work float64
	lv                       [result.NumLevels]float64
}

type stallKind uint8

const (
	noStall stallKind = iota
	slowWrites
	stopWrites
)

// rocksOf is the subtask's RocksDB ledger, or nil without one.
func (s *Simulation) rocksOf(st *subtask) *lsmState {
	if s.spec.Checkpointing == nil || !s.spec.Checkpointing.RocksDB {
		return nil
	}
	return st.lsm
}

// put records bytes of state written by a step (stateBytesPut), of them
// its keyed operators' updates, one per record.
func (s *Simulation) put(st *subtask, bytes float64) {
	l := s.rocksOf(st)
	if l == nil || bytes <= 0 {
		return
	}
	s.appendChanges(st, bytes)
	l.mem += bytes
	if l.updates == nil {
		l.updates = make([]float64, len(st.t.nodes))
	}
	for pos, rt := range st.t.nodes {
		if k := rt.spec.Keyed; k != nil && k.StatePerKey > 0 {
			l.updates[pos] += float64(st.nin[pos])
		}
	}
	wb := float64(s.spec.Checkpointing.LSM.WriteBufferSize)
	if wb <= 0 {
		wb = l.mem // no memtable: every write is flushed at once
	}
	if l.mem >= wb {
		n := math.Floor(l.mem / wb)
		s.flush(st, n, n*wb)
	}
}

// flush turns the memtable's oldest bytes into as many level-0 files, of
// equal parts, and schedules their compaction. It returns the bytes the
// files hold.
func (s *Simulation) flush(st *subtask, files, bytes float64) float64 {
	l := st.lsm
	if bytes <= 0 || l.mem <= 0 {
		return 0
	}
	f := bytes / files / l.mem // of the memtable, each file's part
	leveled, state := s.spec.Checkpointing.LSM.leveled(), s.heapState(st)
	written, more := 0.0, 0.0
	var lv [result.NumLevels]float64
	for k := 0.0; k < files; k++ {
		file, fresh := s.flushFile(st, k*f, f)
		written += file
		for i, w := range leveled.CompactionByLevel(file, fresh, state) {
			lv[i] += w
			more += w
		}
	}
	for pos := range l.updates {
		l.updates[pos] *= 1 - bytes/l.mem
	}
	l.mem -= bytes
	l.wrote[0] += written
	if more <= 0 {
		return written
	}
	h := &l.held
	h.files, h.bytes, h.file, h.work = h.files+files, h.bytes+bytes, h.file+written, h.work+more
	for i, w := range lv {
		h.lv[i] += w
	}
	if h.files >= float64(s.spec.Checkpointing.LSM.L0CompactionFiles) {
		s.startCompaction(st)
	}
	s.updateStall(st)
	return written
}

// startCompaction hands the held level-0 files to compaction: RocksDB's
// LevelCompactionPicker picks level 0 once it holds
// level0_file_num_compaction_trigger files, and merges them all with the
// level-1 files they overlap (all of them, for keys spread over the key
// range) at once; what that merge pushes into deeper levels follows.
// A compaction still running takes the new work after its own, as
// RocksDB runs one level-0 compaction at a time.
func (s *Simulation) startCompaction(st *subtask) {
	l := st.lsm
	l.l0 += l.held.bytes
	l.l0File += l.held.file
	for i, w := range l.held.lv {
		l.compactLv[i] += w
	}
	g := s.storage
	g.advance(s.eng.Now())
	if l.compact == nil {
		l.compact = g.startCompaction(st)
	}
	l.compact.total += l.held.work
	l.compact.remaining += l.held.work
	l.held = heldFiles{}
	g.rearm() // the shares are the same: only the work left changed
}

// flushFile is the level-0 file the part f of the memtable after its
// oldest part from becomes: its appended bytes (what is not a keyed
// operator's update) whole, each keyed operator's updates as the distinct
// keys among them; and of the file, the bytes of keys new to the state:
// the appended, and the keyed state's growth over those updates (none for
// a warm state).
func (s *Simulation) flushFile(st *subtask, from, f float64) (file, fresh float64) {
	l := st.lsm
	appended := l.mem
	for pos, n := range l.updates {
		if n <= 0 {
			continue
		}
		rt := st.t.nodes[pos]
		per := float64(rt.spec.Keyed.StatePerKey)
		appended -= n * per
		file += result.DistinctKeys(rt.subs[st.index].bands, f*n) * per
		// the memtable's updates are the state's latest records
		seen := float64(st.ops[pos].stateRecs) - (1-from)*n
		fresh += math.Max(0, rt.stateKeys(st.index, seen+f*n)-rt.stateKeys(st.index, seen)) * per
	}
	appended = math.Max(0, appended) * f
	return file + appended, math.Min(file, fresh) + appended
}

// level0Files is the number of level-0 files compaction has not merged:
// the memtable bytes flushed behind its remaining work, in write buffers
// (a full memtable is one file, however few distinct keys it held).
func (s *Simulation) level0Files(st *subtask) float64 {
	l := st.lsm
	c := s.spec.Checkpointing.LSM
	if l == nil || c.WriteBufferSize <= 0 {
		return 0
	}
	return (l.l0 + l.held.bytes) / float64(c.WriteBufferSize)
}

// stateful: the task holds keyed state.
func (t *task) stateful() bool {
	for _, rt := range t.nodes {
		if rt.spec.Keyed != nil && rt.spec.Keyed.StatePerKey > 0 {
			return true
		}
	}
	return false
}

// stateBytesPut is what the subtask's step in progress writes to its state:
// each record updates its key's value.
func (s *Simulation) stateBytesPut(st *subtask) float64 {
	var b float64
	for pos, rt := range st.t.nodes {
		if k := rt.spec.Keyed; k != nil {
			b += float64(st.nin[pos]) * float64(k.StatePerKey)
		}
		if w := rt.spec.Window; w != nil {
			// each record is put into each of its windows: appended to a
			// ListState, or its accumulator written back
			per := rt.inRecordSize
			if !w.Buffering {
				per = w.AccumulatorSize
			}
			b += float64(st.nin[pos]) * w.PerRecord() * float64(per)
		}
	}
	return b
}

// updateStall applies RocksDB's write stall triggers (WriteController,
// ColumnFamilyData::RecalculateWriteStallConditions) to the subtask.
func (s *Simulation) updateStall(st *subtask) {
	l := st.lsm
	c := s.spec.Checkpointing.LSM
	files := s.level0Files(st)
	switch {
	case c.L0StopFiles > 0 && files >= float64(c.L0StopFiles):
		l.stall = stopWrites
	case c.L0SlowdownFiles > 0 && files >= float64(c.L0SlowdownFiles):
		l.stall = slowWrites
	default:
		l.stall = noStall
	}
}

// slowedWrites is the least time a step that puts bytes takes under a
// write slowdown: RocksDB accepts DelayedWriteRate.
func (s *Simulation) slowedWrites(st *subtask, bytes float64) sim.Time {
	l := s.rocksOf(st)
	if l == nil || l.stall != slowWrites || s.spec.Checkpointing.LSM.DelayedWriteRate <= 0 {
		return 0
	}
	return sim.FromSeconds(bytes / s.spec.Checkpointing.LSM.DelayedWriteRate)
}

// blockedWrites is how long a step's writes wait: with writes stopped,
// until compaction brings level 0 under the stop trigger; with the
// changelog past max-in-flight, until its upload makes room. At its
// current rate; with none, a storage tick, when the rates are looked at
// again.
func (s *Simulation) blockedWrites(st *subtask) sim.Time {
	l := s.rocksOf(st)
	if l == nil {
		return 0
	}
	wait := 0.0
	c := s.spec.Checkpointing.LSM
	if l.stall == stopWrites && l.compact != nil && l.l0 > 0 {
		// the compaction behind the level-0 bytes past the trigger
		excess := (s.level0Files(st) - float64(c.L0StopFiles) + 1) * float64(c.WriteBufferSize) * l.compact.remaining / l.l0
		wait = waitFor(excess, l.compact.rate)
	}
	if s.changelogBlocked(st) {
		f := l.log.flow
		wait = max(wait, waitFor(f.remaining-s.spec.Checkpointing.Changelog.MaxInFlight, f.rate))
	}
	return sim.FromSeconds(wait)
}

func waitFor(bytes, rate float64) float64 {
	if bytes <= 0 {
		return 0
	}
	if rate <= 0 {
		return storageTick.Seconds()
	}
	return bytes / rate
}

// syncFlush is the sync phase's memtable flush (RocksDB's native
// checkpoint flushes it first): its bytes become an SST file, and the
// phase lasts as long as writing the file to the local disk.
func (s *Simulation) syncFlush(st *subtask) sim.Time {
	l := s.rocksOf(st)
	if l == nil || l.mem <= 0 || l.log != nil { // the changelog backend does not flush
		return 0
	}
	file := s.flush(st, 1, l.mem)
	if d := s.spec.TaskManager.Disk; d > 0 {
		return sim.FromSeconds(file / d)
	}
	return 0
}
