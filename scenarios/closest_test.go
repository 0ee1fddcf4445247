package scenarios

import (
	"testing"

	"pgregory.net/rapid"
)

// TestClosest: the edit distance behind "did you mean" hints (a swap of
// neighbours is one edit, case aside), and the suggestions it allows.
func TestClosest(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"seed", "seed", 0}, {"sed", "seed", 1}, {"gird", "grid", 1}, {"version", "verbose", 4}, {"", "out", 3}} {
		if got := editDistance(c.a, c.b); got != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
	flags := []string{"duration", "grid", "jobs", "out", "seed", "set", "verbose", "version"}
	for _, c := range []struct{ s, want string }{{"sed", "seed"}, {"gird", "grid"}, {"duratoin", "duration"}, {"frobnicate", ""}, {"x", ""},
		// every letter changed is no misspelling; lengths count letters, not bytes
		{"", ""}, {"jb", ""}, {"ot", "out"}, {"seéd", "seed"}, {"grid😀", "grid"}} {
		if got, ok := Closest(c.s, flags); got != c.want || ok != (c.want != "") {
			t.Errorf("Closest(%q) = %q, %v; want %q", c.s, got, ok, c.want)
		}
	}
}

// TestEditDistanceGivesUpPastItsBound: the distance computed with a bound
// is the whole one when that is within the bound, and above the bound
// otherwise.
func TestEditDistanceGivesUpPastItsBound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.StringOfN(rapid.RuneFrom([]rune("abcé.")), 0, 12, -1)
		a, b := gen.Draw(t, "a"), gen.Draw(t, "b")
		bound := rapid.IntRange(0, 14).Draw(t, "bound")
		whole := editDistance(a, b)
		var e editor
		got := e.within([]rune(a), b, bound)
		if whole <= bound && got != whole || whole > bound && got <= bound {
			t.Fatalf("within(%q, %q, %d) = %d, whole distance %d", a, b, bound, got, whole)
		}
	})
}
