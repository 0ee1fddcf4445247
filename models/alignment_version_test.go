package models

import (
	"testing"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// quietLag runs windowJob's topic "src" at 500 records/s per partition over
// readers source subtasks, with watermark alignment (a 1 s drift, announced
// every second; split-level or, readerLevel, as before Flink 1.17) or none,
// while the producers of partition quiet stop from 5 s to 15 s and then
// send what they held back. It returns the topic's lag (records appended,
// not read) at each second.
func quietLag(t *testing.T, readers, partitions, quiet int, align, readerLevel bool, d sim.Time) []float64 {
	t.Helper()
	et := EventTime{Delay: sim.Constant{V: 0.1}, OutOfOrderness: 100 * sim.Millisecond,
		Pauses: []PartitionPause{{Partitions: []int{quiet}, At: 5 * sim.Second, For: 10 * sim.Second}}}
	if align {
		et.Alignment = &Alignment{Group: "g", MaxDrift: sim.Second, UpdateInterval: sim.Second, ReaderLevel: readerLevel}
	}
	spec := windowJob(500*float64(partitions), partitions, d, et, Window{Kind: Tumbling, Size: sim.Second, Buffering: true})
	spec.Nodes[0].Parallelism = readers
	spec.Sim.SampleInterval = sim.Second
	return seriesOf(t, runSpec(t, spec), "src", -1, result.MetricKafkaLag)
}

// Before Flink 1.17 (FLIP-217) alignment stops a reader as a whole, on its
// combined watermark: the lowest of its splits'. One reader of two
// partitions, the second quiet from 5 s: from 1.17 the first partition's
// split runs beyond the quiet one's watermark + the drift within about a
// second and is paused (TestAlignmentPausesSplitsAheadOfAQuietOne: about
// 8 s of its records unread at 14 s). In 1.16 the reader's watermark is the
// quiet split's, which is also the group's lowest, so the maximum announced
// is always the drift beyond the reader's own watermark, never behind it:
// the reader never stops and the lag is what it is without alignment (no
// more than a few records in flight).
func TestReaderLevelAlignmentGoesByTheSlowestSplit(t *testing.T) {
	if raceEnabled {
		t.Skip("three whole runs in one goroutine; make test runs it without -race")
	}
	const end = 13 // the sample at 14 s
	free := quietLag(t, 1, 2, 1, false, false, 14*sim.Second)[end]
	split := quietLag(t, 1, 2, 1, true, false, 14*sim.Second)[end]
	reader := quietLag(t, 1, 2, 1, true, true, 14*sim.Second)[end]
	if split < 500*6 || split > 500*9 {
		t.Errorf("split-level (1.17+): lag at 14 s %.0f, want about 8 s of one partition's records (3000 to 4500)", split)
	}
	if free > 100 || reader > 100 {
		t.Errorf("reader-level (1.15, 1.16): lag at 14 s %.0f, want as without alignment (%.0f): at most 100", reader, free)
	}
}

// Before 1.17 a reader of several splits is held back by its slowest, and a
// reader of one split stops as in every release. Three partitions over two
// readers: KafkaSourceEnumerator gives partitions 0 and 2 to one reader
// (A) and 1 to the other (B). With partition 0 quiet from 5 s, the group's
// lowest watermark is partition 0's (A's combined one), and B's partition,
// like A's partition 2, runs beyond it + the drift within about a second.
// From 1.17 both are paused: at 14 s about 8 s of two partitions' records
// are unread. In 1.16 B stops as a whole, but A's watermark is the quiet
// split's, never beyond the maximum: A reads partition 2 on, and only B's
// 8 s are unread.
func TestReaderLevelAlignmentStopsSingleSplitReadersOnly(t *testing.T) {
	if raceEnabled {
		t.Skip("two whole runs in one goroutine; make test runs it without -race")
	}
	a := partitioning.KafkaSplitOwner("src", 0, 2)
	if partitioning.KafkaSplitOwner("src", 2, 2) != a || partitioning.KafkaSplitOwner("src", 1, 2) == a {
		t.Fatal("partitions 0 and 2 should share a reader, 1 have the other")
	}
	const end = 13 // the sample at 14 s
	split := quietLag(t, 2, 3, 0, true, false, 14*sim.Second)[end]
	reader := quietLag(t, 2, 3, 0, true, true, 14*sim.Second)[end]
	if split < 2*500*6 || split > 2*500*9 {
		t.Errorf("split-level (1.17+): lag at 14 s %.0f, want about 8 s of two partitions' records (6000 to 9000)", split)
	}
	if reader < 500*6 || reader > 500*9 {
		t.Errorf("reader-level (1.15, 1.16): lag at 14 s %.0f, want about 8 s of one partition's records (3000 to 4500)", reader)
	}
}

// In 1.16 a reader of several splits whose combined watermark passes the
// maximum stops reading all of them, and reads on when an announcement
// allows it again. Partition 1 (reader B's only one) is quiet from 5 s:
// A's two partitions both run beyond its watermark + the drift within
// about a second, and A's watermark, the lower of theirs, with them. At
// 14 s about 8 s of both partitions' records are unread, as from 1.17,
// where each split is paused on its own. At 15 s partition 1's producers
// send what they held back and B's watermark jumps to the present: A's,
// 9 s behind, is now the group's lowest, so every announcement resumes A,
// which reads (at no cost) until its next watermark emission passes the
// new maximum, and it catches up within a few seconds. Never resumed, the
// lag would grow by 1000 records a second; at 20 s it is below a tenth of
// its peak.
func TestReaderLevelAlignmentStopsAndResumesTheWholeReader(t *testing.T) {
	if raceEnabled {
		t.Skip("two whole runs in one goroutine; make test runs it without -race")
	}
	for _, readerLevel := range []bool{false, true} {
		lag := quietLag(t, 2, 3, 1, true, readerLevel, 20*sim.Second)
		if l := lag[13]; l < 2*500*6 || l > 2*500*9 {
			t.Errorf("reader-level %v: lag at 14 s %.0f, want about 8 s of two partitions' records (6000 to 9000)", readerLevel, l)
		}
		if l, peak := lag[19], lag[14]; l > peak/10 {
			t.Errorf("reader-level %v: lag at 20 s %.0f, want below a tenth of the %.0f at 15 s (A resumed)", readerLevel, l, peak)
		}
	}
}
