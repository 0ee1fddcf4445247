package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/plots"
)

// webPages runs the checkpointed test scenario's base and variants into a
// directory once per test: a run of several variants, with its pages.
func webPages(t *testing.T) string {
	t.Helper()
	if raceDetector {
		t.Skip("whole runs; make test runs this test without -race")
	}
	out := filepath.Join(t.TempDir(), "runs")
	if code, _, stderr := cli(t, "run", "testdata/ckpt-variants.yaml", "--duration", "2m", "-q", "--out", out); code != 0 {
		t.Fatalf("run: code %d: %s", code, stderr)
	}
	return out
}

func readPage(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pageSections are what every run's index.html shows, by element id.
var pageSections = []string{`id="verdict"`, `id="job-graph"`, `id="checkpoints"`, `id="checkpoint-breakdown"`}

// TestRunVariantsPages: a run of several variants writes DIR/index.html,
// linking each variant's page with its outcome, and each page has the
// verdict, the job graph and the checkpoints; compare --from elsewhere
// links the pages it read, relative to its own.
func TestRunVariantsPages(t *testing.T) {
	out := webPages(t)
	top := readPage(t, filepath.Join(out, "index.html"))
	for _, v := range []string{"base", "incremental", "unaligned"} {
		if !strings.Contains(top, `<a href="`+v+`/index.html">`) {
			t.Errorf("index.html does not link %s's page", v)
		}
		page := readPage(t, filepath.Join(out, v, "index.html"))
		for _, id := range pageSections {
			if !strings.Contains(page, id) {
				t.Errorf("%s/index.html lacks %s", v, id)
			}
		}
	}
	if !regexp.MustCompile(`<td class="outcome">[a-z ]+</td>`).MatchString(top) {
		t.Error("index.html shows no outcome per run")
	}
	cmp := filepath.Join(filepath.Dir(out), "cmp")
	if code, _, stderr := cli(t, "compare", "testdata/ckpt-variants.yaml", "--duration", "2m", "--from", out, "--out", cmp); code != 0 {
		t.Fatalf("compare: code %d: %s", code, stderr)
	}
	page := readPage(t, filepath.Join(cmp, "index.html"))
	if !strings.Contains(page, `<a href="../runs/unaligned/index.html">`) || !strings.Contains(page, "stroke-dasharray") {
		t.Error("the compare page neither links the runs' pages nor shows their line styles")
	}
}

// browser is a headless Chromium or Chrome on PATH; without one the test
// is skipped, or fails in CI (.ci/run installs chromium).
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH (CI installs the Debian package chromium: .ci/run)")
	}
	t.Skip("no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)")
	return ""
}

// render loads path in the headless browser: the DOM it built, and the
// console's messages (Chromium logs them, and uncaught errors, as
// INFO:CONSOLE lines with --enable-logging=stderr).
func render(t *testing.T, chrome, path string) (dom string, console []string) {
	t.Helper()
	return renderAt(t, chrome, path)
}

// renderAt is render with more of the browser's flags (a window size).
func renderAt(t *testing.T, chrome, path string, flags ...string) (dom string, console []string) {
	t.Helper()
	abs, _ := filepath.Abs(path)
	args := append([]string{"--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}, flags...)
	cmd := exec.Command(chrome, append(args, "--dump-dom", "file://"+abs)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(chrome), path, err, stderr.String())
	}
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(l, ":CONSOLE") {
			console = append(console, l)
		}
	}
	return string(out), console
}

// TestPagesInBrowser renders a run of several variants' pages, and a
// compare's and a sweep's, in a headless browser: the DOM it built must
// hold every section and every drawing, and the console must stay
// silent. A page that logs an error first shows that the console is seen
// at all.
func TestPagesInBrowser(t *testing.T) {
	chrome := browser(t)
	canary := filepath.Join(t.TempDir(), "canary.html")
	if err := os.WriteFile(canary, []byte(`<!DOCTYPE html><p>x</p><script>console.error("canary")</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, console := render(t, chrome, canary); len(console) == 0 || !strings.Contains(console[0], "canary") {
		t.Fatalf("the browser's console is not seen on stderr (%q): this test could not catch errors", console)
	}
	out := webPages(t)
	for _, p := range []string{"index.html", "base/index.html", "unaligned/index.html"} {
		d, console := render(t, chrome, filepath.Join(out, p))
		for _, l := range console {
			t.Errorf("%s: console: %s", p, l)
		}
		src := readPage(t, filepath.Join(out, p))
		if n, want := strings.Count(d, "<svg"), strings.Count(src, "<svg"); n != want || (n == 0 && p != "index.html") {
			t.Errorf("%s: the browser built %d SVG elements of %d", p, n, want)
		}
		want := pageSections
		if p == "index.html" {
			want = []string{`id="runs"`}
		}
		for _, id := range want {
			if !strings.Contains(d, id) {
				t.Errorf("%s: the rendered page lacks %s", p, id)
			}
		}
		if p != "index.html" && strings.Count(d, `class="vertex"`) < 2 {
			t.Errorf("%s: the job graph has fewer than two tasks", p)
		}
	}
	// compare's and sweep's pages: their charts and tables, and no error
	cmp, sw := filepath.Join(filepath.Dir(out), "cmp"), filepath.Join(filepath.Dir(out), "sweep")
	if code, _, stderr := cli(t, "compare", "testdata/ckpt-variants.yaml", "--duration", "2m", "-q", "--from", out, "--out", cmp); code != 0 {
		t.Fatalf("compare: code %d: %s", code, stderr)
	}
	if code, _, stderr := cli(t, "sweep", "testdata/tiny.yaml", "--duration", "1m", "-q", "--grid", "sinks.db.capacity=1k/s,5k/s", "--out", sw); code != 0 {
		t.Fatalf("sweep: code %d: %s", code, stderr)
	}
	for _, c := range []struct {
		page string
		want []string
	}{
		{filepath.Join(cmp, "index.html"), []string{"<h1>ckpt-variants: variants compared", "<caption>runs", "<caption>outcomes", `href="../runs/unaligned/index.html"`}},
		{filepath.Join(sw, "index.html"), []string{"<h1>tiny: sweep of sinks.db.capacity", "<caption>points", "<h2>latency_p99_s"}},
	} {
		d, console := render(t, chrome, c.page)
		for _, l := range console {
			t.Errorf("%s: console: %s", c.page, l)
		}
		if n, want := strings.Count(d, "<svg"), strings.Count(readPage(t, c.page), "<svg"); n != want || n == 0 {
			t.Errorf("%s: the browser built %d SVG elements of %d", c.page, n, want)
		}
		for _, w := range c.want {
			if !strings.Contains(d, w) {
				t.Errorf("%s: the rendered page lacks %s", c.page, w)
			}
		}
	}
}

// overflowProbe, added at a page's end, logs an error to the console when
// the page is wider than the window: something runs off its right edge
// instead of scrolling in its own box.
const overflowProbe = `<script>addEventListener("load", () => {
const w = document.documentElement.scrollWidth;
if (w > innerWidth) console.error("overflow: the page is " + w + " px wide in a window of " + innerWidth);
});</script>`

// TestPagesFitTheWindow renders the pages of a run of several variants in
// a window 1400 px wide: none is wider than the window (a wide table, the
// outcomes of many variants, scrolls within its own box).
func TestPagesFitTheWindow(t *testing.T) {
	chrome := browser(t)
	out := webPages(t)
	// and an outcomes table as wide as many variants' columns make it
	wide := plots.Table{Caption: "outcomes"}
	for i := range 30 {
		wide.Header = append(wide.Header, fmt.Sprintf("outcome column %d", i))
	}
	wide.Rows = [][]string{wide.Header}
	if err := plots.WriteIndex(filepath.Join(out, "wide.html"), plots.Page{Title: "wide", Tables: []plots.Table{wide}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"index.html", "base/index.html", "wide.html"} {
		probe := filepath.Join(out, filepath.Dir(p), "probe.html")
		if err := os.WriteFile(probe, []byte(readPage(t, filepath.Join(out, p))+overflowProbe), 0o644); err != nil {
			t.Fatal(err)
		}
		_, console := renderAt(t, chrome, probe, "--window-size=1400,900")
		for _, l := range console {
			t.Errorf("%s at 1400 px: %s", p, l)
		}
	}
}
