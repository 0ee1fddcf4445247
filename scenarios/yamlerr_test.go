package scenarios

import (
	"encoding/binary"
	"testing"
)

// TestYAMLSyntaxInUsersWords: each YAML syntax error is reported at the
// line and column of the offending character, in a user's words.
func TestYAMLSyntaxInUsersWords(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"name: x\nsources:\n\t- {name: s}\n", "s.yaml:3:1: tabs are not allowed for indentation in YAML; use spaces"},
		{"name: x\nsources:\n  - name: s\n  \trate: 1/s\n", "s.yaml:4:3: tabs are not allowed for indentation in YAML; use spaces"},
		{"name: a: b\n", "s.yaml:1:8: a value cannot hold \": \" unless it is quoted, e.g. name: \"a: b\""},
		{"name: x\n  seed: 1\n", "s.yaml:2:3: this key is indented deeper than the keys above it, and the key above already has a value; align it with them"},
		{"name: x\nsources:\n  - name: s\n - name: t\n", "s.yaml:4:2: this line does not line up with the keys or list items above it; indent it as the lines it belongs with"},
		{"name: x\nsources:\n  - name: s\n    rate: 1k/s\n   kind: kafka\n", "s.yaml:5:4: the items of a list must line up: every '- ' at the same column, an item's keys under its first"},
		{"- a\nb: c\n", "s.yaml:2:1: the items of a list must line up: every '- ' at the same column, an item's keys under its first"},
		{"name: \"x\nseed: 1\n", "s.yaml:1:7: the quote \" opened here is never closed"},
		{"name: x\nsources: [ {name: a, rate: 1k/s\nsinks: []\n", "s.yaml:2:12: the { opened here is not closed: a } or a ',' between items is missing"},
		{"name: x\nsources: [ {name: a}\nsinks: []\n", "s.yaml:2:10: the [ opened here is not closed: a ] or a ',' between items is missing"},
		{"name: x\nseed: *y\n", "s.yaml:2:7: *y refers to no anchor; define &y before it"},
		{"name: @x\n", "s.yaml:1:7: @ cannot start a value in YAML (it is reserved); put the value in quotes, e.g. \"@...\""},
		{"flink:\n  env.log.dir: %LOG%\n", "s.yaml:2:16: % cannot start a value in YAML (it is reserved); put the value in quotes, e.g. \"%...\""},
		// a Flink metric filter: the parser notices at the next line
		{"flink:\n  metrics.reporter.prom.filter.includes: *:numRecords*\n  parallelism.default: 2\n",
			"s.yaml:2:42: * starts an alias (a reference to an anchor &name) in YAML; put the value in quotes, e.g. \"*...\""},
		{"name: x\nkey\nseed: 1\n", "s.yaml:2:1: \"key\" needs a ':' after it (key: value)"},
		{"name: x\nsources: - a\n", "s.yaml:2:10: a list item (- ) cannot follow a key on the same line; start the list on the next line, indented"},
		{"name: x\ndescription: \"a\\qb\"\n", "s.yaml:2:16: \\q is not an escape in a double-quoted value; write \\\\ for a backslash, or use single quotes"},
		{"name: x\x01\n", "s.yaml:1:8: a control character (U+0001) is not allowed; a scenario is plain text"},
		{"name: é\xff\n", "s.yaml:1:8: byte 0xFF is not UTF-8 text; save the file as UTF-8"},
		{"%YAML 2.0\n---\nname: x\n", "s.yaml:1:1: %YAML 2.0 asks for a YAML version flinksim does not read; it reads 1.2, the current one, and 1.1 and 1.0 alike: remove the directive or write %YAML 1.2"},
	} {
		_, err := Load("s.yaml", []byte(c.doc), nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.doc, err, c.want)
		}
	}
}

// TestWideEncodingsNamed: a scenario saved as UTF-16 or UTF-32, with a
// byte-order mark or without (iconv -t utf-16 and utf-16le), is told as
// that encoding, with how to save it as UTF-8; before, its zero bytes had
// it told "binary". A binary file is still binary, and UTF-8 with a
// byte-order mark loads.
func TestWideEncodingsNamed(t *testing.T) {
	const text = "name: x\nsources: [{name: s, rate: 1k/s}]\nsinks: [{name: k}]\n"
	wide := func(bom bool, width int, big bool) []byte {
		var out []byte
		put := func(r rune) {
			b := make([]byte, 4)
			if big {
				binary.BigEndian.PutUint32(b, uint32(r))
				out = append(out, b[4-width:]...)
			} else {
				binary.LittleEndian.PutUint32(b, uint32(r))
				out = append(out, b[:width]...)
			}
		}
		if bom {
			put(0xfeff)
		}
		for _, r := range text {
			put(r)
		}
		return out
	}
	for _, c := range []struct {
		data []byte
		want string
	}{
		{wide(true, 2, false), "UTF-16"}, {wide(true, 2, true), "UTF-16"},
		{wide(true, 4, false), "UTF-32"}, {wide(true, 4, true), "UTF-32"},
		{wide(false, 2, false), "UTF-16LE"}, {wide(false, 2, true), "UTF-16BE"},
		{wide(false, 4, false), "UTF-32LE"}, {wide(false, 4, true), "UTF-32BE"},
	} {
		want := "s.yaml: the file is " + c.want + " text; save it as UTF-8, the one encoding a scenario is read in (iconv -f " + c.want + " -t UTF-8)"
		if got := loadProblemsNamed(t, "s.yaml", c.data); got != want {
			t.Errorf("% x...:\ngot  %q\nwant %q", c.data[:8], got, want)
		}
	}
	if got := loadProblemsNamed(t, "s.yaml", []byte("\x7fELF\x02\x01\x01\x00\x00\x00")); got != "s.yaml: the file is binary, not YAML text" {
		t.Errorf("an executable: got %q", got)
	}
	if got := loadProblemsNamed(t, "s.yaml", []byte("\xef\xbb\xbf"+text)); got != "" {
		t.Errorf("UTF-8 with a byte-order mark: got %q", got)
	}
}

// loadProblemsNamed is Load's problems for data as file, "" if none.
func loadProblemsNamed(t *testing.T, file string, data []byte) string {
	t.Helper()
	_, err := Load(file, data, nil)
	return problemsText(t, err)
}
