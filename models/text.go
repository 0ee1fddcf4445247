package models

import (
	"strconv"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/sim"
)

// Durations in what a run says to people (failure reasons, summary.json's
// window assigners) print in the CLI's units, never in sim.Time's or Go's
// own form ("1m0s").

// humanTime prints d as the CLI prints durations: 1min, 10s, 1h, -8h.
func humanTime(d sim.Time) string { return human.Seconds(d.Seconds()) }

// kafkaMs prints a Kafka client setting as its configuration holds it, in
// milliseconds, with the duration for people: "3600000 (1h)".
func kafkaMs(d sim.Time) string {
	ms := strconv.FormatFloat(float64(d)/float64(sim.Millisecond), 'f', -1, 64)
	return ms + " (" + humanTime(d) + ")"
}
