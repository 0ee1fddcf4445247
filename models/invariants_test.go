package models

import (
	"errors"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestSyncPhaseIsNotInProcess: a subtask in its checkpoint sync phase is
// busy but holds no records in process (its last step is counted already),
// whether the run ends, the checkpoint expires or the job fails over during
// the sync phase. Each case ran into "records fed != processed or in
// process" before.
func TestSyncPhaseIsNotInProcess(t *testing.T) {
	cases := []struct {
		name                 string
		interval, timeout    sim.Time
		syncPhase, duration  sim.Time
		tolerable            int
		wantExpired, wantRes bool
	}{
		{name: "run ends in a sync phase", interval: 10 * sim.Second, timeout: 10 * sim.Minute, syncPhase: sim.Hour, duration: sim.Minute},
		{name: "checkpoint expires in a sync phase", interval: 2 * sim.Second, timeout: 5 * sim.Second, syncPhase: 6 * sim.Second,
			duration: sim.Minute, tolerable: 1000, wantExpired: true},
		{name: "failover in a sync phase", interval: 2 * sim.Second, timeout: 5 * sim.Second, syncPhase: 6 * sim.Second,
			duration: sim.Minute, wantExpired: true, wantRes: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := ckptJob(c.interval, 1)
			spec.Duration = c.duration
			spec.Checkpointing.Timeout, spec.Checkpointing.SyncPhase = c.timeout, c.syncPhase
			spec.Checkpointing.Tolerable = c.tolerable
			s, res := runWith(t, spec)
			syncing := false
			for _, st := range s.subtasks {
				syncing = syncing || st.syncing != 0
			}
			if c.name == cases[0].name && !syncing {
				t.Fatalf("no subtask is in its sync phase at the end")
			}
			if got := res.Summary.Checkpoints.Expired > 0; got != c.wantExpired {
				t.Errorf("expired %d, want some: %v", res.Summary.Checkpoints.Expired, c.wantExpired)
			}
			if got := len(res.Restores) > 0; got != c.wantRes {
				t.Errorf("restores %d, want some: %v", len(res.Restores), c.wantRes)
			}
		})
	}
}

// TestViolationReturnsTheResults: a run that breaks an invariant returns an
// error wrapping ErrInvariant together with its results, the violation in
// the summary.
func TestViolationReturnsTheResults(t *testing.T) {
	spec := ckptJob(10*sim.Second, 1)
	spec.Duration = 30 * sim.Second
	want, err := mustNew(t, spec).Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer BreakInvariantsForTest()()
	res, err := mustNew(t, spec).Run(nil)
	if !errors.Is(err, ErrInvariant) {
		t.Fatalf("error %v, want one wrapping ErrInvariant", err)
	}
	if res == nil {
		t.Fatal("no results")
	}
	if v := res.Summary.InvariantViolation; v != err.Error() || !strings.Contains(v, "broken on purpose") {
		t.Errorf("invariant_violation %q, want the error %q", v, err)
	}
	res.Summary.InvariantViolation = ""
	if res.Summary.Records != want.Summary.Records || len(res.Times) != len(want.Times) {
		t.Errorf("records %+v over %d samples, want the run's %+v over %d", res.Summary.Records, len(res.Times), want.Summary.Records, len(want.Times))
	}
}

func mustNew(t *testing.T, spec Spec) *Simulation {
	t.Helper()
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRecordCountsTerms: each term of summary.json's records is what the
// operators' own counts say: filtered and multiplied are an operator's
// input minus its output and the reverse, fanned_out one copy of the output
// per extra reader; and they balance.
func TestRecordCountsTerms(t *testing.T) {
	job := func(sel float64, fanOut, chained bool) Spec {
		spec := ckptJob(10*sim.Second, 1)
		spec.Duration, spec.Checkpointing = 20*sim.Second, nil
		m := Node{Name: "map", Kind: KindOperator, Parallelism: 1, Chain: true, RecordSize: 100, Selectivity: sel,
			Inputs: []Input{{From: "src", Exchange: Forward}}}
		spec.Nodes = []Node{spec.Nodes[0], m, spec.Nodes[1], spec.Nodes[2]}
		spec.Nodes[2].Inputs = []Input{{From: "map", Exchange: Hash}}
		if fanOut {
			spec.Nodes = append(spec.Nodes, Node{Name: "audit", Kind: KindSink, Parallelism: 1, Chain: chained, RecordSize: 100,
				Sink: &Sink{}, Inputs: []Input{{From: "map", Exchange: Forward}}})
		}
		return spec
	}
	cases := []struct {
		name            string
		spec            Spec
		filt, mult, fan func(m result.OperatorSummary) int64
	}{
		{"filter", job(0.3, false, false), func(m result.OperatorSummary) int64 { return m.RecordsIn - m.RecordsOut }, zero, zero},
		{"multiply", job(2.5, false, false), zero, func(m result.OperatorSummary) int64 { return m.RecordsOut - m.RecordsIn }, zero},
		{"fan-out over the network", job(1, true, false), zero, zero, func(m result.OperatorSummary) int64 { return m.RecordsOut }},
		{"fan-out in the chain", job(0.7, true, true), func(m result.OperatorSummary) int64 { return m.RecordsIn - m.RecordsOut }, zero,
			func(m result.OperatorSummary) int64 { return m.RecordsOut }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := runSpec(t, c.spec)
			var m result.OperatorSummary
			for _, o := range res.Summary.Operators {
				if o.Name == "map" {
					m = o
				}
			}
			rc := res.Summary.Records
			if rc.Filtered != c.filt(m) || rc.Multiplied != c.mult(m) || rc.FannedOut != c.fan(m) {
				t.Errorf("filtered %d, multiplied %d, fanned out %d; want %d, %d, %d (map read %d, emitted %d)",
					rc.Filtered, rc.Multiplied, rc.FannedOut, c.filt(m), c.mult(m), c.fan(m), m.RecordsIn, m.RecordsOut)
			}
			if m.RecordsIn == 0 || !rc.Balanced() {
				t.Errorf("map read %d; records %+v", m.RecordsIn, rc)
			}
		})
	}
}

func zero(result.OperatorSummary) int64 { return 0 }

// TestSaltingFewKeys: salting a population of one (hot) key over two
// buckets leaves subtasks less than one key of a tier; the partial stage's
// aggregates were NaN there, and the run panicked (found by the property
// test).
func TestSaltingFewKeys(t *testing.T) {
	pop := &Population{N: 1, Type: KeyString, Prefix: "k", Hot: []HotKey{{Key: "hot", Share: 0.9}}}
	spec := Spec{Name: "salted", Duration: sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1,
		Sim: Settings{SampleInterval: 100 * sim.Millisecond}}
	spec.Nodes = []Node{
		{Name: "src", Kind: KindSource, Parallelism: 3, Chain: true, RecordSize: 10, Kafka: &Kafka{Topic: "t", Partitions: 1, Rate: ConstantRate(50)}},
		{Name: "partial", Kind: KindOperator, Parallelism: 3, MaxParallelism: 128, Chain: true, RecordSize: 10, Selectivity: 1,
			Inputs: []Input{{From: "src", Exchange: Hash}}, Keyed: &Keyed{Keys: SaltedKeys{Base: pop, Buckets: 2}},
			MiniBatch: &MiniBatch{Interval: sim.Millisecond}},
		{Name: "final", Kind: KindOperator, Parallelism: 1, MaxParallelism: 128, Chain: true, RecordSize: 10, Selectivity: 1,
			Inputs: []Input{{From: "partial", Exchange: Hash}}, Keyed: &Keyed{Keys: pop}},
		{Name: "out", Kind: KindSink, Parallelism: 1, Chain: true, RecordSize: 10, Sink: &Sink{}, Inputs: []Input{{From: "final"}}},
	}
	res := runSpec(t, spec)
	if rc := res.Summary.Records; rc.Sink == 0 || rc.Merged < 0 {
		t.Errorf("records %+v: want some written, none merged below zero", rc)
	}
}
