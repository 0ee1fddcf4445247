package models

import (
	"github.com/flinksim/flinksim/sim"
)

// A subtask's snapshot (Flink's SubtaskCheckpointCoordinatorImpl): it
// forwards the barrier, pauses the task for the sync phase, then uploads
// (async phase) the full state, or with incremental RocksDB checkpoints the
// keys changed since the last completed checkpoint plus compaction, plus the
// persisted in-flight data of an unaligned checkpoint. A subtask acknowledges
// when its upload is done and all its barriers have arrived.

func (s *Simulation) sourceSnapshot(st *subtask, p *pendingCheckpoint) {
	now := s.eng.Now()
	st.ck = taskCkpt{id: p.id, firstAt: now, inputDone: true, baseRecs: st.ck.baseRecs, baseSST: st.ck.baseSST, hasBase: st.ck.hasBase, timedOut: s.pastAlignedTimeout(p), triggers: st.ck.triggers}
	p.subs[st.id].startDelay = startDelay(now, p.trigger)
	st.ck.lastStartDelay = p.subs[st.id].startDelay
	s.snapshot(st, p, s.unalignedActive(st)) // an unaligned barrier overtakes the source's output too
}

// resumeSnapshot takes the snapshot that waited for st's bundle to be
// written, once it is, unless its checkpoint has ended meanwhile.
func (s *Simulation) resumeSnapshot(st *subtask) {
	p := st.ck.preBarrier
	if p == nil || st.stalled > 0 {
		return
	}
	st.ck.preBarrier = nil
	if s.coord.find(p.id) == p {
		if s.trace != nil {
			s.tracef("%s: its bundle is written: barrier %d follows it", st.name(), p.id)
		}
		s.snapshot(st, p, st.ck.preUnaligned)
	}
}

// preBarrier is prepareSnapshotPreBarrier: a mini-batch finishes its
// bundle. It reports whether the barrier must wait: the bundle does not fit
// the output, and Flink's task thread blocks in
// requestBufferBuilderBlocking until it is written; the barrier and the
// snapshot follow then (resumeSnapshot).
func (s *Simulation) preBarrier(st *subtask, p *pendingCheckpoint, unaligned bool) bool {
	if st.ck.preBarrier == p {
		return true // already waiting for its bundle to be written
	}
	if n := s.finishBundle(st); n > 0 && s.trace != nil {
		s.tracef("%s: finishes its bundle of %d record(s) before barrier %d (prepareSnapshotPreBarrier)", st.name(), n, p.id)
	}
	if st.stalled == 0 {
		return false
	}
	st.ck.preBarrier, st.ck.preUnaligned = p, unaligned
	if s.trace != nil {
		s.tracef("%s: its bundle, emitted before barrier %d (prepareSnapshotPreBarrier), does not fit its output: the barrier waits until it is written", st.name(), p.id)
	}
	return true
}

// snapshot takes subtask st's part of checkpoint p: forward the barrier,
// record what a restore needs, then the sync phase.
func (s *Simulation) snapshot(st *subtask, p *pendingCheckpoint, unaligned bool) {
	now := s.eng.Now()
	if s.preBarrier(st, p, unaligned) {
		return
	}
	st.ck.snapshotted = true
	sub := &p.subs[st.id]
	sub.taken, sub.unaligned = true, unaligned
	sub.headIn = st.ops[0].in
	sub.stateRecs = make([]int64, len(st.ops))
	for pos := range st.t.nodes {
		sub.stateRecs[pos] = st.ops[pos].stateRecs
		if o := st.ops[pos].win; o != nil {
			sub.windows = o.snapshot()
		}
		if w := st.ops[pos].sw; w != nil && s.sinkBarrier(w, p) {
			return // it fails at this instant, without acknowledging
		}
	}
	for _, kp := range st.splits {
		p.offsets[kp.gidx] = kp.read
	}
	if unaligned {
		// Input not yet behind a barrier is persisted as channel state: what
		// a remote channel has received (a local one reads the sender's
		// memory: its sender persists that), then whatever reaches the
		// task before the channel's barrier (RemoteInputChannel and
		// LocalInputChannel.checkpointStarted, ChannelStatePersister).
		s.persistTaken(st, p)
		for _, g := range st.gates {
			for _, c := range g.ch {
				if c.barrierSeen >= p.id || (c.readable() > 0 && int64(c.q.Front().Barrier) >= p.id) {
					continue // its barrier is here: what follows belongs to the next checkpoint
				}
				c.persist = p.id
				if c.local {
					continue
				}
				// What is readable up to this checkpoint's barrier; what
				// follows the barrier belongs to the next epoch.
				var cs Chunk
				for j := 0; j < c.readable(); j++ {
					ch := c.q.At(j)
					if int64(ch.Barrier) >= p.id {
						break
					}
					if ch.Barrier == 0 {
						absorbInFlight(&cs, ch)
					}
				}
				sub.persisted += cs.Bytes
				if cs.Records > 0 || cs.Bytes > 0 { // a record's first buffers too (spanning.go)
					p.channelState = append(p.channelState, channelState{c, cs})
				}
			}
		}
	}
	s.emitBarriers(st, p, unaligned)
	if s.trace != nil {
		s.traceSnapshot(st, p, unaligned)
	}
	sub.syncStart = now
	d := s.syncDuration(st.t)
	if st.t.stateful() {
		d += s.syncFlush(st) // even with no other pause
	}
	if st.lsm != nil {
		sub.sst = st.lsm.mark()
	}
	if d > 0 {
		st.setBusy(true)
		st.syncing = p.id
		st.setState(now, stBusy)
		s.eng.After(d, evSyncDone, st.id, stamp(st, p.id))
		return
	}
	s.afterSync(st, p)
}

// syncDuration is how long a subtask of task t pauses for its sync phase,
// besides RocksDB's memtable flush: only tasks with keyed state have one.
// The capacity's checkpoint costs (capacity.go) take the same pause.
func (s *Simulation) syncDuration(t *task) sim.Time {
	if !t.stateful() {
		return 0
	}
	return s.spec.Checkpointing.SyncPhase
}

// afterSync starts the async phase: the upload.
func (s *Simulation) afterSync(st *subtask, p *pendingCheckpoint) {
	now := s.eng.Now()
	sub := &p.subs[st.id]
	sub.sync = now - sub.syncStart
	full := s.stateBytes(st, sub.stateRecs)
	sub.stateSize = int64(full)
	sub.opState = s.readerState(st)
	up := full
	incremental := s.incremental()
	switch {
	case st.lsm != nil && st.lsm.log != nil:
		// The changelog backend: the checkpoint uploads and adds the log's
		// tail not yet uploaded; it holds the materialized state and the
		// log since it (changelog.go).
		var materialized float64
		up, sub.replay, materialized = s.changelogSnapshot(st)
		sub.stateSize, sub.matID = int64(materialized), st.lsm.log.matID
	case incremental && st.lsm != nil:
		// Its full size is every SST file it references, level 0's
		// overlapping the levels' keys included
		// (IncrementalRemoteKeyedStateHandle.getStateSize sums the shared
		// and private handles); a restore downloads them all. It uploads
		// the files written since the last confirmed checkpoint that are
		// still live (lsm_files.go), all of them the first time.
		files := s.liveFiles(st, sub.sst, full)
		sub.stateSize, up = int64(files), files
		if st.ck.hasBase {
			up = s.uploadSince(sub.sst, st.ck.baseSST, full)
		}
	}
	sub.stateUp = int64(up)
	sub.uploaded = sub.stateUp + sub.persisted
	if st.ck.id == p.id {
		st.ck.asyncBegun = true
	}
	s.checkHandles(st, sub, up, incremental)
	transfer := up + float64(sub.persisted+s.opFile(sub)) // operator state inlined in the metadata is not uploaded
	if s.trace != nil && sub.uploaded > 0 {
		s.tracef("%s async phase of checkpoint %d: uploads %s (keyed state %s, in-flight data %s)",
			st.name(), p.id, bytesText(int64(transfer)), bytesText(sub.stateUp), bytesText(sub.persisted))
	}
	if transfer <= 0 {
		s.uploaded(st, p.id)
		return
	}
	s.storage.startUpload(st, p.id, transfer, !incremental)
}

// stateBytes is the subtask's full keyed state for the given per-node
// record counts.
func (s *Simulation) stateBytes(st *subtask, recs []int64) (full float64) {
	for pos, rt := range st.t.nodes {
		k := rt.spec.Keyed
		if k == nil || k.StatePerKey == 0 {
			continue
		}
		full += rt.distinctKeys(st.index, recs[pos]) * float64(k.StatePerKey)
	}
	for _, op := range st.ops {
		if op.win != nil {
			full += op.win.bytes // the windows now (their records or accumulators)
		}
	}
	return full
}

// incremental: checkpoints upload RocksDB's new SST files
// (execution.checkpointing.incremental with state.backend.type: rocksdb);
// otherwise every snapshot is full.
func (s *Simulation) incremental() bool {
	c := s.spec.Checkpointing
	return c.Incremental && c.RocksDB
}

// uploaded is a subtask's async phase ending.
func (s *Simulation) uploaded(st *subtask, id int64) {
	p := s.coord.find(id)
	if p == nil {
		return
	}
	sub := &p.subs[st.id]
	sub.async = s.eng.Now() - sub.syncStart - sub.sync
	if s.declineTooLarge(st, p) {
		return
	}
	if st.ck.id != id {
		s.coord.ack(st, id)
		return
	}
	if s.trace != nil && !st.ck.inputDone {
		s.tracef("%s upload of checkpoint %d done: it acknowledges once the barriers of all its input channels have arrived", st.name(), id)
	}
	if s.trace != nil && st.ck.outPending > 0 {
		s.tracef("%s upload of checkpoint %d done: it acknowledges once its barriers in %d output channel(s) have been sent or timed out", st.name(), id, st.ck.outPending)
	}
	st.ck.uploadDone = true
	s.tryAck(st, id)
}

// checkpointCompleted: Kafka may drop what is older than the new restore
// point, and incremental checkpoints build on it.
func (s *Simulation) checkpointCompleted(p *pendingCheckpoint) {
	s.sinksCheckpointCompleted(p)
	for i, kp := range s.kafka {
		kp.retain(p.offsets[i])
	}
	for _, st := range s.subtasks {
		if sub := p.subs[st.id]; sub.taken {
			st.ck.baseRecs = append(st.ck.baseRecs[:0], sub.stateRecs...)
			st.ck.baseSST = sub.sst
			st.ck.hasBase = true
			s.confirmMaterialization(st, sub.matID)
		}
	}
}

// claimRestoredState: a job that claims the checkpoint it started from
// (execution.state-recovery.claim-mode CLAIM or LEGACY) builds its first
// incremental checkpoint on that checkpoint's files.
func (s *Simulation) claimRestoredState() {
	c := s.spec.Checkpointing
	if c == nil || !c.Claimed || !s.incremental() {
		return
	}
	for _, st := range s.subtasks {
		if st.lsm != nil && s.initialState(st) > 0 {
			st.ck.hasBase = true
			st.ck.baseRecs = make([]int64, len(st.ops))
		}
	}
}

// abortCheckpoint cleans up after a failed checkpoint: its uploads stop and
// alignments on it end; its barriers still in flight are ignored.
func (s *Simulation) abortCheckpoint(p *pendingCheckpoint) {
	if s.storage != nil {
		s.storage.cancel(func(t *transfer) bool { return t.kind == upload && t.ckpt == p.id })
	}
	for _, st := range s.subtasks {
		if st.ck.id == p.id && !st.ck.inputDone {
			if s.trace != nil && len(st.ck.blocked) > 0 {
				s.tracef("%s stops aligning on checkpoint %d: its blocked channels are unblocked", st.name(), p.id)
			}
			s.unblockAll(st)
		}
		for _, g := range st.gates {
			for _, c := range g.ch {
				if c.persist == p.id {
					c.persist = 0
				}
			}
		}
	}
}

// persistArrived persists a data buffer that reached a receiver on c after
// its unaligned snapshot and before c's barrier (ChannelStatePersister);
// a barrier ends it.
func (s *Simulation) persistArrived(c *channel, ch *Chunk) {
	if ch.Barrier != 0 {
		if int64(ch.Barrier) >= c.persist {
			c.persist = 0
		}
		return
	}
	p := s.coord.find(c.persist)
	if p == nil {
		c.persist = 0
		return
	}
	p.subs[c.dst.owner.id].persisted += ch.Bytes
	if n := len(p.channelState); n > 0 && p.channelState[n-1].c == c {
		absorbInFlight(&p.channelState[n-1].chunk, ch)
		return
	}
	p.channelState = append(p.channelState, channelState{c, *ch})
}

// persistTaken persists, at an unaligned snapshot, the input a task has
// taken from its channels but not processed yet (the unconsumed part of
// the buffer in its deserializer, which StreamTaskNetworkInput hands to the
// channel state writer), each part for the channel it came from.
func (s *Simulation) persistTaken(st *subtask, p *pendingCheckpoint) {
	rest := st.in
	for _, h := range st.held {
		if rest.Records == 0 {
			break
		}
		piece := rest
		if h.records < rest.Records {
			piece = rest.Take(h.records)
		} else {
			rest.Records = 0
		}
		p.subs[st.id].persisted += piece.Bytes
		p.channelState = append(p.channelState, channelState{h.c, piece})
	}
	s.persistSpan(st, p)
}
