package models

import (
	"cmp"
	"math"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// debloated is backpressuredSink with buffer debloating on at Flink's
// defaults, over remote channels when p is 2, with a sink of rate
// records/s per subtask.
func debloated(p int, rate float64) Spec {
	spec := backpressuredSink(100 * sim.Millisecond)
	d := DefaultDebloat()
	spec.Network.Debloat = &d
	if p > 1 {
		for i := range spec.Nodes {
			spec.Nodes[i].Parallelism = p
		}
		spec.Nodes[0].Kafka.Partitions = p
		spec.Nodes[1].Inputs[0].Exchange = Rebalance
	}
	spec.Nodes[1].Sink.RecordsPerSecond = rate
	spec.Nodes[0].Kafka.Rate = ConstantRate(100 * rate * float64(p))
	return spec
}

// TestDebloatConverges: under a steady rate each gate's announced buffer
// size settles at throughput × target / buffers in use (BufferDebloater),
// within the 25 % an announcement must move by, whether it starts at the
// segment size (before Flink 2.0) or at the starting size (2.0+).
func TestDebloatConverges(t *testing.T) {
	singleGoroutine(t)
	for _, start := range []int64{0, 1024} {
		const rate = 100.0 // records/s of 1 KB: 100 kB/s per sink subtask
		spec := debloated(2, rate)
		spec.Duration = 200 * sim.Second
		d := spec.Network.Debloat
		d.StartingSegmentSize, d.FractionalEMA = start, start > 0
		s, _ := runWith(t, spec)
		for _, st := range s.subtasks {
			for _, g := range st.gates {
				inUse := gateInUse(g)
				want := rate * float64(spec.Nodes[1].RecordSize) * d.Target.Seconds() / float64(max(inUse, 1))
				got := float64(g.debloat.announced)
				t.Logf("start %d: %s[%d]: %.0f B announced, %.0f B wanted, %d in use", start, st.t.name, st.index, got, want, inUse)
				if math.Abs(got-want)/want > float64(d.ThresholdPercent)/100 {
					t.Errorf("start %d: %s[%d]: buffer size %.0f B, want %.0f B (throughput × target / %d buffers in use)",
						start, st.t.name, st.index, got, want, inUse)
				}
			}
		}
	}
}

// TestDebloatStartsAtStartingSize: from Flink 2.0 a debloating gate and
// its senders start at taskmanager.memory.starting-segment-size (1 KB:
// one record of 1000 B per buffer from the first record on), and the
// gauge reads it before any recalculation. While the instant size
// (throughput × target / buffers in use) is at least twice the smoothed
// one, BufferSizeEMA's step is capped at doubling: the size grows by
// 1 + alpha per period, alpha = 2/(samples+1), and is first announced once
// it has moved by the threshold: 1024 × (1 + 2/21)^k for the least k with
// a move of 25 % (256 B), k = 3, at 600 ms. Before 2.0 the gate starts at
// the segment size.
func TestDebloatStartsAtStartingSize(t *testing.T) {
	for _, start := range []int64{0, 1024} {
		spec := debloated(2, 100)
		d := spec.Network.Debloat
		d.StartingSegmentSize, d.FractionalEMA = start, start > 0
		s := mustNew(t, spec)
		if _, err := s.RunPrefix(sim.Millisecond, func(now sim.Time) bool { return now < sim.Millisecond }); err != nil {
			t.Fatal(err)
		}
		wantStart := cmp.Or(start, spec.Network.SegmentSize)
		for _, st := range s.subtasks {
			for _, g := range st.gates {
				rpb := min(g.edge.rpb, wantStart/spec.Nodes[1].RecordSize)
				if g.debloat == nil || g.debloat.announced != wantStart || g.ch[0].rpb != rpb {
					t.Fatalf("start %d: %s[%d] at 1 ms: %+v, %d records per buffer; want %d B, %d records per buffer",
						start, st.t.name, st.index, g.debloat, g.ch[0].rpb, wantStart, rpb)
				}
				ref := seriesRef{debloat: gateBufferSize, gate: 0}
				if v := s.rec.debloatGaugeOf(st, ref); v != float64(wantStart) {
					t.Errorf("start %d: debloatedBufferSize %g before the first period, want %d", start, v, wantStart)
				}
			}
		}
		if start == 0 {
			continue
		}
		alpha := 2 / float64(d.Samples+1)
		k, size := 0, float64(start)
		for math.Round(size)-float64(start) < float64(start)*float64(d.ThresholdPercent)/100 {
			k, size = k+1, size*(1+alpha)
		}
		at := sim.Time(k) * d.Period
		if _, err := s.RunPrefix(sim.Millisecond, func(now sim.Time) bool { return now < at-sim.Millisecond }); err != nil {
			t.Fatal(err)
		}
		for _, st := range s.subtasks {
			for _, g := range st.gates {
				if g.debloat.announced != start {
					t.Errorf("%s[%d]: announced %d B before %v, want still %d", st.t.name, st.index, g.debloat.announced, at, start)
				}
			}
		}
		if _, err := s.RunPrefix(sim.Millisecond, func(now sim.Time) bool { return now < at+sim.Millisecond }); err != nil {
			t.Fatal(err)
		}
		for _, st := range s.subtasks {
			for _, g := range st.gates {
				t.Logf("%s[%d]: %d B announced at %v (period %d), %g B closed form, %d in use", st.t.name, st.index, g.debloat.announced, at, k, math.Round(size), gateInUse(g))
				if g.debloat.announced != int64(math.Round(size)) {
					t.Errorf("%s[%d]: announced %d B at %v, want %g B (1024 × (1 + %.4f)^%d)", st.t.name, st.index, g.debloat.announced, at, math.Round(size), alpha, k)
				}
			}
		}
	}
}

// TestDebloatShortensAlignedCheckpoints: with the buffers holding about
// target's worth of the sink's throughput, an aligned checkpoint under
// backpressure waits about the target per exchange instead of the 30 s
// and more that full buffers hold (TestFlushDoesNotFinishBuffers).
func TestDebloatShortensAlignedCheckpoints(t *testing.T) {
	for _, p := range []int{1, 2} {
		spec := debloated(p, 10)
		target := spec.Network.Debloat.Target.Seconds()
		res := runSpec(t, spec)
		for _, c := range res.Checkpoints[1:] { // the first waits behind full buffers
			if d := c.Duration.Seconds(); c.Status != "COMPLETED" || d > 3*target || d < target/2 {
				t.Errorf("parallelism %d: checkpoint %d %s in %.2fs, want about the %gs target", p, c.ID, c.Status, d, target)
			}
		}
	}
}

// bounds is the least and the greatest of vs.
func bounds(vs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// TestDebloatMetricsFollowFlinksFormula: in a steady backpressured run the
// recorded Shuffle.Netty.Input.0.debloatedBufferSize is Flink's
// (BufferDebloater, BufferSizeEMA): the gate's throughput × target ÷ the
// buffers in use, within [min-segment-size, segment size], give or take
// what the threshold lets an announced size lag the smoothed one, and what
// the throughput itself varies over the steady half of the run (the
// recorded numBytesInPerSecond's range: the sink is never idle, so the
// debloater's throughput, per time not idle, is the same rate). The
// estimated time to consume is the smoothed size × those buffers ÷ the
// throughput: about the target. The task's own estimatedTimeToConsumeBuffersMs
// is its one gate's.
func TestDebloatMetricsFollowFlinksFormula(t *testing.T) {
	singleGoroutine(t)
	spec := debloated(2, 100) // 100 records/s of 1 KB per sink subtask
	spec.Duration = 200 * sim.Second
	d := spec.Network.Debloat
	s, res := runWith(t, spec)
	task := taskOf(t, res, "out")
	thr := float64(d.ThresholdPercent) / 100
	for _, st := range s.subtasks {
		if st.t.name != task {
			continue
		}
		n := len(res.Times)
		bytesIn := seriesOf(t, res, task, st.index, result.MetricBytesIn)[n/2:]
		size := seriesOf(t, res, task, st.index, result.InputGateMetric(0, result.MetricDebloatedBufferSize))
		toConsume := seriesOf(t, res, task, st.index, result.InputGateMetric(0, result.MetricEstimatedTimeToConsume))
		taskToConsume := seriesOf(t, res, task, st.index, result.MetricEstimatedTimeToConsume)
		rlo, rhi := bounds(bytesIn)
		inUse := float64(max(gateInUse(st.gates[0]), 1))
		clamp := func(v float64) float64 {
			return math.Max(float64(d.MinSegmentSize), math.Min(v, float64(spec.Network.SegmentSize)))
		}
		want := (rlo + rhi) / 2 * d.Target.Seconds() / inUse
		lo, hi := clamp(rlo*d.Target.Seconds()/inUse/(1+thr)), clamp(rhi*d.Target.Seconds()/inUse/(1-thr))
		got := size[n-1]
		t.Logf("%s[%d]: %.0f B recorded; %.0f to %.0f B/s × %gs / %.0f buffers = %.0f B, allowed [%.0f, %.0f]; %g ms to consume",
			task, st.index, got, rlo, rhi, d.Target.Seconds(), inUse, want, lo, hi, toConsume[n-1])
		if got < lo || got > hi {
			t.Errorf("%s[%d]: debloatedBufferSize %.0f B, want %.0f B within [%.0f, %.0f]", task, st.index, got, want, lo, hi)
		}
		// the smoothed size is within the threshold of the announced one
		tlo := got * (1 - thr) * inUse * 1000 / rhi
		thi := got * (1 + thr) * inUse * 1000 / rlo
		if ms := toConsume[n-1]; ms < math.Floor(tlo) || ms > math.Ceil(thi) || ms != math.Trunc(ms) {
			t.Errorf("%s[%d]: estimatedTimeToConsumeBuffersMs %g, want whole ms within [%.0f, %.0f] (about the %gs target)",
				task, st.index, ms, tlo, thi, d.Target.Seconds())
		}
		if got != float64(st.gates[0].debloat.announced) {
			t.Errorf("%s[%d]: recorded %.0f B, the gate announced %d B", task, st.index, got, st.gates[0].debloat.announced)
		}
		for i := n / 2; i < n; i++ {
			if taskToConsume[i] != toConsume[i] {
				t.Fatalf("sample %d: the task's time to consume %g ms, its one gate's %g ms", i, taskToConsume[i], toConsume[i])
			}
		}
	}
}

// TestDebloatMetricsOnlyWhenOn: without debloating Flink registers neither
// gauge (SingleInputGateFactory creates no BufferDebloater,
// NettyShuffleEnvironment no TimeToConsumeGauge), so no series names them;
// with it, every task has its estimatedTimeToConsumeBuffersMs, a source,
// without input gates, Long.MIN_VALUE (TimeToConsumeGauge's start), and
// each input gate its two gauges, the size within [min-segment-size,
// segment size].
func TestDebloatMetricsOnlyWhenOn(t *testing.T) {
	off := backpressuredSink(100 * sim.Millisecond)
	off.Duration = 30 * sim.Second
	for _, s := range runSpec(t, off).Series {
		if strings.Contains(s.Metric, result.MetricDebloatedBufferSize) || strings.Contains(s.Metric, result.MetricEstimatedTimeToConsume) {
			t.Errorf("debloating off, yet %s %s[%d]", s.Metric, s.Operator, s.Subtask)
		}
	}
	on := debloated(2, 10)
	on.Duration = 30 * sim.Second
	res := runSpec(t, on)
	src, sink := taskOf(t, res, "src"), taskOf(t, res, "out")
	for sub := -1; sub < 2; sub++ {
		for _, v := range seriesOf(t, res, src, sub, result.MetricEstimatedTimeToConsume) {
			if v != math.MinInt64 {
				t.Fatalf("%s[%d]: estimatedTimeToConsumeBuffersMs %g, want Long.MIN_VALUE (no input gate)", src, sub, v)
			}
		}
		for _, v := range seriesOf(t, res, sink, sub, result.InputGateMetric(0, result.MetricDebloatedBufferSize)) {
			if v < float64(on.Network.Debloat.MinSegmentSize) || v > float64(on.Network.SegmentSize) {
				t.Fatalf("%s[%d]: debloatedBufferSize %g out of [%d, %d]", sink, sub, v, on.Network.Debloat.MinSegmentSize, on.Network.SegmentSize)
			}
		}
		seriesOf(t, res, sink, sub, result.InputGateMetric(0, result.MetricEstimatedTimeToConsume))
	}
	for _, s := range res.Series {
		if strings.Contains(s.Metric, "Shuffle.Netty.Input.1.") || (s.Operator == src && strings.HasPrefix(s.Metric, "Shuffle.")) {
			t.Errorf("a gate that does not exist: %s %s[%d]", s.Metric, s.Operator, s.Subtask)
		}
	}
}

// TestDebloatResetStartsAgain: a redeployed region's gates start over as
// new tasks do (resetDebloating): at the segment size before Flink 2.0, at
// the starting size from 2.0, their senders told so.
func TestDebloatResetStartsAgain(t *testing.T) {
	for _, start := range []int64{0, 1024} {
		spec := debloated(2, 100)
		d := spec.Network.Debloat
		d.StartingSegmentSize, d.FractionalEMA = start, start > 0
		s := mustNew(t, spec)
		if _, err := s.RunPrefix(sim.Second, func(now sim.Time) bool { return now < 30*sim.Second }); err != nil {
			t.Fatal(err)
		}
		want := cmp.Or(start, spec.Network.SegmentSize)
		for _, r := range s.regions {
			s.resetDebloating(r)
		}
		for _, st := range s.subtasks {
			for _, g := range st.gates {
				rpb := min(g.edge.rpb, want/spec.Nodes[1].RecordSize)
				if g.debloat.announced != want || g.debloat.ema != float64(want) || g.ch[0].rpb != rpb {
					t.Errorf("start %d: %s[%d] after a reset: %+v, %d records per buffer; want %d B, %d records per buffer",
						start, st.t.name, st.index, g.debloat, g.ch[0].rpb, want, rpb)
				}
			}
		}
	}
}

// TestDebloatCountsTheLocalOpenBuffer: a local channel's buffers in use
// are those still in the sender's subpartition (LocalInputChannel's
// getBuffersInUseCount: PipelinedSubpartition.getNumberOfQueuedBuffers,
// the size of its deque of BufferConsumers, which holds the open buffer
// from the moment the writer requests it), all of the sender's buffers
// for the channel but the one the receiver is reading. Under steady
// backpressure on one local channel, Flink's pool of 2 + 8 buffers is 8
// full ones, the open one and the one being read: 9 in use, where the
// open buffer left out made it 8 and the debloated size 9/8 of Flink's.
func TestDebloatCountsTheLocalOpenBuffer(t *testing.T) {
	spec := debloated(1, 100) // 100 records/s of 1 KB: about 11 records a buffer
	spec.Duration = 60 * sim.Second
	spec.Sim.ChunkRecords = 1
	s, _ := runWith(t, spec)
	for _, st := range s.subtasks {
		for _, g := range st.gates {
			c := g.ch[0]
			if !c.local {
				t.Fatalf("%s[%d]: want a local channel", st.t.name, st.index)
			}
			reading := int32(0)
			for _, h := range st.held {
				if h.c == c {
					reading += h.b
				}
			}
			if c.fill == 0 || c.src.used < c.src.pool {
				t.Fatalf("%s[%d]: want a full pool with an open buffer at the end (fill %d, %d of %d buffers)",
					st.t.name, st.index, c.fill, c.src.used, c.src.pool)
			}
			if got, want := gateInUse(g), int(c.sendBuf-reading); got != want {
				t.Errorf("%s[%d]: %d buffers in use, want %d: the sender's %d for the channel less the %d being read",
					st.t.name, st.index, got, want, c.sendBuf, reading)
			}
		}
	}
}
