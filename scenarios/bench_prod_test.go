package scenarios

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// Production-sized jobs (issue 15): each reports CPU seconds per virtual
// hour (the process's user and system time, so the garbage collector on
// the other core counts) and the peak heap in use.

// wideKeyBy is a job with a keyBy at parallelism p reading 100k records/s:
// a Kafka source of p partitions, a keyed aggregate with its sink chained,
// four slots per TaskManager (most channels are remote).
func wideKeyBy(p int) string {
	return fmt.Sprintf(`name: wide-keyby-%d
duration: 10m
flink:
  parallelism.default: %d
  taskmanager.numberOfTaskSlots: 4
sources:
  - {name: events, kind: kafka, partitions: %d, rate: 100k/s, record-size: 200B}
operators:
  - {name: aggregate, key-by: user_id, keys: 10M, cost: 20us, state-per-key: 100B}
sinks:
  - {name: out}
`, p, p, p)
}

// narrow is a job of four chained subtasks reading rate records/s, whose
// sink keeps up.
func narrow(rate string) string {
	return fmt.Sprintf(`name: narrow-%s
duration: 10m
flink:
  parallelism.default: 4
sources:
  - {name: events, kind: kafka, partitions: 4, rate: %s, record-size: 100B}
operators:
  - {name: parse, cost: 10ns}
sinks:
  - {name: out}
`, rate, rate)
}

func BenchmarkWideKeyBy16(b *testing.B)  { benchYAML(b, wideKeyBy(16), nil, nil) }
func BenchmarkWideKeyBy64(b *testing.B)  { benchYAML(b, wideKeyBy(64), nil, nil) }
func BenchmarkWideKeyBy256(b *testing.B) { benchYAML(b, wideKeyBy(256), nil, nil) }
func BenchmarkRate1M(b *testing.B)       { benchYAML(b, narrow("1M/s"), nil, nil) }
func BenchmarkRate10M(b *testing.B)      { benchYAML(b, narrow("10M/s"), nil, nil) }

// BenchmarkDeathSpiralP50Day is the built-in checkpoint-death-spiral at
// parallelism 50 for 24 virtual hours. Besides the speed it reports the
// heap in use after 4 and after 16 virtual hours, and fails when the later
// exceeds the earlier by more than 10 %: memory must be flat in virtual time.
func BenchmarkDeathSpiralP50Day(b *testing.B) {
	bi, err := LookupBuiltIn("checkpoint-death-spiral")
	if err != nil {
		b.Fatal(err)
	}
	var at4, at16 uint64
	var ms runtime.MemStats
	probe := func(now sim.Time) {
		if at4 == 0 && now >= 4*sim.Hour {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			at4 = ms.HeapInuse
		}
		if at16 == 0 && now >= 16*sim.Hour {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			at16 = ms.HeapInuse
		}
	}
	benchYAML(b, string(bi.Data), []string{"duration=24h", "flink.parallelism.default=50"}, probe)
	b.ReportMetric(float64(at4)/(1<<20), "heap-4h-MB")
	b.ReportMetric(float64(at16)/(1<<20), "heap-16h-MB")
	if at4 > 0 && float64(at16) > 1.1*float64(at4) {
		b.Errorf("heap grew from %d MB at 4 h to %d MB at 16 h (more than 10%%)", at4>>20, at16>>20)
	}
}

// benchYAML loads a scenario and runs it b.N times, reporting CPU seconds
// per virtual hour, events per CPU second and the peak heap in use.
func benchYAML(b *testing.B, data string, sets []string, probe func(sim.Time)) {
	l, err := Load("bench.yaml", []byte(data), sets)
	if err != nil {
		b.Fatal(err)
	}
	var events uint64
	var peak uint64
	var ms runtime.MemStats
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := models.New(l.Spec)
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.Run(func(now sim.Time) {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			if probe != nil {
				probe(now)
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		events += res.Summary.Engine.Events
	}
	cpu := (cpuTime() - cpu0).Seconds()
	hours := float64(b.N) * l.Spec.Duration.Seconds() / 3600
	b.ReportMetric(cpu/hours, "cpu-s/vhour")
	b.ReportMetric(float64(events)/cpu, "events/cpu-s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// cpuTime is the process's user plus system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
