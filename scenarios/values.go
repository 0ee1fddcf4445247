package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/flinksim/flinksim/sim"
)

func (x *Duration) parseScalar(s string) error {
	d, err := ParseDuration(s, 0)
	*x = Duration(d)
	return err
}

func (x Duration) MarshalYAML() (any, error) { return FormatDuration(sim.Time(x)), nil }

func (x *SignedDuration) parseScalar(s string) error {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	d, err := ParseDuration(strings.TrimPrefix(t, "-"), 0)
	if err != nil && !neg {
		return err
	}
	if err != nil {
		return fmt.Errorf("%q is not a duration (examples: -8h, -30m, 30s, 1h30m)", s)
	}
	if neg {
		d = -d
	}
	*x = SignedDuration(d)
	return nil
}

func (x SignedDuration) MarshalYAML() (any, error) {
	if x < 0 {
		return "-" + FormatDuration(-sim.Time(x)), nil
	}
	return FormatDuration(sim.Time(x)), nil
}

func (x *Size) parseScalar(s string) error {
	b, err := ParseBytes(s)
	*x = Size(b)
	return err
}

func (x Size) MarshalYAML() (any, error) { return FormatBytes(int64(x)), nil }

func (x *Count) parseScalar(s string) error {
	c, err := ParseCount(s)
	*x = Count(c)
	return err
}

func (x Count) MarshalYAML() (any, error) {
	if v := float64(x); v < 1000 && v == float64(int64(v)) {
		return int64(v), nil
	}
	return FormatCount(float64(x)), nil
}

func (x *RateValue) parseScalar(s string) error {
	r, err := ParseRate(s)
	*x = RateValue(r)
	return err
}

func (x RateValue) MarshalYAML() (any, error) { return Rate(x).String(), nil }

// decodeNode accepts a plain duration (a constant) or one named form.
func (x *Dist) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode {
		x.Constant = new(Duration)
		if err := x.Constant.parseScalar(n.Value); err != nil {
			d.fail(n, path, "%v; or give a distribution: {exponential: 5us}, {lognormal: {mean: 5us, p99: 40us}}, {uniform: {min: 1us, max: 9us}}, {mixture: [{weight: 0.9, dist: 5us}, {weight: 0.1, dist: {exponential: 1ms}}]}", err)
		}
		return
	}
	d.mapping(n, reflect.ValueOf(x).Elem(), path)
	d.oneOf(n, reflect.ValueOf(x).Elem(), path)
}

// MarshalYAML writes a constant as a plain duration.
func (x Dist) MarshalYAML() (any, error) {
	if x.Constant != nil {
		return *x.Constant, nil
	}
	type plain Dist
	return plain(x), nil
}

// decodeNode accepts a plain rate (a constant) or one named profile.
func (x *RateSpec) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode {
		x.Constant = new(RateValue)
		err := x.Constant.parseScalar(n.Value)
		switch {
		case err == nil || d.outOfType(n, path, err):
		case bytesWritten(strings.SplitN(n.Value, "/", 2)[0]):
			// 50mb/s: not the byte unit it would be told to fix (50MB/s is refused too)
			d.fail(n, path, "a source rate counts records (e.g. 100k/s), not bytes")
		default:
			d.fail(n, path, "%v; or give a profile: steps, ramp, periodic or bursts", err)
		}
		return
	}
	d.mapping(n, reflect.ValueOf(x).Elem(), path)
	d.oneOf(n, reflect.ValueOf(x).Elem(), path)
}

func (x RateSpec) MarshalYAML() (any, error) {
	if x.Constant != nil {
		return *x.Constant, nil
	}
	type plain RateSpec
	return plain(x), nil
}

// decodeNode accepts one name or a list of names.
func (x *Inputs) decodeNode(d *decoder, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.ScalarNode:
		*x = Inputs{n.Value}
	case yaml.SequenceNode:
		*x = nil
		if len(n.Content) == 0 {
			d.fail(n, path, "is an empty list; name the nodes it reads, or leave input out to read the node before it")
		}
		for i, item := range n.Content {
			item = d.resolve(item)
			if item != nil && d.refuseTag(item, fmt.Sprintf("%s[%d]", path, i)) {
				continue
			}
			if item == nil || item.Kind != yaml.ScalarNode {
				d.fail(n, fmt.Sprintf("%s[%d]", path, i), "must be a node name")
				continue
			}
			*x = append(*x, item.Value)
		}
	default:
		d.fail(n, path, "must be a node name or a list of names, not %s", describe(n))
	}
}

func (x Inputs) MarshalYAML() (any, error) {
	if len(x) == 1 {
		return x[0], nil
	}
	return []string(x), nil
}

// FlinkConfig holds the flink: block as written: Flink configuration keys, in
// file order, flattened from nested maps ("taskmanager: {numberOfTaskSlots: 4}"
// is taskmanager.numberOfTaskSlots, as in Flink's config.yaml).
type FlinkConfig struct {
	Entries []FlinkEntry
}

// FlinkEntry is one key of the flink: block.
type FlinkEntry struct {
	Key   string
	Value string     // scalar value; "" for lists and maps
	Node  *yaml.Node // the value as written
	// KeyNode is the key as written (nil where none is: a what-if's), where
	// a problem with the name points.
	KeyNode *yaml.Node
	Path    string
	// Nested: written inside a mapping (taskmanager: {numberOfTaskSlots: 4}),
	// which only config.yaml's parser (Flink 1.19 and later) reads.
	Nested bool
}

func (x *FlinkConfig) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping of Flink configuration keys to values, not %s", describe(n))
		return
	}
	x.Entries = nil
	d.repeatsOK = true
	defer func() { d.repeatsOK = false }()
	inside := map[*yaml.Node]bool{} // the mappings being walked, against an alias to one of them
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		inside[n] = true
		defer delete(inside, n)
		at := path // the mapping's own path: where its keys' problems are told
		if prefix != "" {
			at += "." + prefix
		}
		for _, kv := range d.pairs(n, at) {
			key := kv.key.Value
			if prefix != "" {
				key = prefix + "." + key
			}
			v := d.resolve(kv.val)
			p := path + "." + key
			d.nodes[p] = kv.key
			if v != nil && d.refuseTag(v, p) {
				continue
			}
			if kv.val.Kind == yaml.AliasNode {
				d.aliases[p] = kv.val // what its anchor holds is told where the alias is
			}
			if v != nil && v.Kind == yaml.MappingNode {
				if inside[v] {
					d.fail(kv.val, p, "the alias *%s holds itself; a configuration is finite", kv.val.Value)
					continue
				}
				if len(v.Content) == 0 { // GlobalConfiguration's flatten reads no key from it
					d.warn(kv.val, p, "ignored: an empty mapping sets no key, as Flink reads it; give the key a value, or leave it out")
				}
				walk(v, key)
				continue
			}
			if v != nil && v.Kind == yaml.SequenceNode && !d.spendAll(v, nil, p) {
				return // past the document's budget of values: reported once
			}
			e := FlinkEntry{Key: key, Node: v, KeyNode: kv.key, Path: p, Nested: prefix != ""}
			if v != nil && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				e.Value = strings.TrimSpace(v.Value)
			}
			x.Entries = append(x.Entries, e)
		}
	}
	walk(n, "")
}

// MarshalYAML writes the block flat, in order.
func (x FlinkConfig) MarshalYAML() (any, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, e := range x.Entries {
		v := e.Node
		switch {
		case hiddenFlinkValue(e.Key):
			v = &yaml.Node{Kind: yaml.ScalarNode, Value: flinkHiddenContent, Style: yaml.DoubleQuotedStyle}
		case e.Value != "" || v == nil:
			v = &yaml.Node{Kind: yaml.ScalarNode, Value: e.Value}
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: e.Key}, v)
	}
	return m, nil
}

func (x FlinkConfig) IsZero() bool { return len(x.Entries) == 0 }

func (x *Fraction) parseScalar(s string) error {
	t := strings.TrimSpace(s)
	scale := 1.0
	if strings.HasSuffix(t, "%") {
		t, scale = strings.TrimSpace(strings.TrimSuffix(t, "%")), 0.01
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || v*scale < 0 || v*scale > 1 {
		return fmt.Errorf("%q is not a share from 0%% to 100%% (e.g. 20%% or 0.2)", s)
	}
	*x = Fraction(v * scale)
	return nil
}

func (x Fraction) MarshalYAML() (any, error) {
	return strconv.FormatFloat(float64(x)*100, 'f', -1, 64) + "%", nil
}

// decodeNode reads a mapping of dotted paths to values, kept as YAML nodes.
func (x *VariantSet) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping of dotted.path: value, not %s", describe(n))
		return
	}
	x.Entries = nil
	for _, kv := range d.pairs(n, path) {
		if v := d.resolve(kv.val); v != nil && d.refuseTag(v, path+"."+kv.key.Value) {
			continue
		}
		x.Entries = append(x.Entries, FlinkEntry{Key: kv.key.Value, Node: d.resolve(kv.val), KeyNode: kv.key, Path: path + "." + kv.key.Value})
	}
}

func (x VariantSet) MarshalYAML() (any, error) { return FlinkConfig(x).MarshalYAML() }

// decodeNode accepts exactly one failure kind.
func (x *FailureSpec) decodeNode(d *decoder, n *yaml.Node, path string) {
	d.mapping(n, reflect.ValueOf(x).Elem(), path)
	d.oneOf(n, reflect.ValueOf(x).Elem(), path)
}
