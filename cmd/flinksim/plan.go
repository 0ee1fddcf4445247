package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

type planOptions struct {
	runOptions
	target   string
	conds    []string
	largest  bool
	replicas int
}

func newPlanCmd() *cobra.Command {
	var o planOptions
	c := &cobra.Command{
		Use:   "plan SCENARIO --target key=lo..hi --for outcome<=value",
		Short: "Find the smallest (or largest) setting that keeps outcomes within targets, by bisection",
		Long: `Answer a capacity question with as few runs as bisection needs: the smallest
value of --target in its range for which every --for condition holds in every
replica (or, with --largest, the largest value, e.g. of the checkpoint
interval). Both ends of the range are tried first; between them, outcomes
are assumed to change steadily with the value. When no value meets the
conditions, plan says so and exits with code 3. Quote a condition with < or >
for the shell.

Outcomes: ` + strings.Join(sweep.OutcomeNames(), ", ") + `.`,
		Example: `  flinksim plan backpressure --target sinks.jdbc.capacity=10k/s..200k/s --for stable
  flinksim plan checkpoint-death-spiral --target flink.parallelism.default=8..32 --for stable --for 'latency_p99_s<=60'
  flinksim plan checkpoint-death-spiral --target flink.execution.checkpointing.interval=30s..10min --largest --for 'checkpoint_duration_max_s<=60'`,
		Args:        exactArgs(1, "one scenario: a file or a built-in name"),
		Annotations: map[string]string{collectsFlags: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.chatter(cmd)
			return runPlan(args[0], o, newFlagCheck(cmd), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.StringVar(&o.target, "target", "", "the setting to choose and its range: key=lo..hi")
	f.StringArrayVar(&o.conds, "for", nil, "a condition every run must meet: outcome<=value, >=, <, >, ==, or stable (repeatable)")
	f.BoolVar(&o.largest, "largest", false, "find the largest value that meets the conditions (default: the smallest)")
	f.IntVar(&o.replicas, "replicas", 1, "runs per value tried, each with its own seed; all must meet the conditions")
	f.IntVarP(&o.jobs, "jobs", "j", 0, "runs at once (default: one per core)")
	f.StringVar(&o.seed, "seed", "", "the scenario's seed")
	f.StringVar(&o.duration, "duration", "", "virtual time of each run")
	f.StringArrayVar(&o.sets, "set", nil, "override a field in every run: dotted.path=value (repeatable)")
	maxMemoryFlag(c, &o.maxMemory)
	return c
}

func runPlan(arg string, o planOptions, fc *flagCheck, stdout, stderr io.Writer) error {
	fc.add(checkJobs(o.jobs))
	fc.add(checkMaxMemory(o.maxMemory))
	fc.add(o.setTwice())
	s, err := planSearch(o)
	fc.add(err)
	if s.Key != "" {
		// the value tried would silently replace the one set
		for _, origin := range settersOf(s.Key, o.allSets()) {
			fc.addf("target", "%s: chosen by --target, and set by %s: a key is either chosen or set; leave out one of them", s.Key, origin)
		}
	}
	file, data, base, err := loadBase(arg, o.allSets())
	if data == nil {
		fc.add(flagValueProblems(o.allSets())) // no scenario to load them with
	}
	if data != nil && s.Key != "" {
		// the range's ends, at --target (the scenario's own problems once, as its own)
		verr := checkValues("--target", file, data, o.allSets(), []scenarios.Axis{{Key: s.Key, Values: []string{s.Lo, s.Hi}}},
			[]string{strings.TrimSpace(o.target)}, err)
		fc.add(verr)
		if verr == nil {
			fc.add(targetNotNumbers(s))
		}
	}
	if err := fc.joinLoaded(base, err); err != nil {
		return err
	}
	warnInertAxis(stderr, "--target", file, data, o.allSets(), []scenarios.Axis{{Key: s.Key, Values: []string{s.Lo, s.Hi}}})
	if err := planMemory(file, data, s, o, stderr); err != nil {
		return err
	}
	r := &sweep.Runner{File: file, Data: data, Sets: o.allSets(), Jobs: o.jobs}
	// The warnings of the values tried that the base has not, once each.
	tried := newPointWarnings("--target", "value tried", "values tried", base)
	r.Checked = tried.checked(r)
	answer, probes, err := s.Run(r, base.Spec.Seed)
	tried.print(stderr)
	if err != nil {
		if _, isProblems := err.(scenarios.Problems); !isProblems && len(probes) == 0 {
			return usageError{err}
		}
		return err
	}
	printPlan(stdout, arg, s, answer, probes, o)
	if answer == "" {
		return exitStatus(exitUnmet)
	}
	return nil
}

// planSearch reads the search from --target, --for, --largest and
// --replicas; what is wrong with them is reported all at once, and the
// search's key and range are returned with it when --target is well-formed.
func planSearch(o planOptions) (sweep.Search, error) {
	fc := &flagCheck{}
	key, rng, ok := strings.Cut(o.target, "=")
	lo, hi, isRange := strings.Cut(rng, "..")
	notUTF8 := scenarios.NotUTF8(o.target)
	badTarget := !ok || !isRange || strings.TrimSpace(key) == "" || notUTF8 != ""
	switch {
	case strings.TrimSpace(o.target) == "": // as --for's, not a malformed ""
		fc.addf("target", "none given: give the setting to choose and its range, key=lo..hi, e.g. --target flink.parallelism.default=1..64")
	case notUTF8 != "":
		fc.addf("target", "%s", notUTF8)
	case badTarget:
		fc.addf("target", "%q: want key=lo..hi, e.g. flink.parallelism.default=1..64", o.target)
	}
	if len(o.conds) == 0 {
		fc.addf("for", "none given: give at least one condition, e.g. --for stable or --for latency_p99_s<=5")
	}
	fc.add(checkReplicas(o.replicas))
	var conds []sweep.Condition
	for _, s := range o.conds {
		c, err := sweep.ParseCondition(s)
		switch {
		case err != nil:
			fc.addf("for", "%v", err)
		case slices.Contains(conds, c):
			fc.addf("for", "%s: given twice; give each once", c) // as --outcome refuses it
			continue
		}
		conds = append(conds, c)
	}
	var s sweep.Search
	if !badTarget && strings.TrimSpace(key) == "seed" {
		fc.addf("target", "seed: %s", scenarios.SeedNotSwept)
		badTarget = true
	}
	if !badTarget {
		// the range, even beside other problems: its bounds are checked too
		s = sweep.Search{Key: strings.TrimSpace(key), Lo: strings.TrimSpace(lo), Hi: strings.TrimSpace(hi)}
		_, _, errLo := scenarios.ParseQuantityFor(s.Key, s.Lo)
		_, _, errHi := scenarios.ParseQuantityFor(s.Key, s.Hi)
		_, _, _, err := s.Span()
		switch {
		case err != nil && errLo == nil && errHi == nil:
			// ends that read, in the wrong order or kinds (what does not
			// read is the field's to say, at the range's ends)
			fc.addf("target", "%v", err)
		case scenarios.IsChoice(s.Key, s.Lo) || scenarios.IsChoice(s.Key, s.Hi):
			fc.addf("target", "%s: %s..%s: values without order (a release, true/false, an enum), and plan bisects a range of numbers: try them with sweep --grid %s=%s,%s",
				s.Key, s.Lo, s.Hi, s.Key, s.Lo, s.Hi)
		}
	}
	s.Largest, s.Conditions, s.Replicas = o.largest, conds, o.replicas
	return s, fc.join(nil)
}

// targetNotNumbers refuses a range whose ends its field takes (a name, a
// topic) but that are not numbers, counts, durations, sizes or rates,
// which plan cannot bisect; ends of values without order (planSearch) and
// ends the field refuses (checkValues) are told apart.
func targetNotNumbers(s sweep.Search) error {
	_, _, errLo := scenarios.ParseQuantityFor(s.Key, s.Lo)
	_, _, errHi := scenarios.ParseQuantityFor(s.Key, s.Hi)
	if errLo == nil && errHi == nil || scenarios.IsChoice(s.Key, s.Lo) || scenarios.IsChoice(s.Key, s.Hi) {
		return nil
	}
	_, _, _, err := s.Span()
	return flagError("target", "%v: plan bisects a range of numbers (a count, a duration, a size or a rate)", err)
}

// planMemory checks the memory of the runs at both ends of the range,
// before any runs.
func planMemory(file string, data []byte, s sweep.Search, o planOptions, stderr io.Writer) error {
	var specs []models.Spec
	var ends []string
	for _, v := range []string{s.Lo, s.Hi} {
		set := s.Key + "=" + v
		l, err := scenarios.LoadVariant(file, data, append(o.allSets(), set), scenarios.BaseName)
		if err != nil {
			return err
		}
		specs, ends = append(specs, l.Spec), append(ends, set)
	}
	jobs := o.jobs
	if jobs == 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	return checkMemory(specs, ends, min(jobs, o.replicas), o.maxMemory, stderr)
}

// printPlan prints the answer and a table of the values tried, each with
// its worst replica per condition.
func printPlan(stdout io.Writer, scenario string, s sweep.Search, answer string, probes []sweep.Probe, o planOptions) {
	var names []string
	for _, c := range s.Conditions {
		names = append(names, c.String())
	}
	want := "smallest"
	if o.largest {
		want = "largest"
	}
	switch answer {
	case "":
		fmt.Fprintf(stdout, "no %s in %s..%s meets %s%s\n", s.Key, s.Lo, s.Hi, strings.Join(names, " and "), unmetWhy(scenario, s, probes, o))
	default:
		fmt.Fprintf(stdout, "%s %s = %s meets %s\n", want, s.Key, answer, strings.Join(names, " and "))
	}
	fmt.Fprintf(stdout, "%s tried, %s each:\n", human.Plural(len(probes), "value"), human.Plural(o.replicas, "run"))
	t := table{header: []string{s.Key, "meets"}}
	for _, c := range s.Conditions {
		if c.Outcome == "stable" {
			t.header = append(t.header, "outcome (worst)")
			continue
		}
		t.header = append(t.header, c.Outcome+" (worst)")
	}
	for _, p := range probes {
		row := []string{p.Value, "no"}
		if p.OK {
			row[1] = "yes"
		}
		for _, c := range s.Conditions {
			row = append(row, worst(p.Records, c))
		}
		t.rows = append(t.rows, row)
	}
	t.text(stdout)
}

// unmetWhy says, when neither end of the range met the conditions, what
// each end failed, and what plan assumed of the values between: a
// condition that fails at both ends fails between too, as plan takes each
// outcome to change steadily with the value; when the ends fail
// conditions that hold at the other end, those pull opposite ways and a
// value between may meet them all, so it gives the sweep that maps the
// range (the plan's own settings, and as many values as the range holds).
func unmetWhy(scenario string, s sweep.Search, probes []sweep.Probe, o planOptions) string {
	if len(probes) != 2 {
		return ""
	}
	if probes[0].Num > probes[1].Num { // the ends low to high, not in the order tried
		probes = []sweep.Probe{probes[1], probes[0]}
	}
	var ends, both []string
	failed := map[string]int{}
	for _, p := range probes {
		var fails []string
		for _, c := range s.Conditions {
			if !slices.ContainsFunc(p.Records, func(r sweep.Record) bool { return !c.Holds(r.Outcome) }) {
				continue
			}
			fails = append(fails, c.String())
			if failed[c.String()]++; failed[c.String()] == 2 {
				both = append(both, c.String())
			}
		}
		ends = append(ends, fmt.Sprintf("at %s %s fails", p.Value, strings.Join(fails, " and ")))
	}
	why := ": neither end does (" + strings.Join(ends, "; ") + ")"
	values := 8
	if lo, hi, kind, err := s.Span(); err == nil && kind == scenarios.QPlain && lo == math.Trunc(lo) && hi == math.Trunc(hi) && scenarios.TakesIntegers(s.Key) {
		values = int(min(8, hi-lo+1))
	}
	switch {
	case len(both) > 0:
		return why + fmt.Sprintf("; %s fails at both ends, and plan takes each outcome to change steadily with the value, so it tried none between", strings.Join(both, " and "))
	case values <= 2:
		return why + "; the conditions pull opposite ways, and no whole value lies between the ends"
	}
	return why + fmt.Sprintf("; the conditions pull opposite ways, so a value between may meet them all, which bisection cannot find: map the range with flinksim sweep %s",
		strings.Join(mapSweepArgs(scenario, s, values, o), " "))
}

// mapSweepArgs are the arguments of the sweep that maps plan's range in
// values points, with the plan's settings, each a shell word.
func mapSweepArgs(scenario string, s sweep.Search, values int, o planOptions) []string {
	args := []string{shellWord(scenario), "--grid", shellWord(fmt.Sprintf("%s=%s..%s/%d", s.Key, s.Lo, s.Hi, values))}
	for _, set := range o.sets {
		args = append(args, "--set", shellWord(set))
	}
	for _, f := range []struct{ name, v string }{{"--seed", o.seed}, {"--duration", o.duration}} {
		if f.v != "" {
			args = append(args, f.name, shellWord(f.v))
		}
	}
	if o.replicas > 1 {
		args = append(args, "--replicas", strconv.Itoa(o.replicas))
	}
	return args
}

// shellWord is w as a POSIX shell reads it back: as it is when it holds
// no character the shell treats specially, else in single quotes.
func shellWord(w string) string {
	if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,@%+-") == "" {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// worst is the replica value furthest from meeting the condition: "-"
// when a replica has none (no checkpoint completed, nothing reached a
// sink); for stable, the worst replica's outcome (the verdict's, in
// the order of --expect's outcomes: stable, no output, overload, ...).
func worst(recs []sweep.Record, c sweep.Condition) string {
	if c.Outcome == "stable" {
		rank := func(v string) int { // an outcome not known (an older points.jsonl's) last
			if i := slices.Index(result.Outcomes(), v); i >= 0 {
				return i
			}
			return len(result.Outcomes())
		}
		w := result.PhaseStable
		for _, r := range recs {
			if v := cmp.Or(r.Outcome.Verdict, "not stable"); !r.Outcome.Stable && rank(v) >= rank(w) {
				w = v
			}
		}
		return w
	}
	var w float64
	for i, r := range recs {
		if r.Outcome.Missing(c.Outcome) {
			return "-"
		}
		v, _ := r.Outcome.Get(c.Outcome)
		if i == 0 || (c.Op[0] == '<' && v > w) || (c.Op[0] != '<' && v < w) {
			w = v
		}
	}
	return plots.Format(outcomeUnit(c.Outcome), w) // as the sweep's pages write it
}
