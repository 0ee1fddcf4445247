package scenarios

import (
	"strings"
	"testing"
)

// TestNoValueSaysWhatItTakes: a key written with nothing after it is
// reported at its line with what it takes: Flink's configuration beneath
// flink:, entries beneath a block, items beneath a list, else a value.
func TestNoValueSaysWhatItTakes(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"flink:\n", `x.yaml:3:7: flink: has no value: give Flink's configuration beneath it (key: value)`},
		{"simulation:\n", `x.yaml:3:12: simulation: has no value: give its entries beneath it (key: value)`},
		{"operators:\n", `x.yaml:3:11: operators: has no value: give its items beneath it (- ...)`},
		{"seed:\n", `x.yaml:3:6: seed: has no value: give one`},
	} {
		data := "name: e\nduration: 1min\n" + c.yaml + "sources:\n  - {name: s, partitions: 1, rate: 1k/s}\nsinks:\n  - {name: out}\n"
		if got := loadProblems(t, []byte(data), nil, ""); !strings.Contains(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.yaml, got, c.want)
		}
	}
}

// TestANodeWithoutANameIsOneProblem: an operator with no name, written so
// or set to nothing by --set, is its own problem, told where the name is
// written (the flag that emptied it); the sink that reads it by default is
// not a second one (break-test helpers found `sinks.db.input: no node is
// named ""` and `name is required` at the file's line beside it).
func TestANodeWithoutANameIsOneProblem(t *testing.T) {
	const job = "name: e\nduration: 1min\nsources:\n  - {name: s, partitions: 1, rate: 1k/s}\noperators:\n  - %s\nsinks:\n  - {name: out}\n"
	for _, c := range []struct{ op, set, want string }{
		{"{name: parse, cost: 5us}", "operators.parse=null", "--set operators.parse=null: operators.parse: is empty, which changes nothing: a what-if sets what it gives and removes nothing; give the fields or items to change"},
		{"{cost: 5us}", "", "x.yaml:6:5: operators[0]: name is required"},
		{"{name: parse, cost: 5us}", "operators.parse.name=~", "--set operators.parse.name=~: operators[0].name: has no value: give one"},
		{"{name: parse, cost: 5us}", "operators.parse.name=null", "--set operators.parse.name=null: operators[0].name: has no value: give one"},
		{"{name: parse, cost: 5us}", "operators.parse.name=", "--set operators.parse.name=: operators[0].name: is empty; give the node a name"},
		{`{name: "", cost: 5us}`, "", "x.yaml:6:12: operators[0].name: is empty; give the node a name"},
	} {
		var sets []string
		if c.set != "" {
			sets = []string{c.set}
		}
		if got := loadProblems(t, []byte(strings.Replace(job, "%s", c.op, 1)), sets, ""); got != c.want {
			t.Errorf("%s %s: got %q, want %q", c.op, c.set, got, c.want)
		}
	}
}
