package scenarios

import (
	"errors"
	"strings"
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

// TestSizeUnitsAsWritten: outside flink: a size takes kB, MB, GB, TB (and
// KB) as powers of 1000 and KiB, MiB, GiB, TiB as powers of 1024; 32kb,
// 32k or 2Gi, which humanize would read as 32000 or 2 GiB while Flink's
// MemorySize reads 32kb and 32k as 32768, are refused with both spellings
// (a break-test helper found record-size: 32kb read as 32000).
func TestSizeUnitsAsWritten(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64 // -1: refused
	}{
		{"32kB", 32000}, {"32KB", 32000}, {"32KiB", 32768}, {"2GiB", 2 << 30}, {"1 MB", 1e6}, {"4096", 4096}, {"100B", 100},
		{"32kb", -1}, {"32k", -1}, {"32K", -1}, {"2Gi", -1}, {"1gb", -1}, {"1G", -1}, {"1 mb", -1}, {"3kib", -1}, {"5Kb", -1},
	} {
		got, err := ParseBytes(c.in)
		switch {
		case c.want >= 0 && (err != nil || got != c.want):
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", c.in, got, err, c.want)
		case c.want < 0 && (err == nil || !strings.Contains(err.Error(), "is not a size unit here; write B (bytes), kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)")):
			t.Errorf("ParseBytes(%q) = %d, %v; want it refused, naming the units", c.in, got, err)
		}
	}
}

// TestSizesHaveNoComma: a comma in a size is refused, as counts refuse
// it, where humanize dropped it (1,5kB ran as 15kB: a break-test helper),
// in a size, a byte rate and --set alike.
func TestSizesHaveNoComma(t *testing.T) {
	for _, in := range []string{"1,5kB", "1,5", "1,2,3B", "1,5KiB"} {
		if v, err := ParseBytes(in); err == nil || !strings.Contains(err.Error(), "a size has no comma") {
			t.Errorf("ParseBytes(%q) = %d, %v; want it refused", in, v, err)
		}
	}
	if r, err := ParseRate("1,5MB/s"); err == nil {
		t.Errorf("ParseRate(1,5MB/s) = %v, want it refused", r)
	}
}

// TestCountsPast2To53AreExact: a count a float64 cannot hold exactly is
// refused, not rounded into range: initial-backlog 2^53+1 once read as
// 2^53 and passed its bound (a break-test helper); 2^53 itself and the
// counts above it that a float64 holds are still read.
func TestCountsPast2To53AreExact(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64 // -1: refused as inexact
	}{
		{"9007199254740992", 1 << 53}, {"9007199254740994", 1<<53 + 2}, {"1e18", 1e18}, {"9007199254.740992M", 1 << 53},
		{"9007199254740993", -1}, {"9007199254740995", -1}, {"999999999999999999", -1},
	} {
		got, err := ParseCount(c.in)
		switch {
		case c.want >= 0 && (err != nil || got != c.want):
			t.Errorf("ParseCount(%q) = %v, %v; want %v", c.in, got, err, c.want)
		case c.want < 0 && (err == nil || !strings.Contains(err.Error(), "is not exact: past 2^53")):
			t.Errorf("ParseCount(%q) = %v, %v; want it refused as inexact", c.in, got, err)
		}
	}
}

// TestBacklogPastTheBoundNamesTheBacklog: when a source's records pass 2^53
// because of its initial backlog, the backlog is named, not the rate.
func TestBacklogPastTheBoundNamesTheBacklog(t *testing.T) {
	for _, c := range []struct{ set, want string }{
		{"sources.clicks.initial-backlog=9007199254740000", "sources.clicks.initial-backlog: the source holds 9.007e15 records at the start and produces up to 6e5 more in 1m (1e4/s at its peak); a run counts at most 2^53 = 9007199254740992 records per operator: lower the initial-backlog"},
		{"sources.clicks.initial-backlog=9007199254740993", `sources.clicks.initial-backlog: "9007199254740993" is not exact: past 2^53 = 9007199254740992 counts are float64s, which read it as 9007199254740992`},
	} {
		_, err := Load("m.yaml", []byte(minimal), []string{"duration=1m", "sources.clicks.rate=10k/s", c.set})
		var probs Problems
		if want := "--set " + c.set + ": " + c.want; !errors.As(err, &probs) || probs.Error() != want {
			t.Errorf("got %v\nwant %s", err, want)
		}
	}
}

// TestBytesBoundToldOnce: records past 2^60 bytes are told once, at the
// node where they first pass it (a sink or an operator downstream was told
// again), and at a source's initial-backlog when the backlog is most of
// them (break-test: the record sizes of three nodes were blamed).
func TestBytesBoundToldOnce(t *testing.T) {
	const doc = "name: b\nduration: 30s\nsources:\n  - {name: src, rate: RATE, record-size: 1.5KiB, initial-backlog: BACKLOG}\n" +
		"operators:\n  - {name: agg, cost: 1ns}\nsinks:\n  - {name: out}\n"
	for _, c := range []struct{ rate, backlog, want string }{
		{"1k/s", "4503599627370.496k", "f.yaml:4:67: sources.src.initial-backlog: the source holds 4.504e15 records of 1536B at the start"},
		{"200T/s", "0", "f.yaml:4:44: sources.src.record-size: up to 6e15 records of 1536B are 9.216e18 bytes in 30s"},
	} {
		got := loadErrors(t, strings.NewReplacer("RATE", c.rate, "BACKLOG", c.backlog).Replace(doc), nil)
		if strings.Count(got, "\n") != 0 || !strings.HasPrefix(got, c.want) {
			t.Errorf("rate %s, backlog %s: got\n%s\nwant one problem starting %q", c.rate, c.backlog, got, c.want)
		}
	}
}

// TestSizeUnitsRefusedSayWhy: a size unit refused outside flink: is told
// with the units taken, and, where Flink's MemorySize reads it (any case of
// k, kb, m, mb, g, gb, t, tb), as what: a rate of bytes tells it with the
// rate as written.
func TestSizeUnitsRefusedSayWhy(t *testing.T) {
	for _, c := range []struct{ in, want, not string }{
		{"1gb", `"1gb": "gb" is not a size unit here; write B (bytes), kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024); gb reads two ways: in the flink: block Flink's MemorySize takes it (and GB) as 1024³ bytes`, ""},
		{"32k", `"k" is not a size unit here; write B (bytes), kB`, ""},
		{"32k", "k reads two ways: in the flink: block Flink's MemorySize takes it (and KB) as 1024 bytes", ""},
		{"2Gi", `"Gi" is not a size unit here`, "two ways"},
		// with a sign, as without: the unit or the comma is told
		{"-1gb", `"-1gb": "gb" is not a size unit here`, ""},
		{"-1,5GB", `"-1,5GB": a size has no comma`, ""},
		{"1b", `"b" is not a size unit here; write B (bytes), kB`, "two ways"},
		{"-1.5B", `"-1.5B" is not a whole number of bytes`, ""},
	} {
		_, err := ParseBytes(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) || c.not != "" && strings.Contains(err.Error(), c.not) {
			t.Errorf("ParseBytes(%q): %v, want %q", c.in, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"50mb/s", `"50mb/s": "mb" is not a size unit here; write B (bytes), kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024); mb reads two ways: in the flink: block Flink's MemorySize takes it (and MB) as 1024² bytes`},
		{"5xB/min", `"5xB/min": "xB" is not a size unit here`},
	} {
		if _, err := ParseRate(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseRate(%q): %v, want %q", c.in, err, c.want)
		}
	}
}
