package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// keys checks a keyed operator's key population and skew mitigations.
func (r *resolver) keys(n *node) {
	o := n.op
	r.keyType(n)
	if kd := o.KeyDistribution; kd != nil {
		r.keyDistribution(kd, n.path+".key-distribution")
	}
	r.hotKeys(n)
	if hp := o.HotKeyPartitioner; hp != nil {
		r.hotKeyPartitioner(n, hp)
	}
	if sl := o.Salting; sl != nil {
		r.salting(n, sl)
	}
	if o.MiniBatch != nil && o.Window == nil { // with a window, windowConflicts says why
		r.d.at(n.path+".mini-batch", "pre-aggregates records before a keyBy; on a keyed operator use salting (a partial stage) instead")
	}
}

// keyType defaults key-type to long.
func (r *resolver) keyType(n *node) {
	o := n.op
	switch o.KeyType {
	case "":
		o.KeyType = "long"
	case "long", "string":
	default:
		r.d.at(n.path+".key-type", "must be long or string, not %q", o.KeyType)
	}
}

// keyDistribution checks that one distribution is given, within its range.
func (r *resolver) keyDistribution(kd *KeyDistribution, p string) {
	d := r.d
	switch {
	case (kd.Zipf == nil) == (kd.HotSet == nil):
		d.at(p, "needs exactly one of zipf (an exponent, e.g. 1.1) or hot-set ({keys: 1%%, share: 80%%})")
	case kd.Zipf != nil && (*kd.Zipf <= 0 || *kd.Zipf > 10):
		d.at(p+".zipf", "must be more than 0 and at most 10, not %g", *kd.Zipf)
	case kd.HotSet != nil:
		h := kd.HotSet
		if h.Keys <= 0 || h.Keys >= 1 {
			d.at(p+".hot-set.keys", "must be more than 0%% and less than 100%% of the keys")
		}
		if h.Share <= 0 || h.Share >= 1 {
			d.at(p+".hot-set.share", "must be more than 0%% and less than 100%% of the records")
		}
		if h.Zipf != nil && (*h.Zipf < 0 || *h.Zipf > 10) {
			d.at(p+".hot-set.zipf", "must be from 0 (uniform) to 10, not %g", *h.Zipf)
		}
	}
}

// hotKeys checks each named hot key, then that together they stay under
// every record.
func (r *resolver) hotKeys(n *node) {
	d, o := r.d, n.op
	seen := map[string]string{} // a key's first item's path, by the key Flink sees
	written := map[string]string{}
	for i, h := range o.HotKeys {
		p := r.d.listItem(n.path+".hot-keys", i)
		key := sameKey(o, h.Key)
		switch {
		case h.Key == "":
			d.at(p+".key", "is required, e.g. bot-7")
		case seen[key] != "" && key != h.Key:
			d.at(p+".key", "%q is the Long %s, listed already (as %q on %s)", h.Key, key, written[key], d.where(seen[key]+".key"))
		case seen[key] != "":
			d.at(p+".key", "%q is listed twice (first on %s)", h.Key, d.where(seen[key]+".key"))
		case o.KeyType == "long" && !isLong(h.Key):
			d.at(p+".key", "%q is not a long; with key-type long keys are numbers (or set key-type: string)", h.Key)
		case r.generated(n, h.Key):
			d.at(p+".key", "%s", generatedKeyProblem(o, h.Key))
		}
		if seen[key] == "" {
			seen[key], written[key] = p, h.Key
		}
		if h.Share <= 0 {
			d.at(p+".share", "must be more than 0%%")
		}
		if h.From != nil && h.Until != nil && *h.Until <= *h.From {
			d.at(p+".until", "must be after from")
		}
		if dur := sim.Time(*r.sc.Duration); h.From != nil && sim.Time(*h.From) >= dur && r.durationOK {
			d.warn(d.nodes[p+".from"], p+".from", "%s is at or after the end of the run (duration %s): the hot key %s never comes in it; run longer, or set from before %s",
				FormatDuration(sim.Time(*h.From)), FormatDuration(dur), h.Key, FormatDuration(dur))
		}
	}
	if peak, at := peakHotShare(o.HotKeys); peak >= 1 {
		d.at(n.path+".hot-keys", "the hot keys carry %.4g%% of the records at %s; together they must stay under 100%%", peak*100, FormatDuration(at))
	}
}

func isLong(key string) bool {
	_, err := strconv.ParseInt(key, 10, 64)
	return err == nil
}

// sameKey is the key as Flink compares it: with key-type long the Long's
// value (07 and 7 are one key), else the string.
func sameKey(o *Operator, key string) string {
	if v, err := strconv.ParseInt(key, 10, 64); err == nil && o.KeyType == "long" {
		return strconv.FormatInt(v, 10)
	}
	return key
}

// generated reports whether key is one of the operator's generated keys:
// with key-type long the ids 0..keys-1, with string <key-by>-0 ..
// <key-by>-<keys-1> (as population names them). A hot key of that name
// would be the same key in Flink (one Long, one String), which the model
// would count twice: refused (generatedKeyProblem).
func (r *resolver) generated(n *node, key string) bool {
	if !r.keysKnown(n) {
		return false
	}
	_, ok := generatedID(n.op, key)
	return ok
}

// keysKnown reports whether the operator's generated keys are known: keys
// and key-type given and not refused.
func (r *resolver) keysKnown(n *node) bool {
	return n.op.Keys != nil && !r.d.badUnder(n.path+".keys") && !r.d.badUnder(n.path+".key-type")
}

// generatedID is the id of key among the operator's generated keys (its
// rank − 1), if it is one.
func generatedID(o *Operator, key string) (int64, bool) {
	id := key
	if o.KeyType == "string" {
		var ok bool
		if id, ok = strings.CutPrefix(key, o.KeyBy+"-"); !ok {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(id, 10, 64)
	if err != nil || (o.KeyType == "string" && strconv.FormatInt(v, 10) != id) {
		return 0, false
	}
	return v, v >= 0 && float64(v) < float64(*o.Keys)
}

// generatedRange names the generated keys: user-0 to user-999, or the ids
// 0 to 999.
func generatedRange(o *Operator) string {
	last := int64(*o.Keys) - 1
	if o.KeyType == "string" {
		return fmt.Sprintf("%s-0 to %s-%d", o.KeyBy, o.KeyBy, last)
	}
	return fmt.Sprintf("the ids 0 to %d", last)
}

// generatedKeyProblem says that key is also a generated key, and which
// names are free.
func generatedKeyProblem(o *Operator, key string) string {
	last := int64(*o.Keys) - 1
	const why = "Flink would take them as one key, and flinksim does not add a hot key's share to a generated key's"
	if o.KeyType == "string" {
		return fmt.Sprintf("%q is also one of the generated keys (%s-0 to %s-%d, from keys: %d and key-by %s): %s; name the hot key outside them (e.g. bot-1, or %s-%d and on)",
			key, o.KeyBy, o.KeyBy, last, last+1, o.KeyBy, why, o.KeyBy, last+1)
	}
	return fmt.Sprintf("%q is also one of the generated keys (the ids 0 to %d, from keys: %d with key-type long): %s; name the hot key outside them (below 0, or %d and on)",
		key, last, last+1, why, last+1)
}

// hotKeyPartitioner checks which keys it spreads and how, defaulting the
// strategy to round-robin.
func (r *resolver) hotKeyPartitioner(n *node, hp *HotKeyPartitioner) {
	d := r.d
	p := n.path + ".hot-key-partitioner"
	if len(hp.Keys) == 0 && (hp.Top == nil || *hp.Top == 0) {
		d.at(p, "needs keys (named hot keys) or top (the N most frequent keys)")
	}
	if hp.Top != nil && (*hp.Top < 0 || *hp.Top > 1000) {
		d.at(p+".top", "must be from 0 to 1000, not %d", *hp.Top)
	}
	switch hp.Strategy {
	case "":
		hp.Strategy = "round-robin"
	case "round-robin", "least-loaded":
	default:
		d.at(p+".strategy", "must be round-robin or least-loaded, not %q", hp.Strategy)
	}
	if n.op.Salting != nil {
		d.at(p, "salting and a hot-key partitioner are alternatives; keep one")
	}
	// DataStream.partitionCustom gives a DataStream, not a KeyedStream: the
	// operator after it has no keyed state (StreamingRuntimeContext's
	// checkPreconditionsAndGetKeyedStateStore throws). Its model holds no
	// state, and a window is refused in windowConflicts.
	if sp := n.op.StatePerKey; sp != nil && *sp > 0 && n.op.Window == nil {
		d.at(p, "not allowed with state-per-key (%s of keyed state per key): a custom partitioner (partitionCustom) gives a stream that is not keyed, "+
			"where Flink refuses keyed state (\"Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation.\"); "+
			"for a keyed aggregation spread hot keys with salting (a two-stage aggregation keyed by key and salt), or keep the partitioner on an operator without keyed state (state-per-key 0)",
			FormatBytes(int64(*sp)))
	}
	if n.op.Window == nil { // refused with a window (windowConflicts)
		r.partitionerKeys(n, hp)
	}
}

// salting checks the buckets and fills the defaults of the two stages.
func (r *resolver) salting(n *node, sl *Salting) {
	d, o := r.d, n.op
	p := n.path + ".salting"
	if sl.Buckets < 2 || sl.Buckets > 1024 {
		d.at(p+".buckets", "must be from 2 to 1024, not %d", sl.Buckets)
	}
	switch sl.Keys {
	case "":
		sl.Keys = "all"
	case "all", "hot":
	default:
		d.at(p+".keys", "must be all or hot, not %q", sl.Keys)
	}
	if sl.HotShare == nil {
		sl.HotShare = ptr(Fraction(0.001))
	} else if *sl.HotShare <= 0 {
		d.at(p+".hot-share", "must be more than 0%%")
	}
	if sl.EmitInterval == nil {
		sl.EmitInterval = ptr(Duration(sim.Second))
	} else if *sl.EmitInterval <= 0 {
		d.at(p+".emit-interval", "must be more than 0s")
	}
	if sl.FinalCost == nil {
		sl.FinalCost = o.Cost
	}
	if sl.FinalCost != nil {
		r.dist(sl.FinalCost, p+".final-cost")
	}
	if sl.FinalParallelism == nil {
		sl.FinalParallelism = ptr(n.parallelism) // the operator's, as the field says
	} else {
		sl.FinalParallelism = ptr(r.parallelism(sl.FinalParallelism, p+".final-parallelism"))
	}
	// The final stage is a transformation of its own: a max parallelism
	// set (the operator's or the job's) bounds it too, else Flink's rule
	// gives it one from its own parallelism, not the partial stage's.
	if n.maxParWhere == "" {
		sl.finalMaxParallelism = partitioning.DefaultMaxParallelism(*sl.FinalParallelism)
	} else {
		sl.finalMaxParallelism = *o.MaxParallelism
		if fp := *sl.FinalParallelism; fp > sl.finalMaxParallelism && !d.badUnder(n.maxParWhere) {
			d.at(p+".final-parallelism", "%d is above the max parallelism %d (%s), which bounds the final stage %s-final too; Flink refuses a vertex whose parallelism is higher than its max parallelism: it must be from 1 to %d",
				fp, sl.finalMaxParallelism, n.maxParWhere, o.Name, sl.finalMaxParallelism)
		}
	}
	if _, taken := r.byName[o.Name+"-final"]; taken {
		d.at(p, "its final stage is named %s-final, which another node already uses", o.Name)
	}
}

// notKeyed reports key fields on an operator without keys.
func (r *resolver) notKeyed(n *node) {
	o := n.op
	for _, f := range []struct {
		name string
		set  bool
	}{{"key-type", o.KeyType != ""}, {"key-distribution", o.KeyDistribution != nil}, {"hot-keys", len(o.HotKeys) > 0},
		{"hot-key-partitioner", o.HotKeyPartitioner != nil}, {"salting", o.Salting != nil}} {
		if f.set {
			r.d.at(n.path+"."+f.name, "only applies to a keyed operator (set key-by and keys)")
		}
	}
	if mb := o.MiniBatch; mb != nil {
		p := n.path + ".mini-batch"
		if mb.Size == nil {
			mb.Size = ptr(Count(1000))
		} else {
			r.count(p+".size", *mb.Size, 1, 1e9, "a whole number from 1 to 1G")
		}
		if mb.AllowLatency == nil {
			mb.AllowLatency = ptr(Duration(sim.Second))
		} else if *mb.AllowLatency <= 0 {
			r.d.at(p+".allow-latency", "must be more than 0s")
		}
	}
}

// miniBatchConsumers checks that each pre-aggregating operator feeds exactly
// one keyed operator through keyBy (whose keys it aggregates by).
func (r *resolver) miniBatchConsumers() {
	for _, n := range r.nodes {
		if n.op == nil || n.op.MiniBatch == nil {
			continue
		}
		var readers []*node
		for _, m := range r.nodes {
			for _, in := range m.inputs {
				if in == n.name {
					readers = append(readers, m)
				}
			}
		}
		if len(readers) != 1 || readers[0].exchange != "keyBy" || readers[0].op == nil {
			r.d.at(n.path+".mini-batch", "needs exactly one reader, a keyed operator (keyBy): it aggregates by that operator's keys")
		}
	}
}

// peakHotShare is the largest total share the named hot keys carry at once,
// and when.
func peakHotShare(hot []HotKeySpec) (float64, sim.Time) {
	times := []sim.Time{0}
	for _, h := range hot {
		if h.From != nil {
			times = append(times, sim.Time(*h.From))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	best, at := 0.0, sim.Time(0)
	for _, t := range times {
		total := 0.0
		for _, h := range hot {
			from, until := sim.Time(0), sim.Time(math.MaxInt64)
			if h.From != nil {
				from = sim.Time(*h.From)
			}
			if h.Until != nil {
				until = sim.Time(*h.Until)
			}
			if t >= from && t < until {
				total += float64(h.Share)
			}
		}
		if total > best {
			best, at = total, t
		}
	}
	return best, at
}

// population is the model of a keyed operator's keys.
func population(o *Operator) *models.Population {
	p := &models.Population{N: int64(*o.Keys), Prefix: o.KeyBy + "-"}
	if o.KeyType == "string" {
		p.Type = models.KeyString
	}
	if kd := o.KeyDistribution; kd != nil {
		switch {
		case kd.Zipf != nil:
			p.Shape, p.S = models.ShapeZipf, *kd.Zipf
		case kd.HotSet != nil:
			p.Shape, p.HotFraction, p.HotShare = models.ShapeHotSet, float64(kd.HotSet.Keys), float64(kd.HotSet.Share)
			if kd.HotSet.Zipf != nil {
				p.S = *kd.HotSet.Zipf
			}
		}
	}
	for _, h := range o.HotKeys {
		hk := models.HotKey{Key: h.Key, Share: float64(h.Share)}
		if h.From != nil {
			hk.From = sim.Time(*h.From)
		}
		if h.Until != nil {
			hk.Until = sim.Time(*h.Until)
		}
		p.Hot = append(p.Hot, hk)
	}
	return p
}

// keyedNodes builds a keyed operator's model nodes: one, or with salting the
// partial stage on salted keys and the final stage (<name>-final).
func keyedNodes(mn models.Node, o *Operator) []models.Node {
	pop := population(o)
	mn.MaxParallelism = *o.MaxParallelism
	keyed := models.Keyed{Keys: pop, StatePerKey: int64(*o.StatePerKey), Warm: *o.StateWarm}
	if hp := o.HotKeyPartitioner; hp != nil {
		keyed.HotPartitioner = &models.HotPartitioner{Keys: partitionedKeys(o, hp.Keys), LeastLoaded: hp.Strategy == "least-loaded"}
		if hp.Top != nil {
			keyed.HotPartitioner.Top = *hp.Top
		}
	}
	sl := o.Salting
	if sl == nil {
		mn.Keyed = &keyed
		return []models.Node{mn}
	}
	partial := keyed
	hot := 0.0
	if sl.Keys == "hot" {
		hot = float64(*sl.HotShare)
	}
	partial.Keys = models.SaltedKeys{Base: pop, Buckets: sl.Buckets, HotShare: hot}
	mn.Keyed = &partial
	mn.MiniBatch = &models.MiniBatch{Interval: sim.Time(*sl.EmitInterval), Timer: true}
	final := models.Node{Name: o.Name + "-final", Kind: models.KindOperator, Parallelism: *sl.FinalParallelism,
		Inputs: []models.Input{{From: o.Name, Exchange: models.Hash}}, Chain: true, Cost: toDist(sl.FinalCost),
		Selectivity: 1, RecordSize: mn.RecordSize, MaxParallelism: sl.finalMaxParallelism}
	fk := keyed
	final.Keyed = &fk
	return []models.Node{mn, final}
}
