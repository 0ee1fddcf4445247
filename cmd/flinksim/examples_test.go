package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// commands is every command under c, c included.
func commands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		out = append(out, commands(sub)...)
	}
	return out
}

// shellWords splits a line as a POSIX shell would for the simple commands
// of the examples: words, quotes, and the operators |, &&, ;, < and > as
// words of their own.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case unicode.IsSpace(r):
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// invocations are the flinksim commands of an example line: the arguments
// after "flinksim", without redirections, one per command of a pipeline or
// list.
func invocations(line string) [][]string {
	var out [][]string
	var cmd []string
	words := shellWords(line)
	for i := 0; i < len(words); i++ {
		switch w := words[i]; w {
		case "|", "&&", ";":
			if len(cmd) > 0 && cmd[0] == "flinksim" {
				out = append(out, cmd[1:])
			}
			cmd = nil
		case "<", ">":
			i++ // and the file
		default:
			cmd = append(cmd, w)
		}
	}
	if len(cmd) > 0 && cmd[0] == "flinksim" {
		out = append(out, cmd[1:])
	}
	return out
}

// TestEveryCommandHasExamples: every command's help shows examples, and
// each is a command that exists with flags and arguments it accepts; a
// built-in scenario named in one loads with the example's --seed,
// --duration, --set and --variant.
func TestEveryCommandHasExamples(t *testing.T) {
	for _, c := range commands(newRoot(io.Discard, io.Discard)) {
		path := c.CommandPath()
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s: no Example", path)
			continue
		}
		own := false
		for _, line := range strings.Split(c.Example, "\n") {
			if !strings.HasPrefix(line, "  flinksim") {
				t.Errorf("%s: example %q does not start with two spaces and flinksim", path, line)
			}
			for _, args := range invocations(line) {
				found, err := checkExample(args)
				if err != nil {
					t.Errorf("%s: example %q: %v", path, line, err)
				}
				own = own || found == path || strings.HasPrefix(found, path+" ") // or a subcommand
			}
		}
		if !own {
			t.Errorf("%s: no example runs %s or a subcommand", path, path)
		}
	}
}

// checkExample parses args as flinksim would and checks what can be
// checked without running: the command, its flags, its arguments, and a
// built-in scenario with the overrides given.
func checkExample(args []string) (string, error) {
	root := newRoot(io.Discard, io.Discard)
	c, rest, err := root.Find(args)
	if err != nil {
		return "", err
	}
	if err := c.ParseFlags(rest); errors.Is(err, pflag.ErrHelp) {
		return c.CommandPath(), nil
	} else if err != nil {
		return c.CommandPath(), err
	}
	if help, _ := c.Flags().GetBool("help"); help {
		return c.CommandPath(), nil // cobra's --help (made with the root, lenientFlags)
	}
	if err := c.ValidateArgs(c.Flags().Args()); err != nil {
		return c.CommandPath(), err
	}
	if err := newFlagCheck(c).join(nil); err != nil {
		return c.CommandPath(), err
	}
	if v, err := c.Flags().GetString("expect"); err == nil {
		if err := checkExpect(v); err != nil {
			return c.CommandPath(), err
		}
	}
	return c.CommandPath(), checkExampleScenario(c)
}

// checkExampleScenario loads the example's built-in scenario (a file or
// standard input is an earlier example's output: not checked).
func checkExampleScenario(c *cobra.Command) error {
	pos := c.Flags().Args()
	if !strings.Contains(c.Use, "SCENARIO") || len(pos) == 0 || pos[0] == "-" || strings.ContainsAny(pos[0], "/.") {
		return nil
	}
	var sets []string
	for _, name := range []string{"seed", "duration"} {
		if v, err := c.Flags().GetString(name); err == nil && v != "" {
			sets = append(sets, "--"+name+"="+v)
		}
	}
	more, _ := c.Flags().GetStringArray("set")
	_, _, l, err := loadRuns(pos[0], append(sets, more...), nil)
	if err != nil {
		return err
	}
	variants, _ := c.Flags().GetStringArray("variant")
	for _, v := range variants {
		if v != "base" && !slices.ContainsFunc(l.Variants, func(x scenarios.Variant) bool { return x.Name == v }) {
			return fmt.Errorf("--variant %s: no such variant", v)
		}
	}
	return checkExampleAxes(c, pos[0], append(sets, more...))
}

// checkExampleAxes loads the first and last point of a sweep's --grid, and
// both ends of plan's --target range, with the example's conditions.
func checkExampleAxes(c *cobra.Command, arg string, sets []string) error {
	if grids, err := c.Flags().GetStringArray("grid"); err == nil && len(grids) > 0 {
		r, plan, _, err := loadPlan(arg, sweepOptions{runOptions: runOptions{sets: sets}, grids: grids}, nil, nil, nil, false)
		if err != nil {
			return err
		}
		for _, pt := range []sweep.Point{plan.Points[0], plan.Points[len(plan.Points)-1]} {
			if _, err := r.Load(pt); err != nil {
				return err
			}
		}
	}
	target, err := c.Flags().GetString("target")
	if err != nil {
		return nil
	}
	conds, _ := c.Flags().GetStringArray("for")
	s, err := planSearch(planOptions{target: target, conds: conds, replicas: 1})
	if err != nil {
		return err
	}
	for _, v := range []string{s.Lo, s.Hi} {
		if _, _, _, err := loadRuns(arg, append(sets, s.Key+"="+v), nil); err != nil {
			return err
		}
	}
	return nil
}

func TestShellWords(t *testing.T) {
	got := invocations(`  flinksim list | cut -d' ' -f1 && flinksim plan x --for 'a<=1' > f ; flinksim run - < in.yaml`)
	want := [][]string{{"list"}, {"plan", "x", "--for", "a<=1"}, {"run", "-"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %q, want %q", got, want)
	}
}
