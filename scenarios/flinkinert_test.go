package scenarios

import (
	"reflect"
	"testing"
)

// Directories are where files go, not how fast: a RocksDB or local
// recovery directory pasted from a real configuration is kept quietly, not
// warned about as a key that would change the result (a break-test helper
// found state.backend.rocksdb.localdir warned of).
func TestDirectoriesAreInert(t *testing.T) {
	const job = `
name: dirs
flink:
  state.backend.type: rocksdb
  state.backend.rocksdb.localdir: /mnt/rocksdb
  taskmanager.state.local.root-dirs: /mnt/local-state
  io.tmp.dirs: /tmp
sources: [{name: clicks, rate: 10k/s}]
sinks: [{name: out}]
`
	l, err := Load("dirs.yaml", []byte(job), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"state.backend.rocksdb.localdir", "taskmanager.state.local.root-dirs", "io.tmp.dirs"}; !reflect.DeepEqual(l.InertFlinkKeys, want) {
		t.Errorf("inert %v, want %v", l.InertFlinkKeys, want)
	}
	if len(l.NotModelled) != 0 {
		t.Errorf("not modelled %v, want none", l.NotModelled)
	}
}
