package scenarios

import (
	"errors"
	"strings"
	"testing"
)

// TestMemoryRangeMinAboveMax: Flink refuses a network memory or JVM
// overhead minimum above its maximum: ProcessMemoryUtils.getRangeFraction
// builds a RangeFraction, whose constructor checks "min value must be less
// or equal to max value", and throws IllegalConfigurationException
// ("Inconsistently configured ... and its min (...), max (...) value")
// for every TaskManager, whichever size it is derived from. flinksim took
// the minimum. Each is reported at the minimum as written (or at the
// maximum when only it is), both at once; the maximum that counts is the
// release's default when not set (1 gb for network memory before 1.17).
func TestMemoryRangeMinAboveMax(t *testing.T) {
	const size = "taskmanager.memory.process.size: 8192m\n"
	for _, c := range []struct {
		version, flink string
		want           []string // "": loads
	}{
		{"1.20", "taskmanager.memory.network.min: 256m\ntaskmanager.memory.network.max: 128m",
			[]string{"flink.taskmanager.memory.network.min: 256 mb is above taskmanager.memory.network.max (128 mb)"}},
		{"1.20", "taskmanager.network.memory.min: 256m\ntaskmanager.memory.network.max: 128m",
			[]string{"flink.taskmanager.network.memory.min: 256 mb is above taskmanager.memory.network.max (128 mb)"}},
		{"1.20", "taskmanager.memory.network.max: 32m",
			[]string{"flink.taskmanager.memory.network.max: 32 mb is below taskmanager.memory.network.min (64 mb)"}},
		{"1.16", "taskmanager.memory.network.min: 2g",
			[]string{"flink.taskmanager.memory.network.min: 2 gb is above taskmanager.memory.network.max (1 gb)"}},
		{"1.17", "taskmanager.memory.network.min: 2g", nil},
		{"2.0", "taskmanager.memory.jvm-overhead.min: 2g\ntaskmanager.memory.network.min: 256m\ntaskmanager.memory.network.max: 128m",
			[]string{"flink.taskmanager.memory.jvm-overhead.min: 2 gb is above taskmanager.memory.jvm-overhead.max (1 gb)",
				"flink.taskmanager.memory.network.min: 256 mb is above taskmanager.memory.network.max (128 mb)"}},
		{"1.20", "taskmanager.memory.network.min: 128m\ntaskmanager.memory.network.max: 128m", nil},
	} {
		t.Run(c.version+" "+c.flink, func(t *testing.T) {
			_, err := Load("m.yaml", withFlinkBlock(size+c.flink), []string{"flink-version=" + c.version})
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var all, probs Problems
			errors.As(err, &all)
			for _, p := range all {
				if !p.Warning {
					probs = append(probs, p)
				}
			}
			if len(probs) != len(c.want) {
				t.Fatalf("got %v\nwant %d problems: %q", err, len(c.want), c.want)
			}
			for i, w := range c.want {
				if got := probs[i].String(); !strings.Contains(got, w) || !strings.Contains(got, "RangeFraction") {
					t.Errorf("problem %d: %s\nwant %q, naming Flink's RangeFraction", i, got, w)
				}
			}
		})
	}
}
