package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
)

var (
	// mu guards temps and every rename that publishes an output, so that
	// RemoveTemporaries never runs between the two steps of a swap.
	mu    sync.Mutex
	temps = map[string]bool{}
)

// created makes a temporary with create and registers it under the lock,
// so that an interruption between the two cannot leave it behind: either
// RemoveTemporaries ran first (and holds the lock: this waits for the exit)
// or it sees the temporary.
func created(create func() (string, error)) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	p, err := create()
	if err == nil {
		temps[p] = true
	}
	return p, err
}

func unregister(path string) {
	mu.Lock()
	delete(temps, path)
	mu.Unlock()
}

// Critical runs fn while no interruption can clean up: what fn publishes is
// published whole. Keep fn short (a rename, a line appended).
func Critical(fn func() error) error {
	mu.Lock()
	defer mu.Unlock()
	return fn()
}

// RemoveTemporaries removes every registered temporary file and directory
// and returns their paths. It takes the lock and keeps it: the process is
// about to exit, and no output may be published after it.
func RemoveTemporaries() []string {
	mu.Lock()
	var removed []string
	for p := range temps {
		if os.RemoveAll(p) == nil {
			removed = append(removed, p)
		}
	}
	return removed
}

// WriteFile writes path through a temporary sibling that is synced and
// renamed into place.
func WriteFile(path string, write func(io.Writer) error) error {
	var tmp *os.File
	name, err := created(func() (string, error) {
		f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
		if err != nil {
			return "", err
		}
		tmp = f
		return f.Name(), nil
	})
	if err != nil {
		return err
	}
	defer func() {
		os.Remove(name) // fails harmlessly after the rename
		unregister(name)
	}()
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return Critical(func() error { return os.Rename(name, path) })
}

// Staging is a temporary sibling directory that becomes dir on Commit.
type Staging struct {
	Dir    string // write the set here
	target string
	done   bool
	// inPlace: dir is a mount point (or its parent cannot be written), so
	// the set is staged inside it and moved in entry by entry on Commit;
	// old are the entries of the previous set, removed then.
	inPlace bool
	old     []string
	// lock is held on Dir while the set is staged: a staging directory no
	// process holds is a killed run's, which the next Stage removes.
	lock *os.File
	// made is the directories Stage created above the set (MkdirAll),
	// which Abort removes again: a refused command leaves nothing.
	made []string
}

// forceInPlace makes Stage stage inside dir, as for a mount point (tests).
var forceInPlace bool

// Stage creates a temporary directory next to dir (whose parent must exist
// or is created). Creating it is also the check that dir can be written.
// When dir is a mount point (a volume shared by the workers of a sweep) or
// its parent cannot be written, the set is staged inside dir instead.
//
// A staging directory beside dir that no process holds is a killed run's
// and removed, if ours (when not nil) reports that it holds only what the
// program writes: a user's directory that only shares the name stays.
func Stage(dir string, ours func(path string) bool) (*Staging, error) {
	dir = filepath.Clean(dir)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real // swap the directory the link points to, not the link
	}
	parent := filepath.Dir(dir)
	made, err := MkdirAll(parent)
	if err != nil {
		RemoveCreated(made)
		return nil, err
	}
	if forceInPlace {
		in, _ := MkdirAll(dir)
		made = append(made, in...)
	}
	if forceInPlace || isMountPoint(dir) {
		st, err := stageInside(dir)
		if err != nil {
			RemoveCreated(made)
			return nil, err
		}
		st.made = made
		return st, nil
	}
	tmp, lock, err := stageBeside(parent, filepath.Base(dir), ours)
	if err != nil {
		if st, statErr := os.Stat(dir); statErr == nil && st.IsDir() {
			if in, inErr := stageInside(dir); inErr == nil {
				return in, nil
			}
		}
		RemoveCreated(made)
		return nil, err
	}
	st := &Staging{Dir: tmp, target: dir, lock: lock, made: made}
	if err := os.Chmod(tmp, 0o755); err != nil {
		st.Abort()
		return nil, err
	}
	return st, nil
}

// CanStage reports why Stage(dir) would fail to create its staging
// directory, creating nothing that stays and no parent: a check before any
// work, whose outputs Stage takes later. It makes and removes a temporary
// directory where Stage would stage (CanCreate: dir's parent, or the
// directory above it that Stage would create it in; inside dir when dir is
// a mount point or its parent cannot be written).
func CanStage(dir string) error {
	dir = filepath.Clean(dir)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	if forceInPlace || isMountPoint(dir) {
		return CanCreate(dir)
	}
	err := CanCreate(filepath.Dir(dir))
	if err != nil {
		if st, statErr := os.Stat(dir); statErr == nil && st.IsDir() && CanCreate(dir) == nil {
			return nil // staged inside it, as Stage falls back to
		}
	}
	return err
}

// CanCreate reports why an entry could not be created in dir, which
// os.MkdirAll would create: a temporary directory is made and removed in
// dir, or in the nearest directory above it that exists; a file on the way
// is no directory (ENOTDIR).
func CanCreate(dir string) error {
	at := filepath.Clean(dir)
	for {
		st, err := os.Stat(at)
		if err == nil && !st.IsDir() {
			return &os.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		if err == nil {
			break
		}
		up := filepath.Dir(at)
		if !os.IsNotExist(err) || up == at {
			return err
		}
		at = up
	}
	tmp, err := created(func() (string, error) { return os.MkdirTemp(at, ".flinksim-check.tmp-*") })
	if err != nil {
		return err
	}
	defer unregister(tmp)
	return os.Remove(tmp)
}

// stageBeside creates the staging directory .<base>.tmp-<digits> in
// parent and locks it, after removing the stale ones of base: those of a
// killed run, which no process holds. The lock on parent makes removing
// and creating-and-locking one step to every other flinksim staging there,
// so a run's directory is never taken for stale between the two. Only
// base's own names are matched (not .<base>.tmp-1.tmp-2, out "<base>.tmp-1"'s).
func stageBeside(parent, base string, ours func(string) bool) (tmp string, lock *os.File, err error) {
	if p, ok := lockDir(parent, false); ok {
		defer p.Close()
		removeStale(parent, base, ours)
	}
	tmp, err = created(func() (string, error) { return os.MkdirTemp(parent, "."+base+".tmp-*") })
	if err == nil {
		lock, _ = lockDir(tmp, true)
	}
	return tmp, lock, err
}

// removeStale removes parent's staging directories of base that no process
// holds (see stageBeside) and that are ours (nil: any); where directories
// cannot be locked, none.
func removeStale(parent, base string, ours func(string) bool) {
	stale := regexp.MustCompile("^" + regexp.QuoteMeta("."+base+".tmp-") + "[0-9]+$")
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !stale.MatchString(e.Name()) {
			continue
		}
		path := filepath.Join(parent, e.Name())
		if ours != nil && !ours(path) {
			continue
		}
		if f, free := lockDir(path, true); free {
			os.RemoveAll(path)
			f.Close()
		}
	}
}

// release lets go of the lock on the staging directory.
func (s *Staging) release() {
	if s.lock != nil {
		s.lock.Close()
		s.lock = nil
	}
}

func stageInside(dir string) (*Staging, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	tmp, err := created(func() (string, error) { return os.MkdirTemp(dir, ".flinksim-set.tmp-*") })
	if err != nil {
		return nil, err
	}
	st := &Staging{Dir: tmp, target: dir, inPlace: true}
	for _, e := range entries {
		if e.Name() != "lost+found" {
			st.old = append(st.old, e.Name())
		}
	}
	return st, nil
}

// StagesInside reports whether Stage(dir) stages the set inside dir (a
// mount point), where it keeps dir's lost+found: a file system's own at
// the root of a volume, which a set staged beside dir would replace.
func StagesInside(dir string) bool {
	dir = filepath.Clean(dir)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return forceInPlace || isMountPoint(dir)
}

// isMountPoint reports whether dir is on another device than its parent.
func isMountPoint(dir string) bool {
	a, err1 := os.Stat(dir)
	b, err2 := os.Stat(filepath.Dir(dir))
	if err1 != nil || err2 != nil || !a.IsDir() {
		return false
	}
	return !os.SameFile(a, b) && deviceOf(a) != deviceOf(b)
}

// Carry brings entries of the current dir (files or directories, by name)
// into the staged set, so that they stay part of it (shard files a merge
// read, runs a comparison read). Files are hard-linked, or copied where
// links are not possible. Missing names are skipped.
func (s *Staging) Carry(names ...string) error {
	for _, n := range names {
		if err := carry(filepath.Join(s.target, n), filepath.Join(s.Dir, n)); err != nil {
			return err
		}
	}
	return nil
}

func carry(from, to string) error {
	st, err := os.Lstat(from)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		if os.Link(from, to) == nil {
			return nil
		}
		return copyFile(from, to, st.Mode().Perm())
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := carry(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string, perm os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Commit puts the staged set in place of dir in one step (the previous set,
// if any, is removed afterwards). A reader sees the old set or the new one.
func (s *Staging) Commit() error {
	if s.done {
		return fmt.Errorf("%s: committed twice", s.target)
	}
	if err := syncDir(s.Dir); err != nil {
		return err
	}
	swapIn := func() error { return swap(s.Dir, s.target) }
	if s.inPlace {
		swapIn = s.moveIn
	}
	if err := Critical(swapIn); err != nil {
		return err
	}
	s.done = true
	// s.Dir now holds the previous set (or nothing): still registered, so an
	// interruption from here on removes it too.
	os.RemoveAll(s.Dir)
	unregister(s.Dir)
	s.release()
	return nil
}

// Abort removes the staged set; dir is left as it was. It is a no-op after
// Commit, so it can be deferred.
func (s *Staging) Abort() {
	if s.done {
		return
	}
	s.done = true
	os.RemoveAll(s.Dir)
	unregister(s.Dir)
	s.release()
	RemoveCreated(s.made)
}

// moveIn replaces the previous set inside target by the staged one, entry
// by entry (each rename is atomic; the set as a whole is not, which only a
// mount point forces), moving what it replaces into the staging directory
// to be removed with it.
func (s *Staging) moveIn() error {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return err
	}
	replaced := filepath.Join(s.Dir, ".replaced")
	if err := os.Mkdir(replaced, 0o755); err != nil {
		return err
	}
	fresh := map[string]bool{}
	for _, e := range entries {
		fresh[e.Name()] = true
		to := filepath.Join(s.target, e.Name())
		if st, err := os.Lstat(to); err == nil && st.IsDir() {
			if err := os.Rename(to, filepath.Join(replaced, e.Name())); err != nil {
				return err
			}
		}
		if err := os.Rename(filepath.Join(s.Dir, e.Name()), to); err != nil {
			return err
		}
	}
	for _, n := range s.old {
		if !fresh[n] {
			if err := os.Rename(filepath.Join(s.target, n), filepath.Join(replaced, n)); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	f.Sync() // not every file system syncs directories; best effort
	return nil
}
