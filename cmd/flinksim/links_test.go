package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/plots"
)

// TestRunLinksEscaped: links to run directories escape each path segment:
// a '#' or '?' in a directory name would otherwise cut the link short or
// start a query, and html/template leaves both as they are.
func TestRunLinksEscaped(t *testing.T) {
	for in, want := range map[string]string{
		"base/index.html":            "base/index.html",
		"../p#1 50%/base/index.html": "../p%231%2050%25/base/index.html",
		"../what?/base/index.html":   "../what%3F/base/index.html",
		"a:b/index.html":             "./a:b/index.html",
	} {
		if got := hrefOf(in); got != want {
			t.Errorf("hrefOf(%q) = %q, want %q", in, got, want)
		}
	}
	root := t.TempDir()
	from := filepath.Join(root, "p#1 50%")
	if err := os.MkdirAll(filepath.Join(from, "base"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(from, "base", "index.html"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "cmp")
	href := pageHref(compareOptions{runOptions: runOptions{out: out}, from: from})("base")
	if want := "../p%231%2050%25/base/index.html"; href != want {
		t.Errorf("compare --from link %q, want %q", href, want)
	}
	page := filepath.Join(root, "index.html")
	if err := plots.WriteIndex(page, plots.Page{Title: "t", Runs: []plots.RunLink{{Name: "base", Href: href}}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `href="../p%231%2050%25/base/index.html"`) {
		t.Errorf("the page does not link %s as escaped", href)
	}
}
