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
//     channel (gateBuffers).
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

// gateBuffers is what an input gate of n channels requires: its floating
// pool's least and each remote channel's exclusive buffers. A gate
// requires n × buffers-per-channel + 1 buffers, at most
// read-buffer.required-per-gate.max; its channels' exclusive buffers are
// what that leaves after one floating buffer, shared out, at most
// buffers-per-channel each; the rest of the requirement floats
// (InputGateSpecUtils.createGateBuffersSpec).
func gateBuffers(n int, nw Network) (floating, exclusive int64) {
	bpc := int64(nw.BuffersPerChannel)
	required := int64(n)*bpc + 1
	if m := int64(nw.MaxRequiredPerGate); m > 0 {
		required = min(required, m)
	}
	exclusive = min(bpc, (required-1)/int64(n))
	return required - exclusive*int64(n), exclusive
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
			floating, exclusive := gateBuffers(channels, spec.Network)
			for j := range down {
				remote := 0
				if in.Exchange != Forward { // forward: the same index, the same TaskManager
					remote = up - min(up, (j/slots+1)*slots) + min(up, j/slots*slots)
				}
				out[j/slots].Gates += floating + int64(remote)*exclusive
			}
		}
	}
	for i := range out {
		out[i].Required = out[i].Partitions + out[i].Gates
	}
	return out, nil
}
