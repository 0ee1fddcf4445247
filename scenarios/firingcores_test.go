package scenarios

import (
	"math"
	"testing"
)

// TestFiringThreadsShareTheCores: task threads that fire their windows at
// once share their TaskManager's cores as processor sharing does. Four
// window subtasks on one TaskManager of two cores fire each window at the
// same watermark, about 10k keys × 1.2 ms = 12 s of CPU each; together they
// need four cores, so each runs at half speed and a firing of F seconds of
// CPU takes 2F of its thread (alone on a core it would take F). The
// threads' demands are measured every second (resources.go) and a firing
// in flight is re-timed then (retime.go): a firing's start runs at the
// speed its thread had before until a sample has seen the thread busy for
// a whole second, at most 2 s, so it takes 2F − 2 s at least. A subtask's
// busy time is its records' CPU (1 us each, alone on a core between
// firings) and its firings: Σ 2F = 2 × the firings' CPU over the subtasks.
func TestFiringThreadsShareTheCores(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs on one goroutine; make test runs this test without -race")
	}
	const p, rate, keys, fire, duration = 4, 40e3, 40e3, 1.2e-3, 600.0 // fire: fire-cost, s
	l, err := Load("windows.yaml", []byte(windowJob(p, rate, keys, "10m",
		"{tumbling: 1m, function: aggregate, accumulator-size: 64B, fire-cost: 1.2ms}")),
		[]string{"flink.taskmanager.numberOfTaskSlots=4", "flink.taskmanager.cpu.cores=2", "operators.agg.cost=1us"})
	if err != nil {
		t.Fatal(err)
	}
	res := runLoaded(t, l)
	w := res.Summary.Windows[0]
	firings := float64(w.Firings) / p // per subtask
	f := w.FireCPUS / p               // per subtask
	records := rate / p * duration * 1e-6
	var busy float64
	for _, o := range res.Summary.Operators {
		if o.Name == "agg" {
			busy = o.BusyMsPerS / 1000 * duration
		}
	}
	lo, hi := records+2*f-2*firings, records+2*f
	if busy < lo || busy > hi || f < 8*keys/p*fire || math.IsNaN(busy) {
		t.Errorf("a subtask was busy %.1fs over %g firings of %.1fs of CPU in all; processor sharing gives %.1f to %.1fs (alone on a core %.1fs)",
			busy, firings, f, lo, hi, records+f)
	}
}
