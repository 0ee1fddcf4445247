package scenarios

import (
	"fmt"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

func (r *resolver) source(n *node) {
	d, s := r.d, n.src
	if s.Kind == "" {
		s.Kind = "kafka"
	} else if s.Kind != "kafka" {
		d.at(n.path+".kind", "%q is not a source kind flinksim models (kafka)", s.Kind)
	}
	given := s.Topic != ""
	if !given {
		s.Topic = s.Name
	}
	r.nodeParallelism(n, s.Parallelism, n.path+".parallelism")
	s.Parallelism = ptr(n.parallelism)
	partitions := s.Partitions != nil
	if s.Partitions == nil {
		s.Partitions = ptr(n.parallelism)
	} else if *s.Partitions < 1 || *s.Partitions > 100000 {
		d.at(n.path+".partitions", "must be from 1 to 100000, not %d", *s.Partitions)
	}
	r.topic(n, given, partitions)
	if s.Arrivals == "" {
		s.Arrivals = "poisson"
	} else if s.Arrivals != "poisson" && s.Arrivals != "deterministic" {
		d.at(n.path+".arrivals", "must be poisson or deterministic, not %q", s.Arrivals)
	}
	if s.RecordSize == nil {
		s.RecordSize = ptr(Size(defaultRecordSize))
	}
	n.recordSize = r.recordSize(int64(*s.RecordSize), n.path+".record-size")
	if s.InitialBacklog == nil {
		s.InitialBacklog = ptr(Count(0))
	} else {
		// at most what a run counts through one operator (bounds)
		r.count(n.path+".initial-backlog", *s.InitialBacklog, 0, maxRunRecords, "a whole number of records from 0 to 2^53 = 9007199254740992")
	}
	if s.PartitionDiscovery == nil {
		s.PartitionDiscovery = ptr(Duration(defaultDiscovery(r.release)))
	}
	if s.Rate == nil {
		s.Rate = &RateSpec{Constant: &RateValue{}}
	}
	r.rate(s.Rate, n.path+".rate")
	if s.Rate.Constant != nil && s.Rate.Constant.PerSecond == 0 && *s.InitialBacklog == 0 &&
		!d.badUnder(n.path+".rate") && !d.badUnder(n.path+".initial-backlog") {
		d.at(n.path, "produces nothing: give it a rate or an initial-backlog")
	}
	if s.Cost == nil {
		s.Cost = &Dist{Constant: ptr(Duration(0))}
	}
	r.dist(s.Cost, n.path+".cost")
	if s.Chaining == nil {
		s.Chaining = ptr(true)
	}
	r.eventTime(n)
}

func (r *resolver) rate(x *RateSpec, path string) {
	d := r.d
	isRecords := func(v RateValue, p string) {
		switch {
		case v.Bytes:
			d.at(p, "a source rate counts records (e.g. 100k/s), not bytes")
		case v.PerSecond < 0:
			d.at(p, "must be records per second, 0/s or more (e.g. 100k/s), not %s", d.written(p, Rate(v).String()))
		}
	}
	switch {
	case x.Constant != nil:
		isRecords(*x.Constant, path)
	case x.Steps != nil:
		for i, s := range x.Steps {
			p := fmt.Sprintf("%s.steps[%d]", path, i)
			isRecords(s.Rate, p+".rate")
			if i > 0 && s.At <= x.Steps[i-1].At {
				d.at(p+".at", "steps must be in increasing time order")
			}
		}
		if len(x.Steps) == 0 {
			d.at(path+".steps", "needs at least one step")
		}
	case x.Ramp != nil:
		isRecords(x.Ramp.From, path+".ramp.from")
		isRecords(x.Ramp.To, path+".ramp.to")
		if x.Ramp.Over <= 0 {
			d.at(path+".ramp.over", "must be more than 0s")
		}
	case x.Periodic != nil:
		p := x.Periodic
		isRecords(p.Mean, path+".periodic.mean")
		isRecords(p.Amplitude, path+".periodic.amplitude")
		if p.Amplitude.PerSecond > p.Mean.PerSecond {
			d.at(path+".periodic.amplitude", "must be at most the mean, or the rate would go below zero")
		}
		if p.Period <= 0 {
			d.at(path+".periodic.period", "must be more than 0s")
		}
	case x.Bursts != nil:
		b := x.Bursts
		isRecords(b.Base, path+".bursts.base")
		isRecords(b.Rate, path+".bursts.rate")
		if b.Every <= 0 || b.Duration <= 0 || b.Duration >= b.Every {
			d.at(path+".bursts", "needs 0 < duration < every")
		}
	}
}

// defaultDiscovery is a Kafka source's partition.discovery.interval.ms in
// release rel when none is set: 5 minutes (Kafka's metadata.max.age.ms),
// KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS since
// flink-connector-kafka 3.1 (FLIP-288, FLINK-32020), from Flink 1.20,
// whose connector 3.4 (and 4.0 for 2.0) builds a DataStream KafkaSource
// with it; off (0: the enumerator lists partitions only when it starts)
// before: KafkaSourceBuilder up to connector 3.3 sets -1 when it is
// unset (FLINK-36780), and the connector Flink 1.17 and before ship has it
// off ("Partition discovery is disabled by default"). A SQL table's
// scan.topic-partition-discovery.interval is 5 minutes from connector 3.1:
// the README says to set it then.
func defaultDiscovery(rel flinkRelease) sim.Time {
	if rel.before("1.20") {
		return 0
	}
	return 5 * sim.Minute
}

// kafkaModel is a source's topic in the model, in Flink release rel;
// bursts are expanded over the run's duration.
func kafkaModel(s *Source, dur sim.Time, rel flinkRelease) *models.Kafka {
	return &models.Kafka{
		Topic: s.Topic, Partitions: *s.Partitions, Rate: toProfile(s.Rate, dur),
		Poisson: s.Arrivals == "poisson", InitialBacklog: int64(*s.InitialBacklog),
		DiscoveryInterval: sim.Time(*s.PartitionDiscovery), EventTime: eventTimeModel(s.EventTime, rel),
	}
}

// toProfile converts a rate spec; bursts are expanded over the run.
func toProfile(x *RateSpec, dur sim.Time) models.RateProfile {
	switch {
	case x.Constant != nil:
		return models.ConstantRate(x.Constant.PerSecond)
	case x.Steps != nil:
		p := models.Piecewise{}
		for _, s := range x.Steps {
			p.Points = append(p.Points, models.Point{At: sim.Time(s.At), Rate: s.Rate.PerSecond})
		}
		return p
	case x.Ramp != nil:
		start := sim.Time(x.Ramp.Start)
		return models.Piecewise{Linear: true, Points: []models.Point{
			{At: start, Rate: x.Ramp.From.PerSecond}, {At: start + sim.Time(x.Ramp.Over), Rate: x.Ramp.To.PerSecond}}}
	case x.Periodic != nil:
		p := x.Periodic
		return models.Periodic{Mean: p.Mean.PerSecond, Amplitude: p.Amplitude.PerSecond, Period: sim.Time(p.Period), Peak: sim.Time(p.Peak)}
	case x.Bursts != nil:
		b := x.Bursts
		start := sim.Time(b.Every)
		if b.Start != nil {
			start = sim.Time(*b.Start)
		}
		p := models.Piecewise{Points: []models.Point{{At: 0, Rate: b.Base.PerSecond}}}
		for t := start; t < dur; t += sim.Time(b.Every) {
			p.Points = append(p.Points, models.Point{At: t, Rate: b.Rate.PerSecond}, models.Point{At: t + sim.Time(b.Duration), Rate: b.Base.PerSecond})
		}
		return p
	}
	return models.ConstantRate(0)
}
