package scenarios

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/flinksim/flinksim/sim"
)

// A modelled key's schema is its type's, bounded as its parser bounds it:
// the bounds are found by asking the parser (flinkOptions' parse), so
// that the schema cannot drift from the loader.

// flinkValueSchema is the schema of a modelled key's value.
func flinkValueSchema(o *flinkOption) *jsonschema.Schema {
	if e, ok := flinkEnums[o.Key]; ok {
		return e.schema()
	}
	switch flinkValueKind(o).(type) {
	case bool:
		return defRef(defBoolean)
	case int:
		return flinkIntSchema(o)
	case float64:
		return flinkFloatSchema(o)
	case sim.Time:
		return flinkDurationSchema(o)
	case int64:
		return flinkMemorySchema(o)
	}
	// Text (a checkpoint directory), written as a number too.
	return withTypes(&jsonschema.Schema{}, "string", "number")
}

// flinkValueKind is a value o takes: its default's, else one of a few
// values of each kind.
func flinkValueKind(o *flinkOption) any {
	for _, s := range []string{o.Default, "1", "2", "1 h", "1 gb", "true"} {
		if v, err := o.parse(s); err == nil {
			return v
		}
	}
	return nil
}

func (o *flinkOption) takes(s string) bool { _, err := o.parse(s); return err == nil }

// leastTaken is the least n from lo (refused) to hi (taken) that o takes
// written as text(n), the values taken from it up.
func leastTaken(o *flinkOption, lo, hi int64, text func(int64) string) int64 {
	_, hi = bisect(lo, hi, func(n int64) bool { return !o.takes(text(n)) })
	return hi
}

// bisect narrows lo (where in holds) and hi (where it does not) to
// neighbours.
func bisect(lo, hi int64, in func(int64) bool) (int64, int64) {
	for hi-lo > 1 {
		if mid := lo + (hi-lo)/2; in(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, hi
}

func i64toa(n int64) string { return strconv.FormatInt(n, 10) }

// flinkIntSchema: a Java int from the least o takes (of Integer.MIN_VALUE,
// -1, 0 and 1) to the most, without 0 where o refuses it (-1 or above 0).
func flinkIntSchema(o *flinkOption) *jsonschema.Schema {
	lo := int64(1)
	for _, c := range []int64{math.MinInt32, -1, 0, 1} {
		if o.takes(i64toa(c)) {
			lo = c
			break
		}
	}
	hi := int64(math.MaxInt32)
	if !o.takes(i64toa(hi)) {
		hi = mostTaken(o, lo, hi)
	}
	noZero := lo < 0 && !o.takes("0")
	s := &jsonschema.Schema{Pattern: intRangeRE(lo, hi, noZero), Minimum: jsonNum(lo), Maximum: jsonNum(hi)}
	if noZero {
		s.Not = &jsonschema.Schema{Enum: []any{0}}
	}
	return withTypes(s, "integer", "string")
}

// mostTaken is the most n from lo (taken) to hi (refused) that o takes.
func mostTaken(o *flinkOption, lo, hi int64) int64 {
	lo, _ = bisect(lo, hi, func(n int64) bool { return o.takes(i64toa(n)) })
	return lo
}

// flinkFloatSchema: a Java double, bounded at 0 or 1 where o is, NaN and
// the infinities left out where o refuses them.
func flinkFloatSchema(o *flinkOption) *jsonschema.Schema {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	const eps = 1e-9
	s := &jsonschema.Schema{Pattern: flinkFloatText}
	for _, c := range []float64{0, 1} {
		switch {
		case o.takes("-1e300"):
		case o.takes(f(c)) && !o.takes(f(c-eps)) && o.takes(f(c+eps)):
			s.Minimum = json.Number(f(c))
		case !o.takes(f(c)) && o.takes(f(c+eps)):
			s.ExclusiveMinimum = json.Number(f(c))
		}
		switch {
		case o.takes("1e300"):
		case o.takes(f(c)) && !o.takes(f(c+eps)) && o.takes(f(c-eps)):
			s.Maximum = json.Number(f(c))
		case !o.takes(f(c)) && o.takes(f(c-eps)):
			s.ExclusiveMaximum = json.Number(f(c))
		}
	}
	var words []string // NaN and the infinities o takes, as patterns
	for _, w := range [][2]string{{"NaN", `[+-]?NaN`}, {"Infinity", `\+?Infinity`}, {"-Infinity", `-Infinity`}} {
		if o.takes(w[0]) {
			words = append(words, w[1])
		}
	}
	switch len(words) {
	case 0:
		s.Pattern = strings.Replace(flinkFloatText, "NaN|Infinity|", "", 1)
	case 1, 2: // e.g. backoff-multiplier: Infinity, not NaN
		s.Pattern = "^" + flinkSpace + "(" + strings.Join(words, "|") + "|" + flinkNumberText + ")" + flinkSpace + "$"
	}
	return withTypes(s, "number", "string")
}

// flinkDurationSchema: a Flink duration, from the least o takes (above 0,
// at least 10 ms for a checkpoint's interval).
func flinkDurationSchema(o *flinkOption) *jsonschema.Schema {
	ns := func(n int64) string { return i64toa(n) + " ns" }
	if o.takes("0") || !o.takes(ns(int64(sim.Day))) {
		return defRef(defDuration)
	}
	least := leastTaken(o, 0, int64(sim.Day), ns)
	ms := int64(sim.Millisecond)
	return &jsonschema.Schema{AllOf: []*jsonschema.Schema{defRef(defDuration)},
		Minimum: jsonNum((least + ms - 1) / ms), // a bare number is milliseconds
		Not:     &jsonschema.Schema{Type: "string", Pattern: flinkBelowRE(flinkDurationNs(), least)}}
}

// flinkMemorySchema: a Flink memory size, from the least o takes; a
// segment size, a power of two, as one of those o takes.
func flinkMemorySchema(o *flinkOption) *jsonschema.Schema {
	if o.takes("0") {
		return defRef(defMemory)
	}
	least := leastTaken(o, 0, 1<<40, i64toa)
	if o.takes(i64toa(least + 1)) {
		return &jsonschema.Schema{AllOf: []*jsonschema.Schema{defRef(defMemory)}, Minimum: jsonNum(least),
			Not: &jsonschema.Schema{Type: "string", Pattern: flinkBelowRE(flinkMemoryUnits, least)}}
	}
	var powers []int64
	var nums []any
	for p := range 63 {
		if o.takes(i64toa(1 << p)) {
			powers = append(powers, 1<<p)
			nums = append(nums, 1<<p)
		}
	}
	pattern := unitsRE(flinkMemoryUnits, func(size int64) string {
		var alts []string
		for _, v := range powers {
			if v%size == 0 {
				alts = append(alts, i64toa(v/size))
			}
		}
		if len(alts) == 0 {
			return ""
		}
		return "0*(" + strings.Join(alts, "|") + ")"
	})
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{{Type: "integer", Enum: nums}, {Type: "string", Pattern: pattern}}}
}

// flinkTypeSchema is the schema of a key flinksim does not model, by the
// types flinkkeys.txt gives it (of either release where two differ), or
// nil where it takes any value (flinkLeaf adds the empty value, Flink's
// default).
func flinkTypeSchema(t *flinkKeyType) *jsonschema.Schema {
	if t == nil {
		return nil
	}
	var alts []*jsonschema.Schema
	for _, k := range t.kinds {
		switch k {
		case "Integer":
			alts = append(alts, defRef(defInteger))
		case "Long":
			alts = append(alts, defRef(defLong))
		case "Boolean":
			alts = append(alts, defRef(defBoolean))
		case "Float", "Double":
			alts = append(alts, defRef(defDouble))
		case "Duration":
			alts = append(alts, defRef(defDuration))
		case "MemorySize":
			alts = append(alts, defRef(defMemory))
		case "Enum":
			if len(t.values) == 0 {
				return nil
			}
			alts = append(alts, flinkEnum{offer: t.values}.schema())
		default: // String, List, Map
			return nil
		}
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return &jsonschema.Schema{AnyOf: alts}
}
