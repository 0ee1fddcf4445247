package result

import (
	"errors"
	"fmt"
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
