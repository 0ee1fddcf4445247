package main

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/flinksim/flinksim/scenarios"
)

// warnInertAxis warns of a sweep's one axis (--grid) or plan's --target
// whose values all give the same job as simulated: the same models.Spec,
// every setting the simulation reads equal. The points along it differ
// only in their seeds, so a chart along it draws noise and plan's answer
// is none of the key's doing. flink.parallelism.default when every
// operator sets its own parallelism is one (Flink too takes an operator's
// own over the default: StreamGraphGenerator). With two axes or more an
// axis can matter only in combination with another (a network memory
// minimum below what the fraction gives, at one process size but not
// another): not judged. Nor is an axis whose values do not all load (their
// problems are reported), or that a warning already names at every value
// (a key not modelled, or not in the scenario's Flink release). A warning
// at some values only is no such word: incremental=true,false over the
// hashmap backend warns that true is ignored, and the axis is still
// inert, so it is warned of too.
func warnInertAxis(w io.Writer, flag, file string, data []byte, sets []string, axes []scenarios.Axis) {
	if len(axes) != 1 || len(axes[0].Values) < 2 || !inert(file, data, sets, axes[0]) {
		return
	}
	ax := axes[0]
	vs := ax.Values
	if len(vs) > 5 {
		vs = append(slices.Clip(vs[:4]), fmt.Sprintf("… %s (%d values)", vs[len(vs)-1], len(vs)))
	}
	warnf(w, "%s %s: its values %s give the same job (no setting the simulation reads differs: the scenario sets what the key would change, or leaves it unused): points along it differ only in their seeds",
		flag, ax.Key, strings.Join(vs, ", "))
}

// inert reports whether every value of ax loads to the spec of its first,
// the key neither listed as not modelled or inert nor named by a warning
// at every value.
func inert(file string, data []byte, sets []string, ax scenarios.Axis) bool {
	var first *scenarios.Loaded
	flinkKey, _ := strings.CutPrefix(ax.Key, "flink.")
	warned := 0 // values with a warning at ax's key
	for _, v := range ax.Values {
		l, err := scenarios.LoadVariant(file, data, append(slices.Clip(sets), ax.Key+"="+v), scenarios.BaseName)
		if err != nil || slices.Contains(l.NotModelled, flinkKey) || slices.Contains(l.InertFlinkKeys, flinkKey) {
			return false
		}
		if slices.ContainsFunc(l.Warnings, func(p scenarios.Problem) bool { return strings.Contains(p.String(), ax.Key) }) {
			warned++
		}
		if first == nil {
			first = l
		} else if !reflect.DeepEqual(first.Spec, l.Spec) {
			return false
		}
	}
	return warned < len(ax.Values)
}
