package scenarios

import "go.yaml.in/yaml/v3"

// YAML merge keys (<<): a mapping's entries with its merge key's
// mappings merged in.

// pair is one key and value of a mapping.
type pair struct{ key, val *yaml.Node }

// pairs lists a mapping's entries, applying YAML merge keys (<<) and
// reporting duplicate keys.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	var out []pair
	seen := map[string]int{}
	var merged []pair
	var mergedAt []*yaml.Node // the alias each merged pair came through (nil: none)
	var mergeKey *yaml.Node   // the mapping's merge key, once seen
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !d.spend(k, path) {
			return nil
		}
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "keys must be plain names")
			continue
		}
		if d.refuseTag(k, join(path, k.Value)) {
			continue
		}
		if k.Tag == "!!merge" || k.Value == "<<" {
			if d.secondMerge(k, mergeKey, path) {
				continue
			}
			mergeKey = k
			for _, m := range d.mergeSources(v, path) {
				at := mergeAlias(v, m)
				m = d.resolve(m)
				for j := 0; j+1 < len(m.Content); j += 2 {
					if !d.spend(m.Content[j], path) {
						return nil
					}
					merged = append(merged, pair{m.Content[j], m.Content[j+1]})
					mergedAt = append(mergedAt, at)
				}
			}
			continue
		}
		if first, dup := seen[k.Value]; dup && !d.repeatsOK {
			d.fail(k, join(path, k.Value), "is set twice (first on line %d)", out[first].key.Line)
			continue
		}
		seen[k.Value] = len(out)
		out = append(out, pair{k, v})
	}
	for i, m := range merged {
		if _, explicit := seen[m.key.Value]; !explicit {
			seen[m.key.Value] = len(out)
			out = append(out, m)
			if mergedAt[i] != nil {
				d.aliases[join(path, m.key.Value)] = mergedAt[i] // told where <<: *name is
			}
		}
	}
	return out
}

// secondMerge reports a merge key k after the mapping's first (nil: k is
// the first): YAML takes one per mapping, and which of two would win where
// both set a key is nowhere said (the later's value was silently lost).
func (d *decoder) secondMerge(k, first *yaml.Node, path string) bool {
	if first == nil {
		return false
	}
	d.fail(k, join(path, "<<"), "is set twice (first on line %d); a mapping takes one merge key: merge several mappings with one, <<: [*a, *b] (the earlier wins where they share a key)", first.Line)
	return true
}

func (d *decoder) mergeSources(v *yaml.Node, path string) []*yaml.Node {
	v = d.resolve(v)
	switch {
	case v.Kind == yaml.MappingNode:
		return []*yaml.Node{v}
	case v.Kind == yaml.SequenceNode:
		var out []*yaml.Node
		for _, m := range v.Content {
			if r := d.resolve(m); r != nil && r.Kind == yaml.MappingNode {
				out = append(out, m) // as written: an alias is where its fields are told
			} else {
				d.fail(m, path, "a merge key (<<) takes mappings")
			}
		}
		return out
	}
	d.fail(v, path, "a merge key (<<) takes a mapping or a list of mappings")
	return nil
}

// mergeAlias is the alias a merge key's source m came through, the value
// v of <<: (*name) or an item of its list ([*a, *b]), or nil.
func mergeAlias(v, m *yaml.Node) *yaml.Node {
	switch {
	case m.Kind == yaml.AliasNode:
		return m
	case v.Kind == yaml.AliasNode:
		return v
	}
	return nil
}
