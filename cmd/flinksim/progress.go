package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/sim"
)

// newBar is flinksim's one progress display, on stderr and only on a
// terminal without -q (the callers decide): a bar of max steps with the
// share done, the time spent and the time left (ETA), cleared when done.
// Extra options add to it, e.g. sweep's count of runs.
func newBar(w io.Writer, max int64, description string, extra ...progressbar.Option) *progressbar.ProgressBar {
	opts := []progressbar.Option{progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(description),
		progressbar.OptionSetWidth(30), progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100 * time.Millisecond), progressbar.OptionClearOnFinish()}
	return progressbar.NewOptions64(max, append(opts, extra...)...)
}

// progress shows how much virtual time the runs of run and compare have
// simulated, all together, on one bar with an ETA; nil shows nothing.
type progress struct {
	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	at   []sim.Time
	last time.Time
}

// progressStep is the bar's unit: a virtual millisecond.
const progressStep = sim.Millisecond

func newProgress(on bool, w io.Writer, durations []sim.Time) *progress {
	if !on || len(durations) == 0 {
		return nil
	}
	var total sim.Time
	for _, d := range durations {
		total += d
	}
	desc := human.Seconds(total.Seconds()) + " virtual" // 20min, as every other output prints it
	if len(durations) > 1 {
		desc = fmt.Sprintf("%d runs, %s", len(durations), desc)
	}
	return &progress{bar: newBar(w, max(int64(total/progressStep), 1), desc), at: make([]sim.Time, len(durations))}
}

// set records that run i reached virtual time t.
func (p *progress) set(i int, t sim.Time) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.at[i] = t
	if time.Since(p.last) < 100*time.Millisecond {
		return // the runs call often; the bar redraws at most ten times a second
	}
	p.last = time.Now()
	var done sim.Time
	for _, a := range p.at {
		done += a
	}
	_ = p.bar.Set64(int64(done / progressStep))
}

// done clears the bar.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish()
}
