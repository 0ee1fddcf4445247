package result

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/flinksim/flinksim/sim"
)

// DefaultStartTime is the wall time of virtual time 0 unless run's
// --start-time says otherwise: a fixed instant, never the wall clock, so
// that a seed gives the same bytes on every machine and day.
var DefaultStartTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseStartTime reads a --start-time value (RFC 3339, e.g.
// 2026-01-01T00:00:00Z or with an offset, +01:00; RFC 3339 allows t and z
// in lower case), as Summary.StartTime holds it. It is at the Unix epoch or
// later: Flink's timestamps and Prometheus' are milliseconds since then, and
// a block of samples before it does not load.
func ParseStartTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err == nil && t.Before(time.Unix(0, 0)) {
		return t, fmt.Errorf("%s is %w", s, ErrBeforeEpoch)
	}
	return t, err
}

// ErrBeforeEpoch is ParseStartTime's error for a well-formed time before
// 1970: Flink's timestamps are milliseconds since the epoch, from 0.
var ErrBeforeEpoch = errors.New("before the Unix epoch (1970-01-01T00:00:00Z)")

// FormatStartTime is the Summary.StartTime of t: RFC 3339 in UTC.
func FormatStartTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// startMs is the Unix time in milliseconds of virtual time 0: the
// summary's StartTime, or 0 (the epoch) without one (or an unreadable one,
// which ParseStartTime refused before any run).
func (r *Result) startMs() int64 {
	if r.Summary.StartTime == "" {
		return 0
	}
	t, err := ParseStartTime(r.Summary.StartTime)
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}

// wallMs is virtual time t as a Unix timestamp in milliseconds, as Flink's
// REST API gives timestamps.
func (r *Result) wallMs(t sim.Time) int64 { return r.startMs() + ms(t) }

// Watermarks in the files. A run holds a watermark as flinksim's event
// time: ms of virtual time, the instant a record was produced, less its
// delay. Flink's gauges (WatermarkGauge, and MinWatermarkGauge over two
// inputs) report the watermark itself, an event-time timestamp: with a
// Kafka source, the records' timestamps, Unix ms. The files give Flink's
// value (virtual time from the summary's StartTime, as checkpoints.json
// gives timestamps) and reading them back takes it off again, so a run
// read back draws the same. Long.MIN_VALUE, which WatermarkGauge reports
// before the first watermark, stays Long.MIN_VALUE.

// isWatermark says whether metric's values are watermarks.
func isWatermark(metric string) bool {
	return metric == MetricInputWatermark || metric == MetricOutputWatermark
}

// fileValue is value v of metric as the files give it.
func (r *Result) fileValue(metric string, v float64) float64 {
	if !isWatermark(metric) || v <= math.MinInt64 {
		return v
	}
	return v + float64(r.startMs())
}

// runValue is value v of metric as a file gave it, as the run holds it.
func (r *Result) runValue(metric string, v float64) float64 {
	if !isWatermark(metric) || v <= math.MinInt64 {
		return v
	}
	return v - float64(r.startMs())
}
