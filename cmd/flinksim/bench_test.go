package main

import (
	"io"
	"testing"

	"github.com/flinksim/flinksim/scenarios"
)

// BenchmarkDeathSpiralAllVariants is the checkpoint issue's target: the
// built-in checkpoint-death-spiral, two virtual hours, the base and all seven
// variants, run as "flinksim run" runs them (one engine per core). Reports
// wall seconds for the whole comparison (target: under 10 s on 2 cores).
func BenchmarkDeathSpiralAllVariants(b *testing.B) {
	bi, err := scenarios.LookupBuiltIn("checkpoint-death-spiral")
	if err != nil {
		b.Fatal(err)
	}
	base, err := scenarios.Load(bi.Name, bi.Data, nil)
	if err != nil {
		b.Fatal(err)
	}
	var o runOptions
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runs, err := runAll(base, bi.Name, bi.Data, o, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		if len(runs) != 8 {
			b.Fatalf("%d runs, want the base and 7 variants", len(runs))
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "wall-s/comparison")
}
