package diagnose

import (
	"fmt"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// A sink whose writers send only full batches holds what it takes until a
// batch fills: no batch-interval (JdbcExecutionOptions' batchIntervalMs 0,
// its default), a batch-size above one record (batchSize, 5000 by
// default), and no checkpoint that flushes the writers: Flink flushes a
// sink's writer at every barrier (SinkWriterOperator
// .prepareSnapshotPreBarrier, a SinkFunction's snapshotState) unless its
// delivery guarantee is none (KafkaWriter.flush skips it under NONE), so
// the guarantee is none, or at-least-once with checkpointing off. Such a
// sink that took records over the second half of the run while its
// writers sent none there (numRecordsSend, summed across the job's
// attempts; over the whole run when read back without series) is silent:
// a JDBC sink at a few records a second holds them for good. An
// at-least-once sink with checkpointing on is judged by what it took: the
// next barrier sends what it holds. A sink whose batches fill about as
// slowly as half the run sends one over the half or none as the arrivals
// fall, and is judged silent only when none.

// waitsForBatch reports whether nothing but a full batch sends what sink
// k's writers hold.
func waitsForBatch(k result.SinkSummary, checkpointing bool) bool {
	if k.BatchSize <= 1 || k.BatchIntervalS > 0 {
		return false
	}
	return k.Guarantee == "none" || k.Guarantee == "at-least-once" && !checkpointing
}

// bufferedWhy is the verdict's clause for the buffered sink h: what it
// took over the second half of the run (series) or the whole run, what its
// writers hold at the end (named even when it took nothing over the half:
// a rate that fell to nothing leaves them there for good), and why they
// sent none of it.
func bufferedWhy(h sinkHalf, series bool) string {
	span := "in the run"
	if series {
		span = "over the second half of the run"
	}
	who, sends := "its writer", "it sends"
	if h.writers > 1 {
		who, sends = fmt.Sprintf("its %d writers", h.writers), "each sends"
	}
	flush := "no checkpoint flushes a writer whose delivery guarantee is none (a batch-interval, a smaller batch-size or at-least-once with checkpointing would send them)"
	if h.guarantee == "at-least-once" {
		flush = "with checkpointing off no checkpoint flushes it (a batch-interval, a smaller batch-size or checkpointing would send them)"
	}
	took := human.Count(h.took) + " records"
	if h.took <= 0 {
		took = "no record"
	}
	return fmt.Sprintf("%s took %s %s and %s sent none, holding %s at the end: %s a batch of %s records (its batch-size) and has no batch-interval, and %s",
		h.name, took, span, who, human.Count(float64(h.held)), sends, human.Count(float64(h.batch)), flush)
}
