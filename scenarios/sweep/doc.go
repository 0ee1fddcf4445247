// Package sweep runs a scenario over a grid of settings: the plan of points
// (each with a stable key and a seed derived from the scenario's seed, the
// key and the replica, never from the worker), shards of a plan for running
// on many machines, the outcome of each run as a line of JSON, merging
// shard files, and bisection for capacity questions ("the smallest
// parallelism that keeps p99 latency under 5 s").
//
// Results depend only on the plan: not on -j, on the shard layout, or on
// the order in which points run.
//
// Files:
//
//	plan.go     Plan and Point: the grid's points, keys, seeds, shards
//	run.go      Runner: checks and runs points in parallel
//	outcome.go  Outcome: what a run's result says, by name; Tally: how many runs ended in each verdict
//	record.go   Record: one run as a JSON line; reading, merging (identical duplicates dropped, differing ones refused), statistics (and the tally of verdicts) per point
//	journal.go  the journal of finished runs that a resumed sweep skips
//	bisect.go   Search: bisection for the value that meets conditions
package sweep
