package scenarios

import (
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestUnalignedBarrierWaitsAtMostARecord: a task takes an unaligned
// (priority) barrier between two records, as StreamTaskNetworkInput.emitNext
// returns to the mailbox after each one, so in chunked mode too a
// backpressured sink's start delay (barrier received to taken, past its
// arrival over the network) is at most one record's processing, plus the
// chunk-delay it may sit waiting for a step to start, not a whole step of
// records.
func TestUnalignedBarrierWaitsAtMostARecord(t *testing.T) {
	wholeRun(t)
	const yaml = `name: unaligned-start-delay
duration: 5m
seed: 1
flink:
  parallelism.default: 2
  execution.checkpointing.interval: 30s
  execution.checkpointing.unaligned.enabled: true
  execution.checkpointing.dir: s3://bucket/checkpoints
sources:
  - {name: events, kind: kafka, partitions: 2, rate: 100/s, record-size: 1kB}
sinks:
  - {name: api, cost: 200ms, parallelism: 4}
`
	l, err := Load("u.yaml", []byte(yaml), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(l, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Four sink subtasks process 5 records/s each against 25/s arriving at each:
	// backpressured throughout. A record takes 200 ms.
	bound := 200*sim.Millisecond + l.Spec.Sim.ChunkDelay
	seen := 0
	for _, c := range res.Checkpoints {
		for _, task := range c.Tasks {
			for _, sub := range task.Subtasks {
				if !sub.Acked {
					continue
				}
				seen++
				if sub.StartDelay > bound {
					t.Errorf("checkpoint %d, %s subtask %d: start delay %v, more than a record's 200ms and the chunk-delay", c.ID, task.Name, sub.Index, sub.StartDelay)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no acknowledged subtask: nothing checked")
	}
}
