package models

import (
	"math"
	"testing"
)

// TestShareIsMaxMinFair: the closed forms of max-min fairness (Bertsekas and
// Gallager, Data Networks, 6.5.2): water filling on one resource, the
// bottleneck of each claim on several, processor sharing of cores.
func TestShareIsMaxMinFair(t *testing.T) {
	inf := math.Inf(1)
	one := func(r int32) []use { return []use{{r, 1}} }
	for _, tc := range []struct {
		name     string
		capacity []float64
		claims   []*claim
		want     []float64
	}{
		{"water filling: 60 over demands 10, 30, unlimited", []float64{60},
			[]*claim{{cap: 10, uses: one(0)}, {cap: 30, uses: one(0)}, {cap: inf, uses: one(0)}}, []float64{10, 25, 25}},
		{"all fit", []float64{100},
			[]*claim{{cap: 10, uses: one(0)}, {cap: 30, uses: one(0)}}, []float64{10, 30}},
		{"each claim held at its bottleneck: A on R1 and R2, B on R1=10, C on R2=2", []float64{10, 2},
			[]*claim{{cap: inf, uses: []use{{0, 1}, {1, 1}}}, {cap: inf, uses: one(0)}, {cap: inf, uses: one(1)}}, []float64{1, 9, 1}},
		{"processor sharing: 6 threads on 4 cores", []float64{4},
			[]*claim{{cap: 1, uses: one(0)}, {cap: 1, uses: one(0)}, {cap: 1, uses: one(0)}, {cap: 1, uses: one(0)}, {cap: 1, uses: one(0)}, {cap: 1, uses: one(0)}},
			[]float64{4.0 / 6, 4.0 / 6, 4.0 / 6, 4.0 / 6, 4.0 / 6, 4.0 / 6}},
		{"processor sharing: light threads keep their demand", []float64{2},
			[]*claim{{cap: 0.3, uses: one(0)}, {cap: 0.3, uses: one(0)}, {cap: 0.3, uses: one(0)}, {cap: 1, uses: one(0)}, {cap: 1, uses: one(0)}},
			[]float64{0.3, 0.3, 0.3, 0.55, 0.55}},
		{"compaction alone: 1 core at 100 MB/s, 2 disk bytes per byte on a 150 MB/s disk", []float64{1, 150e6},
			[]*claim{{cap: inf, uses: []use{{0, 1 / 100e6}, {1, 2}}}}, []float64{75e6}},
		{"per thread: a task thread and two compaction threads on 2 cores", []float64{2},
			[]*claim{{cap: 1, uses: one(0)}, {cap: 2, threads: 2, uses: one(0)}}, []float64{2.0 / 3, 4.0 / 3}},
		{"an unlimited resource bounds nothing", []float64{inf},
			[]*claim{{cap: 5, uses: one(0)}}, []float64{5}},
		{"no capacity moves nothing", []float64{0},
			[]*claim{{cap: 5, uses: one(0)}}, []float64{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sh sharer
			sh.share(tc.capacity, tc.claims)
			for i, c := range tc.claims {
				if math.Abs(c.rate-tc.want[i]) > 1e-6*math.Max(1, tc.want[i]) {
					t.Errorf("claim %d: rate %g, want %g", i, c.rate, tc.want[i])
				}
			}
		})
	}
}
