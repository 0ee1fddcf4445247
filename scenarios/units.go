package scenarios

import (
	"errors"
	"fmt"
	"github.com/flinksim/flinksim/internal/human"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dustin/go-humanize"

	"github.com/flinksim/flinksim/sim"
)

// Human units. Outside the flink: block, sizes follow the SI/IEC distinction
// (1TB = 10^12 bytes, 1TiB = 2^40); inside it, Flink's own parsers apply
// (MemorySize: every unit is binary, so 32kb = 32768; TimeUtils: a bare
// number is milliseconds).

// durationUnits maps unit spellings (Go's and Flink's) to nanoseconds.
var durationUnits = map[string]sim.Time{
	"ns": sim.Nanosecond, "nano": sim.Nanosecond, "nanos": sim.Nanosecond, "nanosecond": sim.Nanosecond, "nanoseconds": sim.Nanosecond,
	"us": sim.Microsecond, "µs": sim.Microsecond, "micro": sim.Microsecond, "micros": sim.Microsecond, "microsecond": sim.Microsecond, "microseconds": sim.Microsecond,
	"ms": sim.Millisecond, "milli": sim.Millisecond, "millis": sim.Millisecond, "millisecond": sim.Millisecond, "milliseconds": sim.Millisecond,
	"s": sim.Second, "sec": sim.Second, "secs": sim.Second, "second": sim.Second, "seconds": sim.Second,
	"m": sim.Minute, "min": sim.Minute, "mins": sim.Minute, "minute": sim.Minute, "minutes": sim.Minute,
	"h": sim.Hour, "hour": sim.Hour, "hours": sim.Hour,
	"d": sim.Day, "day": sim.Day, "days": sim.Day,
	"w": 7 * sim.Day, "week": 7 * sim.Day, "weeks": 7 * sim.Day,
}

// ParseDuration reads "30s", "1h30m", "1.5h", "2 min", "1d", "250ms", "10us".
// A bare number is an error unless bareUnit is non-zero (Flink's keys take
// bare numbers as milliseconds); "0" is always zero. Negative values are
// rejected.
func ParseDuration(s string, bareUnit sim.Time) (sim.Time, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if strings.HasPrefix(in, "-") {
		return 0, durationNegative(s)
	}
	if v, err := strconv.ParseFloat(in, 64); err == nil {
		switch {
		case v == 0:
			return 0, nil
		case bareUnit == 0:
			return 0, fmt.Errorf("%q has no unit; write it with one, e.g. %gs or %gms", s, v, v)
		}
		return scaleDuration(v, bareUnit, s)
	}
	var total sim.Time
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("%q is not a duration (examples: 30s, 1h30m, 1.5h, 250ms, 2d)", s)
		}
		num, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration (examples: 30s, 1h30m, 1.5h, 250ms, 2d)", s)
		}
		rest = strings.TrimLeft(rest[i:], " ")
		j := 0
		for j < len(rest) && (unicode.IsLetter(rune(rest[j])) || rest[j] >= 0x80) {
			j++
		}
		unit, ok := durationUnits[strings.ToLower(rest[:j])]
		if !ok {
			if j == 0 {
				return 0, fmt.Errorf("%q: %g has no unit", s, num)
			}
			return 0, fmt.Errorf("%q: unknown unit %q (use ns, us, ms, s, m or min, h, d, w)", s, rest[:j])
		}
		d, err := scaleDuration(num, unit, s)
		if err != nil {
			return 0, err
		}
		total += d
		if total < 0 || total >= sim.Never/2 {
			return 0, durationTooLong(s)
		}
		rest = strings.TrimLeft(rest[j:], " ")
	}
	return total, nil
}

// durationNegative is ParseDuration's error for a negative duration; a
// field with a range of its own tells that one instead (errors.As).
type durationNegative string

func (s durationNegative) Error() string {
	return fmt.Sprintf("%q is negative; durations must be at least 0", string(s))
}

// durationTooLong is ParseDuration's error for a duration longer than the
// simulator's clock holds; a field with a bound of its own names that one
// instead (errors.As).
type durationTooLong string

func (s durationTooLong) Error() string {
	return fmt.Sprintf("%q is too long (at most 53375d, the simulator's clock)", string(s))
}

func scaleDuration(v float64, unit sim.Time, s string) (sim.Time, error) {
	ns := v * float64(unit)
	if math.IsInf(ns, 0) || math.IsNaN(ns) || ns >= float64(sim.Never/2) {
		return 0, durationTooLong(s)
	}
	if !whole(ns) {
		return 0, fmt.Errorf("%q is not a whole number of nanoseconds, the simulator's resolution", s)
	}
	return sim.Time(math.Round(ns)), nil
}

// whole reports whether x, a number times its unit, is a whole number but
// for the decimal fraction's rounding error in a float64 (0.1s is 1e8 ns
// and a trace, about 1e-16 of it): within 1e-12 of x, so that a fraction
// of a unit is refused up to 1e11 units (100 s in ns, 100 GB in bytes).
func whole(x float64) bool {
	return math.Abs(x-math.Round(x)) <= 1e-12*max(1, math.Abs(x))
}

// FormatDuration prints d in the shortest exact form ParseDuration reads back
// (human.Duration).
func FormatDuration(d sim.Time) string { return human.Duration(int64(d)) }

// ParseBytes reads "200B", "32kB" (32 000), "32KiB" (32 768), "1TB", "1TiB";
// a bare number is bytes. A negative size is returned with sizeNegative,
// one above maxSize as maxSize+1 with sizeTooLarge.
func ParseBytes(s string) (int64, error) {
	in := strings.TrimSpace(s)
	// how it is written first, with or without a sign: -1,5GB and -1gb are
	// told what 1,5GB and 1gb are
	if strings.ContainsRune(in, ',') { // humanize would drop it: 1,5kB read as 15kB
		return 0, fmt.Errorf("%q: a size has no comma; write a decimal point (1.5kB) and no thousands separator (1500000B)", s)
	}
	if u := sizeUnit(in); u != "" && !slices.Contains(sizeUnits, u) {
		return 0, fmt.Errorf("%q: %q is not a size unit here; write B (bytes), kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)%s", s, u, flinkReadsUnit(u))
	}
	if rest, ok := strings.CutPrefix(in, "-"); ok && !strings.HasPrefix(rest, "-") {
		v, err := ParseBytes(rest)
		var large sizeTooLarge
		switch {
		case errors.As(err, &large):
			return -maxSize - 1, sizeNegative(s)
		case err != nil: // told as the size without its sign is, with the sign
			return 0, errors.New(strings.Replace(err.Error(), strconv.Quote(rest), strconv.Quote(s), 1))
		case v > 0:
			return -v, sizeNegative(s)
		}
		return 0, nil // -0B
	}
	v, err := humanize.ParseBytes(in)
	switch {
	case err != nil && strings.Contains(err.Error(), "too large"), err == nil && v > maxSize:
		return maxSize + 1, sizeTooLarge(s)
	case err != nil:
		return 0, fmt.Errorf("%q is not a size (examples: 200B, 32kB = 32000, 32KiB = 32768, 1.5GB, 1TiB)", s)
	}
	b, ok := fractionBytes(in, v)
	if !ok {
		return 0, fmt.Errorf("%q is not a whole number of bytes; sizes are whole bytes", s)
	}
	return b, nil
}

// sizeUnits are the units a size outside flink: takes, as written: the
// decimal ones in SI's case (KB too, as the built-in scenarios write it)
// and the binary ones. humanize.ParseBytes would also take 32kb, 32k or
// 32Gi, whose meaning differs from Flink's (MemorySize reads 32kb as 32768
// bytes), so they are refused rather than read one way silently.
var sizeUnits = []string{"B", "kB", "KB", "MB", "GB", "TB", "PB", "EB", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// bytesWritten reports whether s is written as a size: a number and a unit
// of bytes (B, kB, MB, KiB, GiB...), or one that ParseBytes tells is not
// (1kb, 50mb): a word that ends in b (webb) is no size.
func bytesWritten(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(strings.ToUpper(s), "B") && strings.IndexByte("0123456789.+-", s[0]) >= 0
}

// flinkReadsUnit says, for a unit refused outside flink: that Flink's
// MemorySize reads (the names of MemorySize.MemoryUnit, KILO_BYTES to
// TERA_BYTES, matched in any case: powers of 1024), how Flink reads it:
// the reason it is refused rather than read one way.
func flinkReadsUnit(u string) string {
	power, ok := map[string]string{"k": "1024", "kb": "1024", "m": "1024²", "mb": "1024²", "g": "1024³", "gb": "1024³", "t": "1024⁴", "tb": "1024⁴"}[strings.ToLower(u)]
	if !ok {
		return ""
	}
	return fmt.Sprintf("; %s reads two ways: in the flink: block Flink's MemorySize takes it (and %s) as %s bytes", u, strings.ToUpper(u[:1])+"B", power)
}

// sizeUnit is the unit a size is written with: the letters after its
// number ("" for a bare number, or for no number).
func sizeUnit(s string) string {
	i := strings.LastIndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' || r == '.' })
	if i < 0 {
		return "" // no number: not a size at all, which humanize says
	}
	return strings.TrimSpace(s[i+1:])
}

// fractionBytes is a size humanize.ParseBytes read as v, for a number with
// a fraction: humanize truncates the product of the number and its unit,
// so 4.1kB (4099.999...) would be 4099 and 1.999B 1; the nearest whole
// number of bytes it is (4100), or not ok when it is not one.
func fractionBytes(in string, v uint64) (int64, bool) {
	i := strings.IndexFunc(in, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.' || r == ',') })
	if i < 0 {
		i = len(in)
	}
	num, err := strconv.ParseFloat(strings.ReplaceAll(in[:i], ",", ""), 64)
	if err != nil || !strings.Contains(in[:i], ".") {
		return int64(v), true // no fraction: humanize's is exact
	}
	unit, err := humanize.ParseBytes("1" + strings.TrimSpace(in[i:]))
	if err != nil {
		return int64(v), true
	}
	x := num * float64(unit)
	return int64(math.Round(x)), whole(x)
}

// maxSize is the largest size ParseBytes reads: 2EiB leaves int64 room
// for the sums and products the models take of sizes.
const maxSize = 1 << 61

// sizeNegative is ParseBytes's error for a size below 0, returned with
// the size: a field tells its own range instead, with the value as written
// (errors.As).
type sizeNegative string

func (s sizeNegative) Error() string {
	return fmt.Sprintf("%q is negative; sizes must be at least 0", string(s))
}

// sizeTooLarge is ParseBytes's error for a size above maxSize, returned
// with maxSize+1 (beyond every field's range): a field tells its own
// range instead, with the value as written (errors.As).
type sizeTooLarge string

func (s sizeTooLarge) Error() string {
	return fmt.Sprintf("%q is too large; sizes must be at most 2EiB", string(s))
}

// FormatBytes prints n exactly, in the largest unit that divides it.
func FormatBytes(n int64) string {
	for _, u := range []struct {
		unit int64
		name string
	}{{1 << 40, "TiB"}, {1e12, "TB"}, {1 << 30, "GiB"}, {1e9, "GB"}, {1 << 20, "MiB"}, {1e6, "MB"}, {1 << 10, "KiB"}, {1e3, "kB"}} {
		if n != 0 && n%u.unit == 0 {
			return strconv.FormatInt(n/u.unit, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

var countSuffix = map[byte]float64{'k': 1e3, 'K': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12}

// ParseCount reads "1000000", "1e6", "100k", "1.5M", "2G"; lower-case m is
// refused (it would read as milli).
func ParseCount(s string) (float64, error) {
	in := strings.TrimSpace(strings.ReplaceAll(s, "_", ""))
	if in == "" {
		return 0, fmt.Errorf("empty number")
	}
	mult := 1.0
	if m, ok := countSuffix[in[len(in)-1]]; ok {
		mult = m
		in = strings.TrimSpace(in[:len(in)-1])
	} else if in[len(in)-1] == 'm' {
		return 0, fmt.Errorf("%q: m is ambiguous; write M for million", s)
	}
	v, err := strconv.ParseFloat(in, 64)
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && v == 0 {
		return 0, fmt.Errorf("%q is too small to be told from 0", s)
	}
	if err != nil && !math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a number (examples: 1000000, 1e6, 100k, 1.5M)", s)
	}
	v *= mult
	if v < 0 || v > maxCount {
		return v, countOutOfRange(s)
	}
	if v >= 1<<53 && !exactCount(in, mult, v) {
		return v, fmt.Errorf("%q is not exact: past 2^53 = 9007199254740992 counts are float64s, which read it as %s", s, strconv.FormatFloat(v, 'f', -1, 64))
	}
	return v, nil
}

// exactCount reports whether the number written as in, times mult, is v
// exactly: above 2^53 a float64 rounds some whole numbers to a neighbour
// (9007199254740993 to 9007199254740992), which a range check ending at
// 2^53 would then pass.
func exactCount(in string, mult, v float64) bool {
	x, ok := new(big.Float).SetPrec(1024).SetString(in)
	if !ok {
		return true // strconv read it; big declines only forms it has no use for
	}
	return x.Mul(x, big.NewFloat(mult)).Cmp(big.NewFloat(v)) == 0
}

// maxCount is the largest count ParseCount reads.
const maxCount = 1e18

// countOutOfRange is ParseCount's error for a number below 0 or above
// maxCount, returned with the number (±Inf beyond a float64): a field
// tells its own range instead, with the value as written (errors.As).
type countOutOfRange string

func (s countOutOfRange) Error() string {
	if strings.HasPrefix(strings.TrimSpace(string(s)), "-") {
		return fmt.Sprintf("%q is negative; counts must be from 0 to 1e18", string(s))
	}
	return fmt.Sprintf("%q is too large; counts must be from 0 to 1e18", string(s))
}

// FormatCount prints a count compactly: 100k, 1M, 2.5G.
func FormatCount(v float64) string {
	for _, u := range []struct {
		unit float64
		name string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= u.unit && math.Mod(v*1000, u.unit) == 0 {
			return strconv.FormatFloat(v/u.unit, 'f', -1, 64) + u.name
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Rate is a throughput in records per second or bytes per second.
type Rate struct {
	PerSecond float64
	Bytes     bool
}

var rateUnits = map[string]float64{"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}

// ParseRate reads "100k/s", "6M/min", "1.2M/h" (records) or "50MB/s",
// "1GiB/s" (bytes).
func ParseRate(s string) (Rate, error) {
	in := strings.TrimSpace(s)
	i := strings.LastIndex(in, "/")
	if i < 0 {
		return Rate{}, fmt.Errorf("%q has no time unit; write e.g. 100k/s or 50MB/s", s)
	}
	per, ok := rateUnits[strings.ToLower(strings.TrimSpace(in[i+1:]))]
	if !ok {
		return Rate{}, fmt.Errorf("%q: unknown time unit %q (use /s, /min, /h or /d)", s, in[i+1:])
	}
	num := strings.TrimSpace(in[:i])
	if bytesWritten(num) {
		b, err := ParseBytes(num)
		var (
			neg   sizeNegative
			large sizeTooLarge
		)
		switch {
		case errors.As(err, &neg):
			return Rate{PerSecond: float64(b) / per, Bytes: true}, rateNegative(s)
		case errors.As(err, &large):
			return Rate{PerSecond: float64(b) / per, Bytes: true}, rateTooLarge(s)
		case err != nil: // told with the rate as written
			return Rate{}, fmt.Errorf("%q: %s", s, strings.TrimPrefix(err.Error(), strconv.Quote(num)+": "))
		}
		return Rate{PerSecond: float64(b) / per, Bytes: true}, nil
	}
	c, err := ParseCount(num)
	var oor countOutOfRange
	switch {
	case err != nil && c < 0:
		return Rate{PerSecond: c / per}, rateNegative(s)
	case errors.As(err, &oor): // above 1e18 (+Inf beyond a float64)
		return Rate{PerSecond: c / per}, rateTooLarge(s)
	case err != nil:
		return Rate{}, fmt.Errorf("%q is not a rate (examples: 100k/s, 6M/min, 50MB/s)", s)
	}
	return Rate{PerSecond: c / per}, nil
}

// rateNegative is ParseRate's error for a rate below 0, returned with
// the rate: a field tells its own range instead (errors.As).
type rateNegative string

func (s rateNegative) Error() string {
	return fmt.Sprintf("%q is negative; rates must be at least 0/s", string(s))
}

// rateTooLarge is ParseRate's error for a rate of more than 1e18 records
// or 2EiB a unit of time, returned with the rate: a field with a bound
// of its own tells that one instead (errors.As).
type rateTooLarge string

func (s rateTooLarge) Error() string {
	return fmt.Sprintf("%q is too large; rates must be at most 1e18 records or 2EiB a unit of time (1e18/s, 2EiB/s)", string(s))
}

// String prints r per second.
func (r Rate) String() string {
	if r.Bytes {
		// whole bytes a second, else a minute, an hour or a day, so that
		// it reads back as it is (100B/min is 1.67B/s, not 2B/s)
		for _, u := range []struct {
			per  float64
			name string
		}{{1, "/s"}, {60, "/min"}, {3600, "/h"}, {86400, "/d"}} {
			if v := r.PerSecond * u.per; whole(v) {
				return FormatBytes(int64(math.Round(v))) + u.name
			}
		}
		return FormatBytes(int64(math.Round(r.PerSecond))) + "/s"
	}
	return FormatCount(r.PerSecond) + "/s"
}

// Flink's MemorySize parser: a number and an optional unit, every unit binary.
var flinkMemoryUnits = map[string]int64{
	"": 1, "b": 1, "bytes": 1,
	"k": 1 << 10, "kb": 1 << 10, "kibibytes": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mebibytes": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gibibytes": 1 << 30,
	"t": 1 << 40, "tb": 1 << 40, "tebibytes": 1 << 40,
}

// ParseFlinkMemory reads a value as Flink's MemorySize does ("32kb" = 32768).
func ParseFlinkMemory(s string) (int64, error) {
	in := strings.TrimSpace(s)
	i := 0
	for i < len(in) && in[i] >= '0' && in[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("%q is not a Flink memory size (a whole number and b, kb, mb, gb or tb; all binary)", s)
	}
	n, err := strconv.ParseInt(in[:i], 10, 64)
	label := strings.ToLower(strings.TrimSpace(in[i:]))
	unit, ok := flinkMemoryUnits[label]
	switch {
	case !ok:
		return 0, fmt.Errorf("%q: Flink knows no memory unit %q (b, kb, mb, gb or tb, all binary, or k, m, g, t, or their long names; one unit, a whole number)", s, label)
	case err != nil || n > math.MaxInt64/unit:
		// MemorySize.parse: "cannot be represented as 64bit number"
		return 0, fmt.Errorf("%q is too large (Flink's sizes are at most 8388607 tb)", s)
	}
	return n * unit, nil
}

// FormatFlinkMemory prints bytes the way Flink's MemorySize does ("32 kb").
func FormatFlinkMemory(n int64) string {
	for _, u := range []struct {
		unit int64
		name string
	}{{1 << 40, "tb"}, {1 << 30, "gb"}, {1 << 20, "mb"}, {1 << 10, "kb"}} {
		if n != 0 && n%u.unit == 0 {
			return strconv.FormatInt(n/u.unit, 10) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// FormatFlinkDuration prints a duration the way Flink's TimeUtils does ("100 ms").
func FormatFlinkDuration(d sim.Time) string {
	for _, u := range []struct {
		unit sim.Time
		name string
	}{{sim.Day, "d"}, {sim.Hour, "h"}, {sim.Minute, "min"}, {sim.Second, "s"}, {sim.Millisecond, "ms"}, {sim.Microsecond, "µs"}} {
		if d != 0 && d%u.unit == 0 {
			return strconv.FormatInt(int64(d/u.unit), 10) + " " + u.name
		}
	}
	if d == 0 {
		return "0 ms"
	}
	return strconv.FormatInt(int64(d), 10) + " ns"
}
