package scenarios

import (
	"fmt"
	"sort"
	"strings"
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
}

func (p Problem) String() string {
	if p.File == "" && p.Path == "" {
		return p.Msg // a warning about the whole run (NotModelledWarning)
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
	return fmt.Sprintf("%d Flink key(s) would change the result but are not modelled; this run ignores them: %s",
		len(keys), strings.Join(keys, " "))
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

// AllWarnings are the warnings of a scenario that loaded, as Problems marked
// Warning (its Warnings, then its keys not modelled): what is reported with
// the problems of flags given with it.
func (l *Loaded) AllWarnings() Problems {
	return withWarnings(nil, l.Warnings, l.NotModelled)
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
// one edit): for "did you mean" hints, here and in the CLI.
func Closest(s string, options []string) (string, bool) {
	limit := max(2, len(s)/5)
	best, bestD := "", limit+1
	for _, o := range options {
		if diff := len(o) - len(s); diff > limit || -diff > limit {
			continue // too different in length to be a misspelling
		}
		if d := editDistance(strings.ToLower(s), strings.ToLower(o)); d < bestD {
			best, bestD = o, d
		}
	}
	return best, best != ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			// a swap of two neighbours counts as one edit
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
