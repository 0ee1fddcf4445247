package sim

import (
	"math"
	"strconv"
)

// Time is virtual time, or a virtual duration, in nanoseconds.
type Time int64

// Units of virtual time.
const (
	Nanosecond  Time = 1
	Microsecond      = 1000 * Nanosecond
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
	Minute           = 60 * Second
	Hour             = 60 * Minute
	Day              = 24 * Hour
)

// Never is a time after every other; it marks "not scheduled".
const Never Time = math.MaxInt64

// Seconds returns t in seconds.
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// Add returns a+b, saturating at ±Never instead of wrapping around: times
// computed from user input (timeouts, delays, backoffs) may be huge.
func Add(a, b Time) Time {
	sum := a + b
	switch {
	case (sum > a) != (b > 0): // wrapped around
		if b > 0 {
			return Never
		}
		return -Never
	case sum < -Never:
		return -Never
	}
	return sum
}

// Scale returns t×k rounded to the nanosecond, saturating at ±Never.
func Scale(t Time, k float64) Time {
	return fromNanos(float64(t) * k)
}

// FromSeconds converts seconds to Time, rounding to the nearest nanosecond and
// saturating at ±Never so that huge values cannot wrap around.
func FromSeconds(s float64) Time { return fromNanos(s * float64(Second)) }

func fromNanos(ns float64) Time {
	switch {
	case math.IsNaN(ns):
		return 0
	case ns >= float64(Never):
		return Never
	case ns <= -float64(Never):
		return -Never
	}
	return Time(math.Round(ns))
}

// String prints t with the largest unit that keeps it readable: 1.5s, 250ms, 2h0m.
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	neg := t < 0
	if neg {
		t = -t
	}
	var s string
	switch {
	case t >= Hour:
		s = strconv.FormatInt(int64(t/Hour), 10) + "h" + strconv.FormatInt(int64(t%Hour/Minute), 10) + "m"
	case t >= Minute:
		s = strconv.FormatInt(int64(t/Minute), 10) + "m" + strconv.FormatFloat(float64(t%Minute)/float64(Second), 'f', -1, 64) + "s"
	case t >= Second:
		s = strconv.FormatFloat(float64(t)/float64(Second), 'f', -1, 64) + "s"
	case t >= Millisecond:
		s = strconv.FormatFloat(float64(t)/float64(Millisecond), 'f', -1, 64) + "ms"
	case t >= Microsecond:
		s = strconv.FormatFloat(float64(t)/float64(Microsecond), 'f', -1, 64) + "µs"
	default:
		s = strconv.FormatInt(int64(t), 10) + "ns"
	}
	if neg {
		return "-" + s
	}
	return s
}
