package scenarios

import (
	"regexp"

	"go.yaml.in/yaml/v3"
)

// refuseTag refuses a value or key written with a YAML tag (!!binary,
// !!str, !custom): true if it is one (reported), which is then not read.
// A tag would either change nothing (!!str on a text field) or ask for
// what the format does not do (decode base64, build a custom type), and
// one kept silently would be read as if it were not there.
func (d *decoder) refuseTag(n *yaml.Node, path string) bool {
	if n.Style&yaml.TaggedStyle == 0 {
		return false
	}
	d.fail(n, path, "the YAML tag %s is not supported (no tag is, standard or not): remove it; each field reads its value by its own rules, and quotes keep a value as text", n.Tag)
	d.untagged = append(d.untagged, path)
	return true
}

// nodeListItem matches the path of a list of nodes an input can name, or
// of one of its items.
var nodeListItem = regexp.MustCompile(`^(sources|operators)(\[\d+\]|\.[^.\[]+)?$`)

// nodeUnread reports whether a source or operator, or their whole list,
// was not read for its tag: an input naming it is not told that no node
// has its name (the tag is the one problem).
func (d *decoder) nodeUnread() bool {
	for _, p := range d.untagged {
		if nodeListItem.MatchString(p) {
			return true
		}
	}
	return false
}
