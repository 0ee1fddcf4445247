package scenarios

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// flinkkeys.txt names every Flink key flinksim knows of and, beside a
// name, the type Flink's generated docs tables give it (Integer, Long,
// Boolean, Float, Double, Duration, MemorySize, Enum and its values, or
// String, List or Map, which take any value, as does Unknown: a release
// whose type for it was not established).
//
// The values of Flink keys flinksim does not model are checked as Flink
// converts them when the option is read: ConfigurationUtils.convertValue
// (its convertTo methods for Int, Long, Boolean, Float, Double, Duration,
// MemorySize and Enum),
// by the type flinkkeys.txt gives the key. Flink reads the text of a flat
// flink-conf.yaml line, and a config.yaml scalar as YAML, then the same
// conversion; the loader hands over the text as written, trimmed, as it
// does for the modelled options (so 0x1F, which config.yaml's YAML reads as
// 31, is refused as flink-conf.yaml refuses it). A String, List or Map key
// takes any value (a list or a map in config.yaml too), and so does a key
// without a type (a <name> pattern, or a type not established) and an
// empty value (Flink's default applies).

// flinkKeyLine is one line of flinkkeys.txt: a key or a placeholder
// pattern, and the type Flink's tables give it (nil: any value).
type flinkKeyLine struct {
	name string
	typ  *flinkKeyType
}

// flinkKeyType is a key's type: the kinds Flink's tables name for it (more
// than one where releases differ; a value one of them reads is taken) and,
// for an Enum, its possible values (none: any).
type flinkKeyType struct {
	kinds  []string
	values []string
	// since is the release from which the first of two kinds applies:
	// 2.0, or the release a "@" after it names (Duration@1.20: FLINK-35359
	// made these Longs, Integers and Strings Durations in 1.20; Enum@1.20,
	// these Strings Enums).
	since string
}

// flinkKeyLines are flinkkeys.txt's lines, comments left out.
var flinkKeyLines = func() []flinkKeyLine {
	var out []flinkKeyLine
	for _, line := range strings.Split(flinkKeysText, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		l := flinkKeyLine{name: f[0]}
		if len(f) > 1 {
			kinds := strings.Split(f[1], "|")
			since := "2.0"
			if k, r, ok := strings.Cut(kinds[0], "@"); ok && len(kinds) == 2 {
				kinds[0], since = k, r
			}
			for _, k := range kinds {
				if flinkKinds[k].parse == nil {
					panic("scenarios: flinkkeys.txt: unknown type " + k + " of " + f[0])
				}
			}
			l.typ = &flinkKeyType{kinds: kinds, values: f[2:], since: since}
		}
		out = append(out, l)
	}
	return out
}()

// flinkKeyTypes are the exact keys' types (placeholder patterns are not
// typed: a more general pattern matches the same keys).
var flinkKeyTypes = func() map[string]*flinkKeyType {
	m := map[string]*flinkKeyType{}
	for _, l := range flinkKeyLines {
		if l.typ != nil && !strings.ContainsAny(l.name, "<#") {
			m[l.name] = l.typ
		}
	}
	return m
}()

// flinkKind is one of the Type column's types: how Flink converts a value
// (nil error: taken) and what it takes, for a message; any: every value is
// taken (String, List, Map).
type flinkKind struct {
	article string
	parse   func(s string) error
	takes   string
	any     bool
}

// anyValue: a String, List or Map option reads any text (a list's or a
// map's items are split by Flink's own rules, which flinksim leaves).
func anyValue(string) error { return nil }

var flinkKinds = map[string]flinkKind{
	// Integer.parseInt and Long.parseLong: a sign and decimal digits.
	"Integer": {"an", javaWhole(32), fmt.Sprintf("a whole number from %d to %d", math.MinInt32, math.MaxInt32), false},
	"Long":    {"a", javaWhole(64), fmt.Sprintf("a whole number from %d to %d", int64(math.MinInt64), int64(math.MaxInt64)), false},
	"Boolean": {"a", func(s string) error { _, err := boolean(s); return err }, "true or false, in any case", false},
	// Float.parseFloat and Double.parseDouble read the same text.
	"Float":  {"a", javaNumber, "a number as Java writes it (0.5, 1e3, 2.0f)", false},
	"Double": {"a", javaNumber, "a number as Java writes it (0.5, 1e3, 2.0d)", false},
	"Duration": {"a", func(s string) error { _, err := parseFlinkDuration(s); return err },
		"a whole number and one time unit, ms if none (d, h, min or m, s, ms, µs, ns, or their long names)", false},
	"MemorySize": {"a", func(s string) error { _, err := ParseFlinkMemory(s); return err },
		"a whole number and one unit, bytes if none (b, kb, mb, gb, tb, all binary, or k, m, g, t, or their long names)", false},
	// Enum: checked against the key's values, if its line lists them.
	"Enum": {"an", func(string) error { return nil }, "", false},
	// The Type column's String, List<...> and Map: any value.
	"String": {"a", anyValue, "any text", true},
	"List":   {"a", anyValue, "any text", true},
	"Map":    {"a", anyValue, "any text", true},
	// Unknown: a release whose type for the key was not established
	// (Unknown|Long: a 1.x Long whose 2.x declaration was not read).
	"Unknown": {"an", anyValue, "any value (its type in this release is not established)", true},
}

func javaWhole(bits int) func(string) error {
	return func(s string) error {
		_, err := strconv.ParseInt(s, 10, bits)
		return err
	}
}

func javaNumber(s string) error {
	if _, ok := javaDouble(s); !ok {
		return fmt.Errorf("%q is not a number", s)
	}
	return nil
}

// tooLarge picks a parser's word that a value is too large ("... is too
// large: Flink reads durations as a Java long ..."), which says more than
// the grammar does.
var tooLarge = regexp.MustCompile(`^".*" is (too large.*)$`)

// checkFlinkValue checks a value of a key flinksim does not model against
// the key's type in release f: nil if Flink would read it (or the key has
// no type).
func checkFlinkValue(key, s string, f flinkRelease) error {
	t := flinkKeyTypes[key]
	if t == nil {
		return nil
	}
	var names, takes []string
	for _, k := range t.kindsIn(f) {
		kind := flinkKinds[k]
		err := kind.parse(s)
		if k == "Enum" {
			err = enumValue(t.values, s)
		}
		if err == nil {
			return nil
		}
		names = append(names, kind.article+" "+k)
		switch m := tooLarge.FindStringSubmatch(err.Error()); {
		case m != nil:
			takes = append(takes, "it is "+m[1])
		case k == "Enum":
			takes = append(takes, "one of "+strings.Join(t.values, ", ")+", in any case")
		default:
			takes = append(takes, kind.takes)
		}
	}
	return fmt.Errorf("%q is not %s, as Flink %s reads %s: %s", s, strings.Join(names, " or "), f, key, strings.Join(takes, "; or "))
}

// kindsIn is the type release f gives the key: of two (the newer's, then
// the older's: a Long of milliseconds, or an Integer or a String, that 2.0,
// or 1.20, made a Duration), the one f declares.
func (t *flinkKeyType) kindsIn(f flinkRelease) []string {
	if len(t.kinds) != 2 {
		return t.kinds
	}
	if f.before(t.since) {
		return t.kinds[1:]
	}
	return t.kinds[:1]
}

// takesAny: release f reads the key as a String, List or Map.
func (t *flinkKeyType) takesAny(f flinkRelease) bool {
	for _, k := range t.kindsIn(f) {
		if flinkKinds[k].any {
			return true
		}
	}
	return false
}

// enumValue: convertToEnum compares the names in upper case (any value
// when the key's line lists none).
func enumValue(values []string, s string) error {
	if len(values) == 0 {
		return nil
	}
	for _, v := range values {
		if strings.EqualFold(v, s) {
			return nil
		}
	}
	return fmt.Errorf("%q is none of %s", s, strings.Join(values, ", "))
}

// checkUnmodelledValue reports an entry of a key flinksim does not model
// whose value Flink could not read by the key's type: a problem at the
// entry, as a modelled option's. It reports whether the entry stands.
func checkUnmodelledValue(d *decoder, e FlinkEntry, f flinkRelease) bool {
	t := flinkKeyTypes[e.Key]
	if t == nil || t.takesAny(f) {
		return true
	}
	if e.Node != nil && e.Node.Kind == yaml.SequenceNode {
		// ConfigurationUtils converts the list's text, which no number,
		// flag, duration or size reads.
		d.fail(e.Node, e.Path, "needs a single value, not a list: Flink %s reads %s as %s", f, e.Key, strings.Join(t.kindsIn(f), " or "))
		return false
	}
	if e.Value == "" {
		return true
	}
	if err := checkFlinkValue(e.Key, e.Value, f); err != nil {
		d.fail(e.Node, e.Path, "%v", err)
		return false
	}
	return true
}
