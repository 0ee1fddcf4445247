package plots

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// flinkByteUnits are the units Flink's web dashboard prints sizes in:
// binary multiples (1 KB is 1024 bytes) under decimal-looking names.
var flinkByteUnits = [...]string{"B", "KB", "MB", "GB", "TB", "PB", "EB"}

// FlinkBytes prints a size as Flink's web dashboard does, following the
// rules of its humanizeBytes pipe (apache/flink,
// flink-runtime-web/web-dashboard/src/app/share/pipes/humanize-bytes.pipe.ts),
// re-implemented here rather than copied:
//
//   - a negative or missing value is "-" (an infinite one too);
//   - below 1000 bytes, the number itself: "999 B";
//   - from 1000 on, in the smallest power of 1024 (KB first) under which the
//     value is less than 1000 units: below one unit with two decimals (1000 B
//     is "0.98 KB", 1,024,000 B "0.98 MB"), else to three significant
//     digits (1,000,160 B is "977 KB", 1536 B "1.50 KB").
//
// As JavaScript's toFixed and toPrecision do, a value halfway rounds up, and
// a value that rounds to 1000 units prints in exponent form ("1.00e+3 KB",
// for 1,023,489 to 1,023,999 bytes), as the dashboard shows it.
func FlinkBytes(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return "-" // no size (the dashboard's would not end on an infinite one)
	}
	if v < 1000 {
		return strconv.FormatFloat(v, 'f', -1, 64) + " B"
	}
	for p := 1; ; p++ {
		base := math.Pow(1024, float64(p))
		x := v / base // exact: base is a power of two
		switch {
		case v < base:
			return jsFixed(x, 2) + " " + flinkByteUnits[p]
		case v < base*1000 || p == len(flinkByteUnits)-1:
			return jsPrecision3(x) + " " + flinkByteUnits[p]
		}
	}
}

// roundHalfUp is x·10^k rounded to an integer, halves away from zero (x >=
// 0 here), in exact arithmetic as JavaScript's Number formatting rounds.
func roundHalfUp(x float64, k int) *big.Int {
	r := new(big.Rat).SetFloat64(x)
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(k))), nil))
	if k >= 0 {
		r.Mul(r, p)
	} else {
		r.Quo(r, p)
	}
	r.Add(r, big.NewRat(1, 2))
	return new(big.Int).Quo(r.Num(), r.Denom()) // floor: both positive
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// jsFixed is JavaScript's x.toFixed(d) for 0 <= x < 1e21.
func jsFixed(x float64, d int) string {
	s := roundHalfUp(x, d).String()
	if d == 0 {
		return s
	}
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	return s[:len(s)-d] + "." + s[len(s)-d:]
}

// jsPrecision3 is JavaScript's x.toPrecision(3) for x >= 1: three
// significant digits, in exponent form ("1.00e+3") from 1000 on.
func jsPrecision3(x float64) string {
	e := int(math.Floor(math.Log10(x)))
	n := roundHalfUp(x, 2-e)
	if n.Cmp(big.NewInt(1000)) >= 0 { // 9.995 is 10.0, one digit more
		e++
		n = roundHalfUp(x, 2-e)
	} else if n.Cmp(big.NewInt(100)) < 0 { // Log10 just under a power of ten
		e--
		n = roundHalfUp(x, 2-e)
	}
	s := n.String()
	if e >= 3 {
		return s[:1] + "." + s[1:] + "e+" + strconv.Itoa(e)
	}
	if e == 2 {
		return s
	}
	return s[:e+1] + "." + s[e+1:]
}
