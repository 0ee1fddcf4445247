package scenarios

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
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
	case strings.IndexFunc(name, breaksLine) >= 0:
		c, _ := utf8.DecodeRuneInString(name[strings.IndexFunc(name, breaksLine):])
		r.d.at("name", "%q holds a control character or a line break (%U); the name is printed on one line and titles the pages: use letters, digits, spaces and punctuation", name, c)
	}
}

// breaksLine: a control character, or Unicode's line and paragraph
// separators (U+2028, U+2029), which are no control characters but end a
// line where they are shown.
func breaksLine(c rune) bool { return unicode.IsControl(c) || c == '\u2028' || c == '\u2029' }

// itemPath names a list item by its name field when it has a simple one, so
// paths read like the --set keys that address them.
func itemPath(path string, i int, item *yaml.Node) string {
	if item != nil && item.Kind == yaml.MappingNode {
		for k := 0; k+1 < len(item.Content); k += 2 {
			if v := item.Content[k+1]; (item.Content[k].Value == "name" || item.Content[k].Value == "key" && !allDigits(v.Value)) &&
				v.Kind == yaml.ScalarNode && v.Tag != "!!null" && simpleName.MatchString(v.Value) {
				return join(path, v.Value)
			}
		}
	}
	return fmt.Sprintf("%s[%d]", path, i)
}

// allDigits: a numeric key would read as a list index.
func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// itemPaths are the paths of a list's items (itemPath): by name, but by
// place (sources[1]) for an item whose name an earlier item of the list
// has, so that each item's problems are at its own line and quote its own
// values, never the namesake's (the resolver reports the name used twice).
// The decoder records them for the resolver (listItem).
func (d *decoder) itemPaths(path string, items []*yaml.Node) []string {
	paths := make([]string, len(items))
	taken := map[string]bool{}
	for i, item := range items {
		p := itemPath(path, i, d.resolve(item))
		if taken[p] {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		taken[p] = true
		paths[i] = p
	}
	return paths
}

// listItem is the path of item i of the list at path, as itemPaths named
// it when it decoded the list (every list the resolver reads was).
func (d *decoder) listItem(path string, i int) string {
	if paths := d.items[path]; i < len(paths) {
		return paths[i]
	}
	return fmt.Sprintf("%s[%d]", path, i)
}

// where is where the node of a path is, for a problem that names a second
// place (a name used twice): "line 3", or the --set that gave it.
func (d *decoder) where(path string) string {
	n := d.nodes[path]
	if n == nil {
		return path
	}
	if o, ok := d.origin[n]; ok {
		return o
	}
	return fmt.Sprintf("line %d", n.Line)
}
