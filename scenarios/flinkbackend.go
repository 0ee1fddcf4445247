package scenarios

import (
	"fmt"
	"strings"
)

// stateBackendName is a name StateBackendLoader takes in
// state.backend.type: a shortcut (matched in any case: it switches on
// backendName.toLowerCase()) or a StateBackendFactory's class name (loaded
// by Class.forName, so exact). backend is what flinksim models it as; the
// releases that know it run from `from` up to, not including, `until` (""
// for no bound); listed names are a release's own, offered in messages
// (the deprecated ones are not, nor a listed name from unlistedFrom on).
type stateBackendName struct {
	name, backend, from, until string
	listed                     bool
	unlistedFrom               string
}

// stateBackendNames are the names of Flink's own state backends, from
// StateBackendLoader (loadUnwrappedStateBackendFromConfig):
//   - Flink 1.x: the shortcuts hashmap, rocksdb and the deprecated
//     jobmanager (MemoryStateBackend) and filesystem (FsStateBackend, run
//     as the hashmap backend); RocksDB's factory is
//     org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackendFactory
//     (ROCKSDB_STATE_BACKEND_FACTORY), beside the legacy
//     RocksDBStateBackendFactory.
//   - Flink 2.0 removed the MemoryStateBackend, FsStateBackend and
//     RocksDBStateBackend (FLINK-36323) and with them their names and
//     factories; the RocksDB classes moved to org.apache.flink.state.rocksdb
//     (FLINK-4602, FLIP-349; the old package's classes stay, deprecated),
//     and ForSt came (forst, org.apache.flink.state.forst.ForStStateBackendFactory,
//     modelled as RocksDB: forStIn).
var stateBackendNames = []stateBackendName{
	{name: "hashmap", backend: "hashmap", listed: true},
	{name: "rocksdb", backend: "rocksdb", listed: true},
	{name: "forst", backend: "rocksdb", from: "2.0", listed: true},
	{name: "jobmanager", backend: "jobmanager", until: "2.0"},
	{name: "filesystem", backend: "hashmap", until: "2.0"},
	{name: "org.apache.flink.runtime.state.hashmap.HashMapStateBackendFactory", backend: "hashmap", listed: true},
	{name: "org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackendFactory", backend: "rocksdb", listed: true, unlistedFrom: "2.0"},
	{name: "org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackendFactory", backend: "rocksdb", from: "2.0", listed: true},
	{name: "org.apache.flink.state.forst.ForStStateBackendFactory", backend: "rocksdb", from: "2.0", listed: true},
	{name: "org.apache.flink.runtime.state.memory.MemoryStateBackendFactory", backend: "jobmanager", until: "2.0"},
	{name: "org.apache.flink.runtime.state.filesystem.FsStateBackendFactory", backend: "hashmap", until: "2.0"},
	{name: "org.apache.flink.contrib.streaming.state.RocksDBStateBackendFactory", backend: "rocksdb", until: "2.0"},
}

// isShortcut: a name without a dot is a shortcut (none of Flink's
// factory classes is in the default package).
func isShortcut(s string) bool { return !strings.Contains(s, ".") }

// lookupStateBackend finds s among stateBackendNames, in any release.
func lookupStateBackend(s string) (stateBackendName, bool) {
	for _, n := range stateBackendNames {
		if s == n.name || isShortcut(n.name) && strings.EqualFold(s, n.name) {
			return n, true
		}
	}
	return stateBackendName{}, false
}

// in tells whether release knows the name.
func (n stateBackendName) in(release flinkRelease) bool {
	return (n.from == "" || !release.before(n.from)) && (n.until == "" || release.before(n.until))
}

// stateBackend reads state.backend.type as StateBackendLoader does, in
// whichever release knows the name (stateBackendIn checks it against the
// scenario's).
func stateBackend(s string) (any, error) {
	if n, ok := lookupStateBackend(s); ok {
		return n.backend, nil
	}
	return nil, fmt.Errorf("%s; flinksim models Flink's own: hashmap or rocksdb (any case; forst from Flink 2.0), or the factory class of one", notABackend(s))
}

// notABackend says what is wrong with a name no release of Flink's knows:
// StateBackendLoader takes any name that is not a shortcut for a factory
// class and fails to load one it cannot find (DynamicCodeLoadingException:
// "Cannot find configured state backend factory class"); a class of the
// job's own would load, but flinksim does not know what it does.
func notABackend(s string) string {
	if isShortcut(s) {
		return fmt.Sprintf("%q is not a state backend flinksim models (Flink takes it for a factory class name, and finds none)", s)
	}
	return fmt.Sprintf("%q is not one of Flink's state backend factories, and flinksim cannot model a backend of the job's own", s)
}

// backendChoices are the names release offers: its shortcuts, then its
// factory classes.
func backendChoices(release flinkRelease) string {
	var short, classes []string
	for _, n := range stateBackendNames {
		switch {
		case !n.listed || !n.in(release) || n.unlistedFrom != "" && !release.before(n.unlistedFrom):
		case isShortcut(n.name):
			short = append(short, n.name)
		default:
			classes = append(classes, n.name)
		}
	}
	return fmt.Sprintf("%s (any case), or a factory class: %s", strings.Join(short, ", "), strings.Join(classes, ", "))
}

// stateBackendIn reads a state.backend.type entry for the release: the
// backend flinksim models it as, or false with the problem reported (a
// name no Flink knows, or one the release does not: ForSt before 2.0, the
// RocksDB package of 2.0 before it, the legacy backends from 2.0).
func stateBackendIn(d *decoder, e FlinkEntry, release flinkRelease) (string, bool) {
	n, ok := lookupStateBackend(e.Value)
	if !ok {
		d.fail(e.Node, e.Path, "%s; Flink %s's are %s", notABackend(e.Value), release, backendChoices(release))
		return "", false
	}
	if !n.in(release) {
		d.fail(e.Node, e.Path, "%s; Flink %s's are %s", notInRelease(e.Value, n, release), release, backendChoices(release))
		return "", false
	}
	if isForSt(e.Value) {
		// ForStOptions.PRIMARY_DIRECTORY: by default its SST files live in the checkpoint directory.
		d.warn(e.Node, e.Path, "ForSt is modelled as RocksDB, its local-disk fork: state kept on remote storage (state.backend.forst.primary-dir) is not modelled")
	}
	return n.backend, true
}

// notInRelease says why release does not know a name of another's.
func notInRelease(s string, n stateBackendName, release flinkRelease) string {
	switch {
	case isForSt(s):
		return fmt.Sprintf("%q: the ForSt state backend came in Flink 2.0; Flink %s has no such backend", s, release)
	case n.from == "2.0":
		return fmt.Sprintf("%q: the RocksDB classes moved to this package in Flink 2.0 (FLINK-4602); Flink %s cannot find this factory", s, release)
	}
	legacy := map[string]string{"jobmanager": "MemoryStateBackend", "hashmap": "FsStateBackend", "rocksdb": "RocksDBStateBackend"}[n.backend]
	msg := fmt.Sprintf("%q: Flink 2.0 removed the %s (FLINK-36323), and Flink %s cannot find this state backend", s, legacy, release)
	if n.backend == "jobmanager" {
		msg += " (for checkpoints to the JobManager's memory: hashmap with execution.checkpointing.storage: jobmanager)"
	}
	return msg
}

// isForSt: state.backend.type names ForSt (Flink 2.0's
// ForStStateBackendFactory), by shortcut or factory class.
func isForSt(s string) bool {
	return strings.EqualFold(s, "forst") || s == "org.apache.flink.state.forst.ForStStateBackendFactory"
}
