package models

import (
	"math"

	"github.com/flinksim/flinksim/sim"
)

// The changelog state backend (FLIP-158, ChangelogKeyedStateBackend): every
// state change is also appended to a durable short-term log (DSTL). The
// log's writer (FsStateChangelogWriter) keeps what is appended in an active
// change set and hands it to its upload threads once it reaches the
// pre-emptive persist threshold (append: preEmptiveFlushIfNeeded); a
// checkpoint hands over the rest and waits only for the log not yet
// uploaded, and skips the RocksDB flush. In the background the RocksDB
// underneath is materialized every periodic-materialize interval
// (PeriodicMaterializationManager): an incremental upload of the SST files
// written since the last materialization, after which the log before it is
// truncated. A restore downloads the materialized state and then replays
// the log since, on a core. When more than max-in-flight bytes wait to
// upload, the task blocks (backpressure).
//
// A checkpoint's sizes are its handle's (ChangelogStateBackendHandleImpl):
// the full size (getStateSize) sums the materialized state (the
// materialization's full size, or the state the backend restored) and the
// log since it, restored or appended; the checkpointed size
// (getCheckpointedSize) is only what the writer uploaded for this
// checkpoint (persistedSizeOfThisCheckpoint, the delta's incremental size:
// FsStateChangelogWriter counts the uploads that complete after the
// checkpoint asked for them, never those already done): neither a
// materialization nor the log uploaded pre-emptively before the checkpoint
// counts.

// Changelog is the changelog state backend's settings; nil when disabled.
type Changelog struct {
	MaterializeInterval sim.Time // state.changelog.periodic-materialize.interval (10 min)
	UploadThreads       int      // state.changelog.dstl.dfs.upload.num-threads (5)
	MaxInFlight         float64  // state.changelog.dstl.dfs.upload.max-in-flight (100 MB), bytes
	// PreEmptiveThreshold is
	// state.changelog.dstl.dfs.preemptive-persist-threshold (5 MB), bytes:
	// the active change set the writer hands to its uploads (0: every
	// change at once).
	PreEmptiveThreshold float64
}

// DefaultChangelog returns Flink's defaults (StateChangelogOptions,
// FsStateChangelogOptions).
func DefaultChangelog() Changelog {
	return Changelog{MaterializeInterval: 10 * sim.Minute, UploadThreads: 5, MaxInFlight: 100 << 20, PreEmptiveThreshold: 5 << 20}
}

// changelogState is one stateful subtask's log.
type changelogState struct {
	appended    float64   // bytes appended to the log so far (a restored log included)
	active      float64   // of them, the active change set: not yet handed to the upload
	flow        *transfer // the upload of what was handed over (remaining: not yet uploaded), always active
	rate        float64   // bytes/s appended over the last storage tick
	atTick      float64   // appended at the last tick
	truncatedAt float64   // appended when the last completed materialization began
	base        float64   // full size of the materialized state: the last materialization's, or the restored state
	mat         *transfer // a materialization in progress
	matFrom     float64   // appended when it began
	matSST      sstMark   // its RocksDB's SST files when it began
	matFull     float64   // its full size: the state when it began
	baseSST     sstMark   // SST files of the last completed materialization
}

func (s *Simulation) changelogOf(st *subtask) *changelogState {
	if st.lsm == nil {
		return nil
	}
	return st.lsm.log
}

// appendChanges logs bytes of state changes: they join the active change
// set, which goes to the upload once it reaches the pre-emptive threshold
// (FsStateChangelogWriter.append).
func (s *Simulation) appendChanges(st *subtask, bytes float64) {
	l := s.changelogOf(st)
	if l == nil || bytes <= 0 {
		return
	}
	l.appended += bytes
	if l.flow == nil {
		return // cancelled by a failover: a restore starts a new log
	}
	l.active += bytes
	if l.active < s.spec.Checkpointing.Changelog.PreEmptiveThreshold {
		return
	}
	s.storage.advance(s.eng.Now())
	l.flow.total += l.active
	l.flow.remaining += l.active
	l.active = 0
}

// claim is what the log's upload asks of its connections: what was
// appended over the last tick, and what waits, within a tick.
func (l *changelogState) claim() float64 {
	if l.flow == nil {
		return l.rate
	}
	return l.rate + l.flow.remaining/storageTick.Seconds()
}

// changelogBlocked: more than max-in-flight bytes wait to upload, so the
// task's writes block.
func (s *Simulation) changelogBlocked(st *subtask) bool {
	l := s.changelogOf(st)
	return l != nil && l.flow != nil && l.flow.remaining > s.spec.Checkpointing.Changelog.MaxInFlight
}

// changelogSnapshot is a checkpoint's part of the log
// (ChangelogKeyedStateBackend.snapshot, FsStateChangelogWriter.persist):
// the tail it uploads, the active change set and what waits to upload (its
// checkpointed size: what was uploaded before is not counted), the log
// since the last materialization (a restore replays it), and the
// materialized state's full size.
func (s *Simulation) changelogSnapshot(st *subtask) (tail, replay, materialized float64) {
	l := s.changelogOf(st)
	if l == nil {
		return 0, 0, 0
	}
	tail, l.active = l.active, 0
	if l.flow != nil {
		s.storage.advance(s.eng.Now())
		waiting := l.flow.remaining
		l.flow.remaining, l.flow.total = 0, math.Max(0, l.flow.total-waiting)
		tail += waiting
	}
	return tail, l.appended - l.truncatedAt, l.base
}

// materialize is a subtask's periodic materialization coming due.
func (s *Simulation) materialize(st *subtask) {
	l := s.changelogOf(st)
	if l == nil || l.mat != nil || st.region.state != regionRunning {
		return
	}
	l.matFrom, l.matSST = l.appended, st.lsm.mark()
	// The backend's own snapshot: incremental (the SST files since the last
	// materialization) or full.
	recs := make([]int64, len(st.ops))
	for pos := range st.ops {
		recs[pos] = st.ops[pos].stateRecs
	}
	live := s.stateBytes(st, recs)
	l.matFull = live // the snapshot's full size (all its SST files)
	// its live files written since the last (lsm_files.go)
	bytes, full := s.uploadSince(l.matSST, l.baseSST, live), !s.incremental()
	if full {
		bytes = live
	}
	if bytes <= 0 {
		s.materialized(st)
		return
	}
	l.mat = s.storage.startMaterialization(st, bytes, full)
}

// materialized: the log before the materialization is truncated, its
// snapshot is the materialized state of later checkpoints, and the next one
// is due an interval later.
func (s *Simulation) materialized(st *subtask) {
	l := s.changelogOf(st)
	l.mat = nil
	l.truncatedAt, l.baseSST, l.base = l.matFrom, l.matSST, l.matFull
	s.scheduleMaterialization(st)
}

func (s *Simulation) scheduleMaterialization(st *subtask) {
	s.eng.After(s.spec.Checkpointing.Changelog.MaterializeInterval, evMaterialize, st.id, stamp(st, 0))
}

// startChangelogs begins the log and the periodic materialization of every
// stateful subtask of sts (at the start, and after a region's restore).
func (s *Simulation) startChangelogs(sts []*subtask) {
	c := s.spec.Checkpointing
	if c == nil || c.Changelog == nil {
		return
	}
	for _, st := range sts {
		if st.lsm != nil {
			// A restored backend keeps the state and the log it restored
			// until its next materialization (ChangelogKeyedStateBackend's
			// completeRestore: materialized and restoredNonMaterialized, in
			// every later snapshot); already uploaded, the log is not in the
			// active change set.
			r := st.lsm.restoredLog
			st.lsm.log = &changelogState{baseSST: st.lsm.mark(), base: st.lsm.restoredBase, appended: r, atTick: r}
			st.lsm.log.flow = s.storage.startChangelog(st)
			s.scheduleMaterialization(st)
		}
	}
}
