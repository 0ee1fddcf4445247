package models_test

import (
	"fmt"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// A Kafka source feeding a sink that writes only 3k records/s: the sink is
// saturated and the rest waits in Kafka.
func ExampleSimulation() {
	spec := models.Spec{
		Name: "tiny", Seed: 1, Duration: seconds(60), Network: models.DefaultNetwork(),
		SlotsPerTaskManager: 1, Chaining: true,
		Sim: models.Settings{ChunkDelay: sim.Millisecond, SampleInterval: 10 * sim.Second},
		Nodes: []models.Node{
			{Name: "events", Kind: models.KindSource, Parallelism: 1, Chain: true, RecordSize: 500,
				Kafka: &models.Kafka{Topic: "events", Partitions: 2, Rate: models.ConstantRate(5000)}},
			{Name: "db", Kind: models.KindSink, Parallelism: 1, Chain: false, RecordSize: 500,
				Inputs: []models.Input{{From: "events"}}, Sink: &models.Sink{RecordsPerSecond: 3000}},
		},
	}
	s, err := models.New(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := s.Run(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	sum := res.Summary
	fmt.Printf("sink %.1fk/s, lag %dk records, source %s\n",
		sum.Throughput.SinkRPS/1000, sum.Records.SourceLag/1000, sum.Operators[0].Backpressure)
	// Output: sink 3.0k/s, lag 119k records, source HIGH
}

func seconds(s int) sim.Time { return sim.Time(s) * sim.Second }
