package models

// The network a job's tasks use per record of input, per TaskManager: what
// resources.go counts as a run goes (countNet), in its mean. Kafka reads
// come in, sink writes go out, and a non-forward exchange sends each
// receiving subtask its share of every sender's output, across the network
// when the two are on different TaskManagers.

// networkPerRecord returns, per TaskManager, the bytes its tasks receive and
// send per record of the job's input (at the input rate, for windows'
// results: flowsAt).
func (s *Simulation) networkPerRecord(flows [][]float64, rate float64) (in, out []float64) {
	in, out = make([]float64, s.totalTMs), make([]float64, s.totalTMs)
	for _, rt := range s.nodes {
		subs := rt.task.subtasks
		switch rt.spec.Kind {
		case KindSource:
			for j, st := range subs {
				in[st.tm] += flows[rt.idx][j] * float64(rt.spec.RecordSize)
			}
		case KindSink:
			for j, st := range subs {
				out[st.tm] += flows[rt.idx][j] * float64(rt.inRecordSize)
			}
		}
		for _, e := range rt.ins {
			if e.exchange == Forward {
				continue // subtask i to subtask i: the same slot, the same TaskManager
			}
			shares := e.to.shares()
			for i, from := range e.from.task.subtasks {
				f := flows[e.from.idx][i]
				sent := f * outputsAt(e.from, i, f, rate) * float64(e.recordSize)
				for j, to := range subs {
					if from.tm == to.tm {
						continue
					}
					w := 1 / float64(len(subs))
					if e.exchange == Hash {
						w = shares[j]
					}
					out[from.tm] += sent * w
					in[to.tm] += sent * w
				}
			}
		}
	}
	return in, out
}
