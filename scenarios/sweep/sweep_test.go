package sweep

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

// tiny: a source of 10k/s into a sink whose capacity the tests sweep.
const tiny = `
name: tiny
duration: 2m
seed: 7
sources:
  - {name: events, partitions: 2, rate: 10k/s, arrivals: poisson}
sinks:
  - {name: db, capacity: 20k/s, latency: {exponential: 5ms}}
`

func axes(t *testing.T, grids ...string) []scenarios.Axis {
	t.Helper()
	var out []scenarios.Axis
	for _, g := range grids {
		ax, err := scenarios.ParseGrid(g)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ax)
	}
	return out
}

func TestPlanOrderKeysAndSeeds(t *testing.T) {
	p, err := NewPlan(axes(t, "sinks.db.capacity=5k/s,20k/s", "flink.parallelism.default=1..3/3"), 2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Points) != 2*3*2 {
		t.Fatalf("%d points, want 12", len(p.Points))
	}
	if p.Points[0].Key != "sinks.db.capacity=5k/s,flink.parallelism.default=1" || p.Points[2].Key != "sinks.db.capacity=5k/s,flink.parallelism.default=2" ||
		p.Points[6].Key != "sinks.db.capacity=20k/s,flink.parallelism.default=1" {
		t.Errorf("keys out of order: %s, %s, %s", p.Points[0].Key, p.Points[2].Key, p.Points[6].Key)
	}
	seeds := map[uint64]bool{}
	for i, pt := range p.Points {
		if pt.Index != i || pt.Seed != PointSeed(7, pt.Key, pt.Replica) || seeds[pt.Seed] {
			t.Errorf("point %d: index %d seed %d (duplicate %v)", i, pt.Index, pt.Seed, seeds[pt.Seed])
		}
		seeds[pt.Seed] = true
	}
	// A point's seed does not depend on the rest of the grid.
	q, _ := NewPlan(axes(t, "sinks.db.capacity=20k/s", "flink.parallelism.default=1..3/3"), 2, 7)
	if q.Points[0].Seed != p.Points[6].Seed {
		t.Error("the same point got another seed in another grid")
	}
	if _, err := NewPlan(nil, 1, 7); err == nil {
		t.Error("an empty plan was accepted")
	}
}

// TestPointSeedsStayExactInJSON: a derived seed is from 1 to 2^53-1, so
// that every JSON reader (jq, JavaScript, Grafana: float64) reads back the
// seed points.jsonl and compare -o json write, and it runs the same again.
func TestPointSeedsStayExactInJSON(t *testing.T) {
	for _, seed := range []uint64{0, 1, 7, scenarios.MaxSeed} {
		for _, key := range []string{"", "sinks.jdbc.capacity=20k/s,flink.parallelism.default=2", "replica"} {
			for r := range 200 {
				s := PointSeed(seed, key, r)
				if s < 1 || s > scenarios.MaxSeed || uint64(float64(s)) != s {
					t.Fatalf("PointSeed(%d, %q, %d) = %d: not from 1 to 2^53-1", seed, key, r, s)
				}
			}
		}
	}
}

func TestShardsPartitionThePlan(t *testing.T) {
	p, _ := NewPlan(axes(t, "sinks.db.capacity=1k/s..20k/s/20", "flink.parallelism.default=1..4/4"), 3, 1)
	for n := 1; n <= 7; n++ {
		var all []int
		for i := 0; i < n; i++ {
			for _, pt := range p.Shard(i, n) {
				all = append(all, pt.Index)
			}
		}
		slices.Sort(all)
		if len(all) != len(p.Points) || slices.Compact(all) == nil || len(slices.Compact(all)) != len(p.Points) {
			t.Errorf("%d shards cover %d of %d points", n, len(slices.Compact(all)), len(p.Points))
		}
	}
	for _, c := range []struct {
		in   string
		i, n int
		bad  bool
	}{{"0/4", 0, 4, false}, {"3/4", 3, 4, false}, {"4/4", 0, 0, true}, {"-1/2", 0, 0, true}, {"1", 0, 0, true}, {"a/b", 0, 0, true}} {
		i, n, err := ParseShard(c.in)
		if (err != nil) != c.bad || !c.bad && (i != c.i || n != c.n) {
			t.Errorf("ParseShard(%q) = %d, %d, %v", c.in, i, n, err)
		}
	}
}

func runner(t *testing.T, p *Plan, jobs int) *Runner {
	return &Runner{File: "tiny.yaml", Data: []byte(tiny), Plan: p, Jobs: jobs}
}

func jsonl(t *testing.T, recs []Record) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSONL(&b, recs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestShardedRunsMergeToTheWholeSweep: running every shard and merging gives
// byte-identical results to running the whole plan, for several splits and
// with -j 1 or 2; duplicates are dropped and missing points named.
func TestShardedRunsMergeToTheWholeSweep(t *testing.T) {
	p, _ := NewPlan(axes(t, "sinks.db.capacity=5k/s..20k/s/4", "sources.events.partitions=1,2"), 2, 7)
	whole, err := runner(t, p, 1).Run(p.Points)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonl(t, whole)
	if par, _ := runner(t, p, 2).Run(p.Points); !bytes.Equal(jsonl(t, par), want) {
		t.Fatal("-j 2 differs from -j 1")
	}
	for _, n := range []int{2, 3, 5} {
		var shardFiles bytes.Buffer
		for i := n - 1; i >= 0; i-- { // any order
			recs, err := runner(t, p, 2).Run(p.Shard(i, n))
			if err != nil {
				t.Fatal(err)
			}
			shardFiles.Write(jsonl(t, recs))
		}
		shardFiles.Write(jsonl(t, whole[:3])) // a retried worker wrote some twice
		recs, err := ReadJSONL(&shardFiles, "shards")
		if err != nil {
			t.Fatal(err)
		}
		merged, missing, err := p.Merge(recs)
		if err != nil || len(missing) > 0 {
			t.Fatalf("%d shards: %v, missing %d", n, err, len(missing))
		}
		if !bytes.Equal(jsonl(t, merged), want) {
			t.Errorf("%d shards merged differ from the whole sweep", n)
		}
	}
	_, missing, _ := p.Merge(whole[1:])
	if len(missing) != 1 || missing[0].Index != 0 {
		t.Errorf("missing %v, want point 0", missing)
	}
	foreign := whole[0]
	foreign.Seed++
	if _, _, err := p.Merge([]Record{foreign}); err == nil || !strings.Contains(err.Error(), "not part of this sweep") {
		t.Errorf("a record of another plan: %v", err)
	}
	if _, err := ReadJSONL(strings.NewReader(`{"key":"a"`+"\n"), "x.jsonl"); err == nil || !strings.Contains(err.Error(), "x.jsonl:1") {
		t.Errorf("truncated line: %v", err)
	}
}

// TestMergeRefusesDifferingDuplicates: two records of one run that are
// the same (a retried shard) merge to one, but two that differ (a corrupt
// file, a run that is not deterministic) are refused, every such record
// named with its file and line and the first's, and the fields that
// differ; before, the first was kept and the other dropped silently.
func TestMergeRefusesDifferingDuplicates(t *testing.T) {
	p, _ := NewPlan(axes(t, "sinks.db.capacity=5k/s,20k/s"), 1, 7)
	var recs []Record
	for _, pt := range p.Points {
		recs = append(recs, p.record(pt, Outcome{Stable: true, Verdict: "stable", LagEnd: 3}))
	}
	read := func(name string, rs ...Record) []Record {
		t.Helper()
		got, err := ReadJSONL(bytes.NewReader(jsonl(t, rs)), name)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if merged, missing, err := p.Merge(append(read("a.jsonl", recs...), read("b.jsonl", recs[1], recs[0])...)); err != nil || len(missing) > 0 || !bytes.Equal(jsonl(t, merged), jsonl(t, recs)) {
		t.Errorf("identical duplicates: %v, missing %d", err, len(missing))
	}
	other := recs[1]
	other.Outcome.LagEnd, other.Outcome.Verdict = 7, "overload"
	_, _, err := p.Merge(append(read("a.jsonl", recs...), read("b.jsonl", recs[0], other)...))
	want := "1 of 4 records cannot be merged:\nb.jsonl:2: run sinks.db.capacity=20k/s replica 0 differs from the one at a.jsonl:2 (outcome.lag_end 7 here, 3 there; outcome.verdict \"overload\" here, \"stable\" there): a run gives the same record"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("differing duplicates in two files:\ngot  %v\nwant %s...", err, want)
	}
	_, _, err = p.Merge(read("a.jsonl", recs[0], other, recs[1], recs[1])) // each against the first
	want = "2 of 4 records cannot be merged:\na.jsonl:3: run sinks.db.capacity=20k/s replica 0 differs from the one at a.jsonl:2 (outcome.lag_end 3 here, 7 there; outcome.verdict \"stable\" here, \"overload\" there)"
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "\na.jsonl:4: ") {
		t.Errorf("differing duplicates in one file:\ngot  %v\nwant %s...", err, want)
	}
}

// TestOutcomesFollowCapacity: a sink below the input rate is unstable and
// writes at its capacity; one above keeps up.
func TestOutcomesFollowCapacity(t *testing.T) {
	p, _ := NewPlan(axes(t, "sinks.db.capacity=5k/s,20k/s"), 1, 7)
	recs, err := runner(t, p, 2).Run(p.Points)
	if err != nil {
		t.Fatal(err)
	}
	slow, fast := recs[0].Outcome, recs[1].Outcome
	if slow.Stable || math.Abs(slow.SinkRPS-5000) > 100 || slow.Verdict != result.PhaseOverload {
		t.Errorf("5k/s sink: %+v, want unstable at 5k/s", slow)
	}
	if !fast.Stable || math.Abs(fast.SinkRPS-10000) > 200 {
		t.Errorf("20k/s sink: %+v, want stable at the input rate", fast)
	}
	st, err := p.Summarise(recs, "sink_rps")
	if err != nil || len(st) != 2 || st[0].Mean != slow.SinkRPS || st[0].N != 1 || st[1].Stable != true {
		t.Errorf("summary %+v, %v", st, err)
	}
	if _, err := p.Summarise(recs, "nonsense"); err == nil {
		t.Error("an unknown outcome was accepted")
	}
}

// TestSearchFindsTheCapacityThreshold: the smallest sink capacity that keeps
// the lag near zero is the input rate, 10k/s.
func TestSearchFindsTheCapacityThreshold(t *testing.T) {
	c, err := ParseCondition("lag_end<=2k")
	if err != nil {
		t.Fatal(err)
	}
	s := Search{Key: "sinks.db.capacity", Lo: "1k/s", Hi: "40k/s", Conditions: []Condition{c}, Replicas: 1}
	answer, probes, err := s.Run(runner(t, nil, 2), 7)
	t.Logf("answer %s after %d probes", answer, len(probes))
	if err != nil {
		t.Fatal(err)
	}
	v, _, _ := scenarios.ParseQuantity(answer)
	if v < 10000 || v > 10400 {
		t.Errorf("answer %s, want just above the 10k/s input rate", answer)
	}
	if len(probes) > 12 || !probes[0].OK || probes[1].OK {
		t.Errorf("%d probes: the high end must pass, the low end fail", len(probes))
	}
	// Parallelism: integers, and the largest value that still holds.
	s = Search{Key: "sinks.db.capacity", Lo: "1k/s", Hi: "4k/s", Conditions: []Condition{c}, Replicas: 1}
	if answer, _, err := s.Run(runner(t, nil, 2), 7); err != nil || answer != "" {
		t.Errorf("no value can hold: answer %q, %v", answer, err)
	}
	for _, bad := range []string{"latency<=5", "lag_end~3", "lag_end<=fast"} {
		if _, err := ParseCondition(bad); err == nil {
			t.Errorf("condition %q accepted", bad)
		}
	}
	if c, _ := ParseCondition("stable"); c.String() != "stable" {
		t.Errorf("stable reads back as %s", c)
	}
	// a condition is told in plain digits, as a user writes it
	for in, want := range map[string]string{"lag_max<=1e6": "lag_max<=1000000", "latency_p99_s<=0.25": "latency_p99_s<=0.25", "lag_end<=2k": "lag_end<=2000"} {
		if c, err := ParseCondition(in); err != nil || c.String() != want {
			t.Errorf("%s reads back as %s (%v), want %s", in, c, err, want)
		}
	}
}

// TestConditionWithoutValue: an operator with nothing after it is told
// that its value is missing; the operator is the longest that reads (<=,
// not < with the value "=").
func TestConditionWithoutValue(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"latency_p99_s<=", `"latency_p99_s<=": no value after <=: want outcome<=value, e.g. latency_p99_s<=5`},
		{"lag_end >= ", `"lag_end >= ": no value after >=: want outcome>=value, e.g. lag_end>=5`},
		{"lag_end<", `"lag_end<": no value after <: want outcome<value, e.g. lag_end<5`},
		{"lag_end<==5", `"lag_end<==5": "=5" is not a number, count, duration, size or rate`},
	} {
		if _, err := ParseCondition(c.in); err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %s", c.in, err, c.want)
		}
	}
}

// TestSearchProbesWholeNumbersOnlyWhereTheFieldTakesThem: plan bisects a
// parallelism over integers, a Zipf exponent over fractions though its
// ends are whole.
func TestSearchProbesWholeNumbersOnlyWhereTheFieldTakesThem(t *testing.T) {
	for _, c := range []struct {
		key, lo, hi string
		want        bool
	}{
		{"operators.count.parallelism", "1", "8", true},
		{"operators.count.key-distribution.zipf", "1", "2", false},
		{"operators.count.parallelism", "1.5", "8", false}, // the loader judges 1.5
		{"sinks.db.capacity", "1k/s", "4k/s", false},
	} {
		s := Search{Key: c.key, Lo: c.lo, Hi: c.hi}
		lo, hi, kind, err := s.Span()
		if err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		if got := s.integral(lo, hi, kind); got != c.want {
			t.Errorf("%s=%s..%s: integral %v, want %v", c.key, c.lo, c.hi, got, c.want)
		}
	}
}

// TestConditionValueInTheOutcomesUnit: a condition's value is read in its
// outcome's unit; a value of another kind (a size for a count of records,
// milliseconds for busy time in ms per second, a byte rate for records per
// second) is refused, not converted to a number in some other base unit.
func TestConditionValueInTheOutcomesUnit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64 // the value in the outcome's unit, when accepted
		ok   bool
	}{
		{"latency_p99_s<=5", 5, true},
		{"latency_p99_s<=5min", 300, true},
		{"checkpoint_duration_max_s<=90s", 90, true},
		{"lag_end<=2k", 2000, true},
		{"lag_max<=100", 100, true},
		{"sink_rps>=50k/s", 50000, true},
		{"source_rps>=50k", 50000, true},
		{"max_busy_ms_per_s<=800", 800, true},
		{"upload_bandwidth_bytes_per_s>=100MB/s", 1e8, true},
		{"restarts<=2", 2, true},
		{"task_managers<=1k", 1000, true},
		{"latency_p99_s<=10MB", 0, false},
		{"latency_p99_s<=5k/s", 0, false},
		{"lag_end<=10MB", 0, false},
		{"lag_end<=5s", 0, false},
		{"sink_rps>=50MB/s", 0, false},
		{"sink_rps>=5s", 0, false},
		{"max_busy_ms_per_s<=800ms", 0, false},
		{"upload_bandwidth_bytes_per_s>=10k/s", 0, false},
		{"restarts<=1min", 0, false},
	} {
		cond, err := ParseCondition(c.in)
		switch {
		case c.ok && err != nil:
			t.Errorf("%s: refused: %v", c.in, err)
		case c.ok && cond.Value != c.want:
			t.Errorf("%s: value %g, want %g", c.in, cond.Value, c.want)
		case !c.ok && err == nil:
			t.Errorf("%s: accepted as %s", c.in, cond)
		case !c.ok && !strings.Contains(err.Error(), "give"):
			t.Errorf("%s: error %q does not say what is allowed", c.in, err)
		}
	}
}

// TestSearchProbesFlinkMemoryInWholeBinaryUnits: a Flink memory size is
// binary (MemorySize: 1gb is 2^30 bytes), so plan rounds a probe to 3
// significant digits of a binary unit and writes it in that unit (1700 mb),
// not to 3 digits of bytes ("1780000000 bytes", "17578125 kb"), within 1%
// of the midpoint as any probe.
func TestSearchProbesFlinkMemoryInWholeBinaryUnits(t *testing.T) {
	const key = "flink.taskmanager.memory.process.size"
	s := Search{Key: key, Lo: "1gb", Hi: "64gb"}
	lo, hi, kind, err := s.Span()
	if err != nil {
		t.Fatal(err)
	}
	unitRE := regexp.MustCompile(`^[1-9][0-9]{0,2}0* (kb|mb|gb|tb)$`)
	good, bad := hi, lo
	for range 12 { // a bisection towards the low end, and back up
		mid, more := s.midpoint(good, bad, false)
		if !more {
			break
		}
		exact := (good + bad) / 2
		written := scenarios.FormatQuantityFor(key, mid, kind)
		if !unitRE.MatchString(written) || math.Abs(mid-exact) > 0.01*exact {
			t.Errorf("midpoint of %g and %g: %s (%g), want 3 significant digits of a binary unit within 1%% of %g", good, bad, written, mid, exact)
		}
		if mid > 3<<30 {
			good = mid
		} else {
			bad = mid
		}
	}
}

// TestSearchProbesLargeWholeNumbersExactly: plan's probes of a field of
// whole numbers are written in all their digits, so that the value run is
// the value probed: 12345678901..23456789012 once probed 17901233956
// written as 1.790123396e+10, which ran 17901233960, and answered
// 1.699952437e+10 (a break-test helper).
func TestSearchProbesLargeWholeNumbersExactly(t *testing.T) {
	const key = "sources.events.initial-backlog"
	s := Search{Key: key, Lo: "12345678901", Hi: "23456789012"}
	lo, hi, kind, err := s.Span()
	if err != nil {
		t.Fatal(err)
	}
	good, bad := hi, lo
	for range 40 {
		mid, more := s.midpoint(good, bad, s.integral(lo, hi, kind))
		if !more {
			break
		}
		written := scenarios.FormatQuantityFor(key, mid, kind)
		if back, _, err := scenarios.ParseQuantityFor(key, written); err != nil || back != mid || strings.ContainsAny(written, "e.") {
			t.Fatalf("midpoint %.0f written %q reads back as %.0f (%v), want it in all its digits", mid, written, back, err)
		}
		if mid > 16999952437 {
			good = mid
		} else {
			bad = mid
		}
	}
	// a probe of a field of fractions, rounded to 3 digits, is the
	// decimal itself: 30100000, not 30099999.999999996
	for v, want := range map[float64]string{30135165.09373388: "30100000", 1.3165472340244269e+11: "132000000000", 0.0123456: "0.0123"} {
		if got := scenarios.FormatQuantity(roundSig(v, 3), scenarios.QPlain); got != want {
			t.Errorf("roundSig(%v, 3) is written %s, want %s", v, got, want)
		}
	}
}

// A scenario's sweep.replicas takes what --replicas takes: 1 to MaxPoints.
func TestSweepReplicasBoundIsTheFlags(t *testing.T) {
	const sc = "name: r\nsources: [{name: s, kind: kafka, rate: 1k/s}]\nsinks: [{name: k}]\nsweep: {grid: [\"sources.s.rate=1k/s,2k/s\"], replicas: %d}\n"
	for n, ok := range map[int]bool{MaxPoints: true, MaxPoints + 1: false} {
		_, err := scenarios.Load("r.yaml", fmt.Appendf(nil, sc, n), nil)
		if (err == nil) != ok {
			t.Errorf("sweep.replicas %d: error %v, want accepted %v", n, err, ok)
		}
	}
}

// TestPlanTooLargeSaysWhy: a plan of more than MaxPoints runs is refused
// with how its runs multiply, axis by axis and by the replicas.
func TestPlanTooLargeSaysWhy(t *testing.T) {
	var axes []scenarios.Axis
	for _, g := range []string{"a=1..1000/1000", "b=1..2000/2000"} {
		ax, err := scenarios.ParseGrid(g)
		if err != nil {
			t.Fatal(err)
		}
		axes = append(axes, ax)
	}
	_, err := NewPlan(axes, 3, 1)
	want := fmt.Sprintf("more than %d runs in the sweep (1000 values of a × 2000 of b × 3 replicas): give fewer values or replicas", MaxPoints)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v; want %q", err, want)
	}
}

// TestConditionPrintsAsRead: a condition prints with its value in plain
// digits in the outcome's unit, and a negative zero as 0.
func TestConditionPrintsAsRead(t *testing.T) {
	for in, want := range map[string]string{
		"lag_max>=-0":                           "lag_max>=0",
		"latency_p99_s<=5min":                   "latency_p99_s<=300",
		"lag_end<=1M":                           "lag_end<=1000000",
		"upload_bandwidth_bytes_per_s>=100MB/s": "upload_bandwidth_bytes_per_s>=100000000",
		"stable":                                "stable",
	} {
		c, err := ParseCondition(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := c.String(); got != want {
			t.Errorf("%s prints as %s, want %s", in, got, want)
		}
	}
}

// TestChoiceValuesAreTheValues: points.jsonl's "values" gives a choice
// axis's value, true/false or the text, not its position on the axis (the
// point for true had 0 and false 1, flink-version=1.18,2.0,1.15 gave 0, 1,
// 2: a break-test helper); a resumed journal or a merged shard file of an
// older flinksim, with the positions, is written with the values too.
func TestChoiceValuesAreTheValues(t *testing.T) {
	const inc, ver, par = "flink.state.backend.incremental", "flink-version", "flink.parallelism.default"
	p, err := NewPlan(axes(t, inc+"=true,FALSE", ver+"=1.18,2.0,1.15", par+"=2"), 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, b := range []string{"true", "false"} {
		for _, v := range []string{"1.18", "2.0", "1.15"} {
			want = append(want, fmt.Sprintf(`"values":{%q:%q,%q:2,%q:%s}`, ver, v, par, inc, b)) // keys sorted
		}
	}
	check := func(what string, recs []Record) {
		t.Helper()
		lines := strings.Split(strings.TrimSpace(string(jsonl(t, recs))), "\n")
		for i, w := range want {
			if i >= len(lines) || !strings.Contains(lines[i], w) {
				t.Errorf("%s: line %d lacks %s:\n%s", what, i+1, w, strings.Join(lines, "\n"))
				return
			}
		}
	}
	var recs, old []Record
	for _, pt := range p.Points {
		r := p.record(pt, Outcome{Verdict: "stable"})
		recs = append(recs, r)
		r.Values = map[string]any{inc: pt.Nums[0], ver: pt.Nums[1], par: pt.Nums[2]} // an older flinksim's
		old = append(old, r)
	}
	check("a run", recs)
	merged, _, err := p.Merge(old)
	if err != nil {
		t.Fatal(err)
	}
	check("merged", merged)
	path := filepath.Join(t.TempDir(), "points.jsonl.partial")
	j, _, err := OpenJournal(path, runner(t, p, 1), p.Points)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range old {
		j.Append(r)
	}
	j.Close()
	j, done, err := OpenJournal(path, runner(t, p, 1), p.Points)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	check("resumed", done)
}
