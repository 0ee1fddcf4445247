package models

// The fate of every record a sink subtask took, by its position in the
// subtask's output stream. A restore rewinds the stream to the checkpoint's
// position and the job replays its input from the checkpoint's offsets, so
// (as Flink's exactly-once rests on) the records after the position are the
// same records again: a position stands for one record, and counting how
// often each position became visible to a reader says which records were
// seen once, more than once, or never (lost).

// fateSeg is a run of positions ending at end (the previous segment's end
// starts it) that became visible n times.
type fateSeg struct {
	end int64
	n   int32
}

// fateLedger counts visibility per position: positions below base are
// settled (no restore can reach them again) and tallied in hist by how
// often they were seen; segs covers [base, the last segment's end).
type fateLedger struct {
	base    int64
	segs    []fateSeg
	hist    []int64 // hist[k]: settled positions seen k times (0: lost)
	visible int64   // positions made visible, each time (for the invariants)
}

// add makes positions [lo, hi) visible once more (lo ≥ base).
func (l *fateLedger) add(lo, hi int64) {
	if hi <= lo {
		return
	}
	if lo < l.base {
		panic("fateLedger: a settled position made visible again")
	}
	l.visible += hi - lo
	if l.top() == lo {
		// Past every position seen (a writer sending its next records): what
		// the general path below leaves, without its scans, as segs are
		// always merged.
		if k := len(l.segs); k > 0 && l.segs[k-1].n == 1 {
			l.segs[k-1].end = hi
		} else {
			l.segs = append(l.segs, fateSeg{end: hi, n: 1})
		}
		return
	}
	l.addAnywhere(lo, hi)
}

// addAnywhere is add for any range: it splits the segments at lo and hi,
// counts the ones between and merges neighbours seen equally often.
func (l *fateLedger) addAnywhere(lo, hi int64) {
	l.extend(hi)
	l.split(lo)
	l.split(hi)
	start := l.base
	for i := range l.segs {
		if start >= lo && l.segs[i].end <= hi {
			l.segs[i].n++
		}
		start = l.segs[i].end
	}
	l.merge()
}

// top is the end of the positions the ledger covers.
func (l *fateLedger) top() int64 {
	if k := len(l.segs); k > 0 {
		return l.segs[k-1].end
	}
	return l.base
}

// extend covers positions up to hi, unseen so far.
func (l *fateLedger) extend(hi int64) {
	if hi > l.top() {
		l.segs = append(l.segs, fateSeg{end: hi})
	}
}

// split makes a segment end at position at (base < at ≤ top).
func (l *fateLedger) split(at int64) {
	start := l.base
	for i, g := range l.segs {
		if at == g.end {
			return
		}
		if at > start && at < g.end {
			l.segs = append(l.segs, fateSeg{})
			copy(l.segs[i+1:], l.segs[i:])
			l.segs[i].end = at
			return
		}
		start = g.end
	}
}

// merge joins neighbouring segments seen equally often.
func (l *fateLedger) merge() {
	out := l.segs[:0]
	for _, g := range l.segs {
		if k := len(out); k > 0 && out[k-1].n == g.n {
			out[k-1].end = g.end
			continue
		}
		out = append(out, g)
	}
	l.segs = out
}

// settle tallies the positions below upTo: no restore rewinds them again.
func (l *fateLedger) settle(upTo int64) {
	if upTo <= l.base {
		return
	}
	l.extend(upTo)
	l.split(upTo)
	start, i := l.base, 0
	for ; i < len(l.segs) && l.segs[i].end <= upTo; i++ {
		l.count(&l.hist, l.segs[i].n, l.segs[i].end-start)
		start = l.segs[i].end
	}
	l.segs = append(l.segs[:0], l.segs[i:]...)
	l.base = upTo
}

func (l *fateLedger) count(h *[]int64, n int32, k int64) {
	for len(*h) <= int(n) {
		*h = append(*h, 0)
	}
	(*h)[n] += k
}

// tally is hist with the positions in [base, upTo) added, without settling
// them: how often each position below upTo was seen so far.
func (l *fateLedger) tally(upTo int64) []int64 {
	h := append([]int64(nil), l.hist...)
	start := l.base
	for _, g := range l.segs {
		if start >= upTo {
			break
		}
		l.count(&h, g.n, min(g.end, upTo)-start)
		start = g.end
	}
	if upTo > start {
		l.count(&h, 0, upTo-start)
	}
	return h
}

// unseen counts the positions in [lo, hi) never seen (lo ≥ base).
func (l *fateLedger) unseen(lo, hi int64) int64 {
	var n int64
	start := l.base
	for _, g := range l.segs {
		if a, b := max(start, lo), min(g.end, hi); g.n == 0 && b > a {
			n += b - a
		}
		start = g.end
	}
	return n + max(0, hi-max(start, lo))
}
