package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// youngJob is a job that always has work (it reads a backlog at mu
// records/s) and whose keyed operator pauses delta for the sync phase of
// every checkpoint, while its TaskManager is lost every M seconds.
func youngJob(interval, delta, M sim.Time, failures int) Spec {
	var fails []Failure
	for k := 1; k <= failures; k++ {
		fails = append(fails, Failure{Kind: FailTaskManager, At: sim.Time(k) * M, TaskManager: 0, Detection: DetectHang})
	}
	return Spec{
		Name: "young", Seed: 11, Duration: sim.Time(failures) * M, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 100, ChunkDelay: 10 * sim.Millisecond, SampleInterval: 10 * sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 1, Chain: true, RecordSize: 100,
				Kafka: &Kafka{Topic: "t", Partitions: 1, Rate: ConstantRate(0), InitialBacklog: 1e12}},
			{Name: "agg", Kind: KindOperator, Parallelism: 1, MaxParallelism: 128, Chain: true, RecordSize: 100, Selectivity: 1,
				Cost: sim.Constant{V: 1e-3}, Inputs: []Input{{From: "src", Exchange: Hash}},
				Keyed: &Keyed{Keys: UniformKeys{N: 10}, StatePerKey: 100, Warm: true}},
			{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 100, Sink: &Sink{}, Inputs: []Input{{From: "agg"}}},
		},
		Checkpointing: &Checkpointing{Interval: interval, Timeout: 10 * sim.Minute, MaxConcurrent: 1, SyncPhase: delta,
			Storage: Storage{StreamUpload: 1e12, StreamDownload: 1e12, FileSize: 1 << 40, TransferThreads: 1}},
		Restart:  RestartStrategy{Kind: "fixed-delay", Delay: sim.Second, Attempts: 1 << 30},
		Recovery: Recovery{HeartbeatTimeout: 2 * sim.Second, Redeploy: sim.Second, TaskManagerStart: sim.Second},
		Failures: fails,
	}
}

// TestYoungOptimalInterval sweeps the checkpoint interval τ of a job that
// loses a TaskManager every M seconds and pauses δ per checkpoint. Each
// failure costs the restart time R plus the work since the last checkpoint
// (τ/2 on average, since the checkpoint grid starts at a random delay after
// each restart); each checkpoint costs δ. The fraction of time wasted is
//
//	W(τ) = R/M + (1 − R/M)·δ/τ + τ/(2M),
//
// smallest at Young's τ* = √(2δM) (here 40 s). Goodput (records written
// once) is mu·(1 − W). The simulated waste must match W at every point
// within its sampling error, and the best swept interval must be the one
// closest to τ*.
func TestYoungOptimalInterval(t *testing.T) {
	singleGoroutine(t)
	const mu = 1000.0
	const delta, M, N = 2 * sim.Second, 400 * sim.Second, 50
	R := (2 + 1 + 1) * sim.Second // heartbeat + restart delay + redeploy
	young := math.Sqrt(2 * delta.Seconds() * M.Seconds())
	taus := []float64{10, 20, 30, 40, 55, 80, 120}
	best, bestTau := math.Inf(1), 0.0
	for _, tau := range taus {
		spec := youngJob(sim.FromSeconds(tau), delta, M, N)
		_, res := runWith(t, spec)
		good := float64(res.Summary.Records.Sink - res.Summary.Checkpoints.Duplicated)
		waste := 1 - good/(mu*spec.Duration.Seconds())
		r, m := R.Seconds(), M.Seconds()
		want := r/m + (1-r/m)*delta.Seconds()/tau + tau/(2*m)
		// The lost work per failure is uniform on [0, τ): its mean over N
		// failures has standard deviation τ/√(12N).
		sigma := tau / math.Sqrt(12*N) / m
		t.Logf("τ=%3.0fs: waste %.4f, Young's model %.4f (σ %.4f)", tau, waste, want, sigma)
		if math.Abs(waste-want) > 4*sigma+0.002 {
			t.Errorf("τ=%.0fs: waste %.4f, want %.4f ± %.4f", tau, waste, want, 4*sigma+0.002)
		}
		if waste < best {
			best, bestTau = waste, tau
		}
	}
	if bestTau != 40 {
		t.Errorf("best interval %.0fs, want the swept value nearest Young's optimum √(2δM) = %.1fs", bestTau, young)
	}
}
