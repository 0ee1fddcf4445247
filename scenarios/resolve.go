package scenarios

import (
	"fmt"
	"math"
	"slices"
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
	parPath     string // where its parallelism is set: its own field or flink.parallelism.default
	recordSize  int64  // output record size
	inputs      []string
	exchange    string // as written or resolved
	consumers   int
	// maxParWhere is where a keyed operator's max parallelism is set (its
	// own field or flink.pipeline.max-parallelism), "" for Flink's rule
	maxParWhere string
	// namesake: an earlier node has its name (reported): it is checked
	// on its own but is no node of the graph, which names address.
	namesake bool
}

type resolver struct {
	d           *decoder
	sc          *Scenario
	fs          flinkSettings
	notModelled []string // Flink keys not modelled that would change the result
	inert       []string // Flink keys not modelled that cannot
	release     flinkRelease
	cores       float64 // a TaskManager's (taskManagerCores)
	nodes       []*node
	byName      map[string]*node
	refused     map[string]bool // names already reported as invalid
	// refusedReaders are the nodes with an input refused (it names no
	// node, the node itself or a sink, or does not decode): which node
	// each meant to read is not known (unread)
	refusedReaders map[*node]bool
	ckpt           ckptStorage            // where checkpoints go (resolve_ckptstorage.go)
	durationOK     bool                   // the duration is within its range (bounds)
	topics         map[string]topicReader // each Kafka topic's first source (resolve_topic.go)
}

func ptr[T any](v T) *T { return &v }

func (r *resolver) resolve() {
	d, sc := r.d, r.sc
	r.release = r.resolveFlinkVersion()
	r.fs, r.notModelled, r.inert = resolveFlink(d, &sc.Flink, r.release)
	r.scenarioName()
	if sc.Duration == nil {
		sc.Duration = ptr(Duration(defaultDuration))
	}
	if dur := sim.Time(*sc.Duration); dur <= 0 || dur > maxDuration {
		d.at("duration", "must be more than 0s and at most 366d, not %s", FormatDuration(dur))
	}
	// a duration too long for its samples is still one to bound counts by
	r.durationOK = !d.badUnder("duration")
	if sc.Seed == nil {
		sc.Seed = ptr(uint64(defaultSeed))
	}
	r.simulation()
	r.cluster()
	r.collect()
	for _, n := range r.nodes {
		switch n.kind {
		case models.KindSource:
			r.source(n)
		default:
			r.consumer(n)
		}
	}
	r.vertexMaxParallelism()
	r.miniBatchConsumers()
	r.windowSources()
	r.sessionInputs()
	r.watermarkInterval()
	r.unread()
	r.limits()
	r.bounds()
	r.network()
	r.checkMemory()
	r.cores = r.taskManagerCores()
	r.checkpointing()
	r.warnLatencyResolution()
	r.resolvedFlink()
}

// network checks the network settings against each other. From 2.0,
// BufferDebloatConfiguration also requires min-segment-size <= starting-segment-size
// <= segment-size, debloating on or not (NettyShuffleEnvironmentConfiguration
// reads it at every TaskManager's start, which fails otherwise).
func (r *resolver) network() {
	fs := r.fs
	const segKey, loKey, key = "taskmanager.memory.segment-size", "taskmanager.memory.min-segment-size", "taskmanager.memory.starting-segment-size"
	if !fs.usable(segKey, loKey) {
		return // a size refused is reported: the default standing in is none of the scenario's
	}
	seg, lo := fs.bytes(segKey), fs.bytes(loKey)
	if lo > seg {
		r.d.at(r.fs.at("taskmanager.memory.min-segment-size"), "must be at most taskmanager.memory.segment-size (%s), not %s",
			FormatFlinkMemory(seg), FormatFlinkMemory(lo))
		return
	}
	if r.release.before("2.0") || !fs.usable(key) {
		return
	}
	if start := fs.bytes(key); start < lo || start > seg {
		given := FormatFlinkMemory(start)
		if !fs.given[key] {
			given += " (its default)"
		}
		r.d.at(r.fs.at(key),
			"%s: Flink %s's TaskManagers do not start unless taskmanager.memory.min-segment-size (%s) <= %s <= taskmanager.memory.segment-size (%s), debloating or not (BufferDebloatConfiguration)",
			given, r.release, FormatFlinkMemory(lo), key, FormatFlinkMemory(seg))
	}
}

// defaultRoundTrip: a round trip within a data centre, 500 µs in "Latency
// Numbers Every Programmer Should Know" (J. Dean).
const defaultRoundTrip = 500 * sim.Microsecond

// A TaskManager's machine by default: 10 Gbit/s of network, each way (AWS
// EC2 general purpose instances up to 4xlarge: "up to 10 Gigabit"), and an
// Amazon EBS gp3 volume's baseline of 125 MiB/s (Amazon EBS volume types).
const (
	defaultNetworkBandwidth = 10e9 / 8
	defaultDiskBandwidth    = 125 << 20
)

// byteRate fills in a bytes-per-second field with def (left unset when def
// is 0: unlimited) or checks the one given; per qualifies the unit (" per
// core").
func (r *resolver) byteRate(v **RateValue, def float64, path, per, example string) {
	if *v == nil {
		if def > 0 {
			*v = &RateValue{PerSecond: def, Bytes: true}
		}
		return
	}
	if !(*v).Bytes || (*v).PerSecond <= 0 {
		r.d.at(path, "must be bytes per second%s above 0, e.g. %s", per, example)
	}
}

// cluster fills in and checks the cluster's settings.
func (r *resolver) cluster() {
	sc := r.sc
	if sc.Cluster == nil {
		sc.Cluster = &Cluster{}
	}
	c := sc.Cluster
	r.byteRate(&c.NetworkBandwidth, defaultNetworkBandwidth, "cluster.network-bandwidth", "", "1.25GB/s")
	r.byteRate(&c.DiskBandwidth, defaultDiskBandwidth, "cluster.disk-bandwidth", "", "500MB/s")
	if c.NetworkRoundTrip == nil {
		c.NetworkRoundTrip = ptr(Duration(defaultRoundTrip))
	} else if rt := sim.Time(*c.NetworkRoundTrip); rt < 0 || rt > sim.Second || r.d.negative("cluster.network-round-trip") {
		r.d.at("cluster.network-round-trip", "must be from 0s to 1s, not %s", FormatDuration(rt))
	}
}

func (r *resolver) simulation() {
	d, sc := r.d, r.sc
	if sc.Simulation == nil {
		sc.Simulation = &Simulation{}
	}
	s := sc.Simulation
	if s.ChunkRecords != nil {
		r.count("simulation.chunk-records", *s.ChunkRecords, 1, maxCount, "a whole number from 1 to 1e18")
	}
	if s.ChunkDelay == nil {
		s.ChunkDelay = ptr(Duration(defaultChunkDelay))
	} else if cd := sim.Time(*s.ChunkDelay); cd > sim.Second || d.negative("simulation.chunk-delay") {
		d.at("simulation.chunk-delay", "must be from 0s to 1s (it adds to latency), not %s", FormatDuration(cd))
	}
	r.sampleInterval()
}

// sampleInterval checks simulation.sample-interval against the duration.
// A problem is reported where the user wrote its cause: at the interval
// when they set it, else at the duration (the default interval is written
// nowhere), saying what is allowed.
func (r *resolver) sampleInterval() {
	d, sc := r.d, r.sc
	s := sc.Simulation
	given := s.SampleInterval != nil
	if !given {
		s.SampleInterval = ptr(Duration(defaultSample))
	}
	si, dur := sim.Time(*s.SampleInterval), sim.Time(*sc.Duration)
	// the shortest interval that takes at most maxSamples, in whole seconds
	least := FormatDuration((dur/maxSamples + sim.Second - 1) / sim.Second * sim.Second)
	switch {
	case si <= 0:
		d.at("simulation.sample-interval", "must be more than 0s")
	case si > dur && dur > 0 && given:
		d.at("simulation.sample-interval", "%s is longer than the duration %s: set it to at most the duration, or run longer", FormatDuration(si), FormatDuration(dur))
	case si > dur && dur > 0:
		d.at("duration", "%s is shorter than simulation.sample-interval (%s, the default): set simulation.sample-interval to at most the duration, or run longer", FormatDuration(dur), FormatDuration(si))
	case dur > 0 && dur/si > maxSamples && given:
		d.at("simulation.sample-interval", "%s gives %d samples over %s; at most %d are taken (a run keeps at most 4096 per metric, merging neighbours past that): use an interval of at least %s", FormatDuration(si), dur/si, FormatDuration(dur), maxSamples, least)
	case dur > 0 && dur/si > maxSamples:
		d.at("duration", "%s gives %d samples of simulation.sample-interval (%s, the default); at most %d are taken (a run keeps at most 4096 per metric, merging neighbours past that): set simulation.sample-interval to at least %s, or run shorter", FormatDuration(dur), dur/si, FormatDuration(si), maxSamples, least)
	}
}

// collect lists the nodes and checks their names.
func (r *resolver) collect() {
	d, sc := r.d, r.sc
	r.byName = map[string]*node{}
	add := func(n *node, list string, i int) {
		if _, written := d.nodes[n.path+".name"]; n.name == "" && written {
			// written empty or as nothing (in the file or by --set): told
			// there, once (a value that did not decode is told already)
			d.at(n.path+".name", "is empty; give the node a name")
		} else if n.name == "" {
			d.at(n.path, "name is required")
		} else if !simpleName.MatchString(n.name) {
			if r.refused == nil {
				r.refused = map[string]bool{}
			}
			r.refused[n.name] = true
			if len(n.name) > maxNameBytes {
				d.at(n.path+".name", "%s", tooLong(n.name, "it names the node's metrics, on every row of metrics.csv and every sample of metrics.om.txt"))
			} else {
				d.at(n.path+".name", "%q may hold only ASCII letters and digits, _ and - (it names files and columns)", n.name)
			}
		} else if prev, dup := r.byName[n.name]; dup {
			d.at(n.path+".name", "%q is already the name of %s (%s)", n.name, prev.path, d.where(prev.path+".name"))
			n.namesake = true
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
		add(&node{name: s.Name, path: r.itemPath("sources", i), kind: models.KindSource, src: s}, "sources", i)
	}
	for i := range sc.Operators {
		o := &sc.Operators[i]
		add(&node{name: o.Name, path: r.itemPath("operators", i), kind: models.KindOperator, op: o, inputs: o.Input, exchange: o.Exchange}, "operators", i)
	}
	for i := range sc.Sinks {
		s := &sc.Sinks[i]
		add(&node{name: s.Name, path: r.itemPath("sinks", i), kind: models.KindSink, sink: s, inputs: s.Input, exchange: s.Exchange}, "sinks", i)
	}
}

// itemPath is the path of item i of a list: by its name, or by its place
// when it has no simple name or an earlier item has it (listItem).
func (r *resolver) itemPath(list string, i int) string {
	return r.d.listItem(list, i)
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

func (r *resolver) recordSize(b int64, path string) int64 {
	if b < 1 || b > 1<<30 {
		r.d.at(path, "must be from 1B to 1GiB, not %s", r.d.written(path, FormatBytes(b)))
		return 1
	}
	return b
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
	switch {
	case x.Mixture != nil && len(x.Mixture) == 0:
		r.d.at(path+".mixture", "needs at least one part: [{weight, dist}, ...], e.g. [{weight: 0.9, dist: 2s}, {weight: 0.1, dist: {exponential: 1h}}]")
	case len(x.Mixture) > 0:
		r.mixture(x.Mixture, path+".mixture")
	}
}

// mixture checks a mixture's parts: weights above 0 that add up to 1, and
// a distribution each that is not itself a mixture.
func (r *resolver) mixture(parts []MixturePart, path string) {
	sum := 0.0
	for i, p := range parts {
		pp := fmt.Sprintf("%s[%d]", path, i)
		if !(p.Weight > 0 && p.Weight <= 1) {
			r.d.at(pp+".weight", "must be above 0 and at most 1, not %g", p.Weight)
		}
		sum += p.Weight
		switch {
		case p.Dist == nil:
			r.d.at(pp, "needs dist: this part's distribution, e.g. {exponential: 2s}")
		case len(p.Dist.Mixture) > 0:
			r.d.at(pp+".dist.mixture", "a mixture's part cannot be a mixture: list its parts in the outer mixture")
		default:
			r.dist(p.Dist, pp+".dist")
		}
	}
	if math.Abs(sum-1) > 1e-5 { // weights written to 6 digits, as 0.333333 three times (the model scales them to 1)
		r.d.at(path, "weights add up to %g; they must add up to 1", sum)
	}
}

// enum checks a field with a few allowed values, the first of which a
// value left out takes; a misspelling is told the closest.
func (r *resolver) enum(v *string, path string, values ...string) {
	if *v == "" {
		*v = values[0]
		return
	}
	if slices.Contains(values, *v) {
		return
	}
	allowed := strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
	if s, near := Closest(*v, values); near {
		r.d.at(path, "must be %s, not %q; did you mean %q?", allowed, *v, s)
	} else {
		r.d.at(path, "must be %s, not %q", allowed, *v)
	}
}

// nodeParallelism resolves n's parallelism (p as written, at path) and
// notes where it is set.
func (r *resolver) nodeParallelism(n *node, p *int, path string) {
	n.parallelism, n.parPath = r.parallelism(p, path), path
	if p == nil {
		n.parPath = "flink.parallelism.default"
	}
}

// parallelismKnown reports whether the nodes' parallelisms are the
// scenario's: none comes from a refused flink.parallelism.default, whose
// default standing in is no setting of the scenario's.
func (r *resolver) parallelismKnown(nodes ...*node) bool {
	for _, n := range nodes {
		if n.parPath == "flink.parallelism.default" && !r.fs.usable("parallelism.default") {
			return false
		}
	}
	return true
}

// limits refuses jobs too large to simulate in memory, at the parallelism
// that contributes most: the largest, and the larger end of the exchange
// with the most channels.
func (r *resolver) limits() {
	subtasks, channels := 0, 0
	var widest, widestEdge *node
	edgeMax := 0
	for _, n := range r.nodes {
		subtasks += n.parallelism
		if widest == nil || n.parallelism > widest.parallelism {
			widest = n
		}
		for _, in := range n.inputs {
			up, ok := r.byName[in]
			if !ok {
				continue
			}
			c := n.parallelism
			if edgeExchange(n, up) != "forward" {
				c = up.parallelism * n.parallelism
			}
			channels += c
			if c > edgeMax {
				edgeMax, widestEdge = c, n
				if up.parallelism > n.parallelism {
					widestEdge = up
				}
			}
		}
	}
	if subtasks > maxSubtasks {
		r.d.at(widest.parPath, "the job has %d subtasks; flinksim simulates at most %d (%s runs %d)", subtasks, maxSubtasks, widest.name, widest.parallelism)
	}
	if channels > maxChannels {
		r.d.at(widestEdge.parPath, "the job has %d network channels; flinksim simulates at most %d (lower the parallelism of all-to-all exchanges: %s runs %d)", channels, maxChannels, widestEdge.name, widestEdge.parallelism)
	}
}

// resolvedFlink rewrites the flink: block with every modelled key under the
// name the scenario's Flink release reads and its effective value (one
// writtenIfSet only when the scenario sets it), followed by the unmodelled
// keys.
func (r *resolver) resolvedFlink() {
	var entries []FlinkEntry
	for i := range flinkOptions {
		o := &flinkOptions[i]
		if v, ok := r.fs.values[o.Key]; ok && (!o.writtenIfSet || r.fs.given[o.Key]) {
			if name := r.release.nameIn(o); name != "" { // else fixed inside Flink
				entries = append(entries, FlinkEntry{Key: name, Value: formatIn(o, v, r.release)})
			}
		}
	}
	for _, e := range r.sc.Flink.Entries {
		if _, modelled := optionByKey[e.Key]; !modelled {
			entries = append(entries, e)
		}
	}
	r.sc.Flink.Entries = entries
}

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
	seen := map[string]string{}    // the field an axis sweeps: the key that swept it first
	firstAt := map[string]string{} // and that axis's path
	for i, g := range sw.Grid {
		path := fmt.Sprintf("sweep.grid[%d]", i)
		ax, err := ParseGrid(g)
		if err != nil {
			// one problem at the axis (a place is reported once), naming
			// every value refused
			var msgs []string
			for _, e := range GridErrors(err) {
				msgs = append(msgs, e.Error())
			}
			r.d.at(path, "%s", strings.Join(msgs, "; "))
			continue
		}
		// an older name of a Flink option is the same option, a list
		// item's name and its index the same item
		k := CanonicalKey(ax.Key)
		if !strings.HasPrefix(k, "flink.") {
			k = itemKey(r.d, r.d.nodes[""], itemIndex.ReplaceAllString(k, ".$1"))
		}
		prev, twice := seen[k]
		first := ""
		if n, ok := r.d.nodes[firstAt[k]]; ok && twice {
			first = fmt.Sprintf(" (first on line %d)", n.Line)
			if at, ok := r.d.nodes[path]; ok && at.Line == n.Line {
				first = fmt.Sprintf(" (first at column %d)", n.Column)
			}
		}
		switch {
		case !twice:
			seen[k], firstAt[k] = ax.Key, path
		case prev != ax.Key && !strings.HasPrefix(k, "flink."):
			r.d.at(path, "%s is swept twice, also as %s%s, the same list item's field (an item is named by its name or its index)", ax.Key, prev, first)
		default:
			r.d.at(path, "%s is swept twice%s", ax.Key, first)
		}
	}
	if sw.Replicas == nil {
		sw.Replicas = ptr(1)
	} else if *sw.Replicas < 1 || *sw.Replicas > maxReplicas {
		r.d.at("sweep.replicas", "%d is out of range (1 to %d)", *sw.Replicas, maxReplicas)
	}
}

// changesVariants reports whether a what-if's key is the variants or
// inside them: a variant's is refused (variants) and not applied
// (applyVariant).
func changesVariants(key string) bool {
	return key == "variants" || strings.HasPrefix(key, "variants.") || strings.HasPrefix(key, "variants[")
}

// caseClash says why two variant names that differ only in case clash.
func caseClash(name, other string) string {
	return fmt.Sprintf("their directories, DIR/%s/ and DIR/%s/, are one folder on macOS's and Windows's default file systems, which ignore case; give it another name", name, other)
}

// maxReplicas bounds runs per sweep point: --replicas's bound, the most
// runs a sweep plans in all (sweep.MaxPoints).
const maxReplicas = 1_000_000

// variants checks the variants' names (their overrides are checked when each
// variant is loaded).
func (r *resolver) variants() {
	type named struct{ name, path string }
	seen := map[string]named{} // by a name in lower case: its first variant
	for i, v := range r.sc.Variants {
		path := r.itemPath("variants", i)
		first, clash := seen[strings.ToLower(v.Name)]
		switch {
		case len(v.Name) > maxNameBytes:
			r.d.at(path+".name", "%s", tooLong(v.Name, "it names the variant's directory, DIR/<name>/, and a file name is at most 255 bytes on Linux and macOS"))
		case !simpleName.MatchString(v.Name):
			r.d.at(path+".name", "%q must be a simple name (letters, digits, _ and -): outputs go to DIR/<name>/", v.Name)
		case v.Name == BaseName:
			r.d.at(path+".name", "%q is the base scenario's name", v.Name)
		case strings.EqualFold(v.Name, BaseName):
			r.d.at(path+".name", "%q differs from the base scenario's name, %s, only in case: %s", v.Name, BaseName, caseClash(v.Name, BaseName))
		case clash && first.name == v.Name:
			r.d.at(path+".name", "%q is already the name of %s (%s)", v.Name, first.path, r.d.where(first.path+".name"))
		case clash:
			r.d.at(path+".name", "%q differs from the name of %s (%s) only in case: %s", v.Name, first.path, r.d.where(first.path+".name"), caseClash(v.Name, first.name))
		default:
			seen[strings.ToLower(v.Name)] = named{v.Name, path}
		}
		if len(v.Set.Entries) == 0 && !r.d.badUnder(path+".set") {
			r.d.at(path+".set", "a variant needs at least one override")
		}
		for _, e := range v.Set.Entries {
			if changesVariants(e.Key) {
				r.d.fail(e.KeyNode, e.Path, "a variant cannot change the variants")
			}
		}
	}
}
