package main

import (
	"math"
	"time"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// The probe behind the work estimate simulates the start of a run (the
// run's own first events: models.Simulation.RunPrefix) apart from it and
// predicts the whole run's events and wall time from it. Two things make a
// run's start unlike the rest, and the probe looks past both:
//   - its events come faster while the job fills its network channels (a
//     keyBy of 64 × 64 channels behind a slow sink: 23k events a virtual
//     second in its first 36 s, 1.4k after its first minute), so the
//     events to come are predicted at the rate of the probe's last
//     doubling where that rate had settled (within settleTolerance of the
//     doubling before) and so had the network's fill (within
//     maxFillChange of its buffers);
//   - its events cost more while the process warms up (a fresh heap
//     collected often, cold caches: three times the CPU per event in the
//     first few milliseconds), so the wall time per event is that of the
//     last doubling, after at least minWall where the estimate is shown.

// probeShare is the share of virtual time the probe simulates first (at
// most maxProbe); it doubles from there while the event rate has not
// settled, up to a quarter of the run.
const (
	probeShare      = 100
	maxProbe        = 10 * sim.Minute
	settleTolerance = 0.25
	maxFillChange   = 0.1 // of the network buffers, over the last doubling
)

// probeLimits bound a probe's wall time.
type probeLimits struct {
	minWall  float64 // seconds the probe runs at least (within a quarter of the run), so the wall per event is past the warm-up
	maxWall  float64 // seconds the probe runs at most
	maxShare float64 // share of the predicted wall time the probe runs at most
}

var (
	// defaultProbe stops as soon as the event rate settles where the
	// estimate will not be shown; where it will, it runs on to minWall so
	// that its wall per event is the warm process's.
	defaultProbe = probeLimits{minWall: 1, maxWall: 30, maxShare: 0.05}
	// noWallLimit stops only when the event rate settles or a quarter of
	// the run is done: the same point every time (tests).
	noWallLimit = probeLimits{maxWall: math.Inf(1), maxShare: math.Inf(1)}
)

// probeSample is how far a probe got by virtual time t.
type probeSample struct {
	t      sim.Time
	events uint64
	wall   float64 // seconds since the probe started
	fill   float64 // the network buffers in use (models.Simulation.NetworkFill)
}

// workEstimate is what a probe predicts of a whole run.
type workEstimate struct {
	events   float64  // events of the whole run
	perEvent float64  // wall seconds per event, in the probe's last doubling
	probed   sim.Time // virtual time the probe simulated
	settled  bool     // the event rate had settled where the probe stopped
}

// wall is the predicted wall seconds of the run.
func (w workEstimate) wall() float64 { return w.events * w.perEvent }

// startedRun is the probe's simulation and the wall time it took: the
// start of the run itself (RunPrefix simulates it exactly as Run would), so
// the run goes on from it (scenarios.Continue) rather than simulating its
// start again.
type startedRun struct {
	s     *models.Simulation
	spent time.Duration
}

// probeRun simulates the start of spec's run apart from any run, within
// lim, and predicts the run. times is how many such runs one after another
// the estimate is for (a sweep's points over its cores); shown (the
// estimate will be printed whatever it says) makes the probe run
// lim.minWall at least, as does an estimate of etaThreshold/4 or more.
// It returns the run's start (nil after an error); a caller that drops it
// collects it (runtime.GC) before a run builds its own.
func probeRun(spec models.Spec, lim probeLimits, shown bool, times float64) (workEstimate, *startedRun, error) {
	s, err := models.New(spec)
	if err != nil {
		return workEstimate{}, nil, err
	}
	d := spec.Duration
	first := max(min(d/probeShare, maxProbe), sim.Nanosecond)
	samples := []probeSample{{}}
	var est, settled workEstimate
	next, start := first, time.Now()
	_, err = s.RunPrefix(max(first/4, sim.Nanosecond), func(now sim.Time) bool {
		samples = append(samples, probeSample{now, s.Engine().Events(), time.Since(start).Seconds(), s.NetworkFill()})
		if now < next && now < d {
			return true
		}
		est = predict(samples, d)
		if est.settled {
			settled = est
		}
		next = min(next*2, max(d/4, first)) // the last doubling ends at a quarter of the run
		return !lim.enough(est, samples[len(samples)-1].wall, shown || est.wall()*times >= etaThreshold.Seconds()/4, d)
	})
	spent := time.Since(start)
	// A probe that ran on past a settled rate for its wall per event (or
	// to its limits) may end in a burst the rest of the run does not
	// have: the events are those the settled rate predicted.
	if !est.settled && settled.settled {
		est.events, est.settled = settled.events, true
	}
	if err != nil {
		return est, nil, err
	}
	return est, &startedRun{s, spent}, nil
}

// enough says the probe can stop: the whole run or a quarter of it done,
// or maxWall spent; else, once minWall is spent where the estimate is to
// be shown, the event rate settled, or maxShare of the predicted wall
// spent on a rate that does not settle.
func (lim probeLimits) enough(est workEstimate, wall float64, shown bool, d sim.Time) bool {
	if est.probed >= d/4 || wall >= lim.maxWall {
		return true
	}
	if shown && wall < lim.minWall {
		return false
	}
	return est.settled || wall >= lim.maxShare*est.wall()
}

// predict extrapolates samples (at times first/4 apart, the last at a
// check) to a run of d: the events to come at the rate of the last
// doubling, each at that doubling's wall time per event.
func predict(samples []probeSample, d sim.Time) workEstimate {
	last := samples[len(samples)-1]
	half := sampleAt(samples, last.t/2)
	quarter := sampleAt(samples, last.t/4)
	est := workEstimate{events: float64(last.events), probed: last.t, settled: true}
	newer, older := rate(half, last), rate(quarter, half)
	if last.t < d {
		est.events += newer * float64(d-last.t)
		est.settled = math.Abs(newer-older) <= settleTolerance*older && math.Abs(last.fill-half.fill) <= maxFillChange
	}
	switch {
	case last.events > half.events:
		est.perEvent = (last.wall - half.wall) / float64(last.events-half.events)
	case last.events > 0:
		est.perEvent = last.wall / float64(last.events)
	}
	return est
}

// sampleAt is the last sample at or before t.
func sampleAt(samples []probeSample, t sim.Time) probeSample {
	at := samples[0]
	for _, s := range samples {
		if s.t > t {
			break
		}
		at = s
	}
	return at
}

// rate is the events per virtual nanosecond from a to b.
func rate(a, b probeSample) float64 {
	if b.t <= a.t {
		return 0
	}
	return float64(b.events-a.events) / float64(b.t-a.t)
}
