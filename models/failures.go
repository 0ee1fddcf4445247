package models

import (
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// The record of failovers and restores: every one is counted (restarts,
// causes, downtime), the first maxListed in detail, and the latest always,
// so that a failover storm of millions costs bounded memory and
// summary.json stays readable.

// maxListed is how many failovers are kept in detail.
const maxListed = 10000

// failoverLog holds the failovers of a run.
type failoverLog struct {
	listed  []result.FailureEvent // the first maxListed
	latest  result.FailureEvent   // the latest, when beyond them
	count   int32                 // all failovers
	byCause []result.CauseCount   // in order of first occurrence
	scratch result.FailureEvent   // updates of a failover neither listed nor latest
}

// record adds a failover and returns its number (its events' Actor).
func (s *Simulation) record(ev result.FailureEvent) int32 {
	l := &s.fails
	op := l.count
	l.count++
	if len(l.listed) < maxListed {
		l.listed = append(l.listed, ev)
	} else {
		l.latest = ev
	}
	k := 0
	for k < len(l.byCause) && l.byCause[k].Cause != ev.Cause {
		k++
	}
	if k == len(l.byCause) {
		l.byCause = append(l.byCause, result.CauseCount{Cause: ev.Cause})
	}
	l.byCause[k].Count++
	return op
}

// failure is failover op's record; one no longer kept returns a scratch
// record whose updates are dropped.
func (s *Simulation) failure(op int32) *result.FailureEvent {
	l := &s.fails
	switch {
	case int(op) < len(l.listed):
		return &l.listed[op]
	case op == l.count-1:
		return &l.latest
	}
	l.scratch = result.FailureEvent{}
	return &l.scratch
}

// failovers are the failovers kept: the first maxListed, then the latest.
func (s *Simulation) failovers() []result.FailureEvent {
	l := &s.fails
	out := l.listed[:len(l.listed):len(l.listed)]
	if int(l.count) > len(l.listed) {
		out = append(out, l.latest)
	}
	return out
}

// noteRestore records a restore: all are counted, the first maxListed-1
// and the latest kept.
func (c *coordinator) noteRestore(r result.RestoreStats) {
	c.restoredN++
	if r.ID == 0 {
		c.fromStart++
	}
	if len(c.restored) < maxListed {
		c.restored = append(c.restored, r)
	} else {
		c.restored[len(c.restored)-1] = r
	}
}

// reportRestore: the coordinator hands checkpoint id's state to the tasks
// of a restart as its delay ends, before they are deployed, and reports
// the restore to its statistics then
// (CheckpointCoordinator.restoreLatestCheckpointedStateInternal calls
// CheckpointStatsTracker.reportRestoredCheckpoint): REST's
// counts.restored and latest.restored count it while the tasks still
// download the state, and when another failure cuts the restore short.
// A restart that finds no completed checkpoint reports none.
func (c *coordinator) reportRestore(id int64, now sim.Time) {
	if id == 0 {
		return
	}
	c.reported++
	c.lastReported = result.RestoreStats{ID: id, StateAt: now}
}
