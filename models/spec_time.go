package models

import (
	"slices"

	"github.com/flinksim/flinksim/sim"
)

// EventTime is a source's event time: how far its records' timestamps trail
// their append to Kafka, and its WatermarkStrategy. A record appended at c
// carries the timestamp c − d, d drawn from Delay, or for the OfflineShare
// of records held back by offline devices, the rest of an offline period
// (its equilibrium residual: density S(x)/E[O] for offline durations O with
// survival function S) plus a draw from Delay.
type EventTime struct {
	// Delay is the time from an event to its append to Kafka (nil: 0): the
	// producer's batching, a gateway, the network.
	Delay sim.Dist
	// OfflineShare is the share of events produced by devices while they are
	// offline, which they send when they reconnect (the share of devices
	// offline at any moment); Offline is how long a device stays offline.
	OfflineShare float64
	Offline      sim.Dist
	// OutOfOrderness is B of WatermarkStrategy.forBoundedOutOfOrderness:
	// each split's watermark is its largest timestamp − B − 1 ms
	// (BoundedOutOfOrdernessWatermarks); 0 is forMonotonousTimestamps.
	OutOfOrderness sim.Time
	// Idleness is withIdleness: a split without records for this long is
	// idle and left out of its reader's watermark (0: never;
	// WatermarksWithIdleness).
	Idleness sim.Time
	// Pauses are partitions whose producers stop for a while and send what
	// they held back when they resume.
	Pauses []PartitionPause
	// PartitionDelays gives groups of partitions (at most
	// MaxDelayGroups) their own delay and offline devices; the other
	// partitions have the source's.
	PartitionDelays []PartitionDelays
	// Alignment is withWatermarkAlignment (nil: off; alignment.go).
	Alignment *Alignment
}

// PartitionDelays is the event time of some partitions that differ from
// the rest of their topic (a gateway, a region, an app version): their
// records' delay, and their offline devices (as EventTime's).
type PartitionDelays struct {
	Partitions   []int
	Delay        sim.Dist
	OfflineShare float64
	Offline      sim.Dist
}

// MaxDelayGroups bounds EventTime.PartitionDelays: a chunk carries the
// share of its records from each group (Chunk.Alt).
const MaxDelayGroups = 3

// delayGroup is partition p's group in et.PartitionDelays, from 1 (0: the
// source's delays).
func (et *EventTime) delayGroup(p int) int {
	for i, pd := range et.PartitionDelays {
		if slices.Contains(pd.Partitions, p) {
			return i + 1
		}
	}
	return 0
}

// Alignment is WatermarkStrategy.withWatermarkAlignment (FLIP-182): the
// sources of a Group advance their watermarks at most MaxDrift beyond the
// group's lowest, announced every UpdateInterval.
type Alignment struct {
	Group          string
	MaxDrift       sim.Time
	UpdateInterval sim.Time
	// ReaderLevel is alignment as Flink 1.15 and 1.16 have it (FLIP-182
	// alone): a reader stops as a whole when its watermark, the lowest of
	// its splits', passes the maximum, whatever its splits' own. From 1.17
	// (FLIP-217, split-level alignment) a reader of several splits pauses
	// each split whose own watermark passes it (alignment.go).
	ReaderLevel bool
}

// PartitionPause: the producers of Partitions append nothing in
// [At, At+For); the records of that time are appended at its end with
// their original timestamps (a gateway that buffers), or never (Drop).
type PartitionPause struct {
	Partitions []int
	At, For    sim.Time
	Drop       bool
}

// WindowKind is a window assigner.
type WindowKind uint8

const (
	// Tumbling windows: TumblingEventTimeWindows.of(size, offset).
	Tumbling WindowKind = iota
	// Sliding windows: SlidingEventTimeWindows.of(size, slide, offset);
	// each record belongs to size/slide windows.
	Sliding
	// Session windows: EventTimeSessionWindows.withGap(gap); a key's
	// records closer than Gap merge into one window (sessions.go).
	Session
)

func (k WindowKind) String() string { return [...]string{"tumbling", "sliding", "session"}[k] }

// Window makes a keyed operator an event-time window operator
// (WindowOperator with the EventTimeTrigger). Its records go to the windows
// of their timestamps; a window fires when the operator's watermark reaches
// its end − 1 ms, for every key at once, and its state is kept until the
// watermark reaches end − 1 ms + AllowedLateness. A record whose windows
// are all past that goes to the side output (SideOutput) or is dropped
// (numLateRecordsDropped). A window operator heads its chain (it follows
// a keyBy) and chains to what follows it, as Flink's WindowOperator does
// (ChainingStrategy.ALWAYS).
type Window struct {
	Kind                WindowKind
	Size, Slide, Offset sim.Time
	// Gap is a session window's gap: a session ends Gap after its key's
	// last record (Session only; Size, Slide and Offset are then unused).
	Gap sim.Time
	// KeyGaps is the shape of the time between one key's consecutive
	// records, scaled for each key to its mean gap (1/its rate) (Session
	// only; nil: exponential, each key's records a Poisson stream).
	KeyGaps sim.Dist
	// AllowedLateness is WindowedStream.allowedLateness (default 0).
	AllowedLateness sim.Time
	// SideOutput is sideOutputLateData: late records go to a side output
	// instead of being dropped.
	SideOutput bool
	// Buffering: a ProcessWindowFunction, which keeps every record of a
	// window (ListState); otherwise an AggregateFunction or ReduceFunction,
	// which keeps one accumulator per key and window.
	Buffering bool
	// AccumulatorSize is the bytes of one accumulator (aggregate only).
	AccumulatorSize int64
	// FireCost is the CPU time per element the window function handles when
	// a window fires: each buffered record, or each key's accumulator (nil:
	// free).
	FireCost sim.Dist
}

// PerRecord is the mean number of windows a record belongs to: size/slide
// for sliding windows (a record at ts is in every window whose start is
// on the slide's grid in (ts − size, ts]: SlidingEventTimeWindows.
// assignWindows; ⌈size/slide⌉ or ⌊size/slide⌋ of them when the size is
// not a multiple of the slide), else 1.
func (w *Window) PerRecord() float64 {
	if w.Kind == Sliding {
		return float64(w.Size) / float64(w.Slide)
	}
	return 1
}

// pane is the width of the cells records are placed in: windows start and
// end on their edges. The size of a tumbling window; for sliding windows
// the greatest common divisor of the size and the slide (the slide when
// the size is a multiple of it).
func (w *Window) pane() sim.Time {
	if w.Kind != Sliding {
		return w.Size
	}
	a, b := w.Size, w.Slide
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// step is the window grid's period: the slide, or the size.
func (w *Window) step() sim.Time {
	if w.Kind == Sliding {
		return w.Slide
	}
	return w.Size
}
