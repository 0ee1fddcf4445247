package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/scenarios"
)

func newListCmd() *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "list",
		Short: "List the built-in scenarios, one per line",
		Example: `  flinksim list
  flinksim list | cut -d' ' -f1
  flinksim list -o json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			if output == formatJSON {
				return printListJSON(cmd.OutOrStdout())
			}
			w := 0
			for _, b := range scenarios.Library() {
				w = max(w, len(b.Name))
			}
			for _, b := range scenarios.Library() {
				fmt.Fprintf(cmd.OutOrStdout(), "%-*s  %s\n", w, b.Name, b.Description)
			}
			return nil
		},
	}
	outputFlag(c, &output)
	return c
}

func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the scenario format (for editors)",
		Long: `Print a JSON Schema (draft-07) of the scenario format. Editors with a YAML
language server validate and complete scenario files with it, e.g. with a
first line "# yaml-language-server: $schema=flinksim.schema.json".`,
		Example: `  flinksim schema > flinksim.schema.json`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := scenarios.Schema()
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(append(b, '\n'))
			return err
		},
	}
}

func newValidateCmd() *cobra.Command {
	var sets []string
	var output string
	c := &cobra.Command{
		Use:   "validate SCENARIO",
		Short: "Check a scenario (a file or a built-in name) and report every problem",
		Example: `  flinksim validate backpressure
  flinksim validate backpressure --set sinks.jdbc.capacity=100k/s
  flinksim validate out/scenario.resolved.yaml
  flinksim validate - < out/scenario.resolved.yaml
  flinksim validate backpressure -o json`,
		Args:        exactArgs(1, "one scenario: a file or a built-in name"),
		Annotations: map[string]string{collectsFlags: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			// The flags' problems (an unknown flag, -q=maybe) come with the
			// scenario's, in the JSON document too.
			fc := newFlagCheck(cmd)
			outErr := checkOutput(output)
			fc.add(outErr)
			fc.add(setKeyTwice(sets))
			name, data, err := readScenario(args[0])
			if err != nil {
				return fc.join(err)
			}
			l, err := scenarios.Load(name, data, sets)
			if output == formatJSON && outErr == nil {
				return validateAsJSON(cmd, name, data, l, fc.join(err))
			}
			if err = fc.joinLoaded(l, err); err != nil {
				return err
			}
			reportScenarioWarnings(cmd.ErrOrStderr(), l)
			if len(l.Variants) > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (and %s)\n", name, human.Plural(len(l.Variants), "variant"))
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", name)
			}
			return nil
		},
	}
	c.Flags().StringArrayVar(&sets, "set", nil, "override a field: dotted.path=value (repeatable)")
	outputFlag(c, &output)
	return c
}

// validateAsJSON prints validate -o json: the JSON document, problems or
// not; with problems it exits 2 after a count of them on stderr. An error
// that is not the scenario's problems (a file too large) is returned as it is.
func validateAsJSON(cmd *cobra.Command, name string, data []byte, l *scenarios.Loaded, err error) error {
	probs, isProblems := err.(scenarios.Problems)
	if err != nil && !isProblems {
		return err
	}
	if l != nil {
		reportScenarioWarnings(cmd.ErrOrStderr(), l)
	}
	if err := printValidateJSON(cmd.OutOrStdout(), name, data, l, probs); err != nil {
		return err
	}
	if len(probs) > 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), problemsTrailer(probs))
		return exitStatus(exitScenario)
	}
	return nil
}
