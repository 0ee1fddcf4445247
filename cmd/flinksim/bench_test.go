package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flinksim/flinksim/sim"

	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/scenarios/sweep"
)

// BenchmarkDeathSpiralAllVariants is the checkpoint issue's target: the
// built-in checkpoint-death-spiral, two virtual hours, the base and all its
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
		if len(runs) != 1+len(base.Variants) {
			b.Fatalf("%d runs, want the base and its %d variants", len(runs), len(base.Variants))
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

// mm1Scenario is an M/M/1 queue as a flinksim job: Poisson arrivals at
// 800/s into one partition, one chained subtask with an exponential cost
// of 1 ms (mu = 1000/s), record by record (chunk-records: 1), for 8M
// customers: long enough that writing the outputs (about 0.25 s) is a
// small part.
const mm1Scenario = `name: mm1
duration: 10000s
flink:
  parallelism.default: 1
sources:
  - {name: arrivals, kind: kafka, partitions: 1, rate: 800/s, record-size: 100B}
operators:
  - {name: server, cost: {exponential: 1ms}}
sinks:
  - {name: out}
simulation: {chunk-records: 1}
`

// mm1Kernel is the purpose-built kernel for the same queue on the same
// engine: arrivals and departures only.
type mm1Kernel struct {
	r             *rand.Rand
	queue, served int
}

func (m *mm1Kernel) Handle(e *sim.Engine, ev sim.Event) {
	if ev.Kind == 0 { // an arrival
		e.After(sim.FromSeconds(m.r.ExpFloat64()/800), 0, 0, 0)
		m.queue++
		if m.queue == 1 {
			e.After(sim.FromSeconds(m.r.ExpFloat64()/1000), 1, 0, 0)
		}
		return
	}
	m.queue--
	m.served++
	if m.queue > 0 {
		e.After(sim.FromSeconds(m.r.ExpFloat64()/1000), 1, 0, 0)
	}
}

// BenchmarkMM1CLI runs the M/M/1 job through the CLI ("flinksim run",
// outputs written) and the same queue on the bare kernel, and reports
// the CLI's speed as a fraction of the kernel's (kernel-s / cli-s; the
// target is at least 0.5).
func BenchmarkMM1CLI(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "mm1.yaml")
	if err := os.WriteFile(file, []byte(mm1Scenario), 0o644); err != nil {
		b.Fatal(err)
	}
	var cli, kernel time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		var out bytes.Buffer
		if code := execute([]string{"run", file, "--out", filepath.Join(dir, fmt.Sprint("out", i))}, &out, &out); code != 0 {
			b.Fatalf("exit %d: %s", code, out.String())
		}
		cli += time.Since(start)
		start = time.Now()
		m := &mm1Kernel{r: sim.NewStreams(1).Stream("mm1")}
		e := sim.NewEngine()
		e.At(0, 0, 0, 0)
		e.Run(10000*sim.Second, m)
		kernel += time.Since(start)
	}
	b.ReportMetric(cli.Seconds()/float64(b.N), "cli-s/run")
	b.ReportMetric(kernel.Seconds()/float64(b.N), "kernel-s/run")
	b.ReportMetric(kernel.Seconds()/cli.Seconds(), "kernel/cli")
}
