package scenarios

import "github.com/flinksim/flinksim/models"

// memoryKeys are the taskmanager.memory.* keys the task heap derives from,
// sizes first.
var memoryKeys = []string{"taskmanager.memory.task.heap.size", "taskmanager.memory.flink.size", "taskmanager.memory.process.size"}

// memory is the TaskManagers' memory configuration (models.Memory);
// TaskHeapSize derives the task heap as Flink does.
func (r *resolver) memory() models.Memory {
	fs := r.fs
	m := models.Memory{
		ManagedFraction: fs.float("taskmanager.memory.managed.fraction"), NetworkFraction: fs.float("taskmanager.memory.network.fraction"),
		NetworkMin: fs.bytes("taskmanager.memory.network.min"), NetworkMax: fs.bytes("taskmanager.memory.network.max"),
		FrameworkHeap: fs.bytes("taskmanager.memory.framework.heap.size"), FrameworkOffHeap: fs.bytes("taskmanager.memory.framework.off-heap.size"),
		TaskOffHeap: fs.bytes("taskmanager.memory.task.off-heap.size"), Metaspace: fs.bytes("taskmanager.memory.jvm-metaspace.size"),
		OverheadFraction: fs.float("taskmanager.memory.jvm-overhead.fraction"),
		OverheadMin:      fs.bytes("taskmanager.memory.jvm-overhead.min"), OverheadMax: fs.bytes("taskmanager.memory.jvm-overhead.max"),
	}
	get := func(key string) int64 {
		if fs.has(key) {
			return fs.bytes(key)
		}
		return 0
	}
	m.ProcessSize, m.FlinkSize, m.TaskHeap = get("taskmanager.memory.process.size"), get("taskmanager.memory.flink.size"), get("taskmanager.memory.task.heap.size")
	m.ManagedSize = get("taskmanager.memory.managed.size")
	return m
}

// checkMemory reports memory settings that leave no task heap, at the size
// key given (IllegalConfigurationException in Flink).
func (r *resolver) checkMemory() {
	if _, err := r.memory().TaskHeapSize(); err != nil {
		for _, k := range memoryKeys {
			if r.fs.has(k) {
				r.d.at(r.fs.at(k), "%v", err)
				return
			}
		}
	}
}

// taskHeap is the task heap in bytes (0: no size configured, not checked).
func (r *resolver) taskHeap() float64 {
	h, _ := r.memory().TaskHeapSize()
	return float64(h)
}
