package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/flinksim/flinksim/internal/human"
)

// Problem is one thing wrong with a scenario, located in its file.
type Problem struct {
	File      string
	Line, Col int
	Path      string // dotted field path, as --set takes it
	Msg       string
	// Warning marks accepted input worth a look (Loaded.Warnings), not a
	// problem: a scenario with problems carries its warnings among them, so
	// that every problem and every warning is reported at once.
	Warning bool
	// Also is, for a --set that reaches a field another --set reaches (one
	// list item by its name and by its index, or a key one of them writes
	// inside its value), that other --set as given (key=value).
	Also string
}

func (p Problem) String() string {
	if p.File == "" {
		if p.Path == "" {
			return p.Msg // a warning about the whole run (NotModelledWarning)
		}
		return p.Path + ": " + p.Msg // about a whole variant: "variants.fast: ..."
	}
	loc := p.File
	if p.Line > 0 {
		loc += fmt.Sprintf(":%d:%d", p.Line, p.Col)
	}
	if p.Path != "" {
		return loc + ": " + p.Path + ": " + p.Msg
	}
	return loc + ": " + p.Msg
}

// Problems is every problem found in a scenario; it is an error.
type Problems []Problem

// Error lists the problems, then the warnings, one a line ("warning: ...").
func (ps Problems) Error() string {
	var lines []string
	for _, p := range ps.Errors() {
		lines = append(lines, p.String())
	}
	for _, p := range ps.Warnings() {
		lines = append(lines, "warning: "+p.String())
	}
	return strings.Join(lines, "\n")
}

// Errors are the problems that are not warnings.
func (ps Problems) Errors() Problems {
	return ps.filter(false)
}

// Warnings are the warnings among the problems.
func (ps Problems) Warnings() Problems {
	return ps.filter(true)
}

func (ps Problems) filter(warning bool) Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning == warning {
			out = append(out, p)
		}
	}
	return out
}

// NotModelledWarning is the warning for Flink keys that would change the
// result but are not modelled (Loaded.NotModelled), "" for none.
func NotModelledWarning(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	if len(keys) == 1 {
		return "1 Flink key would change the result but is not modelled; this run ignores it: " + keys[0]
	}
	return fmt.Sprintf("%s would change the result but are not modelled; this run ignores them: %s",
		human.Plural(len(keys), "Flink key"), strings.Join(keys, " "))
}

// withWarnings is the error of a scenario with problems: the problems, and
// the warnings found with them (warn, and the keys not modelled), marked.
func withWarnings(probs, warnings Problems, notModelled []string) Problems {
	out := append(Problems(nil), probs...)
	for _, w := range warnings {
		w.Warning = true
		out = append(out, w)
	}
	if m := NotModelledWarning(notModelled); m != "" {
		out = append(out, Problem{Msg: m, Warning: true})
	}
	return out
}

// ofVariant puts the warning of the keys not modelled (withWarnings) of a
// variant's load at the variant's path, as allWarnings does: a variant's
// keys are its own.
func (ps Problems) ofVariant(variant string) Problems {
	if variant == "" || variant == BaseName {
		return ps
	}
	for i, p := range ps {
		if p.Warning && p.File == "" && p.Path == "" {
			ps[i].Path = "variants." + variant
		}
	}
	return ps
}

// causedBy names variant in the problems it has at the base's nodes that
// the base has not (base): a problem its overrides cause where they meet
// the base (a max parallelism below the variant's parallelism) is at the
// base's line and path, and would not say which variant. Its problems
// inside its set: block have its path already (variantSpan).
func (ps Problems) causedBy(variant string, base map[Problem]bool) Problems {
	if variant == "" {
		return ps
	}
	for i, p := range ps {
		if !p.Warning && p.File != "" && !base[p] && !strings.HasPrefix(p.Path, "variants.") {
			ps[i].Msg += " (with variant " + variant + "'s overrides)"
		}
	}
	return ps
}

// RunWarnings are the warnings of one run of a scenario, its base or a
// variant: its Loaded's Warnings and NotModelled.
type RunWarnings struct {
	Name        string // the variant's name, BaseName for the base
	Warnings    Problems
	NotModelled []string
}

// AllWarnings are the warnings of a scenario that loaded, as Problems marked
// Warning: RunsWarnings, then its keys not modelled as one warning and
// each variant's that are others as one at the variant's path
// ("variants.fast: 2 Flink keys ..."). They are what is reported with
// the problems of flags given with it.
func (l *Loaded) AllWarnings() Problems {
	return allWarnings(l.runs())
}

// RunsWarnings are the scenario's Warnings, then those of its variants
// (VariantWarnings) that it has not, in file order, each once. A warning
// at a variant's own line has the variant's path ("variants.fast.set.
// flink.…"); one at the base's line that only the variant's overrides bring
// (a flink-version that ignores a key the base sets) has the base's.
func (l *Loaded) RunsWarnings() Problems {
	return runsWarnings(l.runs())
}

// RunsNotModelled are NotModelled, then the keys of the variants'
// (VariantWarnings) that are not among them.
func (l *Loaded) RunsNotModelled() []string {
	var keys []string
	for _, r := range l.runs() {
		for _, k := range r.NotModelled {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// runs are the warnings of the base, then of each variant loaded with it.
func (l *Loaded) runs() []RunWarnings {
	base := RunWarnings{Name: BaseName, Warnings: l.Warnings, NotModelled: l.NotModelled}
	return append([]RunWarnings{base}, l.VariantWarnings...)
}

// runsWarnings are the first run's warnings, then the others' that it has
// not, in file order, each once (RunsWarnings).
func runsWarnings(runs []RunWarnings) Problems {
	if len(runs) == 0 {
		return nil
	}
	out := append(Problems(nil), runs[0].Warnings...)
	var more Problems
	for _, r := range runs[1:] {
		for _, w := range r.Warnings {
			if !slices.Contains(out, w) {
				more = append(more, w)
			}
		}
	}
	return append(out, more.sort()...)
}

// allWarnings are the runs' warnings as Problems marked Warning
// (AllWarnings): runsWarnings, then the keys not modelled, the base's as
// one warning, a variant's that are others as one at its path.
func allWarnings(runs []RunWarnings) Problems {
	out := withWarnings(nil, runsWarnings(runs), nil)
	var base []string
	for _, r := range runs {
		if r.Name == BaseName {
			base = r.NotModelled
		}
	}
	for _, r := range runs {
		m := NotModelledWarning(r.NotModelled)
		switch {
		case m == "":
		case r.Name == BaseName:
			out = append(out, Problem{Msg: m, Warning: true})
		case !slices.Equal(r.NotModelled, base):
			out = append(out, Problem{Path: "variants." + r.Name, Msg: m, Warning: true})
		}
	}
	return out
}

// sort orders problems by file position, then path, and drops exact repeats
// (a warning the base and each variant have is one).
func (ps Problems) sort() Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if (a.File == "") != (b.File == "") {
			return b.File == "" // one about the whole run (NotModelledWarning) last
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Path < b.Path
	})
	out := ps[:0]
	seen := map[Problem]bool{}
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Closest returns the option nearest to s by edit distance, if it is near
// enough to be a likely misspelling (case aside; a swap of neighbours is
// one edit; lengths in letters, not bytes): for "did you mean" hints, here
// and in the CLI. Each distance is given up once past the best so far
// (thousands of unknown keys against Flink's options would otherwise take
// seconds).
func Closest(s string, options []string) (string, bool) {
	a := []rune(strings.ToLower(s))
	// at most a fifth of its letters (two for a short one), and never all:
	// a name whose every letter changes is no misspelling of it (kk, op)
	limit := min(max(2, len(a)/5), len(a)-1)
	best, bestD := "", limit+1
	var e editor
	n := len(a)
	for _, o := range options {
		// too different in length (in letters: no more than its bytes) to be a misspelling
		if len(o) < n-limit || len(o) > n+limit && utf8.RuneCountInString(o) > n+limit {
			continue
		}
		if d := e.within(a, strings.ToLower(o), bestD-1); d < bestD {
			best, bestD = o, d
		}
	}
	return best, best != ""
}

func editDistance(a, b string) int {
	var e editor
	return e.within([]rune(a), b, len(a)+len(b)) // no distance is more
}

// editor computes edit distances in buffers it keeps between them.
type editor struct{ b, prev, cur []int }

// within is the edit distance from a to b if it is at most bound, else
// some value above bound. It skips what cannot be within bound: a pair
// whose lengths, or whose letters, differ by more than bound (each edit
// changes at most one letter's count; a swap none), the cells more than
// bound off the diagonal (their distance is more), and the rows after one
// whose least value passes bound (a row's least value never falls in the
// rows after).
func (e *editor) within(a []rune, b string, bound int) int {
	e.b = e.b[:0]
	for _, r := range b {
		e.b = append(e.b, int(r))
	}
	rb := e.b
	if len(a)-len(rb) > bound || len(rb)-len(a) > bound || lettersApart(a, rb) > bound {
		return bound + 1
	}
	e.prev, e.cur = slices.Grow(e.prev[:0], len(rb)+1)[:len(rb)+1], slices.Grow(e.cur[:0], len(rb)+1)[:len(rb)+1]
	prev, cur := e.prev, e.cur
	far := bound + 1 // a cell off the band: more than bound
	for j := range prev {
		prev[j] = min(j, far)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-bound), min(len(rb), i+bound)
		cur[0] = min(i, far)
		if lo > 1 {
			cur[lo-1] = far
		}
		least := cur[0]
		for j := lo; j <= hi; j++ {
			c := 1
			if int(a[i-1]) == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			// a swap of two neighbours counts as one edit
			if i > 1 && j > 1 && int(a[i-1]) == rb[j-2] && int(a[i-2]) == rb[j-1] {
				cur[j] = min(cur[j], prev[j-1])
			}
			least = min(least, cur[j])
		}
		if hi < len(rb) {
			cur[hi+1] = far
		}
		if least > bound {
			return bound + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// lettersApart is how many letters one of a and b has that the other
// lacks (the larger count of the two): a bound from below on their edit
// distance. 0 when either has a letter beyond ASCII (no bound known).
func lettersApart(a []rune, b []int) int {
	var n [128]int
	for _, r := range a {
		if r >= 128 {
			return 0
		}
		n[r]++
	}
	for _, r := range b {
		if r >= 128 {
			return 0
		}
		n[r]--
	}
	more, fewer := 0, 0
	for _, k := range n {
		if k > 0 {
			more += k
		} else {
			fewer -= k
		}
	}
	return max(more, fewer)
}
