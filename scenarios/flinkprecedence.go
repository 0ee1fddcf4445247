package scenarios

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Which value of the flink: block counts when several entries set one option,
// as Flink decides it, and how a what-if (--set, a variant, a sweep or plan
// point) replaces what the file says.

// canonicalFlinkKey is the option an entry sets: a modelled option's name for
// its own key or any of its older names, else the key as written.
func canonicalFlinkKey(k string) string {
	if o, ok := optionByKey[k]; ok {
		return o.Key
	}
	return k
}

// flinkRead picks, for every option the block sets more than once, the entry
// Flink reads and marks the others lost (lost[i] is the entry that wins over
// entry i, or -1). Configuration.getOptional looks up an option's own key
// first, then its deprecated keys (ConfigOption.fallbackKeys) in the order
// they were declared; among entries under one name the later one counts, as
// GlobalConfiguration's loading overwrites a key it reads again (flat and
// nested spellings of one key flatten to the same name).
func flinkRead(entries []FlinkEntry) (lost []int) {
	lost = make([]int, len(entries))
	winner := map[string]int{} // canonical key → the entry read so far
	for i, e := range entries {
		lost[i] = -1
		c := canonicalFlinkKey(e.Key)
		w, seen := winner[c]
		if !seen {
			winner[c] = i
			continue
		}
		if flinkKeyRank(c, e.Key) <= flinkKeyRank(c, entries[w].Key) {
			lost[w], winner[c] = i, i
		} else {
			lost[i] = w
		}
	}
	// An entry that lost to one that later lost too names the final winner.
	for i := range lost {
		for lost[i] >= 0 && lost[lost[i]] >= 0 {
			lost[i] = lost[lost[i]]
		}
	}
	return lost
}

// flinkKeyRank orders the names of one option as Flink looks them up: its
// own key (0), then each deprecated key in declaration order.
func flinkKeyRank(canonical, key string) int {
	if key == canonical {
		return 0
	}
	if o, ok := optionByKey[canonical]; ok {
		for i, d := range o.Deprecated {
			if d == key {
				return i + 1
			}
		}
	}
	return 0
}

// keyNode is where a warning about entry e's name points: the key as the
// file writes it (line:col of the key, not of its value), or the value
// where no key was written (a what-if, whose flag names it).
func (d *decoder) keyNode(e FlinkEntry) *yaml.Node {
	if _, whatIf := d.origin[e.Node]; whatIf || e.Node == nil {
		return e.Node
	}
	if k := e.KeyNode; k != nil && k.Line > 0 {
		if _, whatIf := d.origin[k]; !whatIf {
			return k
		}
	}
	return e.Node
}

// warnFlinkLost tells that entry e is not read, and which entry is. A key
// the file writes twice in the flink: block is refused for Flink 2.0 on:
// it reads only config.yaml, as standard YAML (YamlParserUtils does not
// allow duplicate keys), where older releases read flink-conf.yaml line
// by line and keep the later value (GlobalConfiguration).
func warnFlinkLost(d *decoder, e, won FlinkEntry, release flinkRelease) {
	where := "below"
	_, whatIf := d.origin[won.Node]
	if won.Node != nil && won.Node.Line > 0 {
		if o, ok := d.origin[won.Node]; ok {
			where = "by " + o
		} else {
			where = fmt.Sprintf("at line %d", won.Node.Line)
		}
	}
	if won.Key == e.Key && !whatIf && !e.Nested && !won.Nested && !release.before("2.0") {
		d.fail(d.keyNode(e), e.Path, "set again %s: Flink %s reads config.yaml as standard YAML, which refuses a key written twice; write it once", where, release)
		return
	}
	if won.Key == e.Key {
		d.warn(d.keyNode(e), e.Path, "ignored: set again %s, and Flink keeps the later value", where)
		return
	}
	d.warn(d.keyNode(e), e.Path, "ignored: %s is set too (%s), and Flink reads it first", won.Key, where)
}

// dropReplacedFlink removes from the flink: block every entry, flat or
// nested, that sets an option a what-if set (under any of its names), but
// the entry the last of them appended, so that a what-if replaces what the
// file says however the file spells it: one walk, after all what-ifs are
// set (a walk per what-if would grow with the square of the block). Nested
// mappings reached through an alias are left alone: they may be shared.
func dropReplacedFlink(d *decoder, root *yaml.Node) {
	if len(d.whatIfKey) == 0 || root.Kind != yaml.MappingNode {
		return
	}
	block := mappingValue(d, root, "flink")
	if block == nil || block.Kind != yaml.MappingNode {
		return
	}
	var walk func(m *yaml.Node, prefix string)
	walk = func(m *yaml.Node, prefix string) {
		kept := m.Content[:0]
		for j := 0; j+1 < len(m.Content); j += 2 {
			k, v := m.Content[j], m.Content[j+1]
			full := k.Value
			if prefix != "" {
				full = prefix + "." + full
			}
			if v.Kind == yaml.MappingNode {
				had := len(v.Content)
				if walk(v, full); had > 0 && len(v.Content) == 0 {
					continue // emptied: it set only replaced options
				}
			} else if last, ok := d.whatIfKey[canonicalFlinkKey(full)]; ok && k != last {
				continue
			}
			kept = append(kept, k, v)
		}
		m.Content = kept
	}
	walk(block, "")
}
