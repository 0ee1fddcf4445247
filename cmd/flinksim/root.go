package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/scenarios"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailure  = 1 // the run itself failed (I/O, a simulator bug)
	exitScenario = 2 // bad input: the scenario, a flag or an argument
	exitUnmet    = 3 // not what was asked: plan's conditions met by no value, run --expect's outcome not reached
)

// exitStatus ends a command with a code other than 0 after it has said
// why on its own (plan's "no value meets").
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError marks errors in what the user typed (exit code 2).
type usageError struct{ error }

// execute runs the CLI with args and returns the exit code. A panic is a bug
// in flinksim: it is reported in one line (with the stack only when
// FLINKSIM_DEBUG is set), never as a bare Go stack trace.
func execute(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "flinksim: internal error (a bug in flinksim; please report it with the scenario): %v\n", r)
			if os.Getenv("FLINKSIM_DEBUG") != "" {
				fmt.Fprintf(stderr, "%s", debug.Stack())
			}
			code = exitFailure
		}
	}()
	out := &outWriter{w: stdout}
	root := newRoot(out, stderr)
	args, argProbs := preParse(root, args)
	if args == nil {
		// every argument was a flag preParse took out ("flinksim
		// --versoin"): cobra reads os.Args for nil arguments
		args = []string{}
	}
	root.SetArgs(args)
	err := root.ExecuteContext(withArgProblems(context.Background(), argProbs))
	var status exitStatus
	if out.err != nil && (err == nil || errors.As(err, &status)) {
		// what the command printed is lost: no success for a script
		// that reads it (plan's answer, sweep plan's list)
		fmt.Fprintln(stderr, "flinksim:", out.err)
		return exitFailure
	}
	if err == nil {
		return exitOK
	}
	var probs scenarios.Problems
	var ue usageError
	switch {
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &probs):
		// The warnings first, as a scenario that loads prints them, then the
		// problems and their count: every one at once.
		for _, w := range probs.Warnings() {
			warnf(stderr, "%s", w)
		}
		fmt.Fprintln(stderr, probs.Errors().Error())
		fmt.Fprintln(stderr, problemsTrailer(probs))
		return exitScenario
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "flinksim:", ue.Error())
		return exitScenario
	default:
		fmt.Fprintln(stderr, "flinksim:", err)
		var ie *models.InternalError
		if errors.As(err, &ie) && os.Getenv("FLINKSIM_DEBUG") != "" {
			fmt.Fprintf(stderr, "%s", ie.Stack)
		}
		return exitFailure
	}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "flinksim",
		Short: "Simulate Apache Flink jobs and their failure modes on a virtual clock",
		Long: `flinksim replays what a Flink job would do under load, in seconds: backpressure
from slow sinks and more, with Flink's configuration keys, defaults and metric
names. Write a scenario in YAML (or use a built-in one: flinksim list) and run it.`,
		Example: `  flinksim list
  flinksim run backpressure --out out
  flinksim run --help`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// --version without cobra's -v shorthand (-v is --verbose), answered
	// by the root's RunE rather than cobra's Version: cobra prints that
	// before it checks the arguments, so "--version extra" would pass.
	root.Flags().Bool("version", false, "print the version and the commit flinksim was built from")
	// With Args set, cobra leaves an unknown command to it (a usage error,
	// exit 2) instead of failing in Find with a plain error; the root then
	// needs a RunE, or cobra would print the help before checking Args.
	root.Args = unknownCommand
	root.SuggestionsMinimumDistance = 2
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		if v, _ := cmd.Flags().GetBool("version"); v {
			fmt.Fprintln(cmd.OutOrStdout(), "flinksim", version(debug.ReadBuildInfo()))
			return nil
		}
		return cmd.Help()
	}
	root.PersistentFlags().BoolP("quiet", "q", false, "no progress or notes on stderr (problems and warnings still)")
	root.PersistentFlags().BoolP("verbose", "v", false, "more notes on stderr: the work estimate however short")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if cmd.Annotations[collectsFlags] != "" {
			return nil // with the command's own flags
		}
		return newFlagCheck(cmd).join(nil)
	}
	root.AddCommand(newRunCmd(), newCompareCmd(), newSweepCmd(), newPlanCmd(), newValidateCmd(), newListCmd(), newSchemaCmd())
	initCobraCommands(root)
	argsWithFlags(root)
	registerCompletions(root)
	lenientFlags(root)
	return root
}

// initCobraCommands makes cobra's own commands, help and completion, now
// rather than in Execute, to give them examples as every command has, and
// to make help on an unknown command the usage error that the command is.
func initCobraCommands(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	shells := map[string]string{
		"bash":       "  flinksim completion bash > ~/.local/share/bash-completion/completions/flinksim",
		"zsh":        `  flinksim completion zsh > "${fpath[1]}/_flinksim"`,
		"fish":       "  flinksim completion fish > ~/.config/fish/completions/flinksim.fish",
		"powershell": "  flinksim completion powershell | Out-String | Invoke-Expression",
	}
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Example = "  flinksim help run\n  flinksim help sweep merge"
			c.Args = func(_ *cobra.Command, args []string) error {
				if found, rest, err := root.Find(args); err == nil && found == root {
					return unknownCommand(root, rest)
				}
				return nil
			}
		case "completion":
			c.Example = shells["bash"]
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(cmd *cobra.Command, args []string) error { // a shell cobra has no script for
				if len(args) > 0 {
					return usageError{fmt.Errorf("no completion for shell %q (bash, zsh, fish, powershell)", args[0])}
				}
				return cmd.Help()
			}
			for _, sh := range c.Commands() {
				sh.Example = shells[sh.Name()]
				if check := sh.Args; check != nil { // cobra.NoArgs: "completion bash extra"
					sh.Args = func(cmd *cobra.Command, args []string) error {
						if err := check(cmd, args); err != nil {
							return usageError{err}
						}
						return nil
					}
				}
			}
		}
	}
}

// argsWithFlags makes the check of the arguments of c and its subcommands
// report the problems of their flags with its own: cobra checks the
// arguments before any hook runs.
func argsWithFlags(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return newFlagCheck(cmd).join(err)
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		argsWithFlags(sub)
	}
}

// chattiness is -q and -v, the root's flags.
func chattiness(cmd *cobra.Command) (quiet, verbose bool) {
	quiet, _ = cmd.Flags().GetBool("quiet")
	verbose, _ = cmd.Flags().GetBool("verbose")
	return quiet, verbose
}

// unknownCommand refuses arguments to the root: the first is a command
// that does not exist.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return usageError{fmt.Errorf("%s (commands: %s; flinksim --help for more)", msg, strings.Join(names, ", "))}
}

// loadBase reads a scenario (a file or a built-in name) for sweep and plan,
// which run its base alone: the base is loaded with the overrides, and a
// variant that only the overrides break is taken as written, as with
// run --variant base (scenarios.LoadRuns).
func loadBase(arg string, sets []string) (file string, data []byte, l *scenarios.Loaded, err error) {
	return loadRuns(arg, sets, []string{scenarios.BaseName})
}

// loadRuns is loadScenario for a run of the named runs only (--variant; nil
// for every run): the overrides need only suit the runs made
// (scenarios.LoadRuns).
func loadRuns(arg string, sets, runs []string) (file string, data []byte, l *scenarios.Loaded, err error) {
	if file, data, err = readScenario(arg); err != nil {
		return "", nil, nil, err
	}
	l, err = scenarios.LoadRuns(file, data, sets, runs)
	return file, data, l, err
}

// stdinName names standard input in problems ("<stdin>:3:5: ..."), as
// compilers do: it cannot be taken for a file name.
const stdinName = "<stdin>"

// readScenario reads a scenario file ("-" is standard input), or a built-in
// scenario by name. Standard input is read as a file is, up to
// scenarios.MaxFileSize and one byte more, however much is piped in.
func readScenario(arg string) (name string, data []byte, err error) {
	if arg == "-" {
		data, err = scenarios.Read(os.Stdin)
		return stdinName, data, err
	}
	if st, statErr := os.Stat(arg); statErr == nil {
		if st.IsDir() {
			return "", nil, usageError{fmt.Errorf("%s: is a directory; give a scenario file (.yaml), - for standard input, or a built-in scenario's name", arg)}
		}
		if data, err = scenarios.ReadFile(arg); err != nil {
			return "", nil, usageError{err}
		}
		return arg, data, nil
	}
	b, lookupErr := scenarios.LookupBuiltIn(arg)
	if lookupErr != nil {
		return "", nil, usageError{lookupErr}
	}
	return "builtin:" + b.Name, b.Data, nil
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("expects %s", what)}
		}
		return nil
	}
}

// outWriter is standard output, keeping its first write error: a command
// whose output cannot be written (a full disk) does not exit 0. A closed
// pipe never gets here: Go's runtime ends the process by SIGPIPE.
type outWriter struct {
	w   io.Writer
	err error
}

func (o *outWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && o.err == nil {
		o.err = err
	}
	return n, err
}
