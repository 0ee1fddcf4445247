package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flinksim/flinksim/scenarios"
)

// A key is swept once and not set: two axes of one key, or an axis of a
// key a flag sets too, would have one value silently replace the other at
// every point. Each such key is refused once, before any point loads.

// blockAxes reads the axes of the scenario's sweep: block (the load has
// checked them), which --set must not set too, under any of their names
// or inside the value it writes.
func blockAxes(file string, data []byte, grid []string, sets []string) ([]scenarios.Axis, error) {
	const by = "the scenario's sweep: block"
	var axes []scenarios.Axis
	for _, g := range grid {
		ax, err := scenarios.ParseGrid(g)
		if err != nil {
			return nil, usageError{fmt.Errorf("sweep.grid: %v", err)}
		}
		axes = append(axes, ax)
	}
	var probs scenarios.Problems
	if p, ok := sweptAndSet(axes, sets, by).(scenarios.Problems); ok {
		probs = append(probs, p...)
	}
	p, err := setElsewhere(file, data, sets, axes, by)
	if err != nil {
		return nil, err
	}
	if probs = append(probs, p...); len(probs) == 0 {
		return axes, nil
	}
	return axes, probs
}

// blockClashes is blockAxes's problems when the scenario does not load
// with the flags (another --set is refused), so that a --set of a key the
// sweep: block sweeps is told with them: the block as the file writes it
// (nil when the file does not load as written either, or has none).
func blockClashes(file string, data []byte, sets []string) error {
	l, err := scenarios.LoadVariant(file, data, nil, scenarios.BaseName)
	if err != nil || l.Scenario.Sweep == nil {
		return nil
	}
	_, err = blockAxes(file, data, l.Scenario.Sweep.Grid, sets)
	var p scenarios.Problems
	if errors.As(err, &p) {
		return p
	}
	return nil
}

// setElsewhere refuses a key of the scenario's sweep: block (by) that a
// --set reaches otherwise than by its key: a list item by its index, a
// Flink option by its other name, or inside the value it writes
// (sinks=[{name: db, capacity: 3k/s}]), as the loader finds when a value
// of the axis is applied with the --set.
func setElsewhere(file string, data []byte, sets []string, axes []scenarios.Axis, by string) (scenarios.Problems, error) {
	var probs scenarios.Problems
	for _, ax := range axes {
		set := ax.Key + "=" + ax.Values[0]
		_, err := scenarios.LoadVariant(file, data, append(slices.Clip(sets), set), scenarios.BaseName)
		var p scenarios.Problems
		if err != nil && !errors.As(err, &p) {
			return nil, err
		}
		for _, q := range p.Errors() {
			if other, how, ok := setOtherwise(q, set); ok {
				probs = append(probs, scenarios.Problem{File: "--set " + other,
					Msg: fmt.Sprintf("%s is swept by %s%s: a key is either swept or set; leave out the flag, or sweep other keys with --grid", ax.Key, by, how)})
			}
		}
	}
	return probs, nil
}

// setOtherwise reports whether q, a problem of loading the scenario with
// set (an axis's key=value) after the --set, is that a --set reaches the
// same field otherwise than by its key (ok), the --set as given (other),
// and how it does: under another path (how says which), or (how "")
// inside the value it writes.
func setOtherwise(q scenarios.Problem, set string) (other, how string, ok bool) {
	key, v, _ := strings.Cut(set, "=")
	c := scenarios.CanonicalKey(key) // the loader's spelling: sinks.0 for sinks[0]
	if q.Also == "" || !slices.ContainsFunc([]string{set, key, c + "=" + v, c}, func(p string) bool { return strings.HasPrefix(q.Msg, p+": ") }) {
		return "", "", false
	}
	for _, h := range []string{", the same list item's field", ", the same Flink option's other name"} {
		if strings.Contains(q.Msg, h) {
			return q.Also, h, true
		}
	}
	return q.Also, "", true
}

// sweptTwice refuses a key given to two --grid, under any of its names (a
// Flink option's older name is the same option, a list item's name and
// its index the same item): each point would set it twice, one value
// silently replacing the other. fieldOf is the field a key names
// (scenarios.FieldKey).
func sweptTwice(axes []scenarios.Axis, fieldOf func(string) string) error {
	var probs scenarios.Problems
	first := map[string]string{}
	for _, ax := range axes {
		k := fieldOf(ax.Key)
		prev, seen := first[k]
		switch {
		case !seen:
			first[k] = ax.Key
		case prev == ax.Key:
			probs = append(probs, scenarios.Problem{File: "--grid", Msg: fmt.Sprintf("%s: swept twice; give its values in one --grid", ax.Key)})
		case strings.HasPrefix(k, "flink."):
			probs = append(probs, scenarios.Problem{File: "--grid", Msg: fmt.Sprintf("%s: swept twice, also as %s, the same Flink option's other name; give its values in one --grid", ax.Key, prev)})
		default:
			probs = append(probs, scenarios.Problem{File: "--grid", Msg: fmt.Sprintf("%s: swept twice, also as %s, the same list item's field (an item is named by its name or its index); give its values in one --grid", ax.Key, prev)})
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}

// sweptAndSet refuses a key that is both swept and set (by --set, --seed or
// --duration), under any of its names: each point's value would silently
// replace the one set. by
// names the sweep: block when the axes are its ("": --grid).
func sweptAndSet(axes []scenarios.Axis, sets []string, by string) error {
	var probs scenarios.Problems
	for _, s := range sets {
		k, origin := setterOf(s)
		for _, ax := range axes {
			if scenarios.CanonicalKey(ax.Key) != scenarios.CanonicalKey(k) {
				continue // an older name of a Flink key is the same key
			}
			if by == "" {
				probs = append(probs, scenarios.Problem{File: "--grid", Msg: fmt.Sprintf("%s: swept, and set by %s: a key is either swept or set; leave out one of them", ax.Key, origin)})
			} else {
				probs = append(probs, scenarios.Problem{File: origin, Msg: fmt.Sprintf("%s is swept by %s: a key is either swept or set; leave out the flag, or sweep other keys with --grid", ax.Key, by)})
			}
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}
