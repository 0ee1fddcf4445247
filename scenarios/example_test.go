package scenarios_test

import (
	"fmt"

	"github.com/flinksim/flinksim/scenarios"
)

func ExampleLoad() {
	yaml := []byte(`
name: demo
flink:
  parallelism.default: 2
  jobmanager.rpc.address: flink-jm   # real Flink key, cannot change a run
  pipeline.object-reuse: true        # real Flink key, would change it: not modelled
sources:
  - {name: clicks, rate: 10k/s, record-size: 1KiB}
operators:
  - {name: enrich, key-by: user_id, keys: 1M, cost: 20us}
sinks:
  - {name: out, capacity: 8k/s}
`)
	l, err := scenarios.Load("demo.yaml", yaml, []string{"sinks.out.capacity=12k/s"})
	if err != nil {
		fmt.Println(err)
		return
	}
	enrich := l.Spec.Nodes[1]
	fmt.Println(enrich.Parallelism, enrich.MaxParallelism, enrich.Inputs[0].Exchange)
	fmt.Println("not modelled:", l.NotModelled, "inert:", l.InertFlinkKeys)

	_, err = scenarios.Load("demo.yaml", yaml, []string{"sinks.out.capacity=fast", "sources.clicks.partitons=4"})
	fmt.Println(err)
	// Output:
	// 2 128 keyBy
	// not modelled: [pipeline.object-reuse] inert: [jobmanager.rpc.address]
	// --set sinks.out.capacity=fast: sinks.out.capacity: "fast" has no time unit; write e.g. 100k/s or 50MB/s
	// --set sources.clicks.partitons=4: sources.clicks.partitons: unknown field; did you mean "partitions"?
	// warning: 1 Flink key would change the result but is not modelled; this run ignores it: pipeline.object-reuse
}
