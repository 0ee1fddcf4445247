package models_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/scenarios"
)

// TestRoomShortcutChangesNothing: a step that surely fits its output skips
// the refresh of its room (room.go: surelyFits), and a source asks for no
// more room than its step compares it with. Both are shortcuts: every
// output is the same with them off. The cases are where a break-test
// helper found them deciding otherwise (a source with chunk-records whose
// one-channel output bounds its step by the least step, sinks going down
// and up), with a one-channel output before a wide skewed keyBy, and with
// records larger than a buffer.
func TestRoomShortcutChangesNothing(t *testing.T) {
	models.SingleGoroutine(t)
	for name, y := range map[string]string{
		"least step": `name: least-step
duration: 4m
seed: 2
flink: {taskmanager.numberOfTaskSlots: 2}
sources:
  - {name: src, kind: kafka, partitions: 4, parallelism: 2, rate: 3k/s, record-size: 100B, cost: 200us}
operators:
  - {name: agg, input: src, parallelism: 1, key-by: k, keys: 1000, cost: 10us}
sinks:
  - {name: out, input: agg, parallelism: 1, capacity-per-subtask: 10k/s}
failures:
  - sink-outage: {at: 30s, for: 20s, fails-after: 10min}
  - sink-outage: {at: 90s, for: 7s, fails-after: 10min}
  - sink-outage: {at: 150s, for: 3s, fails-after: 10min}
simulation: {sample-interval: 10ms, chunk-records: 400}
`,
		"forward then a wide skewed keyBy": `name: fwd-wide
duration: 2m
flink: {parallelism.default: 32, taskmanager.numberOfTaskSlots: 4}
sources:
  - {name: src, kind: kafka, partitions: 32, rate: 200k/s, record-size: 200B}
operators:
  - {name: parse, cost: 2us, chaining: false}
  - {name: agg, key-by: user, key-type: string, keys: 100k, cost: 100us, hot-keys: [{key: bot, share: 10%}]}
sinks:
  - {name: out}
`,
		"records larger than a buffer": `name: span
duration: 2m
flink: {parallelism.default: 24, taskmanager.numberOfTaskSlots: 2}
sources:
  - {name: events, kind: kafka, partitions: 24, rate: 100/s, record-size: 70KB, initial-backlog: 100k}
sinks:
  - {name: out, capacity-per-subtask: 10/s, chaining: false, exchange: rebalance}
`,
	} {
		t.Run(name, func(t *testing.T) {
			l, err := scenarios.Load(name+".yaml", []byte(y), nil)
			if err != nil {
				t.Fatal(err)
			}
			var dirs [2]string
			for i, on := range []bool{true, false} {
				models.SetRoomShortcut(on)
				s, err := models.New(l.Spec)
				if err != nil {
					t.Fatal(err)
				}
				res, err := s.Run(nil)
				models.SetRoomShortcut(true)
				if err != nil {
					t.Fatal(err)
				}
				res.Summary.WallS, res.Summary.Engine.EventsPerS = 0, 0
				dirs[i] = t.TempDir()
				if err := res.WriteDir(dirs[i]); err != nil {
					t.Fatal(err)
				}
			}
			files, _ := os.ReadDir(dirs[1])
			for _, f := range files {
				a, _ := os.ReadFile(filepath.Join(dirs[0], f.Name()))
				b, _ := os.ReadFile(filepath.Join(dirs[1], f.Name()))
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs with the shortcut on", f.Name())
				}
			}
		})
	}
}
