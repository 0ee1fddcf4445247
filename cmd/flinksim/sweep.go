package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/internal/atomicfile"
	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// sweepOptions are the flags shared by sweep, sweep plan and sweep merge.
type sweepOptions struct {
	runOptions
	grids    []string
	replicas int
	// replicasSet: --replicas was given (0 is then refused, not the default)
	replicasSet bool
	shard       string
	shards      int
	// shardsSet: --shards was given (0 is then refused, not the default)
	shardsSet bool
	outcomes  []string
	yes       bool // start a sweep of more than confirmRuns runs without asking
}

// gridFlag names where the axes come from, in the warnings of a point's
// settings: --grid, or the scenario's sweep: block.
func (o sweepOptions) gridFlag() string {
	if len(o.grids) == 0 {
		return "sweep.grid"
	}
	return "--grid"
}

func (o *sweepOptions) gridFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringArrayVar(&o.grids, "grid", nil, "an axis: key=v1,v2,... or key=lo..hi/n (repeatable; default: the scenario's sweep: block)")
	f.IntVar(&o.replicas, "replicas", 0, "runs per point, each with its own seed (default: the sweep: block's, or 1)")
	f.StringVar(&o.seed, "seed", "", "the scenario's seed, from which every point's seed is derived")
	f.StringVar(&o.duration, "duration", "", "virtual time of each run, e.g. 1h")
	f.StringArrayVar(&o.sets, "set", nil, "override a field in every run: dotted.path=value (repeatable)")
}

func newSweepCmd() *cobra.Command {
	var o sweepOptions
	c := &cobra.Command{
		Use:   "sweep SCENARIO",
		Short: "Run a scenario over a grid of settings and map where it stays healthy",
		Long: `Run every point of a grid (--grid, or the scenario's sweep: block), in parallel
on all cores, and write DIR/points.jsonl (one line per run: key, params,
replica, seed, outcome) with charts: a line per outcome for one axis (min/max
band over replicas), a heat map per outcome for two, with the boundary of the
stable region, and index.html. With --replicas R > 1, what sweep prints and
index.html's table count how many replicas of each point ended in each
outcome ("stable 2/3, overload 1/3"), marked MIXED where they differ: the
result hinges on chance there.

Each point's seed is derived from the scenario's seed, the point's key and the
replica, so results do not depend on -j or on how the sweep is split. To run
on many machines: --shard i/n runs one slice into DIR/shard-i-of-n.jsonl (the
index may come from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID with
--shards n); "flinksim sweep merge" joins the shards and draws the charts.

Each finished run is kept at once in DIR/points.jsonl.partial (or
DIR/shard-i-of-n.jsonl.partial); an interrupted sweep started again with the
same scenario and flags skips the runs kept there, and the finished outputs
are the same bytes as an uninterrupted sweep's. A sweep of more than 10,000
runs asks first (--yes starts it without asking). A scenario's variants are
not swept, only its base (a note says so): give a variant's settings as --set.`,
		Example: `  flinksim sweep backpressure --grid sinks.jdbc.capacity=20k/s..200k/s/10 --out sweep
  flinksim sweep backpressure --grid sinks.jdbc.capacity=20k/s..200k/s/10 --grid flink.parallelism.default=2,4,8 --replicas 3 --out sweep
  flinksim sweep backpressure --grid sinks.jdbc.capacity=20k/s..200k/s/10 --shard 0/2 --out sweep`,
		Args:        exactArgs(1, "one scenario: a file or a built-in name"),
		Annotations: map[string]string{collectsFlags: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.chatter(cmd)
			o.shardsSet = cmd.Flags().Changed("shards")
			o.replicasSet = cmd.Flags().Changed("replicas")
			return runSweep(args[0], o, newFlagCheck(cmd), cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.gridFlags(c)
	f := c.Flags()
	f.StringVar(&o.out, "out", "out", "directory for the outputs")
	f.IntVarP(&o.jobs, "jobs", "j", 0, "runs at once (default: one per core); results do not depend on it")
	f.StringVar(&o.shard, "shard", "", "run only slice i of n (0-based), e.g. 3/10")
	f.IntVar(&o.shards, "shards", 0, "run the slice given by JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, of this many")
	f.StringArrayVar(&o.outcomes, "outcome", nil, "outcome to chart (repeatable; default: stable, latency_p99_s, lag_end, sink_rps, and checkpoint_duration_max_s and restarts when some run had checkpointing on)")
	f.BoolVar(&o.noPlots, "no-plots", false, "write points.jsonl only")
	f.BoolVar(&o.yes, "yes", false, "start a sweep of more than 10,000 runs without asking")
	maxMemoryFlag(c, &o.maxMemory)
	c.AddCommand(newSweepPlanCmd(), newSweepMergeCmd())
	return c
}

func newSweepPlanCmd() *cobra.Command {
	var o sweepOptions
	c := &cobra.Command{
		Use:   "plan SCENARIO",
		Short: "List the points of a sweep: index, key, replica, seed (and shard with --shards)",
		Example: `  flinksim sweep plan backpressure --grid sinks.jdbc.capacity=20k/s..200k/s/10 --replicas 3
  flinksim sweep plan backpressure --grid sinks.jdbc.capacity=20k/s..200k/s/10 --shards 4`,
		Args:        exactArgs(1, "one scenario: a file or a built-in name"),
		Annotations: map[string]string{collectsFlags: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.chatter(cmd)
			o.replicasSet = cmd.Flags().Changed("replicas")
			fc := newFlagCheck(cmd)
			if o.shards < 0 || o.shards == 0 && cmd.Flags().Changed("shards") {
				fc.addf("shards", "%d: must be 1 or more", o.shards)
			}
			r, plan, base, err := loadPlan(args[0], o, fc, o.notes(cmd.ErrOrStderr()), cmd.ErrOrStderr(), true)
			if err != nil {
				return err
			}
			if err := planWarnings(r, plan, base, o.gridFlag(), cmd.ErrOrStderr(), o.notes(cmd.ErrOrStderr())); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, pt := range plan.Points {
				fmt.Fprintf(w, "%d\t%s\treplica=%d\tseed=%d", pt.Index, pt.Key, pt.Replica, pt.Seed)
				if o.shards > 0 {
					fmt.Fprintf(w, "\tshard=%d/%d", sweep.ShardOf(pt, o.shards), o.shards)
				}
				fmt.Fprintln(w)
			}
			return nil
		},
	}
	o.gridFlags(c)
	c.Flags().IntVar(&o.shards, "shards", 0, "also show which of this many shards runs each point")
	return c
}

func newSweepMergeCmd() *cobra.Command {
	var o sweepOptions
	c := &cobra.Command{
		Use:   "merge SCENARIO [SHARD_FILE ...]",
		Short: "Join shard files (default DIR/shard-*.jsonl) into DIR/points.jsonl and draw the charts",
		Long: `Join the shard files of a sweep run with --shard: records are put in plan order,
identical duplicates (a retried worker may write twice) are dropped, and a
shard file of another plan (each record names its plan: the scenario, --set,
--seed, --duration, --grid and --replicas it ran with), or two records of
one run that differ (a corrupt file or a run that is not deterministic),
each named with its file and line, is refused (exit code 2).
Missing points are named (exit code 1) and nothing is written: a partial
points.jsonl would read as a finished sweep. Give the same scenario,
--grid, --replicas, --seed, --duration and --set as the sweep.`,
		Example: `  flinksim sweep merge backpressure --grid sinks.jdbc.capacity=20k/s..200k/s/10 --out sweep
  flinksim sweep merge backpressure --grid sinks.jdbc.capacity=20k/s..200k/s/10 --out sweep sweep/shard-0-of-2.jsonl sweep/shard-1-of-2.jsonl`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usageError{fmt.Errorf("expects a scenario and, optionally, shard files")}
			}
			return nil
		},
		Annotations: map[string]string{collectsFlags: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.replicasSet = cmd.Flags().Changed("replicas")
			return mergeSweep(args[0], args[1:], o, newFlagCheck(cmd), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.gridFlags(c)
	f := c.Flags()
	f.StringVar(&o.out, "out", "out", "directory of the shard files and the outputs")
	f.StringArrayVar(&o.outcomes, "outcome", nil, "outcome to chart (repeatable)")
	f.BoolVar(&o.noPlots, "no-plots", false, "write points.jsonl only")
	return c
}

// loadPlan reads the scenario and builds the sweep's plan. The problems of
// the flags (those fc holds, --replicas, every --grid and each of its
// values), and of the scenario, are reported together. notes (nil: none)
// is told when the scenario has variants, which a sweep does not run;
// warnings (nil: none) has the base's warnings.
// parseGrids reads every --grid into an axis, its problems told in fc, and
// a sweep of more than sweep.MaxPoints runs (all of them read) told with
// them: the axes, keys (also the axes whose values are refused, by their
// key alone) and each axis's --grid as written.
func parseGrids(o sweepOptions, fc *flagCheck) (axes, keys []scenarios.Axis, given []string) {
	for _, g := range o.grids {
		ax, err := scenarios.ParseGrid(g)
		if err != nil {
			for _, e := range scenarios.GridErrors(err) {
				fc.addf("grid", "%v", e)
			}
			if k, _, ok := strings.Cut(g, "="); ok {
				keys = append(keys, scenarios.Axis{Key: strings.TrimSpace(k)})
			}
			continue
		}
		axes, given = append(axes, ax), append(given, strings.TrimSpace(g))
	}
	replicasOK := o.replicas == 0 && !o.replicasSet || checkReplicas(o.replicas) == nil
	if len(axes) > 0 && len(axes) == len(o.grids) && !sweptTwiceAs(axes) && replicasOK { // counted once each is right
		if err := sweep.CheckSize(axes, o.replicas); err != nil {
			fc.addf("grid", "%v", err)
		}
	}
	return axes, keys, given
}

// sweptTwiceAs reports whether two axes sweep one key (as written or
// under another name of a Flink option): sweptTwice tells it.
func sweptTwiceAs(axes []scenarios.Axis) bool {
	seen := map[string]bool{}
	for _, ax := range axes {
		k := scenarios.CanonicalKey(ax.Key)
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}

// loadPlan loads a sweep's scenario (its base) and plans its points from
// the --grid flags or its sweep: block, every problem with them reported
// at once. The base's warnings go to warnings unless pointsLater: then the
// caller prints them with its points' (pointWarnings), those some point
// has.
func loadPlan(arg string, o sweepOptions, fc *flagCheck, notes, warnings io.Writer, pointsLater bool) (*sweep.Runner, *sweep.Plan, *scenarios.Loaded, error) {
	if fc == nil {
		fc = &flagCheck{}
	}
	if o.replicas != 0 || o.replicasSet {
		fc.add(checkReplicas(o.replicas))
	}
	fc.add(o.setTwice())
	axes, keys, given := parseGrids(o, fc)
	fc.add(sweptAndSet(append(keys, axes...), o.allSets(), ""))
	file, data, base, err := loadBase(arg, o.allSets())
	fieldOf := scenarios.CanonicalKey // the scenario unread: a Flink option's names alone
	if data != nil {
		fieldOf = func(key string) string { return scenarios.FieldKey(file, data, o.allSets(), key) }
	}
	fc.add(sweptTwice(append(keys, axes...), fieldOf))
	if data != nil {
		fc.add(checkGridValues(file, data, o.allSets(), axes, given, err))
	} else {
		fc.add(flagValueProblems(o.allSets())) // no scenario to load them with
	}
	if err != nil && data != nil && len(o.grids) == 0 {
		fc.add(blockClashes(file, data, o.allSets())) // told with the other --set's problems
	}
	if err := fc.joinLoaded(base, err); err != nil {
		return nil, nil, nil, err
	}
	replicas := max(o.replicas, 1)
	if sw := base.Scenario.Sweep; sw != nil {
		if len(o.grids) == 0 {
			if axes, err = blockAxes(file, data, sw.Grid, o.allSets()); err != nil {
				return nil, nil, nil, err
			}
		}
		if o.replicas == 0 {
			replicas = *sw.Replicas
		}
	}
	if len(axes) == 0 {
		return nil, nil, nil, usageError{fmt.Errorf("nothing to sweep: give --grid key=v1,v2,... or key=lo..hi/n, or a sweep: block in the scenario")}
	}
	if warnings != nil {
		if !pointsLater {
			reportScenarioWarnings(warnings, base)
		}
		warnInertAxis(warnings, "--grid", file, data, o.allSets(), axes)
	}
	plan, err := sweep.NewPlan(axes, replicas, base.Spec.Seed)
	if err != nil {
		return nil, nil, nil, usageError{err}
	}
	plan.Scenario = base.Scenario.Name
	if len(base.Variants) > 0 && notes != nil {
		var names []string
		for _, v := range base.Variants {
			names = append(names, v.Name)
		}
		fmt.Fprintf(notes, "flinksim: note: %s has variants (%s); a sweep runs the scenario as written (its base) only: to sweep a variant, give its settings as --set\n",
			base.Scenario.Name, strings.Join(names, ", "))
	}
	r := &sweep.Runner{File: file, Data: data, Sets: o.allSets(), Plan: plan, Jobs: o.jobs}
	return r, plan, base, nil
}

// settersOf is the flags among sets (setterOf) that set key under any of
// its names (an older name of a Flink key is the same key).
func settersOf(key string, sets []string) []string {
	var out []string
	for _, s := range sets {
		if k, origin := setterOf(s); scenarios.CanonicalKey(key) == scenarios.CanonicalKey(k) {
			out = append(out, origin)
		}
	}
	return out
}

// setterOf is the key an entry of allSets sets (--set's, or --seed=... and
// --duration=...), and the flag as a problem names it: "--set k=v", or
// the flag.
func setterOf(s string) (key, origin string) {
	key, _, _ = strings.Cut(s, "=")
	origin = "--set " + s
	if flag, isFlag := strings.CutPrefix(key, "--"); isFlag {
		origin, key = key, flag
	}
	return key, origin
}

func shardFile(dir string, i, n int) string {
	return filepath.Join(dir, fmt.Sprintf("shard-%d-of-%d.jsonl", i, n))
}

// checkOutcomes checks every --outcome before any run.
func checkOutcomes(outcomes []string) error {
	fc := &flagCheck{}
	for i, o := range outcomes {
		if _, err := (sweep.Outcome{}).Get(o); err != nil {
			fc.addf("outcome", "%v", err)
		} else if slices.Index(outcomes, o) < i && slices.Index(outcomes[i+1:], o) < 0 {
			fc.addf("outcome", "%s: given twice; give each once", o) // once, at its last
		}
	}
	return fc.join(nil)
}

func runSweep(arg string, o sweepOptions, fc *flagCheck, stdin io.Reader, stdout, stderr io.Writer) error {
	fc.add(checkJobs(o.jobs))
	fc.add(checkMaxMemory(o.maxMemory))
	fc.add(checkOutcomes(o.outcomes))
	shard, shards, err := sweepShard(o)
	fc.add(err)
	fc.add(checkSweepOutFlag(o.out))
	r, plan, base, err := loadPlan(arg, o, fc, o.notes(stderr), stderr, true)
	if err != nil {
		return err
	}
	points := plan.Points
	if shards > 0 {
		points = plan.Shard(shard, shards)
	}
	path, made, err := sweepOut(o.out, shard, shards)
	if err != nil {
		return err
	}
	journal, done, err := sweep.OpenJournal(sweep.JournalPath(path), r, points)
	if err != nil {
		atomicfile.RemoveCreated(made)
		if _, isPath := err.(*os.PathError); isPath {
			return err
		}
		return usageError{err}
	}
	started := false
	defer func() {
		if !started && len(done) == 0 {
			journal.Remove() // refused before any run: leave nothing behind
			atomicfile.RemoveCreated(made)
		} else {
			journal.Close()
		}
	}()
	pending := points
	if len(done) > 0 {
		pending = notDone(points, done)
		fmt.Fprintf(o.notes(stderr), "flinksim: resuming: %d of %s already done (kept in %s)\n", len(done), human.Plural(len(points), "run"), journal.Path)
	}
	// The size first (a count), then every point's values (loading each
	// takes a while on a huge grid).
	if err := checkSweepWork(r, pending, o, stdin, stderr); err != nil {
		return err
	}
	// Every point loaded: the warnings only some have, before any run.
	warned := newPointWarnings(o.gridFlag(), "point", "points", base)
	r.Checked = warned.checked(r)
	err = gridProblems(r.Check(pending), r.Plan.Axes, o.gridFlag())
	warned.print(stderr)
	if err != nil {
		return err
	}
	started = true
	setInterruptNote(fmt.Sprintf("; finished runs are kept in %s: the same command resumes the sweep", journal.Path))
	defer setInterruptNote("")
	r.Finished = journal.Append
	recs, err := runPoints(r, pending, o.progress, stderr)
	if err != nil {
		return err
	}
	recs = sweep.InPlanOrder(points, append(done, recs...))
	if shards > 0 {
		r.Stamp(recs)
		if err := writeFile(path, func(w io.Writer) error { return sweep.WriteJSONL(w, recs) }); err != nil {
			return err
		}
		if err := journal.Remove(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "shard %d/%d: %d of %s, in %s\n", shard, shards, len(points), human.Plural(len(plan.Points), "run"), path)
		return nil
	}
	// The journal is in the directory the finished set replaces.
	return finishSweep(plan, recs, o, stdout)
}

// sweepOut checks that the sweep can write in dir (creating it, and the
// directories above it, which it returns: made) and returns the path of its
// records: points.jsonl, or the shard's file.
func sweepOut(dir string, shard, shards int) (path string, made []string, err error) {
	made, err = writableDir(dir)
	if err != nil {
		return "", nil, err
	}
	path = filepath.Join(dir, "points.jsonl")
	if shards > 0 {
		path = shardFile(dir, shard, shards)
	}
	return path, made, nil
}

// notDone is the points of a resumed sweep whose runs the journal does not
// hold.
func notDone(points []sweep.Point, done []sweep.Record) []sweep.Point {
	got := map[string]bool{}
	for _, rec := range done {
		got[fmt.Sprintf("%s#%d", rec.Key, rec.Replica)] = true
	}
	var pending []sweep.Point
	for _, pt := range points {
		if !got[fmt.Sprintf("%s#%d", pt.Key, pt.Replica)] {
			pending = append(pending, pt)
		}
	}
	return pending
}

// runPoints runs the points, with a progress bar if progress.
func runPoints(r *sweep.Runner, pending []sweep.Point, progress bool, stderr io.Writer) ([]sweep.Record, error) {
	var bar *progressbar.ProgressBar
	if progress && len(pending) > 0 {
		bar = newBar(stderr, int64(len(pending)), "sweep", progressbar.OptionShowCount())
		r.Progress = func(done, total int) { bar.Set(done) }
	}
	recs, err := r.Run(pending)
	if bar != nil {
		bar.Finish()
	}
	return recs, err
}

func mergeSweep(arg string, files []string, o sweepOptions, fc *flagCheck, stdout, stderr io.Writer) error {
	fc.add(checkOutcomes(o.outcomes))
	fc.add(checkOutFlag(o.out))
	fc.add(checkNoRuns(o.out))
	r, plan, _, err := loadPlan(arg, o, fc, nil, stderr, false)
	if err != nil {
		return err
	}
	if err := checkOut(o.out); err != nil {
		return err
	}
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join(o.out, "shard-*-of-*.jsonl"))
		sort.Strings(files)
		if len(files) == 0 {
			return usageError{fmt.Errorf("no shard files in %s (shard-i-of-n.jsonl); name them as arguments", o.out)}
		}
	}
	all, err := readShards(files, r.Fingerprint())
	if err != nil {
		return err
	}
	merged, missing, err := plan.Merge(all)
	var bad *sweep.MergeError
	if errors.As(err, &bad) {
		return usageError{fmt.Errorf("%d of %s cannot be merged, nothing written:\n%s", len(bad.Records), human.Plural(bad.Of, "record"), strings.Join(bad.Records, "\n"))}
	}
	if err != nil {
		return usageError{err}
	}
	if len(missing) > 0 {
		// Nothing is written: a partial points.jsonl would read as a
		// finished sweep. Run the missing shards, then merge again.
		var names []string
		for _, pt := range missing {
			names = append(names, fmt.Sprintf("%s replica %d", pt.Key, pt.Replica))
		}
		return fmt.Errorf("%d of %s missing from %s, nothing written: %s", len(missing), human.Plural(len(plan.Points), "run"), human.Plural(len(files), "shard file"), strings.Join(names, "; "))
	}
	return finishSweep(plan, merged, o, stdout)
}

// readShards reads the records of shard files, all of which must be of the
// plan fp; what is wrong with any of them is reported for all at once.
func readShards(files []string, fp string) ([]sweep.Record, error) {
	var all []sweep.Record
	var bad []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		recs, err := sweep.ReadShard(fh, f, fp)
		fh.Close()
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		all = append(all, recs...)
	}
	if len(bad) > 0 {
		return nil, usageError{fmt.Errorf("%d of %s cannot be merged, nothing written:\n%s", len(bad), human.Plural(len(files), "shard file"), strings.Join(bad, "\n"))}
	}
	return all, nil
}

// finishSweep writes points.jsonl and the charts as one set that replaces
// o.out (keeping its shard files), and prints a short table.
func finishSweep(plan *sweep.Plan, recs []sweep.Record, o sweepOptions, stdout io.Writer) error {
	stage, err := stageOut(o.out)
	if err != nil {
		return err
	}
	defer stage.Abort()
	shardFiles, _ := filepath.Glob(filepath.Join(o.out, "shard-*-of-*.jsonl*"))
	for _, f := range shardFiles {
		if err := stage.Carry(filepath.Base(f)); err != nil {
			return err
		}
	}
	if err := writeFile(filepath.Join(stage.Dir, "points.jsonl"), func(w io.Writer) error { return sweep.WriteJSONL(w, recs) }); err != nil {
		return err
	}
	stable, err := plan.Summarise(recs, "stable")
	if err != nil {
		return err
	}
	files := "points.jsonl"
	if !o.noPlots {
		drawn, err := drawSweep(stage.Dir, plan, recs, o.outcomes)
		if err != nil {
			return err
		}
		if drawn != "" {
			files += ", " + drawn
		}
	}
	if err := stage.Commit(); err != nil {
		return err
	}
	n := 0
	for _, s := range stable {
		if s.N > 0 && s.Stable {
			n++
		}
	}
	fmt.Fprintf(stdout, "sweep: %s (%s × %s); %d of %s stable in every replica\n",
		human.Plural(len(recs), "run"), human.Plural(len(stable), "point"), human.Plural(plan.Replicas, "replica"), n, human.Plural(len(stable), "point"))
	if plan.Replicas > 1 {
		printMixed(stdout, stable, plan.Replicas)
	}
	fmt.Fprintf(stdout, "outputs in %s: %s\n", o.out, files)
	return nil
}
