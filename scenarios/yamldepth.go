package scenarios

import (
	"regexp"
	"strconv"
	"strings"
)

// The parser's nesting limit: it refuses values nested deeper than a
// limit (brackets [ and {, or block indentation: - - - and keys indented
// under keys) at a line near where the limit is crossed, without a
// column. tooDeep finds the bracket or the block entry that crosses it.

var maxDepth = regexp.MustCompile(`exceeded max depth of (\d+)`)

// tooDeep: the first bracket beyond the limit of open brackets, else the
// first block entry beyond the limit of indentation levels, else the
// parser's line.
func tooDeep(t yamlText, msg string, hint int) (Problem, bool) {
	m := maxDepth.FindStringSubmatch(msg)
	if m == nil {
		return Problem{}, false
	}
	limit, _ := strconv.Atoi(m[1])
	const what = "the values are nested more than %d levels deep here; a scenario nests a few"
	if line, col, ok := t.nesting(limit); ok {
		return t.at(line, t.col(line, col), what, limit), true
	}
	return t.at(hint, t.firstText(hint), what, limit), true
}

// nesting is the line and byte index where more than limit brackets are
// open, or more than limit block collections are (an approximation of
// the parser's indentation levels: each line's first token deeper than
// the one it is under, each "- " after another on a line, a key after
// one), outside the text of block scalars (| and >, blockScalarOwner);
// ok false if neither is found.
func (t yamlText) nesting(limit int) (line, idx int, ok bool) {
	var f flowScan
	var indents []int
	scalar := -1 // while in a block scalar's (| or >) text, its owner's column, else -1
	opener := -1 // the column of the key or entry the last line left without a value, else -1
	for i, l := range t.lines {
		l = strings.TrimRight(l, "\r")
		text := strings.TrimLeft(l, " ")
		if indent := len(l) - len(text); scalar >= 0 && (text == "" || indent > scalar) {
			continue // the block scalar's text: no brackets nor entries
		}
		scalar = -1
		if f.depth == 0 && f.quote == 0 {
			if owner, ok := blockScalarOwner(l, opener); ok {
				scalar = owner
			}
			if text != "" && text[0] != '#' {
				opener = valueOpener(l)
			}
			if j, deeper := blockLevels(l, &indents, limit); deeper {
				return i + 1, j, true
			}
		}
		if j, deeper := f.line(l, limit); deeper {
			return i + 1, j, true
		}
	}
	return 0, 0, false
}

// Block scalar headers and the keys that own them. A plain key holds no
// ": " and no " #" (a comment); a quoted one anything quoted. Before the
// header may come an anchor (&a) and a tag (!!str); after it, its
// chomping and indentation indicators and a comment.
const (
	yamlKey    = `(?:[^\s#'"](?:[^\s:]|:\S|[ \t]+[^\s#:])*|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')`
	yamlProps  = `(?:[!&]\S*[ \t]+)*`
	yamlHeader = `[|>][0-9+-]*[ \t]*(?:#.*)?$`
	yamlOpen   = `(?:[ \t]+[!&]\S*)*[ \t]*(?:#.*)?$` // no value after: props and a comment at most
)

var (
	// blockScalar matches a line whose value is a block scalar, of a key
	// or of block entries (- ), or alone (its owner on a line above).
	// Groups: the indentation, the entries, the key.
	blockScalar = regexp.MustCompile(`^( *)((?:- +)*)(` + yamlKey + `[ \t]*:[ \t]+)?` + yamlProps + yamlHeader)
	// keyOpens and entryOpens match a line that leaves a key's or an
	// entry's value to the lines below.
	keyOpens   = regexp.MustCompile(`^ *(?:- +)*(` + yamlKey + `)[ \t]*:` + yamlOpen)
	entryOpens = regexp.MustCompile(`^ *(?:- +)*-` + yamlOpen)
)

// blockScalarOwner is, for a line whose value is a block scalar, the
// column of what owns it: its key, else its block entry, else (a header
// alone on its line) opener, the key or entry the line above left without
// a value. The lines after it indented deeper are its text.
func blockScalarOwner(l string, opener int) (int, bool) {
	m := blockScalar.FindStringSubmatchIndex(l)
	switch {
	case m == nil:
		return 0, false
	case m[6] >= 0: // a key
		return m[6], true
	case m[5] > m[4]: // entries: the last one's dash
		return strings.LastIndexByte(l[:m[5]], '-'), true
	}
	return opener, opener >= 0
}

// valueOpener is the column of the key or block entry line l leaves
// without a value (key: or - alone, a comment after), else -1.
func valueOpener(l string) int {
	if m := keyOpens.FindStringSubmatchIndex(l); m != nil {
		return m[2]
	}
	if entryOpens.MatchString(l) {
		return strings.LastIndexByte(strings.TrimRight(strings.SplitN(l, "#", 2)[0], " \t"), '-')
	}
	return -1
}

// flowScan counts the brackets open, line by line, outside quotes and
// comments.
type flowScan struct {
	quote byte // the quote a scalar spanning lines is in, or 0
	depth int
}

// line scans l, and reports the byte index of the bracket that opens more
// than limit.
func (f *flowScan) line(l string, limit int) (int, bool) {
	for j := 0; j < len(l); j++ {
		c := l[j]
		switch {
		case f.quote == '"' && c == '\\':
			j++ // an escape
		case f.quote == '\'' && c == '\'' && j+1 < len(l) && l[j+1] == '\'':
			j++ // '' in single quotes
		case f.quote != 0:
			if c == f.quote {
				f.quote = 0
			}
		case c == '#' && (j == 0 || l[j-1] == ' ' || l[j-1] == '\t'):
			return 0, false // a comment
		case (c == '"' || c == '\'') && (j == 0 || strings.IndexByte(" \t[{,:-", l[j-1]) >= 0):
			f.quote = c
		case c == '[' || c == '{':
			if f.depth++; f.depth > limit {
				return j, true
			}
		case (c == ']' || c == '}') && f.depth > 0:
			f.depth--
		}
	}
	return 0, false
}

// blockLevels updates the open block collections (indents, their columns)
// with line l, and reports the byte index of the entry that makes them
// more than limit.
func blockLevels(l string, indents *[]int, limit int) (int, bool) {
	text := strings.TrimLeft(l, " ")
	if text == "" || text[0] == '#' {
		return 0, false
	}
	col := len(l) - len(text)
	for len(*indents) > 0 && (*indents)[len(*indents)-1] > col {
		*indents = (*indents)[:len(*indents)-1]
	}
	push := func(c int) bool {
		if len(*indents) == 0 || c > (*indents)[len(*indents)-1] {
			*indents = append(*indents, c)
		}
		return len(*indents) > limit
	}
	for {
		if push(col) {
			return col, true
		}
		rest := l[col:]
		if !strings.HasPrefix(rest, "- ") {
			return 0, false
		}
		after := strings.TrimLeft(rest[1:], " ")
		if after == "" || after[0] == '#' || strings.IndexByte("[{\"'|>", after[0]) >= 0 {
			return 0, false
		}
		next := len(l) - len(after)
		if !strings.HasPrefix(after, "- ") && !strings.Contains(after, ": ") && !strings.HasSuffix(after, ":") {
			return 0, false // a scalar: no collection
		}
		col = next
	}
}
