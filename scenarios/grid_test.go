package scenarios

import (
	"reflect"
	"strings"
	"testing"
)

// axisCase: ParseGrid(in) is key = values (joined by spaces) of kind.
type axisCase struct {
	in, key, values string
	kind            Quantity
}

// checkAxis checks c, and that each value reads back to the number it
// stands for.
func checkAxis(t *testing.T, c axisCase) {
	t.Helper()
	in, key, values, kind := c.in, c.key, c.values, c.kind
	ax, err := ParseGrid(in)
	if err != nil {
		t.Errorf("%s: %v", in, err)
		return
	}
	if ax.Key != key || strings.Join(ax.Values, " ") != values || ax.Kind != kind || len(ax.Nums) != len(ax.Values) {
		t.Errorf("%s: got %s = %v (kind %d, %d nums), want %s = %s (kind %d)", in, ax.Key, ax.Values, ax.Kind, len(ax.Nums), key, values, kind)
	}
	for i, v := range ax.Values {
		x, k, err := ParseQuantityFor(ax.Key, v)
		if err != nil || (k != ax.Kind && !(k == QPlain && plainReadsAs(x, ax.Kind))) || x != ax.Nums[i] {
			t.Errorf("%s: value %q reads back as %v (kind %d, %v), want %v", in, v, x, k, err, ax.Nums[i])
		}
	}
}

// TestParseGridRoundsBetweenEnds: a range's values between its ends are
// rounded to three significant digits of the step, not
// 13333.333333333334/s; the ends stay as written.
func TestParseGridRoundsBetweenEnds(t *testing.T) {
	for _, c := range []axisCase{
		{"sinks.jdbc.capacity=10k/s..20k/s/4", "sinks.jdbc.capacity", "10k/s 13.33k/s 16.67k/s 20k/s", QRate},
		{"sinks.jdbc.capacity=12345/s..22345/s/3", "sinks.jdbc.capacity", "12.345k/s 17.35k/s 22.345k/s", QRate},
		{"operators.parse.cost=1ms..2ms/4", "operators.parse.cost", "1ms 1333us 1667us 2ms", QDuration},
		// sizes in whole bytes, durations in whole nanoseconds: the values
		// that run, not 133.333 (a break-test helper found points.jsonl's
		// values unlike the settings run)
		{"sources.clicks.record-size=100B..200B/4", "sources.clicks.record-size", "100B 133B 167B 200B", QBytes},
		{"operators.parse.cost=1ns..2ns/2", "operators.parse.cost", "1ns 2ns", QDuration},
		// a byte rate keeps its ends as written, in whole bytes a unit of
		// time: 100B/min, not 2B/s (a break-test helper)
		{"sinks.jdbc.capacity=100B/min..400B/min/2", "sinks.jdbc.capacity", "100B/min 400B/min", QByteRate},
		{"operators.parse.selectivity=0.1..0.2/4", "operators.parse.selectivity", "0.1 0.1333 0.1667 0.2", QPlain},
		{"operators.parse.selectivity=0.001..0.002/7", "operators.parse.selectivity", "0.001 0.001167 0.001333 0.0015 0.001667 0.001833 0.002", QPlain},
	} {
		checkAxis(t, c)
	}
}

func TestParseGrid(t *testing.T) {
	for _, c := range []axisCase{
		{"flink.parallelism.default=2,4,8", "flink.parallelism.default", "2 4 8", QPlain},
		{"flink.parallelism.default=1..16/4", "flink.parallelism.default", "1 6 11 16", QPlain},
		{"flink.parallelism.default=1..4/3", "flink.parallelism.default", "1 3 4", QPlain}, // rounded: the field takes whole numbers
		{"operators.enrich.parallelism=1..4/3", "operators.enrich.parallelism", "1 3 4", QPlain},
		{"operators.enrich.keys=1..4/3", "operators.enrich.keys", "1 3 4", QPlain}, // a count is whole too
		// a field of fractions is not rounded, whole ends or not
		{"operators.parse.selectivity=0..2/5", "operators.parse.selectivity", "0 0.5 1 1.5 2", QPlain},
		{"operators.enrich.key-distribution.zipf=1..2/3", "operators.enrich.key-distribution.zipf", "1 1.5 2", QPlain},
		{"flink.kubernetes.taskmanager.cpu.amount=1..2/3", "flink.kubernetes.taskmanager.cpu.amount", "1 1.5 2", QPlain},
		// a Double option's ends as Double.parseDouble reads them
		{"flink.restart-strategy.exponential-delay.backoff-multiplier=1.5f..3.0d/3", "flink.restart-strategy.exponential-delay.backoff-multiplier", "1.5 2.25 3", QPlain},
		{"sinks.jdbc.capacity=10k/s..100k/s/10", "sinks.jdbc.capacity", "10k/s 20k/s 30k/s 40k/s 50k/s 60k/s 70k/s 80k/s 90k/s 100k/s", QRate},
		{"sinks.jdbc.capacity = 20k/s, 1M/min", "sinks.jdbc.capacity", "20k/s 1M/min", QRate},
		{"checkpoint-storage.stream-bandwidth=100MB/s..400MB/s/4", "checkpoint-storage.stream-bandwidth", "100MB/s 200MB/s 300MB/s 400MB/s", QByteRate},
		{"flink.execution.checkpointing.interval=30s..5min/4", "flink.execution.checkpointing.interval", "30 s 2 min 210 s 5 min", QDuration}, // as Flink writes them
		{"operators.enrich.state-per-key=100B..1kB/3", "operators.enrich.state-per-key", "100B 550B 1kB", QBytes},
		{"operators.enrich.keys=100k..1M/2", "operators.enrich.keys", "100k 1M", QCount},
		{"operators.parse.selectivity=0.5..1/3", "operators.parse.selectivity", "0.5 0.75 1", QPlain},
		// a plain number beside values with a unit, where the field reads it
		// so too (--set takes each): a count, bare bytes, a duration's 0
		{"operators.enrich.keys=1000,2k", "operators.enrich.keys", "1000 2k", QCount},
		{"operators.enrich.keys=2k,1000", "operators.enrich.keys", "2k 1000", QCount},
		{"sources.clicks.initial-backlog=0..1M/3", "sources.clicks.initial-backlog", "0 500k 1M", QCount},
		{"operators.parse.cost=0,5us", "operators.parse.cost", "0 5us", QDuration},
		{"operators.parse.cost=0..30us/4", "operators.parse.cost", "0s 10us 20us 30us", QDuration},
		{"sources.clicks.record-size=200,1kB", "sources.clicks.record-size", "200 1kB", QBytes},
	} {
		checkAxis(t, c)
	}
	for _, c := range []struct{ in, want string }{
		{"parallelism", "want key=v1,v2"},
		{"=1,2", "want key=v1,v2"},
		{"k=1..8", "needs a number of values"},
		{"k=1..8/1", "not a number of values from 2"},
		{"k=1..8/100000", "not a number of values from 2"},
		{"k=8..1/4", "from low to high"},
		{"k=10k/s..5MB/s/3", "not the same kind"},
		{"k=30s,5", "not the same kind"},
		{"k=0,10k/s", "not the same kind"},  // a rate takes its unit
		{"k=1.5,1kB", "not the same kind"},  // bytes are whole
		{"k=5..30s/3", "not the same kind"}, // only 0 is a duration without unit
		{"flink.execution.checkpointing.incremental=true,0", "not the same kind"},
		{"k=1,1", "appears twice"},
		// more values than whole numbers in the range: refused, not merged
		{"flink.parallelism.default=1..3/5", `asks for 5 values, but the field takes whole numbers and 1..3 holds 3: give /3 or fewer`},
		{"sources.clicks.partitions=1..3/5", "holds 3: give /3 or fewer"},
		// a size or duration range finer than a byte or a nanosecond: one
		// value twice, refused, not run twice
		{"simulation.chunk-delay=1ns..2ns/3", `range "1ns..2ns/3" gives 2ns twice: the field takes whole nanoseconds; give fewer values`},
		{"sources.clicks.record-size=100B..101B/3", `gives 101B twice: the field takes whole bytes`},
		{"simulation.chunk-delay=0.5ns,5ms", `"0.5ns" is not a whole number of nanoseconds, the simulator's resolution`},
		{"k=fast,slow", "is not a number, count, duration, size or rate"},
		// a size unit refused outside flink: is named, in a list, a range or a rate
		{"sources.clicks.record-size=1kb,2kB", `"1kb": "kb" is not a size unit here; write B (bytes), kB, MB, GB, TB`},
		{"sources.clicks.record-size=1kB..4kb/3", `"4kb": "kb" is not a size unit here`},
		{"sinks.db.capacity=50mb/s,60MB/s", `"50mb/s": "mb" is not a size unit here`},
		{"sinks.db.delivery-guarantee=exactly-once,webb", `"webb" is not a number, count, duration, size or rate`},
		{"flink.state.backend.type=hashmap,rocks", `"rocks" is not a state backend flinksim models`},
		{"flink.execution.checkpointing.mode=EXACTLY_ONCE,once", `"once" is not one of EXACTLY_ONCE, AT_LEAST_ONCE`},
		{"k=1,,2", "empty value"},
	} {
		if _, err := ParseGrid(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.in, err, c.want)
		}
	}
}

// TestGridValueTwice: a list that gives one value twice, however it is
// written, is refused (it is one point, run twice), with both spellings.
func TestGridValueTwice(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"k=1,1", `k: "1" appears twice`},
		{"sinks.jdbc.capacity=1k/s,1000/s", `sinks.jdbc.capacity: "1k/s" appears twice, the second time as "1000/s"`},
		{"sinks.jdbc.capacity=1k/s,2k/s,60k/min", `sinks.jdbc.capacity: "1k/s" appears twice, the second time as "60k/min"`},
		{"operators.enrich.keys=1000,1k", `operators.enrich.keys: "1000" appears twice, the second time as "1k"`},
		{"sources.clicks.record-size=1024,1KiB", `sources.clicks.record-size: "1024" appears twice, the second time as "1KiB"`},
		{"flink.execution.checkpointing.interval=1 min,60 s", `flink.execution.checkpointing.interval: "1 min" appears twice, the second time as "60 s"`},
		{"flink.execution.checkpointing.unaligned.enabled=true,TRUE", `flink.execution.checkpointing.unaligned.enabled: "true" appears twice, the second time as "TRUE"`},
		{"flink-version=1.20,1.20.1", `flink-version: "1.20" appears twice, the second time as "1.20.1"`},
	} {
		if _, err := ParseGrid(c.in); err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %s", c.in, err, c.want)
		}
	}
}

// TestCanonicalKey: a Flink key's older name is the same key as its
// current one; other keys are kept as written.
func TestCanonicalKey(t *testing.T) {
	for in, want := range map[string]string{
		"flink.execution.checkpointing.unaligned":         "flink.execution.checkpointing.unaligned.enabled",
		"flink.execution.checkpointing.unaligned.enabled": "flink.execution.checkpointing.unaligned.enabled",
		" flink.state.backend ":                           "flink.state.backend.type",
		"flink.no.such.key":                               "flink.no.such.key",
		"sinks.db.capacity":                               "sinks.db.capacity",
		"execution.checkpointing.unaligned":               "execution.checkpointing.unaligned",
	} {
		if got := CanonicalKey(in); got != want {
			t.Errorf("CanonicalKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGridFlinkUnits: an axis over a flink.* key takes Flink's units and
// writes the values it spaces out in them, so that the key's own parser
// reads each point; a list may take true/false or an enum's values.
func TestGridFlinkUnits(t *testing.T) {
	for _, c := range []struct {
		grid   string
		values []string
		kind   Quantity
	}{
		{"flink.taskmanager.memory.process.size=1gb..4gb/4", []string{"1 gb", "2 gb", "3 gb", "4 gb"}, QBytes},
		{"flink.taskmanager.memory.segment-size=4kb,32kb", []string{"4kb", "32kb"}, QBytes},
		{"flink.execution.checkpointing.timeout=1 min..10 min/4", []string{"1 min", "4 min", "7 min", "10 min"}, QDuration},
		{"flink.execution.checkpointing.unaligned.enabled=true,false", []string{"true", "false"}, QChoice},
		{"flink.state.backend.type=hashmap,rocksdb", []string{"hashmap", "rocksdb"}, QChoice},
		// releases are choices: 1.20 is not 1.2, and 2.0 does not come after 1.20 by value
		{"flink-version=1.18,1.20,2.0", []string{"1.18", "1.20", "2.0"}, QChoice},
	} {
		ax, err := ParseGrid(c.grid)
		if err != nil {
			t.Fatalf("%s: %v", c.grid, err)
		}
		if !reflect.DeepEqual(ax.Values, c.values) || ax.Kind != c.kind {
			t.Errorf("%s: %q of kind %d, want %q of %d", c.grid, ax.Values, ax.Kind, c.values, c.kind)
		}
		for _, v := range ax.Values {
			if _, err := Load("m.yaml", []byte(minimal), []string{"flink.execution.checkpointing.interval=1min", ax.Key + "=" + v}); err != nil {
				t.Errorf("%s=%s does not load: %v", ax.Key, v, err)
			}
		}
	}
	for _, bad := range []string{"flink-version=1.18..1.20/3", "flink-version=1.18,1.21", "flink.state.backend.type=hashmap,floppy", "flink.taskmanager.memory.process.size=1.5gb,2gb", "flink.execution.checkpointing.timeout=1.5 min,2 min"} {
		if _, err := ParseGrid(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestSweepBlockSweptTwice: a sweep: block that sweeps one key twice, a
// Flink option under its two names or a list item's field by its name and
// by its index, is refused at the second axis: each point would set it
// twice, one value silently replacing the other.
func TestSweepBlockSweptTwice(t *testing.T) {
	for _, c := range []struct{ grid, want string }{
		{`"flink.state.backend.incremental=true,false", "flink.execution.checkpointing.incremental=true"`,
			"sweep.grid[1]: flink.execution.checkpointing.incremental is swept twice (first at column 16)"},
		{`"sinks.out.capacity=1k/s,2k/s", "sinks.0.capacity=3k/s"`,
			"sweep.grid[1]: sinks.0.capacity is swept twice, also as sinks.out.capacity (first at column 16), the same list item's field"},
		{`"sinks[0].capacity=1k/s,2k/s", "sinks.out.capacity=3k/s"`,
			"sweep.grid[1]: sinks.out.capacity is swept twice, also as sinks[0].capacity (first at column 16), the same list item's field"},
		{`"sinks.out.capacity=1k/s,2k/s", "sinks.out.capacity=3k/s"`, "sweep.grid[1]: sinks.out.capacity is swept twice (first at column 16)"},
	} {
		sc := minimal + "sweep: {grid: [" + c.grid + "]}\n"
		_, err := Load("m.yaml", []byte(sc), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v", c.grid, err)
		}
	}
}

// TestTakesIntegers: the fields a range of plain numbers is rounded for.
func TestTakesIntegers(t *testing.T) {
	for key, want := range map[string]bool{
		"operators.enrich.parallelism":                               true,
		"operators.0.parallelism":                                    true, // a list item by index
		"sources.clicks.partitions":                                  true,
		"operators.enrich.keys":                                      true, // a Count: the loader wants it whole
		"flink.parallelism.default":                                  true,
		"flink.execution.checkpointing.tolerable-failed-checkpoints": true,
		"operators.parse.selectivity":                                false,
		"operators.enrich.key-distribution.zipf":                     false,
		"flink.kubernetes.taskmanager.cpu.amount":                    false, // a double
		"sinks.jdbc.capacity":                                        false, // a rate
		"no.such.field":                                              false,
		"operators":                                                  false,
	} {
		if got := TakesIntegers(key); got != want {
			t.Errorf("TakesIntegers(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestParseGridReportsEveryValue: a --grid whose values do not read
// reports each of them, not only the first (every problem at once), and so
// does a range with both ends refused.
func TestParseGridReportsEveryValue(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"flink.execution.checkpointing.interval=abc,10 s,2 w,1h30m", []string{`"abc"`, `"2 w"`, `"1h30m"`}},
		{"sinks.db.capacity=x,1k/s,y", []string{`"x"`, `"y"`}},
		{"sinks.db.capacity=x..y/3", []string{`"x"`, `"y"`}},
		{"sinks.db.capacity=x,1k/s", []string{`"x"`}},
	} {
		_, err := ParseGrid(c.in)
		if err == nil {
			t.Errorf("%s: no error", c.in)
			continue
		}
		errs := GridErrors(err)
		if len(errs) != len(c.want) {
			t.Errorf("%s: %d problems (%v), want %d", c.in, len(errs), err, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(errs[i].Error(), w) || strings.Contains(errs[i].Error(), "\n") {
				t.Errorf("%s: problem %d is %q, want one line naming %s", c.in, i, errs[i], w)
			}
		}
	}
}

// TestSweepBlockNamesEveryBadValue: a sweep: block axis with several values
// that do not read names each of them in its one problem.
func TestSweepBlockNamesEveryBadValue(t *testing.T) {
	sc := minimal + "sweep: {grid: [\"flink.execution.checkpointing.interval=abc,10 s,2 w\"]}\n"
	_, err := Load("m.yaml", []byte(sc), nil)
	if err == nil || !strings.Contains(err.Error(), `"abc"`) || !strings.Contains(err.Error(), `"2 w"`) {
		t.Errorf("got %v", err)
	}
}

// TestSweepBlockWarningsAreNoProblems: a sweep: block's value whose load
// fails (for the scenario's own problem, or its own) and warns at the
// value is no problem of the axis for that warning: the scenario's
// problems are its own, each told once, and the problem count has no
// warning in it.
func TestSweepBlockWarningsAreNoProblems(t *testing.T) {
	const old = "name: m\nflink-version: \"1.19\"\nsources:\n  - {name: clicks, rate: 10k/s}\n"
	for _, c := range []struct {
		sinks, grid string
		want        []string // the problems, each a part of its line
	}{
		// a value that warns, beside a problem of the scenario's
		{"  - {name: out, capacity: -5/s}\n", `"flink.heartbeat.timeout=30s,60s"`,
			[]string{"sinks.out.capacity: must be more than 0/s"}},
		{"  - {name: out, capacity: 5k/s}\n", `"flink.heartbeat.timeout=30s,60s"`, nil},
		// a value refused, told alone
		{"  - {name: out, capacity: 5k/s}\n", `"flink.heartbeat.timeout=30s,1500micros"`,
			[]string{`sweep.grid[0]: flink.heartbeat.timeout=1500micros: flink.heartbeat.timeout: "1500micros" is not whole milliseconds`}},
	} {
		sc := old + "sinks:\n" + c.sinks + "sweep: {grid: [" + c.grid + "]}\n"
		_, err := Load("m.yaml", []byte(sc), nil)
		probs, _ := err.(Problems)
		errs := probs.Errors()
		ok := len(errs) == len(c.want)
		for i := 0; ok && i < len(errs); i++ {
			ok = strings.Contains(errs[i].String(), c.want[i])
		}
		if !ok {
			t.Errorf("%s %s: problems %v, want %q", c.sinks, c.grid, errs, c.want)
		}
	}
}

// TestSweepGridSetIsChecked: a grid written by --set is checked as one
// written in the file, its problems told at the --set: whole, as the
// sweep block, or one item of the file's grid replaced.
func TestSweepGridSetIsChecked(t *testing.T) {
	file := minimal + "sweep: {grid: [\"nosuch.key=1,2\"]}\n"
	two := minimal + "sweep: {grid: [\"duration=1m,2m\", \"nosuch.key=1,2\"]}\n"
	for _, c := range []struct {
		file string
		sets []string
		want []string // each problem's start, in order
	}{
		{minimal, []string{`sweep.grid=["nosuch.key=1,2"]`}, []string{`--set sweep.grid=["nosuch.key=1,2"]: sweep.grid[0]: nosuch.key=1: nosuch: unknown field`}},
		{minimal, []string{`sweep={grid: ["nosuch.key=1,2"]}`}, []string{`--set sweep={grid: ["nosuch.key=1,2"]}: sweep.grid[0]: nosuch.key=1: nosuch: unknown field`}},
		{file, []string{`sweep.grid[0]=nosuch.other=1,2`}, []string{`--set sweep.grid[0]=nosuch.other=1,2: sweep.grid[0]: nosuch.other=1: nosuch: unknown field`}},
		{file, []string{`sweep.grid=["duration=1m,2m"]`}, nil},
		// the file's own item where a --set wrote another, at the file
		{two, []string{`sweep.grid[0]=duration=3m,4m`}, []string{`m.yaml:`}},
		// a sweep mapping without a grid keeps the file's: its problem the file's
		{two, []string{`sweep={replicas: 2}`}, []string{`m.yaml:`}},
		// with the base's own problem: the grid the --set wrote, not the file's
		{two, []string{`sweep.grid=["duration=1m,2m"]`, `duration=abc`}, []string{`--set duration=abc:`}},
		{minimal, []string{`sweep.grid=["nosuch.key=1,2"]`, `duration=abc`}, []string{`--set duration=abc:`, `--set sweep.grid=["nosuch.key=1,2"]: sweep.grid[0]: nosuch.key=1`}},
	} {
		_, err := Load("m.yaml", []byte(c.file), c.sets)
		probs, _ := err.(Problems)
		errs := probs.Errors()
		ok := len(errs) == len(c.want)
		for i := 0; ok && i < len(errs); i++ {
			ok = strings.HasPrefix(errs[i].String(), c.want[i])
		}
		if !ok {
			t.Errorf("--set %v: problems %v, want %q", c.sets, errs, c.want)
		}
	}
}

// TestGridOfSeedRefused: a point's seed is derived from the scenario's seed,
// the point and the replica, so an axis over seed would only draw other
// seeds under values it never runs with (seed=1 ran with another seed):
// it is refused, pointing at --replicas and --seed.
func TestGridOfSeedRefused(t *testing.T) {
	for _, in := range []string{"seed=1,2", "seed=1..10/10", " seed =3,4"} {
		_, err := ParseGrid(in)
		if err == nil || !strings.HasPrefix(err.Error(), "seed: ") || !strings.Contains(err.Error(), "--replicas") {
			t.Errorf("%s: error %v, want one of seed pointing at --replicas", in, err)
		}
	}
	if _, err := ParseGrid("duration=1m,2m"); err != nil {
		t.Errorf("duration=1m,2m: %v", err)
	}
}

// TestGridNegativeValueSaysSo: a negative duration, size or count in a
// --grid is told as negative, as a --set of it is, not as no value at all.
func TestGridNegativeValueSaysSo(t *testing.T) {
	for grid, want := range map[string]string{
		"operators.op.cost=-1us,1us":     `"-1us" is negative; durations must be at least 0`,
		"sources.s.record-size=-1KB,1KB": `"-1KB" is negative; sizes must be at least 0`,
		"operators.op.keys=-2k..2k/3":    `"-2k" is negative; counts must be at least 0`,
		"operators.op.cost=--1us,1us":    `"--1us" is not a number, count, duration, size or rate`,
	} {
		_, err := ParseGrid(grid)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", grid, err, want)
		}
	}
}

// TestRangeOfLargeWholeNumbersIsExact: a range over a field of whole
// numbers keeps every value exact, up to 2^53 and past it where a float64
// holds it: 12345678901..23456789012/2 once ran 12345678900 and
// 23456789010, written 1.23456789e+10, and 123456789012..123456789014/3
// was refused as giving one value twice, in a message missing a word (a
// break-test helper). Values past 2^53 that float64s do not tell apart are
// refused, saying so.
func TestRangeOfLargeWholeNumbersIsExact(t *testing.T) {
	for _, c := range []axisCase{
		{"operators.enrich.keys=12345678901..23456789012/2", "operators.enrich.keys", "12345678901 23456789012", QPlain},
		{"operators.enrich.keys=123456789012..123456789014/3", "operators.enrich.keys", "123456789012 123456789013 123456789014", QPlain},
		{"sources.clicks.initial-backlog=12345678901..23456789012/2", "sources.clicks.initial-backlog", "12345678901 23456789012", QPlain},
		{"sources.clicks.initial-backlog=9007199254740990..9007199254740992/3", "sources.clicks.initial-backlog", "9007199254740990 9007199254740991 9007199254740992", QPlain},
		{"sources.clicks.initial-backlog=1152921504606846976..1152921504606849024/2", "sources.clicks.initial-backlog", "1152921504606846976 1152921504606849024", QPlain},
		// a fraction's ends as written too, not to ten digits
		{"operators.parse.selectivity=0.12345678901..0.5/2", "operators.parse.selectivity", "0.12345678901 0.5", QPlain},
	} {
		checkAxis(t, c)
	}
	for _, c := range []struct{ in, want string }{
		{"sources.clicks.initial-backlog=9007199254740992..9007199254740994/3",
			`sources.clicks.initial-backlog: range "9007199254740992..9007199254740994/3" gives 9007199254740992 twice: past 2^53 = 9007199254740992 whole numbers are float64s, which hold only some of them; give fewer values`},
		{"sources.clicks.initial-backlog=9007199254740993..9007199254740999/3",
			`sources.clicks.initial-backlog: "9007199254740993" is not exact: past 2^53 = 9007199254740992 whole numbers are float64s, which read it as 9007199254740992` + "\n" +
				`sources.clicks.initial-backlog: "9007199254740999" is not exact: past 2^53 = 9007199254740992 whole numbers are float64s, which read it as 9007199254741000`},
		{"operators.parse.selectivity=1..1.0000000000000002/3",
			`operators.parse.selectivity: range "1..1.0000000000000002/3" gives 1 twice: its values are closer than float64s tell apart; give fewer values`},
	} {
		if _, err := ParseGrid(c.in); err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v,\nwant %s", c.in, err, c.want)
		}
	}
}

// TestFormatPlainIsExact: a plain number is written so that it reads back
// as itself, whole numbers in all their digits.
func TestFormatPlainIsExact(t *testing.T) {
	for v, want := range map[float64]string{
		12345678901: "12345678901", 1 << 60: "1152921504606846976", 0: "0", 2: "2", -3: "-3",
		0.1333: "0.1333", 1234567.5: "1234567.5", 1e-7: "1e-07", 1e25: "1e+25",
	} {
		if got := FormatQuantity(v, QPlain); got != want {
			t.Errorf("FormatQuantity(%v) = %q, want %q", v, got, want)
		}
	}
}
