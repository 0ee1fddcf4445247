package models

import (
	"math"

	"github.com/flinksim/flinksim/sim"
)

// The changelog state backend (FLIP-158, ChangelogKeyedStateBackend): every
// state change is also appended to a durable short-term log (DSTL) that
// uploads continuously (FsStateChangelogWriter, with its own upload threads);
// a checkpoint waits only for the tail not yet uploaded, and skips the
// RocksDB flush. In the background the RocksDB underneath is materialized
// every periodic-materialize interval (PeriodicMaterializationManager): an
// incremental upload of the SST files written since the last
// materialization, after which the log before it is truncated. A restore
// downloads the materialized state and then replays the log since, on a
// core. When more than max-in-flight bytes wait to upload, the task blocks
// (backpressure).

// Changelog is the changelog state backend's settings; nil when disabled.
type Changelog struct {
	MaterializeInterval sim.Time // state.changelog.periodic-materialize.interval (10 min)
	UploadThreads       int      // state.changelog.dstl.dfs.upload.num-threads (5)
	MaxInFlight         float64  // state.changelog.dstl.dfs.upload.max-in-flight (100 MB), bytes
}

// DefaultChangelog returns Flink's defaults (StateChangelogOptions,
// FsStateChangelogOptions).
func DefaultChangelog() Changelog {
	return Changelog{MaterializeInterval: 10 * sim.Minute, UploadThreads: 5, MaxInFlight: 100 << 20}
}

// changelogState is one stateful subtask's log.
type changelogState struct {
	appended    float64   // bytes appended to the log so far
	flow        *transfer // the continuous upload (remaining: not yet uploaded), always active
	rate        float64   // bytes/s appended over the last storage tick
	atTick      float64   // appended at the last tick
	atCkpt      float64   // appended at the last checkpoint's snapshot
	truncatedAt float64   // appended when the last completed materialization began
	mat         *transfer // a materialization in progress
	matFrom     float64   // appended when it began
	matSST      float64   // its RocksDB's SST bytes when it began
	baseSST     float64   // SST bytes of the last completed materialization
}

func (s *Simulation) changelogOf(st *subtask) *changelogState {
	if st.lsm == nil {
		return nil
	}
	return st.lsm.log
}

// appendChanges logs bytes of state changes.
func (s *Simulation) appendChanges(st *subtask, bytes float64) {
	l := s.changelogOf(st)
	if l == nil || bytes <= 0 {
		return
	}
	l.appended += bytes
	if l.flow == nil {
		return // cancelled by a failover: a restore starts a new log
	}
	s.storage.advance(s.eng.Now())
	l.flow.total += bytes
	l.flow.remaining += bytes
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

// changelogTail hands a checkpoint the log not yet uploaded (uploaded for
// the checkpoint, on the same connections), the log written since the last
// checkpoint (what the checkpoint adds: its checkpointed size), and the log
// a restore of it replays.
func (s *Simulation) changelogTail(st *subtask) (tail, since, replay float64) {
	l := s.changelogOf(st)
	if l == nil {
		return 0, 0, 0
	}
	since, l.atCkpt = l.appended-l.atCkpt, l.appended
	if l.flow != nil {
		s.storage.advance(s.eng.Now())
		tail = l.flow.remaining
		l.flow.remaining, l.flow.total = 0, math.Max(0, l.flow.total-tail)
	}
	return tail, since, l.appended - l.truncatedAt
}

// materialize is a subtask's periodic materialization coming due.
func (s *Simulation) materialize(st *subtask) {
	l := s.changelogOf(st)
	if l == nil || l.mat != nil || st.region.state != regionRunning {
		return
	}
	l.matFrom, l.matSST = l.appended, st.lsm.sst
	// The backend's own snapshot: incremental (the SST files since the last
	// materialization) or full.
	recs := make([]int64, len(st.ops))
	for pos := range st.ops {
		recs[pos] = st.ops[pos].stateRecs
	}
	live := s.stateBytes(st, recs)
	// no more than the live state: files compacted away are never uploaded
	bytes, full := math.Min(l.matSST-l.baseSST, live), !s.incremental()
	if full {
		bytes = live
	}
	if bytes <= 0 {
		s.materialized(st)
		return
	}
	l.mat = s.storage.startMaterialization(st, bytes, full)
}

// materialized: the log before the materialization is truncated, and the
// next one is due an interval later.
func (s *Simulation) materialized(st *subtask) {
	l := s.changelogOf(st)
	l.mat = nil
	l.truncatedAt, l.baseSST = l.matFrom, l.matSST
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
			// A restored backend keeps the log it restored until its next
			// materialization (ChangelogKeyedStateBackend's
			// restoredNonMaterialized, in every later snapshot): already
			// uploaded, it is no change of the next checkpoint's.
			r := st.lsm.restoredLog
			st.lsm.log = &changelogState{baseSST: st.lsm.sst, appended: r, atCkpt: r, atTick: r}
			st.lsm.log.flow = s.storage.startChangelog(st)
			s.scheduleMaterialization(st)
		}
	}
}
