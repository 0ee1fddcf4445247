package scenarios

import (
	"fmt"
	"strings"
	"testing"
)

// maxParJob is a keyed job at parallelism 4 whose fields the cases set.
const maxParJob = `name: max-par
duration: 1m
flink: {parallelism.default: 4%s}
sources:
  - {name: src, partitions: 4, rate: 1k/s%s}
operators:
  - {name: parse, cost: 5us%s}
  - {name: agg, key-by: user, keys: 1000, cost: 50us%s}
sinks:
  - {name: out%s}
`

// TestMaxParallelismBoundsEveryVertex: pipeline.max-parallelism is every
// transformation's that sets none (StreamGraphGenerator), and Flink refuses
// any vertex whose parallelism is higher (ExecutionJobVertex: "Vertex X's
// parallelism (p) is higher than the max parallelism (m)"), a source, an
// operator without keys and a sink as a keyed operator. Only keyed
// operators were checked: a source of 200 under 128 loaded.
func TestMaxParallelismBoundsEveryVertex(t *testing.T) {
	for name, c := range map[string]struct {
		flink, src, parse, agg, sink string
		want                         string // "" loads
	}{
		"source":       {flink: ", pipeline.max-parallelism: 128", src: ", parallelism: 200", want: "x.yaml:3:33: flink.pipeline.max-parallelism: max parallelism 128 is below the parallelism of src (200); Flink refuses a vertex whose parallelism is higher than its max parallelism: it must be from 200 to 32768"},
		"operator":     {flink: ", pipeline.max-parallelism: 128", parse: ", parallelism: 129", want: "the parallelism of parse (129)"},
		"sink":         {flink: ", pipeline.max-parallelism: 128", sink: ", parallelism: 300", want: "the parallelism of out (300)"},
		"keyed":        {flink: ", pipeline.max-parallelism: 3", want: "x.yaml:3:33: flink.pipeline.max-parallelism: max parallelism 3 is below the parallelism of agg (4)"},
		"equal":        {flink: ", pipeline.max-parallelism: 200", src: ", parallelism: 200"},
		"default rule": {src: ", parallelism: 200"},
		// an operator's own bounds that operator only
		"operator's own": {agg: ", max-parallelism: 4", src: ", parallelism: 200"},
		"out of range":   {agg: ", max-parallelism: 0", want: "x.yaml:8:72: operators.agg.max-parallelism: max parallelism 0 is outside Flink's range 1..32768\n"},
	} {
		got := loadProblems(t, []byte(fmtJob(c.flink, c.src, c.parse, c.agg, c.sink)), nil, "")
		switch {
		case c.want == "" && got != "":
			t.Errorf("%s: want it to load, got\n%s", name, got)
		case c.want != "" && !strings.Contains(got+"\n", c.want):
			t.Errorf("%s: got\n%s\nwant a problem with %q", name, got, c.want)
		}
	}
}

// fmtJob is maxParJob with the fields of flink:, src, parse, agg and out.
func fmtJob(a ...any) string {
	return fmt.Sprintf(maxParJob, a...)
}

// TestSaltingFinalStage: salting's final stage has the operator's
// parallelism unless final-parallelism says otherwise (it had
// parallelism.default's), and, a transformation of its own, the max
// parallelism Flink's rule gives its own parallelism when none is set (it
// had the partial stage's: 256 for a final stage of 4 behind 100); a max
// parallelism set bounds it, and a final stage above it is refused (it
// silently had the rule's).
func TestSaltingFinalStage(t *testing.T) {
	for name, c := range map[string]struct {
		flink, agg  string
		par, maxPar int    // the final stage's
		want        string // a problem, "" for none
	}{
		"defaults":           {agg: ", parallelism: 8", par: 8, maxPar: 128},
		"own rule":           {agg: ", parallelism: 100, salting: {buckets: 4, final-parallelism: 4}", flink: ", taskmanager.numberOfTaskSlots: 100", par: 4, maxPar: 128},
		"own rule wide":      {agg: ", parallelism: 4, salting: {buckets: 4, final-parallelism: 200}", flink: ", taskmanager.numberOfTaskSlots: 200", par: 200, maxPar: 512},
		"operator's own":     {agg: ", max-parallelism: 256", par: 4, maxPar: 256},
		"job's":              {flink: ", pipeline.max-parallelism: 64", par: 4, maxPar: 64},
		"above operator's":   {agg: ", max-parallelism: 16, salting: {buckets: 4, final-parallelism: 17}", want: "operators.agg.salting.final-parallelism: 17 is above the max parallelism 16 (operators.agg.max-parallelism), which bounds the final stage agg-final too"},
		"above job's":        {flink: ", pipeline.max-parallelism: 16", agg: ", salting: {buckets: 4, final-parallelism: 20}", want: "operators.agg.salting.final-parallelism: 20 is above the max parallelism 16 (flink.pipeline.max-parallelism)"},
		"partial above only": {flink: ", pipeline.max-parallelism: 3", want: "flink.pipeline.max-parallelism: max parallelism 3 is below the parallelism of agg (4)"},
	} {
		agg := c.agg
		if !strings.Contains(agg, "salting") {
			agg += ", salting: {buckets: 4}"
		}
		data := []byte(fmtJob(c.flink, "", "", agg, ""))
		if c.want != "" {
			got := loadProblems(t, data, nil, "")
			if !strings.Contains(got, c.want) || strings.Count(got, "final-parallelism") > strings.Count(c.want, "final-parallelism") {
				t.Errorf("%s: got\n%s\nwant one problem with %q", name, got, c.want)
			}
			continue
		}
		l, err := Load("x.yaml", data, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		found := false
		for _, n := range l.Spec.Nodes {
			if n.Name == "agg-final" {
				found = true
				if n.Parallelism != c.par || n.MaxParallelism != c.maxPar {
					t.Errorf("%s: agg-final parallelism %d, max parallelism %d; want %d and %d", name, n.Parallelism, n.MaxParallelism, c.par, c.maxPar)
				}
			}
		}
		if !found {
			t.Errorf("%s: no agg-final", name)
		}
	}
}
