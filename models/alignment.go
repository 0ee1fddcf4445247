package models

import (
	"slices"

	"github.com/flinksim/flinksim/sim"
)

// Watermark alignment (FLIP-182, withWatermarkAlignment). Every update
// interval the SourceCoordinator takes the lowest watermark its group's
// readers reported (a reader without a watermark yet, or idle, has not
// reported one) and announces it + the maximum drift
// (announceCombinedWatermark). A reader with one split whose watermark is
// beyond that stops reading; one with several pauses the splits whose
// watermarks are beyond it and resumes them once the group catches up
// (SourceOperator.checkWatermarkAlignment, checkSplitWatermarkAlignment;
// the Kafka reader's pauseOrResumeSplits). Between announcements a reader
// checks every watermark it emits against the last one and pauses what
// runs beyond it at once (alignOnEmit); only an announcement resumes.
//
// Split-level alignment is FLIP-217 (FLINK-28853), from Flink 1.17. In 1.15
// and 1.16 (Alignment.ReaderLevel) the SourceOperator knows only its
// reader's combined watermark (WatermarkOutputMultiplexer: the lowest of
// its splits not idle, never falling; st.wm.out here) and stops the whole
// reader while that is beyond the maximum (checkWatermarkAlignment,
// WAITING_FOR_ALIGNMENT): a reader of several splits stops all of them
// once its slowest passes it, and none before, however far ahead the
// others run. From 1.17 a reader of several splits also asks its
// SourceReader to pause the splits beyond it (checkSplitWatermarkAlignment,
// updateCurrentSplitWatermark); a reader that cannot
// (UnsupportedOperationException) fails its task unless
// pipeline.watermark-alignment.allow-unaligned-source-splits is set, and
// then aligns as a whole only, as before 1.17. The Kafka source's split
// reader can (KafkaPartitionSplitReader.pauseOrResumeSplits, from the
// connector of 1.17), and it is the only source modelled. Not modelled:
// from 1.17 Flink's reader-level check runs beside the split-level one, so
// a reader of several splits also stops whole while its combined watermark
// is beyond the maximum; here it pauses by its splits' own watermarks
// alone, which differs only for a split left out of the combined one (idle,
// or behind it since it became active again), which reads on here.

// alignGroup is one alignment group's readers and its last announcement.
type alignGroup struct {
	a          Alignment
	readers    []*subtask
	min        wmark // the group's lowest reported watermark
	maxAllowed wmark
}

// deployAlignment gathers the readers of each alignment group, in the
// order of the job graph.
func (s *Simulation) deployAlignment() {
	for _, st := range s.wmSources {
		a := st.t.nodes[0].spec.Kafka.EventTime.Alignment
		if a == nil {
			continue
		}
		i := slices.IndexFunc(s.alignGroups, func(g *alignGroup) bool { return g.a.Group == a.Group })
		if i < 0 {
			s.alignGroups = append(s.alignGroups, &alignGroup{a: *a, maxAllowed: wmark(^uint64(0))})
			i = len(s.alignGroups) - 1
		}
		s.alignGroups[i].readers = append(s.alignGroups[i].readers, st)
		if s.alignOf == nil {
			s.alignOf = map[*subtask]*alignGroup{}
		}
		s.alignOf[st] = s.alignGroups[i]
	}
	for i, g := range s.alignGroups {
		s.eng.At(g.a.UpdateInterval, evAlignment, int32(i), 0)
	}
}

// announceAlignment computes group i's maximum allowed watermark and
// pauses or resumes its readers' splits.
func (s *Simulation) announceAlignment(i int) {
	g := s.alignGroups[i]
	m := wmark(^uint64(0))
	for _, st := range g.readers {
		if st.dead || st.region.state != regionRunning || st.wm.idle || st.wm.out == noWatermark {
			continue
		}
		m = min(m, st.wm.out)
	}
	g.min = m
	g.maxAllowed = wmark(^uint64(0))
	if m != wmark(^uint64(0)) {
		g.maxAllowed = toWM(sim.Add(m.time(), g.a.MaxDrift))
		// sent to the readers that have reported a watermark
		// (sendEventToSourceOperatorIfTaskReady, to combinedWatermark's
		// subtasks; SourceOperator reports one only once it has one)
		for _, st := range g.readers {
			if !st.dead && st.region.state == regionRunning && st.wm.out != noWatermark {
				st.wm.maxDesired, st.wm.desired = g.maxAllowed, true
			}
		}
	}
	for _, st := range g.readers {
		changed := false
		for _, p := range st.splits {
			w := alignedWatermark(p, st, g)
			paused := w != noWatermark && w > g.maxAllowed
			changed = changed || paused != p.alignPaused
			p.noteFetched() // a fetch before this covered it as it was
			p.alignPaused = paused
		}
		if changed {
			s.markReady(st)
		}
	}
	s.eng.After(g.a.UpdateInterval, evAlignment, int32(i), 0)
}

// alignOnEmit pauses, as reader st emits its watermarks, its splits whose
// watermark is beyond the maximum its group last announced: Flink checks
// each split's on every periodic emission
// (SourceOperator.updateCurrentSplitWatermark) and the reader's on every
// rise (updateCurrentEffectiveWatermark → checkWatermarkAlignment), so a
// split stops within a watermark interval of passing the maximum, not at
// the next announcement, which alone resumes it.
func (s *Simulation) alignOnEmit(st *subtask) {
	g := s.alignOf[st]
	if g == nil || g.maxAllowed == wmark(^uint64(0)) {
		return
	}
	for _, p := range st.splits {
		if w := alignedWatermark(p, st, g); w != noWatermark && w > g.maxAllowed {
			p.noteFetched() // a fetch before this covered it as it was
			p.alignPaused = true
		}
	}
}

// alignedWatermark is the watermark of reader st that decides whether its
// split p is read: the reader's own (the lowest of its splits') when it has
// one split or, before Flink 1.17, whatever its splits (the reader stops as
// a whole); from 1.17, with several splits, the split's own.
func alignedWatermark(p *kafkaPartition, st *subtask, g *alignGroup) wmark {
	if len(st.splits) > 1 && !g.a.ReaderLevel {
		return splitWatermark(p, st)
	}
	return st.wm.out
}

// splitWatermark is split p's own watermark (noWatermark before its first
// record).
func splitWatermark(p *kafkaPartition, st *subtask) wmark {
	if !p.et.seen {
		return noWatermark
	}
	return toWM(p.et.maxTs - st.t.nodes[0].spec.Kafka.EventTime.OutOfOrderness - sim.Millisecond)
}

// alignmentDrift is watermarkAlignmentDrift, in ms, and whether the reader
// has one: its watermark less the maximum allowed watermark its group last
// announced to it (the lowest + max-drift), as Flink's
// InternalSourceReaderMetricGroup computes it (lastWatermark −
// currentMaxDesiredWatermark): −max-drift for the group's slowest reader
// at the announcement, above 0 for a reader that runs beyond what is
// allowed. The gauge exists from the first announcement the reader
// receives (updateMaxDesiredWatermark registers it), after its first
// watermark (SourceCoordinator.announceCombinedWatermark sends to the
// subtasks that reported one). A restarted reader's metric group is new:
// here it has none until an announcement after its new first watermark,
// where Flink's coordinator, which still counts it among those that
// reported, may announce first, and the new gauge reads 0 − the maximum.
func (s *Simulation) alignmentDrift(st *subtask) (float64, bool) {
	if s.alignOf[st] == nil || !st.wm.desired {
		return 0, false
	}
	return float64((st.wm.out.time() - st.wm.maxDesired.time()) / sim.Millisecond), true
}
