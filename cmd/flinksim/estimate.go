package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// Work estimates, before anything runs: memory from the job's shape
// (models.EstimateFootprint), refused when it cannot fit; wall time from a
// probe of the run's start (probe.go), printed when it is over a minute.
// The probe is a separate simulation of a freshly loaded spec, so it
// changes no result.

// etaThreshold is the wall time from which the estimate is printed (a
// variable for tests).
var etaThreshold = time.Minute

// confirmRuns is the size of a sweep or a compare that needs --yes (or a
// "y" on a terminal) before it starts.
const confirmRuns = 10_000

// confirmFunc asks before n runs, described by what, start (confirmStart).
type confirmFunc func(n int, what string) error

// confirmStart is the confirmFunc of command name: above confirmRuns runs,
// without --yes, it asks on a terminal and is a usage error elsewhere,
// which says to give --yes or fewer (the flags that make fewer runs).
func confirmStart(name, fewer string, yes bool, stdin io.Reader, stderr io.Writer) confirmFunc {
	return func(n int, what string) error {
		if n <= confirmRuns || yes {
			return nil
		}
		if !isTerminal(stderr) || !isTerminalReader(stdin) {
			return usageError{fmt.Errorf("this %s starts %s: give --yes to start it, or %s", name, what, fewer)}
		}
		fmt.Fprintf(stderr, "flinksim: this %s starts %s. Start it? [y/N] ", name, what)
		answer, _ := bufio.NewReader(stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return usageError{fmt.Errorf("%s not started", name)}
		}
		return nil
	}
}

// applyMemoryLimit, set by main, makes the garbage collector work harder
// near the limit rather than pass it (the heap may otherwise grow to twice
// what is live); no result depends on when the collector runs. Tests leave
// it nil: the limit is the process's, not a command's.
var applyMemoryLimit func(int64)

// parseMaxMemory reads --max-memory, a size above 0 as a scenario's sizes
// are written (a bare number is bytes).
func parseMaxMemory(flag string) (int64, error) {
	v, err := scenarios.ParseBytes(flag)
	switch {
	case err != nil && v < 0:
		return 0, flagError("max-memory", "%q is negative; give a size above 0, e.g. 8GB or 16GiB", flag)
	case err != nil:
		return 0, flagError("max-memory", "%v; give a size above 0, e.g. 8GB or 16GiB", err)
	case v < 1:
		return 0, flagError("max-memory", "%q is not a size above 0; give one, e.g. 8GB or 16GiB", flag)
	}
	return v, nil
}

// checkMaxMemory checks --max-memory, when given, before anything runs.
func checkMaxMemory(flag string) error {
	if flag == "" {
		return nil
	}
	_, err := parseMaxMemory(flag)
	return err
}

// memoryLimit is --max-memory, or the kernel's MemAvailable; 0 when neither
// is known (no check).
func memoryLimit(flag string) (int64, string, error) {
	if flag != "" {
		v, err := parseMaxMemory(flag)
		if err != nil {
			return 0, "", err
		}
		return v, "--max-memory", nil
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, "", nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10, "MemAvailable in /proc/meminfo; --max-memory sets another limit", nil
			}
		}
	}
	return 0, "", nil
}

// checkMemory refuses work whose runs at once need more memory than the
// limit even at the least (their structures and metric samples), and warns
// when they would pass it if every channel filled up. specs are the runs
// (the largest ones of a sweep); at most jobs run at once.
func checkMemory(specs []models.Spec, names []string, jobs int, flag string, stderr io.Writer) error {
	limit, source, err := memoryLimit(flag)
	if err != nil || limit == 0 {
		return err
	}
	type est struct {
		name string
		f    models.Footprint
	}
	var ests []est
	for i, s := range specs {
		ests = append(ests, est{names[i], models.EstimateFootprint(s)})
	}
	slices.SortStableFunc(ests, func(a, b est) int { return cmp.Compare(b.f.Bytes, a.f.Bytes) })
	var need, most int64
	at := min(max(jobs, 1), len(ests))
	for _, e := range ests[:at] {
		need += e.f.MinBytes
		most += e.f.Bytes
	}
	big := ests[0]
	why := fmt.Sprintf("%s has %s network channels (upstream × downstream subtasks of each exchange) and %s subtasks",
		big.name, human.Count(float64(big.f.Channels)), human.Count(float64(big.f.Subtasks)))
	// The most counts the checkpoints (one per interval: fewer when they
	// take longer), the least does not, so only the warning names them.
	whyMost := why
	if f := big.f; 2*f.CheckpointBytes > f.Bytes {
		whyMost = fmt.Sprintf("%s triggers up to %s checkpoints (one per interval), each kept to the end, %s",
			big.name, human.Count(float64(f.Checkpoints)), human.Bytes(float64(f.CheckpointBytes)))
	}
	more := ""
	if at > 1 {
		more = fmt.Sprintf(" (%d runs at once: -j 1 runs one at a time)", at)
	}
	if need > limit {
		return usageError{fmt.Errorf("needs at least %s of memory%s, more than the %s available (%s): %s; lower the parallelism or the duration",
			human.Bytes(float64(need)), more, human.Bytes(float64(limit)), source, why)}
	}
	if most > limit {
		warnf(stderr, "needs %s to %s of memory%s (the more, the fuller its network channels), and %s is available (%s): %s",
			human.Bytes(float64(need)), human.Bytes(float64(most)), more, human.Bytes(float64(limit)), source, whyMost)
	}
	if applyMemoryLimit != nil {
		applyMemoryLimit(limit)
	}
	return nil
}

// checkWork checks the memory of the runs (and their replicas), prints
// the time they will take when it is over a minute, and asks confirm
// (nil: never) before they start. reload gives a fresh spec of a run for
// the probe.
func checkWork(runs []runResult, o runOptions, reload func(name string) (*scenarios.Loaded, error), confirm confirmFunc, stderr io.Writer) error {
	jobs := o.jobs
	if jobs == 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	// A run's replicas (compare --replicas) differ only in their seeds:
	// as many as can run at once count for memory, all for time.
	var specs []models.Spec
	var names []string
	var virtual float64
	total := 0
	for _, r := range runs {
		for range min(r.replicas(), jobs) {
			specs = append(specs, r.loaded.Spec)
			names = append(names, r.name)
		}
		virtual += r.loaded.Spec.Duration.Seconds() * float64(r.replicas())
		total += r.replicas()
	}
	if err := checkMemory(specs, names, jobs, o.maxMemory, stderr); err != nil {
		return err
	}
	l, err := reload(runs[0].name)
	if err != nil {
		return err
	}
	times := virtual / l.Spec.Duration.Seconds() / float64(min(jobs, total))
	est, started, err := probeRun(l.Spec, defaultProbe, o.verbose, times)
	if err != nil {
		return nil // the run itself reports it
	}
	if len(runs[0].seeds) == 0 {
		runs[0].started = started // the probe's spec is the run's (replicas have seeds of their own)
	} else {
		runtime.GC() // free the probe before the runs build their own
	}
	eta := time.Duration(est.wall() * times * float64(time.Second))
	if confirm != nil && total > confirmRuns {
		what := fmt.Sprintf("%s, about %s on %s (from a probe of %s's start)",
			human.Plural(total, "run"), human.Seconds(eta.Seconds()), human.Plural(min(jobs, total), "core"), runs[0].name)
		if err := confirm(total, what); err != nil {
			return err
		}
	}
	if eta >= etaThreshold || o.verbose {
		f := models.EstimateFootprint(l.Spec)
		fmt.Fprintf(o.notes(stderr), "flinksim: this will take about %s (%s virtual in %s, %s network channels and %s to %s of memory per run; %s events a run, from the first %s of %s); Ctrl-C stops it\n",
			human.Seconds(eta.Seconds()), human.Seconds(virtual), human.Plural(total, "run"), human.Count(float64(f.Channels)), human.Bytes(float64(f.MinBytes)), human.Bytes(float64(f.Bytes)),
			human.Count(est.events), human.Seconds(est.probed.Seconds()), runs[0].name)
	}
	return nil
}

// checkSweepWork checks the memory of a sweep's largest points, prints its
// time when it is over a minute, and asks before more than confirmRuns runs.
func checkSweepWork(r *sweep.Runner, points []sweep.Point, o sweepOptions, stdin io.Reader, stderr io.Writer) error {
	if len(points) == 0 {
		return nil
	}
	jobs := o.jobs
	if jobs == 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	// The corners of the grid (each axis at its first or last value) hold
	// the extremes of any setting that grows with its value.
	var specs []models.Spec
	var names []string
	for _, pt := range corners(r.Plan, points) {
		l, err := r.Load(pt)
		if err != nil {
			return nil // refused: the check of every point reports it, with the others'
		}
		specs = append(specs, l.Spec)
		names = append(names, pt.Key)
	}
	if err := checkMemory(specs, names, jobs, o.maxMemory, stderr); err != nil {
		return err
	}
	var perRun float64
	times := float64(len(points)) / float64(min(jobs, len(points)))
	for _, pt := range []sweep.Point{points[0], points[len(points)-1]} {
		l, err := r.Load(pt)
		if err != nil {
			return nil
		}
		est, _, err := probeRun(l.Spec, defaultProbe, o.verbose, times)
		runtime.GC() // free the probe before the next one, or a point, builds its own
		if err != nil {
			return nil // the run itself reports it
		}
		perRun = max(perRun, est.wall())
	}
	eta := time.Duration(perRun * times * float64(time.Second))
	what := fmt.Sprintf("%s, about %s on %s (from probes of the first and last point's start)",
		human.Plural(len(points), "run"), human.Seconds(eta.Seconds()), human.Plural(min(jobs, len(points)), "core"))
	if len(points) > confirmRuns && !o.yes {
		return confirmStart("sweep", "fewer --grid values or --replicas", o.yes, stdin, stderr)(len(points), what)
	}
	if eta >= etaThreshold || o.verbose {
		fmt.Fprintf(o.notes(stderr), "flinksim: this sweep is %s; Ctrl-C stops it, and the same command resumes it\n", what)
	}
	return nil
}

func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && isTerminal(f)
}

// corners are the points of plan at each axis's first or last value
// (replica 0), among points.
func corners(plan *sweep.Plan, points []sweep.Point) []sweep.Point {
	var out []sweep.Point
	for _, pt := range points {
		if pt.Replica != 0 {
			continue
		}
		corner := true
		for i, ax := range plan.Axes {
			v := pt.Values[i]
			corner = corner && (v == ax.Values[0] || v == ax.Values[len(ax.Values)-1])
		}
		if corner {
			out = append(out, pt)
		}
	}
	if len(out) == 0 {
		out = append(out, points[0])
	}
	return out
}
