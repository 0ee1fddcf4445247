package scenarios

import (
	"slices"
	"strings"
	"testing"
)

// TestLegacyMemoryNames: taskmanager.network.memory.fraction, .min and .max
// and taskmanager.memory.size are the older names of
// taskmanager.memory.network.fraction, .min and .max and of
// taskmanager.memory.managed.size: TaskManagerOptions declares them
// withDeprecatedKeys in every release from 1.10 on, 2.x included
// (NETWORK_MEMORY_FRACTION, NETWORK_MEMORY_MIN, NETWORK_MEMORY_MAX,
// MANAGED_MEMORY_SIZE). A configuration written under them sizes the
// network and managed memory as under the current names, with no
// "not modelled" warning, and the current name wins when both are set.
// With taskmanager.memory.process.size 1728m, Flink memory is 1280 MiB
// (256 MiB metaspace, 192 MiB overhead); network buffers are network
// memory over the 32 KiB segment size: 0.2 of it, 256 MiB, is 8192;
// min 256 MiB lifts the 128 MiB of the default fraction to 8192; max
// 64 MiB caps it at 2048.
func TestLegacyMemoryNames(t *testing.T) {
	const size = "taskmanager.memory.process.size: 1728m"
	for _, c := range []struct {
		legacy, current string // the same setting under each name
		buffers         int64
	}{
		{"taskmanager.network.memory.fraction: 0.2", "taskmanager.memory.network.fraction: 0.2", 8192},
		{"taskmanager.network.memory.min: 256m", "taskmanager.memory.network.min: 256m", 8192},
		{"taskmanager.network.memory.max: 64m", "taskmanager.memory.network.max: 64m", 2048},
		{"taskmanager.memory.size: 0", "taskmanager.memory.managed.size: 0", 4096},
		// both set: the current name counts
		{"taskmanager.network.memory.fraction: 0.3\ntaskmanager.memory.network.fraction: 0.2", "taskmanager.memory.network.fraction: 0.2", 8192},
	} {
		for _, v := range []string{"1.15", "1.17", "1.20", "2.0"} {
			load := func(entries string) *Loaded {
				t.Helper()
				l, err := Load("m.yaml", withFlinkBlock(size+"\n"+entries), []string{"flink-version=" + v})
				if err != nil {
					t.Fatalf("Flink %s: %s: %v", v, entries, err)
				}
				return l
			}
			old, cur := load(c.legacy), load(c.current)
			for _, k := range strings.Split(c.legacy, "\n") {
				name := strings.SplitN(k, ":", 2)[0]
				if slices.Contains(old.NotModelled, name) || slices.Contains(old.InertFlinkKeys, name) {
					t.Errorf("Flink %s: %s is listed as not modelled (%v) or inert (%v)", v, name, old.NotModelled, old.InertFlinkKeys)
				}
			}
			if got := old.Spec.Network.Buffers; got != c.buffers {
				t.Errorf("Flink %s: %q: %d network buffers, want %d", v, c.legacy, got, c.buffers)
			}
			if got, want := old.Spec.TaskManager.TaskHeap, cur.Spec.TaskManager.TaskHeap; got != want {
				t.Errorf("Flink %s: %q: task heap %v, under the current name %v", v, c.legacy, got, want)
			}
		}
	}
	// the older managed name completes the fine-grained sizes without a total
	l, err := Load("m.yaml", withFlinkBlock("taskmanager.memory.task.heap.size: 512m\ntaskmanager.memory.size: 0"), nil)
	if err != nil {
		t.Fatalf("task.heap.size with taskmanager.memory.size: %v", err)
	}
	if got := l.Spec.TaskManager.TaskHeap; got != 512<<20 {
		t.Errorf("task.heap.size 512m with taskmanager.memory.size 0: task heap %v, want %d", got, 512<<20)
	}
}
