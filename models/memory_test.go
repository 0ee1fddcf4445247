package models

import (
	"strings"
	"testing"
)

// TestFineGrainedBeforeTotals: with the task heap and managed memory both
// set, Flink derives the TaskManager's memory from them whatever total is
// set too (ProcessMemoryUtils.memoryProcessSpecFromConfig tries the
// required fine-grained options first): without flink.size, network memory
// is the other Flink components times fraction / (1 - fraction) within
// network.min and .max (deriveNetworkMemoryWithInverseFraction), and a
// process size set is not split by jvm-overhead.fraction: the JVM overhead
// is what it leaves after that Flink memory and the metaspace, which must
// lie within jvm-overhead.min and .max
// (deriveJvmOverheadFromTotalFlinkMemoryAndOtherComponents,
// sanityCheckJvmOverhead). Task heap 384m and managed 512m with the
// framework's 128m + 128m: 1152 MiB, network 1152 × 0.1 / 0.9 = 128 MiB,
// Flink memory 1280 MiB; a 2048m process leaves 512 MiB of overhead
// (within [192m, 1g]), 4096m leaves 2560 MiB (above 1g: refused), 1400m
// is less than the Flink memory and the metaspace (refused).
func TestFineGrainedBeforeTotals(t *testing.T) {
	const mib = 1 << 20
	fine := func(process int64) Memory {
		m := DefaultMemory()
		m.ProcessSize, m.TaskHeap, m.ManagedSize, m.ManagedSet = process*mib, 384*mib, 512*mib, true
		return m
	}
	inverse := func(m Memory) int64 {
		rest := m.FrameworkHeap + m.FrameworkOffHeap + m.TaskHeap + m.TaskOffHeap + m.ManagedSize
		return int64(float64(rest) * (m.NetworkFraction / (1 - m.NetworkFraction)))
	}
	m := fine(2048)
	if got, want := m.NetworkSize(), inverse(m); got != want {
		t.Errorf("process 2048m, task heap 384m, managed 512m: network %d bytes (%d MiB), want %d (the inverse fraction, as with no total)", got, got/mib, want)
	}
	if h, err := m.TaskHeapSize(); err != nil || h != 384*mib {
		t.Errorf("process 2048m: task heap %d (%v), want %d", h, err, 384*mib)
	}
	for _, c := range []struct {
		process int64
		want    string
	}{
		{4096, "(2684354558 bytes), outside"},
		{1400, "less than"},
	} {
		m := fine(c.process)
		_, err := m.TaskHeapSize()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("process %dm, task heap 384m, managed 512m: %v, want refused (%s)", c.process, err, c.want)
		}
		if got := m.NetworkSize(); got != 0 {
			t.Errorf("process %dm: network %d bytes of a TaskManager Flink refuses, want 0", c.process, got)
		}
	}
	// 1728m: the network memory is 0.1f / (1 - 0.1f) of 1152 MiB,
	// 134217730 bytes, 2 more than 128 MiB, and the overhead left is 2
	// bytes short of jvm-overhead.min's 192 MiB: Flink refuses it ("Derived
	// JVM Overhead size ... is not in configured JVM Overhead range")
	m = fine(1728)
	if _, err := m.TaskHeapSize(); err == nil || !strings.Contains(err.Error(), "(201326590 bytes), outside") {
		t.Errorf("process 1728m, task heap 384m, managed 512m: %v, want the overhead of 201326590 bytes refused", err)
	}
}
