package scenarios

import (
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/invopop/jsonschema"
)

// The flink: block's schema takes what the loader takes and flags what it
// refuses: each modelled key with its type (the value as a number or as
// text, as the Kubernetes operator quotes every value), its values where it
// has a few, its least value, and its default; the older names marked
// deprecated; every other Flink key (flinkkeys.txt) as a key that is not
// modelled; the families of keys with placeholders or from plugins as
// patterns; nested maps under the keys' dotted prefixes (their contents
// unchecked). Any other key is an error, as it is to the loader.

// flinkEnum is the values a key offers, and every spelling it takes (in
// any case, as Flink reads them): aliases, and class names written exactly.
type flinkEnum struct {
	offer, aliases, classes []string
}

var flinkEnums = map[string]flinkEnum{
	"execution.checkpointing.mode":           {offer: []string{"EXACTLY_ONCE", "AT_LEAST_ONCE"}},
	"pipeline.vertex-description-mode":       {offer: []string{"TREE", "CASCADING"}},
	"execution.target":                       {offer: executionTargets},
	"jobmanager.execution.failover-strategy": {offer: []string{"region", "full"}},
	"execution.state-recovery.claim-mode":    {offer: []string{"NO_CLAIM", "CLAIM", "LEGACY"}},
	"state.backend.type": {offer: []string{"hashmap", "rocksdb"}, aliases: []string{"filesystem", "jobmanager", "forst"},
		classes: stateBackendClasses()},
	"execution.checkpointing.storage": {offer: []string{"jobmanager", "filesystem"}, classes: []string{
		"org.apache.flink.runtime.state.storage.FileSystemCheckpointStorageFactory",
		"org.apache.flink.runtime.state.storage.JobManagerCheckpointStorageFactory"}},
	"state.changelog.storage":                                   {offer: []string{"memory", "filesystem"}},
	"execution.checkpointing.externalized-checkpoint-retention": {offer: []string{"NO_EXTERNALIZED_CHECKPOINTS", "DELETE_ON_CANCELLATION", "RETAIN_ON_CANCELLATION"}},
	"restart-strategy.type": {offer: []string{"none", "fixed-delay", "failure-rate", "exponential-delay"},
		aliases: []string{"off", "disable", "fixeddelay", "failurerate", "exponentialdelay"}},
}

func stateBackendClasses() []string {
	var out []string
	for _, n := range stateBackendNames {
		if !isShortcut(n.name) {
			out = append(out, n.name)
		}
	}
	sort.Strings(out)
	return out
}

// anyCase is a pattern of the words in any case, as strings.EqualFold
// compares them: [eE][xX]..., [kK\u212a] (the Kelvin sign).
func anyCase(words []string) string {
	var alts []string
	for _, w := range words {
		var b strings.Builder
		for _, r := range w {
			runes := []rune{r}
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				runes = append(runes, f)
			}
			if len(runes) == 1 {
				b.WriteString(regexp.QuoteMeta(string(r)))
				continue
			}
			slices.Sort(runes)
			b.WriteString("[" + string(runes) + "]")
		}
		alts = append(alts, b.String())
	}
	return strings.Join(alts, "|")
}

func (e flinkEnum) schema() *jsonschema.Schema {
	var offer []any
	for _, v := range e.offer {
		offer = append(offer, v)
	}
	pat := "^" + flinkSpace + "(" + anyCase(append(slices.Clone(e.offer), e.aliases...))
	for _, c := range e.classes {
		pat += "|" + regexp.QuoteMeta(c)
	}
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{{Type: "string", Enum: offer}, {Type: "string", Pattern: pat + ")" + flinkSpace + "$"}}}
}

// flinkLeaf is the schema of a key's value: value, or an empty map
// (which flattens to no key), or under an open prefix any map (a family's
// keys: fs.<scheme>.limit.total). A key of no type takes any value but a
// map of keys, which would flatten to keys Flink does not have.
func flinkLeaf(k string, value *jsonschema.Schema, empty string) *jsonschema.Schema {
	switch {
	case value == nil && underOpenRoot(k):
		return &jsonschema.Schema{}
	case value == nil:
		return &jsonschema.Schema{MaxProperties: ptr(uint64(0))}
	case underOpenRoot(k):
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{value, {Type: "object"}}}
	}
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{value, defRef(empty)}}
}

// flinkKeySchema describes a modelled key for editors: its doc and default.
func flinkKeySchema(o *flinkOption, key string) *jsonschema.Schema {
	p := flinkLeaf(key, flinkValueSchema(o), defEmpty)
	p.Description = o.Doc
	if key != o.Key {
		p.Description = "Deprecated: the older name of " + o.Key + ". " + o.Doc
		p.Deprecated = true
		p.Extras = map[string]any{"deprecationMessage": "Deprecated: use " + o.Key + "."}
		return p
	}
	if o.Default != "" {
		p.Description += " Flink's default: " + o.Default + "."
		if v, err := o.parse(o.Default); err == nil {
			switch v.(type) {
			case bool, int, float64:
				p.Default = v
			default:
				p.Default = o.Default
			}
		}
	}
	return p
}

// JSONSchema lists the modelled Flink keys with their types and defaults,
// their deprecated names, the other keys Flink has with their types, and
// their families.
func (FlinkConfig) JSONSchema() *jsonschema.Schema {
	props := jsonschema.NewProperties()
	for i := range flinkOptions {
		o := &flinkOptions[i]
		props.Set(o.Key, flinkKeySchema(o, o.Key))
		for _, d := range o.Deprecated {
			props.Set(d, flinkKeySchema(o, d))
		}
	}
	var other []string
	for k := range flinkKeys {
		if _, ok := props.Get(k); !ok {
			other = append(other, k)
		}
	}
	sort.Strings(other)
	for _, k := range other {
		why := "Not modelled: ignored, with a warning."
		if flinkKeyInert(k) {
			why = "Not modelled; cannot change a simulation."
		}
		p := flinkLeaf(k, flinkTypeSchema(flinkKeyTypes[k]), defUnset)
		p.Description = why
		props.Set(k, p)
	}
	families := map[string]*jsonschema.Schema{}
	for _, p := range flinkKeyPatterns {
		families[p.String()] = &jsonschema.Schema{Description: "A family of Flink keys (a placeholder in its name); not modelled."}
	}
	for _, p := range flinkPluginPrefixes {
		families["^"+regexp.QuoteMeta(p)] = &jsonschema.Schema{Description: "A plugin's or the Kubernetes operator's keys; not modelled."}
	}
	s := &jsonschema.Schema{Type: "object", Properties: props, PatternProperties: families,
		AdditionalProperties: &jsonschema.Schema{Description: "Not a Flink option: Flink keeps it for user code to read; ignored, with a warning."},
		Description: "Flink configuration keys, as in Flink's configuration file: flat dotted keys, or nested maps under their prefixes (Flink 1.19 and later; a dotted name inside a map is checked by its first segment only). " +
			"A key Flink does not have under one of its prefixes (execution., taskmanager., ...) is an error; one flinksim does not model is ignored; an application's own key (myapp.topic) is ignored with a warning."}
	nestedPrefixes(s)
	s.PropertyNames = flinkKeyNames(s)
	return s
}

// flinkKeyNames accepts a key of the schema's, of its families, or one
// outside Flink's prefixes (an application's own, which the loader warns
// of): a name under a Flink prefix that Flink does not have is refused.
func flinkKeyNames(s *jsonschema.Schema) *jsonschema.Schema {
	var known []any
	for p := s.Properties.Oldest(); p != nil; p = p.Next() {
		known = append(known, p.Key)
	}
	var ns []string
	for n := range flinkNamespaces() {
		ns = append(ns, regexp.QuoteMeta(n))
	}
	sort.Strings(ns)
	alts := []*jsonschema.Schema{{Enum: known}, {Not: &jsonschema.Schema{Pattern: "^(" + strings.Join(ns, "|") + ")\\."}}}
	var fams []string
	for f := range s.PatternProperties {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	for _, f := range fams {
		alts = append(alts, &jsonschema.Schema{Pattern: f})
	}
	return &jsonschema.Schema{AnyOf: alts}
}

// nestedPrefixes lets every dotted prefix of a key hold a nested map
// (taskmanager: {numberOfTaskSlots: 4}), as Flink's config.yaml does;
// what the map holds is the scenario's else (flinkNested).
func nestedPrefixes(s *jsonschema.Schema) {
	props := s.Properties
	pre := flinkPrefixes(flinkSchemaKeys())
	for _, p := range slices.Sorted(maps.Keys(pre)) {
		obj := &jsonschema.Schema{Type: "object", Description: "Nested keys."}
		if old, ok := props.Get(p); ok {
			props.Set(p, &jsonschema.Schema{Description: old.Description, Deprecated: old.Deprecated, AnyOf: []*jsonschema.Schema{old, obj}})
			continue
		}
		props.Set(p, obj)
	}
}

// flinkFloatText is a Flink option's double as text, as the loader reads
// it (Double.parseDouble after trimming, javaDouble): no digit separators
// ("1_000" is YAML's, not Java's), and a double may end in Java's float or
// double suffix ("2.0f").
const flinkFloatText = "^" + flinkSpace + `[+-]?(NaN|Infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFdD]?)` + flinkSpace + "$"

// flinkNumberText is a double without NaN and the infinities.
const flinkNumberText = `[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFdD]?`
