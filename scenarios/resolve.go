package scenarios

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// Defaults of fields that Flink has no key for.
const (
	defaultDuration   = 10 * sim.Minute
	defaultSeed       = 1
	defaultRecordSize = 100
	defaultChunkDelay = 5 * sim.Millisecond
	defaultSample     = 5 * sim.Second
	maxDuration       = 366 * sim.Day
	maxSamples        = 1 << 20
	maxSubtasks       = 100000
	maxChannels       = 20000000
)

// node is one source, operator or sink during resolution.
type node struct {
	name, path  string
	kind        models.NodeKind
	src         *Source
	op          *Operator
	sink        *Sink
	parallelism int
	recordSize  int64 // output record size
	inputs      []string
	exchange    string // as written or resolved
	consumers   int
}

type resolver struct {
	d           *decoder
	sc          *Scenario
	fs          flinkSettings
	notModelled []string
	nodes       []*node
	byName      map[string]*node
}

func ptr[T any](v T) *T { return &v }

func (r *resolver) resolve() {
	d, sc := r.d, r.sc
	r.fs, r.notModelled = resolveFlink(d, sc.Flink)
	if strings.TrimSpace(sc.Name) == "" {
		d.at("name", "is required (a short name for the scenario)")
	}
	if sc.Duration == nil {
		sc.Duration = ptr(Duration(defaultDuration))
	}
	if dur := sim.Time(*sc.Duration); dur <= 0 || dur > maxDuration {
		d.at("duration", "must be more than 0s and at most 366d, not %s", FormatDuration(dur))
	}
	if sc.Seed == nil {
		sc.Seed = ptr(uint64(defaultSeed))
	}
	r.simulation()
	r.collect()
	for _, n := range r.nodes {
		switch n.kind {
		case models.KindSource:
			r.source(n)
		default:
			r.consumer(n)
		}
	}
	r.miniBatchConsumers()
	for _, n := range r.nodes {
		if n.kind != models.KindSink && n.consumers == 0 && r.byName[n.name] == n {
			d.at(n.path, "nothing reads %q; connect it to a sink (Flink runs only what reaches a sink)", n.name)
		}
	}
	r.limits()
	r.bounds()
	r.checkpointing()
	r.resolvedFlink()
}

func (r *resolver) simulation() {
	d, sc := r.d, r.sc
	if sc.Simulation == nil {
		sc.Simulation = &Simulation{}
	}
	s := sc.Simulation
	if s.ChunkRecords != nil {
		if c := float64(*s.ChunkRecords); c < 1 || c != math.Trunc(c) {
			d.at("simulation.chunk-records", "must be a whole number of at least 1, not %s", FormatCount(c))
		}
	}
	if s.ChunkDelay == nil {
		s.ChunkDelay = ptr(Duration(defaultChunkDelay))
	} else if cd := sim.Time(*s.ChunkDelay); cd > sim.Second {
		d.at("simulation.chunk-delay", "must be at most 1s (it adds to latency), not %s", FormatDuration(cd))
	}
	if s.SampleInterval == nil {
		s.SampleInterval = ptr(Duration(defaultSample))
	}
	si, dur := sim.Time(*s.SampleInterval), sim.Time(*sc.Duration)
	switch {
	case si <= 0:
		d.at("simulation.sample-interval", "must be more than 0s")
	case si > dur && dur > 0:
		d.at("simulation.sample-interval", "%s is longer than the duration %s", FormatDuration(si), FormatDuration(dur))
	case dur > 0 && dur/si > maxSamples:
		d.at("simulation.sample-interval", "%s gives %d samples over %s; at most %d are kept (use a longer interval)", FormatDuration(si), dur/si, FormatDuration(dur), maxSamples)
	}
}

// collect lists the nodes and checks their names.
func (r *resolver) collect() {
	d, sc := r.d, r.sc
	r.byName = map[string]*node{}
	add := func(n *node, list string, i int) {
		if n.name == "" {
			d.at(n.path, "name is required")
		} else if !simpleName.MatchString(n.name) {
			d.at(n.path+".name", "%q may hold only letters, digits, _ and -", n.name)
		} else if prev, dup := r.byName[n.name]; dup {
			d.at(n.path+".name", "%q is already the name of %s", n.name, prev.path)
		} else {
			r.byName[n.name] = n
		}
		r.nodes = append(r.nodes, n)
	}
	if len(sc.Sources) == 0 && !r.d.badUnder("sources") {
		d.at("sources", "a scenario needs at least one source")
	}
	if len(sc.Sinks) == 0 && !r.d.badUnder("sinks") {
		d.at("sinks", "a scenario needs at least one sink")
	}
	for i := range sc.Sources {
		s := &sc.Sources[i]
		add(&node{name: s.Name, path: r.itemPath("sources", i, s.Name), kind: models.KindSource, src: s}, "sources", i)
	}
	for i := range sc.Operators {
		o := &sc.Operators[i]
		add(&node{name: o.Name, path: r.itemPath("operators", i, o.Name), kind: models.KindOperator, op: o, inputs: o.Input, exchange: o.Exchange}, "operators", i)
	}
	for i := range sc.Sinks {
		s := &sc.Sinks[i]
		add(&node{name: s.Name, path: r.itemPath("sinks", i, s.Name), kind: models.KindSink, sink: s, inputs: s.Input, exchange: s.Exchange}, "sinks", i)
	}
}

func (r *resolver) itemPath(list string, i int, name string) string {
	if simpleName.MatchString(name) {
		return list + "." + name
	}
	return fmt.Sprintf("%s[%d]", list, i)
}

func (r *resolver) parallelism(p *int, path string) int {
	if p == nil {
		return r.fs.int("parallelism.default")
	}
	if *p < 1 || *p > partitioning.MaxMaxParallelism {
		r.d.at(path, "must be from 1 to %d, not %d", partitioning.MaxMaxParallelism, *p)
		return 1
	}
	return *p
}

func (r *resolver) source(n *node) {
	d, s := r.d, n.src
	if s.Kind == "" {
		s.Kind = "kafka"
	} else if s.Kind != "kafka" {
		d.at(n.path+".kind", "%q is not a source kind flinksim models (kafka)", s.Kind)
	}
	if s.Topic == "" {
		s.Topic = s.Name
	}
	n.parallelism = r.parallelism(s.Parallelism, n.path+".parallelism")
	s.Parallelism = ptr(n.parallelism)
	if s.Partitions == nil {
		s.Partitions = ptr(n.parallelism)
	} else if *s.Partitions < 1 || *s.Partitions > 100000 {
		d.at(n.path+".partitions", "must be from 1 to 100000, not %d", *s.Partitions)
	}
	if s.Arrivals == "" {
		s.Arrivals = "poisson"
	} else if s.Arrivals != "poisson" && s.Arrivals != "deterministic" {
		d.at(n.path+".arrivals", "must be poisson or deterministic, not %q", s.Arrivals)
	}
	if s.RecordSize == nil {
		s.RecordSize = ptr(Size(defaultRecordSize))
	}
	n.recordSize = r.recordSize(int64(*s.RecordSize), n.path+".record-size")
	if s.InitialBacklog == nil {
		s.InitialBacklog = ptr(Count(0))
	} else if b := float64(*s.InitialBacklog); b != math.Trunc(b) {
		d.at(n.path+".initial-backlog", "must be a whole number of records")
	}
	if s.Rate == nil {
		s.Rate = &RateSpec{Constant: &RateValue{}}
	}
	r.rate(s.Rate, n.path+".rate")
	if s.Rate.Constant != nil && s.Rate.Constant.PerSecond == 0 && *s.InitialBacklog == 0 &&
		!d.badUnder(n.path+".rate") && !d.badUnder(n.path+".initial-backlog") {
		d.at(n.path, "produces nothing: give it a rate or an initial-backlog")
	}
	if s.Cost == nil {
		s.Cost = &Dist{Constant: ptr(Duration(0))}
	}
	r.dist(s.Cost, n.path+".cost")
	if s.Chaining == nil {
		s.Chaining = ptr(true)
	}
}

func (r *resolver) recordSize(b int64, path string) int64 {
	if b < 1 || b > 1<<30 {
		r.d.at(path, "must be from 1B to 1GiB, not %s", FormatBytes(b))
		return 1
	}
	return b
}

// consumer resolves an operator or a sink: inputs, exchange, parallelism.
func (r *resolver) consumer(n *node) {
	d := r.d
	var par *int
	var chaining **bool
	var cost **Dist
	if n.op != nil {
		par, chaining, cost = n.op.Parallelism, &n.op.Chaining, &n.op.Cost
	} else {
		par, chaining, cost = n.sink.Parallelism, &n.sink.Chaining, &n.sink.Cost
	}
	n.parallelism = r.parallelism(par, n.path+".parallelism")
	if len(n.inputs) == 0 {
		n.inputs = r.defaultInput(n)
	}
	var ins []*node
	for _, name := range n.inputs {
		in, ok := r.byName[name]
		if ok && in != n {
			in.consumers++ // counted even when the edge is refused below, to report one problem, not two
		}
		switch {
		case !ok:
			names := make([]string, 0, len(r.byName))
			for k := range r.byName {
				names = append(names, k)
			}
			sort.Strings(names)
			if s, near := closest(name, names); near {
				d.at(n.path+".input", "no node is named %q; did you mean %q?", name, s)
			} else {
				d.at(n.path+".input", "no node is named %q (nodes: %s)", name, strings.Join(names, ", "))
			}
		case in == n:
			d.at(n.path+".input", "a node cannot read itself")
		case in.kind == models.KindSink:
			d.at(n.path+".input", "%q is a sink; sinks have no output", name)
		case r.index(in) > r.index(n):
			if cycle := r.cycle(n, in); cycle != nil {
				d.at(n.path+".input", "%s is a cycle: a job graph must be acyclic", strings.Join(cycle, " -> "))
			} else {
				d.at(n.path+".input", "%q is declared after %q; declare nodes in the order data flows", name, n.name)
			}
		default:
			ins = append(ins, in)
		}
	}
	n.recordSize = defaultRecordSize // only while the input is unresolved
	if len(ins) > 0 {
		n.recordSize = ins[0].recordSize
	}
	keyed := n.op != nil && (n.op.KeyBy != "" || n.op.Keys != nil)
	switch n.exchange {
	case "":
		switch {
		case keyed:
			n.exchange = "keyBy"
		case len(ins) > 0 && ins[0].parallelism == n.parallelism:
			n.exchange = "forward"
		default:
			n.exchange = "rebalance"
		}
	case "forward":
		for _, in := range ins {
			if in.parallelism != n.parallelism {
				d.at(n.path+".exchange", "forward needs equal parallelism, but %s has %d and %s has %d; use rebalance", in.name, in.parallelism, n.name, n.parallelism)
			}
		}
	case "rebalance", "keyBy":
	default:
		d.at(n.path+".exchange", "must be forward, rebalance or keyBy, not %q", n.exchange)
	}
	if n.exchange == "keyBy" && !keyed {
		d.at(n.path+".exchange", "keyBy needs key-by and keys on %s", n.name)
	}
	if keyed && n.exchange != "keyBy" && (n.exchange == "forward" || n.exchange == "rebalance") {
		d.at(n.path+".exchange", "contradicts key-by: a keyed operator reads through keyBy")
	}
	if n.op != nil {
		n.op.Input, n.op.Exchange = Inputs(n.inputs), n.exchange
		n.op.Parallelism = ptr(n.parallelism)
		r.operator(n, keyed)
	} else {
		n.sink.Input, n.sink.Exchange = Inputs(n.inputs), n.exchange
		n.sink.Parallelism = ptr(n.parallelism)
		r.sink(n)
	}
	if *cost == nil {
		*cost = &Dist{Constant: ptr(Duration(0))}
	}
	r.dist(*cost, n.path+".cost")
	if *chaining == nil {
		*chaining = ptr(true)
	}
}

// cycle returns the nodes of a cycle through the edge from in to n, in the
// order data flows (n -> ... -> in -> n), or nil if in does not read n.
func (r *resolver) cycle(n, in *node) []string {
	seen := map[*node]bool{}
	var path []string // in, what in reads, and so on, back to n
	var reads func(m *node) bool
	reads = func(m *node) bool {
		if seen[m] {
			return false
		}
		seen[m] = true
		path = append(path, m.name)
		if m == n {
			return true
		}
		for _, name := range m.inputs {
			if up, ok := r.byName[name]; ok && reads(up) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if !reads(in) {
		return nil
	}
	slices.Reverse(path)
	return append(path, n.name)
}

func (r *resolver) index(n *node) int {
	for i, m := range r.nodes {
		if m == n {
			return i
		}
	}
	return -1
}

// defaultInput is the previous node: the previous operator, or for the first
// operator the only source; a sink reads the last operator.
func (r *resolver) defaultInput(n *node) []string {
	var prev *node
	for _, m := range r.nodes {
		if m == n {
			break
		}
		if m.kind != models.KindSink {
			prev = m
		}
	}
	sources := len(r.sc.Sources)
	if prev == nil || (prev.kind == models.KindSource && sources > 1) {
		r.d.at(n.path, "input is required: with %d sources flinksim cannot tell which one %s reads", sources, n.name)
		return nil
	}
	return []string{prev.name}
}

func (r *resolver) operator(n *node, keyed bool) {
	d, o := r.d, n.op
	if o.Selectivity == nil {
		o.Selectivity = ptr(1.0)
	} else if s := *o.Selectivity; s <= 0 || s > 1e6 {
		d.at(n.path+".selectivity", "must be more than 0 and at most 1e6 (records out per record in), not %g", s)
	}
	if o.RecordSize == nil {
		o.RecordSize = ptr(Size(n.recordSize))
	}
	n.recordSize = r.recordSize(int64(*o.RecordSize), n.path+".record-size")
	if keyed {
		if o.KeyBy == "" {
			d.at(n.path+".keys", "needs key-by (the key's name, e.g. user_id)")
		}
		if o.Keys == nil {
			d.at(n.path+".key-by", "needs keys: the number of distinct keys, e.g. 1M")
		} else if k := float64(*o.Keys); k < 1 || k != math.Trunc(k) || k > 1e15 {
			d.at(n.path+".keys", "must be a whole number from 1 to 1e15, not %s", FormatCount(k))
		}
		if o.StatePerKey == nil {
			o.StatePerKey = ptr(Size(0))
		}
		if o.StateWarm == nil {
			o.StateWarm = ptr(false)
		}
		mp := r.fs.int("pipeline.max-parallelism")
		where := "flink.pipeline.max-parallelism"
		if o.MaxParallelism != nil {
			mp, where = *o.MaxParallelism, n.path+".max-parallelism"
		}
		if mp == -1 {
			mp = partitioning.DefaultMaxParallelism(n.parallelism)
		}
		if err := partitioning.CheckMaxParallelism(n.parallelism, mp); err != nil {
			d.at(where, "%v (the parallelism of %s)", err, n.name)
		}
		o.MaxParallelism = ptr(mp)
		r.keys(n)
	} else {
		r.notKeyed(n)
		for _, f := range []struct {
			name string
			set  bool
		}{{"max-parallelism", o.MaxParallelism != nil}, {"state-per-key", o.StatePerKey != nil}, {"state-warm", o.StateWarm != nil}} {
			if f.set {
				d.at(n.path+"."+f.name, "only applies to a keyed operator (set key-by and keys)")
			}
		}
	}
}

func (r *resolver) sink(n *node) {
	d, s := r.d, n.sink
	if s.Capacity != nil && s.CapacityPerSubtask != nil {
		d.at(n.path+".capacity-per-subtask", "contradicts capacity: give the total or the per-subtask capacity, not both")
	}
	for _, c := range []struct {
		v    *RateValue
		name string
	}{{s.Capacity, "capacity"}, {s.CapacityPerSubtask, "capacity-per-subtask"}} {
		if c.v != nil && c.v.PerSecond <= 0 {
			d.at(n.path+"."+c.name, "must be more than 0/s; leave it out for an unlimited sink")
		}
	}
	if s.Latency == nil {
		s.Latency = &Dist{Constant: ptr(Duration(0))}
	}
	r.dist(s.Latency, n.path+".latency")
}

func (r *resolver) dist(x *Dist, path string) {
	if x.LogNormal != nil {
		m, p := sim.Time(x.LogNormal.Mean).Seconds(), sim.Time(x.LogNormal.P99).Seconds()
		if _, ok := sim.LogNormalFromMeanP99(m, p); !ok {
			r.d.at(path+".lognormal", "no log-normal has mean %s and p99 %s: the p99 must be above the mean and at most about 15× it", FormatDuration(sim.Time(x.LogNormal.Mean)), FormatDuration(sim.Time(x.LogNormal.P99)))
		}
	}
	if x.Uniform != nil && x.Uniform.Max < x.Uniform.Min {
		r.d.at(path+".uniform", "max %s is below min %s", FormatDuration(sim.Time(x.Uniform.Max)), FormatDuration(sim.Time(x.Uniform.Min)))
	}
}

func (r *resolver) rate(x *RateSpec, path string) {
	d := r.d
	isRecords := func(v RateValue, p string) {
		if v.Bytes {
			d.at(p, "a source rate counts records (e.g. 100k/s), not bytes")
		}
	}
	switch {
	case x.Constant != nil:
		isRecords(*x.Constant, path)
	case x.Steps != nil:
		for i, s := range x.Steps {
			p := fmt.Sprintf("%s.steps[%d]", path, i)
			isRecords(s.Rate, p+".rate")
			if i > 0 && s.At <= x.Steps[i-1].At {
				d.at(p+".at", "steps must be in increasing time order")
			}
		}
		if len(x.Steps) == 0 {
			d.at(path+".steps", "needs at least one step")
		}
	case x.Ramp != nil:
		isRecords(x.Ramp.From, path+".ramp.from")
		isRecords(x.Ramp.To, path+".ramp.to")
		if x.Ramp.Over <= 0 {
			d.at(path+".ramp.over", "must be more than 0s")
		}
	case x.Periodic != nil:
		p := x.Periodic
		isRecords(p.Mean, path+".periodic.mean")
		isRecords(p.Amplitude, path+".periodic.amplitude")
		if p.Amplitude.PerSecond > p.Mean.PerSecond {
			d.at(path+".periodic.amplitude", "must be at most the mean, or the rate would go below zero")
		}
		if p.Period <= 0 {
			d.at(path+".periodic.period", "must be more than 0s")
		}
	case x.Bursts != nil:
		b := x.Bursts
		isRecords(b.Base, path+".bursts.base")
		isRecords(b.Rate, path+".bursts.rate")
		if b.Every <= 0 || b.Duration <= 0 || b.Duration >= b.Every {
			d.at(path+".bursts", "needs 0 < duration < every")
		}
	}
}

// limits refuses jobs too large to simulate in memory.
func (r *resolver) limits() {
	subtasks, channels := 0, 0
	for _, n := range r.nodes {
		subtasks += n.parallelism
		for _, in := range n.inputs {
			if up, ok := r.byName[in]; ok {
				if n.exchange == "forward" {
					channels += n.parallelism
				} else {
					channels += up.parallelism * n.parallelism
				}
			}
		}
	}
	if subtasks > maxSubtasks {
		r.d.at("", "the job has %d subtasks; flinksim simulates at most %d", subtasks, maxSubtasks)
	}
	if channels > maxChannels {
		r.d.at("", "the job has %d network channels; flinksim simulates at most %d (lower the parallelism of all-to-all exchanges)", channels, maxChannels)
	}
}

// resolvedFlink rewrites the flink: block with every modelled key under its
// current name and its effective value, followed by the unmodelled keys.
func (r *resolver) resolvedFlink() {
	var entries []FlinkEntry
	for i := range flinkOptions {
		o := &flinkOptions[i]
		if v, ok := r.fs.values[o.Key]; ok {
			entries = append(entries, FlinkEntry{Key: o.Key, Value: formatFlink(o, v)})
		}
	}
	for _, e := range r.sc.Flink.Entries {
		if _, modelled := optionByKey[e.Key]; !modelled {
			entries = append(entries, e)
		}
	}
	r.sc.Flink.Entries = entries
}

// spec converts the resolved scenario into the model's Spec.
func (r *resolver) spec() models.Spec {
	sc, fs := r.sc, r.fs
	timeout := fs.duration("execution.buffer-timeout.interval")
	if !fs.bool("execution.buffer-timeout.enabled") || timeout < 0 {
		timeout = models.FlushOnlyWhenFull
	}
	spec := models.Spec{
		Name: sc.Name, Seed: *sc.Seed, Duration: sim.Time(*sc.Duration),
		Network: models.Network{
			SegmentSize:          fs.bytes("taskmanager.memory.segment-size"),
			BuffersPerChannel:    fs.int("taskmanager.network.memory.buffers-per-channel"),
			FloatingPerGate:      fs.int("taskmanager.network.memory.floating-buffers-per-gate"),
			MaxBuffersPerChannel: fs.int("taskmanager.network.memory.max-buffers-per-channel"),
			BufferTimeout:        timeout,
		},
		SlotsPerTaskManager: fs.int("taskmanager.numberOfTaskSlots"),
		Chaining:            fs.bool("pipeline.operator-chaining.enabled"),
		Sim: models.Settings{
			ChunkDelay:     sim.Time(*sc.Simulation.ChunkDelay),
			SampleInterval: sim.Time(*sc.Simulation.SampleInterval),
		},
	}
	if c := sc.Simulation.ChunkRecords; c != nil {
		spec.Sim.ChunkRecords = int64(*c)
	}
	exchange := map[string]models.Exchange{"forward": models.Forward, "rebalance": models.Rebalance, "keyBy": models.Hash}
	// Readers of a salted operator read its final stage.
	output := map[string]string{}
	for _, n := range r.nodes {
		output[n.name] = n.name
		if n.op != nil && n.op.Salting != nil {
			output[n.name] = n.name + "-final"
		}
	}
	for _, n := range r.nodes {
		mn := models.Node{Name: n.name, Kind: n.kind, Parallelism: n.parallelism, RecordSize: n.recordSize, Selectivity: 1}
		for _, in := range n.inputs {
			x := exchange[n.exchange]
			if x == models.Forward && output[in] != in {
				x = models.Rebalance // the final stage's parallelism may differ
			}
			mn.Inputs = append(mn.Inputs, models.Input{From: output[in], Exchange: x})
		}
		switch {
		case n.src != nil:
			s := n.src
			mn.Chain = *s.Chaining
			mn.Cost = toDist(s.Cost)
			mn.Kafka = &models.Kafka{
				Topic: s.Topic, Partitions: *s.Partitions, Rate: toProfile(s.Rate, spec.Duration),
				Poisson: s.Arrivals == "poisson", InitialBacklog: int64(*s.InitialBacklog),
			}
		case n.op != nil:
			o := n.op
			mn.Chain, mn.Cost, mn.Selectivity = *o.Chaining, toDist(o.Cost), *o.Selectivity
			if mb := o.MiniBatch; mb != nil {
				mn.MiniBatch = &models.MiniBatch{Size: int64(*mb.Size), Interval: sim.Time(*mb.AllowLatency)}
			}
			if o.Keys != nil {
				spec.Nodes = append(spec.Nodes, keyedNodes(mn, o)...)
				continue
			}
		case n.sink != nil:
			s := n.sink
			mn.Chain, mn.Cost = *s.Chaining, toDist(s.Cost)
			ms := &models.Sink{Latency: toDist(s.Latency)}
			if c := s.Capacity; c != nil {
				setCapacity(ms, c.PerSecond/float64(n.parallelism), c.Bytes)
			}
			if c := s.CapacityPerSubtask; c != nil {
				setCapacity(ms, c.PerSecond, c.Bytes)
			}
			mn.Sink = ms
		}
		spec.Nodes = append(spec.Nodes, mn)
	}
	r.ckptSpec(&spec)
	return spec
}

func setCapacity(s *models.Sink, perSecond float64, bytes bool) {
	if bytes {
		s.BytesPerSecond = perSecond
	} else {
		s.RecordsPerSecond = perSecond
	}
}

func toDist(x *Dist) sim.Dist {
	sec := func(d Duration) float64 { return sim.Time(d).Seconds() }
	switch {
	case x == nil:
		return nil
	case x.Constant != nil:
		if *x.Constant == 0 {
			return nil
		}
		return sim.Constant{V: sec(*x.Constant)}
	case x.Exponential != nil:
		return sim.Exponential{M: sec(*x.Exponential)}
	case x.LogNormal != nil:
		d, _ := sim.LogNormalFromMeanP99(sec(x.LogNormal.Mean), sec(x.LogNormal.P99))
		return d
	case x.Uniform != nil:
		return sim.Uniform{Lo: sec(x.Uniform.Min), Hi: sec(x.Uniform.Max)}
	}
	return nil
}

// toProfile converts a rate spec; bursts are expanded over the run.
func toProfile(x *RateSpec, dur sim.Time) models.RateProfile {
	switch {
	case x.Constant != nil:
		return models.ConstantRate(x.Constant.PerSecond)
	case x.Steps != nil:
		p := models.Piecewise{}
		for _, s := range x.Steps {
			p.Points = append(p.Points, models.Point{At: sim.Time(s.At), Rate: s.Rate.PerSecond})
		}
		return p
	case x.Ramp != nil:
		start := sim.Time(x.Ramp.Start)
		return models.Piecewise{Linear: true, Points: []models.Point{
			{At: start, Rate: x.Ramp.From.PerSecond}, {At: start + sim.Time(x.Ramp.Over), Rate: x.Ramp.To.PerSecond}}}
	case x.Periodic != nil:
		p := x.Periodic
		return models.Periodic{Mean: p.Mean.PerSecond, Amplitude: p.Amplitude.PerSecond, Period: sim.Time(p.Period), Peak: sim.Time(p.Peak)}
	case x.Bursts != nil:
		b := x.Bursts
		start := sim.Time(b.Every)
		if b.Start != nil {
			start = sim.Time(*b.Start)
		}
		p := models.Piecewise{Points: []models.Point{{At: 0, Rate: b.Base.PerSecond}}}
		for t := start; t < dur; t += sim.Time(b.Every) {
			p.Points = append(p.Points, models.Point{At: t, Rate: b.Rate.PerSecond}, models.Point{At: t + sim.Time(b.Duration), Rate: b.Base.PerSecond})
		}
		return p
	}
	return models.ConstantRate(0)
}

// variants checks the variants' names (their overrides are checked when each
// variant is loaded).
// sweep checks the sweep block's syntax; whether its keys and values apply
// is checked by Load, which applies them.
func (r *resolver) sweep() {
	sw := r.sc.Sweep
	if sw == nil {
		return
	}
	if len(sw.Grid) == 0 {
		r.d.at("sweep.grid", "needs at least one axis: key=v1,v2,... or key=lo..hi/n")
	}
	seen := map[string]bool{}
	for i, g := range sw.Grid {
		path := fmt.Sprintf("sweep.grid[%d]", i)
		ax, err := ParseGrid(g)
		if err != nil {
			r.d.at(path, "%v", err)
			continue
		}
		if seen[ax.Key] {
			r.d.at(path, "%s is swept twice", ax.Key)
		}
		seen[ax.Key] = true
	}
	if sw.Replicas == nil {
		sw.Replicas = ptr(1)
	} else if *sw.Replicas < 1 || *sw.Replicas > maxReplicas {
		r.d.at("sweep.replicas", "%d is out of range (1 to %d)", *sw.Replicas, maxReplicas)
	}
}

// maxReplicas bounds runs per sweep point.
const maxReplicas = 10000

func (r *resolver) variants() {
	seen := map[string]bool{}
	for i, v := range r.sc.Variants {
		path := r.itemPath("variants", i, v.Name)
		switch {
		case !simpleName.MatchString(v.Name):
			r.d.at(path+".name", "%q must be a simple name (letters, digits, _ and -): outputs go to DIR/<name>/", v.Name)
		case v.Name == BaseName:
			r.d.at(path+".name", "%q is the base scenario's name", v.Name)
		case seen[v.Name]:
			r.d.at(path+".name", "%q names two variants", v.Name)
		}
		seen[v.Name] = true
		if len(v.Set.Entries) == 0 {
			r.d.at(path+".set", "a variant needs at least one override")
		}
		for _, e := range v.Set.Entries {
			if e.Key == "variants" || strings.HasPrefix(e.Key, "variants.") {
				r.d.at(e.Path, "a variant cannot change the variants")
			}
		}
	}
}
