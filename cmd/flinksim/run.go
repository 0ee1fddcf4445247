package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/scenarios"
)

// runOptions are the flags of "flinksim run".
type runOptions struct {
	out      string
	seed     string
	duration string
	sets     []string
	variant  string
	variants []string // compare: the runs to compare (default: base and every variant)
	jobs     int      // runs at once (0: one per core)
	noPlots  bool
	progress bool
}

// allSets is --seed, --duration and --set as overrides; the first two are
// passed as "--flag=value", so that problems name the flag.
func (o runOptions) allSets() []string {
	var all []string
	if o.seed != "" {
		all = append(all, "--seed="+o.seed)
	}
	if o.duration != "" {
		all = append(all, "--duration="+o.duration)
	}
	return append(all, o.sets...)
}

// checkOverrideFlags refuses a --seed or --duration given empty, which would
// otherwise leave the scenario's value silently in place.
func checkOverrideFlags(cmd *cobra.Command) error {
	for _, f := range []struct{ name, example string }{{"seed", "7"}, {"duration", "30m"}} {
		if fl := cmd.Flags().Lookup(f.name); fl != nil && fl.Changed && strings.TrimSpace(fl.Value.String()) == "" {
			return usageError{fmt.Errorf("--%s: is empty; give a value, e.g. --%s %s", f.name, f.name, f.example)}
		}
	}
	return nil
}

func newRunCmd() *cobra.Command {
	var o runOptions
	c := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario (a file or a built-in name) and write its results",
		Long: `Run a scenario and print a short summary. Writes, into --out:
  summary.json             the run in numbers (a stable contract for scripts)
  metrics.csv              every metric over time: time_s,operator,subtask,metric,value
  scenario.resolved.yaml   the scenario with every default filled in (loads again)
  checkpoints.json         with checkpointing on: Flink's REST /jobs/:id/checkpoints shape
  checkpoint-details.json  per checkpoint and vertex, each subtask's part (REST .../subtasks/:vertexid)
  dashboard.svg, .png      rates, lag, latency, checkpoints, state, busy time per subtask
  index.html               the summary and the dashboard on one self-contained page
A scenario with variants runs the base and every variant in parallel (one per
core, same random streams) into DIR/<variant>/ and prints a comparison table;
--variant NAME runs one ("base" for the scenario as written).`,
		Args: exactArgs(1, "one scenario: a file or a built-in name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.jobs < 0 {
				return usageError{fmt.Errorf("--jobs %d: must be 0 (one per core) or more", o.jobs)}
			}
			o.progress = isTerminal(cmd.ErrOrStderr())
			return runScenario(args[0], o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.StringVar(&o.out, "out", "out", "directory for the outputs")
	f.StringVar(&o.seed, "seed", "", "seed of the random streams (overrides the scenario's)")
	f.StringVar(&o.duration, "duration", "", "virtual time to simulate, e.g. 1h (overrides the scenario's)")
	f.StringArrayVar(&o.sets, "set", nil, "override a field: dotted.path=value, e.g. sinks.jdbc.capacity=100k/s (repeatable)")
	f.IntVarP(&o.jobs, "jobs", "j", 0, "runs at once (default: one per core); results do not depend on it")
	f.BoolVar(&o.noPlots, "no-plots", false, "skip the dashboard (dashboard.svg, dashboard.png, index.html)")
	f.StringVar(&o.variant, "variant", "", "run only this variant (\"base\" for the scenario as written)")
	return c
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runScenario(arg string, o runOptions, stdout, stderr io.Writer) error {
	file, data, base, err := loadScenario(arg, o.allSets())
	if err != nil {
		return err
	}
	reportNotModelled(stderr, base.NotModelled)
	runs, err := runAll(base, file, data, o, stderr)
	if err != nil {
		return writeViolated(runs, len(runs) == 1 && len(base.Variants) == 0, o, stderr, err)
	}
	if len(runs) == 1 && len(base.Variants) == 0 {
		if err := writeOutputs(o.out, runs[0].loaded, runs[0].res, o.noPlots); err != nil {
			return err
		}
		printSummary(stdout, runs[0].res, o.out)
		return nil
	}
	for _, r := range runs {
		dir := filepath.Join(o.out, r.name)
		if err := writeOutputs(dir, r.loaded, r.res, o.noPlots); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "== %s: %s\n", r.name, r.description)
		printSummary(stdout, r.res, dir)
	}
	if len(runs) > 1 {
		printComparison(stdout, runs, o.out)
	}
	return nil
}

// writeViolated writes the outputs of the runs that broke a simulator
// invariant (a bug: their summary.json says which), then returns err.
func writeViolated(runs []runResult, single bool, o runOptions, stderr io.Writer, err error) error {
	for _, r := range runs {
		if r.res == nil || r.res.Summary.InvariantViolation == "" {
			continue
		}
		dir := o.out
		if !single {
			dir = filepath.Join(o.out, r.name)
		}
		if werr := writeOutputs(dir, r.loaded, r.res, o.noPlots); werr != nil {
			return errors.Join(err, werr)
		}
		fmt.Fprintf(stderr, "flinksim: %s: outputs up to the violation in %s\n", r.name, dir)
	}
	return err
}

// writeOutputs writes every output file atomically, and unless noPlots the
// dashboard and index.html.
func writeOutputs(dir string, l *scenarios.Loaded, res *models.Result, noPlots bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	resolved, err := l.Resolved()
	if err != nil {
		return err
	}
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"summary.json", res.WriteSummaryJSON},
		{"metrics.csv", res.WriteMetricsCSV},
		{"scenario.resolved.yaml", func(w io.Writer) error { _, err := w.Write(resolved); return err }},
	}
	if l.Spec.Checkpointing != nil {
		files = append(files, struct {
			name  string
			write func(io.Writer) error
		}{"checkpoints.json", res.WriteCheckpointsJSON}, struct {
			name  string
			write func(io.Writer) error
		}{"checkpoint-details.json", res.WriteCheckpointDetailsJSON})
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	if noPlots {
		return nil
	}
	return writeDashboard(dir, res)
}

// writeDashboard writes dashboard.svg and .png and index.html: the summary
// tables and the dashboard on one self-contained page.
func writeDashboard(dir string, res *models.Result) error {
	s := res.Summary
	page := plots.Page{Title: s.Scenario, Notes: []string{fmt.Sprintf("%s virtual, seed %d.", humanSeconds(s.VirtualDurationS), s.Seed)}}
	run := plots.Table{Caption: "the run", Header: []string{"", ""}}
	for _, l := range summaryLines(res) {
		run.Rows = append(run.Rows, []string{l[0], l[1]})
	}
	ops := operatorTable(res)
	page.Tables = []plots.Table{run, {Caption: "operators (ms/s: busy, backpressured, idle)", Header: ops.header, Rows: ops.rows}}
	fig := plots.Dashboard(res)
	if !fig.Empty() {
		if err := fig.WriteFiles(dir, "dashboard"); err != nil {
			return err
		}
		page.Figures = []plots.NamedFigure{{Title: "dashboard", Figure: fig}}
	}
	return plots.WriteIndex(filepath.Join(dir, "index.html"), page)
}

// writeAtomic writes to a temporary file in the same directory and renames
// it into place, so an interrupted run never leaves a half-written file.
func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func reportNotModelled(w io.Writer, keys []string) {
	if len(keys) == 0 {
		return
	}
	fmt.Fprintf(w, "flinksim: %d Flink key(s) not modelled, ignored:", len(keys))
	for _, k := range keys {
		fmt.Fprint(w, " "+k)
	}
	fmt.Fprintln(w)
}
