package scenarios

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/sim"
)

// A scenario's flink-version selects the defaults that changed between Flink
// releases and the key names a release reads. Without one, Flink 1.20 (the
// LTS release flinksim's defaults are taken from) applies.

// flinkVersions are the releases flinksim knows, oldest first.
var flinkVersions = []string{"1.15", "1.16", "1.17", "1.18", "1.19", "1.20", "2.0", "2.1", "2.2", "2.3"}

// defaultFlinkVersion is the release a scenario without flink-version runs.
const defaultFlinkVersion = "1.20"

// flinkRelease is an index into flinkVersions.
type flinkRelease int

func (f flinkRelease) String() string { return flinkVersions[f] }

// before tells whether release f is older than version v (one of flinkVersions).
func (f flinkRelease) before(v string) bool {
	r, err := parseFlinkVersion(v)
	if err != nil {
		panic("scenarios: unknown Flink version " + v)
	}
	return f < r
}

// parseFlinkVersion reads "1.18" or "1.18.1" (a patch release has its minor
// release's defaults).
func parseFlinkVersion(s string) (flinkRelease, error) {
	t := strings.TrimSpace(s)
	parts := strings.Split(t, ".")
	if len(parts) == 3 {
		if _, err := strconv.ParseUint(parts[2], 10, 32); err == nil {
			t = parts[0] + "." + parts[1]
		}
	}
	for i, v := range flinkVersions {
		if t == v {
			return flinkRelease(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not a Flink release flinksim knows (%s; quote it, e.g. \"1.20\", so YAML keeps the 0)",
		s, strings.Join(flinkVersions, ", "))
}

// versionDefaults are modelled options' values in the releases from `from`
// up to (not including) `until` ("" for no bound) where they differ from
// flinkOptions' (1.20's):
//   - FLIP-364 (1.19, FLINK-33735, RestartStrategyOptions): exponential-delay's
//     backoff-multiplier went from 2.0 to 1.5 and its max-backoff from 5 min
//     to 1 min.
//   - FLINK-30469 (1.17): taskmanager.memory.network.max went from 1g to
//     Long#MAX_VALUE.
//   - Overdraft buffers came with FLIP-227 in 1.16 (FLINK-26762): none before.
//   - Flink 2.0 removed the four network buffer counts (release notes, "List
//     of removed configuration options", after their deprecation in 1.20 by
//     FLINK-35461): 2.x fixes them in NettyShuffleEnvironmentConfiguration.
//     Exclusive 2, floating 8 and 10 per subpartition are 1.20's defaults; the
//     overdraft is 20 (NettyShuffleEnvironmentConfiguration.fromConfiguration
//     in a 2.x source read for the network buffer check: 2, 8, 10 and 20).
var versionDefaults = []struct{ key, from, until, value string }{
	{"restart-strategy.exponential-delay.backoff-multiplier", "", "1.19", "2.0"},
	{"restart-strategy.exponential-delay.max-backoff", "", "1.19", "5 min"},
	{"taskmanager.memory.network.max", "", "1.17", "1 gb"},
	{"taskmanager.network.memory.max-overdraft-buffers-per-gate", "", "1.16", "0"},
	{"taskmanager.network.memory.max-overdraft-buffers-per-gate", "2.0", "", "20"},
}

// keySince is the release that introduced a modelled option's current name;
// an older release reads only its older names (flinkOptions' Deprecated).
// Options not listed have had their name in every release flinksim knows.
// Sources: FLINK-29372 (1.17, "Add suffix to all options that conflict with
// YAML"), FLINK-31996 and FLINK-32023 (1.18), FLINK-34255, FLINK-34454 and
// FLINK-34458 (1.20, FLIP-406's renames), FLIP-227 (1.16), FLINK-32895
// (1.19).
var keySince = map[string]string{
	"restart-strategy.type":                                     "1.17",
	"kubernetes.taskmanager.cpu.amount":                         "1.17",
	"state.backend.type":                                        "1.17",
	"execution.checkpointing.unaligned.enabled":                 "1.17",
	"pipeline.operator-chaining.enabled":                        "1.18",
	"execution.buffer-timeout.interval":                         "1.18",
	"execution.buffer-timeout.enabled":                          "1.18",
	"execution.checkpointing.incremental":                       "1.20",
	"execution.checkpointing.storage":                           "1.20", // FLINK-34482
	"execution.checkpointing.dir":                               "1.20", // FLIP-406
	"execution.checkpointing.data-inline-threshold":             "1.20",
	"execution.checkpointing.checkpoints-after-tasks-finish":    "1.20",
	"execution.checkpointing.num-retained":                      "1.20",
	"execution.state-recovery.from-local":                       "1.20",
	"execution.state-recovery.claim-mode":                       "1.20",
	"execution.checkpointing.local-backup.enabled":              "1.20",
	"state.changelog.enabled":                                   "1.20",
	"state.changelog.storage":                                   "1.20",
	"state.changelog.periodic-materialize.interval":             "1.20",
	"state.changelog.dstl.dfs.upload.num-threads":               "1.20",
	"state.changelog.dstl.dfs.upload.max-in-flight":             "1.20",
	"state.changelog.dstl.dfs.preemptive-persist-threshold":     "1.20",
	"taskmanager.network.memory.max-overdraft-buffers-per-gate": "1.16",
	// RestartStrategyOptions, FLIP-364's max attempts (FLINK-32895, 1.19):
	// before, exponential-delay restarts without end
	"restart-strategy.exponential-delay.attempts-before-reset-backoff": "1.19",
	// NettyShuffleEnvironmentOptions.NETWORK_READ_MAX_REQUIRED_BUFFERS_PER_GATE (FLINK-30473)
	"taskmanager.network.memory.read-buffer.required-per-gate.max": "1.17",
	// TaskManagerOptions.STARTING_MEMORY_SEGMENT_SIZE (FLINK-36556, apache/flink
	// PR 25574, merged for 2.0): 1.19's BufferDebloater has no starting size
	"taskmanager.memory.starting-segment-size": "2.0",
	// RpcOptions (FLINK-32468, 1.18: Akka replaced by Pekko, the akka.*
	// keys kept as older names)
	"pekko.ask.timeout": "1.18",
}

// removedIn are modelled options a release no longer reads under any name.
var removedIn = map[string]string{
	"taskmanager.network.memory.buffers-per-channel":            "2.0",
	"taskmanager.network.memory.floating-buffers-per-gate":      "2.0",
	"taskmanager.network.memory.max-buffers-per-channel":        "2.0",
	"taskmanager.network.memory.max-overdraft-buffers-per-gate": "2.0",
}

// Older names in 2.x: every 2.x release still reads each older name in
// flinkOptions' Deprecated, so no release here takes one away. Flink 2.0
// removed deprecated options (release notes, "List of removed configuration
// options"), not the deprecated keys of the options it kept: 2.x's
// CheckpointingOptions (storage, num-retained, incremental,
// unaligned.enabled, aligned-checkpoint-timeout,
// checkpoints-after-tasks-finish, and local-backup.enabled, which also takes
// state.backend.local-recovery), StateBackendOptions, StateRecoveryOptions,
// RestartStrategyOptions, PipelineOptions, ExecutionOptions, WebOptions and
// StateChangelogOptions still declare them withDeprecatedKeys, and its
// Configuration still looks them up after the key (getRawValueFromOption).
// The list's state.backend.type and state.backend.local-recovery were
// CheckpointingOptions' deprecated STATE_BACKEND and LOCAL_RECOVERY: the keys
// live on, in StateBackendOptions.STATE_BACKEND and as
// StateRecoveryOptions.LOCAL_RECOVERY's older name. No 2.x source of
// KubernetesConfigOptions (kubernetes.taskmanager.cpu) or
// FsStateChangelogOptions (dstl.dfs.upload.*), nor of CheckpointingOptions'
// FS_SMALL_FILE_THRESHOLD (1.20: execution.checkpointing.data-inline-threshold,
// with state.storage.fs.memory-threshold and state.backend.fs.memory-threshold
// as older names), was found: those names are read as 1.20 reads them.
// TestOlderNamesIn2x holds each name to this.

// readsName tells whether release f reads option o under name (o.Key or
// one of its older names), and if not, why.
func (f flinkRelease) readsName(o *flinkOption, name string) (bool, string) {
	if r, ok := removedIn[o.Key]; ok && !f.before(r) {
		return false, fmt.Sprintf("Flink %s removed this option and Flink %s does not read it (its value is fixed inside Flink)", r, f)
	}
	if since := keySince[o.Key]; name == o.Key && since != "" && f.before(since) {
		if len(o.Deprecated) == 0 {
			return false, fmt.Sprintf("Flink %s does not have this option (it came in %s)", f, since)
		}
		return false, fmt.Sprintf("Flink %s does not know this name (it came in %s); it reads %s", f, since, o.Deprecated[0])
	}
	return true, ""
}

// nameIn is the name under which release f reads option o, "" for none.
func (f flinkRelease) nameIn(o *flinkOption) string {
	for _, n := range append([]string{o.Key}, o.Deprecated...) {
		if ok, _ := f.readsName(o, n); ok {
			return n
		}
	}
	return ""
}

// defaultIn is option o's default in release f.
func defaultIn(o *flinkOption, f flinkRelease) string {
	for _, d := range versionDefaults {
		if d.key == o.Key && (d.from == "" || !f.before(d.from)) && (d.until == "" || f.before(d.until)) {
			return d.value
		}
	}
	return o.Default
}

// readsLongMs tells whether release f reads option o as a Long of
// milliseconds, and from which release as a Duration (o.longMsUntil).
// HeartbeatManagerOptions' heartbeat.interval and heartbeat.timeout are
// ConfigOption<Long> up to 1.19 and Durations from 1.20 (FLINK-35359,
// "Using proper type for configuration" in the 1.20 release notes, its
// list of options "updated to the Duration type in a backward-compatible
// manner"). A Long is read by ConfigurationUtils.convertToLong,
// Long.parseLong: a sign and decimal digits, so "50 s" throws and the
// process refuses the configuration at its start; a Duration takes
// "50 s", and a bare number as milliseconds.
func (f flinkRelease) readsLongMs(o *flinkOption) (bool, string) {
	return o.longMsUntil != "" && f.before(o.longMsUntil), o.longMsUntil
}

// parseIn reads a value of option o as release f does: by o's parser, or,
// where f reads a Long of milliseconds, as Long.parseLong reads it, more
// than 0 (the heartbeat services' checkArgument, HeartbeatServices' or
// HeartbeatServicesImpl's by release: the only such options).
func parseIn(o *flinkOption, s string, f flinkRelease) (any, error) {
	long, until := f.readsLongMs(o)
	if !long {
		return o.parse(s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && strings.Trim(s, "+-0123456789") == "":
		return nil, fmt.Errorf("%q is not a Long, as Flink %s reads %s: it is too large (at most %d ms)", s, f, o.Key, int64(math.MaxInt64))
	case err != nil:
		return nil, fmt.Errorf("%q is not a Long, as Flink %s reads %s: a whole number of milliseconds, without a unit (a Duration, such as 50 s, from Flink %s)", s, f, o.Key, until)
	case n <= 0:
		return nil, fmt.Errorf("%q must be more than 0", s)
	}
	return o.parse(strconv.FormatInt(n, 10))
}

// parseEntry reads entry e of option o as release f does (parseIn). A
// what-if's duration with a unit (--set, a variant, a sweep's value, which
// a range writes with a unit) where f reads a Long of milliseconds is
// applied all the same, if whole milliseconds, and said:
// scenario.resolved.yaml writes it in milliseconds (formatIn), and a
// configuration of that release written with the unit would be refused.
func parseEntry(d *decoder, o *flinkOption, e FlinkEntry, f flinkRelease) (any, error) {
	v, err := parseIn(o, e.Value, f)
	long, until := f.readsLongMs(o)
	if err == nil || !long || !d.whatIf[o.Key] {
		return v, err
	}
	w, werr := o.parse(e.Value)
	t, isTime := w.(sim.Time)
	switch {
	case werr != nil || !isTime:
		return v, err
	case t%sim.Millisecond != 0:
		return nil, fmt.Errorf("%q is not whole milliseconds: Flink %s reads %s as a Long of milliseconds", e.Value, f, o.Key)
	}
	d.warn(e.Node, e.Path, "Flink %s reads %s as a Long of milliseconds (a Duration from %s): this what-if sets it, in milliseconds (scenario.resolved.yaml writes it so); written with a unit, Flink %s would refuse it",
		f, o.Key, until, f)
	return w, nil
}

// formatIn writes option o's value v as release f reads it: a bare number
// of milliseconds where f reads a Long (readsLongMs), else as Flink writes it.
func formatIn(o *flinkOption, v any, f flinkRelease) string {
	if t, ok := v.(sim.Time); ok {
		if long, _ := f.readsLongMs(o); long {
			return strconv.FormatInt(int64(t/sim.Millisecond), 10)
		}
	}
	return formatFlink(o, v)
}

// resolveFlinkVersion reads the scenario's flink-version (1.20 when left
// out) and writes it back as Flink names it, for resolved.yaml.
func (r *resolver) resolveFlinkVersion() flinkRelease {
	def, _ := parseFlinkVersion(defaultFlinkVersion)
	if r.sc.FlinkVersion == "" {
		return def // resolved.yaml leaves it out too: the default
	}
	f, err := parseFlinkVersion(r.sc.FlinkVersion)
	if err != nil {
		r.d.at("flink-version", "%v", err)
		return def
	}
	r.sc.FlinkVersion = f.String()
	return f
}
