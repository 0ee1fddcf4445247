package models

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// fitPoolByHalving is fitPool as it was before fitThreshold: every halving
// counts the buffers with fits.
func fitPoolByHalving(p *partition, n float64) float64 {
	free := float64(p.pool - p.used)
	if p.edge.rpb == 0 || n <= max(free, 1) || n/float64(p.minRPB)+min(float64(len(p.ch)), n) <= free {
		return n
	}
	lo, hi := math.Floor(max(free, 1)), math.Floor(n)
	if p.fits(int64(hi), free) {
		return hi
	}
	for range fitPasses {
		if hi-lo <= max(1, lo/32) {
			break
		}
		m := math.Floor((lo + hi) / 2)
		if p.fits(int64(m), free) {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// fitThreshold finds the largest count that fits without a search when the
// channels share a weight and a buffer size (equal weights, some channels
// without a share, open buffers anywhere from empty to full), and fitPool
// gives bit for bit what halving with fits gives over several channels, in
// those cases and in the others (unequal weights, debloated buffer sizes).
func TestFitPoolThresholdIsTheHalvings(t *testing.T) {
	found := 0
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "channels")
		rpb := rapid.Int64Range(1, 400).Draw(t, "records per buffer")
		p := &partition{edge: &edge{rpb: rpb}, maxPer: 1 << 20}
		idle := rapid.IntRange(0, 3).Draw(t, "channels without a share")
		if rapid.Bool().Draw(t, "weights") {
			p.edge.weights = make([]float64, n)
			for i := range p.edge.weights {
				p.edge.weights[i] = 1 / float64(n-min(idle, n-1))
				if i < idle && i < n-1 {
					p.edge.weights[i] = 0
				}
			}
		}
		unequal := false
		if p.edge.weights != nil && rapid.IntRange(0, 4).Draw(t, "unequal") == 0 {
			p.edge.weights[n-1] *= 1.5
			unequal = n > 1 && p.edge.weights[n-2] > 0
		}
		debloated := n > 1 && rapid.IntRange(0, 5).Draw(t, "debloated") == 0
		for i := range n {
			c := &channel{src: p, sub: int32(i), rpb: rpb}
			if debloated && i == 0 {
				c.rpb = max(1, rpb/2)
			}
			c.fill = rapid.Int64Range(0, c.rpb).Draw(t, "fill")
			p.ch = append(p.ch, c)
		}
		p.setMinRPB()
		p.pool = int32(rapid.IntRange(1, 200).Draw(t, "pool"))
		p.used = int32(rapid.IntRange(0, int(p.pool)+8).Draw(t, "used"))
		free := float64(p.pool - p.used)
		th, ok := p.fitThreshold(free)
		if ok {
			found++
			if !p.fits(th, free) || p.fits(th+1, free) {
				t.Fatalf("threshold %d: fits %v, fits(+1) %v", th, p.fits(th, free), p.fits(th+1, free))
			}
		} else if !unequal && !debloated && free >= 0 {
			t.Fatalf("no threshold found for %d channels of one weight and buffer size, %v free", n, free)
		}
		want := rapid.Float64Range(1, float64(rpb)*250).Draw(t, "records")
		if n == 1 { // the writer's last record is known: TestWriterStopsAfterItsLastBuffer
			return
		}
		if got, exp := p.fitPool(want), fitPoolByHalving(p, want); got != exp {
			t.Fatalf("fitPool(%v) = %v, halving %v", want, got, exp)
		}
	})
	if found == 0 {
		t.Fatal("fitThreshold never found a threshold")
	}
}

// fitPool allocates nothing in steady state, also where fitThreshold finds
// the weights unequal (a keyBy whose key groups do not divide evenly over
// its subtasks, 128 over 10 here: it asks on every step of a source).
func TestFitPoolAllocatesNothing(t *testing.T) {
	for _, unequal := range []bool{false, true} {
		p := &partition{edge: &edge{rpb: 10, weights: make([]float64, 10)}, maxPer: 1 << 20, pool: 8}
		for i := range p.edge.weights {
			p.edge.weights[i] = 0.1
			if unequal && i < 8 {
				p.edge.weights[i] = 13.0 / 128
			}
			p.ch = append(p.ch, &channel{src: p, sub: int32(i), rpb: 10, fill: int64(i)})
		}
		p.setMinRPB()
		if allocs := testing.AllocsPerRun(100, func() { p.fitPool(500) }); allocs != 0 {
			t.Errorf("unequal weights %v: %v allocations a call", unequal, allocs)
		}
	}
}

// drawPartition draws a partition of n channels whose edge holds rpb
// records per buffer: shares equal or drawn, some channels debloated (a
// fill up to the edge's size, as a buffer filled before the resize), each
// holding up to most buffers (full and used counted).
func drawPartition(t *rapid.T, n int, rpb int64, maxPer, most int) *partition {
	p := &partition{edge: &edge{rpb: rpb}, maxPer: int32(maxPer)}
	if rapid.Bool().Draw(t, "weights") {
		p.edge.weights = make([]float64, n)
		for i := range p.edge.weights {
			p.edge.weights[i] = rapid.Float64Range(0, 1).Draw(t, "weight")
		}
	}
	for i := range n {
		c := &channel{src: p, sub: int32(i), rpb: rpb}
		if rapid.IntRange(0, 3).Draw(t, "debloated") == 0 {
			c.rpb = rapid.Int64Range(1, rpb).Draw(t, "debloated size")
		}
		c.fill = rapid.Int64Range(0, rpb).Draw(t, "fill")
		c.sendBuf = int32(rapid.IntRange(0, most).Draw(t, "sender buffers"))
		if c.sendBuf >= p.maxPer {
			p.full++
		}
		p.used += c.sendBuf
		p.ch = append(p.ch, c)
	}
	p.setMinRPB()
	return p
}

// A partition's room is at most its free buffers and one open buffer per
// channel at the edge's buffer size, the bound outputSurelyShort decides
// with before it computes the room (with and without the min-tree, buffers
// debloated, overdraft in use).
func TestRoomIsAtMostFreeAndOpenBuffers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "channels")
		rpb := rapid.Int64Range(1, 400).Draw(t, "records per buffer")
		maxPer := rapid.IntRange(1, 50).Draw(t, "max per channel")
		p := drawPartition(t, n, rpb, maxPer, maxPer)
		p.pool = int32(rapid.IntRange(1, 200).Draw(t, "pool"))
		p.used = int32(rapid.IntRange(0, int(p.pool)+8).Draw(t, "used"))
		room := p.room(0, 0)
		if most := float64((int64(max(p.pool-p.used, 0)) + int64(n)) * rpb); room > most {
			t.Fatalf("room %v above %v (free buffers and an open buffer per channel)", room, most)
		}
	})
}

// A step that surelyFits finds room for needs no refresh: the room is at
// least what it needs, whatever the channels hold (below and at their cap,
// buffers debloated, shares unequal, the pool's overdraft in use).
func TestSurelyFitsIsALowerBound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(scanChannels+1, 80).Draw(t, "channels")
		rpb := rapid.Int64Range(1, 400).Draw(t, "records per buffer")
		maxPer := rapid.IntRange(1, 12).Draw(t, "max per channel")
		p := drawPartition(t, n, rpb, maxPer, rapid.IntRange(0, maxPer).Draw(t, "most sender buffers"))
		p.pool = p.used + int32(rapid.IntRange(-8, 4000).Draw(t, "free"))
		room := p.room(0, 0)                                                            // computed in full
		need := room * rapid.Float64Range(0, 2).Draw(t, "need, a multiple of the room") // near the bound
		if room >= math.MaxFloat64/4 {
			need = rapid.Float64Range(0, 1e6).Draw(t, "need")
		}
		if p.surelyFits(float64(p.pool-p.used), need) && room < need {
			t.Fatalf("surelyFits(%v) but the room is %v", need, room)
		}
	})
}

// Flink's writer stops after the record that takes its pool's last free
// buffer, or its channel's last under max-buffers-per-channel
// (LocalBufferPool.requestMemorySegment turns the pool unavailable as it
// hands it out): on one channel of 32 records per buffer whose open buffer
// has 22 records of space, a step takes those 22, the buffers before the
// last full, and one record in the last. room and fitPool agree, and
// outputRoom's whole counts that last buffer whole.
func TestWriterStopsAfterItsLastBuffer(t *testing.T) {
	for _, tc := range []struct {
		name               string
		fill               int64
		pool, used, maxPer int32
		want               float64
		poolBound          bool // the pool, not max-buffers-per-channel, bounds it: fitPool finds it too
	}{
		{"six free buffers", 10, 10, 4, 10, 22 + 5*32 + 1, true},
		{"two under max-buffers-per-channel", 10, 20, 4, 6, 22 + 1*32 + 1, false},
		{"the last free buffer", 10, 10, 9, 10, 22 + 1, true},
		{"no open buffer, the last free buffer", 0, 10, 9, 10, 1, true},
		{"no free buffer", 10, 10, 10, 10, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &partition{edge: &edge{rpb: 32, from: &nodeRT{gain: 1}}, pool: tc.pool, used: tc.used, maxPer: tc.maxPer}
			c := &channel{src: p, rpb: 32, fill: tc.fill, sendBuf: tc.used}
			p.ch = []*channel{c}
			p.setMinRPB()
			if got := p.room(0, 0); got != tc.want {
				t.Errorf("room = %v, want %v", got, tc.want)
			}
			if got := p.fitPool(1000); tc.poolBound && got != tc.want {
				t.Errorf("fitPool(1000) = %v, want %v", got, tc.want)
			}
			s := &Simulation{}
			room, whole := s.outputRoom(&subtask{parts: []*partition{p}}, 1000)
			if wr, ww := max(int64(tc.want), 1), int64(tc.want)+31; room != wr || tc.want > 0 && whole != ww {
				t.Errorf("outputRoom = %d, %d, want %d, %d", room, whole, wr, ww)
			}
		})
	}
}

// headRoom converts a one-channel output's room into records of the
// chain's head: the input record whose outputs reach the last free buffer
// is taken (a flatMap's record is processed while a buffer is free, its
// outputs running on into it), and a window or mini-batch chain, which
// emits when it fires, takes input as if that buffer were whole. Over
// several channels room is divided by the gain.
func TestHeadRoom(t *testing.T) {
	for _, tc := range []struct {
		name              string
		channels          int
		gain              float64
		onFire            bool
		out               float64
		wantRoom, wantAll float64
	}{
		{"map", 1, 1, false, 23, 23, 23 + 31},
		{"flatMap of 10, the last free buffer", 1, 10, false, 1, 1, 32.0 / 10},
		{"flatMap of 10, 22 records of open space", 1, 10, false, 23, 3, 54.0 / 10},
		{"window", 1, 1, true, 1, 32, 32},
		{"two channels", 2, 2, false, 100, 50, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &partition{edge: &edge{rpb: 32, from: &nodeRT{gain: tc.gain, onFire: tc.onFire}}, minRPB: 32}
			for range tc.channels {
				p.ch = append(p.ch, &channel{src: p, rpb: 32})
			}
			if room, whole := p.headRoom(tc.out); room != tc.wantRoom || whole != tc.wantAll {
				t.Errorf("headRoom(%v) = %v, %v, want %v, %v", tc.out, room, whole, tc.wantRoom, tc.wantAll)
			}
		})
	}
}
