package result

import (
	"math"
	"testing"
)

// TestLeveledCompaction: the bytes compaction writes for one flushed
// level-0 file, from RocksDB's level sizes (level 1 of 256 MiB, each
// deeper one 10 times the one above, 4 level-0 files per compaction into
// level 1), at most write amplification - 1 per byte flushed.
func TestLeveledCompaction(t *testing.T) {
	const mib = 1 << 20
	l := Leveled{WriteAmplification: 10, LevelBase: 256 * mib, LevelMultiplier: 10, L0CompactionFiles: 4}
	for _, c := range []struct {
		name                 string
		flushed, state, want float64
	}{
		// within level 1: the file again, and a quarter of level 1
		{"100 MiB", 15 * mib, 100 * mib, 15*mib + 100*mib/4},
		// levels 1 and 2 (768 MiB): into level 1 as above, into level 2
		// with 3 bytes of level 2 per byte of level 1
		{"1 GiB", 64 * mib, 1024 * mib, 64*mib + 256*mib/4 + 64*mib*(1+768.0/256)},
		// deeper than write amplification 10 allows: 9 per byte flushed
		{"100 GiB", 64 * mib, 100 * 1024 * mib, 9 * 64 * mib},
		{"empty", 64 * mib, 0, 64 * mib},
	} {
		if got := l.Compaction(c.flushed, c.flushed, c.state); math.Abs(got-c.want) > 1e-6*c.want {
			t.Errorf("%s: %.0f, want %.0f", c.name, got, c.want)
		}
	}
	// Updates of keys the state holds: a merge writes the level it read
	// and only the keys it did not hold, which move on down; what enters
	// level i+1 is the file less the updates levels 1 to i held, each
	// level its share of the state's keys.
	for _, c := range []struct {
		name                        string
		flushed, fresh, state, want float64
	}{
		// within level 1: a quarter of level 1, the file's keys replaced in it
		{"100 MiB, updates", 15 * mib, 0, 100 * mib, 100 * mib / 4},
		{"100 MiB, a third new", 15 * mib, 5 * mib, 100 * mib, 100*mib/4 + 5*mib},
		// levels 1 and 2: a quarter of level 1 and the updates of keys in
		// level 2 (3/4 of the file) entering it; they replace values there
		{"1 GiB, updates", 64 * mib, 0, 1024 * mib, 256*mib/4 + 48*mib + 48*mib*768/256},
	} {
		if got := l.Compaction(c.flushed, c.fresh, c.state); math.Abs(got-c.want) > 1e-6*c.want {
			t.Errorf("%s: %.0f, want %.0f", c.name, got, c.want)
		}
	}
	if got := (Leveled{WriteAmplification: 1, LevelBase: 256 * mib, LevelMultiplier: 10, L0CompactionFiles: 4}).Compaction(64*mib, 64*mib, 100*mib); got != 0 {
		t.Errorf("write amplification 1 (flushes only): %.0f, want 0", got)
	}
	if got := (Leveled{WriteAmplification: 4}).Compaction(64*mib, 64*mib, 100*mib); got != 3*64*mib {
		t.Errorf("without level sizes: %.0f, want 3 per byte", got)
	}
}
