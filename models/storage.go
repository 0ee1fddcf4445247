package models

import (
	"math"

	"github.com/flinksim/flinksim/sim"
)

// Background work on the TaskManagers, as fluid flows: checkpoint uploads,
// state downloads, RocksDB compaction. Each flow is a claim on resources
// (resources.go): its TaskManager's cores, network (in or out), disk, and
// for a remote transfer the checkpoint storage's aggregate throughput; its
// own cap is what its connections (streams × the storage's per-stream
// bandwidth) or threads allow. Rates are shared max-min fairly with the
// task threads, recomputed whenever a flow starts or ends and every
// storageTick, when the task threads' demands are measured again. A remote
// transfer first pays the request latency of its files, in rounds of
// TransferThreads.

const storageTick = sim.Second

type transferKind uint8

const (
	upload transferKind = iota
	download
	compaction
	changelogUpload // the changelog's continuous upload (changelog.go)
	materialization // a changelog backend's background snapshot
)

type transfer struct {
	st        *subtask
	kind      transferKind
	ckpt      int64
	total     float64
	remaining float64
	readyAt   sim.Time // request latency paid
	rate      float64
	// what one byte takes: connections to the storage (0: local), core
	// seconds, disk bytes, and the network direction
	streams float64
	cpu     float64
	cpuCap  float64 // bytes/s its threads can do (math.Inf(1): no limit)
	disk    float64
	net     int32   // resIn or resOut, or -1
	replay  float64 // a changelog restore: log bytes to replay once this download is done
	cl      claim
	u       [5]use
}

type storage struct {
	s      *Simulation
	cfg    Storage
	active []*transfer
	last   sim.Time
	timer  sim.Timer
	factor float64 // 1 normally; <1 in a slowdown; 0 in an outage
	tickAt sim.Time
	res    *resources
	onDone func(*transfer) // tests: called for each finished transfer
}

func newStorage(s *Simulation, cfg Storage) *storage {
	return &storage{s: s, cfg: cfg, factor: 1, timer: s.eng.NewTimer(), res: newResources(s)}
}

// startUpload begins subtask st's upload of bytes for checkpoint ckpt: SST
// files with transfer threads (incremental), or one stream that serializes
// the state as it goes (a full snapshot, FullSnapshotAsyncWriter).
func (g *storage) startUpload(st *subtask, ckpt int64, bytes float64, full bool) {
	t := &transfer{st: st, kind: upload, ckpt: ckpt, net: resOut, cpuCap: math.Inf(1)}
	lsm := g.s.spec.Checkpointing.LSM
	if full {
		t.streams = 1
		t.perCore(lsm.SnapshotRate, 1)
		if g.s.spec.Checkpointing.LocalBackup {
			t.disk++ // the local copy is written as it streams
		}
	} else {
		t.streams = g.fileStreams(bytes)
	}
	if g.s.spec.Checkpointing.RocksDB {
		t.disk++ // read from the local RocksDB
	}
	rounds := g.requestRounds(bytes, full)
	if g.s.spec.Checkpointing.MaxStateSize > 0 {
		// To the JobManager with the acknowledgement (memstorage.go): no
		// connection to the storage, no file requested.
		t.streams, rounds = 0, 0
	}
	g.start(t, bytes, rounds)
}

// startDownload begins subtask st's restore of bytes from checkpoint ckpt:
// SST files with transfer threads (incremental, RocksDBIncrementalRestoreOperation),
// or one stream re-inserted entry by entry (full format,
// RocksDBFullRestoreOperation and HeapRestoreOperation); local reads the
// TaskManager's own copy instead of the storage.
func (g *storage) startDownload(st *subtask, ckpt int64, bytes float64, full, local bool) *transfer {
	t := &transfer{st: st, kind: download, ckpt: ckpt, net: resIn, cpuCap: math.Inf(1)}
	rounds := 0.0
	if local {
		t.net = -1
		t.disk++ // read the local copy
	} else {
		t.streams = g.fileStreams(bytes)
		rounds = g.requestRounds(bytes, full)
		if full {
			t.streams = 1
		}
	}
	if full {
		rate := g.s.spec.Checkpointing.LSM.RestoreRate
		t.perCore(rate, 1)
		if s := g.cfg.StreamDownload; !local && s > 0 && rate > 0 {
			// One thread reads the stream and inserts what it read, in
			// turn: download time plus re-insert time.
			t.cpuCap = 1 / (1/s + 1/rate)
		}
	}
	if g.s.spec.Checkpointing.RocksDB && !(local && !full) {
		t.disk++ // written into the local RocksDB
	}
	g.start(t, bytes, rounds)
	return t
}

// startChangelog begins subtask st's continuous log upload, on the
// changelog's own upload threads (changelog.go adds to it).
func (g *storage) startChangelog(st *subtask) *transfer {
	t := &transfer{st: st, kind: changelogUpload, net: resOut, cpuCap: math.Inf(1),
		streams: float64(max(g.s.spec.Checkpointing.Changelog.UploadThreads, 1))}
	g.start(t, 0, 0)
	return t
}

// startMaterialization begins subtask st's background snapshot: the SST
// files written since its last materialization, or a full snapshot.
func (g *storage) startMaterialization(st *subtask, bytes float64, full bool) *transfer {
	t := &transfer{st: st, kind: materialization, net: resOut, cpuCap: math.Inf(1), disk: 1, streams: g.fileStreams(bytes)}
	if full {
		t.streams = 1
		t.perCore(g.s.spec.Checkpointing.LSM.SnapshotRate, 1)
	}
	g.start(t, bytes, g.requestRounds(bytes, full))
	return t
}

// startCompaction begins subtask st's compaction flow (lsm.go adds work to it).
func (g *storage) startCompaction(st *subtask) *transfer {
	lsm := g.s.spec.Checkpointing.LSM
	t := &transfer{st: st, kind: compaction, net: -1, cpuCap: math.Inf(1), disk: 2} // read and write
	t.perCore(lsm.CompactionRate, float64(max(lsm.BackgroundThreads, 1)))
	t.cl.threads = float64(max(lsm.BackgroundThreads, 1))
	g.start(t, 0, 0)
	return t
}

// perCore makes the flow cost a core-second per rate bytes, on at most
// threads cores; a rate of 0 costs no CPU.
func (t *transfer) perCore(rate, threads float64) {
	if rate > 0 {
		t.cpu, t.cpuCap = 1/rate, threads*rate
	}
}

// fileStreams is how many files move at once: transfer threads, at most one per file.
func (g *storage) fileStreams(bytes float64) float64 {
	return math.Min(float64(max(g.cfg.TransferThreads, 1)), g.files(bytes))
}

func (g *storage) files(bytes float64) float64 {
	return math.Max(1, math.Ceil(bytes/float64(max(g.cfg.FileSize, 1))))
}

// requestRounds is how many request latencies a transfer waits: one per
// round of transfer threads, or one for a single stream.
func (g *storage) requestRounds(bytes float64, stream bool) float64 {
	if stream {
		return 1
	}
	return math.Ceil(g.files(bytes) / float64(max(g.cfg.TransferThreads, 1)))
}

func (g *storage) start(t *transfer, bytes, rounds float64) {
	now := g.s.eng.Now()
	g.advance(now)
	t.total, t.remaining = bytes, bytes
	t.readyAt = sim.Add(now, sim.Scale(g.cfg.RequestLatency, rounds))
	g.active = append(g.active, t)
	g.reschedule()
}

// cancel drops the transfers for which drop returns true.
func (g *storage) cancel(drop func(*transfer) bool) {
	g.advance(g.s.eng.Now())
	for _, t := range g.remove(drop) {
		l := t.st.lsm
		switch {
		case l == nil:
		case t.kind == compaction:
			l.compact, l.l0 = nil, 0
		case t.kind == changelogUpload && l.log != nil:
			l.log.flow = nil
		case t.kind == materialization && l.log != nil:
			l.log.mat = nil
		}
	}
	g.reschedule()
}

// remove takes the transfers for which out returns true off the active list
// and returns them.
func (g *storage) remove(out func(*transfer) bool) []*transfer {
	var removed []*transfer
	kept := g.active[:0]
	for _, t := range g.active {
		if out(t) {
			removed = append(removed, t)
			continue
		}
		kept = append(kept, t)
	}
	clear(g.active[len(kept):])
	g.active = kept
	return removed
}

// setFactor changes the storage's speed (slowdowns and outages).
func (g *storage) setFactor(f float64) {
	g.advance(g.s.eng.Now())
	g.factor = f
	g.reschedule()
}

// advance moves every flow forward to now at its current rate.
func (g *storage) advance(now sim.Time) {
	dt := (now - g.last).Seconds()
	if dt > 0 {
		for _, t := range g.active {
			if t.readyAt <= g.last && t.rate > 0 {
				moved := math.Min(t.rate*dt, t.remaining)
				t.remaining -= moved
				if t.kind == compaction {
					t.st.lsm.compacted(moved, t.remaining)
				}
			}
		}
	}
	g.last = now
}

// handle is the storage's event: flows may have finished, latencies
// passed, or a tick come due.
func (g *storage) handle() {
	now := g.s.eng.Now()
	g.advance(now)
	if now >= g.tickAt {
		g.res.sample(now)
		g.tickAt = now + storageTick
	}
	done := g.remove(func(t *transfer) bool {
		return t.kind != changelogUpload && t.readyAt <= now && t.remaining <= 1e-6*math.Max(1, t.total)
	})
	g.reschedule()
	for _, t := range done {
		if g.onDone != nil {
			g.onDone(t)
			continue
		}
		g.s.transferDone(t)
	}
	for _, st := range g.s.subtasks {
		if st.lsm != nil {
			g.s.updateStall(st)
		}
	}
}

// reschedule recomputes the rates and arms the next storage event.
func (g *storage) reschedule() {
	now := g.s.eng.Now()
	if len(g.active) == 0 && !g.res.finite {
		g.s.eng.Disarm(g.timer) // nothing to share
		return
	}
	if g.tickAt <= now {
		g.res.sample(now)
		g.tickAt = now + storageTick
	}
	g.res.share(now, g.active, g.factor)
	g.rearm()
}

// rearm arms the storage's next event: the tick, a request latency paid,
// or the first flow to finish at its rate.
func (g *storage) rearm() {
	now := g.s.eng.Now()
	next := g.tickAt
	for _, t := range g.active {
		switch {
		case t.readyAt > now:
			next = min(next, t.readyAt)
		case t.kind == changelogUpload:
			// never finishes; its claim is renewed every tick
		case t.rate > 0:
			next = min(next, sim.Add(now, max(1, sim.FromSeconds(t.remaining/t.rate))))
		case t.remaining <= 0 && t.kind != compaction && t.kind != changelogUpload:
			next = now
		}
	}
	g.s.eng.Arm(g.timer, next, evStorage, 0, 0)
}

// transferDone is a flow finishing.
func (s *Simulation) transferDone(t *transfer) {
	switch t.kind {
	case compaction:
		t.st.lsm.compact, t.st.lsm.l0 = nil, 0
		s.updateStall(t.st)
		return
	case materialization:
		s.materialized(t.st)
		return
	case download:
		if t.replay > 0 {
			// The materialized state is there: replay the log since, read
			// and re-applied on one thread.
			s.storage.startDownload(t.st, t.ckpt, t.replay, true, false)
			return
		}
		r := t.st.region
		r.restoring--
		s.subtaskRestored(t.st)
		if r.restoring == 0 && r.state == regionInitializing {
			s.regionRestored(r)
		}
		return
	}
	if p := s.coord.find(t.ckpt); p != nil && p.injected > 0 {
		s.failCheckpointInjected(p.injected-1, p.id)
		return
	}
	s.uploaded(t.st, t.ckpt)
}
