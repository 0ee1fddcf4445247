package scenarios

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// variantSpan places the problems of a variant's overrides: one found at a
// node inside the variant's set: block (its line and column within the
// block's first and last node) gets the variant's path before its own, as
// "variants.fast.set.sinks.out.capacity", so that its path names where in
// the file it is, as every other problem's does. Problems at the base's
// nodes keep their paths.
type variantSpan struct {
	prefix              string // "variants.<name>.set.", "" for no variant
	fromLine, fromCol   int
	untilLine, untilCol int
	alias               *yaml.Node // set: *name, or nil
}

// newVariantSpan spans the set: mapping of a variant, prefix its path.
func newVariantSpan(set *yaml.Node, prefix string) variantSpan {
	s := variantSpan{prefix: prefix, fromLine: set.Line, fromCol: set.Column, untilLine: set.Line, untilCol: set.Column}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Line > s.untilLine || n.Line == s.untilLine && n.Column > s.untilCol {
			s.untilLine, s.untilCol = n.Line, n.Column
		}
		if n.Kind == yaml.AliasNode {
			return // the anchor's nodes are elsewhere in the file
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(set)
	return s
}

// place is where a problem at line:col is reported: at the alias when the
// set: block is one and line:col is in its anchor's mapping.
func (s variantSpan) place(line, col int) (int, int) {
	if s.alias != nil && s.contains(line, col) {
		return s.alias.Line, s.alias.Column
	}
	return line, col
}

// path is the path of a problem at line:col with path p.
func (s variantSpan) path(line, col int, p string) string {
	if s.prefix == "" || p == "" || strings.HasPrefix(p, "variants.") {
		return p
	}
	if s.contains(line, col) {
		return s.prefix + p
	}
	return p
}

// contains reports whether line:col is inside the set: block.
func (s variantSpan) contains(line, col int) bool {
	after := line > s.fromLine || line == s.fromLine && col >= s.fromCol
	before := line < s.untilLine || line == s.untilLine && col <= s.untilCol
	return s.prefix != "" && after && before
}

// through is v, a part of the value w written for a key of the variant's
// set: block, as the merge puts it in the scenario: when w is an alias
// written in the block (sinks.jdbc: *sk), or stands for one, an alias of
// v placed where w is, so that v's problems are told at the alias, as
// every other alias's are, and not at the anchor elsewhere in the file.
func (x *merger) through(w, v *yaml.Node) *yaml.Node {
	if !x.aliasIn(w) {
		return v
	}
	return aliasAt(v, w)
}

// throughAt is where a problem the merge finds with the part of w at key
// k is told: at w when w is an alias written in the set: block, as the
// part's value is (through), else at k (merger.inner).
func (x *merger) throughAt(w, at, k *yaml.Node) *yaml.Node {
	if x.aliasIn(w) {
		return w
	}
	return x.inner(at, k)
}

// aliasIn reports whether w is an alias written in the variant's set:
// block.
func (x *merger) aliasIn(w *yaml.Node) bool {
	return w != nil && w.Kind == yaml.AliasNode && x.origin == "" && x.d.variant.contains(w.Line, w.Column)
}

// aliasAt is an alias of v written where at is.
func aliasAt(v, at *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.AliasNode, Alias: v, Line: at.Line, Column: at.Column}
}

// whatIfEntry is one key of a variant's set: block and its value: as
// written, or merged in by a merge key (<<: *name), its value then an
// alias at the merge key's alias (at, where its problems are told).
type whatIfEntry struct{ key, val, at *yaml.Node }

// variantEntries are the keys of a variant's set: block, a merge key's
// (<<: *name, or a list of them) merged in as YAML merges them: a key
// written in the block wins over a merged one, and an earlier source over
// a later.
func variantEntries(d *decoder, set *yaml.Node, path string) []whatIfEntry {
	var out, merged []whatIfEntry
	written := map[string]bool{}
	for k := 0; k+1 < len(set.Content); k += 2 {
		key, val := set.Content[k], set.Content[k+1]
		if key.Tag != "!!merge" && key.Value != "<<" {
			written[key.Value] = true
			out = append(out, whatIfEntry{key, val, key})
			continue
		}
		for _, m := range d.mergeSources(val, path) {
			at := key
			if a := mergeAlias(val, m); a != nil {
				at = a
			}
			r := d.resolve(m)
			for j := 0; j+1 < len(r.Content); j += 2 {
				v := r.Content[j+1]
				if at != key {
					v = aliasAt(v, at)
				}
				merged = append(merged, whatIfEntry{r.Content[j], v, at})
			}
		}
	}
	for _, e := range merged {
		if !written[e.key.Value] {
			written[e.key.Value] = true
			out = append(out, e)
		}
	}
	return out
}
