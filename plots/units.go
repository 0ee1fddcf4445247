package plots

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// Unit says how to print a quantity, on axes and in tables. A Unit is also a
// plot.Ticker: its ticks fall on round values in the unit people read.
type Unit int

const (
	UnitNone     Unit = iota // plain numbers: 12, 0.35
	UnitCount                // 950, 100k, 1.5M
	UnitRate                 // per second: 100k/s
	UnitBytes                // SI bytes: 512 B, 1.5 GB (FlinkBytes prints Flink's UI's)
	UnitByteRate             // 1.5 GB/s
	UnitSeconds              // a duration in seconds: 250 ms, 30 s, 5 min, 2 h
	UnitMillis               // a duration given in milliseconds, printed as UnitSeconds
)

// Label is an axis title with the unit's name: "sinks.jdbc.capacity
// (records/s)"; the ticks print each value in its scale (k, M, ms, min).
func (u Unit) Label(name string) string {
	unit := [...]string{"", "count", "records/s", "bytes", "bytes/s", "duration", "duration"}
	if int(u) < 0 || int(u) >= len(unit) || unit[u] == "" {
		return name
	}
	return name + " (" + unit[u] + ")"
}

// scale is one way to print a unit: the value divided by div, then suffix.
// A scale is chosen when the magnitude is at least from.
type scale struct {
	from, div float64
	suffix    string
	steps     []float64 // round tick steps in this scale, besides 1-2-5
}

var (
	countScales = siScales("", "")
	rateScales  = siScales("", "/s")
	byteScales  = []scale{{0, 1, " B", nil}, {1e3, 1e3, " kB", nil}, {1e6, 1e6, " MB", nil},
		{1e9, 1e9, " GB", nil}, {1e12, 1e12, " TB", nil}, {1e15, 1e15, " PB", nil}}
	byteRateScales = withSuffix(byteScales, "/s")
	// Durations switch scale late (120 s, 120 min) so that an axis of a
	// 90-minute run reads in minutes, and use clock-friendly steps.
	durationScales = []scale{
		{0, 1e-6, " µs", nil},
		{1e-3, 1e-3, " ms", nil},
		{1, 1, " s", []float64{1, 2, 5, 10, 15, 20, 30, 60}},
		{120, 60, " min", []float64{1, 2, 5, 10, 15, 20, 30, 60}},
		{7200, 3600, " h", []float64{1, 2, 3, 6, 12, 24}},
	}
	plainScales = []scale{{0, 1, "", nil}}
)

func siScales(space, per string) []scale {
	s := []scale{{0, 1, space, nil}}
	for i, p := range []string{"k", "M", "G", "T"} {
		v := math.Pow(1000, float64(i+1))
		s = append(s, scale{v, v, space + p, nil})
	}
	return withSuffix(s, per)
}

func withSuffix(in []scale, suffix string) []scale {
	out := make([]scale, len(in))
	for i, s := range in {
		s.suffix += suffix
		out[i] = s
	}
	return out
}

// scales returns the unit's scales and the factor from its values to the
// scales' base (milliseconds are printed as durations in seconds).
func (u Unit) scales() ([]scale, float64) {
	switch u {
	case UnitCount:
		return countScales, 1
	case UnitRate:
		return rateScales, 1
	case UnitBytes:
		return byteScales, 1
	case UnitByteRate:
		return byteRateScales, 1
	case UnitSeconds:
		return durationScales, 1
	case UnitMillis:
		return durationScales, 1e-3
	}
	return plainScales, 1
}

// pick returns the index of the scale for magnitude m.
func pick(ss []scale, m float64) int {
	i := 0
	for j, s := range ss {
		if m >= s.from {
			i = j
		}
	}
	return i
}

// Format prints v in unit u to about three significant figures, e.g.
// Format(UnitRate, 1e5) is "100k/s" and Format(UnitSeconds, 300) is "5 min".
// NaN prints as "n/a".
func Format(u Unit, v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	}
	ss, f := u.scales()
	b := v * f
	if b == 0 {
		zero := ss[0]
		if u == UnitSeconds || u == UnitMillis {
			zero = ss[2] // "0 s", not "0 µs"
		}
		return "0" + zero.suffix
	}
	i := pick(ss, math.Abs(b))
	for {
		s := ss[i]
		x := b / s.div
		d := sigDecimals(x)
		r := roundTo(x, d)
		// Rounding can reach the next scale: 999.9k is 1M.
		if i+1 < len(ss) && math.Abs(r)*s.div >= ss[i+1].from {
			i++
			continue
		}
		if len(ss) == 1 && (math.Abs(b) >= 1e9 || math.Abs(b) < 1e-3) {
			return strconv.FormatFloat(b, 'g', 3, 64)
		}
		return trimZeros(strconv.FormatFloat(r, 'f', d, 64)) + s.suffix
	}
}

// sigDecimals is the number of decimals that shows three significant figures.
func sigDecimals(x float64) int {
	ax := math.Abs(x)
	if ax == 0 {
		return 0
	}
	return max(0, 2-int(math.Floor(math.Log10(ax))))
}

func roundTo(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Ticks implements plot.Ticker: about five ticks on round values of the
// scale that suits the larger end of the range, all in that one scale
// ("0", "20 min", "40 min", not "1 h" among minutes).
func (u Unit) Ticks(lo, hi float64) []plot.Tick {
	if !finite(lo) || !finite(hi) || hi < lo {
		return nil
	}
	if lo == hi {
		return []plot.Tick{{Value: lo, Label: Format(u, lo)}}
	}
	ss, f := u.scales()
	blo, bhi := lo*f, hi*f
	s := ss[pick(ss, max(math.Abs(blo), math.Abs(bhi)))]
	dlo, dhi := blo/s.div, bhi/s.div
	step := niceStep((dhi-dlo)/5, s.steps)
	first, last := math.Ceil(dlo/step-1e-9), math.Floor(dhi/step+1e-9)
	if last-first > 100 {
		return nil // cannot happen with a nice step; a guard, not a feature
	}
	d := stepDecimals(step)
	var ticks []plot.Tick
	for k := first; k <= last; k++ {
		x := k * step
		label := "0"
		if k != 0 {
			label = trimZeros(strconv.FormatFloat(x, 'f', d, 64)) + s.suffix
		}
		ticks = append(ticks, plot.Tick{Value: x * s.div / f, Label: label})
	}
	return ticks
}

// niceStep is the smallest round step of at least raw: one of the scale's
// own steps when they cover it, else 1, 2, 2.5 or 5 times a power of ten.
func niceStep(raw float64, own []float64) float64 {
	if len(own) > 0 && raw >= own[0] && raw <= own[len(own)-1] {
		for _, s := range own {
			if s >= raw*(1-1e-9) {
				return s
			}
		}
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// wholeTicks marks counts of events (restarts): whole numbers only.
var wholeTicks = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
	if !finite(lo) || !finite(hi) || hi < lo {
		return nil
	}
	step := max(1, niceStep(max(hi-lo, 1)/5, nil))
	var ticks []plot.Tick
	for k := math.Ceil(lo / step); k*step <= hi; k++ {
		ticks = append(ticks, plot.Tick{Value: k * step, Label: strconv.FormatFloat(k*step, 'f', 0, 64)})
	}
	return ticks
})

// stepDecimals is the number of decimals a multiple of step needs.
func stepDecimals(step float64) int {
	for d := 0; d < 10; d++ {
		x := step * math.Pow(10, float64(d))
		if math.Abs(x-math.Round(x)) < 1e-6*x {
			return d
		}
	}
	return 10
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
