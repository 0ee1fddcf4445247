package scenarios

import (
	"errors"
	"strings"
	"testing"
)

// loadErrors loads doc as f.yaml with the what-ifs and returns its
// problems (warnings left out), one a line.
func loadErrors(t *testing.T, doc string, sets []string) string {
	t.Helper()
	_, err := Load("f.yaml", []byte(doc), sets)
	var probs Problems
	if err != nil && !errors.As(err, &probs) {
		t.Fatalf("%q: want Problems, got %v", doc, err)
	}
	var lines []string
	for _, p := range probs.Errors() {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

// checkErrors compares each case's problems, each a line's prefix
// (file:line:col: path: and the start of the message), in order.
func checkErrors(t *testing.T, cases []reportCase) {
	t.Helper()
	for _, c := range cases {
		got := loadErrors(t, c.doc, c.sets)
		lines := strings.Split(got, "\n")
		ok := len(lines) == len(c.want)
		for i := 0; ok && i < len(lines); i++ {
			ok = strings.HasPrefix(lines[i], c.want[i])
		}
		if !ok {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, strings.Join(c.want, "\n"))
		}
	}
}

type reportCase struct {
	name, doc string
	sets      []string
	want      []string // each problem's line starts so, in order
}

const (
	needsSink   = "f.yaml:1:1: sinks: a scenario needs at least one sink"
	needsSource = "f.yaml:1:1: sources: a scenario needs at least one source"
)

// TestLacksReportedWithDecodingProblems: a file without sources or sinks
// is told so together with an unknown field or a key set twice, as it is
// with any other problem, not only once those are fixed.
func TestLacksReportedWithDecodingProblems(t *testing.T) {
	checkErrors(t, []reportCase{
		{"unknown field", "name: a\nfoo: 1\n", nil, []string{needsSink, needsSource, "f.yaml:2:1: foo: unknown field"}},
		{"unknown nested field", "name: a\nsimulation: {bogus: 1}\n", nil, []string{needsSink, needsSource, "f.yaml:2:14: simulation.bogus: unknown field"}},
		{"duplicate key", "name: a\nname: b\nduration: 1m\n", nil, []string{needsSink, needsSource, "f.yaml:2:1: name: is set twice (first on line 1)"}},
		{"duplicate duration", "name: a\nduration: 5m\nduration: 6m\n", nil, []string{needsSink, needsSource, "f.yaml:3:1: duration: is set twice (first on line 2)"}},
		{"duplicate key, empty sources", "name: a\nname: b\nduration: 5m\nsources: []\n", nil,
			[]string{needsSink, "f.yaml:2:1: name: is set twice", "f.yaml:4:10: sources: a scenario needs at least one source"}},
		{"a refused duration", "name: a\nduration: -5m\n", nil, []string{needsSink, needsSource, "f.yaml:2:11: duration: must be more than 0s"}},
		{"sources refused", "name: a\nsources: 5\n", nil, []string{needsSink, "f.yaml:2:10: sources: must be a list"}},
	})
}
