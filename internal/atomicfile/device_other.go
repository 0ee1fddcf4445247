//go:build !unix

package atomicfile

import "os"

func deviceOf(os.FileInfo) uint64 { return 0 }
