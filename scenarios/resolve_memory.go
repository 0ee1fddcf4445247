package scenarios

import "github.com/flinksim/flinksim/models"

// memoryKeys are the taskmanager.memory.* keys the task heap derives from,
// sizes first.
var memoryKeys = []string{"taskmanager.memory.task.heap.size", "taskmanager.memory.flink.size", "taskmanager.memory.process.size"}

// heapInputs are the keys memory reads, from which the task heap derives.
var heapInputs = append([]string{"taskmanager.memory.managed.size", "taskmanager.memory.managed.fraction",
	"taskmanager.memory.network.fraction", "taskmanager.memory.network.min", "taskmanager.memory.network.max",
	"taskmanager.memory.framework.heap.size", "taskmanager.memory.framework.off-heap.size", "taskmanager.memory.task.off-heap.size",
	"taskmanager.memory.jvm-metaspace.size", "taskmanager.memory.jvm-overhead.fraction", "taskmanager.memory.jvm-overhead.min",
	"taskmanager.memory.jvm-overhead.max"}, memoryKeys...)

// memory is the TaskManagers' memory configuration (models.Memory);
// TaskHeapSize derives the task heap as Flink does. The fractions are
// Flink's Float options, read with Configuration.getFloat and widened to
// double (0.1 is 0.10000000149011612): 1728m of process has a task heap of
// 402653174 bytes, as a TaskManager's log prints it.
func (r *resolver) memory() models.Memory {
	fs := r.fs
	float := func(key string) float64 { return models.JavaFloat(fs.float(key)) }
	m := models.Memory{
		ManagedFraction: float("taskmanager.memory.managed.fraction"), NetworkFraction: float("taskmanager.memory.network.fraction"),
		NetworkMin: fs.bytes("taskmanager.memory.network.min"), NetworkMax: fs.bytes("taskmanager.memory.network.max"),
		FrameworkHeap: fs.bytes("taskmanager.memory.framework.heap.size"), FrameworkOffHeap: fs.bytes("taskmanager.memory.framework.off-heap.size"),
		TaskOffHeap: fs.bytes("taskmanager.memory.task.off-heap.size"), Metaspace: fs.bytes("taskmanager.memory.jvm-metaspace.size"),
		OverheadFraction: float("taskmanager.memory.jvm-overhead.fraction"),
		OverheadMin:      fs.bytes("taskmanager.memory.jvm-overhead.min"), OverheadMax: fs.bytes("taskmanager.memory.jvm-overhead.max"),
	}
	get := func(key string) int64 {
		if fs.has(key) {
			return fs.bytes(key)
		}
		return 0
	}
	m.ProcessSize, m.FlinkSize, m.TaskHeap = get("taskmanager.memory.process.size"), get("taskmanager.memory.flink.size"), get("taskmanager.memory.task.heap.size")
	m.ManagedSize, m.ManagedSet = get("taskmanager.memory.managed.size"), fs.has("taskmanager.memory.managed.size")
	return m
}

// fineGrainedKeys are the two sizes Flink derives a TaskManager's memory
// from when no total is set (TaskExecutorProcessUtils' required
// fine-grained options): both, or a total, must be set.
var fineGrainedKeys = []string{"taskmanager.memory.task.heap.size", "taskmanager.memory.managed.size"}

// checkMemory reports memory settings that leave no task heap, at the size
// key given (IllegalConfigurationException in Flink), and fine-grained
// sizes without a total (checkMemorySizes).
func (r *resolver) checkMemory() {
	if !r.checkMemorySizes() {
		return
	}
	if !r.fs.usable(heapInputs...) {
		return // a size or fraction refused is reported: the task heap is not known
	}
	network, overhead := r.checkMemoryRange("taskmanager.memory.network"), r.checkMemoryRange("taskmanager.memory.jvm-overhead")
	if !network || !overhead {
		return // reported both: the memory is not derived
	}
	if _, err := r.memory().TaskHeapSize(); err != nil {
		for _, k := range memoryKeys {
			if r.fs.has(k) {
				r.d.at(r.fs.at(k), "%v", err)
				return
			}
		}
	}
}

// checkMemorySizes refuses a task heap or managed size set without the
// other and without a total: ProcessMemoryUtils.memoryProcessSpecFromConfig
// derives the TaskManager's memory from the task heap and managed memory
// both set, else from taskmanager.memory.flink.size, else from
// taskmanager.memory.process.size, and fails with an
// IllegalConfigurationException when none of these is configured
// (failBecauseRequiredOptionsNotConfigured). With no memory size at all
// flinksim checks nothing: Flink's configuration file sets one (its
// template: process.size 1728m). False when refused.
func (r *resolver) checkMemorySizes() bool {
	given := r.fs.given // written, valid or not: a bad value is told already
	heap, managed := given[fineGrainedKeys[0]], given[fineGrainedKeys[1]]
	if heap == managed || given["taskmanager.memory.flink.size"] || given["taskmanager.memory.process.size"] {
		return true
	}
	set, missing, hint := fineGrainedKeys[0], fineGrainedKeys[1], " (0 for a hashmap backend, which uses no managed memory)"
	if managed {
		set, missing, hint = missing, set, ""
	}
	r.d.at(r.fs.at(set), "is set without %s and without a total size: Flink derives a TaskManager's memory from the task heap and managed memory both (%s and %s), or from the total Flink memory (taskmanager.memory.flink.size), or from the total process memory (taskmanager.memory.process.size), and refuses to start it with none of these (IllegalConfigurationException: \"Either required fine-grained memory (...), or Total Flink Memory size (...), or Total Process Memory size (...) need to be configured explicitly\", ProcessMemoryUtils). Set %s too%s, or one of the total sizes",
		missing, fineGrainedKeys[0], fineGrainedKeys[1], missing, hint)
	return false
}

// checkMemoryRange refuses a minimum above the maximum of prefix's .min
// and .max (network memory, JVM overhead), at the one written, the
// minimum when both are: Flink's ProcessMemoryUtils.getRangeFraction
// builds a RangeFraction, which checks "min value must be less or equal
// to max value", for every TaskManager whatever size it derives from, and
// throws IllegalConfigurationException ("Inconsistently configured ...
// and its min (...), max (...) value"). True when the range holds.
func (r *resolver) checkMemoryRange(prefix string) bool {
	minKey, maxKey := prefix+".min", prefix+".max"
	lo, hi := r.fs.bytes(minKey), r.fs.bytes(maxKey)
	if lo <= hi {
		return true
	}
	const why = "Flink refuses a minimum above the maximum at every TaskManager's start (IllegalConfigurationException: \"Inconsistently configured %s.fraction (...) and its min (...), max (...) value\", RangeFraction: \"min value must be less or equal to max value\"); set %s at most %s, or %s at least %s"
	if r.fs.given[minKey] || !r.fs.given[maxKey] {
		r.d.at(r.fs.at(minKey), "%s is above %s (%s): "+why, FormatFlinkMemory(lo), maxKey, FormatFlinkMemory(hi),
			prefix, minKey, FormatFlinkMemory(hi), maxKey, FormatFlinkMemory(lo))
		return false
	}
	r.d.at(r.fs.at(maxKey), "%s is below %s (%s): "+why, FormatFlinkMemory(hi), minKey, FormatFlinkMemory(lo),
		prefix, maxKey, FormatFlinkMemory(lo), minKey, FormatFlinkMemory(hi))
	return false
}

// taskHeap is the task heap in bytes (0: no size configured, not checked).
func (r *resolver) taskHeap() float64 {
	h, _ := r.memory().TaskHeapSize()
	return float64(h)
}

// networkKeys are the keys the network memory derives from, the most
// specific first: a shortfall of network buffers is reported at the first
// one the scenario gives.
var networkKeys = []string{"taskmanager.memory.network.max", "taskmanager.memory.network.min", "taskmanager.memory.network.fraction",
	"taskmanager.memory.task.heap.size", "taskmanager.memory.flink.size", "taskmanager.memory.process.size",
	"taskmanager.network.memory.read-buffer.required-per-gate.max", "taskmanager.network.memory.buffers-per-channel",
	"taskmanager.numberOfTaskSlots", "parallelism.default"}

// checkNetworkBuffers refuses a job whose tasks need more network buffers
// on a TaskManager than its network memory holds: Flink fails their
// deployment with "Insufficient number of network buffers"
// (NetworkBufferPool; models.RequiredNetworkBuffers says what each task
// takes). Without a memory size configured there is nothing to check.
func (r *resolver) checkNetworkBuffers(spec models.Spec) {
	network, seg, have := r.memory().NetworkSize(), spec.Network.SegmentSize, spec.Network.Buffers
	if have <= 0 {
		return
	}
	need, err := models.RequiredNetworkBuffers(spec)
	if err != nil {
		return // the run reports it
	}
	worst := -1
	for i, tm := range need {
		if tm.Required > have && (worst < 0 || tm.Required > need[worst].Required) {
			worst = i
		}
	}
	if worst < 0 {
		return
	}
	at := r.fs.at("parallelism.default")
	for _, k := range networkKeys {
		if r.fs.given[k] {
			at = r.fs.at(k)
			break
		}
	}
	tm := need[worst]
	r.d.at(at, "Flink cannot deploy this job: TaskManager %d's tasks need %d network buffers (result partitions %d, a buffer per subpartition and one more each; input gates %d, floating and exclusive per remote channel), and its %.1f MiB of network memory holds %d of %s; Flink fails with \"Insufficient number of network buffers\" (NetworkBufferPool). %s",
		tm.TaskManager, tm.Required, tm.Partitions, tm.Gates, float64(network)/(1<<20), have, FormatFlinkMemory(seg), r.networkAdvice())
}

// networkBuffers is a TaskManager's network buffers, its network memory
// over the segment size, as NettyShuffleEnvironmentConfiguration counts
// them (calculateNumberOfNetworkBuffers); 0 without a memory size
// configured.
func (r *resolver) networkBuffers() int64 {
	network, seg := r.memory().NetworkSize(), r.fs.bytes("taskmanager.memory.segment-size")
	if network <= 0 || seg <= 0 {
		return 0
	}
	return network / seg
}

// networkAdvice is what may give a TaskManager's tasks their network
// buffers, with only the keys this release reads (flinkversion.go):
// read-buffer.required-per-gate.max from 1.17, buffers-per-channel before
// 2.0.
func (r *resolver) networkAdvice() string {
	a := "Give it more network memory (taskmanager.memory.network.fraction, .min, .max, or a larger size), "
	if !r.release.before(keySince["taskmanager.network.memory.read-buffer.required-per-gate.max"]) {
		a += "bound each gate's buffers (taskmanager.network.memory.read-buffer.required-per-gate.max), "
	}
	a += "or use fewer slots per TaskManager"
	if r.release.before(removedIn["taskmanager.network.memory.buffers-per-channel"]) {
		return a + ", a lower parallelism or fewer buffers-per-channel"
	}
	return a + " or a lower parallelism"
}
