package sweep

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/scenarios"
)

// Condition is a target on an outcome: "latency_p99_s<=5", "stable".
type Condition struct {
	Outcome string
	Op      string // <=, >=, <, >, ==
	Value   float64
}

// condRE takes the longest operator, and the value may be empty: "x<="
// is <= with no value, not < with the value "=".
var condRE = regexp.MustCompile(`^\s*([a-z0-9_]+)\s*(<=|>=|==|<|>)\s*(\S*)\s*$`)

// ParseCondition reads outcome<=value (or >=, <, >, ==), or a bare "stable".
// The value may carry the outcome's unit, e.g. latency_p99_s<=5s.
func ParseCondition(s string) (Condition, error) {
	if strings.TrimSpace(s) == "stable" {
		return Condition{Outcome: "stable", Op: "==", Value: 1}, nil
	}
	m := condRE.FindStringSubmatch(s)
	if m == nil {
		return Condition{}, fmt.Errorf("%q: want outcome<=value (or >=, <, >, ==), e.g. latency_p99_s<=5, or stable", s)
	}
	if m[1] == "stable" {
		return Condition{}, fmt.Errorf("%q: stable is yes or no, not a number: write stable", s)
	}
	if _, err := (Outcome{}).Get(m[1]); err != nil {
		return Condition{}, err
	}
	if m[3] == "" {
		return Condition{}, fmt.Errorf("%q: no value after %s: want outcome%svalue, e.g. %s%s5", s, m[2], m[2], m[1], m[2])
	}
	v, kind, err := scenarios.ParseQuantity(m[3])
	if err != nil {
		return Condition{}, fmt.Errorf("%q: %v", s, err)
	}
	if u := unitOf(m[1]); !slices.Contains(u.kinds, kind) {
		return Condition{}, fmt.Errorf("%q: %s is %s: give %s, e.g. %s%s%s", s, m[1], u.is, u.give, m[1], m[2], u.example)
	}
	return Condition{Outcome: m[1], Op: m[2], Value: v}, nil
}

// outcomeUnit is the unit an outcome is in: the kinds of value a
// condition on it may be written in, each read in that unit.
type outcomeUnit struct {
	kinds             []scenarios.Quantity
	is, give, example string
}

// unitOf is the unit of a numeric outcome: its name's suffix says it
// (_s seconds, _rps records per second, _bytes_per_s bytes per second,
// _ms_per_s milliseconds per second), a count otherwise.
func unitOf(name string) outcomeUnit {
	plain := scenarios.QPlain
	switch {
	case strings.HasSuffix(name, "_ms_per_s"):
		return outcomeUnit{[]scenarios.Quantity{plain}, "in milliseconds per second (0 to 1000)", "a plain number", "800"}
	case strings.HasSuffix(name, "_bytes_per_s"):
		return outcomeUnit{[]scenarios.Quantity{plain, scenarios.QByteRate}, "in bytes per second", "a plain number of bytes per second or a byte rate", "100MB/s"}
	case strings.HasSuffix(name, "_rps"):
		return outcomeUnit{[]scenarios.Quantity{plain, scenarios.QCount, scenarios.QRate}, "in records per second", "a plain number or a rate of records", "50k/s"}
	case strings.HasSuffix(name, "_s"):
		return outcomeUnit{[]scenarios.Quantity{plain, scenarios.QDuration}, "in seconds", "a plain number of seconds or a duration", "5s"}
	}
	return outcomeUnit{[]scenarios.Quantity{plain, scenarios.QCount}, "a count", "a plain number or a count", "2k"}
}

func (c Condition) String() string {
	if c.Outcome == "stable" && c.Op == "==" && c.Value == 1 {
		return "stable"
	}
	v := c.Value
	if v == 0 {
		v = 0 // -0 (written "-0" or "-0s") is 0
	}
	return c.Outcome + c.Op + strconv.FormatFloat(v, 'f', -1, 64) // as written: 1000000, not 1e+06
}

// Holds reports whether the outcome meets the condition; a condition on a
// value the run does not have (Outcome.Missing: no checkpoint completed, no
// record reached a sink) does not hold.
func (c Condition) Holds(o Outcome) bool {
	if o.Missing(c.Outcome) {
		return false
	}
	v, _ := o.Get(c.Outcome)
	switch c.Op {
	case "<=":
		return v <= c.Value
	case ">=":
		return v >= c.Value
	case "<":
		return v < c.Value
	case ">":
		return v > c.Value
	}
	return v == c.Value
}

// Search is a capacity question: the smallest (or, with Largest, the
// largest) value of Key in [Lo, Hi] for which every condition holds in
// every replica. The outcome is assumed monotone in the value.
type Search struct {
	Key        string
	Lo, Hi     string // as written, same kind of value
	Largest    bool
	Conditions []Condition
	Replicas   int
}

// Probe is one value tried, with its runs.
type Probe struct {
	Value   string
	Num     float64
	OK      bool
	Records []Record
}

// maxProbes bounds a search: bisection to 1% of the range takes about 8.
const maxProbes = 24

// Run searches with runs of r's scenario (r.Plan is replaced by each
// probe's). It returns the answer ("" when no value in the range meets the
// conditions) and every probe in the order tried.
func (s Search) Run(r *Runner, seed uint64) (answer string, probes []Probe, err error) {
	lo, hi, kind, err := s.Span()
	if err != nil {
		return "", nil, err
	}
	integer := s.integral(lo, hi, kind)
	p := &prober{s: s, r: r, seed: seed, kind: kind}
	// good is the end of the range expected to meet the conditions.
	good, bad, goodW, badW := hi, lo, s.Hi, s.Lo
	if s.Largest {
		good, bad, goodW, badW = lo, hi, s.Lo, s.Hi
	}
	// Both ends first: the outcome may improve the other way than assumed
	// (a sink's latency: smaller is better), and then the end assumed bad
	// is the answer.
	okGood, err := p.probe(good, goodW)
	if err != nil {
		return "", p.probes, err
	}
	okBad, err := p.probe(bad, badW)
	switch {
	case err != nil:
		return "", p.probes, err
	case okBad:
		return badW, p.probes, nil
	case !okGood:
		return "", p.probes, nil
	}
	answer = goodW
	for len(p.probes) < maxProbes {
		mid, more := s.midpoint(good, bad, integer)
		if !more {
			break
		}
		ok, err := p.probe(mid, "")
		if err != nil {
			return "", p.probes, err
		}
		if ok {
			good, answer = mid, p.probes[len(p.probes)-1].Value
		} else {
			bad = mid
		}
	}
	return answer, p.probes, nil
}

// Span parses the range: both ends in one kind of unit, low to high.
func (s Search) Span() (lo, hi float64, kind scenarios.Quantity, err error) {
	lo, kind, err = scenarios.ParseQuantityFor(s.Key, s.Lo)
	if err != nil {
		return 0, 0, kind, fmt.Errorf("%s: %v", s.Key, err)
	}
	hi, kind2, err := scenarios.ParseQuantityFor(s.Key, s.Hi)
	if err != nil {
		return 0, 0, kind, fmt.Errorf("%s: %v", s.Key, err)
	}
	kind, same := scenarios.CommonKind([]float64{lo, hi}, []scenarios.Quantity{kind, kind2})
	if same && hi == lo {
		return 0, 0, kind, fmt.Errorf("%s: range %s..%s is one value: give two different ends (a single value is set with --set)", s.Key, s.Lo, s.Hi)
	}
	if !same || hi <= lo {
		return 0, 0, kind, fmt.Errorf("%s: range %s..%s must go from low to high in one kind of unit", s.Key, s.Lo, s.Hi)
	}
	return lo, hi, kind, nil
}

// integral tells whether the search probes whole numbers only: a range of
// plain whole numbers over a field that takes them (a parallelism, not a
// Zipf exponent: scenarios.TakesIntegers).
func (s Search) integral(lo, hi float64, kind scenarios.Quantity) bool {
	return kind == scenarios.QPlain && lo == math.Trunc(lo) && hi == math.Trunc(hi) && scenarios.TakesIntegers(s.Key)
}

// midpoint is the next value to probe between good and bad: an integer
// rounded towards bad's side when the range is integral, else rounded to 3
// significant digits; false once the range is down to one step or 1%.
func (s Search) midpoint(good, bad float64, integer bool) (float64, bool) {
	mid := (good + bad) / 2
	if integer {
		mid = math.Floor(mid)
		if s.Largest {
			mid = math.Ceil((good + bad) / 2)
		}
		return mid, mid != good && mid != bad
	}
	if scenarios.IsFlinkMemory(s.Key) {
		mid = roundBinary(mid, 3)
	} else {
		mid = roundSig(mid, 3)
	}
	if math.Abs(good-bad) <= 0.01*math.Max(math.Abs(good), math.Abs(bad)) || mid == good || mid == bad {
		return mid, false
	}
	return mid, true
}

// prober runs the probes of one search and keeps them.
type prober struct {
	s      Search
	r      *Runner
	seed   uint64
	kind   scenarios.Quantity
	probes []Probe
}

// probe runs the replicas of one value (written as given, or formatted) and
// reports whether every run meets every condition.
func (p *prober) probe(v float64, written string) (bool, error) {
	s, r := p.s, p.r
	if written == "" {
		written = scenarios.FormatQuantityFor(p.s.Key, v, p.kind)
	}
	ax := scenarios.Axis{Key: s.Key, Values: []string{written}, Nums: []float64{v}, Kind: p.kind}
	plan, err := NewPlan([]scenarios.Axis{ax}, max(s.Replicas, 1), p.seed)
	if err != nil {
		return false, err
	}
	r.Plan = plan
	if err := r.Check(plan.Points); err != nil {
		return false, err
	}
	recs, err := r.Run(plan.Points)
	if err != nil {
		return false, err
	}
	ok := true
	for _, rec := range recs {
		for _, c := range s.Conditions {
			ok = ok && c.Holds(rec.Outcome)
		}
	}
	p.probes = append(p.probes, Probe{Value: written, Num: v, OK: ok, Records: recs})
	return ok, nil
}

// roundSig rounds to n significant digits, so probed values read well
// (215k/s, not 215332.03125/s).
func roundSig(v float64, n int) float64 {
	if v == 0 {
		return 0
	}
	e := float64(n) - math.Ceil(math.Log10(math.Abs(v)))
	if e < 0 { // 10^e is not a float64: round in units of 10^-e, whole
		q := math.Pow(10, -e)
		return math.Round(v/q) * q
	}
	p := math.Pow(10, e) // divided by, so the result is the nearest float to the decimal
	return math.Round(v*p) / p
}

// roundBinary rounds a Flink memory size to n significant digits of the
// largest binary unit (up to tb) it holds 10^(n-1) of, so that it is
// written in that unit: 1700 mb, not 1780000000 bytes.
func roundBinary(v float64, n int) float64 {
	u, least := 1.0, math.Pow(10, float64(n-1))
	for u < 1<<40 && v/(u*1024) >= least {
		u *= 1024
	}
	return roundSig(v/u, n) * u
}
