package scenarios

import (
	"runtime"
	"testing"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// BenchmarkBackpressureHour runs the built-in backpressure scenario for one
// virtual hour and reports wall seconds per run, simulated events per second
// and the peak heap in use (sampled as the run progresses).
func BenchmarkBackpressureHour(b *testing.B) { benchScenario(b, "backpressure", "1h") }

// BenchmarkScaledSinkHour is the same job when it keeps up: more, smaller
// steps, since sources read as records arrive.
func BenchmarkScaledSinkHour(b *testing.B) { benchScenario(b, "backpressure-scaled-sink", "1h") }

func benchScenario(b *testing.B, name, duration string) {
	bi, err := LookupBuiltIn(name)
	if err != nil {
		b.Fatal(err)
	}
	l, err := Load(bi.Name, bi.Data, []string{"duration=" + duration})
	if err != nil {
		b.Fatal(err)
	}
	var events uint64
	var peak uint64
	var ms runtime.MemStats
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := models.New(l.Spec)
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.Run(func(sim.Time) {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		})
		if err != nil {
			b.Fatal(err)
		}
		events += res.Summary.Engine.Events
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(sec/float64(b.N), "wall-s/run")
	b.ReportMetric(float64(events)/sec, "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
