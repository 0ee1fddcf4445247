package scenarios

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestSummaryRecordsBalance: on every built-in scenario and variant, as
// written and with a TaskManager lost a third into the run and operators that
// filter and multiply, summary.json alone accounts for every record:
//
//	produced + replayed + restored + multiplied + fanned_out
//	    = source_lag + sink + in_flight + dropped + filtered + merged
//
// Each term other than fanned_out (no built-in job fans out; the models tests
// cover it) is non-zero in some run, so none can be left out.
func TestSummaryRecordsBalance(t *testing.T) {
	// Long enough for a checkpoint to complete before the loss, a third in.
	// restart-storm has its own failures (a loss at 5 min, an outage from 15).
	durations := map[string]string{"checkpoint-death-spiral": "3min", "key-skew": "45s", "backpressure-checkpoints": "6min", "restart-storm": "17min"}
	// Under the race detector (ten times slower) only these run; they cover
	// every term.
	raceRuns := map[string]bool{"backpressure/base/stressed": true, "backpressure-checkpoints/unaligned/stressed": true,
		"key-skew/pre-aggregation": true, "late-data/bound-1m-lateness-0": true}
	sets := map[string][]string{ // operators that filter or multiply
		"backpressure":             {"operators.parse.selectivity=0.5", "operators.enrich.selectivity=2.5"},
		"backpressure-scaled-sink": {"operators.parse.selectivity=3"},
		"key-skew":                 {"operators.parse.selectivity=0.7"},
	}
	seen := map[string]bool{}
	for _, b := range Library() {
		base, err := Load(b.Name, b.Data, nil)
		if err != nil {
			t.Fatal(err)
		}
		variants := runNames(base)
		dur := durations[b.Name]
		if dur == "" {
			dur = "90s"
		}
		d, err := ParseDuration(dur, 0)
		if err != nil {
			t.Fatal(err)
		}
		loss := fmt.Sprintf("\nfailures:\n  - taskmanager-loss: {at: %dms, taskmanager: 0}\n", int64(d/3/sim.Millisecond))
		lost := append(append([]byte(nil), b.Data...), loss...)
		if len(base.Spec.Failures) > 0 {
			lost = b.Data // its own failures stress it
		}
		for _, v := range variants {
			for _, stressed := range []bool{false, true} {
				name := b.Name + "/" + v
				data, s := b.Data, []string{"duration=" + dur}
				if stressed {
					name += "/stressed"
					data, s = lost, append(s, sets[b.Name]...)
				}
				if raceDetector && !raceRuns[name] {
					continue
				}
				t.Run(name, func(t *testing.T) {
					l, err := LoadVariant(b.Name, data, s, v)
					if err != nil {
						t.Fatal(err)
					}
					res := runLoaded(t, l)
					windowSharesBalance(t, res.Summary.Windows)
					rec := summaryRecords(t, res)
					in := rec["produced"] + rec["replayed"] + rec["restored"] + rec["multiplied"] + rec["fanned_out"]
					out := rec["source_lag"] + rec["sink"] + rec["in_flight"] + rec["dropped"] + rec["filtered"] + rec["merged"] + rec["late"]
					if in != out {
						t.Errorf("records in %d != out %d: %v", in, out, rec)
					}
					for k, n := range rec {
						if n > 0 {
							seen[k] = true
						}
					}
				})
			}
		}
	}
	for _, k := range []string{"produced", "replayed", "restored", "multiplied", "source_lag", "sink", "in_flight", "dropped", "filtered", "merged", "late"} {
		if !seen[k] {
			t.Errorf("no run has %s above zero: the test does not cover it", k)
		}
	}
}

// windowSharesBalance: a tumbling or sliding window operator's record
// shares account for every record it read, replays included: fired (a
// window's firings counted once, its firing again after a restore reopened
// it not), pending in windows still open, rolled back by a failover (of
// record-window pairs for sliding windows), late to the side output or
// dropped, and between two sliding windows add up to 1 (a record is in its
// windows, late, or between), and none is negative or above 1.
func windowSharesBalance(t *testing.T, ws []result.WindowSummary) {
	t.Helper()
	for _, w := range ws {
		if strings.HasPrefix(w.Assigner, "session") || w.RecordsIn == 0 {
			continue
		}
		for _, s := range []float64{w.FirstFired, w.AnyFired, w.Pending, w.RolledBack, w.FiredAgain} {
			if s < 0 || s > 1 {
				t.Errorf("%s: a share outside [0, 1]: %+v", w.Operator, w)
			}
		}
		sum := w.AnyFired + w.Pending + w.RolledBack + w.SkippedWindows + w.SideOutput + w.Dropped + w.BetweenWindows
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: shares add up to %v, not 1: %+v", w.Operator, sum, w)
		}
	}
}

// summaryRecords is summary.json's "records", as a script reads it.
func summaryRecords(t *testing.T, res *result.Result) map[string]int64 {
	t.Helper()
	b, err := json.Marshal(res.Summary)
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Records map[string]json.Number `json:"records"`
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&sum); err != nil {
		t.Fatal(err)
	}
	rec := map[string]int64{}
	for k, v := range sum.Records {
		n, err := v.Int64()
		if err != nil {
			t.Fatal(fmt.Errorf("records.%s: %w", k, err))
		}
		rec[k] = n
	}
	return rec
}
