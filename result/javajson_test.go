package result

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestJavaDouble: a Java double's text as Double.toString (and so
// Jackson) gives it: a fraction even when integral, an exponent from 10^7
// and below 10^-3, the shortest digits that read back.
func TestJavaDouble(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{571, "571.0"}, {0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {1589.6, "1589.6"}, {1000158, "1000158.0"},
		{9999999, "9999999.0"}, {1e7, "1.0E7"}, {12345678, "1.2345678E7"}, {-2.5e9, "-2.5E9"}, {1e21, "1.0E21"},
		{0.001, "0.001"}, {0.0001, "1.0E-4"}, {1.5e-7, "1.5E-7"}, {0.30000000000000004, "0.30000000000000004"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
	} {
		if got := javaDouble(c.f); got != c.want {
			t.Errorf("javaDouble(%v) = %s, want %s", c.f, got, c.want)
		}
	}
}

// statsDtoFields are StatsSummaryDto's fields: min, max and avg Java
// longs, the percentiles Java doubles.
var statsDtoFields = map[string]bool{"min": false, "max": false, "avg": false,
	"p50": true, "p90": true, "p95": true, "p99": true, "p999": true}

// checkStatsDtos finds every StatsSummaryDto in v (an object with exactly
// its fields) and checks each field's JSON form: a long an integer, a
// double a number with a fraction or an exponent, or "NaN". It returns
// how many it found.
func checkStatsDtos(t *testing.T, file, path string, v any) int {
	t.Helper()
	found := 0
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			found += checkStatsDtos(t, file, path+"[]", x)
		}
	case map[string]any:
		if len(v) != len(statsDtoFields) {
			for k, x := range v {
				found += checkStatsDtos(t, file, path+"."+k, x)
			}
			return found
		}
		for k, double := range statsDtoFields {
			n, isNum := v[k].(json.Number)
			switch {
			case !double && (!isNum || strings.ContainsAny(string(n), ".eE")):
				t.Errorf("%s %s.%s = %#v, want a long (integer)", file, path, k, v[k])
			case double && isNum && !strings.ContainsAny(string(n), ".E"):
				f, _ := n.Float64()
				t.Errorf("%s %s.%s = %s, want a double (Jackson writes %s)", file, path, k, n, javaDouble(f))
			case double && !isNum && v[k] != "NaN":
				t.Errorf("%s %s.%s = %#v, want a double or \"NaN\"", file, path, k, v[k])
			}
		}
		found++
	}
	return found
}

// TestStatsSummaryJSONTypes: in checkpoints.json, checkpoint-history.json
// and checkpoint-details.json every StatsSummaryDto has min, max and avg
// as integers and its percentiles as doubles, whatever their value:
// integral quantiles (1000158 ms, all equal) included, as in the captured
// Flink 1.17 archive ("p50":571.0, the buffered alignment's "p50":0.0).
func TestStatsSummaryJSONTypes(t *testing.T) {
	mk := func(durs ...sim.Time) *Result {
		r := sqlgwCheckpoint()
		c0 := r.Checkpoints[0]
		r.Checkpoints = nil
		for i, d := range durs {
			c := *c0
			c.ID, c.Trigger = int64(i+1), sim.Time(i)*sim.Hour
			c.LatestAck, c.Duration, c.Checkpointed, c.StateSize = c.Trigger+d, d, 12345678+int64(i), 3*int64(i)
			r.Checkpoints = append(r.Checkpoints, &c)
		}
		return r
	}
	for _, c := range []struct {
		name string
		r    *Result
	}{
		{"one checkpoint", sqlgwCheckpoint()},
		{"integral quantiles", mk(1000158*sim.Millisecond, 1000158*sim.Millisecond)},
		{"fractional quantiles", mk(1*sim.Second, 2*sim.Second, 1589*sim.Millisecond, 1590*sim.Millisecond)},
		{"none completed", func() *Result { r := mk(sim.Second); r.Checkpoints[0].Status = "FAILED"; return r }()},
	} {
		for _, f := range []struct {
			file  string
			write func(*Result, *bytes.Buffer) error
			min   int
		}{
			{"checkpoints.json", func(r *Result, b *bytes.Buffer) error { return r.WriteCheckpointsJSON(b) }, 6},
			{"checkpoint-history.json", func(r *Result, b *bytes.Buffer) error { return r.WriteCheckpointHistoryJSON(b) }, 0},
			{"checkpoint-details.json", func(r *Result, b *bytes.Buffer) error { return r.WriteCheckpointDetailsJSON(b) }, 9},
		} {
			var b bytes.Buffer
			if err := f.write(c.r, &b); err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(&b)
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if n := checkStatsDtos(t, c.name+": "+f.file, "", v); n < f.min {
				t.Errorf("%s: %s has %d StatsSummaryDto, want at least %d", c.name, f.file, n, f.min)
			}
		}
	}
}
