package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/sim"
)

// runOptions are the flags of "flinksim run".
type runOptions struct {
	out      string
	seed     string
	duration string
	sets     []string
	progress bool
}

func newRunCmd() *cobra.Command {
	var o runOptions
	c := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario (a file or a built-in name) and write its results",
		Long: `Run a scenario and print a short summary. Writes, into --out:
  summary.json             the run in numbers (a stable contract for scripts)
  metrics.csv              every metric over time: time_s,operator,subtask,metric,value
  scenario.resolved.yaml   the scenario with every default filled in (loads again)`,
		Args: exactArgs(1, "one scenario: a file or a built-in name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.progress = isTerminal(cmd.ErrOrStderr())
			return runScenario(args[0], o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.StringVar(&o.out, "out", "out", "directory for the outputs")
	f.StringVar(&o.seed, "seed", "", "seed of the random streams (overrides the scenario's)")
	f.StringVar(&o.duration, "duration", "", "virtual time to simulate, e.g. 1h (overrides the scenario's)")
	f.StringArrayVar(&o.sets, "set", nil, "override a field: dotted.path=value, e.g. sinks.jdbc.capacity=100k/s (repeatable)")
	return c
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// loadWithFlags loads a scenario with --seed/--duration/--set applied.
func loadWithFlags(arg, seed, duration string, sets []string) (*scenarios.Loaded, error) {
	name, data, err := readScenario(arg)
	if err != nil {
		return nil, err
	}
	var all []string
	if seed != "" {
		all = append(all, "seed="+seed)
	}
	if duration != "" {
		all = append(all, "duration="+duration)
	}
	return scenarios.Load(name, data, append(all, sets...))
}

func runScenario(arg string, o runOptions, stdout, stderr io.Writer) error {
	l, err := loadWithFlags(arg, o.seed, o.duration, o.sets)
	if err != nil {
		return err
	}
	reportNotModelled(stderr, l.NotModelled)
	s, err := models.New(l.Spec)
	if err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	var progress func(sim.Time)
	if o.progress {
		bar = progressbar.NewOptions64(int64(l.Spec.Duration/sim.Second),
			progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(l.Spec.Name),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetItsString("virtual s"), progressbar.OptionShowIts())
		progress = func(t sim.Time) { _ = bar.Set64(int64(t / sim.Second)) }
	}
	start := time.Now()
	res, err := s.Run(progress)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	wall := time.Since(start).Seconds()
	res.Summary.WallS = wall
	if wall > 0 {
		res.Summary.Engine.EventsPerS = float64(res.Summary.Engine.Events) / wall
	}
	res.Summary.NotModelledFlinkKeys = l.NotModelled
	if err := writeOutputs(o.out, l, res); err != nil {
		return err
	}
	printSummary(stdout, res, o.out)
	return nil
}

// writeOutputs writes every output file atomically.
func writeOutputs(dir string, l *scenarios.Loaded, res *models.Result) error {
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
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
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
