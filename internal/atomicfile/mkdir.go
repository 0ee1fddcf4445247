package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
)

// MkdirAll is os.MkdirAll(dir, 0o755) that also returns the directories
// it created, outermost first (those it created before an error too), so
// that a command refused after it can leave nothing behind, not even the
// directories above a new output (RemoveCreated).
func MkdirAll(dir string) ([]string, error) {
	var missing []string
	for at := filepath.Clean(dir); ; {
		if _, err := os.Stat(at); !os.IsNotExist(err) {
			break // there, or not for us to tell: MkdirAll says
		}
		missing = append(missing, at)
		up := filepath.Dir(at)
		if up == at {
			break
		}
		at = up
	}
	slices.Reverse(missing)
	err := os.MkdirAll(dir, 0o755)
	return missing, err
}

// RemoveCreated removes the directories MkdirAll created, innermost first;
// one that is no longer empty stays, with those above it.
func RemoveCreated(dirs []string) {
	for i := len(dirs) - 1; i >= 0; i-- {
		if os.Remove(dirs[i]) != nil {
			return
		}
	}
}
