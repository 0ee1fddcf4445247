//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// lockDir takes an exclusive flock on the directory path (waiting for it,
// or with nowait failing when another holds it); close the file to let go.
// It fails where the file system has no such locks.
func lockDir(path string, nowait bool) (*os.File, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	how := syscall.LOCK_EX
	if nowait {
		how |= syscall.LOCK_NB
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, false
	}
	return f, true
}

// TryLock takes an exclusive flock on the open file f without waiting,
// held until f is closed. It reports false when another process (or
// another open of the file) holds it; where the file system has no such
// locks, true.
func TryLock(f *os.File) bool {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	return err != syscall.EWOULDBLOCK
}
