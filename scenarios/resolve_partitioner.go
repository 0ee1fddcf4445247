package scenarios

import (
	"strconv"
	"strings"
)

// partitionerKeys checks the keys a hot-key partitioner names, and its top,
// against the keys it can spread: the model spreads a key only when it is
// tracked one by one (a named hot key, or one of the most frequent
// generated keys, models.Population.Tracked). A key the operator never sees
// is refused; a generated key tracked only per key group, or a top beyond
// the keys tracked, is warned of: the partitioner leaves it (them) on its
// keyBy subtask.
func (r *resolver) partitionerKeys(n *node, hp *HotKeyPartitioner) {
	d, o := r.d, n.op
	p := n.path + ".hot-key-partitioner"
	hot := map[string]bool{}
	var names []string
	for _, h := range o.HotKeys {
		hot[sameKey(o, h.Key)] = true
		names = append(names, h.Key)
	}
	known := r.keysKnown(n) && !d.badUnder(n.path+".key-distribution") && !d.badUnder(n.path+".hot-keys")
	tracked := int64(0)
	if known {
		tracked = population(o).Tracked()
	}
	for i, k := range hp.Keys {
		kp := d.listItem(p+".keys", i)
		if o.KeyType == "long" && !isLong(k) {
			d.at(kp, "%q is not a long; with key-type long keys are numbers (or set key-type: string)", k)
			continue
		}
		if hot[sameKey(o, k)] || !known {
			continue
		}
		id, gen := generatedID(o, k)
		switch {
		case !gen:
			d.at(kp, "%q is not one of %s's keys (hot keys: %s; generated keys: %s): the partitioner would never see it; name a hot key, or a generated key flinksim tracks one by one: %s",
				k, o.Name, orNone(names), generatedRange(o), trackedGenerated(o, tracked))
		case id >= tracked:
			d.warn(d.nodes[kp], kp, "%q is a generated key of %s that flinksim follows per key group, not one by one, so the partitioner does not spread it: it stays on its keyBy subtask; "+
				"flinksim tracks one by one the hot keys and, of the generated keys, %s", k, o.Name, trackedGenerated(o, tracked))
		}
	}
	all := tracked + int64(len(hot))
	if top := hp.Top; top != nil && *top > 0 && known && int64(*top) > all && !d.badUnder(p+".top") {
		spreads := "those " + strconv.FormatInt(all, 10)
		if all == 0 {
			spreads = "no key"
		}
		d.warn(d.nodes[p+".top"], p+".top", "%d is more keys than flinksim tracks one by one on %s (%d hot keys and, of the generated keys, %s): the partitioner spreads %s",
			*top, o.Name, len(hot), trackedGenerated(o, tracked), spreads)
	}
}

// trackedGenerated names the generated keys tracked one by one.
func trackedGenerated(o *Operator, tracked int64) string {
	first, last := "0", strconv.FormatInt(tracked-1, 10)
	switch {
	case tracked == 0:
		return "none (a uniform distribution has no most frequent keys)"
	case o.KeyType == "string":
		first, last = o.KeyBy+"-"+first, o.KeyBy+"-"+last
	default:
		first = "ids " + first
	}
	return first + " to " + last + " (the " + strconv.FormatInt(tracked, 10) + " most frequent)"
}
func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// partitionedKeys are a partitioner's keys as the model names them: a long
// key as the hot key it is written as (07 for a hot key 07 named 7), or as
// its generated key's name.
func partitionedKeys(o *Operator, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = sameKey(o, k)
		for _, h := range o.HotKeys {
			if sameKey(o, h.Key) == out[i] {
				out[i] = h.Key
			}
		}
	}
	return out
}
