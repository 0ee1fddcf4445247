package models

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// KeySpace is the population of keys on a keyed stream: which keys appear
// and how often, possibly changing over time.
type KeySpace interface {
	// Distinct is the number of distinct keys (the base population's plus
	// any named hot keys).
	Distinct() float64
	// Layout is where the records and keys fall among key groups at time t.
	Layout(maxParallelism int, t sim.Time) *KeyLayout
	// Changes lists the times at which the population changes.
	Changes() []sim.Time
}

// KeyLayout is a population laid out over key groups. The most frequent
// keys are tracked one by one (Heavy); the rest only as counts and shares
// per key group, in expectation when there are too many to place one by one,
// so that 100 million keys cost no more memory than ten thousand.
type KeyLayout struct {
	Share []float64 // per key group: the share of records (heavy keys included)
	Keys  []float64 // per key group: distinct keys (heavy keys included)
	Heavy []HeavyKey
	// Tiers are the other keys, in bands of similar frequency (the rest of a
	// hot set, the cold keys; Zipf ranks by decade), each band's keys taken
	// as equally likely.
	Tiers []Tier
	cum   []float64 // cumulative Share, for drawing a record's key group
}

// Tier is one band of keys: per key group, their share and count.
type Tier struct {
	Share, Keys []float64
}

func newTiers(n, mp int) []Tier {
	t := make([]Tier, n)
	for i := range t {
		t[i] = Tier{Share: make([]float64, mp), Keys: make([]float64, mp)}
	}
	return t
}

// HeavyKey is one key tracked on its own.
type HeavyKey struct {
	Key   string
	Orig  string  // a salted key's original key ("" when not salted)
	Group int     // its key group
	Share float64 // of all records
}

// Original is the key before any salt.
func (h HeavyKey) Original() string {
	if h.Orig != "" {
		return h.Orig
	}
	return h.Key
}

// SampleKeyGroup draws the key group of one record.
func (l *KeyLayout) SampleKeyGroup(r *rand.Rand) int {
	if l.cum == nil {
		l.cum = make([]float64, len(l.Share))
		sum := 0.0
		for i, s := range l.Share {
			sum += s
			l.cum[i] = sum
		}
	}
	u := r.Float64() * l.cum[len(l.cum)-1]
	i := sort.SearchFloat64s(l.cum, u)
	return min(i, len(l.cum)-1)
}

// UniformKeys are the ids 0..N-1, hashed as Java Longs, each equally likely.
type UniformKeys struct{ N int64 }

func (u UniformKeys) Distinct() float64   { return float64(u.N) }
func (u UniformKeys) Changes() []sim.Time { return nil }
func (u UniformKeys) Layout(mp int, t sim.Time) *KeyLayout {
	return (&Population{N: u.N}).Layout(mp, t)
}

// KeyType is the Java type of the keys, which decides their hash code.
type KeyType uint8

const (
	KeyLong   KeyType = iota // Long.hashCode: ids 0..N-1
	KeyString                // String.hashCode: Prefix + "0" .. Prefix + "N-1"
)

// Shape is how often the base population's keys appear, by rank (rank 1 is
// the most frequent; key id rank−1).
type Shape uint8

const (
	ShapeUniform Shape = iota
	ShapeZipf          // p(r) ∝ r^−S
	ShapeHotSet        // the first HotFraction of the keys carry HotShare of the records
)

// Population is a key population: a base of N keys with a shape, plus named
// hot keys (bots, test accounts) that each carry a share of the records from
// a time on (and until a time, if set). The base shares what the hot keys do
// not carry.
type Population struct {
	Type   KeyType
	Prefix string // string keys
	N      int64
	Shape  Shape
	S      float64 // Zipf exponent (ShapeZipf), or the shape inside the hot set (ShapeHotSet; 0: uniform)
	// HotSet: HotFraction of the keys (the lowest ranks) carry HotShare.
	HotFraction, HotShare float64
	Hot                   []HotKey
}

// HotKey is a named key with its share of the records, present in
// [From, Until) (Until 0: to the end).
type HotKey struct {
	Key         string
	Share       float64
	From, Until sim.Time
}

// maxHeavy is how many of the base population's most frequent keys are
// tracked one by one.
const maxHeavy = 1000

// exactLayoutLimit is the most keys placed in key groups one by one:
// every band that fits within it, from the most frequent (a hot set of
// 200k keys among 20M is placed exactly, as the load it carries makes its
// key groups' counts matter); a band beyond it is spread over key groups
// in expectation (the murmur hash spreads keys evenly; the error is
// ~1/sqrt(N/M)).
const exactLayoutLimit = 1 << 22

func (p *Population) Distinct() float64 { return float64(p.N) + float64(len(p.Hot)) }

// Changes are the times named hot keys come and go.
func (p *Population) Changes() []sim.Time {
	var ts []sim.Time
	for _, h := range p.Hot {
		for _, t := range []sim.Time{h.From, h.Until} {
			if t > 0 {
				ts = append(ts, t)
			}
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	out := ts[:0]
	for i, t := range ts {
		if i == 0 || t != ts[i-1] {
			out = append(out, t)
		}
	}
	return out
}

// active is the named hot keys present at t and their total share.
func (p *Population) active(t sim.Time) ([]HotKey, float64) {
	var hot []HotKey
	total := 0.0
	for _, h := range p.Hot {
		if t >= h.From && (h.Until == 0 || t < h.Until) {
			hot = append(hot, h)
			total += h.Share
		}
	}
	return hot, total
}

// KeyName is the identifier of the base key of rank r (1-based).
func (p *Population) KeyName(r int64) string {
	if p.Type == KeyString {
		return p.Prefix + strconv.FormatInt(r-1, 10)
	}
	return strconv.FormatInt(r-1, 10)
}

// HashCode is a key's Java hashCode, as Flink's KeyGroupRangeAssignment
// takes it.
func (p *Population) HashCode(key string) int32 {
	if p.Type == KeyLong {
		if v, err := strconv.ParseInt(key, 10, 64); err == nil {
			return partitioning.JavaLongHash(v)
		}
	}
	return partitioning.JavaStringHash(key)
}

func (p *Population) rankHash(r int64) int32 {
	if p.Type == KeyString {
		return partitioning.JavaStringHash(p.Prefix + strconv.FormatInt(r-1, 10))
	}
	return partitioning.JavaLongHash(r - 1)
}

// rankShare returns the share of the base population carried by rank r
// (1-based), given the normaliser for Zipf shapes.
func (p *Population) rankShare(r int64, norm float64) float64 {
	n := float64(p.N)
	switch p.Shape {
	case ShapeZipf:
		return math.Pow(float64(r), -p.S) / norm
	case ShapeHotSet:
		h := p.hotKeys()
		if r <= h {
			if p.S > 0 {
				return p.HotShare * math.Pow(float64(r), -p.S) / norm
			}
			return p.HotShare / float64(h)
		}
		return (1 - p.HotShare) / (n - float64(h))
	}
	return 1 / n
}

// hotKeys is the size of the hot set (at least one key, at most N−1).
func (p *Population) hotKeys() int64 {
	h := int64(math.Round(p.HotFraction * float64(p.N)))
	return min(max(h, 1), max(p.N-1, 1))
}

// norm is the Zipf normaliser: Σ r^−s over the ranks it applies to.
func (p *Population) norm() float64 {
	switch {
	case p.Shape == ShapeZipf:
		return ZipfNorm(p.N, p.S)
	case p.Shape == ShapeHotSet && p.S > 0:
		return ZipfNorm(p.hotKeys(), p.S)
	}
	return 1
}

// ZipfNorm is the generalised harmonic number Σ_{r=1..n} r^−s: summed up to
// a million terms, and beyond by the integral with the midpoint correction
// (relative error below 1e-12).
func ZipfNorm(n int64, s float64) float64 {
	const exact = 1_000_000
	sum := 0.0
	for r := int64(1); r <= min(n, exact); r++ {
		sum += math.Pow(float64(r), -s)
	}
	if n > exact {
		a, b := float64(exact)+0.5, float64(n)+0.5
		if math.Abs(s-1) < 1e-12 {
			sum += math.Log(b / a)
		} else {
			sum += (math.Pow(b, 1-s) - math.Pow(a, 1-s)) / (1 - s)
		}
	}
	return sum
}

// Tracked is how many of the base population's most frequent keys are
// tracked one by one (ranks 1..Tracked, with the named hot keys the layout's
// Heavy): none of a uniform population, at most the hot set of a uniform
// hot set, at most maxHeavy.
func (p *Population) Tracked() int64 {
	if p.Shape == ShapeUniform {
		return 0
	}
	n := min(p.N, maxHeavy)
	if p.Shape == ShapeHotSet && p.S == 0 {
		n = min(n, p.hotKeys())
	}
	return n
}

// Layout places the population at time t over mp key groups.
func (p *Population) Layout(mp int, t sim.Time) *KeyLayout { return p.layout(mp, t, 0, nil) }

func (p *Population) layoutMemo(mp int, t sim.Time, m *tierMemo) *KeyLayout {
	return p.layout(mp, t, 0, m)
}

// tierMemo keeps one operator's exact placement of its population's
// bands over key groups (each key group's share of the base population,
// before the named hot keys take theirs, and its keys), so that a layout
// after a hot key comes or goes hashes no key again: the bands change
// only by that scale.
type tierMemo struct{ share, keys [][]float64 }

// memoLayout is a key space whose layouts within one run can share a
// tierMemo.
type memoLayout interface {
	layoutMemo(mp int, t sim.Time, m *tierMemo) *KeyLayout
}

// placeBand places ranks lo..hi (band b) one by one over mp key groups,
// as salts Tuple2 keys each when salts > 0: each key group's share of the
// base population and its keys; from m when it has them (m may be nil).
func (p *Population) placeBand(m *tierMemo, b int, lo, hi int64, mp int, salts int32, norm float64) (share, keys []float64) {
	if m != nil && b < len(m.share) && m.share[b] != nil {
		return m.share[b], m.keys[b]
	}
	share, keys = make([]float64, mp), make([]float64, mp)
	for r := lo; r <= hi; r++ {
		if salts == 0 {
			kg := partitioning.KeyGroup(p.rankHash(r), mp)
			share[kg] += p.rankShare(r, norm)
			keys[kg]++
			continue
		}
		code, s := p.rankHash(r), p.rankShare(r, norm)/float64(salts)
		for k := range salts {
			kg := partitioning.KeyGroup(tupleHash(code, k), mp)
			share[kg] += s
			keys[kg]++
		}
	}
	if m != nil {
		for len(m.share) <= b {
			m.share, m.keys = append(m.share, nil), append(m.keys, nil)
		}
		m.share[b], m.keys[b] = share, keys
	}
	return share, keys
}

// layout is Layout with the keys beyond the heavy ones keyed as salted
// Tuple2s when salts > 0: each as salts keys (key, 0) .. (key, salts−1) of
// equal share, hashed 31·hash(key) + salt as Tuple2.hashCode does; placed
// one by one within exactLayoutLimit salted keys. The
// heavy keys are then listed by their own hash, but not placed: SaltedKeys
// places them.
func (p *Population) layout(mp int, t sim.Time, salts int32, m *tierMemo) *KeyLayout {
	l := &KeyLayout{Share: make([]float64, mp), Keys: make([]float64, mp)}
	hot, hotShare := p.active(t)
	base := 1 - hotShare
	norm := p.norm()
	var heavy []HeavyKey
	nHeavy := p.Tracked()
	for r := int64(1); r <= nHeavy; r++ {
		kg := partitioning.KeyGroup(p.rankHash(r), mp)
		s := base * p.rankShare(r, norm)
		heavy = append(heavy, HeavyKey{Key: p.KeyName(r), Group: kg, Share: s})
	}
	bands := p.bands(nHeavy)
	l.Tiers = newTiers(len(bands)-1, mp)
	placed := int64(0) // keys placed one by one so far (salted keys each)
	for b := 0; b+1 < len(bands); b++ {
		lo, hi := bands[b]+1, bands[b+1] // ranks lo..hi
		tier := &l.Tiers[b]
		keys := (hi - lo + 1) * int64(max(salts, 1))
		exact := placed+keys <= exactLayoutLimit
		if exact {
			placed += keys
		}
		switch {
		case exact:
			share, keys := p.placeBand(m, b, lo, hi, mp, salts, norm)
			for kg := range share {
				tier.Share[kg], tier.Keys[kg] = base*share[kg], keys[kg]
			}
		default:
			// Each key group holds 1/mp of the band in expectation.
			share := base * p.rangeShare(lo, hi, norm)
			for kg := range tier.Share {
				tier.Share[kg] = share / float64(mp)
				tier.Keys[kg] = float64(hi-lo+1) * float64(max(salts, 1)) / float64(mp)
			}
		}
		for kg := range tier.Share {
			l.Share[kg] += tier.Share[kg]
			l.Keys[kg] += tier.Keys[kg]
		}
	}
	for _, h := range hot {
		kg := partitioning.KeyGroup(p.HashCode(h.Key), mp)
		heavy = append(heavy, HeavyKey{Key: h.Key, Group: kg, Share: h.Share})
	}
	if salts > 0 {
		l.Heavy = heavy // for SaltedKeys to place
		return l
	}
	for _, h := range heavy {
		l.place(h)
	}
	sortHeavy(l.Heavy)
	return l
}

// bands are the rank boundaries of the tiers after the heavy keys: ranks
// bands[i]+1 .. bands[i+1] form tier i.
func (p *Population) bands(nHeavy int64) []int64 {
	b := []int64{nHeavy}
	switch p.Shape {
	case ShapeZipf:
		for edge := int64(10_000); edge < p.N; edge *= 10 {
			if edge > nHeavy {
				b = append(b, edge)
			}
		}
	case ShapeHotSet:
		if h := p.hotKeys(); h > nHeavy {
			b = append(b, h)
		}
	}
	if p.N > b[len(b)-1] {
		b = append(b, p.N)
	}
	return b
}

// rangeShare is the share of the base population carried by ranks lo..hi.
func (p *Population) rangeShare(lo, hi int64, norm float64) float64 {
	switch {
	case p.Shape == ShapeZipf:
		return (ZipfNorm(hi, p.S) - ZipfNorm(lo-1, p.S)) / norm
	case p.Shape == ShapeHotSet && hi <= p.hotKeys():
		if p.S > 0 {
			return p.HotShare * (ZipfNorm(hi, p.S) - ZipfNorm(lo-1, p.S)) / norm
		}
		return p.HotShare * float64(hi-lo+1) / float64(p.hotKeys())
	case p.Shape == ShapeHotSet:
		return (1 - p.HotShare) * float64(hi-lo+1) / float64(p.N-p.hotKeys())
	}
	return float64(hi-lo+1) / float64(p.N)
}

// sortHeavy orders heavy keys by decreasing share (ties in a fixed order).
func sortHeavy(h []HeavyKey) {
	sort.SliceStable(h, func(i, j int) bool { return h[i].Share > h[j].Share })
}

// expectedDistinct is how many of k equally likely keys appear at least once
// in m draws: k·(1 − (1 − 1/k)^m). Layouts spread keys evenly over key
// groups, so a subtask's part of a tier may hold less than one key; there
// the formula has no meaning and its Poisson limit k·(1 − e^(−m/k)) (each key
// drawn Poisson(m/k) times), which it approaches for large k, takes over.
func expectedDistinct(k, m float64) float64 {
	switch {
	case k <= 0 || m <= 0:
		return 0
	case k < 1:
		return k * -math.Expm1(-m/k)
	case k == 1:
		return 1
	}
	return k * -math.Expm1(m*math.Log1p(-1/k))
}
