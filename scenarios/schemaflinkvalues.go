package scenarios

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/invopop/jsonschema"
)

// Patterns of a Flink value's text, as the loader reads it: trimmed of
// Unicode spaces (strings.TrimSpace), digits (a Java int or long, leading
// zeros taken), and the units TimeUtils and MemorySize know, in any case
// as strings.ToLower folds them, each bounded where its value would not
// fit a Java long.

// flinkSpace is a space strings.TrimSpace trims (unicode.IsSpace), written
// out: `\s` differs between the validators' regular expressions (RE2 and
// ECMAScript).
const flinkSpace = "[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"

// uintRangeRE matches the decimal numbers from a to b (1 <= a <= b),
// written without leading zeros.
func uintRangeRE(a, b uint64) string {
	var alts []string
	full := -1 // the first of a run of whole lengths: [1-9][0-9]{m,n}
	flush := func(last int) {
		if full >= 0 {
			alts = append(alts, "[1-9]"+repeatDigit(full-1, last-1))
			full = -1
		}
	}
	la, lb := len(strconv.FormatUint(a, 10)), len(strconv.FormatUint(b, 10))
	for l := la; l <= lb; l++ {
		lo, hi := pow10(l-1), pow10(l)-1
		if l == 20 { // beyond uint64's 19 nines: its own maximum
			hi = math.MaxUint64
		}
		if a <= lo && b >= hi && l < 20 {
			if full < 0 {
				full = l
			}
			continue
		}
		flush(l - 1)
		alts = append(alts, sameLengthRE(strconv.FormatUint(max(a, lo), 10), strconv.FormatUint(min(b, hi), 10))...)
	}
	flush(lb)
	return strings.Join(alts, "|")
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// repeatDigit is [0-9] from m to n times.
func repeatDigit(m, n int) string {
	switch {
	case n == 0:
		return ""
	case m == n && m == 1:
		return "[0-9]"
	case m == n:
		return "[0-9]{" + strconv.Itoa(m) + "}"
	}
	return "[0-9]{" + strconv.Itoa(m) + "," + strconv.Itoa(n) + "}"
}

// sameLengthRE matches the digit strings of a's length from a to b.
func sameLengthRE(a, b string) []string {
	if a == b {
		return []string{a}
	}
	n := len(a)
	if strings.Trim(a[1:], "0") == "" && strings.Trim(b[1:], "9") == "" {
		return []string{digitClass(a[0], b[0]) + repeatDigit(n-1, n-1)}
	}
	if a[0] == b[0] {
		var out []string
		for _, s := range sameLengthRE(a[1:], b[1:]) {
			out = append(out, a[:1]+s)
		}
		return out
	}
	var out []string
	for _, s := range sameLengthRE(a[1:], strings.Repeat("9", n-1)) {
		out = append(out, a[:1]+s)
	}
	if b[0]-a[0] > 1 {
		out = append(out, digitClass(a[0]+1, b[0]-1)+repeatDigit(n-1, n-1))
	}
	for _, s := range sameLengthRE(strings.Repeat("0", n-1), b[1:]) {
		out = append(out, b[:1]+s)
	}
	return out
}

func digitClass(a, b byte) string {
	switch {
	case a == b:
		return string(a)
	case b == a+1:
		return "[" + string(a) + string(b) + "]"
	}
	return "[" + string(a) + "-" + string(b) + "]"
}

// intRangeRE matches, untrimmed, the whole numbers from lo to hi as
// strconv.ParseInt and Java's Integer.parseInt read them: a sign, leading
// zeros ("-0" is 0); without 0 if noZero.
func intRangeRE(lo, hi int64, noZero bool) string {
	var alts []string
	if lo <= 0 && hi >= 0 && !noZero {
		alts = append(alts, "[+-]?0+")
	}
	if hi >= 1 {
		alts = append(alts, `\+?0*(`+uintRangeRE(uint64(max(lo, 1)), uint64(hi))+")")
	}
	if lo <= -1 {
		// -lo as a uint64: -(MinInt64) does not fit an int64
		alts = append(alts, "-0*("+uintRangeRE(uint64(-(min(hi, -1)+1))+1, uint64(-(lo+1))+1)+")")
	}
	return "^" + flinkSpace + "(" + strings.Join(alts, "|") + ")" + flinkSpace + "$"
}

// lowerClass matches the runes strings.ToLower turns into r (r and its
// upper case, the Kelvin sign for k), in a pattern.
func lowerClass(r rune) string {
	runes := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if unicode.ToLower(f) == r {
			runes = append(runes, f)
		}
	}
	if len(runes) == 1 {
		return string(r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	return "[" + string(runes) + "]"
}

// lowerWord matches what strings.ToLower turns into word.
func lowerWord(word string) string {
	var b strings.Builder
	for _, r := range word {
		b.WriteString(lowerClass(r))
	}
	return b.String()
}

// unitsRE matches a whole number and a unit's label, units (label to
// size) grouped by their size: per group, the numbers num(size) matches
// ("": none), and the labels ("" the number alone).
func unitsRE(units map[string]int64, num func(size int64) string) string {
	bySize := map[int64][]string{}
	for l, size := range units {
		bySize[size] = append(bySize[size], l)
	}
	var sizes []int64
	for s := range bySize {
		sizes = append(sizes, s)
	}
	sort.Slice(sizes, func(i, j int) bool { return sizes[i] > sizes[j] })
	var alts []string
	for _, size := range sizes {
		labels := bySize[size]
		sort.Slice(labels, func(i, j int) bool {
			return len(labels[i]) > len(labels[j]) || len(labels[i]) == len(labels[j]) && labels[i] < labels[j]
		})
		var words []string
		unit := ""
		for _, l := range labels {
			if l == "" {
				unit = "?" // the label may be left out
				continue
			}
			words = append(words, lowerWord(l))
		}
		n := num(size)
		if n == "" {
			continue
		}
		alts = append(alts, n+"("+flinkSpace+"("+strings.Join(words, "|")+"))"+unit)
	}
	return "^" + flinkSpace + "(" + strings.Join(alts, "|") + ")" + flinkSpace + "$"
}

// flinkDurationUnits are flinkTimeUnits in milliseconds per unit (0 for a
// unit below one), "" the bare number's milliseconds.
func flinkDurationUnits() map[string]int64 {
	m := map[string]int64{"": 1}
	for l, u := range flinkTimeUnits {
		m[l] = int64(u / flinkTimeUnits["ms"])
	}
	return m
}

// flinkDurationText is parseFlinkDuration's grammar: a whole number (a
// Java long) and at most one unit, the number at most what fits a long of
// milliseconds (below a millisecond, a long of the unit).
var flinkDurationText = unitsRE(flinkDurationUnits(), upTo(func(msPer int64) uint64 {
	if msPer <= 0 {
		msPer = 1
	}
	return uint64(math.MaxInt64 / msPer)
}))

// flinkMemoryText is ParseFlinkMemory's grammar: a whole number and at
// most one unit, the bytes a Java long.
var flinkMemoryText = unitsRE(flinkMemoryUnits, upTo(func(size int64) uint64 { return uint64(math.MaxInt64 / size) }))

// upTo matches, per unit size, the numbers from 0 to limit(size), leading
// zeros taken.
func upTo(limit func(size int64) uint64) func(int64) string {
	return func(size int64) string {
		if n := limit(size); n > 0 {
			return "0*(" + uintRangeRE(1, n) + "|0)"
		}
		return "0+"
	}
}

// flinkBelowRE matches a Flink duration or size below lo (in ns or
// bytes), of units given in that measure: per unit, the numbers below lo.
func flinkBelowRE(units map[string]int64, lo int64) string {
	in := map[string]int64{}
	for l, size := range units {
		if size > 0 && (lo-1)/size >= 0 {
			in[l] = size
		}
	}
	return unitsRE(in, upTo(func(size int64) uint64 { return uint64((lo - 1) / size) }))
}

// flinkDurationNs is flinkTimeUnits in nanoseconds, "" milliseconds.
func flinkDurationNs() map[string]int64 {
	m := map[string]int64{"": int64(flinkTimeUnits["ms"] / flinkTimeUnits["ns"])}
	for l, u := range flinkTimeUnits {
		m[l] = int64(u / flinkTimeUnits["ns"])
	}
	return m
}

// Definitions shared by the flink: block's keys (the schema's
// "definitions"): the value of each of Flink's types, and what a key
// takes without a value.
const (
	defDuration = "flink-duration"
	defMemory   = "flink-memory-size"
	defInteger  = "flink-integer"
	defLong     = "flink-long"
	defBoolean  = "flink-boolean"
	defDouble   = "flink-double"
	defUnset    = "flink-unset"
	defEmpty    = "flink-empty-map"
)

func defRef(name string) *jsonschema.Schema { return &jsonschema.Schema{Ref: "#/definitions/" + name} }

// flinkValueDefinitions are the definitions of Flink's value types. A
// number written as a YAML number reaches the schema as one: the loader
// reads its text (1e3 and 0x10 are not Flink's), which the schema cannot.
func flinkValueDefinitions() map[string]*jsonschema.Schema {
	whole := func(pattern string, lo, hi int64, desc string) *jsonschema.Schema {
		s := &jsonschema.Schema{Pattern: pattern, Minimum: jsonNum(lo), Maximum: jsonNum(hi), Description: desc}
		return withTypes(s, "integer", "string")
	}
	return map[string]*jsonschema.Schema{
		defDuration: whole(flinkDurationText, 0, math.MaxInt64,
			"A Flink duration (TimeUtils): a whole number and at most one unit, milliseconds if none: d, h, min or m, s, ms, µs, ns, or their long names (day, hours, ...); not 1h30m, 1.5 min or 2 w."),
		defMemory: whole(flinkMemoryText, 0, math.MaxInt64,
			"A Flink memory size (MemorySize): a whole number and at most one unit, bytes if none: b, kb, mb, gb, tb (all binary), k, m, g, t, or their long names; not 1.5g or 2 GiB."),
		defInteger: whole(intRangeRE(math.MinInt32, math.MaxInt32, false), math.MinInt32, math.MaxInt32, "A Java int (Integer.parseInt)."),
		defLong:    whole(intRangeRE(math.MinInt64, math.MaxInt64, false), math.MinInt64, math.MaxInt64, "A Java long (Long.parseLong)."),
		defBoolean: withTypes(&jsonschema.Schema{Pattern: "^" + flinkSpace + "(" + lowerWord("true") + "|" + lowerWord("false") + ")" + flinkSpace + "$"}, "boolean", "string"),
		defDouble:  withTypes(&jsonschema.Schema{Pattern: flinkFloatText}, "number", "string"),
		// An unmodelled key without a value, or an empty one: Flink's default.
		defUnset: withTypes(&jsonschema.Schema{Pattern: "^" + flinkSpace + "$", MaxProperties: ptr(uint64(0))}, "null", "string", "object"),
		// An empty map: no key at all once flattened.
		defEmpty: {Type: "object", MaxProperties: ptr(uint64(0))},
	}
}

func jsonNum(v int64) json.Number { return json.Number(strconv.FormatInt(v, 10)) }
