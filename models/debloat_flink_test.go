package models

import (
	"math"
	"testing"
)

// TestBufferSizeEMAFollowsFlink: BufferSizeEMA's steps, release by
// release, against the sizes Flink's own BufferSizeEMATest expects of
// them (max 200 B, min 10 B, 3 samples: alpha 0.5; starting at the max).
// Before 2.0 the size is kept in whole bytes, each step truncated (107/7
// is 15, and 104 + (15 − 104)/2 = 59.5 is 59); from 2.0 (FLINK-36555) it
// is a double, reported rounded (60). FLINK-36555's own case: with 10 000
// samples a 16 B size under an instant 2000 B never grows before 2.0
// (each step adds 0.4 B, truncated away) and grows from 2.0.
func TestBufferSizeEMAFollowsFlink(t *testing.T) {
	type step struct {
		total   int64
		buffers int
	}
	repeat := func(s step, n int) []step {
		out := make([]step, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	down := append(append([]step{{111, 13}}, repeat(step{107, 7}, 5)...), repeat(step{107, 13}, 3)...)
	trace := append(down, repeat(step{333, 1}, 6)...)
	for _, c := range []struct {
		name          string
		fractional    bool
		start, lo, hi float64
		samples       int
		steps         []step
		want          []int64 // the size reported after each step; none: whether it grew
	}{
		{name: "1.x: down, then up", start: 200, lo: 10, hi: 200, samples: 3, steps: trace,
			want: []int64{104, 59, 37, 26, 20, 17, 12, 10, 10, 15, 22, 33, 49, 73, 109}},
		{name: "2.x: down, then up", fractional: true, start: 200, lo: 10, hi: 200, samples: 3, steps: trace,
			want: []int64{104, 60, 38, 26, 21, 18, 13, 11, 10, 15, 23, 34, 51, 76, 114}},
		{name: "1.x: to the minimum", start: 200, lo: 10, hi: 200, samples: 3, steps: repeat(step{0, 1}, 6),
			want: []int64{100, 50, 25, 12, 10, 10}},
		{name: "2.x: to the minimum", fractional: true, start: 200, lo: 10, hi: 200, samples: 3, steps: repeat(step{0, 1}, 6),
			want: []int64{100, 50, 25, 13, 10, 10}},
		{name: "1.x: never past the maximum", start: 200, lo: 10, hi: 200, samples: 3,
			steps: []step{{0, 1}, {1000, 1}, {1000, 1}, {1000, 1}}, want: []int64{100, 150, 200, 200}},
		{name: "2.x: never past the maximum", fractional: true, start: 200, lo: 10, hi: 200, samples: 3,
			steps: []step{{0, 1}, {1000, 1}, {1000, 1}, {1000, 1}}, want: []int64{100, 150, 200, 200}},
		{name: "1.x: a very small alpha never grows", start: 16, lo: 16, hi: 32 << 10, samples: 10000,
			steps: repeat(step{20000, 10}, 10000)},
		{name: "2.x: a very small alpha grows", fractional: true, start: 16, lo: 16, hi: 32 << 10, samples: 10000,
			steps: repeat(step{20000, 10}, 10000)},
	} {
		t.Run(c.name, func(t *testing.T) {
			last := c.start
			var got []int64
			for _, s := range c.steps {
				last = bufferSizeEMA(last, s.total, s.buffers, c.lo, c.hi, c.samples, c.fractional)
				got = append(got, int64(math.Round(last)))
			}
			if c.want == nil {
				if n := got[len(got)-1]; (n > int64(c.start)) != c.fractional {
					t.Errorf("after %d steps: %d B from %g B; grows only from 2.0", len(got), n, c.start)
				}
				return
			}
			for i, w := range c.want {
				if got[i] != w {
					t.Fatalf("step %d (%d B over %d buffers): %d B, want %d B; all: %v", i+1, c.steps[i].total, c.steps[i].buffers, got[i], w, got)
				}
			}
		})
	}
}

// TestDebloaterFollowsFlinksFormula: BufferDebloater at Flink's defaults
// (32 kb segments, 256 b minimum, 20 samples: alpha 2/21, 25 % threshold,
// 1 s target) under a steady throughput of R bytes/s over n buffers in use,
// the instant size d = R × 1 s / n, release by release:
//   - the first size announced after the start, and when: from above
//     (1.x's segment size) e_k = d + (s0 − d)(1 − alpha)^k, announced at
//     the first k with s0 − e_k >= 25 % of s0; from below, while d >= 2 e
//     (2.x's 1 kb start), e_k = s0 (1 + alpha)^k, announced at the first k
//     with e_k − s0 >= 25 % of s0. A 2.x size is e_k rounded; a 1.x one is
//     truncated each step, so at most k bytes below e_k;
//   - the smoothed size it settles at: 2.x's d (rounded); 1.x's ⌊d⌋ from
//     above, and from below a size within (samples+1)/2 bytes under d, where
//     alpha × the gap no longer adds a whole byte (FLINK-36555).
func TestDebloaterFollowsFlinksFormula(t *testing.T) {
	const seg = 32 << 10
	for _, c := range []struct {
		name       string
		fractional bool
		start      int64 // the smoothed size at the start
		announced  int64 // the size announced at the start
		r          int64 // bytes/s
		n          int
	}{
		{name: "1.x from the segment size", start: seg, announced: seg, r: 100_000, n: 20},
		{name: "2.x from the segment size", fractional: true, start: seg, announced: seg, r: 100_000, n: 20},
		{name: "2.x from the 1 kb starting size", fractional: true, start: 1024, announced: 1024, r: 100_000, n: 20},
		{name: "1.x from below: stalls under d", start: 1024, announced: 1024, r: 33_333, n: 20},
		{name: "2.x from below: reaches d", fractional: true, start: 1024, announced: 1024, r: 33_333, n: 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := DefaultDebloat()
			d.FractionalEMA = c.fractional
			alpha := 2 / float64(d.Samples+1)
			inst := float64(c.r) * d.Target.Seconds() / float64(c.n)
			db := &debloatGate{ema: float64(c.start), announced: c.announced, rate: float64(c.r)}
			s0, threshold := float64(c.start), float64(c.announced)*float64(d.ThresholdPercent)/100
			// the closed form's first announcement, where it applies
			k, e := 0, s0
			closed := inst < s0 || inst >= 2*s0*math.Pow(1+alpha, 3)
			for closed && math.Abs(math.Round(e)-s0) < threshold {
				k++
				if inst < s0 {
					e = inst + (s0-inst)*math.Pow(1-alpha, float64(k))
				} else {
					e = s0 * math.Pow(1+alpha, float64(k))
				}
			}
			first, firstAt := int64(0), 0
			for p := 1; p <= 2000; p++ {
				if size, ok := d.recalculate(db, seg, c.n); ok && first == 0 {
					first, firstAt = size, p
				}
			}
			t.Logf("d = %.2f B; first announced %d B at period %d; smoothed at the end %.2f B, announced %d B",
				inst, first, firstAt, db.ema, db.announced)
			if closed {
				t.Logf("closed form: %.1f B at period %d", e, k)
				lo := math.Round(e)
				if !c.fractional {
					lo = math.Floor(e) - float64(k)
				}
				if firstAt != k || float64(first) < lo || float64(first) > math.Round(e) {
					t.Errorf("first announced %d B at period %d, want %.0f..%.0f B at period %d", first, firstAt, lo, math.Round(e), k)
				}
			}
			var lo, hi float64
			switch {
			case c.fractional:
				lo, hi = math.Round(inst), math.Round(inst)
			case inst < s0:
				lo, hi = math.Floor(inst), math.Floor(inst)
			default: // 1.x's instant size is a whole quotient
				lo, hi = math.Floor(inst)-float64(d.Samples+1)/2, math.Floor(inst)
			}
			if got := math.Round(db.ema); got < lo || got > hi {
				t.Errorf("settles at %.2f B, want %.1f..%.1f B", db.ema, lo, hi)
			}
			if !c.fractional && c.start < int64(inst) && db.ema == inst {
				t.Errorf("1.x reached d from below: %.2f B", db.ema)
			}
		})
	}
}
