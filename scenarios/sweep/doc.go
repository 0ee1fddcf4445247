// Package sweep runs a scenario over a grid of settings: the plan of points
// (each with a stable key and a seed derived from the scenario's seed, the
// key and the replica, never from the worker), shards of a plan for running
// on many machines, the outcome of each run as a line of JSON, merging
// shard files, and bisection for capacity questions ("the smallest
// parallelism that keeps p99 latency under 5 s").
//
// Results depend only on the plan: not on -j, on the shard layout, or on
// the order in which points run.
package sweep
