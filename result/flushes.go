package result

import "math"

// RocksDB's memtable keeps every put, but a flush writes each key once: the
// flush job (FlushJob::WriteLevel0Table, BuildTable) reads the memtable
// through a CompactionIterator, which drops a value a newer put of the same
// key overwrote when no snapshot still sees it, and Flink's incremental
// checkpoints hold none (RocksIncrementalSnapshotStrategy takes a native
// Checkpoint: hard links to the live files). So the SST file a memtable
// becomes holds the distinct keys among its puts, and state that is
// updated many times a period writes its keys, not its updates.

// KeyBand is a part of a subtask's keys that are equally likely among
// themselves: Keys of them take Share of its updates. A key tracked on
// its own (a heavy key) is a band of one.
type KeyBand struct {
	Keys, Share float64
}

// DistinctKeys is the expected number of distinct keys among n updates
// drawn from bands. A key drawn with probability p per update is among n
// of them with probability 1 − (1 − p)^n; a band of K keys, each with p =
// Share/K, holds K·(1 − (1 − Share/K)^n) of them (for a single band of
// equally likely keys, K·(1 − (1 − 1/K)^n)). A band of less than one key
// (a layout spreads keys over key groups in expectation, so a subtask's
// part of a band may hold a fraction of one) takes the Poisson limit
// K·(1 − e^(−n·Share/K)) instead, which the form approaches for many keys.
func DistinctKeys(bands []KeyBand, n float64) float64 {
	if n <= 0 {
		return 0
	}
	d := 0.0
	for _, b := range bands {
		if b.Keys <= 0 || b.Share <= 0 {
			continue
		}
		p := b.Share / b.Keys
		if b.Keys < 1 || p >= 1 {
			d += b.Keys * -math.Expm1(-n*p)
			continue
		}
		d += b.Keys * -math.Expm1(n*math.Log1p(-p))
	}
	return d
}

// KeyedWrites is one keyed operator's updates in a subtask: each of its
// records puts its key's value (StatePerKey bytes) into RocksDB.
type KeyedWrites struct {
	Updates     float64   // records per input record of the job
	StatePerKey float64   // bytes
	Keys        []KeyBand // the keys its records fall on
	// Seen is the records its state has seen, whose keys have state:
	// +Inf when every key has (a warm state).
	Seen float64
}

// fresh is how many of the distinct keys among n more updates have no
// state yet: the state's growth over them.
func (w KeyedWrites) fresh(n float64) float64 {
	if math.IsInf(w.Seen, 1) || n <= 0 {
		return 0
	}
	return math.Max(0, DistinctKeys(w.Keys, w.Seen+n)-DistinctKeys(w.Keys, w.Seen))
}

// Flush is the SST file a memtable holding the puts of records input
// records becomes: flushed bytes, the distinct keys among each keyed
// operator's updates, of which fresh are keys new to the state. Without
// Keyed (a cost given only as PutBytes) every put is flushed, and new.
func (ss StatefulSubtask) Flush(records float64) (flushed, fresh float64) {
	if len(ss.Keyed) == 0 {
		b := records * ss.PutBytes
		return b, b
	}
	for _, w := range ss.Keyed {
		n := records * w.Updates
		flushed += DistinctKeys(w.Keys, n) * w.StatePerKey
		fresh += w.fresh(n) * w.StatePerKey
	}
	return flushed, math.Min(fresh, flushed)
}
