package scenarios

import (
	"errors"
	"testing"
)

// TestFractionsBelowTheUnitAreRefused: a size is a whole number of bytes
// and a duration a whole number of nanoseconds, the simulator's
// resolution; a value with a fraction below those is refused, not rounded
// (1.999B was once read as 1B, 0.5ns as 1ns: a break-test helper). A
// decimal fraction that is whole in the unit reads exactly.
func TestFractionsBelowTheUnitAreRefused(t *testing.T) {
	for _, c := range []struct {
		set  string
		want string // the problem, "" when accepted
	}{
		{"sources.clicks.record-size=1.999B", `"1.999B" is not a whole number of bytes; sizes are whole bytes`},
		{"sources.clicks.record-size=1.0001KiB", `"1.0001KiB" is not a whole number of bytes; sizes are whole bytes`},
		{"sources.clicks.record-size=1.5KiB", ""},
		{"sources.clicks.record-size=0.2kB", ""},
		{"simulation.chunk-delay=1.5ns", `"1.5ns" is not a whole number of nanoseconds, the simulator's resolution`},
		{"simulation.chunk-delay=0.0001us", `"0.0001us" is not a whole number of nanoseconds, the simulator's resolution`},
		{"simulation.chunk-delay=0.1s", ""},
		{"simulation.chunk-delay=1.0000000005s", `"1.0000000005s" is not a whole number of nanoseconds, the simulator's resolution`},
		{"sources.clicks.record-size=1.0000000009GB", `"1.0000000009GB" is not a whole number of bytes; sizes are whole bytes`},
		{"sources.clicks.record-size=0.5KiB", ""},
		{"simulation.chunk-delay=2.5us", ""},
	} {
		_, err := Load("m.yaml", []byte(minimal), []string{c.set})
		var probs Problems
		switch {
		case c.want == "" && err != nil:
			t.Errorf("--set %s: %v, want it accepted", c.set, err)
		case c.want != "" && (!errors.As(err, &probs) || len(probs) != 1 || probs[0].Msg != c.want):
			t.Errorf("--set %s: %v, want %q", c.set, err, c.want)
		}
	}
}

// TestDecimalSizesReadExactly: a size whose number has a decimal fraction
// is the nearest whole number of bytes to it, not one short (4.1kB is
// 4100 B, where the product 4099.999... was once truncated to 4099: a
// break-test helper).
func TestDecimalSizesReadExactly(t *testing.T) {
	for in, want := range map[string]int64{"4.1kB": 4100, "1.005kB": 1005, "1.001kB": 1001, "2.002kB": 2002, "4.1GB": 4_100_000_000, "0.5KiB": 512, "1.5KiB": 1536, "200B": 200} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// TestByteRatesReadBackAsTheyAre: a byte rate is written in whole bytes a
// second, minute, hour or day, so that scenario.resolved.yaml runs what
// ran: 100B/min (1.67 B/s) was once written 2B/s.
func TestByteRatesReadBackAsTheyAre(t *testing.T) {
	for _, in := range []string{"100B/min", "7B/h", "3B/d", "170MB/s", "1.5kB/s"} {
		r, err := ParseRate(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		back, err := ParseRate(r.String())
		if err != nil || back.PerSecond != r.PerSecond {
			t.Errorf("%s is written %s, which reads back as %v (%v)", in, r.String(), back.PerSecond, err)
		}
	}
}
