package models

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// graphNode is a node of a hand-built job graph: name, parallelism, and
// its inputs as "from:exchange" (f forward, r rebalance, k keyBy).
type graphNode struct {
	name string
	p    int
	in   []string
}

func graphSpec(nodes []graphNode) Spec {
	spec := Spec{Name: "graph", Seed: 1, Duration: sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: 100, ChunkDelay: 10 * sim.Millisecond}}
	hasOut := map[string]bool{}
	for _, n := range nodes {
		for _, in := range n.in {
			hasOut[strings.Split(in, ":")[0]] = true
		}
	}
	for _, n := range nodes {
		node := Node{Name: n.name, Parallelism: n.p, MaxParallelism: 128, Chain: true, RecordSize: 100, Selectivity: 1, Cost: sim.Constant{V: 1e-6}}
		switch {
		case len(n.in) == 0:
			node.Kind = KindSource
			node.Kafka = &Kafka{Topic: n.name, Partitions: n.p, Rate: ConstantRate(1000)}
		case !hasOut[n.name]:
			node.Kind, node.Sink = KindSink, &Sink{}
		default:
			node.Kind = KindOperator
		}
		for _, in := range n.in {
			from, x, _ := strings.Cut(in, ":")
			ex := map[string]Exchange{"f": Forward, "r": Rebalance, "k": Hash}[x]
			node.Inputs = append(node.Inputs, Input{From: from, Exchange: ex})
			if ex == Hash {
				node.Keyed = &Keyed{Keys: UniformKeys{N: 1000}, StatePerKey: 10}
			}
		}
		spec.Nodes = append(spec.Nodes, node)
	}
	return spec
}

// regionsOf names each region by its subtasks, "task#index" joined by
// spaces, regions in order.
func regionsOf(s *Simulation) []string {
	var out []string
	for _, r := range s.regions {
		var names []string
		for _, st := range r.subtasks {
			names = append(names, fmt.Sprintf("%s#%d", st.t.nodes[0].spec.Name, st.index))
		}
		out = append(out, strings.Join(names, " "))
	}
	return out
}

// TestPipelinedRegions: regions are the connected components of subtasks
// over the channels between them. An all-to-all exchange (keyBy,
// rebalance) joins everything on both sides; a forward exchange joins
// subtask i with subtask i; a chain is one subtask
// (SchedulingPipelinedRegionComputeUtil).
func TestPipelinedRegions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		graph []graphNode
		want  []string
	}{
		{"a forward chain is one region per parallel instance",
			[]graphNode{{"src", 3, nil}, {"map", 3, []string{"src:f"}}, {"out", 3, []string{"map:f"}}},
			[]string{"src#0", "src#1", "src#2"}},
		{"keyBy joins everything",
			[]graphNode{{"src", 2, nil}, {"agg", 3, []string{"src:k"}}, {"out", 3, []string{"agg:f"}}},
			[]string{"src#0 src#1 agg#0 agg#1 agg#2"}},
		{"rebalance joins everything",
			[]graphNode{{"src", 2, nil}, {"map", 2, []string{"src:r"}}, {"out", 2, []string{"map:f"}}},
			[]string{"src#0 src#1 map#0 map#1"}},
		{"a two-input keyed join is one region",
			[]graphNode{{"a", 2, nil}, {"b", 1, nil}, {"join", 2, []string{"a:k", "b:k"}}, {"out", 2, []string{"join:f"}}},
			[]string{"a#0 a#1 b#0 join#0 join#1"}},
		{"a forward union joins instance i of each input",
			[]graphNode{{"a", 2, nil}, {"b", 2, nil}, {"union", 2, []string{"a:f", "b:f"}}, {"out", 2, []string{"union:f"}}},
			[]string{"a#0 b#0 union#0", "a#1 b#1 union#1"}},
		{"two independent keyed pipelines are two regions",
			[]graphNode{{"a", 2, nil}, {"ka", 2, []string{"a:k"}}, {"b", 1, nil}, {"kb", 1, []string{"b:k"}}},
			[]string{"a#0 a#1 ka#0 ka#1", "b#0 kb#0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(graphSpec(tc.graph))
			if err != nil {
				t.Fatal(err)
			}
			if got := regionsOf(s); !slices.Equal(got, tc.want) {
				t.Errorf("regions\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
