package models

import (
	"strconv"

	"github.com/flinksim/flinksim/internal/human"
	"github.com/flinksim/flinksim/sim"
)

// Durations in what a run says to people (failure reasons, summary.json's
// window assigners) print as a scenario writes them, never in sim.Time's
// or Go's own form ("1m0s").

// setting prints a configured duration exactly, as a scenario writes it:
// 1m, 100s, 1h, -8h (human.Duration; not human.Seconds' one decimal,
// which would print a 100 s window as 1.7min).
func setting(d sim.Time) string { return human.Duration(int64(d)) }

// kafkaMs prints a Kafka client setting as its configuration holds it, in
// milliseconds, with the duration for people: "3600000 (1h)".
func kafkaMs(d sim.Time) string {
	ms := strconv.FormatFloat(float64(d)/float64(sim.Millisecond), 'f', -1, 64)
	return ms + " (" + setting(d) + ")"
}
