package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/flinksim/flinksim/models"
)

// MaxFileSize is the largest scenario file accepted: a scenario is a short
// text file (the built-in ones are a few kB).
const MaxFileSize = 4 << 20

// Read reads a scenario from r, whatever r is (a file, a device such as
// /dev/zero, a pipe, standard input): at most MaxFileSize bytes and one more,
// so that Load refuses a larger input without it ever being held in memory.
func Read(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, MaxFileSize+1))
}

// ReadFile reads the scenario file at path as Read does.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f)
}

// Loaded is a scenario that was read, checked and resolved.
type Loaded struct {
	// Scenario is the scenario with every default filled in; Resolved()
	// writes it as YAML that loads again to the same run.
	Scenario Scenario
	// NotModelled lists the Flink keys of the flink: block that flinksim does
	// not model and that would change the result in Flink (they are ignored:
	// say so). InertFlinkKeys lists those that cannot change a simulation
	// (addresses, ports, security, web, directories): ignored quietly.
	NotModelled    []string
	InertFlinkKeys []string
	// Warnings are accepted input worth a look: an entry of the flink: block
	// that Flink does not read because another sets the same option.
	Warnings Problems
	// Spec is the run the scenario describes.
	Spec models.Spec
	// Variants are the scenario's named variants (empty for a variant itself).
	Variants []Variant
	// Variant is the name of the variant loaded ("" for the base scenario).
	Variant string
	// VariantWarnings are the warnings of each variant LoadRuns loaded with
	// the base (the runs it makes), in the file's order: see RunsWarnings.
	VariantWarnings []RunWarnings
}

// BaseName is the name under which the base scenario runs beside variants.
const BaseName = "base"

// Load reads a scenario from data (file names it in messages), applies the
// --set overrides ("dotted.path=value"), fills in defaults and checks
// everything, every variant included. On failure the error is Problems,
// listing every problem found.
func Load(file string, data []byte, sets []string) (*Loaded, error) {
	return LoadRuns(file, data, sets, nil)
}

// LoadVariant loads the scenario with variant name's overrides applied
// (BaseName loads the base).
func LoadVariant(file string, data []byte, sets []string, name string) (*Loaded, error) {
	if name == BaseName {
		name = ""
	}
	return load(file, data, sets, name)
}

func load(file string, data []byte, sets []string, variant string) (*Loaded, error) {
	return loadRef(file, data, sets, variantRef{name: variant, at: -1})
}

// loadRef loads the base or variant v with the overrides.
func loadRef(file string, data []byte, sets []string, v variantRef) (*Loaded, error) {
	variant := v.name
	d := newDecoder(file)
	root := parseYAML(d, data)
	if root == nil {
		return nil, d.problems()
	}
	d.nodes[""] = root
	var own whatIfSeen // the variant's own keys
	if variant != "" || v.at >= 0 {
		var ok bool
		if own, ok = applyVariant(d, root, v); !ok {
			return nil, d.problems()
		}
	}
	seen := whatIfSeen{} // across the --set: one key in two is refused, nested or flat
	for i, s := range sets {
		applySet(d, root, i+1, s, seen)
	}
	warnSetOverVariant(d, own, seen, variant)
	dropReplacedFlink(d, root)
	var sc Scenario
	d.value(root, reflect.ValueOf(&sc).Elem(), "")
	// A document too large to visit is not checked further. Otherwise what
	// it lacks (sources, sinks) is reported with what failed to decode (an
	// unknown field, a key set twice), all at once.
	if d.budget < 0 {
		d.unreportedOverflows()
		return nil, withWarnings(d.problems(), d.warnings.sort(), nil)
	}
	r := resolver{d: d, sc: &sc}
	r.resolve()
	r.variants()
	r.sweep()
	if d.unreportedOverflows(); len(d.probs) > 0 {
		return nil, withWarnings(d.problems(), d.warnings.sort(), r.notModelled).ofVariant(variant)
	}
	spec := r.spec()
	if r.checkNetworkBuffers(spec); len(d.probs) > 0 {
		return nil, withWarnings(d.problems(), d.warnings.sort(), r.notModelled).ofVariant(variant)
	}
	l := &Loaded{Scenario: sc, NotModelled: r.notModelled, InertFlinkKeys: r.inert, Warnings: d.warnings.sort(),
		Spec: spec, Variants: sc.Variants, Variant: variant}
	l.Scenario.Variants = nil // written to resolved.yaml without them: one run per file
	if variant != "" {
		l.Spec.Name += "/" + variant
		l.Variants = nil
	}
	return l, nil
}

// applyVariant applies a variant's overrides to the tree and removes the
// variants list, so the result is a plain scenario.
func applyVariant(d *decoder, root *yaml.Node, v variantRef) (whatIfSeen, bool) {
	name := v.name
	var list *yaml.Node
	keep := root.Content[:0:0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "variants" {
			list = d.resolve(root.Content[i+1])
			continue
		}
		keep = append(keep, root.Content[i], root.Content[i+1])
	}
	root.Content = keep
	if list == nil || list.Kind != yaml.SequenceNode {
		msg := fmt.Sprintf("%s has no variants; %q is not one of them", d.file, name)
		if s, near := Closest(name, []string{BaseName}); near {
			msg += fmt.Sprintf("; did you mean %q, the scenario as written?", s)
		}
		d.probs = append(d.probs, Problem{File: "--variant", Msg: msg}) // the name comes from --variant
		return nil, false
	}
	var names []string
	for j, item := range list.Content {
		item = d.resolve(item)
		if item == nil || item.Kind != yaml.MappingNode {
			continue
		}
		var vname string
		var set, written *yaml.Node
		for k := 0; k+1 < len(item.Content); k += 2 {
			switch item.Content[k].Value {
			case "name":
				vname = item.Content[k+1].Value
			case "set":
				written, set = item.Content[k+1], d.resolve(item.Content[k+1])
			}
		}
		names = append(names, vname)
		if j != v.at && (v.at >= 0 || vname != name) {
			continue
		}
		if set == nil || set.Kind != yaml.MappingNode {
			return nil, true // nothing to apply: the decoder reports what is wrong with it
		}
		prefix := "variants." + vname + ".set."
		if v.at >= 0 {
			prefix = fmt.Sprintf("variants[%d].set.", j) // no name that selects it alone
		}
		d.variant = newVariantSpan(set, prefix)
		if written.Kind == yaml.AliasNode {
			d.variant.alias = written // set: *name: its problems are where the alias is
		}
		seen := whatIfSeen{} // as --set refuses a key set twice: which wins would be the order's
		for k, e := range variantEntries(d, set, strings.TrimSuffix(prefix, ".")) {
			if changesVariants(e.key.Value) { // not applied, nor judged as applied: refused, as with the base (resolver.variants)
				d.fail(e.at, prefix+e.key.Value, "a variant cannot change the variants")
				continue
			}
			setWhatIf(d, root, e.key.Value, e.val, setter{d: d, at: e.at}, seen, k)
		}
		return seen, true
	}
	// the name comes from --variant: its problem is the flag's
	msg := fmt.Sprintf("no variant %q in %s (variants: %s, and %s for the base)", name, d.file, strings.Join(names, ", "), BaseName)
	if s, near := Closest(name, append(slices.Clone(names), BaseName)); near {
		msg = fmt.Sprintf("no variant %q in %s; did you mean %q?", name, d.file, s)
	}
	d.probs = append(d.probs, Problem{File: "--variant", Msg: msg})
	return nil, false
}

// warnSetOverVariant warns of each key a variant sets (own) that a --set,
// --seed or --duration (sets) sets too, or sets a part or the whole of:
// the flags apply over every run, the variant's own setting included, so
// the variant no longer differs from the base there, which it was written
// to do.
func warnSetOverVariant(d *decoder, own, sets whatIfSeen, variant string) {
	keys := slices.Sorted(maps.Keys(own))
	for _, c := range keys {
		v := own[c]
		for _, sc := range slices.Sorted(maps.Keys(sets)) {
			if sc != c && !strings.HasPrefix(sc, c+".") && !strings.HasPrefix(c, sc+".") {
				continue
			}
			s := sets[sc]
			by := s.origin
			if !strings.HasPrefix(by, "--set ") {
				by += " " + s.value // --seed 7
			} else if s.key != strings.TrimSpace(strings.SplitN(strings.TrimPrefix(by, "--set "), "=", 2)[0]) {
				by += fmt.Sprintf(" (%s: %s)", s.key, s.value) // the key inside its value
			}
			if sc == c && sameValue(c, s.value, v.value) { // not replaced, but the base has it too
				d.warn(v.at, v.key, "%s is given to every run by %s, the base too: %s no longer differs from the base there", v.value, by, variant)
				continue
			}
			d.warn(v.at, v.key, "%s is replaced by %s, which applies over every run, a variant's own settings too: %s runs with %s there, as the base does",
				v.value, by, variant, s.value)
		}
	}
}

// sameValue reports whether two values as written of key are one value
// (20k/s and 20000/s; under flink: 1GB and 1024MB, as Flink's MemorySize
// reads every unit as binary), or the same text.
func sameValue(key, a, b string) bool {
	if a == b {
		return true
	}
	if strings.HasPrefix(key, "flink.") {
		x, errA := ParseFlinkMemory(a)
		y, errB := ParseFlinkMemory(b)
		if errA == nil && errB == nil {
			return x == y
		}
	}
	x, kx, errA := ParseQuantity(a)
	y, ky, errB := ParseQuantity(b)
	return errA == nil && errB == nil && kx == ky && x == y
}

// parseYAML parses one YAML document whose top is a mapping.
func parseYAML(d *decoder, data []byte) *yaml.Node {
	if len(data) > MaxFileSize {
		d.fail(nil, "", "the input is larger than %d MiB; a scenario is a short text file", MaxFileSize>>20)
		return nil
	}
	if enc := wideEncoding(data); enc != "" {
		d.fail(nil, "", "the file is %s text; save it as UTF-8, the one encoding a scenario is read in (iconv -f %s -t UTF-8)", enc, enc)
		return nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		d.fail(nil, "", "the file is binary, not YAML text")
		return nil
	}
	data = acceptYAMLVersion(data)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		d.fail(nil, "", "the file is empty; a scenario needs at least name, sources and sinks")
		return nil
	}
	if err != nil {
		d.probs = append(d.probs, syntaxProblem(d.file, data, err))
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		// Reported with the first document's problems, which are still
		// checked, so that one pass shows them all.
		line, msg := secondDocument(data, doc.Line)
		if line == 0 && err == nil {
			line = extra.Line
		}
		d.probs = append(d.probs, Problem{File: d.file, Line: max(line, 1), Col: 1, Msg: msg})
	}
	root := d.resolve(&doc)
	if root != nil && d.refuseTag(root, "") {
		root.Style &^= yaml.TaggedStyle // told once; what it holds is still checked
	}
	if root == nil || root.Kind != yaml.MappingNode {
		n := root
		if n == nil {
			n = &doc
		}
		d.fail(n, "", "the top of a scenario must be a mapping (name: ..., sources: ..., sinks: ...)")
		return nil
	}
	return root
}

// secondDocument is where a second YAML document begins after line from,
// and what to remove: the first document marker after from and what
// follows it when that is a ---; when it is a document end (...), the ---
// that starts the next document, or else the text that follows the ...
// (the ... itself may stay). line is 0 when no marker is found.
func secondDocument(data []byte, from int) (line int, msg string) {
	const one = "a scenario file holds one YAML document; "
	lines := strings.Split(string(data), "\n")
	for i := max(from, 0); i < len(lines); i++ {
		switch documentMarker(lines[i]) {
		case "---":
			return i + 1, one + "remove the --- and what follows"
		case "...":
			for j := i + 1; j < len(lines); j++ {
				if l := strings.TrimSpace(lines[j]); l == "" || l[0] == '#' {
					continue
				}
				if documentMarker(lines[j]) == "---" {
					return j + 1, one + "remove the --- and what follows"
				}
				return j + 1, fmt.Sprintf("a scenario file holds one YAML document, and the ... on line %d ends it; remove what follows", i+1)
			}
		}
	}
	return 0, one + "remove what follows it"
}

// documentMarker is the document marker (--- or ...) line l starts with,
// or "".
func documentMarker(l string) string {
	l = strings.TrimRight(l, "\r")
	if (strings.HasPrefix(l, "---") || strings.HasPrefix(l, "...")) && (len(l) == 3 || l[3] == ' ' || l[3] == '\t') {
		return l[:3]
	}
	return ""
}

// applySet applies one --set path=value to the YAML tree before decoding, so
// it is checked exactly like the file.
//
// An override written "--flag=value" (as the CLI passes --seed and
// --duration) sets the field named by the flag, and its problems are
// reported at the flag: "--duration: ...".
func applySet(d *decoder, root *yaml.Node, i int, s string, seen whatIfSeen) {
	origin := fmt.Sprintf("--set %s", s)
	key, val, ok := strings.Cut(s, "=")
	if flag, isFlag := strings.CutPrefix(key, "--"); isFlag && ok {
		origin, key = key, flag
	}
	if arg := s; NotUTF8(arg) != "" {
		// a file's byte is refused so: its value is not replaced by U+FFFD
		// (the argument is quoted, its byte escaped, never printed raw)
		file := "--set"
		if origin != "--set "+s {
			file, arg = origin, val // --duration=value: the flag's value
		}
		d.probs = append(d.probs, Problem{File: file, Msg: NotUTF8(arg)})
		return
	}
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		d.probs = append(d.probs, Problem{File: strings.TrimSpace(origin), Msg: "must be key=value, e.g. --set sinks.jdbc.capacity=100k/s"}) // "--set ": nothing given
		return
	}
	if changesVariants(key) {
		// one problem however many runs load it: the same text each time
		d.probs = append(d.probs, Problem{File: origin, Path: key, Msg: "a what-if applies over every run and cannot change the variants: to change what one runs, run it alone (--variant NAME) with --set"})
		return
	}
	var vn yaml.Node
	if err := yaml.Unmarshal([]byte(val), &vn); err != nil || len(vn.Content) == 0 {
		vn = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: val}}}
	}
	value := vn.Content[0]
	var mark func(n *yaml.Node)
	mark = func(n *yaml.Node) {
		d.origin[n] = origin
		for _, c := range n.Content {
			mark(c)
		}
	}
	mark(value)
	setWhatIf(d, root, key, value, setter{d: d, origin: origin}, seen, i)
}

// setPath puts value at a dotted path: segments are mapping keys; list items
// are addressed by name or index; after "flink." the rest is one Flink key.
// Problems are reported at the origin flag, or at node at (a variant's key).
// A what-if's mapping is merged first (setWhatIf), so value is put whole.
func setPath(d *decoder, root *yaml.Node, key string, value *yaml.Node, origin string, at *yaml.Node) {
	st := setter{d: d, value: value, origin: origin, at: at}
	var segs []string
	if rest, isFlink := strings.CutPrefix(key, "flink."); isFlink {
		if d.whatIf == nil {
			d.whatIf = map[string]bool{}
			d.whatIfKey = map[string]*yaml.Node{}
		}
		canon := canonicalFlinkKey(rest)
		d.whatIf[canon] = true
		// Appended, and what it replaces dropped once all are set
		// (dropReplacedFlink): a drop per what-if walks the whole block.
		var block *yaml.Node
		if root.Kind == yaml.MappingNode {
			if block = mappingValue(d, root, "flink"); block == nil {
				block, _ = st.field(root, "flink", false) // added
			}
		}
		if block != nil && block.Kind == yaml.MappingNode {
			k := st.newNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: rest})
			block.Content = append(block.Content, k, value)
			d.whatIfKey[canon] = k
			return
		}
		segs = []string{"flink", rest} // the walk below tells what is wrong
	} else {
		segs = strings.Split(key, ".")
	}
	n := root
	for k, seg := range segs {
		last := k == len(segs)-1
		var done bool
		switch n.Kind {
		case yaml.MappingNode:
			n, done = st.field(n, seg, last)
		case yaml.SequenceNode:
			n, done = st.item(n, segs[:k+1], last)
		default:
			st.problem(strings.Join(segs[:k], "."), "is a single value; it has no field "+strconv.Quote(seg))
			return
		}
		if done {
			return
		}
		if n == nil {
			st.problem(strings.Join(segs[:k+1], "."), "has no value")
			return
		}
	}
}

// mappingValue is the value of key in mapping m, aliases resolved, or nil.
func mappingValue(d *decoder, m *yaml.Node, key string) *yaml.Node {
	for j := 0; j+1 < len(m.Content); j += 2 {
		if m.Content[j].Value == key {
			return d.resolve(m.Content[j+1])
		}
	}
	return nil
}

// setter is one override being put in the YAML tree.
type setter struct {
	d      *decoder
	value  *yaml.Node
	origin string     // the flag it comes from, or ""
	at     *yaml.Node // the variant's key it comes from, or nil
}

func (st setter) problem(path, msg string) {
	if st.at != nil {
		st.d.fail(st.at, path, "%s", msg)
		return
	}
	st.d.probs = append(st.d.probs, Problem{File: st.origin, Path: path, Msg: msg})
}

// newNode marks a node the override adds with where it comes from.
func (st setter) newNode(n *yaml.Node) *yaml.Node {
	if st.origin != "" {
		st.d.origin[n] = st.origin
	} else if st.at != nil {
		n.Line, n.Column = st.at.Line, st.at.Column
	}
	return n
}

// field steps into key seg of mapping n, adding it if missing; at the last
// segment it sets the value there (done).
func (st setter) field(n *yaml.Node, seg string, last bool) (next *yaml.Node, done bool) {
	found := -1
	for j := 0; j+1 < len(n.Content); j += 2 {
		if n.Content[j].Value == seg {
			found = j + 1
		}
	}
	if last {
		if found >= 0 {
			n.Content[found] = st.value
		} else {
			n.Content = append(n.Content, st.newNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: seg}), st.value)
		}
		return nil, true
	}
	if found < 0 {
		child := st.newNode(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
		n.Content = append(n.Content, st.newNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: seg}), child)
		found = len(n.Content) - 1
	}
	return st.d.resolve(n.Content[found]), false
}

// item steps into the item of list n that the last of segs names (by name,
// else by index); at the last segment it sets the value there (done). An
// item that does not exist is a problem naming the items there are.
func (st setter) item(n *yaml.Node, segs []string, last bool) (next *yaml.Node, done bool) {
	seg := segs[len(segs)-1]
	idx := slices.Index(st.d.itemPaths("", n.Content), seg) // a name used twice names the first
	v, err := strconv.Atoi(seg)
	isIndex := err == nil && v >= 0 && v < len(n.Content)
	switch {
	case idx < 0 && isIndex:
		idx = v
	case idx >= 0 && isIndex && idx != v:
		// sources.0 (or sources[0], as a problem names the first item)
		// would name the item called "0" elsewhere in the list
		list := strings.Join(segs[:len(segs)-1], ".")
		st.problem(strings.Join(segs, "."), fmt.Sprintf("names two items: the one at index %d and the one named %q, %s[%d]; name the one you mean by its other name or index, or rename the item %q",
			v, seg, list, idx, seg))
		return nil, true
	}
	if idx < 0 {
		names := st.d.itemPaths("", n.Content)
		msg := "no list item has this name or index"
		if len(names) > 0 {
			msg += " (items: " + strings.Join(names, ", ") + ")"
		}
		st.problem(strings.Join(segs, "."), msg)
		return nil, true
	}
	if last {
		n.Content[idx] = st.value
		return nil, true
	}
	return st.d.resolve(n.Content[idx]), false
}

// Resolved writes the resolved scenario as YAML that loads again to the same run.
func (l *Loaded) Resolved() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Resolved by flinksim: every default filled in. Loads again to the same run.\n")
	if len(l.NotModelled) > 0 {
		b.WriteString("# Flink keys kept but not modelled (they would change the result): " + strings.Join(l.NotModelled, ", ") + "\n")
	}
	if len(l.InertFlinkKeys) > 0 {
		b.WriteString("# Flink keys kept that cannot change a simulation: " + strings.Join(l.InertFlinkKeys, ", ") + "\n")
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(l.Scenario); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}
