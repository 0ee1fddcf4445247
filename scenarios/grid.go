package scenarios

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/sim"
)

// Quantity is the kind of value a sweep axis takes, which decides how its
// values are spaced, printed and drawn.
type Quantity uint8

const (
	QPlain    Quantity = iota // a number without unit (parallelism, a factor)
	QCount                    // 100k, 1.5M
	QDuration                 // 30s, 5min
	QBytes                    // 200B, 1.5GB
	QRate                     // 100k/s
	QByteRate                 // 50MB/s
)

// Axis is one swept scenario field: a dotted path as --set takes it and the
// values it goes through, as written (Values) and as numbers in base units
// (Nums: seconds, bytes, per second).
type Axis struct {
	Key    string
	Values []string
	Nums   []float64
	Kind   Quantity
}

// SeedNotSwept is why seed is neither swept nor planned: each run's seed is
// derived, so its values would only name other seeds.
const SeedNotSwept = "each run's seed is derived from the scenario's seed, the point and the replica, so a point's seed value would never be the seed it ran with: give --replicas N for more seeds per point, --seed for the scenario's"

// maxAxisValues bounds one axis (a typo like 1..1e9/1e9 must not allocate
// forever).
const maxAxisValues = 10000

// ParseGrid reads one --grid: "key=v1,v2,v3" (values as written, each in the
// field's own units) or "key=lo..hi/n" (n values evenly spaced from lo to hi,
// both included, in the same kind of unit).
func ParseGrid(s string) (Axis, error) {
	if msg := NotUTF8(s); msg != "" {
		return Axis{}, errors.New(msg)
	}
	key, spec, ok := strings.Cut(s, "=")
	key, spec = strings.TrimSpace(key), strings.TrimSpace(spec)
	if !ok || key == "" || spec == "" {
		return Axis{}, fmt.Errorf("%q: want key=v1,v2,... or key=lo..hi/n", s)
	}
	if key == "seed" {
		return Axis{}, fmt.Errorf("seed: %s", SeedNotSwept)
	}
	if lo, rest, isRange := strings.Cut(spec, ".."); isRange {
		return rangeAxis(key, spec, lo, rest)
	}
	return listAxis(key, spec)
}

// rangeAxis reads lo..hi/n (rest is hi/n): n values evenly spaced, rounded
// when lo and hi are plain integers and the field takes whole numbers
// (TakesIntegers); n more than the whole numbers from lo to hi is refused.
func rangeAxis(key, spec, lo, rest string) (Axis, error) {
	ax := Axis{Key: key}
	i := strings.LastIndex(rest, "/")
	if i < 0 {
		return Axis{}, fmt.Errorf("%s: range %q needs a number of values: lo..hi/n", key, spec)
	}
	hi, nstr := strings.TrimSpace(rest[:i]), strings.TrimSpace(rest[i+1:])
	n, err := strconv.Atoi(nstr)
	if err != nil || n < 2 || n > maxAxisValues {
		return Axis{}, fmt.Errorf("%s: %q is not a number of values from 2 to %d", key, nstr, maxAxisValues)
	}
	a, ka, errLo := ParseQuantityFor(key, strings.TrimSpace(lo))
	b, kb, errHi := ParseQuantityFor(key, hi)
	var bad []error // both ends, when both are refused
	for _, err := range []error{errLo, errHi} {
		if err != nil {
			bad = append(bad, fmt.Errorf("%s: %v", key, err))
		}
	}
	if len(bad) > 0 {
		return Axis{}, errors.Join(bad...)
	}
	k, ok := CommonKind([]float64{a, b}, []Quantity{ka, kb})
	if !ok {
		return Axis{}, fmt.Errorf("%s: %q and %q are not the same kind of value", key, lo, hi)
	}
	if b <= a {
		return Axis{}, fmt.Errorf("%s: range %q must go from low to high", key, spec)
	}
	ax.Kind = k
	integral := k == QPlain && a == math.Trunc(a) && b == math.Trunc(b) && TakesIntegers(key)
	if integral {
		if err := checkWholeRange(key, spec, strings.TrimSpace(lo), hi, a, b, n); err != nil {
			return Axis{}, err
		}
	}
	for j := 0; j < n; j++ {
		v := a + (b-a)*float64(j)/float64(n-1)
		switch {
		case integral:
			v = math.Round(v) // distinct: the values are at least one apart
		case j > 0 && j < n-1 && (k == QPlain || k == QRate || k == QDuration):
			v = roundToStep(v, (b-a)/float64(n-1)) // sizes are whole, in binary units too
		}
		v = snapToText(key, v, k) // the value that runs, as its text reads back
		if j > 0 && v == ax.Nums[j-1] {
			return Axis{}, fmt.Errorf("%s: range %q gives %s twice: %s; give fewer values",
				key, spec, FormatQuantityFor(key, v, k), twiceWhy(k, integral))
		}
		ax.Nums = append(ax.Nums, v)
		ax.Values = append(ax.Values, FormatQuantityFor(key, v, k))
	}
	return ax, nil
}

// snapToText is v as its text, FormatQuantityFor's, reads back: what a
// point with that text runs (counts and sizes in whole units, durations in
// whole nanoseconds, byte rates in whole bytes a unit of time).
func snapToText(key string, v float64, k Quantity) float64 {
	if x, _, err := ParseQuantityFor(key, FormatQuantityFor(key, v, k)); err == nil {
		return x
	}
	return v
}

// unitWords name the whole units of the kinds whose texts round.
var unitWords = map[Quantity]string{QCount: "records", QBytes: "bytes", QByteRate: "bytes a unit of time", QDuration: "nanoseconds"}

// maxExactWhole is 2^53: every whole number up to it is a float64, past it
// only some are (9007199254740993 reads as 9007199254740992).
const maxExactWhole = 1 << 53

// twiceWhy is why a range of kind k gives one value twice: its unit is
// whole (1ns..2ns/3), or its values are closer than float64s tell apart
// (whole numbers past 2^53, where checkWholeRange's count of whole numbers
// overstates the float64s among them).
func twiceWhy(k Quantity, integral bool) string {
	switch {
	case unitWords[k] != "":
		return "the field takes whole " + unitWords[k]
	case integral:
		return fmt.Sprintf("past 2^53 = %d whole numbers are float64s, which hold only some of them", int64(maxExactWhole))
	}
	return "its values are closer than float64s tell apart"
}

// checkWholeRange checks a range of plain whole numbers lo..hi (as
// written; a and b as read) over a field of whole numbers: each end is the
// number written (past 2^53 a float64 may read another), and n is no more
// than the whole numbers from a to b.
func checkWholeRange(key, spec, lo, hi string, a, b float64, n int) error {
	var bad []error
	for _, end := range []struct {
		text string
		v    float64
	}{{lo, a}, {hi, b}} {
		if math.Abs(end.v) >= maxExactWhole && !exactCount(end.text, 1, end.v) {
			bad = append(bad, fmt.Errorf("%s: %q is not exact: past 2^53 = %d whole numbers are float64s, which read it as %s",
				key, end.text, int64(maxExactWhole), formatPlain(end.v)))
		}
	}
	if len(bad) > 0 {
		return errors.Join(bad...)
	}
	if float64(n) > b-a+1 {
		return fmt.Errorf("%s: range %q asks for %d values, but the field takes whole numbers and %s..%s holds %d: give /%d or fewer",
			key, spec, n, formatPlain(a), formatPlain(b), int(b-a+1), int(b-a+1))
	}
	return nil
}

// roundToStep rounds v, a range's value between its ends, to three
// significant digits of the step between values: 10k/s..20k/s/4 gives
// 13.33k/s, not 13333.333333333334/s, and 1ms..2ms/4 1333us. The values stay
// distinct, each within 0.5 % of a step of even spacing; the ends are
// kept as written.
func roundToStep(v, step float64) float64 {
	e := int(math.Floor(math.Log10(step))) - 2
	if e >= 0 {
		q := math.Pow(10, float64(e)) // a whole number: exact
		return math.Round(v/q) * q
	}
	k := math.Pow(10, float64(-e)) // divided by, so the result is the nearest float to the decimal
	return math.Round(v*k) / k
}

// listAxis reads v1,v2,...: values as written, of one kind, each once
// (by value: 1k/s and 1000/s are one point, run twice). Every value that
// does not read is reported, not only the first (errors.Join; GridErrors
// splits them).
func listAxis(key, spec string) (Axis, error) {
	ax := Axis{Key: key}
	var kinds []Quantity
	var read []any // each value as the field reads it, to find one twice
	var bad []error
	for _, v := range strings.Split(spec, ",") {
		v = strings.TrimSpace(v)
		x, k, err := ParseQuantityFor(key, v)
		val := any(x)
		if err != nil {
			c, cerr := parseChoice(key, v)
			if cerr != nil {
				if flinkAxisOption(key) != nil || key == "flink-version" {
					err = cerr // the option's own: what it allows
				}
				bad = append(bad, fmt.Errorf("%s: %v", key, err))
				continue
			}
			x, k, val = float64(len(ax.Values)), QChoice, c // true/false, an enum's value
		}
		if len(bad) > 0 {
			continue // the readable values are still checked for reading
		}
		common, ok := CommonKind(append(ax.Nums, x), append(kinds, k))
		if !ok {
			return Axis{}, fmt.Errorf("%s: %q is not the same kind of value as %q", key, v, ax.Values[0])
		}
		ax.Kind = common
		for i, seen := range read {
			switch {
			case !reflect.DeepEqual(seen, val):
			case ax.Values[i] == v:
				return Axis{}, fmt.Errorf("%s: %q appears twice", key, v)
			default:
				return Axis{}, fmt.Errorf("%s: %q appears twice, the second time as %q", key, ax.Values[i], v)
			}
		}
		read = append(read, val)
		kinds = append(kinds, k)
		ax.Values = append(ax.Values, v)
		ax.Nums = append(ax.Nums, x)
		if len(ax.Values) > maxAxisValues {
			return Axis{}, fmt.Errorf("%s: more than %d values", key, maxAxisValues)
		}
	}
	if len(bad) > 0 {
		return Axis{}, errors.Join(bad...)
	}
	return ax, nil
}

// GridErrors splits ParseGrid's error into its problems, one per value
// refused (a list's every value that does not read, a range's two ends).
func GridErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// CommonKind is the kind of unit the values of one axis or range share
// (nums in base units, kinds as ParseQuantityFor read each): their own when
// they agree; else the kind with a unit when every other value is a plain
// number a field of that kind reads too, as the loader reads it (a count,
// 1000 beside 2k; a size in bare bytes, 200 beside 1kB; a duration's bare
// 0, 0 beside 5us). A rate always takes its unit.
func CommonKind(nums []float64, kinds []Quantity) (Quantity, bool) {
	k := QPlain
	for _, q := range kinds {
		if q != QPlain {
			if k != QPlain && q != k {
				return 0, false
			}
			k = q
		}
	}
	for i, q := range kinds {
		if q == QPlain && !plainReadsAs(nums[i], k) {
			return 0, false
		}
	}
	return k, true
}

// plainReadsAs tells whether a plain number is a value of kind k's fields.
func plainReadsAs(v float64, k Quantity) bool {
	switch k {
	case QPlain:
		return true
	case QCount:
		return v >= 0
	case QBytes:
		return v >= 0 && v == math.Trunc(v)
	case QDuration:
		return v == 0
	}
	return false
}

// ParseQuantity reads a value in any of the scenario's units and returns it
// in base units (seconds, bytes, per second).
func ParseQuantity(s string) (float64, Quantity, error) {
	if s == "" {
		return 0, 0, fmt.Errorf("empty value")
	}
	if strings.Contains(s, "/") {
		r, err := ParseRate(s)
		if err != nil {
			return 0, 0, err
		}
		if r.Bytes {
			return r.PerSecond, QByteRate, nil
		}
		return r.PerSecond, QRate, nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
		return v, QPlain, nil
	}
	if bytesWritten(s) {
		b, err := ParseBytes(s)
		return float64(b), QBytes, err
	}
	if _, ok := countSuffix[s[len(s)-1]]; ok { // before durations: 1M is a million, not a minute
		if c, err := ParseCount(s); err == nil {
			return c, QCount, nil
		}
	}
	d, err := ParseDuration(s, 0)
	switch {
	case err == nil:
		return d.Seconds(), QDuration, nil
	case strings.Contains(err.Error(), "whole number of nanoseconds"):
		return 0, 0, err // a duration, finer than the simulator's resolution
	}
	if len(s) > 1 && s[0] == '-' && s[1] != '-' { // one level down, no deeper
		if _, k, err := ParseQuantity(s[1:]); err == nil && k != QPlain {
			return 0, 0, fmt.Errorf("%q is negative; %s must be at least 0", s, quantityNames[k])
		}
	}
	return 0, 0, fmt.Errorf("%q is not a number, count, duration, size or rate", s)
}

// quantityNames name the kinds of value that cannot be negative, as a
// field's problem names them ("durations must be at least 0").
var quantityNames = map[Quantity]string{QCount: "counts", QDuration: "durations", QBytes: "sizes", QRate: "rates", QByteRate: "rates"}

// FormatQuantity prints a generated value so that parseQuantity and the
// scenario's own fields read it back.
func FormatQuantity(v float64, k Quantity) string {
	switch k {
	case QCount:
		return FormatCount(math.Round(v))
	case QDuration:
		return FormatDuration(sim.FromSeconds(v))
	case QBytes:
		return FormatBytes(int64(math.Round(v)))
	case QRate:
		return Rate{PerSecond: v}.String()
	case QByteRate:
		return Rate{PerSecond: v, Bytes: true}.String() // whole bytes a second, minute, hour or day
	}
	return formatPlain(v)
}

// formatPlain writes a plain number so that it reads back as v exactly: a
// whole number in all its digits (12345678901, not 1.23456789e+10; past
// 2^53, 1152921504606846976, not 1152921504606847000, which a count
// refuses as not exact), a fraction in the fewest digits that read back
// (0.1333, 1234567.5), in exponent form when very small or large.
func formatPlain(v float64) string {
	a := math.Abs(v)
	switch {
	case v == math.Trunc(v) && a < 1e21:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 1e-4 && a < 1e21:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
