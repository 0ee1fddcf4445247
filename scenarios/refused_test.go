package scenarios

import (
	"errors"
	"strings"
	"testing"
)

// TestRefusedValueHasNoConsequences: a Flink value that is refused is
// reported once, where it is written; no check judges by the default
// standing in for it, nor says that something needs the setting the
// scenario gives (a consequence of a value already reported is no problem
// of its own).
func TestRefusedValueHasNoConsequences(t *testing.T) {
	const base = "name: c\nsources: [{name: src, partitions: 4, rate: 1k/s}]\n"
	const sink, eos = "sinks: [{name: out}]\n", "sinks: [{name: out, delivery-guarantee: exactly-once}]\n"
	for _, c := range []struct {
		name, doc string
		sets      []string
		want      string // the one problem: its file:line:col and path
	}{
		{"exactly-once, interval by --set", eos + "flink: {execution.checkpointing.interval: 30s}\n",
			[]string{"flink.execution.checkpointing.interval=1h30m"}, "--set flink.execution.checkpointing.interval=1h30m: flink.execution.checkpointing.interval"},
		{"exactly-once, interval 0", eos + "flink: {execution.checkpointing.interval: 30s}\n",
			[]string{"flink.execution.checkpointing.interval=0"}, "--set flink.execution.checkpointing.interval=0: flink.execution.checkpointing.interval"},
		{"exactly-once, interval -1", eos + "flink: {execution.checkpointing.interval: 30s}\n",
			[]string{"flink.execution.checkpointing.interval=-1"}, "--set flink.execution.checkpointing.interval=-1: flink.execution.checkpointing.interval"},
		{"exactly-once, interval in the file", eos + "flink: {execution.checkpointing.interval: often}\n",
			nil, "c.yaml:4:43: flink.execution.checkpointing.interval"},
		{"failures and blocks that need checkpointing", eos + `flink: {execution.checkpointing.interval: often}
failures:
  - checkpoint-failure: {checkpoint: 2}
  - storage-outage: {at: 1m, for: 1m}
  - taskmanager-loss: {checkpoint: 3, when: after-completion}
  - commit-failure: {sink: out, checkpoint: 2}
checkpoint-storage: {type: s3}
state-backend: {sync-phase: 1ms}
`, nil, "c.yaml:4:43: flink.execution.checkpointing.interval"},
		{"min-segment-size against a refused segment size", sink + "flink: {taskmanager.memory.segment-size: 64kbb, taskmanager.memory.min-segment-size: 48kb}\n",
			nil, "c.yaml:4:42: flink.taskmanager.memory.segment-size"},
		{"heartbeat timeout against a refused interval", sink + "flink: {heartbeat.interval: often, heartbeat.timeout: 5s}\n",
			nil, "c.yaml:4:29: flink.heartbeat.interval"},
		{"initial backoff against a refused maximum", sink + "flink: {execution.checkpointing.interval: 1min, restart-strategy.type: exponential-delay, restart-strategy.exponential-delay.max-backoff: often, restart-strategy.exponential-delay.initial-backoff: 10min}\n",
			nil, "c.yaml:4:139: flink.restart-strategy.exponential-delay.max-backoff"},
		{"changelog storage refused", sink + "flink: {execution.checkpointing.interval: 1min, execution.checkpointing.dir: s3://b/c, state.backend.type: rocksdb, state.changelog.enabled: true, state.changelog.storage: filesystm}\n",
			nil, "c.yaml:4:173: flink.state.changelog.storage"},
		{"checkpoint storage refused", sink + "flink: {execution.checkpointing.interval: 1min, state.backend.type: rocksdb, state.changelog.enabled: true, state.changelog.storage: filesystem, execution.checkpointing.storage: filesystm}\n",
			nil, "c.yaml:4:179: flink.execution.checkpointing.storage"},
		{"forward against a refused default parallelism", "operators: [{name: op, parallelism: 4, exchange: forward}]\nsinks: [{name: out, parallelism: 4}]\nflink: {parallelism.default: four}\n",
			nil, "c.yaml:5:30: flink.parallelism.default"},
		{"a TaskManager of a refused parallelism", sink + "flink: {parallelism.default: four}\nfailures: [{taskmanager-loss: {at: 1m, taskmanager: 3}}]\n",
			nil, "c.yaml:4:30: flink.parallelism.default"},
		{"task heap from a refused size", sink + "flink: {taskmanager.memory.process.size: 800m, taskmanager.memory.jvm-metaspace.size: 64mbb}\n",
			nil, "c.yaml:4:87: flink.taskmanager.memory.jvm-metaspace.size"},
	} {
		_, err := Load("c.yaml", []byte(base+c.doc), c.sets)
		var probs Problems
		if !errors.As(err, &probs) {
			t.Errorf("%s: got %v, want Problems", c.name, err)
			continue
		}
		if errs := probs.Errors(); len(errs) != 1 || !strings.HasPrefix(errs[0].String(), c.want+": ") {
			t.Errorf("%s: got\n%v\nwant one problem at %s", c.name, errs, c.want)
		}
	}
}
