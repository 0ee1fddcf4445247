package models

import (
	"fmt"

	"github.com/flinksim/flinksim/sim"
)

// Failures that come back: an external system down for a while, a poison
// record, an overload. Each fails the job (Kafka) or a task again after
// every restart until it is gone or the restart strategy gives up, so the restart strategy decides
// how often the job restarts, how long it is down and how much it replays.
//
// An outage of the Kafka cluster (kafka-outage): sources read nothing, but
// their readers do not fail (KafkaConsumer.poll returns nothing); the
// KafkaSource enumerator lists the topic's partitions when it starts and
// every partition.discovery.interval.ms, and a listing during the outage
// times out fails-after later (AdminClient's default.api.timeout.ms, 60 s):
// KafkaSourceEnumerator.checkPartitionChanges throws, and the
// OperatorCoordinator fails the whole job (a global failover, whatever the
// failover strategy). A global failover restarts the enumerator, which
// lists again at once. An outage of the sinks' system (sink-outage): a
// sink's write does not return, and each sink task fails fails-after once
// it runs, or once the outage starts if it was running then, unless the
// outage is over by that time.
// A poison record fails the source task whose reader reaches it, every
// time it does, once the records before it were emitted (readSplits).
// An overloaded operator fails in a second when a subtask takes in more
// than its limit (an out-of-memory error under load, which comes back when
// the job catches up after each restart).

// outageActive reports whether failure i is an outage in progress.
func (s *Simulation) outageActive(i int) bool {
	f := s.spec.Failures[i]
	now := s.eng.Now()
	return (f.Kind == FailKafkaOutage || f.Kind == FailSinkOutage) && now >= f.At && now < sim.Add(f.At, f.For)
}

// touches reports whether subtask st uses the system outage kind k is of.
func touches(st *subtask, k FailureKind) bool {
	for _, rt := range st.t.nodes {
		if (k == FailKafkaOutage && rt.spec.Kind == KindSource) || (k == FailSinkOutage && rt.spec.Kind == KindSink) {
			return true
		}
	}
	return false
}

// outageBlocks reports whether an outage in progress stops subtask st.
func (s *Simulation) outageBlocks(st *subtask) bool {
	if s.outages == 0 {
		return false
	}
	for i := range s.outageOn {
		if s.outageOn[i] && touches(st, s.spec.Failures[i].Kind) {
			return true
		}
	}
	return false
}

// outageEdge is outage i starting (end false) or ending.
func (s *Simulation) outageEdge(i int, end bool) {
	s.outageOn[i] = !end
	if end {
		s.outages--
		for _, st := range s.subtasks {
			s.markReady(st)
		}
		if s.spec.Failures[i].Kind == FailSinkOutage && !s.sinkSystemDown() {
			s.sinkSystemBackCommits()
		}
		return
	}
	s.catchUpAll() // what was readable before it was read
	s.outages++
	if s.spec.Failures[i].Kind == FailKafkaOutage {
		s.armDiscovery(i)
		return
	}
	for _, r := range s.regions {
		if r.state == regionRunning {
			s.armOutage(r, i)
		}
	}
}

// armDiscovery schedules the failure of each Kafka source's enumerator at
// its first partition listing from now on that outage i outlasts, and
// keeps in enumDueAt the earliest each has in this generation.
func (s *Simulation) armDiscovery(i int) {
	f := s.spec.Failures[i]
	now, end := s.eng.Now(), sim.Add(f.At, f.For)
	for _, rt := range s.nodes {
		k := rt.spec.Kafka
		if k == nil {
			continue
		}
		t := s.enumStart
		if t < now {
			if k.DiscoveryInterval <= 0 {
				continue // it listed when it started, before the outage
			}
			t = sim.Add(t, sim.Time(int64(now-t+k.DiscoveryInterval-1)/int64(k.DiscoveryInterval))*k.DiscoveryInterval)
		}
		if at := sim.Add(t, f.FailsAfter); at < end {
			s.enumDueAt[rt.idx] = min(s.enumDueAt[rt.idx], at)
			s.eng.At(at, evEnumeratorFailure, int32(rt.idx), s.enumGen<<32|int64(i))
		}
	}
}

// restartEnumerators: a global failover resets the operator coordinators;
// each enumerator starts again and lists its partitions at once.
func (s *Simulation) restartEnumerators() {
	s.enumStart = s.eng.Now()
	s.enumGen++
	for n := range s.enumDueAt {
		s.enumDueAt[n] = sim.Never
	}
	for i, on := range s.outageOn {
		if on && s.spec.Failures[i].Kind == FailKafkaOutage {
			s.armDiscovery(i)
		}
	}
}

// enumeratorFailure: source node's partition listing for outage i timed
// out; the job fails over globally, whatever state its regions are in
// (a TaskManager loss may have them restarting). Each source's enumerator
// fails the job on its own, once until the restart resets it: its
// coordinator's context ignores its own repeats
// (OperatorCoordinatorHolder.LazyInitializedCoordinatorContext.failJob,
// until resetToCheckpoint in the restart's restoreState), and
// DefaultScheduler.handleGlobalFailure hands every call to the restart
// strategy, so two sources whose listings time out together are two
// failures (two attempts of fixed-delay, two timestamps of failure-rate;
// exponential-delay from 1.19 merges the second into the restart the
// first scheduled). The enumerators failing at this instant fail over
// together, one failure each; one that fails later in the generation is
// a failover of its own.
func (s *Simulation) enumeratorFailure(node int, arg int64) {
	gen := arg >> 32
	if gen != s.enumGen || s.failed || s.enumFailed[node] == gen+1 {
		return
	}
	now := s.eng.Now()
	var failing []int
	for n, at := range s.enumDueAt {
		if n == node || at == now && s.enumFailed[n] != gen+1 {
			s.enumFailed[n] = gen + 1
			failing = append(failing, n)
		}
	}
	i := int(arg & (1<<32 - 1))
	f := s.spec.Failures[i]
	s.injected[i].TookEffect += len(failing)
	reason := fmt.Sprintf("Global failure triggered by OperatorCoordinator for 'Source: %s': Failed to list subscribed topic partitions "+
		"(the Kafka cluster did not answer within %s)", s.nodes[failing[0]].spec.Name, setting(f.FailsAfter))
	if len(failing) > 1 {
		reason += fmt.Sprintf("; %d more sources' enumerators failed the job at the same moment", len(failing)-1)
	}
	s.failRegions(reason, CauseKafkaOutage, now, s.regions, len(failing), true)
}

// armOutages arms every outage in progress for region r, which runs again.
func (s *Simulation) armOutages(r *region) {
	for i, on := range s.outageOn {
		if on {
			s.armOutage(r, i)
		}
	}
}

// armOutage schedules the failure of region r's first task touching outage
// i, fails-after from now, if that is before the outage ends.
func (s *Simulation) armOutage(r *region, i int) {
	f := s.spec.Failures[i]
	if f.Kind != FailSinkOutage {
		return // Kafka's readers wait; its enumerator fails (armDiscovery)
	}
	at := sim.Add(s.eng.Now(), f.FailsAfter)
	if at >= sim.Add(f.At, f.For) {
		return
	}
	for _, st := range r.subtasks {
		if touches(st, f.Kind) {
			s.eng.At(at, evTaskFailure, st.id, stamp(st, int64(i)))
			return
		}
	}
}

// taskFailure is subtask st failing for injected failure i, if it still
// runs the attempt the failure was scheduled for.
func (s *Simulation) taskFailure(st *subtask, arg int64) {
	v, ok := current(st, arg)
	if !ok || st.dead || st.region.state != regionRunning {
		return
	}
	i := int(v)
	f := s.spec.Failures[i]
	now := s.eng.Now()
	var reason, cause string
	switch f.Kind {
	case FailSinkOutage:
		if !s.outageActive(i) {
			return
		}
		reason = fmt.Sprintf("%s: its writes to the sink's system did not return within %s", st.name(), setting(f.FailsAfter))
		cause = CauseSinkOutage
	case FailOverload:
		reason = fmt.Sprintf("%s: java.lang.OutOfMemoryError: Java heap space (more than %.6g records/s in)", st.name(), f.Above)
		cause = CauseOverload
	default:
		reason = fmt.Sprintf("%s: a poison record at offset %d of partition %d of %s", st.name(), f.Offset, f.Partition, f.Source)
		cause = CausePoisonRecord
	}
	s.injected[i].TookEffect++
	s.failover(reason, cause, now, []*subtask{st})
}

// placePoison marks the partitions holding poison records.
func (s *Simulation) placePoison() {
	for i, f := range s.spec.Failures {
		if f.Kind != FailPoisonRecord {
			continue
		}
		for gidx, kp := range s.kafka {
			if s.kafkaOwner[gidx].spec.Name == f.Source && int(kp.index) == f.Partition {
				kp.poison, kp.poisonBy = f.Offset, i
			}
		}
	}
}

// readPoison: source subtask st's reader has reached a poison record of
// one of its splits (readSplits) and throws: the task fails at once, as an
// event, and reads nothing more until the failover cancels it.
func (s *Simulation) readPoison(st *subtask) {
	p := st.splits[st.nextSplit]
	st.poisoned = true
	s.injected[p.poisonBy].Due++
	s.eng.At(s.eng.Now(), evTaskFailure, st.id, stamp(st, int64(p.poisonBy)))
}

// atPoison reports whether source subtask st's reader is at a poison
// record it can read: it reads it next, without waiting for more records
// to fill a chunk.
func (st *subtask) atPoison() bool {
	for _, p := range st.splits {
		if p.read == p.poison && p.lag() > 0 && !p.alignPaused {
			return true
		}
	}
	return false
}

// overloadWatch follows one overload failure: the operator's position in
// its task, and each subtask's records in at the last check.
type overloadWatch struct {
	failure int
	rt      *nodeRT
	last    []int64
}

// watchOverloads sets up the overload failures.
func (s *Simulation) watchOverloads() {
	for i, f := range s.spec.Failures {
		if f.Kind != FailOverload {
			continue
		}
		for _, rt := range s.nodes {
			if rt.spec.Name == f.Operator {
				s.overloads = append(s.overloads, overloadWatch{failure: i, rt: rt, last: make([]int64, len(rt.task.subtasks))})
			}
		}
	}
}

// overloadPeriod is how often input rates are checked against overload
// limits: per second, as the limit is given.
const overloadPeriod = sim.Second

// checkOverloads runs every overloadPeriod: a running subtask that took in
// more than its operator's limit per second since the last check fails.
func (s *Simulation) checkOverloads() {
	span := overloadPeriod.Seconds()
	for _, w := range s.overloads {
		for j, st := range w.rt.task.subtasks {
			in := st.ops[w.rt.pos].in
			rate := float64(in-w.last[j]) / span
			w.last[j] = in
			if rate > s.spec.Failures[w.failure].Above && st.region.state == regionRunning && !st.dead {
				s.injected[w.failure].Due++
				s.eng.At(s.eng.Now(), evTaskFailure, st.id, stamp(st, int64(w.failure)))
			}
		}
	}
	if next := sim.Add(s.eng.Now(), overloadPeriod); next <= s.spec.Duration {
		s.eng.At(next, evOverloadCheck, 0, 0)
	}
}
