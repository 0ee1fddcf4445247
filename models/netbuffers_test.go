package models

import (
	"fmt"
	"testing"
)

// TestRequiredNetworkBuffers follows Flink's deployment-time reservations
// per TaskManager (subtask i on TaskManager i / slots): a result partition
// takes one buffer per subpartition and one more; an input gate one
// floating buffer and buffers-per-channel (2) per remote channel; a
// chained edge takes nothing, a forward one that is not chained one
// subpartition and one local channel; read-buffer.required-per-gate.max
// lowers a gate's requirement, its channels' exclusive buffers first.
func TestRequiredNetworkBuffers(t *testing.T) {
	node := func(name string, kind NodeKind, p int, chain bool, in ...Input) Node {
		return Node{Name: name, Kind: kind, Parallelism: p, Chain: chain, Inputs: in}
	}
	keyBy := func(p int) []Node {
		return []Node{node("src", KindSource, p, true), node("agg", KindOperator, p, true, Input{From: "src", Exchange: Hash}),
			node("out", KindSink, p, true, Input{From: "agg", Exchange: Rebalance})}
	}
	for _, c := range []struct {
		name  string
		nodes []Node
		slots int
		chain bool
		want  []NetworkBuffers
		// read-buffer.required-per-gate.max (0: unset)
		maxReq int
	}{
		// 128 subtasks, 8 per TaskManager: two all-to-all exchanges, so each
		// TaskManager's 8 senders per exchange take 128 + 1, and its 8
		// receivers per exchange 1 + 2 × 120 remote channels.
		{"keyBy 128 on 16 TaskManagers", keyBy(128), 8, true,
			[]NetworkBuffers{{0, 2*8*129 + 2*8*241, 2 * 8 * 129, 2 * 8 * 241}}, 0},
		// 10 subtasks, 4 per TaskManager: the last holds subtasks 8 and 9,
		// whose receivers have 8 remote channels each.
		{"keyBy 10 on 3 TaskManagers", keyBy(10), 4, true,
			[]NetworkBuffers{{0, 2*4*11 + 2*4*13, 2 * 4 * 11, 2 * 4 * 13}, {1, 2*4*11 + 2*4*13, 2 * 4 * 11, 2 * 4 * 13}, {2, 2*2*11 + 2*2*17, 2 * 2 * 11, 2 * 2 * 17}}, 0},
		{"forward, chained", []Node{node("src", KindSource, 4, true), node("out", KindSink, 4, true, Input{From: "src"})}, 4, true,
			[]NetworkBuffers{{0, 0, 0, 0}}, 0},
		{"forward, chaining off", []Node{node("src", KindSource, 4, true), node("out", KindSink, 4, true, Input{From: "src"})}, 4, false,
			[]NetworkBuffers{{0, 4*2 + 4*1, 4 * 2, 4 * 1}}, 0},
		// a gate of 10 channels requires at most 5 buffers: none exclusive
		// ((5 - 1) / 10), all 5 floating
		{"keyBy 10, at most 5 per gate", keyBy(10), 1, true,
			[]NetworkBuffers{{0, 2*11 + 2*5, 2 * 11, 2 * 5}}, 5},
		// at most 15: one exclusive per channel ((15 - 1) / 10), 5 floating,
		// and the 9 remote channels' exclusive ones
		{"keyBy 10, at most 15 per gate", keyBy(10), 1, true,
			[]NetworkBuffers{{0, 2*11 + 2*(5+9), 2 * 11, 2 * (5 + 9)}}, 15},
	} {
		nw := DefaultNetwork()
		nw.MaxRequiredPerGate = c.maxReq
		spec := Spec{Nodes: c.nodes, SlotsPerTaskManager: c.slots, Chaining: c.chain, Network: nw}
		got, err := RequiredNetworkBuffers(spec)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(c.want) == 1 && len(got) > 1 { // every TaskManager alike
			for _, g := range got[1:] {
				if g.Required != got[0].Required {
					t.Errorf("%s: TaskManager %d needs %d, TaskManager 0 %d; want them alike", c.name, g.TaskManager, g.Required, got[0].Required)
				}
			}
			got = got[:1]
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d TaskManagers, want %d", c.name, len(got), len(c.want))
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: TaskManager %d: %+v, want %+v", c.name, i, got[i], c.want[i])
			}
		}
	}
}

// TestNetworkSize: the network fraction of total Flink memory within min
// and max (1728m of process: 1280 MiB of Flink memory, a tenth of it), a
// fixed size when min and max agree, nothing without a size; with the task
// heap set, what is left (TaskExecutorFlinkMemoryUtils).
func TestNetworkSize(t *testing.T) {
	const mib = 1 << 20
	m := DefaultMemory()
	if got := m.NetworkSize(); got != 0 {
		t.Errorf("no size configured: %d, want 0", got)
	}
	m.ProcessSize = 1728 * mib
	// 0.1f of 1280 MiB: Flink passes it as -D taskmanager.memory.network.max=134217730b
	if got, want := m.NetworkSize(), int64(134217730); got != want {
		t.Errorf("process 1728m: %d, want %d", got, want)
	}
	m.NetworkMax = 64 * mib
	if got := m.NetworkSize(); got != 64*mib {
		t.Errorf("network.max 64m: %d, want %d", got, 64*mib)
	}
	m = DefaultMemory()
	m.NetworkMax = 64 * mib
	if got := m.NetworkSize(); got != 64*mib {
		t.Errorf("network min = max = 64m, no size: %d, want %d", got, 64*mib)
	}
	// the task heap set: network memory is what the rest leaves of 4g of
	// Flink memory (4096 - 128 - 128 - 512 - 512 MiB), or with no total
	// the rest (1280 MiB) times f / (1 - f), f = 0.1f widened to double
	m = DefaultMemory()
	inverse := JavaFloat(0.1) / (1 - JavaFloat(0.1))
	m.FlinkSize, m.TaskHeap, m.ManagedSize = 4096*mib, 512*mib, 512*mib
	if got := m.NetworkSize(); got != 2816*mib {
		t.Errorf("flink.size 4g, task heap and managed 512m: %d MiB, want 2816", got/mib)
	}
	m.FlinkSize = 0
	rest := float64(1280 * mib)
	if got, want := m.NetworkSize(), int64(rest*inverse); got != want {
		t.Errorf("task heap and managed 512m, no total: %d, want %d", got, want)
	}
	// managed.size 0 is set (ManagedSet): with the task heap it is the
	// fine-grained configuration, its network memory the rest (768 MiB)
	// times 0.1 / 0.9, within network.min (64 MiB); with a total, no
	// managed memory is taken from it
	m.ManagedSize, m.ManagedSet = 0, true
	rest = float64(768 * mib)
	if got, want := m.NetworkSize(), int64(rest*inverse); got != want {
		t.Errorf("task heap 512m, managed 0, no total: %d, want %d", got, want)
	}
	m.FlinkSize = 4096 * mib
	if got := m.NetworkSize(); got != 3328*mib {
		t.Errorf("flink.size 4g, task heap 512m, managed 0: %d MiB, want 3328", got/mib)
	}
	if h, err := m.TaskHeapSize(); err != nil || h != 512*mib {
		t.Errorf("flink.size 4g, task heap 512m, managed 0: task heap %d MiB (%v), want 512", h/mib, err)
	}
	m.TaskHeap = 0 // derived: no managed fraction is taken
	total := float64(4096 * mib)
	if h, err := m.TaskHeapSize(); err != nil || h != 4096*mib-256*mib-int64(total*JavaFloat(0.1)) {
		t.Errorf("flink.size 4g, managed 0: task heap %d (%v), want %d", h, err, 4096*mib-256*mib-int64(total*JavaFloat(0.1)))
	}
}

// poolSize checks a pool's size got: want when given, else its required lo
// and about half of the room it may take beyond; it returns what it took
// beyond lo.
func poolSize(t *testing.T, what string, got, want, lo, room int32) int64 {
	t.Helper()
	if want > 0 && got != want {
		t.Errorf("%s %d, want %d", what, got, want)
	}
	if want == 0 && (got < lo+room/2-1 || got > lo+room/2+1) {
		t.Errorf("%s %d, want %d + about half of %d", what, got, lo, room)
	}
	return int64(got - lo)
}

// TestRedistributePools: with a TaskManager's network buffers known, its
// pools share what the required buffers leave as Flink's
// NetworkBufferPool.redistributeBuffers shares it. One TaskManager runs
// src -> keyBy -> agg -> rebalance -> out at parallelism 2, every channel
// local: 4 output pools (2 subpartitions: 3 required, 12 at most) and 4
// gates' floating pools (2 channels × 2 + 8 less 4 exclusive: 1 required,
// 8 at most), 16 required in all. Unknown (0), every pool has its largest
// size; 16 buffers leave nothing, so every pool has its required ones (a
// sender's pool of 3 for 2 subpartitions, where the simulation gave 12);
// 16 + 64 fill every pool; 16 + 32 give each pool about half of what it
// can take (9 or 7), 32 in all.
func TestRedistributePools(t *testing.T) {
	for _, c := range []struct {
		buffers       int64
		part, gate    int32 // every pool's size (0: shared, checked in sum)
		extra, within int64
	}{{0, 12, 8, 0, 0}, {16, 3, 1, 0, 0}, {16 + 64, 12, 8, 0, 0}, {16 + 32, 0, 0, 32, 1}} {
		spec := keyedSpec(2, 2, 1000)
		spec.Network.Buffers = c.buffers
		s, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		var extra int64
		for _, st := range s.subtasks {
			for _, p := range st.parts {
				extra += poolSize(t, fmt.Sprintf("%d buffers: %s[%d]'s output pool", c.buffers, p.edge.from.spec.Name, st.index), p.pool, c.part, 3, 9)
			}
			for _, g := range st.gates {
				extra += poolSize(t, fmt.Sprintf("%d buffers: %s[%d]'s floating pool", c.buffers, g.edge.to.spec.Name, st.index), g.floating, c.gate, 1, 7)
			}
		}
		if c.part == 0 && extra != c.extra {
			t.Errorf("%d buffers: the pools took %d beyond their required, want %d", c.buffers, extra, c.extra)
		}
	}
}
