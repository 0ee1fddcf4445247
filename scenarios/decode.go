package scenarios

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decoder turns a yaml.Node tree into the format structs, strictly: every
// unknown field, wrong type and bad value becomes a Problem with its file
// position and field path, and decoding goes on so that all are reported.
type decoder struct {
	file  string
	probs Problems
	// warnings are accepted input worth a look, reported but not fatal.
	warnings Problems
	// whatIf are the Flink options a what-if (--set, a variant, a sweep or
	// plan point) sets, by their current name: the entry is the user's
	// value for the option, under whichever name the release reads.
	whatIf    map[string]bool
	whatIfKey map[string]*yaml.Node // the key the last what-if of each appended (dropReplacedFlink)
	// repeatsOK lets a mapping repeat a key (the flink: block: Flink reads
	// the later value, see flinkRead).
	repeatsOK bool
	nodes     map[string]*yaml.Node // field path → node, for later semantic errors
	// aliases are the paths written as an alias (*name), with the alias:
	// a problem below one is placed where the alias is, not at its anchor
	aliases map[string]*yaml.Node
	items   map[string][]string   // a list's path → its items' paths (itemPaths)
	bad     map[string]bool       // paths whose value failed to decode
	badIn   map[string]bool       // paths with a failure at or below them
	origin  map[*yaml.Node]string // nodes that came from --set, with their flag
	variant variantSpan           // the variant's set: block applied, if any
	budget  int                   // nodes left to visit (guards against alias bombs)
	dropped int                   // problems beyond maxProblems, not kept
	// overflow are the values beyond their type's range, by path: an int
	// field written beyond an int64, a negative duration. They decode as
	// the nearest value the type holds for the resolver to tell the
	// field's own range, and its problem shows the value as written.
	overflow map[string]overflowed
	// untagged are the paths whose value was refused for its tag, and so
	// not read (decode_tags.go)
	untagged []string
}

// scalarValue is implemented by leaf types written as one scalar (units).
type scalarValue interface {
	parseScalar(s string) error
}

// nodeValue is implemented by types with several accepted shapes.
type nodeValue interface {
	decodeNode(d *decoder, n *yaml.Node, path string)
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, nodes: map[string]*yaml.Node{}, aliases: map[string]*yaml.Node{}, items: map[string][]string{}, bad: map[string]bool{}, badIn: map[string]bool{}, origin: map[*yaml.Node]string{}, budget: maxNodes}
}

// Limits that keep hostile input cheap: a scenario is a small file.
const (
	maxNodes    = 100000 // YAML nodes visited, aliases expanded
	maxProblems = 100    // problems reported before giving up
)

// fail records a problem at node n (nil: at the file's start).
func (d *decoder) fail(n *yaml.Node, path, format string, a ...any) {
	d.markBad(path)
	msg := fmt.Sprintf(format, a...)
	if o, ok := d.overflow[path]; ok { // the value as written, not as decoded
		msg = replaceWord(msg, o.sat, o.text)
		delete(d.overflow, path)
	}
	if len(d.probs) >= maxProblems {
		d.dropped++
		return
	}
	d.probs = append(d.probs, d.problemAt(n, path, msg))
}

// warn records what is accepted but worth a look (a key Flink ignores, a
// setting flinksim does not model), in the same form as a problem.
func (d *decoder) warn(n *yaml.Node, path, format string, a ...any) {
	if len(d.warnings) < maxProblems {
		d.warnings = append(d.warnings, d.problemAt(n, path, fmt.Sprintf(format, a...)))
	}
}

// problemAt places msg at node n: its line and column in the file, or the
// flag it came from.
func (d *decoder) problemAt(n *yaml.Node, path, msg string) Problem {
	p := Problem{File: d.file, Path: path, Msg: msg}
	if n != nil {
		if o, ok := d.origin[n]; ok {
			p.File, p.Line, p.Col = o, 0, 0
			if !strings.HasPrefix(o, "--set ") {
				p.Path = "" // a flag names the field itself: "--duration: ..."
			}
		} else {
			if a := d.aliasOver(path); a != nil {
				n = a
			}
			p.Path = d.variant.path(n.Line, n.Column, p.Path)
			p.Line, p.Col = d.variant.place(n.Line, n.Column)
		}
	}
	return p
}

// markBad records that path failed, for it and all its parents.
func (d *decoder) markBad(path string) {
	d.bad[path] = true
	for p := path; !d.badIn[p]; {
		d.badIn[p] = true
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			if p != "" {
				d.badIn[""] = true
			}
			return
		}
		p = p[:i]
	}
}

// at records a problem at the node of a path (or its nearest parent).
func (d *decoder) at(path, format string, a ...any) {
	for p := path; ; {
		if d.bad[p] {
			return // already reported where it failed to decode
		}
		if n, ok := d.nodes[p]; ok {
			d.fail(n, path, format, a...)
			return
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			d.fail(d.nodes[""], path, format, a...)
			return
		}
		p = p[:i]
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	return strconv.Quote(v)
}

// value decodes n into v.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if n != nil && n.Kind == yaml.AliasNode {
		d.aliases[path] = n
	}
	n = d.resolve(n)
	if n == nil {
		d.fail(nil, path, "%s", noValue(v.Type()))
		return
	}
	d.nodes[path] = n
	if !d.spend(n, path) || d.refuseTag(n, path) {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		d.fail(n, path, "%s", noValue(v.Type()))
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if d.custom(n, v, path) {
		return
	}
	d.builtin(n, v, path)
}

// noValue is the problem of a key written with nothing after it, and what
// it takes: entries beneath it for a block (flink:, simulation:), items
// for a list, else a value (leaving a key out is another matter: some
// have defaults, some are required).
func noValue(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch self := reflect.PointerTo(t); {
	case t == reflect.TypeFor[FlinkConfig]():
		return "has no value: give Flink's configuration beneath it (key: value)"
	case self.Implements(reflect.TypeFor[scalarValue]()), self.Implements(reflect.TypeFor[nodeValue]()):
	case t.Kind() == reflect.Map, t.Kind() == reflect.Struct:
		return "has no value: give its entries beneath it (key: value)"
	case t.Kind() == reflect.Slice:
		return "has no value: give its items beneath it (- ...)"
	}
	return "has no value: give one"
}

// custom decodes into a type that decodes itself (a unit or a one-of
// shape); false if v's type does not.
func (d *decoder) custom(n *yaml.Node, v reflect.Value, path string) bool {
	if !v.CanAddr() {
		return false
	}
	switch x := v.Addr().Interface().(type) {
	case nodeValue:
		x.decodeNode(d, n, path)
		return true
	case scalarValue:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "must be a single value, not %s", describe(n))
			return true
		}
		if err := x.parseScalar(n.Value); err != nil {
			var long durationTooLong
			if path == "duration" && errors.As(err, &long) {
				// the run's own bound, not the clock's (resolve checks the rest)
				d.fail(n, path, "must be more than 0s and at most %s, not %s", FormatDuration(maxDuration), strings.TrimSpace(n.Value))
				return true
			}
			var neg durationNegative
			if _, ok := x.(*Duration); ok && errors.As(err, &neg) {
				d.negativeDuration(n, path, err)
				return true
			}
			if !d.outOfType(n, path, err) {
				d.fail(n, path, "%v", err)
			}
		}
		return true
	}
	return false
}

// builtin decodes into a struct, a list or one of Go's basic kinds.
func (d *decoder) builtin(n *yaml.Node, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Struct:
		d.mapping(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "must be a list, not %s", describe(n))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content)))
		d.items[path] = d.itemPaths(path, n.Content)
		for i, p := range d.items[path] {
			d.value(n.Content[i], v.Index(i), p)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "must be a text value, not %s", describe(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		// Any whole number an int holds, negative ones included: each
		// field's range is the resolver's to check, in the field's own
		// words, so that -1 and 0 are told the same range (partitions
		// "must be from 1 to 100000", a partition "is not a partition of
		// clicks's topic (0 to 7)").
		if i, ok := d.integer(n, path, math.MinInt, math.MaxInt); ok {
			v.SetInt(i)
		}
	case reflect.Int64: // a Kafka offset
		if i, ok := d.integer(n, path, 0, math.MaxInt64); ok {
			v.SetInt(i)
		}
	case reflect.Uint64, reflect.Float64:
		d.number(n, v, path)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.fail(n, path, "must be true or false, not %s", describe(n))
			return
		}
		v.SetBool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE")
	default:
		panic("scenarios: no decoder for " + v.Type().String())
	}
}

// MaxSeed is the largest seed: 2^53-1, the largest integer a JSON reader
// that holds numbers as float64 (jq, JavaScript, Grafana) keeps exact, so
// that a seed read back from summary.json or points.jsonl reruns the run.
const MaxSeed = 1<<53 - 1

// number decodes a uint64 (a seed, at most MaxSeed, digits or a count's
// forms) or a float64.
func (d *decoder) number(n *yaml.Node, v reflect.Value, path string) {
	if v.Kind() == reflect.Uint64 {
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "must be a whole number, not %s", describe(n))
			return
		}
		u, err := strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 10, 64) // as integer's
		if c, whole := wholeCount(n.Value); err != nil && whole && c >= 0 && c <= MaxSeed {
			u, err = uint64(c), nil // 1e3, 100k, as a count is written
		}
		if err != nil || u > MaxSeed {
			d.fail(n, path, "must be a whole number, 0 or more and at most %d so that JSON readers keep it exact, not %s", uint64(MaxSeed), describe(n))
			return
		}
		v.SetUint(u)
		return
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "must be a number, not %s", describe(n))
		return
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		d.fail(n, path, "must be a finite number, not %s", describe(n))
		return
	}
	v.SetFloat(f)
}

// spend counts one value visited against the budget; false once it is
// spent. Aliases are followed where they are used, so a document of a few
// lines can name a billion values ("billion laughs") or itself.
func (d *decoder) spend(n *yaml.Node, path string) bool {
	if d.budget--; d.budget < 0 {
		if d.budget == -1 {
			if p, ok := d.aliasPathOver(path); ok {
				path = p // inside an alias's copy: told at the alias, by its path
			}
			d.fail(n, path, "the document has more than %d values (counting each use of an alias *name in full); a scenario has far fewer", maxNodes)
		}
		return false
	}
	return true
}

// spendAll counts every value inside a list against the budget (a list
// under flink: is kept as written, not decoded); false once it is spent,
// told at path's item whose values crossed the limit, as written (at
// nil: n's own items; an item's values are told at the item).
func (d *decoder) spendAll(n, at *yaml.Node, path string) bool {
	for _, c := range n.Content {
		w := at
		if w == nil {
			w = c // as written: an alias where it is, not at its anchor
		}
		if c = d.resolve(c); c == nil || d.refuseTag(c, path) {
			continue
		}
		if !d.spend(w, path) || !d.spendAll(c, w, path) {
			return false
		}
	}
	return true
}

// integer decodes a whole number from lo to hi: digits (Go's 0x, 0o and
// 0b too, _ between digits), or a count's forms (1e3, 100k, 1.5M), kept
// as written for a problem at path to show.
func (d *decoder) integer(n *yaml.Node, path string, lo, hi int64) (int64, bool) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "must be a whole number, not %s", describe(n))
		return 0, false
	}
	// Base 10, as counts read: 010 is ten (YAML 1.2's core schema), not
	// the octal eight that a 0 prefix made it (base 0), and 0x10 is
	// refused as a count refuses it.
	i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 10, 64)
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return d.beyondInt64(n, path, i, lo, hi)
	}
	if err != nil {
		c, whole := wholeCount(n.Value)
		switch {
		case !whole:
			d.fail(n, path, "must be a whole number, not %s", describe(n))
			return 0, false
		case c >= -math.MinInt64:
			return d.beyondInt64(n, path, math.MaxInt64, lo, hi)
		case c < math.MinInt64:
			return d.beyondInt64(n, path, math.MinInt64, lo, hi)
		}
		i = int64(c)
		d.asWritten(n, path, i)
	}
	if i < lo || i > hi {
		d.fail(n, path, "%d is out of range (%d to %d)", i, lo, hi)
		return 0, false
	}
	return i, true
}

// wholeCount reads s as a count (ParseCount's forms: 1e3, 100k, 1.5M),
// below 0 and beyond 1e18 too; whole: it is a whole number.
func wholeCount(s string) (float64, bool) {
	c, err := ParseCount(s)
	var oor countOutOfRange
	if err != nil && !errors.As(err, &oor) {
		return 0, false
	}
	return c, !math.IsNaN(c) && c == math.Trunc(c)
}

// fieldInfo maps a struct's YAML names to field indexes.
type fieldInfo struct {
	index map[string]int
	names []string
}

// has reports whether the struct has a field called name.
func (fi fieldInfo) has(name string) bool {
	_, ok := fi.index[name]
	return ok
}

func fieldsOf(t reflect.Type) fieldInfo {
	fi := fieldInfo{index: map[string]int{}}
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		fi.index[name] = i
		fi.names = append(fi.names, name)
	}
	return fi
}

// removedFields are fields earlier versions had, and what replaced them.
var removedFields = map[string]string{
	"checkpoint-storage.interference": "removed: uploads and processing now share each TaskManager's cores, network and disk " +
		"(taskmanager.cpu.cores, cluster.network-bandwidth, cluster.disk-bandwidth), so they slow each other only when these run out",
	"checkpoint-storage.upload-bandwidth": "removed: a TaskManager's uploads are bounded by its network (cluster.network-bandwidth) " +
		"and each connection by checkpoint-storage.stream-bandwidth",
	"checkpoint-storage.download-bandwidth": "removed: a TaskManager's downloads are bounded by its network (cluster.network-bandwidth) " +
		"and each connection by checkpoint-storage.stream-bandwidth",
	"state-backend.compaction": "removed: RocksDB compaction is simulated (state-backend.write-amplification, compaction-rate, " +
		"flink.state.backend.rocksdb.thread.num); incremental checkpoints upload the SST files it writes",
}

// mapping decodes a YAML mapping into a struct.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		fi := fieldsOf(v.Type())
		d.fail(n, path, "must be a mapping with fields %s, not %s", strings.Join(fi.names, ", "), describe(n))
		return
	}
	fi := fieldsOf(v.Type())
	for _, kv := range d.pairs(n, path) {
		name := kv.key.Value
		i, ok := fi.index[name]
		if why, gone := removedFields[join(path, name)]; !ok && gone {
			d.fail(kv.key, join(path, name), "%s", why)
			continue
		}
		if !ok {
			if k, flink := flinkKeyOutside(path, kv.key, kv.val); flink {
				d.fail(kv.key, join(path, name), "unknown field; %s is a Flink option: it goes under flink: (flink.%s)", k, k)
			} else if head, rest, dotted := strings.Cut(name, "."); dotted && fi.has(head) {
				// A path, as --set and a variant's set: take it, written as a key.
				d.fail(kv.key, join(path, name), "unknown field; a dotted path is not a key in a scenario: nest it, %s: {%s: ...} (--set and a variant's set: take the path)", head, rest)
			} else if s, near := Closest(name, fi.names); near {
				d.fail(kv.key, join(path, name), "unknown field; did you mean %q?", s)
			} else {
				d.fail(kv.key, join(path, name), "unknown field (allowed here: %s)", strings.Join(fi.names, ", "))
			}
			continue
		}
		d.value(kv.val, v.Field(i), join(path, name))
	}
}

// flinkKeyOutside reports a Flink option written at the top level (or in a
// --set without its "flink." prefix): the dotted key its first leaf spells.
func flinkKeyOutside(path string, key, val *yaml.Node) (string, bool) {
	if path != "" {
		return "", false
	}
	k := key.Value
	for val.Kind == yaml.MappingNode && len(val.Content) >= 2 {
		k += "." + val.Content[0].Value
		val = val.Content[1]
	}
	return k, knownFlinkKey(k)
}

// oneOf checks that exactly one of a one-of struct's fields is set.
func (d *decoder) oneOf(n *yaml.Node, v reflect.Value, path string) {
	fi := fieldsOf(v.Type())
	set := 0
	for _, i := range fi.index {
		if !v.Field(i).IsZero() {
			set++
		}
	}
	if set != 1 && !d.badUnder(path) {
		d.fail(n, path, "needs exactly one of %s", strings.Join(fi.names, ", "))
	}
}

// badUnder reports whether path or anything below it failed to decode.
func (d *decoder) badUnder(path string) bool { return d.badIn[path] }

// problems returns the sorted problems, with a last line for any not kept.
func (d *decoder) problems() Problems {
	ps := d.probs.sort()
	if d.dropped > 0 {
		ps = append(ps, Problem{File: d.file, Msg: fmt.Sprintf("stopped after %d problems; %d more not shown", maxProblems, d.dropped)})
	}
	return ps
}
