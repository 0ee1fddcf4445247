package main

import (
	"io"
	"testing"
	"time"

	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// BenchmarkDeathSpiralAllVariants is the checkpoint issue's target: the
// built-in checkpoint-death-spiral, two virtual hours, the base and all nine
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
		runs, err := planRuns(base, bi.Name, bi.Data, o)
		if err != nil {
			b.Fatal(err)
		}
		if err := runAll(runs, o, io.Discard); err != nil {
			b.Fatal(err)
		}
		if len(runs) != 10 {
			b.Fatalf("%d runs, want the base and 9 variants", len(runs))
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "wall-s/comparison")
}

// BenchmarkSweep100 is the charts issue's target: a 100-point sweep of the
// built-in backpressure scenario, one virtual hour per point (sink capacity
// 20k–65k/s × enrich cost 6–15 µs), with -j 1 and -j 2. Reports wall seconds
// for each and the speed-up (targets: under 60 s with -j 2, speed-up ≥ 1.7).
func BenchmarkSweep100(b *testing.B) {
	bi, err := scenarios.LookupBuiltIn("backpressure")
	if err != nil {
		b.Fatal(err)
	}
	var axes []scenarios.Axis
	for _, g := range []string{"sinks.jdbc.capacity=20k/s..65k/s/10", "operators.enrich.cost=6us..15us/10"} {
		ax, err := scenarios.ParseGrid(g)
		if err != nil {
			b.Fatal(err)
		}
		axes = append(axes, ax)
	}
	plan, err := sweep.NewPlan(axes, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	wall := map[int]float64{}
	for i := 0; i < b.N; i++ {
		for _, jobs := range []int{1, 2} {
			r := &sweep.Runner{File: bi.Name, Data: bi.Data, Sets: []string{"duration=1h"}, Plan: plan, Jobs: jobs}
			start := time.Now()
			if _, err := r.Run(plan.Points); err != nil {
				b.Fatal(err)
			}
			wall[jobs] += time.Since(start).Seconds()
		}
	}
	b.ReportMetric(wall[1]/float64(b.N), "wall-s/sweep-j1")
	b.ReportMetric(wall[2]/float64(b.N), "wall-s/sweep-j2")
	b.ReportMetric(wall[1]/wall[2], "speedup")
}
