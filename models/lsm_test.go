package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// distinctAmong is the closed form, written out here apart from the
// model's: of keys with probabilities p (one entry per group of equally
// likely keys: count keys of probability p each), the expected number
// drawn at least once in n draws, Σ_k 1 − (1 − p_k)^n.
func distinctAmong(n float64, groups ...[2]float64) float64 {
	d := 0.0
	for _, g := range groups {
		count, p := g[0], g[1]
		d += count * (1 - math.Pow(1-p, n))
	}
	return d
}

// rocksJob is a source feeding a keyed operator (one subtask) on RocksDB
// whose memtable holds wb bytes, with no compaction (write amplification
// 1: what RocksDB writes is its flushes) and no checkpoint in the run
// (the first trigger comes after an hour).
func rocksJob(keys KeySpace, perKey int64, rate float64, wb int64) Spec {
	spec := ckptJob(sim.Hour, 10)
	spec.Duration = 10 * sim.Second
	spec.Nodes[0].Kafka.Rate = ConstantRate(rate)
	spec.Nodes[1].Keyed = &Keyed{Keys: keys, StatePerKey: perKey, Warm: true}
	c := spec.Checkpointing
	c.MinPause, c.RocksDB = sim.Hour, true
	c.LSM = LSM{WriteBufferSize: wb, WriteAmplification: 1}
	return spec
}

// TestFlushWritesDistinctKeys: a full memtable becomes a level-0 file of
// the distinct keys among its puts (the flush job's CompactionIterator
// keeps each key's newest value), so a memtable of n updates over keys
// drawn with probabilities p_k flushes Σ_k 1 − (1 − p_k)^n keys' values;
// appended state (a ProcessWindowFunction's elements) flushes every byte
// put. Compared over all the run's flushes, each of a full write buffer.
func TestFlushWritesDistinctKeys(t *testing.T) {
	const perKey, wb = 1000, 1 << 20
	n := float64(wb) / perKey // updates in a full memtable
	hot := &Population{N: 100_000, Shape: ShapeHotSet, HotFraction: 0.01, HotShare: 0.99}
	for _, c := range []struct {
		name string
		keys KeySpace
		wb   int64   // the write buffer: n updates
		want float64 // keys in a flushed file
	}{
		{"keys far more than updates", UniformKeys{N: 10_000_000}, wb, distinctAmong(n, [2]float64{1e7, 1e-7})},
		{"keys about the updates", UniformKeys{N: 1000}, wb, distinctAmong(n, [2]float64{1000, 1e-3})},
		{"few keys updated many times", UniformKeys{N: 50}, wb, distinctAmong(n, [2]float64{50, 0.02})},
		// 1000 hot keys take 99% of the records, the other 99,000 the rest
		{"hot set", hot, wb, distinctAmong(n, [2]float64{1000, 0.99 / 1000}, [2]float64{99_000, 0.01 / 99_000})},
		// a step of 20 records puts 2.4 write buffers: two files at once
		{"several files a step", UniformKeys{N: 50}, 8 << 10, distinctAmong(float64(8<<10)/perKey, [2]float64{50, 0.02})},
	} {
		s := runCkpt(t, rocksJob(c.keys, perKey, 20_000, c.wb))
		rt := s.nodes[1]
		st := rt.task.subtasks[0]
		put := float64(st.ops[rt.pos].in) * perKey
		files := (put - st.lsm.mem) / float64(c.wb)
		if files < 50 || math.Abs(files-math.Round(files)) > 1e-6 {
			t.Fatalf("%s: %.3f memtables flushed, want a whole number of at least 50", c.name, files)
		}
		if want := files * c.want * perKey; math.Abs(st.lsm.wrote[0]-want) > 1e-9*want {
			t.Errorf("%s: %.0f files wrote %.0f bytes, want %.0f (%.1f keys of %.0f updates each)", c.name, files, st.lsm.wrote[0], want, c.want, float64(c.wb)/perKey)
		}
	}
	// Appended: a tumbling window's elements (a ProcessWindowFunction's
	// list), each a new entry, beside a value per key updated by every
	// record (windowed state alone has no RocksDB ledger: lsm.go keeps one
	// for keyed state).
	const keys, per = 10, 100
	spec := windowJob(2000, 4, 40*sim.Second, EventTime{OutOfOrderness: 5 * sim.Second},
		Window{Kind: Tumbling, Size: 10 * sim.Second, Buffering: true})
	spec.Nodes[0].Parallelism, spec.Nodes[1].Parallelism, spec.Nodes[2].Parallelism = 1, 1, 1
	spec.Nodes[1].Keyed = &Keyed{Keys: UniformKeys{N: keys}, StatePerKey: per}
	spec.Checkpointing = rocksJob(UniformKeys{N: 1}, perKey, 1, wb).Checkpointing
	s := runCkpt(t, spec)
	rt := s.nodes[1]
	st := rt.task.subtasks[0]
	elem := float64(rt.inRecordSize)
	put := float64(st.ops[rt.pos].in) * (elem + per)
	files := (put - st.lsm.mem) / wb
	m := wb / (elem + per) // records in a full memtable
	want := files * (m*elem + distinctAmong(m, [2]float64{keys, 1.0 / keys})*per)
	if files < 10 || math.Abs(st.lsm.wrote[0]-want) > 1e-9*want {
		t.Errorf("window elements: %.2f files wrote %.0f bytes, want %.0f (every element, and %d values)", files, st.lsm.wrote[0], want, keys)
	}
}

// TestIncrementalCheckpointOfFewKeysUpdatedOften: a job that updates a few
// keys many times a checkpoint period uploads, per incremental checkpoint,
// the period's level-0 file, which holds the keys it updated once each,
// and what compaction legitimately adds: at most write amplification − 1
// bytes per byte flushed, and no more than leveled compaction rewrites of
// a state within level 1 (256 MiB), which merges every 4 level-0 files
// with all of it: a quarter of the state per flush. Not the period's
// updates: 30,000 of 1 KiB put 29 MiB a period, which flushes and
// compaction as if every update were a new key would upload again and
// again (84 MiB a checkpoint here). And a state of a few keys updated
// many times pauses its sync phase for their flush, not the updates'.
func TestIncrementalCheckpointOfFewKeysUpdatedOften(t *testing.T) {
	const perKey, rate, interval = 1 << 10, 1000.0, 30.0
	n := rate * interval
	// 1000 hot keys take 99.9% of the updates; the state is all 100,000 keys
	hot := &Population{N: 100_000, Shape: ShapeHotSet, HotFraction: 0.01, HotShare: 0.999}
	state := 100_000.0 * perKey
	updated := distinctAmong(n, [2]float64{1000, 0.999 / 1000}, [2]float64{99_000, 0.001 / 99_000}) * perKey
	spec := ckptJob(interval*sim.Second, 10)
	spec.Nodes[0].Kafka.Rate = ConstantRate(rate)
	spec.Nodes[1].Keyed = &Keyed{Keys: hot, StatePerKey: perKey, Warm: true}
	spec.Checkpointing.Incremental, spec.Checkpointing.RocksDB = true, true
	spec.Checkpointing.LSM = DefaultLSM()
	lsm := spec.Checkpointing.LSM
	if n*perKey >= float64(lsm.WriteBufferSize) || state >= float64(lsm.LevelBase) {
		t.Fatalf("the case needs a period's puts within the memtable and the state within level 1")
	}
	compaction := math.Min(updated*(lsm.WriteAmplification-1), state/float64(lsm.L0CompactionFiles))
	s := runCkpt(t, spec)
	// records between two snapshots: the period's, within a chunk; not the
	// period's n·perKey of puts
	lumpedUploads(t, s.coord.history, readerStateOf(spec), updated, compaction, state, 0.01*(updated+4*compaction))
	// The whole state a few keys, each updated 30 times a period: the sync
	// phase's flush writes them, not the period's updates, at the disk's
	// bandwidth.
	const keys, disk = 1000, 10 << 20
	spec.Nodes[1].Keyed = &Keyed{Keys: UniformKeys{N: keys}, StatePerKey: perKey, Warm: true}
	spec.TaskManager.Disk = disk
	h := runCkpt(t, spec).coord.history
	for _, c := range h[2:8] {
		for _, task := range c.Tasks { // the source's is 0: it holds no keyed state
			for _, sub := range task.Subtasks {
				if want := keys * perKey / float64(disk); sub.Sync.Seconds() > want*1.01 {
					t.Errorf("checkpoint %d: %s's sync phase %s, want the flush of its %d keys at most, %.3fs (not its %.0f updates, %.2fs)",
						c.ID, task.Name, sub.Sync, keys, want, n, n*perKey/disk)
				}
			}
		}
	}
}
