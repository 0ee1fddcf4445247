package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flinksim/flinksim/internal/atomicfile"
)

// outputNames are the files flinksim writes into an output directory (and
// into its variant subdirectories): run, compare and sweep outputs, sweep
// journals, shard files.
var outputNames = []string{
	"summary.json", "metrics.csv", "metrics.om.txt", "scenario.resolved.yaml", "checkpoints.json", "checkpoint-details.json",
	"checkpoint-config.json", "checkpoint-history.json",
	"dashboard.svg", "dashboard.png", "index.html",
	"compare.md", "compare.csv", "replicas.csv", "compare.svg", "compare.png",
	"points.jsonl", "points.jsonl.partial", "sweep-*.svg", "sweep-*.png",
	"shard-*-of-*.jsonl", "shard-*-of-*.jsonl.partial",
}

// isOutputName reports whether name is one of outputNames, or a temporary
// of one that a killed process left (.<name>.tmp-<digits>, as
// atomicfile.WriteFile names it), or of a set staged inside a directory or
// a check that it can be written: not a user's .notes.tmp-1.
func isOutputName(name string) bool {
	if inner, ok := temporaryOf(name); ok {
		return inner == "flinksim-set" || inner == "flinksim-check" || isOutputName(inner)
	}
	for _, p := range outputNames {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}

// ownStaging reports whether name is a directory flinksim makes inside
// --out: a set staged there, or a check that it can be written.
func ownStaging(name string) bool {
	inner, ok := temporaryOf(name)
	return ok && (inner == "flinksim-set" || inner == "flinksim-check")
}

// temporaryOf is the name a temporary .<name>.tmp-<digits> is made for.
func temporaryOf(temp string) (string, bool) {
	i := strings.LastIndex(temp, ".tmp-")
	if !strings.HasPrefix(temp, ".") || i < 1 {
		return "", false
	}
	digits := temp[i+len(".tmp-"):]
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	return temp[1:i], true
}

// foreignFiles lists what in dir flinksim did not write (a subdirectory is
// ours when everything in it is).
func foreignFiles(dir string, depth int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var foreign []string
	for _, e := range entries {
		if e.Name() == "lost+found" && depth == 1 && atomicfile.StagesInside(dir) {
			continue // a file system's own, at the root of a volume: the set is staged inside and keeps it
		}
		if e.IsDir() && ownStaging(e.Name()) {
			continue // a killed run's, staged inside --out, whatever it holds: the next set replaces it
		}
		if e.IsDir() && depth > 0 {
			sub, err := foreignFiles(filepath.Join(dir, e.Name()), depth-1)
			if err != nil {
				return nil, err
			}
			for _, s := range sub {
				foreign = append(foreign, filepath.Join(e.Name(), s))
			}
			continue
		}
		if e.IsDir() || !isOutputName(e.Name()) {
			foreign = append(foreign, e.Name())
		}
	}
	return foreign, nil
}

// checkOut checks, before any simulation, that dir can take a new output
// set: it is new, or holds only flinksim's outputs (a run replaces the
// whole set, and must never delete a user's files). It returns a usage
// error naming what is wrong.
func checkOut(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case os.IsNotExist(err) && isSymlink(dir):
		// the set would replace the link, not create where it points
		target, _ := os.Readlink(dir)
		return flagError("out", "%s: is a symbolic link to %s, which does not exist: create it, or give another directory", dir, target)
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return flagError("out", "%s: %v", dir, err)
	case !st.IsDir():
		return flagError("out", "%s: is a file, not a directory", dir)
	}
	foreign, err := foreignFiles(dir, 1)
	if err != nil {
		return flagError("out", "%s: %v", dir, err)
	}
	if len(foreign) > 0 {
		if len(foreign) > 5 {
			foreign = append(foreign[:5], "...")
		}
		return flagError("out", "%s holds files flinksim did not write (%s): its outputs replace the directory as a whole, so give a new or empty directory",
			dir, strings.Join(foreign, ", "))
	}
	if runs := separateRuns(dir); runs != "" {
		return flagError("out", "%s holds separate runs (%s), not one set of outputs: its outputs replace the directory as a whole, so give a new directory",
			dir, runs)
	}
	return nil
}

// separateRuns names the runs in dir when they cannot be one set that
// flinksim wrote there: a run's own files beside runs in subdirectories
// (a single run writes none; the runs of a set write theirs only in
// subdirectories), or a subdirectory not named as a set names its run
// ("base" for the scenario, and V for its variant, whose summary.json
// names it S/V, S being the variant's own name). Variants' S are not
// compared: a variant may set its name, and flinksim writes a set whole,
// so it leaves no variants of two scenarios side by side. It returns ""
// otherwise.
func separateRuns(dir string) string {
	top := scenarioOf(filepath.Join(dir, "summary.json"))
	entries, _ := os.ReadDir(dir)
	var runs []string
	apart := top != ""
	for _, e := range entries {
		if !e.IsDir() || ownStaging(e.Name()) {
			continue
		}
		name := scenarioOf(filepath.Join(dir, e.Name(), "summary.json"))
		if name == "" {
			continue
		}
		runs = append(runs, fmt.Sprintf("%s: %s", e.Name(), name))
		// the base's summary names the scenario as it is, a variant's
		// its own name (which the variant may set) and the variant's
		apart = apart || e.Name() != "base" && !strings.HasSuffix(name, "/"+e.Name())
	}
	if len(runs) == 0 || !apart {
		return ""
	}
	if top != "" {
		runs = append([]string{"summary.json: " + top}, runs...)
	}
	if len(runs) > 5 {
		runs = append(runs[:5], "...")
	}
	return strings.Join(runs, ", ")
}

// scenarioOf is the scenario a run's summary.json names ("" when the file
// is missing or is not one): its first field, read without reading the
// rest, so that memory stays bounded whatever the file holds.
func scenarioOf(path string) string {
	if st, err := os.Lstat(path); err != nil || !st.Mode().IsRegular() {
		return "" // a FIFO would block the open: only a file flinksim writes is read
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	d := json.NewDecoder(io.LimitReader(f, 1<<16))
	var toks [3]json.Token
	for i := range toks {
		if toks[i], err = d.Token(); err != nil {
			return ""
		}
	}
	name, ok := toks[2].(string)
	if toks[0] != json.Delim('{') || toks[1] != "scenario" || !ok {
		return ""
	}
	return name
}

// onlyOutputs reports whether dir holds only what flinksim writes (a killed
// run's staging directory beside --out, which the next run may remove).
func onlyOutputs(dir string) bool {
	foreign, err := foreignFiles(dir, 1)
	return err == nil && len(foreign) == 0
}

// isSymlink reports whether path itself is a symbolic link.
func isSymlink(path string) bool {
	st, err := os.Lstat(path)
	return err == nil && st.Mode()&os.ModeSymlink != 0
}

// stageOut checks dir (checkOut) and creates the temporary sibling that
// the new set is written into, which also proves that dir can be written.
// Abort or Commit the result.
func stageOut(dir string) (*atomicfile.Staging, error) {
	if err := checkOut(dir); err != nil {
		return nil, err
	}
	st, err := atomicfile.Stage(dir, onlyOutputs)
	if err != nil {
		return nil, cannotWrite(dir, err)
	}
	return st, nil
}

// writableDir checks that files can be created in dir, creating it and
// returning the directories it made (atomicfile.MkdirAll), none when it
// fails.
func writableDir(dir string) ([]string, error) {
	dir = filepath.Clean(dir) // as atomicfile.MkdirAll makes it
	if err := checkOut(dir); err != nil {
		return nil, err
	}
	made, err := atomicfile.MkdirAll(dir)
	if err != nil {
		atomicfile.RemoveCreated(made)
		return nil, cannotWrite(dir, err)
	}
	f, err := os.CreateTemp(dir, ".flinksim-check.tmp-*")
	if err != nil {
		atomicfile.RemoveCreated(made)
		return nil, cannotWrite(dir, err)
	}
	f.Close()
	return made, os.Remove(f.Name())
}

// unwrapPath drops the path from an *os.PathError (the message names it).
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// writeFile writes one output file atomically (see internal/atomicfile).
func writeFile(path string, write func(io.Writer) error) error {
	return atomicfile.WriteFile(path, write)
}

// checkRunOut refuses what run and compare must not replace: the current
// directory (or one above it, or --out ""), and a directory that holds a
// sweep's records (points, shard files or the journal of an unfinished
// sweep), which a run's set would delete.
func checkRunOut(dir string) error {
	if strings.TrimSpace(dir) == "" {
		return flagError("out", "is empty; give a directory, e.g. --out out")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return flagError("out", "%s: %v", dir, err)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(abs, wd); err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
			return flagError("out", "%s: is the current directory or holds it: a run's outputs replace --out as a whole; give a directory of its own, e.g. --out out", dir)
		}
	}
	for _, pattern := range []string{"points.jsonl", "points.jsonl.partial", "shard-*-of-*.jsonl", "shard-*-of-*.jsonl.partial"} {
		if m, _ := filepath.Glob(filepath.Join(dir, pattern)); len(m) > 0 {
			return flagError("out", "%s: holds a sweep's records (%s), which a run's outputs would replace: give another directory", dir, filepath.Base(m[0]))
		}
	}
	return nil
}

// checkRunOutFlag is every check of run's and compare's --out before they
// load anything, so that its problem is reported with the other flags'
// and the scenario's: what stageRunOut checks, and that the set can be
// staged there (atomicfile.CanStage: nothing is created that stays; the
// staging itself waits until the runs are about to start).
func checkRunOutFlag(dir string) error {
	if err := checkRunOut(dir); err != nil {
		return err
	}
	return checkOutFlag(dir)
}

// checkOutFlag is checkOut, and that the set can be staged there (an
// empty --out is refused, as checkRunOut refuses it).
func checkOutFlag(dir string) error {
	if strings.TrimSpace(dir) == "" {
		return flagError("out", "is empty; give a directory, e.g. --out out")
	}
	if err := checkOut(dir); err != nil {
		return err
	}
	return cannotWrite(dir, atomicfile.CanStage(dir))
}

// checkSweepOutFlag is every check of a sweep's --out before it loads
// anything: checkOutFlag, and that its records can be written in the
// directory (writableDir, which creates it, does so once the plan is
// made).
func checkSweepOutFlag(dir string) error {
	if err := checkOutFlag(dir); err != nil {
		return err
	}
	if err := checkNoRuns(dir); err != nil {
		return err
	}
	return cannotWrite(dir, atomicfile.CanCreate(dir))
}

// checkNoRuns refuses, for a sweep, a directory that holds the outputs of
// a run or a comparison, which a sweep's set would replace (as run and
// compare refuse a sweep's records, checkRunOut).
func checkNoRuns(dir string) error {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		switch name := e.Name(); {
		case ownStaging(name) || name == "lost+found":
			// flinksim's own (another shard's check of --out), or the
			// volume's: checkOut judges lost+found
		case e.IsDir():
			return flagError("out", "%s: holds a directory (%s/), which a sweep's outputs would replace: give another directory", dir, name)
		case slices.Contains(runFiles, name):
			return flagError("out", "%s: holds a run's or a comparison's outputs (%s), which a sweep's outputs would replace: give another directory", dir, name)
		}
	}
	return nil
}

// runFiles are the files of a run's or a comparison's outputs that a
// sweep does not write.
var runFiles = []string{"summary.json", "metrics.csv", "metrics.om.txt", "scenario.resolved.yaml", "checkpoints.json", "dashboard.svg",
	"compare.md", "compare.csv", "replicas.csv", "compare.svg"}

// cannotWrite is --out's problem when err says dir cannot be written to
// (nil when err is).
func cannotWrite(dir string, err error) error {
	if err == nil {
		return nil
	}
	return flagError("out", "%s: cannot write there: %v", dir, unwrapPath(err))
}

// stageRunOut is stageOut for run and compare, after checkRunOut.
func stageRunOut(dir string) (*atomicfile.Staging, error) {
	if err := checkRunOut(dir); err != nil {
		return nil, err
	}
	return stageOut(dir)
}
