package main

import (
	"math"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

// TestKeySkewLesson checks the built-in key-skew, from the run
// TestGoldenBuiltIns made (builtInRun): the case: two bots of 4% each on 50
// subtasks that handle 16.7k events/s each (60 µs) bound the whole job.
// What the job sustains is the hot subtask's capacity over its share:
// 1/60µs ÷ (4% + its key groups' part of the other 92%); the simulated
// throughput must match it. Salting, pre-aggregation and the hot-key
// partitioner relieve the hot subtasks; more parallelism cannot, since the
// hottest key alone allows 16.7k/s ÷ 4% = 417k/s < 500k/s at any parallelism.
func TestKeySkewLesson(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	run := func(variant string) *result.Result { return builtInResult(t, "key-skew", variant) }
	res := run(scenarios.BaseName)
	s := res.Summary
	sk := s.Skew[0]
	capacity := 1 / 60e-6
	if len(sk.TopKeys) < 2 || sk.TopKeys[0].Key != "bot-1" || sk.TopKeys[1].Key != "bot-2" {
		t.Fatalf("top keys %+v, want bot-1 and bot-2 first", sk.TopKeys)
	}
	hot := map[int]bool{sk.TopKeys[0].Subtask: true, sk.TopKeys[1].Subtask: true}
	if len(hot) != 2 {
		t.Fatalf("the bots share a subtask: %+v", sk.TopKeys[:2])
	}
	for _, h := range sk.HotSubtasks {
		if !hot[h.Subtask] {
			t.Errorf("hot subtask %d is not a bot's", h.Subtask)
		}
	}
	if !hot[sk.HotSubtasks[0].Subtask] || sk.Ratio < 2 {
		t.Errorf("busiest subtask %d at %.2f× the mean; want a bot's subtask at over 2×", sk.HotSubtasks[0].Subtask, sk.Ratio)
	}
	// Once both bots are there, the job runs at what the hotter subtask allows.
	out := seriesOf(t, res, "store", -1, result.MetricRecordsIn)
	var tail []float64
	for i, ts := range res.Times {
		if ts > res.Times[len(res.Times)-1]*0.75 {
			tail = append(tail, out[i])
		}
	}
	mean := 0.0
	for _, v := range tail {
		mean += v / float64(len(tail))
	}
	if !within(mean, s.SustainableInputRPS, 0.03) {
		t.Errorf("the job writes %.0f/s at the end; the hot subtask's capacity over its share gives %.0f/s", mean, s.SustainableInputRPS)
	}
	// 90% of the hot key's bound from p1 + (1 − p1)/P = p1/0.9: P = 9 × 0.96/0.04 = 216
	if !within(sk.HottestKeyBoundRPS, capacity/0.04, 1e-3) || sk.ParallelismLimit != 216 {
		t.Errorf("hottest key bound %.0f/s, parallelism limit %d; want %.0f/s and 216", sk.HottestKeyBoundRPS, sk.ParallelismLimit, capacity/0.04)
	}
	if s.Records.SourceLag < int64(100e3*res.Times[len(res.Times)-1]) {
		t.Errorf("lag %d: the base run should fall behind by about 200k/s", s.Records.SourceLag)
	}
	for _, v := range []struct {
		name   string
		stable bool
	}{{"salting", true}, {"pre-aggregation", true}, {"salt-bots", true}, {"more-parallelism", false}} {
		t.Run(v.name, func(t *testing.T) {
			growth := run(v.name).LagGrowth()
			if stable := growth < 0.01*500e3; stable != v.stable {
				t.Errorf("lag grows %.0f/s; want stable %v", growth, v.stable)
			}
		})
	}
}

// seriesOf is the values of operator op's metric, of subtask sub (-1: the
// operator's total).
func seriesOf(t *testing.T, res *result.Result, op string, sub int, metric string) []float64 {
	t.Helper()
	if v, ok := res.Values(op, sub, metric); ok {
		return v
	}
	t.Fatalf("no series %s[%d] %s", op, sub, metric)
	return nil
}

func within(got, want, rel float64) bool { return math.Abs(got-want) <= rel*want }

// TestIsBackPressuredTaskRow: isBackPressured is a Boolean gauge; a
// task's own row (metrics.csv's empty subtask) is 1 when any of its
// subtasks' is, as the web UI grades a vertex by its most backpressured
// subtask (JobVertexBackPressureHandler), never a fraction. Read from the
// golden runs of key-skew, where only some subtasks are backpressured at
// times, so a mean would differ.
func TestIsBackPressuredTaskRow(t *testing.T) {
	res, series := keySkewSeries(t, result.MetricIsBackPressured)
	mixed := 0
	for _, s := range series {
		if s.Subtask != -1 {
			continue
		}
		for i, v := range s.Values {
			want, ones, n := 0.0, 0, 0
			for ; ; n++ {
				vs, ok := res.Values(s.Operator, n, s.Metric)
				if !ok {
					break
				}
				want = max(want, vs[i])
				if vs[i] == 1 {
					ones++
				}
			}
			if ones > 0 && ones < n {
				mixed++
			}
			if v != want {
				t.Fatalf("%s at sample %d: isBackPressured %g, want %g (the largest of its subtasks')", s.Operator, i, v, want)
			}
		}
	}
	if mixed == 0 {
		t.Fatal("no sample with some subtasks backpressured and others not: the test cannot tell a mean from the largest")
	}
}

// TestStateSizeWholeBytes: flinksim.stateSizeBytes is a size, written in
// whole bytes as every size is, though the distinct keys it counts are an
// expectation.
func TestStateSizeWholeBytes(t *testing.T) {
	_, series := keySkewSeries(t, result.MetricStateSize)
	n := 0
	for _, s := range series {
		for i, v := range s.Values {
			if v != math.Trunc(v) {
				t.Fatalf("%s[%d] at sample %d: %s %v is not whole bytes", s.Operator, s.Subtask, i, s.Metric, v)
			}
			if v > 0 {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no state held: nothing checked")
	}
}

// keySkewSeries is the golden run of key-skew's base (builtInRun) and its
// series of metric, every subtask's and the whole task's.
func keySkewSeries(t *testing.T, metric string) (*result.Result, []result.Series) {
	t.Helper()
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	res := builtInResult(t, "key-skew", scenarios.BaseName)
	var out []result.Series
	for _, s := range res.Series {
		if s.Metric == metric {
			out = append(out, s)
		}
	}
	return res, out
}
