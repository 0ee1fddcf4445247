package scenarios

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"
)

// draft07 is the schema dialect editors' YAML language servers support best.
const draft07 = "http://json-schema.org/draft-07/schema#"

func reflector() *jsonschema.Reflector {
	return &jsonschema.Reflector{FieldNameTag: "yaml", DoNotReference: true, ExpandedStruct: true}
}

// Schema returns the JSON Schema (draft-07) of the scenario format, derived
// from the format's Go types so that the two cannot drift apart.
func Schema() ([]byte, error) {
	s := reflector().Reflect(&Scenario{})
	s.Version = draft07
	s.ID = "https://flinksim.dev/scenario.schema.json"
	s.Title = "flinksim scenario"
	s.Description = "A Flink job, its input and its cluster, simulated by flinksim. Units: durations 30s/1h30m/2d, sizes 200B/32kB (SI) or 32KiB (binary), counts 100k/1.5M, rates 100k/s or 50MB/s."
	return json.MarshalIndent(s, "", "  ")
}

func stringWithPattern(pattern, desc string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: pattern, Description: desc}
}

const durationPattern = `^\s*(0|([0-9]+(\.[0-9]+)?\s*(ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)\s*)+)$`

func (Duration) JSONSchema() *jsonschema.Schema {
	return stringWithPattern(durationPattern, "A duration with a unit: 250ms, 30s, 1h30m, 1.5h, 2d.")
}

func (SignedDuration) JSONSchema() *jsonschema.Schema {
	return stringWithPattern(`^\s*-?`+strings.TrimPrefix(durationPattern, `^\s*`), "A duration with a unit, possibly negative: -8h, 30s, 1h30m.")
}

func (Size) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
		{Type: "integer", Minimum: "0"},
		stringWithPattern(`^\s*[0-9]+(\.[0-9]+)?\s*([kKMGTPE]i?)?[bB]?\s*$`, "Bytes: 200B, 32kB (32000), 32KiB (32768), 1.5GB, 1TiB."),
	}}
}

func (Count) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
		{Type: "number", Minimum: "0"},
		stringWithPattern(`^\s*[0-9_]+(\.[0-9]+)?([eE][0-9]+)?\s*[kKMGT]?\s*$`, "A number, optionally with k, M, G or T: 100k, 1.5M."),
	}}
}

func (RateValue) JSONSchema() *jsonschema.Schema {
	return stringWithPattern(`^\s*[0-9_.eE]+\s*[kKMGT]?\s*([kKMGTPE]?i?B)?\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$`,
		"A rate: 100k/s, 6M/min (records) or 50MB/s, 1GiB/s (bytes).")
}

func (Inputs) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
		{Type: "string"},
		{Type: "array", Items: &jsonschema.Schema{Type: "string"}},
	}}
}

// oneOfForms is the schema of a "scalar or one named form" type.
func oneOfForms(scalar *jsonschema.Schema, forms any) *jsonschema.Schema {
	obj := reflector().Reflect(forms)
	obj.Version, obj.ID = "", ""
	obj.MinProperties, obj.MaxProperties = ptr(uint64(1)), ptr(uint64(1))
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{scalar, obj}}
}

// The forms of a one-of type, without its JSONSchema method (which would
// recurse): same fields and tags, no methods.
type (
	distForms Dist
	rateForms RateSpec
)

func (Dist) JSONSchema() *jsonschema.Schema {
	s := oneOfForms(Duration(0).JSONSchema(), &distForms{})
	s.Description = "A duration (constant) or a distribution: {exponential: 5us}, {lognormal: {mean: 5us, p99: 40us}}, {uniform: {min: 1us, max: 9us}}, {mixture: [{weight: 0.9, dist: 5us}, {weight: 0.1, dist: {exponential: 1ms}}]}."
	return s
}

// partForms are the forms of a mixture's part: a Dist's but the mixture
// (which would make the schema recurse without end).
type partForms struct {
	Exponential *Duration      `yaml:"exponential,omitempty"`
	LogNormal   *LogNormalSpec `yaml:"lognormal,omitempty"`
	Uniform     *UniformSpec   `yaml:"uniform,omitempty"`
}

func (MixturePart) JSONSchema() *jsonschema.Schema {
	props := jsonschema.NewProperties()
	props.Set("weight", &jsonschema.Schema{Type: "number", ExclusiveMinimum: "0", Maximum: "1",
		Description: "The share of draws from this part, above 0; a mixture's weights add up to 1."})
	dist := oneOfForms(Duration(0).JSONSchema(), &partForms{})
	dist.Description = "This part's distribution: a duration or one form, not itself a mixture."
	props.Set("dist", dist)
	return &jsonschema.Schema{Type: "object", Properties: props, Required: []string{"weight", "dist"}, AdditionalProperties: jsonschema.FalseSchema}
}

func (RateSpec) JSONSchema() *jsonschema.Schema {
	s := oneOfForms(RateValue{}.JSONSchema(), &rateForms{})
	s.Description = "A constant rate (100k/s) or a profile: steps, ramp, periodic or bursts."
	return s
}

// JSONSchema lists the modelled Flink keys, with their defaults; other keys
// are allowed (they are reported as not modelled, or as unknown).
func (FlinkConfig) JSONSchema() *jsonschema.Schema {
	props := jsonschema.NewProperties()
	for _, o := range flinkOptions {
		p := &jsonschema.Schema{Description: o.Doc}
		if o.Default != "" {
			p.Description += " Flink's default: " + o.Default + "."
		}
		v, _ := o.parse(o.Default)
		if v == nil {
			v, _ = o.parse("1") // the kind of value a key without a default takes
		}
		if v == nil {
			v = ""
		}
		switch reflect.TypeOf(v).Kind() {
		case reflect.Bool:
			p.Type, p.Default = "boolean", v
		case reflect.Int:
			p.Type, p.Default = "integer", v
		case reflect.Float64:
			p.Type, p.Default = "number", v
		case reflect.String:
			p.Type = "string"
			if o.Default != "" {
				p.Default = v
			}
		default: // sizes and durations: "32 kb", "100 ms", or a bare number (bytes, ms)
			p.OneOf = []*jsonschema.Schema{{Type: "string"}, {Type: "integer"}}
			if o.Default != "" {
				p.Default = o.Default
			}
		}
		props.Set(o.Key, p)
		for _, d := range o.Deprecated {
			props.Set(d, &jsonschema.Schema{Type: p.Type, OneOf: p.OneOf, Description: "Deprecated name of " + o.Key + "."})
		}
	}
	return &jsonschema.Schema{Type: "object", Properties: props, AdditionalProperties: jsonschema.TrueSchema,
		Description: "Flink configuration keys, as in Flink's configuration file."}
}

func (VariantSet) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "object", AdditionalProperties: jsonschema.TrueSchema,
		Description: "dotted.path: value overrides, as --set takes them (e.g. flink.execution.checkpointing.interval: 3min)."}
}

func (Fraction) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
		{Type: "number", Minimum: "0", Maximum: "1"},
		stringWithPattern(`^\s*[0-9]+(\.[0-9]+)?\s*%\s*$`, "A share: 20% or 0.2."),
	}}
}
