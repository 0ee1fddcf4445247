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
	hint := 1 // the line the parser names, 1-based
	if m[1] != "" {
		hint, _ = strconv.Atoi(m[1])
		scanner := false
		for _, s := range scannerErrors {
			scanner = scanner || strings.HasPrefix(msg, s)
		}
		if !scanner {
			hint++
		}
	}
	lines := strings.Split(string(data), "\n")
	hint = min(max(hint, 1), len(lines))
	at := func(line, col int, format string, a ...any) Problem {
		return Problem{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, a...)}
	}
	firstText := func(line int) int { // column of a line's first non-blank character
		l := lines[line-1]
		return utf8.RuneCountInString(l[:len(l)-len(strings.TrimLeft(l, " \t"))]) + 1
	}
	col := func(line, byteIdx int) int { return utf8.RuneCountInString(lines[line-1][:byteIdx]) + 1 }

	switch {
	case strings.HasPrefix(msg, "found character that cannot start any token"),
		strings.HasPrefix(msg, "found a tab character that violates indentation"):
		for i, l := range lines {
			indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
			if t := strings.IndexByte(indent, '\t'); t >= 0 && strings.TrimSpace(l) != "" {
				return at(i+1, col(i+1, t), "tabs are not allowed for indentation in YAML; use spaces")
			}
		}
		for i := hint - 1; i < len(lines); i++ {
			if loc := reservedStart.FindStringSubmatchIndex(lines[i]); loc != nil {
				c := lines[i][loc[2]:loc[3]]
				return at(i+1, col(i+1, loc[2]), "%s cannot start a value in YAML (it is reserved); put the value in quotes, e.g. \"%s...\"", c, c)
			}
		}
	case strings.HasPrefix(msg, "mapping values are not allowed in this context"):
		l := lines[hint-1]
		if seps := mappingColon.FindAllStringIndex(l, -1); len(seps) >= 2 {
			return at(hint, col(hint, seps[1][0]), "a value cannot hold \": \" unless it is quoted, e.g. name: \"a: b\"")
		}
		return at(hint, firstText(hint), "this key is indented deeper than the keys above it, and the key above already has a value; align it with them")
	case strings.HasPrefix(msg, "block sequence entries are not allowed in this context"):
		l := lines[hint-1]
		if i := strings.Index(l, ": -"); i >= 0 {
			return at(hint, col(hint, i+2), "a list item (- ) cannot follow a key on the same line; start the list on the next line, indented")
		}
		return at(hint, firstText(hint), "a list item (- ) cannot be here; start the list on its own line under its key")
	case strings.HasPrefix(msg, "could not find expected ':'"):
		return at(hint, firstText(hint), "%q needs a ':' after it (key: value)", strings.TrimSpace(lines[hint-1]))
	case strings.HasPrefix(msg, "found unexpected end of stream"):
		for i, l := range lines {
			if loc := openQuote.FindStringSubmatchIndex(l); loc != nil {
				q := l[loc[2]:loc[3]]
				if strings.Count(l[loc[3]:], q)%2 == 0 {
					return at(i+1, col(i+1, loc[2]), "the quote %s opened here is never closed", q)
				}
			}
		}
		return at(hint, 1, "the file ends inside a quoted value; close its quote")
	case strings.HasPrefix(msg, "found unknown escape character"):
		for i, l := range lines {
			if loc := badEscape.FindStringIndex(l); loc != nil {
				return at(i+1, col(i+1, loc[1]-2), "%s is not an escape in a double-quoted value; write \\\\ for a backslash, or use single quotes", l[loc[1]-2:loc[1]])
			}
		}
	case strings.HasPrefix(msg, "unknown anchor"):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		for i, l := range lines {
			if j := strings.Index(l, "*"+name); j >= 0 {
				return at(i+1, col(i+1, j), "*%s refers to no anchor; define &%s before it", name, name)
			}
		}
	case strings.HasPrefix(msg, "control characters are not allowed"):
		for i, l := range lines {
			for j, c := range l {
				if c < 0x20 && c != '\t' && c != '\r' || c == 0x7f {
					return at(i+1, col(i+1, j), "a control character (U+%04X) is not allowed; a scenario is plain text", c)
				}
			}
		}
	case strings.Contains(msg, "UTF-8") || strings.Contains(msg, "Unicode"):
		for i, l := range lines {
			if !utf8.ValidString(l) {
				j := 0
				for j < len(l) {
					r, size := utf8.DecodeRuneInString(l[j:])
					if r == utf8.RuneError && size <= 1 {
						break
					}
					j += size
				}
				return at(i+1, col(i+1, j), "byte 0x%02X is not UTF-8 text; save the file as UTF-8", l[j])
			}
		}
	case strings.HasPrefix(msg, "did not find expected key"):
		return at(hint, firstText(hint), "this line does not line up with the keys or list items above it; indent it as the lines it belongs with")
	case strings.HasPrefix(msg, "did not find expected '-' indicator"):
		// The parser names the list's line: find the first line below it
		// indented neither as an item ("- ") nor as an item's key.
		if dash := firstText(hint); strings.HasPrefix(strings.TrimSpace(lines[hint-1]), "- ") {
			for i := hint; i < len(lines); i++ {
				if t := strings.TrimSpace(lines[i]); t == "" || strings.HasPrefix(t, "#") {
					continue
				}
				if c := firstText(i + 1); c <= dash {
					break
				} else if c != dash+2 {
					return at(i+1, c, "the items of a list must line up: every '- ' at the same column, an item's keys under its first")
				}
			}
		}
		return at(hint, firstText(hint), "the items of a list must line up: every '- ' at the same column, an item's keys under its first")
	case strings.HasPrefix(msg, "did not find expected ',' or '}'"), strings.HasPrefix(msg, "did not find expected ',' or ']'"):
		open, close := "{", "}"
		if strings.HasSuffix(msg, "']'") {
			open, close = "[", "]"
		}
		l := lines[hint-1]
		if j := unclosed(l, open[0], close[0]); j >= 0 {
			return at(hint, col(hint, j), "the %s opened here is not closed: a %s or a ',' between items is missing", open, close)
		}
		return at(hint, firstText(hint), "a %s on this line is not closed: a %s or a ',' between items is missing", open, close)
	case strings.HasPrefix(msg, "found incompatible YAML document"):
		return at(1, 1, "the %%YAML directive asks for a YAML version other than 1.x; remove it")
	}
	return at(hint, firstText(hint), "not valid YAML: %s", msg)
}

var (
	// reservedStart: @ and ` cannot start a plain value.
	reservedStart = regexp.MustCompile("(?:^|[\\s\\[\\]{},:-])([@`])")
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
