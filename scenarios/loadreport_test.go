package scenarios

import (
	"errors"
	"fmt"
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

// TestRefusedInputIsTheOneProblem: an input that is refused (no such node,
// the node itself, a sink, a later node, a value that is no name) is
// reported alone: no node it may have meant is told that nothing reads
// it. A node nothing reads for another reason still is.
func TestRefusedInputIsTheOneProblem(t *testing.T) {
	const doc = "name: base\nsources:\n  - {name: clicks, kind: kafka, partitions: 4, rate: 10k/s}\n" +
		"operators:\n  - {name: parse, cost: 5us, input: INPUT}\nsinks:\n  - {name: db, capacity: 50k/s}\n"
	in := func(input string) string { return strings.Replace(doc, "INPUT", input, 1) }
	const at = "f.yaml:5:37: operators.parse.input"
	checkErrors(t, []reportCase{
		{"no such node: the names it may read, not itself nor a sink", in("nope"), nil, []string{at + `: no node is named "nope" (sources and operators it may read: clicks)`}},
		{"no such node, by --set", in("clicks"), []string{"operators.parse.input=nope"},
			[]string{`--set operators.parse.input=nope: operators.parse.input: no node is named "nope"`}},
		{"itself", in("parse"), nil, []string{at + ": a node cannot read itself"}},
		{"a sink", in("db"), nil, []string{at + `: "db" is a sink`}},
		{"not a name", in("{a: 1}"), nil, []string{at + ": must be a node name or a list of names"}},
		{"an empty list", in("[]"), nil, []string{at + ": is an empty list; name the nodes it reads"}},
		{"a sink's input", strings.Replace(in("clicks"), "capacity: 50k/s", "capacity: 50k/s, input: nope", 1), nil,
			[]string{`f.yaml:7:40: sinks.db.input: no node is named "nope" (sources and operators it may read: clicks, parse)`}},
		{"no such node: not an operator listed after it", strings.Replace(in("nope"), "sinks:", "  - {name: parse2, input: parse}\nsinks:", 1), nil,
			[]string{at + `: no node is named "nope" (sources and operators it may read: clicks)`}},
		{"an unknown field beside", "name: a\nfoo: 1\nsources:\n  - {name: c, kind: kafka, partitions: 1, rate: 1/s}\nsinks:\n  - {name: d, capacity: 1k/s, input: nope}\n", nil,
			[]string{"f.yaml:2:1: foo: unknown field", `f.yaml:6:38: sinks.d.input: no node is named "nope"`}},
		{"a later node: the edge is known", strings.Replace(in("parse2"), "sinks:", "  - {name: parse2, input: clicks}\nsinks:", 1), nil,
			[]string{`f.yaml:5:5: operators.parse: nothing reads "parse"`, at + `: "parse2" is declared after "parse"`}},
		{"no refused input", strings.Replace(in("clicks"), "capacity: 50k/s", "capacity: 50k/s, input: clicks", 1), nil,
			[]string{`f.yaml:5:5: operators.parse: nothing reads "parse"`}},
		{"the node with the refused input is unread", strings.Replace(in("nope"), "capacity: 50k/s", "capacity: 50k/s, input: clicks", 1), nil,
			[]string{`f.yaml:5:5: operators.parse: nothing reads "parse"`, at + `: no node is named "nope"`}},
	})
}

// TestYAMLVersionDirective: %YAML 1.2 (the current spec), 1.1 and 1.0
// are accepted and change nothing (the built-in scenario resolves to the
// same text as without the directive); a version the parser does not know
// is refused at the directive, saying which it reads.
func TestYAMLVersionDirective(t *testing.T) {
	b, err := LookupBuiltIn("backpressure")
	if err != nil {
		t.Fatal(err)
	}
	resolved := func(data []byte) string {
		l, err := Load("f.yaml", data, nil)
		if err != nil {
			t.Fatalf("%.40q: %v", data, err)
		}
		out, err := l.Resolved()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	want := resolved(b.Data)
	const refused = " asks for a YAML version flinksim does not read; it reads 1.2, the current one, and 1.1 and 1.0 alike: remove the directive or write %YAML 1.2"
	for _, c := range []struct{ head, err string }{
		{"%YAML 1.2\n---\n", ""},
		{"%YAML 1.1\n---\n", ""},
		{"%YAML 1.0\n---\n", ""},
		{"# a comment\n%YAML 1.2 # the spec\r\n---\n", ""},
		{"\xef\xbb\xbf%YAML 1.2\n---\n", ""},
		{"%YAML 1.3\n---\n", "f.yaml:1:1: %YAML 1.3" + refused},
		{"# a comment\n%YAML 2.0\n---\n", "f.yaml:2:1: %YAML 2.0" + refused},
	} {
		data := []byte(c.head + string(b.Data))
		if c.err == "" {
			if got := resolved(data); got != want {
				t.Errorf("%q: resolves otherwise than without it", c.head)
			}
			continue
		}
		if got := loadErrors(t, string(data), nil); got != c.err {
			t.Errorf("%q: got\n%s\nwant\n%s", c.head, got, c.err)
		}
	}
}

// TestVariantChangingVariantsIsOneProblem: a variant's key that changes
// the variants is refused once, at the key, and is not applied: no second
// problem judges the variants as it would have left them. Loading that
// variant alone refuses it too (it is not silently dropped).
func TestVariantChangingVariantsIsOneProblem(t *testing.T) {
	const base = "name: a\nsources: [{name: s, rate: 1/s}]\nsinks: [{name: k}]\n"
	const variants = "variants:\n  - name: fast\n    set: {duration: 2m}\n  - name: vset\n    set: {SET}\n"
	const refused = ": a variant cannot change the variants"
	for _, c := range []struct{ set, want string }{
		{"variants.fast.set.duration: 1m", "f.yaml:8:11: variants.vset.set.variants.fast.set.duration" + refused},
		{`"variants[0].set.duration": 1m`, "f.yaml:8:11: variants.vset.set.variants[0].set.duration" + refused},
		{"variants: {fast: {set: {duration: 1m}}}", "f.yaml:8:11: variants.vset.set.variants" + refused},
		{"variants: []", "f.yaml:8:11: variants.vset.set.variants" + refused},
		{"duration: 9m, variants.x: 1", "f.yaml:8:25: variants.vset.set.variants.x" + refused},
	} {
		doc := base + strings.Replace(variants, "SET", c.set, 1)
		if got := loadErrors(t, doc, nil); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.set, got, c.want)
		}
		_, err := LoadVariant("f.yaml", []byte(doc), nil, "vset")
		var probs Problems
		errors.As(err, &probs)
		if got := probs.Errors().Error(); got != c.want {
			t.Errorf("%s, the variant alone: got\n%s\nwant\n%s", c.set, got, c.want)
		}
	}
}

// TestTooDeepAtTheCrossing: values nested past the parser's limit are
// told at the bracket or block entry that crosses it, a place in the file
// (not the line after its last).
func TestTooDeepAtTheCrossing(t *testing.T) {
	const deep = ": the values are nested more than 10000 levels deep here; a scenario nests a few"
	open := strings.Repeat("[", 10001)
	for _, c := range []struct{ name, doc, want string }{
		{"brackets on a file's last line", "name: a\nsources:\n  - " + open + strings.Repeat("]", 10001) + "\n", "f.yaml:3:10005"},
		{"brackets, no final newline", "name: a\nx: " + open, "f.yaml:2:10004"},
		{"brackets on the last of three lines", "name: a\nx: 1\ny: " + open + "\n", "f.yaml:3:10004"},
		{"braces after a comment and quotes", "name: a # [[[\nx: ['[', \"{\", " + strings.Repeat("{", 10001) + "\n", "f.yaml:2:10014"},
		{"brackets over lines", "name: a\nx: [\n" + strings.Repeat("[", 9999) + "[\nb\n", "f.yaml:3:10000"},
		{"block entries on a line", "name: a\nx:\n" + strings.Repeat("- ", 10001) + "a\n", "f.yaml:3:20001"},
		{"block entries, indented", "name: a\nx:\n  " + strings.Repeat("- ", 10001) + "a\n", "f.yaml:3:20001"},
		// a block scalar's text holds no brackets
		{"brackets after a literal block", "name: a\ndescription: |\n  [[[ text\n\n  {{ more\nx: " + open + "\n", "f.yaml:6:10004"},
		{"brackets after a folded block in a list", "name: a\nx:\n  - >- # a comment\n    [[[\n  - " + open + "\n", "f.yaml:5:10005"},
		// its text is what is indented under its key or entry, not under its line
		{"a block scalar first in a list item", "name: a\nv:\n  - description: |\n      Faster [[\n    set: {x: " + open + "}\n", "f.yaml:5:10013"},
		{"brackets after an anchored block, CRLF", "name: a\r\nd: &t |-\r\n  [[[\r\nx: " + open + "\r\n", "f.yaml:4:10004"},
		{"brackets after a tagged block", "name: a\nd: &a !!str |\n  [[[\nx: " + open + "\n", "f.yaml:4:10004"},
		{"brackets after a tagged block entry", "name: a\nl:\n  - !!str |\n    [[[\n  - " + open + "\n", "f.yaml:5:10005"},
		{"brackets after a block under a key with #", "name: a\na#b: |\n  [[[\nx: " + open + "\n", "f.yaml:4:10004"},
		{"brackets after a header alone under a key", "name: a\nd:\n  |\n  [[[\nx: " + open + "\n", "f.yaml:5:10004"},
		{"brackets after a header alone under an entry", "name: a\nl:\n  -\n    |\n    [[[\n  - " + open + "\n", "f.yaml:6:10005"},
		{"a quoted value over lines, : | in it", "name: a\nk: \"a: |\n  b\"\nx: " + open + "\n", "f.yaml:4:10004"},
		// a | or > in a comment or a quoted scalar heads no block scalar
		{"a comment ending in |", "name: a\ny: # see |\n  z: " + open + "\n", "f.yaml:3:10006"},
		{"a comment line ending in >", "name: a\nx:\n# a > b >\n  y: " + open + "\n", "f.yaml:4:10006"},
		{"a quoted scalar over lines, | at a line's end", "name: a\nx: 'a |\n  b'\ny: " + open + "\n", "f.yaml:4:10004"},
	} {
		if got := loadErrors(t, c.doc, nil); got != c.want+deep {
			t.Errorf("%s: got\n%.200s\nwant\n%s", c.name, got, c.want+deep)
		}
	}
	// Block entries after a block scalar in an item: where they would be
	// told with no brackets in its text.
	entries := "name: a\nx:\n  - d: |\n      TEXT\n    e:\n      " + strings.Repeat("- ", 10001) + "a\n"
	want := loadErrors(t, strings.Replace(entries, "TEXT", "text", 1), nil)
	if got := loadErrors(t, strings.Replace(entries, "TEXT", "[[[ {", 1), nil); got != want || !strings.HasPrefix(got, "f.yaml:6:") {
		t.Errorf("block entries after a block scalar: got\n%.200s\nwant\n%.200s", got, want)
	}
}

// TestValueLimitAtTheAlias: past the document's budget of values, the
// problem is told where the alias whose copy crossed it is written, by
// that place's path (not at the anchor, nor by a path inside the copy).
func TestValueLimitAtTheAlias(t *testing.T) {
	const over = ": the document has more than 100000 values"
	// laughs nests ten copies of the level above in each of 9 levels
	laughs := func(level func(i int) string) string {
		doc := "name: a\nflink:\n"
		for i := 0; i < 9; i++ {
			doc += fmt.Sprintf("  a%d: &a%d %s\n", i, i, level(i))
		}
		return doc + "sources: [{name: c, rate: 1/s}]\nsinks: [{name: d}]\n"
	}
	list := laughs(func(i int) string { // a1: &a1 [*a0, *a0, ...]
		item := "x"
		if i > 0 {
			item = fmt.Sprintf("*a%d", i-1)
		}
		return "[" + strings.Repeat(item+", ", 9) + item + "]"
	})
	mapping := laughs(func(i int) string { // a1: &a1 {a: *a0, b: *a0, ...}
		item := "1"
		if i > 0 {
			item = fmt.Sprintf("*a%d", i-1)
		}
		var kv []string
		for k := 'a'; k <= 'j'; k++ {
			kv = append(kv, fmt.Sprintf("%c: %s", k, item))
		}
		return "{" + strings.Join(kv, ", ") + "}"
	})
	for _, c := range []struct{ name, doc, want string }{
		// the 8th *a3 of a4's list, as written, not an item of a0 inside its copy
		{"lists", list, "f.yaml:7:47: flink.a4" + over},
		// a4's h: *a3, as written, not a key of a0 inside its copy
		{"mappings", mapping, "f.yaml:7:71: flink.a4.h" + over},
	} {
		if got := loadErrors(t, c.doc, nil); !strings.HasPrefix(got, c.want) || strings.Count(got, "\n") > 0 {
			t.Errorf("%s: got\n%.300s\nwant\n%s", c.name, got, c.want)
		}
	}
}

// TestYAMLTagsRefused: a value or key written with a YAML tag, standard
// (!!binary, !!str, !!int, !!map) or not (!custom), is refused once, at
// the tag, wherever it is (a field, a list item, a key, the flink: block,
// a variant's set:, a --set), and is not read as if it were not there.
func TestYAMLTagsRefused(t *testing.T) {
	const base = "name: a\nsources: [{name: s, rate: 1/s}]\nsinks: [{name: k}]\n"
	tag := func(t string) string {
		return ": the YAML tag " + t + " is not supported (no tag is, standard or not): remove it; each field reads its value by its own rules, and quotes keep a value as text"
	}
	checkErrors(t, []reportCase{
		{"binary name", "name: !!binary aGVsbG8=\nsources: [{name: s, rate: 1/s}]\nsinks: [{name: k}]\n", nil, []string{"f.yaml:1:7: name" + tag("!!binary")}},
		{"custom tag", "name: !custom x\nsources: [{name: s, rate: 1/s}]\nsinks: [{name: k}]\n", nil, []string{"f.yaml:1:7: name" + tag("!custom")}},
		{"a str tag on text", base + "description: !!str x\n", nil, []string{"f.yaml:4:14: description" + tag("!!str")}},
		{"an item's name", "name: a\nsources: [{name: !!str s, rate: 1/s}]\nsinks: [{name: k}]\n", nil, []string{"f.yaml:2:18: sources.s.name" + tag("!!str")}},
		{"a list of inputs", base + "operators: [{name: o, input: [!!str s]}]\n", nil, []string{"f.yaml:4:31: operators.o.input[0]" + tag("!!str")}},
		{"a key", base + "!!str seed: 3\n", nil, []string{"f.yaml:4:1: seed" + tag("!!str")}},
		{"a mapping", base + "simulation: !!map {chunk-records: 5}\n", nil, []string{"f.yaml:4:13: simulation" + tag("!!map")}},
		{"the top", "--- !!map\n" + base, nil, []string{"f.yaml:1:5" + tag("!!map")}},
		{"a Flink value", base + "flink: {parallelism.default: !!int 4}\n", nil, []string{"f.yaml:4:30: flink.parallelism.default" + tag("!!int")}},
		{"a Flink list's item", base + "flink: {metrics.job.status.enable: [!!str STATE]}\n", nil, []string{"f.yaml:4:37: flink.metrics.job.status.enable" + tag("!!str")}},
		{"a variant's value", base + "variants: [{name: v, set: {seed: !!int 3}}]\n", nil, []string{"f.yaml:4:34: variants.v.set.seed" + tag("!!int")}},
		{"a variant's key", base + "variants: [{name: v, set: {!!str seed: 3}}]\n", nil, []string{"f.yaml:4:28: variants.v.set.seed" + tag("!!str")}},
		{"a --set", base, []string{"sinks.k.capacity=!!binary YWJj"}, []string{"--set sinks.k.capacity=!!binary YWJj: sinks.k.capacity" + tag("!!binary")}},
		// a node not read for its tag is not also missing to an input
		// that names it (a break-test helper found the second problem)
		{"the sources list", "name: a\nsources: !!seq [{name: s, rate: 1/s}]\noperators: [{name: o, input: s}]\nsinks: [{name: k}]\n", nil, []string{"f.yaml:2:10: sources" + tag("!!seq")}},
		{"a source", "name: a\nsources: [!!map {name: s, rate: 1/s}]\noperators: [{name: o, input: s}]\nsinks: [{name: k}]\n", nil, []string{"f.yaml:2:11: sources.s" + tag("!!map")}},
	})
}

// TestWholeNumbersAreDecimal: a whole-number field reads 010 as ten, as
// a count does and YAML 1.2's core schema has it, where a 0 prefix once
// made it octal (partitions: 010 ran with 8: a break-test helper); 0x10 is
// refused, as a count refuses it.
func TestWholeNumbersAreDecimal(t *testing.T) {
	doc := func(partitions, seed string) string {
		return "name: a\nseed: " + seed + "\nsources: [{name: s, partitions: " + partitions + ", rate: 1/s}]\nsinks: [{name: k}]\n"
	}
	l, err := Load("f.yaml", []byte(doc("010", "010")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := l.Spec.Nodes[0].Kafka.Partitions; p != 10 || l.Spec.Seed != 10 {
		t.Errorf("partitions: 010, seed: 010 read as %d and %d, want 10 and 10", p, l.Spec.Seed)
	}
	checkErrors(t, []reportCase{
		{"hexadecimal", doc("0x10", "1"), nil, []string{`f.yaml:3:33: sources.s.partitions: must be a whole number, not "0x10"`}},
		{"octal, YAML 1.2's", doc("0o10", "1"), nil, []string{`f.yaml:3:33: sources.s.partitions: must be a whole number, not "0o10"`}},
	})
}
