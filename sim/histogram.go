package sim

import "math"

// Histogram counts weighted non-negative values in log-spaced buckets, with a
// relative width of 2^-7 (under 0.8 %), from 1e-9 to 1e9. It keeps the exact
// count, sum, minimum and maximum. Weights may be fractional, so a chunk of
// records can be added as a few weighted points.
type Histogram struct {
	w        []float64
	n, sum   float64
	min, max float64
}

const (
	histSubBits = 7
	histShift   = 52 - histSubBits
)

var (
	histBase = math.Float64bits(1e-9) >> histShift
	histTop  = math.Float64bits(1e9) >> histShift
)

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{w: make([]float64, histTop-histBase+1), min: math.Inf(1), max: math.Inf(-1)}
}

func histBucket(v float64) int {
	b := math.Float64bits(v) >> histShift
	switch {
	case v <= 0 || b < histBase:
		return 0
	case b > histTop:
		return int(histTop - histBase)
	}
	return int(b - histBase)
}

func histLower(i int) float64 { return math.Float64frombits((uint64(i) + histBase) << histShift) }

// Add records value v with weight w.
func (h *Histogram) Add(v, w float64) {
	if w <= 0 {
		return
	}
	h.w[histBucket(v)] += w
	h.n += w
	h.sum += v * w
	if v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
}

// addAt is Add of a positive weight to v's bucket b (Add spells it out
// to stay within the inliner's budget).
func (h *Histogram) addAt(b int, v, w float64) {
	h.w[b] += w
	h.n += w
	h.sum += v * w
	if v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
}

// AddSpread records weight w spread evenly over [lo, hi], as at most eight
// points at the midpoints of equal slices (one point per unit of weight when w
// is smaller). A chunk of one record is therefore exactly one point.
func (h *Histogram) AddSpread(lo, hi, w float64) { h.AddSpreadN(lo, hi, w, 8) }

// AddSpreadEach is AddSpread to each of hs, the same values in the same
// order; a single point's bucket is found once for all of them.
func AddSpreadEach(lo, hi, w float64, hs ...*Histogram) {
	if hi <= lo || w <= 1 {
		if w <= 0 {
			return
		}
		v := (lo + hi) / 2
		b := histBucket(v)
		for _, h := range hs {
			h.addAt(b, v, w)
		}
		return
	}
	for _, h := range hs {
		h.addSpread(lo, hi, w, 8)
	}
}

// AddSpreadPair is AddSpreadEach(lo, hi, w, a, b) without the variadic
// slice and its loop: a sink's latency goes to two histograms on every
// write, once per record in exact mode.
func AddSpreadPair(lo, hi, w float64, a, b *Histogram) {
	if hi <= lo || w <= 1 {
		if w <= 0 {
			return
		}
		v := (lo + hi) / 2
		k := histBucket(v)
		a.addAt(k, v, w)
		b.addAt(k, v, w)
		return
	}
	a.addSpread(lo, hi, w, 8)
	b.addSpread(lo, hi, w, 8)
}

// AddUniform records weight w spread evenly over [lo, hi] as n points at
// the midpoints of equal slices (fewer when w is smaller), and [lo, hi] as
// the range seen: the minimum and maximum are its ends, and the mean is
// exact. For spreads wide against the values' resolution (a transaction's
// records, written over a checkpoint interval).
func (h *Histogram) AddUniform(lo, hi, w float64, n int) {
	if w <= 0 {
		return
	}
	if hi <= lo || w <= 1 {
		h.Add((lo+hi)/2, w) // AddSpreadN's single point
		if lo == hi && lo != 0 {
			return // Add has taken lo as the minimum and maximum (a zero may differ in sign)
		}
	} else {
		h.addSpread(lo, hi, w, n)
	}
	// The built-in min and max treat NaN and signed zeros as math.Min and
	// math.Max do, without a call.
	h.min, h.max = min(h.min, lo), max(h.max, hi)
}

// AddSpreadN is AddSpread with at most n points. A single point (a chunk
// of one record) is added inline; spreads go through addSpread.
func (h *Histogram) AddSpreadN(lo, hi, w float64, n int) {
	if hi <= lo || w <= 1 {
		h.Add((lo+hi)/2, w)
		return
	}
	h.addSpread(lo, hi, w, n)
}

func (h *Histogram) addSpread(lo, hi, w float64, n int) {
	k := math.Min(float64(n), math.Ceil(w))
	step := (hi - lo) / k
	for i := 0.0; i < k; i++ {
		h.Add(lo+(i+0.5)*step, w/k)
	}
}

// Count is the total weight.
func (h *Histogram) Count() float64 { return h.n }

// Mean is the weighted mean, or 0 when empty.
func (h *Histogram) Mean() float64 {
	if h.n == 0 {
		return 0
	}
	return h.sum / h.n
}

// Min is the smallest value added, or 0 when empty.
func (h *Histogram) Min() float64 {
	if h.n == 0 {
		return 0
	}
	return h.min
}

// Max is the largest value added, or 0 when empty.
func (h *Histogram) Max() float64 {
	if h.n == 0 {
		return 0
	}
	return h.max
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1), interpolated within its bucket
// and clamped to the observed range; 0 when empty.
func (h *Histogram) Quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	target := q * h.n
	acc := 0.0
	lo, hi := h.span()
	for i := lo; i <= hi; i++ {
		w := h.w[i]
		if w == 0 {
			continue
		}
		if acc+w >= target {
			lo, hi := histLower(i), histLower(i+1)
			if i == 0 {
				lo = 0
			}
			v := lo + (hi-lo)*(target-acc)/w
			return math.Min(math.Max(v, h.min), h.max)
		}
		acc += w
	}
	return h.max
}

// Merge adds all of o into h.
func (h *Histogram) Merge(o *Histogram) {
	lo, hi := o.span()
	for i := lo; i <= hi; i++ {
		h.w[i] += o.w[i]
	}
	h.n += o.n
	h.sum += o.sum
	h.min = math.Min(h.min, o.min)
	h.max = math.Max(h.max, o.max)
}

// Reset empties h.
func (h *Histogram) Reset() {
	lo, hi := h.span()
	clear(h.w[lo : hi+1])
	h.n, h.sum = 0, 0
	h.min, h.max = math.Inf(1), math.Inf(-1)
}

// span is the buckets that may hold weight: those of the minimum and the
// maximum and all between (buckets rise with the value, and every point
// added lies within them), none when empty. Reset, Merge and Quantile
// visit only these: a sample's latencies span a few octaves of the 7 680
// buckets, and the recorder resets and reads one per sample.
func (h *Histogram) span() (lo, hi int) {
	if h.n == 0 {
		return 0, -1
	}
	lo, hi = histBucket(h.min), histBucket(h.max)
	if lo > hi { // only NaNs added (no minimum or maximum): every bucket
		return 0, len(h.w) - 1
	}
	return lo, hi
}
