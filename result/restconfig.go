package result

import (
	"encoding/json"
	"io"
)

// CheckpointConfig is checkpoint-config.json: the run's checkpointing
// configuration as Flink's REST API returns it for
// GET /jobs/:jobid/checkpoints/config (CheckpointConfigInfo, with the
// fields a Flink 1.17 JobManager writes). Durations are milliseconds.
type CheckpointConfig struct {
	// Mode is "exactly_once" or "at_least_once": Flink's
	// ProcessingModeSerializer writes the enum in lower case.
	Mode          string `json:"mode"`
	Interval      int64  `json:"interval"`
	Timeout       int64  `json:"timeout"`
	MinPause      int64  `json:"min_pause"`
	MaxConcurrent int64  `json:"max_concurrent"`
	// Externalization is the retention of checkpoints after the job ends
	// (enabled: retained; delete_on_cancellation: not when cancelled).
	Externalization struct {
		Enabled              bool `json:"enabled"`
		DeleteOnCancellation bool `json:"delete_on_cancellation"`
	} `json:"externalization"`
	StateBackend      string `json:"state_backend"`      // HashMapStateBackend, EmbeddedRocksDBStateBackend
	CheckpointStorage string `json:"checkpoint_storage"` // FileSystemCheckpointStorage, JobManagerCheckpointStorage, MemoryStateBackend
	// Directory and MetadataInMemory place completed checkpoints'
	// external paths (checkpoints.json); Flink's config handler reports
	// neither.
	Directory        string `json:"-"`
	MetadataInMemory bool   `json:"-"`
	Unaligned        bool   `json:"unaligned_checkpoints"`
	Tolerable        int    `json:"tolerable_failed_checkpoints"`
	AlignedTimeout   int64  `json:"aligned_checkpoint_timeout"`
	AfterTasksFinish bool   `json:"checkpoints_after_tasks_finish"`
	Changelog        bool   `json:"state_changelog_enabled"`
	Materialization  int64  `json:"changelog_periodic_materialization_interval"`
	ChangelogStorage string `json:"changelog_storage"` // memory, filesystem
	// NumRetained is execution.checkpointing.num-retained: the completed
	// checkpoints kept, newest first; older ones are discarded
	// (checkpoints.json's discarded). Not part of Flink's reply.
	NumRetained int `json:"-"`
	// HistorySize is web.checkpoints.history (WebOptions, 10 by default):
	// how many of the latest checkpoints checkpoints.json's history lists
	// (CheckpointStatsHistory). Not part of Flink's reply.
	HistorySize int `json:"-"`
	// NoSavepointFormat: the release's REST has no savepointFormat in a
	// checkpoint's entry (before 1.17, which added it: FLINK-29322). Not
	// part of Flink's reply.
	NoSavepointFormat bool `json:"-"`
}

// WriteCheckpointConfigJSON writes checkpoint-config.json.
func (r *Result) WriteCheckpointConfigJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r.CheckpointConfig, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
