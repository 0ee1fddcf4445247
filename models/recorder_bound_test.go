package models

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// A run longer than maxSamples sample intervals keeps at most maxSamples
// samples: pairs merge and the interval doubles. The merged series still
// add up: a rate (mean of equal intervals) times each sample's interval
// sums to the records counted, and a cumulative count keeps its last value.
func TestLongRunKeepsBoundedSamples(t *testing.T) {
	singleGoroutine(t)
	spec := mm1Spec(800, 1000, 0, true, 3)
	spec.Sim.ChunkRecords = 64
	spec.Sim.ChunkDelay = 5 * sim.Millisecond
	spec.Sim.SampleInterval = 50 * sim.Millisecond
	spec.Duration = sim.Time(maxSamples+maxSamples/2) * spec.Sim.SampleInterval // one merge
	res := runSpec(t, spec)
	if n := len(res.Times); n > maxSamples || n < maxSamples/2 {
		t.Fatalf("%d samples, want at most %d and at least half that", n, maxSamples)
	}
	step := 2 * spec.Sim.SampleInterval.Seconds()
	for i, at := range res.Times {
		if want := float64(i+1) * step; math.Abs(at-want) > 1e-9 {
			t.Fatalf("sample %d at %gs, want %gs (every %gs after the merge)", i, at, want, step)
		}
	}
	var in, written []float64
	for _, s := range res.Series {
		switch {
		case s.Operator == "out" && s.Subtask == -1 && s.Metric == result.MetricRecordsIn:
			in = s.Values
		case s.Operator == "out" && s.Metric == result.MetricSinkWritten:
			written = s.Values
		}
	}
	if len(in) != len(res.Times) || len(written) != len(res.Times) {
		t.Fatalf("series of %d and %d values for %d samples", len(in), len(written), len(res.Times))
	}
	// The last sample is at the end of the run, so nothing is left out;
	// the rates are exact ratios of counts, so only rounding remains.
	want := checkRatesAddUp(t, res, in)
	if got := written[len(written)-1]; got != float64(want) {
		t.Errorf("numRecordsWritten ends at %g, the sink took %d", got, want)
	}
}

// A run that ends between sample times takes a last, shorter sample; when
// that one fills the series, its merge with the full interval before it
// weighs each by its length, so the rates still add up.
func TestMergedShortLastSampleAddsUp(t *testing.T) {
	singleGoroutine(t)
	spec := mm1Spec(800, 1000, 0, true, 3)
	spec.Sim.ChunkRecords = 64
	spec.Sim.ChunkDelay = 5 * sim.Millisecond
	spec.Sim.SampleInterval = 50 * sim.Millisecond
	spec.Duration = sim.Time(maxSamples-1)*spec.Sim.SampleInterval + spec.Sim.SampleInterval/10
	res := runSpec(t, spec)
	if n := len(res.Times); n != maxSamples/2 {
		t.Fatalf("%d samples, want %d (the last one filled the series)", n, maxSamples/2)
	}
	var in []float64
	for _, s := range res.Series {
		if s.Operator == "out" && s.Subtask == -1 && s.Metric == result.MetricRecordsIn {
			in = s.Values
		}
	}
	checkRatesAddUp(t, res, in)
}

// checkRatesAddUp: the sink's numRecordsInPerSecond times each sample's
// interval sums to the records the sink took (returned).
func checkRatesAddUp(t *testing.T, res *result.Result, in []float64) int64 {
	t.Helper()
	sum, prev := 0.0, 0.0
	for i, v := range in {
		sum += v * (res.Times[i] - prev)
		prev = res.Times[i]
	}
	var want int64
	for _, o := range res.Summary.Operators {
		if o.Name == "out" {
			want = o.RecordsIn
		}
	}
	if math.Abs(sum-float64(want)) > 1e-6*float64(want) {
		t.Errorf("records in from the merged rates %.1f, counted %d", sum, want)
	}
	return want
}

// Checkpoints older than the latest maxDetailed lose their per-subtask
// details (checkpoint-details.json leaves them out) and keep their totals.
func TestOldCheckpointsForgetSubtaskDetails(t *testing.T) {
	c := &coordinator{}
	for id := int64(1); id <= maxDetailed+5; id++ {
		c.history = append(c.history, &result.CheckpointStats{ID: id, Tasks: []result.TaskCheckpointStats{
			{Name: "t", NumSubtasks: 1, StateSize: 7, Subtasks: []result.SubtaskCheckpointStats{{Index: 0}}}}})
		c.forgetDetails()
	}
	for i, h := range c.history {
		if want := i >= 5; h.Detailed() != want {
			t.Errorf("checkpoint %d detailed %v, want %v", h.ID, h.Detailed(), want)
		}
		if h.Tasks[0].StateSize != 7 {
			t.Errorf("checkpoint %d lost its task's totals", h.ID)
		}
	}
}
