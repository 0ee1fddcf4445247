package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGoldenBuiltIns guards refactors: every built-in scenario with its
// variants, run as `flinksim run NAME --out DIR`, writes the same bytes as
// recorded in testdata/golden/NAME.sha256 (a digest and size per file and
// for what it printed, so the repository does not carry megabytes of CSV). summary.json is compared
// without its wall-clock fields; PNG and HTML are left out (PNG bytes differ
// by CPU; index.html repeats what the other files hold). Regenerate with
// FLINKSIM_BUILTINS=1 go test ./cmd/flinksim -run TestGoldenBuiltIns -update, and say why in
// the commit.
func TestGoldenBuiltIns(t *testing.T) {
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	for _, b := range scenarios.Library() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel() // each run in a process and directory of its own
			checkGolden(t, b.Name, builtInRun(t, b.Name).digests)
		})
	}
}

// TestGoldenSweepAndCompare guards how sweep and compare fill their
// outcomes as TestGoldenBuiltIns guards run: a 2x2 sweep of backpressure
// (sink capacity below and above the source's rate, two partition counts)
// and a compare of the checkpointed test scenario's base and variants (with
// its TaskManager loss), each compared by the digests of its output files
// (PNG and HTML left out) and of what it printed.
func TestGoldenSweepAndCompare(t *testing.T) {
	if raceDetector {
		t.Skip("byte comparison of whole runs; make test runs this test without -race")
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"sweep-backpressure", []string{"sweep", "backpressure", "-j", "2", "--duration", "1m",
			"--grid", "sinks.jdbc.capacity=40k/s,120k/s", "--grid", "sources.clicks.partitions=4,8"}},
		{"compare-ckpt-variants", []string{"compare", "testdata/ckpt-variants.yaml", "-j", "2", "--duration", "3m"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := cli(t, append(c.args, "--out", out)...)
			if code != 0 {
				t.Fatalf("%s: code %d: %s", c.name, code, stderr)
			}
			printed := strings.ReplaceAll(stdout, out, "OUT")
			got := digests(t, out) + fmt.Sprintf("stdout %d %x\n", len(printed), sha256.Sum256([]byte(printed)))
			checkGolden(t, c.name, got)
		})
	}
}

// checkGolden compares digests with testdata/golden/NAME.sha256, or
// records them there with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".sha256")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to record)", err)
	}
	if got != string(want) {
		t.Errorf("outputs of %s differ from %s:\n%s", name, path, lineDiff(string(want), got))
	}
}

// builtIn is what `flinksim run NAME` printed (in a directory of its own,
// outputs in out/), the digests of its outputs, and the events its base
// run took (summary.json's engine.events) and the share of its virtual
// time it ran, neither down nor restoring after a failover.
type builtIn struct {
	stdout, stderr, digests string
	events                  uint64
	running                 float64
	out                     string // its output directory
}

// builtInOnce holds one built-in's run, made once for all tests that look
// at it; run stays nil if making it failed.
type builtInOnce struct {
	once sync.Once
	run  *builtIn
}

var (
	builtInRuns sync.Map // name -> *builtInOnce
	builtInDirs sync.Map // the runs' temporary directories, removed by TestMain
)

// asCLI, set in a test binary's environment, makes it the CLI (TestMain):
// builtInRun runs `flinksim run NAME` in a process of its own, in a
// directory of its own, so that built-ins run in parallel (a process has
// one working directory).
const asCLI = "FLINKSIM_TEST_AS_CLI"

// builtInsOn, set, lets the tests that look at whole runs of the built-in
// scenarios make them (builtInRun): the goldens, the README's examples, the
// lessons. They take several CPU minutes, so make test leaves them to make
// test-builtins, which CI runs after it.
const builtInsOn = "FLINKSIM_BUILTINS"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	builtInDirs.Range(func(dir, _ any) bool {
		os.RemoveAll(dir.(string))
		return true
	})
	os.Exit(code)
}

// builtInRun runs a built-in scenario once for all tests that look at it:
// `flinksim run NAME` (this test binary as the CLI, calling execute as cli
// does) in a temporary directory, outputs in its out/.
func builtInRun(t *testing.T, name string) *builtIn {
	t.Helper()
	if os.Getenv(builtInsOn) == "" {
		t.Skip("whole runs of the built-in scenarios: make test-builtins runs it (" + builtInsOn + "=1)")
	}
	v, _ := builtInRuns.LoadOrStore(name, &builtInOnce{})
	o := v.(*builtInOnce)
	o.once.Do(func() { o.run = runBuiltIn(t, name) })
	if o.run == nil {
		t.Fatalf("run %s failed (see the test that ran it)", name)
	}
	return o.run
}

func runBuiltIn(t *testing.T, name string) *builtIn {
	t.Helper()
	dir, err := os.MkdirTemp("", "flinksim-builtin-")
	if err != nil {
		t.Fatal(err)
	}
	builtInDirs.Store(dir, true) // kept for builtInResult until the tests end (TestMain)
	cmd := exec.Command(os.Args[0], "run", name)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), asCLI+"=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("run %s: %v", name, err)
		}
		code = ee.ExitCode()
	}
	stdout, stderr := out.String(), errb.String()
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
		t.Fatalf("stack trace on stderr:\n%s", stderr)
	}
	if code != 0 {
		t.Fatalf("run %s: code %d: %s", name, code, stderr)
	}
	// What it printed is compared too (wall time left out): the human
	// summary is an output.
	printed := wallClock.ReplaceAllString(stdout, "virtual in _s")
	d := digests(t, filepath.Join(dir, "out")) + fmt.Sprintf("stdout %d %x\n", len(printed), sha256.Sum256([]byte(printed)))
	events, running := baseEvents(t, filepath.Join(dir, "out"))
	return &builtIn{stdout: stdout, stderr: stderr, digests: d, events: events, running: running, out: filepath.Join(dir, "out")}
}

// builtInResult reads back one run of a built-in (variant "base" for the
// base of a scenario with variants, "" for one without), from the run
// builtInRun made once for every test.
func builtInResult(t *testing.T, name, variant string) *result.Result {
	t.Helper()
	res, err := result.ReadDir(filepath.Join(builtInRun(t, name).out, variant))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// baseEvents reads the events of the base run under dir (dir/summary.json,
// or dir/base/summary.json for a scenario with variants) and the share of
// its virtual time not down or restoring.
func baseEvents(t *testing.T, dir string) (uint64, float64) {
	t.Helper()
	for _, f := range []string{"summary.json", filepath.Join("base", "summary.json")} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			continue
		}
		var sum struct {
			Engine   struct{ Events uint64 } `json:"engine"`
			Duration float64                 `json:"virtual_duration_s"`
			Restarts struct {
				Down    float64 `json:"downtime_s"`
				Restore float64 `json:"restore_s"`
			} `json:"restarts"`
		}
		if err := json.Unmarshal(b, &sum); err != nil {
			t.Fatal(err)
		}
		return sum.Engine.Events, 1 - (sum.Restarts.Down+sum.Restarts.Restore)/sum.Duration
	}
	t.Fatalf("no summary.json of the base run in %s", dir)
	return 0, 0
}

// digests lists "path size sha256" for every compared file under dir.
func digests(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(p); ext == ".png" || ext == ".html" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if filepath.Base(p) == "summary.json" {
			b = withoutWallClock(t, b)
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%s %d %x", filepath.ToSlash(rel), len(b), sha256.Sum256(b)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// withoutWallClock drops what measures the machine: wall_s and
// engine.events_per_s.
func withoutWallClock(t *testing.T, b []byte) []byte {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "wall_s")
	if e, ok := m["engine"].(map[string]any); ok {
		delete(e, "events_per_s")
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// lineDiff names the lines of want and got that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	in := func(xs []string, x string) bool {
		for _, y := range xs {
			if y == x {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, l := range w {
		if l != "" && !in(g, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range g {
		if l != "" && !in(w, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}
