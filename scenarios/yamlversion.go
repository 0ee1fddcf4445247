package scenarios

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// The %YAML directive. The parser (yaml.v3) takes %YAML 1.1 only, and
// reads every document the same way whatever its directive says: its
// scalar rules are its own (close to YAML 1.2's core schema), and the
// loader's strict rules apply on top (true/false only, numbers as the
// format reads them). So %YAML 1.2, the current spec, and 1.0 are read as
// 1.1 is, which is as a file without the directive is; a version the
// parser does not know (1.3, 2.0) is refused in words that say which it
// reads.

// versionDirective is a %YAML directive's line: the version's major and
// minor numbers.
var versionDirective = regexp.MustCompile(`^%YAML[ \t]+(\d+)\.(\d+)(?:[ \t]|$)`)

// acceptYAMLVersion returns data with a %YAML 1.0 or 1.2 directive before
// the first document read as 1.1 (the one byte of its minor number
// replaced, so that every position stays where it is); other data as it is.
func acceptYAMLVersion(data []byte) []byte {
	start := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		start = 3 // a byte order mark
	}
	for start < len(data) {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		line := bytes.TrimRight(data[start:end], "\r")
		switch t := bytes.TrimLeft(line, " \t"); {
		case len(t) == 0 || t[0] == '#':
		case line[0] != '%':
			return data // the directives end where the document starts
		default:
			if m := versionDirective.FindSubmatchIndex(line); m != nil {
				if v := string(line[m[2]:m[5]]); v == "1.0" || v == "1.2" {
					data = bytes.Clone(data)
					data[start+m[4]] = '1'
				}
			}
		}
		start = end + 1
	}
	return data
}

// yamlVersion: a %YAML directive asking for a version the parser does not
// read, at its line.
func yamlVersion(t yamlText, _ string, _ int) (Problem, bool) {
	for i, l := range t.lines {
		m := versionDirective.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		if major == 1 && minor <= 2 {
			continue // read: another line asks for what is not
		}
		v := fmt.Sprintf("%s.%s", m[1], m[2])
		return t.at(i+1, 1, "%%YAML %s asks for a YAML version flinksim does not read; it reads 1.2, the current one, and 1.1 and 1.0 alike: remove the directive or write %%YAML 1.2", v), true
	}
	return Problem{}, false
}
