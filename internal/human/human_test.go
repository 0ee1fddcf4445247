package human

import "testing"

// TestCount: counts keep three significant figures at any size, never
// a run of digits before a suffix (issue 8 item 16: "1799999997.9G").
func TestCount(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0"}, {0.001, "0.001"}, {0.25, "0.25"}, {999, "999"}, {1500, "1.5k"}, {-666, "-666"}, {2e6, "2M"}, {1.8e9, "1.8G"}, {1.8e12, "1.8T"},
		{4.5e15, "4.5P"}, {1.8e18, "1.8e+18"}, {-1.8e18, "-1.8e+18"},
		{999.96, "1k"}, {999_949, "999.9k"}, {999_960, "1M"}, {-999_960, "-1M"}} { // rounding up to the next unit
		if got := Count(c.v); got != c.want {
			t.Errorf("Count(%g) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 runs", 1: "1 run", 2: "2 runs", 10: "10 runs"} {
		if got := Plural(n, "run"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestSeconds: the units the CLI prints durations in, and a negative
// duration (a window's offset) with its sign, not in microseconds.
// TestDuration: a setting prints exactly, in the largest unit that holds
// it whole, and reads back as written (scenarios.ParseDuration).
func TestDuration(t *testing.T) {
	for _, c := range []struct {
		ns   int64
		want string
	}{{0, "0s"}, {1, "1ns"}, {1500e6, "1500ms"}, {60e9, "1m"}, {90e9, "90s"}, {100e9, "100s"}, {3600e9, "1h"},
		{86400e9, "1d"}, {7 * 86400e9, "1w"}, {-8 * 3600e9, "-8h"}, {250e3, "250us"}} {
		if got := Duration(c.ns); got != c.want {
			t.Errorf("Duration(%d) = %q, want %q", c.ns, got, c.want)
		}
	}
}

func TestSeconds(t *testing.T) {
	for _, c := range []struct {
		sec  float64
		want string
	}{{0, "0s"}, {0.0005, "500µs"}, {0.25, "250ms"}, {10, "10s"}, {60, "1min"}, {90, "1.5min"}, {900, "15min"}, {3600, "1h"}, {86400, "24h"},
		{-28800, "-8h"}, {-30, "-30s"}} {
		if got := Seconds(c.sec); got != c.want {
			t.Errorf("Seconds(%g) = %q, want %q", c.sec, got, c.want)
		}
	}
}

func TestAnd(t *testing.T) {
	for _, c := range []struct {
		words []string
		want  string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a and b"}, {[]string{"a", "b", "c"}, "a, b and c"}} {
		if got := And(c.words); got != c.want {
			t.Errorf("And(%q) = %q, want %q", c.words, got, c.want)
		}
	}
}
