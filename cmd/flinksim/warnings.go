package main

import (
	"fmt"
	"io"

	"github.com/flinksim/flinksim/scenarios"
)

// Warnings: what a scenario sets that its runs will not do (an entry Flink
// does not read, a key a flink-version does not have, keys that would
// change the result but are not modelled) and work that may not fit.
// They are printed on stderr with warnf, whatever -q says: run and compare
// print each run's, validate the base's and each variant's as run would.

// warnf prints one warning on w: "flinksim: warning: ...".
func warnf(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "flinksim: warning: "+format+"\n", a...)
}

// flinkConfigWarnings are the messages of a run's warnings: the entries of
// its flink: block Flink does not read (another sets the same option), and
// more (Loaded.Warnings), then the keys that would change the result but
// are not modelled, as one. Keys that cannot change a simulation
// (addresses, ports, security) are left to summary.json.
func flinkConfigWarnings(l *scenarios.Loaded) []string {
	return warningMessages(l.Warnings, l.NotModelled)
}

func warningMessages(ws scenarios.Problems, notModelled []string) []string {
	var ms []string
	for _, p := range ws {
		ms = append(ms, p.String())
	}
	if m := scenarios.NotModelledWarning(notModelled); m != "" {
		ms = append(ms, m)
	}
	return ms
}

// runWarnings are one run's warnings: its name (base, or a variant's) and
// their messages.
type runWarnings struct {
	name string
	msgs []string
}

// printRunWarnings prints the warnings of runs: one every run has once,
// one that only some have (a variant's own flink: keys) once for each,
// after its name.
func printRunWarnings(w io.Writer, runs []runWarnings) {
	if len(runs) == 0 {
		return
	}
	count := map[string]int{}
	for _, r := range runs {
		for _, m := range r.msgs {
			count[m]++
		}
	}
	for _, m := range runs[0].msgs {
		if count[m] == len(runs) {
			warnf(w, "%s", m)
		}
	}
	for _, r := range runs {
		for _, m := range r.msgs {
			if count[m] < len(runs) {
				warnf(w, "%s: %s", r.name, m)
			}
		}
	}
}

// reportRunsFlinkConfig prints the warnings of the runs made
// (printRunWarnings).
func reportRunsFlinkConfig(w io.Writer, runs []runResult) {
	var rw []runWarnings
	for _, r := range runs {
		rw = append(rw, runWarnings{r.name, flinkConfigWarnings(r.loaded)})
	}
	printRunWarnings(w, rw)
}

// reportScenarioWarnings prints the warnings of a scenario loaded: the
// base's, and those of each variant loaded with it (validate's: all of
// them), as run prints the warnings of its runs.
func reportScenarioWarnings(w io.Writer, l *scenarios.Loaded) {
	rw := []runWarnings{{scenarios.BaseName, flinkConfigWarnings(l)}}
	for _, v := range l.VariantWarnings {
		rw = append(rw, runWarnings{v.Name, warningMessages(v.Warnings, v.NotModelled)})
	}
	printRunWarnings(w, rw)
}
