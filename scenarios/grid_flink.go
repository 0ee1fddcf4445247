package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/flinksim/flinksim/sim"
)

// A sweep axis or plan range over a flink.* key takes values as Flink
// writes them: a size in MemorySize's units (1gb, 512m: binary), a
// duration in TimeUtils' (30 s, 5 min), true/false or one of an enum's
// values; the values it probes are written back the same way.

// QChoice is an axis of values without order (true/false, an enum): a list
// only, drawn at positions 0, 1, ... in the order given.
const QChoice Quantity = QByteRate + 1

// IsChoice tells whether s is a value of key's that is not a number (a
// release, true/false, an enum's value): a list takes it, a range does not.
func IsChoice(key, s string) bool {
	if _, _, err := ParseQuantityFor(key, s); err == nil {
		return false
	}
	return choiceValue(key, s) == nil
}

// flinkAxisOption is the modelled option a flink.* key sets, or nil.
func flinkAxisOption(key string) *flinkOption {
	if rest, ok := strings.CutPrefix(key, "flink."); ok {
		return optionByKey[rest]
	}
	return nil
}

// CanonicalKey is a --set or --grid key with the older (deprecated) name of
// a modelled flink.* option replaced by its current one, as the loader
// reads it, and a list item's index written as problems write it
// (sinks[0].capacity) as a dotted segment (sinks.0.capacity), as the
// loader sets it, so that two spellings of one key compare equal.
func CanonicalKey(key string) string {
	key = strings.TrimSpace(key)
	if o := flinkAxisOption(key); o != nil {
		return "flink." + o.Key
	}
	if key == "flink" || strings.HasPrefix(key, "flink.") {
		return key // one Flink key after flink., brackets and all
	}
	return itemIndex.ReplaceAllString(key, ".$1")
}

func sameFunc(a, b func(any) string) bool {
	return a != nil && reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer()
}

// ParseQuantityFor reads a value of key's axis: Flink's units for a
// modelled memory size or duration key, else ParseQuantity's.
func ParseQuantityFor(key, s string) (float64, Quantity, error) {
	o := flinkAxisOption(key)
	switch {
	case strings.TrimSpace(key) == "flink-version":
		// "1.20" is not 1.2: releases are choices, listed
		return 0, QChoice, fmt.Errorf("%q is a Flink release, not a number: list releases, e.g. flink-version=1.18,1.20", s)
	case o != nil && sameFunc(o.format, memory):
		v, err := ParseFlinkMemory(s)
		return float64(v), QBytes, err
	case o != nil && sameFunc(o.format, flinkDuration):
		d, err := parseFlinkDuration(s)
		return d.Seconds(), QDuration, err
	case o != nil && floatingOption(o.Key):
		if v, ok := javaDouble(s); ok { // 1.0f..3.0f, as Double.parseDouble reads each end
			return v, QPlain, nil
		}
	}
	return ParseQuantity(s)
}

// IsFlinkMemory tells whether key is a modelled flink.* memory size, which
// Flink reads in binary units (MemorySize: 1gb is 2^30 bytes).
func IsFlinkMemory(key string) bool {
	o := flinkAxisOption(key)
	return o != nil && sameFunc(o.format, memory)
}

// floatingOption: Flink reads the option as a Double or Float (its type in
// flinkkeys.txt), with Double.parseDouble's float and double suffixes.
func floatingOption(key string) bool {
	t := flinkKeyTypes[key]
	return t != nil && len(t.kinds) == 1 && (t.kinds[0] == "Double" || t.kinds[0] == "Float")
}

// FormatQuantityFor writes a value of key's axis as ParseQuantityFor
// reads it.
func FormatQuantityFor(key string, v float64, k Quantity) string {
	o := flinkAxisOption(key)
	switch {
	case o != nil && k == QBytes && sameFunc(o.format, memory):
		return FormatFlinkMemory(int64(math.Round(v)))
	case o != nil && k == QDuration && sameFunc(o.format, flinkDuration):
		return FormatFlinkDuration(sim.FromSeconds(v))
	}
	return FormatQuantity(v, k)
}

// choiceValue reads one value of a list over a modelled flink.* key that is
// neither a number nor a quantity (true/false, an enum), checked by the
// option's own parser, or over flink-version (a release).
func choiceValue(key, s string) error {
	_, err := parseChoice(key, s)
	return err
}

// parseChoice is choiceValue's value as the option reads it (1.20.1 is
// release 1.20), so that two spellings of one value compare equal.
func parseChoice(key, s string) (any, error) {
	if strings.TrimSpace(key) == "flink-version" {
		return parseFlinkVersion(s)
	}
	o := flinkAxisOption(key)
	if o == nil {
		return nil, fmt.Errorf("%q is not a number, count, duration, size or rate", s)
	}
	return o.parse(s)
}

// ChoiceValue is a choice axis's value (QChoice) as points.jsonl's "values"
// gives it: true or false as a JSON boolean, an enum's value or a release
// as written ("rocksdb", "1.18"); not its position on the axis.
func ChoiceValue(key, s string) any {
	if v, err := parseChoice(key, s); err == nil {
		if b, ok := v.(bool); ok {
			return b
		}
	}
	return strings.TrimSpace(s)
}
