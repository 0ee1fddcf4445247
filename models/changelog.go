package models

import (
	"fmt"
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
	matTo       float64   // appended up to the materialized state (Flink's lastMaterializedTo; a restored log's end)
	// Materializations by number (ChangelogKeyedStateBackend's
	// materializedId, and lastConfirmedMaterializationId): started is the
	// newest begun, matID the materialized state's (counted on from the
	// restored checkpoint's), confirmed the newest a completed checkpoint
	// held.
	started, matID, confirmed int64
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
	if l == nil || l.mat != nil || st.dead || st.region.state != regionRunning {
		return // a task on a lost TaskManager runs nothing, noticed or not
	}
	// None starts while the last one is unconfirmed, no completed
	// checkpoint holding it yet (initMaterialization: the shared files'
	// chain would break), nor with nothing logged since it; the next try
	// is an interval later (PeriodicMaterializationManager).
	if l.started > l.confirmed || l.appended <= l.matTo {
		if s.trace != nil && l.started > l.confirmed {
			s.tracef("%s skips a materialization: no completed checkpoint holds materialization %d yet", st.name(), l.started)
		}
		s.scheduleMaterialization(st)
		return
	}
	l.started++
	if s.trace != nil {
		s.tracef("%s begins materialization %d: %.0f bytes logged since the last", st.name(), l.started, l.appended-l.matTo)
	}
	// It is the nested RocksDB's snapshot, whose native checkpoint flushes
	// the memtable first (RocksIncrementalSnapshotStrategy): its bytes are
	// uploaded with the rest. The flush's pause of the task thread is not
	// simulated.
	if db := s.rocksOf(st); db != nil && db.mem > 0 {
		s.flush(st, 1, db.mem)
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
	// its live files written since the last, which a completed checkpoint
	// confirmed (above): RocksDB's incremental snapshot builds on the
	// materialization it was last notified of (lsm_files.go)
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
	l.matTo, l.matID = l.matFrom, l.started
	s.scheduleMaterialization(st)
}

// confirmMaterialization: a completed checkpoint held the subtask's
// materialization id (ChangelogKeyedStateBackend.notifyCheckpointComplete),
// which lets the next one start.
func (s *Simulation) confirmMaterialization(st *subtask, id int64) {
	if l := s.changelogOf(st); l != nil && id > l.confirmed {
		l.confirmed = id
	}
}

// materializationPhase is how long after its backend starts a subtask's
// first materialization comes: PeriodicMaterializationManager spreads
// them over an interval ("to avoid thundering herd") by a hash of the
// operator subtask's description (OperatorSubtaskDescriptionText: its
// class, OperatorID and index), in whole milliseconds. flinksim cannot
// compute an OperatorID, so the phase is drawn per subtask, the same
// after every restore, as the hash is.
func (s *Simulation) materializationPhase(st *subtask) sim.Time {
	ms := int64(s.spec.Checkpointing.Changelog.MaterializeInterval / sim.Millisecond)
	if ms <= 0 {
		return 0
	}
	r := s.streams.Stream(fmt.Sprintf("materialization/%s/%d", st.t.nodes[0].spec.Name, st.index))
	return sim.Time(r.Int64N(ms)) * sim.Millisecond
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
			r, m := st.lsm.restoredLog, st.lsm.restoredMat
			st.lsm.log = &changelogState{baseSST: st.lsm.mark(), base: st.lsm.restoredBase, appended: r, atTick: r,
				matTo: r, started: m, matID: m, confirmed: m}
			st.lsm.log.flow = s.storage.startChangelog(st)
			s.eng.After(s.materializationPhase(st), evMaterialize, st.id, stamp(st, 0))
		}
	}
}
