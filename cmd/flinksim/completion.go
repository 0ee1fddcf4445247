package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// Dynamic shell completion (flinksim completion SHELL installs it): a
// SCENARIO argument completes to the built-in scenarios and the YAML files
// and directories under what is typed; --variant to the variants of the
// scenario given, --set, --grid and --target to its dotted keys, --expect
// to the outcomes, plan's --for and sweep's --outcome to the outcome names.

// registerCompletions walks the commands and adds completion to every
// SCENARIO argument and to the flags above.
func registerCompletions(c *cobra.Command) {
	if strings.Contains(c.Use, "SCENARIO") && c.ValidArgsFunction == nil {
		c.ValidArgsFunction = completeScenarioArg
	}
	flags := map[string]cobra.CompletionFunc{
		"variant": completeVariants,
		"set":     completeSetKeys,
		"grid":    completeAxisKeys,
		"target":  completeAxisKeys,
		"expect":  cobra.FixedCompletions(result.Outcomes(), cobra.ShellCompDirectiveNoFileComp),
		"for":     completeConditions,
		"outcome": cobra.FixedCompletions(sweep.OutcomeNames(), cobra.ShellCompDirectiveNoFileComp),
	}
	for name, fn := range flags {
		if c.Flags().Lookup(name) != nil {
			_ = c.RegisterFlagCompletionFunc(name, fn)
		}
	}
	for _, sub := range c.Commands() {
		registerCompletions(sub)
	}
}

// completeScenarioArg completes the first argument: built-in scenarios, and
// YAML files and directories (ending in /, completed further without a
// space). Later arguments (merge's shard files) are files.
func completeScenarioArg(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var out []cobra.Completion
	for _, b := range scenarios.Library() {
		if strings.HasPrefix(b.Name, toComplete) {
			out = append(out, cobra.CompletionWithDesc(b.Name, b.Description))
		}
	}
	dirs := 0
	matches, _ := filepath.Glob(globEscape(toComplete) + "*")
	for _, m := range matches {
		st, err := os.Stat(m)
		switch {
		case err != nil:
		case st.IsDir():
			out = append(out, m+string(filepath.Separator))
			dirs++
		case strings.HasSuffix(m, ".yaml") || strings.HasSuffix(m, ".yml"):
			out = append(out, m)
		}
	}
	directive := cobra.ShellCompDirectiveNoFileComp
	if dirs == 1 && len(out) == 1 {
		directive |= cobra.ShellCompDirectiveNoSpace // go on into the directory
	}
	return out, directive
}

// globEscape quotes the characters filepath.Match treats specially.
func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}

// completionScenario reads the scenario named by the first argument, for
// completing its flags; nil when there is none or it cannot be read
// (standard input is not read: it is the user's to type).
func completionScenario(args []string) []byte {
	if len(args) == 0 || args[0] == "-" {
		return nil
	}
	if st, err := os.Stat(args[0]); err == nil && !st.IsDir() {
		data, err := scenarios.ReadFile(args[0])
		if err != nil {
			return nil
		}
		return data
	}
	b, err := scenarios.LookupBuiltIn(args[0])
	if err != nil {
		return nil
	}
	return b.Data
}

// completeVariants completes --variant: base and the scenario's variants.
func completeVariants(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	data := completionScenario(args)
	if data == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := []cobra.Completion{cobra.CompletionWithDesc(scenarios.BaseName, "the scenario as written")}
	for _, v := range variantsOf(data) {
		out = append(out, cobra.CompletionWithDesc(v.Name, v.Description))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeSetKeys completes the key of --set key=value (and of --grid and
// --target): the scenario's fields, its sources', operators' and sinks'
// by name, and flink.<key> for every modelled Flink key. The value is the
// user's: no space follows the key, and nothing completes after "=".
func completeSetKeys(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	const directive = cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, k := range setKeys(completionScenario(args), setVersion(cmd)) {
		if strings.HasPrefix(k, toComplete) {
			out = append(out, k+"=")
		}
	}
	return out, directive
}

// completeAxisKeys completes the key of --grid and --target: --set's but
// seed, which each run derives (scenarios.SeedNotSwept).
func completeAxisKeys(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	keys, d := completeSetKeys(cmd, args, toComplete)
	return slices.DeleteFunc(keys, func(k cobra.Completion) bool { return k == "seed=" }), d
}

// setVersion is the flink-version a --set already on the command line
// gives ("" for none): the last, as the loader takes it.
func setVersion(cmd *cobra.Command) string {
	sets, _ := cmd.Flags().GetStringArray("set")
	version := ""
	for _, s := range sets {
		if v, ok := strings.CutPrefix(s, "flink-version="); ok {
			version = v
		}
	}
	return version
}

// setKeys lists the dotted keys --set takes for a scenario (data may be
// nil: then the fields of the scenario and the Flink keys), the Flink keys
// under the names the scenario's flink-version reads, or version when a
// --set gives one.
func setKeys(data []byte, version string) []string {
	var keys []string
	for _, k := range fieldPaths(reflect.TypeFor[scenarios.Scenario](), "") {
		if k != "flink" && !strings.HasPrefix(k, "flink.") {
			keys = append(keys, k)
		}
	}
	var s struct {
		FlinkVersion              string `yaml:"flink-version"`
		Sources, Operators, Sinks []struct {
			Name string `yaml:"name"`
		}
	}
	if data != nil && yaml.Unmarshal(data, &s) == nil {
		lists := []struct {
			name  string
			items []struct {
				Name string `yaml:"name"`
			}
			typ reflect.Type
		}{{"sources", s.Sources, reflect.TypeFor[scenarios.Source]()},
			{"operators", s.Operators, reflect.TypeFor[scenarios.Operator]()},
			{"sinks", s.Sinks, reflect.TypeFor[scenarios.Sink]()}}
		for _, l := range lists {
			for _, it := range l.items {
				if it.Name != "" {
					keys = append(keys, fieldPaths(l.typ, l.name+"."+it.Name)...)
				}
			}
		}
	}
	// under the names the scenario's flink-version (or --set's) reads
	if version != "" {
		s.FlinkVersion = version
	}
	for _, k := range scenarios.ModelledFlinkKeysIn(s.FlinkVersion) {
		keys = append(keys, "flink."+k)
	}
	return keys
}

// fieldPaths lists the dotted paths of t's fields under prefix: a plain
// struct's fields one by one, anything else (a value with units, a
// distribution, a list) as one key.
func fieldPaths(t reflect.Type, prefix string) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || name == "name" && prefix != "" {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		_, custom := ft.MethodByName("JSONSchema") // one value in the file: units, a distribution, inputs
		switch {
		case custom:
			out = append(out, path)
		case ft.Kind() == reflect.Slice:
			// lists are addressed by item; only the three above are completed
		case ft.Kind() == reflect.Struct:
			out = append(out, fieldPaths(ft, path)...)
		default:
			out = append(out, path)
		}
	}
	return out
}

// completeConditions completes plan's --for: stable, or an outcome name
// followed by the comparison the user types (stable is one of them too).
func completeConditions(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, n := range append([]string{"stable"}, sweep.OutcomeNames()...) {
		if strings.HasPrefix(n, toComplete) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
