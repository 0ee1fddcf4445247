package main

import (
	"fmt"
	"io"

	"github.com/flinksim/flinksim/scenarios/sweep"
)

// Replicas: compare and sweep run a scenario several times with derived
// seeds and count how many runs ended in each outcome, so that a result
// that hinges on chance (a knife edge) shows as one.

// mixed marks a variant or point whose replicas did not all end the same;
// mixedNote explains it under a table.
const (
	mixed     = "MIXED"
	mixedNote = mixed + ": outcome differs between seeds: the result hinges on chance"
)

// tallyCell is a table cell of a tally: "stable 3/3", or
// "MIXED stable 2/3, failover 1/3".
func tallyCell(t sweep.Tally) string {
	if t.Mixed() {
		return mixed + " " + t.String()
	}
	return t.String()
}

// checkReplicas checks --replicas as sweep does: from 1 to
// sweep.MaxPoints.
func checkReplicas(n int) error {
	if n < 1 || n > sweep.MaxPoints {
		return usageError{fmt.Errorf("--replicas %d: must be from 1 to %d", n, sweep.MaxPoints)}
	}
	return nil
}

// maxMixedShown is how many MIXED points a sweep prints.
const maxMixedShown = 10

// printMixed prints how many of a sweep's points are MIXED, and the first
// of them with their tallies.
func printMixed(w io.Writer, stats []sweep.Stats, replicas int) {
	var knife []sweep.Stats
	for _, s := range stats {
		if s.Tally.Mixed() {
			knife = append(knife, s)
		}
	}
	if len(knife) == 0 {
		fmt.Fprintf(w, "every point ended the same in all %d replicas\n", replicas)
		return
	}
	fmt.Fprintf(w, "%s: %d of %d points; outcome differs between seeds: the result hinges on chance\n", mixed, len(knife), len(stats))
	for i, s := range knife {
		if i == maxMixedShown {
			fmt.Fprintf(w, "  ... and %d more (points.jsonl has every run)\n", len(knife)-maxMixedShown)
			break
		}
		fmt.Fprintf(w, "  %s  %s\n", s.Key, s.Tally)
	}
}
