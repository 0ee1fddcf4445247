package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func write(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// TestStageCommitReplacesTheSet: the committed set replaces the old one as
// a whole (a file or directory only the old set had is gone), carried
// entries stay, and nothing is left beside the directory; staged inside
// the directory too, as for a mount point.
func TestStageCommitReplacesTheSet(t *testing.T) {
	for _, inPlace := range []bool{false, true} {
		forceInPlace = inPlace
		testStageCommit(t)
	}
	forceInPlace = false
}

func testStageCommit(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	for i, set := range [][]string{{"a", "b", "shard", "v/x"}, {"a", "c", "w/x"}} {
		st, err := Stage(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if err := st.Carry("shard", "missing"); err != nil {
				t.Fatal(err)
			}
		}
		for _, n := range set {
			os.MkdirAll(filepath.Dir(filepath.Join(st.Dir, n)), 0o755)
			if err := WriteFile(filepath.Join(st.Dir, n), write(n+"1")); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Commit(); err != nil {
			t.Fatal(err)
		}
		st.Abort() // deferred in callers: a no-op after Commit
	}
	if got := names(t, dir); !slices.Equal(got, []string{"a", "c", "shard", "w"}) {
		t.Errorf("in place %v: set %v, want a, c, w and the carried shard", forceInPlace, got)
	}
	if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("beside the set: %v", got)
	}
	if len(temps) != 0 {
		t.Errorf("temporaries still registered: %v", temps)
	}
}

// TestAbortAndInterrupt: an aborted stage leaves the old set; a failed write
// leaves no temporary; RemoveTemporaries removes what is registered.
func TestAbortAndInterrupt(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "old"), []byte("old"), 0o644)
	st, _ := Stage(dir, nil)
	WriteFile(filepath.Join(st.Dir, "new"), write("new"))
	st.Abort()
	if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("after Abort: %v", got)
	}
	if err := WriteFile(filepath.Join(dir, "x"), func(io.Writer) error { return errors.New("disk full") }); err == nil {
		t.Error("a failed write reported no error")
	}
	if got := names(t, dir); !slices.Equal(got, []string{"old"}) {
		t.Errorf("after a failed write: %v", got)
	}
	st, _ = Stage(dir, nil)
	WriteFile(filepath.Join(st.Dir, "new"), write("new"))
	removed := RemoveTemporaries()
	mu.Unlock() // the process would exit here; the test goes on
	if len(removed) != 1 || removed[0] != st.Dir {
		t.Errorf("removed %v, want %s", removed, st.Dir)
	}
	if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("after RemoveTemporaries: %v", got)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"old"}) {
		t.Errorf("the old set after RemoveTemporaries: %v", got)
	}
	delete(temps, st.Dir)
}

// TestStageRemovesStaleTemporaries: a killed run's staging directory
// beside dir (.<dir>.tmp-<digits>, held by no process) is removed by the
// next Stage of dir; one a live run holds, those of other directories and
// names not of this form stay.
func TestStageRemovesStaleTemporaries(t *testing.T) {
	if _, ok := lockDir(t.TempDir(), true); !ok {
		t.Skip("no directory locks here")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	mk := func(name string) string {
		p := filepath.Join(parent, name)
		if err := os.MkdirAll(filepath.Join(p, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name  string
		stays bool
		held  bool
	}{
		{".out.tmp-123", false, false},       // a killed run's
		{".out.tmp-456", true, true},         // a live run's
		{".other.tmp-789", true, false},      // another --out's
		{".out.tmp-1.tmp-5", true, false},    // --out out.tmp-1's
		{".out.tmp-abc", true, false},        // not flinksim's naming
		{".out.tmp-", true, false},           // not flinksim's naming
		{".out.tmp-12.partial", true, false}, // not flinksim's naming
		{"out.tmp-7", true, false},           // not hidden: not a temporary
	} {
		p := mk(c.name)
		if c.held {
			f, ok := lockDir(p, true)
			if !ok {
				t.Fatal("cannot lock", p)
			}
			defer f.Close()
		}
		defer func() {
			_, err := os.Stat(p)
			if stays := err == nil; stays != c.stays {
				t.Errorf("%s: stays %v, want %v", c.name, stays, c.stays)
			}
		}()
	}
	st, err := Stage(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// a second Stage of dir while the first is staged: the first is held
	st2, err := Stage(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Dir); err != nil {
		t.Errorf("a live staging directory was removed: %v", err)
	}
	st2.Abort()
	if err := os.WriteFile(filepath.Join(st.Dir, "a"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestCanStageCreatesNothing: the check before any work says what Stage
// would fail at, and leaves nothing behind: no probe, no parent of a new
// directory.
func TestCanStageCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644)
	for _, c := range []struct {
		dir string
		ok  bool
	}{
		{filepath.Join(dir, "out"), true},
		{filepath.Join(dir, "new", "deeper", "out"), true},
		{dir, true},
		{filepath.Join(dir, "file", "out"), false},
		{filepath.Join(dir, "file", "a", "out"), false},
	} {
		if err := CanStage(c.dir); (err == nil) != c.ok {
			t.Errorf("CanStage(%s): %v, want ok %v", c.dir, err, c.ok)
		}
		if err := CanCreate(c.dir); (err == nil) != c.ok {
			t.Errorf("CanCreate(%s): %v, want ok %v", c.dir, err, c.ok)
		}
	}
	if got := names(t, dir); !slices.Equal(got, []string{"file"}) {
		t.Errorf("left behind: %v", got)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".flinksim-check.tmp-*")); len(m) > 0 {
		t.Errorf("left behind: %v", m)
	}
}
