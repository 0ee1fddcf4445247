package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestRunsIndexPlural: the index page of a run of one variant counts "1
// run", not "1 runs"; of two, "2 runs".
func TestRunsIndexPlural(t *testing.T) {
	for n, want := range map[int]string{1: "<title>s: 1 run</title>", 2: "<title>s: 2 runs</title>"} {
		var runs []runResult
		for i := range n {
			runs = append(runs, runResult{name: []string{"base", "v"}[i], res: &result.Result{}})
		}
		dir := t.TempDir()
		if err := writeRunsIndex(dir, "s", runs); err != nil {
			t.Fatal(err)
		}
		if page := readPage(t, filepath.Join(dir, "index.html")); !strings.Contains(page, want) {
			t.Errorf("%d runs: the page lacks %q", n, want)
		}
	}
}
