package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

// runOptions are the flags of "flinksim run".
type runOptions struct {
	out      string
	seed     string
	duration string
	sets     []string
	variants []string // the runs (default: base and every variant)
	jobs     int      // runs at once (0: one per core)
	noPlots  bool
	progress bool
	// maxMemory is --max-memory ("": the kernel's MemAvailable).
	maxMemory string
	// startTime is --start-time, the wall time of virtual time 0; start is
	// it parsed (parseStart).
	startTime string
	start     time.Time
}

// startTimeFlag is --start-time: the wall time of virtual time 0, fixed by
// default (result.DefaultStartTime) so that a seed gives the same bytes.
func startTimeFlag(c *cobra.Command, v *string) {
	c.Flags().StringVar(v, "start-time", result.FormatStartTime(result.DefaultStartTime),
		"wall time of virtual time 0 (RFC 3339) for the timestamps in checkpoints.json and metrics.om.txt")
}

// parseStart reads --start-time into o.start, or says what is wrong.
func (o *runOptions) parseStart() error {
	t, err := result.ParseStartTime(strings.TrimSpace(o.startTime))
	if err != nil {
		return usageError{fmt.Errorf("--start-time: %q is not an RFC 3339 time; give e.g. --start-time 2026-01-01T00:00:00Z", o.startTime)}
	}
	o.start = t
	return nil
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
  metrics.om.txt           the same in OpenMetrics text, named as Flink's PrometheusReporter
                           names them, timestamps from --start-time (load into Prometheus:
                           promtool tsdb create-blocks-from openmetrics metrics.om.txt DIR)
  scenario.resolved.yaml   the scenario with every default filled in (loads again)
  checkpoints.json         with checkpointing on: Flink's REST /jobs/:id/checkpoints shape
  checkpoint-details.json  per checkpoint and vertex, each subtask's part (REST .../subtasks/:vertexid)
  dashboard.svg, .png      rates, lag, latency, checkpoints, state, busy time per subtask
  index.html               the summary and the dashboard on one self-contained page
A scenario with variants runs the base and every variant in parallel (one per
core, same random streams) into DIR/<variant>/ and prints a comparison table;
--variant NAME runs only that one ("base" for the scenario as written);
repeat it to run several.

The outputs are one set: they replace --out as a whole when every run is
done, so --out shows the previous set or the new one, never a mix. --out
must be new or hold only flinksim's outputs.`,
		Args: exactArgs(1, "one scenario: a file or a built-in name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.jobs < 0 {
				return usageError{fmt.Errorf("--jobs %d: must be 0 (one per core) or more", o.jobs)}
			}
			if err := o.parseStart(); err != nil {
				return err
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
	maxMemoryFlag(c, &o.maxMemory)
	startTimeFlag(c, &o.startTime)
	f.StringArrayVar(&o.variants, "variant", nil, "run only this variant (\"base\" for the scenario as written; repeatable)")
	return c
}

func maxMemoryFlag(c *cobra.Command, v *string) {
	c.Flags().StringVar(v, "max-memory", "", "refuse runs estimated to need more memory than this, e.g. 8GB (default: the available memory)")
}

// reloader loads a run's spec afresh (for the work estimate's probe).
func reloader(file string, data []byte, o runOptions) func(string) (*scenarios.Loaded, error) {
	return func(name string) (*scenarios.Loaded, error) {
		return scenarios.LoadVariant(file, data, o.allSets(), name)
	}
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
	runs, err := planRuns(base, file, data, o)
	if err != nil {
		return err
	}
	stage, err := stageRunOut(o.out)
	if err != nil {
		return err
	}
	defer stage.Abort()
	reportNotModelled(stderr, base.NotModelled)
	if err := checkWork(runs, o, reloader(file, data, o), stderr); err != nil {
		return err
	}
	// A run that broke a simulator invariant (a bug) still has its results,
	// with the violation in summary.json: they are written, then it fails.
	runErr := runAll(runs, o, stderr)
	if runErr != nil && !errors.Is(runErr, models.ErrInvariant) {
		return runErr
	}
	single := len(runs) == 1 && len(base.Variants) == 0
	for _, r := range runs {
		dir := filepath.Join(stage.Dir, r.name)
		if single {
			dir = stage.Dir
		}
		if r.res == nil {
			continue
		}
		if err := writeOutputs(dir, r.loaded, r.res, o.start, o.noPlots); err != nil {
			return errors.Join(runErr, err)
		}
	}
	if err := stage.Commit(); err != nil {
		return errors.Join(runErr, err)
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "flinksim: outputs up to the violation in %s\n", o.out)
		return runErr
	}
	if single {
		printSummary(stdout, runs[0].res, o.out)
		return nil
	}
	for _, r := range runs {
		fmt.Fprintf(stdout, "== %s: %s\n", r.name, r.description)
		printSummary(stdout, r.res, filepath.Join(o.out, r.name))
	}
	if len(runs) > 1 {
		printComparison(stdout, runs, o.out)
	}
	return nil
}

// writeOutputs writes every output file atomically, and unless noPlots the
// dashboard and index.html; start is the wall time of virtual time 0.
func writeOutputs(dir string, l *scenarios.Loaded, res *result.Result, start time.Time, noPlots bool) error {
	res.Summary.StartTime = result.FormatStartTime(start)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	resolved, err := l.Resolved()
	if err != nil {
		return err
	}
	if err := res.WriteDir(dir); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "scenario.resolved.yaml"), func(w io.Writer) error { _, err := w.Write(resolved); return err }); err != nil {
		return err
	}
	if noPlots {
		return nil
	}
	return writeDashboard(dir, res)
}

// writeDashboard writes dashboard.svg and .png and index.html: the summary
// tables and the dashboard on one self-contained page.
func writeDashboard(dir string, res *result.Result) error {
	s := res.Summary
	page := plots.Page{Title: s.Scenario, Notes: []string{fmt.Sprintf("%s virtual, seed %d.", human.Seconds(s.VirtualDurationS), s.Seed)}}
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
