package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/scenarios"
)

// Flags are checked all at once: a command collects every problem with its
// flags in a flagCheck, one line each ("--flag: what is wrong and what is
// allowed"), loads the scenario with the overrides, and reports both
// together (exit code 2), so that a user fixes them in one go. A value
// pflag cannot parse is kept by the flag's own Value (lenientValue); a
// flag pflag would stop at, an unknown one, is taken out of the arguments
// before it parses (argscan.go).

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
	// unparsed are the flags whose value did not parse ("--jobs"), or was
	// empty (commonFlagProblems): their problem is that, and the checks of the value left in place are not
	// reported.
	unparsed map[string]bool
}

// newFlagCheck starts with the problems of the flags pflag could not
// parse (unknown ones, values that did not parse), of the root's flags and
// of an empty --seed or --duration.
func newFlagCheck(cmd *cobra.Command) *flagCheck {
	fc := &flagCheck{unparsed: map[string]bool{}}
	for _, p := range parseProblems(cmd) {
		if p.flag != "" {
			fc.unparsed["--"+p.flag] = true
		}
		fc.probs = append(fc.probs, p.Problem)
	}
	common, _ := commonFlagProblems(cmd).(scenarios.Problems)
	for _, p := range common {
		fc.probs = append(fc.probs, p)
		fc.unparsed[p.File] = true // an empty value's problem is that: no other check judges it
	}
	return fc
}

// lenientValue is a flag's value that pflag would refuse, stopping at the
// first bad one (a whole number, true or false): it keeps the problem and
// the flag's value as it was, and parsing goes on, so that the command
// reports it with every other problem. It also keeps the values a flag
// of one value was given: pflag keeps the last, so "--expect overload
// --expect stable" would check stable without a word; two different
// values are a problem, as a field --set twice is.
type lenientValue struct {
	pflag.Value
	name    string
	problem string
	seq     *int     // how many values of lenient flags were set so far, shared
	at      int      // the problem's place on the command line: seq
	given   []string // the values given, in order
	last    int      // the last value's place on the command line: seq
}

func (v *lenientValue) Set(s string) error {
	*v.seq++
	v.given, v.last = append(v.given, s), *v.seq
	if err := v.Value.Set(s); err != nil && v.problem == "" {
		v.problem, v.at = badValue(v.name, v.Value.Type(), s, err), *v.seq
	}
	return nil
}

// problemOf is the problem with v's values, and its place on the command
// line: a value that did not parse, or else different values (at the last).
func (v *lenientValue) problemOf() (string, int) {
	if v.problem != "" {
		return v.problem, v.at
	}
	for _, s := range v.given[min(1, len(v.given)):] {
		if s != v.given[0] {
			return fmt.Sprintf("given %d times, as %s; it takes one value: give it once", len(v.given), quoteAll(v.given)), v.last
		}
	}
	return "", 0
}

// quoteAll is the values quoted and joined for a message: "a", then "b".
func quoteAll(values []string) string {
	q := make([]string, len(values))
	for i, s := range values {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", then ")
}

// badValue says what is wrong with s, a value pflag refused for --name, a
// flag of type typ, and what is allowed.
func badValue(name, typ, s string, err error) string {
	var ne *strconv.NumError
	outOfRange := errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange)
	switch {
	case typ == "bool":
		return fmt.Sprintf("%q is not true or false: give --%s (true) or --%s=false", s, name, name)
	case strings.HasPrefix(typ, "int") && outOfRange:
		return fmt.Sprintf("%q is out of range: give a whole number, e.g. --%s 2", s, name)
	case strings.HasPrefix(typ, "int"):
		return fmt.Sprintf("%q is not a whole number: give one, e.g. --%s 2", s, name)
	case strings.HasPrefix(typ, "uint"):
		return fmt.Sprintf("%q is not a whole number from 0 up: give one, e.g. --%s 2", s, name)
	case strings.HasPrefix(typ, "float"):
		return fmt.Sprintf("%q is not a number: give one, e.g. --%s 1.5", s, name)
	}
	return fmt.Sprintf("%q: %v", s, err)
}

// lenientFlags makes every flag of cmd and its subcommands that takes one
// value (not a repeatable one such as --set) a lenientValue.
func lenientFlags(cmd *cobra.Command) {
	seq := new(int)
	var walk func(c *cobra.Command)
	wrap := func(f *pflag.Flag) {
		switch f.Value.(type) {
		case *lenientValue, pflag.SliceValue:
			return
		}
		f.Value = &lenientValue{Value: f.Value, name: f.Name, seq: seq}
	}
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag() // as cobra makes it before parsing: --help=x is a bad value too
		c.Flags().VisitAll(wrap)
		c.PersistentFlags().VisitAll(wrap)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cmd)
}

// parseProblems are the problems of cmd's flags that pflag could not
// parse, in the order given: those preParse found in the arguments
// (unknown flags) and the values that did not parse.
func parseProblems(cmd *cobra.Command) []argProblem {
	probs := append([]argProblem(nil), argProblemsOf(cmd)...)
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if v, ok := f.Value.(*lenientValue); ok {
			if msg, at := v.problemOf(); msg != "" {
				probs = append(probs, argProblem{Problem: scenarios.Problem{File: "--" + v.name, Msg: msg}, at: 2 * at, flag: v.name})
			}
		}
	})
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].at < probs[j].at })
	return probs
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
		for _, p := range probs {
			if !fc.unparsed[p.File] {
				fc.probs = append(fc.probs, p)
			}
		}
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

// ok says whether no problem was found (warnings are none).
func (fc *flagCheck) ok() bool { return len(fc.probs.Errors()) == 0 }

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

// load reads and loads the scenario with the overrides for the runs named
// (loadRuns; nil for every run); its problems come with the flags'.
func (fc *flagCheck) load(arg string, sets, runs []string) (file string, data []byte, l *scenarios.Loaded, err error) {
	// An empty --variant is refused already (commonFlagProblems): the
	// others are loaded, all of them when none is left, so that the
	// scenario's and the other flags' problems come with it.
	if runs = slices.DeleteFunc(slices.Clone(runs), func(r string) bool { return strings.TrimSpace(r) == "" }); len(runs) == 0 {
		runs = nil // every run
	}
	file, data, l, err = loadRuns(arg, sets, runs)
	if data != nil {
		fc.add(unknownRuns(file, data, sets, runs, err == nil)) // told now, with the flags' and the scenario's problems
	} else {
		fc.add(flagValueProblems(sets)) // no scenario to load them with
	}
	if err = fc.joinLoaded(l, err); err != nil {
		return "", nil, nil, err
	}
	return file, data, l, nil
}

// unknownRuns are the problems of the runs named that the scenario loaded
// as l does not have (as planRuns would tell them), with those of --seed
// and --duration when the runs loaded (with no run made, the loader took
// the scenario as written; a --set may be meant for the variant misnamed,
// but those two suit every run), and a --set's problems that it has in
// every run of the scenario (setProblemsOfEveryRun).
func unknownRuns(file string, data []byte, sets, runs []string, loaded bool) error {
	var probs scenarios.Problems
	known := scenarios.VariantNames(file, data)
	for i, r := range runs {
		if r == scenarios.BaseName || slices.Contains(known, r) || slices.Contains(runs[:i], r) {
			continue // known, or told once already
		}
		if _, err := scenarios.LoadVariant(file, data, sets, r); err != nil {
			if p, ok := err.(scenarios.Problems); ok {
				probs = append(probs, withoutGivenGuess(p.Errors(), runs)...)
			}
		}
	}
	switch {
	case len(probs) == 0:
		return nil
	case !loaded:
		return probs // the load's problems have --seed's and --duration's
	}
	flags := slices.DeleteFunc(slices.Clone(sets), func(s string) bool { return !strings.HasPrefix(s, "--") })
	if _, err := scenarios.Load(file, data, flags); err != nil {
		if p, ok := err.(scenarios.Problems); ok {
			probs = append(p.Errors(), probs...)
		}
	}
	return append(probs, setProblemsOfEveryRun(file, data, sets, known)...)
}

// givenGuess matches the "did you mean" of an unknown --variant's problem.
var givenGuess = regexp.MustCompile(`; did you mean "([^"]*)"(, the scenario as written)?\?$`)

// withoutGivenGuess drops from an unknown --variant's problems a guess
// that names a run given too (--variant base --variant BASE): it would
// only be given twice.
func withoutGivenGuess(probs scenarios.Problems, runs []string) scenarios.Problems {
	for i, p := range probs {
		if m := givenGuess.FindStringSubmatch(p.Msg); m != nil && slices.Contains(runs, m[1]) {
			probs[i].Msg = strings.TrimSuffix(p.Msg, m[0])
		}
	}
	return probs
}

// setProblemsOfEveryRun are the problems a --set has in the base and in
// every variant (known) alike: an unknown field, a value out of range. A
// --set that only the variant misnamed would make right (a field of an
// operator only it adds) is not wrong whichever run was meant.
func setProblemsOfEveryRun(file string, data []byte, sets, known []string) scenarios.Problems {
	user := slices.DeleteFunc(slices.Clone(sets), func(s string) bool { return strings.HasPrefix(s, "--") })
	if len(user) == 0 {
		return nil
	}
	var common scenarios.Problems
	for i, run := range append([]string{scenarios.BaseName}, known...) {
		var p scenarios.Problems
		if _, err := scenarios.LoadVariant(file, data, user, run); err != nil {
			p, _ = err.(scenarios.Problems)
		}
		if i == 0 {
			common = slices.DeleteFunc(p.Errors(), func(q scenarios.Problem) bool { return !strings.HasPrefix(q.File, "--set ") })
			continue
		}
		in := p.Errors()
		common = slices.DeleteFunc(common, func(q scenarios.Problem) bool { return !slices.Contains(in, q) })
	}
	return common
}

// joinLoaded is join for a scenario loaded as l (or not: err): when it
// loaded and the flags have problems, its warnings (its variants' too)
// come with them.
func (fc *flagCheck) joinLoaded(l *scenarios.Loaded, err error) error {
	if err == nil && !fc.ok() {
		err = l.AllWarnings()
	}
	return fc.join(err)
}

// emptyRefused are the flags whose empty value is refused here, each with
// an example: an empty value would otherwise be taken as the flag left
// out (the scenario's seed, no --expect checked, the base run, the
// available memory, the runs made again instead of read, the whole
// sweep), silently. The other flags that take text refuse an empty value
// with their own checks (--out, --set, --grid, --target, --for, --outcome,
// --start-time, -o).
var emptyRefused = []struct{ name, example string }{
	{"seed", "7"}, {"duration", "30m"}, {"expect", "stable"}, {"variant", "base"},
	{"max-memory", "8GB"}, {"from", "out"}, {"shard", "3/10"},
}

// commonFlagProblems: -q with -v, and a flag of emptyRefused given empty
// (a repeatable one, --variant, in any of its values).
func commonFlagProblems(cmd *cobra.Command) error {
	var probs scenarios.Problems
	if q, v := chattiness(cmd); q && v {
		probs = append(probs, scenarios.Problem{File: "--quiet", Msg: "cannot go with --verbose: give one or the other"})
	}
	for _, f := range emptyRefused {
		if fl := cmd.Flags().Lookup(f.name); fl != nil && fl.Changed && hasEmpty(fl.Value) {
			probs = append(probs, scenarios.Problem{File: "--" + f.name, Msg: fmt.Sprintf("is empty; give a value, e.g. --%s %s", f.name, f.example)})
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}

// hasEmpty says whether a flag's value, or one of a repeatable flag's
// values, is empty or only blanks.
func hasEmpty(v pflag.Value) bool {
	if sv, ok := v.(pflag.SliceValue); ok {
		return slices.ContainsFunc(sv.GetSlice(), func(s string) bool { return strings.TrimSpace(s) == "" })
	}
	return strings.TrimSpace(v.String()) == ""
}

// checkJobs checks -j.
func checkJobs(jobs int) error {
	if jobs < 0 {
		return flagError("jobs", "%d: must be 0 (one per core) or more", jobs)
	}
	return nil
}

// problemsTrailer is the line after a list of problems: how many, and
// where: the flags, the arguments, the scenario (warnings are not counted).
func problemsTrailer(probs scenarios.Problems) string {
	var flags, args, scenario int
	for _, p := range probs.Errors() {
		switch {
		case strings.HasPrefix(p.File, "-"): // --flag, or -f as typed
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
	return fmt.Sprintf("flinksim: %s in %s", human.Plural(flags+args+scenario, "problem"), strings.Join(where, " and "))
}

// checkGridValues loads the scenario with each value of each --grid axis
// alone, so that a key that does not exist or a value its field refuses is
// reported at --grid, every such value (a problem the same for every value,
// a key that does not exist, once), before any run. baseErr is what loading
// the scenario without them reported: those problems are the scenario's,
// reported once as such, and the values are still checked beside them.
// given is each axis's --grid as written.
func checkGridValues(file string, data []byte, sets []string, axes []scenarios.Axis, given []string, baseErr error) error {
	return checkValues("--grid", file, data, sets, axes, given, baseErr)
}

// checkValues is checkGridValues for the values of any flag (plan's
// --target bounds too), reported at flag. A problem is cited with what the
// user wrote: the axis's argument as given (given[i]) when every value has
// it (an unknown key: --target x=1..2, not x=1), key=value for a value the
// argument names, and the argument with the value for one it does not (a
// range's inner value: "a=-2..2/3 (its value 0)").
func checkValues(flag, file string, data []byte, sets []string, axes []scenarios.Axis, given []string, baseErr error) error {
	known := map[string]bool{} // the scenario's own problems
	var bp scenarios.Problems
	if errors.As(baseErr, &bp) {
		for _, q := range bp {
			known[q.String()] = true
		}
	} else if baseErr != nil {
		return nil // not a scenario's problems (it could not be read): nothing to check against
	}
	var probs scenarios.Problems
	for i, ax := range axes {
		per := make([][]string, len(ax.Values))
		every := map[string]int{} // how many values have each problem
		for j, v := range ax.Values {
			whats, err := valueProblems(file, data, sets, ax.Key+"="+v, known, flag == "--target")
			if err != nil {
				return err
			}
			per[j] = whats
			for _, w := range whats {
				every[w]++
			}
		}
		seen := map[string]bool{}
		for j, v := range ax.Values {
			for _, what := range per[j] {
				if !seen[what] {
					seen[what] = true
					probs = append(probs, scenarios.Problem{File: flag, Msg: valueCited(ax.Key, v, given[i], every[what] == len(ax.Values)) + ": " + what})
				}
			}
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}

// valueProblems are the problems, each once, of loading the scenario with
// set (key=value) besides sets, less the scenario's own (known); chosen:
// set is a value plan's --target tries, not a sweep's. The
// warnings that come with them are no problems, and may only follow from
// the value refused: a value the scenario takes shows its own when the
// points load.
func valueProblems(file string, data []byte, sets []string, set string, known map[string]bool, chosen bool) ([]string, error) {
	_, err := scenarios.LoadVariant(file, data, append(slices.Clip(sets), set), scenarios.BaseName)
	var p scenarios.Problems
	if err != nil && !errors.As(err, &p) {
		return nil, err
	}
	var whats []string
	for _, q := range p.Errors() {
		what := q.String()
		if known[what] {
			continue
		}
		if q.File == "--set "+set {
			what = strings.TrimPrefix(what, q.File+": ")
		}
		if other, how, ok := setOtherwise(q, set); ok { // the swept field set by a --set under another path, or inside its value
			what = fmt.Sprintf("swept, and set by --set %s%s: a key is either swept or set; leave out one of them", other, how)
			if chosen { // plan's words for its --target
				what = fmt.Sprintf("chosen by --target, and set by --set %s%s: a key is either chosen or set; leave out one of them", other, how)
			}
		}
		if !slices.Contains(whats, what) {
			whats = append(whats, what)
		}
	}
	return whats, nil
}

// valueCited is how a problem of value v of key's axis, given as the
// argument given, names it: the argument when every value has the
// problem, key=v when the argument writes v (a list's value, a range's
// end), else the argument and v.
func valueCited(key, v, given string, everyValue bool) string {
	if everyValue {
		return given
	}
	_, spec, _ := strings.Cut(given, "=")
	written := strings.Split(spec, ",")
	if lo, rest, isRange := strings.Cut(spec, ".."); isRange {
		hi, _, _ := strings.Cut(rest, "/")
		written = []string{lo, hi}
	}
	for _, w := range written {
		if strings.TrimSpace(w) == v {
			return key + "=" + v
		}
	}
	return given + " (its value " + v + ")"
}

// flagProbe is a scenario of one source and one sink: a value of --seed
// or --duration that any scenario takes, it takes too.
const flagProbe = "name: flags\nsources: [{name: s, kind: kafka, rate: 1/s}]\nsinks: [{name: k}]\n"

// flagValueProblems are the problems of the values of --seed and
// --duration (the sets written --flag=value) when the scenario could not
// be read to load them with: told with the scenario's, every one at once.
func flagValueProblems(sets []string) error {
	var flags []string
	for _, s := range sets {
		if strings.HasPrefix(s, "--") {
			flags = append(flags, s)
		}
	}
	if len(flags) == 0 {
		return nil
	}
	_, err := scenarios.Load("flags", []byte(flagProbe), flags)
	p, _ := err.(scenarios.Problems)
	var probs scenarios.Problems
	for _, q := range p.Errors() {
		if strings.HasPrefix(q.File, "--") {
			probs = append(probs, q)
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}
