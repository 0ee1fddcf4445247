package plots

import (
	"math"
	"slices"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		u    Unit
		v    float64
		want string
	}{
		{UnitRate, 1e5, "100k/s"},
		{UnitRate, 0, "0/s"},
		{UnitRate, 1234, "1.23k/s"},
		{UnitCount, 950, "950"},
		{UnitCount, 1.5e6, "1.5M"},
		{UnitCount, 999999, "1M"}, // rounding reaches the next scale
		{UnitCount, -2500, "-2.5k"},
		{UnitCount, 0, "0"},
		{UnitBytes, 1.5e9, "1.5 GB"},
		{UnitBytes, 512, "512 B"},
		{UnitBytes, 0, "0 B"},
		{UnitBytes, 2e12, "2 TB"},
		{UnitByteRate, 2.5e8, "250 MB/s"},
		{UnitSeconds, 0.25, "250 ms"},
		{UnitSeconds, 6e-6, "6 µs"},
		{UnitSeconds, 0.0015, "1.5 ms"},
		{UnitSeconds, 30, "30 s"},
		{UnitSeconds, 90, "90 s"},
		{UnitSeconds, 119.9, "2 min"},
		{UnitSeconds, 300, "5 min"},
		{UnitSeconds, 7200, "2 h"},
		{UnitSeconds, 0, "0 s"},
		{UnitMillis, 250, "250 ms"},
		{UnitMillis, 1500, "1.5 s"},
		{UnitMillis, 600000, "10 min"},
		{UnitNone, 12, "12"},
		{UnitNone, 0.35, "0.35"},
		{UnitNone, 1234.6, "1235"},
		{UnitNone, 2e10, "2e+10"},
		{UnitRate, math.NaN(), "n/a"},
		{UnitBytes, math.Inf(1), "∞"},
	} {
		if got := Format(tc.u, tc.v); got != tc.want {
			t.Errorf("Format(%d, %g) = %q, want %q", tc.u, tc.v, got, tc.want)
		}
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		u      Unit
		lo, hi float64
		want   []string
	}{
		{UnitRate, 0, 120000, []string{"0", "25k/s", "50k/s", "75k/s", "100k/s"}},
		{UnitSeconds, 0, 7200, []string{"0", "0.5 h", "1 h", "1.5 h", "2 h"}},
		{UnitSeconds, 0, 3600, []string{"0", "15 min", "30 min", "45 min", "60 min"}},
		{UnitSeconds, 0, 1800, []string{"0", "10 min", "20 min", "30 min"}},
		{UnitSeconds, 0, 60, []string{"0", "15 s", "30 s", "45 s", "60 s"}},
		{UnitBytes, 0, 2.5e9, []string{"0", "0.5 GB", "1 GB", "1.5 GB", "2 GB", "2.5 GB"}},
		{UnitMillis, 0, 3600, []string{"0", "1 s", "2 s", "3 s"}},
		{UnitNone, 0, 1000, []string{"0", "200", "400", "600", "800", "1000"}},
		{UnitCount, -1e6, 1e6, []string{"-1M", "-0.5M", "0", "0.5M", "1M"}},
		{UnitCount, 5, 5, []string{"5"}},
	} {
		ticks := tc.u.Ticks(tc.lo, tc.hi)
		var got []string
		for i, tk := range ticks {
			got = append(got, tk.Label)
			if tk.Value < tc.lo || tk.Value > tc.hi {
				t.Errorf("%d %g..%g: tick %g out of range", tc.u, tc.lo, tc.hi, tk.Value)
			}
			if i > 0 && tk.Value <= ticks[i-1].Value {
				t.Errorf("%d %g..%g: ticks not increasing", tc.u, tc.lo, tc.hi)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d %g..%g: ticks %q, want %q", tc.u, tc.lo, tc.hi, got, tc.want)
		}
	}
	// Values are in the unit's own terms: milliseconds stay milliseconds.
	if v := UnitMillis.Ticks(0, 3600)[1].Value; v != 1000 {
		t.Errorf("UnitMillis tick 1 s at %g, want 1000", v)
	}
	for _, r := range [][2]float64{{math.NaN(), 1}, {0, math.Inf(1)}, {2, 1}} {
		if ticks := UnitBytes.Ticks(r[0], r[1]); ticks != nil {
			t.Errorf("Ticks(%g, %g) = %v, want none", r[0], r[1], ticks)
		}
	}
	var got []string
	for _, tk := range wholeTicks.Ticks(0, 2.1) {
		got = append(got, tk.Label)
	}
	if !slices.Equal(got, []string{"0", "1", "2"}) {
		t.Errorf("whole ticks %q", got)
	}
}

func TestUnitLabel(t *testing.T) {
	for _, c := range []struct {
		u    Unit
		want string
	}{{UnitNone, "x"}, {UnitRate, "x (records/s)"}, {UnitBytes, "x (bytes)"}, {UnitSeconds, "x (duration)"}, {Unit(99), "x"}} {
		if got := c.u.Label("x"); got != c.want {
			t.Errorf("%d.Label = %q, want %q", c.u, got, c.want)
		}
	}
}
