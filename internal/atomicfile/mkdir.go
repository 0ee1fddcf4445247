package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
)

// MkdirAll is os.MkdirAll(dir, 0o755) that also returns the directories
// it created, outermost first (those it created before an error too), so
// that a command refused after it can leave nothing behind, not even the
// directories above a new output (RemoveCreated). The path is cleaned
// first (filepath.Clean: a/../b is b, as Stage takes it), so every step it
// lists is a directory of its own, never an existing one reached through
// "..". A directory counts as created only if nothing stood at its path
// before (os.Lstat: a link, dangling or not, is something) and a
// directory stands there after.
func MkdirAll(dir string) ([]string, error) {
	dir = filepath.Clean(dir)
	var missing []string
	for i := 0; i <= len(dir); i++ {
		if i < len(dir) && !os.IsPathSeparator(dir[i]) {
			continue
		}
		prefix := dir[:i]
		if base := filepath.Base(prefix); prefix == "" || strings.Trim(prefix, string(filepath.Separator)) == "" || base == "." || base == ".." {
			continue
		}
		if _, err := os.Lstat(prefix); os.IsNotExist(err) {
			missing = append(missing, prefix)
		}
	}
	err := os.MkdirAll(dir, 0o755)
	made := missing[:0]
	for _, p := range missing { // those it did create (up to an error)
		if st, statErr := os.Lstat(p); statErr == nil && st.IsDir() {
			made = append(made, p)
		}
	}
	return made, err
}

// RemoveCreated removes the directories MkdirAll created, innermost first;
// one that is no longer empty stays, and so then do those above it.
func RemoveCreated(dirs []string) {
	for i := len(dirs) - 1; i >= 0; i-- {
		if st, err := os.Lstat(dirs[i]); err != nil || !st.IsDir() || os.Remove(dirs[i]) != nil {
			return
		}
	}
}
