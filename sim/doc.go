// Package sim is flinksim's discrete-event engine. It knows nothing of Flink.
//
// Virtual time is an int64 count of nanoseconds ([Time]); it never drifts and
// never goes backwards. Events are plain values in a typed 4-ary heap ordered by
// (time, sequence), so events scheduled for the same instant pop in the order
// they were scheduled, on every machine. An event names a kind, an actor and one
// integer argument; the model dispatches on the kind with a switch, so no event
// allocates and no closure is kept.
//
// Cancellable timers use generation counters: re-arming or disarming a [Timer]
// bumps its generation and the stale heap entry is skipped when it surfaces
// (lazy deletion, cheapest when most timers fire).
//
// Randomness is always passed in. [Streams] derives one independent generator
// per name from the run's seed, so adding a source of randomness shifts no
// other stream, and two variants of a scenario see the same arrivals and the
// same failures (common random numbers).
//
// Usage:
//
//	eng := sim.NewEngine()
//	eng.At(0, kindArrival, 0, 0)
//	eng.Run(sim.Hour, handler) // handler.Handle(eng, ev) for every event up to 1h
//
// The package has no goroutines, no wall clock, no files and no globals.
//
//	time.go       Time (ns), saturating Add and Scale
//	engine.go     Engine: the event heap, timers, Run
//	rand.go       Streams: named random generators from one seed
//	dist.go       Dist: work distributions, sums of many draws in one
//	cdf.go        CDF and the equilibrium residual's CDF of a Dist
//	counts.go     Poisson counts without allocation
//	histogram.go  Histogram: log-spaced buckets, quantiles
package sim
