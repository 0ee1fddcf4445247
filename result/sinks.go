package result

// SinkSummary is what became of the records a sink took, counted by their
// position in each sink subtask's output stream: a restore rewinds the
// stream to the checkpoint's position and the job replays the same records
// after it, so a position is one record however often it is written.
type SinkSummary struct {
	Sink      string `json:"sink"`
	Guarantee string `json:"delivery_guarantee"` // none, at-least-once, exactly-once (Flink's DeliveryGuarantee)
	System    string `json:"system"`             // generic, kafka, jdbc
	// BatchSize is the records a writer (each subtask's) holds before it
	// sends them; BatchIntervalS how long after its first record it sends
	// a batch that is not full (0: only full batches, and a checkpoint's
	// flush unless the guarantee is none): the scenario's batch-size and
	// batch-interval (JdbcExecutionOptions' batchSize and batchIntervalMs,
	// a KafkaProducer's batching and linger.ms). 0 in a run read back from
	// before they were written.
	BatchSize      int64   `json:"batch_size"`
	BatchIntervalS float64 `json:"batch_interval_s"`
	// Taken counts records the writer took, every attempt; Sent those it
	// sent to the system (Flink's numRecordsSend), aborted transactions'
	// included.
	Taken int64 `json:"records_taken"`
	Sent  int64 `json:"numRecordsSend"`
	// ReadCommitted is what a read_committed reader (or a database's
	// READ COMMITTED one) sees; ReadUncommitted one that reads what was
	// sent, committed or not. Without transactions they are the same.
	ReadCommitted   SinkView `json:"read_committed"`
	ReadUncommitted SinkView `json:"read_uncommitted"`
	// CommitLatency is, per record visible to the read_committed reader,
	// the time from the writer taking it to the reader seeing it (the
	// first time): the buffer's wait, or the transaction's commit after
	// its checkpoint, and for Kafka the last stable offset held by older
	// open transactions. VisibleLatency is from the record's creation.
	// Both are None (null quantiles) when the reader saw no record: none
	// taken, or none visible yet.
	CommitLatency  OptionalLatency `json:"commit_latency_s"`
	VisibleLatency OptionalLatency `json:"visible_latency_s"`
	// Committables counts a two-phase-commit sink's commits with the
	// committer metrics' names (SinkCommitterMetricGroup).
	Committables *Committables `json:"committables,omitempty"`
	// Upsert is present for an idempotent upsert sink.
	Upsert *UpsertSummary `json:"upsert,omitempty"`
}

// SinkView counts records by how often a reader saw them by the end.
// Pending are records taken but never yet visible (buffered, or in an
// unresolved transaction); Lost those never visible that no restore will
// write again; Records all the others.
type SinkView struct {
	Records      int64 `json:"records"`
	Once         int64 `json:"visible_once"`
	MoreThanOnce int64 `json:"visible_more_than_once"`
	// ExtraCopies is the copies seen beyond the first (duplicates);
	// Times[k] counts records seen k times (Times[0] are the lost ones).
	ExtraCopies int64   `json:"extra_copies"`
	Times       []int64 `json:"times_visible"`
	Lost        int64   `json:"lost"`
	Pending     int64   `json:"pending"`
}

// Committables are a sink's commits, with the names of Flink's committer
// metrics, and the transactions its system aborted.
type Committables struct {
	Total            int64 `json:"totalCommittables"`
	Successful       int64 `json:"successfulCommittables"`
	AlreadyCommitted int64 `json:"alreadyCommittedCommittables"`
	Failed           int64 `json:"failedCommittables"`
	Retried          int64 `json:"retriedCommittables"`
	Pending          int64 `json:"pendingCommittables"` // at the end
	// AbortedByBroker counts Kafka transactions the broker aborted past
	// transaction.timeout.ms; LostRecords the records of commits that
	// failed with a known reason (the broker had aborted the transaction,
	// or an injected commit-failure): dropped, never visible. A commit
	// that failed for an unknown reason is committed again by the
	// restored job: it counts as failed and as successful. Committables of
	// a checkpoint that did not complete, aborted when the job restores an
	// older one, are in no outcome (as in Flink).
	AbortedByBroker int64 `json:"transactions_aborted_by_broker"`
	LostRecords     int64 `json:"records_lost_in_failed_commits"`
	// OpenMaxS is the longest a transaction stayed open (first write to
	// commit or abort): a Kafka transaction holds read_committed readers
	// of its partitions at its first offset that long.
	OpenMaxS float64 `json:"transaction_open_max_s"`
}

// UpsertSummary: records written again overwrite their row. They converge
// to what a run without failures shows unless values are not deterministic
// (Diverged: rows that changed value when written again) or an older
// version is written over a newer one (Regressed: rows that went back to
// an older version until the replay caught up; expected count).
type UpsertSummary struct {
	Keys          int64 `json:"keys"`
	Deterministic bool  `json:"deterministic"`
	Versioned     bool  `json:"versioned"`
	Rewrites      int64 `json:"rewrites"`
	Diverged      int64 `json:"rows_diverged"`
	Regressed     int64 `json:"rows_regressed"`
	Converges     bool  `json:"converges"`
}
