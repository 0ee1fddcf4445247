package scenarios

import (
	"fmt"
	"math"
	"strings"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// The restart strategy: restart-strategy.type and the options of the
// strategy it names, as RestartBackoffTimeStrategyFactoryLoader reads them
// (the job's configuration, else the cluster's, else the default), and
// the options of the other strategies, which it never reads.

// restartStrategies are the strategies that have options of their own,
// under restart-strategy.<strategy>.
var restartStrategies = []string{"fixed-delay", "failure-rate", "exponential-delay"}

// restartFamily is the strategy whose option key is ("" for none).
func restartFamily(key string) string {
	for _, s := range restartStrategies {
		if strings.HasPrefix(key, "restart-strategy."+s+".") {
			return s
		}
	}
	return ""
}

// unreadValue is a restart strategy's option whose value its parser
// refused: where it is written, and why.
type unreadValue struct {
	e   FlinkEntry
	msg string
}

// refuse reports entry e's value of option key as refused (msg, the
// problem): at once, and key's default stands in; or, for an option of a
// restart strategy, once restartKeys knows whether Flink reads it.
func (f flinkSettings) refuse(d *decoder, e FlinkEntry, key, msg string) {
	if restartFamily(key) != "" {
		f.unread[key] = unreadValue{e, msg}
		return
	}
	d.fail(e.Node, e.Path, "%s", msg)
	f.refused[key] = true
}

// restartKeys judges the options of the restart strategies the scenario
// sets, once the strategy is known (after defaultRestartStrategy).
// RestartBackoffTimeStrategyFactoryLoader creates the chosen strategy's
// factory, and only that createFactory reads options: each its own
// strategy's (FixedDelay-, FailureRate-, ExponentialDelayRestartBackoff
// TimeStrategy.createFactory; RestartStrategies.fromConfiguration on the
// client before 2.0 the same), none for none or for the default strategy
// (built from Flink's defaults). A value is parsed only when read
// (Configuration.get): Flink refuses a bad value of the chosen strategy's
// option, and never sees one of another's. So those of the chosen strategy
// are refused where bad; every other one set is ignored with a warning,
// which tells its value's problem (a bad value's default stands in). With
// restart-strategy.type set, one set to its default goes without: nothing
// would change were it read, and scenario.resolved.yaml, which writes the
// type and every option, warns of no more than the scenario did. With
// restart-strategy.type refused, the strategy is unknown: every option's
// problem is reported.
func (r *resolver) restartKeys(checkpointing bool) {
	d, fs := r.d, r.fs
	const typeKey = "restart-strategy.type"
	chosen, typeSet := fs.str(typeKey), fs.given[typeKey] && !fs.refused[typeKey]
	for i := range flinkOptions {
		k := flinkOptions[i].Key
		fam := restartFamily(k)
		bad, isBad := fs.unread[k]
		switch {
		case fam == "" || !fs.given[k]:
			continue
		case fs.refused[typeKey] || typeSet && fam == chosen:
			if isBad {
				d.fail(bad.e.Node, bad.e.Path, "%s", bad.msg)
				fs.refused[k] = true
			}
			continue
		}
		if typeSet && !isBad && fs.values[k] == r.defaultValue(k) {
			continue
		}
		// the type under the name the release reads: restart-strategy
		// before 1.17, which has no restart-strategy.type
		name := r.release.nameIn(optionByKey[typeKey])
		var why string
		switch {
		case typeSet && chosen == "none":
			why = name + " is none: Flink never restarts the job and reads no restart strategy's options"
		case typeSet:
			why = fmt.Sprintf("%s is %s, and Flink reads only that strategy's options (RestartBackoffTimeStrategyFactoryLoader)", name, chosen)
		case checkpointing:
			why = fmt.Sprintf("with checkpointing and no %s, Flink %s restarts with %s; set %s: %s to use it", name, r.release, r.defaultStrategyText(), name, fam)
		default:
			why = fmt.Sprintf("without checkpointing and with no %s, Flink does not restart the job (none) and reads no restart strategy's options; set %s: %s to use it", name, name, fam)
		}
		if isBad {
			why += "; and its value would be refused if read: " + bad.msg
		}
		d.warn(d.nodes[fs.at(k)], fs.at(k), "ignored: %s", why)
	}
}

// defaultRestartStrategy is the strategy of a job that sets none
// (RestartBackoffTimeStrategyFactoryLoader.getDefaultRestartStrategyFactory):
// none without checkpointing; with it, since 1.19 (FLIP-364),
// exponential-delay on the options' default values (the loader builds its
// factory from each RestartStrategyOptions.*.defaultValue(), not from the
// configuration), and before, fixed-delay with DEFAULT_RESTART_ATTEMPTS
// (Integer.MAX_VALUE) and DEFAULT_RESTART_DELAY (1 s): whatever the
// strategy's own keys say (restartKeys warns of those set).
func (r *resolver) defaultRestartStrategy(checkpointing bool) {
	fs := r.fs
	switch {
	case !checkpointing:
		fs.values["restart-strategy.type"] = "none"
	case !r.release.before("1.19"):
		fs.values["restart-strategy.type"] = "exponential-delay"
		r.exponentialDefaults()
	default:
		fs.values["restart-strategy.type"] = "fixed-delay"
		fs.values["restart-strategy.fixed-delay.attempts"] = math.MaxInt32
		fs.values["restart-strategy.fixed-delay.delay"] = sim.Second
	}
}

// defaultValue is option key's default in the release.
func (r *resolver) defaultValue(key string) any {
	o := optionByKey[key]
	v, err := o.parse(defaultIn(o, r.release))
	if err != nil {
		panic("scenarios: bad default for " + key)
	}
	return v
}

// defaultStrategyText is how the default strategy with checkpointing
// restarts, for the warnings of the keys it does not read.
func (r *resolver) defaultStrategyText() string {
	if r.release.before("1.19") {
		return fmt.Sprintf("fixed-delay, %d attempts, 1 s apart", math.MaxInt32)
	}
	defaults := make([]string, len(exponentialDelayKeys)) // as the release gives them
	for i, k := range exponentialDelayKeys {
		defaults[i] = strings.TrimPrefix(k, "restart-strategy.exponential-delay.") + " " + defaultIn(optionByKey[k], r.release)
	}
	return "exponential-delay on its default settings (" + strings.Join(defaults, ", ") + ")"
}

// exponentialDelayKeys are RestartStrategyOptions' exponential-delay options.
var exponentialDelayKeys = []string{
	"restart-strategy.exponential-delay.initial-backoff",
	"restart-strategy.exponential-delay.max-backoff",
	"restart-strategy.exponential-delay.backoff-multiplier",
	"restart-strategy.exponential-delay.reset-backoff-threshold",
	"restart-strategy.exponential-delay.jitter-factor",
	"restart-strategy.exponential-delay.attempts-before-reset-backoff",
}

// exponentialDefaults puts back the default of every exponential-delay key
// for the default strategy from 1.19, which reads none of them
// (restartKeys warns of those set).
func (r *resolver) exponentialDefaults() {
	for _, k := range exponentialDelayKeys {
		r.fs.values[k] = r.defaultValue(k)
	}
}

// restartSpec is the restart strategy from Flink's restart-strategy.* keys.
// Every time is in whole milliseconds, as each strategy's createFactory
// reads it (Duration.toMillis): a fixed-delay of 1500µs waits 1 ms.
func (r *resolver) restartSpec() models.RestartStrategy {
	fs := r.fs
	ms := fs.wholeMs
	rs := models.RestartStrategy{
		Kind:                   fs.str("restart-strategy.type"),
		InitialBackoff:         ms("restart-strategy.exponential-delay.initial-backoff"),
		MaxBackoff:             ms("restart-strategy.exponential-delay.max-backoff"),
		ResetThreshold:         ms("restart-strategy.exponential-delay.reset-backoff-threshold"),
		Multiplier:             fs.float("restart-strategy.exponential-delay.backoff-multiplier"),
		Jitter:                 fs.float("restart-strategy.exponential-delay.jitter-factor"),
		AttemptsBeforeReset:    fs.int("restart-strategy.exponential-delay.attempts-before-reset-backoff"),
		Delay:                  ms("restart-strategy.fixed-delay.delay"),
		Attempts:               fs.int("restart-strategy.fixed-delay.attempts"),
		MaxFailuresPerInterval: fs.int("restart-strategy.failure-rate.max-failures-per-interval"),
		FailureRateInterval:    ms("restart-strategy.failure-rate.failure-rate-interval"),
		BeforeFLIP364:          r.release.before("1.19"),
	}
	if rs.Kind == "failure-rate" {
		rs.Delay = ms("restart-strategy.failure-rate.delay")
	}
	return rs
}

// checkBackoff refuses an exponential-delay initial backoff above the
// maximum, as ExponentialDelayRestartBackoffTimeStrategy's constructor does
// ("Initial backoff cannot be higher than maximum backoff."): the job does
// not start.
func (r *resolver) checkBackoff() {
	fs := r.fs
	const initial, maxB = "restart-strategy.exponential-delay.initial-backoff", "restart-strategy.exponential-delay.max-backoff"
	if fs.str("restart-strategy.type") != "exponential-delay" || fs.wholeMs(initial) <= fs.wholeMs(maxB) || !fs.usable("restart-strategy.type", initial, maxB) {
		return
	}
	k := initial
	if !fs.given[k] {
		k = maxB
	}
	r.d.at(fs.at(k), "initial-backoff (%s) is more than max-backoff (%s); Flink refuses it (ExponentialDelayRestartBackoffTimeStrategy: the initial backoff cannot be higher than the maximum)",
		FormatDuration(fs.duration(initial)), FormatDuration(fs.duration(maxB)))
}
