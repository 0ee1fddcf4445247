package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestCheck runs the check on a synthetic file set: a clean file, a file
// over the line limit, a too-long function, a too-complex function, and a
// long test file (allowed) holding a too-long test function (not allowed),
// a doc.go that misses a file, and a package without one.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// lines returns n statement lines.
	lines := func(n int) string { return strings.Repeat("\t_ = 0\n", n) }
	// ifs returns n if statements, each adding 1 to the complexity.
	ifs := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "\tif x == %d {\n\t\tx++\n\t}\n", i)
		}
		return b.String()
	}
	// A function of maxFuncLines lines: func line, body, closing brace.
	write("clean.go", "package p\n\nfunc ok() {\n"+lines(maxFuncLines-2)+"}\n\nfunc simple(x int) {\n"+ifs(maxComplexity-1)+"}\n")
	write("big.go", "package p\n"+strings.Repeat("\n", maxFileLines)) // one line too many
	write("long.go", "package p\n\ntype T struct{}\n\nfunc (t *T) long() {\n"+lines(maxFuncLines-1)+"}\n")
	write("sub/complex.go", "package sub\n\nfunc complex(x int) {\n"+ifs(maxComplexity)+"}\n")
	write("big_test.go", "package p\n\nfunc TestLong() {\n"+lines(maxFileLines)+"}\n")
	write("testdata/ignored.go", "package ignored\n\nfunc long() {\n"+lines(maxFuncLines)+"}\n")
	// doc.go lists the files of its package; sub has none.
	write("doc.go", "// Package p: clean.go, big.go.\npackage p\n")

	files, err := goFiles(dir) // not a git work tree: the walk
	if err != nil {
		t.Fatal(err)
	}
	got, err := check(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("big.go:1: file has %d lines (over %d)", maxFileLines+1, maxFileLines),
		fmt.Sprintf("big_test.go:3: func TestLong has %d lines (over %d)", maxFileLines+2, maxFuncLines),
		"doc.go:1: does not list long.go",
		fmt.Sprintf("long.go:5: func (*T).long has %d lines (over %d)", maxFuncLines+1, maxFuncLines),
		fmt.Sprintf("sub/complex.go:3: func complex has cyclomatic complexity %d (over %d)", maxComplexity+1, maxComplexity),
		"sub/doc.go:1: missing: every package has a doc.go listing its files",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
