// Package atomicfile writes outputs so that a reader sees either the old
// version or the new one, never a mix or a half-written file, and so that
// an interrupted process leaves no temporary behind.
//
// A file is written to a temporary sibling, synced and renamed over its
// name (WriteFile). A set of files that belong together (a run's outputs) is
// written into a temporary sibling directory (Stage) and swapped in with one
// rename (Commit). Every temporary is registered while it exists;
// RemoveTemporaries, called on SIGINT, SIGTERM or SIGHUP, removes them all and
// keeps any swap from starting or half-finishing. A staging directory left
// by a killed process (held by none) is removed by the next Stage of the
// same directory.
//
//	atomicfile.go   WriteFile, Stage (and CanStage, CanCreate: the checks before any work), Commit, Critical, RemoveTemporaries
//	mkdir.go        MkdirAll that says which directories it made, for RemoveCreated after a refusal
//	swap.go         the swap by two renames, where one exchange is not available
//	swap_linux.go   the swap in one renameat2(RENAME_EXCHANGE)
//	swap_other.go   other systems: the two renames
//	device_unix.go  mount points: a directory on another device than its parent
//	device_other.go other systems: no mount point detection
//	lock_unix.go    flock on a staging directory (a killed run's is removed by the next Stage), and TryLock on a file
//	lock_other.go   other systems: no locks, so no staging directory is taken for stale
package atomicfile
