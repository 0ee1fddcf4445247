package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/flinksim/flinksim/sim"
)

// TestProgressBar: the runs' progress is one bar over their virtual time
// together, with the share done and the time left, cleared at the end; off
// (not a terminal, or -q) it is nothing at all.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(true, &b, []sim.Time{10 * sim.Minute, 10 * sim.Minute})
	time.Sleep(150 * time.Millisecond)
	p.set(0, 10*sim.Minute)
	p.set(1, 0)
	shown := b.String()
	if !strings.Contains(shown, "2 runs, 20min virtual") || !strings.Contains(shown, " 50% |") || !strings.Contains(shown, ":") {
		t.Errorf("progress shown: %q", shown)
	}
	p.done()
	if rest := b.String()[len(shown):]; !strings.HasSuffix(rest, "\r") || strings.TrimSpace(strings.TrimPrefix(rest, "\r")) != "" {
		t.Errorf("not cleared at the end: %q", rest)
	}
	var off *progress = newProgress(false, &b, []sim.Time{sim.Minute})
	off.set(0, sim.Minute)
	off.done()
	if off != nil {
		t.Error("progress on without a terminal")
	}
}
