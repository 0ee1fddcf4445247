package scenarios

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadRuns is Load for a run of some of the scenario's runs (run and
// compare --variant; BaseName is the base, nil every run). The runs made
// are checked with the overrides; a run not made is checked with them too,
// but where only the overrides break it (it loads as written) that is no
// problem: --variant X --set k=v applies k=v to X alone, and k may be a
// setting only X allows. The Loaded returned is the base's, as written when
// the overrides break it and it is not made.
func LoadRuns(file string, data []byte, sets []string, runs []string) (*Loaded, error) {
	made := func(name string) bool { return runs == nil || slices.Contains(runs, name) }
	l, err := loadRun(file, data, sets, variantRef{at: -1}, made(BaseName))
	var probs Problems
	if err != nil {
		p, ok := err.(Problems)
		if !ok {
			return nil, err
		}
		if len(p.Errors()) > maxProblems {
			return nil, err // already cut off: the variants would only add more
		}
		probs = append(probs, p...)
	}
	// Each variant is checked with its overrides applied, even when the base
	// has problems, so that all are reported at once (repeats are dropped);
	// the warnings of those made are kept, for the base's Loaded or with
	// the problems.
	var runsWarned []RunWarnings
	if l != nil {
		runsWarned = append(runsWarned, RunWarnings{Name: BaseName, Warnings: l.Warnings, NotModelled: l.NotModelled})
	}
	base := map[Problem]bool{}
	for _, p := range probs {
		base[p] = true
	}
	if !made(BaseName) && len(sets) > 0 && err == nil {
		// Taken as written, the base is not told its problems with the
		// overrides; a variant that has them too is not their cause.
		if _, werr := loadRef(file, data, sets, variantRef{at: -1}); werr != nil {
			p, _ := werr.(Problems)
			for _, q := range p {
				base[q] = true
			}
		}
	}
	for _, v := range variantNames(file, data) {
		isMade := v.name != "" && made(v.name)
		vl, err := loadRun(file, data, sets, v, isMade)
		if err != nil {
			p, _ := err.(Problems)
			probs = append(probs, p.causedBy(v.name, base)...)
			continue
		}
		if isMade {
			runsWarned = append(runsWarned, RunWarnings{Name: v.name, Warnings: vl.Warnings, NotModelled: vl.NotModelled})
		}
	}
	probs = append(probs, checkSweep(file, data, sets, l)...)
	if len(probs) > 0 {
		base := ""
		if l != nil {
			base = NotModelledWarning(l.NotModelled)
		}
		return nil, append(probs, allWarnings(runsWarned)...).sort().sameAsBase(base)
	}
	if len(runsWarned) > 1 {
		l.VariantWarnings = runsWarned[1:]
	}
	return l, nil
}

// loadRun loads one run (the zero variantRef is the base) with the
// overrides; one that is not made and loads as written is taken as
// written.
func loadRun(file string, data []byte, sets []string, v variantRef, made bool) (*Loaded, error) {
	l, err := loadRef(file, data, sets, v)
	if err == nil || made || len(sets) == 0 {
		return l, err
	}
	if w, werr := loadRef(file, data, nil, v); werr == nil {
		return w, nil
	}
	return l, err
}

// checkSweep applies the lowest and highest value of each sweep axis, so that
// a key that does not exist or a value the field refuses is reported before
// a sweep starts, at the axis in the file, or at the --set that wrote the
// grid (l: the base as loaded with it). A warning at the value is none of
// its problems: the sweep's points tell it when they load.
func checkSweep(file string, data []byte, sets []string, l *Loaded) Problems {
	var probs Problems
	for i, item := range gridItems(file, data, sets, l) {
		ax, err := ParseGrid(item.value)
		if err != nil {
			continue // reported by the load
		}
		for _, v := range []string{ax.Values[0], ax.Values[len(ax.Values)-1]} {
			set := ax.Key + "=" + v
			_, err := load(file, data, append(slices.Clip(sets), set), "")
			p, _ := err.(Problems)
			failed := false
			for _, q := range p.Errors() {
				if q.File != "--set "+set {
					continue
				}
				failed = true
				at := Problem{File: item.file, Line: item.line, Col: item.col, Path: fmt.Sprintf("sweep.grid[%d]", i), Msg: set + ": " + q.Msg}
				if q.Path != "" {
					at.Msg = set + ": " + q.Path + ": " + q.Msg
				}
				probs = append(probs, at)
			}
			if failed {
				break // one value is enough to show what is wrong
			}
		}
	}
	return probs
}

// gridItem is an axis of the sweep grid and where it was written: in the
// file at line:col, or by a --set (file "--set ...", no position).
type gridItem struct {
	value, file string
	line, col   int
}

// gridItems are the sweep grid's axes, each where it was written: the
// file's, or with --sets that write the grid (sweep.grid, a sweep mapping
// with a grid, sweep.grid[i]) the grid as the base loaded with them (l),
// an item a --set wrote at the --set and the others at the file's items.
// When the base did not load, the grid is read from the --sets
// themselves (setGrid), so that its problems come with the base's.
func gridItems(file string, data []byte, sets []string, l *Loaded) []gridItem {
	var inFile []gridItem
	for _, n := range sweepItems(data) {
		inFile = append(inFile, gridItem{n.Value, file, n.Line, n.Column})
	}
	whole, byItem := "", map[int]string{}
	for _, s := range sets {
		key, val, _ := strings.Cut(s, "=")
		key = strings.TrimSpace(key)
		var i int
		switch {
		case key == "sweep.grid" || key == "sweep" && writesGrid(val):
			whole, byItem = s, map[int]string{}
		case strings.HasPrefix(key, "sweep.grid["):
			if _, err := fmt.Sscanf(key, "sweep.grid[%d]", &i); err == nil {
				byItem[i] = s
			}
		}
	}
	if whole == "" && len(byItem) == 0 {
		return inFile
	}
	grid := setGrid(whole, byItem, inFile)
	if l != nil {
		grid = nil
		if l.Scenario.Sweep != nil {
			grid = l.Scenario.Sweep.Grid
		}
	}
	var items []gridItem
	for i, g := range grid {
		by := cmp.Or(byItem[i], whole)
		switch {
		case by != "":
			items = append(items, gridItem{value: g, file: "--set " + by})
		case i < len(inFile):
			items = append(items, gridItem{g, file, inFile[i].line, inFile[i].col})
		}
	}
	return items
}

// setGrid is the grid the --sets write, read from their values when the
// base did not load: the whole one's list (or its sweep mapping's grid),
// then each item set, the file's items in between.
func setGrid(whole string, byItem map[int]string, inFile []gridItem) []string {
	var grid []string
	if whole == "" {
		for _, it := range inFile {
			grid = append(grid, it.value)
		}
	} else {
		key, val, _ := strings.Cut(whole, "=")
		if strings.TrimSpace(key) == "sweep" {
			var sw struct{ Grid []string }
			_ = yaml.Unmarshal([]byte(val), &sw) // refused values are the load's problems
			grid = sw.Grid
		} else {
			_ = yaml.Unmarshal([]byte(val), &grid)
		}
	}
	for i, s := range byItem {
		if _, val, _ := strings.Cut(s, "="); i >= 0 && i < len(grid) {
			grid[i] = strings.TrimSpace(val)
		}
	}
	return grid
}

// writesGrid reports whether a --set sweep=val writes the grid: val is
// not a mapping (null: no sweep), or a mapping with a grid (one without
// is merged key by key into the file's sweep, its grid kept).
func writesGrid(val string) bool {
	var m map[string]any
	if yaml.Unmarshal([]byte(val), &m) != nil || m == nil {
		return true
	}
	_, ok := m["grid"]
	return ok
}

// sweepItems returns the items of sweep.grid in the file.
func sweepItems(data []byte) []*yaml.Node {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	find := func(m *yaml.Node, key string) *yaml.Node {
		if m == nil || m.Kind != yaml.MappingNode {
			return nil
		}
		for k := 0; k+1 < len(m.Content); k += 2 {
			if m.Content[k].Value == key {
				return m.Content[k+1]
			}
		}
		return nil
	}
	grid := find(find(doc.Content[0], "sweep"), "grid")
	if grid == nil || grid.Kind != yaml.SequenceNode {
		return nil
	}
	var items []*yaml.Node
	for _, it := range grid.Content {
		if it.Kind == yaml.ScalarNode {
			items = append(items, it)
		}
	}
	return items
}

// variantRef names a variant to load: by its name, or (at >= 0) by its
// place in the list, for one whose name cannot select it (not simple, the
// base's, or two variants'), so that its overrides are checked all the
// same. The zero name with at -1 is the base.
type variantRef struct {
	name string
	at   int
}

// VariantNames are the names of a scenario's variants that can be run by
// name, for a command that checks its --variant before the runs load.
func VariantNames(file string, data []byte) []string {
	var names []string
	for _, v := range variantNames(file, data) {
		if v.name != "" {
			names = append(names, v.name)
		}
	}
	return names
}

// variantNames lists the variants: by name those that can be loaded by it
// (simple, unique and not the base's), the others, and one without a
// name:, by their place (the base load reports their names).
func variantNames(file string, data []byte) []variantRef {
	d := newDecoder(file)
	root := parseYAML(d, data)
	if root == nil {
		return nil
	}
	var names []string
	var at []int
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "variants" {
			continue
		}
		list := d.resolve(root.Content[i+1])
		if list == nil || list.Kind != yaml.SequenceNode {
			return nil
		}
		for j, item := range list.Content {
			item = d.resolve(item)
			if item == nil || item.Kind != yaml.MappingNode {
				continue
			}
			named := false
			for k := 0; k+1 < len(item.Content); k += 2 {
				if item.Content[k].Value == "name" {
					n := item.Content[k+1].Value
					seen[n]++
					names, at, named = append(names, n), append(at, j), true
				}
			}
			if !named { // checked by its place, as one whose name is refused: its set: has problems too
				names, at = append(names, ""), append(at, j)
			}
		}
	}
	refs := make([]variantRef, len(names))
	for i, n := range names {
		refs[i] = variantRef{name: n, at: -1}
		if seen[n] > 1 || !simpleName.MatchString(n) || n == BaseName {
			refs[i] = variantRef{at: at[i]}
		}
	}
	return refs
}

// sameAsBase drops a variant's warning of keys not modelled (ofVariant)
// that is the base's (base, or the one at no path): said once, as
// allWarnings says it.
func (ps Problems) sameAsBase(base string) Problems {
	for _, p := range ps {
		if p.Warning && p.File == "" && p.Path == "" {
			base = p.Msg
		}
	}
	return slices.DeleteFunc(ps, func(p Problem) bool {
		return p.Warning && p.File == "" && p.Path != "" && p.Msg == base
	})
}
