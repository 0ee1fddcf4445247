package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// YAML syntax errors in a user's words. The YAML parser names the problem in
// its own terms ("found character that cannot start any token") and gives a
// line that is sometimes the problem's and sometimes where the enclosing
// structure starts, and never a column; syntaxProblem finds the offending
// character in the text and says what is wrong and how to write it.

var yamlErr = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// scannerErrors are reported by the YAML scanner with 1-based lines; the
// parser's are 0-based (yaml.v3's parser.fail adds 1 for scanner errors
// only), and line 0 is left out.
var scannerErrors = []string{
	"found character that cannot start any token",
	"found a tab character that violates indentation",
	"mapping values are not allowed in this context",
	"block sequence entries are not allowed in this context",
	"could not find expected ':'",
	"found unexpected end of stream",
	"found unknown escape character",
	"exceeded max depth of",
}

// syntaxProblem turns the YAML parser's error into a Problem at the line and
// column of what is wrong.
func syntaxProblem(file string, data []byte, err error) Problem {
	raw := err.Error()
	m := yamlErr.FindStringSubmatch(raw)
	if m == nil {
		return Problem{File: file, Line: 1, Col: 1, Msg: "not valid YAML: " + raw}
	}
	msg := m[2]
	t := yamlText{file: file, lines: strings.Split(string(data), "\n")}
	hint := min(max(parserLine(m[1], msg), 1), t.last())
	for _, r := range syntaxRules {
		if r.match(msg) {
			if p, ok := r.locate(t, msg, hint); ok {
				return p
			}
			break
		}
	}
	return t.at(hint, t.firstText(hint), "not valid YAML: %s", msg)
}

// parserLine is the 1-based line the parser names (1 if it names none).
func parserLine(num, msg string) int {
	if num == "" {
		return 1
	}
	hint, _ := strconv.Atoi(num)
	for _, s := range scannerErrors {
		if strings.HasPrefix(msg, s) {
			return hint
		}
	}
	return hint + 1
}

// yamlText is the scenario's text, split into lines, to find a problem in.
type yamlText struct {
	file  string
	lines []string
}

// last is the file's last line: the line after a final newline is none.
func (t yamlText) last() int {
	if n := len(t.lines); n > 1 && t.lines[n-1] == "" {
		return n - 1
	}
	return len(t.lines)
}

func (t yamlText) at(line, col int, format string, a ...any) Problem {
	return Problem{File: t.file, Line: line, Col: col, Msg: fmt.Sprintf(format, a...)}
}

// firstText is the column of a line's first non-blank character.
func (t yamlText) firstText(line int) int {
	l := t.lines[line-1]
	return utf8.RuneCountInString(l[:len(l)-len(strings.TrimLeft(l, " \t"))]) + 1
}

// col is the column of a byte index on a line.
func (t yamlText) col(line, byteIdx int) int {
	return utf8.RuneCountInString(t.lines[line-1][:byteIdx]) + 1
}

// A syntaxRule matches a parser message and finds its cause in the text
// (ok false when the text does not show it: the message is then reported
// as the parser words it).
type syntaxRule struct {
	match  func(msg string) bool
	locate func(t yamlText, msg string, hint int) (p Problem, ok bool)
}

// syntaxRules in the order they are tried; the first that matches decides.
var syntaxRules = []syntaxRule{
	{prefix("found character that cannot start any token", "found a tab character that violates indentation"), badTokenStart},
	{prefix("mapping values are not allowed in this context"), mappingNotAllowed},
	{prefix("block sequence entries are not allowed in this context"), listNotAllowed},
	{prefix("could not find expected ':'"), missingColon},
	{prefix("found unexpected end of stream"), unclosedQuote},
	{prefix("found unknown escape character"), unknownEscape},
	{prefix("unknown anchor"), unknownAnchor},
	{prefix("did not find expected alphabetic or numeric character"), badAnchorName},
	{prefix("control characters are not allowed"), controlCharacter},
	{func(msg string) bool { return strings.Contains(msg, "UTF-8") || strings.Contains(msg, "Unicode") }, notUTF8},
	{prefix("did not find expected key"), misalignedKey},
	{prefix("did not find expected '-' indicator"), misalignedItem},
	{prefix("did not find expected ',' or '}'", "did not find expected ',' or ']'"), unclosedBracket},
	{prefix("found incompatible YAML document"), yamlVersion},
	{prefix("exceeded max depth of"), tooDeep},
}

// prefix matches a message that starts with one of ps.
func prefix(ps ...string) func(string) bool {
	return func(msg string) bool {
		for _, p := range ps {
			if strings.HasPrefix(msg, p) {
				return true
			}
		}
		return false
	}
}

// badTokenStart: a tab in an indentation, else a reserved character
// starting a value at or below the parser's line.
func badTokenStart(t yamlText, _ string, hint int) (Problem, bool) {
	for i, l := range t.lines {
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if j := strings.IndexByte(indent, '\t'); j >= 0 && strings.TrimSpace(l) != "" {
			return t.at(i+1, t.col(i+1, j), "tabs are not allowed for indentation in YAML; use spaces"), true
		}
	}
	for i := hint - 1; i < len(t.lines); i++ {
		if loc := reservedStart.FindStringSubmatchIndex(t.lines[i]); loc != nil {
			c := t.lines[i][loc[2]:loc[3]]
			return t.at(i+1, t.col(i+1, loc[2]), "%s cannot start a value in YAML (it is reserved); put the value in quotes, e.g. \"%s...\"", c, c), true
		}
	}
	return Problem{}, false
}

// mappingNotAllowed: an unquoted ": " in a value, else a key indented
// under a key that has a value.
func mappingNotAllowed(t yamlText, _ string, hint int) (Problem, bool) {
	l := t.lines[hint-1]
	if seps := mappingColon.FindAllStringIndex(l, -1); len(seps) >= 2 {
		return t.at(hint, t.col(hint, seps[1][0]), "a value cannot hold \": \" unless it is quoted, e.g. name: \"a: b\""), true
	}
	return t.at(hint, t.firstText(hint), "this key is indented deeper than the keys above it, and the key above already has a value; align it with them"), true
}

// listNotAllowed: a list item on its key's line, or anywhere else a list
// cannot start.
func listNotAllowed(t yamlText, _ string, hint int) (Problem, bool) {
	l := t.lines[hint-1]
	if i := strings.Index(l, ": -"); i >= 0 {
		return t.at(hint, t.col(hint, i+2), "a list item (- ) cannot follow a key on the same line; start the list on the next line, indented"), true
	}
	return t.at(hint, t.firstText(hint), "a list item (- ) cannot be here; start the list on its own line under its key"), true
}

func missingColon(t yamlText, _ string, hint int) (Problem, bool) {
	return t.at(hint, t.firstText(hint), "%q needs a ':' after it (key: value)", strings.TrimSpace(t.lines[hint-1])), true
}

// unclosedQuote: the first quote that opens a value and is not closed on
// its line.
func unclosedQuote(t yamlText, _ string, hint int) (Problem, bool) {
	for i, l := range t.lines {
		if loc := openQuote.FindStringSubmatchIndex(l); loc != nil {
			q := l[loc[2]:loc[3]]
			if strings.Count(l[loc[3]:], q)%2 == 0 {
				return t.at(i+1, t.col(i+1, loc[2]), "the quote %s opened here is never closed", q), true
			}
		}
	}
	return t.at(hint, 1, "the file ends inside a quoted value; close its quote"), true
}

func unknownEscape(t yamlText, _ string, _ int) (Problem, bool) {
	for i, l := range t.lines {
		if loc := badEscape.FindStringIndex(l); loc != nil {
			return t.at(i+1, t.col(i+1, loc[1]-2), "%s is not an escape in a double-quoted value; write \\\\ for a backslash, or use single quotes", l[loc[1]-2:loc[1]]), true
		}
	}
	return Problem{}, false
}

func unknownAnchor(t yamlText, msg string, _ int) (Problem, bool) {
	name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
	for i, l := range t.lines {
		if j := strings.Index(l, "*"+name); j >= 0 {
			return t.at(i+1, t.col(i+1, j), "*%s refers to no anchor; define &%s before it", name, name), true
		}
	}
	return Problem{}, false
}

// badAnchorName: a value that starts with * or & reads as an alias or an
// anchor, whose name must follow; the parser notices at the line after.
func badAnchorName(t yamlText, _ string, hint int) (Problem, bool) {
	for i := max(hint-2, 0); i < len(t.lines); i++ {
		if loc := anchorStart.FindStringSubmatchIndex(t.lines[i]); loc != nil {
			c := t.lines[i][loc[2]:loc[3]]
			what := "an alias (a reference to an anchor &name)"
			if c == "&" {
				what = "an anchor (&name)"
			}
			return t.at(i+1, t.col(i+1, loc[2]), "%s starts %s in YAML; put the value in quotes, e.g. \"%s...\"", c, what, c), true
		}
	}
	return Problem{}, false
}

func controlCharacter(t yamlText, _ string, _ int) (Problem, bool) {
	for i, l := range t.lines {
		for j, c := range l {
			if c < 0x20 && c != '\t' && c != '\r' || c == 0x7f {
				return t.at(i+1, t.col(i+1, j), "a control character (U+%04X) is not allowed; a scenario is plain text", c), true
			}
		}
	}
	return Problem{}, false
}

// notUTF8: the first byte that does not decode.
func notUTF8(t yamlText, _ string, _ int) (Problem, bool) {
	for i, l := range t.lines {
		if j := badUTF8(l); j >= 0 {
			return t.at(i+1, t.col(i+1, j), "byte 0x%02X is not UTF-8 text; save the file as UTF-8", l[j]), true
		}
	}
	return Problem{}, false
}

// badUTF8 is the index of s's first byte that does not decode as UTF-8,
// or -1.
func badUTF8(s string) int {
	for j := 0; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == utf8.RuneError && size <= 1 {
			return j
		}
		j += size
	}
	return -1
}

// NotUTF8 says what is wrong with an argument (a what-if's key=value, a
// --grid or a --target) that is not UTF-8 text, as a file's byte is told,
// the argument quoted with the byte escaped: `"name=caf\xe9": byte 0xE9
// is not UTF-8 text; give it as UTF-8`. It is "" for UTF-8 text.
func NotUTF8(arg string) string {
	j := badUTF8(arg)
	if j < 0 {
		return ""
	}
	return fmt.Sprintf("%q: byte 0x%02X is not UTF-8 text; give it as UTF-8", arg, arg[j])
}

func misalignedKey(t yamlText, _ string, hint int) (Problem, bool) {
	return t.at(hint, t.firstText(hint), "this line does not line up with the keys or list items above it; indent it as the lines it belongs with"), true
}

// misalignedItem: the parser names the list's line; the problem is the
// first line below it indented neither as an item ("- ") nor as an item's
// key.
func misalignedItem(t yamlText, _ string, hint int) (Problem, bool) {
	const what = "the items of a list must line up: every '- ' at the same column, an item's keys under its first"
	if dash := t.firstText(hint); strings.HasPrefix(strings.TrimSpace(t.lines[hint-1]), "- ") {
		for i := hint; i < len(t.lines); i++ {
			if s := strings.TrimSpace(t.lines[i]); s == "" || strings.HasPrefix(s, "#") {
				continue
			}
			if c := t.firstText(i + 1); c <= dash {
				break
			} else if c != dash+2 {
				return t.at(i+1, c, what), true
			}
		}
	}
	return t.at(hint, t.firstText(hint), what), true
}

// unclosedBracket: the flow mapping or sequence left open on the parser's
// line.
func unclosedBracket(t yamlText, msg string, hint int) (Problem, bool) {
	open, close := "{", "}"
	if strings.HasSuffix(msg, "']'") {
		open, close = "[", "]"
	}
	l := t.lines[hint-1]
	if j := unclosed(l, open[0], close[0]); j >= 0 {
		return t.at(hint, t.col(hint, j), "the %s opened here is not closed: a %s or a ',' between items is missing", open, close), true
	}
	return t.at(hint, t.firstText(hint), "a %s on this line is not closed: a %s or a ',' between items is missing", open, close), true
}

var (
	// reservedStart: @, ` and % (a directive) cannot start a plain value.
	reservedStart = regexp.MustCompile("(?:^|[\\s\\[\\]{},:-])([@`%])")
	// anchorStart: * (an alias) or & (an anchor) starting a value, with a
	// character no anchor name holds after it (a Flink filter: *:*:*).
	anchorStart = regexp.MustCompile(`(?:^|[\s\[{,]|: |- )([*&])(?:[^\w\s-]|$)`)
	// mappingColon: a ':' that separates a key from its value.
	mappingColon = regexp.MustCompile(`:(?:\s|$)`)
	// openQuote: a quote that starts a value.
	openQuote = regexp.MustCompile(`(?:^\s*|[:\[{,-]\s*)(["'])`)
	// badEscape: a backslash escape YAML does not define, in double quotes.
	badEscape = regexp.MustCompile(`"[^"]*?\\[^0abt\tnvfre "/\\N_LPxuU]`)
)

// unclosed is the byte index of the first open bracket on l left without its
// close (-1 if none).
func unclosed(l string, open, close byte) int {
	var stack []int
	for j := 0; j < len(l); j++ {
		switch l[j] {
		case open:
			stack = append(stack, j)
		case close:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return -1
	}
	return stack[0]
}

// wideEncoding names the encoding of a file in UTF-16 or UTF-32, told by
// its byte-order mark or, without one, by the zero bytes of its first two
// characters, ASCII as a scenario's are (YAML's spec detects an encoding
// so, 5.2); "" for any other file. Such a file has zero bytes, which
// would otherwise be told as binary.
func wideEncoding(data []byte) string {
	for _, e := range []struct{ bom, name string }{
		{"\x00\x00\xfe\xff", "UTF-32"}, {"\xff\xfe\x00\x00", "UTF-32"}, // before UTF-16LE's, which this one starts with
		{"\xfe\xff", "UTF-16"}, {"\xff\xfe", "UTF-16"},
	} {
		if strings.HasPrefix(string(data), e.bom) {
			return e.name
		}
	}
	for _, e := range []struct {
		name  string
		width int
		big   bool
	}{{"UTF-32BE", 4, true}, {"UTF-32LE", 4, false}, {"UTF-16BE", 2, true}, {"UTF-16LE", 2, false}} {
		if asciiUnits(data, e.width, e.big) {
			return e.name
		}
	}
	return ""
}

// asciiUnits tells whether data's first two code units of width bytes
// (big- or little-endian) are ASCII text characters.
func asciiUnits(data []byte, width int, big bool) bool {
	if len(data) < 2*width {
		return false
	}
	for u := 0; u < 2; u++ {
		unit := data[u*width : (u+1)*width]
		low, high := unit[0], unit[1:]
		if big {
			low, high = unit[width-1], unit[:width-1]
		}
		text := low == '\t' || low == '\n' || low == '\r' || (low >= 0x20 && low < 0x7f)
		if !text || strings.Trim(string(high), "\x00") != "" {
			return false
		}
	}
	return true
}
