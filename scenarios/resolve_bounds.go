package scenarios

import (
	"fmt"
	"math"
	"regexp"

	"github.com/flinksim/flinksim/sim"
)

// Bounds on what a run counts. The models count records and bytes in int64,
// and the outputs pass counts through float64, which holds whole numbers
// exactly up to 2^53. A scenario whose counts could pass these is refused up
// front rather than printing wrapped, negative counts.
//
// maxRunRecords bounds the records one node emits over a run, first pass:
// 2^53 keeps them exact in float64 and leaves 2^10 below int64's limit for
// what the models count again after failovers (Kafka's records read and each
// operator's records in and out include replays: up to 1023 replays of the
// whole input fit). maxRunBytes bounds those records' bytes and the keyed
// state: bytes are counted per chunk and per checkpoint, never summed over
// replays, and 2^60 leaves 2^3 for the sums a checkpoint takes (state, a
// compacted share of it and the in-flight data persisted).
const (
	maxRunRecords = 1 << 53
	maxRunBytes   = 1 << 60
)

// bounds refuses scenarios whose counts could overflow: each node's records
// (peak rate × duration + backlog at a source, times the selectivities and
// summed over fan-in downstream), their bytes, and the keyed state. Each
// problem is reported where it first arises, at the field responsible.
func (r *resolver) bounds() {
	d, sc := r.d, r.sc
	if sc.Duration == nil || !r.durationOK {
		return
	}
	dur := sim.Time(*sc.Duration)
	records := map[string]float64{} // upper bound of each node's output
	over := map[string]bool{}       // the bound is past maxRunRecords
	bytesOver := map[string]bool{}  // its bytes or an input's are past maxRunBytes: told once, upstream
	var produced, written float64
	for _, n := range r.nodes {
		if d.badUnder(n.path) {
			over[n.name] = true // reported already; no second problem downstream
			continue
		}
		var u, in float64
		inputOver, inputBytesOver := false, false
		for _, name := range n.inputs {
			inputOver = inputOver || over[name]
			inputBytesOver = inputBytesOver || bytesOver[name]
			in += records[name]
		}
		switch {
		case n.src != nil:
			u = r.sourceRecords(n, dur)
			produced += u
		case n.op != nil:
			u = r.operatorRecords(n, in, inputOver, dur)
		default:
			u = in
			if u > maxRunRecords && !inputOver {
				d.at(n.path+".input", "its inputs together bring up to %s records in %s; a run counts at most 2^53 = %d records per operator", approx(u), FormatDuration(dur), int64(maxRunRecords))
			}
			written += u
		}
		records[n.name] = u
		over[n.name] = inputOver || u > maxRunRecords
		bytesOver[n.name] = inputBytesOver
		if !over[n.name] && !inputBytesOver && u*float64(n.recordSize) > maxRunBytes {
			r.bytesBound(n, u, dur)
			bytesOver[n.name] = true
		}
	}
	noneOver := func() bool {
		for _, o := range over {
			if o {
				return false
			}
		}
		return true
	}
	if produced > maxRunRecords && noneOver() {
		d.at("sources", "together the sources produce up to %s records in %s; a run counts at most 2^53 = %d records in all", approx(produced), FormatDuration(dur), int64(maxRunRecords))
	}
	if written > maxRunRecords && noneOver() {
		d.at("sinks", "together the sinks write up to %s records in %s; a run counts at most 2^53 = %d records in all", approx(written), FormatDuration(dur), int64(maxRunRecords))
	}
	r.stateBounds()
}

// bytesBound tells that node n's u records pass 2^60 bytes: at the
// initial-backlog of a source whose backlog is the larger part, else at
// the record size.
func (r *resolver) bytesBound(n *node, u float64, dur sim.Time) {
	size := float64(n.recordSize)
	if n.src != nil && n.src.InitialBacklog != nil && 2*float64(*n.src.InitialBacklog) >= u {
		r.d.at(n.path+".initial-backlog", "the source holds %s records of %s at the start, %s bytes with what it produces in %s; a run counts at most 2^60 = %d bytes per operator: lower the initial-backlog or the record size", approx(float64(*n.src.InitialBacklog)), FormatBytes(n.recordSize), approx(u*size), FormatDuration(dur), int64(maxRunBytes))
		return
	}
	r.d.at(n.path+".record-size", "up to %s records of %s are %s bytes in %s; a run counts at most 2^60 = %d bytes per operator: lower the record size, the rate or the duration", approx(u), FormatBytes(n.recordSize), approx(u*size), FormatDuration(dur), int64(maxRunBytes))
}

// sourceRecords bounds what a source produces: its peak rate over the run
// and its initial backlog. Past the bound, the larger of the two is named
// (the backlog alone is at most the bound: source).
func (r *resolver) sourceRecords(n *node, dur sim.Time) float64 {
	peak, field := peakRate(n.src.Rate)
	backlog := float64(*n.src.InitialBacklog)
	u := peak*dur.Seconds() + backlog
	if p := n.path + ".rate" + field; math.IsInf(peak, 1) { // written beyond a float64: no product to tell
		r.d.at(p, "the source produces more records than a run counts at %s: at most 2^53 = %d records per operator; lower the rate", r.d.written(p, "its peak"), int64(maxRunRecords))
		return u
	}
	if u > maxRunRecords && backlog >= peak*dur.Seconds() {
		r.d.at(n.path+".initial-backlog", "the source holds %s records at the start and produces up to %s more in %s (%s/s at its peak); a run counts at most 2^53 = %d records per operator: lower the initial-backlog", approx(backlog), approx(u-backlog), FormatDuration(dur), approx(peak), int64(maxRunRecords))
	} else if u > maxRunRecords {
		r.d.at(n.path+".rate"+field, "the source produces up to %s records in %s (%s/s at its peak); a run counts at most 2^53 = %d records per operator: lower the rate or the duration", approx(u), FormatDuration(dur), approx(peak), int64(maxRunRecords))
	}
	return u
}

// operatorRecords bounds what an operator emits from in records: its
// selectivity is responsible when it alone passes the bound, else its
// inputs (unless one of them is over already).
func (r *resolver) operatorRecords(n *node, in float64, inputOver bool, dur sim.Time) float64 {
	if n.op.Window != nil {
		return r.windowRecords(n, in, inputOver, dur)
	}
	sel := *n.op.Selectivity
	u := in * sel
	if u > maxRunRecords && !inputOver {
		if sel > 1 && in <= maxRunRecords {
			r.d.at(n.path+".selectivity", "%s records out per record in makes up to %s records in %s; a run counts at most 2^53 = %d records per operator", approx(sel), approx(u), FormatDuration(dur), int64(maxRunRecords))
		} else {
			r.d.at(n.path+".input", "its inputs together bring up to %s records in %s; a run counts at most 2^53 = %d records per operator", approx(u), FormatDuration(dur), int64(maxRunRecords))
		}
	}
	return u
}

// stateBounds refuses keyed state (keys × state per key) past maxRunBytes,
// for one operator or all of them (a checkpoint's size sums them).
func (r *resolver) stateBounds() {
	total := 0.0
	for _, n := range r.nodes {
		o := n.op
		if o == nil || o.Keys == nil || o.StatePerKey == nil || r.d.badUnder(n.path) || r.d.pastType(n.path+".state-per-key") {
			continue // a size past 2EiB is told so, not what it decoded as
		}
		state := float64(*o.Keys) * float64(*o.StatePerKey)
		total += state
		switch {
		case state > maxRunBytes:
			r.d.at(n.path+".state-per-key", "%s keys of %s are %s bytes of state; a run holds at most 2^60 = %d bytes of state", approx(float64(*o.Keys)), r.d.written(n.path+".state-per-key", FormatBytes(int64(*o.StatePerKey))), approx(state), int64(maxRunBytes))
			return
		case total > maxRunBytes:
			r.d.at(n.path+".state-per-key", "with this operator's %s bytes the job holds %s bytes of state; a run holds at most 2^60 = %d bytes of state", approx(state), approx(total), int64(maxRunBytes))
			return
		}
	}
}

// peakRate is the highest rate of a profile, and the field below rate that
// sets it ("" for a constant).
func peakRate(x *RateSpec) (float64, string) {
	switch {
	case x == nil:
		return 0, ""
	case x.Constant != nil:
		return x.Constant.PerSecond, ""
	case x.Steps != nil:
		peak, field := 0.0, ".steps"
		for i, s := range x.Steps {
			if s.Rate.PerSecond > peak {
				peak, field = s.Rate.PerSecond, fmt.Sprintf(".steps[%d].rate", i)
			}
		}
		return peak, field
	case x.Ramp != nil:
		if x.Ramp.To.PerSecond > x.Ramp.From.PerSecond {
			return x.Ramp.To.PerSecond, ".ramp.to"
		}
		return x.Ramp.From.PerSecond, ".ramp.from"
	case x.Periodic != nil:
		return x.Periodic.Mean.PerSecond + x.Periodic.Amplitude.PerSecond, ".periodic.mean"
	case x.Bursts != nil:
		if x.Bursts.Base.PerSecond > x.Bursts.Rate.PerSecond {
			return x.Bursts.Base.PerSecond, ".bursts.base"
		}
		return x.Bursts.Rate.PerSecond, ".bursts.rate"
	}
	return 0, ""
}

// approx prints a number to 4 digits: 3.6e19, 1.08e16, 5000.
func approx(v float64) string { return exponent.ReplaceAllString(fmt.Sprintf("%.4g", v), "e") }

var exponent = regexp.MustCompile(`e\+0*`)

// count checks a count field against its range: what (a whole number
// from lo to hi, in words) is told with the value as written, whether
// within the counts ParseCount reads or not (negative, above 1e18).
func (r *resolver) count(path string, v Count, lo, hi float64, what string) {
	if c := float64(v); math.IsNaN(c) || c < lo || c > hi || c != math.Trunc(c) {
		r.d.at(path, "must be %s, not %s", what, r.d.written(path, FormatCount(c)))
	}
}
