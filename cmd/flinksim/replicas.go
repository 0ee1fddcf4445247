package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
	"github.com/flinksim/flinksim/sim"
)

// Replicas: compare and sweep run a scenario several times with derived
// seeds and count how many runs ended in each outcome, so that a result
// that hinges on chance (a knife edge) shows as one.

// mixed marks a variant or point whose replicas did not all end the same;
// mixedNote explains it under a table.
const (
	mixed     = "MIXED"
	mixedNote = mixed + ": outcome differs between seeds: the result hinges on chance"
)

// tallyCell is a table cell of a tally: "stable 3/3", or
// "MIXED stable 2/3, failover 1/3".
func tallyCell(t sweep.Tally) string {
	if t.Mixed() {
		return mixed + " " + t.String()
	}
	return t.String()
}

// checkReplicas checks --replicas as sweep does: from 1 to
// sweep.MaxPoints.
func checkReplicas(n int) error {
	if n < 1 || n > sweep.MaxPoints {
		return flagError("replicas", "%d: must be from 1 to %d", n, sweep.MaxPoints)
	}
	return nil
}

// maxMixedShown is how many MIXED points a sweep prints.
const maxMixedShown = 10

// printMixed prints how many of a sweep's points are MIXED, and the first
// of them with their tallies.
func printMixed(w io.Writer, stats []sweep.Stats, replicas int) {
	var knife []sweep.Stats
	for _, s := range stats {
		if s.Tally.Mixed() {
			knife = append(knife, s)
		}
	}
	if len(knife) == 0 {
		fmt.Fprintf(w, "every point ended the same in all %s\n", human.Plural(replicas, "replica"))
		return
	}
	fmt.Fprintf(w, "%s: %d of %s; outcome differs between seeds: the result hinges on chance\n", mixed, len(knife), human.Plural(len(stats), "point"))
	for i, s := range knife {
		if i == maxMixedShown {
			fmt.Fprintf(w, "  ... and %d more (points.jsonl has every run)\n", len(knife)-maxMixedShown)
			break
		}
		fmt.Fprintf(w, "  %s  %s\n", s.Key, s.Tally)
	}
}

// replicaKey is the key from which compare derives its replicas' seeds,
// as sweep derives a point's from its key (sweep.PointSeed). It is the same
// for every variant, so that the variants of a replica see the same
// traffic and the same failures, as compare's runs do without replicas.
const replicaKey = ""

// replicate makes each of runs n runs: replica k's seed is derived from
// the run's seed (the scenario's, or a variant's own) as a sweep derives
// replica k's of a point, replica 0 included; replica 0 is loaded again
// with its seed (its outputs are the ones written).
func replicate(runs []runResult, n int, file string, data []byte, o runOptions) error {
	if n*len(runs) > sweep.MaxPoints {
		return flagError("replicas", "%d: must be from 1 to %d with %s to compare (at most %d runs in all)",
			n, sweep.MaxPoints/len(runs), human.Plural(len(runs), "run"), sweep.MaxPoints)
	}
	for i := range runs {
		r := &runs[i]
		name := r.name
		r.reload = func(seed uint64) (*scenarios.Loaded, error) {
			sets := append(append([]string(nil), o.allSets()...), "seed="+strconv.FormatUint(seed, 10))
			l, err := scenarios.LoadVariant(file, data, sets, name)
			o.stamp(l)
			return l, err
		}
		r.seeds = make([]uint64, n)
		for k := range r.seeds {
			r.seeds[k] = sweep.PointSeed(r.loaded.Spec.Seed, replicaKey, k)
		}
		r.verdicts = make([]string, n)
		l, err := r.reload(r.seeds[0])
		if err != nil {
			return err
		}
		r.loaded = l
	}
	return nil
}

// runReplica runs replica k (k > 0) of r and keeps its verdict only.
func runReplica(r *runResult, k int, at func(sim.Time)) error {
	l, err := r.reload(r.seeds[k])
	if err != nil {
		return fmt.Errorf("%s replica %d: %w", r.name, k, err)
	}
	res, err := scenarios.Run(l, at)
	if err != nil {
		return fmt.Errorf("%s replica %d: %w", r.name, k, err)
	}
	r.verdicts[k] = res.Summary.Verdict.Outcome
	return nil
}

// replicated says the runs were made with replicas: how many each, or 0.
func replicated(runs []runResult) int {
	if len(runs) == 0 || len(runs[0].seeds) < 2 {
		return 0
	}
	return len(runs[0].seeds)
}

// withReplicas adds to an outcome table of replicated runs the column of
// how many replicas ended in each outcome (after "outcome") and notes that
// say which replica the other columns are and what MIXED means.
func withReplicas(t table, runs []runResult) table {
	n := replicated(runs)
	if n == 0 {
		return t
	}
	t.header = slices.Insert(t.header, 2, "replicas")
	t.left = 3
	anyMixed, seed0, oneSeed := false, runs[0].seeds[0], true
	for i, r := range runs {
		tl := sweep.TallyVerdicts(r.verdicts)
		anyMixed = anyMixed || tl.Mixed()
		t.rows[i] = slices.Insert(t.rows[i], 2, tallyCell(tl))
		oneSeed = oneSeed && r.seeds[0] == seed0 // else a variant sets its own seed
	}
	if anyMixed {
		t.notes = append(t.notes, mixedNote+".")
	}
	t.notes = append(t.notes, fmt.Sprintf("replicas: how many of each variant's %s ended in each outcome; seeds derived as sweep derives them, listed in replicas.csv.", human.Plural(n, "run")))
	which := "replica 0"
	if oneSeed {
		which = fmt.Sprintf("replica 0 (seed %d)", seed0)
	}
	t.notes = append(t.notes, fmt.Sprintf("The other columns and the charts are %s, whose outputs are in <variant>/.", which))
	return t
}

// replicaColumns are compare.csv's columns with replicas: replica 0's
// seed, the number of replicas, the tally and whether it is mixed.
var replicaColumns = []string{"seed", "replicas", "outcomes", "mixed"}

func replicaCells(r runResult) []string {
	tl := sweep.TallyVerdicts(r.verdicts)
	return []string{strconv.FormatUint(r.seeds[0], 10), strconv.Itoa(len(r.seeds)), tl.String(), strconv.FormatBool(tl.Mixed())}
}

// replicasCSV lists every replica of every run: variant, replica, seed,
// outcome (a replica is made again with flinksim run --variant VARIANT
// --seed SEED and the same --duration and --set).
func replicasCSV(w io.Writer, runs []runResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"variant", "replica", "seed", "outcome"})
	for _, r := range runs {
		for k, seed := range r.seeds {
			cw.Write([]string{r.name, strconv.Itoa(k), strconv.FormatUint(seed, 10), r.verdicts[k]})
		}
	}
	cw.Flush()
	return cw.Error()
}

// stableLine names the runs that stayed stable (in every replica), or
// returns "" when none did.
func stableLine(runs []runResult) string {
	n := replicated(runs)
	if n == 0 {
		if stable := stableNames(runs); len(stable) > 0 {
			return "stable: " + strings.Join(stable, ", ")
		}
		return ""
	}
	var names []string
	for _, r := range runs {
		if tl := sweep.TallyVerdicts(r.verdicts); len(tl) == 1 && tl[0].Verdict == result.PhaseStable {
			names = append(names, r.name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("stable in all %s: %s", human.Plural(n, "replica"), strings.Join(names, ", "))
}
