package scenarios

import "github.com/flinksim/flinksim/sim"

// Latency and the time resolution. Without simulation.chunk-records: 1 a
// source gathers what arrives within a chunk-delay and an idle task
// gathers its input for up to one, so a record's latency is resolved to
// about a chunk-delay per task it passes (README, "simulation:"). A buffer
// timeout given on purpose, no longer than that resolution over the job's
// longest path, cannot show its effect on latency: the run says so.

// warnLatencyResolution warns when execution.buffer-timeout.interval is
// given (in the file or a what-if) and no longer than chunk-delay times
// the operators on the job's longest path, in chunked mode. A chunk-delay
// or chunk-records refused is told as such: no warning is judged by it.
func (r *resolver) warnLatencyResolution() {
	const key = "execution.buffer-timeout.interval"
	fs, s := r.fs, r.sc.Simulation
	if !fs.given[key] || !fs.usable(key, "execution.buffer-timeout.enabled") || !fs.bool("execution.buffer-timeout.enabled") || s == nil || s.ChunkDelay == nil {
		return
	}
	if r.d.badUnder("simulation.chunk-delay") || r.d.badUnder("simulation.chunk-records") {
		return
	}
	if s.ChunkRecords != nil && float64(*s.ChunkRecords) == 1 {
		return // exact: every record on its own
	}
	per, hops := sim.Time(*s.ChunkDelay), r.longestPath()
	timeout := fs.duration(key)
	if per <= 0 || hops == 0 || timeout > per*sim.Time(hops) {
		return
	}
	at := fs.at(key)
	r.d.warn(r.d.nodes[at], at, "latency is simulated to about simulation.chunk-delay (%s) per operator, up to %s over the job's longest path (%d operators), no finer than this %s timeout, whose effect on latency therefore does not show; set simulation.chunk-records: 1 (--set simulation.chunk-records=1) to simulate each record",
		FormatDuration(per), FormatDuration(per*sim.Time(hops)), hops, FormatDuration(timeout))
}

// longestPath is the number of sources, operators and sinks on the
// longest path from a source to a sink (0 if the graph has a cycle or an
// unknown input, which the resolver reports).
func (r *resolver) longestPath() int {
	depth := map[string]int{}
	var visit func(n *node, seen int) int
	visit = func(n *node, seen int) int {
		if d, ok := depth[n.name]; ok {
			return d
		}
		if seen > len(r.nodes) {
			return 0 // a cycle
		}
		d := 1
		for _, in := range n.inputs {
			if m, ok := r.byName[in]; ok {
				d = max(d, visit(m, seen+1)+1)
			}
		}
		depth[n.name] = d
		return d
	}
	longest := 0
	for _, n := range r.nodes {
		longest = max(longest, visit(n, 0))
	}
	return longest
}
