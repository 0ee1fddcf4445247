package models

import "github.com/flinksim/flinksim/sim"

// CheckpointStats is one checkpoint as Flink's REST API reports it.
type CheckpointStats struct {
	ID             int64
	Status         string // IN_PROGRESS, COMPLETED, FAILED
	Trigger        sim.Time
	LatestAck      sim.Time
	Failure        sim.Time
	FailureMessage string
	Duration       sim.Time // end-to-end: trigger to last ack (completion) or failure
	NumSubtasks    int
	NumAcked       int
	Unaligned      bool
	StateSize      int64 // full size
	Checkpointed   int64 // written by this checkpoint
	ProcessedData  int64
	PersistedData  int64
	Tasks          []TaskCheckpointStats
}

// TaskCheckpointStats is one job vertex's part of a checkpoint.
type TaskCheckpointStats struct {
	Name          string
	NumSubtasks   int
	NumAcked      int
	LatestAck     sim.Time
	StateSize     int64
	Checkpointed  int64
	ProcessedData int64
	PersistedData int64
	Subtasks      []SubtaskCheckpointStats
}

// SubtaskCheckpointStats is one subtask's part of a checkpoint.
type SubtaskCheckpointStats struct {
	Index      int
	Acked      bool
	Ack        sim.Time
	Sync       sim.Time
	Async      sim.Time
	Alignment  sim.Time
	StartDelay sim.Time
	Unaligned  bool
	StateSize  int64
	Uploaded   int64
	Persisted  int64
	Processed  int64
}

// RestoreStats is one restore from a checkpoint (ID 0: none had completed).
type RestoreStats struct {
	ID   int64
	At   sim.Time
	Down sim.Time // how long the job was down
}

// fillStats copies a pending checkpoint's per-subtask data into its stats.
func (s *Simulation) fillStats(p *pendingCheckpoint) {
	st := p.stats
	st.Tasks = st.Tasks[:0]
	st.StateSize, st.Checkpointed, st.PersistedData, st.ProcessedData = 0, 0, 0, 0
	for _, t := range s.tasks {
		ts := TaskCheckpointStats{Name: t.name, NumSubtasks: len(t.subtasks)}
		for _, sub := range t.subtasks {
			ss := p.subs[sub.id]
			if ss.acked {
				ts.NumAcked++
				ts.LatestAck = max(ts.LatestAck, ss.ack)
			}
			// Flink counts channel state in a subtask's state size
			// (OperatorSubtaskState sums keyed, operator, input channel and
			// result subpartition state).
			// Channel state persisted after the snapshot (barriers overtaking
			// at the aligned-checkpoint timeout) is written too.
			stateSize, written := ss.stateSize+ss.persisted, ss.stateUp+ss.persisted
			ts.StateSize += stateSize
			ts.Checkpointed += written
			ts.PersistedData += ss.persisted
			ts.ProcessedData += ss.processed
			st.Unaligned = st.Unaligned || ss.unaligned
			ts.Subtasks = append(ts.Subtasks, SubtaskCheckpointStats{Index: sub.index, Acked: ss.acked, Ack: ss.ack,
				Sync: ss.sync, Async: ss.async, Alignment: ss.alignment, StartDelay: ss.startDelay,
				Unaligned: ss.unaligned, StateSize: stateSize, Uploaded: written, Persisted: ss.persisted, Processed: ss.processed})
		}
		st.StateSize += ts.StateSize
		st.Checkpointed += ts.Checkpointed
		st.PersistedData += ts.PersistedData
		st.ProcessedData += ts.ProcessedData
		st.Tasks = append(st.Tasks, ts)
	}
}
