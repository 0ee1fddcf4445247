package human

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bytes prints a size in decimal units: 1.5 GB, 12 kB, 512 B.
func Bytes(b float64) string {
	switch {
	case b >= 1e12:
		return trimZero(fmt.Sprintf("%.1f", b/1e12)) + " TB"
	case b >= 1e9:
		return trimZero(fmt.Sprintf("%.1f", b/1e9)) + " GB"
	case b >= 1e6:
		return trimZero(fmt.Sprintf("%.1f", b/1e6)) + " MB"
	case b >= 1e3:
		return trimZero(fmt.Sprintf("%.1f", b/1e3)) + " kB"
	}
	return fmt.Sprintf("%.0f B", b)
}

// Count prints a count with k, M, G, T, P suffixes (one decimal, trailing
// .0 dropped), in scientific notation from 1e18, and below 1 with two
// significant digits, so that a small rate never shows as 0.
func Count(v float64) string {
	a := math.Abs(v)
	if a >= 1e18*0.99995 {
		return strconv.FormatFloat(v, 'e', 1, 64)
	}
	for _, u := range []struct {
		f float64
		s string
	}{{1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= u.f*0.99995 { // what rounds to 1000 of the unit below is 1 of this one
			return trimZero(fmt.Sprintf("%.1f%s", v/u.f, u.s))
		}
	}
	if a > 0 && a < 1 {
		return strconv.FormatFloat(v, 'g', 2, 64) // 0.001, not 0
	}
	return trimZero(fmt.Sprintf("%.1f", v))
}

func trimZero(s string) string {
	i := strings.IndexAny(s, "kMGTP")
	if i < 0 {
		return strings.TrimSuffix(s, ".0")
	}
	return strings.TrimSuffix(s[:i], ".0") + s[i:]
}

// Seconds prints a duration in h, min, s, ms or µs, one decimal; none as
// 0s, a negative one (a window's offset) with its sign: -8h.
func Seconds(sec float64) string {
	switch {
	case sec == 0:
		return "0s" // none at all, not 0µs
	case sec < 0:
		return "-" + Seconds(-sec)

	case sec >= 3600:
		return trimZero(fmt.Sprintf("%.1f", sec/3600)) + "h"
	case sec >= 60:
		return trimZero(fmt.Sprintf("%.1f", sec/60)) + "min"
	case sec >= 1:
		return trimZero(fmt.Sprintf("%.1f", sec)) + "s"
	case sec >= 1e-3:
		return trimZero(fmt.Sprintf("%.1f", sec*1e3)) + "ms"
	}
	return trimZero(fmt.Sprintf("%.0f", sec*1e6)) + "µs"
}

// Plural prints a count with its noun, plural unless the count is 1:
// Plural(1, "run") is "1 run", Plural(3, "run") "3 runs". The noun's
// plural is its singular with an s.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Duration prints a configured duration of ns nanoseconds exactly, in the
// largest unit that holds it whole, as a scenario writes it and reads it
// back: 1h, 90s, 1500ms, -8h, 0s. For settings (a window's size, a
// timeout), where Seconds' one decimal would change the value (100 s is
// not 1.7min).
func Duration(ns int64) string {
	if ns == 0 {
		return "0s"
	}
	for _, u := range []struct {
		unit int64
		name string
	}{{7 * 24 * 3600e9, "w"}, {24 * 3600e9, "d"}, {3600e9, "h"}, {60e9, "m"}, {1e9, "s"}, {1e6, "ms"}, {1e3, "us"}} {
		if ns%u.unit == 0 {
			return strconv.FormatInt(ns/u.unit, 10) + u.name
		}
	}
	return strconv.FormatInt(ns, 10) + "ns"
}

// And lists words as prose: "a", "a and b", "a, b and c".
func And(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
