package result

// SkewSummary is where the load of a keyed operator landed: summary.json's
// skew, one per keyed operator.
type SkewSummary struct {
	Operator       string `json:"operator"`
	Parallelism    int    `json:"parallelism"`
	MaxParallelism int    `json:"max_parallelism"`
	// Ratio is the busiest subtask's records over the mean (1 is even), as
	// simulated; ExpectedRatio is the same from the key layout at the end.
	Ratio         float64 `json:"ratio"`
	ExpectedRatio float64 `json:"expected_ratio"`
	// HotSubtasks are the subtasks with more than 1.5 times the mean load
	// (at least the busiest), busiest first.
	HotSubtasks []SubtaskLoad `json:"hot_subtasks"`
	// TopKeys are the most frequent keys, with the subtask that owns them.
	TopKeys []KeyLoad `json:"top_keys,omitempty"`
	// SustainableInputRPS is the largest source rate (records/s, all
	// sources) this operator keeps up with: its busiest subtask's capacity
	// over its share of the operator's records.
	SustainableInputRPS float64 `json:"sustainable_input_rps"`
	// HottestKeyBoundRPS is what the hottest key alone allows, at any
	// parallelism (a key is processed by one subtask), or hot keys that
	// share a key group together (HottestKeys); ParallelismLimit is
	// the parallelism at which the operator reaches 90% of it (its subtask
	// carries the key and an even share of the rest; more subtasks add
	// ever less), at most the max parallelism.
	HottestKeyBoundRPS float64 `json:"hottest_key_bound_rps,omitempty"`
	ParallelismLimit   int     `json:"parallelism_limit,omitempty"`
	// HottestKeys are hot keys named in the scenario (or their salted
	// shards) that share one key group and together take more records
	// than the hottest key: the bound and the limit are then theirs
	// together, as one subtask owns a key group at any parallelism.
	HottestKeys []string `json:"hottest_keys,omitempty"`
}

// SubtaskLoad is one subtask's part of an operator's records.
type SubtaskLoad struct {
	Subtask   int     `json:"subtask"`
	Share     float64 `json:"share"`
	RecordsIn int64   `json:"records_in"`
	KeyGroups string  `json:"key_groups"` // its key-group range, e.g. "0-2"
}

// KeyLoad is one key's share of an operator's records, and the subtask
// that holds it (SpreadKey when a hot-key partitioner spreads it over
// several).
type KeyLoad struct {
	Key     string  `json:"key"`
	Subtask int     `json:"subtask"`
	Share   float64 `json:"share"`
}

// SpreadKey is KeyLoad.Subtask for a key a custom partitioner spreads
// over the subtasks (hot-key-partitioner) rather than its key group's.
const SpreadKey = -1
