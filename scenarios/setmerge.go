package scenarios

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A what-if (--set, a variant's set:) whose value is a mapping merges into
// what the scenario has there: each of its keys is set as if given as its
// own dotted what-if, recursively, so that set: {flink: {a.b: 1}} is
// flink.a.b: 1 and operators.parse: {cost: 5us} is operators.parse.cost: 5us.
// A list given for sources, operators or sinks changes the items it names
// (name: ...), each of its other keys set one by one; it adds none, as
// sinks.new.capacity adds none. Merging stops at a field that is one value
// (a unit, a distribution, a rate profile, inputs, a list of values): a
// value given there replaces the scenario's whole.

// whatIfSeen records the keys a variant (or the --set) sets, by their
// canonical name, to refuse one set twice.
type whatIfSeen map[string]seenWhatIf

type seenWhatIf struct {
	key   string     // the dotted key as the what-if spells it
	at    *yaml.Node // where (nil for --set)
	entry int        // which of the variant's entries (or which --set, from 1) set it
	flat  bool       // given as a flat dotted key, not inside a value
	value string     // the value, as the what-if writes it
	node  *yaml.Node // the value
	top   string     // the what-if's own key (canonical)
	// written is the what-if's own key as written (sinks[0].capacity, where
	// top has sinks.0.capacity)
	written string
	// origin is the flag it comes from (--set key=value, --seed), "" for
	// a variant's
	origin string
}

// setWhatIf applies the what-if key: value, entry the variant's entry it is
// (0 for --set); st says where it comes from.
func setWhatIf(d *decoder, root *yaml.Node, key string, value *yaml.Node, st setter, seen whatIfSeen, entry int) {
	written := key
	if !strings.HasPrefix(key, "flink.") {
		key = itemIndex.ReplaceAllString(key, ".$1") // sinks[1].capacity, as a problem names the item, is sinks.1.capacity
	}
	x := merger{d: d, root: root, origin: st.origin, seen: seen, entry: entry, top: key, written: written}
	x.merge(key, typeAt(key), value, st.at)
}

// itemIndex is a list item's index as problems write it: sinks[1].
var itemIndex = regexp.MustCompile(`\[(\d+)\]`)

// merger expands one what-if into the flat what-ifs it stands for.
type merger struct {
	d      *decoder
	root   *yaml.Node
	origin string
	seen   whatIfSeen
	entry  int
	top    string // the what-if's own key
	// written is the what-if's own key as written
	written string
}

var (
	scenarioType    = reflect.TypeOf(Scenario{})
	flinkConfigType = reflect.TypeOf(FlinkConfig{})
	scalarValueType = reflect.TypeOf((*scalarValue)(nil)).Elem()
	nodeValueType   = reflect.TypeOf((*nodeValue)(nil)).Elem()
)

// oneValueStructs are structs without a decoder of their own that are one
// value all the same: a key distribution is one of its forms, checked when
// resolved, and a form given replaces the other.
var oneValueStructs = map[reflect.Type]bool{reflect.TypeOf(KeyDistribution{}): true}

// merge sets value at key, t the type of the field there (nil: unknown,
// the decoder reports it), at the variant's node it comes from.
func (x *merger) merge(key string, t reflect.Type, value, at *yaml.Node) {
	n := x.d.resolve(value)
	switch {
	case n == nil:
	case x.changesNothing(key, t, n, at):
		return
	case t == flinkConfigType && n.Kind == yaml.MappingNode:
		// a nested Flink key joins with dots, as the flink: block reads it;
		// each is one flat what-if, replacing the option however it is spelled
		for _, kv := range x.d.pairs(n, key) {
			x.merge(key+"."+kv.key.Value, t, x.through(value, kv.val), x.throughAt(value, at, kv.key))
		}
		return
	case n.Kind == yaml.MappingNode && (mergesInto(t) || namedItems(t)):
		want := yaml.MappingNode // a struct's fields, or a list's items by name
		if namedItems(t) {
			want = yaml.SequenceNode
		}
		tree, ok := lookup(x.d, x.root, key)
		if !ok || tree != nil && tree.Kind != want || tree == nil && len(n.Content) == 0 {
			break // nothing to merge into: set it whole
		}
		for _, kv := range x.d.pairs(n, key) {
			x.merge(key+"."+kv.key.Value, typeBelow(t, kv.key.Value), x.through(value, kv.val), x.throughAt(value, at, kv.key))
		}
		return
	case n.Kind == yaml.SequenceNode && namedItems(t):
		if tree, ok := lookup(x.d, x.root, key); ok && (tree == nil || tree.Kind == yaml.SequenceNode) {
			x.items(key, t, n, tree, at)
			return
		}
	}
	if x.twice(key, n, at) {
		return
	}
	setPath(x.d, x.root, key, value, x.origin, at)
}

// blockOrList reports whether the field at key, of type t, is a block a
// what-if merges into (the flink: block, a struct) or a list of named
// items.
func blockOrList(key string, t reflect.Type) bool {
	if t == flinkConfigType {
		return key == "flink"
	}
	return mergesInto(t) || namedItems(t)
}

// changesNothing refuses a value that would merge into the scenario and
// set nothing, leaving it as it was without a word: an empty list of
// items (sinks: [], which cannot remove the scenario's), an empty mapping
// where there is something to merge into (flink: {}, sinks.db: {}).
func (x *merger) changesNothing(key string, t reflect.Type, n, at *yaml.Node) bool {
	if len(n.Content) > 0 {
		return false
	}
	switch {
	case n.Kind == yaml.ScalarNode && (strings.TrimSpace(n.Value) == "" || n.Tag == "!!null") && blockOrList(key, t):
		// flink=, sinks=~: nothing, where the scenario has a block or a list
		if tree, ok := lookup(x.d, x.root, key); !ok || tree == nil {
			return false // the decoder tells what it takes
		}
		x.problem(at, key, "is empty, which changes nothing: a what-if sets what it gives and removes nothing; give the fields or items to change")
	case n.Kind == yaml.SequenceNode && blockOrList(key, t) && !namedItems(t):
		// flink=[]: not what goes there, and nothing to set anyway
		if tree, ok := lookup(x.d, x.root, key); !ok || tree == nil {
			return false // the decoder tells what it takes
		}
		x.problem(at, key, "an empty list changes nothing (a mapping goes here): a what-if sets what it gives and removes nothing; give the fields to set")
	case n.Kind == yaml.SequenceNode && namedItems(t):
		x.problem(at, key, "an empty list changes nothing: a what-if changes the items it names, key by key, and cannot remove them; name an item and the fields to change")
	case n.Kind == yaml.MappingNode && t == flinkConfigType:
		x.problem(at, key, "an empty mapping changes nothing: a what-if sets the Flink keys it gives and removes none; give the keys to set")
	case n.Kind == yaml.MappingNode && (mergesInto(t) || namedItems(t)):
		if tree, ok := lookup(x.d, x.root, key); !ok || tree == nil {
			return false // set whole where the scenario has nothing
		}
		x.problem(at, key, "an empty mapping changes nothing: a what-if sets the fields it gives and removes none; give the fields to set")
	default:
		return false
	}
	return true
}

// items merges each item of list n into the item of list tree (nil: none)
// of the same name.
func (x *merger) items(key string, t reflect.Type, n, tree, at *yaml.Node) {
	var names []string
	if tree != nil {
		for _, it := range tree.Content {
			names = append(names, itemName(x.d, it))
		}
	}
	elem := typeBelow(t, "0")
	for i, it := range n.Content {
		p := fmt.Sprintf("%s[%d]", key, i)
		item := x.d.resolve(it)
		itemAt := x.inner(at, it)
		if item == nil || item.Kind != yaml.MappingNode {
			x.problem(itemAt, p, "must be a mapping that names the item it changes (name: ...)")
			continue
		}
		pairs := x.d.pairs(item, p)
		var name *yaml.Node
		for _, kv := range pairs {
			if kv.key.Value == "name" {
				name = x.d.resolve(kv.val)
			}
		}
		if name == nil || name.Kind != yaml.ScalarNode {
			x.problem(itemAt, p, "names no item: a list in a what-if changes the items it names (name: ...), key by key")
			continue
		}
		idx := slices.Index(names, name.Value) // a name used twice names the first
		if idx < 0 {
			x.problem(x.inner(at, name), key+"."+name.Value, unknownItem(names))
			continue
		}
		seg := name.Value
		if !simpleName.MatchString(seg) {
			seg = strconv.Itoa(idx)
		}
		if len(pairs) == 1 {
			x.problem(itemAt, key+"."+seg, "names the item and changes none of its fields: give the fields to change beside its name")
			continue
		}
		for _, kv := range pairs {
			if kv.key.Value != "name" {
				x.merge(key+"."+seg+"."+kv.key.Value, typeBelow(elem, kv.key.Value), kv.val, x.inner(at, kv.key))
			}
		}
	}
}

func unknownItem(names []string) string {
	have := "there are none"
	if len(names) > 0 {
		have = "items: " + strings.Join(names, ", ")
	}
	return "no list item has this name (" + have + "); a list in a what-if changes the items it names, key by key, and adds none"
}

// itemName is the name: of a list item ("" if it has none).
func itemName(d *decoder, it *yaml.Node) string {
	it = d.resolve(it)
	if it == nil || it.Kind != yaml.MappingNode {
		return ""
	}
	if v := mappingValue(d, it, "name"); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// inner is where a part of a variant's value is reported: at its own node
// when it is written in the variant's set: block, else (through an alias)
// at the variant's node. A --set (at nil) is reported at the flag.
func (x *merger) inner(at, n *yaml.Node) *yaml.Node {
	if at == nil || !x.d.variant.contains(n.Line, n.Column) {
		return at
	}
	return n
}

func (x *merger) problem(at *yaml.Node, path, msg string) {
	setter{d: x.d, origin: x.origin, at: at}.problem(path, msg)
}

// twice refuses a key the variant (or the --set) already sets, under this
// name or (a Flink option) another: which value won would be the order they
// are written in. Two flat entries of one name are the set: block's repeated
// key, which its decoding reports; two --set of one key (under any of its
// names) are the flags' to refuse (the CLI's setKeyTwice, which compares
// what comes before the =), and two --set that reach one key otherwise (one
// writes it inside a value, or both do: flink={a: 1} twice) are refused
// here, as those are.
func (x *merger) twice(key string, value, at *yaml.Node) bool {
	c, top := CanonicalKey(key), CanonicalKey(x.top)
	if !strings.HasPrefix(c, "flink.") {
		c = itemKey(x.d, x.root, c) // one item by name and by index
	}
	flat := key == x.top
	prev, ok := x.seen[c]
	if !ok && x.overlaps(c, key, value, at) {
		return true
	}
	again := ok && prev.entry != x.entry
	switch {
	case !ok, again && prev.flat && flat && prev.written == x.written, again && x.origin != "" && prev.top == top && prev.flat && flat:
		x.seen[c] = seenWhatIf{key: key, at: at, entry: x.entry, flat: flat, value: whatIfText(value), node: value, top: top, written: x.written, origin: x.origin}
		return false
	case again && x.origin != "" && prev.key == key:
		p := SetTwice(key, prev.value, whatIfText(value))
		p.Also = prev.given()
		x.d.probs = append(x.d.probs, p)
		return true
	case again && x.origin != "" && !strings.HasPrefix(c, "flink."):
		p := SetAsTheSameItem(key+"="+whatIfText(value), prev.key+"="+prev.value)
		p.Also = prev.given()
		x.d.probs = append(x.d.probs, p)
		return true
	case again && x.origin != "":
		p := SetUnderBothNames(key+"="+whatIfText(value), prev.key+"="+prev.value)
		p.Also = prev.given()
		x.d.probs = append(x.d.probs, p)
		return true
	}
	x.variantTwice(c, key, prev, flat, at)
	return true
}

// variantTwice tells of key (c canonical), which a variant's entry at sets
// (flat: as its own key), set by its entry prev too.
func (x *merger) variantTwice(c, key string, prev seenWhatIf, flat bool, at *yaml.Node) {
	where := lineOf(prev.at)
	switch {
	case prev.key != key && !strings.HasPrefix(c, "flink."):
		x.problem(at, key, fmt.Sprintf("is already set as %s%s, the same list item's field (an item is named by its name or its index); give it once",
			prev.key, where))
	case prev.key != key:
		x.problem(at, key, fmt.Sprintf("sets the Flink option %s, already set as %s%s, its other name; give it once",
			c[len("flink."):], prev.key, where))
	case prev.written != x.written && flat && prev.flat: // sinks.0.capacity and sinks[0].capacity
		x.problem(at, x.written, fmt.Sprintf("is already set as %s%s, the same list item's field (an index is written [i] or .i); give it once", prev.written, where))
	default:
		x.problem(at, key, "is set twice"+where+"; give it once")
	}
}

// overlaps refuses a field (c, the key canonical) another entry sets too,
// one of them inside the value the other writes whole (a distribution, a
// list of values): latency={exponential: 3s} and latency.exponential=1ms,
// in either order, one silently replacing the other.
func (x *merger) overlaps(c, key string, value, at *yaml.Node) bool {
	if strings.HasPrefix(c, "flink.") {
		return false // one key after flink.
	}
	prev, inside, ok := x.wholeOver(c)
	if !ok {
		return false
	}
	text := whatIfText(value)
	switch {
	case x.origin != "" && inside:
		x.d.probs = append(x.d.probs, Problem{File: "--set", Msg: fmt.Sprintf("%s=%s: set twice, also inside %s=%s, which sets it whole; give it once",
			key, text, prev.key, prev.value), Also: prev.given()})
	case x.origin != "":
		x.d.probs = append(x.d.probs, Problem{File: "--set", Msg: fmt.Sprintf("%s=%s: set twice, also inside it by %s=%s; give it once",
			key, text, prev.key, prev.value), Also: prev.given()})
	case inside:
		x.problem(at, key, fmt.Sprintf("is already set inside %s%s, which sets it whole; give it once", prev.key, lineOf(prev.at)))
	default:
		x.problem(at, key, fmt.Sprintf("sets whole what %s%s sets inside it; give it once", prev.key, lineOf(prev.at)))
	}
	return true
}

// wholeOver is a key another entry set (prev) whose value, written whole,
// holds the field at c (inside), or one set inside the field at c, which
// is now written whole (not inside).
func (x *merger) wholeOver(c string) (prev seenWhatIf, inside, ok bool) {
	segs := strings.Split(c, ".")
	for i := len(segs) - 1; i > 0; i-- {
		s, found := x.seen[strings.Join(segs[:i], ".")]
		if !found || s.entry == x.entry || s.node == nil {
			continue
		}
		if n, reached, _ := walk(x.d, s.node, strings.Join(segs[i:], ".")); reached && n != nil {
			return s, true, true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(x.seen)) {
		s := x.seen[k]
		if !strings.HasPrefix(k, c+".") || s.entry == x.entry {
			continue
		}
		if n, reached := lookup(x.d, x.root, k); reached && n != nil { // set, not refused (a single value has no field)
			return s, false, true
		}
	}
	return seenWhatIf{}, false, false
}

// lineOf is " (line N)" for a node of the file, "" for none.
func lineOf(n *yaml.Node) string {
	if n == nil || n.Line == 0 {
		return ""
	}
	return fmt.Sprintf(" (line %d)", n.Line)
}

// given is the --set that set it, as given (key=value, the key inside
// the value it writes), or the key and value it set.
func (w seenWhatIf) given() string {
	if g, ok := strings.CutPrefix(w.origin, "--set "); ok {
		return g
	}
	return w.key + "=" + w.value
}

// SetTwice is the problem of two --set given for one key, key=was first,
// then key=now. The CLI's flag check and the loader (for a key one of them
// writes inside a value) both report it so.
func SetTwice(key, was, now string) Problem {
	return Problem{File: "--set", Msg: fmt.Sprintf("%s: set twice (%s, then %s); give it once", key, was, now)}
}

// IsCollection reports whether a --set value is a YAML mapping or list
// (flink={a: 1}, sinks=[...]), which merges key by key, item by item.
func IsCollection(value string) bool {
	var n yaml.Node
	if yaml.Unmarshal([]byte(value), &n) != nil || len(n.Content) == 0 {
		return false
	}
	k := n.Content[0].Kind
	return k == yaml.MappingNode || k == yaml.SequenceNode
}

// SetAsTheSameItem is the problem of two --set given for one list item's
// field, the item named by its name in one and by its index in the other
// (or written sinks[0] and sinks.0): set after prev (each key=value).
func SetAsTheSameItem(set, prev string) Problem {
	return Problem{File: "--set", Msg: fmt.Sprintf("%s: set twice, also as %s, the same list item's field (an item is named by its name or its index); give it once", set, prev)}
}

// SetUnderBothNames is the problem of two --set given for one Flink option
// under its two names: set after prev (each key=value).
func SetUnderBothNames(set, prev string) Problem {
	return Problem{File: "--set", Msg: fmt.Sprintf("%s: set twice, also as %s, the same Flink option's other name; give it once", set, prev)}
}

// whatIfText is a what-if's value as one line: a scalar as written, a
// mapping or list in flow style.
func whatIfText(n *yaml.Node) string {
	switch {
	case n == nil:
		return ""
	case n.Kind == yaml.ScalarNode:
		return n.Value
	}
	c := *n
	c.Style |= yaml.FlowStyle
	b, err := yaml.Marshal(&c)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// lookup finds the node at a dotted path in the tree without changing it:
// nil with ok when a mapping on the way lacks a key (setting the path adds
// it), not ok when the path cannot be set (a list item that does not
// exist, a single value on the way): setting it reports why.
func lookup(d *decoder, root *yaml.Node, key string) (n *yaml.Node, ok bool) {
	n, ok, _ = walk(d, root, key)
	return n, ok
}

// itemKey is key with each list item on its way named by its index, so
// that sinks.jdbc.capacity and sinks.0.capacity, one item's one field, are
// one key to twice; from a segment that reaches nothing on, as written.
func itemKey(d *decoder, root *yaml.Node, key string) string {
	_, _, canon := walk(d, root, key)
	return canon
}

// FieldKey is a --set or --grid key as the field of the scenario in data
// it names, once the what-ifs sets (--set key=value, as Load takes them)
// are applied: a Flink option by its current name (CanonicalKey), each
// list item on the way by its index, however it is named
// (sinks.jdbc.capacity and sinks[0].capacity are sinks.0.capacity when
// sinks[0] is jdbc), so that two spellings of one field compare equal. A
// --set that renames an item (sinks.0.name=z) renames it here too, as the
// key is applied after it. From a segment that reaches nothing on, the key
// is as written.
func FieldKey(file string, data []byte, sets []string, key string) string {
	c := CanonicalKey(key)
	if strings.HasPrefix(c, "flink.") {
		return c
	}
	d := newDecoder(file)
	root := parseYAML(d, data)
	c = itemIndex.ReplaceAllString(c, ".$1")
	if root == nil {
		return c
	}
	seen := whatIfSeen{} // their problems are the load's to tell
	for i, s := range sets {
		applySet(d, root, i+1, s, seen)
	}
	return itemKey(d, root, c)
}

// walk is lookup, and the path with each list item named by its index.
func walk(d *decoder, root *yaml.Node, key string) (n *yaml.Node, ok bool, canon string) {
	n = root
	segs := strings.Split(key, ".")
	for i, seg := range segs {
		switch {
		case n == nil:
			return nil, true, strings.Join(segs, ".")
		case n.Kind == yaml.MappingNode:
			var next *yaml.Node
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == seg {
					next = n.Content[j+1]
				}
			}
			n = d.resolve(next)
		case n.Kind == yaml.SequenceNode:
			idx := slices.Index(d.itemPaths("", n.Content), seg) // a name used twice names the first
			if v, err := strconv.Atoi(seg); err == nil && v >= 0 && v < len(n.Content) {
				switch {
				case idx < 0:
					idx = v
				case idx != v:
					idx = -1 // one item's index, another's name: setting it says so (setter.item)
				}
			}
			if idx < 0 {
				return nil, false, strings.Join(segs, ".")
			}
			segs[i] = strconv.Itoa(idx)
			n = d.resolve(n.Content[idx])
		default:
			return nil, false, strings.Join(segs, ".")
		}
	}
	return n, true, strings.Join(segs, ".")
}

// typeAt is the type of the field a dotted what-if key sets (nil: no such
// field); everything under flink. is the flink: block's.
func typeAt(key string) reflect.Type {
	if key == "flink" || strings.HasPrefix(key, "flink.") {
		return flinkConfigType
	}
	return typeBelow(scenarioType, key)
}

// typeBelow is the type at the dotted path below a field of type t: a
// struct's fields by their YAML names, a list's items by name or index.
func typeBelow(t reflect.Type, path string) reflect.Type {
	for _, seg := range strings.Split(path, ".") {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == nil:
			return nil
		case t == flinkConfigType:
			return t
		case t.Kind() == reflect.Struct:
			i, ok := fieldsOf(t).index[seg]
			if !ok {
				return nil
			}
			t = t.Field(i).Type
		case t.Kind() == reflect.Slice:
			t = t.Elem()
		default:
			return nil
		}
	}
	return t
}

// oneValue reports a type written as one value, however many parts it
// has: it decodes itself (units, distributions, rate profiles, inputs), or
// is one of its forms.
func oneValue(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(scalarValueType) || p.Implements(nodeValueType) || oneValueStructs[t]
}

// mergesInto reports a struct whose fields a mapping sets one by one.
func mergesInto(t reflect.Type) bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t != nil && t.Kind() == reflect.Struct && !oneValue(t)
}

// namedItems reports a list whose items have a name: (sources, operators,
// sinks): a list given there changes the items it names.
func namedItems(t reflect.Type) bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Slice || oneValue(t) {
		return false
	}
	e := t.Elem()
	for e.Kind() == reflect.Pointer {
		e = e.Elem()
	}
	if e.Kind() != reflect.Struct || oneValue(e) {
		return false
	}
	_, ok := fieldsOf(e).index["name"]
	return ok
}
