package scenarios

import (
	"fmt"
	"slices"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// Event time at the sources: how far the records' timestamps trail their
// append to Kafka, offline devices, the watermark strategy, paused
// partitions, and the pipeline.auto-watermark-interval they need.

// eventTime checks a source's event-time block and fills in its defaults.
func (r *resolver) eventTime(n *node) {
	et := n.src.EventTime
	if et == nil {
		return
	}
	p := n.path + ".event-time"
	if et.Delay == nil {
		et.Delay = &Dist{Constant: ptr(Duration(0))}
	} else {
		r.dist(et.Delay, p+".delay")
	}
	if et.Offline != nil {
		r.offline(et.Offline, p+".offline")
	}
	if et.Watermark == nil {
		et.Watermark = &Watermark{}
	}
	if wm := et.Watermark; wm.OutOfOrderness == nil {
		wm.OutOfOrderness = ptr(Duration(0)) // forMonotonousTimestamps
	} else {
		r.flinkMillis(wm.OutOfOrderness, p+".watermark.out-of-orderness", "BoundedOutOfOrdernessWatermarks: Duration.toMillis")
	}
	if i := et.Watermark.Idleness; i != nil && *i <= 0 {
		r.d.at(p+".watermark.idleness", "must be more than 0s (leave it out for no idleness timeout)")
	} else {
		r.flinkMillis(i, p+".watermark.idleness", "WatermarksWithIdleness: Duration.toMillis")
	}
	if a := et.Watermark.Alignment; a != nil {
		r.alignment(a, p+".watermark.alignment")
	}
	r.readersWithoutSplit(n, p)
	for i := range et.Pauses {
		r.pause(n, &et.Pauses[i], fmt.Sprintf("%s.pauses[%d]", p, i))
	}
	r.pausesOverlap(et.Pauses, p+".pauses")
	r.partitionDelays(n, et.PartitionDelays, p+".partition-delays")
}

// readersWithoutSplit warns of a Kafka source with more readers than
// partitions and no idleness timeout: KafkaSourceEnumerator gives each
// partition one reader, so the others read none, emit no watermark and are
// never idle (CombinedWatermarkStatus with no split), and every event-time
// operator downstream waits at Long.MIN_VALUE: its windows never fire. The
// Kafka connector's docs ("Idleness"): the source "does not go
// automatically in an idle state if the parallelism is higher than the
// number of partitions". A number of partitions refused (0) is told as
// such, not as readers without one.
func (r *resolver) readersWithoutSplit(n *node, p string) {
	parts := n.src.Partitions
	if parts == nil || r.d.badUnder(n.path+".partitions") || *parts >= n.parallelism || n.src.EventTime.Watermark.Idleness != nil {
		return
	}
	r.d.warn(r.d.nodes[p], p, "%d of the source's %d readers get no partition (%d partitions): they emit no watermark and are never idle, so every event-time operator downstream waits and its windows never fire, as in Flink, whose Kafka source does not go idle by itself; set %s.watermark.idleness, or parallelism %d",
		n.parallelism-*parts, n.parallelism, *parts, p, *parts)
}

// alignment checks withWatermarkAlignment's settings and fills in the
// update interval.
func (r *resolver) alignment(a *WatermarkAlignment, p string) {
	d := r.d
	if a.Group == "" {
		d.at(p, "needs group: the name of the alignment group, e.g. events")
	}
	if a.MaxDrift == nil {
		d.at(p, "needs max-drift: how far a source's watermark may run ahead of the group's lowest, e.g. 1m")
	} else if *a.MaxDrift <= 0 {
		d.at(p+".max-drift", "must be more than 0s")
	} else {
		r.flinkMillis(a.MaxDrift, p+".max-drift", "WatermarkAlignmentParams: Duration.toMillis")
	}
	if a.UpdateInterval == nil {
		a.UpdateInterval = ptr(Duration(sim.Second)) // WatermarksWithWatermarkAlignment.DEFAULT_UPDATE_INTERVAL
	} else if *a.UpdateInterval <= 0 {
		d.at(p+".update-interval", "must be more than 0s")
	} else {
		r.flinkMillis(a.UpdateInterval, p+".update-interval", "WatermarkAlignmentParams: Duration.toMillis")
	}
}

// flinkMillis refuses a duration Flink keeps in whole milliseconds (class
// names where and how) written with a fraction of one: the run would use a
// value Flink does not.
func (r *resolver) flinkMillis(v *Duration, path, class string) {
	if v == nil || r.d.badUnder(path) || sim.Time(*v)%sim.Millisecond == 0 {
		return
	}
	r.d.at(path, "must be a whole number of milliseconds, not %s: Flink keeps it in whole milliseconds (%s), which would drop the rest",
		FormatDuration(sim.Time(*v)), class)
}

// offline checks the offline devices: a share strictly between 0 and 1,
// and offline periods of a positive mean (their residual is the delay).
func (r *resolver) offline(o *OfflineDevices, p string) {
	d := r.d
	switch {
	case o.Share == nil:
		d.at(p, "needs share: the share of devices offline at any moment, e.g. 2%%")
	case *o.Share <= 0 || *o.Share >= 1:
		d.at(p+".share", "must be more than 0%% and less than 100%% (the share of devices offline at any moment)")
	}
	if o.Duration == nil {
		d.at(p, "needs duration: how long a device stays offline, e.g. {lognormal: {mean: 1h, p99: 8h}}")
		return
	}
	r.dist(o.Duration, p+".duration")
	if x := toDist(o.Duration); !d.badUnder(p+".duration") && (x == nil || !(x.Mean() > 0)) {
		d.at(p+".duration", "must be more than 0s on average")
	}
}

// pause checks one paused group of partitions and defaults its backlog to
// send.
func (r *resolver) pause(n *node, ps *PartitionPause, p string) {
	d := r.d
	r.partitionList(n, ps.Partitions, p, "the topic partitions whose producers pause, e.g. [3]")
	if ps.At == nil {
		d.at(p, "needs at: when the pause starts")
	}
	switch {
	case ps.For == nil:
		d.at(p, "needs for: how long it lasts")
	case *ps.For <= 0:
		d.at(p+".for", "must be more than 0s")
	}
	r.enum(&ps.Backlog, p+".backlog", "send", "drop")
	if ps.At != nil && r.durationOK && r.sc.Duration != nil && !d.badUnder(p+".at") && *ps.At >= *r.sc.Duration {
		d.warn(d.nodes[p+".at"], p+".at", "%s is at or after the end of the run (duration %s): the pause never holds a record back in it; run longer, or set at before %s",
			FormatDuration(sim.Time(*ps.At)), FormatDuration(sim.Time(*r.sc.Duration)), FormatDuration(sim.Time(*r.sc.Duration)))
	}
}

// pausesOverlap refuses two pauses of one partition that overlap in time:
// a partition's producers are either paused or not, and the model releases
// a pause's backlog at its end, when the other would still hold it.
func (r *resolver) pausesOverlap(ps []PartitionPause, p string) {
	for j := range ps {
		b := &ps[j]
		if b.At == nil || b.For == nil || *b.For <= 0 {
			continue
		}
		for i := range ps[:j] {
			a := &ps[i]
			if a.At == nil || a.For == nil || *a.For <= 0 || *b.At >= *a.At+*a.For || *a.At >= *b.At+*b.For {
				continue
			}
			for _, k := range b.Partitions {
				if slices.Contains(a.Partitions, k) {
					r.d.at(fmt.Sprintf("%s[%d].at", p, j), "partition %d's producers are already paused from %s to %s (pauses[%d]): pauses of one partition must not overlap; merge them into one",
						k, FormatDuration(sim.Time(*a.At)), FormatDuration(sim.Time(*a.At+*a.For)), i)
					break
				}
			}
		}
	}
}

// partitionList checks a list of n's partitions: some, each once, each
// in its topic; what says what they are.
func (r *resolver) partitionList(n *node, parts []int, p, what string) {
	d := r.d
	if len(parts) == 0 && !d.badUnder(p+".partitions") {
		d.at(p, "needs partitions: %s", what)
	}
	seen := map[int]bool{}
	for j, k := range parts {
		q := fmt.Sprintf("%s.partitions[%d]", p, j)
		switch {
		case d.badUnder(q): // not a partition number: told already
			continue
		case seen[k]:
			d.at(q, "partition %d is listed twice", k)
		case !d.badUnder(n.path+".partitions") && (k < 0 || k >= *n.src.Partitions):
			d.at(q, "%d is not a partition of %s's topic (0 to %d)", k, n.name, *n.src.Partitions-1)
		}
		seen[k] = true
	}
}

// partitionDelays checks the groups of partitions with their own event
// time (each partition in one group at most), and defaults a group's delay
// to the source's (a group may differ only in its offline devices).
func (r *resolver) partitionDelays(n *node, groups []PartitionDelays, p string) {
	if len(groups) > models.MaxDelayGroups {
		r.d.at(p, "has %d groups; flinksim handles at most %d (give groups with the same delays one entry)", len(groups), models.MaxDelayGroups)
	}
	in := map[int]int{}
	for i := range groups {
		pd, q := &groups[i], fmt.Sprintf("%s[%d]", p, i)
		r.partitionList(n, pd.Partitions, q, "the topic partitions with these delays, e.g. [3]")
		for j, k := range pd.Partitions {
			pj := fmt.Sprintf("%s.partitions[%d]", q, j)
			if r.d.badUnder(pj) {
				continue
			}
			if g, ok := in[k]; ok && g != i {
				r.d.at(pj, "partition %d is already in %s[%d]: a partition has one delay", k, p, g)
			}
			in[k] = i
		}
		if pd.Delay == nil {
			pd.Delay = n.src.EventTime.Delay // resolved already
		} else {
			r.dist(pd.Delay, q+".delay")
		}
		if pd.Offline != nil {
			r.offline(pd.Offline, q+".offline")
		}
	}
}

// watermarkInterval: sources with event time emit their watermarks every
// pipeline.auto-watermark-interval, which Flink takes in whole
// milliseconds (ExecutionConfig.getAutoWatermarkInterval: Duration.toMillis);
// its 0 turns that off.
func (r *resolver) watermarkInterval() {
	for _, n := range r.nodes {
		if n.src == nil || n.src.EventTime == nil {
			continue
		}
		d := r.fs.duration("pipeline.auto-watermark-interval")
		if d >= sim.Millisecond {
			return
		}
		what := "is 0"
		if d > 0 {
			what = fmt.Sprintf("is %s, below 1 ms: Flink takes it in whole milliseconds (Duration.toMillis), 0", d)
		}
		for _, e := range r.sc.Flink.Entries { // the value as written, or as --set gave it
			if e.Key == "pipeline.auto-watermark-interval" {
				r.d.fail(e.Node, e.Path, "%s, which turns periodic watermarks off; flinksim needs it at least 1 ms with event time (%s.event-time), e.g. 200 ms (Flink's default)", what, n.path)
			}
		}
		return
	}
}

// eventTimeModel is a source's event time in the model (nil: none), in
// Flink release rel.
func eventTimeModel(et *EventTime, rel flinkRelease) *models.EventTime {
	if et == nil {
		return nil
	}
	m := &models.EventTime{Delay: toDist(et.Delay), OutOfOrderness: sim.Time(*et.Watermark.OutOfOrderness)}
	if o := et.Offline; o != nil {
		m.OfflineShare, m.Offline = float64(*o.Share), toDist(o.Duration)
	}
	if i := et.Watermark.Idleness; i != nil {
		m.Idleness = sim.Time(*i)
	}
	if a := et.Watermark.Alignment; a != nil {
		m.Alignment = &models.Alignment{Group: a.Group, MaxDrift: sim.Time(*a.MaxDrift), UpdateInterval: sim.Time(*a.UpdateInterval),
			// split-level alignment (FLIP-217, FLINK-28853) came in 1.17:
			// before, a reader stops as a whole (SourceOperator.checkWatermarkAlignment)
			ReaderLevel: rel.before("1.17")}
	}
	for _, ps := range et.Pauses {
		m.Pauses = append(m.Pauses, models.PartitionPause{Partitions: slices.Clone(ps.Partitions),
			At: sim.Time(*ps.At), For: sim.Time(*ps.For), Drop: ps.Backlog == "drop"})
	}
	for _, pd := range et.PartitionDelays {
		g := models.PartitionDelays{Partitions: slices.Clone(pd.Partitions), Delay: toDist(pd.Delay)}
		if o := pd.Offline; o != nil {
			g.OfflineShare, g.Offline = float64(*o.Share), toDist(o.Duration)
		}
		m.PartitionDelays = append(m.PartitionDelays, g)
	}
	return m
}
