package scenarios

import (
	"encoding/json"
	"regexp"
	"strconv"
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
	loosen(s)
	// more than 0s (and at most 366d, the loader's to check)
	positiveDurations(s, "duration")
	if v, ok := s.Properties.Get("flink-version"); ok {
		s.Properties.Set("flink-version", flinkVersionSchema(v.Description))
	}
	defs, prefixes := flinkNested()
	for k, v := range flinkValueDefinitions() {
		defs[k] = v
	}
	s.Extras = map[string]any{"definitions": defs}
	s.If, s.Else = flinkNestedRoot(prefixes)
	s.Version = draft07
	s.ID = "https://flinksim.dev/scenario.schema.json"
	s.Title = "flinksim scenario"
	s.Description = "A Flink job, its input and its cluster, simulated by flinksim. Units: durations 30s/1h30m/2d, sizes 200B/32kB (SI) or 32KiB (binary), counts 100k/1.5M, rates 100k/s or 50MB/s."
	return json.MarshalIndent(s, "", "  ")
}

func stringWithPattern(pattern, desc string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: pattern, Description: desc}
}

// durationUnitsRE are the units a duration takes (durationUnits).
const durationUnitsRE = `(ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)`

const durationPattern = `^\s*(0|([0-9]+(\.[0-9]+)?\s*` + durationUnitsRE + `\s*)+)$`

// positiveDuration is the schema of a duration the loader takes above 0s
// only ("must be more than 0s"): a string with a unit, not a bare 0 and
// not every part 0 (0s, 0m0s, 0.0h).
func positiveDuration(desc string) *jsonschema.Schema {
	s := stringWithPattern(`^\s*([0-9]+(\.[0-9]+)?\s*`+durationUnitsRE+`\s*)+$`, desc)
	s.Not = &jsonschema.Schema{Pattern: `^\s*(0+(\.0+)?\s*` + durationUnitsRE + `\s*)+$`}
	return s
}

// positiveDurations gives the properties names of s, durations the loader
// takes above 0s only, positiveDuration's schema, their descriptions kept.
func positiveDurations(s *jsonschema.Schema, names ...string) {
	for _, name := range names {
		if p, ok := s.Properties.Get(name); ok {
			s.Properties.Set(name, positiveDuration(p.Description))
		}
	}
}

// The durations the loader refuses at 0s (resolve's "must be more than
// 0s"), bounded so in the schema too.
func (Simulation) JSONSchemaExtend(s *jsonschema.Schema)     { positiveDurations(s, "sample-interval") }
func (SystemOutage) JSONSchemaExtend(s *jsonschema.Schema)   { positiveDurations(s, "for") }
func (StorageEpisode) JSONSchemaExtend(s *jsonschema.Schema) { positiveDurations(s, "for") }
func (PartitionPause) JSONSchemaExtend(s *jsonschema.Schema) { positiveDurations(s, "for") }
func (Watermark) JSONSchemaExtend(s *jsonschema.Schema)      { positiveDurations(s, "idleness") }
func (BurstsSpec) JSONSchemaExtend(s *jsonschema.Schema)     { positiveDurations(s, "every", "duration") }
func (WatermarkAlignment) JSONSchemaExtend(s *jsonschema.Schema) {
	positiveDurations(s, "max-drift", "update-interval")
}

// orZero is a duration's schema: a string with a unit, or a bare 0 (the
// only number the loader takes without one). minimum and maximum apply to
// numbers only, pattern to strings only.
func orZero(s *jsonschema.Schema) *jsonschema.Schema {
	s.Type = ""
	s.Minimum, s.Maximum = "0", "0"
	return withTypes(s, "string", "integer")
}

func (Duration) JSONSchema() *jsonschema.Schema {
	return orZero(stringWithPattern(durationPattern, "A duration with a unit: 250ms, 30s, 1h30m, 1.5h, 2d; or 0."))
}

func (SignedDuration) JSONSchema() *jsonschema.Schema {
	return orZero(stringWithPattern(`^\s*-?`+strings.TrimPrefix(durationPattern, `^\s*`), "A duration with a unit, possibly negative: -8h, 30s, 1h30m; or 0."))
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

// flinkVersionSchema takes what parseFlinkVersion takes: a release as text
// (offered as an enum), a patch release of one ("1.20.1"), and a release
// written unquoted, which YAML reads as a number (2.0; 1.20 reaches the
// schema as 1.2, and the loader reads its text).
func flinkVersionSchema(desc string) *jsonschema.Schema {
	var names, nums []any
	var alts []string
	for _, v := range flinkVersions {
		names = append(names, v)
		f, _ := strconv.ParseFloat(v, 64)
		nums = append(nums, f)
		alts = append(alts, regexp.QuoteMeta(v))
	}
	patch := `^\s*(` + strings.Join(alts, "|") + `)\.[0-9]+\s*$`
	return &jsonschema.Schema{Description: desc, AnyOf: []*jsonschema.Schema{
		{Type: "string", Enum: names},
		stringWithPattern(patch, "A patch release: its minor release's defaults."),
		{Type: "number", Enum: nums},
	}}
}

// withTypes gives s several JSON types ("type": [...]): invopop's Schema
// holds one, so the list goes in Extras, written in its place.
func withTypes(s *jsonschema.Schema, types ...string) *jsonschema.Schema {
	s.Type = ""
	if s.Extras == nil {
		s.Extras = map[string]any{}
	}
	s.Extras["type"] = types
	return s
}

// Patterns of the numbers the loader also takes quoted: it reads a
// scalar's text, whatever YAML's tag ("4" as the Kubernetes operator
// writes it, as well as 4). A whole number takes a count's forms too
// (1e3, 100k, 1.5M: decoder.integer), whole or not to the schema, which
// cannot tell 1.5k from 1.5.
const (
	intText   = `^\s*[+-]?([0-9][0-9_]*(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*[kKMGT]?\s*$`
	floatText = `^\s*[+-]?([0-9][0-9_]*(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$`
)

// loosen makes the reflected schema take what the loader takes beyond the
// Go types: whole numbers and numbers written as quoted text, and free text
// written as a number or true/false (a name 7, a hot key 42). Booleans stay
// booleans: the loader takes true and false only unquoted.
func loosen(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	switch {
	case s.Type == "integer":
		s.Pattern = intText
		withTypes(s, "integer", "string")
	case s.Type == "number":
		s.Pattern = floatText
		withTypes(s, "number", "string")
	case s.Type == "string" && s.Enum == nil && s.Pattern == "":
		withTypes(s, "string", "number", "boolean")
	}
	// Not into oneOf: those are the forms of a type with its own schema
	// (Count's number or text), which must stay apart.
	for _, sub := range append(append([]*jsonschema.Schema{s.Items, s.AdditionalProperties}, s.AnyOf...), s.AllOf...) {
		loosen(sub)
	}
	if s.Properties != nil {
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			loosen(p.Value)
		}
	}
}

// JSONSchemaExtend bounds max-state-size as the loader does
// (checkMaxStateSize): JobManagerCheckpointStorage takes a Java int above
// 0, so 1 to 2147483647 bytes; written with a unit, at least one digit
// that is not 0 (the upper bound is the loader's to check).
func (CheckpointStorage) JSONSchemaExtend(s *jsonschema.Schema) {
	p, ok := s.Properties.Get("max-state-size")
	if !ok || len(p.OneOf) != 2 {
		return
	}
	p.OneOf[0].Minimum, p.OneOf[0].Maximum = "1", "2147483647"
	p.OneOf[1].Pattern = `^\s*([0-9]*[1-9][0-9]*(\.[0-9]+)?|[0-9]+\.[0-9]*[1-9][0-9]*)\s*([kKMGTPE]i?)?[bB]?\s*$`
}
