package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/scenarios"
)

type compareOptions struct {
	runOptions
	from string
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
DIR/<variant>/ are read instead.`,
		Args: exactArgs(1, "one scenario: a file or a built-in name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.progress = isTerminal(cmd.ErrOrStderr())
			return runCompare(args[0], o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.StringVar(&o.out, "out", "out", "directory for the outputs")
	f.StringVar(&o.from, "from", "", "read the runs from this directory (written by flinksim run) instead of running them")
	f.StringArrayVar(&o.variants, "variant", nil, "compare only these (repeatable; \"base\" for the scenario as written)")
	f.IntVarP(&o.jobs, "jobs", "j", 0, "runs at once (default: one per core)")
	f.StringVar(&o.seed, "seed", "", "seed of the random streams")
	f.StringVar(&o.duration, "duration", "", "virtual time to simulate")
	f.StringArrayVar(&o.sets, "set", nil, "override a field: dotted.path=value (repeatable)")
	f.BoolVar(&o.noPlots, "no-plots", false, "write the tables only")
	return c
}

func runCompare(arg string, o compareOptions, stdout, stderr io.Writer) error {
	if o.jobs < 0 {
		return usageError{fmt.Errorf("--jobs %d: must be 0 (one per core) or more", o.jobs)}
	}
	file, data, base, err := loadScenario(arg, o.allSets())
	if err != nil {
		return err
	}
	var runs []runResult
	if o.from != "" {
		names := o.variants
		if len(names) == 0 {
			names = []string{scenarios.BaseName}
			for _, v := range base.Variants {
				names = append(names, v.Name)
			}
		}
		for _, name := range names {
			res, err := readRun(filepath.Join(o.from, name))
			if err != nil {
				return err
			}
			runs = append(runs, runResult{name: name, description: describe(base, name), res: res})
		}
	} else {
		reportNotModelled(stderr, base.NotModelled)
		if runs, err = runAll(base, file, data, o.runOptions, stderr); err != nil {
			return err
		}
		for _, r := range runs {
			if err := writeOutputs(filepath.Join(o.out, r.name), r.loaded, r.res, o.noPlots); err != nil {
				return err
			}
		}
	}
	if len(runs) < 2 {
		return usageError{fmt.Errorf("nothing to compare: %s has no variants (add a variants: block or name two with --variant)", arg)}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	t := outcomeTable(runs)
	var md bytes.Buffer
	t.markdown(&md)
	files := []string{"compare.md", "compare.csv"}
	if err := writeAtomic(filepath.Join(o.out, "compare.md"), func(w io.Writer) error { _, err := w.Write(md.Bytes()); return err }); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(o.out, "compare.csv"), func(w io.Writer) error { return outcomeCSV(w, runs) }); err != nil {
		return err
	}
	if !o.noPlots {
		var pr []plots.Run
		for _, r := range runs {
			pr = append(pr, plots.Run{Name: r.name, Result: r.res})
		}
		fig := plots.Compare(pr)
		page := plots.Page{Title: base.Scenario.Name + ": variants compared", Tables: []plots.Table{{Header: t.header, Rows: t.rows}}}
		for _, r := range runs {
			page.Notes = append(page.Notes, r.name+": "+r.description)
		}
		if !fig.Empty() {
			if err := fig.WriteFiles(o.out, "compare"); err != nil {
				return err
			}
			page.Figures = append(page.Figures, plots.NamedFigure{Title: "variants over each other", Figure: fig})
			files = append(files, "compare.svg", "compare.png")
		}
		if err := plots.WriteIndex(filepath.Join(o.out, "index.html"), page); err != nil {
			return err
		}
		files = append(files, "index.html")
	}
	t.text(stdout)
	if stable := stableNames(runs); len(stable) > 0 {
		fmt.Fprintf(stdout, "stable: %s\n", strings.Join(stable, ", "))
	}
	fmt.Fprintf(stdout, "outputs in %s: %s\n", o.out, strings.Join(files, ", "))
	return nil
}

// readRun reads the outputs flinksim run wrote into dir.
func readRun(dir string) (*models.Result, error) {
	open := func(name string, optional bool) (io.ReadCloser, error) {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil && optional && os.IsNotExist(err) {
			return nil, nil
		}
		if err != nil {
			return nil, usageError{fmt.Errorf("%v (was it written by flinksim run --out %s?)", err, filepath.Dir(dir))}
		}
		return f, nil
	}
	sum, err := open("summary.json", false)
	if err != nil {
		return nil, err
	}
	defer sum.Close()
	csv, err := open("metrics.csv", false)
	if err != nil {
		return nil, err
	}
	defer csv.Close()
	ck, err := open("checkpoints.json", true)
	if err != nil {
		return nil, err
	}
	var ckr io.Reader
	if ck != nil {
		defer ck.Close()
		ckr = ck
	}
	res, err := models.ReadResult(sum, csv, ckr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return res, nil
}
