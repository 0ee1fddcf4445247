package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flinksim/flinksim/internal/atomicfile"
)

// TestRunOutRefused: run and compare replace --out as a whole, so they
// refuse, before simulating, the current directory (or one holding it), an
// empty --out, and a directory that holds a sweep's records.
func TestRunOutRefused(t *testing.T) {
	dir := t.TempDir()
	sweepDir := filepath.Join(dir, "sw")
	os.MkdirAll(sweepDir, 0o755)
	os.WriteFile(filepath.Join(sweepDir, "points.jsonl.partial"), []byte("{}\n"), 0o644)
	t.Chdir(dir)
	for _, c := range []struct {
		out, want string
	}{{".", "is the current directory"}, {"", "--out: is empty"}, {"..", "is the current directory or holds it"}, {"sw", "holds a sweep's records"}} {
		for _, args := range [][]string{{"run", "backpressure"}, {"compare", "checkpoint-death-spiral"}} {
			code, _, errs := cli(t, append(args, "--duration", "10h", "--out", c.out)...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("%s --out %q: code %d, %q; want 2 and %q", args[0], c.out, code, errs, c.want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(sweepDir, "points.jsonl.partial")); err != nil {
		t.Errorf("the sweep's journal is gone: %v", err)
	}
}

// TestOutProblemWithTheOtherFlags: a --out that run or compare would
// refuse is a flag problem, reported with the other flags' at once, as
// "--out: ...", and counted with them.
func TestOutProblemWithTheOtherFlags(t *testing.T) {
	mine := t.TempDir()
	os.WriteFile(filepath.Join(mine, "notes.txt"), []byte("keep me"), 0o644)
	for _, args := range [][]string{{"run", "backpressure"}, {"compare", "testdata/ckpt-variants.yaml"}} {
		code, _, errs := cli(t, append(args, "--out", mine, "--duration", "abc")...)
		if code != 2 || !strings.Contains(errs, "--out: "+mine+" holds files flinksim did not write (notes.txt)") ||
			!strings.Contains(errs, `--duration: "abc" is not a duration`) || !strings.Contains(errs, "flinksim: 2 problems in the flags") {
			t.Errorf("%s: code %d, stderr %q", args[0], code, errs)
		}
	}
}

// TestUnwritableOutWithTheOtherProblems: an --out that cannot be written
// is found before anything loads, and reported with the other flags' and
// the scenario's problems at once (exit code 2); the check leaves nothing
// behind, not even the directories above a new --out.
func TestUnwritableOutWithTheOtherProblems(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "ro", "out")
	os.Mkdir(filepath.Join(dir, "ro"), 0o555)
	if atomicfile.CanCreate(filepath.Join(dir, "ro")) == nil { // root writes anywhere
		if _, err := os.Stat("/proc/self"); err != nil {
			t.Skip("no directory here that cannot be written")
		}
		out = "/proc/flinksim-out"
	}
	scen := filepath.Join(dir, "bad.yaml")
	os.WriteFile(scen, []byte("name: bad\nsources: [{name: src, partitions: 0, rate: 1k/s}]\nsinks: [{name: out}]\nvariants: [{name: v, set: {seed: 2}}]\n"), 0o644)
	for _, args := range [][]string{
		{"run", scen}, {"compare", scen}, {"sweep", scen, "--grid", "flink.parallelism.default=1,2"}, {"sweep", "merge", scen, "--grid", "flink.parallelism.default=1,2"},
	} {
		code, _, errs := cli(t, append(args, "--duration", "-5m", "--out", out)...)
		for _, want := range []string{"--out: " + out + ": cannot write there", "--duration: must be more than 0s", "sources.src.partitions: must be from 1", "3 problems in the flags and the scenario"} {
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("%s: code %d, want 2 and %q in:\n%s", strings.Join(args[:len(args)-1], " "), code, want, errs)
			}
		}
	}
	// a new --out below directories that do not exist: none is created
	// when the run is refused
	deep := filepath.Join(dir, "new", "deeper", "out")
	if code, _, errs := cli(t, "run", scen, "--out", deep); code != 2 || !strings.Contains(errs, "partitions") {
		t.Errorf("run --out %s: code %d, %s", deep, code, errs)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left behind in %s: %v", dir, entries)
	}
	// nor when the memory check refuses it, which comes after the output
	// is staged (a break-test helper found np/x left by each command)
	for _, args := range [][]string{
		{"run", "testdata/ckpt-variants.yaml"}, {"compare", "testdata/ckpt-variants.yaml"}, {"sweep", "backpressure", "--grid", "flink.parallelism.default=1,2"},
	} {
		code, _, errs := cli(t, append(args, "--duration", "1m", "--max-memory", "1kB", "--out", deep)...)
		if code != 2 || !strings.Contains(errs, "more than the 1 kB available (--max-memory)") {
			t.Errorf("%s --max-memory 1kB: code %d, %s", args[0], code, errs)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 2 {
			t.Errorf("%s --max-memory 1kB: left behind in %s: %v", args[0], dir, entries)
		}
	}
}

// TestOutThroughSymlinks: an --out that is a symbolic link to a directory
// writes into the directory, the link kept; one to nothing is refused,
// rather than replaced by a directory while where it points stays absent.
func TestOutThroughSymlinks(t *testing.T) {
	dir := t.TempDir()
	real, link, dangling := filepath.Join(dir, "real"), filepath.Join(dir, "link"), filepath.Join(dir, "dangling")
	os.Mkdir(real, 0o755)
	os.Symlink(real, link)
	os.Symlink(filepath.Join(dir, "absent"), dangling)
	if code, _, errs := cli(t, "run", "testdata/tiny.yaml", "--duration", "10s", "--no-plots", "--out", link); code != 0 {
		t.Fatal(errs)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link to a directory was replaced: %v", err)
	}
	if _, err := os.Stat(filepath.Join(real, "summary.json")); err != nil {
		t.Errorf("no outputs where the link points: %v", err)
	}
	code, _, errs := cli(t, "run", "testdata/tiny.yaml", "--duration", "10s", "--no-plots", "--out", dangling)
	if code != 2 || !strings.Contains(errs, "--out: "+dangling+": is a symbolic link to ") {
		t.Errorf("a link to nothing: code %d, %q", code, errs)
	}
	if st, err := os.Lstat(dangling); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link to nothing was replaced: %v", err)
	}
}

// TestSeparateRunsRefused: --out is replaced as a whole, so a directory
// holding runs that cannot be one set flinksim wrote there is refused: a
// set's runs are in subdirectories named as summary.json names them
// ("base" for the scenario, V for its variant S/V), all of one scenario,
// with no run's own files beside them. A set written earlier is replaced.
func TestSeparateRunsRefused(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string // path: the scenario its summary.json names
		want  string            // "" when the directory may be replaced
	}{
		{"a set", map[string]string{"base/summary.json": "spiral", "changelog/summary.json": "spiral/changelog"}, ""},
		{"a set of variants only", map[string]string{"changelog/summary.json": "spiral/changelog", "less-state/summary.json": "spiral/less-state"}, ""},
		{"a single run", map[string]string{"summary.json": "spiral"}, ""},
		{"runs of their own", map[string]string{"a/summary.json": "backpressure", "mine/summary.json": "backpressure"},
			"holds separate runs (a: backpressure, mine: backpressure)"},
		{"a run of another scenario", map[string]string{"base/summary.json": "spiral", "other/summary.json": "late"},
			"holds separate runs (base: spiral, other: late)"},
		{"a variant that sets its name", map[string]string{"base/summary.json": "s", "fast/summary.json": "s-fast/fast"}, ""},
		{"a run beside a set", map[string]string{"summary.json": "spiral", "base/summary.json": "spiral"},
			"holds separate runs (summary.json: spiral, base: spiral)"},
	} {
		dir := t.TempDir()
		for path, scenario := range c.files {
			os.MkdirAll(filepath.Join(dir, filepath.Dir(path)), 0o755)
			os.WriteFile(filepath.Join(dir, path), []byte(`{"scenario": "`+scenario+`", "seed": 1}`), 0o644)
		}
		err := checkOut(dir)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v; want it replaced", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
	// through the CLI: refused before it runs, with exit code 2, and the
	// runs are kept
	dir := t.TempDir()
	for _, sub := range []string{"a", "mine"} {
		if code, _, errs := cli(t, "run", "backpressure", "--duration", "10s", "--no-plots", "--out", filepath.Join(dir, sub)); code != 0 {
			t.Fatalf("run into %s: %d %s", sub, code, errs)
		}
	}
	code, _, errs := cli(t, "run", "backpressure", "--duration", "10s", "--out", dir)
	if code != 2 || !strings.Contains(errs, "--out: "+dir+" holds separate runs (a: backpressure, mine: backpressure)") {
		t.Errorf("code %d, stderr %q", code, errs)
	}
	for _, sub := range []string{"a", "mine"} {
		if _, err := os.Stat(filepath.Join(dir, sub, "summary.json")); err != nil {
			t.Errorf("the run in %s is gone: %v", sub, err)
		}
	}
}

// TestSweepRefusesRuns: a sweep's outputs replace --out as a whole, so a
// sweep refuses, before it loads anything, a directory holding a run's or
// a comparison's outputs (as run and compare refuse a sweep's records),
// and takes its own earlier directory.
func TestSweepRefusesRuns(t *testing.T) {
	for _, c := range []struct {
		files []string
		want  string // "" when the sweep may write there
	}{
		{[]string{"base/summary.json", "fast/summary.json"}, "holds a directory (base/)"},
		{[]string{"summary.json", "metrics.csv"}, "holds a run's or a comparison's outputs (metrics.csv)"},
		{[]string{"compare.md", "replicas.csv"}, "holds a run's or a comparison's outputs (compare.md)"},
		{[]string{"points.jsonl", "sweep-stable.svg"}, ""},
	} {
		dir := t.TempDir()
		for _, f := range c.files {
			scenario := "backpressure" // a set's: base, and each variant as scenario/variant
			if d := filepath.Dir(f); d != "." && d != "base" {
				scenario += "/" + d
			}
			os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
			os.WriteFile(filepath.Join(dir, f), []byte(`{"scenario": "`+scenario+`"}`), 0o644)
		}
		err := checkSweepOutFlag(dir)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: %v; want it taken", c.files, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v: %v; want %q", c.files, err, c.want)
		}
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "runs")
	if code, _, errs := cli(t, "run", "backpressure", "--duration", "10s", "--no-plots", "--out", out); code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	code, _, errs := cli(t, "sweep", "backpressure", "--grid", "operators.enrich.cost=6us,7us", "--duration", "10s", "--out", out)
	if code != 2 || !strings.Contains(errs, "--out: "+out+": holds a run's or a comparison's outputs") {
		t.Errorf("sweep over a run: code %d, %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err != nil {
		t.Errorf("the run is gone: %v", err)
	}
}

// TestUsersTemporaryNamesKept: a killed run's staging directory beside
// --out (.<out>.tmp-<digits>) is removed by the next run, but a user's
// directory of that name holding what flinksim does not write stays; and
// inside --out only temporaries of flinksim's own files are taken as its
// (.summary.json.tmp-1), not a user's .notes.tmp-1.
func TestUsersTemporaryNamesKept(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	stale := filepath.Join(parent, ".out.tmp-41")
	mine := filepath.Join(parent, ".out.tmp-42")
	os.MkdirAll(stale, 0o755)
	os.WriteFile(filepath.Join(stale, "summary.json"), []byte("{}"), 0o644)
	os.WriteFile(filepath.Join(stale, ".metrics.csv.tmp-7"), []byte(""), 0o644)
	os.MkdirAll(mine, 0o755)
	os.WriteFile(filepath.Join(mine, "thesis.txt"), []byte("precious"), 0o644)
	if code, _, errs := cli(t, "run", "backpressure", "--duration", "10s", "--no-plots", "--out", out); code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(mine, "thesis.txt")); err != nil {
		t.Errorf("the user's %s: %v; want it kept", mine, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the killed run's %s: %v; want it removed", stale, err)
	}
	os.WriteFile(filepath.Join(out, ".summary.json.tmp-3"), []byte(""), 0o644)
	if err := checkOut(out); err != nil {
		t.Errorf("a killed write's temporary in --out: %v; want it taken as flinksim's", err)
	}
	os.WriteFile(filepath.Join(out, ".notes.tmp-1"), []byte("mine"), 0o644)
	if err := checkOut(out); err == nil || !strings.Contains(err.Error(), "holds files flinksim did not write (.notes.tmp-1)") {
		t.Errorf("a user's .notes.tmp-1 in --out: %v; want it refused as theirs", err)
	}
}

// TestOwnDirectoriesInOut: what flinksim itself leaves or makes inside
// --out is its own whatever it holds: a set a killed run staged there (on
// a mount point), another shard's check that --out can be written; a
// scenario named like a run (payments/base) is still one set; and a
// lost+found is kept only where the set is staged inside --out (a
// volume's root): elsewhere it would be replaced with the set, so one
// holding files is refused.
func TestOwnDirectoriesInOut(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string // path: summary.json's scenario, or "" for any file
		run   string            // run's and compare's problem, "" when taken
		sweep string            // a sweep's
	}{
		{"a killed staging", map[string]string{"base/summary.json": "s", ".flinksim-set.tmp-7/base/summary.json": "s", ".flinksim-set.tmp-8/.replaced/x": ""}, "", "holds a directory (base/)"},
		{"a killed single run's staging", map[string]string{"summary.json": "s", ".flinksim-set.tmp-5/summary.json": "s"}, "", "holds a run's or a comparison's outputs (summary.json)"},
		{"another shard's check", map[string]string{"points.jsonl": "", ".flinksim-check.tmp-1637277730/": ""}, "", ""},
		{"a base named as a run", map[string]string{"base/summary.json": "payments/base", "fast/summary.json": "payments/base/fast"}, "", "holds a directory (base/)"},
		{"lost+found off a volume's root", map[string]string{"lost+found/#1": ""}, "holds files flinksim did not write (lost+found/#1)", "holds files flinksim did not write (lost+found/#1)"},
	} {
		dir := t.TempDir()
		for path, scenario := range c.files {
			os.MkdirAll(filepath.Join(dir, filepath.Dir(path)), 0o755)
			if !strings.HasSuffix(path, "/") {
				os.WriteFile(filepath.Join(dir, path), []byte(`{"scenario": "`+scenario+`"}`), 0o644)
			}
		}
		for _, k := range []struct {
			what, want string
			err        error
		}{{"run", c.run, checkOut(dir)}, {"sweep", c.sweep, checkSweepOutFlag(dir)}} {
			switch {
			case k.want == "" && k.err != nil:
				t.Errorf("%s, %s: %v; want it taken", c.name, k.what, k.err)
			case k.want != "" && (k.err == nil || !strings.Contains(k.err.Error(), k.want)):
				t.Errorf("%s, %s: %v; want %q", c.name, k.what, k.err, k.want)
			}
		}
	}
}

// TestOutFIFONotRead: a summary.json in --out that is not a file (a FIFO,
// which an open would wait on for ever) is not read to tell a set from
// separate runs: the check returns at once.
func TestOutFIFONotRead(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "fast"), 0o755)
	for _, p := range []string{"summary.json", "fast/summary.json"} {
		if err := syscall.Mkfifo(filepath.Join(dir, p), 0o644); err != nil {
			t.Skip("no FIFOs here:", err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- checkOut(dir) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("checkOut: %v; want the FIFOs taken as flinksim's names, unread", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("checkOut still waits on a FIFO after 5 s")
	}
}
