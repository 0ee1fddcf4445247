package scenarios

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// The flink: block's nested form (config.yaml: execution: {checkpointing:
// {interval: 10s}}), which the loader flattens into dotted keys and checks
// as it checks them flat. Each prefix of Flink's keys is a property of the
// block (taskmanager, execution.checkpointing) taking a map; from Flink
// 1.19 (before, the loader ignores nested keys) the map under a prefix
// takes the prefix's known children only, each checked as the dotted key
// it makes. Under a prefix whose children include a placeholder
// (metrics.reporter.<name>) or a plugin's family (s3., kubernetes.operator.)
// any name may follow: those maps stay open. A dotted name inside a map
// (execution: {checkpointing.interval: 10s}) is checked by its first
// segment only.

// flinkOpenRoots are the prefixes under which any name may follow: where a
// placeholder starts, and the plugins' families.
var flinkOpenRoots = func() []string {
	var out []string
	for _, l := range flinkKeyLines {
		segs := strings.Split(l.name, ".")
		if i := slices.IndexFunc(segs, func(s string) bool { return strings.ContainsAny(s, "<#") }); i > 0 {
			out = append(out, strings.Join(segs[:i], "."))
		}
	}
	for _, p := range flinkPluginPrefixes {
		out = append(out, strings.TrimSuffix(p, "."))
	}
	sort.Strings(out)
	return slices.Compact(out)
}()

// underOpenRoot: any name may follow k's prefix, or k itself.
func underOpenRoot(k string) bool {
	for _, r := range flinkOpenRoots {
		if k == r || strings.HasPrefix(k, r+".") {
			return true
		}
	}
	return false
}

// flinkSchemaKeys are the exact keys the flink: block lists: the modelled
// ones, their older names, and Flink's others.
func flinkSchemaKeys() map[string]bool {
	keys := map[string]bool{}
	for k := range optionByKey {
		keys[k] = true
	}
	for k := range flinkKeys {
		keys[k] = true
	}
	return keys
}

// flinkPrefixes are the dotted prefixes of the keys, of the placeholder
// patterns (up to the placeholder) and of the plugins' families.
func flinkPrefixes(keys map[string]bool) map[string]bool {
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	for _, l := range flinkKeyLines {
		names = append(names, l.name)
	}
	for _, p := range flinkPluginPrefixes {
		names = append(names, p+"x")
	}
	pre := map[string]bool{}
	for _, n := range names {
		segs := strings.Split(n, ".")
		for i := 1; i < len(segs); i++ {
			if p := strings.Join(segs[:i], "."); !strings.ContainsAny(p, "<#") {
				pre[p] = true
			}
		}
	}
	return pre
}

const flinkPropsRef = "#/properties/flink/properties/"

func nestedDefName(prefix string) string { return "flink-nested:" + prefix }

// flinkNested is the nested form's definitions, one for each prefix whose
// children are all known (a map of them), and those prefixes, sorted.
func flinkNested() (map[string]*jsonschema.Schema, []string) {
	keys := flinkSchemaKeys()
	pre := flinkPrefixes(keys)
	children := map[string][]string{}
	for _, set := range []map[string]bool{keys, pre} {
		for n := range set {
			if i := strings.LastIndexByte(n, '.'); i > 0 && pre[n[:i]] {
				children[n[:i]] = append(children[n[:i]], n[i+1:])
			}
		}
	}
	defs := map[string]*jsonschema.Schema{}
	var closed []string
	for p := range pre {
		if !underOpenRoot(p) {
			closed = append(closed, p)
		}
	}
	sort.Strings(closed)
	for _, p := range closed {
		cs := slices.Compact(slices.Sorted(slices.Values(children[p])))
		props := jsonschema.NewProperties()
		dotted := map[string]*jsonschema.Schema{}
		for _, c := range cs {
			full := p + "." + c
			child := &jsonschema.Schema{Ref: flinkPropsRef + full}
			if pre[full] {
				// checkpointing.interval under execution: its first segment
				dotted["^"+regexp.QuoteMeta(c)+`\.`] = &jsonschema.Schema{}
				if !underOpenRoot(full) {
					child = &jsonschema.Schema{AllOf: []*jsonschema.Schema{child, defRef(nestedDefName(full))}}
				}
			}
			props.Set(c, child)
		}
		defs[nestedDefName(p)] = &jsonschema.Schema{Properties: props, PatternProperties: dotted, AdditionalProperties: jsonschema.FalseSchema}
	}
	return defs, closed
}

// flinkNestedRoot checks the flink: block's nested maps where the release
// reads them (1.19 and later; before, the loader warns that they are
// ignored): the scenario's if and else.
func flinkNestedRoot(prefixes []string) (ifOld, elseNested *jsonschema.Schema) {
	var names, nums []any
	var alts []string
	for i, v := range flinkVersions {
		if !flinkRelease(i).before("1.19") {
			continue
		}
		names = append(names, v)
		f, _ := strconv.ParseFloat(v, 64)
		nums = append(nums, f)
		alts = append(alts, regexp.QuoteMeta(v))
	}
	version := jsonschema.NewProperties()
	version.Set("flink-version", &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
		{Type: "string", Enum: names},
		{Type: "string", Pattern: `^\s*(` + strings.Join(alts, "|") + `)(\.[0-9]+)?\s*$`},
		{Type: "number", Enum: nums},
	}})
	ifOld = &jsonschema.Schema{Required: []string{"flink-version"}, Properties: version}
	nested := jsonschema.NewProperties()
	for _, p := range prefixes {
		nested.Set(p, defRef(nestedDefName(p)))
	}
	flink := jsonschema.NewProperties()
	flink.Set("flink", &jsonschema.Schema{Properties: nested})
	return ifOld, &jsonschema.Schema{Properties: flink}
}
