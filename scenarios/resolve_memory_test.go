package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMemoryNeedsASizeSet: Flink derives a TaskManager's memory from the
// task heap and managed memory both set, or from a total (flink.size or
// process.size), and refuses the task heap or managed memory without the
// other and without a total (ProcessMemoryUtils.memoryProcessSpecFromConfig,
// failBecauseRequiredOptionsNotConfigured). The problem is at the key set,
// names what to set, and comes alone (no second problem about the heap).
// With no memory key at all flinksim checks nothing, as before.
func TestMemoryNeedsASizeSet(t *testing.T) {
	const heap, managed = "taskmanager.memory.task.heap.size", "taskmanager.memory.managed.size"
	for _, c := range []struct {
		flink string
		want  string // "": loads
	}{
		{"{taskmanager.memory.task.heap.size: 1g}",
			"m.yaml:9:9: flink.taskmanager.memory.task.heap.size: is set without " + managed + " and without a total size"},
		{"{taskmanager.memory.managed.size: 512m}",
			"m.yaml:9:9: flink.taskmanager.memory.managed.size: is set without " + heap + " and without a total size"},
		// nested, as Flink's config.yaml writes it: the problem is at the key as written
		{"{taskmanager: {memory: {task: {heap: {size: 1g}}}}}", "flink.taskmanager.memory.task.heap.size: is set without " + managed},
		{"{taskmanager.memory.task.heap.size: 1g, taskmanager.memory.managed.size: 0}", ""},
		{"{taskmanager.memory.task.heap.size: 1g, taskmanager.memory.managed.size: 512m}", ""},
		{"{taskmanager.memory.task.heap.size: 256m, taskmanager.memory.flink.size: 1280m}", ""},
		{"{taskmanager.memory.task.heap.size: 256m, taskmanager.memory.process.size: 1728m}", ""},
		{"{taskmanager.memory.managed.size: 256m, taskmanager.memory.process.size: 1728m}", ""},
		{"{taskmanager.memory.process.size: 1728m}", ""},
		{"{taskmanager.memory.network.min: 128m}", ""}, // no size: not checked
		{"{parallelism.default: 1}", ""},
		// a bad value is told once, not again as missing
		{"{taskmanager.memory.task.heap.size: 1.5g, taskmanager.memory.managed.size: 0}", `"1.5g": Flink knows no memory unit`},
	} {
		t.Run(c.flink, func(t *testing.T) {
			_, err := Load("m.yaml", []byte(minimal+"flink: "+c.flink+"\n"), nil)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var probs Problems
			if !errors.As(err, &probs) || len(probs) != 1 || !strings.Contains(probs.Error(), c.want) {
				t.Fatalf("got %v\nwant one problem with %q", err, c.want)
			}
			if strings.Contains(c.want, "without a total size") {
				for _, k := range []string{heap + " and " + managed, "taskmanager.memory.flink.size", "taskmanager.memory.process.size", "ProcessMemoryUtils"} {
					if !strings.Contains(probs.Error(), k) {
						t.Errorf("the problem does not name %s: %v", k, probs)
					}
				}
			}
		})
	}
}

// TestMemoryRuleKeepsRealConfigsLoading: the Flink configurations engineers
// write (Flink's templates, the Kubernetes operator's example, which sets
// no memory key: the operator sets the process size from the deployment's
// resources) and the built-in scenarios load with the rule in place.
func TestMemoryRuleKeepsRealConfigsLoading(t *testing.T) {
	for _, f := range []string{"flink-2x-config.yaml", "flink-1.17-flink-conf.yaml", "k8s-operator-autoscaling.yaml"} {
		conf, err := os.ReadFile(filepath.Join("testdata", "flink-configs", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Load(f, withFlinkBlock(string(conf)), nil); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, b := range Library() {
		if _, err := Load(b.Name, b.Data, nil); err != nil {
			t.Errorf("built-in %s: %v", b.Name, err)
		}
	}
}

// TestNetworkBuffersKnown: with a memory size the spec carries a
// TaskManager's network buffers, network memory over the segment size
// (1728m of process: 128 MiB, 4096 of 32 kb; 2048 of 64 kb), for the
// simulation to size its pools as Flink's NetworkBufferPool does; without
// one, 0 (not known).
func TestNetworkBuffersKnown(t *testing.T) {
	for _, c := range []struct {
		flink string
		want  int64
	}{{"{}", 0}, {"{taskmanager.memory.process.size: 1728m}", 4096},
		{"{taskmanager.memory.process.size: 1728m, taskmanager.memory.segment-size: 64kb}", 2048}} {
		l, err := Load("m.yaml", []byte(minimal+"flink: "+c.flink+"\n"), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.flink, err)
		}
		if got := l.Spec.Network.Buffers; got != c.want {
			t.Errorf("%s: %d network buffers, want %d", c.flink, got, c.want)
		}
	}
}

// TestFineGrainedWithProcessSize: the task heap and managed memory set
// with a process size size the network memory as with no total (their sum
// with the framework's 256 MiB, 1152 MiB, times 0.1 / 0.9: 128 MiB, 4096
// buffers of 32 KiB), and the JVM overhead is what the process leaves,
// refused outside [192m, 1g] at the task heap's key, as Flink's
// ProcessMemoryUtils derives and checks it
// (deriveProcessSpecWithExplicitInternalMemory).
func TestFineGrainedWithProcessSize(t *testing.T) {
	const fine = "{taskmanager.memory.task.heap.size: 384m, taskmanager.memory.managed.size: 512m, taskmanager.memory.process.size: "
	l, err := Load("m.yaml", []byte(minimal+"flink: "+fine+"2048m}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Spec.Network.Buffers; got != 4096 {
		t.Errorf("process 2048m: %d network buffers, want 4096", got)
	}
	_, err = Load("m.yaml", []byte(minimal+"flink: "+fine+"4096m}\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "m.yaml:9:9: flink.taskmanager.memory.task.heap.size: ") || !strings.Contains(err.Error(), "outside jvm-overhead.min 192m and jvm-overhead.max 1024m") {
		t.Errorf("process 4096m: %v, want the JVM overhead of about 2560m refused at the task heap", err)
	}
}

// TestMemoryBytesAsFlinkLogsThem: Flink's memory fractions are Float
// options (TaskManagerOptions' managed.fraction, network.fraction and
// jvm-overhead.fraction, floatType), read with Configuration.getFloat and
// widened to double, so 0.1 is 0.10000000149011612: Flink's 1.10+
// TaskManagers with process.size 1728m log "Task: 384.000mb (402653174
// bytes)", "Managed: 512.000mb (536870920 bytes)" and network memory of
// 134217730 bytes (passed as -D taskmanager.memory.network.max=134217730b),
// not 384 MiB exactly. The task heap a hashmap backend's state must fit in
// is that many bytes.
func TestMemoryBytesAsFlinkLogsThem(t *testing.T) {
	l, err := Load("m.yaml", []byte(minimal+"flink: {taskmanager.memory.process.size: 1728m}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Spec.TaskManager.TaskHeap; got != 402653174 {
		t.Errorf("process 1728m: task heap %.0f bytes, want 402653174 as Flink logs it", got)
	}
	if got := l.Spec.Network.Buffers; got != 4096 {
		t.Errorf("process 1728m: %d network buffers (134217730 bytes of 32 kb), want 4096", got)
	}
}
