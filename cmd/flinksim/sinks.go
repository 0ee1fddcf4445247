package main

import (
	"fmt"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/result"
)

// deliveryShown reports whether a sink's fate is worth its own lines and
// columns: a system, guarantee or upsert other than a plain at-least-once
// writer's.
func deliveryShown(s result.Summary) bool {
	for _, k := range s.Sinks {
		if k.System != "generic" || k.Guarantee != "at-least-once" || k.Upsert != nil {
			return true
		}
	}
	return false
}

// sinkLine sums up what became of a sink's records.
func sinkLine(k result.SinkSummary) string {
	c, u := k.ReadCommitted, k.ReadUncommitted
	n := func(v int64) string { return human.Count(float64(v)) }
	line := fmt.Sprintf("%s (%s, %s): read_committed saw %s once, %s more than once (%s extra copies), lost %s, %s pending at the end",
		k.Sink, k.System, k.Guarantee, n(c.Once), n(c.MoreThanOnce), n(c.ExtraCopies), n(c.Lost), n(c.Pending))
	if u.ExtraCopies != c.ExtraCopies || u.Lost != c.Lost {
		line += fmt.Sprintf("; a reader of uncommitted data saw %s extra copies, lost %s", n(u.ExtraCopies), n(u.Lost))
	}
	if c.Once+c.MoreThanOnce == 0 || k.CommitLatency.None {
		line += "; no commit latency (read_committed saw no record)"
	} else {
		line += fmt.Sprintf("; commit latency (taken by the writer to seen by read_committed) p50 %s, max %s", human.Seconds(k.CommitLatency.P50), human.Seconds(k.CommitLatency.Max))
	}
	if m := k.Committables; m != nil {
		// Flink's committer counters: a restored committable committed
		// again counts as successful again, so successful may exceed received
		line += fmt.Sprintf("; committables %d received, %d successful, %d failed", m.Total, m.Successful, m.Failed)
		if m.Successful+m.Failed > m.Total {
			line += " (a restored one committed again counts again)"
		}
		if m.LostRecords > 0 {
			line += fmt.Sprintf(", dropping %s records", n(m.LostRecords))
		}
		if m.AbortedByBroker > 0 {
			line += fmt.Sprintf("; %s aborted by the broker past transaction.timeout.ms", human.Plural(int(m.AbortedByBroker), "transaction"))
		}
	}
	if up := k.Upsert; up != nil {
		line += fmt.Sprintf("; upserts: %s written again, %s rows back to an older version for a while, %s rows changed value", n(up.Rewrites), n(up.Regressed), n(up.Diverged))
	}
	return line
}

// sinkHeader are the comparison's sink columns: records lost (a
// read_committed reader's view, over the sinks) and the slowest sink's
// commit latency, median and worst.
var sinkHeader = []string{"lost", "commit p50", "commit max"}

// sinkStats are a run's sink figures: records lost over its sinks, the
// largest median and maximum commit latency (s) of those that have one,
// and records seen.
type sinkStats struct{ lost, p50, max, seen float64 }

func sinkCSV(s result.Summary) sinkStats {
	var k sinkStats
	for _, sk := range s.Sinks {
		k.lost += float64(sk.ReadCommitted.Lost)
		if !sk.CommitLatency.None {
			k.p50 = max(k.p50, sk.CommitLatency.P50)
			k.max = max(k.max, sk.CommitLatency.Max)
		}
		k.seen += float64(sk.ReadCommitted.Once + sk.ReadCommitted.MoreThanOnce)
	}
	return k
}

// sinkCells are a run's sink columns, for people ("-": no record seen).
func sinkCells(s result.Summary) []string {
	k := sinkCSV(s)
	if k.seen == 0 {
		return []string{human.Count(k.lost), "-", "-"}
	}
	return []string{human.Count(k.lost), human.Seconds(k.p50), human.Seconds(k.max)}
}
