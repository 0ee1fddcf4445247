package models

import (
	"fmt"
	"math"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Memory is a TaskManager's memory configuration, Flink's
// taskmanager.memory.* keys (0: not set). TaskHeap derives the task heap
// from it as TaskExecutorProcessUtils does.
type Memory struct {
	ProcessSize int64 // taskmanager.memory.process.size
	FlinkSize   int64 // taskmanager.memory.flink.size
	TaskHeap    int64 // taskmanager.memory.task.heap.size
	ManagedSize int64 // taskmanager.memory.managed.size
	// ManagedSet: managed.size is set, 0 included (a hashmap backend's
	// TaskManager may set it so); unset, managed memory is
	// ManagedFraction of total Flink memory.
	ManagedSet bool

	ManagedFraction  float64 // taskmanager.memory.managed.fraction
	NetworkFraction  float64 // taskmanager.memory.network.fraction
	NetworkMin       int64   // taskmanager.memory.network.min
	NetworkMax       int64   // taskmanager.memory.network.max
	FrameworkHeap    int64   // taskmanager.memory.framework.heap.size
	FrameworkOffHeap int64   // taskmanager.memory.framework.off-heap.size
	TaskOffHeap      int64   // taskmanager.memory.task.off-heap.size
	Metaspace        int64   // taskmanager.memory.jvm-metaspace.size
	OverheadFraction float64 // taskmanager.memory.jvm-overhead.fraction
	OverheadMin      int64   // taskmanager.memory.jvm-overhead.min
	OverheadMax      int64   // taskmanager.memory.jvm-overhead.max
}

// DefaultMemory returns Flink's defaults (TaskManagerOptions): managed 0.4
// of total Flink memory, network 0.1 of it, at least 64 MiB (no upper bound
// since 1.17, FLINK-30469; 1 GiB before), framework heap
// and off-heap 128 MiB each, task off-heap 0, metaspace 256 MiB, JVM
// overhead 0.1 of the process within [192 MiB, 1 GiB]. No size is set, as
// in Flink, where the configuration file sets one (its template:
// taskmanager.memory.process.size: 1728m). The fractions are Flink's
// Float defaults (0.4f, 0.1f) widened to double, as Flink computes with
// them: 0.1 is 0.10000000149011612.
func DefaultMemory() Memory {
	const mib = 1 << 20
	return Memory{ManagedFraction: JavaFloat(0.4), NetworkFraction: JavaFloat(0.1), NetworkMin: 64 * mib, NetworkMax: math.MaxInt64,
		FrameworkHeap: 128 * mib, FrameworkOffHeap: 128 * mib, Metaspace: 256 * mib,
		OverheadFraction: JavaFloat(0.1), OverheadMin: 192 * mib, OverheadMax: 1024 * mib}
}

// JavaFloat is v as a Java float option holds it, widened to double:
// Flink's memory fractions are Float options, read with
// Configuration.getFloat (TaskExecutorFlinkMemoryUtils,
// ProcessMemoryUtils.getRangeFraction).
func JavaFloat(v float64) float64 { return float64(float32(v)) }

// TaskHeapSize is the heap the tasks' objects (a hashmap backend's state
// among them) may use: taskmanager.memory.task.heap.size when set,
// otherwise total Flink memory (flink.size, or process.size less the
// metaspace and the JVM overhead) less the framework's heap and off-heap,
// the task off-heap, managed and network memory (TaskExecutorProcessUtils,
// ProcessMemoryUtils). It is 0 when no size is configured, and an error
// when the parts exceed the whole (as Flink's IllegalConfigurationException).
func (m Memory) TaskHeapSize() (int64, error) {
	total, err := m.totalFlink()
	if err != nil {
		return 0, err
	}
	if m.TaskHeap > 0 {
		return m.TaskHeap, m.heapFits(total)
	}
	if total == 0 {
		return 0, nil
	}
	managed := m.managed(total)
	network := m.network(total)
	heap := total - m.FrameworkHeap - m.FrameworkOffHeap - m.TaskOffHeap - managed - network
	if heap <= 0 {
		return 0, fmt.Errorf("framework heap and off-heap (%d + %d MiB), task off-heap (%d MiB), managed (%d MiB) and network memory (%d MiB) leave no task heap in %d MiB of total Flink memory",
			m.FrameworkHeap>>20, m.FrameworkOffHeap>>20, m.TaskOffHeap>>20, managed>>20, network>>20, total>>20)
	}
	return heap, nil
}

// heapFits checks an explicit task heap against total Flink memory (0:
// none configured, nothing to check), as TaskExecutorFlinkMemoryUtils does
// when both are set: the heaps, the off-heaps and managed memory must fit
// in it, and the network memory is what they leave, which must lie within
// network.min and .max (IllegalConfigurationException in Flink).
func (m Memory) heapFits(total int64) error {
	if total == 0 {
		return nil
	}
	managed := m.managed(total)
	rest := m.FrameworkHeap + m.FrameworkOffHeap + m.TaskHeap + m.TaskOffHeap + managed
	if rest > total {
		return fmt.Errorf("framework heap and off-heap (%s + %s), task heap (%s), task off-heap (%s) and managed memory (%s) exceed total Flink memory (%s)",
			mib(m.FrameworkHeap), mib(m.FrameworkOffHeap), mib(m.TaskHeap), mib(m.TaskOffHeap), mib(managed), mib(total))
	}
	bound := ""
	switch network := total - rest; {
	case network < m.NetworkMin:
		bound = "below taskmanager.memory.network.min " + mib(m.NetworkMin)
	case network > m.NetworkMax:
		bound = "above taskmanager.memory.network.max " + mib(m.NetworkMax)
	default:
		return nil
	}
	return fmt.Errorf("with the task heap set, the network memory is what total Flink memory (%s) leaves after the heaps, the off-heaps and managed memory (%s), %s: %s",
		mib(total), mib(rest), mib(total-rest), bound)
}

// NetworkSize is a TaskManager's network memory in bytes, as
// TaskExecutorFlinkMemoryUtils derives it: with the task heap set and a
// total size, what total Flink memory leaves after the heaps, the
// off-heaps and managed memory; with the task heap and managed memory set
// and no total, their sum with the framework's and the task off-heap
// times fraction / (1 - fraction), within network.min and .max; else the
// network fraction of total Flink memory within them, or their value when
// they are equal. 0 when none of these says (no size configured).
func (m Memory) NetworkSize() int64 {
	total, err := m.totalFlink()
	if err != nil {
		return 0
	}
	switch {
	case m.TaskHeap > 0 && total > 0:
		return max(0, total-m.FrameworkHeap-m.FrameworkOffHeap-m.TaskHeap-m.TaskOffHeap-m.managed(total))
	case m.fineGrained():
		return m.inverseNetwork()
	case total > 0:
		return m.network(total)
	case m.NetworkMin == m.NetworkMax:
		return m.NetworkMin
	}
	return 0
}

// fineGrained: the task heap and managed memory are both set, from which
// Flink derives a TaskManager's memory before any total
// (ProcessMemoryUtils.memoryProcessSpecFromConfig tries the required
// fine-grained options first).
func (m Memory) fineGrained() bool { return m.TaskHeap > 0 && (m.ManagedSize > 0 || m.ManagedSet) }

// inverseNetwork is the network memory of fine-grained sizes without
// flink.size: the other Flink components times fraction / (1 - fraction),
// within network.min and .max (deriveNetworkMemoryWithInverseFraction,
// which multiplies by the quotient).
func (m Memory) inverseNetwork() int64 {
	rest := m.FrameworkHeap + m.FrameworkOffHeap + m.TaskHeap + m.TaskOffHeap + m.ManagedSize
	return clamp(int64(float64(rest)*(m.NetworkFraction/(1-m.NetworkFraction))), m.NetworkMin, m.NetworkMax)
}

// managed is managed memory: managed.size when set, else the managed
// fraction of total Flink memory.
func (m Memory) managed(total int64) int64 {
	if m.ManagedSize > 0 || m.ManagedSet {
		return m.ManagedSize
	}
	return int64(m.ManagedFraction * float64(total))
}

func (m Memory) network(total int64) int64 {
	return clamp(int64(m.NetworkFraction*float64(total)), m.NetworkMin, m.NetworkMax)
}

// totalFlink is total Flink memory: flink.size, or with the fine-grained
// sizes and a process size what those sizes and their network memory add
// up to, or process.size less the metaspace and the JVM overhead; 0 when
// no total is set. With a process size and a Flink memory, given or
// derived, the JVM overhead is what the process leaves
// (deriveJvmMetaspaceAndOverheadFromTotalFlinkMemory).
func (m Memory) totalFlink() (int64, error) {
	total, what := m.FlinkSize, "taskmanager.memory.flink.size"
	if total == 0 && m.ProcessSize > 0 && m.fineGrained() {
		total = m.FrameworkHeap + m.FrameworkOffHeap + m.TaskHeap + m.TaskOffHeap + m.ManagedSize + m.inverseNetwork()
		what = "the total Flink memory derived from task.heap.size and managed.size"
	}
	if total > 0 && m.ProcessSize > 0 {
		if err := m.overheadBetween(total, what); err != nil {
			return 0, err
		}
	}
	if total == 0 && m.ProcessSize > 0 {
		overhead := clamp(int64(m.OverheadFraction*float64(m.ProcessSize)), m.OverheadMin, m.OverheadMax)
		total = m.ProcessSize - m.Metaspace - overhead
		if total <= 0 {
			return 0, fmt.Errorf("taskmanager.memory.process.size %d MiB is below the JVM metaspace (%d MiB) and overhead (%d MiB)",
				m.ProcessSize>>20, m.Metaspace>>20, overhead>>20)
		}
	}
	return total, nil
}

// overheadBetween checks a process size against a total Flink memory
// (flink.size, or derived from the fine-grained sizes; what names it): the
// JVM overhead is what is left of the process after the
// Flink memory and the metaspace, and it must lie within jvm-overhead.min
// and .max (ProcessMemoryUtils.deriveJvmOverheadFromTotalFlinkMemoryAndOtherComponents
// and sanityCheckJvmOverhead, IllegalConfigurationException in Flink).
func (m Memory) overheadBetween(flink int64, what string) error {
	overhead := m.ProcessSize - flink - m.Metaspace
	if overhead < 0 {
		return fmt.Errorf("taskmanager.memory.process.size %s is less than %s %s and the JVM metaspace %s together",
			mib(m.ProcessSize), what, mib(flink), mib(m.Metaspace))
	}
	if overhead < m.OverheadMin || overhead > m.OverheadMax {
		return fmt.Errorf("the JVM overhead left by taskmanager.memory.process.size %s less %s %s and the JVM metaspace %s is %s, outside jvm-overhead.min %s and jvm-overhead.max %s",
			mib(m.ProcessSize), what, mib(flink), mib(m.Metaspace), mib(overhead), mib(m.OverheadMin), mib(m.OverheadMax))
	}
	return nil
}

// mib prints a byte count in MiB, as Flink's configuration writes sizes,
// and one that is not whole MiB also in bytes, as Flink's
// MemorySize.toHumanReadableString does.
func mib(b int64) string {
	if b%(1<<20) == 0 {
		return fmt.Sprintf("%dm", b>>20)
	}
	return fmt.Sprintf("%.3fmb (%d bytes)", float64(b)/(1<<20), b)
}

func clamp(v, lo, hi int64) int64 { return max(lo, min(v, hi)) }

// heapCheckPeriod is how often TaskManagers' heap state is compared with
// their task heap besides after every window step and restore: the
// simulator's own sampling (keyed state grows with new keys, not per step),
// as for the overload check; not a Flink setting.
const heapCheckPeriod = sim.Second

// checkHeaps fails, on every TaskManager whose tasks keep more state on the
// heap (a hashmap backend's keyed state and windows) than its task heap,
// the subtask holding the most: java.lang.OutOfMemoryError: Java heap space
// fails the task (taskmanager.jvm-exit-on-oom is false by default; with
// true Task.preProcessException halts the TaskManager's JVM, and every
// task on it is lost), and its region fails over, restores
// the last checkpoint's state and grows it again.
func (s *Simulation) checkHeaps() {
	for tm := range s.totalTMs {
		s.checkHeap(tm)
	}
	if next := sim.Add(s.eng.Now(), heapCheckPeriod); next <= s.spec.Duration {
		s.eng.At(next, evHeapCheck, 0, 0)
	}
}

// checkHeap fails TaskManager tm's subtask holding the most state when its
// running subtasks hold more than its task heap.
func (s *Simulation) checkHeap(tm int) {
	s.listTaskManagers()
	limit := s.spec.TaskManager.TaskHeap
	var held, most float64
	var biggest *subtask
	for _, st := range s.tmSubtasks[tm] {
		if st.dead || st.region.state != regionRunning {
			continue
		}
		b := s.heapState(st)
		held += b
		if b > most {
			most, biggest = b, st
		}
	}
	if held > limit && biggest != nil {
		reason := fmt.Sprintf("%s: java.lang.OutOfMemoryError: Java heap space (TaskManager %d holds %.0f MiB of state on a %.0f MiB task heap)",
			biggest.name(), tm, held/(1<<20), limit/(1<<20))
		if s.spec.ExitOnOOM { // the process exits: every task on it is lost
			if s.loseTaskManager(tm, DetectProcessExit) {
				s.tmOOM[tm] = reason
			}
			return
		}
		s.failover(reason, CauseOutOfMemory, s.eng.Now(), []*subtask{biggest})
	}
}

// windowStateGrew: a step put records into st's windows. The JVM fails an
// allocation the moment the heap is full, not at the next periodic check:
// a restored job replays minutes of backlog in seconds, so its TaskManager
// is checked right after the step.
func (s *Simulation) windowStateGrew(st *subtask) {
	if !s.heapChecked() {
		return
	}
	s.listTaskManagers()
	if !s.heapPending[st.tm] {
		s.heapPending[st.tm] = true
		s.eng.At(s.eng.Now(), evHeapTM, int32(st.tm), 0)
	}
}

// listTaskManagers lists each TaskManager's subtasks, once.
func (s *Simulation) listTaskManagers() {
	if s.tmSubtasks != nil {
		return
	}
	s.tmSubtasks = make([][]*subtask, s.totalTMs)
	s.heapPending = make([]bool, s.totalTMs)
	for _, st := range s.subtasks {
		s.tmSubtasks[st.tm] = append(s.tmSubtasks[st.tm], st)
	}
}

// heapTM is the check a window step asked for.
func (s *Simulation) heapTM(tm int) {
	s.heapPending[tm] = false
	s.checkHeap(tm)
}

// heapState is a subtask's state on the heap: its keyed state and windows.
func (s *Simulation) heapState(st *subtask) float64 {
	b := 0.0
	for pos, rt := range st.t.nodes {
		if k := rt.spec.Keyed; k != nil {
			b += rt.distinctKeys(st.index, st.ops[pos].stateRecs) * float64(k.StatePerKey)
		}
		if o := st.ops[pos].win; o != nil {
			b += o.bytes
		}
	}
	return b
}

// heapChecked reports whether state lives on the heap and a task heap is
// known.
func (s *Simulation) heapChecked() bool {
	return s.spec.TaskManager.TaskHeap > 0 && !math.IsInf(s.spec.TaskManager.TaskHeap, 1) && s.spec.HeapState
}

// heapCosts is each TaskManager's heap state for the sustainable rate:
// keyed state and aggregate windows' accumulators as this run holds them
// (bounded by the keys), and per record/s of input what buffering windows
// keep. A tumbling window holds its records until the watermark passes
// its end − 1 ms + allowed lateness: at its peak, just before a purge,
// rate × (size + bound + lateness); sliding windows, each record in k of
// them, hold about rate × (k × (size/2 + bound + lateness) + size/2), and
// those shorter than their slide (k < 1) a window's size of records until
// its purge, with the next window's from its start on, the gap between
// them later: rate × (size + max(0, bound + lateness − (slide − size))).
// Session windows hold a record from its timestamp to its session's end
// (the grid's mean, from the planned key rates: at another rate sessions
// last otherwise, so their bound is linear only near the planned rate),
// then bound + lateness.
func (s *Simulation) heapCosts(flows [][]float64) *result.HeapCosts {
	h := &result.HeapCosts{TaskHeap: s.spec.TaskManager.TaskHeap, TaskManagers: make([]result.HeapLoad, s.totalTMs)}
	for _, st := range s.subtasks {
		load := &h.TaskManagers[st.tm]
		for pos, rt := range st.t.nodes {
			if k := rt.spec.Keyed; k != nil {
				load.Fixed += rt.distinctKeys(st.index, st.ops[pos].stateRecs) * float64(k.StatePerKey)
			}
			o := st.ops[pos].win
			if o == nil {
				continue
			}
			if !o.w.Buffering {
				load.Fixed += o.peak
				continue
			}
			w := o.w
			bound := eventTimeSource(rt).spec.Kafka.EventTime.OutOfOrderness
			wait := bound.Seconds() + w.AllowedLateness.Seconds() // from a window's end to its purge
			held := w.PerRecord()*(w.Size.Seconds()/2+wait) + w.Size.Seconds()/2
			if w.PerRecord() < 1 {
				held = w.Size.Seconds() + max(0, wait-(w.Slide-w.Size).Seconds())
			}
			if o.sess != nil { // from its timestamp to its session's end, then the bound and the lateness
				held = o.sess.meanEnd(o.grid) + bound.Seconds() + w.AllowedLateness.Seconds()
			}
			load.PerRate += flows[rt.idx][st.index] * float64(o.recBytes) * held
		}
	}
	return h
}
