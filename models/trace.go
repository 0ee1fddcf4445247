package models

import (
	"fmt"
	"math"
	"strconv"

	"github.com/flinksim/flinksim/sim"
)

// The trace: one line of text per step of the checkpoint mechanism (a
// trigger decided, a barrier read, a snapshot, an acknowledgement, a
// failover), in words a reader of Flink's CheckpointCoordinator and
// SingleCheckpointBarrierHandler would use. The trace tests
// (testdata/trace/*.txt) are made of it. Off by default: every call site
// checks s.trace != nil before formatting anything, so a run without a
// trace does no more than that check.

// TraceFunc receives one trace line: the virtual time and what happened.
type TraceFunc func(at sim.Time, what string)

// SetTrace sets the function that receives the trace (nil: off). Call it
// before Run. Tracing reads the simulation and never changes it: a run's
// results are the same with or without it.
func (s *Simulation) SetTrace(f TraceFunc) { s.trace = f }

// tracef formats a trace line. Callers check s.trace != nil first.
func (s *Simulation) tracef(format string, args ...any) {
	s.trace(s.eng.Now(), fmt.Sprintf(format, args...))
}

// clock prints a virtual time as hh:mm:ss.mmm, the trace's time column.
func clock(t sim.Time) string {
	if t == sim.Never {
		return "never"
	}
	ms := int64(t / sim.Millisecond)
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// name is a subtask as Flink's logs name it: the task's name and its
// 1-based index of the parallelism, "join (2/4)".
func (st *subtask) name() string {
	return st.t.name + " (" + strconv.Itoa(st.index+1) + "/" + strconv.Itoa(len(st.t.subtasks)) + ")"
}

// inputIndex is channel c's index among all input channels of its
// receiver (gate by gate), as the barrier handler counts them.
func (c *channel) inputIndex() int {
	n := int(c.idx)
	for _, g := range c.dst.owner.gates {
		if g == c.dst {
			break
		}
		n += len(g.ch)
	}
	return n
}

// durText prints a duration as sim.Time does, and 0 as "0s".
func durText(d sim.Time) string {
	if d == 0 {
		return "0s"
	}
	return d.String()
}

// bytesText prints a byte count in binary units, to two decimals.
func bytesText(b int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v, u := float64(b), 0
	for v >= 1024 && u < len(units)-1 {
		v, u = v/1024, u+1
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + " " + units[u]
}

// traceChannel names an input channel as the barrier handler counts it,
// with its sender: "input channel 1 of 2 (from Source: b (1/1))".
func traceChannel(c *channel) string {
	return fmt.Sprintf("input channel %d of %d (from %s)", c.inputIndex(), c.dst.owner.inputChannels, c.src.owner.name())
}

// traceBarrier says what subtask st does with barrier b read from c
// (SingleCheckpointBarrierHandler and its barrier handler states).
func (s *Simulation) traceBarrier(st *subtask, c *channel, b Chunk, block bool) {
	what := ""
	if b.Priority {
		what = " (a priority event, read before the buffers queued in the channel)"
	}
	var then string
	switch {
	case st.ck.got == st.inputChannels && st.inputChannels == 1:
		then = "its only input channel"
	case st.ck.got == st.inputChannels:
		then = "the last one"
	case block:
		then = "channel blocked until the others arrive (aligned)"
	case s.spec.Checkpointing.AtLeastOnce:
		then = "nothing blocked (at-least-once), the snapshot waits for the last barrier"
	default:
		then = "nothing blocked (unaligned)"
	}
	if !st.ck.snapshotted && (b.Priority || s.unalignedActive(st)) {
		if st.ck.got == 1 {
			then += "; unaligned: the snapshot is taken at the first barrier"
		} else {
			then += "; unaligned: the snapshot is taken now"
		}
	}
	s.tracef("%s reads barrier %d%s on %s: %d of %d, %s", st.name(), b.Barrier, what, traceChannel(c), st.ck.got, st.inputChannels, then)
}

// traceAligned: subtask st has read barrier id on every input channel.
func (s *Simulation) traceAligned(st *subtask, id int64) {
	if st.inputChannels < 2 {
		return
	}
	now := s.eng.Now()
	unblock := ""
	if len(st.ck.blocked) > 0 {
		unblock = "; its blocked channels are unblocked"
	}
	s.tracef("%s has barrier %d on all %d input channels: alignment took %s%s", st.name(), id, st.inputChannels, durText(now-st.ck.firstAt), unblock)
}

// traceSnapshot: subtask st took its snapshot of checkpoint p and sent its
// barriers on (SubtaskCheckpointCoordinatorImpl.checkpointState).
func (s *Simulation) traceSnapshot(st *subtask, p *pendingCheckpoint, unaligned bool) {
	sub := &p.subs[st.id]
	outs := 0
	for _, part := range st.parts {
		outs += len(part.ch)
	}
	mode := "aligned, "
	what := "snapshots its operator state"
	if st.t.nodes[0].spec.Kind == KindSource {
		mode, what = "", "snapshots its Kafka offsets"
	}
	if unaligned {
		mode = "unaligned, "
	}
	sends := "no output channel"
	if outs > 0 {
		sends = fmt.Sprintf("sends barrier %d on %d output channel(s)", p.id, outs)
		if unaligned {
			sends += " ahead of its queued output"
		}
	}
	in := ""
	if unaligned && sub.persisted > 0 {
		in = ", persisted " + bytesText(sub.persisted) + " of in-flight data so far"
	}
	sync := "no sync phase"
	if d := s.syncDuration(st.t); d > 0 {
		sync = "sync phase " + d.String()
	}
	s.tracef("%s takes checkpoint %d (%sstart delay %s): %s, %s%s; %s", st.name(), p.id, mode, durText(sub.startDelay), what, sends, in, sync)
}
