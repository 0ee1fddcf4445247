package scenarios

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds every name in a scenario. A variant's name is a path
// component, its run's directory (DIR/<name>/), and a file name component
// is at most 255 bytes on Linux (NAME_MAX) and macOS: a longer one fails
// with "file name too long" only after the runs are done. The scenario's
// and the nodes' names are not in any path, but they are printed (the
// summary's first line, the tables), title the pages and the dashboard,
// and are written on every sample of metrics.om.txt (job_name,
// operator_name) and every row of metrics.csv (operator), so they take the
// same bound: one rule for every name, and nothing that grows those files
// by the name's length on every line.
const maxNameBytes = 255

// simpleName is a name that addresses its item in a path, as --set does
// (sources.clicks.rate), and can name a directory: ASCII letters, digits, _
// and -, at most maxNameBytes. A name that is not one is addressed by its
// place in the list (sources[0]).
var simpleName = regexp.MustCompile(`^[A-Za-z0-9_\-]{1,255}$`)

// tooLong says what is wrong with a name over maxNameBytes, without
// repeating it: its length, its start, and what it is used for.
func tooLong(name, usedFor string) string {
	start := name
	for i := range name {
		if i >= 20 {
			start = name[:i] + "…"
			break
		}
	}
	return fmt.Sprintf("%q is %d bytes long; a name takes at most %d (%s)", start, len(name), maxNameBytes, usedFor)
}

// scenarioName checks the scenario's name: given, at most maxNameBytes, and
// on one line. It is no path (any character but a control one is
// harmless there: a / in it names no directory), but it is printed as the
// first line of the summary and titles the pages and the dashboard's SVG,
// where a newline would break the line and an escape sequence drive the
// terminal, and XML refuses most control characters.
func (r *resolver) scenarioName() {
	name := r.sc.Name
	switch {
	case strings.TrimSpace(name) == "":
		r.d.at("name", "is required (a short name for the scenario)")
	case len(name) > maxNameBytes:
		r.d.at("name", "%s", tooLong(name, "it is printed and titles the pages, and every metric sample of metrics.om.txt carries it as job_name"))
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		c, _ := utf8.DecodeRuneInString(name[strings.IndexFunc(name, unicode.IsControl):])
		r.d.at("name", "%q holds a control character (%U); the name is printed on one line and titles the pages: use letters, digits, spaces and punctuation", name, c)
	}
}
