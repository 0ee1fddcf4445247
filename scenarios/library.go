package scenarios

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed library/*.yaml
var library embed.FS

// BuiltIn is a scenario embedded in the binary.
type BuiltIn struct {
	Name        string
	Description string
	Data        []byte
}

// Library lists the built-in scenarios by name.
func Library() []BuiltIn {
	entries, err := library.ReadDir("library")
	if err != nil {
		panic(err)
	}
	var out []BuiltIn
	for _, e := range entries {
		data, err := library.ReadFile("library/" + e.Name())
		if err != nil {
			panic(err)
		}
		var head struct {
			Description string `yaml:"description"`
		}
		_ = yaml.Unmarshal(data, &head)
		out = append(out, BuiltIn{Name: strings.TrimSuffix(e.Name(), ".yaml"), Description: head.Description, Data: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupBuiltIn returns the built-in scenario called name.
func LookupBuiltIn(name string) (BuiltIn, error) {
	var names []string
	for _, b := range Library() {
		if b.Name == name {
			return b, nil
		}
		names = append(names, b.Name)
	}
	if s, near := Closest(name, names); near {
		return BuiltIn{}, fmt.Errorf("no built-in scenario %q; did you mean %q? (flinksim list shows them all)", name, s)
	}
	return BuiltIn{}, fmt.Errorf("no built-in scenario %q and no such file (built-in: %s)", name, strings.Join(names, ", "))
}
