package atomicfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// swap exchanges the staged directory with target in one rename
// (renameat2 RENAME_EXCHANGE), so target never goes missing.
func swap(staged, target string) error {
	err := unix.Renameat2(unix.AT_FDCWD, staged, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT):
		if _, statErr := os.Lstat(target); os.IsNotExist(statErr) {
			return os.Rename(staged, target) // the first set
		}
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return swapByRenames(staged, target) // a file system without exchange
	}
	return &os.LinkError{Op: "exchange", Old: staged, New: target, Err: err}
}
