package scenarios

import (
	"strings"
	"testing"
)

// TestFlinkKeysTypes: flinkkeys.txt's types are the Type column's, on
// exact names, Enum values only on an Enum; and most keys have one.
func TestFlinkKeysTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range flinkKeyLines {
		if seen[l.name] {
			t.Errorf("%s listed twice", l.name)
		}
		seen[l.name] = true
		if l.typ == nil {
			continue
		}
		if strings.ContainsAny(l.name, "<#") {
			t.Errorf("%s: a placeholder pattern is not typed (a more general one matches the same keys)", l.name)
		}
		if len(l.typ.values) > 0 && (len(l.typ.kinds) != 1 || l.typ.kinds[0] != "Enum") {
			t.Errorf("%s: values %v on %v", l.name, l.typ.values, l.typ.kinds)
		}
	}
	if len(flinkKeyTypes) < 500 {
		t.Errorf("%d keys typed; flinkkeys.txt gives types to over 500", len(flinkKeyTypes))
	}
	if len(flinkKeys)+len(flinkKeyPatterns) != len(flinkKeyLines) {
		t.Errorf("%d names and %d patterns from %d lines", len(flinkKeys), len(flinkKeyPatterns), len(flinkKeyLines))
	}
}
