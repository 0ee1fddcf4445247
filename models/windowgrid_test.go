package models

import (
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestWindowGridLiesOnTheEpoch: Flink assigns windows by a record's
// timestamp in Unix ms (TimeWindow.getWindowStartWithOffset), so in a run
// whose virtual time 0 is Epoch the grid's starts are offset − Epoch
// modulo the slide (or size).
func TestWindowGridLiesOnTheEpoch(t *testing.T) {
	s := sim.Second
	day := 24 * sim.Hour
	jan1 := sim.Time(1767225600) * s // 2026-01-01T00:00:00Z
	for _, c := range []struct {
		name                string
		offset, epoch, grid sim.Time
		want                sim.Time
	}{
		{"aligned start", 0, jan1, sim.Hour, 0},
		{"start at :07, 10s windows end at 3s", 0, jan1 + 7*s, 10 * s, 3 * s},
		{"13s windows from 2026-01-01 (not a multiple of 13s since 1970)", 0, jan1, 13 * s, 13*s - jan1%(13*s)},
		{"a day from 13:00 UTC ends at 11h", 0, jan1 + 13*sim.Hour, day, 11 * sim.Hour},
		{"offset -8h (a day in UTC+8) from midnight UTC", -8 * sim.Hour, jan1, day, 16 * sim.Hour},
		{"offset 2s, epoch 0", 2 * s, 0, 10 * s, 2 * s},
	} {
		got := gridOffset(c.offset, c.epoch, c.grid)
		if got != c.want {
			t.Errorf("%s: gridOffset(%v, %v, %v) = %v, want %v", c.name, c.offset, c.epoch, c.grid, got, c.want)
		}
		// a virtual time ts is in the window Flink gives its Unix timestamp
		for _, ts := range []sim.Time{0, 5 * s, sim.Hour + 1} {
			want := windowStart(ts+c.epoch, c.offset, c.grid) - c.epoch
			if got := windowStart(ts, gridOffset(c.offset, c.epoch, c.grid), c.grid); got != want {
				t.Errorf("%s: window of %v starts at %v, Flink's at %v", c.name, ts, got, want)
			}
		}
	}
}

// TestLateFromBetweenWindows: when a slot's records are late. In a window
// (2 s every 5 s: [0, 2), [5, 7), ...) a record skips a window once the
// watermark reaches its cleanup time, end − 1 ms + allowed lateness
// (WindowOperator.isWindowLate), and is late when it skips all of them. A
// record between two windows is in none, and is late only by its own
// timestamp: timestamp + allowed lateness ≤ watermark
// (WindowOperator.isElementLate), here its cell's last ms; before that it
// is dropped without a metric, though the window before it is purged. This
// is when the whole cell is late; a cell the watermark has partly passed is
// split at its first timestamp not late (partlyLate, placeBySlots).
func TestLateFromBetweenWindows(t *testing.T) {
	s := sim.Second
	w := &Window{Kind: Sliding, Size: 2 * s, Slide: 5 * s, AllowedLateness: 500 * sim.Millisecond}
	o := &windowOp{w: w, grid: w.pane(), span: w.Size, panes: 2, every: 5}
	for _, c := range []struct {
		slot int64
		want sim.Time
	}{
		{0, 2*s - sim.Millisecond + w.AllowedLateness},   // [0, 1) s: window [0, 2) s
		{1, 2*s - sim.Millisecond + w.AllowedLateness},   // [1, 2) s: the same window
		{2, 3*s - sim.Millisecond + w.AllowedLateness},   // [2, 3) s: between, its own cell
		{4, 5*s - sim.Millisecond + w.AllowedLateness},   // [4, 5) s: between
		{5, 7*s - sim.Millisecond + w.AllowedLateness},   // [5, 6) s: window [5, 7) s
		{-1, 0 - sim.Millisecond + w.AllowedLateness},    // [−1, 0) s: between
		{-4, -3*s - sim.Millisecond + w.AllowedLateness}, // [−4, −3) s: window [−5, −3) s
	} {
		if got := o.lateFrom(c.slot); got != c.want {
			t.Errorf("slot %d [%v, %v): late from %v, want %v", c.slot, o.start(c.slot), o.start(c.slot+1), got, c.want)
		}
	}
}
