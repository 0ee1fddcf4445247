package scenarios

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// Values of the flink: block, read as Flink's own parsers read them: the
// grammar Flink accepts, and nothing more (TimeUtils for durations,
// MemorySize for sizes, Integer.parseInt and Double.parseDouble behind
// ConfigurationUtils' conversions, StateBackendLoader's names).

func durationMs(s string) (any, error) { return parseFlinkDuration(s) }

func positiveMs(s string) (any, error) {
	d, err := parseFlinkDuration(s)
	if err == nil && d <= 0 {
		return nil, fmt.Errorf("%q must be more than 0", s)
	}
	return d, err
}

// wholeMs is a duration that Flink reads in whole milliseconds
// (Duration.toMillis) and refuses at 0: the restart strategies'
// intervals and backoffs (ExponentialDelayRestartBackoffTimeStrategy's
// "Initial backoff must be at least 1.", FailureRateRestartBackoffTimeStrategy's
// "Failures interval must be greater than 0 ms.") and the heartbeat's
// (HeartbeatServicesImpl). Below 1 ms it truncates to 0; above, the
// model truncates it as Flink does (restartSpec).
func wholeMs(s string) (any, error) {
	d, err := parseFlinkDuration(s)
	if err == nil && d < sim.Millisecond {
		return nil, fmt.Errorf("%q must be at least 1 ms: Flink takes it in whole milliseconds and refuses 0", s)
	}
	return d, err
}

// checkpointTime is a checkpoint interval or timeout: at least 10 ms
// (CheckpointCoordinatorConfiguration's MINIMAL_CHECKPOINT_TIME).
func checkpointTime(s string) (any, error) {
	d, err := parseFlinkDuration(s)
	if err != nil {
		return nil, err
	}
	if d < 10*sim.Millisecond {
		return nil, fmt.Errorf("%q is below Flink's minimum of 10 ms", s)
	}
	return d, nil
}

// flinkForever is what a Flink duration longer than sim.Time can hold
// becomes: more than any run (366d at most), so it never elapses in one, and
// small enough that adding it to any time of a run cannot overflow.
const flinkForever = sim.Never / 2

// flinkTimeUnits are TimeUtils' unit labels (its TimeUnit enum: each unit's
// singular label, and the plural with an "s" for the long ones). Nothing
// else: not "us", "w" or "mins".
var flinkTimeUnits = map[string]sim.Time{
	"d": sim.Day, "day": sim.Day, "days": sim.Day,
	"h": sim.Hour, "hour": sim.Hour, "hours": sim.Hour,
	"min": sim.Minute, "m": sim.Minute, "minute": sim.Minute, "minutes": sim.Minute,
	"s": sim.Second, "sec": sim.Second, "secs": sim.Second, "second": sim.Second, "seconds": sim.Second,
	"ms": sim.Millisecond, "milli": sim.Millisecond, "millis": sim.Millisecond, "millisecond": sim.Millisecond, "milliseconds": sim.Millisecond,
	"µs": sim.Microsecond, "micro": sim.Microsecond, "micros": sim.Microsecond, "microsecond": sim.Microsecond, "microseconds": sim.Microsecond,
	"ns": sim.Nanosecond, "nano": sim.Nanosecond, "nanos": sim.Nanosecond, "nanosecond": sim.Nanosecond, "nanoseconds": sim.Nanosecond,
}

// parseFlinkDuration reads a duration as Flink's TimeUtils.parseDuration
// does: leading ASCII digits (a Java long), then at most one unit label,
// spaces allowed around it; no unit is milliseconds. "1.5 min", "1h30m" and
// "2 w" are refused, as Flink refuses them. A whole number of days, hours,
// minutes or seconds must fit java.time.Duration's seconds (a long); what is
// longer than sim.Time holds (Long.MAX_VALUE ms is a common "never") becomes
// flinkForever.
func parseFlinkDuration(s string) (sim.Time, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("%q is not a Flink duration: a whole number and one unit (ms if none: d, h, min or m, s, ms, µs, ns, or their long names)", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is too large: Flink reads durations as a Java long (at most %d)", s, int64(math.MaxInt64))
	}
	label := strings.ToLower(strings.TrimSpace(t[i:]))
	u, ok := flinkTimeUnits[label]
	if label == "" {
		u, ok = sim.Millisecond, true
	}
	if !ok {
		return 0, fmt.Errorf("%q: Flink knows no time unit %q (d, h, min or m, s, ms, µs, ns, or their long names; one unit, a whole number)", s, label)
	}
	if msPer := int64(u / sim.Millisecond); msPer > 0 && n > math.MaxInt64/msPer {
		// java.time.Duration.toMillis, which Flink's users of a duration
		// call, overflows (ArithmeticException).
		return 0, fmt.Errorf("%q is too large: Flink reads a duration as milliseconds in a Java long (at most %d ms)", s, int64(math.MaxInt64))
	}
	if n > int64(flinkForever/u) {
		return flinkForever, nil
	}
	return sim.Time(n) * u, nil
}

func enum(values ...string) func(string) (any, error) {
	return func(s string) (any, error) {
		for _, v := range values {
			if strings.EqualFold(s, v) {
				return v, nil
			}
		}
		return nil, fmt.Errorf("%q is not one of %s", s, strings.Join(values, ", "))
	}
}

// checkpointStorage reads execution.checkpointing.storage as
// CheckpointStorageLoader.fromConfig does: a shortcut name in any case
// (jobmanager, filesystem) or a CheckpointStorageFactory class name, of
// which flinksim knows Flink's own two.
// checkpointDirectory is a checkpoint directory, its trailing slash
// dropped as Flink's Path drops it.
func checkpointDirectory(s string) (any, error) {
	if d := strings.TrimRight(s, "/"); d != "" {
		return d, nil
	}
	return nil, fmt.Errorf("%q is not a directory: give a file system URI such as s3://bucket/checkpoints", s)
}

func checkpointStorage(s string) (any, error) {
	switch strings.ToLower(s) {
	case "jobmanager", "filesystem":
		return strings.ToLower(s), nil
	}
	if c, ok := checkpointStorageFactories[s]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("%q is not a checkpoint storage flinksim models (jobmanager, filesystem, or their factory classes)", s)
}

// checkpointStorageFactories are Flink's CheckpointStorageFactory classes
// (flink-runtime's state.storage package), by their shortcut.
var checkpointStorageFactories = map[string]string{
	"org.apache.flink.runtime.state.storage.JobManagerCheckpointStorageFactory": "jobmanager",
	"org.apache.flink.runtime.state.storage.FileSystemCheckpointStorageFactory": "filesystem",
}

func claimMode(s string) (any, error) {
	switch u := strings.ToUpper(s); u {
	case "CLAIM", "NO_CLAIM", "LEGACY":
		return u, nil
	}
	return nil, fmt.Errorf("%q is not a restore mode (CLAIM, NO_CLAIM, LEGACY)", s)
}

func restartKind(s string) (any, error) {
	switch strings.ToLower(s) {
	case "none", "off", "disable":
		return "none", nil
	case "fixed-delay", "fixeddelay":
		return "fixed-delay", nil
	case "failure-rate", "failurerate":
		return "failure-rate", nil
	case "exponential-delay", "exponentialdelay":
		return "exponential-delay", nil
	}
	return nil, fmt.Errorf("%q is not a restart strategy (none, fixed-delay, failure-rate, exponential-delay)", s)
}

// javaDouble reads a number as Java's Double.parseDouble does (what
// ConfigurationUtils converts a double option's text with): surrounding
// spaces, a sign, decimal
// digits with a point and an exponent, and a float or double suffix ("2.0f",
// "1e3d"); NaN and Infinity as Java spells them.
func javaDouble(s string) (float64, bool) {
	t := strings.TrimSpace(s)
	if !javaDoubleForm.MatchString(t) {
		return 0, false
	}
	t = strings.TrimRight(t, "fFdD")
	if strings.HasSuffix(t, "NaN") {
		return math.NaN(), true
	}
	v, err := strconv.ParseFloat(t, 64) // Go reads "Infinity" too
	return v, err == nil || errors.Is(err, strconv.ErrRange)
}

// javaDoubleForm is what Double.parseDouble reads (FloatingDecimal
// .readJavaFormatString): a decimal, or a hexadecimal with its binary
// exponent (0x1p-3 is 0.125, as in Java's source), either with a float or
// double suffix.
var javaDoubleForm = regexp.MustCompile(`^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+)[fFdD]?)$`)

// anyDouble is any number Java's Double.parseDouble reads (a doubleType
// option's value as Flink's Configuration converts it); what the number
// means is checked where it is used.
func anyDouble(s string) (any, error) {
	v, ok := javaDouble(s)
	if !ok {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// javaDoubleText writes a number so that Java's Double.parseDouble (and
// anyDouble) reads it back: infinities as Java spells them.
func javaDoubleText(v any) string {
	f, _ := v.(float64)
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func floatAbove(lo float64) func(string) (any, error) {
	return func(s string) (any, error) {
		v, ok := javaDouble(s)
		if !ok || math.IsNaN(v) || v <= lo || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q must be a number above %g", s, lo)
		}
		return v, nil
	}
}

// backoffMultiplier is exponential-delay's backoff-multiplier as Flink
// takes it: any double Double.parseDouble reads (ConfigurationUtils'
// conversion of a Double option) that is above 1, the check of
// ExponentialDelayRestartBackoffTimeStrategy's constructor
// (backoffMultiplier > 1, "Backoff multiplier must be greater than 1."):
// Infinity too, or a number too large for a double, which Java reads as
// Infinity ("1e400"); not NaN, which compares false. Java spells no "inf".
func backoffMultiplier(s string) (any, error) {
	v, ok := javaDouble(s)
	if !ok || !(v > 1) {
		return nil, fmt.Errorf("%q must be a number above 1 (Infinity too)", s)
	}
	return v, nil
}

func floatBetween(lo, hi float64) func(string) (any, error) {
	return func(s string) (any, error) {
		v, ok := javaDouble(s)
		if !ok || math.IsNaN(v) || v < lo || v > hi {
			return nil, fmt.Errorf("%q must be a number from %g to %g", s, lo, hi)
		}
		return v, nil
	}
}

// fraction is a memory fraction: at least 0 and below 1, as
// TaskExecutorProcessUtils checks it.
func fraction(s string) (any, error) {
	v, ok := javaDouble(s)
	if !ok || math.IsNaN(v) || v < 0 || v >= 1 {
		return nil, fmt.Errorf("%q must be a fraction from 0 up to (not including) 1", s)
	}
	return v, nil
}

// rpcFailureThreshold is above 0, or -1 (off), as HeartbeatManagerImpl
// requires.
func rpcFailureThreshold(s string) (any, error) {
	v, err := intRange(-1, math.MaxInt32)(s)
	if err == nil && v == 0 {
		return nil, fmt.Errorf("must be above 0, or -1 to turn the detection of unreachable TaskManagers off")
	}
	return v, err
}

func intRange(lo, hi int) func(string) (any, error) {
	return func(s string) (any, error) {
		v, err := strconv.Atoi(s)
		if errors.Is(err, strconv.ErrRange) {
			// all digits, beyond any int: Integer.parseInt's
			// NumberFormatException, told the range as a smaller value is
			return nil, fmt.Errorf("%s is out of range (%d to %d)", s, lo, hi)
		}
		if err != nil {
			return nil, notFlinkWhole(s, fmt.Sprintf("from %d to %d", lo, hi))
		}
		if v < lo || v > hi {
			return nil, fmt.Errorf("%d is out of range (%d to %d)", v, lo, hi)
		}
		return v, nil
	}
}

// bufferCount is a number of network buffers that Flink reserves at
// deployment (exclusive per channel, floating per gate): past 65536 a
// channel or gate alone needs more network memory than a TaskManager can
// have (65536 × the 4 kb least segment is 256 mb, over network.min and far
// over any gate's share), and Flink fails with "Insufficient number of
// network buffers" (NetworkBufferPool).
func bufferCount(lo int) func(string) (any, error) {
	return func(s string) (any, error) {
		v, err := intRange(lo, math.MaxInt32)(s)
		switch {
		case err != nil && strings.Contains(err.Error(), "out of range"):
			// below lo: the range is flinksim's, as above it
			return nil, fmt.Errorf("%s is out of range (%d to 65536)", strings.TrimSpace(s), lo)
		case err != nil:
			return nil, notFlinkWhole(s, fmt.Sprintf("from %d to 65536", lo))
		case err == nil && v.(int) > 1<<16:
			return nil, fmt.Errorf("%s buffers would need more network memory than a TaskManager has: Flink fails at deployment with \"Insufficient number of network buffers\" (flinksim takes %d to 65536)", s, lo)
		}
		return v, err
	}
}

// notFlinkWhole is the problem of a value Flink's Integer.parseInt
// refuses, with the range allowed. A whole number written as a count is
// outside flink: (1e3, 1k) is told that Flink reads digits only.
func notFlinkWhole(s, allowed string) error {
	if _, whole := wholeCount(s); whole {
		return fmt.Errorf("%q is not a whole number as Flink reads one: digits only (Integer.parseInt takes no 1e3 or 1k), %s", s, allowed)
	}
	if strings.HasPrefix(allowed, "from ") {
		return fmt.Errorf("%q is not a whole number: give one %s", s, allowed)
	}
	return fmt.Errorf("%q is not a whole number: give %s", s, allowed)
}

func maxParallelism(s string) (any, error) {
	v, err := strconv.Atoi(s)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, notFlinkWhole(s, fmt.Sprintf("-1 for Flink's default rule, or 1 to %d", partitioning.MaxMaxParallelism))
	}
	if err != nil || v != -1 && (v < 1 || v > partitioning.MaxMaxParallelism) {
		return nil, fmt.Errorf("%s is out of range (-1 for Flink's default rule, or 1 to %d)", s, partitioning.MaxMaxParallelism)
	}
	return v, nil
}

func boolean(s string) (any, error) {
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return nil, fmt.Errorf("%q is not true or false", s)
}

func memoryAtLeast(lo int64) func(string) (any, error) {
	return func(s string) (any, error) {
		v, err := ParseFlinkMemory(s)
		if err != nil {
			return nil, err
		}
		if v < lo {
			return nil, fmt.Errorf("%s must be at least %s", s, FormatFlinkMemory(lo))
		}
		return v, nil
	}
}

func segmentSize(s string) (any, error) {
	v, err := ParseFlinkMemory(s)
	if err != nil {
		return nil, err
	}
	if v < 4096 || v&(v-1) != 0 || v > 1<<30 {
		return nil, fmt.Errorf("%s must be a power of two from 4 kb to 1 gb", s)
	}
	return v, nil
}

// minSegmentSize is taskmanager.memory.min-segment-size, and 2.x's
// starting-segment-size: a size of at least one byte (Flink checks them
// against the segment size, as resolve does).
func minSegmentSize(s string) (any, error) {
	v, err := ParseFlinkMemory(s)
	if err != nil {
		return nil, err
	}
	if v < 1 {
		return nil, fmt.Errorf("%s must be at least 1 b", s)
	}
	return v, nil
}

// bufferTimeout is a duration like any: TimeUtils reads no sign, so the "-1"
// the API takes (setBufferTimeout(-1): flush only full buffers) fails as a
// configuration value (FLINK-32023); execution.buffer-timeout.enabled: false
// (1.18+) says it.
func bufferTimeout(s string) (any, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "-") {
		return nil, fmt.Errorf("%q: Flink reads durations without a sign, and fails on it; to flush only full buffers, set execution.buffer-timeout.enabled: false (Flink 1.18 and later)", s)
	}
	return parseFlinkDuration(s)
}

func memory(v any) string        { return FormatFlinkMemory(v.(int64)) }
func flinkDuration(v any) string { return FormatFlinkDuration(v.(sim.Time)) }
