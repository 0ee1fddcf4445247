package models

import (
	"fmt"

	"github.com/flinksim/flinksim/sim"
)

// The window grid: where a window operator's cells and windows lie in
// event time (TimeWindow.getWindowStartWithOffset on the Unix epoch), when
// a window fires and is purged, and when a slot's records are late
// (windows.go places records in it).

// windowStart is TimeWindow.getWindowStartWithOffset: the start of the
// window of size (or slide) size holding ts.
func windowStart(ts, offset, size sim.Time) sim.Time {
	rem := (ts - offset) % size
	if rem < 0 {
		rem += size
	}
	return ts - rem
}

// index is the grid index of the slot [offset + j·g, offset + (j+1)·g)
// holding ts.
func (o *windowOp) index(ts sim.Time) int64 {
	return int64((windowStart(ts, o.offset, o.grid) - o.offset) / o.grid)
}

func (o *windowOp) start(j int64) sim.Time { return o.offset + sim.Time(j)*o.grid }

// gridOffset is the offset, in virtual time, of the grid of windows whose
// slide (or size) is grid: Flink puts a record in its windows by its
// timestamp in Unix ms (TimeWindow.getWindowStartWithOffset(timestamp,
// offset, size)), so the grid lies on the epoch, and virtual time 0 is
// epoch after it: the starts are offset − epoch modulo grid.
func gridOffset(offset, epoch, grid sim.Time) sim.Time {
	r := (offset - epoch%grid) % grid
	if r < 0 {
		r += grid
	}
	return r
}

// isWindow reports whether a window starts at slot j.
func (o *windowOp) isWindow(j int64) bool {
	return o.every == 1 || o.sinceWindow(j) == 0
}

// sinceWindow is how many slots after the latest window start at or
// before slot j it lies.
func (o *windowOp) sinceWindow(j int64) int64 {
	r := (j - o.phase) % o.every
	if r < 0 {
		r += o.every
	}
	return r
}

// gap reports whether slot j lies between two windows, in none (a sliding
// window shorter than its slide).
func (o *windowOp) gap(j int64) bool { return o.sess == nil && o.sinceWindow(j) >= o.panes }

// newest is the newest window holding slot j's records (a session
// operator's slot: the last its sessions reach).
func (o *windowOp) newest(j int64) int64 {
	if o.sess != nil {
		return j + o.sess.reach()
	}
	return j - o.sinceWindow(j)
}

// lateFrom is when slot j's records are late: its newest window's
// cleanup time, or, for a cell between two windows (a sliding window
// shorter than its slide), when its records' timestamps are, their cell's
// end − 1 ms + allowed lateness (WindowOperator.isElementLate).
func (o *windowOp) lateFrom(j int64) sim.Time {
	if o.gap(j) {
		return sim.Add(o.start(j+1)-sim.Millisecond, o.w.AllowedLateness)
	}
	return o.cleanupTime(o.newest(j))
}

// end is window j's end: its start + size, or a session slot's end.
func (o *windowOp) end(j int64) sim.Time { return o.start(j) + o.span }

// maxTimestamp is window j's end − 1 ms, when it fires.
func (o *windowOp) maxTimestamp(j int64) sim.Time { return o.end(j) - sim.Millisecond }

// cleanupTime is window j's maxTimestamp + allowed lateness, when it is
// purged.
func (o *windowOp) cleanupTime(j int64) sim.Time {
	return sim.Add(o.maxTimestamp(j), o.w.AllowedLateness)
}

// text is window j as [start, end), or the sessions that end in slot j.
func (o *windowOp) text(j int64) string {
	if o.sess != nil {
		return fmt.Sprintf("the sessions ending in [%s, %s)", o.start(j), o.end(j))
	}
	return fmt.Sprintf("window [%s, %s)", o.start(j), o.end(j))
}

// keysText is a window's keys, or a slot's sessions (expected: each record
// opens one with a probability).
func (o *windowOp) keysText(keys float64) string {
	if o.sess != nil {
		return fmt.Sprintf("%.2f session(s) (expected)", keys)
	}
	return fmt.Sprintf("%.0f key(s)", keys)
}

// partlyLate reports, for slot j between two windows (a sliding window
// shorter than its slide) that watermark w has partly passed, the first
// timestamp of its records that is not late: a record in no window is late
// when timestamp + allowed lateness ≤ w (WindowOperator.isElementLate), so
// from w − allowed lateness + 1 ms on.
func (o *windowOp) partlyLate(j int64, w wmark) (sim.Time, bool) {
	if w == noWatermark || !o.gap(j) {
		return 0, false
	}
	cut := w.time() - o.w.AllowedLateness + sim.Millisecond
	return cut, cut > o.start(j) && cut < o.start(j+1)
}
