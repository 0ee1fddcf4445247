package scenarios

import "github.com/flinksim/flinksim/models"

func (r *resolver) sink(n *node) {
	d, s := r.d, n.sink
	if s.Capacity != nil && s.CapacityPerSubtask != nil {
		d.at(n.path+".capacity-per-subtask", "contradicts capacity: give the total or the per-subtask capacity, not both")
	}
	for _, c := range []struct {
		v    *RateValue
		name string
	}{{s.Capacity, "capacity"}, {s.CapacityPerSubtask, "capacity-per-subtask"}} {
		if c.v != nil && c.v.PerSecond <= 0 {
			d.at(n.path+"."+c.name, "must be more than 0/s; leave it out for an unlimited sink")
		}
	}
	if s.Latency == nil {
		s.Latency = &Dist{Constant: ptr(Duration(0))}
	}
	r.dist(s.Latency, n.path+".latency")
}

// sinkModel is a sink's capacity (per subtask) and latency in the model.
func sinkModel(s *Sink, parallelism int) *models.Sink {
	ms := &models.Sink{Latency: toDist(s.Latency)}
	if c := s.Capacity; c != nil {
		setCapacity(ms, c.PerSecond/float64(parallelism), c.Bytes)
	}
	if c := s.CapacityPerSubtask; c != nil {
		setCapacity(ms, c.PerSecond, c.Bytes)
	}
	return ms
}

func setCapacity(s *models.Sink, perSecond float64, bytes bool) {
	if bytes {
		s.BytesPerSecond = perSecond
	} else {
		s.RecordsPerSecond = perSecond
	}
}
