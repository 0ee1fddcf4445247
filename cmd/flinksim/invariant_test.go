package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/models"
)

// TestInvariantViolationWritesOutputs: a run that breaks a simulator
// invariant (a bug) still writes its outputs, with the violation in
// summary.json, and exits 1 with the message; with variants, each run in its
// own directory.
func TestInvariantViolationWritesOutputs(t *testing.T) {
	defer models.BreakInvariantsForTest()()
	cases := []struct {
		name string
		args []string
		dirs []string // where summary.json must be, under --out
	}{
		{"one run", []string{"backpressure", "--duration", "30s"}, []string{"."}},
		{"variants", []string{"testdata/ckpt-variants.yaml", "--duration", "30s", "-j", "1"}, []string{"base", "incremental", "unaligned"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			code, _, errs := cli(t, append(append([]string{"run"}, c.args...), "--no-plots", "--out", dir)...)
			if code != exitFailure || !strings.Contains(errs, "simulator invariant violated") {
				t.Fatalf("code %d, stderr %q; want 1 and the violation", code, errs)
			}
			for _, d := range c.dirs {
				b, err := os.ReadFile(filepath.Join(dir, d, "summary.json"))
				if err != nil {
					t.Fatalf("no outputs: %v", err)
				}
				var sum struct {
					Violation string `json:"invariant_violation"`
					Records   struct {
						Produced int64 `json:"produced"`
					} `json:"records"`
				}
				if err := json.Unmarshal(b, &sum); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(sum.Violation, "broken on purpose") || sum.Records.Produced == 0 {
					t.Errorf("%s: invariant_violation %q, %d records produced; want the violation and the run's counts", d, sum.Violation, sum.Records.Produced)
				}
			}
		})
	}
}
