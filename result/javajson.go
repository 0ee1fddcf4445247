package result

import (
	"math"
	"strconv"
	"strings"
)

// jdouble is a field Flink's REST declares a Java double (StatsSummaryDto's
// p50, p90, p95, p99 and p999), written as Jackson writes one: with
// Double.toString's text, so always with a fraction or an exponent (571.0,
// 1.2345678E7), never as a long would be (571). NaN and the infinities are
// quoted ("NaN"), as Jackson's QUOTE_NON_NUMERIC_NUMBERS, on by default,
// writes them.
type jdouble float64

// MarshalJSON writes d as Jackson writes a Java double.
func (d jdouble) MarshalJSON() ([]byte, error) {
	f := float64(d)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte(strconv.Quote(javaDouble(f))), nil
	}
	return []byte(javaDouble(f)), nil
}

// javaDouble is Java's Double.toString of f: the shortest digits that
// read back as f; plain decimal with at least one fractional digit when
// 10^-3 <= |f| < 10^7 (and for zero), else one digit, a fraction and
// an exponent ("1.0E7", "1.5E-4"); "NaN", "Infinity", "-Infinity".
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if a := math.Abs(f); a == 0 || a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // "-1.2345e+07", "1e-05"
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(n)
}
