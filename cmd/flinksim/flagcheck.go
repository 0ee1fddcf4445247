package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/scenarios"
)

// Flags are checked all at once: a command collects every problem with its
// flags in a flagCheck, one line each ("--flag: what is wrong and what is
// allowed"), loads the scenario with the overrides, and reports both
// together (exit code 2), so that a user fixes them in one go.

// collectsFlags marks a command that checks the flags the root's
// PersistentPreRunE would (-q with -v, an empty --seed or --duration) with
// its own, in a flagCheck.
const collectsFlags = "flinksim/collects-flags"

// commandArg is the File of a problem that is not a flag's nor in a
// scenario file (the scenario argument, --out): it prints as
// "flinksim: ...", as such errors do on their own.
const commandArg = "flinksim"

// flagCheck is every problem found in a command's flags so far.
type flagCheck struct {
	probs scenarios.Problems
}

// newFlagCheck starts with the problems of the root's flags and of an
// empty --seed or --duration.
func newFlagCheck(cmd *cobra.Command) *flagCheck {
	fc := &flagCheck{}
	fc.add(commonFlagProblems(cmd))
	return fc
}

// flagError is a problem with a flag, as an error: "--flag: msg".
func flagError(flag, format string, a ...any) error {
	return scenarios.Problems{{File: "--" + flag, Msg: fmt.Sprintf(format, a...)}}
}

// add keeps err's problems (nil adds none); an error that is not a list of
// problems is kept as one line.
func (fc *flagCheck) add(err error) {
	var probs scenarios.Problems
	switch {
	case err == nil:
	case errors.As(err, &probs):
		fc.probs = append(fc.probs, probs...)
	default:
		var ue usageError
		if errors.As(err, &ue) {
			err = ue.error
		}
		fc.probs = append(fc.probs, scenarios.Problem{File: commandArg, Msg: err.Error()})
	}
}

// addf adds a problem with --flag.
func (fc *flagCheck) addf(flag, format string, a ...any) { fc.add(flagError(flag, format, a...)) }

// ok says whether no problem was found.
func (fc *flagCheck) ok() bool { return len(fc.probs) == 0 }

// join returns err (the scenario's problems, or any error) with the flags'
// problems before it: err itself when the flags have none, nil when
// neither has any.
func (fc *flagCheck) join(err error) error {
	if fc.ok() {
		return err
	}
	fc.add(err)
	return fc.probs
}

// load reads and loads the scenario with the overrides (loadScenario); its
// problems come with the flags'.
func (fc *flagCheck) load(arg string, sets []string) (file string, data []byte, l *scenarios.Loaded, err error) {
	file, data, l, err = loadScenario(arg, sets)
	if err = fc.join(err); err != nil {
		return "", nil, nil, err
	}
	return file, data, l, nil
}

// commonFlagProblems: -q with -v, and a --seed or --duration given empty,
// which would otherwise leave the scenario's value silently in place.
func commonFlagProblems(cmd *cobra.Command) error {
	var probs scenarios.Problems
	if q, v := chattiness(cmd); q && v {
		probs = append(probs, scenarios.Problem{File: "--quiet", Msg: "cannot go with --verbose: give one or the other"})
	}
	for _, f := range []struct{ name, example string }{{"seed", "7"}, {"duration", "30m"}} {
		if fl := cmd.Flags().Lookup(f.name); fl != nil && fl.Changed && strings.TrimSpace(fl.Value.String()) == "" {
			probs = append(probs, scenarios.Problem{File: "--" + f.name, Msg: fmt.Sprintf("is empty; give a value, e.g. --%s %s", f.name, f.example)})
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}

// checkJobs checks -j.
func checkJobs(jobs int) error {
	if jobs < 0 {
		return flagError("jobs", "%d: must be 0 (one per core) or more", jobs)
	}
	return nil
}

// problemsTrailer is the line after a list of problems: how many, and
// where: the flags, the arguments, the scenario.
func problemsTrailer(probs scenarios.Problems) string {
	var flags, args, scenario int
	for _, p := range probs {
		switch {
		case strings.HasPrefix(p.File, "--"):
			flags++
		case p.File == commandArg:
			args++
		default:
			scenario++
		}
	}
	var where []string
	for _, w := range []struct {
		n    int
		name string
	}{{flags, "the flags"}, {args, "the arguments"}, {scenario, "the scenario"}} {
		if w.n > 0 {
			where = append(where, w.name)
		}
	}
	return fmt.Sprintf("flinksim: %d problem(s) in %s", len(probs), strings.Join(where, " and "))
}
