package scenarios

import (
	"time"

	"github.com/flinksim/flinksim/diagnose"
	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// Run simulates a loaded scenario and completes its summary: the wall time
// and events per second it took, the Flink keys it ignored, and the
// diagnosis (sustainable rate, bottleneck, verdict). It is the one way
// `run`, `compare` and `sweep` run a scenario. progress, if not nil, is
// called every few virtual minutes with the virtual time reached.
//
// A run that breaks an invariant returns its result with an error wrapping
// models.ErrInvariant; any other error comes with no result.
func Run(l *Loaded, progress func(now sim.Time)) (*result.Result, error) {
	s, err := models.New(l.Spec)
	if err != nil {
		return nil, err
	}
	return Continue(l, s, 0, progress)
}

// Continue is Run of s, a simulation of l whose start may have been
// simulated already (models.Simulation.RunPrefix, the work probe's) in
// spent wall time, which the summary's wall time includes.
func Continue(l *Loaded, s *models.Simulation, spent time.Duration, progress func(now sim.Time)) (*result.Result, error) {
	start := time.Now().Add(-spent)
	res, err := s.Run(progress)
	if res == nil {
		return nil, err
	}
	wall := time.Since(start).Seconds()
	res.Summary.WallS = wall
	if wall > 0 {
		res.Summary.Engine.EventsPerS = float64(res.Summary.Engine.Events) / wall
	}
	res.Summary.NotModelledFlinkKeys = l.NotModelled
	res.Summary.InertFlinkKeys = l.InertFlinkKeys
	diagnose.Complete(res)
	return res, err
}
