package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/diagnose"
	"github.com/flinksim/flinksim/internal/atomicfile"
	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

type compareOptions struct {
	runOptions
	from     string
	replicas int       // runs of each variant, each with its own seed
	yes      bool      // start more than confirmRuns runs without asking
	stdin    io.Reader // where the question before many runs is answered
}

func newCompareCmd() *cobra.Command {
	var o compareOptions
	c := &cobra.Command{
		Use:   "compare SCENARIO",
		Short: "Run the base and its variants (or read earlier runs) and draw them over each other",
		Long: `Compare the base scenario and its variants: lag, latency, checkpoint duration and
restarts on the same axes (compare.svg, compare.png), and a table of outcomes
per variant (stable or not, p99 latency, slowest checkpoint, final lag,
restarts, and costs: TaskManagers, upload bandwidth) as compare.md and
compare.csv, with index.html showing it all.

Without --from, the runs are made now (as "flinksim run" makes them, outputs
in DIR/<variant>/); with --from DIR, the outputs of an earlier run in
DIR/<variant>/ are read instead.

--replicas N (N > 1, runs made now only) makes each run N times, each with
its own seed, derived from the scenario's seed and the replica as sweep
derives a point's (replica 0 included), the same for every variant; the
table gains a column of how many replicas ended in each outcome ("stable
6/10, failover 4/10"), marked MIXED when they differ: the result hinges on
chance. More than 10,000 runs in all ask first (--yes starts them without
asking). The other columns, the charts and DIR/<variant>/ are replica 0's;
the other replicas' outputs are not written: replicas.csv lists every
replica's seed and outcome (flinksim run --variant NAME --seed SEED, with the
same --duration and --set, makes one again).`,
		Example: `  flinksim compare checkpoint-death-spiral --out spiral
  flinksim compare checkpoint-death-spiral --variant base --variant changelog --replicas 5 --out spiral-5
  flinksim run checkpoint-death-spiral --out runs && flinksim compare checkpoint-death-spiral --from runs --out charts`,
		Args:        exactArgs(1, "one scenario: a file or a built-in name"),
		Annotations: map[string]string{collectsFlags: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			fc := newFlagCheck(cmd)
			fc.add(checkJobs(o.jobs))
			fc.add(checkMaxMemory(o.maxMemory))
			fc.add(o.setTwice())
			fc.add(checkReplicas(o.replicas))
			fc.add(checkOutput(o.output))
			fc.add(checkRunOutFlag(o.out))
			fc.add(o.parseStart())
			if o.from != "" {
				fc.add(checkFromFlags(cmd, o))
				fc.add(checkFromDir(o.from))
				fc.add(checkOutBesideFrom(o.out, o.from))
			}
			o.chatter(cmd)
			o.stdin = cmd.InOrStdin()
			return runCompare(args[0], o, fc, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.StringVar(&o.out, "out", "out", "directory for the outputs")
	f.StringVar(&o.from, "from", "", "read the runs from this directory (written by flinksim run) instead of running them")
	f.StringArrayVar(&o.variants, "variant", nil, "compare only these (repeatable; \"base\" for the scenario as written)")
	f.IntVarP(&o.jobs, "jobs", "j", 0, "runs at once (default: one per core); results do not depend on it")
	f.IntVar(&o.replicas, "replicas", 1, "runs of each variant, each with a seed of its own, counted by outcome (outputs: replica 0's)")
	f.BoolVar(&o.yes, "yes", false, "start more than 10,000 runs (variants times replicas) without asking")
	f.StringVar(&o.seed, "seed", "", "seed of the random streams")
	f.StringVar(&o.duration, "duration", "", "virtual time to simulate")
	f.StringArrayVar(&o.sets, "set", nil, "override a field: dotted.path=value (repeatable)")
	f.BoolVar(&o.noPlots, "no-plots", false, "write the tables only")
	maxMemoryFlag(c, &o.maxMemory)
	timeFlags(c, &o.runOptions)
	outputFlag(c, &o.output)
	return c
}

// checkFromFlags refuses, with --from, the flags that only runs made now
// use: compare reads the runs as they were written.
func checkFromFlags(cmd *cobra.Command, o compareOptions) error {
	var probs scenarios.Problems
	if o.replicas > 1 {
		probs = append(probs, scenarios.Problem{File: "--replicas", Msg: fmt.Sprintf("%d replicas are runs made now, and --from reads one run per variant: leave out --from or --replicas", o.replicas)})
	}
	for _, f := range []struct{ name, why string }{
		{"openmetrics", "metrics.om.txt is written with a run: flinksim run --openmetrics"},
		{"start-time", "their files keep the --start-time they were made with"},
		{"jobs", "no run is made"},
		{"max-memory", "no run is made"},
		{"yes", "no run is made"},
	} {
		if cmd.Flags().Changed(f.name) {
			probs = append(probs, scenarios.Problem{File: "--" + f.name, Msg: "not with --from, which reads runs already made: " + f.why})
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}

func runCompare(arg string, o compareOptions, fc *flagCheck, stdout, stderr io.Writer) error {
	file, data, base, err := fc.load(arg, o.allSets(), o.variants)
	if err != nil {
		return err
	}
	// Every check before any run: what to compare, the runs to read, --out.
	runs, err := planRuns(base, file, data, o.runOptions)
	if err != nil {
		return err
	}
	if len(runs) < 2 {
		if len(base.Variants) > 0 {
			return flagError("variant", "names one run; compare needs two or more, e.g. --variant base --variant %s", base.Variants[0].Name)
		}
		return usageError{fmt.Errorf("nothing to compare: %s has no variants (add a variants: block)", arg)}
	}
	if o.replicas > 1 {
		if err := replicate(runs, o.replicas, file, data, o.runOptions); err != nil {
			return err
		}
	}
	if o.from != "" {
		if err := readRuns(runs, arg, o, runNames(base)); err != nil {
			return err
		}
	}
	stage, err := stageRunOut(o.out)
	if err != nil {
		return err
	}
	defer stage.Abort()
	if o.from == "" {
		if err := makeRuns(stage.Dir, runs, base, file, data, o, stderr); err != nil {
			return err
		}
	} else if sameDir(o.from, o.out) {
		// The runs read stay part of the set; the comparison joins them. So
		// does a compare --replicas's replicas.csv, the one record of its
		// other replicas, which a comparison read --from does not write.
		fresh := slices.DeleteFunc(slices.Clone(compareNames), func(n string) bool { return n == "replicas.csv" })
		if err := carryAllBut(stage, o.out, fresh...); err != nil {
			return err
		}
	}
	t := outcomeTable(runs)
	files, err := writeComparison(stage.Dir, base, runs, t, o.noPlots, pageHref(o))
	if err != nil {
		return err
	}
	if err := stage.Commit(); err != nil {
		return err
	}
	if o.output == formatJSON {
		return printCompareJSON(stdout, runs[0].loaded.Scenario.Name, o.out, files, runs)
	}
	t.text(stdout)
	if line := stableLine(runs); line != "" {
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintf(stdout, "outputs in %s: %s\n", o.out, strings.Join(files, ", "))
	return nil
}

// readRuns reads the runs from --from, each of which must have been made
// with the settings these flags describe: every run's problem told at once.
func readRuns(runs []runResult, arg string, o compareOptions, names []string) error {
	var present []string
	for _, r := range runs {
		if _, err := os.Stat(filepath.Join(o.from, r.name)); err == nil {
			present = append(present, r.name)
		}
	}
	if len(present) == 0 && len(runs) > 0 { // no run there at all: told once
		return readOneRun(&runs[0], arg, o)
	}
	var probs scenarios.Problems
	for i := range runs {
		err := readOneRun(&runs[i], arg, o)
		p, ok := err.(scenarios.Problems)
		switch {
		case err == nil:
		case !ok:
			return err // not the user's: an I/O error
		default:
			for _, q := range p {
				if !slices.Contains(probs, q) { // a --from of one run: told once
					probs = append(probs, q)
				}
			}
		}
	}
	if missing := lastMissing(probs); missing >= 0 {
		probs[missing].Msg += heldRunsHint(o.from, names)
	}
	if len(probs) > 0 {
		return probs
	}
	return nil
}

// runNames are the runs of the scenario loaded as base: base and its
// variants.
func runNames(base *scenarios.Loaded) []string {
	names := []string{scenarios.BaseName}
	for _, v := range base.Variants {
		names = append(names, v.Name)
	}
	return names
}

// lastMissing is the index of the last problem that a run is missing from
// --from (readRun), -1 when none is.
func lastMissing(probs scenarios.Problems) int {
	for i := len(probs) - 1; i >= 0; i-- {
		if strings.Contains(probs[i].Msg, ": no summary.json of run ") {
			return i
		}
	}
	return -1
}

// heldRunsHint says which of the scenario's runs (names) dir holds (a run
// of some variants only, run --variant) and how to compare them, when it
// holds two or more.
func heldRunsHint(dir string, names []string) string {
	var held []string
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n, "summary.json")); err == nil {
			held = append(held, n)
		}
	}
	switch len(held) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("; %s holds the run %s only, and compare needs two or more", dir, held[0])
	}
	return fmt.Sprintf("; %s holds the runs %s: to compare those, give --variant %s", dir, strings.Join(held, ", "), strings.Join(held, " --variant "))
}

// readOneRun reads run r from --from (readRuns).
func readOneRun(r *runResult, arg string, o compareOptions) error {
	var err error
	if r.res, err = readRun(filepath.Join(o.from, r.name), r.loaded.Spec.Name); err != nil {
		return err
	}
	want, err := r.loaded.Resolved()
	if err != nil {
		return err
	}
	path := filepath.Join(o.from, r.name, "scenario.resolved.yaml")
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
		hint := ""
		if _, err := os.Stat(filepath.Join(o.from, "replicas.csv")); err == nil {
			hint = fmt.Sprintf(" (%s holds a compare --replicas: its runs are replica 0's, whose seed replicas.csv lists; give it as --seed)", o.from)
		}
		return flagError("from", "%s: %s was made with other settings than %s with these flags (--seed, --duration, --set): compare with the flags it was run with, or run again%s", o.from, path, arg, hint)
	}
	return nil
}

// makeRuns simulates the runs (after the work estimate) and writes each
// one's outputs in dir/<variant>/.
func makeRuns(dir string, runs []runResult, base *scenarios.Loaded, file string, data []byte, o compareOptions, stderr io.Writer) error {
	reportRunsFlinkConfig(stderr, runs)
	confirm := confirmStart("compare", "fewer --replicas or --variant", o.yes, o.stdin, stderr)
	if err := checkWork(runs, o.runOptions, reloader(file, data, o.runOptions), confirm, stderr); err != nil {
		return err
	}
	if err := runAll(runs, o.runOptions, stderr); err != nil {
		return err
	}
	for _, r := range runs {
		if err := writeOutputs(filepath.Join(dir, r.name), r.loaded, r.res, o.runOptions); err != nil {
			return err
		}
	}
	return nil
}

// writeComparison writes the outcome table (compare.md, compare.csv) and,
// with plots, the runs over each other and index.html; it returns the
// files written.
func writeComparison(dir string, base *scenarios.Loaded, runs []runResult, t table, noPlots bool, href func(string) string) ([]string, error) {
	var md bytes.Buffer
	t.markdown(&md)
	files := []string{"compare.md", "compare.csv"}
	if err := writeFile(filepath.Join(dir, "compare.md"), func(w io.Writer) error { _, err := w.Write(md.Bytes()); return err }); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "compare.csv"), func(w io.Writer) error { return outcomeCSV(w, runs) }); err != nil {
		return nil, err
	}
	if replicated(runs) > 0 {
		if err := writeFile(filepath.Join(dir, "replicas.csv"), func(w io.Writer) error { return replicasCSV(w, runs) }); err != nil {
			return nil, err
		}
		files = append(files, "replicas.csv")
	}
	if noPlots {
		return files, nil
	}
	var pr []plots.Run
	for _, r := range runs {
		pr = append(pr, plots.Run{Name: r.name, Result: r.res})
	}
	fig := plots.Compare(pr)
	page := plots.Page{Title: runs[0].loaded.Scenario.Name + ": variants compared", Runs: runLinks(runs, href, true),
		Tables: []plots.Table{pageTable(t, "outcomes")}}
	for _, r := range runs {
		page.Notes = append(page.Notes, r.name+": "+r.description)
	}
	page.Notes = append(page.Notes, t.notes...)
	if !fig.Empty() {
		if err := fig.WriteFiles(dir, "compare", plots.Compare(pr)); err != nil {
			return nil, err
		}
		page.Figures = append(page.Figures, plots.NamedFigure{Title: "variants over each other", Figure: fig})
		files = append(files, "compare.svg", "compare.png")
	}
	if err := plots.WriteIndex(filepath.Join(dir, "index.html"), page); err != nil {
		return nil, err
	}
	return append(files, "index.html"), nil
}

// pageHref is where the compare page links a variant's page: beside it in
// OUT/<variant>/, or in --from's, relative to --out, when it is there.
func pageHref(o compareOptions) func(string) string {
	if o.from == "" || sameDir(o.from, o.out) {
		return func(name string) string { return hrefOf(name + "/index.html") }
	}
	return func(name string) string {
		page := filepath.Join(o.from, name, "index.html")
		if _, err := os.Stat(page); err != nil {
			return ""
		}
		abs, err1 := filepath.Abs(page)
		out, err2 := filepath.Abs(o.out)
		rel, err3 := filepath.Rel(out, abs)
		if err1 != nil || err2 != nil || err3 != nil {
			return ""
		}
		return hrefOf(filepath.ToSlash(rel))
	}
}

// compareNames are the files compare writes beside the runs.
var compareNames = []string{"compare.md", "compare.csv", "replicas.csv", "compare.svg", "compare.png", "index.html"}

// sameDir reports whether a and b name one directory, through symbolic
// links too.
func sameDir(a, b string) bool { return realPath(a) == realPath(b) }

// carryAllBut carries every entry of dir except names into the staged set.
func carryAllBut(stage *atomicfile.Staging, dir string, names ...string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !slices.Contains(names, e.Name()) {
			if err := stage.Carry(e.Name()); err != nil {
				return err
			}
		}
	}
	return nil
}

// fromExpected is what --from must be, for its problems.
const fromExpected = "give the --out of an earlier flinksim run of this scenario, which holds a directory per run (DIR/base/, DIR/<variant>/)"

// checkFromDir checks, with the other flags, that --from is a directory.
func checkFromDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return flagError("from", "%s: no such directory; %s", dir, fromExpected)
	case err != nil:
		return flagError("from", "%s: %v", dir, unwrapPath(err))
	case !st.IsDir():
		return flagError("from", "%s: is a file, not a directory; %s", dir, fromExpected)
	}
	return nil
}

// checkOutBesideFrom refuses an --out inside --from's directory or holding
// it: the outputs replace --out's whole set, and with it the runs being
// read. --out may be --from itself: compare then writes its files beside
// the runs (compareNames) and keeps them.
func checkOutBesideFrom(out, from string) error {
	o, f := realPath(out), realPath(from)
	switch {
	case o == f: // sameDir
	case pathWithin(o, f):
		return flagError("out", "%s: is inside --from's %s: the outputs would replace the runs they are read from; give --from's directory itself or one outside it", out, from)
	case pathWithin(f, o):
		return flagError("out", "%s: holds --from's %s: the outputs would replace the runs they are read from; give --from's directory itself or one outside it", out, from)
	}
	return nil
}

// realPath is path absolute, its symbolic links resolved as far as it
// exists (a new --out's missing end is kept as written).
func realPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest)
		}
		if filepath.Dir(dir) == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// pathWithin reports whether path is dir or below it.
func pathWithin(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// readRun reads the outputs flinksim run wrote into dir, which must be a
// run of the scenario named scenario.
func readRun(dir, scenario string) (*result.Result, error) {
	res, err := result.ReadDir(dir)
	var missing *fs.PathError
	if errors.As(err, &missing) { // a file could not be opened
		from := filepath.Dir(dir)
		if single, e := summaryScenario(filepath.Join(from, result.FileSummary)); e == nil {
			return nil, flagError("from", "%s: holds one run (of scenario %q), not one directory per variant; %s", from, single, fromExpected)
		}
		return nil, flagError("from", "%s: no %s of run %s (%s: %v); %s", from, filepath.Base(missing.Path), filepath.Base(dir), missing.Path, missing.Err, fromExpected)
	}
	if err != nil {
		return nil, err
	}
	diagnose.Complete(res) // a verdict for runs written before summaries had one
	if got := res.Summary.Scenario; got != scenario {
		return nil, flagError("from", "%s: a run of scenario %q, not of %q", dir, got, scenario)
	}
	return res, nil
}

// summaryScenario is the scenario named by a summary.json.
func summaryScenario(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var s struct {
		Scenario string `json:"scenario"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return "", err
	}
	return s.Scenario, nil
}
