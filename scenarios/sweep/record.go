package sweep

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/flinksim/flinksim/scenarios"
)

// Record is one line of points.jsonl: a point, its replica and seed, and
// what the run came to.
type Record struct {
	Key    string            `json:"key"`
	Params map[string]string `json:"params"` // as written
	// Values are the same values as numbers in base units (seconds,
	// bytes, per second), or for a choice axis (true/false, an enum, a
	// release) the value itself: true, "rocksdb", "1.18".
	Values  map[string]any `json:"values"`
	Replica int            `json:"replica"`
	Seed    uint64         `json:"seed"`
	Outcome Outcome        `json:"outcome"`
	// Plan is the fingerprint of the sweep's plan (Runner.Fingerprint) in
	// a shard file's records, so that a merge refuses another plan's; it
	// is not in points.jsonl.
	Plan string `json:"plan,omitempty"`
	// at is where the record was read ("file:line"), for a merge's report;
	// not written.
	at string
}

func (p *Plan) record(pt Point, o Outcome) Record {
	r := Record{Key: pt.Key, Params: map[string]string{}, Values: map[string]any{}, Replica: pt.Replica, Seed: pt.Seed, Outcome: o}
	for i, ax := range p.Axes {
		r.Params[ax.Key] = pt.Values[i]
		r.Values[ax.Key] = pt.Nums[i]
		if ax.Kind == scenarios.QChoice { // Nums holds its position on the axis, for the charts
			r.Values[ax.Key] = scenarios.ChoiceValue(ax.Key, pt.Values[i])
		}
	}
	return r
}

// WriteJSONL writes records one per line (encoding/json sorts map keys, so
// the bytes are deterministic).
func WriteJSONL(w io.Writer, recs []Record) error {
	bw := bufio.NewWriter(w)
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ReadJSONL reads records; name labels errors ("file:line: ...").
func ReadJSONL(r io.Reader, name string) ([]Record, error) {
	return readJSONL(r, name, 0)
}

// readJSONL is ReadJSONL for records that follow skipped lines of the
// file (a journal's header), so that an error names the file's own line.
func readJSONL(r io.Reader, name string, skipped int) ([]Record, error) {
	var recs []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := skipped
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.Key == "" {
			return nil, fmt.Errorf("%s:%d: not a sweep record (a truncated or foreign file?)", name, line)
		}
		rec.at = fmt.Sprintf("%s:%d", name, line)
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return recs, nil
}

// ReadShard reads a shard file's records (name labels errors), each of
// which must carry the plan's fingerprint fp (Runner.Fingerprint); they are
// returned without it. Records of another plan, or of none, are an error
// that names the file.
func ReadShard(r io.Reader, name, fp string) ([]Record, error) {
	recs, err := ReadJSONL(r, name)
	if err != nil {
		return nil, err
	}
	other, none, plan := 0, 0, ""
	for i := range recs {
		switch recs[i].Plan {
		case fp:
		case "":
			none++
		default:
			other++
			plan = recs[i].Plan
		}
		recs[i].Plan = ""
	}
	switch {
	case other > 0:
		return nil, fmt.Errorf("%s: %d of %d records are of another sweep's plan (%s; this one is %s): it ran with another scenario, --set, --seed, --duration, --grid or --replicas; merge with the flags it ran with, or run the shard again",
			name, other, len(recs), plan, fp)
	case none > 0:
		return nil, fmt.Errorf("%s: %d of %d records do not name their sweep's plan (a shard file of an older flinksim, or not a shard file), so they cannot be told from another plan's: run the shard again", name, none, len(recs))
	}
	return recs, nil
}

// Merge puts shard records into plan order: identical duplicates (a
// retried worker writes twice) are dropped, and missing points are
// returned. Records of another plan, and duplicates that differ (a run
// gives the same record wherever it runs: one is corrupt, or the runs were
// not deterministic), are an error naming each, with where it was read. A
// record's params and values are its point's, as a run writes them now (an
// older flinksim's shard file gave a choice axis's position as its value).
func (p *Plan) Merge(recs []Record) (merged []Record, missing []Point, err error) {
	byID := map[string]int{}
	for i, pt := range p.Points {
		byID[id(pt.Key, pt.Replica)] = i
	}
	got := make([]*Record, len(p.Points))
	var bad []string
	for k := range recs {
		r := &recs[k]
		i, ok := byID[id(r.Key, r.Replica)]
		switch {
		case !ok || r.Seed != p.Points[i].Seed:
			bad = append(bad, fmt.Sprintf("%srecord %s replica %d (seed %d) is not part of this sweep's plan: another scenario, seed or grid?", where(r), r.Key, r.Replica, r.Seed))
		case got[i] == nil:
			got[i] = r
		default:
			if d := differences(*got[i], *r); d != "" {
				bad = append(bad, fmt.Sprintf("%srun %s replica %d differs from the one at %s (%s): a run gives the same record wherever it runs, so one is corrupt or the runs were not deterministic (another flinksim build?); remove the wrong one or run its shard again",
					where(r), r.Key, r.Replica, got[i].at, d))
			}
		}
	}
	if len(bad) > 0 {
		return nil, nil, &MergeError{Records: bad, Of: len(recs)}
	}
	for i, r := range got {
		if r == nil {
			missing = append(missing, p.Points[i])
			continue
		}
		merged = append(merged, p.record(p.Points[i], r.Outcome)) // params and values as a run now writes them
	}
	return merged, missing, nil
}

// MergeError is what Merge refuses: a line for each record it cannot
// merge, with where it was read and why, of Of records.
type MergeError struct {
	Records []string
	Of      int
}

func (e *MergeError) Error() string {
	return fmt.Sprintf("%d of %d records cannot be merged:\n%s", len(e.Records), e.Of, strings.Join(e.Records, "\n"))
}

// where is "file:line: " for a record read from a file, else "".
func where(r *Record) string {
	if r.at == "" {
		return ""
	}
	return r.at + ": "
}

// differences names the fields where record b differs from a, as
// points.jsonl writes them ("outcome.lag_end 13 here, 12 there"); "" when
// they are the same.
func differences(a, b Record) string {
	fa, fb := jsonFields(a), jsonFields(b)
	var out []string
	for _, k := range slices.Sorted(maps.Keys(fa)) {
		if fb[k] != fa[k] {
			out = append(out, fmt.Sprintf("%s %s here, %s there", k, orNone(fb[k]), fa[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(fb)) {
		if _, ok := fa[k]; !ok {
			out = append(out, fmt.Sprintf("%s %s here, none there", k, fb[k]))
		}
	}
	return strings.Join(out, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// jsonFields is r's JSON as "field" (or "outcome.field", ...) → value.
func jsonFields(r Record) map[string]string {
	out := map[string]string{}
	b, err := json.Marshal(r)
	if err != nil {
		out["(the record)"] = err.Error()
		return out
	}
	var top map[string]json.RawMessage
	json.Unmarshal(b, &top)
	for k, v := range top {
		var inner map[string]json.RawMessage
		if json.Unmarshal(v, &inner) != nil {
			out[k] = string(v)
			continue
		}
		for ik, iv := range inner {
			out[k+"."+ik] = string(iv)
		}
	}
	return out
}

func id(key string, replica int) string { return key + "#" + strconv.Itoa(replica) }

// Stats summarises an outcome over replicas, per distinct key, in plan order.
type Stats struct {
	Key  string
	Nums []float64 // axis values
	// Mean, Min and Max are over the replicas that have a value
	// (Outcome.Missing): NaN when none has (no checkpoint completed in any,
	// nothing reached a sink), never 0.
	Mean, Min, Max float64
	Stable         bool  // every replica stable
	N              int   // replicas run
	Missing        int   // of them, those without a value
	Tally          Tally // how many replicas ended in each verdict
}

// NoValue says no replica of the point has a value for the outcome.
func (s Stats) NoValue() bool { return s.N > 0 && s.Missing == s.N }

// Summarise groups records by key (in plan order) and reduces outcome over
// the replicas that have a value for it (Stats.Missing counts the others).
func (p *Plan) Summarise(recs []Record, outcome string) ([]Stats, error) {
	index := map[string]int{}
	var out []Stats
	var verdicts [][]string
	for _, pt := range p.Points {
		if _, ok := index[pt.Key]; !ok {
			index[pt.Key] = len(out)
			out = append(out, Stats{Key: pt.Key, Nums: pt.Nums, Stable: true})
			verdicts = append(verdicts, nil)
		}
	}
	for _, r := range recs {
		i, ok := index[r.Key]
		if !ok {
			continue
		}
		v, err := r.Outcome.Get(outcome)
		if err != nil {
			return nil, err
		}
		s := &out[i]
		s.N++
		s.Stable = s.Stable && r.Outcome.Stable
		verdicts[i] = append(verdicts[i], r.Outcome.Verdict)
		if r.Outcome.Missing(outcome) {
			s.Missing++
			continue
		}
		if valued := s.N - s.Missing; valued == 1 || v < s.Min {
			s.Min = v
		}
		if valued := s.N - s.Missing; valued == 1 || v > s.Max {
			s.Max = v
		}
		s.Mean += v
	}
	for i := range out {
		s := &out[i]
		s.Tally = TallyVerdicts(verdicts[i])
		switch valued := s.N - s.Missing; {
		case valued > 0:
			s.Mean /= float64(valued)
		case s.N > 0: // runs, none with a value
			s.Mean, s.Min, s.Max = math.NaN(), math.NaN(), math.NaN()
		}
	}
	return out, nil
}
