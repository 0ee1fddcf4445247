package models

import "fmt"

// Network buffers a TaskManager must have to deploy its tasks. Flink's
// NetworkBufferPool holds network memory / segment size buffers and refuses
// a pool or channel whose required buffers exceed what is left, failing the
// task's deployment with "Insufficient number of network buffers: required
// N, but only M available":
//
//   - a pipelined result partition requires one buffer per subpartition and
//     one more (NettyShuffleUtils.getMinMaxNetworkBuffersPerResultPartition);
//   - a streaming input gate requires its floating pool's least, reserved
//     first (SingleInputGate.setupChannels), and every remote channel its
//     exclusive buffers (RemoteRecoveredInputChannel, RemoteInputChannel);
//     a local channel reads the sender's buffers and takes none. By
//     default that is one floating buffer and buffers-per-channel per remote
//     channel (gateBuffers); the simulated gates have the same exclusive
//     buffers and floating pools (sizeGates).
//
// Tasks are placed as deploySubtasks places them: subtask i of every task
// on TaskManager i / slots (slot sharing).
//
// The count is the same in every release flinksim knows, checked in Flink's
// sources for pipelined streaming exchanges: a partition's least is
// subpartitions + 1 throughout (NettyShuffleUtils, ResultPartitionFactory);
// before 1.17 a gate's floating pool least is 1 and every remote channel
// takes buffers-per-channel (NettyShuffleUtils.getMinMaxFloatingBuffersPerInputGate,
// SingleInputGateFactory); from 1.17 (FLINK-30473) InputGateSpecUtils as
// gateBuffers has it, the same in 1.18 to 1.20 and in 2.x's
// SingleInputGateFactory, where NettyShuffleEnvironmentConfiguration fixes
// 2 exclusive and 8 floating and still reads read-buffer.required-per-gate.max.
// A master change of the 1.20 cycle that made a gate's own pool require
// n × buffers-per-channel + 1 (GateBuffersSpec min and expected) shipped in
// no release. What differs by release is only which keys it reads
// (scenarios/flinkversion.go).

// NetworkBuffers is what one TaskManager's tasks require.
type NetworkBuffers struct {
	TaskManager int
	Required    int64 // buffers: the partitions' and gates' together
	Partitions  int64 // of them, the result partitions' (subpartitions + 1 each)
	Gates       int64 // of them, the input gates' (floating, and exclusive per remote channel)
}

// gateSpec is an input gate's buffers (Flink's GateBuffersSpec): each
// channel's exclusive buffers, and the floating pool's least (required at
// deployment) and size.
type gateSpec struct {
	exclusive, requiredFloating, totalFloating int64
}

// gateBuffers is the spec of a streaming input gate of n channels, local
// ones included, as InputGateSpecUtils.createGateBuffersSpec makes it
// (Flink 1.17+, FLINK-30473; 2.x's SingleInputGateFactory calls the same):
// the gate requires n × buffers-per-channel + 1 buffers, at most
// read-buffer.required-per-gate.max (unset, no bound for a pipelined
// exchange); each channel's exclusive buffers are what that leaves after
// one floating buffer, shared out, at most buffers-per-channel; the
// floating pool requires the rest of the requirement and holds at most
// the gate's target, n × buffers-per-channel + floating-buffers-per-gate,
// less the exclusive buffers (n of them per channel, though a local
// channel takes none). Without the bound, every channel has
// buffers-per-channel and the pool 1 to floating-buffers-per-gate, as
// before 1.17, which has no bound.
func gateBuffers(n int, nw Network) gateSpec {
	bpc, channels := int64(nw.BuffersPerChannel), int64(max(n, 1))
	required := channels*bpc + 1
	if m := int64(nw.MaxRequiredPerGate); m > 0 {
		required = min(required, m)
	}
	excl := min(bpc, (required-1)/channels)
	return gateSpec{exclusive: excl, requiredFloating: required - excl*channels,
		totalFloating: channels*bpc + int64(nw.FloatingPerGate) - excl*channels}
}

// sizeGates gives every input gate its exclusive buffers per remote
// channel and its floating pool (gateBuffers), once its channels are
// known.
func (s *Simulation) sizeGates() {
	for _, st := range s.subtasks {
		for _, g := range st.gates {
			gs := gateBuffers(len(g.ch), s.spec.Network)
			g.exclusive, g.floating = int32(gs.exclusive), int32(gs.totalFloating)
		}
	}
}

// resizable is a buffer pool NetworkBufferPool may resize: its required
// and its largest size, and how to set it.
type resizable struct {
	lo, hi int64
	set    func(int64)
}

// redistributePools sizes every output pool and every input gate's
// floating pool as Flink's NetworkBufferPool.redistributeBuffers does once a
// TaskManager's tasks have set up their partitions and gates (the same
// from 1.15 to 2.x): each pool holds its required buffers (a partition's
// subpartitions + 1, a gate's required floating ones), the remote channels
// their exclusive ones, and what the TaskManager's buffers leave beyond all
// those goes to the pools that can grow, each in proportion to what it can
// take (its largest size less its required, at most all that is left),
// shared out cumulatively in whole buffers. With buffers to spare every pool
// has its largest size, as it has when the network memory is not known
// (Network.Buffers 0); with none, every pool has only its required ones.
func (s *Simulation) redistributePools() {
	total := s.spec.Network.Buffers
	if total <= 0 {
		return
	}
	var pools [][]resizable
	var required []int64
	add := func(tm int, lo, hi int64, set func(int64)) {
		for len(pools) <= tm {
			pools, required = append(pools, nil), append(required, 0)
		}
		pools[tm] = append(pools[tm], resizable{lo: lo, hi: max(lo, hi), set: set})
		required[tm] += lo
	}
	for _, st := range s.subtasks {
		for _, p := range st.parts {
			add(st.tm, int64(len(p.ch))+1, int64(p.pool), func(n int64) { p.pool = int32(n) })
		}
		for _, g := range st.gates {
			gs := gateBuffers(len(g.ch), s.spec.Network)
			add(st.tm, gs.requiredFloating, int64(g.floating), func(n int64) { g.floating = int32(n) })
			required[st.tm] += int64(g.remote) * gs.exclusive
		}
	}
	for tm, ps := range pools {
		redistribute(ps, total-required[tm])
	}
}

// redistribute shares avail buffers among pools as redistributeBuffers
// does: pool i's capacity is min(avail, hi − lo), and after the pools up to
// it have been served, min(avail, Σ capacities) × (their capacities) /
// (all capacities) buffers, rounded down, have been given out.
func redistribute(pools []resizable, avail int64) {
	var capacity int64
	for _, p := range pools {
		capacity += min(max(avail, 0), p.hi-p.lo)
	}
	if avail <= 0 || capacity == 0 {
		for _, p := range pools {
			p.set(p.lo)
		}
		return
	}
	give := min(avail, capacity)
	var parts, given int64
	for _, p := range pools {
		c := min(avail, p.hi-p.lo)
		parts += c
		mine := give*parts/capacity - given
		given += mine
		p.set(p.lo + min(mine, c))
	}
}

// RequiredNetworkBuffers is, per TaskManager, the network buffers its tasks
// require at deployment. It errs as New does on a job graph it cannot
// build (a cycle, a duplicate name).
func RequiredNetworkBuffers(spec Spec) ([]NetworkBuffers, error) {
	s := &Simulation{spec: spec}
	byName, err := s.deployNodes()
	if err != nil {
		return nil, err
	}
	order, err := topologicalOrder(s.spec.Nodes, byName)
	if err != nil {
		return nil, err
	}
	s.chain(order, byName)
	slots := max(spec.SlotsPerTaskManager, 1)
	tms := 0
	for _, n := range spec.Nodes {
		tms = max(tms, (n.Parallelism+slots-1)/slots)
	}
	out := make([]NetworkBuffers, tms)
	for i := range out {
		out[i].TaskManager = i
	}
	for _, rt := range s.nodes {
		if rt.parent >= 0 {
			continue // chained: its input is no exchange
		}
		down := rt.spec.Parallelism
		for _, in := range rt.spec.Inputs {
			up := s.nodes[byName[in.From]].spec.Parallelism
			if in.Exchange == Forward && up != down {
				return nil, fmt.Errorf("forward edge %s -> %s needs equal parallelism (%d vs %d)", in.From, rt.spec.Name, up, down)
			}
			subpartitions := int64(down)
			if in.Exchange == Forward {
				subpartitions = 1
			}
			for i := range up {
				out[i/slots].Partitions += subpartitions + 1
			}
			channels := up
			if in.Exchange == Forward {
				channels = 1
			}
			gs := gateBuffers(channels, spec.Network)
			for j := range down {
				remote := 0
				if in.Exchange != Forward { // forward: the same index, the same TaskManager
					remote = up - min(up, (j/slots+1)*slots) + min(up, j/slots*slots)
				}
				out[j/slots].Gates += gs.requiredFloating + int64(remote)*gs.exclusive
			}
		}
	}
	for i := range out {
		out[i].Required = out[i].Partitions + out[i].Gates
	}
	return out, nil
}
