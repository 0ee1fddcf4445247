package scenarios

import "go.yaml.in/yaml/v3"

// YAML aliases (*name): a copy of the anchor's value (&name), placed where
// the alias is written.

// resolve follows aliases and unwraps documents.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	return n
}

// aliasOver is the outermost alias path is written under (path itself, or
// a parent), or nil: where that copy of the anchor's value is.
func (d *decoder) aliasOver(path string) *yaml.Node {
	if p, ok := d.aliasPathOver(path); ok {
		return d.aliases[p]
	}
	return nil
}

// aliasPathOver is the path of the outermost alias path is written under
// (path itself, or a parent); ok false if none.
func (d *decoder) aliasPathOver(path string) (string, bool) {
	if len(d.aliases) == 0 {
		return "", false
	}
	for i := 0; i <= len(path); i++ {
		if i == len(path) || path[i] == '.' || path[i] == '[' {
			if _, ok := d.aliases[path[:i]]; ok {
				return path[:i], true
			}
		}
	}
	return "", false
}
