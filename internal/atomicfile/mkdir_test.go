package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestMkdirAllRemovesOnlyWhatItMade: MkdirAll lists the directories it
// creates and RemoveCreated removes them; a dangling link in the way is
// the user's and stays (it once counted as missing and was removed), and a
// path through ".." leaves nothing (its first step once stayed).
func TestMkdirAllRemovesOnlyWhatItMade(t *testing.T) {
	root := t.TempDir()
	in := func(p ...string) string { return filepath.Join(append([]string{root}, p...)...) }
	os.Mkdir(in("have"), 0o755)
	os.Symlink(in("nowhere"), in("dangling"))

	made, err := MkdirAll(in("have", "a", "b"))
	if err != nil || !slices.Equal(made, []string{in("have", "a"), in("have", "a", "b")}) {
		t.Fatalf("made %v, %v", made, err)
	}
	RemoveCreated(made)
	if entries, _ := os.ReadDir(in("have")); len(entries) != 0 {
		t.Errorf("left in have/: %v", entries)
	}

	made, err = MkdirAll(in("dangling", "out"))
	if err == nil || len(made) != 0 {
		t.Errorf("through a dangling link: made %v, %v; want an error and nothing made", made, err)
	}
	RemoveCreated(made)
	if _, err := os.Lstat(in("dangling")); err != nil {
		t.Errorf("the dangling link is gone: %v", err)
	}

	dotted := root + "/new/../have/x"
	made, err = MkdirAll(dotted)
	if err != nil {
		t.Fatal(err)
	}
	RemoveCreated(made)
	for _, p := range []string{in("new"), in("have", "x")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s stays after RemoveCreated(%v)", p, made)
		}
	}
	if _, err := os.Lstat(in("have")); err != nil {
		t.Errorf("have/, which was there, is gone after RemoveCreated(%v)", made)
	}
}
