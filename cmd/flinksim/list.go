package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/scenarios"
)

func newListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in scenarios, one per line",
		Example: `  flinksim list
  flinksim list | cut -d' ' -f1`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
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
	c := &cobra.Command{
		Use:   "validate SCENARIO",
		Short: "Check a scenario (a file or a built-in name) and report every problem",
		Example: `  flinksim validate backpressure
  flinksim validate backpressure --set sinks.jdbc.capacity=100k/s
  flinksim validate out/scenario.resolved.yaml
  flinksim validate - < out/scenario.resolved.yaml`,
		Args: exactArgs(1, "one scenario: a file or a built-in name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, data, err := readScenario(args[0])
			if err != nil {
				return err
			}
			l, err := scenarios.Load(name, data, sets)
			if err != nil {
				return err
			}
			reportFlinkConfig(cmd.ErrOrStderr(), l)
			if len(l.Variants) > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (and %d variants)\n", name, len(l.Variants))
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", name)
			}
			return nil
		},
	}
	c.Flags().StringArrayVar(&sets, "set", nil, "override a field: dotted.path=value (repeatable)")
	return c
}
