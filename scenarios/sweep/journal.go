package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/flinksim/flinksim/internal/atomicfile"
)

// A Journal keeps the records of a sweep as its runs finish, one synced line
// each, so that an interrupted sweep loses no finished run: started again
// with the same plan, it skips every run the journal holds. Its first line
// names the plan (a fingerprint of the scenario, overrides, axes, replicas
// and seed), so the runs of another sweep are never taken for this one's.
type Journal struct {
	f    *os.File
	Path string
}

// journalHeader is the journal's first line.
type journalHeader struct {
	Journal string `json:"flinksim_sweep_journal"` // the plan's fingerprint
	Runs    int    `json:"runs"`                   // in the plan (all shards)
}

// Fingerprint identifies what a sweep's records depend on: the scenario's
// bytes, the overrides, the axes, the replicas and the seed. A journal's
// first line and every record of a shard file carry it.
func (r *Runner) Fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n%s\n", len(r.Data), r.Data)
	for _, s := range r.Sets {
		fmt.Fprintf(h, "set %q\n", s)
	}
	for _, ax := range r.Plan.Axes {
		fmt.Fprintf(h, "axis %q %q\n", ax.Key, ax.Values)
	}
	fmt.Fprintf(h, "replicas %d seed %d\n", r.Plan.Replicas, r.Plan.Seed)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// OpenJournal opens (or creates) the journal at path for the runner's plan
// and returns the records it already holds that are among points, in any
// order. A journal of another plan is an error that names it, and so is
// one a sweep running now holds (locked until Close). A line cut short (a
// crash while writing) is dropped.
func OpenJournal(path string, r *Runner, points []Point) (*Journal, []Record, error) {
	fp := r.Fingerprint()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, err
	}
	if !atomicfile.TryLock(f) { // held while the sweep runs: not an interrupted one
		f.Close()
		return nil, nil, fmt.Errorf("%s: a sweep is running into this directory now (it holds the journal): let it finish, or choose another --out", path)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	// Keep whole lines only.
	whole := data[:bytes.LastIndexByte(data, '\n')+1]
	var done []Record
	if len(whole) == 0 {
		hdr, _ := json.Marshal(journalHeader{Journal: fp, Runs: len(r.Plan.Points)})
		whole = append(hdr, '\n')
		if err := writeAt(f, whole); err != nil {
			f.Close()
			return nil, nil, err
		}
	} else {
		first, rest, _ := bytes.Cut(whole, []byte("\n"))
		var h journalHeader
		if json.Unmarshal(first, &h) != nil || h.Journal == "" {
			f.Close()
			return nil, nil, fmt.Errorf("%s: not a sweep journal; remove it, or choose another --out", path)
		}
		if h.Journal != fp {
			f.Close()
			return nil, nil, fmt.Errorf("%s holds the finished runs of an interrupted sweep with another scenario, --set, --grid, --replicas, --seed or --duration (plan %s, this one is %s): run that sweep again to finish it, or remove the file to start over", path, h.Journal, fp)
		}
		want := map[string]Point{}
		for _, pt := range points {
			want[id(pt.Key, pt.Replica)] = pt
		}
		recs, err := readJSONL(bytes.NewReader(rest), path, 1) // after the header
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		seen := map[string]bool{}
		for _, rec := range recs {
			k := id(rec.Key, rec.Replica)
			if pt, ok := want[k]; ok && pt.Seed == rec.Seed && !seen[k] {
				seen[k] = true
				// its point's params and values, as a run now writes
				// them (an older flinksim wrote a choice's position)
				done = append(done, r.Plan.record(pt, rec.Outcome))
			}
		}
		if len(whole) < len(data) {
			if err := f.Truncate(int64(len(whole))); err != nil {
				f.Close()
				return nil, nil, err
			}
		}
	}
	if _, err := f.Seek(int64(len(whole)), io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	return &Journal{f: f, Path: path}, done, nil
}

func writeAt(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	return f.Sync()
}

// Append writes one finished run and syncs it to disk; an interruption
// waits for the line to be whole.
func (j *Journal) Append(rec Record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return atomicfile.Critical(func() error {
		if _, err := j.f.Write(append(b, '\n')); err != nil {
			return err
		}
		return j.f.Sync()
	})
}

// Stamp marks records with the runner's plan (Fingerprint), for a shard
// file that ReadShard reads back.
func (r *Runner) Stamp(recs []Record) {
	fp := r.Fingerprint()
	for i := range recs {
		recs[i].Plan = fp
	}
}

// Close closes the journal, keeping it.
func (j *Journal) Close() error { return j.f.Close() }

// Remove closes and removes the journal: the sweep's outputs hold its runs.
func (j *Journal) Remove() error {
	j.f.Close()
	err := os.Remove(j.Path)
	if os.IsNotExist(err) {
		return nil
	}
	return err
}

// InPlanOrder puts records of points in the order of points (records of
// other points are dropped; a point without a record is skipped).
func InPlanOrder(points []Point, recs []Record) []Record {
	byID := make(map[string]int, len(recs))
	for i, r := range recs {
		k := id(r.Key, r.Replica)
		if _, dup := byID[k]; !dup {
			byID[k] = i
		}
	}
	out := make([]Record, 0, len(points))
	for _, pt := range points {
		if i, ok := byID[id(pt.Key, pt.Replica)]; ok {
			out = append(out, recs[i])
		}
	}
	return out
}

// JournalPath is the journal of the output file path (points.jsonl or a
// shard file) while its sweep runs.
func JournalPath(output string) string { return output + ".partial" }
