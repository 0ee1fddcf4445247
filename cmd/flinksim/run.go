package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	"golang.org/x/term"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/sim"
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
	// expect is run --expect: the outcome every run must end in ("": any).
	expect string
	// quiet and verbose are -q and -v: no notes or progress on stderr, or
	// the work estimate however short.
	quiet, verbose bool
	// startTime is --start-time, the wall time of virtual time 0; start is
	// it parsed (parseStart).
	startTime string
	start     time.Time
	// openMetrics is --openmetrics: also write metrics.om.txt (it repeats
	// every label on every sample: several times metrics.csv's size).
	openMetrics bool
	// output is -o/--output: text or json on stdout.
	output string
}

// chatter reads -q and -v (the root's) into o, and shows progress only on
// a terminal and without -q.
func (o *runOptions) chatter(cmd *cobra.Command) {
	o.quiet, o.verbose = chattiness(cmd)
	o.progress = !o.quiet && isTerminal(cmd.ErrOrStderr())
}

// notes is where notes go (keys not modelled, estimates, resuming): stderr,
// or nowhere with -q. Problems and warnings always go to stderr.
func (o runOptions) notes(stderr io.Writer) io.Writer {
	if o.quiet {
		return io.Discard
	}
	return stderr
}

// timeFlags are --start-time, the wall time of virtual time 0, fixed by
// default (result.DefaultStartTime) so that a seed gives the same bytes, and
// --openmetrics.
func timeFlags(c *cobra.Command, o *runOptions) {
	c.Flags().StringVar(&o.startTime, "start-time", result.FormatStartTime(result.DefaultStartTime),
		"wall time of virtual time 0 (RFC 3339) for the timestamps in checkpoints.json and metrics.om.txt, and the epoch event-time windows lie on")
	c.Flags().BoolVar(&o.openMetrics, "openmetrics", false,
		"also write metrics.om.txt: the metrics in OpenMetrics text, named as Flink's PrometheusReporter names them")
}

// parseStart reads --start-time into o.start, or says what is wrong.
func (o *runOptions) parseStart() error {
	t, err := result.ParseStartTime(strings.TrimSpace(o.startTime))
	switch {
	case errors.Is(err, result.ErrBeforeEpoch):
		return flagError("start-time", "%v; give a time from 1970 on, e.g. --start-time 2026-01-01T00:00:00Z", err)
	case err != nil:
		return flagError("start-time", "%q is not an RFC 3339 time; give e.g. --start-time 2026-01-01T00:00:00Z", o.startTime)
	}
	o.start = t
	return nil
}

// allSets is --seed, --duration and --set as overrides; the first two are
// passed as "--flag=value", so that problems name the flag (given blank,
// they are refused as empty: commonFlagProblems).
func (o runOptions) allSets() []string {
	var all []string
	if strings.TrimSpace(o.seed) != "" {
		all = append(all, "--seed="+o.seed)
	}
	if strings.TrimSpace(o.duration) != "" {
		all = append(all, "--duration="+o.duration)
	}
	return append(all, o.sets...)
}

// setTwice refuses --duration with --set duration=..., and --seed with
// --set seed=..., and a key given to two --set (setKeyTwice): the one given
// last would silently replace the other.
func (o runOptions) setTwice() error {
	fc := &flagCheck{}
	fc.add(setKeyTwice(o.sets))
	for _, s := range o.sets {
		k, _, _ := strings.Cut(s, "=")
		for _, f := range []struct{ name, value string }{{"seed", o.seed}, {"duration", o.duration}} {
			if strings.TrimSpace(k) == f.name && strings.TrimSpace(f.value) != "" {
				fc.addf(f.name, "%s, and --set %s: give the %s once, with one of them", f.value, s, f.name)
			}
		}
	}
	return fc.join(nil)
}

// setKeyTwice refuses a key given to two --set, under any of its names (a
// Flink option's older name is the same option, as sweep's --grid counts
// it): the later would silently replace the earlier. Two that write a
// mapping or a list (flink={...}) merge key by key; the loader refuses
// them when they reach one key.
func setKeyTwice(sets []string) error {
	var probs scenarios.Problems
	first := map[string]string{}
	for _, s := range sets {
		k, v, _ := strings.Cut(s, "=")
		k = strings.TrimSpace(k)
		c := scenarios.CanonicalKey(k)
		prev, seen := first[c]
		_, was, _ := strings.Cut(prev, "=")
		switch {
		case k == "":
		case seen && (scenarios.IsCollection(v) || scenarios.IsCollection(was)):
		case !seen:
			first[c] = s
		case strings.TrimSpace(strings.SplitN(prev, "=", 2)[0]) == k:
			probs = append(probs, scenarios.SetTwice(k, was, v))
		case !strings.HasPrefix(c, "flink."): // sinks[0].capacity and sinks.0.capacity
			probs = append(probs, scenarios.SetAsTheSameItem(s, prev))
		default:
			probs = append(probs, scenarios.SetUnderBothNames(s, prev))
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}

func newRunCmd() *cobra.Command {
	var o runOptions
	c := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario (a file or a built-in name) and write its results",
		Long: `Run a scenario and print a short summary. Writes, into --out:
  summary.json             the run in numbers (a stable contract for scripts)
  metrics.csv              every metric over time: time_s,operator,subtask,metric,value
  metrics.om.txt           with --openmetrics: the same in OpenMetrics text, named as Flink's PrometheusReporter
                           names them, timestamps from --start-time (load into Prometheus:
                           promtool tsdb create-blocks-from openmetrics metrics.om.txt DIR)
  scenario.resolved.yaml   the scenario with every default filled in (loads again)
  checkpoints.json         with checkpointing on: Flink's REST /jobs/:id/checkpoints shape
  checkpoint-history.json  with checkpointing on: every checkpoint, in checkpoints.json's history shape
                           (compare --from reads it)
  checkpoint-details.json  with checkpointing on: per checkpoint and vertex, its summary and each subtask's
                           part (REST .../subtasks/:vertexid)
  checkpoint-config.json   with checkpointing on: the configuration, as REST /jobs/:id/checkpoints/config gives it
  dashboard.svg, .png      rates, lag, latency, checkpoints, state, busy time per subtask
  index.html               one self-contained page: the verdict, the summary, the job graph,
                           the checkpoints (as Flink's web UI shows them) and the dashboard
A scenario with variants runs the base and every variant in parallel (one per
core, same random streams) into DIR/<variant>/ and prints a comparison table;
DIR/index.html links each run's page with its outcome;
--variant NAME runs only that one ("base" for the scenario as written);
repeat it to run several.

The outputs are one set: they replace --out as a whole when every run is
done, so --out shows the previous set or the new one, never a mix. --out
must be new or hold only flinksim's outputs.`,
		Example: `  flinksim run backpressure --out out
  flinksim run backpressure --duration 1h --seed 7 --set sinks.jdbc.capacity=100k/s --out scaled
  flinksim run checkpoint-death-spiral --variant base --variant changelog -j 2 --out spiral
  flinksim run - --out again < out/scenario.resolved.yaml
  flinksim run backpressure-scaled-sink --expect stable --no-plots --out ci`,
		Args:        exactArgs(1, "one scenario: a file or a built-in name"),
		Annotations: map[string]string{collectsFlags: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			fc := newFlagCheck(cmd)
			fc.add(checkJobs(o.jobs))
			fc.add(checkMaxMemory(o.maxMemory))
			fc.add(o.setTwice())
			fc.add(checkExpect(o.expect))
			fc.add(checkOutput(o.output))
			fc.add(checkRunOutFlag(o.out))
			fc.add(o.parseStart())
			o.chatter(cmd)
			return runScenario(args[0], o, fc, cmd.OutOrStdout(), cmd.ErrOrStderr())
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
	timeFlags(c, &o)
	f.StringArrayVar(&o.variants, "variant", nil, "run only this variant (\"base\" for the scenario as written; repeatable)")
	f.StringVar(&o.expect, "expect", "", "exit with code 3 unless every run ends in this outcome: "+outcomeList())
	outputFlag(c, &o.output)
	return c
}

// outcomeList is the outcomes --expect takes, quoted where they hold a space.
func outcomeList() string {
	var names []string
	for _, o := range result.Outcomes() {
		if strings.Contains(o, " ") {
			o = strconv.Quote(o)
		}
		names = append(names, o)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func checkExpect(want string) error {
	if want == "" || slices.Contains(result.Outcomes(), want) {
		return nil
	}
	return flagError("expect", "%q is not an outcome; use %s", want, outcomeList())
}

// expected reports each run whose outcome is not --expect's, naming the
// variant when there are several, and fails with exitUnmet if there is one.
func expected(runs []runResult, want string, named bool, stderr io.Writer) error {
	if want == "" {
		return nil
	}
	unmet := false
	for _, r := range runs {
		got := r.res.Summary.Verdict.Outcome
		if got == want {
			continue
		}
		unmet = true
		if named {
			fmt.Fprintf(stderr, "flinksim: %s: outcome is %s, expected %s\n", r.name, got, want)
		} else {
			fmt.Fprintf(stderr, "flinksim: outcome is %s, expected %s\n", got, want)
		}
	}
	if unmet {
		return exitStatus(exitUnmet)
	}
	return nil
}

func maxMemoryFlag(c *cobra.Command, v *string) {
	c.Flags().StringVar(v, "max-memory", "", "refuse runs estimated to need more memory than this, e.g. 8GB (default: the available memory)")
}

// reloader loads a run's spec afresh (for the work estimate's probe).
func reloader(file string, data []byte, o runOptions) func(string) (*scenarios.Loaded, error) {
	return func(name string) (*scenarios.Loaded, error) {
		l, err := scenarios.LoadVariant(file, data, o.allSets(), name)
		o.stamp(l)
		return l, err
	}
}

// stamp gives a loaded run the wall time of virtual time 0 (--start-time),
// the epoch its event-time windows lie on (models.Spec.Epoch); without a
// parsed --start-time it keeps the default the loader gave it.
func (o runOptions) stamp(l *scenarios.Loaded) {
	if l != nil && !o.start.IsZero() {
		l.Spec.Epoch = sim.Time(o.start.UnixNano())
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runScenario(arg string, o runOptions, fc *flagCheck, stdout, stderr io.Writer) error {
	file, data, base, err := fc.load(arg, o.allSets(), o.variants)
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
	reportRunsFlinkConfig(stderr, runs)
	if err := checkWork(runs, o, reloader(file, data, o), nil, stderr); err != nil {
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
		if err := writeOutputs(dir, r.loaded, r.res, o); err != nil {
			return errors.Join(runErr, err)
		}
	}
	if !single && !o.noPlots {
		if err := writeRunsIndex(stage.Dir, runs[0].loaded.Scenario.Name, written(runs)); err != nil {
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
	if o.output == formatJSON {
		if err := printRunsJSON(stdout, runs, single, o.out); err != nil {
			return err
		}
		return expected(runs, o.expect, !single, stderr)
	}
	if single {
		printSummary(stdout, runs[0].res, o.out)
		return expected(runs, o.expect, false, stderr)
	}
	for _, r := range runs {
		fmt.Fprintf(stdout, "== %s: %s\n", r.name, r.description)
		printSummary(stdout, r.res, filepath.Join(o.out, r.name))
	}
	if len(runs) > 1 {
		printComparison(stdout, runs, o.out)
	}
	return expected(runs, o.expect, true, stderr)
}

// writeOutputs writes every output file atomically, metrics.om.txt with
// --openmetrics, and unless --no-plots the dashboard and index.html; o.start
// is the wall time of virtual time 0.
func writeOutputs(dir string, l *scenarios.Loaded, res *result.Result, o runOptions) error {
	res.Summary.StartTime = result.FormatStartTime(o.start)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	resolved, err := l.Resolved()
	if err != nil {
		return err
	}
	// The dashboard (rasterizing its PNG is the slow part) is drawn while
	// the result's files are written: other files, and res is only read.
	var g errgroup.Group
	if !o.noPlots {
		g.Go(func() error { return writeDashboard(dir, res) })
	}
	g.Go(func() error { return writeResultFiles(dir, res, resolved, o.openMetrics) })
	return g.Wait()
}

// writeResultFiles writes the result's files (result.WriteDir),
// metrics.om.txt with --openmetrics, and scenario.resolved.yaml.
func writeResultFiles(dir string, res *result.Result, resolved []byte, openMetrics bool) error {
	if err := res.WriteDir(dir); err != nil {
		return err
	}
	if openMetrics {
		if err := writeFile(filepath.Join(dir, result.FileOpenMetrics), res.WriteOpenMetrics); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(dir, "scenario.resolved.yaml"), func(w io.Writer) error { _, err := w.Write(resolved); return err })
}

// runTable is index.html's table of the run: the printed summary's lines,
// each with its label (a bare line's too: the page has no operators' table
// above it to read), and no header row, which would have nothing to say.
func runTable(res *result.Result) plots.Table {
	t := plots.Table{Caption: "the run"}
	for _, l := range summaryLines(res) {
		t.Rows = append(t.Rows, []string{l.label, l.text})
	}
	return t
}

// writeDashboard writes dashboard.svg and .png and index.html: the verdict,
// the summary tables, the job graph, the checkpoints (with checkpointing)
// and the dashboard on one self-contained page.
func writeDashboard(dir string, res *result.Result) error {
	s := res.Summary
	page := plots.Page{Title: s.Scenario, Verdict: &s.Verdict,
		Notes: []string{fmt.Sprintf("%s virtual, seed %d.", human.Seconds(s.VirtualDurationS), s.Seed)}}
	ops := operatorTable(res)
	page.Tables = []plots.Table{runTable(res), {Caption: "operators (ms/s: busy, backpressured, idle)", Header: ops.header, Rows: ops.rows}}
	if g := plots.JobGraph(res); g != "" {
		page.Sections = append(page.Sections, plots.Section{ID: "job-graph", Title: "Job graph", SVG: g,
			Notes: []string{"Each task (chained operators) with its parallelism, coloured by the busy and backpressured time of its busiest and most backpressured subtask over the whole run; edges name how records are shipped."}})
	}
	page.Sections = append(page.Sections, plots.CheckpointSections(res)...)
	fig := plots.Dashboard(res)
	if !fig.Empty() {
		if err := fig.WriteFiles(dir, "dashboard", plots.Dashboard(res)); err != nil {
			return err
		}
		page.Figures = []plots.NamedFigure{{Title: "dashboard", Figure: fig}}
	}
	return plots.WriteIndex(filepath.Join(dir, "index.html"), page)
}
