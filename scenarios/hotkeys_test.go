package scenarios

import (
	"slices"
	"strings"
	"testing"
)

// hotKeysScenario is a keyed operator with a hot-set distribution (its 10
// most frequent generated keys tracked one by one) and two hot keys.
const hotKeysScenario = `name: hk
duration: 5m
sources:
  - {name: src, partitions: 4, rate: 10k/s}
operators:
  - name: agg
    key-by: user
    key-type: string
    keys: 1000
    key-distribution: {hot-set: {keys: 1%, share: 80%}}
    hot-keys:
      - {key: a, share: 15%}
      - {key: b, share: 5%, from: 1m}
    cost: 50us
sinks:
  - name: out
`

// loadWarnings loads data with sets, which must load, and returns its
// warnings, one a line.
func loadWarnings(t *testing.T, data string, sets ...string) string {
	t.Helper()
	l, err := Load("hk.yaml", []byte(data), sets)
	if err != nil {
		t.Fatalf("%v: %v", sets, err)
	}
	return l.AllWarnings().Error()
}

// TestHotKeyPartitionerKeysWarned: a partitioner key the model leaves on
// its keyBy subtask (a generated key tracked only per key group), or a top
// beyond the keys tracked one by one, is warned of; a key tracked one by
// one is taken quietly.
func TestHotKeyPartitionerKeysWarned(t *testing.T) {
	for _, c := range []struct {
		set, want string // want "": no warning
	}{
		{"{keys: [a, b, user-3]}", ""},
		{"{top: 12}", ""},
		{"{keys: [a, user-500]}", `hot-key-partitioner.keys[1]: "user-500" is a generated key of agg that flinksim follows per key group, not one by one, so the partitioner does not spread it`},
		{"{top: 13}", "hot-key-partitioner.top: 13 is more keys than flinksim tracks one by one on agg (2 hot keys and, of the generated keys, user-0 to user-9 (the 10 most frequent)): the partitioner spreads those 12"},
	} {
		got := loadWarnings(t, hotKeysScenario, "operators.agg.hot-key-partitioner="+c.set)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: warnings\n%s\nwant %q", c.set, got, c.want)
		}
	}
}

// TestPartitionedLongKeysAsTheHotKeys: a long partitioner key is the hot
// key it is the same Long as (07 for 7), as the model names it.
func TestPartitionedLongKeysAsTheHotKeys(t *testing.T) {
	o := &Operator{KeyType: "long", HotKeys: []HotKeySpec{{Key: "07"}}}
	if got, want := partitionedKeys(o, []string{"7", "+3", "x"}), []string{"07", "3", "x"}; !slices.Equal(got, want) {
		t.Errorf("partitionedKeys = %q, want %q", got, want)
	}
}

// TestHotKeyAfterTheEndWarned: a hot key that comes at or after the end of
// the run is warned of (it never comes in it); one that comes before is not.
func TestHotKeyAfterTheEndWarned(t *testing.T) {
	const want = "operators.agg.hot-keys.b.from: 5m is at or after the end of the run (duration 5m): the hot key b never comes in it"
	for _, c := range []struct {
		sets []string
		warn bool
	}{
		{nil, false},
		{[]string{"duration=5m", "operators.agg.hot-keys=[{key: a, share: 15%}, {key: b, share: 5%, from: 5m}]"}, true},
		{[]string{"duration=5m1ms", "operators.agg.hot-keys=[{key: a, share: 15%}, {key: b, share: 5%, from: 5m}]"}, false},
	} {
		if got := loadWarnings(t, hotKeysScenario, c.sets...); strings.Contains(got, want) != c.warn || !c.warn && got != "" {
			t.Errorf("%v: warnings\n%s\nwant %q: %v", c.sets, got, want, c.warn)
		}
	}
}
