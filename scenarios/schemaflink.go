package scenarios

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

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

// anyCase is a pattern of the words in any case: [eE][xX]...
func anyCase(words []string) string {
	var alts []string
	for _, w := range words {
		var b strings.Builder
		for _, r := range w {
			if lo, up := strings.ToLower(string(r)), strings.ToUpper(string(r)); lo != up {
				b.WriteString("[" + lo + up + "]")
			} else {
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
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
	pat := "^\\s*(" + anyCase(append(slices.Clone(e.offer), e.aliases...))
	for _, c := range e.classes {
		pat += "|" + regexp.QuoteMeta(c)
	}
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{{Type: "string", Enum: offer}, {Type: "string", Pattern: pat + ")\\s*$"}}}
}

// flinkValueSchema is the schema of a modelled key's value.
func flinkValueSchema(o *flinkOption) *jsonschema.Schema {
	if e, ok := flinkEnums[o.Key]; ok {
		return e.schema()
	}
	v, _ := o.parse(o.Default)
	if v == nil {
		v, _ = o.parse("1") // the kind of value a key without a default takes
	}
	s := &jsonschema.Schema{}
	switch v.(type) {
	case bool:
		s.Pattern = "^\\s*(" + anyCase([]string{"true", "false"}) + ")\\s*$"
		return withTypes(s, "boolean", "string")
	case int:
		s.Pattern = flinkIntText
		for _, lo := range []int{math.MinInt32, -1, 0, 1} {
			if _, err := o.parse(strconv.Itoa(lo)); err == nil {
				if lo > math.MinInt32 {
					s.Minimum = json.Number(strconv.Itoa(lo))
				}
				s.Maximum = flinkIntMax(o, lo)
				break
			}
		}
		return withTypes(s, "integer", "string")
	case float64:
		s.Pattern = flinkFloatText
		return withTypes(s, "number", "string")
	}
	// Sizes and durations: "32 kb", "100 ms", or a bare number (bytes, ms).
	return withTypes(s, "string", "number")
}

// flinkKeySchema describes a modelled key for editors: its doc and default.
func flinkKeySchema(o *flinkOption) *jsonschema.Schema {
	p := flinkValueSchema(o)
	p.Description = o.Doc
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
// their deprecated names, the other keys Flink has, and their families.
func (FlinkConfig) JSONSchema() *jsonschema.Schema {
	props := jsonschema.NewProperties()
	for i := range flinkOptions {
		o := &flinkOptions[i]
		props.Set(o.Key, flinkKeySchema(o))
		for _, d := range o.Deprecated {
			p := flinkValueSchema(o)
			p.Description = "Deprecated: the older name of " + o.Key + ". " + o.Doc
			p.Deprecated = true
			p.Extras = map[string]any{"deprecationMessage": "Deprecated: use " + o.Key + "."}
			if types, ok := flinkValueSchema(o).Extras["type"]; ok {
				p.Extras["type"] = types
			}
			props.Set(d, p)
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
		props.Set(k, &jsonschema.Schema{Description: why})
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
		Description: "Flink configuration keys, as in Flink's configuration file: flat dotted keys, or nested maps under their prefixes (whose contents the schema does not check). " +
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
// (taskmanager: {numberOfTaskSlots: 4}), as Flink's config.yaml does.
func nestedPrefixes(s *jsonschema.Schema) {
	props := s.Properties
	var names []string
	for p := props.Oldest(); p != nil; p = p.Next() {
		names = append(names, p.Key)
	}
	for _, l := range flinkKeyLines {
		names = append(names, l.name)
	}
	for _, p := range flinkPluginPrefixes {
		names = append(names, p+"x")
	}
	seen := map[string]bool{}
	for _, n := range names {
		segs := strings.Split(n, ".")
		for i := 1; i < len(segs); i++ {
			pre := strings.Join(segs[:i], ".")
			if seen[pre] || strings.ContainsAny(pre, "<#") {
				continue
			}
			seen[pre] = true
			obj := &jsonschema.Schema{Type: "object", Description: "Nested keys."}
			if old, ok := props.Get(pre); ok {
				props.Set(pre, &jsonschema.Schema{Description: old.Description, Deprecated: old.Deprecated, AnyOf: []*jsonschema.Schema{old, obj}})
				continue
			}
			props.Set(pre, obj)
		}
	}
}

// Patterns of a Flink option's numbers as text, as the loader reads them
// (Integer.parseInt and Double.parseDouble after trimming, javaDouble):
// no digit separators ("1_000" is YAML's, not Java's), and a double may
// end in Java's float or double suffix ("2.0f").
const (
	flinkIntText   = `^\s*[+-]?[0-9]+\s*$`
	flinkFloatText = `^\s*[+-]?(NaN|Infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFdD]?)\s*$`
)

// flinkIntMax is the largest whole number o takes, from lo (one it takes)
// up: "" when it is Java's Integer.MAX_VALUE, the type's own bound; else
// flinksim's (65536 network buffers, 32768 subtasks).
func flinkIntMax(o *flinkOption, lo int) json.Number {
	if _, err := o.parse(strconv.Itoa(math.MaxInt32)); err == nil {
		return ""
	}
	hi := math.MaxInt32 // lo is taken, hi is not
	for hi-lo > 1 {
		if mid := lo + (hi-lo)/2; func() bool { _, err := o.parse(strconv.Itoa(mid)); return err == nil }() {
			lo = mid
		} else {
			hi = mid
		}
	}
	return json.Number(strconv.Itoa(lo))
}
