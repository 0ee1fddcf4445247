package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/scenarios"
)

// pflag stops at the first flag it cannot parse at all: an unknown --flag
// or -f, a flag given last without its value, a token such as ---x. Such
// flags are found before cobra runs (scanFlags, following pflag's rules on
// the command that will run), taken out of the arguments (the token only,
// unless it is a misspelling of a flag that takes a value: what follows
// it is then its value), and handed to the command in its context, so that
// newFlagCheck reports them with every other problem, in the order given.

// argProblem is a problem found in the arguments before cobra parses them.
type argProblem struct {
	scenarios.Problem
	// at orders it among the values that did not parse (lenientValue.at):
	// 2k+1 when k values of lenient flags come before it.
	at int
	// flag is the name of a flag given without its value: its problem is
	// that, as for a value that did not parse.
	flag string
}

type argProblemsKey struct{}

// withArgProblems is ctx carrying probs to the command (argProblemsOf).
func withArgProblems(ctx context.Context, probs []argProblem) context.Context {
	return context.WithValue(ctx, argProblemsKey{}, probs)
}

// argProblemsOf is what preParse found in the arguments of cmd's run.
func argProblemsOf(cmd *cobra.Command) []argProblem {
	if ctx := cmd.Context(); ctx != nil {
		probs, _ := ctx.Value(argProblemsKey{}).([]argProblem)
		return probs
	}
	return nil
}

// preParse takes out of args the flags pflag would stop at, for the
// command cobra will run with the rest, and returns their problems. Shell
// completion (__complete) and a command that parses its own flags get args
// as they are.
func preParse(root *cobra.Command, args []string) ([]string, []argProblem) {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return args, nil
	}
	clean, probs := args, []argProblem(nil)
	cmd, _, err := root.Find(args)
	// An unknown flag can hide a command name from Find ("--frobnicate
	// run" reads as a flag and its value): find it again without them.
	for range 3 {
		if err != nil || cmd.DisableFlagParsing {
			return args, nil
		}
		clean, probs = scanFlags(cmd, args)
		var next *cobra.Command
		if next, _, err = root.Find(clean); err != nil || next == cmd {
			break
		}
		cmd = next
	}
	return clean, probs
}

// flagScan is scanFlags' state.
type flagScan struct {
	cmd   *cobra.Command
	flags *pflag.FlagSet
	clean []string
	probs []argProblem
	// values is how many values of lenient flags (lenientValue) pflag
	// will have set so far: each lenient flag's occurrence sets one.
	values int
}

// scanFlags reads args as pflag will for cmd (its flags, those it
// inherits, --help), keeping every argument but the flags it would stop
// at, whose problems it returns. After "--" every argument is kept.
func scanFlags(cmd *cobra.Command, args []string) ([]string, []argProblem) {
	cmd.InitDefaultHelpFlag() // as cobra does before parsing; it merges the inherited flags
	sc := &flagScan{cmd: cmd, flags: cmd.Flags()}
	for i := 0; i < len(args); i++ {
		s := args[i]
		switch {
		case s == "--":
			return append(sc.clean, args[i:]...), sc.probs
		case len(s) < 2 || s[0] != '-':
			sc.clean = append(sc.clean, s)
		case s[1] == '-':
			i = sc.long(args, i)
		default:
			i = sc.short(args, i)
		}
	}
	return sc.clean, sc.probs
}

// long reads args[i], a --flag, --flag=value or --flag value, and returns
// the index of the last argument it took.
func (sc *flagScan) long(args []string, i int) int {
	s := args[i]
	name, _, hasValue := strings.Cut(s[2:], "=")
	if name == "" || name[0] == '-' {
		sc.problem(s, "", "bad flag syntax: a flag is --name or -n (an argument that starts with - goes after --)")
		return i
	}
	f := sc.flags.Lookup(name)
	if f == nil {
		hint, like := sc.longHint(name)
		if like == nil && !hasValue && i+1 < len(args) && looksLikeValue(args[i+1]) {
			// a flag of another command that takes a value ("plan
			// --output json") takes it too
			if g, _ := sc.elsewhere(name, ""); g != nil && g.NoOptDefVal == "" {
				sc.problem("--"+name, "", fmt.Sprintf("unknown flag; %s (%q taken as its value)", hint, args[i+1]))
				return i + 1
			}
		}
		if like == nil && !hasValue {
			// a misspelling of another command's flag ("validate
			// --duratoin 5m", close to run's --duration)
			hint, like = sc.misspeltElsewhere(name, hint)
		}
		// A misspelling of a flag that takes a value ("--duratoin 5m")
		// takes the value too, or it would read as one more argument.
		if like != nil && like.NoOptDefVal == "" && !hasValue && i+1 < len(args) && looksLikeValue(args[i+1]) {
			sc.problem("--"+name, "", fmt.Sprintf("unknown flag; %s (%q taken as its value)", hint, args[i+1]))
			return i + 1
		}
		sc.problem("--"+name, "", "unknown flag; "+hint)
		return i
	}
	if hasValue || f.NoOptDefVal != "" {
		sc.took(f, s)
		return i
	}
	if i+1 == len(args) {
		sc.noValue(f)
		return i
	}
	sc.took(f, s, args[i+1])
	return i + 1
}

// short reads args[i], one or more shorthands (-q, -qv, -j2, -j=2, -j 2),
// keeps those known and returns the index of the last argument it took.
func (sc *flagScan) short(args []string, i int) int {
	s := args[i]
	if strings.HasPrefix(s, "-test.") { // pflag leaves go test's flags alone
		sc.clean = append(sc.clean, s)
		return i
	}
	if name, _, _ := strings.Cut(s[1:], "="); len(name) > 1 && sc.flags.Lookup(name) != nil { // -seed
		sc.problem(s, "", fmt.Sprintf("unknown shorthand flag; did you mean --%s?", name))
		return i
	}
	kept, takeNext := "-", false
	for rest := s[1:]; rest != ""; {
		_, size := utf8.DecodeRuneInString(rest)
		c := rest[:size]
		rest = rest[size:]
		var f *pflag.Flag
		if size == 1 {
			f = sc.flags.ShorthandLookup(c)
		}
		switch {
		case f == nil:
			g, _ := sc.elsewhere("", c)
			if g != nil && g.NoOptDefVal == "" && rest == "" && i+1 < len(args) && looksLikeValue(args[i+1]) {
				// a shorthand of another command that takes a value
				// ("plan -o json") takes it too
				sc.unknownShort(c, s, args[i+1])
				i++
				continue
			}
			sc.unknownShort(c, s, "")
			if strings.HasPrefix(rest, "=") { // -z=value
				rest = ""
			}
			continue
		case strings.HasPrefix(rest, "="), f.NoOptDefVal == "" && rest != "": // -j=2, -j2
			kept, rest = kept+c+rest, ""
		case f.NoOptDefVal != "": // -q
			kept += c
		case i+1 < len(args): // -j 2
			kept, takeNext = kept+c, true
		default:
			sc.noValue(f)
			continue
		}
		sc.count(f)
	}
	if kept != "-" {
		sc.clean = append(sc.clean, kept)
	}
	if takeNext {
		sc.clean = append(sc.clean, args[i+1])
		i++
	}
	return i
}

// looksLikeValue: s is not a flag (or is a negative number, -5, which a
// flag that takes a value takes as pflag does); "-" is the scenario from
// stdin.
func looksLikeValue(s string) bool {
	if s == "-" {
		return false
	}
	if !strings.HasPrefix(s, "-") {
		return true
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// took keeps the arguments of a known flag, f, and counts its value.
func (sc *flagScan) took(f *pflag.Flag, args ...string) {
	sc.clean = append(sc.clean, args...)
	sc.count(f)
}

// count counts f's value if it is a lenient flag's.
func (sc *flagScan) count(f *pflag.Flag) {
	if _, ok := f.Value.(*lenientValue); ok {
		sc.values++
	}
}

// problem adds a problem at file (a flag as typed): flag names a known
// flag whose value is missing.
func (sc *flagScan) problem(file, flag, msg string) {
	sc.probs = append(sc.probs, argProblem{Problem: scenarios.Problem{File: file, Msg: msg}, at: 2*sc.values + 1, flag: flag})
}

// noValue: f is given last, without the value it takes.
func (sc *flagScan) noValue(f *pflag.Flag) {
	sc.problem("--"+f.Name, f.Name, fmt.Sprintf("needs a value and none follows it; give one after it (see %s --help)", sc.cmd.CommandPath()))
}

// unknownShort: c is not a shorthand of the command's flags; s is the
// argument it is in; value, if not "", the next argument, taken as its
// value (it is a shorthand of another command that takes one).
func (sc *flagScan) unknownShort(c, s, value string) {
	in := ""
	if s != "-"+c {
		in = " in " + s
	}
	if g, where := sc.elsewhere("", c); g != nil {
		in += fmt.Sprintf("; %s has no -%s (--%s), a flag of %s", sc.cmd.CommandPath(), c, g.Name, where)
		if value != "" {
			in += fmt.Sprintf(" (%q taken as its value)", value)
		}
	}
	var shorts []string
	sc.flags.VisitAll(func(f *pflag.Flag) {
		if f.Shorthand != "" && !f.Hidden {
			shorts = append(shorts, "-"+f.Shorthand)
		}
	})
	sort.Strings(shorts)
	sc.problem("-"+c, "", fmt.Sprintf("unknown shorthand flag%s; the shorthands are %s", in, strings.Join(shorts, ", ")))
}

// longHint is what is allowed instead of --name, an unknown flag: the
// flag of an enclosing command (--version on a subcommand), the closest
// of the command's flags (scenarios.Closest, returned as like), or
// its help.
func (sc *flagScan) longHint(name string) (hint string, like *pflag.Flag) {
	for p := sc.cmd.Parent(); p != nil; p = p.Parent() {
		if p.LocalNonPersistentFlags().Lookup(name) != nil {
			return fmt.Sprintf("it is a flag of %s, not of %s: %s --%s", p.CommandPath(), sc.cmd.CommandPath(), p.CommandPath(), name), nil
		}
	}
	if len(name) == 1 {
		if f := sc.flags.ShorthandLookup(name); f != nil {
			return fmt.Sprintf("did you mean -%s?", name), f
		}
	}
	if f, where := sc.elsewhere(name, ""); f != nil {
		return fmt.Sprintf("%s has no --%s, a flag of %s", sc.cmd.CommandPath(), name, where), nil
	}
	var names []string
	sc.flags.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	if best, ok := scenarios.Closest(name, names); ok {
		return fmt.Sprintf("did you mean --%s?", best), sc.flags.Lookup(best)
	}
	return fmt.Sprintf("see %s --help", sc.cmd.CommandPath()), nil
}

// elsewhere finds a flag the command does not have, by its name or its
// shorthand, among the other commands' (-o, --output: run, validate, list
// and compare have it, plan and sweep do not), and names those commands.
func (sc *flagScan) elsewhere(name, short string) (*pflag.Flag, string) {
	var found *pflag.Flag
	var where []string
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub != sc.cmd && !sub.Hidden {
				f := sub.LocalFlags().Lookup(name)
				if short != "" {
					f = sub.LocalFlags().ShorthandLookup(short)
				}
				if f != nil && !f.Hidden {
					found = cmp.Or(found, f)
					where = append(where, strings.TrimPrefix(sub.CommandPath(), sc.cmd.Root().Name()+" "))
				}
			}
			visit(sub)
		}
	}
	visit(sc.cmd.Root())
	root := sc.cmd.Root().Name() + " "
	if len(where) == 0 {
		return nil, ""
	}
	return found, root + human.And(where)
}

// misspeltElsewhere finds, for an unknown --name close to no flag of the
// command, the closest flag of another command (scenarios.Closest), and
// returns the hint naming it and the commands that have it; else hint and
// nil.
func (sc *flagScan) misspeltElsewhere(name, hint string) (string, *pflag.Flag) {
	var names []string
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub != sc.cmd && !sub.Hidden {
				sub.LocalFlags().VisitAll(func(f *pflag.Flag) {
					if !f.Hidden && !slices.Contains(names, f.Name) {
						names = append(names, f.Name)
					}
				})
			}
			visit(sub)
		}
	}
	visit(sc.cmd.Root())
	sort.Strings(names) // Closest's ties go to the first: not to the order commands were added
	best, ok := scenarios.Closest(name, names)
	if !ok {
		return hint, nil
	}
	f, where := sc.elsewhere(best, "")
	if f == nil {
		return hint, nil
	}
	return fmt.Sprintf("%s has no --%s, and --%s is a flag of %s", sc.cmd.CommandPath(), name, best, where), f
}
