package sweep

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/scenarios"
	"github.com/flinksim/flinksim/sim"
)

// MaxPoints bounds a plan (points × replicas).
const MaxPoints = 1_000_000

// Point is one run of a sweep: one value per axis and a replica.
type Point struct {
	Index   int      // position in the plan
	Key     string   // "key1=v1,key2=v2": stable, in axis order
	Values  []string // per axis, as written
	Nums    []float64
	Replica int
	Seed    uint64
}

// Sets are the point's overrides, as --set takes them.
func (p Point) Sets(axes []scenarios.Axis) []string {
	sets := make([]string, 0, len(axes)+1)
	for i, ax := range axes {
		sets = append(sets, ax.Key+"="+p.Values[i])
	}
	return append(sets, "seed="+strconv.FormatUint(p.Seed, 10))
}

// Plan is every point of a sweep.
type Plan struct {
	Axes     []scenarios.Axis
	Replicas int
	Seed     uint64 // the scenario's
	Points   []Point
	// Scenario is the scenario's name, for titles ("" when not known).
	Scenario string
}

// NewPlan is the product of the axes (the first varies slowest), each point
// repeated for every replica.
func NewPlan(axes []scenarios.Axis, replicas int, seed uint64) (*Plan, error) {
	if len(axes) == 0 {
		return nil, fmt.Errorf("no axis to sweep: give --grid key=v1,v2,... or a sweep: block")
	}
	if replicas < 1 {
		return nil, fmt.Errorf("replicas must be at least 1")
	}
	seen := map[string]bool{}
	for _, ax := range axes {
		k := scenarios.CanonicalKey(ax.Key) // a Flink option's older name is the same option
		if seen[k] {
			return nil, fmt.Errorf("%s is swept twice", ax.Key)
		}
		seen[k] = true
	}
	if err := CheckSize(axes, replicas); err != nil {
		return nil, err
	}
	p := &Plan{Axes: axes, Replicas: replicas, Seed: seed}
	idx := make([]int, len(axes))
	for {
		values := make([]string, len(axes))
		nums := make([]float64, len(axes))
		parts := make([]string, len(axes))
		for i, ax := range axes {
			values[i], nums[i] = ax.Values[idx[i]], ax.Nums[idx[i]]
			parts[i] = ax.Key + "=" + values[i]
		}
		key := strings.Join(parts, ",")
		for r := 0; r < replicas; r++ {
			p.Points = append(p.Points, Point{Index: len(p.Points), Key: key, Values: values, Nums: nums, Replica: r,
				Seed: PointSeed(seed, key, r)})
		}
		k := len(axes) - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < len(axes[k].Values) {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return p, nil
		}
	}
}

// PointSeed derives a run's seed from the scenario's seed, the point's key
// and the replica. It is from 1 to scenarios.MaxSeed, so that JSON readers
// (points.jsonl, compare -o json) keep it exact and it can be given back as
// --seed.
func PointSeed(seed uint64, key string, replica int) uint64 {
	return 1 + sim.DeriveSeed(seed, "sweep", key, strconv.Itoa(replica))%scenarios.MaxSeed
}

// Shard is the slice of the plan that shard i of n (0-based) runs. Points are
// assigned by a hash of their key and replica, not by position, so adding a
// value to an axis moves few points between shards.
func (p *Plan) Shard(i, n int) []Point {
	var out []Point
	for _, pt := range p.Points {
		if ShardOf(pt, n) == i {
			out = append(out, pt)
		}
	}
	return out
}

// ShardOf is the shard (of n) that runs pt.
func ShardOf(pt Point, n int) int {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s#%d", pt.Key, pt.Replica)
	return int(h.Sum64() % uint64(n))
}

// ParseShard reads "i/n" (0 ≤ i < n).
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("%q: want i/n with 0 ≤ i < n, e.g. 0/4", s)
	}
	return i, n, nil
}

// CheckSize refuses a sweep of more than MaxPoints runs: the product of
// the axes' values and the replicas.
func CheckSize(axes []scenarios.Axis, replicas int) error {
	total := max(replicas, 1)
	for _, ax := range axes {
		total *= len(ax.Values)
		if total > MaxPoints {
			fewer := "values"
			if replicas > 1 {
				fewer = "values or replicas"
			}
			return fmt.Errorf("more than %d runs in the sweep (%s): give fewer %s, or split it over several sweeps", MaxPoints, sweepSize(axes, replicas), fewer)
		}
	}
	return nil
}

// sweepSize spells out how a sweep's runs multiply: each axis's values and
// the replicas ("1000 values of a × 2000 of b × 3 replicas").
func sweepSize(axes []scenarios.Axis, replicas int) string {
	parts := make([]string, 0, len(axes)+1)
	for i, ax := range axes {
		of := "of"
		if i == 0 {
			of = "values of"
		}
		parts = append(parts, fmt.Sprintf("%d %s %s", len(ax.Values), of, ax.Key))
	}
	if replicas > 1 {
		parts = append(parts, fmt.Sprintf("%d replicas", replicas))
	}
	return strings.Join(parts, " × ")
}
