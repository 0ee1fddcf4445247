package scenarios

import "testing"

// TestFailoverSinkFieldsGoWithItsReplay: summary.json's failovers give
// each failover's records_replayed with where that replay went at the
// sinks (records_sink_rewound, _duplicated, _lost). A hung TaskManager is
// noticed at 63 s, when a Kafka outage fails the restarting job twice more
// before a restore and the lost TaskManager's region once more after it:
// the sinks, cancelled by the first failover, are rewound by the restores
// of later ones, and each failover's sink fields are those of its own
// restore. In this chained, costless job every record a reader read again
// was one its sink had taken past the checkpoint, so a failover's
// records_sink_rewound is its records_replayed. Before, the first failover
// had 7004 rewound and nothing replayed, the ones that restored the
// reverse.
func TestFailoverSinkFieldsGoWithItsReplay(t *testing.T) {
	res := runYAML(t, "s5.yaml", `name: s5
duration: 4m
seed: 5
flink:
  taskmanager.numberOfTaskSlots: 1
  execution.checkpointing.interval: 10s
  execution.checkpointing.storage: jobmanager
  restart-strategy.type: exponential-delay
sources:
  - {name: a, kind: kafka, partitions: 2, parallelism: 2, rate: 1000/s, record-size: 100B, partition-discovery-interval: 30s}
sinks:
  - {name: adb, input: a, parallelism: 2, system: jdbc, batch-size: 500}
failures:
  - taskmanager-loss: {at: 52s, taskmanager: 1, detection: hang}
  - kafka-outage: {at: 55s, for: 20s, fails-after: 3s}
`)
	rs := res.Summary.Restarts
	if rs == nil {
		t.Fatal("no failover")
	}
	var idle, replaying int
	for i, f := range rs.Failovers {
		if f.SinkRewound != f.Replayed {
			t.Errorf("failover %d (%s at %.3fs): %d records replayed, %d rewound at the sinks (%d duplicated); want as many rewound as replayed",
				i+1, f.Cause, f.FailedAtS, f.Replayed, f.SinkRewound, f.SinkExposed)
		}
		if f.Replayed == 0 {
			idle++
		} else {
			replaying++
		}
	}
	if idle == 0 || replaying < 2 || rs.Replayed == 0 {
		t.Fatalf("%d failovers without a replay, %d with, %d replayed in all: the scenario no longer shows a failover restored by another", idle, replaying, rs.Replayed)
	}
}
