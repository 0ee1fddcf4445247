//go:build !unix

package atomicfile

import "os"

// lockDir: no directory locks here, so no staging directory is ever taken
// for stale.
func lockDir(string, bool) (*os.File, bool) { return nil, false }
