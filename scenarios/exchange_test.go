package scenarios

import (
	"fmt"
	"testing"

	"github.com/flinksim/flinksim/models"
)

// twoInputs is a job whose operator join reads a (parallelism 2, as its
// own) and b (4); %s is the rest of join's fields.
const twoInputs = `name: two-inputs
flink: {parallelism.default: 2}
sources:
  - {name: a, partitions: 2, rate: 1k/s}
  - {name: b, partitions: 4, rate: 1k/s, parallelism: 4}
operators:
  - {name: join, %s}
sinks:
  - {name: out}
`

// TestDefaultExchangePerEdge: an operator that does not name its exchange
// reads each input as Flink's StreamGraph.addEdgeInternal ships an edge
// with no partitioner: forward where the input's parallelism equals its
// own, rebalance elsewhere, input by input, whichever is listed first
// (the first input's alone once decided both: a forward edge between
// unequal parallelisms broke the run). The scenario resolved loads again
// to the same edges.
func TestDefaultExchangePerEdge(t *testing.T) {
	for _, c := range []struct {
		inputs string
		want   map[string]models.Exchange
	}{
		{"a, b", map[string]models.Exchange{"a": models.Forward, "b": models.Rebalance}},
		{"b, a", map[string]models.Exchange{"a": models.Forward, "b": models.Rebalance}},
	} {
		l, err := Load("f.yaml", []byte(fmt.Sprintf(twoInputs, "input: ["+c.inputs+"], cost: 10us")), nil)
		if err != nil {
			t.Fatalf("input [%s]: %v", c.inputs, err)
		}
		resolved, err := l.Resolved()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Load("resolved.yaml", resolved, nil)
		if err != nil {
			t.Fatalf("input [%s], resolved: %v", c.inputs, err)
		}
		for _, spec := range []models.Spec{l.Spec, again.Spec} {
			for _, n := range spec.Nodes {
				if n.Name != "join" {
					continue
				}
				for _, in := range n.Inputs {
					if in.Exchange != c.want[in.From] {
						t.Errorf("input [%s]: %s -> join ships %v, want %v", c.inputs, in.From, in.Exchange, c.want[in.From])
					}
				}
			}
		}
	}
}

// TestForwardOverUnequalInputsAdvice: forward written on an operator with
// an input of other parallelism is refused, and with several inputs the
// advice says that leaving it out keeps forward where it can be.
func TestForwardOverUnequalInputsAdvice(t *testing.T) {
	_, err := Load("f.yaml", []byte(fmt.Sprintf(twoInputs, "input: [a, b], exchange: forward, cost: 10us")), nil)
	want := "f.yaml:7:43: operators.join.exchange: forward needs equal parallelism, but b has 4 and join has 2; use rebalance, or leave exchange out: each input is then forward where its parallelism is equal and rebalance elsewhere"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
