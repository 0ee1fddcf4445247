package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds flinksim once for the tests that signal a real process.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and signals the binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "flinksim-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "flinksim")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v", binErr)
	}
	return binPath
}

// interrupt starts the binary with args, sends sig after delay (or when
// ready reports true), and returns the exit code and stderr.
func interrupt(t *testing.T, sig syscall.Signal, delay time.Duration, ready func() bool, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(delay)
	for time.Now().Before(deadline) && (ready == nil || !ready()) {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(sig)
	err := cmd.Wait()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == sig {
			code = killedBySignal // before the handler was installed
		}
	}
	return code, errb.String()
}

// killedBySignal is interrupt's code for a process the signal killed
// before its handler was installed (a loaded machine can take longer than
// the delay to get there): it had written nothing, and a shell reports
// 128 + the signal as for a handled one.
const killedBySignal = -2

// TestInterruptedRunKeepsOneSet: SIGINT, SIGTERM or SIGHUP at any moment of a run
// (while simulating or while writing) leaves the previous set of outputs
// or the new one, whole, and no temporary file or directory; the exit code
// is 128 + the signal.
func TestInterruptedRunKeepsOneSet(t *testing.T) {
	if raceDetector {
		t.Skip("signals a binary built without the detector, which finds nothing in this process; make test runs this test without -race")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	bin := binary(t)
	args := func(seed string) []string {
		return []string{"run", "backpressure", "--duration", "1h", "--seed", seed, "--out", dir}
	}
	if out, err := exec.Command(bin, args("1")...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	names := strings.Join(entries(t, dir), " ")
	old, _ := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	seedOf := regexp.MustCompile(`"seed": (\d+)`)
	interrupted := 0
	for i, delay := range []time.Duration{150, 600, 1100, 1300, 1450} {
		sig := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}[i%3]
		code, errs := interrupt(t, sig, delay*time.Millisecond, nil, args("2")...)
		switch code {
		case 0: // finished before the signal: the new set
		case killedBySignal: // before it started: the old set
		case 128 + int(sig):
			interrupted++
			if !strings.Contains(errs, "interrupted") {
				t.Errorf("after %v: stderr %q", sig, errs)
			}
		default:
			t.Fatalf("%v after %dms: exit %d: %s", sig, delay, code, errs)
		}
		if got := strings.Join(entries(t, parent), " "); got != "out" {
			t.Fatalf("%v after %dms: beside the outputs: %q", sig, delay, got)
		}
		if got := strings.Join(entries(t, dir), " "); got != names {
			t.Fatalf("%v after %dms: outputs %q, want %q", sig, delay, got, names)
		}
		sum, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
		csv, _ := os.ReadFile(filepath.Join(dir, "metrics.csv"))
		seed := seedOf.FindSubmatch(sum)
		if seed == nil {
			t.Fatalf("summary.json: %s", sum)
		}
		if (string(seed[1]) == "1") != bytes.Equal(csv, old) {
			t.Fatalf("%v after %dms: summary.json of seed %s beside another run's metrics.csv", sig, delay, seed[1])
		}
		if code == 0 {
			exec.Command(bin, args("1")...).Run() // back to the old set
		}
	}
	if interrupted == 0 {
		t.Error("no attempt was interrupted (the run is too fast for this test)")
	}
}

// TestInterruptedSweepResumes: a sweep interrupted after some runs keeps
// them; the same command finishes it with the bytes of an uninterrupted
// sweep, running only the rest.
func TestInterruptedSweepResumes(t *testing.T) {
	if raceDetector {
		t.Skip("signals a binary built without the detector, which finds nothing in this process; make test runs this test without -race")
	}
	bin := binary(t)
	args := append([]string{"sweep", "--no-plots", "-j", "1", "--duration", "20m"}, sweepArgs...)
	whole := t.TempDir()
	if out, err := exec.Command(bin, append(args, "--out", whole)...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want, _ := os.ReadFile(filepath.Join(whole, "points.jsonl"))
	dir := t.TempDir()
	journal := filepath.Join(dir, "points.jsonl.partial")
	code, errs := interrupt(t, syscall.SIGINT, 20*time.Second, func() bool { return journalRuns(journal) >= 3 }, append(args, "--out", dir)...)
	if code != 130 || !strings.Contains(errs, "the same command resumes") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	done := journalRuns(journal)
	if done < 3 || done >= 16 {
		t.Fatalf("%d runs kept", done)
	}
	if got := strings.Join(entries(t, dir), " "); got != "points.jsonl.partial" {
		t.Errorf("after the interruption: %q", got)
	}
	out, err := exec.Command(bin, append(args, "--out", dir)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "resuming: ") {
		t.Fatalf("%v: %s", err, out)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "points.jsonl")); !bytes.Equal(got, want) {
		t.Error("the resumed sweep's points.jsonl differs from the uninterrupted sweep's")
	}
	if got := strings.Join(entries(t, dir), " "); got != "points.jsonl" {
		t.Errorf("after resuming: %q", got)
	}
}

// TestNohupKeepsRunning: under nohup, which ignores SIGHUP, a closed
// terminal does not end a command (a sweep left running on a remote
// machine); SIGTERM still does.
func TestNohupKeepsRunning(t *testing.T) {
	if raceDetector {
		t.Skip("signals a binary built without the detector; make test runs this test without -race")
	}
	nohup, err := exec.LookPath("nohup")
	if err != nil {
		t.Skip("no nohup here")
	}
	dir := t.TempDir()
	cmd := exec.Command(nohup, binary(t), "run", "backpressure", "--duration", "24h", "--no-plots", "-q", "--out", filepath.Join(dir, "out"))
	cmd.Dir = dir // nohup.out, if it writes one, stays there
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGHUP)
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 128+int(syscall.SIGTERM) {
		t.Errorf("SIGHUP, then SIGTERM, under nohup: %v; want the SIGHUP ignored and exit %d", err, 128+int(syscall.SIGTERM))
	}
}
